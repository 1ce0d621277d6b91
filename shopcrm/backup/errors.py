"""The error of the backup package: the store's (its engines' backup primitives raise it), re-exported."""

from shopcrm.store.engine import BackupError

__all__ = ["BackupError"]
