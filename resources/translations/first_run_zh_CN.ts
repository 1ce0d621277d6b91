<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>FirstRun</name>
    <message>
        <source>%1 exists and is not a ShopCRM demo database; it was left untouched.</source>
        <translation>%1 已存在，但不是 ShopCRM 演示数据库；未做任何改动。</translation>
    </message>
    <message>
        <source>Demo shop</source>
        <translation>演示店铺</translation>
    </message>
    <message>
        <source>Preparing demo data…</source>
        <translation>正在准备演示数据…</translation>
    </message>
    <message>
        <source>Demo data</source>
        <translation>演示数据</translation>
    </message>
    <message>
        <source>Import</source>
        <translation>导入</translation>
    </message>
    <message>
        <source>The import wizard is not part of this version. Use “shopcrm-cli import FILE” or add customers by hand.</source>
        <translation>此版本不含导入向导。请使用“shopcrm-cli import 文件”导入，或手工添加客户。</translation>
    </message>
    <message>
        <source>DEMO DATA — not your real customers</source>
        <translation>演示数据 — 不是您的真实客户</translation>
    </message>
    <message>
        <source>Made-up customers in %1. Your real data is in %2.</source>
        <translation>虚构客户，保存在 %1。您的正式数据在 %2。</translation>
    </message>
    <message>
        <source>Try with demo data</source>
        <translation>用演示数据试一试</translation>
    </message>
    <message>
        <source>Leave demo data (back to my real data)</source>
        <translation>退出演示数据（回到我的正式数据）</translation>
    </message>
    <message>
        <source>Shop name…</source>
        <translation>店铺名称…</translation>
    </message>
    <message>
        <source>The name shown in the window title</source>
        <translation>显示在窗口标题上的店铺名称</translation>
    </message>
    <message>
        <source>[DEMO DATA]</source>
        <translation>【演示数据】</translation>
    </message>
    <message>
        <source>Shop name</source>
        <translation>店铺名称</translation>
    </message>
    <message>
        <source>Shop name (shown in the window title):</source>
        <translation>店铺名称（显示在窗口标题上）：</translation>
    </message>
</context>
<context>
    <name>FirstRunDialog</name>
    <message>
        <source>Welcome to ShopCRM</source>
        <translation>欢迎使用 ShopCRM</translation>
    </message>
    <message>
        <source>Member archive, birthdays and holidays, complaints and analysis for your shop. Two questions, then choose how to start — everything can be changed later.</source>
        <translation>会员档案、生日节日关怀、投诉处理和客户分析，专为小店设计。先回答两个问题，再选择开始方式——以后都可以修改。</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <source>The language of ShopCRM&apos;s windows. Can be changed later under View → Language.</source>
        <translation>ShopCRM 界面的语言。以后可在“查看 → 语言”中更改。</translation>
    </message>
    <message>
        <source>Shop name</source>
        <translation>店铺名称</translation>
    </message>
    <message>
        <source>e.g. Zhang&apos;s Fruit Shop</source>
        <translation>例如：张姐水果店</translation>
    </message>
    <message>
        <source>Shown in the window title. You can leave it empty and change it later under Tools → Shop name.</source>
        <translation>显示在窗口标题上。可以先不填，以后在“工具 → 店铺名称”中修改。</translation>
    </message>
    <message>
        <source>Owner PIN</source>
        <translation>店主密码</translation>
    </message>
    <message>
        <source>Set an owner PIN…</source>
        <translation>设置店主密码…</translation>
    </message>
    <message>
        <source>Optional. With an owner PIN, ShopCRM starts in clerk mode: mobile numbers are masked and export, import, adjustments and restore need the PIN. Without a PIN everyone is owner.</source>
        <translation>可选。设置店主密码后，ShopCRM 以店员模式启动：手机号部分隐藏，导出、导入、调账和恢复都需要输入密码。不设密码时，所有人都是店主权限。</translation>
    </message>
    <message>
        <source>How do you want to start?</source>
        <translation>您想怎样开始？</translation>
    </message>
    <message>
        <source>Import my member spreadsheet</source>
        <translation>导入我的会员表格</translation>
    </message>
    <message>
        <source>Bring in members from Excel, WPS or CSV. Every row is checked before anything is saved.</source>
        <translation>从 Excel、WPS 或 CSV 文件导入会员。保存前逐行检查。</translation>
    </message>
    <message>
        <source>Try with demo data</source>
        <translation>用演示数据试一试</translation>
    </message>
    <message>
        <source>1,000 made-up customers in a separate demo database. Your real data stays empty and untouched; leave the demo any time from the File menu.</source>
        <translation>在单独的演示数据库里放 1000 位虚构客户。您的正式数据保持空白、不受影响；随时可从“文件”菜单退出演示。</translation>
    </message>
    <message>
        <source>Start empty</source>
        <translation>从空白开始</translation>
    </message>
    <message>
        <source>Add customers one by one as they come in.</source>
        <translation>客户上门时逐个添加。</translation>
    </message>
    <message>
        <source>Connect to the shop&apos;s server</source>
        <translation>连接到店铺服务器</translation>
    </message>
    <message>
        <source>Another counter or store already works on a PostgreSQL server: use the same shop database.</source>
        <translation>其他收银台或门店已在 PostgreSQL 服务器上使用 ShopCRM：连接同一个店铺数据库。</translation>
    </message>
    <message>
        <source>PIN set: from the next start, ShopCRM opens in clerk mode.</source>
        <translation>已设置密码：下次启动起，ShopCRM 以店员模式打开。</translation>
    </message>
    <message>
        <source>Not set (optional)</source>
        <translation>未设置（可选）</translation>
    </message>
</context>
</TS>
