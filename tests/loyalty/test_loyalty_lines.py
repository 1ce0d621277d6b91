"""Issue 14 × purchase lines: lines add up to the list price, a discounted sale paid less; a
line refund gives back the line's share of what was paid (to the cent, by method), the points
the sale took as money pro rata, and never more than is left."""

from __future__ import annotations

import pytest

from shopcrm import loyalty
from shopcrm.core.errors import FieldError
from shopcrm.customers import ledger
from shopcrm.loyalty import coupons
from shopcrm.sales import counter
from shopcrm.store.models import Customer, LedgerEntry, Purchase, Refund, RefundPayment

LINES = [("衬衫", 2, 9_950), ("袜子", 3, 1_033)]  # 199.00 + 30.99 = 229.99 at the list price


def _refund_by_method(refund: Refund) -> dict[str, int]:
    return {rp.method: rp.amount_cents for rp in RefundPayment.select().where(RefundPayment.refund == refund.id)}


def _points_back(purchase_id: int) -> list[int]:
    q = LedgerEntry.select().where((LedgerEntry.kind == "refund") & (LedgerEntry.purchase == purchase_id))
    return [e.points_delta for e in q.order_by(LedgerEntry.id)]


@pytest.fixture
def discounted_sale(member):
    """A 金卡 member (90% member price) with a 10.00 coupon and 3,000 points (30.00) spent on
    the two lines: 229.99 - 23.00 - 10.00 - 30.00 = 166.99 paid, 100.00 by WeChat, the rest cash."""
    cid = member(points=10_000)
    loyalty.save_settings(level_discounts={"金卡": 90}, points_per_yuan=100, points_cap_percent=50)
    cp = coupons.issue(cid, coupons.Terms("amount", amount_off_cents=1_000, threshold_cents=2_000, days=30))
    p = counter.sell(cid, None, {"wechat": 10_000, "cash": 6_699}, lines=LINES, coupon=cp.code, points=3_000)
    return cid, p


def test_lines_add_up_to_the_list_price_not_to_what_is_due(discounted_sale, member):
    cid, p = discounted_sale
    assert (p.list_cents, p.member_off_cents, p.coupon_off_cents, p.points_off_cents) == (22_999, 2_300, 1_000, 3_000)
    assert p.amount_cents == 16_699
    assert [ln.amount_cents for ln in counter.lines_of(p.id)] == [19_900, 3_099]
    # each line's share of what was paid: 19,900 × 16,699 ÷ 22,999 = 14,448.89, 3,099 × … = 2,250.11;
    # the cent left over goes to the larger remainder
    assert counter.lines_paid(p.id) == {1: 14_449, 2: 2_250}
    with pytest.raises(FieldError) as e:  # an amount given with lines is the list price, not the due
        counter.sell(cid, 16_699, lines=LINES)
    assert e.value.field == "amount"


def test_line_refunds_give_back_the_paid_share_and_points_pro_rata(discounted_sale):
    cid, p = discounted_sale
    earned = p.points_earned
    assert Customer.get_by_id(cid).total_spend_cents == 16_699

    assert counter.line_refund_cents(counter.lines_of(p.id)[0]) == 14_449  # what the dialog shows
    # by method in proportion to what each paid: 14,449 × 100.00 ÷ 166.99 = 86.52…, × 66.99 ÷ … = 57.96…,
    # the cent left over to the first method paid
    assert counter.refund_split(p.id, 14_449) == {"wechat": 8_653, "cash": 5_796}
    r1 = counter.refund_purchase(p.id, lines={1: None})
    assert r1.amount_cents == 14_449 and _refund_by_method(r1) == {"wechat": 8_653, "cash": 5_796}
    assert _points_back(p.id) == [3_000 * 14_449 // 16_699]  # 2,595 of the 3,000 spent as money
    c = Customer.get_by_id(cid)
    assert c.total_spend_cents == 16_699 - 14_449
    assert c.points == 10_000 - 3_000 + earned - earned * 14_449 // 16_699 + 2_595
    assert ledger.verify() == []

    with pytest.raises(FieldError) as e:  # an amount is capped by what is left: 22.50
        counter.refund_purchase(p.id, 2_251)
    assert e.value.field == "amount"

    r2 = counter.refund_purchase(p.id, lines={2: 1})  # one pair of socks of three: a third of 22.50
    assert r2.amount_cents == 750 and _refund_by_method(r2) == {"wechat": 449, "cash": 301}  # of 13.47 / 9.03 left
    r3 = counter.refund_purchase(p.id, lines={2: None})
    assert r3.amount_cents == 1_500 and _refund_by_method(r3) == {"wechat": 898, "cash": 602}

    p = Purchase.get_by_id(p.id)
    assert (p.amount_cents, p.refunded_cents) == (0, 16_699)
    refunded = {"wechat": 8_653 + 449 + 898, "cash": 5_796 + 301 + 602}
    assert refunded == counter.paid_by(p.id)  # every method back to the cent, none over
    assert [(ln.refunded_qty, ln.refunded_cents) for ln in counter.lines_of(p.id)] == [(2, 14_449), (3, 2_250)]
    assert sum(_points_back(p.id)) == 3_000  # every point spent as money is back
    c = Customer.get_by_id(cid)
    assert (c.total_spend_cents, c.points, c.purchase_count) == (0, 10_000, 0)
    assert ledger.verify() == []
    with pytest.raises(FieldError):  # nothing left: neither a line nor an amount
        counter.refund_purchase(p.id, lines={1: 1})
    with pytest.raises(FieldError):
        counter.refund_purchase(p.id, 1)


def test_an_amount_refund_first_leaves_the_line_refund_capped(discounted_sale):
    _cid, p = discounted_sale
    counter.refund_purchase(p.id, 16_000)
    with pytest.raises(FieldError) as e:  # the first line's 144.49 is more than the 6.99 left
        counter.refund_purchase(p.id, lines={1: None})
    assert e.value.field == "amount"
    assert counter.refund_purchase(p.id).amount_cents == 699
    assert Purchase.get_by_id(p.id).refunded_cents == 16_699
