"""Backups of a PostgreSQL shop (issue #18): ``pg_dump --format=custom`` files in the backup folder.

The two-phase life of a backup (copy, seal, rotation: see :mod:`shopcrm.backup`) is the same on
both engines; what differs lives in the store layer (this module; SQLite's in
:mod:`shopcrm.store.sqlite_backup`), the only layer that knows the engine:

- **Copy**: :func:`dump` runs ``pg_dump --format=custom`` of the database into the ``.part``
  (one consistent snapshot, taken while the counters keep working).
- **Check**: :func:`problems` — ``pg_restore --list`` reads the archive's table of contents and
  the dump must hold ShopCRM's mark (the ``shopcrm_meta`` row with its application id); the full
  check (the seal, a restore of a copy never sealed) also reads every data block
  (``pg_restore -f /dev/null``: a truncated or damaged block fails to decompress).
- **Contents**: :func:`contents` reads the schema version, the identity settings and the
  customer count from the dump (``pg_restore --data-only`` of three small tables).
- **Restore**: :func:`restore_into` runs ``pg_restore`` into an EMPTY database (a new one, or the
  original dropped and created again by :func:`recreate_database`, which needs the rights to do
  so and says so plainly when they are missing), in one transaction, then compares the row count
  of every table with the dump's.

The tools are found in ``SHOPCRM_PG_BIN``, beside the server binaries
(``/usr/lib/postgresql/<newest>/bin``, ``C:\\Program Files\\PostgreSQL\\<newest>\\bin``) or on the
PATH. The password never goes on a command line: it comes from libpq's own ``PGPASSFILE`` /
``~/.pgpass``, or (from the URL or the system keyring) is passed in the tool's environment.
"""

from __future__ import annotations

import concurrent.futures
import glob
import logging
import os
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

import psycopg2  # type: ignore[import-untyped]  # peewee imports it already
import psycopg2.errors  # type: ignore[import-untyped]
from psycopg2 import sql

from shopcrm.core.errors import check_progress
from shopcrm.core.paths import PgUrl
from shopcrm.core.texts import register, t
from shopcrm.store.engine import APPLICATION_ID, META_TABLE, BackupError, PostgresEngine

log = logging.getLogger(__name__)

register(
    {
        "backup.pg_tool_missing": (
            "找不到 PostgreSQL 工具 {tool}。请安装 PostgreSQL 客户端（与服务器同一版本或更新），"
            "或把它所在的文件夹写入环境变量 SHOPCRM_PG_BIN。",
            "The PostgreSQL tool {tool} was not found. Install the PostgreSQL client tools (the "
            "server's version or newer), or set SHOPCRM_PG_BIN to the folder that holds them.",
        ),
        "backup.pg_tool_failed": ("{tool} 失败：{reason}", "{tool} failed: {reason}"),
        "backup.pg_no_mark": (
            "其中没有 ShopCRM 的标记（shopcrm_meta），不是 ShopCRM 数据库的备份",
            "it holds no ShopCRM mark (shopcrm_meta): not a backup of a ShopCRM database",
        ),
        "backup.pg_not_empty": (
            "数据库“{name}”不是空的（已有 {n} 张表），只能恢复到空数据库。",
            "The database “{name}” is not empty ({n} tables); a backup is restored into an empty database only.",
        ),
        "backup.pg_no_rights": (
            "恢复到“{name}”需要删除并重新创建这个数据库，但用户“{user}”没有这个权限（{what}）。"
            "请用数据库的所有者（并有 CREATEDB 权限）或超级用户连接，或者把备份恢复到一个新数据库。",
            "Restoring into “{name}” drops and creates that database again, and the user “{user}” "
            "may not do that ({what}). Connect as the database's owner with CREATEDB, or as a "
            "superuser, or restore the backup into a new database.",
        ),
        "backup.pg_not_owner": ("不是该数据库的所有者", "not the database's owner"),
        "backup.pg_no_createdb": ("没有 CREATEDB 权限", "no CREATEDB right"),
        "backup.pg_counts_differ": (
            "恢复后的行数与备份不符：{tables}",
            "The restored row counts differ from the backup's: {tables}",
        ),
        "backup.pg_exists": ("数据库“{name}”已存在。", "The database “{name}” exists already."),
    }
)

DUMP_MAGIC = b"PGDMP"


class Stopped(Exception):
    """A tool was killed because its ``stop()`` said so (app exit interrupting a seal)."""


TOOL_ENV = "SHOPCRM_PG_BIN"
POLL_SECONDS = 0.2  # how often a running tool's cancel and progress are looked at
IDENTITY_TABLES = (META_TABLE, "setting", "customer")


def is_dump(path: Path) -> bool:
    """True when ``path`` starts like a pg_dump custom-format archive."""
    try:
        with open(path, "rb") as fh:
            return fh.read(len(DUMP_MAGIC)) == DUMP_MAGIC
    except OSError:
        return False


# --- the tools ----------------------------------------------------------------------------------


def _candidate_dirs() -> list[Path]:
    dirs: list[Path] = []

    def newest_first(pattern: str, part: int) -> list[Path]:
        found = []
        for p in glob.glob(pattern):
            try:
                found.append((int(Path(p).parts[part]), Path(p)))
            except (ValueError, IndexError):  # expected: a folder that is not a version number
                continue
        return [p for _v, p in sorted(found, reverse=True)]

    dirs += newest_first("/usr/lib/postgresql/*/bin", -2)
    for root in (os.environ.get("PROGRAMFILES"), os.environ.get("PROGRAMW6432")):
        if root:
            dirs += newest_first(os.path.join(root, "PostgreSQL", "*", "bin"), -2)
    dirs += newest_first("/Applications/Postgres.app/Contents/Versions/*/bin", -2)
    return dirs


def tool(name: str) -> Path:
    """The path of ``pg_dump``, ``pg_restore``…: in SHOPCRM_PG_BIN when it is set, else the
    newest server's binaries, else the PATH. BackupError with a plain message when it is nowhere."""
    exe = name + (".exe" if os.name == "nt" else "")
    if os.environ.get(TOOL_ENV):  # told where they are: there only (a wrong folder says so)
        found_there = Path(os.environ[TOOL_ENV]) / exe
        if found_there.is_file():
            return found_there
        raise BackupError(t("backup.pg_tool_missing", tool=name))
    for folder in _candidate_dirs():
        if (folder / exe).is_file():
            return folder / exe
    found = shutil.which(name)
    if found:
        return Path(found)
    raise BackupError(t("backup.pg_tool_missing", tool=name))


# --- connecting ---------------------------------------------------------------------------------


def same_database(a: str, b: str) -> bool:
    """The same database on the same server (passwords and parameters aside)."""
    pa, pb = urlsplit(a), urlsplit(b)
    return (pa.hostname, pa.port or 5432, pa.username, pa.path) == (pb.hostname, pb.port or 5432, pb.username, pb.path)


def folder_name(url: str) -> str:
    """``host-port-database``, safe as a folder name."""
    parts = urlsplit(url)
    raw = f"{parts.hostname or 'localhost'}-{parts.port or 5432}-{database_name(url)}"
    return re.sub(r"[^\w.-]", "_", raw)


def _without_password(url: str) -> str:
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.netloc.rsplit("@", 1)[1]
    user = parts.netloc.rsplit("@", 1)[0].split(":", 1)[0]
    return urlunsplit(parts._replace(netloc=f"{user}@{host}"))


def _password(url: str) -> str | None:
    """The password from the URL or the system keyring; None leaves it to libpq (``.pgpass``,
    ``PGPASSFILE``, ``PGPASSWORD``)."""
    parts = urlsplit(url)
    if parts.password is not None:
        return unquote(parts.password)
    return PostgresEngine(PgUrl(url)).connect_params().get("password")


def tool_env(url: str) -> dict[str, str]:
    """The environment a tool runs in: ours, with the password (when we know it) as PGPASSWORD —
    never on its command line."""
    env = {k: v for k, v in os.environ.items() if k not in ("LD_PRELOAD", "FAKETIME")}
    password = _password(url)
    if password is not None:
        env["PGPASSWORD"] = password
    return env


def database_name(url: str) -> str:
    return unquote(urlsplit(url).path.lstrip("/")) or (urlsplit(url).username or "")


def with_database(url: str, name: str) -> PgUrl:
    """``url`` naming the database ``name`` instead (same server, user, parameters)."""
    from urllib.parse import quote

    return PgUrl(urlunsplit(urlsplit(url)._replace(path="/" + quote(name))))


def connect(url: str):
    """A psycopg2 connection (autocommit) with the password handled as the app does."""

    password = _password(url)
    kwargs: dict[str, Any] = {"password": password} if password is not None else {}
    con = psycopg2.connect(_without_password(url), **kwargs)
    con.autocommit = True
    return con


def _maintenance(url: str):
    """A connection to the server's maintenance database (``postgres``, else ``template1``)."""

    try:
        return connect(with_database(url, "postgres"))
    except psycopg2.OperationalError:
        return connect(with_database(url, "template1"))


# --- running a tool -----------------------------------------------------------------------------


def _first_line(text: str) -> str:
    lines = [ln.strip() for ln in (text or "").splitlines() if ln.strip()]
    errors = [ln for ln in lines if "error" in ln.lower() or "fatal" in ln.lower()]
    return (errors or lines or ["?"])[0]


def run(
    args: list[str],
    url: str | None = None,
    *,
    progress=None,
    stop: Callable[[], bool] | None = None,
    stdout=subprocess.DEVNULL,
) -> subprocess.CompletedProcess:
    """Run a tool to its end, polling ``progress`` (no estimate: called with 0, 0; False
    cancels: Cancelled) and ``stop`` (True: the tool is killed and Stopped raised).
    BackupError when it fails, with its first error line."""
    name = Path(args[0]).stem
    check_progress(progress, 0, 0)  # cancelled already: nothing started
    env = tool_env(url) if url else {k: v for k, v in os.environ.items() if k not in ("LD_PRELOAD", "FAKETIME")}
    try:
        proc = subprocess.Popen(args, stdout=stdout, stderr=subprocess.PIPE, env=env, text=True)
    except OSError as exc:
        raise BackupError(t("backup.pg_tool_failed", tool=name, reason=exc)) from exc
    try:
        while True:
            try:
                out, err = proc.communicate(timeout=POLL_SECONDS)
                break
            except subprocess.TimeoutExpired:
                check_progress(progress, 0, 0)
                if stop is not None and stop():
                    raise Stopped() from None
    except BaseException:
        proc.kill()
        proc.communicate()  # reaped, its pipes closed
        raise
    done = subprocess.CompletedProcess(args, proc.returncode, out, err)
    if proc.returncode != 0:
        reason = _first_line(err) if proc.returncode > 0 else f"{_first_line(err)} (signal {-proc.returncode})"
        raise BackupError(t("backup.pg_tool_failed", tool=name, reason=reason))
    return done


# --- making a dump ------------------------------------------------------------------------------


def dump(url: str, part: Path, progress=None) -> None:
    """Step 1 on PostgreSQL: ``pg_dump --format=custom`` of the database into ``part`` (which
    exists, empty: it reserved the name). BackupError/Cancelled leave ``part`` to the caller."""
    run(
        [str(tool("pg_dump")), "--format=custom", "--file", str(part), "--dbname", _without_password(url)],
        url,
        progress=progress,
    )


# --- reading a dump -----------------------------------------------------------------------------

_COPY_ESCAPES = {"b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v", "\\": "\\"}


def _copy_field(text: str) -> str | None:
    """One field of PostgreSQL's COPY text format, unescaped (``\\N`` is NULL)."""
    if text == "\\N":
        return None
    if "\\" not in text:
        return text
    return re.sub(r"\\(.)", lambda m: _COPY_ESCAPES.get(m.group(1), m.group(1)), text)


_COPY_HEAD = re.compile(r'^COPY (?:"?[\w]+"?\.)?"?([\w]+)"? \((.*)\) FROM stdin;$')


def fields(row: str) -> list[str | None]:
    """One COPY row's fields, unescaped."""
    return [_copy_field(f) for f in row.split("\t")]


def copy_blocks(lines: Iterator[str]) -> Iterator[tuple[str, list[str], Iterator[str]]]:
    """The COPY blocks of a plain-SQL dump: (table, columns, rows as raw lines: :func:`fields`
    splits one); every block's rows must be consumed (or are skipped) before the next block."""
    for line in lines:
        m = _COPY_HEAD.match(line.rstrip("\n"))
        if not m:
            continue
        columns = [c.strip().strip('"') for c in m.group(2).split(",")]

        def rows() -> Iterator[str]:
            for row in lines:
                row = row.rstrip("\n")
                if row == "\\.":
                    return
                yield row

        block = rows()
        yield m.group(1), columns, block
        for _rest in block:  # the caller did not read them all
            pass


@dataclass
class DumpContents:
    application_id: int | None = None
    version: int | None = None
    settings: dict[str, str | None] = field(default_factory=dict)  # raw JSON texts
    customers: int | None = None


def _listing(path: Path, stop=None) -> str:
    done = run([str(tool("pg_restore")), "--list", str(path)], stdout=subprocess.PIPE, stop=stop)
    return done.stdout or ""


def _stream(args: list[str], *, binary: bool = False) -> Iterator:
    """The lines a tool writes to stdout, as they come (str, or bytes when ``binary``);
    BackupError when it fails."""
    env = {k: v for k, v in os.environ.items() if k not in ("LD_PRELOAD", "FAKETIME")}
    with tempfile.TemporaryFile() as errors:  # never a pipe: a full one would stall the tool
        proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=errors, env=env)
        try:
            assert proc.stdout is not None
            if binary:
                yield from proc.stdout
            else:
                for line in proc.stdout:
                    yield line.decode("utf-8", "replace")
            if proc.wait() != 0:
                errors.seek(0)
                reason = _first_line(errors.read().decode("utf-8", "replace"))
                raise BackupError(t("backup.pg_tool_failed", tool=Path(args[0]).stem, reason=reason))
        finally:
            if proc.poll() is None:
                proc.kill()
            proc.wait()
            if proc.stdout is not None:
                proc.stdout.close()


def contents(path: Path) -> DumpContents:
    """The ShopCRM mark, schema version, settings and live customer count held in a dump
    (reads only those three tables' data). BackupError when pg_restore cannot read it."""
    out = DumpContents()
    args = [str(tool("pg_restore")), "--data-only", "--file", "-"]
    for table in IDENTITY_TABLES:
        args += ["--table", table]
    for table, columns, rows in copy_blocks(_stream([*args, str(path)])):
        if table == META_TABLE:
            for row in rows:
                record = dict(zip(columns, fields(row), strict=False))
                out.application_id = int(record["application_id"] or 0)
                out.version = int(record["version"] or 0)
        elif table == "setting":
            key, value = columns.index("key"), columns.index("value")
            out.settings = {(f := fields(r))[key] or "": f[value] for r in rows}
        elif table == "customer":
            # only whether deleted_at is NULL: no field is unescaped (100k rows: ~0.1 s)
            deleted = columns.index("deleted_at") if "deleted_at" in columns else None
            out.customers = sum(1 for r in rows if deleted is None or r.split("\t")[deleted] == "\\N")
    if out.customers is None and out.version is not None:
        out.customers = 0
    return out


def row_counts(path: Path) -> dict[str, int]:
    """Rows per table in a dump (reads all of its data; lines counted as bytes, never parsed)."""
    counts: dict[str, int] = {}
    table = None
    for line in _stream([str(tool("pg_restore")), "--data-only", "--file", "-", str(path)], binary=True):
        if table is not None:
            if line == b"\\.\n":
                table = None
            else:
                counts[table] += 1
        elif line.startswith(b"COPY "):
            m = _COPY_HEAD.match(line.decode("utf-8", "replace").rstrip("\n"))
            if m:
                table = m.group(1)
                counts[table] = 0
    return counts


# the steps of a full check, as its progress counts them: the table of contents, the mark's row,
# every data block (the last one is pg_restore's, with no estimate of its own)
CHECK_STEPS = 3


def inspect(
    path: Path, *, full: bool, stop: Callable[[], bool] | None = None, progress=None
) -> tuple[list[str], DumpContents | None]:
    """([] and its contents) when ``path`` is a sound ShopCRM dump, else (the problems, None).
    ``pg_restore --list`` must read it and its table of contents must hold ShopCRM's mark (and
    the mark's row must say ShopCRM); ``full`` also reads and decompresses every data block,
    telling ``progress`` its steps (of CHECK_STEPS)."""
    if not is_dump(path):
        return [t("backup.pg_no_mark")], None
    try:
        listing = _listing(path, stop)
    except BackupError as exc:
        return [str(exc)], None
    if not re.search(rf"^\d+; \d+ \d+ TABLE DATA \S+ {META_TABLE} ", listing, re.MULTILINE):
        return [t("backup.pg_no_mark")], None
    if full:
        check_progress(progress, 1, CHECK_STEPS)
    try:
        found = contents(path)
    except BackupError as exc:
        return [str(exc)], None
    if found.application_id != APPLICATION_ID:
        return [t("backup.pg_no_mark")], None
    if full:
        check_progress(progress, 2, CHECK_STEPS)
        last_step = None if progress is None else (lambda _done, _total: progress(2, CHECK_STEPS))
        try:
            run([str(tool("pg_restore")), "--file", os.devnull, str(path)], progress=last_step, stop=stop)
        except BackupError as exc:
            return [str(exc)], None
    return [], found


def problems(path: Path, *, full: bool, stop: Callable[[], bool] | None = None, progress=None) -> list[str]:
    """[] when ``path`` is a sound ShopCRM dump, else the problems (see :func:`inspect`)."""
    return inspect(path, full=full, stop=stop, progress=progress)[0]


# --- restoring ----------------------------------------------------------------------------------


def user_tables(url: str) -> list[str]:
    con = connect(url)
    try:
        with con.cursor() as cur:
            cur.execute(
                "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
                "AND n.nspname NOT LIKE 'pg_toast%' ORDER BY 1"
            )
            return [r[0] for r in cur.fetchall()]
    finally:
        con.close()


def table_counts(url: str, tables: list[str]) -> dict[str, int]:
    con = connect(url)
    try:
        with con.cursor() as cur:
            out = {}
            for table in tables:
                cur.execute(f'SELECT count(*) FROM "{table}"')
                out[table] = cur.fetchone()[0]
            return out
    finally:
        con.close()


def database_exists(url: str) -> bool:
    con = _maintenance(url)
    try:
        with con.cursor() as cur:
            cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", (database_name(url),))
            return cur.fetchone() is not None
    finally:
        con.close()


def create_database(url: str) -> None:
    """CREATE DATABASE for ``url`` (UTF8, from template0). BackupError when it exists or the user
    may not (no CREATEDB)."""

    con = _maintenance(url)
    try:
        with con.cursor() as cur:
            cur.execute(
                sql.SQL("CREATE DATABASE {} TEMPLATE template0 ENCODING 'UTF8'").format(
                    sql.Identifier(database_name(url))
                )
            )
    except psycopg2.errors.DuplicateDatabase as exc:
        raise BackupError(t("backup.pg_exists", name=database_name(url))) from exc
    except psycopg2.Error as exc:
        raise BackupError(t("backup.failed", reason=_first_line(str(exc)))) from exc
    finally:
        con.close()


def rights_to_recreate(url: str) -> str | None:
    """None when the user may drop and create the database again, else what is missing."""
    con = _maintenance(url)
    try:
        with con.cursor() as cur:
            cur.execute(
                "SELECT r.rolsuper, r.rolcreatedb, d.datdba = r.oid FROM pg_roles r "
                "LEFT JOIN pg_database d ON d.datname = %s WHERE r.rolname = current_user",
                (database_name(url),),
            )
            superuser, createdb, owner = cur.fetchone()
    finally:
        con.close()
    if superuser:
        return None
    missing = []
    if not owner:
        missing.append(t("backup.pg_not_owner"))
    if not createdb:
        missing.append(t("backup.pg_no_createdb"))
    return "; ".join(missing) or None


def current_user(url: str) -> str:
    con = _maintenance(url)
    try:
        with con.cursor() as cur:
            cur.execute("SELECT current_user")
            return cur.fetchone()[0]
    finally:
        con.close()


def rights_check(url: str) -> None:
    """BackupError, plainly, when the user may not drop and create the database again."""
    missing = rights_to_recreate(url)
    if missing:
        raise BackupError(t("backup.pg_no_rights", name=database_name(url), user=current_user(url), what=missing))


def drop_database(url: str) -> None:

    con = _maintenance(url)
    try:
        with con.cursor() as cur:
            cur.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(database_name(url))))
    finally:
        con.close()


def recreate_database(url: str) -> None:
    """Drop the database (ending every other session on it: ``WITH (FORCE)``) and create it
    again, empty. Asks for the rights first, so that a refusal changes nothing."""

    rights_check(url)
    name = database_name(url)
    con = _maintenance(url)
    try:
        with con.cursor() as cur:
            cur.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
    except psycopg2.Error as exc:
        raise BackupError(
            t("backup.pg_no_rights", name=name, user=current_user(url), what=_first_line(str(exc)))
        ) from exc
    finally:
        con.close()
    create_database(url)


def restore_into(path: Path, url: str, *, progress=None) -> dict[str, int]:
    """``pg_restore`` of the dump ``path`` into the EMPTY database ``url`` in one transaction
    (objects owned by the connecting user, no grants of roles that may not exist there), then
    every table's row count compared with the dump's. Returns the counts; BackupError when the
    database is not empty, the restore fails (nothing restored) or a count differs."""
    tables = user_tables(url)
    if tables:
        raise BackupError(t("backup.pg_not_empty", name=database_name(url), n=len(tables)))
    started = time.perf_counter()
    # the dump's row counts are read meanwhile (another core; the restore waits on the server)
    with concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="dump-counts") as pool:
        counted = pool.submit(row_counts, path)
        _restore_run(path, url, progress)
        expected = counted.result()
    log.info("pg_restore of %s: %.2f s", path.name, time.perf_counter() - started)
    found = table_counts(url, sorted(expected))
    differ = [f"{name} {found.get(name)} ≠ {n}" for name, n in sorted(expected.items()) if found.get(name) != n]
    if differ:
        raise BackupError(t("backup.pg_counts_differ", tables=", ".join(differ)))
    return found


def _restore_run(path: Path, url: str, progress) -> None:
    run(
        [
            str(tool("pg_restore")),
            "--no-owner",
            "--no-acl",
            "--exit-on-error",
            "--single-transaction",
            "--dbname",
            _without_password(url),
            str(path),
        ],
        url,
        progress=progress,
    )


def audit(url: str, mode: str, at: str, detail: str, *, action: str = "backup") -> None:
    """An audit-log row on a connection of its own, best effort (any thread)."""

    try:
        con = connect(url)
        try:
            with con.cursor() as cur:
                cur.execute(
                    "INSERT INTO audit_log (at, mode, action, customer_id, detail) VALUES (%s, %s, %s, NULL, %s)",
                    (at, mode, action, detail),
                )
        finally:
            con.close()
    except psycopg2.Error as exc:
        log.warning("backup of %s not recorded in the audit log (%s): %s", PgUrl(url).display, detail, exc)
