"""Chinese and English complete: every UI source string has a finished zh_CN translation, the
language switch changes what is on screen, and Qt's own dialogs speak the same language."""

from __future__ import annotations

import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import ROOT

from shopcrm.ui.shell import i18n

UI_SOURCES = sorted((ROOT / "shopcrm" / "ui").rglob("*.py"))
PLACEHOLDER = re.compile(r"%(?:\d|n)")


def lupdate() -> Path:
    return Path(sys.executable).with_name("pyside6-lupdate")


def messages(ts: Path) -> list[tuple[str, str, ET.Element | None]]:
    out = []
    for ctx in ET.parse(ts).getroot().iter("context"):
        name = ctx.findtext("name") or ""
        for msg in ctx.iter("message"):
            out.append((name, msg.findtext("source") or "", msg.find("translation")))
    return out


@pytest.fixture(scope="module")
def source_strings(tmp_path_factory) -> set[tuple[str, str]]:
    """Every translatable string in the UI code, as pyside6-lupdate extracts it (fresh, into a
    temporary .ts, so that a string nobody ran lupdate for is caught too)."""
    if not lupdate().exists():
        pytest.skip("pyside6-lupdate is not installed beside this Python")
    out = tmp_path_factory.mktemp("lupdate") / "all_zh_CN.ts"
    subprocess.run(
        [str(lupdate()), "-no-obsolete", "-locations", "none", *map(str, UI_SOURCES), "-ts", str(out)],
        check=True,
        capture_output=True,
    )
    found = {(ctx, src) for ctx, src, _tr in messages(out)}
    assert len(found) > 200  # the extraction itself worked
    return found


def finished_translations() -> dict[tuple[str, str], str]:
    merged: dict[tuple[str, str], str] = {}
    for ts in sorted(i18n.translations_dir().glob("*_zh_CN.ts")):
        merged.update(i18n.read_ts(ts))
    return merged


def test_every_ui_string_has_a_finished_chinese_translation(source_strings):
    done = finished_translations()
    missing = sorted(f"{ctx}: {src!r}" for ctx, src in source_strings if not done.get((ctx, src), "").strip())
    assert missing == [], f"{len(missing)} untranslated:\n" + "\n".join(missing)


def test_no_unfinished_or_empty_entries_in_the_ts_files():
    bad = []
    for ts in sorted(i18n.translations_dir().glob("*.ts")):
        for ctx, src, tr in messages(ts):
            if tr is None or tr.get("type") == "unfinished":
                bad.append(f"{ts.name} {ctx}: {src!r}")
                continue
            forms = [f.text for f in tr.findall("numerusform")] or [tr.text]
            if tr.get("type") not in ("obsolete", "vanished") and not all((f or "").strip() for f in forms):
                bad.append(f"{ts.name} {ctx}: {src!r} (empty)")
    assert bad == [], "\n".join(bad)


def test_translations_keep_their_placeholders():
    """A translation that drops %1 or %n shows the wrong (or no) number."""
    bad = []
    for ts in sorted(i18n.translations_dir().glob("*.ts")):
        for (ctx, src), text in i18n.read_ts(ts).items():
            if sorted(set(PLACEHOLDER.findall(src))) != sorted(set(PLACEHOLDER.findall(text))):
                bad.append(f"{ts.name} {ctx}: {src!r} -> {text!r}")
    assert bad == [], "\n".join(bad)


def test_each_ui_module_has_its_own_ts_file(source_strings):
    names = {p.stem for p in i18n.translations_dir().glob("*_zh_CN.ts")}
    with_strings = [
        p.stem
        for p in UI_SOURCES
        if re.search(r"self\.tr\(|translate\(\"", p.read_text(encoding="utf-8")) and p.stem not in ("i18n",)
    ]
    assert [m for m in with_strings if f"{m}_zh_CN" not in names and m != "app"] == []


# --- on screen ----------------------------------------------------------------------------------


def main_window_texts(window) -> dict[str, str]:
    bar = window.menuBar()
    return {
        "tab0": window.tabs.tabText(0),
        "menu0": bar.actions()[0].text(),
        "new": window.customers_tab.new_button.text(),
        "title": window.windowTitle(),
    }


@pytest.fixture
def fresh_window(app, qtbot, db, db_location):
    from shopcrm.ui.main_window import MainWindow

    def make():
        w = MainWindow(db_location)
        qtbot.addWidget(w)
        return w

    return make


def test_switching_language_changes_visible_texts(app, fresh_window):
    i18n.install(app, "en")
    english = main_window_texts(fresh_window())
    i18n.install(app, "zh_CN")
    chinese = main_window_texts(fresh_window())
    assert english["tab0"] == "Customers" and chinese["tab0"] == "客户"
    assert english["new"] == "New customer"
    for key in english:
        assert english[key] != chinese[key], key
        assert re.search(r"[\u4e00-\u9fff]", chinese[key]), (key, chinese[key])
        assert not re.search(r"[\u4e00-\u9fff]", english[key]), (key, english[key])


def test_first_run_dialog_in_both_languages(app, qtbot, db):
    from shopcrm.ui.first_run import FirstRunDialog

    i18n.install(app, "en")
    en = FirstRunDialog()
    qtbot.addWidget(en)
    i18n.install(app, "zh_CN")
    zh = FirstRunDialog()
    qtbot.addWidget(zh)
    for attr in ("import_button", "demo_button", "empty_button", "pin_button"):
        assert getattr(en, attr).text() != getattr(zh, attr).text()


@pytest.mark.parametrize("lang, cancel, yes", [("zh_CN", "取消", "是"), ("en", "Cancel", "Yes")])
def test_qt_standard_buttons_follow_the_language(app, qtbot, lang, cancel, yes):
    from PySide6.QtWidgets import QDialogButtonBox, QMessageBox

    i18n.install(app, lang)
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel | QDialogButtonBox.StandardButton.Ok)
    qtbot.addWidget(box)
    assert box.button(QDialogButtonBox.StandardButton.Cancel).text().replace("&", "") == cancel
    msg = QMessageBox(
        QMessageBox.Icon.Question, "t", "q", QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No
    )
    qtbot.addWidget(msg)
    assert yes in msg.button(QMessageBox.StandardButton.Yes).text().replace("&", "")


def test_qt_file_dialog_speaks_chinese(app, qtbot):
    from PySide6.QtWidgets import QFileDialog, QPushButton

    i18n.install(app, "zh_CN")
    dlg = QFileDialog(None, "x")
    dlg.setOption(QFileDialog.Option.DontUseNativeDialog)
    qtbot.addWidget(dlg)
    texts = {b.text().replace("&", "") for b in dlg.findChildren(QPushButton)}
    assert "取消" in texts
