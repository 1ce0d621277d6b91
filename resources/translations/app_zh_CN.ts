<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>app</name>
    <message>
        <source>An unexpected error occurred: %1

ShopCRM keeps running; details are in the log file:
%2</source>
        <translation>发生了意外错误：%1

ShopCRM 会继续运行；详细信息在日志文件中：
%2</translation>
    </message>
</context>
</TS>
