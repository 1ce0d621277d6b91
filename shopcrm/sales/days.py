"""Closed days (日结): nothing dated in a closed day is written afterwards.

A day closed as a whole (``operator`` empty) is closed for everyone; an operator's shift close
closes that day for that operator only: the other operators keep recording (their entries are
not frozen by it), and a refund of the closed operator's sale by another operator is theirs. A later correction is dated when it is made, so it shows up in
the next open day (shopcrm.sales.counter.close_day)."""

from __future__ import annotations

import datetime as dt

from shopcrm.core.errors import FieldError
from shopcrm.core.texts import register
from shopcrm.store import locks, stores
from shopcrm.store.db import database

register(
    {
        "v.day_closed": (
            "{day} 已日结，不能再记录或更改当天的收款；更正请记在下一个未日结的日子",
            "{day} is closed: nothing dated that day can be recorded or changed; record a correction on the next open day",
        ),
    }
)


def is_closed(day: dt.date, operator: str = "", store_id: int | None = None) -> bool:
    """Whether ``day`` is closed for ``operator`` in ``store_id`` (default: this counter's store;
    each store closes its own day)."""
    store = store_id if store_id is not None else stores.counter_store_id()
    row = database.execute_sql(
        "SELECT 1 FROM day_close WHERE day = ? AND operator IN ('', ?) AND store_id = ? LIMIT 1",
        (day.isoformat(), operator, store),
    ).fetchone()
    return row is not None


def ensure_open(at: dt.datetime, operator: str = "") -> None:
    """Raise FieldError (field ``at``) when the day of ``at`` is closed (for this operator, in this
    counter's store). Call it first in a money transaction: it takes the day lock (shared) before
    it reads, so that a close under way on another counter is waited for and then seen
    (shopcrm.store.locks)."""
    locks.day_shared()
    if is_closed(at.date(), operator):
        raise FieldError("at", "v.day_closed", day=at.date().isoformat())
