"""Satisfaction figures (issue #15) on a hand-built data set whose answers are worked out by hand
in the comments."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import xlsx_rows

from shopcrm.campaigns import figures as F
from shopcrm.core import clock
from shopcrm.sales import activity
from shopcrm.store.models import Complaint, Customer


def at(day: str, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour))


@pytest.fixture
def shop(db):
    clock.set_now(at("2026-11-20"))

    def make(name, n, **kw):
        return Customer.create(name=name, mobile=f"1380000000{n}", mobile_rev=f"{n}0000000831", **kw).id

    a, b, c, d = (make(x, i, joined_on=dt.date(2026, 1, 1)) for i, x in enumerate("ABCD"))
    make("E", 5, joined_on=dt.date(2026, 10, 5), referred_by=a)
    # buyers: August {A, D}, September {A, B}, October {A, C, D}
    for who, day in ((a, "2026-08-10"), (a, "2026-09-05"), (a, "2026-10-03"), (b, "2026-09-20")):
        activity.record_purchase(who, 100_00, at=at(day))
    for who, day in ((c, "2026-10-15"), (d, "2026-08-01"), (d, "2026-10-20")):
        activity.record_purchase(who, 100_00, at=at(day))
    # scores: September 5 (phone), 3 (wechat); October 4 (phone), 2 (visit) and a walk-in's 5 (phone)
    activity.record_contact(a, channel="phone", satisfaction=5, at=at("2026-09-06"))
    activity.record_contact(b, channel="wechat", satisfaction=3, at=at("2026-09-21"))
    activity.record_contact(c, channel="phone", satisfaction=4, at=at("2026-10-16"))
    activity.record_contact(d, channel="visit", satisfaction=2, at=at("2026-10-21"))
    # NPS in October: one promoter (10), one detractor (5)
    activity.record_contact(a, channel="phone", nps=10, at=at("2026-10-22"))
    activity.record_contact(b, channel="phone", nps=5, at=at("2026-10-23"))
    # complaints: B's in September, a walk-in's in October closed with 5
    Complaint.create(customer=b, received_at=at("2026-09-12"))
    Complaint.create(
        walkin_name="路人", received_at=at("2026-10-08"), closed_at=at("2026-10-10"), satisfaction=5, channel="phone"
    )
    return a, b, c, d


def test_by_month_known_answers(shop):
    sep, octo = F.by_month(dt.date(2026, 9, 1), 2)
    assert sep.month == "2026-09" and octo.month == "2026-10"
    # September: scores 5, 3; buyers A (bought in August too), B (first time)
    assert (sep.scores, sep.satisfaction, sep.reputation) == (2, 4.0, 0.5)
    assert (sep.complaints, sep.active, sep.complaint_rate) == (1, 2, 0.5)
    assert (sep.buyers, sep.repurchase_rate) == (2, 0.5)
    assert sep.retention == 0.5  # of August's A and D, A bought again
    assert sep.nps is None and sep.referrals == 0
    # October: scores 4, 2, 5 (the walk-in's complaint); buyers A, D (before), C (first)
    assert octo.scores == 3 and octo.satisfaction == pytest.approx(11 / 3)
    assert octo.reputation == pytest.approx(2 / 3)
    assert octo.complaint_rate == pytest.approx(1 / 3)
    assert octo.repurchase_rate == pytest.approx(2 / 3)
    assert octo.retention == 0.5  # of September's A and B, A bought again
    assert octo.nps == 0.0 and octo.referrals == 1
    assert octo.price_sensitivity == 0.0  # nobody bought with a member price or a coupon
    assert F.cell("price_sensitivity", None) == "—"
    assert F.cell("retention", 0.5) == "50.0%"


def test_by_channel_known_answers(shop):
    rows = {f.channel: f for f in F.by_channel(dt.date(2026, 9, 1), dt.date(2026, 11, 1))}
    assert (rows["phone"].contacts, rows["phone"].scores) == (4, 3)
    assert rows["phone"].satisfaction == pytest.approx(14 / 3) and rows["phone"].reputation == 1.0
    assert (rows["wechat"].scores, rows["wechat"].satisfaction, rows["wechat"].reputation) == (1, 3.0, 0.0)
    assert (rows["visit"].contacts, rows["visit"].satisfaction) == (1, 2.0)


def test_export_has_both_sheets(shop, tmp_path):
    path = tmp_path / "f.xlsx"
    F.export_xlsx(path, F.by_month(dt.date(2026, 9, 1), 2), F.by_channel(dt.date(2026, 9, 1), dt.date(2026, 11, 1)))
    months = xlsx_rows(path, "按月")
    assert months[0][0] == "月份" and [r[0] for r in months[1:]] == ["2026-09", "2026-10"]
    assert len(xlsx_rows(path, "按渠道")) == 4


def test_price_sensitivity_is_the_share_of_sales_with_a_member_price_or_a_coupon(db):
    from shopcrm import customers, loyalty
    from shopcrm.customers import CustomerInput
    from shopcrm.loyalty import coupons
    from shopcrm.sales import counter
    from shopcrm.trust import security

    security.reset_session()
    clock.set_now(at("2026-11-20"))
    gold = customers.level_id_by_name("金卡", create=True)
    member = customers.create(CustomerInput(name="金卡客", mobile="13800000001", level_id=gold)).id
    plain = customers.create(CustomerInput(name="散客", mobile="13800000002")).id
    loyalty.save_settings(level_discounts={"金卡": 95})
    counter.sell(member, 100_00, at=at("2026-11-02"))  # member price: 95.00
    code = coupons.issue(plain, coupons.Terms(kind="amount", amount_off_cents=10_00, days=30)).code
    counter.sell(plain, 100_00, pay={"cash": 90_00}, coupon=code, at=at("2026-11-03"))
    counter.sell(plain, 50_00, at=at("2026-11-04"))  # full price
    counter.sell(plain, 20_00, at=at("2026-11-05"))
    [nov] = F.by_month(dt.date(2026, 11, 1), 1)
    assert nov.price_sensitivity == 0.5  # 2 of 4 sales
    assert F.cell("price_sensitivity", nov.price_sensitivity) == "50.0%"
    security.reset_session()
