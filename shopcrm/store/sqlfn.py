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

from shopcrm.store import pg_schema
from shopcrm.store.db import engine


def _pg() -> bool:
    return engine().name == "postgresql"


def month_of(expr: str) -> str:
    """'YYYY-MM' of a date or timestamp column."""
    return f"to_char({expr}, 'YYYY-MM')" if _pg() else f"substr({expr}, 1, 7)"


def month_day_of(expr: str) -> str:
    """'MM-DD' of a date or timestamp column (birthdays, anniversaries); on PostgreSQL as its
    index customer_joined_mmdd spells it (shopcrm.store.pg_schema.month_day)."""
    return pg_schema.month_day(expr) if _pg() else f"substr({expr}, 6, 5)"


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


# --- day arithmetic, as SQLite's julianday() counts (grading's lifecycle rules) -------------------
# SQLite's julianday(x) is the instant's milliseconds since the Julian epoch divided by 86,400,000
# (a double); the PostgreSQL spellings compute the very same double, so that rules comparing day
# counts (破裂: silence > 2 x usual interval) give the same answer on both engines.

_UNIX_EPOCH_JD_MS = 210866760000000  # julianday('1970-01-01') x 86,400,000
_JD_2000 = 2451544.5  # julianday('2000-01-01')


def julianday(expr: str) -> str:
    """SQLite's ``julianday(expr)`` of a timestamp column: fractional days (a double)."""
    if _pg():
        return f"(CAST(EXTRACT(EPOCH FROM {expr}) * 1000 + {_UNIX_EPOCH_JD_MS} AS DOUBLE PRECISION) / 86400000.0)"
    return f"julianday({expr})"


def julianday_of_day(expr: str) -> str:
    """SQLite's ``julianday(date(expr))``: the julian day number of the date part (midnight)."""
    if _pg():
        return f"(CAST({expr} AS DATE) - DATE '2000-01-01' + {_JD_2000})"
    return f"julianday(date({expr}))"


def day_plus(expr: str, days: str, *, as_timestamp: bool = False) -> str:
    """The date part of ``expr`` plus ``days`` (an integer SQL expression): a date, or with
    ``as_timestamp`` that day's midnight ('YYYY-MM-DD 00:00:00' on SQLite)."""
    if _pg():
        day = f"(CAST({expr} AS DATE) + ({days}))"
        return f"CAST({day} AS TIMESTAMP)" if as_timestamp else day
    return f"{'datetime' if as_timestamp else 'date'}(julianday(date({expr})) + ({days}))"


def trunc_int(expr: str) -> str:
    """A number cut to an integer towards zero (SQLite's CAST AS INTEGER; PostgreSQL's rounds)."""
    return f"CAST(trunc({expr}) AS INTEGER)" if _pg() else f"CAST({expr} AS INTEGER)"


def greatest(*exprs: str) -> str:
    """The largest of the values (SQLite's many-argument max(); no argument may be NULL: SQLite
    would answer NULL, PostgreSQL the largest of the others)."""
    return f"{'GREATEST' if _pg() else 'MAX'}({', '.join(exprs)})"


def least(*exprs: str) -> str:
    """The smallest of the values (SQLite's many-argument min(); no argument may be NULL)."""
    return f"{'LEAST' if _pg() else 'MIN'}({', '.join(exprs)})"


def bool_int(expr: str) -> str:
    """A condition as 1 or 0, to sum or add (SQLite's comparisons are integers already)."""
    return f"CAST(({expr}) AS INTEGER)" if _pg() else f"({expr})"


def distinct(a: str, b: str) -> str:
    """``a`` and ``b`` differ, NULL being a value (SQLite's ``IS NOT``)."""
    return f"({a} IS DISTINCT FROM {b})" if _pg() else f"({a} IS NOT {b})"


def same(a: str, b: str) -> str:
    """``a`` equals ``b``, NULL being a value (SQLite's ``IS``)."""
    return f"({a} IS NOT DISTINCT FROM {b})" if _pg() else f"({a} IS {b})"


def temp_table(name: str) -> str:
    """A temporary table's qualified name (to drop it and never a table of the same name)."""
    return f"pg_temp.{name}" if _pg() else f"temp.{name}"


def timestamp_type() -> str:
    """The column type of a timestamp in a temporary table."""
    return "TIMESTAMP" if _pg() else "DATETIME"


def as_text(value: object) -> str | None:
    """A raw row's date or timestamp as SQLite keeps it ('2026-12-07', '2026-12-07 09:30:00'),
    whichever engine read it."""
    return None if value is None else str(value)


def join_in_order() -> str:
    """An inner join whose left table the planner must read first (SQLite's ``CROSS JOIN``, a
    planner hint; a plain ``JOIN`` on PostgreSQL, which plans it from its statistics)."""
    return "JOIN" if _pg() else "CROSS JOIN"


def instr(text: str, part: str) -> str:
    """The 1-based position of ``part`` in ``text``, 0 when it is not there (SQLite's instr)."""
    return f"strpos({text}, {part})" if _pg() else f"instr({text}, {part})"


def unindexed_prefix() -> str:
    """``+`` before a column keeps SQLite from driving the query from that column's index (a
    planner hint); nothing on PostgreSQL (its planner has the statistics; ``+timestamp`` is no
    operator there)."""
    return "" if _pg() else "+"


def query_sql(query) -> tuple[str, list]:
    """A peewee query as raw SQL with ``?`` parameters (the spelling raw SQL is written in
    everywhere, see :func:`shopcrm.store.engine.postgres_sql`), to embed it in a hand-written
    statement. Datetime parameters as the store writes them (text)."""
    from shopcrm.store.models import sql_ts

    sql, params = query.sql()
    if _pg():  # peewee wrote psycopg's spelling: %s parameters, %% for a literal percent sign
        sql = sql.replace("%s", "?").replace("%%", "%")
    return sql, [sql_ts(p) if isinstance(p, dt.datetime) else p for p in params]


def plus_days(expr: str, days: int) -> str:
    """A timestamp ``days`` whole days later (SQLite's ``datetime(expr, '+N days')``)."""
    n = int(days)
    return f"({expr} + INTERVAL '{n} days')" if _pg() else f"datetime({expr}, '{n:+d} days')"


def month_before(month: str) -> str:
    """The 'YYYY-MM' before the month ``month`` (an SQL expression giving 'YYYY-MM' text)."""
    if _pg():
        return f"to_char(CAST({month} || '-01' AS DATE) - INTERVAL '1 month', 'YYYY-MM')"
    return f"strftime('%Y-%m', {month} || '-01', '-1 month')"


def insertion_order(alias: str) -> str:
    """The order rows were inserted in, for a table whose rows are never updated: SQLite's rowid;
    PostgreSQL's physical position (ctid), which follows the insertion order of rows never updated
    except where the space of deleted rows was reused."""
    return f"{alias}.ctid" if _pg() else f"{alias}.rowid"


def date_of(expr: str) -> str:
    """The date part of a timestamp column to group by: 'YYYY-MM-DD' text on SQLite, a DATE on
    PostgreSQL (read it with :func:`as_date`; 4x quicker there than formatting it as text)."""
    return f"CAST({expr} AS DATE)" if _pg() else f"substr({expr}, 1, 10)"


def auto_id() -> str:
    """The column type of a temporary table's key numbered 1, 2, 3… in insertion order (SQLite's
    ``INTEGER PRIMARY KEY``, the rowid)."""
    return "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY" if _pg() else "INTEGER PRIMARY KEY"


def without_rowid() -> str:
    """SQLite's `` WITHOUT ROWID`` after a CREATE TABLE whose primary key is all it holds (the
    rows live in the key's B-tree); nothing on PostgreSQL."""
    return "" if _pg() else " WITHOUT ROWID"


def timestamp_param() -> str:
    """A ``?`` parameter holding an ISO timestamp text where nothing else gives it a type (a
    SELECT list feeding an INSERT): PostgreSQL would read it as text."""
    return "CAST(? AS TIMESTAMP)" if _pg() else "?"


def order_by(expr: str, descending: bool = False) -> str:
    """``expr ASC`` / ``expr DESC`` with NULLs where SQLite puts them (first ascending, last
    descending; PostgreSQL's default is the opposite), so that a list's order is the same on both."""
    if not _pg():
        return f"{expr} {'DESC' if descending else 'ASC'}"
    return f"{expr} DESC NULLS LAST" if descending else f"{expr} ASC NULLS FIRST"


def walk_keys_first() -> bool:
    """Whether a walk down a sort index that tests each entry (a search with many matches) must
    find the page's ids from the index entries alone before reading its rows: PostgreSQL reads a
    row for every entry an index scan passes unless the scan is index-only; SQLite's indexes end
    in the rowid and it tests the entry before reading the row."""
    return _pg()


def update_writes_whole_row() -> bool:
    """Whether an UPDATE writes a new version of the whole row and, unless it sets unindexed
    columns only, a new entry in every index of the table (PostgreSQL): a row is then best
    written once, with every column that changed. SQLite rewrites the index entries of the
    columns set only: there an UPDATE per group of columns, each where its values differ, writes
    the fewest index pages."""
    return _pg()


def counts_from_indexes() -> bool:
    """Whether a count or sum grouped by an indexed column reads that index alone (SQLite: an
    index holds every value it answers with). PostgreSQL reads the row of every entry whose page
    changed since it was last vacuumed: right after a bulk UPDATE, one pass over the table
    answers several such counts (one GROUP BY of them all) quicker than an index each."""
    return not _pg()
