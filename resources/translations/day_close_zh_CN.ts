<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>DayCloseDialog</name>
    <message>
        <source>Shift / day close</source>
        <translation>交班 / 日结</translation>
    </message>
    <message>
        <source>All (the whole day)</source>
        <translation>全部（全天）</translation>
    </message>
    <message>
        <source>&amp;Date</source>
        <translation>日期(&amp;D)</translation>
    </message>
    <message>
        <source>&amp;Operator</source>
        <translation>操作员(&amp;O)</translation>
    </message>
    <message>
        <source>Payment method</source>
        <translation>付款方式</translation>
    </message>
    <message>
        <source>Sales</source>
        <translation>销售</translation>
    </message>
    <message>
        <source>Top-ups</source>
        <translation>充值</translation>
    </message>
    <message>
        <source>Refunds</source>
        <translation>退款</translation>
    </message>
    <message>
        <source>Bonus given</source>
        <translation>充值赠送</translation>
    </message>
    <message>
        <source>Points redeemed</source>
        <translation>已用积分</translation>
    </message>
    <message>
        <source>Points taken as money</source>
        <translation>积分抵现</translation>
    </message>
    <message>
        <source>Coupons used</source>
        <translation>优惠券使用</translation>
    </message>
    <message>
        <source>Member discounts</source>
        <translation>会员折扣</translation>
    </message>
    <message>
        <source>Count-card uses</source>
        <translation>计次卡使用次数</translation>
    </message>
    <message>
        <source>Stored-value liability</source>
        <translation>储值余额（负债）</translation>
    </message>
    <message>
        <source>Check (balances = ledger)</source>
        <translation>核对（余额 = 流水）</translation>
    </message>
    <message>
        <source>C&amp;lose the day…</source>
        <translation>日结(&amp;L)…</translation>
    </message>
    <message>
        <source>&amp;Export Excel…</source>
        <translation>导出 Excel(&amp;E)…</translation>
    </message>
    <message>
        <source>Cop&amp;y as text</source>
        <translation>复制为文本(&amp;Y)</translation>
    </message>
    <message>
        <source>Close window</source>
        <translation>关闭窗口</translation>
    </message>
    <message>
        <source>the whole day</source>
        <translation>全天</translation>
    </message>
    <message>
        <source>%1&apos;s shift</source>
        <translation>%1 的班次</translation>
    </message>
    <message>
        <source>Closed at %1 (%2)</source>
        <translation>已日结：%1（%2）</translation>
    </message>
    <message>
        <source>The whole day is closed</source>
        <translation>全天已日结</translation>
    </message>
    <message>
        <source>Not closed yet (%1)</source>
        <translation>尚未日结（%1）</translation>
    </message>
    <message>
        <source>Total</source>
        <translation>合计</translation>
    </message>
    <message>
        <source>%1 coupon(s), ¥%2 off</source>
        <translation>%1 张，优惠 ¥%2</translation>
    </message>
    <message>
        <source>OK: card balances ¥%1 equal the ledger</source>
        <translation>一致：卡余额合计 ¥%1 与流水相符</translation>
    </message>
    <message>
        <source>MISMATCH: %1 customer(s) differ from their ledger</source>
        <translation>不一致：%1 位客户的余额与流水不符</translation>
    </message>
    <message>
        <source>Only the owner may close the whole day or another operator&apos;s shift</source>
        <translation>只有店主可以日结全天或他人的班次</translation>
    </message>
    <message>
        <source>Close the day</source>
        <translation>日结</translation>
    </message>
    <message>
        <source>Close %1 for %2? Nothing dated that day can be recorded or changed afterwards.</source>
        <translation>确定日结 %1（%2）？日结后当天不能再记录或更改收款。</translation>
    </message>
    <message>
        <source>Export the close</source>
        <translation>导出日结</translation>
    </message>
    <message>
        <source>Excel (*.xlsx)</source>
        <translation>Excel 文件 (*.xlsx)</translation>
    </message>
</context>
</TS>
