<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
  <context>
    <name>MainWindow</name>
    <message>
      <source>Member benefits settings…</source>
      <translation>会员权益设置…</translation>
    </message>
    <message>
      <source>Customers</source>
      <translation>客户</translation>
    </message>
    <message>
      <source>&amp;File</source>
      <translation>文件(&amp;F)</translation>
    </message>
    <message>
      <source>Open database…</source>
      <translation>打开数据库…</translation>
    </message>
    <message>
      <source>Quit</source>
      <translation>退出</translation>
    </message>
    <message>
      <source>&amp;Customers</source>
      <translation>客户(&amp;C)</translation>
    </message>
    <message>
      <source>New customer</source>
      <translation>新建客户</translation>
    </message>
    <message>
      <source>Find customer</source>
      <translation>查找客户</translation>
    </message>
    <message>
      <source>Recycle bin…</source>
      <translation>回收站…</translation>
    </message>
    <message>
      <source>&amp;Tools</source>
      <translation>工具(&amp;T)</translation>
    </message>
    <message>
      <source>&amp;View</source>
      <translation>视图(&amp;V)</translation>
    </message>
    <message>
      <source>Language</source>
      <translation>语言</translation>
    </message>
    <message>
      <source>&amp;Help</source>
      <translation>帮助(&amp;H)</translation>
    </message>
    <message>
      <source>About ShopCRM</source>
      <translation>关于 ShopCRM</translation>
    </message>
    <message>
      <source>Record purchase — %1</source>
      <translation>记录消费 — %1</translation>
    </message>
    <message>
      <source>ShopCRM Customer Management</source>
      <translation>ShopCRM 店铺客户关系管理</translation>
    </message>
    <message>
      <source>Database: %1</source>
      <translation>数据库：%1</translation>
    </message>
    <message>
      <source>Open database</source>
      <translation>打开数据库</translation>
    </message>
    <message>
      <source>ShopCRM database (*.db *.sqlite);;All files (*)</source>
      <translation>ShopCRM 数据库 (*.db *.sqlite);;所有文件 (*)</translation>
    </message>
    <message>
      <source>Cannot open database</source>
      <translation>无法打开数据库</translation>
    </message>
    <message>
      <source>The new language is used from the next start of ShopCRM.</source>
      <translation>新的语言将在下次启动 ShopCRM 时生效。</translation>
    </message>
    <message>
      <source>&lt;h3&gt;ShopCRM %1&lt;/h3&gt;&lt;p&gt;Customer relationship management for small shops.&lt;/p&gt;&lt;p&gt;Data: %2&lt;/p&gt;&lt;p&gt;Log file: %3&lt;/p&gt;</source>
      <translation>&lt;h3&gt;ShopCRM 店铺客户关系管理 %1&lt;/h3&gt;&lt;p&gt;为小店打造的客户关系管理软件。&lt;/p&gt;&lt;p&gt;数据文件：%2&lt;/p&gt;&lt;p&gt;日志文件：%3&lt;/p&gt;</translation>
    </message>
    <message>
      <source>Open log folder</source>
      <translation>打开日志文件夹</translation>
    </message>
  </context>
</TS>