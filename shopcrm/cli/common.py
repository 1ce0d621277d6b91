"""What every command module shares: the command registry and opening the database."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from shopcrm.core.paths import resolve_db_location
from shopcrm.store.db import open_database

# name -> (add_arguments(parser), run(args) -> exit code), filled as the command modules load
COMMANDS: dict[str, tuple[Callable[[argparse.ArgumentParser], None], Callable[[argparse.Namespace], int]]] = {}


def command(name: str, add_arguments: Callable[[argparse.ArgumentParser], None]):
    def register(run):
        COMMANDS[name] = (add_arguments, run)
        return run

    return register


DB_HELP = "database file or postgresql:// URL (default: $SHOPCRM_DB or the user data folder)"


def open_db(args: argparse.Namespace) -> None:
    """Open ``--db`` (an SQLite file or a PostgreSQL URL; DbLocationError for anything else)."""
    open_database(resolve_db_location(getattr(args, "db", None)))
