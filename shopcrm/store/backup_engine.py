"""The backup face of the two engines (issue #18): the primitives :mod:`shopcrm.backup` builds its
policy on (naming, the copy → durable → seal life, ``.bad``/``.unverified``, rotation, listing,
the restore flow), one small interface whatever the engine:

- :meth:`BackupEngine.backup_to`: a consistent copy of the database into a new file;
- :meth:`BackupEngine.restore_from`: a copy put back into the database;
- :meth:`BackupEngine.audit_backup`: an audit-log row from any thread, best effort;
- :attr:`BackupEngine.ext`: how its backups' names end.

A copy itself is checked and read by its engine's module: :mod:`shopcrm.store.sqlite_backup`
(an SQLite file) and :mod:`shopcrm.store.pg_backup` (a ``pg_dump`` archive, ``is_dump``). Errors
are the store's :class:`shopcrm.store.engine.BackupError` (a message for the user) and Cancelled.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from pathlib import Path
from typing import Any, ClassVar

from shopcrm.core.paths import PgUrl
from shopcrm.store import pg_backup, sqlite_backup


class BackupEngine(ABC):
    """The backup primitives of one database (an SQLite file or a PostgreSQL database)."""

    ext: ClassVar[str]  # the name ending of this engine's backups

    @abstractmethod
    def backup_to(self, part: Path, progress: Any = None) -> None:
        """A consistent copy of this database (open and in use, maybe) into the file ``part``
        (empty: it reserved the name). BackupError, Cancelled; leaves ``part`` to the caller."""

    @abstractmethod
    def restore_from(self, copy: Path, progress: Any = None) -> None:
        """Put the backup ``copy`` into this database (SQLite: into the live file, in one
        transaction; PostgreSQL: into the EMPTY database, row counts compared). BackupError."""

    @abstractmethod
    def audit_backup(self, mode: str, at: str, detail: str, *, action: str = "backup") -> None:
        """An audit-log row in this database on a connection of its own (any thread), best effort."""


class SqliteBackups(BackupEngine):
    ext = ".db"

    def __init__(self, path: Path):
        self.path = Path(path)

    def backup_to(self, part: Path, progress: Any = None) -> None:
        sqlite_backup.copy_to(self.path, part, progress)

    def restore_from(self, copy: Path, progress: Any = None) -> None:
        sqlite_backup.restore_into_file(copy, self.path, progress)

    def audit_backup(self, mode: str, at: str, detail: str, *, action: str = "backup") -> None:
        sqlite_backup.audit(self.path, mode, at, detail, action=action)


class PostgresBackups(BackupEngine):
    ext = ".pgdump"

    def __init__(self, url: PgUrl):
        self.url = url

    def backup_to(self, part: Path, progress: Any = None) -> None:
        pg_backup.dump(self.url, part, progress)

    def restore_from(self, copy: Path, progress: Any = None) -> None:
        pg_backup.restore_into(copy, self.url, progress=progress)

    def audit_backup(self, mode: str, at: str, detail: str, *, action: str = "backup") -> None:
        pg_backup.audit(self.url, mode, at, detail, action=action)


def backup_engine(location: Path | PgUrl) -> BackupEngine:
    """The backup face of the database at ``location`` (a PgUrl is PostgreSQL, else a file)."""
    return PostgresBackups(location) if isinstance(location, PgUrl) else SqliteBackups(Path(location))
