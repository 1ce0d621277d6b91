<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
  <context>
    <name>RecycleBinDialog</name>
    <message>
      <source>Recycle bin</source>
      <translation>回收站</translation>
    </message>
    <message>
      <source>Deleted customers stay here until you restore them or delete them for good.</source>
      <translation>删除的客户保留在这里，可以恢复，也可以彻底删除。</translation>
    </message>
    <message>
      <source>Restore</source>
      <translation>恢复</translation>
    </message>
    <message>
      <source>Delete for good…</source>
      <translation>彻底删除…</translation>
    </message>
    <message>
      <source>Close</source>
      <translation>关闭</translation>
    </message>
    <message>
      <source>Delete for good</source>
      <translation>彻底删除</translation>
    </message>
    <message numerus="yes">
      <source>Delete %n customer(s) for good, with their purchases, contacts and complaints? This cannot be undone.</source>
      <translation>
        <numerusform>彻底删除这 %n 位客户及其消费、联系和投诉记录？此操作无法撤销。</numerusform>
      </translation>
    </message>
  </context>
</TS>