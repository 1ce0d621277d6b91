"""Money under many counters (issue #18): row locks, the day-close lock, and retrying a
transaction the server gave up on.

On SQLite every write transaction is IMMEDIATE: it holds the file's one write lock from its
start, so two counters never interleave and everything here costs nothing. On PostgreSQL
(READ COMMITTED: every statement sees what was committed when it started) two counters run at
once, and a value read and then written back (a balance, what is left of a purchase to refund)
must be read under a lock. The money transactions follow one lock order, so that they never
wait for each other in a circle:

1. the day lock, shared (:func:`day_shared`): every transaction that records money or a
   coupon / count-card use takes it first; the day's close (:func:`day_exclusive`) takes it alone,
   so a sale either commits before the close reads the day (and is in its totals) or starts after
   it (and sees the close, and is refused);
2. a complaint being moved (its resolution may refund: shopcrm.complaints);
3. the customer's row (:func:`lock_row` ``customer``; shopcrm.customers.ledger.apply locks it
   again, which costs nothing);
4. the customer's own rows that the transaction changes from what it read: the purchase being
   refunded, the top-up, the count card.

Counts that only go down and must not go below a floor (stock, a count card's uses, a coupon's
single use) are conditional updates (``WHERE stock > 0``) instead: the second counter's update
waits for the first and then finds nothing to change.

Should the server still abort a transaction (a deadlock some other path caused, or a
serialization failure of a stricter isolation level), :func:`retrying` runs the whole
transaction again, a few times: nothing of an aborted try is left, so a retry never half-applies.
On SQLite the same goes for a transaction that did not get the write lock within the busy
timeout (SQLITE_BUSY): the file's lock is not fair, and with many counters on a busy machine
one of them can lose the race for ten seconds (seen with eight counters on two loaded cores).
"""

from __future__ import annotations

import functools
import logging
import random
import re
import time
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from shopcrm.store.db import database, engine, for_update
from shopcrm.store.engine import APPLICATION_ID

log = logging.getLogger(__name__)

# PostgreSQL's two advisory-lock keys of the day close: ShopCRM's mark, then what is locked
DAY_LOCK = (APPLICATION_ID, 1)
# serialization_failure, deadlock_detected: the server rolled the transaction back, a retry may pass
RETRY_CODES = frozenset({"40001", "40P01"})
ATTEMPTS = 5

_NAME = re.compile(r"[a-z_]+")


def _pg() -> bool:
    return engine().name == "postgresql"


def lock_row(table: str, row_id: int) -> bool:
    """Lock one row of ``table`` (``FOR NO KEY UPDATE``) to the end of the caller's transaction
    before reading what it then changes; False when there is no such row. Nothing to lock on
    SQLite (the transaction holds the write lock)."""
    if not _NAME.fullmatch(table):
        raise ValueError(table)
    if not _pg():
        return True
    return database.execute_sql(f"SELECT id FROM {table} WHERE id = ?{for_update()}", (row_id,)).fetchone() is not None


def day_shared() -> None:
    """Take the day lock shared, to the end of the caller's transaction: a day close waits for
    this transaction, and this transaction waits for a close under way (step 1 of the order)."""
    if _pg():
        database.execute_sql("SELECT pg_advisory_xact_lock_shared(?, ?)", DAY_LOCK)


def day_exclusive() -> None:
    """Take the day lock alone (the day's close): every money transaction under way ends first,
    and every later one waits for the close to commit."""
    if _pg():
        database.execute_sql("SELECT pg_advisory_xact_lock(?, ?)", DAY_LOCK)


SQLITE_BUSY = 5  # the primary result code (extended codes keep it in their low byte)


def is_retryable(exc: BaseException) -> bool:
    """The server rolled the transaction back for a conflict with another (deadlock,
    serialization failure), or SQLite's write lock stayed taken past the busy timeout: the same
    transaction may pass when run again."""
    seen: set[int] = set()
    todo: list[object] = [exc]
    while todo:
        e = todo.pop()
        if e is None or id(e) in seen:
            continue
        seen.add(id(e))
        if getattr(e, "pgcode", None) in RETRY_CODES:
            return True
        code = getattr(e, "sqlite_errorcode", None)
        if isinstance(code, int) and code & 0xFF == SQLITE_BUSY:
            return True
        if isinstance(e, BaseException):  # peewee wraps the driver's error: its args and cause
            todo.extend([e.__cause__, e.__context__, *e.args[:1]])
    return False


P = ParamSpec("P")
R = TypeVar("R")


def retrying(fn: Callable[P, R]) -> Callable[P, R]:
    """Run ``fn`` (a function whose body is one transaction) again, up to ``ATTEMPTS`` times in
    all, when the server rolls its transaction back for a conflict (:func:`is_retryable`). Only
    the outermost call retries: inside a caller's transaction the error goes up to the caller,
    whose whole transaction is what can be run again."""

    @functools.wraps(fn)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        if database.in_transaction():
            return fn(*args, **kwargs)
        for attempt in range(1, ATTEMPTS + 1):
            try:
                return fn(*args, **kwargs)
            except Exception as exc:
                if attempt == ATTEMPTS or not is_retryable(exc):
                    raise
                log.warning("%s: transaction rolled back or not begun (%s), try %d", fn.__name__, exc, attempt + 1)
                time.sleep(random.uniform(0, 0.02 * attempt))  # the two counters try again apart
        raise AssertionError("unreachable")

    return run
