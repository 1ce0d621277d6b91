"""The error of the backup package (its own module: shopcrm.backup and shopcrm.backup.pg raise it)."""


class BackupError(Exception):
    """A backup or restore failed; ``str(e)`` is a message for the user. Nothing was changed."""
