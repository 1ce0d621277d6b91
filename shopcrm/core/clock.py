"""The one reader of the wall clock.

Every date and time ShopCRM works with comes from here (``now()``, ``today()``) or from an
explicit argument that a caller took from here. Nothing else reads ``datetime.now()``,
``date.today()``, ``time.time()`` or Qt's current date (``tests/test_clock.py`` fails if it does),
so that one place can move the whole program in time:

- tests fix the clock with ``set_now()`` / ``fixed()`` (the ``clock`` fixture resets it after each
  test), and the whole suite also runs under ``faketime`` at awkward dates (``.ci/faketime-suite``);
- ``SHOPCRM_NOW=2027-01-28T10:00:00`` fixes it for a whole process (screenshots, demos, the
  command line in a subprocess test).

Times are local and naive, to the second: a shop thinks in its own wall-clock time, and peewee
stores 'YYYY-MM-DD HH:MM:SS'. Elapsed time (timeouts, progress, benchmarks) is not wall-clock time:
use ``time.monotonic()`` / ``time.perf_counter()`` for that, which no calendar can move.

File modification times come from the kernel, which ``faketime`` does not move: compare them
with each other (``kernel_seconds()`` gives a stamp from the same source), never with ``now()``.
"""

from __future__ import annotations

import datetime as _dt
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ENV = "SHOPCRM_NOW"

_fixed: _dt.datetime | None = None


def _as_datetime(value: _dt.datetime | _dt.date | str) -> _dt.datetime:
    if isinstance(value, str):
        value = _dt.datetime.fromisoformat(value.strip())
    if not isinstance(value, _dt.datetime):  # a day: its noon, far from either midnight
        value = _dt.datetime.combine(value, _dt.time(12, 0))
    return value.replace(microsecond=0, tzinfo=None)


def now() -> _dt.datetime:
    """The shop's local time to the second."""
    if _fixed is not None:
        return _fixed
    return _dt.datetime.now().replace(microsecond=0)


def today() -> _dt.date:
    """The shop's calendar day."""
    return now().date()


def set_now(value: _dt.datetime | _dt.date | str | None) -> None:
    """Fix the clock at ``value`` (a day means its noon); ``None`` lets it run again."""
    global _fixed
    _fixed = None if value is None else _as_datetime(value)


def advance(delta: _dt.timedelta) -> None:
    """Move a fixed clock on (a test's 'three days later'); refuses a running clock."""
    if _fixed is None:
        raise RuntimeError("advance() needs a fixed clock: call set_now() first")
    set_now(_fixed + delta)


def is_fixed() -> bool:
    return _fixed is not None


@contextmanager
def fixed(value: _dt.datetime | _dt.date | str) -> Iterator[_dt.datetime]:
    """``with clock.fixed("2027-01-28"):`` — the clock stands there inside the block."""
    before = _fixed
    set_now(value)
    try:
        yield now()
    finally:
        set_now(before)


def kernel_seconds(folder: Path | str | None = None) -> float:
    """'Now' as the file system stamps it (seconds since the epoch), to compare with
    ``stat().st_mtime``: the kernel's clock, which neither ``set_now`` nor ``faketime`` moves."""
    with tempfile.NamedTemporaryFile(dir=folder, prefix=".shopcrm-now-") as probe:
        return os.fstat(probe.fileno()).st_mtime


def _from_environment() -> None:
    value = os.environ.get(ENV, "").strip()
    if value:
        try:
            set_now(value)
        except ValueError:
            raise SystemExit(
                f"{ENV}={value!r} is not an ISO date or date-time (e.g. 2027-01-28 or 2027-01-28T10:00:00)"
            ) from None


_from_environment()
