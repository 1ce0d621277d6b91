"""Issue 13 at the counter with purchase lines, through real widgets on a real SQLite file: a
sale typed line by line; a refund of one line of a purchase (clerk mode: no to-card choice);
the owner's refund of a line to the stored-value card."""

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
from shopcrm.ui.customers.customer_form import PurchaseDialog, RefundDialog

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
