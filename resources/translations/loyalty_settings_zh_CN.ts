<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>LoyaltySettingsDialog</name>
    <message>
        <source>Member benefits settings</source>
        <translation>会员权益设置</translation>
    </message>
    <message>
        <source>Percent of the price a member of each level pays (95 = 9.5 折, 100 = no discount)</source>
        <translation>各等级会员按原价的百分之几付款（95 = 9.5 折，100 = 不打折）</translation>
    </message>
    <message>
        <source>No member levels yet: give a customer a level in the archive first</source>
        <translation>还没有会员等级：请先在客户档案中设置等级</translation>
    </message>
    <message>
        <source>Goods</source>
        <translation>商品</translation>
    </message>
    <message>
        <source>Service</source>
        <translation>服务</translation>
    </message>
    <message>
        <source>Count cards</source>
        <translation>计次卡</translation>
    </message>
    <message>
        <source>Member prices on</source>
        <translation>会员价适用于</translation>
    </message>
    <message>
        <source>Member prices</source>
        <translation>会员价</translation>
    </message>
    <message>
        <source>off (points are not money)</source>
        <translation>关闭（积分不能抵现）</translation>
    </message>
    <message>
        <source>empty = no cap</source>
        <translation>不填 = 不封顶</translation>
    </message>
    <message>
        <source>never</source>
        <translation>永不过期</translation>
    </message>
    <message>
        <source>Points for one yuan off</source>
        <translation>多少积分抵 1 元</translation>
    </message>
    <message>
        <source>At most this share of a sale</source>
        <translation>每单最多抵应付的</translation>
    </message>
    <message>
        <source>At most per sale (yuan)</source>
        <translation>每单最多抵（元）</translation>
    </message>
    <message>
        <source>Points expire after (years after the year earned)</source>
        <translation>积分有效期（获得当年之后再过几年年底过期）</translation>
    </message>
    <message>
        <source>Coupon with the birthday greeting</source>
        <translation>生日问候附送的优惠券</translation>
    </message>
    <message>
        <source>Coupon to wake a dormant customer</source>
        <translation>唤醒沉睡客户附送的优惠券</translation>
    </message>
    <message>
        <source>Points and care coupons</source>
        <translation>积分与关怀券</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Offer</source>
        <translation>优惠</translation>
    </message>
    <message>
        <source>Valid for</source>
        <translation>有效期</translation>
    </message>
    <message>
        <source>Per customer</source>
        <translation>每人限领</translation>
    </message>
    <message>
        <source>Save coupon type</source>
        <translation>保存优惠券类型</translation>
    </message>
    <message>
        <source>Coupon types</source>
        <translation>优惠券类型</translation>
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
        <source>Stock</source>
        <translation>库存</translation>
    </message>
    <message>
        <source>Add gift</source>
        <translation>添加礼品</translation>
    </message>
    <message>
        <source>Add to the stock of the selected gift</source>
        <translation>给所选礼品补库存</translation>
    </message>
    <message>
        <source>Restock by</source>
        <translation>补货数量</translation>
    </message>
    <message>
        <source>Gift catalogue</source>
        <translation>礼品目录</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>（不发）</translation>
    </message>
    <message>
        <source>%1 days</source>
        <translation>%1 天</translation>
    </message>
    <message>
        <source>a coupon type needs a name</source>
        <translation>优惠券类型须有名称</translation>
    </message>
    <message>
        <source>Choose a gift in the list first</source>
        <translation>请先在列表中选择一个礼品</translation>
    </message>
</context>
</TS>
