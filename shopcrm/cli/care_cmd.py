"""``python -m shopcrm today [--date YYYY-MM-DD] [--export list.xlsx]``: the day's care list
(今日待办) printed or saved as a call / SMS list."""

from __future__ import annotations

import argparse
import datetime as dt

from shopcrm.cli.common import command, open_db
from shopcrm.core import clock


def _today_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--date", help="the day to list (default: today), YYYY-MM-DD")
    p.add_argument("--export", metavar="XLSX", help="save the list as an Excel call / SMS list")
    p.add_argument("--due-only", action="store_true", help="leave out upcoming birthdays and festivals")


@command("today", _today_args)
def _today(args: argparse.Namespace) -> int:
    from shopcrm import care

    open_db(args)
    day = dt.date.fromisoformat(args.date) if args.date else clock.today()
    s = care.load_settings()
    lst = care.build_today(day, s)
    items = [i for i in lst.items if i.due <= day] if args.due_only else lst.items
    if args.export:
        care.export_xlsx(args.export, lst, s, items)
        print(f"{len(items)} -> {args.export}")
        return 0
    for row in care.export_rows(lst, s, items):
        print("\t".join(str(v) for v in row[:6]))
    return 0
