"""Headless commands: ``python -m shopcrm demo|…``. Each subcommand lives in its own function and
registers itself in :data:`COMMANDS`; later modules add theirs (import, export, backup, restore)."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable

from shopcrm.core import texts
from shopcrm.store.db import DatabaseOpenError, close_database, open_database
from shopcrm.core.paths import resolve_db_path

# name -> (add_arguments(parser), run(args) -> exit code)
COMMANDS: dict[str, tuple[Callable[[argparse.ArgumentParser], None], Callable[[argparse.Namespace], int]]] = {}


def command(name: str, add_arguments: Callable[[argparse.ArgumentParser], None]):
    def register(run):
        COMMANDS[name] = (add_arguments, run)
        return run

    return register


def open_db(args: argparse.Namespace) -> None:
    open_database(resolve_db_path(getattr(args, "db", None)))


def _demo_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--customers", type=int, default=1000)
    p.add_argument("--purchases", type=int, default=10000)
    p.add_argument("--complaints", type=int, default=None)
    p.add_argument("--seed", type=int, default=1)


@command("demo", _demo_args)
def _demo(args: argparse.Namespace) -> int:
    from shopcrm.demo import generate

    open_db(args)
    started = time.perf_counter()
    generate(args.customers, args.purchases, seed=args.seed, complaints=args.complaints)
    print(f"demo: {args.customers} customers, {args.purchases} purchases in "
          f"{time.perf_counter() - started:.1f} s")
    return 0


def _load_plugins() -> None:
    """The modules that add commands, imported when the parser is built (not at import time:
    they import this module for the ``command`` decorator)."""
    import shopcrm.cli.backup_cmd  # noqa: F401
    import shopcrm.cli.care_cmd  # noqa: F401
    import shopcrm.cli.import_cmd  # noqa: F401
    import shopcrm.cli.export_cmd  # noqa: F401
    import shopcrm.cli.grading_cmd  # noqa: F401


def build_parser() -> argparse.ArgumentParser:
    _load_plugins()
    parser = argparse.ArgumentParser(prog="shopcrm", description="ShopCRM 店铺客户关系管理")
    parser.add_argument("--lang", default="zh_CN", help="zh_CN (default) or en")
    sub = parser.add_subparsers(dest="command", required=True)
    for name, (add_arguments, _run) in COMMANDS.items():
        p = sub.add_parser(name)
        p.add_argument("--db", help="database file (default: $SHOPCRM_DB or the user data folder)")
        add_arguments(p)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    texts.set_language(args.lang)
    try:
        return COMMANDS[args.command][1](args)
    except DatabaseOpenError as exc:
        print(f"shopcrm: {exc}", file=sys.stderr)
        return 2
    finally:
        # the last connection closing copies the WAL into the file and removes it (a large
        # import commits without that checkpoint: shopcrm.store.db.checkpoint_deferred)
        close_database()


if __name__ == "__main__":
    raise SystemExit(main())
