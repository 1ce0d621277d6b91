"""``python -m shopcrm export OUT.xlsx [--db PATH] [--full] [--level L] [--tag T] [--search TEXT]
[--segment NAME] [--store STORE] [--grade G …segment criteria] [--pin PIN]`` — customers to Excel through :func:`shopcrm.excel.excel_export.export_customers`."""

from __future__ import annotations

import argparse
import os
import sys

from shopcrm.cli.common import command, open_db
from shopcrm.cli.segment_cmd import add_filter_args, filter_from_args
from shopcrm.core.texts import register, t

register(
    {
        "export.unknown_level": (
            "没有名为“{name}”的会员等级（现有：{known}）",
            "No member level called “{name}” (known: {known})",
        ),
        "export.unknown_tag": ("没有名为“{name}”的标签（现有：{known}）", "No tag called “{name}” (known: {known})"),
    }
)


def _export_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("out", metavar="OUT.xlsx", help="the Excel file to write (replaced when it exists)")
    p.add_argument(
        "--full", action="store_true", help="full archive: also sheets of purchases, contacts and complaints"
    )
    p.add_argument("--level", metavar="L", help="only customers of this member level (name)")
    p.add_argument("--tag", metavar="T", help="only customers with this tag (name)")
    p.add_argument(
        "--search", metavar="TEXT", default="", help="only customers the list search finds (name, pinyin, mobile, card)"
    )
    p.add_argument("--segment", metavar="NAME", help="only customers of this saved segment")
    p.add_argument(
        "--store",
        metavar="STORE",
        help="one store (code, name or id): the customers whose home store it is; with --full, the purchases, "
        "contacts and complaints recorded in that store",
    )
    add_filter_args(p, skip=("level", "tag"))  # the segment criteria (shopcrm.segments)
    p.add_argument("--pin", help="owner PIN (or set SHOPCRM_PIN); needed when a PIN is set")


@command("export", _export_args)
def _export(args: argparse.Namespace) -> int:
    from shopcrm import customers, segments, stores
    from shopcrm.core.errors import Cancelled, FieldError
    from shopcrm.excel import excel_export
    from shopcrm.trust import security

    open_db(args)
    query = None
    try:
        seg = segments.load(args.segment) if args.segment else segments.SegmentFilter()
        seg = segments.validate(seg.merged(filter_from_args(args)))
        store_id = stores.resolve(args.store) if args.store else None  # a chain: one store's export
    except (FieldError, ValueError) as exc:
        print(f"shopcrm: {exc}", file=sys.stderr)
        return 1
    chosen = seg != segments.SegmentFilter()
    if args.level or args.tag or args.search or chosen:
        query = customers.CustomerQuery(text=args.search, extra=segments.where_sql(seg) if chosen else None)
        if args.level:
            query.level_id = customers.level_id_by_name(args.level)
            if query.level_id is None:
                known = "、".join(name for _id, name in customers.all_levels()) or "-"
                print(f"shopcrm: {t('export.unknown_level', name=args.level, known=known)}", file=sys.stderr)
                return 1
        if args.tag:
            tags = {name: tid for tid, name in customers.all_tags()}
            query.tag_id = tags.get(args.tag.strip())
            if query.tag_id is None:
                print(
                    f"shopcrm: {t('export.unknown_tag', name=args.tag, known='、'.join(tags) or '-')}", file=sys.stderr
                )
                return 1
    pin = args.pin or os.environ.get("SHOPCRM_PIN")
    try:
        if pin and security.has_pin():
            security.unlock(pin)
        result = excel_export.export_customers(args.out, query=query, full=args.full, store_id=store_id)
    except (excel_export.ExportError, PermissionError, security.PinError, Cancelled) as exc:
        print(f"shopcrm: {exc}", file=sys.stderr)
        return 1
    print(result.message)
    return 0
