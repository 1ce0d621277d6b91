<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en">
<context>
    <name>DoneDialog</name>
    <message numerus="yes">
        <source>%n customer(s) contacted.</source>
        <translation>
            <numerusform>%n customer contacted.</numerusform>
            <numerusform>%n customers contacted.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>TodayTab</name>
    <message numerus="yes">
        <source>%n due today</source>
        <translation>
            <numerusform>%n due today</numerusform>
            <numerusform>%n due today</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n overdue</source>
        <translation>
            <numerusform>%n overdue</numerusform>
            <numerusform>%n overdue</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n upcoming</source>
        <translation>
            <numerusform>%n upcoming</numerusform>
            <numerusform>%n upcoming</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>over %n more scheduled visit(s) wait for the coming days</source>
        <translation>
            <numerusform>over %n more scheduled visit waits for the coming days</numerusform>
            <numerusform>over %n more scheduled visits wait for the coming days</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n more scheduled visit(s) wait for the coming days</source>
        <translation>
            <numerusform>%n more scheduled visit waits for the coming days</numerusform>
            <numerusform>%n more scheduled visits wait for the coming days</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1: %n+ more</source>
        <translation>
            <numerusform>%1: %n+ more</numerusform>
            <numerusform>%1: %n+ more</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1: %n more</source>
        <translation>
            <numerusform>%1: %n more</numerusform>
            <numerusform>%1: %n more</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n item(s) selected</source>
        <translation>
            <numerusform>%n item selected</numerusform>
            <numerusform>%n items selected</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n item(s) done</source>
        <translation>
            <numerusform>%n item done</numerusform>
            <numerusform>%n items done</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n item(s) snoozed to %1</source>
        <translation>
            <numerusform>%n item snoozed to %1</numerusform>
            <numerusform>%n items snoozed to %1</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n item(s) skipped</source>
        <translation>
            <numerusform>%n item skipped</numerusform>
            <numerusform>%n items skipped</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n message(s) copied</source>
        <translation>
            <numerusform>%n message copied</numerusform>
            <numerusform>%n messages copied</numerusform>
        </translation>
    </message>
</context>
</TS>
