"""Database set-up: deferred init, validation of existing databases, numbered migrations.

``database`` is a peewee ``DatabaseProxy`` (peewee's way to choose the database at run time) that
:func:`open_database` points at an SQLite file or a PostgreSQL database (``postgresql://`` URL);
the engine differences live in :mod:`shopcrm.store.engine` and :func:`engine` tells which one is
open. A database that is not ShopCRM's (not SQLite, another program's, damaged, or from a newer
ShopCRM) is refused with :class:`DatabaseOpenError` and never modified.
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

from peewee import Database, DatabaseProxy, Model, OperationalError

from shopcrm.core.paths import DbLocation
from shopcrm.core.texts import t
from shopcrm.store.engine import (
    APPLICATION_ID,
    PRAGMAS,
    DatabaseOpenError,
    Engine,
    PostgresEngine,
    SqliteEngine,
    engine_for,
    sqlite_database,
)

log = logging.getLogger(__name__)

__all__ = ["APPLICATION_ID", "PRAGMAS", "DatabaseOpenError", "database", "engine", "open_database"]

SQLITE_MAGIC = b"SQLite format 3\x00"


class EngineDatabase(DatabaseProxy):
    """The proxy every model is bound to. Transactions are the open database's own (SQLite's
    IMMEDIATE lock type, PostgreSQL's BEGIN), and ``database`` is None until a file is opened,
    as with peewee's deferred ``SqliteDatabase(None)``."""

    @property
    def database(self) -> str | None:
        return self.obj.database

    def __setattr__(self, attr: str, value) -> None:
        """An attribute set on the proxy is set on the open database (a test that wraps
        ``database.commit`` wraps the real one); peewee's Proxy refuses it."""
        if attr in ("obj", "_callbacks", "_Model"):
            object.__setattr__(self, attr, value)
        else:
            setattr(self.obj, attr, value)

    def __delattr__(self, attr: str) -> None:
        delattr(self.obj, attr)

    def init(self, *args, **kwargs) -> None:
        self.obj.init(*args, **kwargs)

    def atomic(self, *args, **kwargs):
        return self.obj.atomic(*args, **kwargs)

    def transaction(self, *args, **kwargs):
        return self.obj.transaction(*args, **kwargs)

    def savepoint(self):
        return self.obj.savepoint()

    def manual_commit(self):
        return self.obj.manual_commit()

    def connection_context(self):
        return self.obj.connection_context()


database = EngineDatabase()
database.initialize(sqlite_database)
_engine: Engine | None = None


def engine() -> Engine:
    """The engine of the open database (SQLite before any is opened)."""
    return _engine or SqliteEngine(Path(database.database or ":memory:"), inspect_file, quick_check)


def for_update() -> str:
    """A row lock (`` FOR NO KEY UPDATE``) on PostgreSQL, nothing on SQLite: append it to the
    SELECT of a row (a balance) that the same transaction then changes, so that two counters never
    both read the old value."""
    return engine().for_update


def indexed_by(index: str) -> str:
    """SQLite's ``INDEXED BY index`` (a planner hint that the query is written for), nothing on
    PostgreSQL (its planner has no hints; the query is correct without one)."""
    return f"INDEXED BY {index}" if engine().name == "sqlite" else ""


def not_indexed() -> str:
    """SQLite's ``NOT INDEXED``: read the table itself in rowid order, for a pass over (nearly)
    every row that an index on a rare condition would only make random; nothing on PostgreSQL."""
    return "NOT INDEXED" if engine().name == "sqlite" else ""


def read_snapshot():
    """``with read_snapshot():`` around reads that must see one state of the database (a list built
    from several queries): SQLite's DEFERRED transaction (it takes no write lock, so a counter's
    sale is not kept waiting), PostgreSQL's REPEATABLE READ (one snapshot for every statement)."""
    if engine().name == "sqlite":
        return database.atomic(lock_type="DEFERRED")
    return database.atomic(isolation_level="REPEATABLE READ")


def analyze_temp(*tables: str) -> None:
    """Planner statistics for temporary tables just filled: PostgreSQL's ANALYZE (without it, it
    guesses 2,550 rows and may join them to the customers by reading every customer); nothing on
    SQLite, whose queries over temporary tables say how to drive them (CROSS JOIN, INDEXED BY)."""
    if engine().name != "sqlite":
        for table in tables:
            database.execute_sql(f"ANALYZE {table}")


def executemany(sql: str, rows: Iterable) -> None:
    """``sql`` (SQLite-style ``?`` parameters) once per row of ``rows``, on the open database's
    connection (sqlite3's executemany; on PostgreSQL a one-row INSERT goes as statements of
    many rows each, psycopg2's execute_values)."""
    engine().executemany(database.obj, sql, rows)


def raw_connection():
    """The open database's connection for hand-written bulk SQL (SQLite-style ``?`` on both
    engines): ``execute(sql, params)`` returning a cursor, ``executemany(sql, rows)`` and
    ``in_transaction``, as an sqlite3 connection has them."""
    return engine().raw_connection(database.obj)


def insert_rows(head: str, values: str, width: int, flat: list, per: int) -> None:
    """INSERT rows given as one flat list of values (``width`` per row): ``head`` is
    ``INSERT INTO t (…) VALUES ``, ``values`` one row's ``(?, …)``. SQLite: ``per`` rows per
    statement (one statement of many rows binds its values in one go, where executemany steps
    the sqlite3 module's loop once per row); PostgreSQL: :func:`executemany`'s pages of rows."""
    n = len(flat) // width
    if engine().name != "sqlite":
        executemany(head + values, [flat[i : i + width] for i in range(0, n * width, width)])
        return
    con = database.connection()
    full = n // per * per
    if full:
        step = width * per
        con.executemany(head + ",".join([values] * per), [flat[i : i + step] for i in range(0, full * width, step)])
    if n > full:
        con.execute(head + ",".join([values] * (n - full)), flat[full * width :])


def claim_ids(table: str, n: int) -> int:
    """Inside a write transaction: the first of ``n`` consecutive ids of ``table`` that it may
    insert explicitly (a bulk load that links rows by id before writing them). On PostgreSQL the
    table then takes no other inserts or updates until the transaction ends (as SQLite's write
    lock), and its id sequence continues after the block."""
    return engine().claim_ids(database.obj, table, n)


def lock_against_writes(*tables: str) -> None:
    """Inside a write transaction: nobody else writes rows of ``tables`` until it ends (readers
    go on), for a bulk write that then reads back "every row above id N" as its own. SQLite's
    write lock does it already; PostgreSQL locks the tables."""
    for table in tables:
        engine().lock_against_writes(database.obj, table)


def page_cache(kib: int):
    """SQLite's page cache at ``kib`` KiB for this connection inside the block, put back after
    (SQLite frees the pages). Nothing on PostgreSQL (the server's shared buffers serve every
    client)."""
    return _sqlite_pragma("cache_size", -int(kib))


def table_names() -> list[str]:
    """The names of ShopCRM's tables in the open database (no engine catalogue tables)."""
    if engine().name == "sqlite":
        sql = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
    else:
        sql = (
            "SELECT c.relname FROM pg_class c WHERE c.relkind IN ('r', 'p') "
            "AND c.relnamespace = current_schema()::regnamespace ORDER BY 1"
        )
    return [r[0] for r in database.execute_sql(sql).fetchall()]


def table_columns(table: str) -> list[tuple[str, str, bool]]:
    """(name, declared type in capitals, not null) of each column of ``table``, in order. The
    types are the engine's own words (SQLite: as declared, 'TEXT', 'INTEGER'…; PostgreSQL:
    'TEXT', 'CHARACTER VARYING', 'BIGINT', 'BOOLEAN', 'TIMESTAMP WITHOUT TIME ZONE'…)."""
    if engine().name == "sqlite":
        rows = database.execute_sql(f'PRAGMA table_info("{table}")').fetchall()
        return [(r[1], (r[2] or "").upper(), bool(r[3])) for r in rows]
    rows = database.execute_sql(
        "SELECT column_name, upper(data_type), is_nullable = 'NO' FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND table_name = %s ORDER BY ordinal_position",
        (table,),
    ).fetchall()
    return [(r[0], r[1], bool(r[2])) for r in rows]


@contextlib.contextmanager
def _sqlite_pragma(name: str, value: int):
    """This SQLite connection's ``PRAGMA name`` at ``value`` inside the block, put back however
    it ends; nothing on PostgreSQL."""
    if engine().name != "sqlite":
        yield
        return
    con = database.connection()
    before = con.execute(f"PRAGMA {name}").fetchone()[0]
    con.execute(f"PRAGMA {name} = {int(value)}")
    try:
        yield
    finally:
        con.execute(f"PRAGMA {name} = {int(before)}")


def secure_delete():
    """Inside the block, what this connection deletes or overwrites is overwritten with zeros in
    the file (SQLite's ``secure_delete``). PostgreSQL has no such setting: the old row versions
    stay in their pages until :func:`scrub` vacuums the tables."""
    return _sqlite_pragma("secure_delete", 1)


def scrub(tables: Iterable[str]) -> dict:
    """After data was deleted or overwritten (outside any transaction): leave no readable copy of
    the old data in the database. Returns ``{"checkpoint_busy": n, "vacuumed": True}``.

    SQLite: the WAL is checkpointed into the file, the file rebuilt without free pages
    (``VACUUM``) and the WAL truncated; busy > 0: another connection was reading, so old pages
    may survive in the WAL until its next checkpoint.

    PostgreSQL: an UPDATE or DELETE leaves the old row version in its page (dead, but on disk and
    in its indexes) until a vacuum; ``VACUUM`` of ``tables`` removes them now (without locking
    out the other counters, as ``VACUUM FULL`` would). What the server still keeps: the bytes of
    removed versions in the pages' free space until new rows reuse it, the server's WAL segments
    until they are recycled (minutes, after the next checkpoints), and any older snapshot a
    still-open transaction of another client holds (its versions are removed by the next vacuum,
    autovacuum included). Backups made earlier keep the person until rotation deletes them."""
    if engine().name == "sqlite":
        database.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        database.execute_sql("VACUUM")
        busy = database.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
        return {"checkpoint_busy": busy, "vacuumed": True}
    for table in dict.fromkeys(tables):
        database.execute_sql(f'VACUUM (ANALYZE) "{table}"')
    return {"checkpoint_busy": 0, "vacuumed": True}


def secondary_indexes(tables: tuple[str, ...], columns: Iterable[str] | None = None) -> list[tuple[str, str]]:
    """(name, CREATE statement) of each secondary index of ``tables`` (no primary key or UNIQUE
    constraint), in creation order; only those on any of ``columns`` when given."""
    return engine().secondary_indexes(database.obj, tables, columns)


# Called with (db_path, from_version, to_version) before pending migrations run on an existing,
# non-empty database. shopcrm.backup registers its pre-migration backup here when imported; the
# app and the command line import it at start-up, and migrate() refuses to run without a hook.
before_migration_hooks: list[Callable[[DbLocation, int, int], None]] = []

# The peewee models, which a new PostgreSQL database's tables are made from: shopcrm.store.models
# fills this when imported (it imports this module, so this module cannot import it).
schema_models: list[type[Model]] = []


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


def open_database(location: DbLocation | str) -> EngineDatabase:
    """Open (creating if needed) the ShopCRM database at ``location`` (an SQLite file path or a
    ``postgresql://`` URL; any other URL raises shopcrm.core.paths.DbLocationError) and bring its
    schema up to date."""
    global _engine
    new = engine_for(location, inspect_file, quick_check)
    if isinstance(new, SqliteEngine):
        existing_version = new.inspect_before_connect()  # before any connection touches the file
        if not database.is_closed():
            database.close()
        db: Database = new.connect()
    else:
        db = new.connect()
        try:
            existing_version = new.inspect(db, latest_version())
        except Exception:
            db.close()
            raise
        if not database.is_closed():
            database.close()
    database.initialize(db)
    _engine = new
    migrate(getattr(new, "path", None), existing_version)
    return database


@contextlib.contextmanager
def checkpoint_deferred(con=None):
    """Around one large write transaction (``con``: ignored, the open database's connection): on SQLite its commit does not also copy the WAL into
    the database file (SQLite's automatic checkpoint, about a third of a second after a 100k-row
    import), which :func:`checkpoint_in_background` does afterwards instead. The commit itself
    is as durable as any (WAL, synchronous=FULL): a checkpoint only moves committed pages.
    Nothing on PostgreSQL (the server checkpoints on its own schedule)."""
    if engine().name != "sqlite":
        yield
        return
    with _sqlite_pragma("wal_autocheckpoint", 0):
        yield
    checkpoint_in_background()


# page cache for a large bulk load (index builds and GROUP BY sort in it; the demo's 1M customers
# and 10M purchases: a 16 MB cache spills every sort into temporary files)
BULK_LOAD_CACHE_KIB = 512 * 1024
# PostgreSQL's counterpart: the memory of each index build and sort of a large load
BULK_LOAD_MAINTENANCE_MEM = "512MB"
BULK_LOAD_WORK_MEM = "256MB"


class BulkLoad:
    """What :func:`bulk_load_settings` yields: the connection for the load's SQL (see
    :func:`raw_connection`) and whether foreign keys went unchecked."""

    def __init__(self, con, *, foreign_keys_off: bool):
        self.con = con
        self.foreign_keys_off = foreign_keys_off

    def __getattr__(self, name):  # execute, executemany, in_transaction: the connection's
        return getattr(self.con, name)

    def verify_foreign_keys(self, tables: Iterable[str]) -> None:
        """Inside the load's transaction, before it commits: every row of ``tables`` has its
        parents (SQLite checks now what it did not check row by row; PostgreSQL checked each
        row as it was written). Raises RuntimeError naming the first orphan."""
        if not self.foreign_keys_off:
            return
        for table in tables:
            bad = self.con.execute(f'PRAGMA foreign_key_check("{table}")').fetchone()
            if bad is not None:
                raise RuntimeError(f"a bulk load wrote a row without its parent: {tuple(bad)}")


@contextlib.contextmanager
def bulk_load_settings(*, large: bool, foreign_keys: bool = False):
    """This connection's settings around one large write transaction opened inside the block (the
    demo data, a large import); yields a :class:`BulkLoad`. Both engines keep every commit
    durable (SQLite synchronous=FULL, PostgreSQL synchronous_commit): this is about speed only.

    SQLite: no foreign-key look-up per row unless ``foreign_keys`` (the caller writes only rows
    whose parents it wrote itself, and may prove it with :meth:`BulkLoad.verify_foreign_keys`;
    the pragma changes only outside a transaction, so it stays on when one is open) and a larger
    page cache when ``large``. (The commit's checkpoint is not deferred: a backup copied right
    after the load then finds the pages in the file, and a command-line load waits for the
    checkpoint before it exits anyway.)

    PostgreSQL: foreign keys are always checked (turning them off needs a superuser; inserting
    parents first keeps every check cheap), and when ``large`` the index builds and sorts get
    more memory (``maintenance_work_mem``, ``work_mem``) for this session.

    Everything is put back however the block ends; the settings belong to this connection."""
    con = raw_connection()
    if engine().name != "sqlite":
        if large:
            con.execute(f"SET maintenance_work_mem = '{BULK_LOAD_MAINTENANCE_MEM}'")
            con.execute(f"SET work_mem = '{BULK_LOAD_WORK_MEM}'")
        try:
            yield BulkLoad(con, foreign_keys_off=False)
        finally:
            if large and not database.is_closed():
                con.execute("RESET maintenance_work_mem")
                con.execute("RESET work_mem")
        return
    previous_fk = None
    if not foreign_keys and not con.in_transaction:
        previous_fk = con.execute("PRAGMA foreign_keys").fetchone()[0]
        con.execute("PRAGMA foreign_keys = OFF")
    try:
        with page_cache(BULK_LOAD_CACHE_KIB) if large else contextlib.nullcontext():
            yield BulkLoad(con, foreign_keys_off=bool(previous_fk))
    finally:
        if previous_fk is not None:
            con.execute(f"PRAGMA foreign_keys = {int(previous_fk)}")


_checkpoints: list[threading.Thread] = []  # started and maybe running: close_database joins them


def checkpoint_in_background() -> threading.Thread | None:
    """A passive checkpoint of the open database on a connection and thread of its own (it never
    waits for readers or writers, and SQLite releases the GIL while it copies). Returns the
    thread (tests join it), or None when no file database is open."""
    path = database.database
    if not path or path == ":memory:" or engine().name != "sqlite":
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


def migrate(path: Path | None, current: int | None = None) -> None:
    """Apply every numbered step above the stored schema version, each in its own transaction.
    An empty PostgreSQL database gets the current schema at once (shopcrm.store.pg_schema)."""
    eng = engine()
    if current is None:
        current = eng.schema_version(database.obj)
    steps = _steps()
    pending = [(n, mod) for n, mod in steps if n > current]
    if not pending:
        return
    if current == 0 and isinstance(eng, PostgresEngine):
        with database.atomic():
            eng.create_schema(database.obj, steps, schema_models)
            eng.mark_version(database.obj, steps[-1][0])
        return
    if current > 0:
        if not before_migration_hooks:  # the store never imports backup (a layer above it)
            raise RuntimeError(
                "an existing database is migrated only after a backup: import "
                "shopcrm.backup first (the app and the command line do at start-up)"
            )
        # the file, or the URL of a PostgreSQL database (backed up with pg_dump)
        location: DbLocation = eng.url if isinstance(eng, PostgresEngine) else path  # type: ignore[assignment]
        for hook in before_migration_hooks:
            hook(location, current, pending[-1][0])
    for number, module in pending:
        with database.atomic():
            eng.migrate_step(database.obj, number, module)
            eng.mark_version(database.obj, number)


def schema_version() -> int:
    return engine().schema_version(database.obj)


def check_integrity() -> str | None:
    """The open database's cheap integrity check (SQLite: quick_check of the file; PostgreSQL:
    it answers and holds ShopCRM's mark). None when healthy, else the problem."""
    return engine().quick_check()


def data_version() -> object:
    """Changes whenever anything was committed to the database since the last call returned the
    same value. Cheap enough to ask before every jump.

    SQLite: by another connection (another thread or process: ``PRAGMA data_version``) or by
    this thread's own (its total of changed rows). PostgreSQL: the server's current snapshot
    (``xmin:xmax:in-progress ids``): a writing transaction takes an id, which moves ``xmax`` when
    it starts and leaves the in-progress list when it ends, so any commit of a change anywhere on
    the server changes it (reads take no id and change nothing)."""
    # with the database's name: two databases (files, or databases of one server) can be at the
    # same version, and a list's count must not pass from one to the other
    if engine().name == "postgresql":
        return database.database, database.execute_sql("SELECT CAST(pg_current_snapshot() AS TEXT)").fetchone()[0]
    version = database.execute_sql("PRAGMA data_version").fetchone()[0]
    return database.database, version, database.connection().total_changes


# how often a PostgreSQL statement inside ``interruptible`` asks whether to go on (seconds)
CANCEL_POLL_SECONDS = 0.02


@contextlib.contextmanager
def interruptible(keep_going: Callable[[], bool], every: int = 20_000):
    """Statements run inside stop when ``keep_going()`` turns False: they raise
    :class:`shopcrm.core.errors.Cancelled`. For a long read in a background job that a newer
    request makes pointless (a count, a walk). ``keep_going`` must be safe to call from another
    thread (a flag, a queued signal).

    SQLite asks it every ``every`` steps of the virtual machine, from this thread (a progress
    handler). PostgreSQL runs the statement on the server: a watcher thread asks every
    :data:`CANCEL_POLL_SECONDS` and sends the server a cancel request for this connection's
    running statement (libpq's cancel, which psycopg2 makes safe from another thread)."""
    from shopcrm.core.errors import Cancelled

    con = database.connection()
    if engine().name != "sqlite":
        stop = threading.Event()
        cancelled = threading.Event()

        def watch() -> None:
            while not stop.wait(CANCEL_POLL_SECONDS):
                if not keep_going():
                    cancelled.set()
                    con.cancel()
                    return

        watcher = threading.Thread(target=watch, name="shopcrm-cancel-watch", daemon=True)
        watcher.start()
        try:
            yield
        except OperationalError as exc:
            if cancelled.is_set() and "cancel" in str(exc):
                raise Cancelled() from exc
            raise
        finally:
            stop.set()
            watcher.join()
        if cancelled.is_set():  # asked to stop between statements, or after the last one
            raise Cancelled()
        return
    con.set_progress_handler(lambda: 0 if keep_going() else 1, every)
    try:
        yield
    except (sqlite3.OperationalError, OperationalError) as exc:
        if "interrupted" in str(exc):
            raise Cancelled() from exc
        raise
    finally:
        con.set_progress_handler(None, every)


def sample_ordered(columns: str, source: str, order: str, params: Iterable, every: int) -> tuple[int, list[tuple]]:
    """One walk of ``SELECT columns FROM source ORDER BY order`` (``source`` is the FROM and WHERE
    part): how many rows it has and the rows 0, ``every``, ``2*every``… (a sampled index of an
    order; run it inside :func:`interruptible` to make it stoppable). SQLite reads every row
    through the cursor; PostgreSQL numbers the rows on the server and sends only the samples."""
    params = list(params)
    if engine().name == "sqlite":
        cur = database.execute_sql(f"SELECT {columns} FROM {source} ORDER BY {order}", params)
        samples: list[tuple] = []
        n = 0
        while rows := cur.fetchmany(every):
            samples.append(tuple(rows[0]))
            n += len(rows)
        return n, samples
    rows = database.execute_sql(
        f"SELECT * FROM (SELECT {columns}, row_number() OVER (ORDER BY {order}) AS sample_n_, "
        f"lead(1) OVER (ORDER BY {order}) IS NULL AS sample_last_ FROM {source}) AS s "
        f"WHERE (sample_n_ - 1) % ? = 0 OR sample_last_ ORDER BY sample_n_",
        [*params, every],
    ).fetchall()
    if not rows:
        return 0, []
    total = rows[-1][-2]
    return total, [tuple(r[:-2]) for r in rows if (r[-2] - 1) % every == 0]


class DroppedIndexes:
    """The secondary indexes of ``tables`` (:func:`secondary_indexes`: every index that is no
    primary key or UNIQUE constraint), optionally only those on any of ``columns``, dropped on
    creation and created again from their same SQL by :meth:`restore`: a bulk write then builds
    each index once by sorting instead of updating it entry by entry at random places. Must run
    inside the caller's transaction, which makes drop, write and restore one atomic change (a
    rollback puts the indexes back as they were; DDL is transactional on both engines). On SQLite
    the planner statistics of the indexes (sqlite_stat1 rows, which DROP INDEX deletes) are put
    back too. On PostgreSQL DROP INDEX locks the table against every other reader until commit:
    only for loads that nobody waits for (:attr:`Engine.rebuilds_indexes` decides for imports)."""

    def __init__(
        self,
        con=None,
        tables: tuple[str, ...] = (),
        columns: Iterable[str] | None = None,
        *,
        exclusive: bool = False,
    ):
        self.con = con or raw_connection()
        wanted = exclusive or engine().rebuilds_indexes  # else nothing is dropped (see indexes_rebuilt)
        self.indexes = secondary_indexes(tables, columns) if wanted else []
        self.stats: list[tuple] = []
        sqlite = engine().name == "sqlite"
        if (
            sqlite
            and self.indexes
            and self.con.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_stat1'"
            ).fetchone()
        ):
            names = [n for n, _ in self.indexes]
            self.stats = self.con.execute(
                f"SELECT tbl, idx, stat FROM sqlite_stat1 WHERE idx IN ({', '.join('?' * len(names))})", names
            ).fetchall()
        for name, _ in self.indexes:
            self.con.execute(f'DROP INDEX "{name}"')

    def restore(self) -> None:
        con = self.con
        for _, sql in self.indexes:
            con.execute(sql)
        if self.stats:
            con.executemany("INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES (?, ?, ?)", self.stats)
            con.execute("ANALYZE sqlite_master")  # the planner reads the statistics again
        self.indexes = []


@contextlib.contextmanager
def indexes_rebuilt(tables: tuple[str, ...], columns: Iterable[str] | None = None, *, exclusive: bool = False):
    """``with indexes_rebuilt(("customer",)):`` around a bulk write inside a transaction (see
    :class:`DroppedIndexes`). An empty ``columns`` drops nothing. PostgreSQL keeps its indexes
    (:attr:`Engine.rebuilds_indexes`: other counters keep reading the tables) unless
    ``exclusive``: a load that nobody waits for (the demo data), after which the tables are
    analysed (a bulk load changes their statistics more than autovacuum waits for)."""
    if (columns is not None and not columns) or not (exclusive or engine().rebuilds_indexes):
        yield
        return
    dropped = DroppedIndexes(raw_connection(), tables, columns, exclusive=exclusive)
    yield
    dropped.restore()
    if engine().name != "sqlite":
        for table in tables:
            database.execute_sql(f'ANALYZE "{table}"')
