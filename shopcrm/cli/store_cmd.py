"""``python -m shopcrm store add|list|rename|deactivate|activate|set-counter|operators`` — the stores (门店)
of a chain (issue #18) through :mod:`shopcrm.stores`. Changes are the owner's (``--pin`` or
SHOPCRM_PIN when a PIN is set); ``list`` shows which store this counter works in."""

from __future__ import annotations

import argparse
import json
import os
import sys

from shopcrm.cli.common import DB_HELP, command, open_db


def _store_args(p: argparse.ArgumentParser) -> None:
    sub = p.add_subparsers(dest="action", required=True)
    add = sub.add_parser("add", help="a new store")
    add.add_argument("code", help="short code: letters, digits, - and _")
    add.add_argument("name", help="the store's name, e.g. 东门店")
    add.add_argument("--address", default="")
    add.add_argument("--phone", default="")
    ls = sub.add_parser("list", help="the stores, and this counter's")
    ls.add_argument("--json", action="store_true")
    ren = sub.add_parser("rename", help="give a store another name (and code)")
    ren.add_argument("store", help="code, name or id")
    ren.add_argument("name")
    ren.add_argument("--code")
    off = sub.add_parser("deactivate", help="stop using a store (its records stay)")
    off.add_argument("store", help="code, name or id")
    on = sub.add_parser("activate", help="use a deactivated store again")
    on.add_argument("store", help="code, name or id")
    counter = sub.add_parser("set-counter", help="set this counter (machine) to work in a store")
    counter.add_argument("store", help="code, name or id")
    ops = sub.add_parser(
        "operators", help="the operators who work in a store (they sign in only at its counters); none given: show them"
    )
    ops.add_argument("store", help="code, name or id")
    ops.add_argument("names", nargs="*", metavar="NAME", help="the store's operators from now on")
    ops.add_argument("--clear", action="store_true", help="the store has no operators of its own")
    for each in (add, ls, ren, off, on, counter, ops):  # the database option of every action, after it too
        each.add_argument("--db", help=DB_HELP)
        if each is not ls:
            each.add_argument("--pin", help="owner PIN (or set SHOPCRM_PIN); needed when a PIN is set")


@command("store", _store_args)
def _store(args: argparse.Namespace) -> int:
    from shopcrm import stores
    from shopcrm.core.errors import FieldError
    from shopcrm.trust import security

    open_db(args)
    try:
        pin = getattr(args, "pin", None) or os.environ.get("SHOPCRM_PIN")
        if pin and security.has_pin():
            security.unlock(pin)
        if args.action == "list":
            here = stores.counter_store().id
            rows = [
                {"id": s.id, "code": s.code, "name": s.name, "active": s.active, "this_counter": s.id == here}
                for s in stores.all_stores()
            ]
            if args.json:
                print(json.dumps(rows, ensure_ascii=False))
            else:
                for r in rows:
                    mark = "*" if r["this_counter"] else " "
                    print(f"{mark} {r['id']}\t{r['code']}\t{r['name']}\t{'' if r['active'] else '-'}")
            return 0
        if args.action == "operators":
            store_id = stores.resolve(args.store)
            if args.names or args.clear:
                stores.set_operators(store_id, args.names)
            print("\n".join(stores.operators_of(store_id)))
            return 0
        if args.action == "add":
            s = stores.add(args.code, args.name, address=args.address, phone=args.phone)
        elif args.action == "rename":
            s = stores.update(stores.resolve(args.store), name=args.name, code=args.code)
        elif args.action in ("deactivate", "activate"):
            s = stores.set_active(stores.resolve(args.store), args.action == "activate")
        else:
            s = stores.set_counter_store(stores.resolve(args.store))
        print(f"{s.id}\t{s.code}\t{s.name}")
        return 0
    except (FieldError, PermissionError, ValueError) as exc:  # PinError is a ValueError
        print(f"shopcrm: {exc}", file=sys.stderr)
        return 1
