"""The 分析 tab's first paint on the cached demo database (100k customers, 1M purchases), painted
from the figures the regrade stored (issue #20) and, for comparison, counting them itself.

    python tests/benchmarks/bench_analysis.py [--customers N --purchases N]

The floor is a bare widget of the same size shown and grabbed in the same run.
"""

from __future__ import annotations

import argparse
import faulthandler
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from _common import demo_db, median_ms, report

from shopcrm.core import clock


def main() -> None:
    faulthandler.enable()
    ap = argparse.ArgumentParser()
    ap.add_argument("--customers", type=int, default=100_000)
    ap.add_argument("--purchases", type=int, default=1_000_000)
    a = ap.parse_args()
    path = demo_db(a.customers, a.purchases)
    from shopcrm import grading
    from shopcrm.store import settings as setting_store
    from shopcrm.store.db import open_database

    open_database(path)
    today = clock.today()
    t = time.perf_counter()
    grading.regrade(today=today)
    print(f"regrade (stores the figures): {(time.perf_counter() - t) * 1000:.0f} ms")
    report("store_figures (part of each regrade)", median_ms(lambda: grading.store_figures(today), 5, 1))
    report(
        "summary() + pareto(100), counted", median_ms(lambda: (grading.summary(today=today), grading.pareto(100)), 5, 1)
    )
    report("stored_figures(), read", median_ms(lambda: grading.stored_figures(today), 21, 2))

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
        w._wait_background()
        w.close()
        w.deleteLater()
        app.processEvents()
        return painted

    bare_ms = median_ms(bare, repeat=5, warmup=1)
    report("bare widget paint (floor)", bare_ms)
    first_paint()
    assert grading.figures_fresh(today)
    paints = [first_paint() for _ in range(5)]
    report("分析 tab first paint, stored figures", statistics.median(paints), bare_ms, target="<= 300 ms")
    counted = []
    for _ in range(5):
        setting_store.delete(grading.FIGURES_KEY)  # missing: counted in the paint (stored after)
        counted.append(first_paint())
    report("分析 tab first paint, figures counted", statistics.median(counted), bare_ms)


if __name__ == "__main__":
    main()
