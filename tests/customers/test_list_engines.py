"""What the paged list asks of the store, on both engines (issue #18): a version that moves with
every commit of another connection and stays put otherwise, a long read that stops when asked,
and the same order (NULLs included) and dates on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
import time

import pytest

from shopcrm import customers as C
from shopcrm.core.errors import Cancelled
from shopcrm.store.db import database, interruptible

# long enough on either engine (about a minute) that only a cancel ends it within the test
LONG_READ = "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 300000000) SELECT count(*) FROM r"


def _in_another_thread(fn) -> None:
    """``fn`` on a connection of its own (peewee's connections are per thread), closed after."""
    failed: list[BaseException] = []

    def run() -> None:
        try:
            fn()
        except BaseException as exc:  # noqa: BLE001 - handed to the test thread
            failed.append(exc)
        finally:
            database.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(60)
    assert not failed, failed


def test_list_version_moves_with_another_connections_commit_only(db):
    C.create(C.CustomerInput(name="张三", mobile="13800000001"))
    before = C.list_version()
    assert C.list_version() == before  # reading changes nothing
    _in_another_thread(lambda: C.count(C.CustomerQuery()))
    assert C.list_version() == before  # nor does another connection's read
    _in_another_thread(lambda: C.create(C.CustomerInput(name="李四", mobile="13800000002")))
    after = C.list_version()
    assert after != before
    C.create(C.CustomerInput(name="王五", mobile="13800000003"))  # this connection's own commit
    assert C.list_version() != after


def test_a_long_read_stops_when_asked(db):
    stop = threading.Event()
    threading.Timer(0.2, stop.set).start()
    began = time.monotonic()
    with pytest.raises(Cancelled), interruptible(lambda: not stop.is_set()):
        database.execute_sql(LONG_READ).fetchone()
    assert time.monotonic() - began < 10
    # the connection works on afterwards
    assert database.execute_sql("SELECT count(*) FROM customer").fetchone()[0] == 0


def test_null_sort_keys_and_dates_read_the_same_on_both_engines(db):
    import datetime as dt

    from shopcrm.core import clock

    clock.set_now(dt.datetime(2026, 11, 22, 10, 0))
    a = C.create(C.CustomerInput(name="甲", mobile="13800000001", card_no="V2", birthday="1990-05-06")).id
    b = C.create(C.CustomerInput(name="乙", mobile="13800000002")).id
    c = C.create(C.CustomerInput(name="丙", mobile="13800000003", card_no="V1")).id
    for descending, want in ((False, [b, c, a]), (True, [a, c, b])):  # no card: first ascending, last descending
        q = C.CustomerQuery(sort="card_no", descending=descending)
        assert [r.id for r in C.page(q, 0, 10)] == want
        assert list(C.iter_ids(q)) == want
        assert [r.id for r in C.seek(q, None, 10)] == want
        assert C.sample_cursors(q, 2) == (3, [(None, b), ("V2", a)] if descending is False else [("V2", a), (None, b)])
    row = next(r for r in C.page(C.CustomerQuery(), 0, 10) if r.id == a)
    assert row.birthday == "1990-05-06" and row.birthday_text == "1990-05-06"
