"""Issue 13 at the counter, through real widgets on a real SQLite file: find the customer, sell
paid part by card part by WeChat and read the receipt; top up with a bonus rule in force; refund
part of a purchase from the archive's 消费记录 page; a sale typed line by line, a refund of one
line of a purchase (clerk mode: no to-card choice), the owner's refund of a line to the card."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import answer_box, type_text
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from shopcrm import customers as C
from shopcrm.core import clock
from shopcrm.customers import ledger
from shopcrm.sales import counter
from shopcrm.store.models import Refund
from shopcrm.trust import security
from shopcrm.ui.customers.customer_form import MoneyDialog, PurchaseDialog, RefundDialog

pytestmark = pytest.mark.gui

AT = dt.datetime(2026, 11, 22, 10, 0)


@pytest.fixture
def shop(window):
    security.reset_session()
    clock.set_now(AT)
    yield window
    security.reset_session()


def member(balance_cents: int = 0) -> int:
    cid = C.create(C.CustomerInput(name="王芳", mobile="13812345678", card_no="V001")).id
    if balance_cents:
        counter.topup(cid, balance_cents, "cash")
    return cid


def when_modal(kind, act) -> None:
    """Run ``act(dialog)`` once the next modal ``kind`` is up (exec() blocks the test meanwhile)."""

    def attempt():
        dlg = QApplication.activeModalWidget()
        if isinstance(dlg, kind):
            try:
                act(dlg)
            finally:
                if dlg.isVisible():  # a failed step must not leave the test waiting on exec()
                    dlg.reject()
        else:
            QTimer.singleShot(10, attempt)

    QTimer.singleShot(0, attempt)


def find_and_open(qtbot, window, text: str):
    tab = window.customers_tab
    type_text(qtbot, tab.search, text)
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1)
    return window.open_customer(tab.model.row_at(0).id)


def test_find_the_customer_sell_part_by_card_part_by_wechat_and_read_the_receipt(shop, qtbot):
    cid = member(100_000)  # 1,000.00 on the card
    archive = find_and_open(qtbot, shop, "V001")
    seen: dict[str, object] = {}

    def sell(dlg: PurchaseDialog) -> None:
        type_text(qtbot, dlg.amount_edit, "1500")
        dlg.items_edit.setText("外套")
        dlg.payment_combo.setCurrentIndex(dlg.payment_combo.findData("wechat"))
        # more on the card than it holds: refused under the card part, everything typed kept
        type_text(qtbot, dlg.card_edit, "1200")
        seen["typing_over"] = dlg.card_label.text()
        dlg.buttons.accepted.emit()
        seen["open"] = dlg.isVisible()
        seen["error"] = dlg.fields["card"].error.text()
        seen["kept"] = (dlg.amount_edit.text(), dlg.items_edit.text(), dlg.payment_combo.currentData())
        dlg.amount_edit.clear()
        type_text(qtbot, dlg.amount_edit, "500")
        dlg.card_edit.clear()
        type_text(qtbot, dlg.card_edit, "300")
        seen["typing"] = dlg.card_label.text()
        qtbot.keyClick(dlg.card_edit, Qt.Key.Key_Return)

    when_modal(PurchaseDialog, sell)
    archive.add_purchase_button.click()

    assert seen["open"] and "余额不足" in str(seen["error"])
    assert seen["kept"] == ("1500", "外套", "wechat")
    assert "1,000.00" in str(seen["typing_over"]) and "200.00" in str(seen["typing_over"])  # card short by 200
    # while typing: balance, points, what the card leaves and what WeChat still has to pay
    assert "余额 ¥1,000.00" in str(seen["typing"]) and "积分" in str(seen["typing"])
    assert "700.00" in str(seen["typing"]) and "微信支付" in str(seen["typing"]) and "200.00" in str(seen["typing"])

    c = C.get(cid)
    assert (c.balance_cents, c.total_spend_cents, c.purchase_count, c.points) == (70_000, 50_000, 1, 500)
    assert archive.receipt_row.isVisible()
    assert (
        archive.receipt_edit.text()
        == "2026-11-22 10:00 消费 500.00（储值卡 300.00，微信支付 200.00），卡余额 700.00，积分 500"
    )
    archive.copy_receipt_button.click()
    assert QApplication.clipboard().text() == archive.receipt_edit.text()
    assert archive.purchase_table.rowCount() == 1 and archive.purchase_table.item(0, 3).text() == "组合支付"
    assert ledger.verify() == []


def test_a_clerk_tops_up_and_sees_the_bonus_of_the_rule_in_force_while_typing(shop, qtbot):
    counter.save_settings(bonus_rules=[{"min": 50_000, "bonus": 5_000}, {"min": 100_000, "bonus": 15_000}])
    cid = member()
    security.set_pin("2468")
    security.lock()  # clerk mode: a paid top-up needs no PIN
    archive = shop.open_customer(cid)
    seen: dict[str, str] = {}

    def top_up(dlg: MoneyDialog) -> None:
        type_text(qtbot, dlg.amount_edit, "300")
        seen["below"] = dlg.bonus_label.text()
        type_text(qtbot, dlg.amount_edit, "0")  # 3000 now
        seen["bonus"] = dlg.bonus_label.text()
        dlg.method_combo.setCurrentIndex(dlg.method_combo.findData("wechat"))
        qtbot.keyClick(dlg.amount_edit, Qt.Key.Key_Return)

    when_modal(MoneyDialog, top_up)
    archive.topup_button.click()

    assert seen["below"] == "此金额无赠送"
    assert seen["bonus"] == "充 3,000.00 送 150.00 · 到账 3,150.00"
    assert C.get(cid).balance_cents == 315_000 and not security.is_owner()
    kinds = [(e.kind, e.balance_delta_cents) for e in reversed(ledger.entries(cid))]
    assert kinds == [("topup", 300_000), ("bonus", 15_000)]
    assert archive.receipt_edit.text() == (
        "2026-11-22 10:00 充值 3,000.00（微信支付），赠送 150.00（充1,000.00送150.00），卡余额 3,150.00"
    )


def test_refund_part_of_a_purchase_lowers_total_spend_and_returns_the_card_part(shop, qtbot):
    cid = member(100_000)
    p = counter.sell(cid, 50_000, {"card": 30_000, "wechat": 20_000}, items="外套")
    archive = shop.open_customer(cid)
    archive.pages.setCurrentIndex(archive.pages.indexOf(archive.purchase_table.parentWidget()))
    assert not archive.refund_button.isEnabled()
    archive.purchase_table.selectRow(0)
    assert archive.selected_purchase() == p.id and archive.refund_button.isEnabled()
    seen: dict[str, object] = {}

    def refund(dlg: RefundDialog) -> None:
        seen["info"] = dlg.info.text()
        type_text(qtbot, dlg.amount_edit, "600")  # more than was paid: refused under the field
        answer_box(qtbot, QMessageBox.StandardButton.Yes)
        dlg.buttons.accepted.emit()
        seen["error"] = dlg.fields["amount"].error.text()
        seen["open"] = dlg.isVisible()
        dlg.amount_edit.clear()
        type_text(qtbot, dlg.amount_edit, "100")
        dlg.buttons.accepted.emit()  # the confirmation, answered Yes

    when_modal(RefundDialog, refund)
    archive.refund_button.click()

    assert "储值卡 300.00" in str(seen["info"]) and "微信支付 200.00" in str(seen["info"])
    assert seen["open"] and "600.00" in str(seen["error"])
    c = C.get(cid)
    # 100.00 back in proportion to how it was paid: 60.00 to the card, 40.00 by WeChat
    assert (c.total_spend_cents, c.balance_cents, c.purchase_count) == (40_000, 76_000, 1)
    assert counter.purchase(p.id).refunded_cents == 10_000
    assert "40.00" not in archive.purchase_table.item(0, 1).text()
    assert archive.purchase_table.item(0, 1).text() == "400.00 （已退 100.00）"
    assert ledger.verify() == []


def test_a_refund_not_confirmed_changes_nothing(shop, qtbot):
    cid = member(100_000)
    counter.sell(cid, 50_000, {"card": 50_000})
    archive = shop.open_customer(cid)
    archive.purchase_table.selectRow(0)

    def refund(dlg: RefundDialog) -> None:
        answer_box(qtbot, QMessageBox.StandardButton.No)
        dlg.buttons.accepted.emit()  # whole (empty amount), then No
        seen = dlg.isVisible()
        dlg.reject()
        assert seen

    when_modal(RefundDialog, refund)
    archive.refund_button.click()
    c = C.get(cid)
    assert (c.total_spend_cents, c.balance_cents) == (50_000, 50_000)


def lined_sale(cid: int):
    # 衬衫 2 × 100.00 + 裤子 1 × 300.00 = 500.00: 300.00 by card, 200.00 by WeChat; 500 points
    return counter.sell(cid, None, {"card": 30_000, "wechat": 20_000}, lines=[("衬衫", 2, 10_000), ("裤子", 1, 30_000)])


def test_a_sale_typed_line_by_line_sums_the_lines_and_keeps_them(shop, qtbot):
    cid = member(100_000)
    archive = shop.open_customer(cid)
    seen: dict[str, object] = {}

    def sell(dlg: PurchaseDialog) -> None:
        ed = dlg.lines_editor
        dlg.card_edit.setFocus()
        qtbot.keyClick(dlg.card_edit, Qt.Key.Key_Tab)  # from the card part into the first line
        seen["focus"] = dlg.focusWidget().objectName()
        type_text(qtbot, ed.rows[0][0], "衬衫")
        qtbot.keyClick(ed.rows[0][0], Qt.Key.Key_Tab)
        seen["qty"] = dlg.focusWidget().objectName()
        ed.rows[0][1].selectAll()
        qtbot.keyClicks(ed.rows[0][1], "2")  # the pieces
        qtbot.keyClick(ed.rows[0][1], Qt.Key.Key_Tab)
        seen["price"] = dlg.focusWidget().objectName()
        type_text(qtbot, ed.rows[0][2], "99.5")
        qtbot.keyClick(ed.rows[0][2], Qt.Key.Key_Tab)  # a new row was added: on to its name
        seen["next"] = dlg.focusWidget().objectName()
        type_text(qtbot, ed.rows[1][0], "袜子")
        type_text(qtbot, ed.rows[1][2], "10")
        seen["amount"] = (dlg.amount_edit.text(), dlg.amount_edit.isReadOnly())
        type_text(qtbot, dlg.card_edit, "100")
        dlg.buttons.accepted.emit()

    when_modal(PurchaseDialog, sell)
    archive.add_purchase_button.click()
    ed_rows = [seen[k] for k in ("focus", "qty", "price", "next")]
    assert ed_rows == ["lineName1", "lineQty1", "linePrice1", "lineName2"]
    assert seen["amount"] == ("209.00", True)
    p = counter.purchase(1)
    assert (p.amount_cents, p.items) == (20_900, "衬衫×2、袜子")
    assert [(ln.name, ln.qty, ln.unit_cents) for ln in counter.lines_of(p.id)] == [
        ("衬衫", 2, 9_950),
        ("袜子", 1, 1_000),
    ]
    assert counter.paid_by(p.id) == {"card": 10_000, "cash": 10_900}
    c = C.get(cid)
    assert (c.balance_cents, c.total_spend_cents, c.points) == (90_000, 20_900, 209)


def test_a_clerk_refunds_one_line_of_a_purchase(shop, qtbot):
    cid = member(100_000)
    p = lined_sale(cid)
    security.set_pin("2468")
    security.lock()  # clerk mode
    archive = shop.open_customer(cid)
    archive.purchase_table.selectRow(0)
    seen: dict[str, object] = {}

    def refund(dlg: RefundDialog) -> None:
        seen["to_card"] = dlg.to_card_check
        seen["first"] = dlg.focusWidget().objectName()
        qtbot.keyClick(dlg.line_checks[1], Qt.Key.Key_Space)  # tick 衬衫: both pieces
        seen["both"] = dlg.split_label.text()
        qtbot.keyClick(dlg.line_checks[1], Qt.Key.Key_Tab)
        dlg.line_qty[1].selectAll()
        qtbot.keyClicks(dlg.line_qty[1], "1")  # one of the two
        seen["split"] = dlg.split_label.text()
        seen["amount_enabled"] = dlg.amount_edit.isEnabled()
        answer_box(qtbot, QMessageBox.StandardButton.Yes)
        qtbot.keyClick(dlg.line_qty[1], Qt.Key.Key_Return)

    when_modal(RefundDialog, refund)
    archive.refund_button.click()

    assert seen["to_card"] is None  # no to-card choice for a clerk
    assert seen["first"] == "refundLineCheck1"  # the cursor on the first line
    assert "200.00" in str(seen["both"])
    assert seen["split"] == "¥100.00：储值卡 ¥60.00，微信支付 ¥40.00" and seen["amount_enabled"] is False
    c = C.get(cid)
    # 100.00 back: 60.00 to the card, 40.00 by WeChat; 100 points back; spend 400.00
    assert (c.balance_cents, c.total_spend_cents, c.points, c.purchase_count) == (76_000, 40_000, 400, 1)
    shirt, trousers = counter.lines_of(p.id)
    assert (shirt.refunded_qty, shirt.refunded_cents, trousers.refunded_qty) == (1, 10_000, 0)
    assert archive.purchase_table.item(0, 1).text() == "400.00 （已退 100.00）"
    assert ledger.verify() == []


def test_the_owner_refunds_a_line_to_the_card(shop, qtbot):
    cid = member(100_000)
    p = lined_sale(cid)
    archive = shop.open_customer(cid)  # no PIN: the owner
    archive.purchase_table.selectRow(0)
    seen: dict[str, object] = {}

    def refund(dlg: RefundDialog) -> None:
        dlg.line_checks[2].setChecked(True)  # 裤子, 300.00
        dlg.to_card_check.setChecked(True)
        seen["split"] = dlg.split_label.text()
        answer_box(qtbot, QMessageBox.StandardButton.Yes)
        dlg.buttons.accepted.emit()

    when_modal(RefundDialog, refund)
    archive.refund_button.click()
    assert seen["split"] == "¥300.00：储值卡 ¥300.00"
    c = C.get(cid)
    # 1,000.00 - 300.00 paid by card + 300.00 back onto it; points 500 - 300; spend 200.00
    assert (c.balance_cents, c.total_spend_cents, c.points) == (100_000, 20_000, 200)
    (r,) = Refund.select().where(Refund.purchase == p.id)
    assert {x.method: x.amount_cents for x in r.payments} == {"card": 30_000}
    assert counter.lines_of(p.id)[1].refunded_qty == 1 and ledger.verify() == []
