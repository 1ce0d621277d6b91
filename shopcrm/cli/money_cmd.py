"""The money at the counter from the command line (issue 13), for scripts and a POS:
``topup``, ``sale``, ``refund``, ``close-day``. ``--json`` prints money as strings with two
decimals; ``--customer`` takes a mobile or a card number; ``--pin`` unlocks the owner for what
needs one (a top-up refund); ``--operator`` names who does it."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys

from shopcrm.cli.common import command, open_db
from shopcrm.core.errors import FieldError
from shopcrm.core.normalize import parse_money
from shopcrm.excel import day_close_export
from shopcrm.excel.excel_export import ExportError
from shopcrm.sales import counter
from shopcrm.store.models import Customer, Topup
from shopcrm.trust import security


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.add_argument("--pin", help="owner PIN (or set SHOPCRM_PIN), where the owner is needed")
    p.add_argument("--operator", help="who does it (an operator's name)")
    p.add_argument("--store", help="the store (code, name or id) it is booked to (default: this counter's store)")


def _begin(args: argparse.Namespace) -> None:
    # (a DatabaseOpenError is no ValueError: shopcrm.cli.main reports it, exit code 2)
    open_db(args)
    pin = args.pin or os.environ.get("SHOPCRM_PIN")
    if pin:
        security.unlock(pin)
    if getattr(args, "store", None):
        from shopcrm import stores

        stores.use_store(stores.resolve(args.store))
    if getattr(args, "operator", None) and args.command != "close-day":
        counter.set_operator(args.operator)


def _out(args: argparse.Namespace, body: dict, text: str) -> int:
    print(json.dumps(body, ensure_ascii=False) if args.json else text)
    return 0


def _fail(exc: Exception) -> int:
    print(f"shopcrm: {exc}", file=sys.stderr)
    return 1


def _topup_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--customer", required=True, help="mobile or card number")
    p.add_argument("--amount", required=True, help="yuan paid in")
    p.add_argument("--method", default="cash", help="cash, wechat, alipay, bankcard, other")
    _common(p)


@command("topup", _topup_args)
def _topup(args: argparse.Namespace) -> int:
    try:
        _begin(args)
        c = counter.find_customer(args.customer)
        t = counter.topup(c.id, parse_money(args.amount, "amount"), args.method)
    except (FieldError, PermissionError, ValueError) as exc:  # PinError is a ValueError
        return _fail(exc)
    balance = Customer.get_by_id(c.id).balance_cents
    body = {
        "customer_id": c.id,
        "principal": counter.money(t.principal_cents),
        "bonus": counter.money(t.bonus_cents),
        "balance": counter.money(balance),
    }
    return _out(args, body, counter.receipt(t))


def _sale_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--customer", required=True, help="mobile or card number")
    p.add_argument("--amount", help="yuan (with --line: may be left out, else must equal the lines' sum)")
    p.add_argument("--pay", help="e.g. card=300,cash=200 (default: all cash)")
    p.add_argument("--items", default="", help="what was bought (free text; kept beside the lines)")
    p.add_argument(
        "--line",
        action="append",
        default=[],
        metavar="NAME*QTY*PRICE",
        help="one line of the purchase, e.g. '衬衫*2*99.50' (qty a whole number, price in yuan per piece; "
        "'NAME*PRICE' is one piece); repeat for more lines",
    )
    p.add_argument("--coupon", help="a coupon code to use")
    p.add_argument("--points", type=int, default=0, help="points spent as money")
    p.add_argument("--type", default="goods", help="sale type: goods, service, package (member prices)")
    _common(p)


@command("sale", _sale_args)
def _sale(args: argparse.Namespace) -> int:
    try:
        _begin(args)
        c = counter.find_customer(args.customer)
        lines = [counter.parse_line(text, i) for i, text in enumerate(args.line, 1)]
        if args.amount is None and not lines:
            raise FieldError("amount", "v.required")
        amount = parse_money(args.amount, "amount") if args.amount is not None else None
        pay = counter.parse_pay(args.pay) if args.pay else None
        p = counter.sell(
            c.id,
            amount,
            pay,
            items=args.items,
            lines=lines or None,
            coupon=args.coupon,
            points=args.points,
            sale_type=args.type,
        )
    except (FieldError, PermissionError, ValueError) as exc:  # PinError is a ValueError
        return _fail(exc)
    c = Customer.get_by_id(c.id)
    body = {
        "purchase_id": p.id,
        "total": counter.money(p.amount_cents),
        "paid": {m: counter.money(v) for m, v in counter.paid_by(p.id).items()},
        "balance": counter.money(c.balance_cents),
        "points": c.points,
    }
    return _out(args, body, f"#{p.id} " + counter.sale_receipt(p))


def _refund_args(p: argparse.ArgumentParser) -> None:
    group = p.add_mutually_exclusive_group(required=True)
    group.add_argument("--purchase", type=int, help="purchase id (whole, or --amount of it)")
    group.add_argument("--topup", type=int, help="top-up id: its unspent principal (owner, --pin)")
    p.add_argument("--amount", help="yuan (default: all that is left)")
    p.add_argument(
        "--line",
        type=int,
        action="append",
        metavar="N",
        help="refund line N of the purchase (1 = the first line; repeat for more lines; default: what is left of it)",
    )
    p.add_argument("--qty", type=int, help="with one --line: refund this many pieces of it")
    p.add_argument(
        "--to-card", action="store_true", help="a purchase's refund all onto the stored-value card (owner, --pin)"
    )
    _common(p)


@command("refund", _refund_args)
def _refund(args: argparse.Namespace) -> int:
    try:
        _begin(args)
        if args.topup is not None:
            r = counter.refund_topup(args.topup)
            customer_id = Topup.get_by_id(args.topup).customer_id
        else:
            amount = parse_money(args.amount, "amount") if args.amount else None
            lines = None
            if args.line:
                if amount is not None or args.topup is not None:
                    raise ValueError("--line goes with --purchase and without --amount")
                if args.qty is not None and len(args.line) != 1:
                    raise ValueError("--qty goes with exactly one --line")
                lines = {n: args.qty for n in args.line}
            elif args.qty is not None:
                raise ValueError("--qty goes with --line")
            r = counter.refund_purchase(args.purchase, amount, to_card=args.to_card, lines=lines)
            customer_id = r.customer_id
    except (FieldError, PermissionError, ValueError) as exc:  # PinError is a ValueError
        return _fail(exc)
    body = {
        "refund_id": r.id,
        "amount": counter.money(r.amount_cents),
        "to": {p.method: counter.money(p.amount_cents) for p in r.payments},
        "balance": counter.money(Customer.get_by_id(customer_id).balance_cents),
    }
    return _out(args, body, f"#{r.id} {body['amount']} -> {body['to']}; 余额 {body['balance']}")


def _close_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--date", help="YYYY-MM-DD (default: today)")
    p.add_argument("--export", metavar="FILE.xlsx", help="also write the close to an .xlsx file")
    _common(p)


@command("close-day", _close_args)
def _close_day(args: argparse.Namespace) -> int:
    try:
        _begin(args)
        day = dt.date.fromisoformat(args.date) if args.date else None
        totals = counter.close_day(day, args.operator)
        if args.export:
            day_close_export.export_xlsx(args.export, totals)
    except (FieldError, PermissionError, ValueError, OSError, ExportError) as exc:  # PinError is a ValueError
        return _fail(exc)
    body = totals.as_json()
    return _out(args, body, json.dumps(body, ensure_ascii=False, indent=1))
