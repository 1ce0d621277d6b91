"""The customer list scoped to one store (issue #18) and a store's 今日待办 (SQLite):

    python -m shopcrm demo --db D.db --customers 100000 --purchases 1000000   # then copy it
    python tests/benchmarks/bench_store_scope.py --db COPY.db

Run it on the code and schema before migration 25 (no index on ``customer.home_store_id``; e.g.
the previous commit's tree on PYTHONPATH, on a copy of a version-23 database) and after it.

``--db`` takes a copy of a demo database (it is changed: stores are added, members moved; the
shared demo cache of _common.demo_db is not used: it drops a master of another schema version).
A chain of three stores: the main store, a large one (40 % of the members) and a new one (0.5 %). For each: the count of the store's members and
the first page in name order and in total-spend order (the keyset page the list shows), each
median of several runs, beside the floor of the whole chain's first page by name; and the
store's 今日待办 (care.build_today).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import median_ms

INDEX = "customer_home_store_id"


def _median_ms(fn, runs: int) -> float:
    return median_ms(fn, repeat=runs, warmup=1)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", type=Path, required=True, help="a COPY of a demo database (it is changed)")
    ap.add_argument("--runs", type=int, default=9)
    args = ap.parse_args()
    import shopcrm.backup  # noqa: F401  (as the app: the store refuses to migrate without it)
    from shopcrm import care, customers, stores
    from shopcrm.core import clock
    from shopcrm.store.db import close_database, database, open_database

    path = args.db
    print(f"database: {path}")
    open_database(path)
    n = database.execute_sql("SELECT count(*) FROM customer").fetchone()[0]
    print(f"{n} customers; planner statistics: ", end="")
    stat = database.execute_sql("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'").fetchone()[0]
    stat = stat and database.execute_sql("SELECT count(*) FROM sqlite_stat1").fetchone()[0]
    print("yes" if stat else "none")
    if len(stores.all_stores()) < 3:
        big, new = stores.add("big", "大店").id, stores.add("new", "新店").id
        with database.atomic():
            database.execute_sql("UPDATE customer SET home_store_id = ? WHERE id % 10 < 4", (big,))
            database.execute_sql("UPDATE customer SET home_store_id = ? WHERE id % 1000 < 5", (new,))
    else:
        big, new = stores.resolve("big"), stores.resolve("new")
    scopes = {"whole chain": None, "main (60%)": 1, "big (40%)": big, "new (0.5%)": new}
    has_index = database.execute_sql(
        "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = ?", (INDEX,)
    ).fetchone()[0]
    print(
        f"index {INDEX}: {'yes' if has_index else 'no'} (schema version {database.execute_sql('PRAGMA user_version').fetchone()[0]})"
    )
    floor_sql = "SELECT id, name FROM customer ORDER BY name_sort, id LIMIT 50"
    floor = _median_ms(lambda: database.execute_sql(floor_sql).fetchall(), args.runs)
    last = database.execute_sql("SELECT max(at) FROM purchase").fetchone()[0]
    day = dt.date.fromisoformat(str(last)[:10])
    clock.set_now(dt.datetime.combine(day, dt.time(12)))
    print(f"floor: the whole chain's first page by name (raw) {floor:7.2f} ms")
    print(f"{'store':<12} {'count':>9} {'page/name':>10} {'page/spend':>11} {'today':>9}   (ms, medians)")
    for name, store_id in scopes.items():
        by_name = customers.CustomerQuery(store_id=store_id)
        by_spend = customers.CustomerQuery(store_id=store_id, sort="total_spend", descending=True)
        # the list counts at most 2,000 first (KeysetPagedModel.COUNT_CAP) and pages with that
        hits = customers.count_at_most(by_name, 2_000)
        c = _median_ms(lambda q=by_name: customers.count(q), max(3, args.runs // 3))
        pn = _median_ms(lambda q=by_name, h=hits: customers.seek(q, None, 50, hits=h), args.runs)
        ps = _median_ms(lambda q=by_spend, h=hits: customers.seek(q, None, 50, hits=h), args.runs)
        today = _median_ms(lambda s=store_id: care.build_today(day, store_id=s), 3)
        print(f"{name:<12} {c:9.2f} {pn:10.2f} {ps:11.2f} {today:9.1f}")
    close_database()


if __name__ == "__main__":
    main()
