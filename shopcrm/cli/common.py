"""What every command module shares: the command registry and opening the database."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from shopcrm.core.paths import resolve_db_path
from shopcrm.store.db import open_database

# name -> (add_arguments(parser), run(args) -> exit code), filled as the command modules load
COMMANDS: dict[str, tuple[Callable[[argparse.ArgumentParser], None], Callable[[argparse.Namespace], int]]] = {}


def command(name: str, add_arguments: Callable[[argparse.ArgumentParser], None]):
    def register(run):
        COMMANDS[name] = (add_arguments, run)
        return run

    return register


def open_db(args: argparse.Namespace) -> None:
    open_database(resolve_db_path(getattr(args, "db", None)))
