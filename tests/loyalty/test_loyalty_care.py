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
