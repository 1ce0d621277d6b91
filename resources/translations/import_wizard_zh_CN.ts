<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>ImportDryRunPage</name>
    <message>
        <source>Check before importing</source>
        <translation>导入前检查</translation>
    </message>
    <message>
        <source>Nothing has been written yet. Rows with problems are listed below; fix them in the file or import the rest now.</source>
        <translation>还没有写入任何数据。下面列出了有问题的行：可以先在文件中改正，也可以现在导入其余的行。</translation>
    </message>
    <message>
        <source>Save report as Excel…</source>
        <translation>报告另存为 Excel…</translation>
    </message>
    <message>
        <source>Import</source>
        <translation>导入</translation>
    </message>
</context>
<context>
    <name>ImportFilePage</name>
    <message>
        <source>Choose the file</source>
        <translation>选择文件</translation>
    </message>
    <message>
        <source>A member list or the purchase history from Excel, WPS, Tencent Docs or your old member software: .xlsx, .xls, .ods or .csv.</source>
        <translation>来自 Excel、WPS、腾讯文档或原会员软件的会员资料或消费记录：.xlsx、.xls、.ods 或 .csv。</translation>
    </message>
    <message>
        <source>What the file holds</source>
        <translation>文件内容</translation>
    </message>
    <message>
        <source>Member list</source>
        <translation>会员资料</translation>
    </message>
    <message>
        <source>Purchase history (matched to customers by mobile, then card)</source>
        <translation>消费记录（按手机号、其次按卡号对应到客户）</translation>
    </message>
    <message>
        <source>File to import</source>
        <translation>要导入的文件</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>Import customers</source>
        <translation>导入客户</translation>
    </message>
    <message>
        <source>Spreadsheets (*.xlsx *.xlsm *.xls *.ods *.csv *.txt);;All files (*)</source>
        <translation>表格文件 (*.xlsx *.xlsm *.xls *.ods *.csv *.txt);;所有文件 (*)</translation>
    </message>
</context>
<context>
    <name>ImportHistoryDialog</name>
    <message>
        <source>Import history</source>
        <translation>导入记录</translation>
    </message>
    <message>
        <source>Started</source>
        <translation>开始时间</translation>
    </message>
    <message>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>Sheet</source>
        <translation>工作表</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>New</source>
        <translation>新增</translation>
    </message>
    <message>
        <source>Updated</source>
        <translation>更新</translation>
    </message>
    <message>
        <source>Duplicates</source>
        <translation>重复</translation>
    </message>
    <message>
        <source>Errors</source>
        <translation>错误</translation>
    </message>
    <message>
        <source>Warnings</source>
        <translation>警告</translation>
    </message>
    <message>
        <source>Opening balances</source>
        <translation>开户余额</translation>
    </message>
    <message>
        <source>done</source>
        <translation>完成</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <source>interrupted</source>
        <translation>中断</translation>
    </message>
</context>
<context>
    <name>ImportMappingPage</name>
    <message>
        <source>Columns</source>
        <translation>列对应</translation>
    </message>
    <message>
        <source>Which customer field each column holds. Columns set to “Ignore” are not imported.</source>
        <translation>每一列对应客户的哪一项。设为“忽略”的列不导入。</translation>
    </message>
    <message>
        <source>Column</source>
        <translation>列</translation>
    </message>
    <message>
        <source>Example</source>
        <translation>示例</translation>
    </message>
    <message>
        <source>Imported as</source>
        <translation>导入为</translation>
    </message>
    <message>
        <source>Keep ignored columns in the notes</source>
        <translation>把忽略的列写进备注</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>Mobile</source>
        <translation>手机</translation>
    </message>
    <message>
        <source>Card number</source>
        <translation>卡号</translation>
    </message>
    <message>
        <source>Birthday</source>
        <translation>生日</translation>
    </message>
    <message>
        <source>Gender</source>
        <translation>性别</translation>
    </message>
    <message>
        <source>Balance</source>
        <translation>余额</translation>
    </message>
    <message>
        <source>Points</source>
        <translation>积分</translation>
    </message>
    <message>
        <source>Member level</source>
        <translation>会员等级</translation>
    </message>
    <message>
        <source>Notes</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <source>Joined on</source>
        <translation>开卡日期</translation>
    </message>
    <message>
        <source>Total spend</source>
        <translation>累计消费</translation>
    </message>
    <message>
        <source>WeChat</source>
        <translation>微信</translation>
    </message>
    <message>
        <source>Tags</source>
        <translation>标签</translation>
    </message>
    <message>
        <source>Other phone</source>
        <translation>其他电话</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <source>Preferences</source>
        <translation>喜好</translation>
    </message>
    <message>
        <source>Usual products</source>
        <translation>常购商品</translation>
    </message>
    <message>
        <source>Taste</source>
        <translation>口味</translation>
    </message>
    <message>
        <source>Preferred channel</source>
        <translation>偏好渠道</translation>
    </message>
    <message>
        <source>Convenient time</source>
        <translation>方便时间</translation>
    </message>
    <message>
        <source>Accepts marketing</source>
        <translation>接受营销</translation>
    </message>
    <message>
        <source>Purchases</source>
        <translation>消费次数</translation>
    </message>
    <message>
        <source>Last purchase</source>
        <translation>最近消费</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>日期</translation>
    </message>
    <message>
        <source>Amount</source>
        <translation>金额</translation>
    </message>
    <message>
        <source>Items</source>
        <translation>商品</translation>
    </message>
    <message>
        <source>Payment method</source>
        <translation>支付方式</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>Which purchase field each column holds: the date, the amount and the mobile or the card number are needed. Columns set to “Ignore” are not imported.</source>
        <translation>每一列对应消费记录的哪一项：日期、金额，以及手机号或卡号是必需的。设为“忽略”的列不导入。</translation>
    </message>
    <message>
        <source>E-mail</source>
        <translation>邮箱</translation>
    </message>
    <message>
        <source>Store</source>
        <translation>门店</translation>
    </message>
    <message>
        <source>Ignore</source>
        <translation>忽略</translation>
    </message>
    <message>
        <source>“%1” is needed.</source>
        <translation>需要“%1”列。</translation>
    </message>
    <message>
        <source>“%1” or “%2” is needed.</source>
        <translation>需要“%1”或“%2”。</translation>
    </message>
    <message>
        <source>“%1” is chosen twice.</source>
        <translation>“%1”被选了两次。</translation>
    </message>
</context>
<context>
    <name>ImportOptionsPage</name>
    <message>
        <source>Customers you already have</source>
        <translation>已有客户</translation>
    </message>
    <message>
        <source>A row is the same customer when its mobile matches, or else its card number.</source>
        <translation>手机号相同即为同一客户；没有手机号匹配时再看卡号。</translation>
    </message>
    <message>
        <source>When the customer already exists</source>
        <translation>客户已存在时</translation>
    </message>
    <message>
        <source>Skip the row (report it as a duplicate)</source>
        <translation>跳过这一行（报告为重复）</translation>
    </message>
    <message>
        <source>Fill in only the fields that are empty</source>
        <translation>只补充空白的信息</translation>
    </message>
    <message>
        <source>Overwrite the fields with the file&apos;s values</source>
        <translation>用文件中的内容覆盖</translation>
    </message>
    <message>
        <source>Balance and points of an existing customer</source>
        <translation>已有客户的余额和积分</translation>
    </message>
    <message>
        <source>Replace with the file&apos;s value</source>
        <translation>改为文件中的数值</translation>
    </message>
    <message>
        <source>Add the file&apos;s value to the stored one</source>
        <translation>在原有数值上加上文件中的数值</translation>
    </message>
    <message>
        <source>Either way every change of balance or points is written to the customer&apos;s ledger as an import entry. Skipped customers keep theirs.</source>
        <translation>无论哪种方式，余额和积分的每一次变动都会以“导入”记入客户的流水。跳过的客户保持不变。</translation>
    </message>
    <message>
        <source>Import the file&apos;s points column as history (adds them to the customers&apos; points)</source>
        <translation>积分按历史导入：导入文件中的积分列（加到客户的积分上）</translation>
    </message>
    <message>
        <source>A purchase already stored (same customer, time, amount and items) is skipped as a duplicate, so importing the same file twice adds nothing. By default points are left as they are: the member list brought each customer&apos;s points as they are now. Import the points as history only when the member list had none, or they would be counted twice.</source>
        <translation>已存在的消费（同一客户、时间、金额和商品）作为重复跳过，同一文件导入两次不会重复添加。默认不改变积分：会员资料已经带来了每位客户当前的积分。只有会员资料中没有积分时才按历史导入积分，否则积分会被重复计算。</translation>
    </message>
    <message>
        <source>&amp;Store of these purchases:</source>
        <translation>这些消费所在门店(&amp;S)：</translation>
    </message>
    <message>
        <source>&amp;Store these members joined:</source>
        <translation>这些会员的开卡门店(&amp;S)：</translation>
    </message>
    <message>
        <source>Purchases you already have</source>
        <translation>已有的消费记录</translation>
    </message>
    <message>
        <source>Each row is matched to a customer by mobile, or else by card number.</source>
        <translation>每一行按手机号对应到客户，没有手机号时按卡号。</translation>
    </message>
</context>
<context>
    <name>ImportPreviewPage</name>
    <message>
        <source>Preview</source>
        <translation>预览</translation>
    </message>
    <message>
        <source>The first rows as they will be imported, with each row&apos;s status.</source>
        <translation>前几行导入后的样子，以及每一行的状态。</translation>
    </message>
    <message>
        <source>Store names in the file</source>
        <translation>文件里的门店名</translation>
    </message>
    <message>
        <source>These stores are not in this shop&apos;s list. Choose the store each one is; a name left unmatched makes its members %1&apos;s, with a warning on each row.</source>
        <translation>下面这些门店不在本店的门店列表里。请为每个名字选择对应的门店；不选的，这些会员记为%1的会员，并在每一行给出提醒。</translation>
    </message>
    <message>
        <source>Not matched (members of %1)</source>
        <translation>不对照（记为%1的会员）</translation>
    </message>
    <message numerus="yes">
        <source>“%1” (%n row(s)):</source>
        <translation>
            <numerusform>“%1”（%n 行）：</numerusform>
        </translation>
    </message>
    <message>
        <source>male</source>
        <translation>男</translation>
    </message>
    <message>
        <source>female</source>
        <translation>女</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <source>Gender: %1</source>
        <translation>性别识别：%1</translation>
    </message>
</context>
<context>
    <name>ImportResultPage</name>
    <message>
        <source>Import finished</source>
        <translation>导入完成</translation>
    </message>
    <message>
        <source>Save report as Excel…</source>
        <translation>报告另存为 Excel…</translation>
    </message>
    <message>
        <source>Import history…</source>
        <translation>导入记录…</translation>
    </message>
</context>
<context>
    <name>ImportSheetPage</name>
    <message>
        <source>Sheet and header row</source>
        <translation>工作表和表头行</translation>
    </message>
    <message>
        <source>Sheet:</source>
        <translation>工作表：</translation>
    </message>
    <message>
        <source>Header row:</source>
        <translation>表头行：</translation>
    </message>
    <message>
        <source>“%1” (%2 rows)</source>
        <translation>“%1”（%2 行）</translation>
    </message>
    <message>
        <source>This file has other sheets too: %1. Choose one above to import it instead.</source>
        <translation>此文件还有其他工作表：%1。如需导入其中之一，请在上方选择。</translation>
    </message>
    <message>
        <source>Header found on row %1 with %2 recognised columns.</source>
        <translation>在第 %1 行找到表头，识别出 %2 列。</translation>
    </message>
    <message>
        <source>No purchase columns found: choose the header row, then map the date, amount and mobile or card columns on the next page.</source>
        <translation>没有找到消费记录的列：请选择表头所在行，然后在下一页指定日期、金额以及手机号或卡号列。</translation>
    </message>
    <message>
        <source>No member columns found: choose the header row, then map the name and mobile columns on the next page.</source>
        <translation>没有找到会员列：请选择表头行，然后在下一页指定姓名列和手机列。</translation>
    </message>
</context>
<context>
    <name>ImportWizard</name>
    <message>
        <source>Row</source>
        <translation>行号</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>Mobile</source>
        <translation>手机</translation>
    </message>
    <message>
        <source>Card</source>
        <translation>卡号</translation>
    </message>
    <message>
        <source>Birthday</source>
        <translation>生日</translation>
    </message>
    <message>
        <source>Balance</source>
        <translation>余额</translation>
    </message>
    <message>
        <source>Points</source>
        <translation>积分</translation>
    </message>
    <message>
        <source>Column</source>
        <translation>列</translation>
    </message>
    <message>
        <source>Problem</source>
        <translation>问题</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>日期</translation>
    </message>
    <message>
        <source>Amount</source>
        <translation>金额</translation>
    </message>
    <message>
        <source>Items</source>
        <translation>商品</translation>
    </message>
    <message>
        <source>Showing the first %1 of %2 rows with problems; the saved report lists them all.</source>
        <translation>只显示有问题的前 %1 行（共 %2 行）；保存的报告中列出全部。</translation>
    </message>
    <message>
        <source>Store</source>
        <translation>门店</translation>
    </message>
    <message>
        <source>Import customers</source>
        <translation>导入客户</translation>
    </message>
    <message>
        <source>Checking the file…</source>
        <translation>正在检查文件…</translation>
    </message>
    <message>
        <source>Importing…</source>
        <translation>正在导入…</translation>
    </message>
    <message>
        <source>Import cancelled: nothing was written.</source>
        <translation>导入已取消：没有写入任何数据。</translation>
    </message>
    <message>
        <source>Dry run — nothing written:</source>
        <translation>试导入（未写入）：</translation>
    </message>
    <message>
        <source>Imported:</source>
        <translation>已导入：</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt; purchases (%2 returns), &lt;b&gt;%3&lt;/b&gt; duplicates, &lt;b&gt;%4&lt;/b&gt; unmatched, &lt;b&gt;%5&lt;/b&gt; other errors, &lt;b&gt;%6&lt;/b&gt; not purchases (total lines, walk-ins)</source>
        <translation>消费 &lt;b&gt;%1&lt;/b&gt; 笔（其中退货 %2 笔），重复 &lt;b&gt;%3&lt;/b&gt;，&lt;b&gt;%4&lt;/b&gt; 未匹配，其他错误 &lt;b&gt;%5&lt;/b&gt;，非消费行 &lt;b&gt;%6&lt;/b&gt;（合计行、散客）</translation>
    </message>
    <message>
        <source>Net amount %1.</source>
        <translation>净金额 %1。</translation>
    </message>
    <message>
        <source>Points imported as history: %1.</source>
        <translation>按历史导入的积分：%1。</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt; new, &lt;b&gt;%2&lt;/b&gt; updated, &lt;b&gt;%3&lt;/b&gt; duplicates, &lt;b&gt;%4&lt;/b&gt; errors, &lt;b&gt;%5&lt;/b&gt; warnings</source>
        <translation>新增 &lt;b&gt;%1&lt;/b&gt;，更新 &lt;b&gt;%2&lt;/b&gt;，重复 &lt;b&gt;%3&lt;/b&gt;，错误 &lt;b&gt;%4&lt;/b&gt;，警告 &lt;b&gt;%5&lt;/b&gt;</translation>
    </message>
    <message>
        <source>Opening balances %1, points %2 (new customers).</source>
        <translation>新客户开户余额 %1，积分 %2。</translation>
    </message>
    <message>
        <source>File %1, sheet “%2”, header on row %3.</source>
        <translation>文件 %1，工作表“%2”，表头在第 %3 行。</translation>
    </message>
    <message>
        <source>Report saved: %1</source>
        <translation>报告已保存：%1</translation>
    </message>
    <message>
        <source>Save report as Excel</source>
        <translation>报告另存为 Excel</translation>
    </message>
    <message>
        <source>Excel workbook (*.xlsx)</source>
        <translation>Excel 工作簿 (*.xlsx)</translation>
    </message>
</context>
</TS>
