"""Export of 100k customers to .xlsx, end to end (SQL snapshot, tags, lunar birthdays, typed and
styled cells, escaping, widths, temp file + rename), against the floor of a bare openpyxl
write-only write of the same rows (plain values, already in memory, no styles), in the same run.
Target: <= 1.3x the floor; peak RSS <= 300 MB.

    python tests/benchmarks/bench_export.py [--customers 100000] [--repeat 3] [--full]

Each measurement runs in a fresh child process, so peak RSS is the export's own. ``--full`` also
times the full archive (customers + 1M purchases + contacts + complaints), once.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.benchmarks._common import ROOT, demo_db, report


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def _rows_as_values(db_path: Path) -> list[tuple]:
    """The customer rows the export writes, as plain Python values (what a bare write gets)."""
    import datetime as dt
    from decimal import Decimal

    from shopcrm.excel import excel_export as E
    from shopcrm.store.db import database, open_database

    open_database(db_path)
    with database.atomic("DEFERRED"):
        E._fill_scope(None, None)
        raw = list(E._customer_rows(E._scope()))
    out = []
    for r in raw:
        r = list(r)
        if isinstance(r[4], str) and r[4][:4].isdigit():
            r[4] = dt.date.fromisoformat(r[4])
        r[6] = Decimal(r[6]).scaleb(-2)
        r[8] = Decimal(r[8]).scaleb(-2)
        r[10] = dt.datetime.fromisoformat(r[10]) if r[10] else None
        r[22] = "是" if r[22] else "否"
        r[23] = dt.date.fromisoformat(r[23]) if r[23] else None
        out.append(tuple(r))
    return out


def child(mode: str, db_path: Path, out: Path) -> None:
    if mode == "floor":
        from openpyxl import Workbook

        from shopcrm.excel.excel_export import CUSTOMER_COLUMNS

        rows = _rows_as_values(db_path)
        started = time.perf_counter()
        wb = Workbook(write_only=True)
        ws = wb.create_sheet("客户")
        ws.append([c.title for c in CUSTOMER_COLUMNS])
        for r in rows:
            ws.append(r)
        wb.save(out)
        seconds = time.perf_counter() - started
        n = len(rows)
    else:
        from shopcrm.excel import excel_export
        from shopcrm.store.db import open_database

        open_database(db_path)
        before = _rss_mb()
        started = time.perf_counter()
        result = excel_export.export_customers(out, full=(mode == "full"))
        seconds = time.perf_counter() - started
        n = result.customers + result.purchases + result.contacts + result.complaints
        print(json.dumps({"rss_before_mb": before}), file=sys.stderr)
    print(
        json.dumps({"seconds": seconds, "rows": n, "peak_rss_mb": _rss_mb(), "size_mb": out.stat().st_size / 1_048_576})
    )


def run_child(mode: str, db_path: Path, out: Path) -> dict:
    proc = subprocess.run(
        [sys.executable, __file__, "--child", mode, "--db", str(db_path), "--out", str(out)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--customers", type=int, default=100_000)
    ap.add_argument("--purchases", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--full", action="store_true")
    ap.add_argument("--child")
    ap.add_argument("--db")
    ap.add_argument("--out")
    args = ap.parse_args()
    if args.child:
        child(args.child, Path(args.db), Path(args.out))
        return

    db_path = demo_db(args.customers, args.purchases)
    tmp = Path(tempfile.mkdtemp(prefix="bench-export-"))
    floors, exports = [], []
    for i in range(args.repeat):  # interleaved, so machine load hits both alike
        floors.append(run_child("floor", db_path, tmp / f"floor{i}.xlsx"))
        exports.append(run_child("export", db_path, tmp / f"export{i}.xlsx"))
    floor = statistics.median(r["seconds"] for r in floors) * 1000
    ours = statistics.median(r["seconds"] for r in exports) * 1000
    n = exports[0]["rows"]
    print(f"export of {n:,} customers ({args.repeat} runs each, medians; file {exports[0]['size_mb']:.1f} MB)")
    report("bare openpyxl write-only (floor)", floor)
    report("export_customers end to end", ours, floor, target="target <= 1.3x")
    report("peak RSS, export (MB)", max(r["peak_rss_mb"] for r in exports), unit="MB", target="target <= 300 MB")
    report("peak RSS, floor incl. its rows in memory (MB)", max(r["peak_rss_mb"] for r in floors), unit="MB")
    if args.full:
        full = run_child("full", db_path, tmp / "full.xlsx")
        print(
            f"full archive: {full['rows']:,} rows in {full['seconds']:.1f} s "
            f"({full['rows'] / full['seconds']:,.0f} rows/s), {full['size_mb']:.1f} MB, "
            f"peak RSS {full['peak_rss_mb']:.0f} MB"
        )
    for f in tmp.iterdir():
        f.unlink()
    tmp.rmdir()
    db_path.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
