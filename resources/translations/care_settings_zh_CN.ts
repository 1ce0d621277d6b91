<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>CareSettingsDialog</name>
    <message>
        <source>Care reminders settings</source>
        <translation>客户关怀提醒设置</translation>
    </message>
    <message>
        <source> days</source>
        <translation> 天</translation>
    </message>
    <message>
        <source>Greet on the anniversary of joining</source>
        <translation>入会周年时问候</translation>
    </message>
    <message>
        <source>Shop name in messages</source>
        <translation>话术中的店名</translation>
    </message>
    <message>
        <source>List birthdays and anniversaries ahead</source>
        <translation>提前列出生日和纪念日</translation>
    </message>
    <message>
        <source>List festival greetings ahead</source>
        <translation>提前列出节日问候</translation>
    </message>
    <message>
        <source>Keep unhandled greetings, return visits and wake-ups</source>
        <translation>未处理的问候、回访、唤醒保留</translation>
    </message>
    <message>
        <source>Keep unhandled complaint and agreed follow-ups</source>
        <translation>未处理的投诉回访和约定跟进保留</translation>
    </message>
    <message>
        <source>Wake up customers with no purchase for</source>
        <translation>多久未消费算沉睡客户</translation>
    </message>
    <message>
        <source>General</source>
        <translation>常规</translation>
    </message>
    <message>
        <source>Grade</source>
        <translation>等级</translation>
    </message>
    <message>
        <source>Contacts a month</source>
        <translation>每月联系次数</translation>
    </message>
    <message>
        <source>Channel</source>
        <translation>渠道</translation>
    </message>
    <message>
        <source>First within the month&apos;s first week</source>
        <translation>每月第一周内先联系一次</translation>
    </message>
    <message>
        <source>No visit plan</source>
        <translation>不做定期回访</translation>
    </message>
    <message>
        <source>All</source>
        <translation>全部</translation>
    </message>
    <message>
        <source>Customers not graded yet count as</source>
        <translation>尚未分级的客户按</translation>
    </message>
    <message>
        <source>Scheduled visits listed per day (most overdue first)</source>
        <translation>每天列出的定期回访数（最久未联系的优先）</translation>
    </message>
    <message>
        <source>Items listed per kind at most</source>
        <translation>每类最多列出项数（其余点“加载更多”）</translation>
    </message>
    <message>
        <source>A customer is due when the last contact is older than 30 days divided by the contacts a month. Customers who declined marketing are not visited.</source>
        <translation>上次联系距今超过“30 天 ÷ 每月联系次数”即到期。拒绝营销联系的客户不做定期回访。</translation>
    </message>
    <message>
        <source>Visit plan</source>
        <translation>定期回访</translation>
    </message>
    <message>
        <source>Days after purchase</source>
        <translation>购买后第几天</translation>
    </message>
    <message>
        <source>Purpose</source>
        <translation>目的</translation>
    </message>
    <message>
        <source>Message template</source>
        <translation>话术模板</translation>
    </message>
    <message>
        <source>Add</source>
        <translation>添加</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>Every purchase (unless a category below applies)</source>
        <translation>所有购买（下面的类别除外）</translation>
    </message>
    <message>
        <source>By product or service category (e.g. 护理: 1,7,30)</source>
        <translation>按商品或服务类别（例如 护理：1,7,30）</translation>
    </message>
    <message>
        <source>Category (items containing)</source>
        <translation>类别（商品名称含有）</translation>
    </message>
    <message>
        <source>Add category</source>
        <translation>添加类别</translation>
    </message>
    <message>
        <source>Remove category</source>
        <translation>删除类别</translation>
    </message>
    <message>
        <source>Return visits</source>
        <translation>购后回访</translation>
    </message>
    <message>
        <source>Greet customers of grade</source>
        <translation>问候这些等级的客户</translation>
    </message>
    <message>
        <source>The shop&apos;s own dates (shop anniversary, member day…)</source>
        <translation>本店自己的日子（店庆、会员日…）</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Month</source>
        <translation>月</translation>
    </message>
    <message>
        <source>Day</source>
        <translation>日</translation>
    </message>
    <message>
        <source>Lunar</source>
        <translation>农历</translation>
    </message>
    <message>
        <source>Festivals</source>
        <translation>节日</translation>
    </message>
    <message>
        <source>Write to customers in</source>
        <translation>给客户的话术语言</translation>
    </message>
    <message>
        <source>Occasion</source>
        <translation>场合</translation>
    </message>
    <message>
        <source>Suggested channel</source>
        <translation>建议渠道</translation>
    </message>
    <message>
        <source>Placeholders: %1</source>
        <translation>可用占位符：%1</translation>
    </message>
    <message>
        <source>Messages</source>
        <translation>话术模板</translation>
    </message>
    <message>
        <source>Or once every (months)</source>
        <translation>或每几个月一次</translation>
    </message>
</context>
</TS>
