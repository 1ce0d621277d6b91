"""Move a shop between the engines (issue #18): every table of an SQLite file into an empty
PostgreSQL database, or of a PostgreSQL database into a new SQLite file, then both sides counted
and summed to prove the copy whole.

The source is only read: an SQLite file is opened read-only (``mode=ro``; ``immutable`` when no
WAL is beside it, as :func:`shopcrm.store.db.inspect_file` does), so its bytes and its
modification time stay as they were. The target gets the current schema first (the same code that
creates a new database), then, in ONE transaction:

- PostgreSQL: the secondary indexes and foreign keys are dropped, every table truncated (the seeded
  rows go; the source has its own) and filled by ``COPY … FROM STDIN (FREEZE)`` from lines that
  SQLite itself formats; then the indexes are built and the foreign keys checked once each, the id
  sequences set past the largest id, and the tables analysed. A truncate in the same transaction
  lets COPY write frozen, all-visible pages (index-only scans work at once, no VACUUM needed) and,
  with ``wal_level=minimal``, skip the WAL.
- SQLite: foreign keys off for the load, the secondary indexes dropped and built again afterwards
  (:class:`shopcrm.store.db.DroppedIndexes`), rows written by ``executemany`` from a server-side
  cursor, then ``ANALYZE``.

A failure rolls the target back to an empty schema; nothing is half-moved. The check afterwards
compares, per table, the row count and the sum of every money and points column (the ledger's
deltas among them) on the source and the target.
"""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from shopcrm.core.paths import PgUrl, parse_db_location
from shopcrm.core.texts import register, t

log = logging.getLogger(__name__)

register(
    {
        "move.same_engine": (
            "只能在 SQLite 文件和 PostgreSQL 数据库之间搬移（“{source}” → “{target}”）。",
            "move-db moves between an SQLite file and a PostgreSQL database (“{source}” → “{target}”).",
        ),
        "move.target_not_empty": (
            "目标数据库“{target}”不是空的（已有 {tables} 张表），ShopCRM 不会覆盖它。请使用一个新建的空数据库。",
            "The target database “{target}” is not empty ({tables} tables); ShopCRM will not overwrite it. "
            "Please use a new, empty database.",
        ),
        "move.target_exists": (
            "目标文件“{target}”已存在，ShopCRM 不会覆盖它。请指定一个新文件名。",
            "The target file “{target}” already exists; ShopCRM will not overwrite it. Please name a new file.",
        ),
        "move.source_missing": ("源数据库“{source}”不存在。", "The source database “{source}” does not exist."),
        "move.version_mismatch": (
            "源数据库“{source}”的结构版本是 {found}，本程序是 {latest}：请先用本程序打开它一次（自动升级并备份），再搬移。",
            "The source database “{source}” is at schema {found}, this program at {latest}: open it with this "
            "program once (it upgrades it, after a backup), then move it.",
        ),
        "move.mismatch": (
            "搬移后核对不一致：{problems}。目标数据库未采用，请保留源数据库。",
            "The check after the move found differences: {problems}. Do not use the target; keep the source.",
        ),
    }
)


class MoveError(Exception):
    """A move that is refused or failed; ``str(e)`` is a message for the user."""


@dataclass
class TableFigures:
    rows: int
    sums: dict[str, int] = field(default_factory=dict)


@dataclass
class MoveResult:
    source: str
    target: str
    direction: str  # "sqlite->postgresql" or "postgresql->sqlite"
    tables: dict[str, TableFigures]
    seconds: dict[str, float]  # schema, load, indexes, check, total

    def as_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "target": self.target,
            "direction": self.direction,
            "ok": True,
            "tables": {name: {"rows": f.rows, "sums": f.sums} for name, f in self.tables.items()},
            "rows": sum(f.rows for f in self.tables.values()),
            "seconds": {k: round(v, 3) for k, v in self.seconds.items()},
        }


Progress = Callable[[str], None]


def _quiet(_line: str) -> None:
    pass


def move(
    source: str | Path, target: str | Path, *, progress: Progress = _quiet, indexes_after: bool = True
) -> MoveResult:
    """Copy the shop at ``source`` to ``target`` (one an SQLite path, the other a PostgreSQL URL)
    and verify it. ``indexes_after=False`` keeps the target's indexes during the load (slower:
    kept for the benchmark that measures the difference). Raises :class:`MoveError`."""
    src, dst = parse_db_location(source), parse_db_location(target)
    if isinstance(src, Path) and isinstance(dst, PgUrl):
        return _sqlite_to_postgres(src, dst, progress, indexes_after)
    if isinstance(src, PgUrl) and isinstance(dst, Path):
        return _postgres_to_sqlite(src, dst, progress, indexes_after)
    raise MoveError(t("move.same_engine", source=_label(src), target=_label(dst)))


def _label(location: Path | PgUrl) -> str:
    return location.display if isinstance(location, PgUrl) else str(location)


# --- what is copied and checked -----------------------------------------------------------------


def _tables() -> list[tuple[str, list[str]]]:
    """Every table of the current schema with its columns, parents first (from the models)."""
    from peewee import sort_models  # type: ignore[attr-defined]

    from shopcrm.store import models  # noqa: F401  (fills db.schema_models)
    from shopcrm.store.db import schema_models

    return [(m._meta.table_name, [f.column_name for f in m._meta.sorted_fields]) for m in sort_models(schema_models)]


def _summed(table: str, columns: list[str]) -> list[str]:
    """The columns whose sum proves the money moved: cents, points (the ledger's deltas too)."""
    from shopcrm.store.db import schema_models

    model = next(m for m in schema_models if m._meta.table_name == table)
    from peewee import IntegerField

    return [
        c
        for c in columns
        if (c.endswith("_cents") or "points" in c) and isinstance(model._meta.columns.get(c), IntegerField)
    ]


def _figures(execute: Callable[[str], tuple], tables: list[tuple[str, list[str]]]) -> dict[str, TableFigures]:
    out = {}
    for name, columns in tables:
        summed = _summed(name, columns)
        row = execute(f"SELECT count(*){''.join(f', coalesce(sum({q(c)}), 0)' for c in summed)} FROM {q(name)}")
        out[name] = TableFigures(int(row[0]), {c: int(v) for c, v in zip(summed, row[1:], strict=True)})
    return out


def _compare(source: dict[str, TableFigures], target: dict[str, TableFigures]) -> None:
    problems = []
    for name, want in source.items():
        got = target[name]
        if got.rows != want.rows:
            problems.append(f"{name}: {want.rows} → {got.rows} rows")
        problems += [f"{name}.{c}: {v} → {got.sums.get(c)}" for c, v in want.sums.items() if got.sums.get(c) != v]
    if problems:
        raise MoveError(t("move.mismatch", problems="; ".join(problems[:10])))


def q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


# --- SQLite -> PostgreSQL ------------------------------------------------------------------------


def open_sqlite_readonly(path: Path) -> sqlite3.Connection:
    """A read-only connection that writes nothing beside or into the file (immutable when no WAL
    is beside it: then nothing else is writing it either)."""
    wal = Path(str(path) + "-wal")
    uri = path.resolve().as_uri() + ("?mode=ro" if wal.exists() and wal.stat().st_size else "?mode=ro&immutable=1")
    return sqlite3.connect(uri, uri=True, check_same_thread=False)


def _copy_line_sql(table: str, columns: list[str], integer: set[str]) -> str:
    """SQL that makes SQLite format each row as one line of COPY's text format (tab-separated,
    ``\\N`` for NULL, backslash escapes): SQLite's C does the per-value work."""

    def one(c: str) -> str:
        if c in integer:
            return f"coalesce(CAST({q(c)} AS TEXT), '\\N')"
        text = f"CAST({q(c)} AS TEXT)"
        for ch, esc in (("'\\'", "'\\\\'"), ("char(9)", "'\\t'"), ("char(10)", "'\\n'"), ("char(13)", "'\\r'")):
            text = f"replace({text}, {ch}, {esc})"
        return f"coalesce({text}, '\\N')"

    return f"SELECT {' || char(9) || '.join(one(c) for c in columns)} FROM {q(table)}"


class _Lines:
    """A file-like reader of COPY text for psycopg2's copy_expert, fed by an SQLite cursor."""

    def __init__(self, cur: sqlite3.Cursor, batch: int = 20_000):
        self.cur, self.batch = cur, batch
        self.rows = 0
        self._buf = ""
        self._done = False

    def read(self, size: int = -1) -> str:
        while not self._done and (size < 0 or len(self._buf) < size):
            rows = self.cur.fetchmany(self.batch)
            if not rows:
                self._done = True
                break
            self.rows += len(rows)
            self._buf += "\n".join(r[0] for r in rows) + "\n"
        if size < 0 or size >= len(self._buf):
            out, self._buf = self._buf, ""
        else:
            out, self._buf = self._buf[:size], self._buf[size:]
        return out


def _pg_connect(url: PgUrl):
    import psycopg2  # type: ignore[import-untyped]  # no stubs; only this module and engine.py see it

    from shopcrm.store.engine import PostgresEngine

    eng = PostgresEngine(url)
    try:
        return psycopg2.connect(eng.url, **eng.connect_params())
    except psycopg2.Error as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise MoveError(t("db.pg_unreachable", path=url.display, reason=reason)) from exc


def _pg_tables(con) -> list[str]:
    with con.cursor() as cur:
        cur.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY 1")
        return [r[0] for r in cur.fetchall()]


def _sqlite_source(path: Path) -> sqlite3.Connection:
    """The source file opened read-only, after checking that it is a ShopCRM database of this
    program's schema version (read through the same connection: nothing else opens the file)."""
    from shopcrm.store.db import APPLICATION_ID, latest_version

    if not path.is_file():
        raise MoveError(t("move.source_missing", source=path))
    try:
        con = open_sqlite_readonly(path)
        app_id = con.execute("PRAGMA application_id").fetchone()[0]
        version = con.execute("PRAGMA user_version").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise MoveError(t("db.not_sqlite", path=path)) from exc
    if app_id != APPLICATION_ID:
        con.close()
        raise MoveError(t("db.not_shopcrm", path=path))
    if version != latest_version():
        con.close()
        raise MoveError(t("move.version_mismatch", source=path, found=version, latest=latest_version()))
    return con


def _sqlite_to_postgres(src: Path, dst: PgUrl, progress: Progress, indexes_after: bool) -> MoveResult:
    from shopcrm.store.db import close_database, open_database

    began = time.perf_counter()
    seconds: dict[str, float] = {}
    source = _sqlite_source(src)
    try:
        con = _pg_connect(dst)
    except MoveError:
        source.close()
        raise
    try:
        existing = _pg_tables(con)
        con.rollback()
        if existing:
            raise MoveError(t("move.target_not_empty", target=dst.display, tables=len(existing)))
        # the current schema, made as for any new database (its own transaction)
        open_database(dst)
        close_database()
        seconds["schema"] = time.perf_counter() - began
        tables = _tables()
        _load_postgres(source, con, tables, progress, indexes_after, seconds)
        progress("checking counts and sums …")
        t0 = time.perf_counter()
        with con.cursor() as cur:

            def pg_execute(sql: str) -> tuple:
                cur.execute(sql)
                return cur.fetchone()

            target = _figures(pg_execute, tables)
        con.rollback()
        want = _figures(lambda sql: source.execute(sql).fetchone(), tables)
        seconds["check"] = time.perf_counter() - t0
        _compare(want, target)
    finally:
        source.close()
        con.close()
    seconds["total"] = time.perf_counter() - began
    return MoveResult(str(src), dst.display, "sqlite->postgresql", want, seconds)


def _load_postgres(source: sqlite3.Connection, con, tables, progress: Progress, indexes_after: bool, seconds) -> None:
    t0 = time.perf_counter()
    with con.cursor() as cur:
        cur.execute("SET LOCAL maintenance_work_mem = '512MB'")
        cur.execute(
            "SELECT table_name, column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = current_schema()"
        )
        integer = {(r[0], r[1]) for r in cur.fetchall() if r[2] in ("bigint", "integer", "smallint")}
        names = [name for name, _ in tables]
        dropped_fks: list[tuple[str, str, str]] = []
        dropped_indexes: list[str] = []
        if indexes_after:
            cur.execute(
                "SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c "
                "JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = current_schema() AND c.contype = 'f'"
            )
            dropped_fks = cur.fetchall()
            for table, name, _ in dropped_fks:
                cur.execute(f"ALTER TABLE {table} DROP CONSTRAINT {q(name)}")
            # indexes of their own (not behind a primary key or UNIQUE constraint)
            cur.execute(
                "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = current_schema() "
                "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname "
                "AND c.connamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema()))"
            )
            found = cur.fetchall()
            dropped_indexes = [sql for _, sql in found]
            for index, _ in found:
                cur.execute(f"DROP INDEX {q(index)}")
        cur.execute(f"TRUNCATE {', '.join(q(n) for n in names)}")
        for name, columns in tables:
            began = time.perf_counter()
            lines = _Lines(source.execute(_copy_line_sql(name, columns, {c for c in columns if (name, c) in integer})))
            cols = ", ".join(q(c) for c in columns)
            cur.copy_expert(f"COPY {q(name)} ({cols}) FROM STDIN (FREEZE)", lines, size=1 << 20)
            if lines.rows:
                progress(f"{name}: {lines.rows:,} rows, {time.perf_counter() - began:.1f} s")
        seconds["load"] = time.perf_counter() - t0
        t1 = time.perf_counter()
        for sql in dropped_indexes:
            cur.execute(sql)
        if dropped_indexes:
            progress(f"{len(dropped_indexes)} indexes built, {time.perf_counter() - t1:.1f} s")
        t2 = time.perf_counter()
        for table, name, definition in dropped_fks:
            cur.execute(f"ALTER TABLE {table} ADD CONSTRAINT {q(name)} {definition}")
        if dropped_fks:
            progress(f"{len(dropped_fks)} foreign keys checked, {time.perf_counter() - t2:.1f} s")
        for name, columns in tables:
            if "id" in columns:
                cur.execute("SELECT pg_get_serial_sequence(%s, 'id')", (q(name),))
                sequence = cur.fetchone()[0]
                if sequence:
                    cur.execute(
                        f"SELECT setval(%s, coalesce((SELECT max(id) FROM {q(name)}), 0) + 1, false)", (sequence,)
                    )
        seconds["indexes"] = time.perf_counter() - t1
    con.commit()
    t3 = time.perf_counter()
    old = con.autocommit
    con.autocommit = True
    try:
        with con.cursor() as cur:
            cur.execute("ANALYZE")
    finally:
        con.autocommit = old
    seconds["analyze"] = time.perf_counter() - t3
    progress(f"analysed, {seconds['analyze']:.1f} s")


# --- PostgreSQL -> SQLite ------------------------------------------------------------------------


def _sqlite_value(value: object) -> object:
    """A PostgreSQL value as peewee stores it in SQLite (dates and times as ISO text, booleans as
    0/1); others unchanged."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, dt.datetime):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _pg_rows(con, table: str, columns: list[str], convert: list[int], batch: int = 20_000) -> Iterator[tuple]:
    """The rows of ``table`` through a server-side cursor; the values at ``convert`` (dates, times,
    booleans) in SQLite's form."""
    with con.cursor(name=f"move_{table}") as cur:
        cur.itersize = batch
        cur.execute(f"SELECT {', '.join(q(c) for c in columns)} FROM {q(table)}")
        if not convert:
            yield from cur
            return
        for row in cur:
            values = list(row)
            for i in convert:
                values[i] = _sqlite_value(values[i])
            yield tuple(values)


def _postgres_to_sqlite(src: PgUrl, dst: Path, progress: Progress, indexes_after: bool) -> MoveResult:
    from shopcrm.store.db import (
        DroppedIndexes,
        bulk_load_settings,
        close_database,
        database,
        latest_version,
        open_database,
    )
    from shopcrm.store.engine import META_TABLE

    began = time.perf_counter()
    seconds: dict[str, float] = {}
    if dst.exists() and dst.stat().st_size > 0:
        raise MoveError(t("move.target_exists", target=dst))
    con = _pg_connect(src)
    try:
        with con.cursor() as cur:
            if META_TABLE not in _pg_tables(con):
                raise MoveError(t("db.pg_not_shopcrm", path=src.display))
            cur.execute(f"SELECT version FROM {META_TABLE}")
            version = cur.fetchone()[0]
            cur.execute(
                "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema() "
                "AND data_type IN ('boolean', 'date', 'timestamp without time zone', 'timestamp with time zone')"
            )
            converted = set(cur.fetchall())
        con.rollback()
        if version != latest_version():
            raise MoveError(t("move.version_mismatch", source=src.display, found=version, latest=latest_version()))
        # one snapshot of the whole source: the copy and the check see the same rows
        con.set_session(isolation_level="REPEATABLE READ", readonly=True)
        open_database(dst)
        seconds["schema"] = time.perf_counter() - began
        tables = _tables()
        names = [name for name, _ in tables]
        try:
            t0 = time.perf_counter()
            with bulk_load_settings(large=True) as lite, database.atomic():
                for name in names:
                    lite.execute(f"DELETE FROM {q(name)}")  # the seeded rows: the source has its own
                dropped = DroppedIndexes(lite, tuple(names)) if indexes_after else None
                for name, columns in tables:
                    t1 = time.perf_counter()
                    marks = ", ".join("?" * len(columns))
                    cur = lite.executemany(
                        f"INSERT INTO {q(name)} ({', '.join(q(c) for c in columns)}) VALUES ({marks})",
                        _pg_rows(con, name, columns, [i for i, c in enumerate(columns) if (name, c) in converted]),
                    )
                    if cur.rowcount:
                        progress(f"{name}: {cur.rowcount:,} rows, {time.perf_counter() - t1:.1f} s")
                seconds["load"] = time.perf_counter() - t0
                t2 = time.perf_counter()
                if dropped is not None:
                    dropped.restore()
                    progress(f"{len(names)} tables' indexes built, {time.perf_counter() - t2:.1f} s")
                seconds["indexes"] = time.perf_counter() - t2
            t3 = time.perf_counter()
            lite.execute("PRAGMA analysis_limit = 1000")
            lite.execute("ANALYZE")
            seconds["analyze"] = time.perf_counter() - t3
            progress("checking counts and sums …")
            t4 = time.perf_counter()
            got = _figures(lambda sql: lite.execute(sql).fetchone(), tables)
            with con.cursor() as cur:

                def pg_execute(sql: str) -> tuple:
                    cur.execute(sql)
                    return cur.fetchone()

                want = _figures(pg_execute, tables)
            seconds["check"] = time.perf_counter() - t4
        finally:
            close_database()
        _compare(want, got)
    finally:
        con.close()
    seconds["total"] = time.perf_counter() - began
    return MoveResult(src.display, str(dst), "postgresql->sqlite", want, seconds)
