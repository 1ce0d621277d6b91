"""Many counters at once (issue #18): client processes with connections of their own selling,
topping up and refunding on the same customers, a day close racing their sales, and a client
killed (kill -9) while its sale holds the customer's row.

On PostgreSQL the counters really run at once (row locks, the day lock, shopcrm.store.locks);
on SQLite they take turns on the file's write lock, and the same checks hold.

``SHOPCRM_CONCURRENCY_SECONDS`` sets how long the clients run (default: 30 s on PostgreSQL, the
issue's figure; 10 s on SQLite, where the processes only take turns)."""

from __future__ import annotations

import collections
import datetime as dt
import logging
import multiprocessing
import os
import random
import signal
import time

import pytest

from shopcrm.core import clock
from shopcrm.core.errors import FieldError
from shopcrm.customers import CustomerInput, create, ledger
from shopcrm.sales import counter
from shopcrm.store.db import close_database, database, open_database
from shopcrm.store.models import Customer, Purchase
from shopcrm.trust import security

DAY = dt.date(2026, 11, 22)
CLIENTS = 8
CUSTOMERS = 50
OPENING = 20_000  # each customer's first top-up, cents
# what a counter may be told, and is counted: not enough on the card, more than is left of a
# purchase to refund, the day closed (after the close under way)
EXPECTED = ("v.balance_insufficient", "v.refund_too_much", "v.day_closed")


def _seconds(engine_name: str) -> float:
    default = 30.0 if engine_name == "postgresql" else 10.0
    return float(os.environ.get("SHOPCRM_CONCURRENCY_SECONDS", default))


def _scalar(sql: str, params: tuple = ()) -> int:
    return int(database.execute_sql(sql, params).fetchone()[0] or 0)


def _client(location: str, n: int, ids: list[int], seconds: float, close_after: float | None, start, results) -> None:
    """One counter: random sales (split card/cash), top-ups and refunds until ``seconds`` are up;
    what the database acknowledged is counted, refusals by their message key, anything else is
    an unexplained error. With ``close_after``, this counter closes the day then (the others
    keep trying: they are refused from then on)."""
    import shopcrm.backup  # noqa: F401  (as every process of the app does)

    clock.set_now(dt.datetime.combine(DAY, dt.time(12)))
    security.reset_session()
    rng = random.Random(n)
    acked: collections.Counter[str] = collections.Counter()
    refused: collections.Counter[str] = collections.Counter()
    unexplained: list[str] = []
    closed = None
    retried = _RetryCount()
    logging.getLogger("shopcrm.store.locks").addHandler(retried)
    open_database(location)
    try:
        start.wait(60)
        began = time.monotonic()
        while True:
            elapsed = time.monotonic() - began
            # the time is up once this counter has met the close (SQLite's write lock is not
            # fair: a close asked for near the end may get it only after the others stopped)
            if elapsed >= seconds and (closed or refused["v.day_closed"] or elapsed >= seconds + 120):
                break
            if close_after is not None and closed is None and elapsed >= close_after:
                closed = counter.close_day(DAY).as_json()
                continue
            cid = rng.choice(ids)
            op = rng.random()
            try:
                if op < 0.5:
                    amount = rng.randint(100, 30_000)
                    card = rng.choice([0, amount, rng.randint(0, amount)])
                    p = counter.sell(cid, amount, {"card": card, "cash": amount - card}, operator=f"c{n}")
                    acked["sales"] += 1
                    acked["entries"] += (card > 0) + (p.points_earned > 0)
                    acked["balance"] -= card
                elif op < 0.75:
                    t = counter.topup(cid, rng.randint(1, 500) * 100, "cash", operator=f"c{n}")
                    acked["topups"] += 1
                    acked["entries"] += 1 + (t.bonus_cents > 0)
                    acked["balance"] += t.principal_cents + t.bonus_cents
                else:
                    top = _scalar("SELECT COALESCE(MAX(id), 0) FROM purchase")
                    if not top:
                        continue
                    # any counter's purchase (ids may have gaps: a refused sale's id is not reused)
                    pid = _scalar("SELECT id FROM purchase WHERE id >= ? ORDER BY id LIMIT 1", (rng.randint(1, top),))
                    amount = None if rng.random() < 0.5 else rng.randint(1, 10_000)
                    r = counter.refund_purchase(pid, amount, operator=f"c{n}")
                    card_back = _scalar(
                        "SELECT COALESCE(SUM(amount_cents), 0) FROM refund_payment WHERE refund_id = ? AND method = 'card'",
                        (r.id,),
                    )
                    acked["refunds"] += 1
                    acked["entries"] += (card_back > 0) + (r.points_reversed > 0)
                    acked["balance"] += card_back
            except FieldError as exc:
                if exc.key in EXPECTED:
                    refused[exc.key] += 1
                else:
                    unexplained.append(f"{exc.key}: {exc}")
            except Exception as exc:  # noqa: BLE001  every other error is reported to the test
                unexplained.append(f"{type(exc).__name__}: {exc}")
    finally:
        close_database()
        acked["retried"] = retried.n
        results.put((n, dict(acked), dict(refused), unexplained[:20], closed))


class _RetryCount(logging.Handler):
    """Counts the transactions the server rolled back and shopcrm.store.locks.retrying ran again."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.n = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.n += 1


def _counts() -> dict[str, int]:
    return {t: _scalar(f"SELECT COUNT(*) FROM {t}") for t in ("purchase", "topup", "refund", "ledger_entry")} | {
        "balance": _scalar("SELECT COALESCE(SUM(balance_cents), 0) FROM customer")
    }


@pytest.mark.slow
def test_eight_counters_on_fifty_customers_lose_nothing(engine_name, db_location):
    seconds = _seconds(engine_name)
    clock.set_now(dt.datetime.combine(DAY, dt.time(12)))
    security.reset_session()
    open_database(db_location)
    try:
        ids = [create(CustomerInput(name=f"顾客{i}", mobile=f"1390000{i:04d}")).id for i in range(CUSTOMERS)]
        for cid in ids:
            counter.topup(cid, OPENING, "cash")
        before = _counts()
    finally:
        close_database()

    ctx = multiprocessing.get_context("spawn")
    start, results = ctx.Barrier(CLIENTS), ctx.Queue()
    procs = [
        ctx.Process(
            target=_client,
            args=(str(db_location), n, ids, seconds, seconds * 0.8 if n == 0 else None, start, results),
        )
        for n in range(CLIENTS)
    ]
    for p in procs:
        p.start()
    reports = [results.get(timeout=seconds + 300) for _ in procs]
    for p in procs:
        p.join(60)
        assert p.exitcode == 0

    acked: collections.Counter[str] = collections.Counter()
    refused: collections.Counter[str] = collections.Counter()
    by_client = {n: a for n, a, _r, _u, _c in reports}
    closed = None
    for _n, a, r, unexplained, close in reports:
        assert unexplained == [], unexplained
        acked.update(a)
        refused.update(r)
        closed = closed or close
    print(f"\n{engine_name}: {CLIENTS} clients x {seconds:g} s: acknowledged {dict(acked)}, refused {dict(refused)}")
    assert acked["sales"] > 0 and acked["topups"] > 0 and acked["refunds"] > 0
    # every other counter met the close (on SQLite the close may get the write lock only at the end)
    assert all(r.get("v.day_closed", 0) > 0 for n, _a, r, _u, _c in reports if n != 0)

    open_database(db_location)
    try:
        after = _counts()
        # nothing lost, nothing extra: every acknowledged change is a row, and only those are
        assert after["purchase"] - before["purchase"] == acked["sales"]
        assert after["topup"] - before["topup"] == acked["topups"]
        assert after["refund"] - before["refund"] == acked["refunds"]
        assert after["ledger_entry"] - before["ledger_entry"] == acked["entries"]
        assert after["balance"] - before["balance"] == acked["balance"]
        # and counter by counter (each records its rows under its operator's name)
        for what, table in (("sales", "purchase"), ("topups", "topup"), ("refunds", "refund")):
            rows = dict(database.execute_sql(f"SELECT operator, COUNT(*) FROM {table} GROUP BY operator").fetchall())
            assert {f"c{n}": a.get(what, 0) for n, a in by_client.items()} == {
                f"c{n}": rows.get(f"c{n}", 0) for n in by_client
            }
        # every balance is its ledger's sum, none below zero, no purchase refunded past its amount
        assert ledger.verify() == []
        assert Customer.select().where((Customer.balance_cents < 0) | (Customer.points < 0)).count() == 0
        assert Purchase.select().where(Purchase.amount_cents < 0).count() == 0
        # the close raced the sales: what it stored is what the day holds (no sale slipped in after)
        assert closed is not None
        assert counter.day_totals(DAY).as_json() == closed
        assert counter.stored_close(DAY).as_json() == closed
    finally:
        close_database()


# --- a counter killed in the middle of a sale ------------------------------------------------------


def _open_with_one_customer(location) -> int:
    """Open the test's database on DAY (the owner at the counter) with one customer whose card
    holds OPENING; returns the customer's id (the database stays open)."""
    clock.set_now(dt.datetime.combine(DAY, dt.time(12)))
    security.reset_session()
    open_database(location)
    cid = create(CustomerInput(name="顾客", mobile="13900000000")).id
    counter.topup(cid, OPENING, "cash")
    return cid


def _hold_a_sale(location: str, customer_id: int, pipe, idle_timeout: str = "") -> None:
    """Sell on the card inside a transaction that never commits: the customer's row stays
    locked until the process dies (or, with ``idle_timeout``, until the server ends a session
    that long idle in a transaction)."""
    import shopcrm.backup  # noqa: F401

    clock.set_now(dt.datetime.combine(DAY, dt.time(12)))
    open_database(location)
    if idle_timeout:
        database.execute_sql(f"SET idle_in_transaction_session_timeout = '{idle_timeout}'")
    with database.atomic():
        counter.sell(customer_id, 5_000, {"card": 5_000}, items="killed")
        pipe.send("holding")
        # "commit" ends the transaction; the kill tests kill the process here instead
        assert pipe.recv() == "commit"
    pipe.send("committed")
    close_database()


def _sell_after(location: str, customer_id: int, pipe) -> None:
    import shopcrm.backup  # noqa: F401

    clock.set_now(dt.datetime.combine(DAY, dt.time(12)))
    open_database(location)
    try:
        pipe.send("selling")
        p = counter.sell(customer_id, 3_000, {"card": 3_000}, items="after")
        pipe.send(("sold", p.id))
    except Exception as exc:  # noqa: BLE001  reported to the test
        pipe.send(("error", repr(exc)))
    finally:
        close_database()


@pytest.mark.slow
def test_a_counter_killed_mid_sale_leaves_nothing_and_the_next_one_proceeds(engine_name, db_location):
    cid = _open_with_one_customer(db_location)
    try:
        before = _counts()
    finally:
        close_database()

    ctx = multiprocessing.get_context("spawn")
    held, held_child = ctx.Pipe()
    killed = ctx.Process(target=_hold_a_sale, args=(str(db_location), cid, held_child))
    killed.start()
    assert held.poll(60) and held.recv() == "holding"
    waiting, waiting_child = ctx.Pipe()
    after = ctx.Process(target=_sell_after, args=(str(db_location), cid, waiting_child))
    after.start()
    assert waiting.poll(60) and waiting.recv() == "selling"
    assert not waiting.poll(1.0)  # it waits for the held row (or SQLite's write lock)
    os.kill(killed.pid, signal.SIGKILL)
    t0 = time.perf_counter()
    assert waiting.poll(30)
    freed = time.perf_counter() - t0
    outcome = waiting.recv()
    killed.join(10)
    after.join(30)
    print(f"\n{engine_name}: the waiting counter sold {freed * 1000:.0f} ms after the kill -9")
    assert killed.exitcode == -signal.SIGKILL and outcome[0] == "sold", outcome
    assert freed < 5  # the server noticed at once: the socket closed with the process

    open_database(db_location)
    try:
        now_counts = _counts()
        assert now_counts["purchase"] - before["purchase"] == 1
        assert Purchase.get_by_id(outcome[1]).items == "after"
        assert Purchase.select().where(Purchase.items == "killed").count() == 0
        # the sale's own entries (spend, points earned), no half of the killed one's
        assert now_counts["ledger_entry"] - before["ledger_entry"] == _scalar(
            "SELECT COUNT(*) FROM ledger_entry WHERE purchase_id = ?", (outcome[1],)
        )
        assert Customer.get_by_id(cid).balance_cents == OPENING - 3_000
        assert ledger.verify() == []
    finally:
        close_database()


# --- the day's close racing a sale ----------------------------------------------------------------


def test_a_close_waits_for_the_sale_under_way_and_the_next_sale_is_refused(engine_name, db_location):
    """A counter is in the middle of a sale (its transaction open) when another closes the day:
    the close waits for the sale and counts it; a sale after the close is refused."""
    import threading

    cid = _open_with_one_customer(db_location)
    try:
        ctx = multiprocessing.get_context("spawn")
        held, held_child = ctx.Pipe()
        seller = ctx.Process(target=_hold_a_sale, args=(str(db_location), cid, held_child))
        seller.start()
        assert held.poll(60) and held.recv() == "holding"
        closes: list = []
        closing = threading.Thread(target=lambda: (closes.append(counter.close_day(DAY)), database.close()))
        closing.start()
        closing.join(1.0)
        assert closing.is_alive()  # the close waits for the sale under way
        held.send("commit")
        assert held.poll(60) and held.recv() == "committed"
        closing.join(60)
        seller.join(30)
        assert seller.exitcode == 0 and len(closes) == 1
        assert closes[0].by_method["card"]["sales"] == 5_000  # the sale is in the close
        assert counter.day_totals(DAY).as_json() == closes[0].as_json()
        with pytest.raises(FieldError) as refused:
            counter.sell(cid, 1_000, {"card": 1_000})
        assert refused.value.key == "v.day_closed"
    finally:
        close_database()


# --- a deadlock the server breaks: the loser's whole transaction runs again ------------------------


def test_a_transaction_the_server_rolls_back_for_a_deadlock_runs_again_whole(pg_url):
    """Two counters top up the same two customers in opposite order inside one transaction each
    (an order no ShopCRM path uses: a deliberate deadlock). PostgreSQL rolls one back;
    shopcrm.store.locks.retrying runs it again from the start, so both complete and nothing of
    the aborted try is left. (PostgreSQL only: on SQLite the second transaction waits for the
    first to end, and no deadlock can happen.)"""
    import threading

    from shopcrm.store import locks

    clock.set_now(dt.datetime.combine(DAY, dt.time(12)))
    security.reset_session()
    open_database(pg_url)
    try:
        a, b = (create(CustomerInput(name=f"顾客{i}", mobile=f"1390000000{i}")).id for i in range(2))
        both_hold_one = threading.Barrier(2, timeout=30)
        tries: list[str] = []

        @locks.retrying
        def two_topups(name: str, first: int, second: int) -> None:
            tries.append(name)
            with database.atomic():
                counter.topup(first, 1_000, "cash", operator=name)
                if tries.count(name) == 1:
                    both_hold_one.wait()  # the first try: each holds one row and asks for the other's
                counter.topup(second, 1_000, "cash", operator=name)

        errors: list[BaseException] = []

        def run(*args) -> None:
            try:
                two_topups(*args)
            except BaseException as exc:  # noqa: BLE001  reported below
                errors.append(exc)
            finally:
                database.close()

        threads = [threading.Thread(target=run, args=args) for args in (("c1", a, b), ("c2", b, a))]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert errors == []
        assert sorted(tries) in (["c1", "c1", "c2"], ["c1", "c2", "c2"])  # one ran twice
        assert [Customer.get_by_id(c).balance_cents for c in (a, b)] == [2_000, 2_000]
        assert _scalar("SELECT COUNT(*) FROM topup") == 4 and ledger.verify() == []
    finally:
        close_database()


def test_a_counter_that_waited_past_the_busy_timeout_tries_its_sale_again(db_path):
    """SQLite's write lock is not fair: a counter can wait past the busy timeout while others
    write (seen with eight counters on two loaded cores). The sale is then run again whole
    (shopcrm.store.locks.retrying), as after a deadlock on PostgreSQL, instead of telling the
    clerk "database is locked"."""
    import sqlite3

    from shopcrm.store import locks

    clock.set_now(dt.datetime.combine(DAY, dt.time(12)))
    security.reset_session()
    open_database(db_path)
    other = sqlite3.connect(db_path, isolation_level=None)
    try:
        cid = create(CustomerInput(name="顾客", mobile="13900000001")).id
        database.execute_sql("PRAGMA busy_timeout = 0")  # no waiting: busy at once
        other.execute("BEGIN IMMEDIATE")  # another counter holds the write lock
        tries: list[int] = []

        @locks.retrying
        def sale():
            tries.append(len(tries) + 1)
            if len(tries) == 2:
                other.execute("ROLLBACK")  # the other counter is done by the second try
            return counter.sell(cid, 1_000, {"cash": 1_000})

        p = sale()
        assert tries == [1, 2]
        assert Purchase.get_by_id(p.id).amount_cents == 1_000
        assert _scalar("SELECT COUNT(*) FROM purchase") == 1
    finally:
        other.close()
        close_database()


def test_a_frozen_counter_holding_a_row_is_cut_off_by_the_server(pg_url):
    """A counter whose PC freezes inside a sale (SIGSTOP: its socket stays open, nothing is
    sent) would hold the customer's row until TCP gave up on it; the server ends a session idle
    in a transaction (ShopCRM sets 60 s on every connection; this frozen counter 2 s, to keep
    the test short) and the next counter proceeds, the frozen one's sale rolled back."""
    from shopcrm.store.engine import IDLE_IN_TRANSACTION_SECONDS

    cid = _open_with_one_customer(pg_url)
    try:
        timeout = database.execute_sql("SHOW idle_in_transaction_session_timeout").fetchone()[0]
        assert timeout == f"{IDLE_IN_TRANSACTION_SECONDS // 60}min"
    finally:
        close_database()

    ctx = multiprocessing.get_context("spawn")
    held, held_child = ctx.Pipe()
    frozen = ctx.Process(target=_hold_a_sale, args=(pg_url, cid, held_child, "2s"))
    frozen.start()
    assert held.poll(60) and held.recv() == "holding"
    os.kill(frozen.pid, signal.SIGSTOP)
    try:
        waiting, waiting_child = ctx.Pipe()
        after = ctx.Process(target=_sell_after, args=(pg_url, cid, waiting_child))
        after.start()
        assert waiting.poll(60) and waiting.recv() == "selling"
        t0 = time.perf_counter()
        assert waiting.poll(30)
        freed = time.perf_counter() - t0
        outcome = waiting.recv()
        after.join(30)
    finally:
        os.kill(frozen.pid, signal.SIGKILL)
        frozen.join(10)
    print(f"\nthe waiting counter sold {freed * 1000:.0f} ms after it began to wait on the frozen one")
    assert outcome[0] == "sold", outcome
    open_database(pg_url)
    try:
        assert Purchase.select().where(Purchase.items == "killed").count() == 0
        assert Customer.get_by_id(cid).balance_cents == OPENING - 3_000 and ledger.verify() == []
    finally:
        close_database()
