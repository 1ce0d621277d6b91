<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>StoreEditDialog</name>
    <message>
        <source>Edit store</source>
        <translation>编辑门店</translation>
    </message>
    <message>
        <source>New store</source>
        <translation>新增门店</translation>
    </message>
    <message>
        <source>e.g. east (letters, digits, - and _)</source>
        <translation>如 east（字母、数字、- 和 _）</translation>
    </message>
    <message>
        <source>who works here, e.g. 小王、小李</source>
        <translation>在这家门店上班的人，如：小王、小李</translation>
    </message>
    <message>
        <source>An operator listed here can only sign in at this store&apos;s counters; one listed nowhere, anywhere</source>
        <translation>列在这里的操作员只能在这家门店的收银电脑上使用；没有列在任何门店的操作员在各门店都可以</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Code</source>
        <translation>代码</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>电话</translation>
    </message>
    <message>
        <source>Operators</source>
        <translation>操作员</translation>
    </message>
</context>
<context>
    <name>StoresDialog</name>
    <message>
        <source>Stores…</source>
        <translation>门店…</translation>
    </message>
    <message>
        <source>Stores</source>
        <translation>门店</translation>
    </message>
    <message>
        <source>No.</source>
        <translation>编号</translation>
    </message>
    <message>
        <source>Code</source>
        <translation>代码</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>电话</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>This counter</source>
        <translation>本机</translation>
    </message>
    <message>
        <source>Operators</source>
        <translation>操作员</translation>
    </message>
    <message>
        <source>A shop with one store never sees stores anywhere else. Customers are shared by every store.</source>
        <translation>只有一个门店时，其他界面不会出现门店选择。客户为各门店共享（会员卡通用）。</translation>
    </message>
    <message>
        <source>New store…</source>
        <translation>新增门店…</translation>
    </message>
    <message>
        <source>Edit…</source>
        <translation>编辑…</translation>
    </message>
    <message>
        <source>Deactivate</source>
        <translation>停用</translation>
    </message>
    <message>
        <source>Set as this counter&apos;s store</source>
        <translation>设为本机门店</translation>
    </message>
    <message>
        <source>Active</source>
        <translation>在用</translation>
    </message>
    <message>
        <source>Inactive</source>
        <translation>已停用</translation>
    </message>
    <message>
        <source>Activate</source>
        <translation>启用</translation>
    </message>
</context>
</TS>
