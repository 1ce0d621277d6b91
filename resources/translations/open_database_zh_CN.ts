<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>OpenDatabaseDialog</name>
    <message>
        <source>Open database</source>
        <translation>打开数据库</translation>
    </message>
    <message>
        <source>&amp;File on this computer (SQLite)</source>
        <translation>本机文件 (SQLite)(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Server (PostgreSQL)</source>
        <translation>服务器 (PostgreSQL)(&amp;S)</translation>
    </message>
    <message>
        <source>e.g. D:\ShopCRM\shopcrm.db</source>
        <translation>例如 D:\ShopCRM\shopcrm.db</translation>
    </message>
    <message>
        <source>&amp;Browse…</source>
        <translation>浏览(&amp;B)…</translation>
    </message>
    <message>
        <source>Database file</source>
        <translation>数据库文件</translation>
    </message>
    <message>
        <source>One computer, one till. The file is created if it does not exist yet.</source>
        <translation>一台电脑、一个收银台。文件不存在时会自动创建。</translation>
    </message>
    <message>
        <source>e.g. 192.168.1.10 or shop-server</source>
        <translation>例如 192.168.1.10 或 shop-server</translation>
    </message>
    <message>
        <source>&amp;Remember password (in the system keyring)</source>
        <translation>记住密码（保存在系统钥匙串）(&amp;R)</translation>
    </message>
    <message>
        <source>Kept by Windows Credential Manager / the macOS Keychain / the desktop keyring, never in ShopCRM&apos;s settings. Unticked: the password is asked for again at the next start.</source>
        <translation>由 Windows 凭据管理器 / macOS 钥匙串 / 桌面密钥环保管，绝不写入 ShopCRM 的设置。不勾选时，下次启动会再次询问密码。</translation>
    </message>
    <message>
        <source>prefer (encrypt if the server offers it)</source>
        <translation>prefer（服务器支持时加密）</translation>
    </message>
    <message>
        <source>require (always encrypted)</source>
        <translation>require（始终加密）</translation>
    </message>
    <message>
        <source>verify-ca (encrypted, certificate checked)</source>
        <translation>verify-ca（加密并校验证书）</translation>
    </message>
    <message>
        <source>verify-full (encrypted, certificate and name checked)</source>
        <translation>verify-full（加密并校验证书和主机名）</translation>
    </message>
    <message>
        <source>disable (never encrypted)</source>
        <translation>disable（不加密）</translation>
    </message>
    <message>
        <source>Port</source>
        <translation>端口</translation>
    </message>
    <message>
        <source>Server</source>
        <translation>服务器</translation>
    </message>
    <message>
        <source>Database</source>
        <translation>数据库</translation>
    </message>
    <message>
        <source>User</source>
        <translation>用户</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <source>SSL</source>
        <translation>SSL 加密</translation>
    </message>
    <message>
        <source>Several counters or stores share one shop database on a PostgreSQL server. Use an empty database for a new shop: ShopCRM creates its tables.</source>
        <translation>多个收银台或门店共用 PostgreSQL 服务器上的一个店铺数据库。新店请使用一个空数据库：ShopCRM 会自动建表。</translation>
    </message>
    <message>
        <source>&amp;Open</source>
        <translation>打开(&amp;O)</translation>
    </message>
    <message>
        <source>ShopCRM database (*.db *.sqlite);;All files (*)</source>
        <translation>ShopCRM 数据库 (*.db *.sqlite);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Please choose a database file.</source>
        <translation>请选择数据库文件。</translation>
    </message>
    <message>
        <source>server</source>
        <translation>服务器</translation>
    </message>
    <message>
        <source>database</source>
        <translation>数据库</translation>
    </message>
    <message>
        <source>user</source>
        <translation>用户</translation>
    </message>
    <message>
        <source>Please fill in: %1</source>
        <translation>请填写：%1</translation>
    </message>
    <message>
        <source>Password not remembered</source>
        <translation>密码未保存</translation>
    </message>
    <message>
        <source>The system keyring could not keep the password (%1). It is used for this session only; at the next start ShopCRM asks for it again.</source>
        <translation>系统钥匙串无法保存密码（%1）。密码只用于本次运行；下次启动时 ShopCRM 会再次询问。</translation>
    </message>
</context>
</TS>
