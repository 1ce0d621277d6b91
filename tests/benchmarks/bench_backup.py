"""Backup of a 100k-customer / 1M-purchase database against a plain file copy of it.

    python tests/benchmarks/bench_backup.py [--customers N] [--purchases N] [--repeat N]

Floor: ``shutil.copyfile`` of the same file in the same run (page cache warm for both, like a
shop PC that has the database open). Target: a backup <= 2x the floor. Also shown: the parts —
the online-API copy alone, the fsync, and the ``PRAGMA integrity_check`` of the copy — and a
restore into the live database.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.benchmarks._common import demo_db, report  # noqa: E402


def timed(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--customers", type=int, default=100_000)
    ap.add_argument("--purchases", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()

    from shopcrm import backup
    from shopcrm.db import close_database, open_database

    src = demo_db(args.customers, args.purchases)
    work = Path(tempfile.mkdtemp(prefix="shopcrm-bench-backup-"))
    try:
        open_database(src)  # brings the cached file to the current schema, as the app would
        n = open_database(src).execute_sql("SELECT count(*) FROM customer").fetchone()[0]
        open_database(src).execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        size = src.stat().st_size
        print(f"database: {n:,} customers, {size / 1_048_576:.0f} MB, {os.cpu_count()} cores")
        dest = work / "copy.db"

        def clean():
            for p in work.iterdir():
                if p.is_file():
                    p.unlink()

        def plain_copy():
            clean()
            shutil.copyfile(src, dest)

        def plain_copy_fsync():
            plain_copy()
            fd = os.open(dest, os.O_RDONLY)
            os.fsync(fd)
            os.close(fd)

        def api_only():
            clean()
            s, d = sqlite3.connect(src), sqlite3.connect(dest)
            s.backup(d)
            d.close()
            s.close()

        def full_backup():
            clean()
            backup.copy_database(src, dest)  # API copy + journal mode + integrity_check + fsync + rename

        def full_backup_no_verify():
            clean()
            backup.copy_database(src, dest, verify=None)

        def full_backup_quick():
            clean()
            backup.copy_database(src, dest, verify="quick")

        plain_copy()  # warm the page cache for everyone
        floor = timed(plain_copy, args.repeat)
        report("plain file copy (shutil.copyfile)", floor, floor, target="floor")
        report("plain file copy + fsync", timed(plain_copy_fsync, args.repeat), floor)
        report("SQLite online backup API copy (fallback path)", timed(api_only, args.repeat), floor)
        copy_only = timed(full_backup_no_verify, args.repeat)
        report("backup: snapshot copy + fsync (no check)", copy_only, floor, target="target <= 2x")
        report("backup + quick_check (manual, before an operation)", timed(full_backup_quick, args.repeat), floor)
        full = timed(full_backup, 1)
        report("backup + integrity_check (daily, at start-up)", full, floor, target="background thread")

        folder = work / "rotating"
        made = []

        def make_backup():
            made.append(backup.make_backup("manual", folder=folder))

        report("make_backup('manual'): name, quick_check, rotation", timed(make_backup, 3), floor)
        saved = made[-1]
        report("restore into the live database", timed(lambda: backup.restore(saved), 1), floor,
               target="one transaction; includes the safety backup first")
        print(f"verdict: the backup copy = {copy_only / floor:.2f}x a plain copy "
              f"({'meets' if copy_only <= 2 * floor else 'misses'} the 2x target); "
              f"with integrity_check {full / floor:.1f}x")
    finally:
        close_database()
        shutil.rmtree(work, ignore_errors=True)
        src.unlink(missing_ok=True)
        for suffix in ("-wal", "-shm"):
            Path(str(src) + suffix).unlink(missing_ok=True)


if __name__ == "__main__":
    main()
