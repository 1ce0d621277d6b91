<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>CampaignsPage</name>
    <message>
        <source>New campaign…</source>
        <translation>新建活动…</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Send today&apos;s messages</source>
        <translation>发送今日消息</translation>
    </message>
    <message>
        <source>SMS and e-mail campaigns: send the messages due today</source>
        <translation>短信和电子邮件活动：发送今天到期的消息</translation>
    </message>
    <message>
        <source>Export today&apos;s call list…</source>
        <translation>导出今日呼叫清单…</translation>
    </message>
    <message>
        <source>Phone and visit campaigns: today&apos;s items as an xlsx list</source>
        <translation>电话和拜访活动：把今天要联系的客户导出为 xlsx 清单</translation>
    </message>
    <message>
        <source>Message channels…</source>
        <translation>消息通道设置…</translation>
    </message>
    <message>
        <source>SMS and e-mail set-up, secrets and a test send (owner only)</source>
        <translation>短信和邮件的设置、密钥与发送测试（仅店主）</translation>
    </message>
    <message>
        <source>Unknown…</source>
        <translation>待确认…</translation>
    </message>
    <message>
        <source>Messages whose outcome is unknown: settle them (owner only)</source>
        <translation>发送结果未知的消息：逐条确认（仅店主）</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>Campaign</source>
        <translation>活动</translation>
    </message>
    <message>
        <source>Purpose</source>
        <translation>目的</translation>
    </message>
    <message>
        <source>Days</source>
        <translation>日期</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Targets</source>
        <translation>目标客户</translation>
    </message>
    <message>
        <source>Hold-out</source>
        <translation>对照组</translation>
    </message>
    <message>
        <source>Reached</source>
        <translation>已联系</translation>
    </message>
    <message>
        <source>Responded</source>
        <translation>有回应</translation>
    </message>
    <message>
        <source>Bought (targets)</source>
        <translation>购买（目标）</translation>
    </message>
    <message>
        <source>Bought (hold-out)</source>
        <translation>购买（对照）</translation>
    </message>
    <message>
        <source>Difference</source>
        <translation>差异（百分点）</translation>
    </message>
    <message>
        <source>Sales that followed</source>
        <translation>带来的销售额</translation>
    </message>
    <message>
        <source>Messages sent / failed</source>
        <translation>已发送 / 失败</translation>
    </message>
    <message>
        <source>Unknown (%1)…</source>
        <translation>待确认（%1）…</translation>
    </message>
    <message>
        <source>Sending messages…</source>
        <translation>正在发送消息…</translation>
    </message>
    <message>
        <source>Cancelled: the messages sent so far are recorded, the others were not sent.</source>
        <translation>已取消：已发出的消息都已记录，其余没有发送。</translation>
    </message>
    <message>
        <source>Sending failed</source>
        <translation>发送失败</translation>
    </message>
    <message>
        <source>%1 sent, %2 failed, %3 skipped, %4 to retry later, %5 unknown, %6 already sent.</source>
        <translation>已发送 %1 条，失败 %2 条，跳过 %3 条，稍后重试 %4 条，结果未知 %5 条，之前已发送 %6 条。</translation>
    </message>
    <message>
        <source>No message is due today.</source>
        <translation>今天没有要发送的消息。</translation>
    </message>
    <message>
        <source>Export call list</source>
        <translation>导出呼叫清单</translation>
    </message>
    <message>
        <source>Excel (*.xlsx)</source>
        <translation>Excel 文件 (*.xlsx)</translation>
    </message>
    <message>
        <source>Exporting…</source>
        <translation>正在导出…</translation>
    </message>
    <message>
        <source>Export failed</source>
        <translation>导出失败</translation>
    </message>
    <message>
        <source>%1 customers written to %2</source>
        <translation>已把 %1 位客户写入 %2</translation>
    </message>
</context>
<context>
    <name>NewCampaignDialog</name>
    <message>
        <source>New campaign</source>
        <translation>新建活动</translation>
    </message>
    <message>
        <source>New segment by grade…</source>
        <translation>按等级新建分组…</translation>
    </message>
    <message>
        <source>All grades</source>
        <translation>全部等级</translation>
    </message>
    <message>
        <source>Build a segment…</source>
        <translation>新建分群…</translation>
    </message>
    <message>
        <source>Save the new segment as (optional)</source>
        <translation>新分组保存为（可不填）</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>（无）</translation>
    </message>
    <message>
        <source> days</source>
        <translation> 天</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Segment</source>
        <translation>客户分组</translation>
    </message>
    <message>
        <source>New segment</source>
        <translation>新分组</translation>
    </message>
    <message>
        <source>Purpose</source>
        <translation>目的</translation>
    </message>
    <message>
        <source>Festival</source>
        <translation>节日</translation>
    </message>
    <message>
        <source>Message template</source>
        <translation>话术模板</translation>
    </message>
    <message>
        <source>Channel</source>
        <translation>渠道</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>开始日期</translation>
    </message>
    <message>
        <source>Days</source>
        <translation>天数</translation>
    </message>
    <message>
        <source>At most a day</source>
        <translation>每天最多</translation>
    </message>
    <message>
        <source>Hold-out share</source>
        <translation>对照组比例</translation>
    </message>
    <message>
        <source>%1 customers to contact, about %2 held out; %3 a day at most.</source>
        <translation>要联系 %1 位客户，约 %2 位留作对照组；每天最多 %3 位。</translation>
    </message>
</context>
</TS>
