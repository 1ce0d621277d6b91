<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en">
<context>
    <name>AnalysisTab</name>
    <message numerus="yes">
        <source>Last %n month(s)</source>
        <translation>
            <numerusform>Last %n month</numerusform>
            <numerusform>Last %n months</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n customer(s) reached a higher level.</source>
        <translation>
            <numerusform>%n customer reached a higher level.</numerusform>
            <numerusform>%n customers reached a higher level.</numerusform>
        </translation>
    </message>
</context>
</TS>
