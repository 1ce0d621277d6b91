"""Translations shipped compiled: every .ts compiles with pyside6-lrelease without a warning, Qt's
own QTranslator on the .qm says what the .ts reader (the source-checkout fallback) says, plural
forms and disambiguation included, and the build ships the .qm."""

from __future__ import annotations

import os
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import ROOT
from PySide6.QtCore import QCoreApplication, QTranslator

from shopcrm import build_dist
from shopcrm.ui.shell import i18n

SOURCE = ROOT / "resources" / "translations"


@pytest.fixture(scope="module")
def qm_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("qm")
    made = build_dist.compile_translations(out)
    assert sorted(p.name for p in made) == ["shopcrm_en.qm", "shopcrm_zh_CN.qm"]
    return out


def ts_messages(lang: str) -> list[tuple[str, str, bool]]:
    """(context, source, numerus) of every finished message of ``lang``."""
    out = []
    for ts in sorted(SOURCE.glob(f"*_{lang}.ts")):
        for ctx in ET.parse(ts).getroot().iter("context"):
            for msg in ctx.iter("message"):
                tr = msg.find("translation")
                if tr is not None and tr.get("type") not in ("unfinished", "obsolete", "vanished"):
                    out.append((ctx.findtext("name"), msg.findtext("source"), msg.get("numerus") == "yes"))
    return out


def test_every_ts_file_names_its_language_and_compiles_without_warnings(qm_dir):
    for ts in SOURCE.glob("*.ts"):
        lang = ET.parse(ts).getroot().get("language")  # lrelease takes the plural rules from it
        assert ts.stem.endswith("_" + lang) and lang in i18n.LANGUAGES, ts.name
    assert all(p.stat().st_size > 1000 for p in qm_dir.glob("*.qm"))


def test_an_unfinished_message_fails_the_compile(tmp_path):
    (tmp_path / "x_zh_CN.ts").write_text(
        '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n<TS version="2.1" language="zh_CN">'
        "<context><name>A</name><message><source>Save</source>"
        '<translation type="unfinished"></translation></message></context></TS>',
        encoding="utf-8",
    )
    with pytest.raises(SystemExit, match="Ignored 1 untranslated"):
        build_dist.compile_translations(tmp_path / "out", tmp_path)


def _with(app, translator, fn):
    app.installTranslator(translator)
    try:
        return fn()
    finally:
        app.removeTranslator(translator)


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_the_qm_says_what_the_ts_fallback_says(qapp, qm_dir, lang):
    qm = i18n.load_translator(lang, qapp, qm_dir)
    assert i18n.compiled(qm) and Path(qm.filePath()) == qm_dir / f"shopcrm_{lang}.qm"
    ts = i18n.TsTranslator(lang, qapp)
    messages = ts_messages(lang)
    assert len(messages) > (300 if lang == "zh_CN" else 10)
    tr = QCoreApplication.translate

    def everything():
        out = {}
        for ctx, src, numerus in messages:
            for n in (1, 2, 5) if numerus else (-1,):
                out[(ctx, src, n)] = tr(ctx, src, None, n)
        return out

    from_qm, from_ts = _with(qapp, qm, everything), _with(qapp, ts, everything)
    assert from_qm == from_ts
    translated = sum(from_qm[(c, s, -1)] != s for c, s, numerus in messages if not numerus)
    assert translated > (300 if lang == "zh_CN" else -1)  # the comparison compared translations


@pytest.mark.parametrize(
    "lang, one, two",
    [
        ("en", "1 item selected", "2 items selected"),
        ("zh_CN", "已选 1 项", "已选 2 项"),
    ],
)
def test_numerus_through_qt_own_translator(qapp, qm_dir, lang, one, two):
    qm = i18n.load_translator(lang, qapp, qm_dir)
    tr = QCoreApplication.translate
    got = _with(qapp, qm, lambda: [tr("TodayTab", "%n item(s) selected", "", n) for n in (1, 2)])
    assert got == [one, two]


def test_disambiguation_works_through_the_qm(qapp, tmp_path):
    """Two messages with the same source text and different comments ("Open" a file, "Open" a
    complaint) get their own translations, which only Qt's translator tells apart."""
    (tmp_path / "x_zh_CN.ts").write_text(
        '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n<TS version="2.1" language="zh_CN"><context>'
        "<name>A</name>"
        "<message><source>Open</source><comment>file</comment><translation>打开</translation></message>"
        "<message><source>Open</source><comment>complaint</comment><translation>未处理</translation></message>"
        "</context></TS>",
        encoding="utf-8",
    )
    build_dist.compile_translations(tmp_path / "out", tmp_path)
    qm = QTranslator(qapp)
    assert qm.load(str(tmp_path / "out" / "shopcrm_zh_CN.qm"))
    tr = QCoreApplication.translate
    got = _with(qapp, qm, lambda: (tr("A", "Open", "file"), tr("A", "Open", "complaint")))
    assert got == ("打开", "未处理")


def test_a_source_checkout_reads_the_ts_files(app):
    assert not list(SOURCE.glob("*.qm"))  # build output never lives in the tree
    assert i18n.catalogue_kind() == "ts"
    assert QCoreApplication.translate("MainWindow", "Customers") == "客户"


def test_a_qm_older_than_its_sources_is_not_used(qapp, qm_dir, tmp_path):
    folder = tmp_path / "translations"
    shutil.copytree(SOURCE, folder)
    shutil.copy2(qm_dir / "shopcrm_zh_CN.qm", folder)
    newer = folder / "main_window_zh_CN.ts"
    qm_time = (folder / "shopcrm_zh_CN.qm").stat().st_mtime
    os.utime(newer, (qm_time - 10, qm_time - 10))
    for ts in folder.glob("*.ts"):
        os.utime(ts, (qm_time - 10, qm_time - 10))
    assert i18n.compiled(i18n.load_translator("zh_CN", qapp, folder))
    os.utime(newer, (qm_time + 10, qm_time + 10))  # edited after the build
    assert isinstance(i18n.load_translator("zh_CN", qapp, folder), i18n.TsTranslator)


def test_the_build_ships_the_qm_and_not_the_ts(tmp_path):
    args = build_dist.pyinstaller_args(tmp_path / "work")
    data = [args[i + 1] for i, a in enumerate(args) if a == "--add-data"]
    ours = [d for d in data if d.endswith(f"{os.pathsep}shopcrm/resources/translations")]
    assert len(ours) == 1
    folder = Path(ours[0].split(os.pathsep)[0])
    assert sorted(p.name for p in folder.iterdir()) == ["shopcrm_en.qm", "shopcrm_zh_CN.qm"]
    spec_filter = build_dist.SPEC_FILTER.format(
        drop=build_dist.DROP_BINARIES, keep=build_dist.KEEP_QT_TRANSLATIONS, ours=build_dist.OUR_TRANSLATIONS + "/"
    )
    scope: dict = {}
    exec(spec_filter.split("\na.binaries")[0], scope)  # the spec's filter function itself
    unused = scope["_unused_qm"]
    assert unused("shopcrm/resources/translations/today_tab_zh_CN.ts")
    assert not unused("shopcrm/resources/translations/shopcrm_en.qm")
    assert not unused("shopcrm/resources/translations/shopcrm_zh_CN.qm")
    assert not unused("PySide6/Qt/translations/qtbase_zh_CN.qm")
    assert unused("PySide6/Qt/translations/qtbase_de.qm")
