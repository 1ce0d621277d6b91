<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en">
<context>
    <name>RecycleBinDialog</name>
    <message numerus="yes">
        <source>Delete %n customer(s) for good, with their purchases, contacts and complaints? This cannot be undone.</source>
        <translation>
            <numerusform>Delete %n customer for good, with their purchases, contacts and complaints? This cannot be undone.</numerusform>
            <numerusform>Delete %n customers for good, with their purchases, contacts and complaints? This cannot be undone.</numerusform>
        </translation>
    </message>
</context>
</TS>
