"""The log file: ``<data folder>/logs/shopcrm.log``, rotated at about 1 MB, five old files kept.

The app (``shopcrm.ui.app``) and the command line (``shopcrm.cli.main``) call :func:`setup` once
at start-up; every other module only says ``log = logging.getLogger(__name__)``. Nothing the user
sees depends on the log: it is where an error that was handled (a backup that could not be
pruned, a listener that failed) leaves a trace for whoever helps the shop later.
"""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

from shopcrm.core.paths import data_dir

LOG_NAME = "shopcrm.log"
MAX_BYTES = 1_000_000
BACKUP_COUNT = 5
FORMAT = "%(asctime)s %(levelname)s %(name)s [%(threadName)s] %(message)s"

_handler: logging.handlers.RotatingFileHandler | None = None


def log_path(folder: Path | None = None) -> Path:
    """The log file for the data folder ``folder`` (default: the user's data folder)."""
    return Path(folder if folder is not None else data_dir()) / "logs" / LOG_NAME


def setup(
    folder: Path | None = None,
    *,
    level: int = logging.INFO,
    max_bytes: int = MAX_BYTES,
    backup_count: int = BACKUP_COUNT,
) -> Path | None:
    """Send the ``shopcrm`` loggers to the rotating log file of ``folder``; calling it again
    replaces the file (a test's data folder, another database). Returns the file, or None when
    it cannot be created (a read-only data folder must not stop the shop: logging then goes
    nowhere but stderr, through Python's last-resort handler)."""
    global _handler
    path = log_path(folder)
    logger = logging.getLogger("shopcrm")
    shutdown()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=max_bytes, backupCount=backup_count, encoding="utf-8", delay=True
        )
    except OSError as exc:
        logger.warning("cannot write the log file %s: %s", path, exc)
        return None
    handler.setFormatter(logging.Formatter(FORMAT))
    logger.addHandler(handler)
    logger.setLevel(level)
    _handler = handler
    return path


def current() -> Path | None:
    """The file the log goes to now (None before :func:`setup`)."""
    return Path(_handler.baseFilename) if _handler is not None else None


def shutdown() -> None:
    """Close the log file (tests; a second :func:`setup`)."""
    global _handler
    if _handler is not None:
        logging.getLogger("shopcrm").removeHandler(_handler)
        _handler.close()
        _handler = None
