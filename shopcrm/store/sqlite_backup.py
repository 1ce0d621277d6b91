"""Backups of an SQLite shop: the file-level primitives behind :mod:`shopcrm.backup` (issue #18).

The policy (names, the two-phase life of a copy, seals, ``.bad``/``.unverified``, rotation,
listing, the restore flow) is :mod:`shopcrm.backup`'s and the same on both engines; what SQLite
does itself lives here, in the store layer, the only layer that knows the engine (PostgreSQL's
counterpart: :mod:`shopcrm.store.pg_backup`):

- **Copy**: :func:`copy_to` — a consistent snapshot of the database (which may be open and in
  use) into a new file: byte for byte while no checkpoint can write to it, else SQLite's online
  backup API; switched to rollback-journal mode (a single self-contained file).
- **Check**: :func:`check_problems` (``PRAGMA integrity_check`` / ``quick_check``) and the
  resumable :func:`check_in_steps`; :func:`read_mark` (ShopCRM's application id and the schema
  version).
- **Contents**: :func:`describe_file` (customers, schema version, identity settings).
- **Restore**: :func:`restore_into_file` (the online backup API into the live file: one
  transaction on it).

Errors are the store's: :class:`shopcrm.store.engine.BackupError` (message for the user),
:class:`CheckInterrupted`, :class:`Unreadable`.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from shopcrm.core.errors import Cancelled, check_progress
from shopcrm.core.texts import t
from shopcrm.store import settings as setting_store
from shopcrm.store.db import SQLITE_MAGIC
from shopcrm.store.engine import APPLICATION_ID, BackupError

log = logging.getLogger(__name__)

STEP_PAGES = 4096  # 16 MB per backup step when a progress callback wants to hear from us

# called with (connection, path) right before a check's PRAGMA runs (shopcrm.backup's test seam)
BeforeCheck = Callable[[sqlite3.Connection | None, Path], None]


class Holder(Protocol):
    """Who may interrupt a check from another thread (shopcrm.backup's PendingBackup): told the
    check's connection (``_attach`` returns False when it was stopped already)."""

    _cancelled: bool

    def _attach(self, con: sqlite3.Connection) -> bool: ...

    def _detach(self) -> None: ...


class Unreadable(BackupError):
    """SQLite could not read a file (``str(e)`` is SQLite's reason)."""


# --- the copy -------------------------------------------------------------------------------------


COPY_CHUNK = 16 * 1024 * 1024  # bytes per read/write step of the file copy (progress, cancel)
FREEZE_ATTEMPTS = 3
FREEZE_WAIT_MS = 150


def _frozen_copy(src: sqlite3.Connection, src_path: Path, part: Path, progress) -> bool:
    """Copy the database file byte for byte while the file cannot change; False if it could not
    be frozen (busy writers), and the caller falls back to the backup API.

    Rollback-journal mode: a read transaction holds SHARED, so no writer can touch the file.
    WAL mode: after a TRUNCATE checkpoint the WAL is empty, and a read transaction that begins
    on an empty WAL takes WAL read-lock 0, which keeps every checkpoint from writing to the file
    until it ends (SQLite's walCheckpoint needs that lock exclusively). New commits meanwhile go
    to the WAL only. An empty WAL after the snapshot began proves the snapshot was lock 0."""
    wal = Path(str(src_path) + "-wal")
    is_wal = src.execute("PRAGMA journal_mode").fetchone()[0].lower() == "wal"
    for _attempt in range(FREEZE_ATTEMPTS):
        if is_wal:
            # a short wait only: a long write or a pinned reader makes the fallback cheaper
            src.execute(f"PRAGMA busy_timeout = {FREEZE_WAIT_MS}")
            try:
                busy = src.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
            finally:
                src.execute("PRAGMA busy_timeout = 10000")
            if busy:
                continue
        src.execute("BEGIN")
        try:
            src.execute("SELECT count(*) FROM sqlite_master").fetchone()  # the snapshot begins
            if is_wal and wal.exists() and wal.stat().st_size > 0:
                continue  # a commit slipped in between: checkpoint again
            _copy_file(src_path, part, progress)
            return True
        finally:
            src.execute("COMMIT")
    return False


def _copy_file(src_path: Path, dest: Path, progress) -> None:
    """Copy in chunks (progress, cancel), in the kernel where it can (copy_file_range).

    ``dest`` (usually the empty ``.part`` that reserved the name) is opened without O_TRUNC:
    truncating an existing file makes ext4 (auto_da_alloc, "replace via truncate") start writing
    the whole new content to disk when it is closed — here, inside the step callers wait for,
    measured 2x the copy itself at 300 MB. The fsync of step 2 is where it goes to disk."""
    total = src_path.stat().st_size
    done = 0
    check_progress(progress, 0, total)
    fd = os.open(dest, os.O_WRONLY | os.O_CREAT | getattr(os, "O_BINARY", 0), 0o666)
    with open(src_path, "rb") as fin, os.fdopen(fd, "wb") as fout:
        in_kernel = hasattr(os, "copy_file_range")
        while done < total:
            n = 0
            if in_kernel:
                try:
                    n = os.copy_file_range(fin.fileno(), fout.fileno(), COPY_CHUNK)
                except OSError:  # another file system, an old kernel…: copy through user space
                    in_kernel = False
                    fin.seek(done)
                    fout.seek(done)
            if not in_kernel:
                chunk = fin.read(COPY_CHUNK)
                fout.write(chunk)
                n = len(chunk)
            if n == 0:
                break
            done += n
            check_progress(progress, done, total)
        fout.flush()
        fout.truncate(done)  # (were it longer; never to zero first, see above)


def _online_copy(src: sqlite3.Connection, dst: sqlite3.Connection, progress) -> None:
    """SQLite's online backup API: one step without progress (never restarted by a concurrent
    writer), else in steps of STEP_PAGES that report progress and can be cancelled (all steps
    run in one write transaction on the destination)."""
    if progress is None:
        src.backup(dst)
        return

    def step(_status, remaining, total):
        check_progress(progress, total - remaining, total)

    src.backup(dst, pages=STEP_PAGES, progress=step)


def copy_to(src_path: Path, part: Path, progress) -> None:
    """A consistent snapshot of the database ``src_path`` (which may be open and in use) into the
    new file ``part`` (empty: it reserved the name), switched to rollback-journal mode.
    BackupError (SQLite's or the file system's error); Cancelled when ``progress`` asked for it.
    What it leaves behind on failure is the caller's to remove."""
    try:
        src = sqlite3.connect(src_path, timeout=10, isolation_level=None)
        try:
            src.execute("PRAGMA busy_timeout = 10000")
            if not _frozen_copy(src, src_path, part, progress):
                # (part is still the empty file that reserved the name: the copy never began)
                dst = sqlite3.connect(part)
                try:
                    dst.execute("PRAGMA journal_mode=OFF")  # a new file: nothing to roll back to
                    _online_copy(src, dst, progress)
                finally:
                    dst.close()
        finally:
            src.close()
        dst = sqlite3.connect(part)
        try:
            # synchronous OFF: leaving WAL mode would otherwise fsync the whole copy here, in the
            # step callers wait for; step 2 fsyncs it (and nothing reads it before that)
            dst.execute("PRAGMA synchronous = OFF")
            # a self-contained single file: no -wal/-shm needed to read it anywhere
            dst.execute("PRAGMA journal_mode=DELETE")
        finally:
            dst.close()
        for suffix in ("-wal", "-shm"):
            Path(str(part) + suffix).unlink(missing_ok=True)
    except (sqlite3.Error, OSError) as exc:
        raise BackupError(t("backup.failed", reason=exc)) from exc


# --- reading a copy -------------------------------------------------------------------------------


def open_ro(path: Path) -> sqlite3.Connection:
    # immutable: never creates -journal/-wal/-shm beside a backup (read-only USB sticks too);
    # any thread may use it (shutdown() interrupts a check from another thread)
    return sqlite3.connect(Path(path).resolve().as_uri() + "?mode=ro&immutable=1", uri=True, check_same_thread=False)


def read_mark(path: Path) -> tuple[int, int]:
    """(application id, schema version) of an SQLite file. BackupError ("not a usable backup")
    when it cannot be read or is no SQLite database."""
    try:
        with open(path, "rb") as fh:
            header = fh.read(100)
    except OSError as exc:
        raise BackupError(t("backup.not_backup", path=path, reason=exc)) from exc
    if len(header) < 100 or not header.startswith(SQLITE_MAGIC):
        raise BackupError(t("backup.not_backup", path=path, reason=t("db.not_sqlite", path=path.name)))
    try:
        con = open_ro(path)
        try:
            return (
                con.execute("PRAGMA application_id").fetchone()[0],
                con.execute("PRAGMA user_version").fetchone()[0],
            )
        finally:
            con.close()
    except sqlite3.Error as exc:
        raise BackupError(t("backup.not_backup", path=path, reason=exc)) from exc


IDENTITY_KEYS = (setting_store.DB_ID, setting_store.DEMO_DATABASE, setting_store.SHOP_NAME)


def identity_values(path: Path) -> dict:
    """The identity settings (db id, demo, shop name) an SQLite file carries. Unreadable when
    SQLite cannot read them."""
    try:
        con = open_ro(Path(path))
        try:
            return setting_store.read_file_values(con, IDENTITY_KEYS)
        finally:
            con.close()
    except sqlite3.Error as exc:
        raise Unreadable(str(exc)) from exc


def describe_file(file: Path) -> tuple[int | None, int | None, dict | None]:
    """(customers, schema version, identity settings) of an SQLite copy; Nones when unreadable."""
    try:
        con = open_ro(file)
        try:
            if con.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID:
                version = con.execute("PRAGMA user_version").fetchone()[0]
                customers = con.execute("SELECT count(*) FROM customer WHERE deleted_at IS NULL").fetchone()[0]
                return customers, version, setting_store.read_file_values(con, IDENTITY_KEYS)
        finally:
            con.close()
    except sqlite3.Error as exc:
        log.info("cannot read the backup %s for its description: %s", file, exc)
    return None, None, None


# --- checking a copy ------------------------------------------------------------------------------


CHECK_PROGRESS_OPS = 100_000  # SQLite VM steps between two progress calls of a check
# measured: about one call per database page every 1,000 steps, so ~page_count/100 calls here


class CheckInterrupted(Exception):
    """The holder stopped a check (``shopcrm.backup.shutdown`` at app exit): the copy stays
    ``.unverified`` for the next start."""


@contextlib.contextmanager
def _check_connection(path: Path, holder: Holder | None):
    """A read-only connection for a check of ``path``, told to ``holder`` (so that
    ``shopcrm.backup.shutdown`` can interrupt it) for as long as the block runs."""
    con = open_ro(path)
    try:
        if holder is not None and not holder._attach(con):
            raise CheckInterrupted()
        # memory-mapped reads and a big cache: integrity_check ~30 % faster (measured)
        con.execute("PRAGMA mmap_size = 1073741824")
        con.execute("PRAGMA cache_size = -131072")
        yield con
    finally:
        if holder is not None:
            holder._detach()
        con.close()


def _stopped(exc: sqlite3.OperationalError, cancelled: list, holder: Holder | None) -> BaseException:
    """What an interrupted check statement means: a cancel, an app exit, or a real error."""
    if cancelled:
        return Cancelled()
    if holder is not None and holder._cancelled:
        return CheckInterrupted()
    return exc


def check_problems(
    path: Path,
    *,
    pragma: str = "integrity_check",
    progress=None,
    holder: Holder | None = None,
    before_check: BeforeCheck | None = None,
) -> list[str]:
    """Run ``PRAGMA integrity_check`` (or ``quick_check``) on a file: [] when it is sound, else the
    first problems. A file SQLite cannot read as a database is a problem too; an I/O error is not
    (BackupError: the file stays as it is, to be checked again).

    ``progress`` gets an estimate (VM steps against the page count, capped below the end until
    done) and may cancel (Cancelled). Without it no Python runs during the check, which then
    never waits for the GIL. ``holder`` is told the connection so that ``shopcrm.backup.shutdown`` can
    interrupt the check (CheckInterrupted)."""
    cancelled: list[bool] = []
    try:
        with _check_connection(path, holder) as con:
            total = 0
            if progress is not None:
                total = max(2, con.execute("PRAGMA page_count").fetchone()[0] * 1000 // CHECK_PROGRESS_OPS)
                calls = [0]

                def step() -> int:
                    calls[0] += 1
                    if progress(min(calls[0], total - 1), total) is False:
                        cancelled.append(True)
                        return 1  # SQLite stops with "interrupted"
                    return 0

                check_progress(progress, 0, total)
                con.set_progress_handler(step, CHECK_PROGRESS_OPS)
            if before_check is not None:
                before_check(con, path)
            try:
                rows = con.execute(f"PRAGMA {pragma}").fetchall()
            except sqlite3.OperationalError as exc:
                raise _stopped(exc, cancelled, holder) from exc
            if progress is not None:
                check_progress(progress, total, total)
    except sqlite3.OperationalError as exc:  # cannot open or read the file: not a verdict on it
        raise BackupError(t("backup.failed", reason=exc)) from exc
    except sqlite3.DatabaseError as exc:  # not a database, malformed: the copy is bad
        return [str(exc)]
    return [] if rows == [("ok",)] else [str(r[0]) for r in rows[:3]]


# --- the resumable check of a large copy -------------------------------------------------------

CHECK_STATE_SUFFIX = ".check"  # of a copy being checked: the steps done so far (JSON)
CHECK_STATE_FOLDER = ".checking"  # beside the copies, so that the backups folder lists only backups
PAGES_STEP = "\x00pages"  # the last step: every page is in a table, an index or the freelist


def check_state_path(path: Path) -> Path:
    path = Path(path)
    return path.parent / CHECK_STATE_FOLDER / (path.name + CHECK_STATE_SUFFIX)


def _file_identity(path: Path) -> list[int]:
    st = Path(path).stat()
    return [st.st_size, st.st_mtime_ns]


def _read_check_state(path: Path) -> dict:
    """The steps done in an earlier, interrupted check of this very file (size and modification
    time as recorded), else nothing: a changed or unreadable state starts over."""
    try:
        state = json.loads(check_state_path(path).read_text(encoding="utf-8"))
        if state.get("file") == _file_identity(path) and isinstance(state.get("done"), list):
            return state
    except (OSError, ValueError, AttributeError):  # expected: no state, or not ours -- check from the start
        pass
    return {}


def _drop_check_state(path: Path) -> None:
    state = check_state_path(path)
    state.unlink(missing_ok=True)
    with contextlib.suppress(OSError):  # the folder goes when no other check is under way
        state.parent.rmdir()


def _write_check_state(path: Path, done: list[str], problems: list[str]) -> None:
    state = {"file": _file_identity(path), "done": done, "problems": problems}
    tmp = check_state_path(path).with_name(check_state_path(path).name + ".tmp")
    try:
        tmp.parent.mkdir(exist_ok=True)
        tmp.write_text(json.dumps(state, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, check_state_path(path))
    except OSError as exc:  # the check goes on; an interruption then only costs a restart
        log.info("cannot save the check state of %s: %s", path, exc)


def _page_accounting(con: sqlite3.Connection, path: Path) -> list[str]:
    """What ``integrity_check`` adds to its per-table checks when run on the whole file (a
    table-by-table check skips it): every page belongs to exactly one b-tree (the dbstat table
    lists them, overflow pages included) or to the freelist (walked here from the file's header,
    trunk by trunk), and none is left over. With auto-vacuum's pointer-map pages, or without
    dbstat, a full ``quick_check`` decides instead."""
    try:
        if con.execute("PRAGMA auto_vacuum").fetchone()[0]:
            raise sqlite3.OperationalError("pointer-map pages")
        tree_pages = con.execute("SELECT pageno FROM dbstat")
    except sqlite3.OperationalError as exc:
        if "interrupt" in str(exc):
            raise
        rows = con.execute("PRAGMA quick_check").fetchall()
        return [] if rows == [("ok",)] else [str(r[0]) for r in rows[:3]]
    pages = con.execute("PRAGMA page_count").fetchone()[0]
    page_size = con.execute("PRAGMA page_size").fetchone()[0]
    seen = bytearray(pages + 1)
    problems: list[str] = []

    def mark(pgno: int, what: str) -> bool:
        if not 1 <= pgno <= pages:
            problems.append(f"{what}: invalid page number {pgno}")
            return False
        if seen[pgno]:
            problems.append(f"{what}: page {pgno} used twice")
            return False
        seen[pgno] = 1
        return True

    for (pgno,) in tree_pages:
        mark(pgno, "b-tree")
    lock_page = (1 << 30) // page_size + 1  # the page holding byte 2^30 is never used
    if lock_page <= pages:
        seen[lock_page] = 1
    with open(path, "rb") as fh:
        header = fh.read(100)
        trunk = int.from_bytes(header[32:36], "big")
        expected = int.from_bytes(header[36:40], "big")
        found = 0
        while trunk and not problems:
            if not mark(trunk, "freelist trunk"):
                break
            found += 1
            fh.seek((trunk - 1) * page_size)
            data = fh.read(page_size)
            leaves = int.from_bytes(data[4:8], "big")
            if leaves > page_size // 4 - 2:
                problems.append(f"freelist trunk page {trunk}: {leaves} leaves")
                break
            for i in range(leaves):
                mark(int.from_bytes(data[8 + 4 * i : 12 + 4 * i], "big"), "freelist leaf")
            found += leaves
            trunk = int.from_bytes(data[0:4], "big")
    if not problems and found != expected:
        problems.append(f"freelist: {found} pages, the header says {expected}")
    unused = [p for p in range(1, pages + 1) if not seen[p]]
    problems.extend(f"Page {p} is never used" for p in unused[:3])
    return problems


def check_in_steps(
    path: Path, *, progress=None, holder: Holder | None = None, before_check: BeforeCheck | None = None
) -> list[str]:
    """``integrity_check`` of a large file in steps that survive an interruption: the schema,
    then each table with its indexes (``PRAGMA integrity_check(table)``), then the page
    accounting. After each step its outcome is saved in a small state file beside the file
    (:func:`check_state_path`); a check interrupted by app exit or cancelled resumes at the next
    start from the first step not done, and ends with the problems of every step (the same
    verdict as one whole ``integrity_check``). The state file is removed when the check ends.

    ``progress(done, total)`` counts steps and may cancel (Cancelled); ``holder`` (a
    PendingBackup) can interrupt it (CheckInterrupted). Returns [] when sound, else the first
    problems."""
    path = Path(path)
    state = _read_check_state(path)
    done: list[str] = list(state.get("done", []))
    problems: list[str] = list(state.get("problems", []))
    cancelled: list[bool] = []
    try:
        with _check_connection(path, holder) as con:
            tables = [
                r[0]
                for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY rootpage").fetchall()
            ]
            steps = ["sqlite_master", *tables, PAGES_STEP]
            total = len(steps)
            position = [len([s for s in steps if s in done])]

            def tick() -> int:
                if progress is not None and progress(position[0], total) is False:
                    cancelled.append(True)
                    return 1  # SQLite stops with "interrupted"
                return 0

            if progress is not None:
                check_progress(progress, position[0], total)
                con.set_progress_handler(tick, CHECK_PROGRESS_OPS)
            if before_check is not None:
                before_check(con, path)
            for step in steps:
                if step in done:
                    continue
                if holder is not None and holder._cancelled:  # between two steps: nothing to interrupt
                    raise CheckInterrupted()
                try:
                    if step == PAGES_STEP:
                        found = _page_accounting(con, path)
                    else:
                        quoted = '"' + step.replace('"', '""') + '"'
                        rows = con.execute(f"PRAGMA integrity_check({quoted})").fetchall()
                        found = [] if rows == [("ok",)] else [str(r[0]) for r in rows[:3]]
                except sqlite3.OperationalError as exc:
                    raise _stopped(exc, cancelled, holder) from exc
                problems.extend(found)
                done.append(step)
                position[0] += 1
                _write_check_state(path, done, problems)
                if progress is not None:
                    check_progress(progress, position[0], total)
    except sqlite3.OperationalError as exc:  # cannot open or read the file: not a verdict on it
        raise BackupError(t("backup.failed", reason=exc)) from exc
    except sqlite3.DatabaseError as exc:  # not a database, malformed: the copy is bad
        problems.append(str(exc))
    _drop_check_state(path)
    return problems[:3]


# --- restoring, the audit log ---------------------------------------------------------------------


def restore_into_file(source: Path, live: Path, progress) -> None:
    """The copy ``source`` into the live SQLite file: one transaction on it (the backup API), so
    other connections see the old or the new database, never a mix. BackupError when it fails."""
    try:
        src = open_ro(source)
        try:
            dst = sqlite3.connect(live, timeout=10)
            try:
                dst.execute("PRAGMA busy_timeout = 10000")
                _online_copy(src, dst, progress)
            finally:
                dst.close()
        finally:
            src.close()
    except sqlite3.Error as exc:
        raise BackupError(t("backup.failed", reason=exc)) from exc


def audit(path: Path, mode: str, at: str, detail: str, *, action: str = "backup", best_effort: bool = True) -> None:
    """An audit-log row in the SQLite file ``path`` on a connection of its own (any thread);
    ``best_effort``: a busy database or a missing file is logged, not raised."""
    if best_effort and not Path(path).exists():
        return
    try:
        con = sqlite3.connect(path, timeout=5)
        try:
            if con.execute("SELECT 1 FROM sqlite_master WHERE name = 'audit_log'").fetchone():
                with con:
                    con.execute(
                        "INSERT INTO audit_log (at, mode, action, customer_id, detail) VALUES (?, ?, ?, NULL, ?)",
                        (at, mode, action, detail),
                    )
        finally:
            con.close()
    except sqlite3.Error as exc:
        if not best_effort:
            raise
        log.warning("backup of %s not recorded in the audit log (%s): %s", path, detail, exc)
