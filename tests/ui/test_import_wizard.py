"""The import wizard, walked page by page with qtbot on the messy member file."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest
from conftest import FIXTURES, xlsx_rows
from PySide6.QtWidgets import QRadioButton, QWizard

from shopcrm.excel import excel_import as X
from shopcrm.store.models import Customer, ImportRun

pytestmark = pytest.mark.gui


@pytest.fixture
def main_window(qtbot, app, db, db_location):
    from shopcrm.ui.main_window import MainWindow

    w = MainWindow(db_location)
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


# --- the purchase history (issue 16) ----------------------------------------------------------------
POS = FIXTURES / "odd_pos_export.xlsx"


def _pos_key() -> dict:
    import json

    return json.loads((FIXTURES / "odd_expected.json").read_text("utf-8"))["odd_pos_export.xlsx"]


def _walk_purchases_to_the_check(qtbot, w, *, points: bool) -> None:
    """Members first (the fixture's 会员 sheet, by the domain), then the wizard on the same file."""
    members = X.run(POS, X.ImportOptions(sheet="会员", today=dt.date(2026, 11, 22)))
    assert members.imported == 4
    w.file_page.findChild(QRadioButton, "importKind_purchases").click()
    w.file_page.path_edit.setText(str(POS))
    next_page(qtbot, w, "importSheetPage")


def test_walk_the_wizard_through_a_purchase_import(qtbot, wizard, tmp_path):
    from shopcrm.backup import list_backups
    from shopcrm.customers import ledger
    from shopcrm.store.db import database

    key = _pos_key()
    w = wizard
    _walk_purchases_to_the_check(qtbot, w, points=True)
    page = w.sheet_page
    # the visible active sheet is chosen; the others are listed with their row counts
    assert page.sheet_combo.currentText() == key["sheet"]
    for name, rows in key["other_sheets"].items():
        assert f"“{name}”（{rows} 行）" in page.others.text()
    assert page.header_spin.value() == key["header_row"]
    assert "第 2 行" in page.detected.text()

    next_page(qtbot, w, "importMappingPage")
    assert w.mapping_page.mapping() == {
        0: "date",
        1: "card_no",
        2: "mobile",
        3: "amount",
        4: "items",
        5: "payment",
        6: "points",
    }
    assert not w.mapping_page.unknown_box.isVisible()
    # the date is needed: unmapping it blocks Next and says why
    combo = w.mapping_page.combos[0]
    combo.setCurrentIndex(0)
    assert not w.button(QWizard.WizardButton.NextButton).isEnabled() and "日期" in w.mapping_page.missing.text()
    combo.setCurrentIndex(combo.findData("date"))

    next_page(qtbot, w, "importOptionsPage")
    opts = w.options_page
    assert opts.points_box.isVisible() and opts.points_box.isEnabled() and not opts.points_box.isChecked()
    assert not opts.member_boxes[0].isVisible()
    opts.points_box.setChecked(True)
    purchases_before = database.execute_sql("SELECT COUNT(*) FROM purchase").fetchone()[0]
    next_page(qtbot, w, "importDryRunPage")  # no member preview for purchases
    rep = w.report
    assert rep.dry_run and rep.imported == key["imported"] and rep.returns == key["returns"]
    assert database.execute_sql("SELECT COUNT(*) FROM purchase").fetchone()[0] == purchases_before
    dry = w.dry_run_page
    text = dry.summary.text()
    assert f"<b>{key['imported']}</b>" in text and f"<b>{len(key['unmatched_rows'])}</b> 未匹配" in text
    # every row not imported is listed by its row, with the reason: unmatched ones named
    listed = {int(dry.table.item(r, 0).text()): dry.table.item(r, 3).text() for r in range(dry.table.rowCount())}
    assert sorted(listed) == sorted(key["unmatched_rows"] + key["walk_in_rows"] + key["summary_rows"])
    assert "13900000000" in listed[7] and "V999" in listed[8]
    assert all("散客" in listed[r] for r in key["walk_in_rows"]) and "合计" in listed[13]
    assert dry.table.horizontalHeaderItem(4).text() == "日期"
    assert w.button(QWizard.WizardButton.CommitButton).text() == "导入"

    with qtbot.waitSignal(w.main.data_changed, timeout=30_000):
        next_page(qtbot, w, "importResultPage")
    assert not w.report.dry_run and w.report.run_id is not None
    assert "导入" in w.result_page.summary.text()
    assert any(b.kind == "before-import" for b in list_backups())  # the backup came first
    for mobile, want in key["after_import_by_mobile"].items():
        c = Customer.get(Customer.mobile == mobile)
        assert fmt_cents(c.total_spend_cents) == want["total_spend"], mobile
        assert c.purchase_count == want["purchases"], mobile
        assert c.points == want["points_as_history"], mobile
    assert ledger.verify() == []
    out = w.save_report(tmp_path / "purchases_report.xlsx")
    rows = xlsx_rows(out)
    assert rows[1][-1] == "错误原因" and "V999" in rows[7][-1]


def fmt_cents(cents: int) -> str:
    from shopcrm.core.money import fmt

    return fmt(cents, grouping=False)


def test_cancelled_purchase_import_leaves_the_database_unchanged(qtbot, wizard, monkeypatch):
    from shopcrm.excel import purchase_import as P
    from shopcrm.store.db import database

    w = wizard
    _walk_purchases_to_the_check(qtbot, w, points=False)
    for page in ("importMappingPage", "importOptionsPage", "importDryRunPage"):
        next_page(qtbot, w, page)

    def state():
        q = database.execute_sql
        return (
            q("SELECT * FROM purchase ORDER BY id").fetchall(),
            q("SELECT * FROM purchase_payment ORDER BY id").fetchall(),
            q("SELECT id, total_spend_cents, purchase_count, last_purchase_at, points FROM customer").fetchall(),
            q("SELECT COUNT(*) FROM import_run").fetchone(),
        )

    before = state()
    real_apply = P.apply_plan
    seen = []

    def cancelling(report, **kw):
        def progress(done, total):
            seen.append(done)
            return done < total  # Cancel pressed at the very end, after every row was written

        kw["progress"] = progress
        return real_apply(report, **kw)

    monkeypatch.setattr(P, "apply_plan", cancelling)
    w.button(QWizard.WizardButton.CommitButton).click()
    qtbot.waitUntil(lambda: w.dry_run_page.cancelled.text() != "", timeout=30_000)
    assert seen and w.currentPage().objectName() == "importDryRunPage"
    assert "未写入" in w.dry_run_page.cancelled.text() or "没有写入" in w.dry_run_page.cancelled.text()
    assert state() == before
    assert w.report is not None and w.report.dry_run and w.report.imported == _pos_key()["imported"]
    assert w.button(QWizard.WizardButton.CommitButton).isEnabled()


def test_member_import_lists_the_other_sheets_and_switches_sheet(qtbot, wizard):
    w = wizard
    w.file_page.path_edit.setText(str(POS))
    next_page(qtbot, w, "importSheetPage")  # members is the default kind
    page = w.sheet_page
    assert page.sheet_combo.currentText() == "消费记录"  # the active sheet, though not a member list
    assert "“会员”（5 行）" in page.others.text()
    page.sheet_combo.setCurrentText("会员")
    assert w.sheet.sheet == "会员" and page.header_spin.value() == 1
    assert "“消费记录”（13 行）" in page.others.text() and "“说明”（2 行）" in page.others.text()
    next_page(qtbot, w, "importMappingPage")
    next_page(qtbot, w, "importOptionsPage")
    next_page(qtbot, w, "importPreviewPage")
    assert w.report.imported == 4
