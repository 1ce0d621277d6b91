"""``python -m shopcrm segment count|save|list``: saved customer segments (shopcrm.segments).

    segment count --grade A [--level L] [--tag T] [--dormant-days N] [--name SAVED] [--json]
    segment save --name NAME <criteria>
    segment list [--json]

The criteria options are shared with ``export`` (:func:`add_filter_args`, :func:`filter_from_args`).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys

from shopcrm.cli.common import DB_HELP, command, open_db


def add_filter_args(p: argparse.ArgumentParser, *, skip: tuple[str, ...] = ()) -> None:
    """The segment criteria as options (``skip``: options the command defines its own way)."""
    if "level" not in skip:
        p.add_argument("--level", action="append", default=[], metavar="L", help="member level (repeatable)")
    if "tag" not in skip:
        p.add_argument("--tag", action="append", default=[], metavar="T", help="tag (repeatable; any of them)")
    p.add_argument("--grade", action="append", default=[], metavar="G", help="ABC grade A/B/C (repeatable)")
    p.add_argument("--value-type", action="append", default=[], metavar="V", help="gold/meteor/star/burden/ordinary")
    p.add_argument("--lifecycle", action="append", default=[], metavar="S", help="new/growth/at_risk/lost/recovered")
    p.add_argument("--product", action="append", default=[], metavar="P", help="favourite product contains P")
    p.add_argument("--birth-month", action="append", default=[], type=int, metavar="M", help="birthday month 1-12")
    p.add_argument("--bought-within", type=int, metavar="N", help="bought within the last N days")
    p.add_argument("--dormant-days", type=int, metavar="N", help="bought before, but not in the last N days")
    p.add_argument("--min-spend", metavar="YUAN", help="total spend at least")
    p.add_argument("--max-spend", metavar="YUAN", help="total spend at most")
    p.add_argument("--consent", choices=("yes", "no", "unknown"), help="marketing consent")
    p.add_argument("--joined-from", metavar="YYYY-MM-DD")
    p.add_argument("--joined-to", metavar="YYYY-MM-DD")


def filter_from_args(args: argparse.Namespace):
    """The criteria given on the command line as a SegmentFilter (empty when none was given)."""
    from shopcrm.core.money import to_cents
    from shopcrm.segments import SegmentFilter

    def day(v):
        return dt.date.fromisoformat(v) if v else None

    levels, tags = getattr(args, "level", None), getattr(args, "tag", None)
    return SegmentFilter(
        grades=[g.upper() for g in args.grade],
        value_types=args.value_type,
        lifecycles=args.lifecycle,
        levels=levels if isinstance(levels, list) else [],  # export has its own single --level/--tag
        tags=tags if isinstance(tags, list) else [],
        products=args.product,
        birth_months=args.birth_month,
        bought_within_days=args.bought_within,
        dormant_days=args.dormant_days,
        min_spend_cents=to_cents(args.min_spend) if args.min_spend else None,
        max_spend_cents=to_cents(args.max_spend) if args.max_spend else None,
        consent=args.consent,
        joined_from=day(args.joined_from),
        joined_to=day(args.joined_to),
    )


def _segment_args(p: argparse.ArgumentParser) -> None:
    sub = p.add_subparsers(dest="action", required=True)
    c = sub.add_parser("count", help="how many customers the criteria (or a saved segment) select")
    c.add_argument("--name", metavar="SAVED", help="a saved segment (criteria given too narrow it down)")
    add_filter_args(c)
    c.add_argument("--json", action="store_true")
    s = sub.add_parser("save", help="save the criteria under a name (replaces a segment of that name)")
    s.add_argument("--name", required=True)
    add_filter_args(s)
    s.add_argument("--json", action="store_true")
    ls = sub.add_parser("list", help="the saved segments with their current counts")
    ls.add_argument("--json", action="store_true")
    for each in (c, s, ls):  # the database option of every command, after the action too
        each.add_argument("--db", help=DB_HELP)


@command("segment", _segment_args)
def _segment(args: argparse.Namespace) -> int:
    from shopcrm import segments
    from shopcrm.core.errors import FieldError

    open_db(args)
    try:
        if args.action == "list":
            rows = segments.listing()
            if args.json:
                print(json.dumps(rows, ensure_ascii=False))
            else:
                for r in rows:
                    print(f"{r['name']}\t{r['count'] if r['count'] is not None else '-'}\t{r['description']}")
            return 0
        f = filter_from_args(args)
        if args.action == "count":
            if args.name:
                f = segments.load(args.name).merged(f)
            n = segments.count(segments.validate(f))
            print(json.dumps({"count": n}) if args.json else n)
            return 0
        seg = segments.save(args.name, f)
        n = segments.count(f)
        print(json.dumps({"name": seg.name, "count": n}, ensure_ascii=False) if args.json else f"{seg.name}\t{n}")
        return 0
    except (FieldError, ValueError) as exc:
        print(f"shopcrm: {exc}", file=sys.stderr)
        return 1
