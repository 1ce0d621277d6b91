<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>ComplaintClock</name>
    <message>
        <source>%1 d %2 h</source>
        <translation>%1 天 %2 小时</translation>
    </message>
    <message>
        <source>%1 h %2 min</source>
        <translation>%1 小时 %2 分</translation>
    </message>
    <message>
        <source>Paused, %1 left</source>
        <translation>暂停·剩 %1</translation>
    </message>
    <message>
        <source>Overdue %1</source>
        <translation>超时 %1</translation>
    </message>
    <message>
        <source>%1 left</source>
        <translation>剩 %1</translation>
    </message>
</context>
<context>
    <name>ComplaintDetail</name>
    <message>
        <source>Edit…</source>
        <translation>修改…</translation>
    </message>
    <message>
        <source>Customer archive</source>
        <translation>客户档案</translation>
    </message>
    <message>
        <source>Make customer</source>
        <translation>转为客户</translation>
    </message>
    <message>
        <source>Create a customer from the walk-in&apos;s name and mobile</source>
        <translation>用来访人的姓名和手机新建客户档案</translation>
    </message>
    <message>
        <source>Not judged</source>
        <translation>未判定</translation>
    </message>
    <message>
        <source>Valid</source>
        <translation>成立</translation>
    </message>
    <message>
        <source>Partly valid</source>
        <translation>部分成立</translation>
    </message>
    <message>
        <source>Not valid</source>
        <translation>不成立</translation>
    </message>
    <message>
        <source>Reason for the judgement</source>
        <translation>判定理由</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <source>Is the complaint valid?</source>
        <translation>投诉是否成立</translation>
    </message>
    <message>
        <source>1. Listen fully</source>
        <translation>1. 耐心倾听</translation>
    </message>
    <message>
        <source>2. Restate to confirm</source>
        <translation>2. 复述确认</translation>
    </message>
    <message>
        <source>3. Apologise sincerely</source>
        <translation>3. 真诚道歉</translation>
    </message>
    <message>
        <source>4. Acknowledge the feelings</source>
        <translation>4. 认同感受</translation>
    </message>
    <message>
        <source>5. Explain the action</source>
        <translation>5. 说明措施</translation>
    </message>
    <message>
        <source>6. Thank the customer</source>
        <translation>6. 感谢顾客</translation>
    </message>
    <message>
        <source>Start handling</source>
        <translation>开始处理</translation>
    </message>
    <message>
        <source>Wait for customer</source>
        <translation>等待客户回复</translation>
    </message>
    <message>
        <source>Pauses the due clock until the customer replies</source>
        <translation>客户回复前暂停期限计时</translation>
    </message>
    <message>
        <source>Customer replied</source>
        <translation>客户已回复</translation>
    </message>
    <message>
        <source>Why reopen?</source>
        <translation>重新打开的原因</translation>
    </message>
    <message>
        <source>Reopen</source>
        <translation>重新打开</translation>
    </message>
    <message>
        <source>Amount (yuan)</source>
        <translation>金额（元）</translation>
    </message>
    <message>
        <source>What was done</source>
        <translation>处理说明</translation>
    </message>
    <message>
        <source>Resolve</source>
        <translation>标记已解决</translation>
    </message>
    <message>
        <source>Resolution</source>
        <translation>处理结果</translation>
    </message>
    <message>
        <source> / 5</source>
        <translation> / 5 分</translation>
    </message>
    <message>
        <source>What the customer said</source>
        <translation>客户的反馈</translation>
    </message>
    <message>
        <source>Record follow-up and close</source>
        <translation>记录回访并关闭</translation>
    </message>
    <message>
        <source>Satisfaction</source>
        <translation>满意度</translation>
    </message>
    <message>
        <source>Add a note to the timeline</source>
        <translation>在处理记录中添加备注</translation>
    </message>
    <message>
        <source>Add note</source>
        <translation>添加备注</translation>
    </message>
    <message>
        <source>When</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Who</source>
        <translation>经办</translation>
    </message>
    <message>
        <source>What</source>
        <translation>内容</translation>
    </message>
    <message>
        <source>Select a complaint in the list, or record a new one.</source>
        <translation>在左侧列表中选择一条投诉，或登记新投诉。</translation>
    </message>
    <message>
        <source>(walk-in)</source>
        <translation>（来访）</translation>
    </message>
    <message>
        <source>Due %1</source>
        <translation>期限 %1</translation>
    </message>
    <message>
        <source>Received %1 via %2, handler %3</source>
        <translation>受理 %1，渠道 %2，经办人 %3</translation>
    </message>
    <message>
        <source>Key points: %1</source>
        <translation>投诉要点：%1</translation>
    </message>
    <message>
        <source>Asks for: %1</source>
        <translation>客户诉求：%1</translation>
    </message>
    <message>
        <source>Temperament: %1</source>
        <translation>客户性格：%1</translation>
    </message>
    <message>
        <source>Handling tip: %1</source>
        <translation>处理提示：%1</translation>
    </message>
    <message>
        <source>Six handling steps (%1/6 done)</source>
        <translation>六步处理法（已完成 %1/6）</translation>
    </message>
    <message>
        <source>Start handling the complaint first</source>
        <translation>请先开始处理</translation>
    </message>
    <message>
        <source> (¥%1 refunded to the card)</source>
        <translation>（已退 ¥%1 到储值卡）</translation>
    </message>
    <message>
        <source>Resolved %1: %2</source>
        <translation>%1 已解决：%2</translation>
    </message>
    <message>
        <source>Follow-up %1: satisfaction %2/5 %3</source>
        <translation>%1 回访：满意度 %2/5 %3</translation>
    </message>
    <message>
        <source>Satisfaction follow-up (due %1)</source>
        <translation>满意度回访（应于 %1 回访）</translation>
    </message>
    <message>
        <source>Refund to card (walk-in: make customer first)</source>
        <translation>退到储值卡（来访人需先转为客户）</translation>
    </message>
    <message>
        <source>Refund to stored-value card (balance ¥%1)</source>
        <translation>退到储值卡（余额 ¥%1）</translation>
    </message>
    <message>
        <source>The purchase this refund is of: its spend and points go down</source>
        <translation>这笔退款对应的消费：该消费的金额、客户累计消费和积分随之减少</translation>
    </message>
    <message>
        <source>No particular purchase (a card entry)</source>
        <translation>不对应具体消费（仅记入储值卡）</translation>
    </message>
    <message>
        <source>%1 · %2 · ¥%3 · refundable ¥%4</source>
        <translation>%1 · %2 · ¥%3 · 可退 ¥%4</translation>
    </message>
</context>
<context>
    <name>ComplaintDialog</name>
    <message>
        <source>Record complaint</source>
        <translation>登记投诉</translation>
    </message>
    <message>
        <source>Edit complaint</source>
        <translation>修改投诉</translation>
    </message>
    <message>
        <source>Customer</source>
        <translation>客户</translation>
    </message>
    <message>
        <source>Walk-in (not a customer yet)</source>
        <translation>来访人（还不是客户）</translation>
    </message>
    <message>
        <source>Search: mobile, last 4 digits, name, pinyin initials, card no.</source>
        <translation>搜索：手机号、尾号4位、姓名、拼音首字母、卡号</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>Mobile</source>
        <translation>手机</translation>
    </message>
    <message>
        <source>What happened, in the customer&apos;s own words</source>
        <translation>发生了什么（尽量用客户的原话）</translation>
    </message>
    <message>
        <source>What the customer asks for</source>
        <translation>客户希望怎么处理</translation>
    </message>
    <message>
        <source>%1 (within %2 h)</source>
        <translation>%1（%2 小时内）</translation>
    </message>
    <message>
        <source>Who</source>
        <translation>经办</translation>
    </message>
    <message>
        <source>Received</source>
        <translation>受理时间</translation>
    </message>
    <message>
        <source>Channel</source>
        <translation>渠道</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Key points</source>
        <translation>投诉要点</translation>
    </message>
    <message>
        <source>Request</source>
        <translation>客户诉求</translation>
    </message>
    <message>
        <source>Temperament</source>
        <translation>客户性格</translation>
    </message>
    <message>
        <source>Severity</source>
        <translation>严重程度</translation>
    </message>
    <message>
        <source>Handler</source>
        <translation>经办人</translation>
    </message>
    <message>
        <source>Handling tip: %1</source>
        <translation>处理提示：%1</translation>
    </message>
    <message>
        <source>Due %1</source>
        <translation>期限 %1</translation>
    </message>
    <message>
        <source>Chosen: %1</source>
        <translation>已选：%1</translation>
    </message>
</context>
<context>
    <name>ComplaintSettingsDialog</name>
    <message>
        <source>Complaint settings</source>
        <translation>投诉设置</translation>
    </message>
    <message>
        <source> days</source>
        <translation> 天</translation>
    </message>
    <message>
        <source> h</source>
        <translation> 小时</translation>
    </message>
    <message>
        <source>Categories
(one per line)</source>
        <translation>类别
（每行一个）</translation>
    </message>
    <message>
        <source>Temperaments
(name | handling tip)</source>
        <translation>客户性格
（名称 | 处理提示）</translation>
    </message>
    <message>
        <source>Severities
(name | hours to resolve)</source>
        <translation>严重程度
（名称 | 处理时限小时数）</translation>
    </message>
    <message>
        <source>Follow-up after resolving</source>
        <translation>解决后多久回访</translation>
    </message>
    <message>
        <source>Flag as nearly due within</source>
        <translation>距期限多久内标为“将到期”</translation>
    </message>
</context>
<context>
    <name>CustomerComplaintsList</name>
    <message>
        <source>Received</source>
        <translation>受理时间</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Key points</source>
        <translation>投诉要点</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Satisfaction</source>
        <translation>满意度</translation>
    </message>
    <message>
        <source>Record complaint…</source>
        <translation>登记投诉…</translation>
    </message>
    <message>
        <source>overdue</source>
        <translation>超时</translation>
    </message>
    <message>
        <source>%1 complaints, %2 open</source>
        <translation>共 %1 条投诉，%2 条未结</translation>
    </message>
</context>
</TS>
