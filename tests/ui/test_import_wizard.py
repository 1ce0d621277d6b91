"""The import wizard, walked page by page with qtbot on the messy member file."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest
from conftest import FIXTURES, xlsx_rows
from PySide6.QtWidgets import QWizard

from shopcrm.excel import excel_import as X
from shopcrm.store.models import Customer, ImportRun

pytestmark = pytest.mark.gui


@pytest.fixture
def main_window(qtbot, app, db, db_path):
    from shopcrm.ui.main_window import MainWindow

    w = MainWindow(db_path)
    qtbot.addWidget(w)
    return w


@pytest.fixture
def wizard(qtbot, main_window):
    from shopcrm.ui.excel.import_wizard import open_import_wizard

    w = open_import_wizard(main_window)
    w.main = main_window
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    return w


def next_page(qtbot, w, expected):
    w.button(QWizard.WizardButton.NextButton).click() if not w.currentPage().isCommitPage() else w.button(
        QWizard.WizardButton.CommitButton
    ).click()
    qtbot.waitUntil(lambda: w.currentPage().objectName() == expected, timeout=30_000)


def test_walk_the_wizard_on_the_messy_xlsx(qtbot, wizard, tmp_path):
    w = wizard
    assert w.currentPage().objectName() == "importFilePage"
    assert not w.button(QWizard.WizardButton.NextButton).isEnabled()
    w.file_page.path_edit.setText(str(tmp_path / "nope.xlsx"))
    w.button(QWizard.WizardButton.NextButton).click()
    assert w.currentPage().objectName() == "importFilePage"
    assert "不存在" in w.file_page.error.text()

    w.file_page.path_edit.setText(str(FIXTURES / "members_dev.xlsx"))
    next_page(qtbot, w, "importSheetPage")
    assert w.sheet_page.sheet_combo.currentText() == "members_dev_utf8bom"
    assert w.sheet_page.header_spin.value() == 4  # below the title rows
    assert "第 4 行" in w.sheet_page.detected.text()

    next_page(qtbot, w, "importMappingPage")
    page = w.mapping_page
    assert page.mapping() == {
        0: "card_no",
        1: "name",
        2: "mobile",
        3: "gender",
        4: "birthday",
        5: "balance",
        6: "points",
        7: "level",
        8: "notes",
    }
    assert page.table.item(9, 0).text() == "发卡门店" and page.combos[9].currentData() is None
    # the mobile column is required: unmapping it blocks Next and says why
    page.combos[2].setCurrentIndex(0)
    assert not w.button(QWizard.WizardButton.NextButton).isEnabled()
    assert "手机" in page.missing.text()
    page.combos[2].setCurrentIndex(page.combos[2].findData("mobile"))
    assert w.button(QWizard.WizardButton.NextButton).isEnabled()

    next_page(qtbot, w, "importOptionsPage")
    next_page(qtbot, w, "importPreviewPage")  # the dry run ran behind a progress dialog
    preview = w.preview_page.table
    assert preview.item(0, 0).text() == "5" and preview.item(0, 1).text() == "新增"
    assert preview.item(1, 1).text() == "错误" and "12345678901" in preview.item(1, 3).text()
    assert preview.item(1, 5).text() == "12345678901" and preview.item(1, 2).text() == "手机号码"
    assert "女 → " in w.preview_page.genders.text()
    assert Customer.select().count() == 0  # nothing written yet

    next_page(qtbot, w, "importDryRunPage")
    dry = w.dry_run_page
    assert "266" in dry.summary.text() and "22" in dry.summary.text()
    assert dry.table.rowCount() == 22 + 12 + 5  # errors, duplicates, warnings
    assert w.button(QWizard.WizardButton.CommitButton).text() == "导入"
    w.resize(1000, 660)
    assert w.grab().save(str(tmp_path / "import_wizard.png"))  # renders (README's copy: ui.screenshots)

    with qtbot.waitSignal(w.main.data_changed, timeout=30_000):
        next_page(qtbot, w, "importResultPage")
    assert Customer.select().count() == 266
    assert w.report.run_id == ImportRun.get().id and not w.report.dry_run
    assert "266" in w.result_page.summary.text()
    out = w.save_report(tmp_path / "report.xlsx")
    rows = list(openpyxl.load_workbook(out).active.iter_rows(values_only=True))
    assert rows[3][-1] == "错误原因" and "科学计数法" in rows[77][-1]
    assert "report.xlsx" in w.result_page.saved.text()


def test_mapping_is_remembered_for_the_next_file_with_the_same_header(qtbot, wizard, tmp_path):
    w = wizard
    path = tmp_path / "odd.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["客人", "号码", "存款"])
    wb.active.append(["王芳", "13812345678", "¥20"])
    wb.save(path)
    w.file_page.path_edit.setText(str(path))
    next_page(qtbot, w, "importSheetPage")
    assert "没有找到会员列" in w.sheet_page.detected.text()
    next_page(qtbot, w, "importMappingPage")
    combos = w.mapping_page.combos
    assert [c.currentData() for c in combos] == [None, None, None]
    for c, f in zip(combos, ("name", "mobile", "balance"), strict=True):
        c.setCurrentIndex(c.findData(f))
    next_page(qtbot, w, "importOptionsPage")
    assert X.remembered_mapping(["客人", "号码", "存款"]) == {0: "name", 1: "mobile", 2: "balance"}
    next_page(qtbot, w, "importPreviewPage")
    assert w.report.rows[0].clean.balance_cents == 2000


def test_cancelled_import_writes_nothing_and_stays_on_the_check_page(qtbot, wizard, monkeypatch):
    w = wizard
    w.file_page.path_edit.setText(str(FIXTURES / "members_dev_gbk.csv"))
    for page in ("importSheetPage", "importMappingPage", "importOptionsPage", "importPreviewPage", "importDryRunPage"):
        next_page(qtbot, w, page)
    from shopcrm.core.errors import Cancelled

    real_apply = X.apply_plan

    def cancelling(report, **kw):
        kw["progress"] = lambda done, total: False  # the user pressed Cancel
        return real_apply(report, **kw)

    monkeypatch.setattr(X, "apply_plan", cancelling)
    w.button(QWizard.WizardButton.CommitButton).click()
    qtbot.waitUntil(lambda: w.dry_run_page.cancelled.text() != "", timeout=30_000)
    assert w.currentPage().objectName() == "importDryRunPage"
    assert "未写入" in w.dry_run_page.cancelled.text() or "没有写入" in w.dry_run_page.cancelled.text()
    assert Customer.select().count() == 0
    assert X.history() == []
    assert Cancelled  # imported for the reader: the domain raised it and rolled back
    # the dry run's report is back: the page can still save it, and Import can be tried again
    assert w.report is not None and w.report.dry_run and w.report.imported == 266
    assert w.button(QWizard.WizardButton.CommitButton).isEnabled()


def test_tools_menu_actions_and_history_dialog(qtbot, main_window):
    from shopcrm.ui.excel.import_wizard import ImportHistoryDialog

    names = [a.objectName() for a in main_window.tools_menu.actions()]
    assert names[:2] == ["importCustomersAction", "importHistoryAction"]
    assert main_window.import_actions[0].text() == "从 Excel 导入客户…"
    X.run(FIXTURES / "members_dev.xlsx", X.ImportOptions(today=dt.date(2026, 11, 22)))
    dlg = ImportHistoryDialog(main_window)
    qtbot.addWidget(dlg)
    assert dlg.table.rowCount() == 1
    assert dlg.table.item(0, 1).text() == "members_dev.xlsx" and dlg.table.item(0, 4).text() == "266"
    assert dlg.table.item(0, 3).text() == "完成"


def test_clerk_mode_asks_for_the_owner_pin_before_the_first_page(qtbot, main_window, monkeypatch):
    """Issue 12: the preview shows unmasked mobiles, so the PIN comes before any page."""
    from shopcrm.trust import security
    from shopcrm.ui.excel.import_wizard import ImportWizard, open_import_wizard
    from shopcrm.ui.trust import security_ui

    security.set_pin("2468")
    security.lock()  # clerk mode
    asked = []
    monkeypatch.setattr(security_ui.PinDialog, "exec", lambda self: asked.append(self) or 0)  # Cancel
    assert open_import_wizard(main_window) is None  # no wizard, no page, no preview
    assert len(asked) == 1
    assert not [w for w in main_window.findChildren(ImportWizard) if w.isVisible()]

    def type_the_pin(dialog):
        asked.append(dialog)
        security.unlock("2468")
        return 1  # Accepted

    monkeypatch.setattr(security_ui.PinDialog, "exec", type_the_pin)
    w = open_import_wizard(main_window)
    qtbot.addWidget(w)
    assert isinstance(w, ImportWizard) and len(asked) == 2 and security.is_owner()
    w.show()
    qtbot.waitExposed(w)
    assert w.currentPage().objectName() == "importFilePage"
    # the owner mode locks (idle) while the wizard is open: leaving the first page asks again
    security.lock()
    monkeypatch.setattr(security_ui.PinDialog, "exec", lambda self: asked.append(self) or 0)
    w.file_page.path_edit.setText(str(FIXTURES / "members_dev_utf8bom.csv"))
    w.button(QWizard.WizardButton.NextButton).click()
    assert len(asked) == 3 and w.currentPage().objectName() == "importFilePage"
    assert w.sheet is None  # the file was not even read
    security.reset_session()


def test_import_is_still_refused_at_the_last_click_in_clerk_mode(qtbot, wizard, monkeypatch):
    from shopcrm.trust import security
    from shopcrm.ui.trust import security_ui

    w = wizard
    w.file_page.path_edit.setText(str(FIXTURES / "members_dev_utf8bom.csv"))
    for page in ("importSheetPage", "importMappingPage", "importOptionsPage", "importPreviewPage", "importDryRunPage"):
        next_page(qtbot, w, page)
    asked = []
    monkeypatch.setattr(security, "is_owner", lambda: False)  # clerk mode (locked meanwhile)
    monkeypatch.setattr(security_ui.PinDialog, "exec", lambda self: asked.append(1) or 0)  # Cancel
    w.button(QWizard.WizardButton.CommitButton).click()
    assert asked == [1]
    assert w.currentPage().objectName() == "importDryRunPage"
    assert Customer.select().count() == 0


def test_many_problems_are_capped_in_the_window_and_all_in_the_report(qtbot, wizard, tmp_path):
    from shopcrm.ui.excel.import_wizard import PROBLEM_ROWS

    path = tmp_path / "bad.csv"
    lines = ["姓名,手机,余额"] + [f"客户{i},1{i:05d},1" for i in range(PROBLEM_ROWS + 500)]
    path.write_text("\n".join(lines) + "\n13800000000 是好的,13800000000,1\n", encoding="utf-8")
    w = wizard
    w.file_page.path_edit.setText(str(path))
    for page in ("importSheetPage", "importMappingPage", "importOptionsPage", "importPreviewPage", "importDryRunPage"):
        next_page(qtbot, w, page)
    assert w.dry_run_page.table.rowCount() == PROBLEM_ROWS
    assert f"共 {PROBLEM_ROWS + 500} 行" in w.dry_run_page.more.text()
    out = w.save_report(tmp_path / "r.xlsx")
    rows = xlsx_rows(out)
    assert sum(1 for r in rows[1:] if len(r) > 3 and r[3]) == PROBLEM_ROWS + 500
