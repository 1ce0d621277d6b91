"""The counter (issue 12): dialogs open in their first field, refusals stay in the dialog, the main
window fits small screens, tab badges follow the open database. Real widgets, offscreen."""

from __future__ import annotations

import pytest

from shopcrm import complaints as K, customers as C
from shopcrm.core import clock
from shopcrm.sales import activity
from shopcrm.store.db import close_database, open_database

pytestmark = pytest.mark.gui


def cust(name="张三", mobile="13812345678", **kw):
    return C.create(C.CustomerInput(name=name, mobile=mobile, **kw))


def complain(customer_id: int) -> None:
    K.create(K.ComplaintInput(customer_id=customer_id, category="商品质量", key_points="褪色", severity="一般"))


# --- tab badges follow the open database ---------------------------------------------------------


@pytest.fixture
def another_location(engine_name, tmp_path, request):
    """A second database on the test's engine, beside ``db_location``."""
    if engine_name == "sqlite":
        return tmp_path / "b.db"
    from pg_server import SCHEMA_TEMPLATE

    return request.getfixturevalue("pg_server").new_database(SCHEMA_TEMPLATE)


def test_switching_databases_retitles_every_tab_at_once(app, qtbot, db_location, another_location):
    from shopcrm.ui.main_window import MainWindow

    a, b = db_location, another_location
    open_database(b)
    complain(cust().id)
    close_database()
    open_database(a)
    for i, mobile in enumerate(("13800000001", "13800000002", "13800000003")):
        c = cust(f"客户{i}", mobile)
        complain(c.id)
        activity.record_contact(c.id, next_followup=clock.today())  # due today: on 今日待办
    try:
        win = MainWindow(a)
        qtbot.addWidget(win)
        win.show()
        qtbot.waitExposed(win)
        today_tab, complaints_tab = win.extra_tabs[0], win.extra_tabs[1]
        today_i, complaints_i = win.tabs.indexOf(today_tab), win.tabs.indexOf(complaints_tab)
        qtbot.waitUntil(lambda: win.tabs.tabText(today_i).endswith("(3)"))
        assert "3" in win.tabs.tabText(complaints_i)
        win.tabs.setCurrentWidget(win.customers_tab)

        assert win.switch_database(b)
        # no timer, no visit to the tabs: the titles already show b's counts
        assert "(" not in win.tabs.tabText(today_i)
        assert "1" in win.tabs.tabText(complaints_i) and "3" not in win.tabs.tabText(complaints_i)
        assert win.customers_tab.model.rowCount() == 1
    finally:
        win.close()
        close_database()


# --- every input dialog opens with the cursor in its first field ----------------------------------


def _dialogs():
    """(name, factory(window, customer_id) -> dialog, objectName of the first field)."""
    import datetime as dt

    from shopcrm.ui import first_run
    from shopcrm.ui.analysis import analysis_tab
    from shopcrm.ui.complaints import complaint_widgets as CW
    from shopcrm.ui.customers import anniversaries, customer_form as F, loyalty_page as LP
    from shopcrm.ui.excel import export_dialog
    from shopcrm.ui.today import care_settings, today_tab
    from shopcrm.ui.trust import audit_ui, backup_ui, security_ui

    day = dt.date(2026, 11, 22)
    return [
        ("new customer", lambda w, c: F.CustomerForm(None, w), "nameEdit"),
        ("customer archive", lambda w, c: F.CustomerForm(c, w), "nameEdit"),
        ("record purchase", lambda w, c: F.PurchaseDialog(w, customer_id=c), "purchaseAmountEdit"),
        ("record contact", lambda w, c: F.ContactDialog(w), "contactChannelCombo"),
        ("sell count card", lambda w, c: F.PurchaseDialog(w, customer_id=c, package=True), "packageProductEdit"),
        ("issue coupon", lambda w, c: LP.IssueCouponDialog(c, w), "couponTypeCombo"),
        ("redeem gift", lambda w, c: LP.RedeemGiftDialog(c, w), "giftCombo"),
        ("top up", lambda w, c: F.MoneyDialog("topup", w, customer_id=c), "moneyAmountEdit"),
        ("adjust", lambda w, c: F.MoneyDialog("adjust", w, customer_id=c), "moneyAmountEdit"),
        ("anniversaries", lambda w, c: anniversaries.AnniversaryDialog(c, w), "anniversaryKind"),
        ("new complaint", lambda w, c: CW.ComplaintDialog(None, w), "customerSearch"),
        ("complaint for a customer", lambda w, c: CW.ComplaintDialog(None, w, customer_id=c), "channelCombo"),
        ("complaint settings", lambda w, c: CW.ComplaintSettingsDialog(w), "categoriesEdit"),
        ("grading rules", lambda w, c: analysis_tab.GradingRulesDialog(w), "dormant_daysSpin"),
        ("care settings", lambda w, c: care_settings.CareSettingsDialog(w), "shopName"),
        ("export", lambda w, c: export_dialog.ExportDialog(w), "scopeAll"),
        ("owner PIN", lambda w, c: security_ui.PinDialog(w), "pinEdit"),
        ("set PIN", lambda w, c: security_ui.SetPinDialog(w), "newPinEdit"),
        ("backup", lambda w, c: backup_ui.BackupDialog(w), "chooseFolderButton"),
        ("audit log", lambda w, c: audit_ui.AuditLogDialog(w), "auditActionCombo"),
        ("welcome", lambda w, c: first_run.FirstRunDialog(w), "shopNameEdit"),
        ("today: done", lambda w, c: today_tab.DoneDialog(w, 1, "phone", day), "channelCombo"),
        ("today: snooze", lambda w, c: today_tab.SnoozeDialog(w, day), "snoozeDate"),
        ("today: skip", lambda w, c: today_tab.SkipDialog(w), "skipReason"),
    ]


DIALOGS = _dialogs()


@pytest.mark.parametrize("name,make,first", DIALOGS, ids=[d[0] for d in DIALOGS])
def test_dialog_opens_with_the_cursor_in_its_first_field_and_esc_cancels(window, qtbot, name, make, first):
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    c = cust("李四", "13900001111")
    dlg = make(window, c.id)
    qtbot.addWidget(dlg)
    dlg.show()
    dlg.activateWindow()  # as exec()/open() do: the clerk is in the dialog
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dlg)
    focused = QApplication.focusWidget()
    assert focused.objectName() == first, f"{name}: cursor in {type(focused).__name__} {focused.objectName()!r}"
    assert focused.window() is dlg
    qtbot.keyClick(focused, Qt.Key.Key_Escape)
    assert not dlg.isVisible(), f"{name}: Esc did not close it"


def _open(qtbot, dlg):
    from PySide6.QtWidgets import QApplication

    qtbot.addWidget(dlg)
    dlg.show()
    dlg.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dlg)
    return dlg


def test_tab_follows_the_form_and_a_date_time_is_one_stop(window, qtbot):
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from shopcrm.ui.customers.customer_form import PurchaseDialog

    dlg = _open(qtbot, PurchaseDialog(window, customer_id=cust().id))
    at_before = dlg.at_edit.dateTime()
    seen = [QApplication.focusWidget()]
    for _ in range(3):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        seen.append(QApplication.focusWidget())
    assert seen == [dlg.amount_edit, dlg.at_edit, dlg.items_edit, dlg.payment_combo]
    for _ in range(2):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
    assert QApplication.focusWidget() is dlg.at_edit
    assert dlg.at_edit.dateTime() == at_before  # walking through changed nothing


def test_tab_leaves_a_multi_line_text_without_typing_a_tab(window, qtbot):
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from shopcrm.ui.complaints.complaint_widgets import ComplaintSettingsDialog

    dlg = _open(qtbot, ComplaintSettingsDialog(window))
    before = dlg.categories.toPlainText()
    qtbot.keyClick(dlg.categories, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is not dlg.categories
    assert dlg.categories.toPlainText() == before


def test_the_wheel_does_not_change_a_combo_or_spin_box_the_clerk_is_not_on(window, qtbot):
    from PySide6.QtCore import QPoint, QPointF, Qt
    from PySide6.QtGui import QWheelEvent
    from PySide6.QtWidgets import QApplication

    from shopcrm.ui.customers.customer_form import MoneyDialog, PurchaseDialog

    def wheel(widget):
        centre = QPointF(widget.rect().center())
        event = QWheelEvent(
            centre,
            QPointF(widget.mapToGlobal(centre.toPoint())),
            QPoint(0, 0),
            QPoint(0, -120),
            Qt.MouseButton.NoButton,
            Qt.KeyboardModifier.NoModifier,
            Qt.ScrollPhase.NoScrollPhase,
            False,
        )
        QApplication.sendEvent(widget, event)

    dlg = _open(qtbot, PurchaseDialog(window, customer_id=cust().id))
    assert not dlg.payment_combo.hasFocus()
    wheel(dlg.payment_combo)
    assert dlg.payment_combo.currentIndex() == 0
    dlg.payment_combo.setFocus()
    wheel(dlg.payment_combo)  # on it: the wheel works as usual
    assert dlg.payment_combo.currentIndex() == 1

    adjust = _open(qtbot, MoneyDialog("adjust", window))
    wheel(adjust.points_edit)
    assert adjust.points_edit.value() == 0


# --- a refusal stays in the dialog, beside the field, with what was typed --------------------------


def test_a_refused_card_payment_keeps_the_dialog_open_with_the_typed_values(window, qtbot):
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from shopcrm.ui.customers.customer_form import PurchaseDialog

    c = cust(opening_balance="50")
    dlg = _open(qtbot, PurchaseDialog(window, customer_id=c.id))
    qtbot.keyClicks(dlg.amount_edit, "88")
    dlg.items_edit.setText("外套")
    dlg.payment_combo.setCurrentIndex(dlg.payment_combo.findData("stored_value"))
    # while paying by card: the balance, the points and what the card does not cover
    assert dlg.card_label.isVisible()
    shown = dlg.card_label.text()
    assert "50.00" in shown and "积分" in shown and "38.00" in shown

    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)  # Enter confirms…
    assert dlg.isVisible()  # …and the refusal keeps the dialog open
    error = dlg.fields["payment"].error
    assert error.isVisible() and "余额不足" in error.text()
    assert (dlg.amount_edit.text(), dlg.items_edit.text(), dlg.payment_combo.currentData()) == (
        "88",
        "外套",
        "stored_value",
    )
    assert C.get(c.id).balance_cents == 5000 and C.get(c.id).purchase_count == 0

    dlg.payment_combo.setCurrentIndex(dlg.payment_combo.findData("cash"))  # paid in cash instead
    assert not dlg.card_label.isVisible()
    qtbot.keyClick(dlg.amount_edit, Qt.Key.Key_Return)
    assert dlg.result() == PurchaseDialog.DialogCode.Accepted
    assert C.get(c.id).purchase_count == 1 and C.get(c.id).balance_cents == 5000


def test_a_refused_card_payment_from_the_list_leaves_nothing_recorded(window, qtbot):
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from shopcrm.ui.customers.customer_form import PurchaseDialog

    c = cust(opening_balance="10")
    seen = {}

    def fill():
        dlg = QApplication.activeModalWidget()
        if not isinstance(dlg, PurchaseDialog):
            QTimer.singleShot(10, fill)
            return
        dlg.amount_edit.setText("20")
        dlg.payment_combo.setCurrentIndex(dlg.payment_combo.findData("stored_value"))
        dlg.buttons.accepted.emit()
        seen["open"] = dlg.isVisible()
        seen["error"] = dlg.fields["payment"].error.text()
        dlg.reject()

    QTimer.singleShot(0, fill)
    assert window.record_purchase(c.id) is False
    assert seen["open"] and "余额不足" in seen["error"]
    assert C.get(c.id).purchase_count == 0


# --- the main window fits a 1366x768 screen and shrinks to 1024x600 --------------------------------


def test_main_window_fits_a_small_screen_and_never_grows_by_itself(window, qtbot):
    from PySide6.QtWidgets import QApplication

    for i in range(12):  # data that fills every tab: lists, figures, badges
        c = cust(f"顾客{i}号有一个很长很长的名字用来撑宽标签", f"1380000{i:04d}", opening_balance="100")
        activity.record_purchase(c.id, 1000 * (i + 1), payment="cash", items="外套" * 20)
        complain(c.id)
        activity.record_contact(c.id, next_followup=clock.today())
    window.data_changed.emit()
    minimum = window.minimumSize()
    assert minimum.width() <= 1024 and minimum.height() <= 600
    size = window.size()
    for i in range(window.tabs.count()):
        window.tabs.setCurrentIndex(i)
        QApplication.processEvents()
        tab = window.tabs.widget(i)
        hint = tab.minimumSizeHint()
        # what the tab needs fits the window at 1024x600 (menu, tab bar and status bar included)
        assert hint.width() <= 1024 - 20 and hint.height() <= 600 - 100, (type(tab).__name__, hint)
    window.customers_tab.count_label.setText("很长的一段文字" * 60)  # a long text set into a label
    for _ in range(3):  # the layout request, then the resize it would cause
        QApplication.processEvents()
    assert window.size() == size
    assert window.minimumSize() == minimum
    window.resize(1024, 600)
    assert window.size().width() == 1024 and window.size().height() == 600


def test_customer_archive_fits_a_small_screen(window, qtbot):
    from shopcrm.ui.customers.customer_form import CustomerForm

    form = CustomerForm(cust().id, window)
    qtbot.addWidget(form)
    hint = form.minimumSizeHint()
    assert hint.width() <= 1024 and hint.height() <= 560
    assert form.height() <= window.screen().availableGeometry().height()
