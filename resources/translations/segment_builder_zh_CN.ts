<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>SegmentBuilderDialog</name>
    <message>
        <source>Segment</source>
        <translation>客户分群</translation>
    </message>
    <message>
        <source>Any of these, separated by commas</source>
        <translation>含有其中任一个，用逗号分开</translation>
    </message>
    <message>
        <source>yuan</source>
        <translation>元</translation>
    </message>
    <message>
        <source>Any</source>
        <translation>不限</translation>
    </message>
    <message>
        <source>between</source>
        <translation>介于</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Segment %1</source>
        <translation>客户分群 %1</translation>
    </message>
    <message>
        <source>Total spend “%1” is not an amount</source>
        <translation>累计消费“%1”不是金额</translation>
    </message>
    <message>
        <source>Customers: —</source>
        <translation>客户数：—</translation>
    </message>
    <message>
        <source>Customers: %1</source>
        <translation>客户数：%1</translation>
    </message>
</context>
</TS>
