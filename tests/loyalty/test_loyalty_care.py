"""Issue 14: a birthday greeting done issues the birthday coupon the owner named; members whose
points or count cards run out soon are listed for care."""

from __future__ import annotations

import datetime as dt

from shopcrm import care, customers, loyalty
from shopcrm.customers import CustomerInput
from shopcrm.loyalty import coupons, packages
from shopcrm.sales.packages import sell_package
from shopcrm.store.models import Coupon


def test_birthday_greeting_done_issues_the_birthday_coupon(shop):
    cid = customers.create(
        CustomerInput(name="李四", mobile="13800000001", birthday=dt.date(1990, 11, 24), consent_marketing=True)
    ).id
    coupons.define_type("生日券", coupons.Terms("amount", amount_off_cents=3_000, threshold_cents=10_000, days=30))
    loyalty.save_settings(coupon_for={"birthday": "生日券"})
    items = [i for i in care.build_today(shop).items if i.kind == "birthday"]
    assert [i.customer_id for i in items] == [cid]
    care.mark_done(items)
    cp = Coupon.get(Coupon.customer == cid)
    assert (cp.source, cp.amount_off_cents, cp.threshold_cents) == ("birthday", 3_000, 10_000)


def test_count_cards_running_out_are_listed(member):
    cid = member()
    soon = sell_package(cid, "洗车", 3, 9_000, 20)
    later = sell_package(cid, "打蜡", 2, 9_000, 365)
    packages.use(later.id)
    assert [p.id for p in packages.expiring_soon(days=30)] == [soon.id]
    assert [p.id for p in packages.one_left()] == [later.id]


def test_the_care_list_warns_of_points_and_count_cards_running_out(member):
    from shopcrm.core import clock
    from shopcrm.customers import ledger

    cid = member(points=0)
    loyalty.save_settings(points_expire_years=1)
    clock.set_now(dt.datetime(2025, 5, 1, 10))
    ledger.apply(cid, "adjust", points_delta=600, reason="测试")  # good to 2026-12-31
    clock.set_now(dt.datetime(2026, 12, 1, 10))
    card = sell_package(cid, "洗车", 3, 9_000, 20)  # last good day 2026-12-20
    own = {**care.load_settings(), "one_call_a_day": False}  # each item on its own (merging: tests/care)
    lst = care.build_today(dt.date(2026, 12, 1), own)
    mine = sorted((i.key, i.due.isoformat(), i.reason) for i in lst.items if i.kind == "loyalty")
    assert mine == [
        (f"package:{card.id}:expiring", "2026-11-20", "计次卡“洗车”剩 3 次，2026-12-20 到期"),
        ("points:2026-12-31", "2026-12-01", "600 积分将于 2026-12-31 到期"),  # not the 90 earned in 2026
    ]
    care.mark_done([i for i in lst.items if i.kind == "loyalty"])
    assert [i for i in care.build_today(dt.date(2026, 12, 1), own).items if i.kind == "loyalty"] == []
