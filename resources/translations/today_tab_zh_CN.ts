<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>DoneDialog</name>
    <message>
        <source>Mark as done</source>
        <translation>标记为已完成</translation>
    </message>
    <message>
        <source>What did the customer say?</source>
        <translation>客户怎么说？</translation>
    </message>
    <message>
        <source>(not asked)</source>
        <translation>（未询问）</translation>
    </message>
    <message>
        <source>Follow up again on</source>
        <translation>下次跟进日期</translation>
    </message>
    <message numerus="yes">
        <source>%n customer(s) contacted.</source>
        <translation>
            <numerusform>已联系 %n 位客户。</numerusform>
        </translation>
    </message>
    <message>
        <source>Channel</source>
        <translation>渠道</translation>
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
        <source>Sent / told</source>
        <translation>已发送/已告知</translation>
    </message>
    <message>
        <source>Replied</source>
        <translation>已回复</translation>
    </message>
    <message>
        <source>Visited the shop</source>
        <translation>已到店</translation>
    </message>
    <message>
        <source>Declined</source>
        <translation>拒绝</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>结果</translation>
    </message>
    <message>
        <source>Would recommend us (0-10)</source>
        <translation>向朋友推荐本店的可能性（0–10）</translation>
    </message>
</context>
<context>
    <name>SkipDialog</name>
    <message>
        <source>Skip</source>
        <translation>跳过</translation>
    </message>
    <message>
        <source>Wrong number</source>
        <translation>号码错误</translation>
    </message>
    <message>
        <source>Customer does not want it</source>
        <translation>客户不需要</translation>
    </message>
    <message>
        <source>Already talked in the shop</source>
        <translation>已在店里当面沟通</translation>
    </message>
    <message>
        <source>Not needed this time</source>
        <translation>这次不用联系</translation>
    </message>
    <message>
        <source>Why skip? (required)</source>
        <translation>为什么跳过？（必填）</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Please give a reason.</source>
        <translation>请填写原因。</translation>
    </message>
</context>
<context>
    <name>SnoozeDialog</name>
    <message>
        <source>Snooze</source>
        <translation>推迟</translation>
    </message>
    <message>
        <source>Tomorrow</source>
        <translation>明天</translation>
    </message>
    <message>
        <source>In 3 days</source>
        <translation>3 天后</translation>
    </message>
    <message>
        <source>Next week</source>
        <translation>下周</translation>
    </message>
    <message>
        <source>Optional: why</source>
        <translation>可选：原因</translation>
    </message>
    <message>
        <source>Show again on</source>
        <translation>推迟到</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>备注</translation>
    </message>
</context>
<context>
    <name>TodayModel</name>
    <message>
        <source>Due</source>
        <translation>到期</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Customer</source>
        <translation>客户</translation>
    </message>
    <message>
        <source>Mobile</source>
        <translation>手机</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>事由</translation>
    </message>
    <message>
        <source>Channel</source>
        <translation>渠道</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>话术/短信</translation>
    </message>
</context>
<context>
    <name>TodayTab</name>
    <message>
        <source>Show upcoming</source>
        <translation>显示即将到来</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>Load more</source>
        <translation>加载更多</translation>
    </message>
    <message>
        <source>List the next items of the kind shown (or of the first kind with more)</source>
        <translation>列出当前类别的后续待办（显示全部时为第一个还有待办的类别）</translation>
    </message>
    <message>
        <source>Settings…</source>
        <translation>设置…</translation>
    </message>
    <message>
        <source>Done…</source>
        <translation>完成…</translation>
    </message>
    <message>
        <source>Record the contact and take the item off the list</source>
        <translation>记录这次联系，并从清单中移除</translation>
    </message>
    <message>
        <source>Snooze…</source>
        <translation>推迟…</translation>
    </message>
    <message>
        <source>Skip…</source>
        <translation>跳过…</translation>
    </message>
    <message>
        <source>Copy message</source>
        <translation>复制话术</translation>
    </message>
    <message>
        <source>Open customer</source>
        <translation>打开客户档案</translation>
    </message>
    <message>
        <source>Anniversaries…</source>
        <translation>纪念日…</translation>
    </message>
    <message>
        <source>Record the customer&apos;s wedding day, a child&apos;s birthday…</source>
        <translation>记录客户的结婚纪念日、孩子生日…</translation>
    </message>
    <message>
        <source>Export list…</source>
        <translation>导出清单…</translation>
    </message>
    <message>
        <source>Save the list as an Excel call / SMS list</source>
        <translation>把清单保存为 Excel 电话/短信名单</translation>
    </message>
    <message>
        <source>Select an item to see its message.</source>
        <translation>选中一项即可查看话术。</translation>
    </message>
    <message>
        <source>Show</source>
        <translation>显示</translation>
    </message>
    <message>
        <source>Message (edit the templates in Settings)</source>
        <translation>话术（模板可在“设置”中修改）</translation>
    </message>
    <message>
        <source>Care reminders settings…</source>
        <translation>客户关怀提醒设置…</translation>
    </message>
    <message>
        <source>Today</source>
        <translation>今日待办</translation>
    </message>
    <message>
        <source>All (%1)</source>
        <translation>全部 (%1)</translation>
    </message>
    <message numerus="yes">
        <source>%n due today</source>
        <translation>
            <numerusform>今天到期 %n</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n overdue</source>
        <translation>
            <numerusform>逾期 %n</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n upcoming</source>
        <translation>
            <numerusform>即将到来 %n</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>over %n more scheduled visit(s) wait for the coming days</source>
        <translation>
            <numerusform>另有 %n+ 位客户的定期回访顺延到之后几天</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n more scheduled visit(s) wait for the coming days</source>
        <translation>
            <numerusform>另有 %n 位客户的定期回访顺延到之后几天</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1: %n+ more</source>
        <translation>
            <numerusform>%1还有 %n+ 项</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1: %n more</source>
        <translation>
            <numerusform>%1还有 %n 项</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n item(s) selected</source>
        <translation>
            <numerusform>已选 %n 项</numerusform>
        </translation>
    </message>
    <message>
        <source>Cannot save</source>
        <translation>无法保存</translation>
    </message>
    <message>
        <source>Recording contacts…</source>
        <translation>正在记录联系…</translation>
    </message>
    <message numerus="yes">
        <source>%n item(s) done</source>
        <translation>
            <numerusform>已完成 %n 项</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n item(s) snoozed to %1</source>
        <translation>
            <numerusform>%n 项已推迟到 %1</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n item(s) skipped</source>
        <translation>
            <numerusform>已跳过 %n 项</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n message(s) copied</source>
        <translation>
            <numerusform>已复制 %n 条话术，可以粘贴到微信或短信</numerusform>
        </translation>
    </message>
    <message>
        <source>Export list</source>
        <translation>导出清单</translation>
    </message>
    <message>
        <source>Excel (*.xlsx)</source>
        <translation>Excel 文件 (*.xlsx)</translation>
    </message>
    <message>
        <source>Exporting…</source>
        <translation>正在导出…</translation>
    </message>
</context>
</TS>
