<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>BirthdayEdit</name>
    <message>
        <source>None</source>
        <translation>无</translation>
    </message>
    <message>
        <source>Solar</source>
        <translation>公历</translation>
    </message>
    <message>
        <source>Lunar</source>
        <translation>农历</translation>
    </message>
    <message>
        <source>e.g. 1990-03-15</source>
        <translation>例如 1990-03-15（也可写 19900315、1990/3/15）</translation>
    </message>
    <message>
        <source>Leap</source>
        <translation>闰月</translation>
    </message>
    <message>
        <source>year unknown</source>
        <translation>年份不详</translation>
    </message>
</context>
<context>
    <name>ContactDialog</name>
    <message>
        <source>Record contact</source>
        <translation>记录联系</translation>
    </message>
    <message>
        <source>(not asked)</source>
        <translation>（未询问）</translation>
    </message>
    <message>
        <source>Follow up on</source>
        <translation>下次跟进日期</translation>
    </message>
    <message>
        <source>Channel</source>
        <translation>方式</translation>
    </message>
    <message>
        <source>Purpose</source>
        <translation>目的</translation>
    </message>
    <message>
        <source>Outcome</source>
        <translation>结果</translation>
    </message>
    <message>
        <source>Satisfaction</source>
        <translation>满意度</translation>
    </message>
    <message>
        <source>Next follow-up</source>
        <translation>下次跟进</translation>
    </message>
</context>
<context>
    <name>CustomerForm</name>
    <message>
        <source>Refund…</source>
        <translation>退货退款…</translation>
    </message>
    <message>
        <source>Refund the selected purchase, whole or in part</source>
        <translation>为选中的消费办理退款（全部或部分）</translation>
    </message>
    <message>
        <source>Copy receipt</source>
        <translation>复制小票</translation>
    </message>
    <message>
        <source>Receipt</source>
        <translation>小票</translation>
    </message>
    <message>
        <source>(refunded %1)</source>
        <translation>（已退 %1）</translation>
    </message>
    <message>
        <source>Split</source>
        <translation>组合支付</translation>
    </message>
    <message>
        <source>Receipt copied</source>
        <translation>小票已复制</translation>
    </message>
    <message>
        <source>Not asked yet (imported): counts as no until the customer agrees</source>
        <translation>尚未询问（导入时未注明）：客户同意之前按“不接受”处理</translation>
    </message>
    <message>
        <source>11-digit mobile, e.g. 138 1234 5678</source>
        <translation>11 位手机号，如 138 1234 5678</translation>
    </message>
    <message>
        <source>Unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <source>Female</source>
        <translation>女</translation>
    </message>
    <message>
        <source>Male</source>
        <translation>男</translation>
    </message>
    <message>
        <source>How the customer found the shop (friend, passing by, Meituan…)</source>
        <translation>顾客是怎么知道本店的（朋友介绍、路过、美团…）</translation>
    </message>
    <message>
        <source>Member card number; kept as text, leading zeros included</source>
        <translation>会员卡号；按文本保存，保留开头的 0</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>（无）</translation>
    </message>
    <message>
        <source>Separate tags with commas</source>
        <translation>多个标签用逗号分隔</translation>
    </message>
    <message>
        <source>Agrees to receive greetings and offers</source>
        <translation>同意接收祝福和优惠信息</translation>
    </message>
    <message>
        <source>Top up…</source>
        <translation>充值…</translation>
    </message>
    <message>
        <source>Adjust…</source>
        <translation>调整…</translation>
    </message>
    <message>
        <source>No preference</source>
        <translation>无偏好</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>电话</translation>
    </message>
    <message>
        <source>SMS</source>
        <translation>短信</translation>
    </message>
    <message>
        <source>WeChat</source>
        <translation>微信</translation>
    </message>
    <message>
        <source>In the shop</source>
        <translation>到店</translation>
    </message>
    <message>
        <source>e.g. weekday evenings</source>
        <translation>如：工作日晚上</translation>
    </message>
    <message>
        <source>Name *</source>
        <translation>姓名 *</translation>
    </message>
    <message>
        <source>Mobile *</source>
        <translation>手机 *</translation>
    </message>
    <message>
        <source>Other phone</source>
        <translation>其他电话</translation>
    </message>
    <message>
        <source>Gender</source>
        <translation>性别</translation>
    </message>
    <message>
        <source>Birthday</source>
        <translation>生日</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <source>Basic</source>
        <translation>基本信息</translation>
    </message>
    <message>
        <source>Card no.</source>
        <translation>卡号</translation>
    </message>
    <message>
        <source>Level</source>
        <translation>等级</translation>
    </message>
    <message>
        <source>Joined on</source>
        <translation>入会日期</translation>
    </message>
    <message>
        <source>Tags</source>
        <translation>标签</translation>
    </message>
    <message>
        <source>Opening balance (yuan)</source>
        <translation>开户余额（元）</translation>
    </message>
    <message>
        <source>Opening points</source>
        <translation>开户积分</translation>
    </message>
    <message>
        <source>Balance / points</source>
        <translation>余额 / 积分</translation>
    </message>
    <message>
        <source>Anniversaries…</source>
        <translation>纪念日…</translation>
    </message>
    <message>
        <source>Wedding day, a child&apos;s birthday… for greetings in the daily list</source>
        <translation>结婚纪念日、孩子生日……会出现在今日待办的问候中</translation>
    </message>
    <message>
        <source>Anniversaries</source>
        <translation>纪念日</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Balance change</source>
        <translation>余额变动</translation>
    </message>
    <message>
        <source>Points change</source>
        <translation>积分变动</translation>
    </message>
    <message>
        <source>Balance after</source>
        <translation>变动后余额</translation>
    </message>
    <message>
        <source>Points after</source>
        <translation>变动后积分</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Membership</source>
        <translation>会员</translation>
    </message>
    <message>
        <source>Preferred contact</source>
        <translation>偏好的联系方式</translation>
    </message>
    <message>
        <source>Preferred time</source>
        <translation>方便联系的时间</translation>
    </message>
    <message>
        <source>Favourite products</source>
        <translation>喜欢的商品</translation>
    </message>
    <message>
        <source>Taste / style</source>
        <translation>口味 / 风格</translation>
    </message>
    <message>
        <source>Other preferences</source>
        <translation>其他喜好</translation>
    </message>
    <message>
        <source>Preferences</source>
        <translation>偏好</translation>
    </message>
    <message>
        <source>Notes</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>Amount</source>
        <translation>金额</translation>
    </message>
    <message>
        <source>Items</source>
        <translation>商品</translation>
    </message>
    <message>
        <source>Payment</source>
        <translation>付款方式</translation>
    </message>
    <message>
        <source>Points</source>
        <translation>积分</translation>
    </message>
    <message>
        <source>Record purchase…</source>
        <translation>记录消费…</translation>
    </message>
    <message>
        <source>Purchases</source>
        <translation>消费记录</translation>
    </message>
    <message>
        <source>Channel</source>
        <translation>方式</translation>
    </message>
    <message>
        <source>Purpose</source>
        <translation>目的</translation>
    </message>
    <message>
        <source>Outcome</source>
        <translation>结果</translation>
    </message>
    <message>
        <source>Satisfaction</source>
        <translation>满意度</translation>
    </message>
    <message>
        <source>Next follow-up</source>
        <translation>下次跟进</translation>
    </message>
    <message>
        <source>Record contact…</source>
        <translation>记录联系…</translation>
    </message>
    <message>
        <source>Contacts</source>
        <translation>联系记录</translation>
    </message>
    <message>
        <source>Complaints</source>
        <translation>投诉</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <source>Save (Ctrl+S)</source>
        <translation>保存（Ctrl+S）</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>New customer</source>
        <translation>新建客户</translation>
    </message>
    <message>
        <source>&lt;b&gt;New customer&lt;/b&gt; — fields marked * are required</source>
        <translation>&lt;b&gt;新建客户&lt;/b&gt; — 带 * 的为必填项</translation>
    </message>
    <message>
        <source>Customer archive — %1</source>
        <translation>客户档案 — %1</translation>
    </message>
    <message>
        <source>Balance %1</source>
        <translation>余额 %1</translation>
    </message>
    <message>
        <source>Points %1</source>
        <translation>积分 %1</translation>
    </message>
    <message>
        <source>Birthday %1</source>
        <translation>生日 %1</translation>
    </message>
    <message>
        <source>Last purchase %1</source>
        <translation>最近消费 %1</translation>
    </message>
    <message>
        <source>Total spend %1</source>
        <translation>累计消费 %1</translation>
    </message>
    <message>
        <source>Home store %1</source>
        <translation>开卡门店 %1</translation>
    </message>
    <message numerus="yes">
        <source>%n open complaint(s)</source>
        <translation>
            <numerusform>%n 条未结投诉</numerusform>
        </translation>
    </message>
    <message>
        <source>In the recycle bin</source>
        <translation>在回收站中</translation>
    </message>
    <message>
        <source>Balance ¥%1</source>
        <translation>余额 ¥%1</translation>
    </message>
    <message>
        <source>Unsaved changes</source>
        <translation>有未保存的修改</translation>
    </message>
    <message>
        <source>Open that customer</source>
        <translation>打开该客户</translation>
    </message>
    <message>
        <source>Not saved: please correct the fields marked in red</source>
        <translation>未保存：请修改标红的项目</translation>
    </message>
    <message>
        <source>Saved</source>
        <translation>已保存</translation>
    </message>
    <message>
        <source>This customer has unsaved changes. Save them?</source>
        <translation>这位客户有未保存的修改，要保存吗？</translation>
    </message>
    <message>
        <source>Referred by</source>
        <translation>介绍人</translation>
    </message>
    <message>
        <source>Mobile or card no. of the customer who recommended us</source>
        <translation>介绍人的手机号或卡号</translation>
    </message>
    <message>
        <source>For e-mail messages, e.g. name@example.com</source>
        <translation>用于发送电子邮件，例如 name@example.com</translation>
    </message>
    <message>
        <source>E-mail</source>
        <translation>邮箱</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>日期</translation>
    </message>
    <message>
        <source>Gift</source>
        <translation>赠品</translation>
    </message>
    <message>
        <source>Cost</source>
        <translation>成本</translation>
    </message>
    <message>
        <source>Campaign</source>
        <translation>活动</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>Record a gift…</source>
        <translation>记录赠品…</translation>
    </message>
    <message>
        <source>Gifts</source>
        <translation>赠品</translation>
    </message>
</context>
<context>
    <name>GiftDialog</name>
    <message>
        <source>Record a gift</source>
        <translation>记录赠品</translation>
    </message>
    <message>
        <source>e.g. 月饼礼盒</source>
        <translation>例如 月饼礼盒</translation>
    </message>
    <message>
        <source>Gift</source>
        <translation>赠品</translation>
    </message>
    <message>
        <source>Cost to the shop</source>
        <translation>本店成本</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>日期</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>备注</translation>
    </message>
</context>
<context>
    <name>LinesEditor</name>
    <message>
        <source>Item</source>
        <translation>商品</translation>
    </message>
    <message>
        <source>Pieces</source>
        <translation>数量</translation>
    </message>
    <message>
        <source>Unit price (yuan)</source>
        <translation>单价（元）</translation>
    </message>
    <message>
        <source>Line %1</source>
        <translation>第 %1 行</translation>
    </message>
</context>
<context>
    <name>MoneyDialog</name>
    <message>
        <source>Paid by</source>
        <translation>付款方式</translation>
    </message>
    <message>
        <source>Bonus</source>
        <translation>赠送</translation>
    </message>
    <message>
        <source>Top up %1, bonus %2</source>
        <translation>充 %1 送 %2</translation>
    </message>
    <message>
        <source>on the card %1</source>
        <translation>到账 %1</translation>
    </message>
    <message>
        <source>No bonus for this amount</source>
        <translation>此金额无赠送</translation>
    </message>
    <message>
        <source>Top up stored value</source>
        <translation>储值充值</translation>
    </message>
    <message>
        <source>Adjust balance or points</source>
        <translation>调整余额或积分</translation>
    </message>
    <message>
        <source>Amount (yuan)</source>
        <translation>金额（元）</translation>
    </message>
    <message>
        <source>Points (+/-)</source>
        <translation>积分（+/-）</translation>
    </message>
    <message>
        <source>Reason *</source>
        <translation>原因 *</translation>
    </message>
</context>
<context>
    <name>PurchaseDialog</name>
    <message>
        <source>The part paid from the stored-value card; the rest by the method above</source>
        <translation>从储值卡扣的部分；其余用上面的付款方式</translation>
    </message>
    <message>
        <source>Card part (yuan)</source>
        <translation>储值卡支付（元）</translation>
    </message>
    <message>
        <source>Still to pay by %1 ¥%2</source>
        <translation>%1 另付 ¥%2</translation>
    </message>
    <message>
        <source>Balance ¥%1</source>
        <translation>余额 ¥%1</translation>
    </message>
    <message>
        <source>at most %1 of %2 points (¥%3)</source>
        <translation>最多可用 %1 分（共 %2 分，抵 ¥%3）</translation>
    </message>
    <message>
        <source>List ¥%1</source>
        <translation>原价 ¥%1</translation>
    </message>
    <message>
        <source>Due ¥%1</source>
        <translation>应付 ¥%1</translation>
    </message>
    <message>
        <source>Points %1</source>
        <translation>积分 %1</translation>
    </message>
    <message>
        <source>Still to pay ¥%1</source>
        <translation>还差 ¥%1</translation>
    </message>
    <message>
        <source>Balance after ¥%1</source>
        <translation>付后余额 ¥%1</translation>
    </message>
    <message>
        <source>Record purchase</source>
        <translation>记录消费</translation>
    </message>
    <message>
        <source>Sell count card</source>
        <translation>售计次卡</translation>
    </message>
    <message>
        <source>e.g. car wash, facial</source>
        <translation>如：洗车、面部护理</translation>
    </message>
    <message>
        <source>no end</source>
        <translation>不限期</translation>
    </message>
    <message>
        <source> days</source>
        <translation> 天</translation>
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
        <source>choose, or type a coupon code</source>
        <translation>选择，或输入券码</translation>
    </message>
    <message>
        <source>Count card *</source>
        <translation>计次卡项目 *</translation>
    </message>
    <message>
        <source>Uses</source>
        <translation>次数</translation>
    </message>
    <message>
        <source>Valid for</source>
        <translation>有效期</translation>
    </message>
    <message>
        <source>Price (yuan) *</source>
        <translation>售价（元）*</translation>
    </message>
    <message>
        <source>Amount (yuan) *</source>
        <translation>金额（元）*</translation>
    </message>
    <message>
        <source>Sale type</source>
        <translation>销售类型</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Items</source>
        <translation>商品</translation>
    </message>
    <message>
        <source>Coupon</source>
        <translation>优惠券</translation>
    </message>
    <message>
        <source>Points as money</source>
        <translation>积分抵现</translation>
    </message>
    <message>
        <source>Payment</source>
        <translation>付款方式</translation>
    </message>
    <message>
        <source>Lines (optional)</source>
        <translation>商品明细（可选）</translation>
    </message>
</context>
<context>
    <name>RefundDialog</name>
    <message>
        <source>Refund purchase</source>
        <translation>退货退款</translation>
    </message>
    <message>
        <source>%1 · %2 · paid %3 (%4) · refundable %5</source>
        <translation>%1 · %2 · 实付 %3（%4）· 可退 %5</translation>
    </message>
    <message>
        <source>Leave empty to refund the whole purchase</source>
        <translation>留空则整笔退款</translation>
    </message>
    <message>
        <source>Refund (yuan)</source>
        <translation>退款金额（元）</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <source> of %1</source>
        <translation> / %1</translation>
    </message>
    <message>
        <source>%1 × ¥%2 = ¥%3</source>
        <translation>%1 × ¥%2 = ¥%3</translation>
    </message>
    <message>
        <source>(refunded %1)</source>
        <translation>（已退 %1）</translation>
    </message>
    <message>
        <source>Lines</source>
        <translation>商品明细</translation>
    </message>
    <message>
        <source>ticked lines set the amount</source>
        <translation>勾选商品时按所选商品计算金额</translation>
    </message>
    <message>
        <source>All to the stored-value card</source>
        <translation>全部退回储值卡</translation>
    </message>
    <message>
        <source>Owner&apos;s choice: the refund goes onto the card instead</source>
        <translation>店主选择：退款改为全部退回储值卡</translation>
    </message>
    <message>
        <source>Back to</source>
        <translation>退回</translation>
    </message>
    <message>
        <source>¥%1: %2</source>
        <translation>¥%1：%2</translation>
    </message>
    <message>
        <source>Refund ¥%1 of this purchase? Back to: %2.</source>
        <translation>退回这笔消费的 ¥%1？退回：%2。</translation>
    </message>
</context>
</TS>
