"""Database set-up: deferred init, pragmas, validation of existing files, numbered migrations.

``database`` is initialised once per process by :func:`open_database`. A file that is not a
ShopCRM database (not SQLite, another program's SQLite, damaged, or from a newer ShopCRM) is
refused with :class:`DatabaseOpenError` and never modified.
"""

from __future__ import annotations

import contextlib
import importlib
import logging
import os
import pkgutil
import sqlite3
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from types import ModuleType

from peewee import OperationalError, SqliteDatabase

from shopcrm.core.texts import t

log = logging.getLogger(__name__)

APPLICATION_ID = 0x53435243  # "SCRC": marks a file as a ShopCRM database
SQLITE_MAGIC = b"SQLite format 3\x00"

PRAGMAS = {
    "journal_mode": "wal",
    # FULL: a committed change to money survives a power cut, in WAL at the cost of one fsync
    # per commit (imports are one transaction, so that cost is per import, not per row)
    "synchronous": 2,
    "foreign_keys": 1,
    "busy_timeout": 10_000,
    "cache_size": -16_000,  # 16 MB page cache
    "temp_store": 2,  # memory
}

# IMMEDIATE: a write transaction takes the write lock when it begins, so a second process waits
# (busy_timeout) instead of failing with "database is locked" when its read snapshot turns
# stale on the first write (SQLITE_BUSY_SNAPSHOT, which busy_timeout cannot retry).
database = SqliteDatabase(None, lock_type="IMMEDIATE")

# Called with (db_path, from_version, to_version) before pending migrations run on an existing,
# non-empty database. shopcrm.backup registers its pre-migration backup here when imported; the
# app and the command line import it at start-up, and migrate() refuses to run without a hook.
before_migration_hooks: list[Callable[[Path, int, int], None]] = []


class DatabaseOpenError(Exception):
    """A database file that ShopCRM refuses to open; ``str(e)`` is a message for the user.
    ``kind`` is the message key (``db.damaged``, ``db.not_sqlite``…) for callers that react."""

    def __init__(self, message: str, kind: str = ""):
        super().__init__(message)
        self.kind = kind


def _steps() -> list[tuple[int, ModuleType]]:
    import shopcrm.store.migrations as pkg

    steps = []
    for info in pkgutil.iter_modules(pkg.__path__):
        if info.name.startswith("m") and info.name[1:5].isdigit():
            steps.append((int(info.name[1:5]), importlib.import_module(f"{pkg.__name__}.{info.name}")))
    steps.sort(key=lambda s: s[0])
    return steps


def latest_version() -> int:
    steps = _steps()
    return steps[-1][0] if steps else 0


def _check_marker(path: Path) -> Path:
    """Written beside a database whose background quick_check failed: the next start checks it
    fully before opening it."""
    return Path(str(path) + ".check-failed")


def _truncated(path: Path, header: bytes) -> bool:
    """The header's page count times the page size is more than the file holds (a cut-off copy).
    The in-header size is only trusted when SQLite marked it valid for this change counter."""
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    valid = header[24:28] == header[92:96]
    return valid and pages > 0 and path.stat().st_size < pages * page_size


def inspect_file(path: Path, *, deep: bool | None = None) -> int:
    """Check an existing file without writing to it. Returns its schema version (0 = an empty
    SQLite database we may take over). Raises DatabaseOpenError when it must not be opened.

    The default check is cheap whatever the size of the file (header, truncation, schema), so
    that start-up never waits for a full read of a large database; ``deep=True`` adds
    ``PRAGMA quick_check`` (default: deep when an earlier background check found a problem).
    :func:`quick_check` runs the deep check in the background after start-up."""
    if deep is None:
        deep = _check_marker(path).exists()
    with open(path, "rb") as fh:
        header = fh.read(100)
    if len(header) < 100 or not header.startswith(SQLITE_MAGIC):
        raise DatabaseOpenError(t("db.not_sqlite", path=path), "db.not_sqlite")
    if _truncated(path, header):
        raise DatabaseOpenError(t("db.damaged", path=path, reason="file is shorter than its header says"), "db.damaged")
    # with no -wal beside it, read it as immutable: a read-only open of a WAL-mode file would
    # otherwise create empty -wal/-shm files next to a file we are about to refuse
    wal_exists = Path(str(path) + "-wal").exists()
    uri = path.resolve().as_uri() + ("?mode=ro" if wal_exists else "?mode=ro&immutable=1")
    check = "ok"
    try:
        con = sqlite3.connect(uri, uri=True)
        try:
            app_id = con.execute("PRAGMA application_id").fetchone()[0]
            version = con.execute("PRAGMA user_version").fetchone()[0]
            tables = con.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
            if deep:
                check = con.execute("PRAGMA quick_check(1)").fetchone()[0]
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        raise DatabaseOpenError(t("db.damaged", path=path, reason=exc), "db.damaged") from exc
    if check != "ok":
        raise DatabaseOpenError(t("db.damaged", path=path, reason=check), "db.damaged")
    if app_id != APPLICATION_ID:
        if tables == 0 and version == 0:
            return 0
        raise DatabaseOpenError(t("db.not_shopcrm", path=path), "db.not_shopcrm")
    if version > latest_version():
        raise DatabaseOpenError(t("db.too_new", path=path, found=version, supported=latest_version()), "db.too_new")
    return version


def lower_thread_priority() -> None:
    """The calling thread at the lowest CPU priority where the system allows it (Linux: threads
    have nice values of their own), for a long check that must never compete with the clerk's
    work. Only for a thread that ends with its work: the priority cannot be raised again."""
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 19)
    except (AttributeError, OSError):  # expected: Windows, macOS threads; the check still yields the GIL
        pass


def quick_check(path: str | Path, *, low_priority: bool = False) -> str | None:
    """The full ``PRAGMA quick_check`` of an open database, on its own read-only connection (safe
    in a background thread while the app works; ``low_priority`` for a thread of its own, see
    :func:`lower_thread_priority`). Returns None when healthy, else the problem; a problem is
    remembered beside the file so that the next start checks it before opening."""
    if low_priority:
        lower_thread_priority()
    path = Path(path)
    marker = _check_marker(path)
    try:
        con = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
        try:
            result = con.execute("PRAGMA quick_check(1)").fetchone()[0]
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        result = str(exc)
    if result == "ok":
        marker.unlink(missing_ok=True)
        return None
    log.error("integrity check of %s found a problem: %s", path, result)
    marker.write_text(result, encoding="utf-8")
    return result


def open_database(path: str | Path) -> SqliteDatabase:
    """Open (creating if needed) the ShopCRM database at ``path`` and bring its schema up to date."""
    path = Path(path)
    existing_version = 0
    if path.exists() and path.stat().st_size > 0:
        existing_version = inspect_file(path)
    else:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DatabaseOpenError(t("db.cannot_create", path=path, reason=exc), "db.cannot_create") from exc
    if not database.is_closed():
        database.close()
    database.init(str(path), pragmas=PRAGMAS)
    try:
        database.connect()
    except Exception as exc:  # peewee wraps sqlite3 errors (permissions, read-only folder, …)
        raise DatabaseOpenError(t("db.cannot_create", path=path, reason=exc), "db.cannot_create") from exc
    migrate(path, existing_version)
    return database


@contextlib.contextmanager
def checkpoint_deferred(con: sqlite3.Connection):
    """Around one large write transaction on ``con``: its commit does not also copy the WAL into
    the database file (SQLite's automatic checkpoint, about a third of a second after a 100k-row
    import), which :func:`checkpoint_in_background` does afterwards instead. The commit itself
    is as durable as any (WAL, synchronous=FULL): a checkpoint only moves committed pages."""
    before = con.execute("PRAGMA wal_autocheckpoint").fetchone()[0]
    con.execute("PRAGMA wal_autocheckpoint = 0")
    try:
        yield
    finally:
        con.execute(f"PRAGMA wal_autocheckpoint = {int(before)}")
    checkpoint_in_background()


# page cache for a large bulk load (index builds and GROUP BY sort in it; the demo's 1M customers
# and 10M purchases: a 16 MB cache spills every sort into temporary files)
BULK_LOAD_CACHE_KIB = 512 * 1024


@contextlib.contextmanager
def bulk_load_settings(*, large: bool):
    """This connection's settings around one large write transaction opened inside the block (the
    demo data): no foreign-key look-up per row (the caller writes only rows whose parents it wrote
    itself; the pragma changes only outside a transaction, so it stays on when one is open) and
    a larger page cache when ``large``. Both are put back however the block ends; the settings
    belong to this connection and are never stored in the file. (The commit's checkpoint is not
    deferred: a backup copied right after the load then finds the pages in the file, and a
    command-line load waits for the checkpoint before it exits anyway.)"""
    con = database.connection()
    foreign_keys = None
    if not con.in_transaction:
        foreign_keys = con.execute("PRAGMA foreign_keys").fetchone()[0]
        con.execute("PRAGMA foreign_keys = OFF")
    cache = con.execute("PRAGMA cache_size").fetchone()[0]
    if large:
        con.execute(f"PRAGMA cache_size = {-BULK_LOAD_CACHE_KIB}")
    try:
        yield con
    finally:
        con.execute(f"PRAGMA cache_size = {int(cache)}")
        if foreign_keys is not None:
            con.execute(f"PRAGMA foreign_keys = {int(foreign_keys)}")


_checkpoints: list[threading.Thread] = []  # started and maybe running: close_database joins them


def checkpoint_in_background() -> threading.Thread | None:
    """A passive checkpoint of the open database on a connection and thread of its own (it never
    waits for readers or writers, and SQLite releases the GIL while it copies). Returns the
    thread (tests join it), or None when no file database is open."""
    path = database.database
    if not path or path == ":memory:":
        return None
    thread = threading.Thread(target=_checkpoint, args=(path,), name="shopcrm-checkpoint", daemon=True)
    thread.start()
    _checkpoints[:] = [t for t in _checkpoints if t.is_alive()] + [thread]
    return thread


def _checkpoint(path: str) -> None:
    try:
        con = sqlite3.connect(path, timeout=1, isolation_level=None)
        try:
            con.execute("PRAGMA wal_checkpoint(PASSIVE)")
        finally:
            con.close()
    except sqlite3.Error as exc:  # busy or closed meanwhile: the next commit's automatic checkpoint does it
        log.info("background checkpoint of %s skipped: %s", path, exc)


def close_database() -> None:
    """Close this thread's connection, after any background checkpoint has finished: the last
    connection to close then leaves a file without a WAL beside it."""
    for thread in _checkpoints:
        thread.join(timeout=30)
    _checkpoints.clear()
    if database.database is not None and not database.is_closed():
        database.close()


def migrate(path: Path, current: int | None = None) -> None:
    """Apply every numbered step above the stored ``user_version``, each in its own transaction."""
    if current is None:
        current = database.execute_sql("PRAGMA user_version").fetchone()[0]
    pending = [(n, mod) for n, mod in _steps() if n > current]
    if not pending:
        return
    if current > 0:
        if not before_migration_hooks:  # the store never imports backup (a layer above it)
            raise RuntimeError(
                "an existing database is migrated only after a backup: import "
                "shopcrm.backup first (the app and the command line do at start-up)"
            )
        for hook in before_migration_hooks:
            hook(path, current, pending[-1][0])
    for number, module in pending:
        with database.atomic():
            module.migrate(database)
            database.execute_sql(f"PRAGMA user_version = {int(number)}")
            database.execute_sql(f"PRAGMA application_id = {APPLICATION_ID}")


def schema_version() -> int:
    return database.execute_sql("PRAGMA user_version").fetchone()[0]


def data_version() -> tuple[int, int]:
    """Changes whenever anything was committed to the database since the last call returned the
    same value: by another connection (another thread or process: ``PRAGMA data_version``) or by
    this thread's own (its total of changed rows). Cheap enough to ask before every jump."""
    version = database.execute_sql("PRAGMA data_version").fetchone()[0]
    return version, database.connection().total_changes


@contextlib.contextmanager
def interruptible(keep_going: Callable[[], bool], every: int = 20_000):
    """Statements run inside stop when ``keep_going()`` turns False (asked every ``every`` SQLite
    steps, from this thread): they raise :class:`shopcrm.core.errors.Cancelled`. For a long
    read in a background job that a newer request makes pointless (a count, a walk)."""
    from shopcrm.core.errors import Cancelled

    con = database.connection()
    con.set_progress_handler(lambda: 0 if keep_going() else 1, every)
    try:
        yield
    except (sqlite3.OperationalError, OperationalError) as exc:
        if "interrupted" in str(exc):
            raise Cancelled() from exc
        raise
    finally:
        con.set_progress_handler(None, every)


class DroppedIndexes:
    """The secondary indexes of ``tables`` (every index with SQL of its own, not a primary key or
    UNIQUE constraint), optionally only those on any of ``columns``, dropped on creation and
    created again from that same SQL by :meth:`restore`: a bulk write then builds each index once
    by sorting instead of updating it entry by entry at random places. Must run inside the
    caller's transaction, which makes drop, write and restore one atomic change (a rollback puts
    the indexes back as they were). The planner statistics of the indexes (sqlite_stat1 rows,
    which DROP INDEX deletes) are put back too."""

    def __init__(self, con, tables: tuple[str, ...], columns: Iterable[str] | None = None):
        self.con = con
        marks = ", ".join("?" * len(tables))
        found = con.execute(
            f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
            f"AND tbl_name IN ({marks}) ORDER BY rowid",
            tables,
        ).fetchall()
        if columns is not None:
            wanted = set(columns)
            found = [(n, q) for n, q in found if wanted & {r[2] for r in con.execute(f'PRAGMA index_info("{n}")')}]
        self.indexes = found
        self.stats: list[tuple] = []
        if (
            self.indexes
            and con.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_stat1'").fetchone()
        ):
            names = [n for n, _ in self.indexes]
            self.stats = con.execute(
                f"SELECT tbl, idx, stat FROM sqlite_stat1 WHERE idx IN ({', '.join('?' * len(names))})", names
            ).fetchall()
        for name, _ in self.indexes:
            con.execute(f'DROP INDEX "{name}"')

    def restore(self) -> None:
        con = self.con
        for _, sql in self.indexes:
            con.execute(sql)
        if self.stats:
            con.executemany("INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES (?, ?, ?)", self.stats)
            con.execute("ANALYZE sqlite_master")  # the planner reads the statistics again
        self.indexes = []


@contextlib.contextmanager
def indexes_rebuilt(tables: tuple[str, ...], columns: Iterable[str] | None = None):
    """``with indexes_rebuilt(("customer",)):`` around a bulk write inside a transaction (see
    :class:`DroppedIndexes`). An empty ``columns`` drops nothing."""
    if columns is not None and not columns:
        yield
        return
    dropped = DroppedIndexes(database.connection(), tables, columns)
    yield
    dropped.restore()
