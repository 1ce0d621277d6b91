"""Stores (issue #18) on 100k customers / 1M purchases (SQLite):

    python tests/benchmarks/bench_stores.py

- migration 22 on an existing shop (every row into the default store): the step's time, beside
  the floor of one ``ALTER TABLE purchase ADD COLUMN … DEFAULT 1`` committed on the same file (the
  step must not rewrite the tables: ten such columns and a small index);
- the customer list scoped to one store (half the members) against the whole chain, first page by
  name, beside the floor of the raw first-page query;
- a store's day totals against the chain's, and each store's sales of a year (the analysis tab's
  figure, in a worker thread), beside the floor of a raw SUM over the same range.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import demo_db

RUNS = 15


def _median_ms(fn, runs: int = RUNS) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000


def _undo_step_22(path: Path) -> None:
    from shopcrm.store.migrations import m0022_stores as step

    con = sqlite3.connect(path)
    con.execute('DROP INDEX IF EXISTS "customer_home_store_id"')  # step 25's, on a column of step 22
    con.execute('DROP INDEX "day_close_day_operator_store_id"')
    for table in step.TABLES:
        con.execute(f'ALTER TABLE "{table}" DROP COLUMN "store_id"')
    con.execute('ALTER TABLE "customer" DROP COLUMN "home_store_id"')
    con.execute('DROP TABLE "store"')
    con.execute('CREATE UNIQUE INDEX "day_close_day_operator" ON "day_close" ("day", "operator")')
    con.commit()
    con.execute("VACUUM")
    con.close()


def main() -> None:
    import shopcrm.backup  # noqa: F401  (as the app: the store refuses to migrate without it)
    from shopcrm import customers, stores
    from shopcrm.core import clock
    from shopcrm.sales import counter
    from shopcrm.store import db as dbmod
    from shopcrm.store.db import close_database, database, open_database
    from shopcrm.store.migrations import m0022_stores as step

    path = demo_db()
    print(f"database: {path.name}")
    # --- the migration
    _undo_step_22(path)
    open_database(path)
    t0 = time.perf_counter()
    with database.atomic():
        dbmod.engine().migrate_step(database.obj, 22, step)
    migrate_ms = (time.perf_counter() - t0) * 1000
    close_database()
    con = sqlite3.connect(path)
    t0 = time.perf_counter()
    con.execute('ALTER TABLE "purchase" ADD COLUMN "floor_probe" INTEGER NOT NULL DEFAULT 1')
    con.commit()
    floor_ms = (time.perf_counter() - t0) * 1000
    con.execute('ALTER TABLE "purchase" DROP COLUMN "floor_probe"')
    con.commit()
    con.close()
    print(
        f"migration 22 (10 columns, 1 index, the store): {migrate_ms:8.1f} ms   floor (one ADD COLUMN): {floor_ms:6.1f} ms"
    )

    # --- a chain: half the members joined at a second store, the last day's sales there
    open_database(path)
    n = database.execute_sql("SELECT count(*) FROM customer").fetchone()[0]
    p = database.execute_sql("SELECT count(*) FROM purchase").fetchone()[0]
    print(f"{n} customers, {p} purchases")
    east = stores.add("east", "东门店")
    last = database.execute_sql("SELECT max(at) FROM purchase").fetchone()[0]
    day = dt.date.fromisoformat(str(last)[:10])
    clock.set_now(dt.datetime.combine(day, dt.time(12)))
    with database.atomic():
        database.execute_sql("UPDATE customer SET home_store_id = ? WHERE id % 2 = 0", (east.id,))
        database.execute_sql(
            "UPDATE purchase SET store_id = ? WHERE at >= ? AND id % 2 = 0", (east.id, day.isoformat())
        )
    scoped = customers.CustomerQuery(store_id=east.id)
    chain = customers.CustomerQuery()
    ms_scoped = _median_ms(lambda: customers.page(scoped, 0, 50))
    ms_chain = _median_ms(lambda: customers.page(chain, 0, 50))
    raw = "SELECT id, name FROM customer ORDER BY name_sort, id LIMIT 50"
    ms_floor = _median_ms(lambda: database.execute_sql(raw).fetchall())
    print(
        f"list, first page by name: one store {ms_scoped:6.1f} ms   chain {ms_chain:6.1f} ms   floor {ms_floor:6.1f} ms"
    )
    ms_count = _median_ms(lambda: customers.count(scoped), runs=5)
    print(f"list count of one store: {ms_count:6.1f} ms")

    ms_store_day = _median_ms(lambda: counter.day_totals(day, store_id=east.id))
    ms_chain_day = _median_ms(lambda: counter.day_totals(day))
    lo, hi = day.isoformat(), (day + dt.timedelta(days=1)).isoformat()
    floor_sql = "SELECT COALESCE(SUM(amount_cents), 0) FROM purchase WHERE at >= ? AND at < ?"
    ms_day_floor = _median_ms(lambda: database.execute_sql(floor_sql, (lo, hi)).fetchone())
    print(
        f"day totals: one store {ms_store_day:6.1f} ms   chain {ms_chain_day:6.1f} ms   floor (raw SUM of the day) {ms_day_floor:6.1f} ms"
    )
    start = day - dt.timedelta(days=365)
    ms_year = _median_ms(lambda: stores.sales(start, day), runs=3)
    lo = start.isoformat()
    ms_year_floor = _median_ms(
        lambda: database.execute_sql(
            "SELECT store_id, count(*), SUM(amount_cents) FROM purchase WHERE at >= ? AND at < ? GROUP BY store_id",
            (lo, hi),
        ).fetchall(),
        runs=3,
    )
    print(
        f"each store's sales of a year: {ms_year:8.1f} ms   floor (raw GROUP BY of the purchases) {ms_year_floor:8.1f} ms"
    )
    close_database()


if __name__ == "__main__":
    main()
