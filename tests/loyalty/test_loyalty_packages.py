"""Issue 14: count cards sold through the counter, used one at a time (never below zero,
expired refused with the reason), refunded pro rata through the counter's refund."""

from __future__ import annotations

import datetime as dt

import pytest

from shopcrm import customers, loyalty
from shopcrm.core import clock
from shopcrm.core.errors import FieldError
from shopcrm.loyalty import packages
from shopcrm.sales import counter
from shopcrm.sales.packages import refund_package, sell_package
from shopcrm.store.models import Coupon, Package, PackageUse, Purchase
from shopcrm.trust import privacy, security


def test_sell_use_and_never_below_zero(member):
    cid = member()
    pkg = sell_package(cid, "洗车", 2, 6_000, 365, {"wechat": 6_000})
    sale = Purchase.get_by_id(pkg.purchase_id)
    assert (sale.sale_type, sale.amount_cents, sale.items) == ("package", 6_000, "洗车×2次")
    assert (pkg.remaining, pkg.expires_on) == (2, dt.date(2027, 11, 21))
    assert packages.use(pkg.id, operator="小王", note="SUV").remaining == 1
    assert [p.id for p in packages.one_left()] == [pkg.id]
    assert packages.use(pkg.id).remaining == 0
    with pytest.raises(FieldError, match="已用完") as e:
        packages.use(pkg.id)
    assert e.value.field == "package"
    rows = packages.uses_of(pkg.id)
    assert [(u.kind, u.delta, u.remaining_after, u.operator) for u in rows] == [
        ("use", -1, 1, "小王"),
        ("use", -1, 0, ""),
    ]
    assert counter.day_totals(clock.today()).loyalty["package_uses"] == 2
    other = member(mobile="13900000000", card=None)
    with pytest.raises(FieldError, match="不属于该客户"):
        packages.use(pkg.id, customer_id=other)


def test_an_expired_card_is_refused_with_the_day(member):
    cid = member()
    pkg = sell_package(cid, "面部护理", 10, 100_000, 30)
    assert packages.expiring_soon(clock.today(), days=30)[0].id == pkg.id
    clock.set_now(dt.datetime(2026, 12, 21, 18))  # the last good day
    assert packages.use(pkg.id).remaining == 9
    clock.set_now(dt.datetime(2026, 12, 22, 9))
    with pytest.raises(FieldError, match="已于 2026-12-21 过期"):
        packages.use(pkg.id)
    assert Package.get_by_id(pkg.id).remaining == 9


def test_member_price_applies_to_a_package_sale_when_switched_on(member):
    cid = member()
    loyalty.save_settings(level_discounts={"金卡": 90}, member_price_types=["package"])
    pkg = sell_package(cid, "洗车", 10, 30_000, 365)
    assert Purchase.get_by_id(pkg.purchase_id).amount_cents == 27_000 and pkg.price_cents == 30_000


def test_refund_of_unused_uses_pro_rata_by_method(member):
    cid = member()
    counter.topup(cid, 10_000, "cash")
    pkg = sell_package(cid, "洗车", 10, 30_000, 365, {"card": 10_000, "wechat": 20_000})
    for _ in range(3):
        packages.use(pkg.id)
    security.set_pin("2468")
    security.lock()
    with pytest.raises(PermissionError):
        refund_package(pkg.id)
    security.unlock("2468")
    r = refund_package(pkg.id)
    assert r.amount_cents == 21_000  # 7 of 10 uses of 300.00
    assert {p.method: p.amount_cents for p in r.payments} == {"card": 7_000, "wechat": 14_000}
    assert Package.get_by_id(pkg.id).remaining == 0
    refund_row = PackageUse.get((PackageUse.package == pkg.id) & (PackageUse.kind == "refund"))
    assert (refund_row.delta, refund_row.refund_id) == (-7, r.id)
    with pytest.raises(FieldError, match="没有可退的次数"):
        refund_package(pkg.id)
    sold, used, refunded = 10, 3, 7
    assert Package.get_by_id(pkg.id).remaining == sold - used - refunded


def test_erasure_and_purge_keep_or_drop_the_loyalty_rows(member):
    from shopcrm.loyalty import coupons

    cid = member()
    cp = coupons.issue(cid, coupons.Terms("gift", gift="小样", days=3))
    pkg = sell_package(cid, "洗车", 2, 6_000, 365)
    packages.use(pkg.id, note="客户说车门有划痕")
    privacy.erase_customer(cid, vacuum=False)
    # the shop's records stay (like purchases); the person's words go
    assert Coupon.get_by_id(cp.id).code == cp.code and Package.get_by_id(pkg.id).product == "洗车"
    assert PackageUse.get(PackageUse.package == pkg.id).note == ""
    with pytest.raises(FieldError):
        packages.use(pkg.id)
    customers.purge([cid])
    assert not Coupon.select().exists() and not Package.select().exists() and not PackageUse.select().exists()
