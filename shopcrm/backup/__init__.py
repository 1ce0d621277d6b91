"""Backups: the two-phase backup (copy, then seal), rotation, restore, and the start-up check.

A backup is a self-contained single SQLite file (rollback-journal mode, so it opens anywhere,
read-only, from a USB stick) named ``shopcrm-YYYYMMDD-HHMMSS-<kind>.db`` in the backup folder.
Kinds: ``daily`` (at start-up, at most once a day), ``manual`` ("Backup now"), and
``before-<operation>`` (import, restore, purge, migration). Each group is kept by rotation.

The life of one backup (:func:`start_backup` returns a :class:`PendingBackup` after step 1):

1. **Copy** — the only step a caller waits for. A consistent snapshot of the database, which may
   be open and in use (the file copied byte for byte while no checkpoint can write to it, else
   SQLite's online backup API), into ``<name>.part``, switched to rollback-journal mode. It is
   complete before the operation it protects writes anything.
2. **Durable** — in a background thread: the ``.part`` is fsync'ed, renamed to
   ``<name>.unverified`` and the folder fsync'ed. :meth:`PendingBackup.wait_durable` is the
   barrier. :func:`before_operation` waits for it before a restore or a migration changes
   anything; an import or a purge (``defer_durable=True``) runs meanwhile and calls
   ``wait_durable()`` right before it commits, so the backup is on disk before the change can no
   longer be undone.
3. **Seal** — ``PRAGMA integrity_check`` of the copy, for every kind, in the same background
   thread (SQLite releases the GIL; one background check at a time, so that one of two cores
   stays free for the clerk), then the atomic rename to ``<name>``, a folder fsync and rotation.
   Only a sealed backup counts as verified. A copy that fails its check is kept aside as
   ``<name>.bad`` rather than deleted — a copy that differs from a database that passed its own
   checks points at a failing disk or memory, and the file is the evidence (rotation keeps the
   newest few) — audit-logged in the database it came from, and reported to the listeners
   (:func:`add_listener`; the GUI shows it in the status bar and a message).

Nothing else in the folder passes for a good backup. A ``.part`` (a copy that never became
durable) is never listed and is removed once stale. An ``.unverified`` copy (the app closed, or
the PC lost power, before its check ended) is listed as not verified, never counted by rotation,
sealed by :func:`resume_unsealed` at the next start or backup, and checked, with progress, before
a restore may use it. App exit does not wait up to 20 s for a check: :func:`shutdown` interrupts
it (the copy is already on disk and is checked again at the next start) and waits only for the
fsyncs in flight. :func:`make_backup` runs all three steps in the caller's thread (the command
line, scripts).

Restore copies a verified backup into the live database with the backup API: one transaction on
the destination, so other connections see the old or the new database, never a mix, and a crash
mid-way rolls back. The current database is backed up first, durably. :func:`startup_check`
refuses foreign files untouched, moves a damaged database aside (renamed, never overwritten or
deleted) and offers the newest good backup; it warns about network shares.

A PostgreSQL shop (issue #18; the open location is a ``postgresql://`` URL) goes through the same
life with its engine's tools (:mod:`shopcrm.store.pg_backup`): the copy is ``pg_dump --format=custom``
into ``shopcrm-…-<kind>.pgdump``, the seal ``pg_restore`` reading all of it and finding ShopCRM's
mark, the naming, rotation, listing and listeners are the same. A dump is restored into an empty
database only: :func:`restore` drops the open database and creates it again (the rights are asked
first; the data from before is put back if the restore fails), :func:`restore_into_database` fills
a new one; both compare every table's row count with the dump's afterwards.

This package is the policy (names, the three steps, seals, ``.bad``/``.unverified``, rotation,
listing, daily and pre-migration backups, the audit rows, listeners, the restore flow); what
each engine does itself (its copy, check, contents and restore) is in the store layer, the only
one that knows the engine: :mod:`shopcrm.store.sqlite_backup` and :mod:`shopcrm.store.pg_backup`.
"""

from __future__ import annotations

import atexit
import contextlib
import datetime as dt
import hashlib
import json
import logging
import os
import queue
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from shopcrm.core import clock
from shopcrm.core.errors import Cancelled, check_progress
from shopcrm.core.paths import PgUrl
from shopcrm.core.texts import register, t
from shopcrm.store import db as dbmod, settings as setting_store, sqlite_backup as sq
from shopcrm.store.backup_engine import backup_engine as _engine
from shopcrm.store.db import DatabaseOpenError, database, inspect_file
from shopcrm.store.engine import replacing_database

log = logging.getLogger(__name__)

from shopcrm.backup.errors import BackupError  # noqa: E402
from shopcrm.store import pg_backup as pg  # noqa: E402  (PostgreSQL's dumps; shopcrm.backup.pg as before)

register(
    {
        "backup.verify_failed": (
            "备份“{name}”没有通过完整性检查（{reason}），已改名为“{bad}”保留在备份文件夹中（未删除）。"
            "磁盘或内存可能有问题，请检查后重新备份。",
            "The backup “{name}” failed its integrity check ({reason}); it was kept, renamed, as "
            "“{bad}” in the backup folder. The disk or the memory may be failing: check them and "
            "back up again.",
        ),
        "backup.copy_check_failed": (
            "复制的文件校验未通过（{reason}），已丢弃。",
            "The copy did not pass its check ({reason}) and was discarded.",
        ),
        "backup.verified": ("备份已通过完整性检查（{kind}）：{name}", "Backup verified ({kind}): {name}"),
        "backup.interrupted": (
            "备份的完整性检查被中断，下次启动时继续检查。",
            "The backup's integrity check was interrupted; it resumes at the next start.",
        ),
        "backup.gone": ("备份“{name}”已不在备份文件夹中。", "The backup “{name}” is no longer in the backup folder."),
        "backup.changed": (
            "备份“{name}”在保存之后被改动过（内容与保存时记录的校验值 SHA-256 不符），不能用来恢复。"
            "磁盘或存储介质可能有问题；请用另一份备份。",
            "The backup “{name}” has changed since it was saved (its contents no longer match the "
            "SHA-256 recorded then) and cannot be restored. The disk or medium may be failing; "
            "use another backup.",
        ),
        "backup.digest_unreadable": (
            "备份“{name}”的校验文件“{file}”无法读取（{reason}），不能确认备份保存后没有被改动。",
            "The checksum file “{file}” of the backup “{name}” cannot be read ({reason}): the "
            "backup cannot be shown to be unchanged since it was saved.",
        ),
        "backup.status.verified": ("已校验", "Verified"),
        "backup.status.checking": ("校验中…", "Checking…"),
        "backup.status.unverified": ("未校验", "Not verified"),
        "backup.no_database": ("没有打开的数据库。", "No database is open."),
        "backup.other_engine": (
            "“{path}”是另一种数据库的备份（SQLite 文件与 PostgreSQL 备份不能互相恢复，请用 move-db 迁移）。",
            "“{path}” is a backup of the other kind of database (an SQLite file and a PostgreSQL dump do "
            "not restore into each other; move-db moves a shop between them).",
        ),
        "backup.pg_put_back": (
            "恢复前的数据已从备份“{name}”放回。",
            "The data from before was put back from the backup “{name}”.",
        ),
        "backup.pg_put_back_failed": (
            "恢复前的数据没能自动放回（{reason}），它在备份“{name}”中。",
            "The data from before could not be put back ({reason}); it is in the backup “{name}”.",
        ),
        "backup.target_exists": ("“{path}”已存在，不会覆盖。", "“{path}” exists and will not be overwritten."),
        "backup.kind.daily": ("每日自动", "Daily"),
        "backup.kind.manual": ("手动", "Manual"),
        "backup.kind.before-import": ("导入前", "Before import"),
        "backup.kind.before-restore": ("恢复前", "Before restore"),
        "backup.kind.before-purge": ("彻底删除前", "Before purge"),
        "backup.kind.before-migration": ("升级前", "Before upgrade"),
        "backup.bad_count": ("保留份数应在 1 到 999 之间。", "Backups to keep must be 1 to 999."),
        "backup.foreign": (
            "这个备份不是当前数据库的（{what}）。恢复会用它的客户替换“{shop}”现在的全部数据。"
            "确实要恢复，请输入店名“{shop}”确认。",
            "This backup is not of the open database ({what}). Restoring it replaces all of "
            "“{shop}”'s current data with its customers. To restore it anyway, type the shop "
            "name “{shop}” to confirm.",
        ),
        "backup.foreign.demo": ("它来自演示数据", "it holds demo data"),
        "backup.foreign.real": ("当前打开的是演示数据，它来自真实数据库", "the demo is open and it holds real data"),
        "backup.foreign.other": ("它来自另一个数据库“{name}”", "it comes from another database, “{name}”"),
        "backup.foreign.unknown": (
            "它来自旧版本，无法确认来自哪个数据库",
            "it is from an older version that does not say which database it belongs to",
        ),
        "backup.confirm_wrong": (
            "输入的店名“{typed}”与“{shop}”不符，没有恢复。",
            "“{typed}” is not “{shop}”; nothing was restored.",
        ),
        "startup.damaged_moved": (
            "数据库文件已损坏，已原样移到“{moved}”（未删除、未修改）。",
            "The database was damaged; it was moved, unchanged, to “{moved}”.",
        ),
        "startup.offer_backup": (
            "可以从最近的完好备份恢复：{when}，{n} 位客户。",
            (
                "The newest good backup can be restored: {when}, {n} customer.",
                "The newest good backup can be restored: {when}, {n} customers.",
            ),
        ),
        "startup.no_backup": ("没有找到可用的备份。", "No usable backup was found."),
        "startup.network": (
            "数据库位于网络共享文件夹（{fs}）。SQLite 在网络盘上的文件锁不可靠，多台电脑同时使用可能损坏数据。"
            "请把数据库放在本机硬盘上，网络盘只用于存放备份。",
            "The database is on a network share ({fs}). SQLite's locking is unreliable there and "
            "simultaneous use from several PCs can corrupt it. Keep the database on a local disk; "
            "use network folders for backups only.",
        ),
    }
)

FOLDER_KEY = "backup.folder"
KEEP_KEYS = {"daily": "backup.keep_daily", "before": "backup.keep_before", "manual": "backup.keep_manual"}
DEFAULT_KEEP = {"daily": 14, "before": 10, "manual": 20}
KINDS = ("daily", "manual", "before-import", "before-restore", "before-purge", "before-migration")
# ``.db``: a copy of an SQLite database; ``.pgdump``: pg_dump's custom format (PostgreSQL, store.pg_backup)
NAME_RE = re.compile(r"^shopcrm-(\d{8})-(\d{6})(?:-(\d+))?-([a-z]+(?:-[a-z]+)*)\.(?:db|pgdump)$")
SQLITE_EXT, PG_EXT = ".db", ".pgdump"
PART_SUFFIX = ".part"  # step 1: being copied, or copied but not yet on disk
UNVERIFIED_SUFFIX = ".unverified"  # step 2 done: on disk, waiting for its integrity_check
BAD_SUFFIX = ".bad"  # failed its integrity_check: kept aside
# a backup name, sealed or still .unverified (group 5)
FILE_RE = re.compile(NAME_RE.pattern[:-1] + r"(\.unverified)?$")
SIDECAR_SUFFIX = ".backup-folder"
# beside a sealed backup: the SHA-256 of its bytes when it was sealed, in sha256sum's format
# ("<hex>  <name>"; ``sha256sum -c`` checks it too). A restore compares it before it changes anything.
DIGEST_SUFFIX = ".sha256"
DIGEST_RE = re.compile(r"^([0-9a-f]{64}) [ *](.+)\n?$")
NETWORK_FS = {
    "nfs",
    "nfs4",
    "cifs",
    "smb",
    "smb2",
    "smb3",
    "smbfs",
    "sshfs",
    "fuse.sshfs",
    "9p",
    "afs",
    "ncpfs",
    "davfs",
    "fuse.davfs2",
    "fuse.rclone",
    "ceph",
    "glusterfs",
    "fuse.glusterfs",
    "lustre",
    "gpfs",
}


class ForeignBackup(BackupError):
    """Restore refused: the backup is of another database (the demo, another shop's file, or a
    backup from before databases had an id). ``confirm_name`` is what the owner must type (the
    shop's name) to restore it anyway."""

    def __init__(self, message: str, confirm_name: str):
        super().__init__(message)
        self.confirm_name = confirm_name


@dataclass(frozen=True)
class Identity:
    """Who a database file is: its id (Setting ``db.id``, written at creation and copied into
    every backup with the rest of the file), whether it is the demo, and its shop name."""

    db_id: str | None
    demo: bool = False
    shop_name: str = ""


@dataclass(frozen=True)
class BackupSettings:
    folder: Path
    keep_daily: int = DEFAULT_KEEP["daily"]
    keep_before: int = DEFAULT_KEEP["before"]
    keep_manual: int = DEFAULT_KEEP["manual"]

    def keep(self, group: str) -> int:
        return {"daily": self.keep_daily, "before": self.keep_before, "manual": self.keep_manual}[group]


@dataclass(frozen=True)
class BackupInfo:
    """One backup as listed. ``path`` is its name (for a copy still waiting for its check: the name
    it gets once sealed; the bytes are in :attr:`file` meanwhile)."""

    path: Path
    created: dt.datetime
    kind: str
    size: int
    customers: int | None  # None: could not be read
    schema_version: int | None
    status: str = "verified"  # "verified" (sealed), "checking" (being sealed now), "unverified"
    identity: Identity | None = None  # None: could not be read

    def is_of_open_database(self) -> bool:
        """True when the backup carries the open database's id (False for the demo's backups
        seen from the real database, another shop's, and backups older than ids)."""
        return (
            self.identity is not None
            and self.identity.db_id is not None
            and self.identity.db_id == open_identity().db_id
        )

    @property
    def kind_text(self) -> str:
        return kind_text(self.kind)

    @property
    def status_text(self) -> str:
        return t(f"backup.status.{self.status}")

    @property
    def verified(self) -> bool:
        return self.status == "verified"

    @property
    def file(self) -> Path:
        if self.verified or self.path.exists():
            return self.path
        return unverified_path(self.path)

    @property
    def readable(self) -> bool:
        return self.customers is not None


def kind_text(kind: str) -> str:
    """A backup kind for the user ("导入前")."""
    try:
        return t(f"backup.kind.{kind}")
    except KeyError:
        return kind


# --- where and how many -----------------------------------------------------------------------


Location = Path | PgUrl  # an SQLite file or a PostgreSQL database


def current_db_path() -> Location | None:
    """The open database's location: its file, or its ``postgresql://`` URL (which may carry a
    password: never shown or written, see :attr:`PgUrl.display`)."""
    name = database.database
    if not name or name == ":memory:" or str(name).startswith("file::memory:"):
        return None
    if str(name).startswith(("postgresql://", "postgres://")):
        return PgUrl(str(name))
    return Path(name)


def _loc(location) -> Location:
    """A location as given (a PgUrl stays one; anything else is a file path)."""
    return location if isinstance(location, PgUrl) else Path(location)


def _exists(location: Location) -> bool:
    """An SQLite file that exists; a PostgreSQL database is taken to (the server says otherwise)."""
    return isinstance(location, PgUrl) or Path(location).exists()


def _same_database(a: Location, b: Location) -> bool:
    if isinstance(a, PgUrl) or isinstance(b, PgUrl):
        return isinstance(a, PgUrl) and isinstance(b, PgUrl) and pg.same_database(a, b)
    return os.path.abspath(a) == os.path.abspath(b)


DEMO_FOLDER = "backups-demo"


def default_folder(db_path: Location) -> Path:
    """``backups`` beside the database; the demo database (``<name>-demo.db``, shopcrm.ui.first_run)
    keeps its backups apart in ``backups-demo``, so that they are never listed with the real ones.
    A PostgreSQL database has nothing beside it on this PC: its backups go to
    ``<data folder>/backups-postgresql/<host>-<port>-<database>``."""
    if isinstance(db_path, PgUrl):
        from shopcrm.core.paths import data_dir

        return data_dir() / "backups-postgresql" / pg.folder_name(db_path)
    db_path = Path(db_path)
    return db_path.parent / (DEMO_FOLDER if db_path.stem.endswith("-demo") else "backups")


def _sidecar(db_path: Path) -> Path:
    # the folder is also written beside the database, so that a damaged database's backups on a
    # USB stick or a synced folder can still be found at start-up
    return Path(db_path).with_name(Path(db_path).name + SIDECAR_SUFFIX)


def _db_is(db_path: Location) -> bool:
    cur = current_db_path()
    return cur is not None and not database.is_closed() and _same_database(cur, db_path)


def get_settings(db_path: Location | None = None) -> BackupSettings:
    db_path = _loc(db_path) if db_path is not None else current_db_path()
    if db_path is None:
        raise BackupError(t("backup.no_database"))
    values: dict[str, object] = {}
    if _db_is(db_path):
        values = setting_store.get_many([FOLDER_KEY, *KEEP_KEYS.values()])
    folder = values.get(FOLDER_KEY)
    if not folder and not isinstance(db_path, PgUrl):
        side = _sidecar(db_path)
        if side.exists():
            folder = side.read_text(encoding="utf-8").strip() or None
    return BackupSettings(
        folder=Path(folder) if folder else default_folder(db_path),
        keep_daily=int(values.get(KEEP_KEYS["daily"], DEFAULT_KEEP["daily"])),
        keep_before=int(values.get(KEEP_KEYS["before"], DEFAULT_KEEP["before"])),
        keep_manual=int(values.get(KEEP_KEYS["manual"], DEFAULT_KEEP["manual"])),
    )


def configure(
    *,
    folder: str | Path | None = None,
    keep_daily: int | None = None,
    keep_before: int | None = None,
    keep_manual: int | None = None,
) -> BackupSettings:
    """Change the backup folder and rotation counts of the open database (owner only, logged)."""
    from shopcrm.trust import audit, security

    security.require_owner("settings")
    db_path = current_db_path()
    if db_path is None:
        raise BackupError(t("backup.no_database"))
    changes: dict[str, object] = {}
    if folder is not None:
        folder = Path(folder).expanduser()
        folder.mkdir(parents=True, exist_ok=True)
        changes[FOLDER_KEY] = str(folder.resolve())
    for group, value in (("daily", keep_daily), ("before", keep_before), ("manual", keep_manual)):
        if value is not None:
            if not 1 <= int(value) <= 999:
                raise ValueError(t("backup.bad_count"))
            changes[KEEP_KEYS[group]] = int(value)
    with database.atomic():
        for key, value in changes.items():
            setting_store.put(key, value)
        if changes:
            audit.log("settings", detail=", ".join(f"{k}={v}" for k, v in changes.items()))
    if FOLDER_KEY in changes and not isinstance(db_path, PgUrl):
        _write_atomically(_sidecar(db_path), str(changes[FOLDER_KEY]))
    return get_settings(db_path)


def _write_atomically(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".part")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


# --- the three steps --------------------------------------------------------------------------


def unverified_path(path: Path) -> Path:
    """Where the bytes of backup ``path`` are between its fsync and its seal."""
    return Path(path).with_name(Path(path).name + UNVERIFIED_SUFFIX)


def digest_path(path: Path) -> Path:
    """The file beside backup ``path`` that holds its SHA-256 from the seal."""
    return Path(path).with_name(Path(path).name + DIGEST_SUFFIX)


def file_sha256(file: Path, *, progress=None, stop: Callable[[], bool] | None = None) -> str:
    """The SHA-256 of ``file`` (hex), read in 1 MiB blocks (hashlib releases the GIL); progress
    in bytes may cancel (Cancelled); ``stop`` interrupts (a shutdown)."""
    h = hashlib.sha256()
    total = Path(file).stat().st_size
    done = 0
    with open(file, "rb") as f:
        while block := f.read(1 << 20):
            h.update(block)
            done += len(block)
            if stop is not None and stop():
                raise _Interrupted()
            check_progress(progress, done * 1000 // max(total, 1), 1000)  # in thousandths: files > 2 GB
    return h.hexdigest()


def _write_digest(final: Path, digest: str) -> None:
    """Record a backup's digest beside it, on disk before the backup gets its name."""
    side = digest_path(final)
    _write_atomically(side, f"{digest}  {final.name}\n")
    _fsync(side)


def check_digest(final: Path, *, progress=None) -> bool:
    """Whether a sealed backup's bytes are those its seal recorded: True when they are, False
    when it has no digest (sealed before digests were kept, or copied here without the file
    beside it: its other checks stand alone). Raises BackupError when they differ or the
    digest file cannot be read, Cancelled."""
    side = digest_path(final)
    try:
        text = side.read_text(encoding="utf-8")
    except FileNotFoundError:
        return False
    except (OSError, UnicodeDecodeError) as exc:
        raise BackupError(t("backup.digest_unreadable", name=final.name, file=side.name, reason=exc)) from exc
    m = DIGEST_RE.match(text) if len(text) < 4096 else None
    if m is None:
        raise BackupError(
            t("backup.digest_unreadable", name=final.name, file=side.name, reason="not “<sha256>  <name>”")
        )
    try:
        digest = file_sha256(final, progress=progress)
    except OSError as exc:  # a failing disk, a file locked or gone: no backup to restore from
        raise BackupError(t("backup.not_backup", path=final, reason=exc)) from exc
    if digest != m.group(1):
        raise BackupError(t("backup.changed", name=final.name))
    return True


def _part_path(path: Path) -> Path:
    return Path(path).with_name(Path(path).name + PART_SUFFIX)


def _bad_path(path: Path) -> Path:
    return Path(path).with_name(Path(path).name + BAD_SUFFIX)


def _key(path: Path) -> str:
    return os.path.abspath(path)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(path: Path) -> None:
    if os.name == "nt":  # directories cannot be opened for fsync on Windows
        return
    try:
        _fsync(path)
    except OSError as exc:
        log.warning(
            "cannot fsync the folder %s (the backup is written, its name may not survive a power cut): %s", path, exc
        )


def _replace(src: Path, dst: Path) -> None:
    """os.replace, retried for a moment: on Windows a reader holding the file open (the backup
    list reading its customer count) makes a rename fail until it closes the file."""
    for attempt in range(5):
        try:
            os.replace(src, dst)
            return
        except PermissionError:
            if attempt == 4:
                raise
            time.sleep(0.1 * (attempt + 1))


def _remove_part(part: Path) -> None:
    for suffix in ("", "-journal", "-wal", "-shm"):
        Path(str(part) + suffix).unlink(missing_ok=True)


def _copy_phase(src_path: Location, part: Path, progress) -> None:
    """Step 1: a consistent snapshot of ``src_path`` (which may be open and in use) into the new
    file ``part``, switched to rollback-journal mode (PostgreSQL: ``pg_dump --format=custom``).
    Leaves nothing behind when it fails (BackupError; Cancelled when ``progress`` asked for it)."""
    try:
        _engine(src_path).backup_to(part, progress)
    except BaseException:
        _remove_part(part)
        raise


# Test seam: called with (connection, path) right before a check's PRAGMA runs (a dump's check:
# with None, before pg_restore runs).
_before_check: sq.BeforeCheck | None = None
_Interrupted = sq.CheckInterrupted  # shutdown() stopped a check: the copy stays .unverified
check_state_path = sq.check_state_path


def _check_problems(path: Path, *, pragma: str = "integrity_check", progress=None, holder=None) -> list[str]:
    """``PRAGMA integrity_check`` (or ``quick_check``) of an SQLite file (see
    :func:`shopcrm.store.sqlite_backup.check_problems`)."""
    return sq.check_problems(path, pragma=pragma, progress=progress, holder=holder, before_check=_before_check)


def check_in_steps(path: Path, *, progress=None, holder: PendingBackup | None = None) -> list[str]:
    """``integrity_check`` of a large SQLite file in steps that survive an interruption (see
    :func:`shopcrm.store.sqlite_backup.check_in_steps`)."""
    return sq.check_in_steps(path, progress=progress, holder=holder, before_check=_before_check)


def _full_check(path: Path, *, progress=None, holder: PendingBackup | None = None) -> list[str]:
    """The check that seals a copy: :func:`check_in_steps` of an SQLite copy; of a PostgreSQL
    dump, pg_restore reading its table of contents, its ShopCRM mark and every data block."""
    if not pg.is_dump(path):
        return check_in_steps(path, progress=progress, holder=holder)
    check_progress(progress, 0, pg.CHECK_STEPS)  # begun: the window shows 0% (as for an SQLite copy)
    if _before_check is not None:
        _before_check(None, path)
    if holder is not None and holder._cancelled:
        raise _Interrupted()
    try:
        return pg.problems(
            path, full=True, progress=progress, stop=(lambda: holder._cancelled) if holder is not None else None
        )
    except pg.Stopped:
        raise _Interrupted() from None


# --- a backup between its copy and its seal ----------------------------------------------------


@dataclass(frozen=True)
class SealEvent:
    """What listeners (:func:`add_listener`) hear when a backup's background work ends. Sent from
    that thread."""

    path: Path  # the backup's name (it exists when state == "sealed")
    kind: str
    state: str  # "sealed"; "bad" (failed its check, kept aside at bad_path); "failed" (could not
    #             be written or renamed); "interrupted" (app exit: checked again at the next start)
    message: str  # for the user, in the current language
    bad_path: Path | None = None
    durable: bool = True  # False: it failed before it was on disk, and wait_durable() raised it

    @property
    def ok(self) -> bool:
        return self.state == "sealed"

    @property
    def unreported(self) -> bool:
        """A failure no caller heard of: the check failed, or a step after the copy was on disk
        did (a failure before that was raised to whoever waited for the backup)."""
        return self.state == "bad" or (self.state == "failed" and self.durable)

    @property
    def kind_text(self) -> str:
        return kind_text(self.kind)


_registry: dict[str, PendingBackup] = {}  # backups of this process not yet sealed (by name)
_registry_lock = threading.Lock()
_BACKGROUND_CHECKS = threading.Lock()  # one background integrity_check at a time (2 cores)
_listeners: list[Callable[[SealEvent], None]] = []


class PendingBackup:
    """One backup after its copy (see the module docstring). ``path`` is its final name, which
    exists once it is sealed; ``state`` goes "copied" → "durable" → "sealed", or ends "bad",
    "failed" or "interrupted".

    - :meth:`wait_durable`: returns once the copy is on disk (fsync'ed, folder too); the barrier
      an operation passes before it commits. Raises BackupError if the copy could not be written.
    - :meth:`wait_sealed`: returns the path once the copy passed ``integrity_check`` and got its
      name. Raises BackupError when it failed the check (then kept aside), could not be renamed,
      or the check was interrupted at app exit.
    """

    def __init__(
        self,
        path: Path,
        kind: str,
        *,
        db_path: Location | None = None,
        settings: BackupSettings | None = None,
        mode: str = "startup",
        durable: bool = False,
    ):
        self.path = Path(path)
        self.kind = kind
        self.db_path = _loc(db_path) if db_path is not None else None
        self.settings = settings
        self.mode = mode  # who made it, for the audit log ("owner", "clerk", "startup")
        self.state = "durable" if durable else "copied"
        self.error: BackupError | None = None
        self.bad_path: Path | None = None
        self.timings: dict[str, float] = {}  # seconds: "copy", "durable", "check"
        self.thread: threading.Thread | None = None
        self._durable = threading.Event()  # set when durable, or when it never will be
        self._done = threading.Event()
        if durable:
            self._durable.set()
        self._lock = threading.Lock()  # guards _con and _cancelled
        self._claim = threading.Lock()  # held by whoever runs this copy's check
        self._con: Any = None  # the check's connection (interrupted from another thread)
        self._cancelled = False
        self._was_durable = durable
        self.progress = (0, 0)  # (steps done, steps) of its check, once it runs
        self._watchers: list[Callable[[int, int], object]] = []

    def __repr__(self) -> str:
        return f"<PendingBackup {self.path.name} {self.state}>"

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def file(self) -> Path:
        """Where the bytes are now."""
        if self.state == "copied":
            return _part_path(self.path)
        if self.state == "sealed":
            return self.path
        if self.state == "bad" and self.bad_path is not None:
            return self.bad_path
        return unverified_path(self.path)

    @property
    def durable(self) -> bool:
        return self._was_durable

    @property
    def verified(self) -> bool:
        return self.state == "sealed"

    @property
    def done(self) -> bool:
        return self._done.is_set()

    @property
    def ended(self) -> bool:
        """Its outcome is decided (set before the listeners hear it, where ``done`` comes after):
        a window that looks between the two finds it ended and the event already sent."""
        return self.state in ("sealed", "bad", "failed", "interrupted")

    def wait_durable(self, timeout: float | None = None) -> None:
        """Block until the copy is on disk (fsync'ed, and the folder too). BackupError if it could
        not be written: the operation it protects must not commit. TimeoutError after
        ``timeout`` seconds."""
        if not self._durable.wait(timeout):
            raise TimeoutError(f"{self.name}: not on disk yet")
        if self.state == "failed" and not self._was_durable:
            raise self.error

    def wait_sealed(self, timeout: float | None = None, *, progress=None) -> Path:
        """Block until the seal ends; returns the verified backup's path, else raises its
        BackupError. ``progress`` (no estimate: called with 0, 0) may cancel the waiting."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while not self._done.is_set():
            if progress is not None:
                check_progress(progress, 0, 0)
            left = None if deadline is None else deadline - time.monotonic()
            if left is not None and left <= 0:
                raise TimeoutError(f"{self.name}: not sealed yet")
            self._done.wait(0.1 if progress is not None else left)
        if self.state != "sealed":
            raise self.error
        return self.path

    # --- the background work ---------------------------------------------------------------------
    def watch(self, fn: Callable[[int, int], object]) -> None:
        """``fn(done, total)`` hears the progress of this backup's check (from its thread)."""
        self._watchers.append(fn)

    def _progress_to_watchers(self, progress):
        def relay(done: int, total: int):
            self.progress = (done, total)
            for fn in list(self._watchers):
                fn(done, total)
            return progress(done, total) if progress is not None else None

        return relay

    def _attach(self, con: Any) -> bool:
        with self._lock:
            if self._cancelled:
                return False
            self._con = con
            return True

    def _detach(self) -> None:
        with self._lock:
            self._con = None

    def _cancel(self) -> None:
        """Interrupt the check (now or when it would start); the fsync is left to finish."""
        with self._lock:
            self._cancelled = True
            if self._con is not None:
                self._con.interrupt()

    def _start(self, part: Path | None, background: bool) -> None:
        """Make the copy durable (when ``part`` is given) and seal it: in a thread of its own
        (``background``), else here."""
        if background:
            self.thread = threading.Thread(
                target=self._run, args=(part, True), name=f"backup-seal-{self.path.name}", daemon=True
            )
            self.thread.start()
        else:
            self._run(part, False)

    def _run(self, part: Path | None, background: bool) -> None:
        """Steps 2 and 3 (step 2 only when ``part`` is given: a leftover is on disk already)."""
        try:
            if part is not None:
                self._make_durable(part)
            if background:
                with _BACKGROUND_CHECKS, self._claim:
                    dbmod.lower_thread_priority()  # this thread ends with the seal
                    self._seal()
            else:
                with self._claim:
                    self._seal()
        except BaseException as exc:  # never leave a waiter waiting: an import may be blocked on us
            log.warning("backup %s not sealed: %s", self.path, exc, exc_info=not isinstance(exc, BackupError))
            if not self._done.is_set():
                self._finish(
                    "failed", exc if isinstance(exc, BackupError) else BackupError(t("backup.failed", reason=exc))
                )
            if not isinstance(exc, Exception):
                raise

    def _make_durable(self, part: Path) -> None:
        started = time.perf_counter()
        try:
            _fsync(part)
            _replace(part, unverified_path(self.path))
            _fsync_dir(self.path.parent)
        except OSError as exc:
            _remove_part(part)
            raise BackupError(t("backup.failed", reason=exc)) from exc
        self.timings["durable"] = time.perf_counter() - started
        self.state = "durable"
        self._was_durable = True
        self._durable.set()

    def _seal(self, progress=None) -> None:
        """Step 3, by whoever holds ``_claim``: integrity_check, then the final name, or aside."""
        if self._done.is_set():
            return
        unverified = unverified_path(self.path)
        if self._cancelled:
            self._finish("interrupted", BackupError(t("backup.interrupted")))
            return
        if not unverified.exists():
            if self.path.exists():  # sealed by another process meanwhile
                self._finish("sealed", None)
            else:
                self._finish("failed", BackupError(t("backup.gone", name=self.name)))
            return
        started = time.perf_counter()
        try:
            problems = _full_check(unverified, progress=self._progress_to_watchers(progress), holder=self)
        except _Interrupted:
            self._finish("interrupted", BackupError(t("backup.interrupted")))
            return
        except Cancelled:  # a restore's user cancelled its check: checked again later
            self._finish("interrupted", BackupError(t("backup.interrupted")))
            raise
        self.timings["check"] = time.perf_counter() - started
        if problems:
            reason = "; ".join(problems)
            self.bad_path = _set_aside(unverified, self.path)
            check = "pg_restore" if self.bad_path.name.endswith(PG_EXT + BAD_SUFFIX) else "integrity_check"
            _audit(self.db_path, self.mode, f"{self.bad_path.name}: {check}: {reason}")
            self._finish(
                "bad", BackupError(t("backup.verify_failed", name=self.name, reason=reason, bad=self.bad_path.name))
            )
            return
        try:
            started = time.perf_counter()
            _write_digest(self.path, file_sha256(unverified, stop=lambda: self._cancelled))
            self.timings["digest"] = time.perf_counter() - started
            _replace(unverified, self.path)
            _fsync_dir(self.path.parent)
        except _Interrupted:
            self._finish("interrupted", BackupError(t("backup.interrupted")))
            return
        except OSError as exc:
            if not self.path.exists():  # no backup of that name: no checksum of it either
                digest_path(self.path).unlink(missing_ok=True)
            self._finish("failed", BackupError(t("backup.failed", reason=exc)))
            return
        if self.settings is not None:
            rotate(self.path.parent, self.settings, keep=self.path)
        self._finish("sealed", None)

    def _finish(self, state: str, error: BaseException | None) -> None:
        self.error = error  # before the state that says it is final (see ended)
        self.state = state
        with _registry_lock:
            if _registry.get(_key(self.path)) is self:
                del _registry[_key(self.path)]
        self._durable.set()  # a copy that never became durable releases its waiters too
        message = t("backup.verified", name=self.name, kind=kind_text(self.kind)) if state == "sealed" else str(error)
        _notify(SealEvent(self.path, self.kind, state, message, self.bad_path, self._was_durable))
        self._done.set()


def _set_aside(unverified: Path, final: Path) -> Path:
    """Rename a copy that failed its check to ``<name>.bad`` (never deleted here)."""
    bad = _bad_path(final)
    n = 1
    while bad.exists():
        n += 1
        bad = final.with_name(f"{final.name}.{n}{BAD_SUFFIX}")
    try:
        _replace(unverified, bad)
        _fsync_dir(final.parent)
    except OSError:
        return unverified  # left as it is: still never listed as verified, checked again later
    return bad


def _audit(db_path: Location | None, mode: str, detail: str) -> None:
    """An audit-log row (action "backup") written from any thread: a plain connection of its own,
    best effort (a busy database or a missing file is not worth failing for; the user is told
    by the listeners anyway)."""
    if db_path is not None:
        _engine(db_path).audit_backup(mode, clock.now().strftime("%Y-%m-%d %H:%M:%S"), detail)


def add_listener(fn: Callable[[SealEvent], None]) -> None:
    """Call ``fn(event)`` whenever a backup's background work ends (from that thread)."""
    if fn not in _listeners:
        _listeners.append(fn)


def remove_listener(fn: Callable[[SealEvent], None]) -> None:
    if fn in _listeners:
        _listeners.remove(fn)


def _notify(event: SealEvent) -> None:
    for fn in list(_listeners):
        try:
            fn(event)
        except Exception:
            log.exception("backup listener %r failed on %s", fn, event)


def follow_checks(pendings: list[PendingBackup], *, progress=None) -> list[str]:
    """Wait until the checks of ``pendings`` have ended (in their own threads), telling
    ``progress(done, total)`` their steps together as they go; a progress that returns False
    stops the following, not the checks. Returns each backup's final state (or its state when
    the following stopped)."""
    moved: queue.Queue[None] = queue.Queue()
    for p in pendings:
        p.watch(lambda _d, _t: moved.put(None))
    last = None
    while not all(p.done for p in pendings):
        with contextlib.suppress(queue.Empty):
            moved.get(timeout=0.5)  # a step ended, or look again (a check may end in silence)
        done = sum(p.progress[0] for p in pendings)
        total = sum(p.progress[1] for p in pendings)
        if progress is not None and total and (done, total) != last:
            last = (done, total)
            if progress(done, total) is False:
                break
    return [p.state for p in pendings]


def pending_backups() -> list[PendingBackup]:
    """The backups of this process that are not sealed yet."""
    with _registry_lock:
        return list(_registry.values())


def _claim_or_get(final: Path, make: Callable[[], PendingBackup]) -> tuple[PendingBackup, bool]:
    with _registry_lock:
        found = _registry.get(_key(final))
        if found is not None:
            return found, False
        pending = make()
        _registry[_key(final)] = pending
        return pending, True


def shutdown(timeout: float = 10.0) -> None:
    """At app exit: interrupt running and queued checks (their copies stay ``.unverified`` and
    are checked at the next start — exit never waits ~20 s for a check), and wait up to
    ``timeout`` s for fsyncs in flight, so that a backup a user was told about is on disk."""
    pendings = pending_backups()
    for p in pendings:
        p._cancel()
    deadline = time.monotonic() + timeout
    for p in pendings:
        p._durable.wait(max(0.0, deadline - time.monotonic()))


atexit.register(shutdown)


# --- making backups ---------------------------------------------------------------------------


def _backup_name(kind: str, when: dt.datetime, folder: Path, ext: str = SQLITE_EXT) -> Path:
    base = f"shopcrm-{when:%Y%m%d-%H%M%S}"
    path = folder / f"{base}-{kind}{ext}"
    n = 1
    while any(
        Path(str(folder / f"{path.stem}{e}") + s).exists()
        for e in (SQLITE_EXT, PG_EXT)
        for s in ("", PART_SUFFIX, UNVERIFIED_SUFFIX, BAD_SUFFIX)
    ):
        n += 1
        path = folder / f"{base}-{n}-{kind}{ext}"
    return path


_names_lock = threading.Lock()


def _reserve_name(kind: str, when: dt.datetime, folder: Path, ext: str = SQLITE_EXT) -> Path:
    """A free backup name, reserved by creating its empty ``.part`` (two backups in the same
    second, in two threads or two processes, never share a name)."""
    with _names_lock:
        while True:
            path = _backup_name(kind, when, folder, ext)
            try:
                open(_part_path(path), "xb").close()
            except FileExistsError:  # expected: taken by another thread or process; try the next name
                continue
            return path


def _mode_for(db_path: Location) -> str:
    """Who is making a backup, for the audit log: the session's mode when ``db_path`` is the
    database open in this thread, else "startup" (the start-up thread)."""
    try:
        if _db_is(db_path):
            from shopcrm.trust import security

            return security.current_mode()
    except Exception:
        log.warning("cannot tell who makes the backup of %s; recorded as 'startup'", db_path, exc_info=True)
    return "startup"


def start_backup(
    kind: str = "manual",
    *,
    db_path: Location | None = None,
    folder: Path | None = None,
    progress=None,
    when: dt.datetime | None = None,
    settings: BackupSettings | None = None,
    background: bool = True,
) -> PendingBackup:
    """Back up the database (the open one by default) into the backup folder.

    Step 1 (the copy) runs here; steps 2 and 3 (fsync, integrity_check, rename, rotation) in a
    background thread, and the returned :class:`PendingBackup` tells when they are done.
    ``background=False``: all of it here, returning a sealed backup or raising BackupError. In
    the background mode copies left unsealed by an earlier run are picked up too
    (:func:`resume_unsealed`). With ``db_path`` and ``settings`` given it never touches peewee
    (safe in any thread). Raises BackupError (nothing left behind), Cancelled.

    A PostgreSQL database (``db_path`` a PgUrl) is backed up by ``pg_dump --format=custom`` into
    ``shopcrm-…-<kind>.pgdump``, sealed by ``pg_restore`` reading all of it (:mod:`shopcrm.store.pg_backup`)."""
    if kind not in KINDS:
        raise ValueError(kind)
    db_path = _loc(db_path) if db_path is not None else current_db_path()
    if db_path is None:
        raise BackupError(t("backup.no_database"))
    settings = settings or get_settings(db_path)
    folder = Path(folder) if folder is not None else settings.folder
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BackupError(t("backup.failed", reason=exc)) from exc
    if background:
        resume_unsealed(folder, db_path=db_path, settings=settings)
    mode = _mode_for(db_path)
    try:
        ext = _engine(db_path).ext
        if isinstance(db_path, PgUrl):
            pg.tool("pg_dump")  # a plain message, before any file is made, when it is missing
        final = _reserve_name(kind, when or clock.now(), folder, ext)
    except OSError as exc:
        raise BackupError(t("backup.failed", reason=exc)) from exc
    part = _part_path(final)
    started = time.perf_counter()
    _copy_phase(db_path, part, progress)
    pending = PendingBackup(final, kind, db_path=db_path, settings=settings, mode=mode)
    pending.timings["copy"] = time.perf_counter() - started
    _claim_or_get(final, lambda: pending)
    pending._start(part, background)
    if not background and not pending.verified:
        raise pending.error
    return pending


def make_backup(
    kind: str = "manual",
    *,
    db_path: Location | None = None,
    folder: Path | None = None,
    progress=None,
    when: dt.datetime | None = None,
    settings: BackupSettings | None = None,
) -> Path:
    """A sealed backup made entirely in the caller's thread: copy, fsync, integrity_check,
    rename, rotation. Returns its path; raises BackupError (a copy that failed its check is kept
    aside as ``.bad``). The command line uses this; the app uses :func:`start_backup`."""
    return start_backup(
        kind, db_path=db_path, folder=folder, progress=progress, when=when, settings=settings, background=False
    ).path


def resume_unsealed(
    folder: Path, *, db_path: Location | None = None, settings: BackupSettings | None = None, background: bool = True
) -> list[PendingBackup]:
    """Finish what an earlier run left (the app closed, or the PC lost power, before a backup was
    sealed): every ``.unverified`` copy in ``folder`` is sealed — integrity_check, then renamed
    into place or kept aside as ``.bad`` — in a background thread (``background=False``: here,
    one after the other); stale ``.part`` files are removed. Copies this process is sealing
    already are left to it. Returns the seals started (or done)."""
    folder = Path(folder)
    _remove_stale_parts(folder)
    out = []
    for entry in _scan(folder):
        if entry.verified:
            continue
        pending, new = _claim_or_get(
            entry.path, lambda e=entry: PendingBackup(e.path, e.kind, db_path=db_path, settings=settings, durable=True)
        )
        if not new:
            continue
        pending._start(None, background)
        out.append(pending)
    return out


def before_operation(kind: str, *, defer_durable: bool = False, progress=None) -> PendingBackup | None:
    """A backup of the open database right before an import/restore/purge/migration changes it.

    Returns once the copy is made *and* on disk (fsync'ed). With ``defer_durable=True`` (import
    and purge only) it returns right after the copy, and the fsync runs while the operation
    does; the caller must then call ``pending.wait_durable()`` before it commits, so that the
    backup is on disk before the change can no longer be undone. The integrity_check follows in
    the background either way. Returns None when no database file is open. Raises BackupError:
    the caller must then not go on with the operation (nor commit, from ``wait_durable``)."""
    if defer_durable and kind not in ("import", "purge"):
        raise ValueError(f"a backup before {kind} must be on disk before it starts")
    db_path = current_db_path()
    if db_path is None or not _exists(db_path):
        return None
    pending = start_backup(f"before-{kind}", db_path=db_path, progress=progress)
    if not defer_durable:
        pending.wait_durable()
    return pending


def _before_migration(path: Location, from_version: int, to_version: int) -> None:
    # on disk before the first step runs; checked in the background meanwhile
    start_backup("before-migration", db_path=path).wait_durable()


if _before_migration not in dbmod.before_migration_hooks:
    dbmod.before_migration_hooks.append(_before_migration)


def daily_backup_if_due(
    today: dt.date | None = None, *, db_path: Location | None = None, settings: BackupSettings | None = None
) -> PendingBackup | None:
    """The start-up backup: started at most once a day (per backup folder; a copy still waiting
    for its check counts, one that failed it does not). With ``db_path`` and ``settings`` given
    it can run in a background thread (no peewee). Returns after the copy, like start_backup."""
    db_path = _loc(db_path) if db_path is not None else current_db_path()
    if db_path is None or not _exists(db_path):
        return None
    today = today or clock.today()
    settings = settings or get_settings(db_path)
    for entry in _scan(settings.folder):
        if entry.kind == "daily" and entry.created.date() == today:
            return None
    when = dt.datetime.combine(today, clock.now().time().replace(microsecond=0))
    return start_backup("daily", db_path=db_path, when=when, settings=settings)


def copy_database(src_path: Path, dest: Path, *, progress=None, verify: str | None = "integrity") -> Path:
    """Copy the database ``src_path`` (which may be open and in use) to the new file ``dest`` in
    one go, in the caller's thread: a consistent snapshot (step 1), checked (``"integrity"``:
    PRAGMA integrity_check, ``"quick"``: PRAGMA quick_check, None: not), fsync'ed and renamed
    into place; a copy that fails its check is discarded. Raises BackupError."""
    src_path, dest = Path(src_path), Path(dest)
    if dest.exists():
        raise BackupError(t("backup.target_exists", path=dest))
    dest.parent.mkdir(parents=True, exist_ok=True)
    part = _part_path(dest)
    _remove_part(part)
    _copy_phase(src_path, part, progress)
    try:
        if verify:
            problems = _check_problems(part, pragma="integrity_check" if verify == "integrity" else "quick_check")
            if problems:
                raise BackupError(t("backup.copy_check_failed", reason="; ".join(problems)))
        _fsync(part)
        _replace(part, dest)
        _fsync_dir(dest.parent)
    except BaseException as exc:
        _remove_part(part)
        if isinstance(exc, OSError):
            raise BackupError(t("backup.failed", reason=exc)) from exc
        raise
    return dest


def _group(kind: str) -> str:
    return "before" if kind.startswith("before-") else kind


@dataclass(frozen=True)
class _Entry:
    created: dt.datetime
    kind: str
    path: Path  # the backup's name (sealed or not)
    verified: bool  # False: only its .unverified copy exists


def _scan(folder: Path) -> list[_Entry]:
    """Every backup in ``folder``, sealed or waiting for its check, newest first."""
    out = []
    try:
        names = os.listdir(folder)
    except OSError:
        return []
    present = set(names)
    for name in names:
        m = FILE_RE.match(name)
        if not m:
            continue
        verified = m.group(5) is None
        final = name if verified else name[: -len(UNVERIFIED_SUFFIX)]
        if not verified and final in present:
            continue  # sealed between two renames of another process: the final name counts
        try:
            created = dt.datetime.strptime(m.group(1) + m.group(2), "%Y%m%d%H%M%S")
        except ValueError:  # expected: a name like ours with an impossible date is not our backup
            continue
        out.append((created, int(m.group(3) or 1), _Entry(created, m.group(4), folder / final, verified)))
    out.sort(key=lambda r: (r[0], r[1]), reverse=True)
    return [e for _c, _n, e in out]


STALE_PART_SECONDS = 6 * 3600  # a younger .part may be another process's copy in progress
BAD_KEEP = 3  # copies that failed their check, kept aside (newest first)


def _remove_stale_parts(folder: Path) -> list[Path]:
    deleted = []
    try:
        parts = [p for ext in (SQLITE_EXT, PG_EXT) for p in Path(folder).glob(f"shopcrm-*{ext}{PART_SUFFIX}")]
        # the kernel stamps mtimes with its own clock, which neither faketime nor clock.set_now moves
        kernel_now = clock.kernel_seconds(folder) if parts else 0.0
        for part in parts:
            if kernel_now - part.stat().st_mtime > STALE_PART_SECONDS:
                part.unlink()
                deleted.append(part)
    except OSError as exc:
        log.warning("cannot remove stale partial backups in %s: %s", folder, exc)
    return deleted


def rotate(folder: Path, settings: BackupSettings, *, keep: Path | None = None) -> list[Path]:
    """Delete the oldest *verified* backups beyond each group's count — a copy still waiting for
    its check is never counted nor deleted, so it can never push out the newest verified one —,
    copies kept aside beyond the newest BAD_KEEP, and ``.part`` files left by a copy that was
    interrupted hours ago (the app closed or the PC lost power). Returns the deleted."""
    folder = Path(folder)
    seen: dict[str, int] = {}
    deleted = _remove_stale_parts(folder)
    for entry in _scan(folder):
        if not entry.verified:
            continue
        group = _group(entry.kind)
        seen[group] = seen.get(group, 0) + 1
        if seen[group] > settings.keep(group) and entry.path != keep:
            try:
                entry.path.unlink()
                deleted.append(entry.path)
                digest_path(entry.path).unlink(missing_ok=True)
            except OSError as exc:
                log.warning("cannot remove old backup %s: %s", entry.path, exc)
    try:
        bad = sorted(folder.glob(f"shopcrm-*{BAD_SUFFIX}"), key=lambda p: p.stat().st_mtime, reverse=True)
        for path in bad[BAD_KEEP:]:
            path.unlink()
            deleted.append(path)
    except OSError as exc:
        log.warning("cannot remove old damaged databases in %s: %s", folder, exc)
    return deleted


# --- reading backups --------------------------------------------------------------------------


def _resolve(path: Path) -> tuple[Path, Path, bool]:
    """(name, file holding the bytes, sealed?) of a backup given by its name or by its
    ``.unverified`` file. Sealed means: a backup name (NAME_RE) that exists under that name —
    it passed integrity_check when it was made. Any other file (a copy still waiting for its
    check, a file from elsewhere) is not."""
    path = Path(path)
    if path.name.endswith(UNVERIFIED_SUFFIX):
        final = path.with_name(path.name[: -len(UNVERIFIED_SUFFIX)])
        if not path.exists() and final.exists():  # sealed meanwhile
            return final, final, True
        return final, path, False
    if not path.exists() and unverified_path(path).exists():
        return path, unverified_path(path), False
    return path, path, bool(NAME_RE.match(path.name))


def describe(
    path: Path, created: dt.datetime | None = None, kind: str = "", *, status: str | None = None
) -> BackupInfo:
    """A backup (by name, or its ``.unverified`` file) with its date, kind, customer count and
    status."""
    for _attempt in range(2):  # a copy sealed (renamed) while we read it: read it again
        final, file, sealed = _resolve(path)
        size = 0
        customers, version, identity = (_describe_dump if pg.is_dump(file) else _describe_file)(file)
        try:
            size = file.stat().st_size
        except OSError:  # expected: sealed (renamed) while we read it; read it again under its new name
            continue
        break
    if status is None or (status != "verified" and sealed):
        with _registry_lock:
            checking = _key(final) in _registry
        status = "verified" if sealed else ("checking" if checking else "unverified")
    if created is None:
        m = NAME_RE.match(final.name)
        if m:
            created = dt.datetime.strptime(m.group(1) + m.group(2), "%Y%m%d%H%M%S")
            kind = kind or m.group(4)
        else:
            try:
                created = dt.datetime.fromtimestamp(file.stat().st_mtime).replace(microsecond=0)
            except OSError:
                created = clock.now()
    return BackupInfo(final, created, kind or "manual", size, customers, version, status, identity)


def _describe_file(file: Path) -> tuple[int | None, int | None, Identity | None]:
    """(customers, schema version, identity) of an SQLite backup; Nones when unreadable."""
    customers, version, values = sq.describe_file(file)
    return customers, version, (_identity_from(values) if values is not None else None)


DESCRIBED_FILE = ".described.json"  # in a backup folder: what its dumps hold (read once, kept)


def _describe_dump(file: Path) -> tuple[int | None, int | None, Identity | None]:
    """(customers, schema version, identity) of a PostgreSQL dump. Reading them takes
    pg_restore and the whole customer table (about 1 s at 100k customers), and a dump never
    changes: they are kept in the folder's DESCRIBED_FILE under the backup's name, with its size
    and mtime (which its seal, a rename, keeps), so that a folder is read once, by any process."""
    try:
        st = file.stat()
    except OSError:
        return None, None, None
    name = file.name.removesuffix(UNVERIFIED_SUFFIX)
    stamp = [st.st_size, st.st_mtime_ns]
    known = _read_described(file.parent)
    entry = known.get(name)
    if entry is not None and entry.get("stamp") == stamp:
        identity = entry.get("identity")
        return entry.get("customers"), entry.get("version"), Identity(*identity) if identity else None
    try:
        found = pg.contents(file)
    except BackupError as exc:
        log.info("cannot read the dump %s for its description: %s", file, exc)
        return None, None, None
    if found.application_id != dbmod.APPLICATION_ID:
        return None, None, None
    identity = _identity_of_dump(found)
    known[name] = {
        "stamp": stamp,
        "customers": found.customers,
        "version": found.version,
        "identity": [identity.db_id, identity.demo, identity.shop_name],
    }
    _write_described(file.parent, known)
    return found.customers, found.version, identity


def _read_described(folder: Path) -> dict:
    try:
        data = json.loads((folder / DESCRIBED_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):  # expected: none yet, or unreadable: read the dumps again
        return {}
    return data if isinstance(data, dict) else {}


def _write_described(folder: Path, known: dict) -> None:
    present = set(os.listdir(folder)) if folder.exists() else set()
    kept = {n: e for n, e in known.items() if n in present or n + UNVERIFIED_SUFFIX in present}
    tmp = folder / f"{DESCRIBED_FILE}.{os.getpid()}-{threading.get_ident()}.part"  # one writer each
    try:
        tmp.write_text(json.dumps(kept, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, folder / DESCRIBED_FILE)
    except OSError as exc:  # a read-only folder: described again next time
        log.info("cannot keep the descriptions of the dumps in %s: %s", folder, exc)


def _identity_of_dump(found: pg.DumpContents) -> Identity:
    values: dict[str, object] = {}
    for key in (setting_store.DB_ID, setting_store.DEMO_DATABASE, setting_store.SHOP_NAME):
        raw = found.settings.get(key)
        if raw is not None:
            try:
                values[key] = json.loads(raw)
            except ValueError:
                log.warning("setting %r of a dump is not JSON; read as absent", key)
    return Identity(
        str(values.get(setting_store.DB_ID) or "") or None,
        bool(values.get(setting_store.DEMO_DATABASE)),
        str(values.get(setting_store.SHOP_NAME) or ""),
    )


def list_backups(folder: Path | None = None) -> list[BackupInfo]:
    """Every backup in the folder (the configured one by default), newest first, with its date,
    kind, customer count and status (verified, being checked, not verified yet)."""
    if folder is None:
        db_path = current_db_path()
        if db_path is None:
            raise BackupError(t("backup.no_database"))
        folder = get_settings(db_path).folder
    with _registry_lock:
        checking = set(_registry)
    found = []
    for e in _scan(Path(folder)):
        info = describe(
            e.path,
            e.created,
            e.kind,
            status="verified" if e.verified else ("checking" if _key(e.path) in checking else "unverified"),
        )
        # .unverified first: a seal renames it to the backup's name, never the other way
        if unverified_path(info.path).exists() or info.path.exists():
            found.append(info)
        # else: set aside as .bad (or rotated away) between the folder's listing and its reading
    return found


def _identity_from(values: dict) -> Identity:
    return Identity(
        values.get(setting_store.DB_ID) or None,
        bool(values.get(setting_store.DEMO_DATABASE)),
        str(values.get(setting_store.SHOP_NAME) or ""),
    )


def identity_of(path: Path) -> Identity:
    """The identity a backup (or any ShopCRM file, or a PostgreSQL dump) carries (an SQLite file
    SQLite cannot read: shopcrm.store.sqlite_backup.Unreadable)."""
    if pg.is_dump(Path(path)):
        return _identity_of_dump(pg.contents(Path(path)))
    return _identity_from(sq.identity_values(Path(path)))


def open_identity() -> Identity:
    """The identity of the open database."""
    from shopcrm.store import settings

    return Identity(settings.database_id(), settings.is_demo(), settings.shop_name())


def server_database_name() -> str | None:
    """The name of the open PostgreSQL database (a restore drops and creates it again), None
    for an SQLite file."""
    location = current_db_path()
    return pg.database_name(location) if isinstance(location, PgUrl) else None


def sibling_database(name: str) -> PgUrl:
    """The URL of database ``name`` on the open PostgreSQL database's server (same user,
    password source and parameters)."""
    location = current_db_path()
    if not isinstance(location, PgUrl):
        raise BackupError(t("backup.no_database"))
    return pg.with_database(location, name)


def confirm_name() -> str:
    """What the owner types to restore a backup of another database: the shop's name (the
    database file's name when the shop has none)."""
    from shopcrm.store import settings

    path = current_db_path()
    if isinstance(path, PgUrl):
        return settings.shop_name().strip() or pg.database_name(path)
    return settings.shop_name().strip() or (path.stem if path else "")


def check_identity(backup: Identity, *, confirm: str | None = None) -> None:
    """Raise ForeignBackup unless ``backup`` is of the open database or ``confirm`` is the shop's
    name (:func:`confirm_name`, spaces around it ignored)."""
    here = open_identity()
    if backup.db_id is not None and backup.db_id == here.db_id:
        return
    shop = confirm_name()
    if confirm is not None and confirm.strip() == shop:
        return
    if backup.db_id is None:
        what = t("backup.foreign.unknown")
    elif backup.demo and not here.demo:
        what = t("backup.foreign.demo")
    elif here.demo and not backup.demo:
        what = t("backup.foreign.real")
    else:
        what = t("backup.foreign.other", name=backup.shop_name or "?")
    if confirm:
        what = t("backup.confirm_wrong", typed=confirm.strip(), shop=shop) + " " + what
    raise ForeignBackup(t("backup.foreign", what=what, shop=shop), shop)


def check_backup(path: Path, *, full: bool = False, progress=None, contents: bool = True) -> int:
    """Verify a file before restoring it; returns its schema version. Raises BackupError,
    Cancelled. ``quick_check`` by default (0.6 s at 100k customers; every page, record and
    constraint — for a sealed backup, which passed integrity_check when it was made); ``full``:
    ``integrity_check`` (10-20 s there), with ``progress`` reported and able to cancel;
    ``contents=False``: only that it is a ShopCRM database this version can open.

    A PostgreSQL dump: ``pg_restore --list`` reads it and it holds ShopCRM's mark; ``full`` also
    reads every data block (``contents=False``: the mark and version only)."""
    path = Path(path)
    if pg.is_dump(path):
        return _check_dump(path, full=full, progress=progress, contents=contents)
    app_id, version = sq.read_mark(path)
    try:
        problems = (
            _check_problems(path, pragma="integrity_check" if full else "quick_check", progress=progress)
            if contents
            else []
        )
    except BackupError as exc:
        raise BackupError(t("backup.not_backup", path=path, reason=exc)) from exc
    if problems:
        raise BackupError(t("backup.not_backup", path=path, reason=problems[0]))
    if app_id != dbmod.APPLICATION_ID:
        raise BackupError(t("backup.not_backup", path=path, reason=t("db.not_shopcrm", path=path.name)))
    if version > dbmod.latest_version():
        raise BackupError(
            t(
                "backup.not_backup",
                path=path,
                reason=t("db.too_new", path=path.name, found=version, supported=dbmod.latest_version()),
            )
        )
    return version


def _check_dump(path: Path, *, full: bool, progress, contents: bool) -> int:
    found: pg.DumpContents | None
    if contents:
        problems, found = pg.inspect(path, full=full, progress=progress)
        if problems:
            raise BackupError(t("backup.not_backup", path=path, reason=problems[0]))
    else:
        try:
            found = pg.contents(path)
        except BackupError as exc:
            raise BackupError(t("backup.not_backup", path=path, reason=exc)) from exc
    assert found is not None
    if found.application_id != dbmod.APPLICATION_ID or found.version is None:
        raise BackupError(t("backup.not_backup", path=path, reason=t("backup.pg_no_mark")))
    if found.version > dbmod.latest_version():
        raise BackupError(
            t(
                "backup.not_backup",
                path=path,
                reason=t("db.too_new", path=path.name, found=found.version, supported=dbmod.latest_version()),
            )
        )
    return found.version


def _seal_now(final: Path, *, progress=None) -> None:
    """Seal one of our ``.unverified`` copies in the caller's thread (a restore wants it now),
    with progress; if this process is checking it already, wait for that check instead.
    Raises BackupError when it fails (kept aside), Cancelled."""
    m = NAME_RE.match(final.name)
    pending, _new = _claim_or_get(
        final,
        lambda: PendingBackup(
            final,
            m.group(4) if m else "manual",
            db_path=current_db_path(),
            mode=_mode_for(current_db_path()) if current_db_path() else "startup",
            durable=True,
        ),
    )
    if pending._claim.acquire(blocking=False):  # not being checked: check it here, now
        try:
            pending._seal(progress=progress)
        finally:
            pending._claim.release()
    else:
        pending.wait_sealed(progress=progress)
    if pending.state != "sealed":
        raise pending.error


def verify_for_restore(path: Path, *, progress=None) -> Path:
    """The file a restore may read, verified: a sealed backup after ``quick_check`` (it passed
    ``integrity_check`` when it was sealed); one of our copies still waiting for its check is
    checked now with ``integrity_check`` (progress, cancel) and sealed — or kept aside and
    refused —; any other file gets ``integrity_check`` too. Raises BackupError, Cancelled."""
    final, file, sealed = _resolve(path)
    if sealed:
        check_digest(final, progress=progress)  # the bytes its seal checked, none changed since
        check_backup(final)
        return final
    if file.name.endswith(UNVERIFIED_SUFFIX) and FILE_RE.match(file.name):
        check_backup(file, contents=False)  # not ours or too new: refused before a long check
        _seal_now(final, progress=progress)
        return final
    check_backup(file, full=True, progress=progress)
    return file


def newest_good_backup(folder: Path) -> BackupInfo | None:
    """The newest backup that passes its check: a sealed one ``quick_check``, a copy left
    unsealed its ``integrity_check`` (sealed by it, or kept aside)."""
    for entry in _scan(Path(folder)):
        try:
            if entry.verified:
                check_digest(entry.path)
                check_backup(entry.path)
            else:
                verify_for_restore(unverified_path(entry.path))
        except BackupError as exc:
            log.warning("backup %s fails its check, trying an older one: %s", entry.path, exc)
            continue
        return describe(entry.path, entry.created, entry.kind)
    return None


# --- restoring --------------------------------------------------------------------------------


def restore(backup_path: str | Path, *, progress=None, confirm_name: str | None = None) -> PendingBackup | None:
    """Replace the open database's contents with a backup (owner only, logged).

    The backup must be of the open database (the same ``db.id``, :func:`check_identity`): the
    demo's backups, another shop's file, or a backup older than ids are refused with
    ForeignBackup unless ``confirm_name`` is the shop's name, typed by the owner.

    The backup is verified first (:func:`verify_for_restore`: one that was never sealed gets its
    integrity_check now, with progress). The current database is then backed up, and that backup
    is on disk before anything changes (its integrity_check follows in the background; the
    returned PendingBackup tells when it is sealed). The copy is one transaction on the live
    database; afterwards migrations bring an older backup's schema up to date."""
    from shopcrm.trust import audit, security

    security.require_owner("restore")
    live = current_db_path()
    if live is None:
        raise BackupError(t("backup.no_database"))
    source = verify_for_restore(Path(backup_path), progress=progress)
    _same_engine(source, live)
    try:
        foreign = identity_of(source)
    except sq.Unreadable as exc:
        raise BackupError(t("backup.not_backup", path=backup_path, reason=exc)) from exc
    check_identity(foreign, confirm=confirm_name)  # (the GUI asks before it starts)
    live_id = open_identity().db_id
    if isinstance(live, PgUrl):
        pg.rights_check(live)  # refused before anything is made or changed
    safety = before_operation("restore")
    if isinstance(live, PgUrl):
        _restore_postgres(source, live, safety, progress)
    else:
        _restore_file(source, live, progress)
    if foreign.db_id is None and live_id:
        # a backup from before ids: the step that gave it one made a new id; it is this
        # database now (the owner confirmed), so it keeps the id its other backups carry
        from shopcrm.store import settings

        settings.put(settings.DB_ID, live_id)
    security.invalidate_cache()
    same = foreign.db_id is not None and foreign.db_id == live_id
    audit.log(
        "restore",
        detail=f"{source.name}; before: {safety.name if safety else '-'}"
        + ("" if same else "; other database, confirmed by name"),
    )
    return safety


def _same_engine(source: Path, live: Location) -> None:
    """A dump restores into PostgreSQL, an SQLite copy into SQLite (``move-db`` moves between)."""
    if pg.is_dump(source) != isinstance(live, PgUrl):
        raise BackupError(t("backup.other_engine", path=source.name))


def _restore_file(source: Path, live: Path, progress) -> None:
    """The copy into the live SQLite file: one transaction on it (the backup API), then the
    migrations an older backup needs."""
    _engine(live).restore_from(source, progress)
    dbmod.migrate(live)


def _restore_postgres(source: Path, live: PgUrl, safety: PendingBackup | None, progress) -> None:
    """The dump into the live PostgreSQL database: our connection closed, the database dropped
    (other sessions ended) and created again empty, ``pg_restore`` in one transaction, the
    counts compared, the database opened again (and migrated when the dump is older). When the
    restore fails or is cancelled, the data from before (``safety``) is put back."""
    with replacing_database():  # the window's own queries meanwhile: "being restored", not missing tables
        dbmod.close_database()
        try:
            pg.recreate_database(live)
        except BaseException:
            dbmod.open_database(live)  # refused before the drop: nothing changed
            raise
        try:
            _engine(live).restore_from(source, progress)
        except BaseException as exc:
            back = _put_back(live, safety)
            dbmod.open_database(live)
            if isinstance(exc, BackupError):
                raise BackupError(f"{exc} {back}") from exc
            raise
        dbmod.open_database(live)


def _put_back(live: PgUrl, safety: PendingBackup | None) -> str:
    """After a failed restore into the dropped database: the backup of the data from before
    restored into it again. Returns what happened, for the message."""
    if safety is None:
        return ""
    try:
        safety.wait_sealed()
        pg.recreate_database(live)
        _engine(live).restore_from(safety.path)
    except BaseException as exc:  # noqa: BLE001  told to the user with the backup's name
        log.error("the data from before the restore of %s could not be put back: %s", live.display, exc)
        return t("backup.pg_put_back_failed", name=safety.path, reason=exc)
    return t("backup.pg_put_back", name=safety.name)


def restore_into_database(backup_path: str | Path, url: str) -> dict[str, int]:
    """Restore a PostgreSQL dump into a NEW database ``url`` (created here; an existing one
    must be empty), then compare every table's row count with the dump's. Returns the counts.
    A database created here is dropped again when the restore fails."""
    url = PgUrl(url)
    source = verify_for_restore(Path(backup_path))
    _same_engine(source, url)
    created = False
    if not pg.database_exists(url):
        pg.create_database(url)
        created = True
    try:
        counts = pg.restore_into(source, url)
    except BaseException:
        if created:
            with contextlib.suppress(Exception):
                pg.drop_database(url)
        raise
    _engine(url).audit_backup(
        "startup", clock.now().strftime("%Y-%m-%d %H:%M:%S"), f"restore: {source.name}", action="restore"
    )
    return counts


def restore_into_path(backup_path: str | Path, db_path: str | Path) -> Path:
    """Put a verified copy of a backup at ``db_path``, where no database is (the damaged one was
    moved aside). Copy to a temporary file, fsync, rename: the path holds all of it or nothing."""
    backup_path, db_path = Path(backup_path), Path(db_path)
    source = verify_for_restore(backup_path)
    if db_path.exists():
        raise BackupError(t("backup.target_exists", path=db_path))
    copy_database(source, db_path, verify="quick")  # a copy of a verified file
    sq.audit(
        db_path, "startup", clock.now().strftime("%Y-%m-%d %H:%M:%S"), source.name, action="restore", best_effort=False
    )
    return db_path


# --- start-up check ---------------------------------------------------------------------------


@dataclass
class StartupCheck:
    status: str  # "new" (no file yet), "ok", "damaged" (moved aside), "refused" (left untouched)
    path: Path
    message: str = ""
    moved_to: Path | None = None
    backup: BackupInfo | None = None  # the newest good backup, offered when damaged
    network_warning: str = ""
    extra: dict = field(default_factory=dict)


def network_fs(path: Path, mounts_text: str | None = None) -> str | None:
    """The file system type if ``path`` is on a network share, else None."""
    p = os.path.abspath(path)
    if os.name == "nt":
        if p.startswith("\\\\"):
            return "UNC"
        try:
            import ctypes

            drive = os.path.splitdrive(p)[0] + "\\"
            if ctypes.windll.kernel32.GetDriveTypeW(drive) == 4:  # DRIVE_REMOTE
                return "network drive"
        except (AttributeError, OSError):
            return None
        return None
    if mounts_text is None:
        mounts_text = _mount_table()
        if mounts_text is None:
            return None
    best, best_fs = "", None
    for line in mounts_text.splitlines():
        parts = line.split()
        if len(parts) < 3:
            continue
        mnt = parts[1].replace("\\040", " ")
        if (p == mnt or p.startswith(mnt.rstrip("/") + "/")) and len(mnt) >= len(best):
            best, best_fs = mnt, parts[2]
    return best_fs if best_fs in NETWORK_FS else None


def _mount_table() -> str | None:
    """The mount table as /proc/mounts lines ("device mountpoint fstype …"): Linux reads
    /proc/mounts; macOS and the BSDs parse ``mount`` ("//srv/share on /Volumes/x (smbfs, …)")."""
    try:
        return Path("/proc/mounts").read_text(encoding="utf-8", errors="replace")
    except OSError:  # expected: not Linux (macOS, the BSDs): ask mount(8) below
        pass
    try:
        import subprocess

        out = subprocess.run(["mount"], capture_output=True, text=True, timeout=5).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    lines = []
    for line in out.splitlines():
        m = re.match(r"^(.*?) on (.*) \(([^,)]+)", line)
        if m:
            device, mountpoint = (g.replace(" ", "\\040") for g in m.group(1, 2))
            lines.append(f"{device} {mountpoint} {m.group(3)}")
    return "\n".join(lines)


def move_aside(path: Path, when: dt.datetime | None = None) -> Path:
    """Rename a damaged database (and its -wal/-shm) to ``<name>.damaged-<time>``; never deleted."""
    path = Path(path)
    stamp = f"{when or clock.now():%Y%m%d-%H%M%S}"
    target = path.with_name(f"{path.name}.damaged-{stamp}")
    n = 1
    while target.exists():
        n += 1
        target = path.with_name(f"{path.name}.damaged-{stamp}-{n}")
    os.replace(path, target)
    for suffix in ("-wal", "-shm"):
        side = Path(str(path) + suffix)
        if side.exists():
            os.replace(side, Path(str(target) + suffix))
    return target


def startup_check(path: str | Path, *, move_damaged: bool = True, mounts_text: str | None = None) -> StartupCheck:
    """Check the database before the app opens it (app.py calls this first).

    - no file: "new"; a foreign or too new file: "refused", untouched, with the message;
    - damaged (quick_check fails, truncated…): moved aside, "damaged", with the newest good
      backup offered (``restore_into_path`` puts it in place);
    - on a network share: ``network_warning`` is set (whatever the status)."""
    if isinstance(path, PgUrl):  # the server checks its pages itself; opening checks the mark
        return StartupCheck("ok", Path(pg.database_name(path)))
    path = Path(path)
    fs = network_fs(path.parent if not path.exists() else path, mounts_text)
    warning = t("startup.network", fs=fs) if fs else ""
    if not path.exists() or path.stat().st_size == 0:
        return StartupCheck("new", path, network_warning=warning)
    try:
        inspect_file(path)
    except DatabaseOpenError as exc:
        if exc.kind != "db.damaged":
            return StartupCheck("refused", path, message=str(exc), network_warning=warning)
        folder = get_settings(path).folder
        moved = move_aside(path) if move_damaged else None
        best = newest_good_backup(folder)
        lines = [t("startup.damaged_moved", moved=moved) if moved else str(exc)]
        lines.append(
            t("startup.offer_backup", when=f"{best.created:%Y-%m-%d %H:%M}", n=best.customers)
            if best
            else t("startup.no_backup")
        )
        return StartupCheck(
            "damaged",
            path,
            message="\n".join(lines),
            moved_to=moved,
            backup=best,
            network_warning=warning,
            extra={"reason": str(exc)},
        )
    return StartupCheck("ok", path, network_warning=warning)
