<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>IssueCouponDialog</name>
    <message>
        <source>Issue coupon</source>
        <translation>发放优惠券</translation>
    </message>
    <message>
        <source>Terms typed below</source>
        <translation>按下方填写的条件</translation>
    </message>
    <message>
        <source>Coupon type</source>
        <translation>优惠券类型</translation>
    </message>
</context>
<context>
    <name>LoyaltyPage</name>
    <message>
        <source>Count card</source>
        <translation>计次卡</translation>
    </message>
    <message>
        <source>Left / uses</source>
        <translation>剩余 / 总次数</translation>
    </message>
    <message>
        <source>Valid until</source>
        <translation>有效期至</translation>
    </message>
    <message>
        <source>Sold</source>
        <translation>购买日期</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Enter: use one (with the note typed above)</source>
        <translation>回车：核销一次（附上方填写的备注）</translation>
    </message>
    <message>
        <source>Note for the use (optional)</source>
        <translation>本次核销备注（可不填）</translation>
    </message>
    <message>
        <source>Use one (Enter)</source>
        <translation>核销一次（回车）</translation>
    </message>
    <message>
        <source>Sell count card…</source>
        <translation>售计次卡…</translation>
    </message>
    <message>
        <source>Refund unused uses…</source>
        <translation>退还未用次数…</translation>
    </message>
    <message>
        <source>Owner only: pays back the unused uses pro rata</source>
        <translation>仅限店主：按比例退还未用次数的钱</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>种类</translation>
    </message>
    <message>
        <source>Change</source>
        <translation>变动</translation>
    </message>
    <message>
        <source>Left</source>
        <translation>剩余</translation>
    </message>
    <message>
        <source>Operator</source>
        <translation>经办人</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>Uses of the selected card</source>
        <translation>所选计次卡的使用记录</translation>
    </message>
    <message>
        <source>Code</source>
        <translation>券码</translation>
    </message>
    <message>
        <source>Offer</source>
        <translation>优惠</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <source>Used on</source>
        <translation>使用时间</translation>
    </message>
    <message>
        <source>Issue coupon…</source>
        <translation>发放优惠券…</translation>
    </message>
    <message>
        <source>Owner only</source>
        <translation>仅限店主</translation>
    </message>
    <message>
        <source>Copy coupon</source>
        <translation>复制券码</translation>
    </message>
    <message>
        <source>Void coupon…</source>
        <translation>作废优惠券…</translation>
    </message>
    <message>
        <source>Owner only: an unused coupon, with a reason</source>
        <translation>仅店主：作废一张未使用的优惠券，须写原因</translation>
    </message>
    <message>
        <source>Gift</source>
        <translation>礼品</translation>
    </message>
    <message>
        <source>Points</source>
        <translation>积分</translation>
    </message>
    <message>
        <source>Redeem gift…</source>
        <translation>兑换礼品…</translation>
    </message>
    <message>
        <source>Count cards</source>
        <translation>计次卡</translation>
    </message>
    <message>
        <source>Coupons</source>
        <translation>优惠券</translation>
    </message>
    <message>
        <source>Gifts for points</source>
        <translation>积分兑换</translation>
    </message>
    <message>
        <source>Member benefits</source>
        <translation>会员权益</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt; points</source>
        <translation>积分 &lt;b&gt;%1&lt;/b&gt;</translation>
    </message>
    <message>
        <source>%1 of them expire after %2</source>
        <translation>其中 %1 分于 %2 后过期</translation>
    </message>
    <message>
        <source>%1 valid coupon(s)</source>
        <translation>可用优惠券 %1 张</translation>
    </message>
    <message>
        <source>%1 count card(s) in use</source>
        <translation>使用中的计次卡 %1 张</translation>
    </message>
    <message>
        <source>expired</source>
        <translation>已过期</translation>
    </message>
    <message>
        <source>used up</source>
        <translation>已用完</translation>
    </message>
    <message>
        <source>one left</source>
        <translation>仅剩一次</translation>
    </message>
    <message>
        <source>in use</source>
        <translation>使用中</translation>
    </message>
    <message>
        <source>no end</source>
        <translation>不限期</translation>
    </message>
    <message>
        <source>valid</source>
        <translation>有效</translation>
    </message>
    <message>
        <source>used</source>
        <translation>已使用</translation>
    </message>
    <message>
        <source>void</source>
        <translation>已作废</translation>
    </message>
    <message>
        <source>issued by hand</source>
        <translation>手工发放</translation>
    </message>
    <message>
        <source>to a group</source>
        <translation>群发</translation>
    </message>
    <message>
        <source>birthday</source>
        <translation>生日</translation>
    </message>
    <message>
        <source>wake-up</source>
        <translation>唤醒</translation>
    </message>
    <message>
        <source>use</source>
        <translation>核销</translation>
    </message>
    <message>
        <source>refund</source>
        <translation>退次</translation>
    </message>
    <message>
        <source>Used one of “%1”: %2 left</source>
        <translation>“%1”已核销一次，剩余 %2 次</translation>
    </message>
    <message>
        <source>Count card sold</source>
        <translation>计次卡已售出</translation>
    </message>
    <message>
        <source>Refund unused uses</source>
        <translation>退还未用次数</translation>
    </message>
    <message>
        <source>Refund the %1 unused use(s) of “%2”? The money goes back by the methods it was paid with.</source>
        <translation>退还“%2”未用的 %1 次？钱按原支付方式退回。</translation>
    </message>
    <message>
        <source>Refunded ¥%1</source>
        <translation>已退 ¥%1</translation>
    </message>
    <message>
        <source>Coupon copied</source>
        <translation>券码已复制</translation>
    </message>
    <message>
        <source>Coupon %1 voided</source>
        <translation>优惠券 %1 已作废</translation>
    </message>
    <message>
        <source>Gift handed over</source>
        <translation>礼品已兑换</translation>
    </message>
</context>
<context>
    <name>RedeemGiftDialog</name>
    <message>
        <source>Redeem gift</source>
        <translation>积分兑换礼品</translation>
    </message>
    <message>
        <source>%1 · %2 points · %3 in stock</source>
        <translation>%1 · %2 分 · 库存 %3</translation>
    </message>
    <message>
        <source>The member has %1 points</source>
        <translation>会员现有 %1 积分</translation>
    </message>
    <message>
        <source>Gift</source>
        <translation>礼品</translation>
    </message>
    <message>
        <source>Points</source>
        <translation>积分</translation>
    </message>
</context>
<context>
    <name>TermsEditor</name>
    <message>
        <source>Amount off</source>
        <translation>满减券</translation>
    </message>
    <message>
        <source>Percent off</source>
        <translation>折扣券（减百分比）</translation>
    </message>
    <message>
        <source>Gift</source>
        <translation>礼品</translation>
    </message>
    <message>
        <source>0 = any sale</source>
        <translation>0 = 不设门槛</translation>
    </message>
    <message>
        <source>empty = no cap</source>
        <translation>不填 = 不封顶</translation>
    </message>
    <message>
        <source> days</source>
        <translation> 天</translation>
    </message>
    <message>
        <source>no limit</source>
        <translation>不限</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>种类</translation>
    </message>
    <message>
        <source>Amount off (yuan)</source>
        <translation>减免金额（元）</translation>
    </message>
    <message>
        <source>Threshold (yuan)</source>
        <translation>使用门槛（满多少元）</translation>
    </message>
    <message>
        <source>Cap (yuan)</source>
        <translation>最多减（元）</translation>
    </message>
    <message>
        <source>Valid for</source>
        <translation>有效期</translation>
    </message>
    <message>
        <source>Per customer</source>
        <translation>每人限领</translation>
    </message>
</context>
<context>
    <name>VoidCouponDialog</name>
    <message>
        <source>Void coupon</source>
        <translation>作废优惠券</translation>
    </message>
    <message>
        <source>e.g. issued by mistake</source>
        <translation>例如：发错了</translation>
    </message>
    <message>
        <source>Coupon</source>
        <translation>优惠券</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
</context>
</TS>
