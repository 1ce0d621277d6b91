"""The double-click package: build time and size, and the time from double-click to the main
window, for the built executable and for the source tree, beside a bare PySide6 window (floor).

    python tests/benchmarks/bench_dist.py            # builds into a temporary folder first
    python tests/benchmarks/bench_dist.py DIST_DIR   # reuse a build (dist/ of build_dist)
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from _common import ROOT, report

from shopcrm import build_dist

BARE = r"""
import sys
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv[:1])
w = QMainWindow(); w.resize(1180, 720)
class F(QObject):
    def eventFilter(self, o, e):
        if e.type() == QEvent.Type.Paint:
            app.exit(0)
        return False
f = F(); w.installEventFilter(f); w.show(); app.exec()
"""


def window_ms(cmd: list[str], env: dict, runs: int = 5) -> float:
    """Median of the app's own figure: main() entered to the window shown (no interpreter start)."""
    import json

    out = []
    for _ in range(runs):
        proc = subprocess.run(cmd, env=env, check=True, capture_output=True, text=True, encoding="utf-8")
        line = next(ln for ln in proc.stdout.splitlines() if ln.startswith("SMOKE "))
        out.append(json.loads(line[6:])["window_ms"])
    return statistics.median(out)


def timed(cmd: list[str], env: dict, runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(cmd, env=env, check=True, capture_output=True)
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="shopcrm-bench-dist-"))
    if len(sys.argv) > 1:
        exe = build_dist.executable(Path(sys.argv[1]))
    else:
        t = time.perf_counter()
        exe = build_dist.build(tmp / "dist", tmp / "work")
        report("PyInstaller build (cache warm after 1st run)", time.perf_counter() - t, unit="s")
    report("one-folder size", build_dist.folder_size(exe.parent) / 1e6, unit="MB")

    def env_for(name: str) -> dict:
        return dict(
            os.environ,
            QT_QPA_PLATFORM="offscreen",
            XDG_CONFIG_HOME=str(tmp / name / "config"),
            XDG_DATA_HOME=str(tmp / name / "data"),
        )

    floor = timed([sys.executable, "-c", BARE], env_for("bare"))
    report("bare PySide6 window painted (floor)", floor)
    # an existing database with the welcome done: the everyday start (demo data is opened)
    db = tmp / "shop.db"
    subprocess.run([str(exe), "--smoke-test", "--db", str(db)], env=env_for("prep"), check=True, capture_output=True)
    report(
        "built ShopCRM: start to window, then exit",
        timed([str(exe), "--smoke-test", "--db", str(db)], env_for("prep")),
        floor,
    )
    report(
        "built ShopCRM: main() to window shown",
        window_ms([str(exe), "--smoke-test", "--db", str(db)], env_for("prep")),
        floor,
    )
    report(
        "source ShopCRM: start to window, then exit",
        timed([sys.executable, str(ROOT / "main.py"), "--smoke-test", "--db", str(db)], env_for("prep")),
        floor,
    )
    fresh = []
    for i in range(3):
        t = time.perf_counter()
        subprocess.run(
            [str(exe), "--smoke-test", "--db", str(tmp / f"fresh{i}.db")],
            env=env_for(f"f{i}"),
            check=True,
            capture_output=True,
        )
        fresh.append(time.perf_counter() - t)
    report("built ShopCRM: first start (schema + 1000 demo)", statistics.median(fresh) * 1000, floor)


if __name__ == "__main__":
    main()
