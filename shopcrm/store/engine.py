"""The database engines behind one small interface: SQLite (a file, the embedded default) and
PostgreSQL (a server, for several counters and stores; issue #18).

Everything that differs between them and is not plain SQL lives here: making and connecting the
peewee database, the schema-version marker, the "is this a ShopCRM database" check, creating a
fresh schema, the integrity check and the few SQL spellings that differ (:attr:`Engine.for_update`).
The rest of the program asks :func:`shopcrm.store.db.engine` when it must branch on
:attr:`Engine.name`.

PostgreSQL schema and migrations
--------------------------------
The numbered migration steps are frozen SQLite DDL. A fresh PostgreSQL database is not built by
replaying them: :meth:`PostgresEngine.create_schema` creates the current schema at once, with the
tables from the peewee models (their column types are what peewee reads and writes) and, taken
from a fresh SQLite schema built by the steps in memory, everything the steps add that the models
do not say: the indexes (same names, same columns, same partial conditions), the UNIQUE
constraints, CHECK constraints, column defaults, the triggers, and the rows the steps seed
(levels, settings). ``tests/store/test_engines.py`` compares the two schemas, so a step that adds
something the PostgreSQL schema would miss fails a test.

A PostgreSQL database created at version N is upgraded by each later step's
``migrate_postgres(db)`` (its own DDL, in the same transaction as the version change): every step
numbered above :data:`POSTGRES_BASELINE` must define one (a test checks), and a database whose
next step has none is refused rather than half-upgraded.
"""

from __future__ import annotations

import functools
import logging
import os
import re
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urlsplit

from peewee import (
    Database,
    DatabaseError as PeeweeDatabaseError,
    InterfaceError as PeeweeInterfaceError,
    Model,
    OperationalError as PeeweeOperationalError,
    PostgresqlDatabase,
    SqliteDatabase,
)

from shopcrm.core.paths import DbLocation, PgUrl, redact as redact_url
from shopcrm.core.texts import register, t

log = logging.getLogger(__name__)

APPLICATION_ID = 0x53435243  # "SCRC": marks a database as ShopCRM's (SQLite application_id, shopcrm_meta)
POSTGRES_BASELINE = 21  # the schema version whose PostgreSQL form is built by create_schema alone
META_TABLE = "shopcrm_meta"
KEYRING_SERVICE = "ShopCRM PostgreSQL"  # keyring entries: user@host:port/database -> password
# PostgreSQL ends a session idle inside a transaction for this long (PostgresEngine.connect_params)
IDLE_IN_TRANSACTION_SECONDS = 60


class DatabaseOpenError(Exception):
    """A database that ShopCRM refuses to open; ``str(e)`` is a message for the user.
    ``kind`` is the message key (``db.damaged``, ``db.not_sqlite``…) for callers that react."""

    def __init__(self, message: str, kind: str = ""):
        super().__init__(message)
        self.kind = kind


class BackupError(Exception):
    """A backup, its check or a restore failed; ``str(e)`` is a message for the user. Nothing was
    changed. Raised by the engines' backup primitives (:mod:`shopcrm.store.sqlite_backup`,
    :mod:`shopcrm.store.pg_backup`); :mod:`shopcrm.backup` re-exports it."""


register(
    {
        "backup.failed": ("备份失败：{reason}", "Backup failed: {reason}"),
        "backup.not_backup": (
            "“{path}”不是可用的 ShopCRM 备份：{reason}",
            "“{path}” is not a usable ShopCRM backup: {reason}",
        ),
    }
)


class Engine(ABC):
    """One database engine at one location."""

    name: ClassVar[str]
    # appended to a SELECT of a row that the same transaction then changes (a balance): SQLite's
    # IMMEDIATE transaction already holds the write lock, PostgreSQL locks the row
    for_update: ClassVar[str] = ""

    @property
    @abstractmethod
    def label(self) -> str:
        """The location for messages and the status bar (never a password)."""

    @abstractmethod
    def connect(self) -> Database:
        """A connected peewee database for this location (DatabaseOpenError when impossible)."""

    @abstractmethod
    def inspect(self, db: Database, latest: int) -> int:
        """The schema version of the connected database (0: empty, ours to create). Raises
        DatabaseOpenError for another program's database or one from a newer ShopCRM."""

    @abstractmethod
    def schema_version(self, db: Database) -> int: ...

    @abstractmethod
    def mark_version(self, db: Database, version: int) -> None:
        """Record ``version`` and the ShopCRM mark, inside the caller's transaction."""

    def create_schema(self, db: Database, steps: list[tuple[int, Any]], models: list[type[Model]]) -> bool:
        """Create the current schema (``models`` are the peewee models) in an empty database at
        once; False when the engine builds it step by step instead (SQLite: the steps are its DDL)."""
        return False

    def migrate_step(self, db: Database, number: int, module: Any) -> None:
        module.migrate(db)

    @abstractmethod
    def quick_check(self) -> str | None:
        """A cheap integrity check on a connection of its own: None when healthy, else the problem."""

    # --- bulk writes (imports, the demo data): shopcrm.store.db's helpers ask these ---------------

    @abstractmethod
    def raw_connection(self, db: Database) -> Any:
        """The connection for hand-written bulk SQL: ``execute(sql, params)`` returning a cursor,
        ``executemany(sql, rows)``, ``in_transaction`` (sqlite3's connection, or the same few
        methods on PostgreSQL), taking SQLite-style ``?`` SQL on both engines."""

    @abstractmethod
    def executemany(self, db: Database, sql: str, rows: Iterable) -> None:
        """``sql`` once per row, as fast as the engine's driver allows."""

    def lock_against_writes(self, db: Database, table: str) -> None:
        """Until this write transaction ends, nobody else inserts, updates or deletes rows of
        ``table`` (reads go on). SQLite: its IMMEDIATE transaction holds the write lock already."""
        return None

    @abstractmethod
    def claim_ids(self, db: Database, table: str, n: int) -> int:
        """The first of ``n`` consecutive ids of ``table`` that this transaction may insert
        explicitly and that nobody else will use."""

    @abstractmethod
    def secondary_indexes(
        self, db: Database, tables: tuple[str, ...], columns: Iterable[str] | None = None
    ) -> list[tuple[str, str]]:
        """(name, CREATE statement) of every index of ``tables`` that is no primary key or UNIQUE
        constraint, in creation order; only those on any of ``columns`` when given."""

    # whether dropping the secondary indexes around a large bulk write and creating them again
    # pays (see shopcrm.store.db.DroppedIndexes)
    rebuilds_indexes: ClassVar[bool] = True


# --- SQLite ----------------------------------------------------------------------------------------

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
sqlite_database = SqliteDatabase(None, lock_type="IMMEDIATE")


class SqliteEngine(Engine):
    name = "sqlite"

    def __init__(self, path: Path, inspect_file: Callable[[Path], int], check: Callable[[Path], str | None]):
        self.path = path
        self._inspect_file = inspect_file
        self._check = check

    @property
    def label(self) -> str:
        return str(self.path)

    def connect(self) -> Database:
        path = self.path
        if not (path.exists() and path.stat().st_size > 0):
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise DatabaseOpenError(t("db.cannot_create", path=path, reason=exc), "db.cannot_create") from exc
        db = sqlite_database
        if not db.is_closed():
            db.close()
        db.init(str(path), pragmas=PRAGMAS)
        try:
            db.connect()
        except Exception as exc:  # peewee wraps sqlite3 errors (permissions, read-only folder, …)
            raise DatabaseOpenError(t("db.cannot_create", path=path, reason=exc), "db.cannot_create") from exc
        return db

    def inspect_before_connect(self) -> int:
        """The file is checked before any connection touches it (a refused file is never modified)."""
        if self.path.exists() and self.path.stat().st_size > 0:
            return self._inspect_file(self.path)
        return 0

    def inspect(self, db: Database, latest: int) -> int:
        return self.schema_version(db)

    def schema_version(self, db: Database) -> int:
        return db.execute_sql("PRAGMA user_version").fetchone()[0]

    def mark_version(self, db: Database, version: int) -> None:
        db.execute_sql(f"PRAGMA user_version = {int(version)}")
        db.execute_sql(f"PRAGMA application_id = {APPLICATION_ID}")

    def quick_check(self) -> str | None:
        return self._check(self.path)

    def raw_connection(self, db: Database) -> Any:
        return db.connection()

    def executemany(self, db: Database, sql: str, rows: Iterable) -> None:
        db.connection().executemany(sql, rows)

    def claim_ids(self, db: Database, table: str, n: int) -> int:
        # the IMMEDIATE transaction holds the write lock: nobody else inserts meanwhile
        return db.execute_sql(f'SELECT COALESCE(MAX(id), 0) + 1 FROM "{table}"').fetchone()[0]

    def secondary_indexes(
        self, db: Database, tables: tuple[str, ...], columns: Iterable[str] | None = None
    ) -> list[tuple[str, str]]:
        con = db.connection()
        found = con.execute(
            f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
            f"AND tbl_name IN ({', '.join('?' * len(tables))}) ORDER BY rowid",
            tables,
        ).fetchall()
        if columns is not None:
            wanted = set(columns)
            found = [(n, q) for n, q in found if wanted & {r[2] for r in con.execute(f'PRAGMA index_info("{n}")')}]
        return found


# --- PostgreSQL ------------------------------------------------------------------------------------

_PLACEHOLDER_WORK = re.compile(r"[?%']|INSERT OR IGNORE", re.IGNORECASE)


@functools.lru_cache(maxsize=2048)
def postgres_sql(sql: str) -> str:
    """Raw SQL written for SQLite (``?`` placeholders, ``INSERT OR IGNORE``) in PostgreSQL's
    spelling for psycopg (``%s``, ``%%`` for a literal percent sign, ``ON CONFLICT DO NOTHING``).
    SQL that peewee built for PostgreSQL (it has ``%s`` and no ``?``) is returned unchanged. Any
    other SQLite-only SQL (PRAGMA, GLOB, INDEXED BY, date functions) is left for PostgreSQL to refuse
    loudly: those call sites need an engine-neutral form (the list in the issue's notes)."""
    if "?" not in sql and "%s" in sql:
        return sql
    out: list[str] = []
    quote = ""
    for ch in sql:
        if ch == "%":
            out.append("%%")
            continue
        if quote:
            out.append(ch)
            if ch == quote:
                quote = ""
            continue
        if ch in "'\"":
            quote = ch
        out.append("%s" if ch == "?" else ch)
    result = "".join(out)
    head = result.lstrip()
    if head[:21].upper() == "INSERT OR IGNORE INTO":
        result = "INSERT INTO" + head[21:].rstrip().rstrip(";") + " ON CONFLICT DO NOTHING"
    return result


CHANGES_CHANNEL = "shopcrm_changed"  # NOTIFY channel: another connection committed a change
_DB_ERRORS = (PeeweeDatabaseError, PeeweeInterfaceError)  # peewee's InterfaceError is no DatabaseError
_WRITES = ("INSERT", "UPDATE", "DELETE", "WITH", "COPY", "TRUNCATE", "CREATE", "ALTER", "DROP")

register(
    {
        "db.connection_lost": (
            "与服务器的连接已断开（{reason}）。这一步没有保存；ShopCRM 正在重连，连上后请再试一次。",
            "The connection to the server was lost ({reason}). This step was not saved; ShopCRM is "
            "reconnecting: try again once it is back.",
        ),
        "db.being_replaced": (
            "数据库正在从备份恢复，恢复结束前不能读写。这一步没有保存；恢复结束后请再试一次。",
            "The database is being restored from a backup and cannot be used until that ends. This "
            "step was not saved: try again once the restore is done.",
        ),
        "db.being_replaced_reason": ("数据库正在从备份恢复", "the database is being restored from a backup"),
    }
)


class ConnectionLost(PeeweeOperationalError):
    """The connection to the PostgreSQL server broke (server restarted, network gone). The
    transaction it was in is gone on the server (nothing of it was committed); ``str(e)`` is a
    message for the user. The next statement outside a transaction reconnects by itself."""

    def __init__(self, reason: str, message: str | None = None):
        super().__init__(message or t("db.connection_lost", reason=reason))
        self.reason = reason


class DatabaseBeingReplaced(ConnectionLost):
    """The open PostgreSQL database is being dropped and restored from a backup (by this program,
    another thread, or another counter): nothing can be read or written until that ends. Handled
    like a lost connection (nothing of the step was saved; the window waits and comes back)."""

    def __init__(self) -> None:
        super().__init__(t("db.being_replaced_reason"), t("db.being_replaced"))


_replacing: int | None = None  # the thread restoring the open PostgreSQL database, while it does

# SQLSTATEs that mean the database or its tables are not there: on a ShopCRM database that only
# happens between the DROP and the end of a restore (on this counter or another one)
_REPLACED_STATES = frozenset({"42P01", "3D000"})  # undefined_table, invalid_catalog_name


@contextmanager
def replacing_database() -> Iterator[None]:
    """Around a restore that drops the open PostgreSQL database and creates it again: meanwhile
    every other thread's statement raises :class:`DatabaseBeingReplaced` at once, instead of
    meeting a missing database or, before ``pg_restore`` commits, missing tables."""
    global _replacing
    _replacing = threading.get_ident()
    try:
        yield
    finally:
        _replacing = None


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


class ShopPostgresqlDatabase(PostgresqlDatabase):
    """peewee's PostgreSQL database that also takes the program's raw SQLite-style SQL (see
    :func:`postgres_sql`), so that the many raw queries that are plain SQL run on both engines.

    Two things for several counters at once (issue #18): a committed write sends
    ``NOTIFY shopcrm_changed`` (in the same transaction, so a rolled-back one sends nothing) for
    the other counters' lists and badges (:mod:`shopcrm.store.changes`); and a broken connection
    raises :class:`ConnectionLost` and is replaced by a new one at the next statement outside a
    transaction (inside one the transaction is lost and must fail as a whole: never half a change)."""

    _state: Any  # peewee's per-thread connection state

    def _broken(self) -> bool:
        return not self._state.closed and bool(getattr(self._state.conn, "closed", 0))

    def reconnect_if_broken(self) -> bool:
        """Replace a broken connection of this thread (outside a transaction). True when it was
        replaced; raises ConnectionLost while the server cannot be reached."""
        if self.in_transaction() or not (self._broken() or self._gone):
            return False
        self.close()
        self._gone = True  # until a connection is made again: its failure is a lost connection too
        try:
            self.connect()
        except _DB_ERRORS as exc:
            raise ConnectionLost(_first_line(exc)) from exc
        self._gone = False
        log.info("reconnected to %s", redact_url(self.database))
        return True

    _gone = False  # a connection broke and none could be made since

    def _lost(self, exc: BaseException) -> BaseException:
        """``exc`` as ConnectionLost when the connection broke with it, else itself."""
        if isinstance(exc.__context__, ConnectionLost):  # peewee re-raises what cursor() raised as its own
            return exc.__context__
        if isinstance(exc, ConnectionLost):
            return exc
        if getattr(exc.__context__, "pgcode", None) in _REPLACED_STATES:
            return DatabaseBeingReplaced()
        if not self._broken():
            return exc
        return ConnectionLost(_first_line(exc))

    def cursor(self, named_cursor=None):
        if _replacing is not None and _replacing != threading.get_ident():
            raise DatabaseBeingReplaced()
        self.reconnect_if_broken()
        return super().cursor(named_cursor)

    def execute_sql(self, sql, params=None, *args, **kwargs):
        try:
            cursor = super().execute_sql(postgres_sql(sql), params, *args, **kwargs)
            if not self.in_transaction() and sql.lstrip()[:8].upper().startswith(_WRITES):
                cursor.connection.cursor().execute(f"NOTIFY {CHANGES_CHANNEL}")  # autocommit: committed now
        except _DB_ERRORS as exc:
            raise self._lost(exc) from exc
        return cursor

    def begin(self, *args, lock_type: str | None = None, **kwargs):
        # lock_type is SQLite's (DEFERRED / IMMEDIATE): a PostgreSQL transaction locks rows as it goes
        try:
            return super().begin(*args, **kwargs)
        except _DB_ERRORS as exc:
            raise self._lost(exc) from exc

    def commit(self):
        if self._broken():  # never COMMIT on a new connection: the transaction died with the old one
            raise ConnectionLost("connection closed")
        try:
            # a transaction that wrote has a transaction id: only then the others hear of it
            self._state.conn.cursor().execute(
                f"SELECT pg_notify('{CHANGES_CHANNEL}', '') WHERE pg_current_xact_id_if_assigned() IS NOT NULL"
            )
            return super().commit()
        except Exception as exc:
            raise self._lost(exc) from exc

    def rollback(self):
        if self._broken():
            return None  # the server has dropped the transaction with the connection
        try:
            return super().rollback()
        except _DB_ERRORS as exc:
            raise self._lost(exc) from exc


def keyring_account(url: str) -> str:
    """The keyring entry of a server database: ``user@host:port/database``."""
    parts = urlsplit(url)
    return f"{parts.username or ''}@{parts.hostname or ''}:{parts.port or 5432}{parts.path}"


def remember_password(url: str, password: str) -> str | None:
    """Keep ``password`` for ``url`` in the system keyring (service ``ShopCRM PostgreSQL``), never
    in a settings file. None when kept, else the reason it could not be (no keyring here)."""
    try:
        import keyring

        keyring.set_password(KEYRING_SERVICE, keyring_account(url), password)
    except Exception as exc:  # noqa: BLE001  any backend's own errors: the caller says it was not kept
        log.info("password for %s not kept in the keyring: %s", keyring_account(url), exc)
        return str(exc) or type(exc).__name__
    return None


def forget_password(url: str) -> None:
    """Remove a kept password (the user unticked 记住密码); nothing when none was kept."""
    try:
        import keyring

        keyring.delete_password(KEYRING_SERVICE, keyring_account(url))
    except Exception as exc:  # noqa: BLE001  none kept, or no keyring here: nothing to remove
        log.info("no kept password removed for %s: %s", keyring_account(url), exc)


def _keyring_password(url: PgUrl) -> str | None:
    account = keyring_account(url)
    try:
        import keyring

        return keyring.get_password(KEYRING_SERVICE, account)
    except Exception as exc:  # noqa: BLE001  any backend's own errors (none usable: a server, CI); .pgpass still applies
        log.info("no keyring password for %s: %s", account, exc)
        return None


class PostgresEngine(Engine):
    name = "postgresql"
    # NO KEY UPDATE, not UPDATE: the transaction has often inserted a row that references the
    # customer already (a top-up, a sale), which holds KEY SHARE on it; FOR UPDATE would wait for
    # the other counter's KEY SHARE while it waits for ours (a deadlock). The balance columns are
    # no key, and the UPDATE that follows takes this same lock.
    for_update = " FOR NO KEY UPDATE"

    def __init__(self, url: PgUrl):
        # libpq reads both schemes; peewee passes only postgresql:// through as a connection URI
        self.url = PgUrl("postgresql://" + url.split("://", 1)[1]) if url.startswith("postgres://") else url

    @property
    def label(self) -> str:
        return self.url.display

    def connect_params(self) -> dict[str, Any]:
        """Password: in the URL (command line or SHOPCRM_DB), else the system keyring, else libpq's
        own ``.pgpass`` / PGPASSWORD. ``sslmode`` and any other URL parameter go to libpq as given."""
        from urllib.parse import parse_qs

        params: dict[str, Any] = {}
        if "options" not in parse_qs(urlsplit(self.url).query):
            # a counter that stops answering inside a transaction (its PC froze, lost power or
            # its network) would hold its row locks until TCP gave up on it (hours): the server
            # ends such a session after this long. ShopCRM never waits on a person inside a
            # transaction, so none of its own comes near it. (A process that dies is noticed at
            # once: its socket closes with it.)
            params["options"] = f"-c idle_in_transaction_session_timeout={IDLE_IN_TRANSACTION_SECONDS * 1000}"
        if self.url.password is None and not os.environ.get("PGPASSWORD"):
            password = _keyring_password(self.url)
            if password:
                params["password"] = password
        return params

    def connect(self) -> Database:
        db = ShopPostgresqlDatabase(self.url, **self.connect_params())
        try:
            db.connect()
        except Exception as exc:
            reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise DatabaseOpenError(
                t("db.pg_unreachable", path=self.label, reason=reason), "db.pg_unreachable"
            ) from exc
        return db

    def _tables(self, db: Database) -> list[str]:
        return db.get_tables()

    def inspect(self, db: Database, latest: int) -> int:
        tables = self._tables(db)
        if META_TABLE not in tables:
            if tables:
                raise DatabaseOpenError(t("db.pg_not_shopcrm", path=self.label), "db.not_shopcrm")
            return 0
        row = db.execute_sql(f"SELECT application_id, version FROM {META_TABLE}").fetchone()
        if row is None or row[0] != APPLICATION_ID:
            raise DatabaseOpenError(t("db.pg_not_shopcrm", path=self.label), "db.not_shopcrm")
        if row[1] > latest:
            raise DatabaseOpenError(t("db.too_new", path=self.label, found=row[1], supported=latest), "db.too_new")
        return row[1]

    def schema_version(self, db: Database) -> int:
        if META_TABLE not in self._tables(db):
            return 0
        row = db.execute_sql(f"SELECT version FROM {META_TABLE}").fetchone()
        return row[0] if row else 0

    def mark_version(self, db: Database, version: int) -> None:
        db.execute_sql(
            f"CREATE TABLE IF NOT EXISTS {META_TABLE} (one BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (one), "
            "application_id BIGINT NOT NULL, version INTEGER NOT NULL)"
        )
        db.execute_sql(
            f"INSERT INTO {META_TABLE} (one, application_id, version) VALUES (TRUE, %s, %s) "
            "ON CONFLICT (one) DO UPDATE SET application_id = EXCLUDED.application_id, version = EXCLUDED.version",
            (APPLICATION_ID, int(version)),
        )

    def create_schema(self, db: Database, steps: list[tuple[int, Any]], models: list[type[Model]]) -> bool:
        from shopcrm.store import pg_schema

        pg_schema.create(db, steps, models)
        return True

    def migrate_step(self, db: Database, number: int, module: Any) -> None:
        step = getattr(module, "migrate_postgres", None)
        if step is None:
            raise RuntimeError(f"migration step {number} has no migrate_postgres(db): PostgreSQL cannot be upgraded")
        step(db)

    def quick_check(self) -> str | None:
        """The server checks its own pages (checksums, WAL) and every constraint on every write;
        what we check cheaply is that the database answers, still holds ShopCRM's mark and
        tables, and that no index is left invalid or unready (an index build that failed half
        way: queries would then silently read the table instead)."""
        try:
            db = self.connect()
        except DatabaseOpenError as exc:
            return str(exc)
        try:
            row = db.execute_sql(f"SELECT application_id FROM {META_TABLE}").fetchone()
            db.execute_sql("SELECT count(*) FROM customer").fetchone()
            if not (row and row[0] == APPLICATION_ID):
                return "no ShopCRM mark"
            broken = db.execute_sql(
                "SELECT i.relname FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
                "WHERE pg_table_is_visible(x.indrelid) AND NOT (x.indisvalid AND x.indisready) ORDER BY 1"
            ).fetchall()
            return f"invalid index: {', '.join(r[0] for r in broken)}" if broken else None
        except PeeweeDatabaseError as exc:
            return str(exc).strip().splitlines()[0]
        finally:
            db.close()

    # PostgreSQL keeps its indexes during a bulk write unless the caller says nobody waits
    # (shopcrm.store.db.indexes_rebuilt's ``exclusive``): DROP INDEX locks the table against every
    # other counter's reads until the transaction commits (a daily regrade must not stop the
    # counters' searches). Where it is allowed it pays as on SQLite: 100k members imported into an
    # empty shop, tests/benchmarks/bench_import.py --engine postgresql: 94.6 s of writing with the
    # indexes kept, 57.6 s with them dropped and created again (a heavily loaded machine).
    rebuilds_indexes = False

    def raw_connection(self, db: Database) -> Any:
        return PgRawConnection(db, self)

    def executemany(self, db: Database, sql: str, rows: Iterable) -> None:
        """A one-row ``INSERT … VALUES (…)`` becomes a few statements of many rows each
        (psycopg2's execute_values: one round trip per PAGE rows instead of one per row)."""
        from psycopg2.extras import execute_values  # type: ignore[import-untyped]

        pg = postgres_sql(sql)
        found = _INSERT_VALUES.search(pg)
        with db.cursor() as cur:
            if found and pg.lstrip()[:6].upper() == "INSERT":
                head = pg[: found.start(1)] + "%s" + pg[found.end(1) :]
                execute_values(cur, head, rows, template=found.group(1), page_size=EXECUTE_VALUES_PAGE)
            else:
                cur.executemany(pg, list(rows))

    def lock_against_writes(self, db: Database, table: str) -> None:
        # SHARE ROW EXCLUSIVE: conflicts with every writer and itself, not with readers (nor
        # with a counter's FOR NO KEY UPDATE, whose UPDATE then waits)
        db.execute_sql(f'LOCK TABLE "{table}" IN SHARE ROW EXCLUSIVE MODE')

    def claim_ids(self, db: Database, table: str, n: int) -> int:
        """The table is locked against other inserts (and updates) until this transaction ends —
        as SQLite's write lock does —, then the id sequence is moved past the block."""
        self.lock_against_writes(db, table)
        seq = db.execute_sql("SELECT pg_get_serial_sequence(%s, 'id')", (f'"{table}"',)).fetchone()[0]
        top = db.execute_sql(
            f'SELECT GREATEST((SELECT COALESCE(MAX(id), 0) FROM "{table}"), '
            f"(SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END FROM {seq}))"
        ).fetchone()[0]
        if n > 0:
            db.execute_sql("SELECT setval(%s, %s)", (seq, top + n))
        return top + 1

    def secondary_indexes(
        self, db: Database, tables: tuple[str, ...], columns: Iterable[str] | None = None
    ) -> list[tuple[str, str]]:
        sql = (
            "SELECT i.relname, pg_get_indexdef(x.indexrelid) FROM pg_index x "
            "JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid "
            "WHERE t.relname = ANY(%s) AND pg_table_is_visible(t.oid) "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)"
        )
        params: list[Any] = [list(tables)]
        if columns is not None:
            sql += (
                " AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = t.oid "
                "AND a.attnum = ANY(x.indkey) AND a.attname = ANY(%s))"
            )
            params.append(list(columns))
        return [tuple(r) for r in db.execute_sql(sql + " ORDER BY i.oid", params).fetchall()]


# rows per statement of PostgresEngine.executemany
EXECUTE_VALUES_PAGE = 1000
# the VALUES (…) of a one-row INSERT (parentheses one level deep and quoted text allowed inside)
_INSERT_VALUES = re.compile(r"\bVALUES\s*(\((?:[^()']|'[^']*'|\([^()]*\))*\))", re.IGNORECASE)


class PgRawConnection:
    """The few methods of an sqlite3 connection that the bulk writers use, on PostgreSQL: raw
    SQLite-style SQL (``?``) through the open peewee database (its transaction, its cursor)."""

    def __init__(self, db: Database, engine: PostgresEngine):
        self.db = db
        self.engine = engine

    def execute(self, sql: str, params: Any = ()):
        return self.db.execute_sql(sql, params)

    def executemany(self, sql: str, rows: Iterable) -> None:
        self.engine.executemany(self.db, sql, rows)

    @property
    def in_transaction(self) -> bool:
        import psycopg2.extensions as ext  # type: ignore[import-untyped]

        return self.db.connection().info.transaction_status != ext.TRANSACTION_STATUS_IDLE


def engine_for(
    location: DbLocation | str,
    inspect_file: Callable[[Path], int],
    check: Callable[[Path], str | None],
) -> Engine:
    """The engine for a database location: a PgUrl is PostgreSQL, anything else an SQLite file
    (strings are parsed: another URL scheme is refused with DbLocationError)."""
    from shopcrm.core.paths import parse_db_location

    parsed = parse_db_location(location)
    if isinstance(parsed, PgUrl):
        return PostgresEngine(parsed)
    return SqliteEngine(parsed, inspect_file, check)
