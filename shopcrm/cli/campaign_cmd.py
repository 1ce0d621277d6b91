"""``python -m shopcrm campaign create|list|results|gift``: campaigns (shopcrm.campaigns.campaign).

campaign create --name 中秋关怀 (--segment SAVED | --grade A …) [--purpose festival]
                [--festival mid_autumn | --start YYYY-MM-DD (--days N | --end YYYY-MM-DD)]
                [--cap 30] [--holdout 10] [--template T] [--channel phone] [--json]
campaign list [--json]
campaign results --id N [--json]
campaign gift --customer MOBILE_OR_CARD --what 月饼礼盒 [--cost 88.00] [--campaign N]
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import sys

from shopcrm.cli.common import DB_HELP, command, open_db
from shopcrm.cli.segment_cmd import add_filter_args, filter_from_args


def _day(v: str | None) -> dt.date | None:
    return dt.date.fromisoformat(v) if v else None


def _campaign_args(p: argparse.ArgumentParser) -> None:
    sub = p.add_subparsers(dest="action", required=True)
    c = sub.add_parser("create", help="start a campaign on a segment")
    c.add_argument("--name", required=True)
    c.add_argument("--segment", metavar="SAVED", help="a saved segment (criteria given too narrow it down)")
    add_filter_args(c)
    c.add_argument("--purpose", default="promotion", help="promotion/new_arrivals/festival/survey/care")
    c.add_argument("--festival", metavar="KEY", default="", help="start 21 days before this festival, end on it")
    c.add_argument("--start", metavar="YYYY-MM-DD")
    c.add_argument("--end", metavar="YYYY-MM-DD")
    c.add_argument("--days", type=int)
    c.add_argument("--cap", type=int, default=30, help="customers a day at most")
    c.add_argument("--holdout", type=int, default=10, help="hold-out share in percent")
    c.add_argument("--window", type=int, default=30, help="days after the end a purchase still counts")
    c.add_argument("--template", default="")
    c.add_argument("--channel", default="phone")
    ls = sub.add_parser("list", help="every campaign")
    r = sub.add_parser("results", help="a campaign's results against its hold-out")
    r.add_argument("--id", type=int, required=True)
    g = sub.add_parser("gift", help="record a gift given to a customer")
    g.add_argument("--customer", required=True, metavar="MOBILE_OR_CARD")
    g.add_argument("--what", required=True)
    g.add_argument("--cost", default="0", metavar="YUAN")
    g.add_argument("--campaign", type=int)
    for each in (c, ls, r, g):
        each.add_argument("--json", action="store_true")
        each.add_argument("--db", help=DB_HELP)


def _results_dict(r) -> dict:
    out = dataclasses.asdict(r)
    out["targets"]["conversion"] = r.targets.conversion
    out["holdout"]["conversion"] = r.holdout.conversion
    out["difference"] = r.difference
    return out


@command("campaign", _campaign_args)
def _campaign(args: argparse.Namespace) -> int:
    from shopcrm import customers, segments
    from shopcrm.campaigns import campaign as K
    from shopcrm.core.errors import FieldError
    from shopcrm.core.money import to_cents

    open_db(args)
    out: object
    try:
        if args.action == "create":
            f = segments.load(args.segment) if args.segment else segments.SegmentFilter()
            f = f.merged(filter_from_args(args))
            start, end = _day(args.start), _day(args.end)
            if args.festival and start is None:
                start, end = K.festival_window(args.festival)
            inp = K.CampaignInput(
                name=args.name,
                filter=f,
                purpose="festival" if args.festival and args.purpose == "promotion" else args.purpose,
                template=args.template,
                channel=args.channel,
                start_on=start,
                end_on=end,
                days=args.days,
                daily_cap=args.cap,
                holdout_pct=args.holdout,
                window_days=args.window,
                festival=args.festival,
            )
            k = K.create(inp)
            per_day = K.planned_per_day(k.id)
            out = {
                "id": k.id,
                "start": str(k.start_on),
                "end": str(k.end_on),
                "targets": sum(per_day.values()),
                "holdout": len(K.members(k.id, holdout=True)),
                "busiest_day": max(per_day.values(), default=0),
            }
        elif args.action == "list":
            out = [
                {"id": k.id, "name": k.name, "purpose": k.purpose, "start": str(k.start_on), "end": str(k.end_on)}
                for k in K.campaigns()
            ]
        elif args.action == "results":
            out = _results_dict(K.results(args.id))
        else:
            who = customers.find_by_card(args.customer) or customers.find_by_mobile(args.customer)
            if who is None:
                print(f"shopcrm: {args.customer}?", file=sys.stderr)
                return 1
            gift = K.give_gift(who.id, args.what, to_cents(args.cost), campaign_id=args.campaign)
            out = {"id": gift.id, "customer_id": who.id}
    except (FieldError, ValueError) as exc:
        print(f"shopcrm: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(out, ensure_ascii=False, default=str) if args.json else out)
    return 0
