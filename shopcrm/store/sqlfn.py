"""The few SQL spellings that differ between SQLite and PostgreSQL (issue #18), as small functions
that return an SQL fragment for the engine of the open database. Raw SQL elsewhere stays plain,
engine-neutral SQL (``?`` placeholders are respelt for PostgreSQL by the store layer) and calls
these for dates, string aggregation and the like, so that no module outside ``shopcrm/store``
knows which engine is underneath.

Dates: SQLite keeps DateField/DateTimeField as ISO text ('2026-12-07', '2026-12-07 09:30:00'),
PostgreSQL as DATE/TIMESTAMP. A raw query returns text on one and ``datetime`` objects on the
other: :func:`as_date` / :func:`as_datetime` read either. Booleans: compare with ``TRUE`` /
``FALSE`` (both engines read them), never ``= 1``.
"""

from __future__ import annotations

import datetime as dt

from shopcrm.store.db import engine


def _pg() -> bool:
    return engine().name == "postgresql"


def month_of(expr: str) -> str:
    """'YYYY-MM' of a date or timestamp column."""
    return f"to_char({expr}, 'YYYY-MM')" if _pg() else f"substr({expr}, 1, 7)"


def month_day_of(expr: str) -> str:
    """'MM-DD' of a date or timestamp column (birthdays, anniversaries)."""
    return f"to_char({expr}, 'MM-DD')" if _pg() else f"substr({expr}, 6, 5)"


def day_of(expr: str) -> str:
    """'YYYY-MM-DD' of a date or timestamp column, as text."""
    return f"to_char({expr}, 'YYYY-MM-DD')" if _pg() else f"substr({expr}, 1, 10)"


def days_between(later: str, earlier: str) -> str:
    """Whole days from the date part of ``earlier`` to that of ``later`` (either a column or a
    ``?`` parameter holding an ISO date), as an integer."""
    if _pg():
        return f"(CAST({later} AS DATE) - CAST({earlier} AS DATE))"
    return f"CAST(julianday(date({later})) - julianday(date({earlier})) AS INTEGER)"


def group_concat(expr: str, separator: str) -> str:
    """The values of ``expr`` in a group joined by ``separator`` (a literal without quotes)."""
    sep = separator.replace("'", "''")
    return f"string_agg(CAST({expr} AS TEXT), '{sep}')" if _pg() else f"group_concat({expr}, '{sep}')"


def as_date(value: object) -> dt.date | None:
    """A date from a raw row: ISO text (SQLite) or a date/datetime (PostgreSQL)."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def as_datetime(value: object) -> dt.datetime | None:
    """A datetime from a raw row: ISO text (SQLite) or a datetime (PostgreSQL)."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    return dt.datetime.fromisoformat(str(value))
