<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
    <context>
        <name>AuditLogDialog</name>
        <message>
            <source>Audit log</source>
            <translation>操作日志</translation>
        </message>
        <message>
            <source>All actions</source>
            <translation>全部操作</translation>
        </message>
        <message>
            <source>When</source>
            <translation>时间</translation>
        </message>
        <message>
            <source>Mode</source>
            <translation>身份</translation>
        </message>
        <message>
            <source>Action</source>
            <translation>操作</translation>
        </message>
        <message>
            <source>Customer</source>
            <translation>客户编号</translation>
        </message>
        <message>
            <source>Detail</source>
            <translation>详情</translation>
        </message>
        <message>
            <source>Show older</source>
            <translation>显示更早的记录</translation>
        </message>
        <message>
            <source>Export CSV…</source>
            <translation>导出 CSV…</translation>
        </message>
        <message>
            <source>Close</source>
            <translation>关闭</translation>
        </message>
        <message>
            <source>Action:</source>
            <translation>操作：</translation>
        </message>
        <message>
            <source>%1 of %2 entries</source>
            <translation>已显示 %1 / 共 %2 条</translation>
        </message>
        <message>
            <source>Export audit log</source>
            <translation>导出操作日志</translation>
        </message>
        <message>
            <source>CSV (*.csv)</source>
            <translation>CSV 文件 (*.csv)</translation>
        </message>
        <message>
            <source>Not exported</source>
            <translation>未导出</translation>
        </message>
    </context>
    <context>
        <name>AuditUi</name>
        <message>
            <source>Audit log…</source>
            <translation>操作日志…</translation>
        </message>
    </context>
</TS>