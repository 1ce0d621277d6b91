<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN">
<context>
    <name>AnniversaryDialog</name>
    <message>
        <source>Anniversaries of %1</source>
        <translation>%1 的纪念日</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>日期</translation>
    </message>
    <message>
        <source>Name (optional, e.g. 女儿生日)</source>
        <translation>名称（可不填，如：女儿生日）</translation>
    </message>
    <message>
        <source> month</source>
        <translation> 月</translation>
    </message>
    <message>
        <source> day</source>
        <translation> 日</translation>
    </message>
    <message>
        <source>Lunar</source>
        <translation>农历</translation>
    </message>
    <message>
        <source>Leap month</source>
        <translation>闰月</translation>
    </message>
    <message>
        <source>Add</source>
        <translation>添加</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
</context>
</TS>