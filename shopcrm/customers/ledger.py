"""Balance and points change only here, one ledger entry per change, in the caller's transaction.

The rule for stored value (issue 12), enforced in :func:`apply`, the one entry point: a balance or
points go up only as

- ``topup``: money paid in. A paid top-up at the counter (issue 13, shopcrm.sales.counter) is a
  clerk action: its entry names the ``topup`` row that records the payment method and the amount
  paid, and must match it. A ``topup`` entry without such a row is a person's hand on the stored
  value (the archive's top-up button): owner only and audited, as before,
- ``bonus``: the bonus a top-up rule gave, tied to the same ``topup`` row and equal to its bonus
  (a later refund of the top-up knows what was paid and what was given),
- ``adjust``: an owner adjustment with a reason (a new customer's opening balance or points, a
  correction, a gift), owner only and audit-logged,
- ``earn``: points a recorded purchase earned by the level's rule (points only, tied to the
  purchase),
- ``refund``: money given back to the card for a resolved complaint (shopcrm.complaints; open to
  clerks like sales, recorded in the complaint's history),
- ``import``: balances and points read from a spreadsheet by the owner-only import.

``spend``, ``redeem`` (points spent as money at a sale or on a gift, shopcrm.loyalty),
``expire`` (points past their last good day, shopcrm.loyalty.points) and ``topup_refund`` (a
top-up's unspent principal paid back: owner only, audited, tied to its top-up) only lower values. A person's ``topup`` (no top-up row) or
``adjust`` needs the owner (:func:`shopcrm.security.require_owner`) and writes an ``adjust`` audit
row, whichever caller asks for it.

Invariant (checked by :func:`verify`): a customer's stored ``balance_cents`` and ``points`` equal
the sums of their ledger entries' deltas, and each entry's ``*_after`` is the running total.
"""

from __future__ import annotations

import datetime as dt

from shopcrm.core.errors import FieldError
from shopcrm.core.money import fmt
from shopcrm.core.normalize import MAX_CENTS, MAX_POINTS
from shopcrm.store import locks
from shopcrm.store.db import database, for_update
from shopcrm.store.models import LedgerEntry, Topup, now, sql_ts

KINDS = ("topup", "bonus", "spend", "refund", "topup_refund", "adjust", "import", "earn", "redeem", "expire")
# a person's hand on the stored value: owner only, audited (a ``topup`` with its paid top-up row
# is the clerk's counter action instead)
OWNER_KINDS = ("topup", "adjust")
LOWER_ONLY = ("spend", "redeem", "topup_refund", "expire")  # never raise a balance or points

OPENING_REASON = "开户余额"  # the reason of a new customer's opening balance/points


class LedgerRuleError(ValueError):
    """A ledger entry that breaks the stored-value rule (a programming error, not a user's)."""


def apply(
    customer_id: int,
    kind: str,
    *,
    balance_delta_cents: int = 0,
    points_delta: int = 0,
    reason: str = "",
    purchase_id: int | None = None,
    at: dt.datetime | None = None,
    allow_negative: bool = False,
    topup_id: int | None = None,
    store_id: int | None = None,
) -> LedgerEntry:
    """Change a customer's balance and/or points by the given deltas and record why. The entry
    belongs to ``store_id`` when given (an import for a chosen store), else to this counter's."""
    if kind not in KINDS:
        raise ValueError(f"unknown ledger kind {kind!r}")
    paid = _check_rule(customer_id, kind, balance_delta_cents, points_delta, reason, purchase_id, topup_id)
    with database.atomic():
        locks.day_shared()  # a day close never reads the balances half-way (shopcrm.store.locks)
        # the row stays locked to the commit on PostgreSQL (SQLite's IMMEDIATE transaction already
        # holds the write lock): a second counter reads the balance after this change, not before
        row = database.execute_sql(
            "SELECT balance_cents, points FROM customer WHERE id = ?" + for_update(), (customer_id,)
        ).fetchone()
        if row is None:
            raise LookupError(customer_id)
        balance, points = row[0] + balance_delta_cents, row[1] + points_delta
        if balance < 0 and not allow_negative:
            raise FieldError("balance", "v.balance_insufficient", balance=fmt(row[0]), amount=fmt(-balance_delta_cents))
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
            (balance, points, sql_ts(now()), customer_id),
        )
        entry = LedgerEntry.create(
            customer=customer_id,
            at=at or now(),
            kind=kind,
            balance_delta_cents=balance_delta_cents,
            points_delta=points_delta,
            balance_after_cents=balance,
            points_after=points,
            reason=reason,
            purchase=purchase_id,
            topup=topup_id,
            **({} if store_id is None else {"store": store_id}),
        )
        if (kind in OWNER_KINDS and not paid) or kind == "topup_refund":
            from shopcrm.trust import audit

            audit.log(
                "adjust",
                customer_id=customer_id,
                # the reason stays in the ledger: it may name a person, the log never does
                detail=f"{kind} {fmt(balance_delta_cents)} / {points_delta:+d}"
                + (" opening" if reason == OPENING_REASON else ""),
            )
        return entry


def _check_rule(
    customer_id: int,
    kind: str,
    balance_delta: int,
    points_delta: int,
    reason: str,
    purchase_id: int | None,
    topup_id: int | None,
) -> bool:
    """The stored-value rule (module docstring). Raises OwnerRequired (a PermissionError) for a
    person's top-up or adjustment in clerk mode, LedgerRuleError for an entry no caller may write.
    True for a paid top-up's entries (open to clerks, recorded with their payment)."""
    if kind in ("topup", "bonus") and topup_id is not None:
        paid = Topup.get_or_none(Topup.id == topup_id)
        expected = None if paid is None else (paid.principal_cents if kind == "topup" else paid.bonus_cents)
        if paid is None or paid.customer_id != customer_id or balance_delta != expected or points_delta:
            raise LedgerRuleError(f"a {kind} entry must match its paid top-up {topup_id}")
        return True
    if kind == "bonus":
        raise LedgerRuleError("a bonus comes only with a paid top-up")
    if kind == "topup_refund":
        from shopcrm.trust import security

        security.require_owner("adjust")
        if topup_id is None or points_delta:
            raise LedgerRuleError("a top-up refund pays back the principal of one top-up")
    if kind in OWNER_KINDS:
        from shopcrm.trust import security

        security.require_owner("adjust")
        if kind == "adjust" and not reason.strip():
            raise LedgerRuleError("an owner adjustment needs a reason")
    elif kind in LOWER_ONLY and (balance_delta > 0 or points_delta > 0):
        raise LedgerRuleError(f"{kind} never raises a balance or points")
    elif kind == "earn" and (balance_delta != 0 or purchase_id is None):
        raise LedgerRuleError("earned points come from a recorded purchase, and only points")
    return False


def entries(customer_id: int) -> list[LedgerEntry]:
    return list(LedgerEntry.select().where(LedgerEntry.customer == customer_id).order_by(LedgerEntry.id.desc()))


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


def manual_change(
    customer_id: int, kind: str, *, balance_delta_cents: int = 0, points_delta: int = 0, reason: str = ""
) -> LedgerEntry:
    """A top-up or adjustment typed by a person (the archive's buttons): owner only and logged
    (by :func:`apply`). Sales and refunds go through shopcrm.sales.activity and stay open to clerks."""
    if kind not in OWNER_KINDS:
        raise ValueError(kind)
    if kind == "adjust" and not reason.strip():
        reason = "手动调整"
    return apply(
        customer_id,
        kind,
        balance_delta_cents=balance_delta_cents,
        points_delta=points_delta,
        reason=reason,
        allow_negative=False,
    )
