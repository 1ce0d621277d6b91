<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>LiveUpdates</name>
    <message>
        <source>The connection to the server was lost; reconnecting…</source>
        <translation>与服务器的连接已断开，正在重连…</translation>
    </message>
    <message>
        <source>Reconnected to the server. Anything not saved can be saved again now.</source>
        <translation>已重新连接到服务器。刚才没有保存的内容现在可以再保存一次。</translation>
    </message>
    <message>
        <source>Reconnected to the server</source>
        <translation>已重新连接到服务器</translation>
    </message>
</context>
</TS>
