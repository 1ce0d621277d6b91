"""Shared helpers for the benchmarks. Benchmarks are scripts, not part of the test suite:

    python tests/benchmarks/bench_<name>.py

Each prints its figures beside a floor measured in the same run with the raw library.
"""

from __future__ import annotations

import atexit
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CACHE = Path(os.environ.get("SHOPCRM_BENCH_DIR", Path(tempfile.gettempdir()) / "shopcrm-bench"))


def demo_db(customers: int = 100_000, purchases: int = 1_000_000, complaints: int | None = None, seed: int = 1) -> Path:
    """A cached demo database of the given size (generated once with ``python -m shopcrm demo``).
    Returns a fresh copy so that a benchmark may write to it. The cache is keyed on the demo
    generator's version (in the name: a database another generator made is never reused) and on
    the schema version (a database of an older schema is made again)."""
    CACHE.mkdir(parents=True, exist_ok=True)
    import sqlite3

    from shopcrm.demo import GENERATOR_VERSION
    from shopcrm.store.db import latest_version

    name = f"demo_g{GENERATOR_VERSION}_{customers}_{purchases}_{complaints}_{seed}.db"
    master = CACHE / name
    if master.exists():
        # read-only: a plain connect would recreate an empty file if another run just removed it
        con = sqlite3.connect(master.resolve().as_uri() + "?mode=ro", uri=True)
        version = con.execute("PRAGMA user_version").fetchone()[0]
        con.close()
        if version > latest_version():  # a newer program's: never reused
            master.unlink()
        elif version < latest_version():  # an older schema: migrated once here (per run would skew timings)
            _migrate_master(master)
    if not master.exists():
        tmp = master.with_suffix(".tmp")
        tmp.unlink(missing_ok=True)
        cmd = [
            sys.executable,
            "-m",
            "shopcrm",
            "demo",
            "--db",
            str(tmp),
            "--customers",
            str(customers),
            "--purchases",
            str(purchases),
            "--seed",
            str(seed),
        ]
        if complaints is not None:
            cmd += ["--complaints", str(complaints)]
        subprocess.run(cmd, check=True, cwd=ROOT)
        con = sqlite3.connect(tmp)
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        con.execute("ANALYZE")
        con.close()
        for suffix in ("-wal", "-shm"):
            Path(str(tmp) + suffix).unlink(missing_ok=True)
        tmp.rename(master)
    copy = CACHE / f"work_{os.getpid()}_{name}"
    shutil.copyfile(master, copy)
    atexit.register(_remove, copy)
    return copy


def _migrate_master(master: Path) -> None:
    """Bring a cached demo up to the current schema in place (seconds for an index, where making
    a 1M / 10M demo again takes minutes). A benchmark's cache needs no pre-migration backup."""
    code = (
        "import sys; from shopcrm.store import db; db.before_migration_hooks.append(lambda *a: None); "
        "db.open_database(sys.argv[1]); db.database.execute_sql('ANALYZE'); db.close_database()"
    )
    subprocess.run([sys.executable, "-c", code, str(master)], check=True, cwd=ROOT)


def _remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)


def median_ms(fn, repeat: int = 21, warmup: int = 2, stat=statistics.median) -> float:
    """``stat`` (the median) of ``repeat`` timed calls, in ms; ``stat=min`` for the fastest."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return stat(times) * 1000


def report(label: str, value: float, floor: float | None = None, unit: str = "ms", target: str = "") -> None:
    ratio = f"  ({value / floor:.2f}x floor {floor:.2f} {unit})" if floor else ""
    print(f"{label:48s} {value:10.2f} {unit}{ratio}  {target}")


def once_ms(fn) -> float:
    """One timed call, in ms."""
    t = time.perf_counter()
    fn()
    return (time.perf_counter() - t) * 1000


def ungrade(database) -> None:
    """Take every grading result and the last run off the open database (the next regrade is a
    first grading: every customer's row is written)."""
    with database.atomic():
        database.execute_sql(
            "UPDATE customer SET grade = NULL, grade_at = NULL, period_spend_cents = 0, "
            "period_purchases = 0, rfm_r = NULL, rfm_f = NULL, rfm_m = NULL, value_type = NULL, "
            "lifecycle = NULL, lifecycle_at = NULL, at_risk_on = NULL"
        )
        database.execute_sql("DELETE FROM customer_history")
        database.execute_sql("DELETE FROM setting WHERE key LIKE 'grading%'")
