"""Time comes from one clock: ``shopcrm.core.clock`` is the only reader of the wall clock."""

from __future__ import annotations

import ast
import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

from shopcrm.core import clock

CLOCK_MODULE = ROOT / "shopcrm" / "core" / "clock.py"

# attribute calls that read the wall clock, by the name they are called on
WALL_CLOCK_CALLS = {
    ("datetime", "now"),
    ("datetime", "utcnow"),
    ("datetime", "today"),
    ("date", "today"),
    ("time", "time"),
    ("time", "time_ns"),
    ("time", "localtime"),
    ("time", "gmtime"),
    ("time", "ctime"),
    ("time", "strftime"),
    ("time", "asctime"),
    ("QDate", "currentDate"),
    ("QDateTime", "currentDateTime"),
    ("QDateTime", "currentDateTimeUtc"),
    ("QTime", "currentTime"),
    ("QDateTime", "currentMSecsSinceEpoch"),
    ("QDateTime", "currentSecsSinceEpoch"),
}
WALL_CLOCK_IMPORTS = {
    ("time", "time"),
    ("time", "time_ns"),
    ("time", "localtime"),
    ("time", "strftime"),
    ("time", "ctime"),
    ("time", "gmtime"),
}
SQL_NOW = ("'now'", "CURRENT_TIMESTAMP", "CURRENT_DATE", "CURRENT_TIME", "localtimestamp")


def _called_on(node: ast.expr) -> str | None:
    """The last name of what a method is called on: ``dt.datetime.now`` → 'datetime'."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def wall_clock_reads(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module in ("time", "datetime"):
            for alias in node.names:
                if (node.module, alias.name) in WALL_CLOCK_IMPORTS:
                    found.append(f"{path.name}:{node.lineno} from {node.module} import {alias.name}")
        if isinstance(node, ast.Attribute):  # a call, or the function kept to call later
            owner = _called_on(node.value)
            if (owner, node.attr) in WALL_CLOCK_CALLS:
                found.append(f"{path.name}:{node.lineno} {owner}.{node.attr}")
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = node.value
            if any(k in text for k in SQL_NOW) and any(
                w in text.upper() for w in ("SELECT", "INSERT", "UPDATE", "DEFAULT")
            ):
                found.append(f"{path.name}:{node.lineno} SQL reads the server's clock")
    return found


def python_files(*folders: str) -> list[Path]:
    out = []
    for folder in folders:
        out += [p for p in (ROOT / folder).rglob("*.py") if p != CLOCK_MODULE]
    return out


def test_no_module_reads_the_wall_clock_but_the_clock():
    files = python_files("shopcrm")
    assert len(files) > 40
    offenders = [hit for path in files for hit in wall_clock_reads(path)]
    assert offenders == []


def test_no_test_reads_the_wall_clock():
    """Tests take 'today' from the clock too, so that they agree with the code on any date
    (benchmarks time themselves with perf_counter, which is not a calendar)."""
    offenders = [
        hit for path in python_files("tests") for hit in wall_clock_reads(path) if path.name != "test_clock.py"
    ]
    assert offenders == []


def test_the_scan_catches_each_kind_of_read(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text(
        "import datetime as dt\nimport time\nfrom datetime import date, datetime\n"
        "from time import time as now_s\n"
        "from PySide6.QtCore import QDate\n"
        "a = dt.date.today()\nb = datetime.now()\nc = time.time()\nd = QDate.currentDate()\n"
        "e = date.today()\nf = \"UPDATE x SET at = datetime('now')\"\n"
        "g = time.time  # kept to call later\n",
        encoding="utf-8",
    )
    hits = wall_clock_reads(bad)
    assert len(hits) == 8, hits
    good = tmp_path / "good.py"
    good.write_text(
        "import time\nfrom shopcrm.core import clock\n"
        "a = clock.today()\nb = time.monotonic()\nc = time.perf_counter()\n"
        "d = clock.now()\n",
        encoding="utf-8",
    )
    assert wall_clock_reads(good) == []


# --- the clock itself ------------------------------------------------------------------------------


def test_a_fixed_clock_stands_still_and_runs_again():
    clock.set_now("2028-02-29T23:59:59")
    assert clock.now() == dt.datetime(2028, 2, 29, 23, 59, 59)
    assert clock.today() == dt.date(2028, 2, 29)
    clock.advance(dt.timedelta(seconds=1))
    assert clock.today() == dt.date(2028, 3, 1)
    clock.set_now(None)
    assert not clock.is_fixed()
    assert abs(clock.now() - dt.datetime.now()) < dt.timedelta(seconds=2)  # the real clock


def test_a_day_means_its_noon_and_fixed_restores_what_was_there():
    clock.set_now(dt.date(2027, 1, 1))
    with clock.fixed(dt.date(2031, 12, 31)) as at:
        assert at == dt.datetime(2031, 12, 31, 12, 0)
        assert clock.today() == dt.date(2031, 12, 31)
    assert clock.today() == dt.date(2027, 1, 1)


def test_advance_refuses_a_running_clock():
    with pytest.raises(RuntimeError):
        clock.advance(dt.timedelta(days=1))


def test_times_are_to_the_second():
    assert clock.now().microsecond == 0
    clock.set_now(dt.datetime(2027, 5, 1, 8, 30, 15, 999_999))
    assert clock.now() == dt.datetime(2027, 5, 1, 8, 30, 15)


def test_a_process_started_with_SHOPCRM_NOW_lives_on_that_day():  # noqa: N802 (names the variable)
    env = dict(os.environ, SHOPCRM_NOW="2031-12-31T23:00:00")
    out = subprocess.run(
        [sys.executable, "-c", "from shopcrm.core import clock; print(clock.today(), clock.is_fixed())"],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=True,
    )
    assert out.stdout.split() == ["2031-12-31", "True"]
    env["SHOPCRM_NOW"] = "yesterday"
    bad = subprocess.run(
        [sys.executable, "-c", "import shopcrm.core.clock"], capture_output=True, text=True, env=env, cwd=ROOT
    )
    assert bad.returncode != 0 and "SHOPCRM_NOW" in bad.stderr


def test_kernel_seconds_compare_with_file_stamps(tmp_path):
    f = tmp_path / "f"
    f.write_text("x")
    assert 0 <= clock.kernel_seconds(tmp_path) - f.stat().st_mtime < 60
    clock.set_now("1999-01-01")  # a fixed clock does not move the kernel's stamps
    assert 0 <= clock.kernel_seconds(tmp_path) - f.stat().st_mtime < 60
    assert list(tmp_path.iterdir()) == [f]  # the probe is gone
