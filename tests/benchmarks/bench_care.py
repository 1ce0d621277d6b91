"""Building the day's care list (今日待办) on the 100k-customer / 1M-purchase demo database.

    python tests/benchmarks/bench_care.py [--customers 1000000 --purchases 10000000]

Target: build_today <= 200 ms. The floor is the same SQL statements replayed with the raw sqlite3
module (fetchall, no Python items): what the list costs before any Python work. Each source reads
at most ``source_cap`` rows (ORDER BY its priority LIMIT cap) and counts the rest; the floor replays
those limited statements and the counts.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sqlite3
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.benchmarks._common import demo_db, median_ms, report


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--customers", type=int, default=100_000)
    ap.add_argument("--purchases", type=int, default=1_000_000)
    args = ap.parse_args()
    size = f"{args.customers:,} customers, {args.purchases:,} purchases"
    path = demo_db(args.customers, args.purchases)
    from shopcrm import care
    from shopcrm.store.db import database, open_database

    open_database(path)  # migrates the cached demo to the current schema (indexes of 0005)
    # a cached demo made while step 0005 was still growing may lack its later indexes
    from shopcrm.store.migrations import m0005_care

    have = {r[0] for r in database.execute_sql("SELECT name FROM sqlite_master WHERE type = 'index'")}
    for sql in m0005_care.STATEMENTS:
        if sql.startswith("CREATE INDEX") and sql.split('"')[1] not in have:
            print(f"(cached demo predates index {sql.split(chr(34))[1]}: created it in the copy)")
            database.execute_sql(sql)
            database.execute_sql("ANALYZE")
    last = database.execute_sql("SELECT max(at) FROM purchase").fetchone()[0]
    today = dt.date.fromisoformat(str(last)[:10])  # the demo's "today"
    s = care.load_settings()

    # record the statements of one build, to replay them raw as the floor
    statements: list[tuple[str, tuple]] = []
    real = database.execute_sql

    def recording(sql, params=None, *a, **kw):
        statements.append((sql, tuple(params or ())))
        return real(sql, params, *a, **kw)

    database.execute_sql = recording
    lst = care.build_today(today, s)
    database.execute_sql = real
    con = sqlite3.connect(path)
    con.execute("PRAGMA cache_size=-16000")

    def raw():
        for sql, params in statements:
            if sql.lstrip().upper().startswith("SELECT"):
                con.execute(sql, params).fetchall()

    floor = median_ms(raw, repeat=11)
    build = median_ms(lambda: care.build_today(today, s), repeat=11)
    kinds: dict[str, int] = {}
    for i in lst.items:
        kinds[i.kind] = kinds.get(i.kind, 0) + 1
    print(f"demo today {today}: {len(lst.items)} items ({lst.due_count} due or overdue) {kinds}")
    print(f"source_cap {s['source_cap']}; left unread per kind (还有 N 项): {lst.more}")
    report(f"build_today ({size})", build, floor, target="target <= 200 ms")
    report("visit_backlog exact count (not used by the tab)", median_ms(lambda: care.visit_backlog(today, s), repeat=5))
    report(
        "visit_backlog capped at 1000 (the tab's summary)",
        median_ms(lambda: care.visit_backlog(today, s, cap=1000), repeat=11),
    )

    # a festival greeting day: every consenting customer is on the list
    mid_autumn = next(f for f in care.festivals.BUILTIN if f.key == "mid_autumn")
    eve = mid_autumn.date_in(today.year) - dt.timedelta(days=2)
    fl = care.build_today(eve, s)
    statements.clear()
    database.execute_sql = recording
    care.build_today(eve, s)
    database.execute_sql = real
    report(
        f"build_today on {eve} ({len(fl.items)} items, 中秋 greetings, {fl.more} more)",
        median_ms(lambda: care.build_today(eve, s), repeat=5),
        median_ms(raw, repeat=5),
        target="target <= 200 ms",
    )
    report(
        "load_more(festival) on that day (one more screenful)",
        median_ms(lambda: care.load_more(fl, "festival", s), repeat=5),
    )
    first = fl.items[:50]
    report("draft 50 messages (one screen)", median_ms(lambda: [care.message(i, s) for i in first]))
    con.close()


if __name__ == "__main__":
    main()
