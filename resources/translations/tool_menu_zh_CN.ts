<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>ChannelsDialog</name>
    <message>
        <source>Message channels…</source>
        <translation>消息通道设置…</translation>
    </message>
</context>
<context>
    <name>CouponFiguresDialog</name>
    <message>
        <source>Coupon figures…</source>
        <translation>优惠券统计…</translation>
    </message>
</context>
<context>
    <name>DayCloseDialog</name>
    <message>
        <source>Shift / day close…</source>
        <translation>交班 / 日结…</translation>
    </message>
</context>
<context>
    <name>IssueToSegmentDialog</name>
    <message>
        <source>Issue coupons to a segment…</source>
        <translation>发券给分群…</translation>
    </message>
</context>
</TS>
