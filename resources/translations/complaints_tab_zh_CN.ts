<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>ComplaintTableModel</name>
    <message>
        <source>No.</source>
        <translation>编号</translation>
    </message>
    <message>
        <source>Received</source>
        <translation>受理时间</translation>
    </message>
    <message>
        <source>Customer</source>
        <translation>客户</translation>
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
        <source>Severity</source>
        <translation>严重程度</translation>
    </message>
    <message>
        <source>Handler</source>
        <translation>经办人</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Due</source>
        <translation>期限</translation>
    </message>
    <message>
        <source>Steps</source>
        <translation>步骤</translation>
    </message>
    <message>
        <source>(walk-in)</source>
        <translation>（来访）</translation>
    </message>
    <message>
        <source>Follow-up %1</source>
        <translation>回访 %1</translation>
    </message>
</context>
<context>
    <name>ComplaintsTab</name>
    <message>
        <source>Open</source>
        <translation>未结</translation>
    </message>
    <message>
        <source>All</source>
        <translation>全部</translation>
    </message>
    <message>
        <source>Follow-up due</source>
        <translation>待回访</translation>
    </message>
    <message>
        <source>Overdue only</source>
        <translation>只看超时</translation>
    </message>
    <message>
        <source>Received</source>
        <translation>受理时间</translation>
    </message>
    <message>
        <source>Search: customer, mobile, #no., words of the complaint</source>
        <translation>搜索：客户、手机号、#编号、投诉内容</translation>
    </message>
    <message>
        <source>Record complaint</source>
        <translation>登记投诉</translation>
    </message>
    <message>
        <source>Record a new complaint</source>
        <translation>登记一条新投诉</translation>
    </message>
    <message>
        <source>Settings…</source>
        <translation>设置…</translation>
    </message>
    <message>
        <source>Your name</source>
        <translation>你的名字</translation>
    </message>
    <message>
        <source>Written in the timeline as who made each change</source>
        <translation>写入处理记录，作为每次操作的经办人</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Operator</source>
        <translation>操作人</translation>
    </message>
    <message>
        <source>%1 in list</source>
        <translation>列表中 %1 条</translation>
    </message>
    <message>
        <source>Complaint settings…</source>
        <translation>投诉设置…</translation>
    </message>
    <message>
        <source>Complaints (%1 open, %2 overdue)</source>
        <translation>投诉 (%1 未结 / %2 超时)</translation>
    </message>
    <message>
        <source>Complaints (%1 open)</source>
        <translation>投诉 (%1 未结)</translation>
    </message>
    <message>
        <source>Complaints</source>
        <translation>投诉</translation>
    </message>
    <message>
        <source>Open &lt;b&gt;%1&lt;/b&gt;</source>
        <translation>未结 &lt;b&gt;%1&lt;/b&gt;</translation>
    </message>
    <message>
        <source>Overdue &lt;b&gt;%1&lt;/b&gt;</source>
        <translation>超时 &lt;b&gt;%1&lt;/b&gt;</translation>
    </message>
    <message>
        <source>Nearly due &lt;b&gt;%1&lt;/b&gt;</source>
        <translation>将到期 &lt;b&gt;%1&lt;/b&gt;</translation>
    </message>
    <message>
        <source>Follow-ups due &lt;b&gt;%1&lt;/b&gt;</source>
        <translation>待回访 &lt;b&gt;%1&lt;/b&gt;</translation>
    </message>
</context>
</TS>
