"""Segment counts and campaign creation (issue #15) on the 100k-customer / 1M-purchase demo.

    python tests/benchmarks/bench_segments.py

Target: each <= 200 ms. Floors, measured in the same run with the raw sqlite3 module: for a count,
a bare ``SELECT count(*)`` with the same WHERE (the SQL the segment compiles to); for a campaign,
the same candidate SELECT plus an ``executemany`` of the same member rows in one transaction.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.benchmarks._common import demo_db, median_ms, report


def main() -> None:
    path = demo_db()
    from peewee import SQL

    from shopcrm import grading, segments as S
    from shopcrm.campaigns import campaign as K
    from shopcrm.core import clock
    from shopcrm.store.db import database, open_database

    open_database(path)
    last = database.execute_sql("SELECT max(at) FROM purchase").fetchone()[0]
    today = dt.date.fromisoformat(str(last)[:10])  # the demo's "today"
    clock.set_now(dt.datetime.combine(today, dt.time(9)))
    if database.execute_sql("SELECT count(*) FROM customer WHERE grade IS NOT NULL").fetchone()[0] == 0:
        grading.regrade(today=today)
        database.execute_sql("ANALYZE")
    tag = database.execute_sql("SELECT name FROM tag ORDER BY id LIMIT 1").fetchone()
    level = database.execute_sql("SELECT name FROM level ORDER BY rank DESC LIMIT 1").fetchone()[0]
    con = sqlite3.connect(path)
    con.execute("PRAGMA cache_size=-16000")

    cases = [
        ("grade A", S.SegmentFilter(grades=["A"])),
        ("grade A, consent, dormant 60 days", S.SegmentFilter(grades=["A"], consent="yes", dormant_days=60)),
        ("birthday in September", S.SegmentFilter(birth_months=[9])),
        (f"level {level}, spend >= 1000", S.SegmentFilter(levels=[level], min_spend_cents=1000_00)),
        ("every customer", S.SegmentFilter()),
    ]
    if tag:
        cases.append((f"tag {tag[0]}, bought within 90 days", S.SegmentFilter(tags=[tag[0]], bought_within_days=90)))
    cases.append(("favourite products contain 茶 (a scan)", S.SegmentFilter(products=["茶"])))
    from peewee import fn

    from shopcrm.store.models import Customer

    def plain(params):
        return [p.strftime("%Y-%m-%d %H:%M:%S") if isinstance(p, dt.datetime) else p for p in params]

    for label, f in cases:
        # the floor: the segment's own WHERE in a bare COUNT(*), through sqlite3
        sql, params = Customer.select(fn.COUNT(SQL("*"))).where(S.expression(f, today)).sql()
        params = plain(params)
        n = S.count(f, today)
        assert con.execute(sql, params).fetchone()[0] == n
        floor = median_ms(lambda sql=sql, params=params: con.execute(sql, params).fetchone())
        value = median_ms(lambda f=f: S.count(f, today))
        report(f"segment count: {label} ({n:,})", value, floor, target="target <= 200 ms")

    for label, f, days in (
        ("campaign: grade A, consent, dormant 60 days", S.SegmentFilter(grades=["A"], dormant_days=60), 21),
        ("campaign: grade A (all of them, 30 days)", S.SegmentFilter(grades=["A"]), 30),
    ):
        n = S.count(S.SegmentFilter(**{**f.__dict__, "consent": "yes"}), today)
        cap = max(1, -(-n // days))
        inp = K.CampaignInput(
            name="bench", filter=f, purpose="promotion", start_on=today, days=days, daily_cap=cap, holdout_pct=10
        )
        q = S.id_query(f, today, marketing=True)
        sql, params = q.sql()
        params = plain(params)

        def raw(sql=sql, params=params):
            ids = [r[0] for r in con.execute(sql, params)]
            with con:
                con.execute("CREATE TEMP TABLE IF NOT EXISTS m (a, b, c, d)")
                con.executemany("INSERT INTO m VALUES (?, ?, ?, ?)", [(0, i, 0, "2026-01-01") for i in ids])
                con.execute("DELETE FROM m")

        floor = median_ms(raw, repeat=7)
        value = median_ms(lambda inp=inp: K.create(inp, today), repeat=7)
        report(f"{label} ({n:,} members)", value, floor, target="target <= 200 ms")
    con.close()


if __name__ == "__main__":
    main()
