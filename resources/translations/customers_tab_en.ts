<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en">
<context>
    <name>CustomersTab</name>
    <message numerus="yes">
        <source>%n customer(s)</source>
        <translation>
            <numerusform>%n customer</numerusform>
            <numerusform>%n customers</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Move %n customer(s) to the recycle bin? They can be restored from there.</source>
        <translation>
            <numerusform>Move %n customer to the recycle bin? It can be restored from there.</numerusform>
            <numerusform>Move %n customers to the recycle bin? They can be restored from there.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n+ customers, counting…</source>
        <translation>
            <numerusform>%n+ customer, counting…</numerusform>
            <numerusform>%n+ customers, counting…</numerusform>
        </translation>
    </message>
</context>
</TS>
