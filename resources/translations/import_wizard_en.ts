<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en">
<context>
    <name>ImportPreviewPage</name>
    <message numerus="yes">
        <source>“%1” (%n row(s)):</source>
        <translation>
            <numerusform>“%1” (%n row):</numerusform>
            <numerusform>“%1” (%n rows):</numerusform>
        </translation>
    </message>
</context>
</TS>
