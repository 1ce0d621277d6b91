"""The export dialog and the Tools-menu actions, driven with qtbot on the real main window."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import TEST_DAY
from openpyxl import load_workbook
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from shopcrm import customers as C
from shopcrm.ui.excel.export_dialog import ExportDialog, open_export_dialog
from tests.conftest import answer_box

# the offscreen platform warns when the progress dialog appears; that is not a problem of ours
pytestmark = [pytest.mark.usefixtures("fixed_day"), pytest.mark.gui, pytest.mark.qt_log_ignore("propagateSizeHints")]
TODAY = TEST_DAY


def make(name, mobile, **kw) -> int:
    return C.create(C.CustomerInput(name=name, mobile=mobile, **kw), today=TODAY).id


@pytest.fixture
def three(db):
    gold = C.level_id_by_name("金卡", create=True)
    return [
        make("张三", "13812345678", card_no="000777", level_id=gold, opening_balance="88.80"),
        make("李四", "13900001111"),
        make("王五", "13700002222", level_id=gold),
    ]


def names_in(path) -> list[str]:
    return [r[0] for r in load_workbook(path)["客户"].iter_rows(min_row=2, values_only=True)]


def test_tools_menu_has_the_export_actions(three, window):
    names = [a.objectName() for a in window.tools_menu.actions()]
    assert "exportCustomersAction" in names and "exportArchiveAction" in names
    texts = [a.text() for a in window.tools_menu.actions()]
    assert "导出客户到 Excel…" in texts and "导出完整档案到 Excel…" in texts


def test_dialog_exports_the_list_as_filtered_now(three, window, qtbot, tmp_path):
    tab = window.customers_tab
    tab.level_filter.setCurrentIndex(tab.level_filter.findText("金卡"))
    tab.apply_filters()
    dialog = open_export_dialog(window)
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "导出客户到 Excel"
    assert dialog.list_radio.isChecked() and "2 位" in dialog.list_radio.text()
    assert "3 位" in dialog.all_radio.text()
    dialog.path_edit.setText(str(tmp_path / "金卡.xlsx"))
    dialog.exported.disconnect()  # no "finished" message box in this test
    result = dialog.export()
    assert result is not None and result.customers == 2
    assert sorted(names_in(tmp_path / "金卡.xlsx")) == ["张三", "王五"]
    assert dialog.result() == ExportDialog.DialogCode.Accepted


def test_dialog_exports_the_selection_and_the_full_archive(three, window, qtbot, tmp_path):
    dialog = ExportDialog(window, selected_ids=[three[2], three[0]], full=True)
    qtbot.addWidget(dialog)
    assert dialog.selection_radio.isChecked() and dialog.full_check.isChecked()
    assert Path(dialog.path_edit.text()).name.startswith("客户完整档案_")
    dialog.full_check.setChecked(False)  # an untouched suggested name follows the box
    assert Path(dialog.path_edit.text()).name.startswith("客户名单_")
    dialog.full_check.setChecked(True)
    dialog.path_edit.setText(str(tmp_path / "选中"))
    result = dialog.export()
    assert result.full and result.path == tmp_path / "选中.xlsx"
    assert names_in(result.path) == ["王五", "张三"]
    assert load_workbook(result.path).sheetnames == ["客户", "消费记录", "联系记录", "投诉记录", "优惠券", "计次卡"]


def test_selection_is_disabled_without_one(three, window, qtbot):
    dialog = ExportDialog(window, selected_ids=[])
    qtbot.addWidget(dialog)
    assert not dialog.selection_radio.isEnabled() and dialog.all_radio.isChecked()


def test_dialog_defaults_to_everyone_without_a_filter(three, window, qtbot):
    window.tabs.setCurrentWidget(window.customers_tab)
    dialog = open_export_dialog(window)
    qtbot.addWidget(dialog)
    assert dialog.all_radio.isChecked() and "3 位" in dialog.all_radio.text()


def test_dialog_from_another_tab_defaults_to_everyone_even_with_a_filter(three, window, qtbot):
    tab = window.customers_tab
    tab.search.setText("张")  # narrowed earlier, then the clerk went to another tab
    assert window.customers_tab.model.rowCount() == 1
    window.tabs.setCurrentIndex(1)
    dialog = open_export_dialog(window)
    qtbot.addWidget(dialog)
    assert dialog.all_radio.isChecked()
    assert "3 位" in dialog.list_radio.text()  # the out-of-sight filter plays no part


def test_dialog_on_the_customers_tab_with_a_search_defaults_to_the_list(three, window, qtbot):
    window.tabs.setCurrentWidget(window.customers_tab)
    window.customers_tab.search.setText("张")
    dialog = open_export_dialog(window)
    qtbot.addWidget(dialog)
    assert dialog.list_radio.isChecked() and "1 位" in dialog.list_radio.text()


def test_an_error_is_shown_and_the_dialog_stays_open(three, window, qtbot, tmp_path):
    dialog = ExportDialog(window)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.path_edit.setText(str(tmp_path / "no such folder" / "x.xlsx"))
    shown = []
    original = QMessageBox.warning

    def record(parent, title, text, *a, **kw):
        shown.append((title, text))
        answer_box(qtbot, QMessageBox.StandardButton.Ok)
        return original(parent, title, text, *a, **kw)

    QMessageBox.warning = staticmethod(record)
    try:
        assert dialog.export() is None
    finally:
        QMessageBox.warning = original
    assert shown and shown[0][0] == "导出失败" and "不存在" in shown[0][1]
    assert dialog.isVisible()


def test_cancel_leaves_no_file(db, window, qtbot, tmp_path):
    from shopcrm.demo import generate
    from shopcrm.ui.shell.tasks import cancel_running_tasks

    generate(20_000, 0, seed=4, complaints=0, contacts=0, today=TODAY)
    dialog = ExportDialog(window)
    qtbot.addWidget(dialog)
    target = tmp_path / "大.xlsx"
    dialog.path_edit.setText(str(target))

    def press_cancel():  # the clerk presses Cancel on the progress dialog
        if not cancel_running_tasks(dialog):
            QTimer.singleShot(20, press_cancel)

    QTimer.singleShot(100, press_cancel)
    assert dialog.export() is None
    assert not target.exists() and not list(tmp_path.glob("*.part"))
    assert dialog.result() != ExportDialog.DialogCode.Accepted


def test_clerk_mode_asks_for_the_owner_pin(three, window, qtbot, tmp_path):
    from shopcrm.trust import security

    security.reset_session()
    try:
        security.set_pin("2468", confirm="2468")
        security.lock()
        dialog = ExportDialog(window)
        qtbot.addWidget(dialog)
        dialog.path_edit.setText(str(tmp_path / "x.xlsx"))

        def type_pin():
            box = QApplication.activeModalWidget()
            if box is not None and box.objectName() == "pinDialog":
                box.pin_edit.setText("2468")
                box.try_unlock()
            else:
                QTimer.singleShot(10, type_pin)

        QTimer.singleShot(0, type_pin)
        assert dialog.export() is not None
        assert security.is_owner() and (tmp_path / "x.xlsx").exists()
    finally:
        security.reset_session()


def test_dialog_renders_in_chinese(three, window, qtbot, tmp_path):
    dialog = ExportDialog(window, selected_ids=[three[0], three[1]])
    qtbot.addWidget(dialog)
    dialog.path_edit.setText(r"C:\Users\店长\Documents\客户名单_20261122.xlsx")
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.export_button.text() == "导出"
    assert dialog.selection_radio.text() == "选中的客户（2 位）"
    image = dialog.grab()
    assert image.width() >= 400 and image.save(str(tmp_path / "export_dialog.png"))


def test_tools_menu_action_walks_through_to_the_finished_message(three, window, qtbot, tmp_path):
    """Tools → 导出客户到 Excel… → choose a file → 导出 → the "导出完成" box names the file."""
    target = tmp_path / "菜单.xlsx"
    seen = {}

    def fill_dialog():
        dlg = QApplication.activeModalWidget()
        if not isinstance(dlg, ExportDialog):
            QTimer.singleShot(10, fill_dialog)
            return
        dlg.all_radio.setChecked(True)
        dlg.path_edit.setText(str(target))
        QTimer.singleShot(0, read_message)
        dlg.export_button.click()

    def read_message():
        box = QApplication.activeModalWidget()
        if not (isinstance(box, QMessageBox) and box.objectName() == "exportDoneBox"):
            QTimer.singleShot(10, read_message)
            return
        seen["title"], seen["text"] = box.windowTitle(), box.text()
        box.button(QMessageBox.StandardButton.Ok).click()

    QTimer.singleShot(0, fill_dialog)
    action = next(a for a in window.tools_menu.actions() if a.objectName() == "exportCustomersAction")
    action.trigger()
    assert seen["title"] == "导出完成" and "已导出 3 位客户" in seen["text"] and str(target) in seen["text"]
    assert sorted(names_in(target)) == ["张三", "李四", "王五"]
