"""The trust features in the real main window: PIN dialog, clerk mode refusals, masking in the list
and the archive, lock on demand and after inactivity, backup/restore dialog, audit log viewer."""

from __future__ import annotations

import time

import pytest
from conftest import ROOT, answer_box
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from shopcrm import backup, customers
from shopcrm.customers import CustomerInput
from shopcrm.trust import audit, security, session
from shopcrm.ui.trust import audit_ui, security_ui
from shopcrm.ui.trust.backup_ui import BackupDialog
from shopcrm.ui.trust.security_ui import PinDialog, SetPinDialog

pytestmark = pytest.mark.gui
MOBILE = "13812345678"


@pytest.fixture(autouse=True)
def fresh_session():
    security.reset_session()
    yield
    security.reset_session()
    session.monotonic = time.monotonic


@pytest.fixture
def clerk(window):
    """The window of a shop whose owner set PIN 2468, now in clerk mode, with one customer."""
    cid = customers.create(CustomerInput(name="张三", mobile=MOBILE)).id
    security.set_pin("2468")
    security.lock()
    window.data_changed.emit()
    window.cid = cid
    return window


def answer_pin(qtbot, pin: str | None, seen: list | None = None):
    """On the next PIN dialog: type ``pin`` and press Unlock (None: press Cancel)."""

    def act():
        dlg = QApplication.activeModalWidget()
        if not isinstance(dlg, PinDialog):
            QTimer.singleShot(10, act)
            return
        if seen is not None:
            seen.append(dlg.message.text())
        if pin is None:
            dlg.reject()
        else:
            dlg.pin_edit.setText(pin)
            dlg.try_unlock()

    QTimer.singleShot(0, act)


def _mobile_cell(window) -> str:
    model = window.customers_tab.model
    col = model.KEYS.index("mobile")
    return model.data(model.index(0, col))


def test_mode_indicator_and_tools_menu(window):
    ctl = window.context.security
    assert ctl.indicator.text() == "店主（未设密码）"
    names = [a.objectName() for a in window.tools_menu.actions()]
    assert {"unlockAction", "lockAction", "setPinAction", "auditLogAction"} <= set(names)
    assert "backupAction" in [a.objectName() for a in window.file_menu.actions()]
    assert window.file_menu.actions()[-1] is window.quit_action


def test_list_masks_mobiles_in_clerk_mode_and_unlock_reveals(qtbot, clerk):
    assert _mobile_cell(clerk) == "138****5678"
    assert clerk.context.security.indicator.text() == "店员模式（已锁定）"
    seen = []
    answer_pin(qtbot, "2468", seen)
    assert clerk.context.security.unlock()
    assert "请输入店主密码" in seen[0]
    assert _mobile_cell(clerk) == MOBILE
    clerk.context.security.lock_action.trigger()  # lock on demand (Ctrl+L)
    assert _mobile_cell(clerk) == "138****5678"


def test_wrong_pin_keeps_the_dialog_open_with_a_message(qtbot, clerk):
    dlg = PinDialog(clerk, "export")
    qtbot.addWidget(dlg)
    assert "导出" in dlg.message.text()
    dlg.pin_edit.setText("1111")
    assert not dlg.try_unlock()
    assert "不正确" in dlg.error.text() and not security.is_owner()
    dlg.pin_edit.setText("2468")
    assert dlg.try_unlock() and dlg.result() == QDialog.DialogCode.Accepted


def test_owner_actions_ask_for_the_pin_and_cancel_changes_nothing(qtbot, clerk, tmp_path):
    cid = clerk.cid
    customers.soft_delete([cid])
    clerk.data_changed.emit()
    # purge from the recycle bin
    bin_dialog = clerk.open_recycle_bin()
    bin_dialog.table.selectRow(0)
    answer_pin(qtbot, None)
    bin_dialog.purge_selected()
    assert customers.count(customers.CustomerQuery(deleted=True)) == 1
    bin_dialog.close()
    customers.restore([cid])
    # audit log viewer
    answer_pin(qtbot, None)
    assert audit_ui.open_audit_log(clerk) is None
    # restore from a backup
    saved = backup.make_backup("manual")
    dlg = BackupDialog(clerk)
    qtbot.addWidget(dlg)
    answer_pin(qtbot, None)
    assert not dlg.restore(saved)
    # top-up / adjustment from the archive
    form = clerk.open_customer(cid)
    answer_pin(qtbot, None)
    form._money_dialog("adjust")
    assert customers.get(cid).balance_cents == 0
    form.close()
    assert not security.is_owner()


def test_purge_after_unlocking_backs_up_first(qtbot, clerk):
    customers.soft_delete([clerk.cid])
    bin_dialog = clerk.open_recycle_bin()
    bin_dialog.table.selectRow(0)
    answer_pin(qtbot, "2468")
    answer_box(qtbot, QMessageBox.StandardButton.Yes)
    bin_dialog.purge_selected()
    assert customers.count(customers.CustomerQuery(deleted=True)) == 0
    assert [b.kind for b in backup.list_backups()] == ["before-purge"]
    assert audit.entries(action="purge")[0].customer_id == clerk.cid
    bin_dialog.close()


def test_archive_masks_the_mobile_until_show_is_clicked_which_is_logged(qtbot, clerk):
    form = clerk.open_customer(clerk.cid)
    edit = form.phone_edit
    assert edit.text() == "138****5678" and edit.isReadOnly()
    assert "138****5678" in form.summary.text() and MOBILE not in form.summary.text()
    # saving without revealing keeps the real number
    form.name_edit.setText("张三丰")
    assert form.save()
    assert customers.get(clerk.cid).mobile == MOBILE
    form.close()
    form = clerk.open_customer(clerk.cid)
    guard = form.phone_edit._mobile_guard
    guard.action.trigger()
    assert form.phone_edit.text() == MOBILE and not form.phone_edit.isReadOnly()
    security.unlock("2468")
    e = audit.entries(action="reveal")[0]
    assert e.customer_id == clerk.cid and e.mode == "clerk"
    form.close()


def test_inactivity_locks_owner_mode(qtbot, clerk):
    t = [1000.0]
    session.monotonic = lambda: t[0]
    security.unlock("2468")
    clerk.data_changed.emit()
    assert _mobile_cell(clerk) == MOBILE
    qtbot.keyClick(clerk.customers_tab, "a")  # activity resets the idle clock
    t[0] += 9 * 60
    clerk.context.security.check_idle()
    assert security.is_owner()
    t[0] += 2 * 60
    with qtbot.waitSignal(clerk.context.security.mode_changed):
        clerk.context.security.timer.timeout.emit()
    assert not security.is_owner() and _mobile_cell(clerk) == "138****5678"


def test_set_pin_dialog(qtbot, window):
    dlg = SetPinDialog(window)
    qtbot.addWidget(dlg)
    dlg.new_edit.setText("13")
    dlg.confirm_edit.setText("13")
    assert not dlg.save() and "至少" in dlg.error.text()
    dlg.new_edit.setText("2468")
    dlg.confirm_edit.setText("2460")
    assert not dlg.save() and "不一致" in dlg.error.text()
    dlg.confirm_edit.setText("2468")
    dlg.idle_spin.setValue(3)
    assert dlg.save()
    assert security.has_pin() and security.idle_minutes() == 3
    assert window.context.security.indicator.text() == "店主模式（已解锁）"


def test_backup_dialog_backs_up_and_restores(qtbot, window):
    customers.create(CustomerInput(name="李四", mobile="13900000001"))
    dlg = BackupDialog(window)
    qtbot.addWidget(dlg)
    assert dlg.table.rowCount() == 0
    made = dlg.backup_now()
    assert made is not None and dlg.table.rowCount() == 1
    assert dlg.table.item(0, 1).text() == "手动" and dlg.table.item(0, 2).text() == "1"
    customers.create(CustomerInput(name="王五", mobile="13900000002"))
    dlg.table.selectRow(dlg.backups.index(next(b for b in dlg.backups if b.path == made)))
    answer_box(qtbot, QMessageBox.StandardButton.Yes)
    with qtbot.waitSignal(window.data_changed):
        assert dlg.restore_selected()
    assert customers.count(customers.CustomerQuery()) == 1
    assert {b.kind for b in dlg.backups} == {"manual", "before-restore"}
    assert "恢复前" in [dlg.table.item(r, 1).text() for r in range(dlg.table.rowCount())]


def test_audit_log_viewer_lists_filters_and_exports(qtbot, window, tmp_path):
    cid = customers.create(CustomerInput(name="赵六", mobile="13900000003")).id
    audit.log("reveal", customer_id=cid)
    audit.log("settings", detail="x=1")
    dlg = audit_ui.open_audit_log(window)
    qtbot.addWidget(dlg)
    assert dlg.table.rowCount() == 2
    assert dlg.table.item(0, 2).text() == "修改设置" and dlg.table.item(1, 3).text() == str(cid)
    dlg.action_combo.setCurrentIndex(dlg.action_combo.findData("reveal"))
    assert dlg.table.rowCount() == 1
    assert dlg.export(tmp_path / "log.csv") == 1
    assert "查看完整手机号" in (tmp_path / "log.csv").read_text(encoding="utf-8-sig")


def test_first_run_offers_a_pin_once(qtbot, window):
    answer_box(qtbot, QMessageBox.StandardButton.No)
    assert not security_ui.offer_pin_at_first_run(window)
    assert not security_ui.offer_pin_at_first_run(window)  # not asked again
    assert not security.has_pin()


def test_screenshots(qtbot, clerk, tmp_path):
    """Renders the dialogs; with SHOPCRM_SCREENSHOTS=1 into resources/screenshots/ for README."""
    import os

    out = tmp_path
    if os.environ.get("SHOPCRM_SCREENSHOTS") == "1":
        out = ROOT / "resources" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    security.unlock("2468")
    for i in range(3):
        backup.make_backup("daily" if i else "manual")
    backup.before_operation("import")
    dlg = BackupDialog(clerk)
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitExposed(dlg)
    assert dlg.grab().save(str(out / "backup.png"))
    audit.log("reveal", customer_id=clerk.cid, mode="clerk")
    log = audit_ui.open_audit_log(clerk)  # the window's child, deleted on close: not qtbot's to close
    qtbot.waitExposed(log)
    assert log.grab().save(str(out / "audit.png"))
    log.close()
    security.lock()
    pin = PinDialog(clerk, "export")
    qtbot.addWidget(pin)
    pin.show()
    qtbot.waitExposed(pin)
    assert pin.grab().save(str(out / "pin.png"))
    pin.close()
    clerk.data_changed.emit()
    assert clerk.grab().save(str(out / "clerk_mode.png"))


def test_archive_privacy_menu_exports_and_erases_behind_the_pin(qtbot, clerk, tmp_path):
    import json

    form = clerk.open_customer(clerk.cid)
    button = form.privacy_button
    assert button.text() == "隐私"
    answer_pin(qtbot, None)
    assert button.export_archive(str(tmp_path / "a.json")) is None
    answer_pin(qtbot, "2468")
    assert button.export_archive(str(tmp_path / "a.json")) == str(tmp_path / "a.json")
    assert json.loads((tmp_path / "a.json").read_text(encoding="utf-8"))["customer"]["mobile"] == MOBILE
    answer_box(qtbot, QMessageBox.StandardButton.Yes)
    with qtbot.waitSignal(clerk.data_changed):
        assert button.erase()
    assert customers.get(clerk.cid).name == f"已抹除#{clerk.cid}"
    assert not form.isVisible()
    assert [e.action for e in audit.entries()][:2] == ["erase", "export_one"]
