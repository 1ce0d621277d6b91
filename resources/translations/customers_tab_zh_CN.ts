<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
  <context>
    <name>CustomersTab</name>
    <message>
      <source>Search: mobile, last 4 digits, name, pinyin initials (zs), card no.</source>
      <translation>搜索：手机号、手机后四位、姓名、拼音首字母（如 zs）、卡号</translation>
    </message>
    <message>
      <source>New customer</source>
      <translation>新建客户</translation>
    </message>
    <message>
      <source>Create a customer archive (Ctrl+N)</source>
      <translation>新建客户档案（Ctrl+N）</translation>
    </message>
    <message>
      <source>Open</source>
      <translation>打开</translation>
    </message>
    <message>
      <source>Record purchase…</source>
      <translation>记录消费…</translation>
    </message>
    <message>
      <source>Record a purchase for the selected customer</source>
      <translation>为选中的客户记录一笔消费</translation>
    </message>
    <message>
      <source>Delete</source>
      <translation>删除</translation>
    </message>
    <message>
      <source>Move the selected customers to the recycle bin</source>
      <translation>把选中的客户移到回收站</translation>
    </message>
    <message>
      <source>Recycle bin</source>
      <translation>回收站</translation>
    </message>
    <message>
      <source>Level</source>
      <translation>等级</translation>
    </message>
    <message>
      <source>Tag</source>
      <translation>标签</translation>
    </message>
    <message>
      <source>All</source>
      <translation>全部</translation>
    </message>
    <message numerus="yes">
      <source>%n customer(s)</source>
      <translation>
        <numerusform>共 %n 位客户</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>%n+ customers, counting…</source>
      <translation>
        <numerusform>%n+ 位客户，计数中…</numerusform>
      </translation>
    </message>
    <message>
      <source>Delete customers</source>
      <translation>删除客户</translation>
    </message>
    <message numerus="yes">
      <source>Move %n customer(s) to the recycle bin? They can be restored from there.</source>
      <translation>
        <numerusform>把 %n 位客户移到回收站？之后可以从回收站恢复。</numerusform>
      </translation>
    </message>
    <message>
      <source>Segment</source>
      <translation>分组</translation>
    </message>
    <message>
      <source>New segment…</source>
      <translation>新建分群…</translation>
    </message>
    <message>
      <source>Build a segment from criteria, with a live count</source>
      <translation>按条件新建客户分群，实时显示人数</translation>
    </message>
    <message>
      <source>Edit…</source>
      <translation>编辑…</translation>
    </message>
    <message>
      <source>Change the chosen segment&apos;s criteria</source>
      <translation>修改所选分群的条件</translation>
    </message>
  </context>
</TS>