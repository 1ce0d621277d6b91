"""``python -m shopcrm move-db --db SOURCE --to TARGET [--json]``: copy a shop from an SQLite file
into an empty PostgreSQL database, or from PostgreSQL into a new SQLite file, and check that every
table's row count and money sums arrived (shopcrm.store.move). The source is only read."""

from __future__ import annotations

import argparse
import json
import sys

from shopcrm.cli.common import command


def _move_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--to", required=True, metavar="TARGET", help="an empty postgresql:// database or a new file")
    p.add_argument("--json", action="store_true", help="print a JSON summary (counts, sums, seconds) at the end")


@command("move-db", _move_args)
def _move_db(args: argparse.Namespace) -> int:
    from shopcrm.core.paths import resolve_db_location
    from shopcrm.store.move import MoveError, move

    source = resolve_db_location(args.db)

    def progress(line: str) -> None:
        print(f"move-db: {line}", file=sys.stderr if args.json else sys.stdout, flush=True)

    try:
        result = move(source, args.to, progress=progress)
    except MoveError as exc:
        print(f"shopcrm: {exc}", file=sys.stderr)
        if args.json:
            print(json.dumps({"ok": False, "error": str(exc)}, ensure_ascii=False))
        return 1
    if args.json:
        print(json.dumps(result.as_json(), ensure_ascii=False, indent=1))
    else:
        rows = sum(f.rows for f in result.tables.values())
        print(
            f"move-db: {rows:,} rows in {len(result.tables)} tables, counts and sums equal, "
            f"{result.seconds['total']:.1f} s ({result.source} -> {result.target})"
        )
    return 0
