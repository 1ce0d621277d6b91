<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN">
<context>
    <name>CustomerGradingPage</name>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>What</source>
        <translation>项目</translation>
    </message>
    <message>
        <source>Change</source>
        <translation>变化</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Changes of member level, lifecycle stage and ABC grade:</source>
        <translation>会员等级、生命周期和 ABC 等级的变化：</translation>
    </message>
    <message>
        <source>Grading</source>
        <translation>评级</translation>
    </message>
    <message>
        <source>ABC grade</source>
        <translation>ABC 等级</translation>
    </message>
    <message>
        <source>Not graded yet</source>
        <translation>尚未评级</translation>
    </message>
    <message>
        <source> (since %1)</source>
        <translation>（自 %1 起）</translation>
    </message>
    <message>
        <source>Spend in the grading period</source>
        <translation>评级期间消费</translation>
    </message>
    <message>
        <source>¥%1 in %2 purchase(s)</source>
        <translation>¥%1，共 %2 次</translation>
    </message>
    <message>
        <source>RFM scores (1-5)</source>
        <translation>RFM 评分（1-5）</translation>
    </message>
    <message>
        <source>Value type</source>
        <translation>价值类型</translation>
    </message>
    <message>
        <source>Lifecycle stage</source>
        <translation>生命周期</translation>
    </message>
</context>
</TS>