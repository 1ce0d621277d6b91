"""Coupons for a group in the GUI (issue 14): issue to a saved segment with the count shown first
(and the per-customer limit skipping), the figures of a period, voiding from the 会员权益 page.
Real widgets, a real SQLite file, offscreen."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from shopcrm import customers as C, segments
from shopcrm.loyalty import coupons
from shopcrm.sales import counter
from shopcrm.store.models import Coupon
from shopcrm.trust import security
from tests.conftest import TEST_DAY

pytestmark = [pytest.mark.gui, pytest.mark.usefixtures("fixed_day")]


@pytest.fixture(autouse=True)
def fresh_session():
    security.reset_session()
    yield
    security.reset_session()


@pytest.fixture
def shop(db):
    """Five 金卡 members and two others; a saved segment 金卡会员; a coupon type 满100减20 of at
    most one per customer, one 金卡 member already holding one."""
    gold = C.level_id_by_name("金卡", create=True)
    ids = [C.create(C.CustomerInput(name=f"金{i}", mobile=f"1381234560{i}", level_id=gold)).id for i in range(5)] + [
        C.create(C.CustomerInput(name=f"普{i}", mobile=f"1391234560{i}")).id for i in range(2)
    ]
    segments.save("金卡会员", segments.SegmentFilter(levels=["金卡"]))
    ct = coupons.define_type(
        "满100减20", coupons.Terms("amount", amount_off_cents=2000, threshold_cents=10000, days=30, per_customer=1)
    )
    coupons.issue(ids[0], coupons.terms_of(ct))
    return ids


def _open(qtbot, dlg):
    qtbot.addWidget(dlg)
    dlg.show()
    dlg.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dlg)
    return dlg


def test_issue_to_a_saved_segment_previews_the_count_it_issues(app, qtbot, shop):
    from shopcrm.ui.counter.coupon_tools import IssueToSegmentDialog

    dlg = _open(qtbot, IssueToSegmentDialog())
    assert QApplication.focusWidget() is dlg.target
    dlg.target.setCurrentIndex(dlg.target.findData("金卡会员"))
    assert dlg.preview.text() == "5 位客户"
    dlg.type_combo.setCurrentIndex(0)  # 满100减20, one per customer
    before = Coupon.select().count()
    dlg.buttons.button(dlg.buttons.StandardButton.Ok).click()
    assert dlg.result() == dlg.DialogCode.Accepted
    assert dlg.outcome is not None
    assert len(dlg.outcome.issued) + len(dlg.outcome.skipped) == 5
    assert len(dlg.outcome.issued) == 4 and dlg.outcome.skipped == [shop[0]]
    assert Coupon.select().count() - before == 4
    assert "已发出 4 张" in dlg.report() and "1 位客户" in dlg.report()


def test_a_simple_filter_and_nobody_in_it(app, qtbot, shop):
    from shopcrm.ui.counter.coupon_tools import IssueToSegmentDialog

    dlg = _open(qtbot, IssueToSegmentDialog())
    dlg.target.setCurrentIndex(dlg.target.findData(None))
    assert dlg.preview.text() == "7 位客户"
    dlg.tag.setText("没有这个标签")
    assert dlg.preview.text() == "0 位客户"
    dlg.type_combo.setCurrentIndex(dlg.type_combo.findData(None))
    dlg.terms.amount.setText("5")
    dlg.buttons.button(dlg.buttons.StandardButton.Ok).click()
    assert dlg.isVisible() and "没有客户" in dlg.fields["segment"].error.text()
    dlg.tag.clear()
    dlg.buttons.button(dlg.buttons.StandardButton.Ok).click()
    assert dlg.outcome is not None and len(dlg.outcome.issued) == 7


def test_figures_of_a_period(app, qtbot, shop):
    from shopcrm.ui.counter.coupon_tools import CouponFiguresDialog

    code = coupons.of_customer(shop[0])[0].code
    counter.sell(shop[0], 15000, {"cash": 13000}, coupon=code)
    dlg = _open(qtbot, CouponFiguresDialog())
    want = coupons.figures(TEST_DAY - dt.timedelta(days=29), TEST_DAY, within_days=7)
    assert (want.issued, want.used) == (1, 1)
    assert dlg.labels["issued"].text() == "1"
    assert dlg.labels["used"].text() == "1"
    assert dlg.labels["used_within"].text() == "1"
    assert dlg.labels["off"].text() == "¥20.00"
    assert dlg.labels["sales"].text() == "¥130.00"


def test_void_from_the_members_page(app, qtbot, shop):
    from shopcrm.ui.customers.customer_form import CustomerForm
    from shopcrm.ui.customers.loyalty_page import VoidCouponDialog

    form = CustomerForm(shop[0])
    qtbot.addWidget(form)
    form.show()
    qtbot.waitExposed(form)
    form.pages.setCurrentWidget(form.loyalty_page)
    page = form.loyalty_page
    page.coupon_table.setCurrentCell(0, 0)
    code = coupons.of_customer(shop[0])[0].code
    seen: dict = {}

    def go():
        dlg = QApplication.activeModalWidget()
        if not isinstance(dlg, VoidCouponDialog):
            QTimer.singleShot(10, go)
            return
        seen["first"] = dlg.focusWidget() is dlg.reason
        dlg.buttons.button(dlg.buttons.StandardButton.Ok).click()  # no reason: refused in the dialog
        seen["refused"] = dlg.isVisible() and dlg.fields["reason"].error.text()
        dlg.reason.setText("发错了")
        dlg.buttons.button(dlg.buttons.StandardButton.Ok).click()

    QTimer.singleShot(0, go)
    assert page.void_coupon()
    assert seen["first"] and seen["refused"] == "请写明作废原因"
    assert coupons.find(code).status == "void"
    assert page.coupon_table.item(0, 3).text() == "已作废"


def test_clerk_mode_asks_for_the_pin_before_the_coupon_tools(window, qtbot, shop, monkeypatch):
    from shopcrm.ui.counter import coupon_tools
    from shopcrm.ui.trust import security_ui

    security.set_pin("2468")
    security.lock()
    asked = []
    monkeypatch.setattr(security_ui.PinDialog, "exec", lambda self: asked.append(self) or 0)  # Cancel
    assert coupon_tools.open_issue_to_segment(window) is None
    assert coupon_tools.open_figures(window) is None
    assert len(asked) == 2
