"""Issue 14: gifts for points (stock never below zero, also with two processes redeeming the
last one at once) and points expiry (on the right day, first in first out, idempotent)."""

from __future__ import annotations

import datetime as dt
import multiprocessing

import pytest

from shopcrm import customers, loyalty
from shopcrm.core import clock
from shopcrm.core.errors import FieldError
from shopcrm.customers import CustomerInput, ledger
from shopcrm.loyalty import points
from shopcrm.sales import counter
from shopcrm.store.db import close_database, database, open_database
from shopcrm.store.models import Customer, GiftRedemption, LedgerEntry, PointsGift
from shopcrm.trust import security


def test_a_gift_takes_points_and_stock_in_one_go(member):
    cid = member(points=1_000)
    g = points.add_gift("保温杯", 800, 1)
    points.redeem_gift(cid, g.id)
    assert PointsGift.get_by_id(g.id).stock == 0 and Customer.get_by_id(cid).points == 200
    other = member(mobile="13900000000", card=None, points=5_000)
    with pytest.raises(FieldError, match="已兑完"):
        points.redeem_gift(other, g.id)
    points.restock(g.id, 2)
    with pytest.raises(FieldError, match="积分不足"):
        points.redeem_gift(cid, g.id)
    assert PointsGift.get_by_id(g.id).stock == 2  # the refused redemption took no stock
    with pytest.raises(FieldError):
        points.restock(g.id, -3)
    assert counter.day_totals(clock.today()).points_redeemed == 800
    assert ledger.verify() == []


def _redeem_last(db_location: str, customer_id: int, gift_id: int, start, results) -> None:
    import shopcrm.backup  # noqa: F401  (as every process of the app does)

    open_database(db_location)
    try:
        start.wait(30)
        try:
            points.redeem_gift(customer_id, gift_id)
            results.put(("ok", customer_id))
        except FieldError as exc:
            results.put((exc.key, customer_id))
    finally:
        close_database()


@pytest.mark.slow
def test_two_processes_redeeming_the_last_gift_get_one(db_location):
    security.reset_session()
    open_database(db_location)
    ids = []
    for i in range(2):
        cid = customers.create(CustomerInput(name=f"客户{i}", mobile=f"1380000000{i}")).id
        ledger.apply(cid, "adjust", points_delta=1_000, reason="测试")
        ids.append(cid)
    gift = points.add_gift("最后一个", 500, 1).id
    close_database()
    ctx = multiprocessing.get_context("spawn")
    start, results = ctx.Barrier(2), ctx.Queue()
    procs = [ctx.Process(target=_redeem_last, args=(str(db_location), cid, gift, start, results)) for cid in ids]
    for p in procs:
        p.start()
    outcome = sorted(results.get(timeout=60)[0] for _ in procs)
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    assert outcome == ["ok", "points_gift.v.out_of_stock"]
    open_database(db_location)
    try:
        assert PointsGift.get_by_id(gift).stock == 0 and GiftRedemption.select().count() == 1
        assert sorted(c.points for c in Customer.select()) == [500, 1_000] and ledger.verify() == []
    finally:
        close_database()


def _entry(cid, delta, day, kind="adjust"):
    """A points entry dated ``day`` (the ledger's own path, with the clock there)."""
    clock.set_now(dt.datetime.combine(day, dt.time(12)))
    ledger.apply(cid, kind, points_delta=delta, reason="测试")


def test_points_expire_at_the_end_of_the_next_year_first_in_first_out(member):
    cid = member(points=0)
    loyalty.save_settings(points_expire_years=1)
    _entry(cid, 1_000, dt.date(2024, 3, 1))  # good to 2025-12-31
    _entry(cid, 500, dt.date(2025, 6, 1))  # good to 2026-12-31
    _entry(cid, -300, dt.date(2025, 7, 1), kind="redeem")  # spent: from the oldest (2024) points
    assert points.expiry_day(2024) == dt.date(2025, 12, 31)
    # on the last good day nothing expires
    assert points.expire_points(dt.date(2025, 12, 31)) == 0
    # the day after, what is left of 2024's points does: 1,000 - 300
    assert points.expire_points(dt.date(2026, 1, 1)) == 700
    assert points.expire_points(dt.date(2026, 1, 1)) == 0  # idempotent
    assert Customer.get_by_id(cid).points == 500
    e = LedgerEntry.get(LedgerEntry.kind == "expire")
    assert e.points_delta == -700 and ledger.verify() == []
    # 2025's points: listed within 30 days of their last day, not before
    assert points.expiring_soon(dt.date(2026, 11, 30)) == []
    soon = points.expiring_soon(dt.date(2026, 12, 1))
    assert [(s.customer_id, s.points, s.on) for s in soon] == [(cid, 500, dt.date(2026, 12, 31))]
    _entry(cid, -200, dt.date(2026, 12, 10), kind="redeem")
    assert points.expire_points(dt.date(2027, 1, 1)) == 300
    assert Customer.get_by_id(cid).points == 0


def test_no_expiry_when_the_owner_has_not_set_one(member):
    cid = member(points=1_000)
    assert points.expire_points(dt.date(2030, 1, 1)) == 0
    assert points.expiring_soon(dt.date(2030, 12, 20)) == []
    assert Customer.get_by_id(cid).points == 1_000
    assert database.execute_sql("SELECT COUNT(*) FROM ledger_entry WHERE kind = 'expire'").fetchone()[0] == 0


def test_the_archive_sees_a_members_next_expiry_and_gifts(member):
    cid = member(points=0)
    other = member(mobile="13900001111", card="V002", points=0)
    assert points.next_expiry(cid, dt.date(2026, 3, 1)) is None  # the owner set no expiry
    loyalty.save_settings(points_expire_years=1)
    _entry(cid, 800, dt.date(2025, 5, 1))  # good to 2026-12-31
    _entry(cid, 400, dt.date(2026, 2, 1))  # good to 2027-12-31
    _entry(other, 900, dt.date(2025, 5, 1))
    soon = points.next_expiry(cid, dt.date(2026, 3, 1))
    assert soon is not None and (soon.customer_id, soon.points, soon.on) == (cid, 800, dt.date(2026, 12, 31))
    assert points.expire_points(dt.date(2027, 1, 1)) == 800 + 900
    later = points.next_expiry(cid, dt.date(2027, 3, 1))
    assert later is not None and (later.points, later.on) == (400, dt.date(2027, 12, 31))

    _entry(other, 500, dt.date(2027, 3, 1))
    g = points.add_gift("保温杯", 300, 2)
    points.redeem_gift(cid, g.id)
    points.redeem_gift(other, g.id)
    (mine,) = points.redemptions_of(cid)
    assert (mine.gift.name, mine.points, mine.customer_id) == ("保温杯", 300, cid)
