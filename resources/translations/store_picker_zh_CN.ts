<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>StorePicker</name>
    <message>
        <source>Which store&apos;s work to show</source>
        <translation>显示哪个门店的工作</translation>
    </message>
</context>
</TS>
