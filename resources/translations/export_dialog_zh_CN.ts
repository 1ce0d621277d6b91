<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>ExportDialog</name>
    <message>
        <source>Export customers to Excel</source>
        <translation>导出客户到 Excel</translation>
    </message>
    <message>
        <source>Which customers</source>
        <translation>导出哪些客户</translation>
    </message>
    <message>
        <source>The list as shown now ({n})</source>
        <translation>当前列表（按现在的搜索和筛选，{n} 位）</translation>
    </message>
    <message>
        <source>Selected customers ({n})</source>
        <translation>选中的客户（{n} 位）</translation>
    </message>
    <message>
        <source>All customers ({n})</source>
        <translation>全部客户（{n} 位）</translation>
    </message>
    <message>
        <source>Full archive: add sheets of purchases, contacts and complaints</source>
        <translation>完整档案：另附消费记录、联系记录和投诉记录工作表</translation>
    </message>
    <message>
        <source>&amp;Store:</source>
        <translation>门店(&amp;S)：</translation>
    </message>
    <message>
        <source>A store&apos;s export holds its members (who joined there) and, in a full archive, the purchases, contacts and complaints recorded in that store.</source>
        <translation>按门店导出：客户为该店会员（在该店开卡的会员）；完整档案中的消费、联系和投诉记录为在该店发生的记录（含其他门店会员在该店的消费）。</translation>
    </message>
    <message>
        <source>Mobile and card numbers are written as text and dates as dates, so the file can be imported again. Cells that look like formulas get a leading apostrophe.</source>
        <translation>手机号和卡号按文本写入，日期按日期写入，导出的文件可以再次导入。看起来像公式的内容前面会加一个单引号（&apos;），防止被当作公式执行。</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>Save to:</source>
        <translation>保存到：</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>All members of this store ({n})</source>
        <translation>该门店的全部会员（{n} 位）</translation>
    </message>
    <message>
        <source>customer archive</source>
        <translation>客户完整档案</translation>
    </message>
    <message>
        <source>customers</source>
        <translation>客户名单</translation>
    </message>
    <message>
        <source>Export to</source>
        <translation>导出到</translation>
    </message>
    <message>
        <source>Excel workbook (*.xlsx)</source>
        <translation>Excel 工作簿 (*.xlsx)</translation>
    </message>
    <message>
        <source>Exporting to Excel…</source>
        <translation>正在导出到 Excel…</translation>
    </message>
    <message>
        <source>Export failed</source>
        <translation>导出失败</translation>
    </message>
    <message>
        <source>Export finished</source>
        <translation>导出完成</translation>
    </message>
    <message>
        <source>Open folder</source>
        <translation>打开所在文件夹</translation>
    </message>
</context>
</TS>
