"""The daily regrade on PostgreSQL beside SQLite, on the same demo data (issue #18).

    python tests/benchmarks/bench_grading_pg.py [--customers 10000] [--purchases 100000] [--days 7]

The demo is generated on SQLite (cached, tests/benchmarks/_common.demo_db) and copied into a
PostgreSQL database on a throw-away local server (tests/pg_server.py, fsync off as in the tests).
On each engine, measured in the same run: the floor (the raw per-customer GROUP BY over the
period's purchases), the first grading (every row written), the daily regrade a day later (the
incremental path), the same day again, and the full computation it falls back to; and 今日待办.
On PostgreSQL the tables are vacuumed and analyzed between the days (outside the timings), as its
autovacuum does in a day. Each engine's
results are snapshotted day by day and must be equal (grades, scores, stages, figures).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from _common import demo_db, median_ms, once_ms, report, ungrade

import shopcrm.backup  # noqa: F401  (the pre-migration backup hook, as the app has it)
from shopcrm.core import clock

SNAPSHOT = (
    "SELECT id, grade, period_spend_cents, period_purchases, rfm_r, rfm_f, rfm_m, value_type, lifecycle, "
    "lifecycle_at, at_risk_on, level_id FROM customer ORDER BY id"
)


def run(location, label: str, days: int) -> list:
    from shopcrm import care, grading
    from shopcrm.store import sqlfn
    from shopcrm.store.db import close_database, database, engine, indexed_by, open_database

    def vacuum() -> None:
        """What the server's autovacuum has done by the next day (PostgreSQL; SQLite: nothing)."""
        if engine().name == "postgresql":
            database.execute_sql("VACUUM ANALYZE")

    open_database(location)
    print(f"\n--- {label}")
    today = clock.today()
    start, end = grading.Period.last_months(12, today).bounds()
    floor_sql = (
        f"SELECT customer_id, SUM(amount_cents), COUNT(*) FROM purchase "
        f"{indexed_by('purchase_customer_id_at_amount')} WHERE at >= ? AND at < ? GROUP BY customer_id"
    )

    def floor_fn():
        return database.execute_sql(floor_sql, (start, end)).fetchall()

    floor = median_ms(floor_fn, repeat=7, warmup=1)
    report("floor: GROUP BY the period's purchases", floor)

    firsts = []
    for _ in range(3):
        ungrade(database)
        firsts.append(once_ms(lambda: grading.regrade(today=today)))
    report("first grading (every row written)", statistics.median(firsts), floor)
    vacuum()
    snapshots = [database.execute_sql(SNAPSHOT).fetchall()]
    daily, same, full, floors, results = [], [], [], [], []
    for k in range(1, days + 1):
        day = today + dt.timedelta(days=k)
        vacuum()
        floors.append(once_ms(floor_fn))
        with database.atomic() as txn:  # the fallback on the same day, rolled back
            database.execute_sql(
                "INSERT OR IGNORE INTO setting (key, value) VALUES (?, 'true')", (grading.PURCHASES_CHANGED_KEY,)
            )
            full.append(once_ms(lambda day=day: grading.regrade(today=day)))
            txn.rollback()
        daily.append(once_ms(lambda day=day: results.append(grading.regrade(today=day))))
        same.append(once_ms(lambda day=day: grading.regrade(today=day)))
        snapshots.append(database.execute_sql(SNAPSHOT).fetchall())
    assert all(r.incremental and r.visited is not None for r in results)
    floor2 = statistics.median(floors)
    report("floor, interleaved with the regrades", floor2)
    report("daily regrade (a day later)", statistics.median(daily), floor2, target="<= 2x floor")
    print(
        f"{'':48s} changed per day: {statistics.median(r.changed for r in results):.0f}, "
        f"recomputed: {statistics.median(r.visited for r in results):.0f}"
    )
    report("regrade again, nothing changed", statistics.median(same), floor2)
    report("daily regrade, full computation (fallback)", statistics.median(full), floor2)
    report("今日待办 (care.build_today)", median_ms(lambda: care.build_today(today), repeat=7, warmup=1))
    grades = [r.grades for r in results]
    normal = [[tuple(sqlfn.as_text(v) if isinstance(v, (dt.date, dt.datetime)) else v for v in row) for row in s]
              for s in snapshots]  # fmt: skip
    close_database()
    return [grades, normal]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--customers", type=int, default=10_000)
    ap.add_argument("--purchases", type=int, default=100_000)
    ap.add_argument("--days", type=int, default=7)
    args = ap.parse_args()
    path = demo_db(args.customers, args.purchases)
    # one fixed time on both engines: a stage that begins "now" is stamped alike
    clock.set_now(dt.datetime.combine(clock.today(), dt.time(12)))
    from pg_copy import copy_sqlite_to_pg
    from pg_server import PgServer

    from shopcrm.store.db import close_database, open_database

    server = PgServer().start()
    try:
        url = server.new_database()
        open_database(url)  # the current schema
        close_database()
        t = time.perf_counter()
        copied = copy_sqlite_to_pg(path, url)
        print(
            f"{args.customers} customers / {args.purchases} purchases: copied to PostgreSQL "
            f"({sum(copied.values())} rows) in {time.perf_counter() - t:.1f} s"
        )
        lite = run(path, "SQLite", args.days)
        pg = run(url, "PostgreSQL", args.days)
        print()
        print("grade counts per day equal:", lite[0] == pg[0])
        print("customer results per day equal:", lite[1] == pg[1])
        if lite[1] != pg[1]:
            for d, (a, b) in enumerate(zip(lite[1], pg[1], strict=True)):
                diff = [(x, y) for x, y in zip(a, b, strict=True) if x != y]
                if diff:
                    print(f"  day {d}: {len(diff)} customers differ, e.g. {diff[:3]}")
    finally:
        server.stop()


if __name__ == "__main__":
    main()
