<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>ExportDialog</name>
    <message>
        <source>Export customers to Excel…</source>
        <translation>导出客户到 Excel…</translation>
    </message>
    <message>
        <source>Export full archive to Excel…</source>
        <translation>导出完整档案到 Excel…</translation>
    </message>
</context>
<context>
    <name>ImportWizard</name>
    <message>
        <source>Import customers from Excel…</source>
        <translation>从 Excel 导入客户…</translation>
    </message>
    <message>
        <source>Import history…</source>
        <translation>导入记录…</translation>
    </message>
</context>
</TS>
