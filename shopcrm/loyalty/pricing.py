"""Pricing a sale: member price, coupon, points as money (the rule is in shopcrm.loyalty's docstring)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from shopcrm.core import clock
from shopcrm.core.errors import FieldError
from shopcrm.core.money import fmt
from shopcrm.core.texts import register
from shopcrm.customers import ledger
from shopcrm.loyalty import coupons
from shopcrm.loyalty.config import SALE_TYPES, load_settings
from shopcrm.store.db import database
from shopcrm.store.models import Customer, Level

register(
    {
        "loyalty.v.sale_type": (
            "销售类型“{value}”不可用；可用：{allowed}",
            "Sale type “{value}” is unknown; known: {allowed}",
        ),
        "loyalty.v.points_off": ("本店未开通积分抵现", "This shop does not take points as money"),
        "loyalty.v.points_have": (
            "积分不足：现有 {have} 分，要用 {points} 分",
            "Not enough points: {have}, not {points}",
        ),
        "loyalty.v.points_cap": (
            "本单最多可用 {max} 分（抵 {money} 元），不能用 {points} 分",
            "At most {max} points ({money} yuan) can be spent on this sale, not {points}",
        ),
        "loyalty.v.nothing_due": (
            "优惠后应付金额为 {due}，须大于 0",
            "After the discounts {due} is due: it must be more than zero",
        ),
        "loyalty.receipt.member": (
            "会员价（{level} {rate}折）-{off}",
            "Member price ({level}, {percent}% of the price) -{off}",
        ),
        "loyalty.receipt.coupon": ("优惠券 {code} -{off}", "Coupon {code} -{off}"),
        "loyalty.receipt.coupon_gift": ("优惠券 {code}：赠{gift}", "Coupon {code}: gift {gift}"),
        "loyalty.receipt.points": ("积分抵现 {points} 分 -{off}", "{points} points -{off}"),
        "field.points": ("积分", "Points"),
        "field.coupon": ("优惠券", "Coupon"),
    }
)


# --- pricing -------------------------------------------------------------------------------------


def half_up(numerator: int, denominator: int) -> int:
    """``numerator / denominator`` rounded half up (both non-negative)."""
    return (2 * numerator + denominator) // (2 * denominator)


@dataclass(frozen=True)
class Quote:
    """How a sale's list price comes down to what is due (all money in cents)."""

    customer_id: int
    sale_type: str
    list_cents: int
    level: str | None
    member_percent: int  # percent of the price a member pays (100: no member price)
    member_off: int
    coupon_code: str | None
    coupon_id: int | None
    coupon_off: int
    coupon_gift: str
    points_used: int
    points_off: int
    points_max: int  # the most points this sale can take (caps and the member's points)
    points_have: int
    due: int

    @property
    def after_member(self) -> int:
        return self.list_cents - self.member_off

    @property
    def after_coupon(self) -> int:
        return self.after_member - self.coupon_off

    def lines(self, lang: str | None = None) -> list[str]:
        """The receipt's discount parts, in order (empty when nothing came off)."""
        return _discount_lines(
            self.level,
            self.member_percent,
            self.member_off,
            self.coupon_code,
            self.coupon_off,
            self.coupon_gift,
            self.points_used,
            self.points_off,
        )


def _discount_lines(level, percent, member_off, code, coupon_off, gift, points_used, points_off) -> list[str]:
    from shopcrm.core.texts import t

    out = []
    if member_off:
        rate = f"{percent / 10:g}"
        out.append(t("loyalty.receipt.member", level=level or "", rate=rate, percent=percent, off=fmt(member_off)))
    if code and gift:
        out.append(t("loyalty.receipt.coupon_gift", code=code, gift=gift))
    elif code:
        out.append(t("loyalty.receipt.coupon", code=code, off=fmt(coupon_off)))
    if points_used:
        out.append(t("loyalty.receipt.points", points=points_used, off=fmt(points_off)))
    return out


def level_name(customer: Customer) -> str | None:
    if customer.level_id is None:
        return None
    lv = Level.get_or_none(Level.id == customer.level_id)
    return lv.name if lv else None


def member_percent(customer: Customer, sale_type: str, s: dict[str, Any] | None = None) -> tuple[str | None, int]:
    """The customer's level and the percent of the price they pay for ``sale_type``."""
    s = s or load_settings()
    level = level_name(customer)
    if sale_type not in s["member_price_types"] or level is None:
        return level, 100
    return level, int(s["level_discounts"].get(level, 100))


def points_value(points: int, s: dict[str, Any] | None = None) -> int:
    """What ``points`` take off, in cents (rounded down; 0 when points are not money)."""
    rate = int((s or load_settings())["points_per_yuan"])
    return points * 100 // rate if rate else 0


def points_max(due_cents: int, have: int, s: dict[str, Any] | None = None) -> int:
    """The most points a sale with ``due_cents`` due (after member price and coupon) can take."""
    s = s or load_settings()
    rate = int(s["points_per_yuan"])
    if not rate:
        return 0
    cap = due_cents * int(s["points_cap_percent"]) // 100
    if s["points_cap_cents"] is not None:
        cap = min(cap, int(s["points_cap_cents"]))
    return max(0, min(have, cap * rate // 100))


def price(
    customer: Customer | int,
    amount_cents: int,
    coupon_code: str | None = None,
    points: int = 0,
    sale_type: str = "goods",
    *,
    day: dt.date | None = None,
) -> Quote:
    """A sale's price breakdown for ``customer`` (pure: writes nothing). Raises FieldError
    naming the field (``amount``, ``sale_type``, ``coupon``, ``points``) when the sale cannot be
    priced so: an unknown coupon, one of someone else, expired, used, below its threshold;
    more points than the member has or the caps allow."""

    c = customer if isinstance(customer, Customer) else Customer.get_by_id(customer)
    if sale_type not in SALE_TYPES:
        raise FieldError("sale_type", "loyalty.v.sale_type", value=sale_type, allowed=", ".join(SALE_TYPES))
    if amount_cents <= 0:
        raise FieldError("amount", "v.money_negative")
    day = day or clock.today()
    s = load_settings()
    level, pct = member_percent(c, sale_type, s)
    member_off = half_up(amount_cents * (100 - pct), 100)
    base = amount_cents - member_off
    code, coupon_id, coupon_off, gift = None, None, 0, ""
    if coupon_code:
        cp, coupon_off = coupons.check(coupon_code, c.id, base, day)
        code, coupon_id, gift = cp.code, cp.id, cp.gift if cp.kind == "gift" else ""
    after_coupon = base - coupon_off
    most = points_max(after_coupon, c.points, s)
    if points < 0:
        raise FieldError("points", "v.int_negative")
    if points:
        if not int(s["points_per_yuan"]):
            raise FieldError("points", "loyalty.v.points_off")
        if points > c.points:
            raise FieldError("points", "loyalty.v.points_have", have=c.points, points=points)
        if points > most:
            raise FieldError(
                "points", "loyalty.v.points_cap", max=most, money=fmt(points_value(most, s)), points=points
            )
    points_off = points_value(points, s)
    due = after_coupon - points_off
    if due <= 0:
        raise FieldError("coupon" if coupon_off else "points", "loyalty.v.nothing_due", due=fmt(due))
    return Quote(
        c.id,
        sale_type,
        amount_cents,
        level,
        pct,
        member_off,
        code,
        coupon_id,
        coupon_off,
        gift,
        points,
        points_off,
        most,
        c.points,
        due,
    )


def settle(quote: Quote, purchase_id: int, *, at: dt.datetime, operator: str = "") -> None:
    """Write a priced sale's loyalty in the sale's transaction (the caller's): the purchase's
    breakdown, the coupon marked used with the purchase (refused when it was used meanwhile),
    the points spent as a ``redeem`` ledger entry."""

    with database.atomic():
        database.execute_sql(
            "UPDATE purchase SET sale_type = ?, list_cents = ?, member_percent = ?, member_off_cents = ?, "
            "coupon_off_cents = ?, points_off_cents = ?, points_used = ? WHERE id = ?",
            (
                quote.sale_type,
                quote.list_cents,
                quote.member_percent,
                quote.member_off,
                quote.coupon_off,
                quote.points_off,
                quote.points_used,
                purchase_id,
            ),
        )
        if quote.coupon_id is not None:
            coupons.mark_used(quote.coupon_id, purchase_id, quote.coupon_off, at=at, operator=operator)
        if quote.points_used:
            ledger.apply(
                quote.customer_id,
                "redeem",
                points_delta=-quote.points_used,
                reason=f"积分抵现 {fmt(quote.points_off)}",
                purchase_id=purchase_id,
                at=at,
            )


def refund_points(purchase_id: int, *, at: dt.datetime) -> int:
    """In a refund's transaction, after the purchase's refunded amount went up: the points the
    sale took as money come back in proportion to what has been refunded of what was paid (all of
    them once it is wholly refunded), as a ``refund`` ledger entry. The coupon stays used.
    Returns the points given back now."""
    row = database.execute_sql(
        "SELECT customer_id, points_used, amount_cents, refunded_cents FROM purchase WHERE id = ?", (purchase_id,)
    ).fetchone()
    if row is None or not row[1]:
        return 0
    cid, used, left, refunded = row
    target = used if left <= 0 else used * refunded // (left + refunded)
    back = database.execute_sql(
        "SELECT COALESCE(SUM(points_delta), 0) FROM ledger_entry WHERE purchase_id = ? AND kind = 'refund'",
        (purchase_id,),
    ).fetchone()[0]
    n = target - back
    if n > 0:
        ledger.apply(
            cid,
            "refund",
            points_delta=n,
            reason=f"退货退回抵现积分（消费 #{purchase_id}）",
            purchase_id=purchase_id,
            at=at,
        )
    return max(n, 0)


def receipt_lines(purchase_id: int) -> list[str]:
    """The discount parts of a recorded sale's receipt line (member price, coupon, points)."""
    row = database.execute_sql(
        "SELECT p.customer_id, p.member_off_cents, p.coupon_off_cents, p.points_used, p.points_off_cents, "
        "p.member_percent, c.code, c.kind, c.gift FROM purchase p LEFT JOIN coupon c ON c.purchase_id = p.id "
        "WHERE p.id = ?",
        (purchase_id,),
    ).fetchone()
    if row is None:
        return []
    cid, member_off, coupon_off, points_used, points_off, percent, code, kind, gift = row
    level = level_name(Customer.get_by_id(cid)) if member_off else None
    return _discount_lines(
        level, percent, member_off, code, coupon_off, gift if kind == "gift" else "", points_used, points_off
    )
