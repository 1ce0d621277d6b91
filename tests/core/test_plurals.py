"""Counting strings: Qt numerus forms read through our .ts translator ("1 day", "2 days" in
English, one form in Chinese), and every counting string has its English forms."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from PySide6.QtCore import QCoreApplication

from shopcrm.ui.shell import i18n


def numerus_sources(lang: str) -> set[tuple[str, str]]:
    out = set()
    for ts in i18n.translations_dir().glob(f"*_{lang}.ts"):
        for ctx in ET.parse(ts).getroot().iter("context"):
            for msg in ctx.iter("message"):
                if msg.get("numerus") == "yes":
                    out.add((ctx.findtext("name"), msg.findtext("source")))
    return out


def test_every_counting_string_has_english_singular_and_plural():
    zh = numerus_sources("zh_CN")
    assert len(zh) >= 15
    en = {}
    for ts in i18n.translations_dir().glob("*_en.ts"):
        en.update(i18n.read_ts_forms(ts))
    missing = sorted(f"{c}: {s}" for c, s in zh if len(en.get((c, s), ())) != 2)
    assert missing == []
    for (_ctx, src), (one, other) in en.items():
        assert "%n" in one and "%n" in other and "(s)" not in one + other, src
    # the English files hold the counting strings only (the rest of English is the source)
    assert set(en) == numerus_sources("en") <= zh


@pytest.mark.parametrize(
    "lang, one, two",
    [
        ("en", "1 item selected", "2 items selected"),
        ("zh_CN", "已选 1 项", "已选 2 项"),
    ],
)
def test_numerus_forms_through_the_translator(qapp, lang, one, two):
    try:
        i18n.install(qapp, lang)
        tr = QCoreApplication.translate
        assert tr("TodayTab", "%n item(s) selected", "", 1) == one
        assert tr("TodayTab", "%n item(s) selected", "", 2) == two
        assert tr("TodayTab", "%n item(s) selected", "", 0) == ("0 items selected" if lang == "en" else "已选 0 项")
    finally:
        i18n.uninstall(qapp)


def test_counting_domain_texts_have_both_english_forms():
    # modules register their texts on import
    import shopcrm.backup
    import shopcrm.care
    import shopcrm.complaints
    import shopcrm.excel.excel_export
    import shopcrm.grading  # noqa: F401
    from shopcrm.core import texts

    counting = {k: v for k, v in texts.CATALOGUE.items() if isinstance(v[1], tuple)}
    assert {
        "care.due.late",
        "export.summary",
        "startup.offer_backup",
        "grading.wake_purpose",
        "cmp.ev.resolved",
    } <= set(counting)
    for key, (zh, (one, other)) in counting.items():
        assert "{n}" in zh and "{n}" in other and one, key  # "once a month" needs no number
    texts.set_language("en")
    assert texts.tn("export.summary", 1, path="a.xlsx") == "Exported 1 customer to “a.xlsx”"
    assert texts.tn("export.summary", 2, path="a.xlsx") == "Exported 2 customers to “a.xlsx”"
    assert texts.tn("grading.wake_purpose", 1) == "Wake a dormant customer (1 day without a purchase)"
    texts.set_language("zh_CN")
    assert texts.tn("export.summary", 1, path="a.xlsx") == "已导出 1 位客户到“a.xlsx”"
