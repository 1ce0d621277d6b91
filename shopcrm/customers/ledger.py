"""Balance and points change only here, one ledger entry per change, in the caller's transaction.

Invariant (checked by :func:`verify`): a customer's stored ``balance_cents`` and ``points`` equal
the sums of their ledger entries' deltas, and each entry's ``*_after`` is the running total.
"""

from __future__ import annotations

import datetime as dt

from shopcrm.store.db import database
from shopcrm.core.errors import FieldError
from shopcrm.store.models import LedgerEntry, now, sql_ts
from shopcrm.core.money import fmt
from shopcrm.core.normalize import MAX_CENTS, MAX_POINTS

KINDS = ("topup", "spend", "refund", "adjust", "import", "earn", "redeem")


def apply(customer_id: int, kind: str, *, balance_delta_cents: int = 0, points_delta: int = 0,
          reason: str = "", purchase_id: int | None = None, at: dt.datetime | None = None,
          allow_negative: bool = False) -> LedgerEntry:
    """Change a customer's balance and/or points by the given deltas and record why."""
    if kind not in KINDS:
        raise ValueError(f"unknown ledger kind {kind!r}")
    with database.atomic():
        row = database.execute_sql(
            "SELECT balance_cents, points FROM customer WHERE id = ?", (customer_id,)).fetchone()
        if row is None:
            raise LookupError(customer_id)
        balance, points = row[0] + balance_delta_cents, row[1] + points_delta
        if balance < 0 and not allow_negative:
            raise FieldError("balance", "v.balance_insufficient", balance=fmt(row[0]),
                             amount=fmt(-balance_delta_cents))
        if points < 0 and not allow_negative:
            raise FieldError("points", "v.points_insufficient", points=row[1], needed=-points_delta)
        # the bounds every form, import and export share: a stored value always exports and
        # imports back (normalize.MAX_CENTS, MAX_POINTS)
        if not -MAX_CENTS < balance < MAX_CENTS:
            raise FieldError("balance", "v.money_too_large", value=fmt(balance))
        if not -MAX_POINTS < points < MAX_POINTS:
            raise FieldError("points", "v.int_too_large", value=points)
        database.execute_sql(
            "UPDATE customer SET balance_cents = ?, points = ?, updated_at = ? WHERE id = ?",
            (balance, points, sql_ts(now()), customer_id))
        return LedgerEntry.create(
            customer=customer_id, at=at or now(), kind=kind, balance_delta_cents=balance_delta_cents,
            points_delta=points_delta, balance_after_cents=balance, points_after=points,
            reason=reason, purchase=purchase_id)


def entries(customer_id: int) -> list[LedgerEntry]:
    return list(LedgerEntry.select().where(LedgerEntry.customer == customer_id)
                .order_by(LedgerEntry.id.desc()))


def verify(customer_id: int | None = None) -> list[int]:
    """Ids of customers whose stored balance or points differ from their ledger sums."""
    only = "AND c.id = ?" if customer_id is not None else ""
    sql = f"""
        SELECT c.id FROM customer c
        LEFT JOIN (SELECT customer_id, SUM(balance_delta_cents) b, SUM(points_delta) p
                   FROM ledger_entry GROUP BY customer_id) s ON s.customer_id = c.id
        WHERE (c.balance_cents != COALESCE(s.b, 0) OR c.points != COALESCE(s.p, 0)) {only}"""
    params = (customer_id,) if customer_id is not None else ()
    return [r[0] for r in database.execute_sql(sql, params).fetchall()]


def manual_change(customer_id: int, kind: str, *, balance_delta_cents: int = 0, points_delta: int = 0,
                  reason: str = "") -> LedgerEntry:
    """A top-up or adjustment typed by a person (the archive's buttons): owner only and logged.
    Sales and refunds go through shopcrm.sales.activity and stay open to clerks."""
    from shopcrm.trust import audit
    from shopcrm.trust import security

    if kind not in ("topup", "adjust"):
        raise ValueError(kind)
    security.require_owner("adjust")
    with database.atomic():
        entry = apply(customer_id, kind, balance_delta_cents=balance_delta_cents,
                      points_delta=points_delta, reason=reason, allow_negative=False)
        audit.log("adjust", customer_id=customer_id,
                  detail=f"{kind} {fmt(balance_delta_cents)} / {points_delta:+d}")
    return entry
