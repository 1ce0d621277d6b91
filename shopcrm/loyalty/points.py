"""Points spent on gifts, and points that expire.

**Gifts** (积分兑换): a small catalogue (name, points, stock). :func:`redeem_gift` lowers the
stock with a conditional update (``WHERE stock > 0``) and spends the points through a ``redeem``
ledger entry in one IMMEDIATE transaction: two counters redeeming the last one at once get one
gift and one refusal, and the stock never goes below zero (a CHECK in the table as well).

**Expiry** (owner setting ``points_expire_years`` = N, 0 = never): points credited in year Y
expire at the end of year Y + N (on 1 January of Y + N + 1 they are gone). The rule is first in,
first out: every point that leaves (spent as money, a gift, reversed by a refund, lowered by an
adjustment or an import, expired) is taken from the oldest points still there. So what expires for
the years up to Y is ``max(0, credited up to Y - everything that left so far)``, minus what
expired before, and never more than the member has. :func:`expire_points` writes one ``expire``
ledger entry per member for what is due and is idempotent (a second run finds nothing due).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from shopcrm.core import clock
from shopcrm.core.errors import FieldError
from shopcrm.core.texts import register
from shopcrm.customers import ledger
from shopcrm.loyalty import config
from shopcrm.store import locks, sqlfn
from shopcrm.store.db import database
from shopcrm.store.models import GiftRedemption, PointsGift, now, sql_ts
from shopcrm.trust import audit, session

log = logging.getLogger(__name__)

register(
    {
        "points_gift.v.out_of_stock": ("积分礼品“{name}”已兑完", "Points gift “{name}” is out of stock"),
        "points_gift.v.inactive": ("积分礼品“{name}”已下架", "Points gift “{name}” is no longer offered"),
        "points_gift.v.terms": (
            "积分礼品须有名称，积分大于 0，库存不小于 0",
            "A points gift needs a name, points > 0 and stock >= 0",
        ),
    }
)


# --- gifts ---------------------------------------------------------------------------------------


def add_gift(name: str, points: int, stock: int) -> PointsGift:
    """A gift of the catalogue (owner only, audited)."""
    session.require_owner("settings")
    if not name.strip() or points <= 0 or stock < 0:
        raise FieldError("gift", "points_gift.v.terms")
    with database.atomic():
        g = PointsGift.create(name=name.strip(), points=points, stock=stock)
        audit.log("settings", detail=f"gift {g.id}: {points} points, stock {stock}")
    return g


def restock(gift_id: int, add: int) -> PointsGift:
    """Add ``add`` to a gift's stock (owner only, audited; a negative ``add`` never goes below zero)."""
    session.require_owner("settings")
    with database.atomic():
        done = database.execute_sql(
            "UPDATE points_gift SET stock = stock + ? WHERE id = ? AND stock + ? >= 0", (add, gift_id, add)
        ).rowcount
        if not done:
            raise FieldError("gift", "points_gift.v.terms")
        audit.log("settings", detail=f"gift {gift_id}: stock {add:+d}")
    return PointsGift.get_by_id(gift_id)


def gifts(*, only_in_stock: bool = False) -> list[PointsGift]:
    q = PointsGift.select().where(PointsGift.active == True)  # noqa: E712
    if only_in_stock:
        q = q.where(PointsGift.stock > 0)
    return list(q.order_by(PointsGift.points, PointsGift.id))


@locks.retrying
def redeem_gift(
    customer_id: int, gift_id: int, *, at: dt.datetime | None = None, operator: str | None = None
) -> GiftRedemption:
    """Give ``gift_id`` for points: stock down by one and the points spent, one transaction.
    Raises FieldError: ``gift`` (out of stock, no longer offered), ``points`` (not enough)."""
    at = at or now()
    op = session.current_operator() if operator is None else operator
    with database.atomic():  # IMMEDIATE: a second process waits here for the first to commit
        locks.day_shared()  # the lock order of shopcrm.store.locks: the day, the customer, the gift
        locks.lock_row("customer", customer_id)
        g = PointsGift.get_by_id(gift_id)
        if not g.active:
            raise FieldError("gift", "points_gift.v.inactive", name=g.name)
        config.live_customer(customer_id)
        taken = database.execute_sql(
            "UPDATE points_gift SET stock = stock - 1 WHERE id = ? AND stock > 0", (gift_id,)
        ).rowcount
        if taken != 1:
            raise FieldError("gift", "points_gift.v.out_of_stock", name=g.name)
        row = GiftRedemption.create(customer=customer_id, gift=gift_id, at=at, points=g.points, operator=op)
        ledger.apply(customer_id, "redeem", points_delta=-g.points, reason=f"积分兑换：{g.name}", at=at)
    log.info("gift %s redeemed by customer %s for %s points", gift_id, customer_id, g.points)
    return row


# --- expiry --------------------------------------------------------------------------------------


def _years() -> int:
    return int(config.load_settings()["points_expire_years"])


def expiry_day(earned_year: int, years: int | None = None) -> dt.date:
    """The last day points credited in ``earned_year`` are good for."""
    return dt.date(earned_year + (_years() if years is None else years), 12, 31)


def _due(cutoff_year: int, customer_id: int | None = None) -> list[tuple[int, int]]:
    """(customer id, points due to expire) for the points credited up to ``cutoff_year``."""
    end = sql_ts(dt.datetime(cutoff_year + 1, 1, 1))
    only = "AND customer_id = ?" if customer_id is not None else ""
    params: list = [end]
    if customer_id is not None:
        params.append(customer_id)
    due = sqlfn.least(
        "c.points",
        "SUM(CASE WHEN l.points_delta > 0 AND l.at < ? THEN l.points_delta ELSE 0 END)"
        " + SUM(CASE WHEN l.points_delta < 0 THEN l.points_delta ELSE 0 END)",
    )
    rows = database.execute_sql(
        f"""SELECT l.customer_id, {due}
            FROM ledger_entry l JOIN customer c ON c.id = l.customer_id
            WHERE l.points_delta != 0 {only}
            GROUP BY l.customer_id, c.points
            ORDER BY l.customer_id""",
        params,
    ).fetchall()
    return [(cid, n) for cid, n in rows if n and n > 0]


@locks.retrying
def expire_points(today: dt.date | None = None, *, at: dt.datetime | None = None) -> int:
    """Write ``expire`` ledger entries for every point whose last good day is before ``today``
    (see the module's rule). Idempotent; returns the points expired by this run."""
    years = _years()
    today = today or clock.today()
    if not years:
        return 0
    cutoff = today.year - years - 1  # points credited up to this year are past their last day
    at = at or now()
    total = 0
    with database.atomic():
        locks.day_shared()
        for cid, _n in _due(cutoff):
            # what is due is read again under the customer's lock: a sale on another counter may
            # have spent some of the points since
            locks.lock_row("customer", cid)
            for _cid, n in _due(cutoff, cid):
                ledger.apply(cid, "expire", points_delta=-n, reason=f"{cutoff} 年及以前的积分到期", at=at)
                total += n
    if total:
        log.info("points expired up to year %s: %s", cutoff, total)
    return total


@dataclass(frozen=True)
class Expiring:
    customer_id: int
    points: int
    on: dt.date  # their last good day


def expiring_soon(today: dt.date | None = None, days: int = 30) -> list[Expiring]:
    """Members whose points expire within ``days`` days (the last good day from today to
    today + days), with how many: for a care item a month before."""
    years = _years()
    today = today or clock.today()
    if not years:
        return []
    last_day = dt.date(today.year, 12, 31)
    if (last_day - today).days > days:
        return []
    return [Expiring(cid, n, last_day) for cid, n in _due(today.year - years)]


def next_expiry(customer_id: int, today: dt.date | None = None) -> Expiring | None:
    """The member's points that expire at the end of this year (their last good day), or None:
    for the archive's 会员权益 page."""
    years = _years()
    today = today or clock.today()
    if not years:
        return None
    due = _due(today.year - years, customer_id)
    return Expiring(customer_id, due[0][1], dt.date(today.year, 12, 31)) if due else None


def redemptions_of(customer_id: int) -> list[GiftRedemption]:
    """The member's gifts for points, newest first (the gift's name on ``.gift``)."""
    return list(
        GiftRedemption.select(GiftRedemption, PointsGift)
        .join(PointsGift)
        .where(GiftRedemption.customer == customer_id)
        .order_by(GiftRedemption.id.desc())
    )
