"""Grading benchmark on the cached demo database (100k customers, 1M purchases; or 1M / 10M).

    python tests/benchmarks/bench_grading.py [--customers 1000000 --purchases 10000000]

Targets (issue #5): regrading <= 2x the floor of one raw SQL GROUP BY over the same purchases,
measured in the same run; the 分析 tab's first paint <= 300 ms.

The floor is the fastest of the raw per-customer GROUP BYs (the period's purchases with the
planner's choice and with the covering index, and all purchases over the (customer_id, amount)
index), so the ratio is against the best SQLite can do for the aggregate alone.

The daily regrade is incremental (shopcrm.grading._period_sums / _candidates); the full
computation it falls back to (first grading, changed settings, a deleted purchase) is timed on
the same days for comparison. Each time includes the commit (and the WAL auto-checkpoint it
triggers).
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from _common import demo_db, median_ms, once_ms, report, ungrade

from shopcrm.core import clock


def main() -> None:
    import argparse

    ap = argparse.ArgumentParser()
    ap.add_argument("--customers", type=int, default=100_000)
    ap.add_argument("--purchases", type=int, default=1_000_000)
    args = ap.parse_args()
    path = demo_db(args.customers, args.purchases)
    from shopcrm.store.db import database, open_database

    t = time.perf_counter()
    open_database(path)
    print(f"open + migrate the copy: {time.perf_counter() - t:.1f} s ({path.name})")
    # a cached database migrated by an early draft of step 4 may lack some of its indexes
    from shopcrm.store.migrations import m0004_grading

    for stmt in m0004_grading.STATEMENTS:
        if stmt.startswith("CREATE INDEX"):
            database.execute_sql(stmt.replace("CREATE INDEX", "CREATE INDEX IF NOT EXISTS"))
    database.execute_sql("ANALYZE")
    from shopcrm import grading

    today = clock.today()
    start, end = grading.Period.last_months(12, today).bounds()
    sql = "SELECT customer_id, SUM(amount_cents), COUNT(*) FROM purchase {hint} {where} GROUP BY customer_id"
    where = "WHERE at >= ? AND at < ?"
    floors = {
        "GROUP BY period (planner's index)": lambda: database.execute_sql(
            sql.format(hint="", where=where), (start, end)
        ).fetchall(),
        "GROUP BY period (covering index)": lambda: database.execute_sql(
            sql.format(hint="INDEXED BY purchase_customer_id_at_amount", where=where), (start, end)
        ).fetchall(),
        "GROUP BY all purchases (customer, amount)": lambda: database.execute_sql(
            sql.format(hint="INDEXED BY purchase_customer_id_amount_cents", where=""), ()
        ).fetchall(),
    }
    floor_values = {}
    for label, fn in floors.items():
        floor_values[label] = median_ms(fn, repeat=7, warmup=1)
        report(label, floor_values[label])
    floor = min(floor_values.values())
    print(f"floor = {floor:.1f} ms ({min(floor_values, key=floor_values.get)})\n")

    # 1. the first grading of a database: every customer's row is written
    firsts = []
    for _ in range(3):
        ungrade(database)
        firsts.append(once_ms(lambda: grading.regrade(today=today)))
    report(f"first grading ({args.customers:,} rows written)", statistics.median(firsts), floor, target="one-off")

    # 2. the daily regrade the app runs in the background: one day later each time. The floor is
    #    measured between the runs (the machine's load changes during a run)
    best_floor = floors[min(floor_values, key=floor_values.get)]
    daily, same, full, floor_again, results = [], [], [], [], []

    def full_daily(day: dt.date) -> None:
        # what the fallback costs on the same day: a purchase deleted since the last run makes
        # the regrade sum every purchase and recompute every customer (timed, then rolled back)
        with database.atomic() as txn:
            database.execute_sql(
                "INSERT OR IGNORE INTO setting (key, value) VALUES (?, 'true')", (grading.PURCHASES_CHANGED_KEY,)
            )
            full.append(once_ms(lambda: grading.regrade(today=day)))
            txn.rollback()

    for k in range(1, 10):
        day = today + dt.timedelta(days=k)
        floor_again.append(once_ms(best_floor))
        full_daily(day)
        daily.append(once_ms(lambda day=day: results.append(grading.regrade(today=day))))
        same.append(once_ms(lambda day=day: grading.regrade(today=day)))
    assert all(r.incremental and r.visited is not None for r in results)
    floor2 = statistics.median(floor_again)
    report("floor, interleaved with the regrades", floor2)
    report("daily regrade (a day later)", statistics.median(daily), floor2, target="<= 2x floor")
    print(
        f"{'':48s} customers changed per day: {statistics.median(r.changed for r in results):.0f}, "
        f"recomputed: {statistics.median(r.visited for r in results):.0f}"
    )
    print(
        f"{'':48s} each run / its floor: " + " ".join(f"{d / f:.2f}" for d, f in zip(daily, floor_again, strict=True))
    )
    report("regrade again, nothing changed", statistics.median(same), floor2, target="<= 2x floor")
    report("daily regrade, full computation (fallback)", statistics.median(full), floor2)

    # 3. a new period: most customers' period figures change
    def period_switch() -> None:
        grading.update_settings(period_months=6 if grading.settings()["period_months"] == 12 else 12)
        grading.regrade(today=today)

    report("regrade after a period change", median_ms(period_switch, repeat=3, warmup=0), floor)
    grading.update_settings(period_months=12)
    grading.regrade(today=today)

    # the tab's figures
    print()
    report("summary() (counts by grade/type/stage/level)", median_ms(lambda: grading.summary(today=today), 7, 1))
    report("pareto(100)", median_ms(lambda: grading.pareto(100), 7, 1))
    report("upgrade_potential(200)", median_ms(lambda: grading.upgrade_potential(200), 7, 1))
    report("dormant(limit=2000)", median_ms(lambda: grading.dormant(limit=2000, today=today), 7, 1))

    # first paint of the tab
    from PySide6.QtWidgets import QApplication, QLabel

    app = QApplication.instance() or QApplication([])
    from shopcrm.ui.analysis.analysis_tab import AnalysisTab

    def bare() -> None:
        w = QLabel("分析")
        w.resize(1400, 900)
        w.show()
        app.processEvents()
        w.grab()
        w.close()
        w.deleteLater()

    def first_paint() -> float:
        t = time.perf_counter()
        w = AnalysisTab(None, today=today)
        w.resize(1400, 900)
        w.show()
        app.processEvents()
        w.grab()  # forces a full paint of chart and tables
        painted = (time.perf_counter() - t) * 1000
        # the complaint figures follow from a worker thread (not part of the first paint)
        t = time.perf_counter()
        if "complaints" in w._jobs:
            _wait_signal(app, w, "complaints_shown")
        later.append((time.perf_counter() - t) * 1000)
        w._wait_background()
        w.close()
        w.deleteLater()
        app.processEvents()
        return painted

    def _wait_signal(app, w, name) -> None:
        from PySide6.QtCore import QEventLoop, QTimer

        loop = QEventLoop()
        getattr(w, name).connect(loop.quit)
        QTimer.singleShot(30_000, loop.quit)
        loop.exec()

    bare_ms = median_ms(bare, repeat=5, warmup=1)
    report("bare widget paint (floor)", bare_ms)
    later: list[float] = []
    first_paint()
    paints = [first_paint() for _ in range(5)]
    report("分析 tab first paint", statistics.median(paints), bare_ms, target="<= 300 ms")
    report("complaint figures arrive (after the paint)", statistics.median(later[1:]))
    database.close()
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)


if __name__ == "__main__":
    main()
