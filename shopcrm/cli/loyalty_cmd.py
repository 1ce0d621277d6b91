"""Loyalty from the command line (issue 14): ``coupon issue|void|list``, ``package
sell|use|refund|list``, ``points expire|redeem-gift``. Same conventions as the counter's
commands (shopcrm.cli.money_cmd): ``--json`` prints money as strings with two decimals,
``--customer`` takes a mobile or a card number, ``--pin`` unlocks the owner where needed. A
refusal exits with 1 and the reason (in the user's language) on stderr."""

from __future__ import annotations

import argparse
import datetime as dt

from shopcrm.cli.common import command
from shopcrm.cli.money_cmd import _begin, _common, _fail, _out
from shopcrm.core.errors import FieldError
from shopcrm.core.normalize import parse_money
from shopcrm.loyalty import coupons, packages, points
from shopcrm.sales import counter, packages as sold_packages
from shopcrm.store.models import Coupon, Customer, Package


def _coupon_json(cp: Coupon) -> dict:
    return {
        "code": cp.code,
        "customer_id": cp.customer_id,
        "kind": cp.kind,
        "amount_off": counter.money(cp.amount_off_cents),
        "percent_off": cp.percent_off,
        "threshold": counter.money(cp.threshold_cents),
        "cap": counter.money(cp.cap_cents) if cp.cap_cents else None,
        "gift": cp.gift,
        "valid_until": cp.valid_until.isoformat(),
        "status": cp.status,
    }


def _coupon_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("action", choices=["issue", "void", "list"])
    p.add_argument("--customer", help="mobile or card number (issue, list)")
    p.add_argument("--code", help="the coupon's code (void)")
    kind = p.add_mutually_exclusive_group()
    kind.add_argument("--amount-off", help="yuan off")
    kind.add_argument("--percent-off", type=int, help="percent off (20 = 8 折)")
    kind.add_argument("--gift", help="a gift's name")
    kind.add_argument("--type", help="a coupon type's name")
    p.add_argument("--threshold", default="0", help="yuan the sale must reach (amount off)")
    p.add_argument("--cap", help="at most this many yuan off (percent off)")
    p.add_argument("--days", type=int, help="valid this many days, the day of issue included")
    p.add_argument("--until", help="valid until YYYY-MM-DD")
    p.add_argument("--reason", default="", help="why it is voided")
    _common(p)


def _terms(args: argparse.Namespace) -> coupons.Terms:
    if args.type:
        return coupons.terms_of(coupons.type_named(args.type))
    until = dt.date.fromisoformat(args.until) if args.until else None
    common = {"days": args.days, "end_on": until, "threshold_cents": parse_money(args.threshold, "threshold")}
    if args.amount_off:
        return coupons.Terms("amount", amount_off_cents=parse_money(args.amount_off, "amount"), **common)
    if args.percent_off is not None:
        cap = parse_money(args.cap, "amount") if args.cap else None
        return coupons.Terms("percent", percent_off=args.percent_off, cap_cents=cap, **common)
    if args.gift:
        return coupons.Terms("gift", gift=args.gift, **common)
    raise FieldError("coupon", "coupon.v.terms", reason="--amount-off / --percent-off / --gift / --type")


@command("coupon", _coupon_args)
def _coupon(args: argparse.Namespace) -> int:
    try:
        _begin(args)
        if args.action == "void":
            if not args.code:
                raise FieldError("coupon", "coupon.v.unknown", code="")
            cp = coupons.void(args.code, args.reason)
            return _out(args, _coupon_json(cp), coupons.text(cp))
        c = counter.find_customer(args.customer or "")
        if args.action == "list":
            rows = coupons.of_customer(c.id)
            body = {"coupons": [_coupon_json(cp) for cp in rows]}
            return _out(args, body, "\n".join(coupons.text(cp) + f"（{cp.status}）" for cp in rows))
        cp = coupons.issue(c.id, _terms(args))
    except (FieldError, PermissionError, ValueError) as exc:  # PinError is a ValueError
        return _fail(exc)
    return _out(args, _coupon_json(cp), coupons.text(cp))


def _package_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("action", choices=["sell", "use", "refund", "list"])
    p.add_argument("--customer", help="mobile or card number")
    p.add_argument("--package", type=int, help="the count card's id (use, refund)")
    p.add_argument("--name", help="what the card is for (sell)")
    p.add_argument("--uses", type=int, help="uses sold (sell)")
    p.add_argument("--price", help="yuan (sell)")
    p.add_argument("--days", type=int, help="valid this many days, the day of sale included (sell)")
    p.add_argument("--pay", help="e.g. card=100,cash=200 (sell; default: all cash)")
    p.add_argument("--coupon", help="a coupon code to use (sell)")
    p.add_argument("--points", type=int, default=0, help="points spent as money (sell)")
    p.add_argument("--note", default="", help="a note on the use")
    _common(p)


def _package_json(pkg: Package) -> dict:
    return {
        "package_id": pkg.id,
        "name": pkg.product,
        "uses": pkg.uses,
        "remaining": pkg.remaining,
        "expires_on": pkg.expires_on.isoformat() if pkg.expires_on else None,
    }


@command("package", _package_args)
def _package(args: argparse.Namespace) -> int:
    try:
        _begin(args)
        c = counter.find_customer(args.customer) if args.customer else None
        if args.action == "sell":
            if c is None or not args.name or not args.uses or not args.price:
                raise FieldError("package", "package.v.terms")
            pay = counter.parse_pay(args.pay) if args.pay else None
            pkg = sold_packages.sell_package(
                c.id,
                args.name,
                args.uses,
                parse_money(args.price, "amount"),
                args.days,
                pay,
                coupon=args.coupon,
                points=args.points,
            )
            body = {"package_id": pkg.id, "remaining": pkg.remaining}
            return _out(args, body, f"#{pkg.id} " + packages.text(pkg))
        if args.action == "list":
            if c is None:
                raise FieldError("customer", "v.customer_not_found", value="")
            rows = packages.of_customer(c.id)
            return _out(
                args,
                {"packages": [_package_json(p) for p in rows]},
                "\n".join(f"#{p.id} {packages.text(p)}" for p in rows),
            )
        if args.package is None:
            raise FieldError("package", "package.v.unknown", id="")
        if args.action == "use":
            pkg = packages.use(args.package, customer_id=c.id if c else None, note=args.note)
            return _out(args, {"remaining": pkg.remaining}, packages.text(pkg))
        r = sold_packages.refund_package(args.package)
        refund_body: dict[str, object] = {
            "refund_id": r.id,
            "amount": counter.money(r.amount_cents),
            "to": {p.method: counter.money(p.amount_cents) for p in r.payments},
            "remaining": packages.get(args.package).remaining,
        }
        return _out(args, refund_body, f"#{r.id} {refund_body['amount']} -> {refund_body['to']}")
    except (FieldError, PermissionError, ValueError) as exc:  # PinError is a ValueError
        return _fail(exc)


def _points_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("action", choices=["expire", "redeem-gift"])
    p.add_argument("--customer", help="mobile or card number (redeem-gift)")
    p.add_argument("--gift", type=int, help="the gift's id (redeem-gift)")
    p.add_argument("--date", help="YYYY-MM-DD (expire; default: today)")
    _common(p)


@command("points", _points_args)
def _points(args: argparse.Namespace) -> int:
    try:
        _begin(args)
        if args.action == "expire":
            day = dt.date.fromisoformat(args.date) if args.date else None
            n = points.expire_points(day)
            return _out(args, {"expired": n}, str(n))
        c = counter.find_customer(args.customer or "")
        if args.gift is None:
            raise FieldError("gift", "points_gift.v.terms")
        points.redeem_gift(c.id, args.gift)
    except (FieldError, PermissionError, ValueError) as exc:  # PinError is a ValueError
        return _fail(exc)
    left = Customer.get_by_id(c.id).points
    return _out(args, {"customer_id": c.id, "points": left}, f"积分 {left}")
