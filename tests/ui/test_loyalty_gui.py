"""Issue 14 in the GUI: a member's sale with member price, coupon, points as money and a card part;
the 会员权益 page of the archive (count cards, coupons, points, gifts); the owner's loyalty settings.
Real widgets, a real SQLite file, offscreen."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog

from shopcrm import customers as C, loyalty
from shopcrm.loyalty import coupons, packages as cards, points as gifts
from shopcrm.sales import counter, packages
from shopcrm.store.models import Purchase
from shopcrm.trust import security

pytestmark = [pytest.mark.gui, pytest.mark.usefixtures("fixed_day")]


@pytest.fixture(autouse=True)
def fresh_session():
    security.reset_session()
    yield
    security.reset_session()


@pytest.fixture
def member(db):
    """A 金卡 member (9.5 折 on goods) with ¥100.00 on the card, 1,000 points and a coupon
    满100减20; points are money at 100 points a yuan, at most half of a sale."""
    gold = C.level_id_by_name("金卡", create=True)
    loyalty.save_settings(
        level_discounts={"金卡": 95}, member_price_types=["goods"], points_per_yuan=100, points_cap_percent=50
    )
    c = C.create(
        C.CustomerInput(name="王芳", mobile="13812345678", level_id=gold, opening_balance="100", opening_points="1000")
    )
    cp = coupons.issue(c.id, coupons.Terms("amount", amount_off_cents=2000, threshold_cents=10000, days=30))
    return c.id, cp.code


def _open(qtbot, dlg):
    qtbot.addWidget(dlg)
    dlg.show()
    dlg.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dlg)
    return dlg


def _drive(kind, fill, seen: dict) -> None:
    """Run ``fill(dialog)`` on the next modal ``kind`` dialog; it is closed whatever happens (a
    failed check inside never leaves a modal dialog waiting), the failure kept in ``seen``."""
    from PySide6.QtCore import QTimer

    def go():
        dlg = QApplication.activeModalWidget()
        if not isinstance(dlg, kind):
            QTimer.singleShot(10, go)
            return
        try:
            fill(dlg)
        except AssertionError as exc:  # reported by the test after exec() returns
            seen["failure"] = exc
        finally:
            if dlg.isVisible():
                seen["open"] = True
                dlg.reject()

    QTimer.singleShot(0, go)


# --- the sale ------------------------------------------------------------------------------------


def test_member_sale_with_member_price_coupon_points_and_card_part(app, qtbot, member):
    from shopcrm.ui.customers.customer_form import PurchaseDialog

    cid, code = member
    dlg = _open(qtbot, PurchaseDialog(None, customer_id=cid))
    assert QApplication.focusWidget() is dlg.amount_edit
    assert dlg.sale_type_combo.isVisible()  # member prices on goods only: the type matters
    qtbot.keyClicks(dlg.amount_edit, "188.88")
    # the member price shows while typing: 188.88 × 5% = 9.444 -> 9.44 off
    assert "9.44" in dlg.breakdown_label.text() and "179.44" in dlg.breakdown_label.text()

    i = dlg.coupon_combo.findData(code)
    assert i > 0 and code in dlg.coupon_combo.itemText(i) and "满100.00减20.00" in dlg.coupon_combo.itemText(i)
    dlg.coupon_combo.setCurrentIndex(i)
    assert "159.44" in dlg.breakdown_label.text()
    # at most half of 159.44 = 79.72 -> 7,972 points, but the member has 1,000
    assert "1,000" in dlg.points_max_label.text()
    qtbot.keyClicks(dlg.points_edit, "537")
    assert "5.37" in dlg.breakdown_label.text() and "154.07" in dlg.breakdown_label.text()
    assert dlg.quote is not None and dlg.quote.due == 15407

    qtbot.keyClicks(dlg.card_edit, "100")
    assert "54.07" in dlg.card_label.text()  # still to pay by cash, against what is due
    qtbot.keyClick(dlg.card_edit, Qt.Key.Key_Return)
    assert dlg.result() == QDialog.DialogCode.Accepted

    p = Purchase.get_by_id(dlg.purchase_id)
    assert (p.amount_cents, p.list_cents, p.member_off_cents, p.coupon_off_cents, p.points_off_cents) == (
        15407,
        18888,
        944,
        2000,
        537,
    )
    assert counter.paid_by(p.id) == {"card": 10000, "cash": 5407}
    c = C.get(cid)
    assert c.balance_cents == 0 and c.points == 1000 - 537 + p.points_earned
    assert coupons.find(code).status == "used"
    assert dlg.receipt == counter.sale_receipt(p)
    assert (
        f"原价 188.88，会员价（金卡 9.5折）-9.44，优惠券 {code} -20.00，积分抵现 537 分 -5.37，154.07"
        "（储值卡 100.00，现金 54.07），卡余额 0.00"
    ) in dlg.receipt


def test_a_refused_coupon_or_points_stay_beside_the_field_with_what_was_typed(app, qtbot, member):
    from shopcrm.ui.customers.customer_form import PurchaseDialog

    cid, code = member
    dlg = _open(qtbot, PurchaseDialog(None, customer_id=cid))
    qtbot.keyClicks(dlg.amount_edit, "50")
    dlg.coupon_combo.setCurrentIndex(dlg.coupon_combo.findData(code))
    # below the threshold: said beside the coupon while typing, the rest still priced
    assert "满" in dlg.fields["coupon"].error.text() or "100.00" in dlg.fields["coupon"].error.text()
    assert "47.50" in dlg.breakdown_label.text()
    qtbot.keyClick(dlg.amount_edit, Qt.Key.Key_Return)
    assert dlg.isVisible() and dlg.fields["coupon"].error.isVisible()
    assert dlg.amount_edit.text() == "50"

    dlg.coupon_combo.setCurrentIndex(0)
    qtbot.keyClicks(dlg.points_edit, "3000")  # more than the member has
    qtbot.keyClick(dlg.points_edit, Qt.Key.Key_Return)
    assert dlg.isVisible()
    error = dlg.fields["points"].error
    assert error.isVisible() and "积分" in error.text()
    assert dlg.points_edit.text() == "3000" and QApplication.focusWidget() is dlg.points_edit
    assert Purchase.select().count() == 0

    dlg.points_edit.setText("100")
    qtbot.keyClick(dlg.points_edit, Qt.Key.Key_Return)
    assert dlg.result() == QDialog.DialogCode.Accepted
    assert Purchase.get_by_id(dlg.purchase_id).amount_cents == 5000 - 250 - 100


# --- the 会员权益 page ------------------------------------------------------------------------------


def _archive(qtbot, cid):
    from shopcrm.ui.customers.customer_form import CustomerForm

    form = CustomerForm(cid)
    qtbot.addWidget(form)
    form.show()
    qtbot.waitExposed(form)
    form.pages.setCurrentWidget(form.loyalty_page)
    return form, form.loyalty_page


def test_a_count_card_sold_on_the_page_is_listed_and_enter_uses_one(app, qtbot, member):
    from shopcrm.ui.customers.customer_form import PurchaseDialog

    cid, _code = member
    form, page = _archive(qtbot, cid)
    assert form.pages.tabText(form.pages.currentIndex()) == "会员权益"
    assert page.card_table.rowCount() == 0 and page.coupon_table.rowCount() == 1

    def sell(dlg):  # the clerk fills the sale dialog of a count card: price, card part, the rest in cash
        assert dlg.focusWidget() is dlg.product_edit  # the cursor starts in the card's name
        dlg.product_edit.setText("洗车")
        dlg.uses_spin.setValue(10)
        dlg.days_spin.setValue(365)
        dlg.amount_edit.setText("300")
        dlg.card_edit.setText("100")
        assert "200.00" in dlg.card_label.text()  # package sales get no member price here
        qtbot.keyClick(dlg.card_edit, Qt.Key.Key_Return)

    seen: dict = {}
    _drive(PurchaseDialog, sell, seen)
    assert page.sell_card(), seen
    assert not seen
    assert page.card_table.rowCount() == 1
    assert [page.card_table.item(0, c).text() for c in range(3)] == ["洗车", "10 / 10", "2027-11-21"]
    assert "300.00（储值卡 100.00，现金 200.00）" in form.receipt_edit.text()
    assert C.get(cid).balance_cents == 0

    page.card_table.setFocus()
    page.use_note.setText("外观+内饰")
    page.card_table.setFocus()
    qtbot.keyClick(page.card_table, Qt.Key.Key_Return)  # one keystroke from the list
    assert page.card_table.item(0, 1).text() == "9 / 10"
    assert page.uses_table.rowCount() == 1 and page.uses_table.item(0, 5).text() == "外观+内饰"
    assert form.isVisible()  # Enter used the card, it did not press the archive's Save
    (pkg,) = cards.of_customer(cid)
    assert pkg.remaining == 9

    for _ in range(9):
        qtbot.keyClick(page.card_table, Qt.Key.Key_Return)
    assert page.card_table.item(0, 1).text() == "0 / 10" and not page.error.isVisible()
    qtbot.keyClick(page.card_table, Qt.Key.Key_Return)  # none left: refused with the reason
    assert page.error.isVisible() and "已用完" in page.error.text()
    assert cards.get(pkg.id).remaining == 0


def test_the_page_shows_points_coupons_and_redeems_a_gift(app, qtbot, member):
    cid, code = member
    gift = gifts.add_gift("保温杯", 300, 1)
    _form, page = _archive(qtbot, cid)
    assert "1,000" in page.summary.text()
    row = [page.coupon_table.item(0, c).text() for c in range(4)]
    assert row[0] == code and "满100.00减20.00" in row[1] and row[3] == "有效"

    page.coupon_table.setCurrentCell(0, 0)
    page.copy_coupon()
    assert code in QApplication.clipboard().text()

    from shopcrm.ui.customers.loyalty_page import RedeemGiftDialog

    def redeem(dlg):
        assert "库存 1" in dlg.gift_combo.currentText()
        qtbot.keyClick(dlg.gift_combo, Qt.Key.Key_Return)

    seen: dict = {}
    _drive(RedeemGiftDialog, redeem, seen)
    assert page.redeem_gift(), seen
    assert page.gift_table.rowCount() == 1 and page.gift_table.item(0, 1).text() == "保温杯"
    assert C.get(cid).points == 700 and "700" in page.summary.text()
    assert gifts.gifts()[0].stock == 0 and gift.id == gifts.gifts()[0].id

    def redeem_again(dlg):
        dlg.buttons.accepted.emit()
        seen["error"] = dlg.fields["gift"].error.text()

    seen = {}
    _drive(RedeemGiftDialog, redeem_again, seen)
    assert not page.redeem_gift()
    assert seen["open"] and "兑完" in seen["error"]
    assert C.get(cid).points == 700


# --- the owner's settings --------------------------------------------------------------------------


def test_owner_settings_round_trip(window, qtbot, member):
    from shopcrm.ui.customers.loyalty_settings import LoyaltySettingsDialog

    dlg = window.open_loyalty_settings()  # no PIN set: the owner is there
    assert isinstance(dlg, LoyaltySettingsDialog)
    qtbot.addWidget(dlg)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dlg)
    assert QApplication.focusWidget() is next(iter(dlg.level_spins.values()))  # the first level
    assert dlg.level_spins["金卡"].value() == 95 and dlg.type_checks["goods"].isChecked()
    assert not dlg.type_checks["service"].isChecked() and dlg.rate_spin.value() == 100

    # a coupon type and a gift act at once (their own audited writers)
    dlg.type_name.setText("生日券")
    dlg.type_terms.kind.setCurrentIndex(dlg.type_terms.kind.findData("amount"))
    dlg.type_terms.amount.setText("30")
    dlg.type_terms.threshold.setText("200")
    dlg.type_terms.days.setValue(15)
    dlg.type_terms.per_customer.setValue(1)
    assert dlg.define_type()
    assert dlg.type_table.rowCount() == 1 and "满200.00减30.00" in dlg.type_table.item(0, 1).text()
    dlg.gift_name.setText("保温杯")
    dlg.gift_points.setValue(500)
    dlg.gift_stock.setValue(3)
    assert dlg.add_gift()
    dlg.gift_table.selectRow(0)
    dlg.restock_spin.setValue(2)
    assert dlg.restock() and dlg.gift_table.item(0, 2).text() == "5"

    dlg.level_spins["金卡"].setValue(88)
    dlg.type_checks["service"].setChecked(True)
    dlg.rate_spin.setValue(50)
    dlg.cap_percent_spin.setValue(30)
    dlg.cap_edit.setText("20")
    dlg.expire_spin.setValue(1)
    dlg.birthday_combo.setCurrentIndex(dlg.birthday_combo.findData("生日券"))
    qtbot.keyClick(dlg.level_spins["金卡"], Qt.Key.Key_Return)  # Enter saves
    assert dlg.result() == QDialog.DialogCode.Accepted
    s = loyalty.load_settings()
    assert s["level_discounts"] == {"金卡": 88}
    assert s["member_price_types"] == ["goods", "service"]
    assert (s["points_per_yuan"], s["points_cap_percent"], s["points_cap_cents"], s["points_expire_years"]) == (
        50,
        30,
        2000,
        1,
    )
    assert s["coupon_for"] == {"birthday": "生日券", "wakeup": None}
    assert [(g.name, g.points, g.stock) for g in gifts.gifts()] == [("保温杯", 500, 5)]

    again = window.open_loyalty_settings()  # what was saved is what the dialog shows next time
    qtbot.addWidget(again)
    assert again.level_spins["金卡"].value() == 88 and again.cap_edit.text() == "20.00"
    assert again.birthday_combo.currentData() == "生日券" and again.expire_spin.value() == 1
    again.reject()


def test_clerk_mode_cannot_open_the_owner_settings(window, qtbot, member, monkeypatch):
    from shopcrm.ui.customers.loyalty_settings import LoyaltySettingsDialog
    from shopcrm.ui.trust import security_ui

    security.set_pin("2468")
    security.lock()  # clerk mode
    asked = []
    monkeypatch.setattr(security_ui.PinDialog, "exec", lambda self: asked.append(self) or 0)  # Cancel
    assert window.open_loyalty_settings() is None
    assert len(asked) == 1
    assert not [w for w in QApplication.topLevelWidgets() if isinstance(w, LoyaltySettingsDialog) and w.isVisible()]
    with pytest.raises(PermissionError):  # and the writer itself refuses a clerk
        loyalty.save_settings(points_per_yuan=1)
    assert loyalty.load_settings()["points_per_yuan"] == 100


def test_owner_issues_a_coupon_and_refunds_a_cards_unused_uses_clerk_is_asked_for_the_pin(
    app, qtbot, member, monkeypatch
):
    from PySide6.QtWidgets import QMessageBox

    from shopcrm.ui.customers.loyalty_page import IssueCouponDialog
    from shopcrm.ui.trust import security_ui

    cid, _code = member
    card = packages.sell_package(cid, "洗车", 10, 30000, 365, {"cash": 30000})
    cards.use(card.id)
    _form, page = _archive(qtbot, cid)

    def ad_hoc(dlg):  # a typed 9 折 coupon, at most ¥15 off, for 7 days
        dlg.type_combo.setCurrentIndex(dlg.type_combo.findData(None))
        dlg.terms.kind.setCurrentIndex(dlg.terms.kind.findData("percent"))
        dlg.terms.percent.setValue(10)
        dlg.terms.cap.setText("15")
        dlg.terms.days.setValue(7)
        qtbot.keyClick(dlg.type_combo, Qt.Key.Key_Return)

    seen: dict = {}
    _drive(IssueCouponDialog, ad_hoc, seen)
    assert page.issue_coupon(), seen
    assert page.coupon_table.rowCount() == 2
    new = next(cp for cp in coupons.of_customer(cid) if cp.kind == "percent")
    assert (new.percent_off, new.cap_cents, new.valid_until.isoformat()) == (10, 1500, "2026-11-28")
    assert "9折（最多减15.00）" in page.status.text()

    monkeypatch.setattr(QMessageBox, "exec", lambda self: QMessageBox.StandardButton.Yes)
    page.card_table.setCurrentCell(0, 0)
    assert page.refund_selected()
    assert page.card_table.item(0, 1).text() == "0 / 10" and "270.00" in page.status.text()  # 9 of 10 uses

    security.set_pin("2468")
    security.lock()  # clerk mode: the owner's actions ask for the PIN; cancelled, nothing happens
    asked = []
    monkeypatch.setattr(security_ui.PinDialog, "exec", lambda self: asked.append(self) or 0)
    assert not page.issue_coupon() and not page.refund_selected()
    assert len(asked) == 2 and len(coupons.of_customer(cid)) == 2
