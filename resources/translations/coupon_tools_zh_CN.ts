<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>CouponFiguresDialog</name>
    <message>
        <source>Coupon figures</source>
        <translation>优惠券统计</translation>
    </message>
    <message>
        <source> days</source>
        <translation> 天</translation>
    </message>
    <message>
        <source>Issued from</source>
        <translation>发券日期</translation>
    </message>
    <message>
        <source>Used within</source>
        <translation>统计使用期限</translation>
    </message>
    <message>
        <source>Issued</source>
        <translation>发出</translation>
    </message>
    <message>
        <source>Used</source>
        <translation>已使用</translation>
    </message>
    <message>
        <source>Used within the days above</source>
        <translation>发券后上述天数内使用</translation>
    </message>
    <message>
        <source>Taken off</source>
        <translation>优惠金额</translation>
    </message>
    <message>
        <source>Sales they brought</source>
        <translation>带来的销售额</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
</context>
<context>
    <name>IssueToSegmentDialog</name>
    <message>
        <source>Issue coupons to a segment</source>
        <translation>发券给分群</translation>
    </message>
    <message>
        <source>Segment: %1</source>
        <translation>分群：%1</translation>
    </message>
    <message>
        <source>Simple filter (below)</source>
        <translation>简单条件（见下）</translation>
    </message>
    <message>
        <source>any</source>
        <translation>不限</translation>
    </message>
    <message>
        <source> days</source>
        <translation> 天</translation>
    </message>
    <message>
        <source>Grade</source>
        <translation>等级</translation>
    </message>
    <message>
        <source>Member level</source>
        <translation>会员级别</translation>
    </message>
    <message>
        <source>Tag</source>
        <translation>标签</translation>
    </message>
    <message>
        <source>Birthday month</source>
        <translation>生日月份</translation>
    </message>
    <message>
        <source>No purchase for at least</source>
        <translation>至少未消费</translation>
    </message>
    <message>
        <source>Terms typed below</source>
        <translation>按下面填写的条件</translation>
    </message>
    <message>
        <source>Customers</source>
        <translation>客户</translation>
    </message>
    <message>
        <source>Reaches</source>
        <translation>覆盖</translation>
    </message>
    <message>
        <source>Coupon type</source>
        <translation>优惠券类型</translation>
    </message>
    <message>
        <source>%1 customer(s)</source>
        <translation>%1 位客户</translation>
    </message>
    <message>
        <source>Issuing coupons…</source>
        <translation>正在发券…</translation>
    </message>
    <message>
        <source>%1 coupon(s) issued; %2 customer(s) skipped (at their per-customer limit)</source>
        <translation>已发出 %1 张优惠券；%2 位客户已达每人限领数，未发</translation>
    </message>
</context>
</TS>
