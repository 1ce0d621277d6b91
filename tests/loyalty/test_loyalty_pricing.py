"""Issue 14: member prices (rounding to the cent, per sale type), points as money (rate and
caps), coupons (threshold, expiry, per-customer limit, used once) and the sale that uses them."""

from __future__ import annotations

import datetime as dt

import pytest

from shopcrm import loyalty
from shopcrm.core import clock
from shopcrm.core.errors import FieldError
from shopcrm.customers import ledger
from shopcrm.loyalty import coupons
from shopcrm.sales import counter
from shopcrm.store.models import Coupon, Customer, LedgerEntry, Purchase


def test_level_discount_rounds_half_up_to_the_cent(member):
    cid = member()
    loyalty.save_settings(level_discounts={"金卡": 95})
    # 5% of 10.10 = 0.505 -> 0.51 off; 5% of 10.09 = 0.5045 -> 0.50 off; 5% of 0.10 = 0.005 -> 0.01
    assert loyalty.price(cid, 1010).member_off == 51
    assert loyalty.price(cid, 1009).member_off == 50
    assert loyalty.price(cid, 10).member_off == 1
    q = loyalty.price(cid, 100_000)
    assert (q.member_percent, q.member_off, q.due) == (95, 5_000, 95_000)
    assert loyalty.half_up(5, 10) == 1 and loyalty.half_up(4, 10) == 0


def test_member_price_only_for_the_sale_types_the_owner_switched_on(member):
    cid = member()
    loyalty.save_settings(level_discounts={"金卡": 90}, member_price_types=["service"])
    assert loyalty.price(cid, 10_000, sale_type="goods").member_off == 0
    assert loyalty.price(cid, 10_000, sale_type="service").member_off == 1_000
    other = member(mobile="13900000000", card=None, level=None)
    assert loyalty.price(other, 10_000, sale_type="service").member_off == 0  # no level, no member price
    with pytest.raises(FieldError) as e:
        loyalty.price(cid, 10_000, sale_type="food")
    assert e.value.field == "sale_type"
    with pytest.raises(FieldError):
        loyalty.save_settings(member_price_types=["food"])


def test_points_rate_and_caps(member):
    cid = member(points=10_000)
    with pytest.raises(FieldError, match="未开通积分抵现"):
        loyalty.price(cid, 10_000, points=100)
    loyalty.save_settings(points_per_yuan=100, points_cap_percent=20)
    q = loyalty.price(cid, 10_000, points=1_000)  # 100 points a yuan: 1,000 points = 10.00
    assert (q.points_off, q.due, q.points_max) == (1_000, 9_000, 2_000)
    with pytest.raises(FieldError, match="最多可用 2000 分") as e:
        loyalty.price(cid, 10_000, points=2_001)  # 20% of 100.00
    assert e.value.field == "points"
    loyalty.save_settings(points_cap_cents=500)  # and at most 5.00 a sale
    assert loyalty.price(cid, 10_000).points_max == 500
    loyalty.save_settings(points_cap_cents=None, points_cap_percent=100, points_per_yuan=30)
    assert loyalty.price(cid, 10_000, points=10).points_off == 33  # 10 / 30 yuan, rounded down
    poor = member(mobile="13900000000", card=None, points=50)
    with pytest.raises(FieldError, match="积分不足"):
        loyalty.price(poor, 10_000, points=51)


def test_a_sale_with_member_price_coupon_and_points_pays_what_is_due(member):
    cid = member(points=10_000)
    counter.topup(cid, 50_000, "cash")
    loyalty.save_settings(level_discounts={"金卡": 95}, points_per_yuan=100, points_cap_percent=50)
    cp = coupons.issue(cid, coupons.Terms("amount", amount_off_cents=2_000, threshold_cents=10_000, days=30))
    # 200.00 -> member 190.00 -> coupon 170.00 -> 3,000 points 30.00 -> 140.00 due
    q = loyalty.price(cid, 20_000, cp.code, 3_000)
    assert (q.member_off, q.coupon_off, q.points_off, q.due) == (1_000, 2_000, 3_000, 14_000)
    with pytest.raises(FieldError, match=r"合计 200\.00"):
        counter.sell(cid, 20_000, {"card": 20_000}, coupon=cp.code, points=3_000)
    assert Coupon.get_by_id(cp.id).status == "issued"  # the refused sale spent nothing
    p = counter.sell(cid, 20_000, {"card": 10_000, "wechat": 4_000}, coupon=cp.code, points=3_000)
    assert (p.amount_cents, p.list_cents, p.member_off_cents, p.coupon_off_cents, p.points_off_cents) == (
        14_000,
        20_000,
        1_000,
        2_000,
        3_000,
    )
    used = Coupon.get_by_id(cp.id)
    assert (used.status, used.purchase_id, used.off_cents) == ("used", p.id, 2_000)
    redeem = LedgerEntry.get((LedgerEntry.kind == "redeem") & (LedgerEntry.purchase == p.id))
    assert redeem.points_delta == -3_000
    c = Customer.get_by_id(cid)
    assert c.points == 10_000 - 3_000 + 140 and c.balance_cents == 40_000 and ledger.verify() == []
    line = counter.sale_receipt(p)
    assert f"原价 200.00，会员价（金卡 9.5折）-10.00，优惠券 {cp.code} -20.00，积分抵现 3000 分 -30.00，140.00" in line
    # used once: a second sale with it is refused with the reason
    with pytest.raises(FieldError, match="已于 2026-11-22 10:00 使用") as e:
        counter.sell(cid, 20_000, coupon=cp.code)
    assert e.value.field == "coupon"
    totals = counter.day_totals(clock.today()).as_json()
    assert (totals["member_discounts"], totals["coupons_used"], totals["coupons_off"]) == ("10.00", 1, "20.00")
    assert (totals["points_redeemed_money"], totals["points_redeemed"]) == ("30.00", 3_000)


def test_coupon_threshold_expiry_owner_and_percent_cap(member):
    cid = member()
    other = member(mobile="13900000000", card=None)
    amount = coupons.issue(cid, coupons.Terms("amount", amount_off_cents=2_000, threshold_cents=10_000, days=30))
    assert amount.valid_until == dt.date(2026, 12, 21)  # 30 days, the day of issue included
    with pytest.raises(FieldError, match=r"须满 100\.00") as e:
        loyalty.price(cid, 9_999, amount.code)
    assert e.value.field == "coupon"
    assert loyalty.price(cid, 10_000, amount.code).coupon_off == 2_000
    with pytest.raises(FieldError, match="不属于该客户"):
        loyalty.price(other, 20_000, amount.code)
    with pytest.raises(FieldError, match="没有券码"):
        loyalty.price(cid, 20_000, "NOSUCH99")
    assert loyalty.price(cid, 20_000, amount.code.lower()).coupon_off == 2_000  # typed in lower case
    # the last valid day still works; the day after it does not
    clock.set_now(dt.datetime(2026, 12, 21, 20))
    assert loyalty.price(cid, 10_000, amount.code).coupon_off == 2_000
    clock.set_now(dt.datetime(2026, 12, 22, 9))
    with pytest.raises(FieldError, match="已于 2026-12-21 过期"):
        loyalty.price(cid, 10_000, amount.code)
    assert coupons.expire_coupons() == 1 and coupons.expire_coupons() == 0
    assert Coupon.get_by_id(amount.id).status == "expired"
    # percent off: half up to the cent, capped
    pct = coupons.issue(cid, coupons.Terms("percent", percent_off=15, cap_cents=1_000, days=7))
    assert loyalty.price(cid, 1_003, pct.code).coupon_off == 150  # 15% of 10.03 = 1.5045 -> 1.50
    assert loyalty.price(cid, 1_010, pct.code).coupon_off == 152  # 1.515 -> 1.52
    assert loyalty.price(cid, 100_000, pct.code).coupon_off == 1_000  # capped at 10.00
    with pytest.raises(FieldError, match="应付金额"):
        loyalty.price(cid, 500, coupons.issue(cid, coupons.Terms("amount", amount_off_cents=500, days=1)).code)


def test_per_customer_limit_and_segment_issue(member):
    a = member()
    b = member(mobile="13900000000", card=None, level="银卡")
    member(mobile="13700000000", card=None, level="金卡")
    ct = coupons.define_type("新客券", coupons.Terms("amount", amount_off_cents=1_000, days=30, per_customer=1))
    coupons.issue(a, coupons.terms_of(ct))
    with pytest.raises(FieldError, match="每位客户最多 1 张“新客券”"):
        coupons.issue(a, coupons.terms_of(ct))
    result = coupons.issue_to_segment(coupons.Segment(level="金卡"), coupons.terms_of(ct))
    assert len(result.issued) == 1 and result.skipped == [a]
    assert coupons.customers_in(coupons.Segment(level="银卡")) == [b]
    assert coupons.customers_in(coupons.Segment(dormant_days=30)) == [a, b, 3]  # none bought yet
    counter.sell(b, 1_000)
    assert coupons.customers_in(coupons.Segment(dormant_days=30)) == [a, 3]
    # a voided coupon does not count against the limit; voiding is the owner's
    code = Coupon.get((Coupon.customer == a) & (Coupon.type == ct.id)).code
    coupons.void(code, "发错了")
    assert coupons.issue(a, coupons.terms_of(ct)).status == "issued"


def test_codes_are_short_unambiguous_and_unique(member):
    cid = member()
    codes = {coupons.issue(cid, coupons.Terms("gift", gift="小样", days=3)).code for _ in range(200)}
    assert len(codes) == 200
    assert all(len(c) == 8 and not set(c) & set("01ILO") for c in codes)


def test_care_occasion_coupon_once_per_occasion(member):
    cid = member()
    assert coupons.for_occasion(cid, "birthday") is None  # no type named by the owner
    coupons.define_type("生日券", coupons.Terms("percent", percent_off=20, cap_cents=5_000, days=15))
    loyalty.save_settings(coupon_for={"birthday": "生日券"})
    cp = coupons.for_occasion(cid, "birthday")
    assert cp is not None and cp.source == "birthday" and cp.percent_off == 20
    assert coupons.for_occasion(cid, "birthday") is None  # not twice within the gap
    assert [c.code for c in coupons.valid_for(cid)] == [cp.code]


def test_gift_coupon_and_figures(member):
    cid = member()
    gift = coupons.issue(cid, coupons.Terms("gift", gift="护手霜", days=10))
    late = coupons.issue(cid, coupons.Terms("amount", amount_off_cents=500, days=30))
    coupons.issue(cid, coupons.Terms("amount", amount_off_cents=500, days=30))
    assert coupons.use_gift(gift.code, cid).status == "used"
    clock.set_now(dt.datetime(2026, 12, 5, 10))
    p = counter.sell(cid, 3_000, coupon=late.code)
    f = coupons.figures(dt.date(2026, 11, 1), dt.date(2026, 11, 30), within_days=7)
    assert (f.issued, f.used, f.used_within, f.off_cents, f.sales_cents) == (3, 2, 1, 500, p.amount_cents)
    assert "护手霜" in coupons.text(gift)
    assert Purchase.get_by_id(p.id).coupon_off_cents == 500


def test_a_refund_gives_the_points_taken_as_money_back_pro_rata(member):
    cid = member(points=10_000)
    loyalty.save_settings(points_per_yuan=100, points_cap_percent=50)
    p = counter.sell(cid, 20_000, {"wechat": 17_000}, points=3_000)  # 30.00 of points, 170.00 paid
    earned = p.points_earned
    counter.refund_purchase(p.id, 8_500)  # half of what was paid
    assert Customer.get_by_id(cid).points == 10_000 - 3_000 + earned - earned // 2 + 1_500
    counter.refund_purchase(p.id)  # the rest
    assert Customer.get_by_id(cid).points == 10_000 and ledger.verify() == []
    back = LedgerEntry.select().where((LedgerEntry.kind == "refund") & (LedgerEntry.purchase == p.id))
    assert [e.points_delta for e in back] == [1_500, 1_500]


# --- to a saved segment (the GUI's 发券给分群) -------------------------------------------------------


def test_issue_to_a_saved_segment_reports_progress_and_cancel_rolls_back(db):
    from shopcrm import customers as C, segments
    from shopcrm.core.errors import Cancelled

    gold = C.level_id_by_name("金卡", create=True)
    for i in range(3):
        C.create(C.CustomerInput(name=f"金{i}", mobile=f"1381234560{i}", level_id=gold))
    C.create(C.CustomerInput(name="普通", mobile="13912345600"))
    segments.save("金卡会员", segments.SegmentFilter(levels=["金卡"]))
    terms = coupons.Terms("amount", amount_off_cents=500, days=10)
    assert len(coupons.saved_segment_customers("金卡会员")) == 3
    with pytest.raises(Cancelled):
        coupons.issue_to_saved_segment("金卡会员", terms, progress=lambda done, total: False)
    assert Coupon.select().count() == 0
    seen = []
    out = coupons.issue_to_saved_segment("金卡会员", terms, progress=lambda done, total: seen.append((done, total)))
    assert len(out.issued) == 3 and seen[-1] == (3, 3)
    assert {cp.source for cp in out.issued} == {"segment"}
