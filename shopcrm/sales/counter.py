"""The money at the counter (issue 13): top-ups with bonus rules, split payments, refunds,
operators and the day's close (日结).

- :func:`topup`: a clerk action. The principal paid by a method and the bonus a rule gives are
  two ledger entries (``topup``, ``bonus``) tied to one ``topup`` row, in one transaction.
- :func:`sell`: a sale paid by the card and/or other methods; the card part is spent through the
  ledger in the sale's transaction (an IMMEDIATE one: a second process waits), never below zero.
- :func:`refund_purchase`: a whole purchase or part of it, back to the methods it was paid with
  (the card part through the ledger, the rest as cash out); total spend, purchase count (when
  whole), points earned (pro rata) and the purchase's amount (the grading input) go down.
- :func:`refund_topup`: a top-up's unspent principal paid back by its method; the bonus is never
  paid out (it counts as spent last). Owner only, audited.
- :func:`close_day`: totals by method of a day (or one operator's shift), bonus given, points
  redeemed and the stored-value liability at the end of the day, checked against the balances;
  the close is stored and the day refuses later writes (shopcrm.sales.days).

Operators are names in the counter settings; the current one is process state
(shopcrm.trust.session.current_operator), like the owner/clerk mode.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from dataclasses import dataclass, field
from typing import Any

from shopcrm import loyalty, stores as chain
from shopcrm.core.errors import FieldError
from shopcrm.core.money import fmt
from shopcrm.core.normalize import parse_money
from shopcrm.core.texts import CATALOGUE, register, t_in
from shopcrm.customers import ledger
from shopcrm.sales import activity, days
from shopcrm.sales.activity import CARD
from shopcrm.store import locks, settings as setting_store, stores
from shopcrm.store.db import database
from shopcrm.store.models import (
    Customer,
    DayClose,
    Purchase,
    PurchaseLine,
    Refund,
    RefundPayment,
    Topup,
    now,
    sql_ts,
)
from shopcrm.trust import audit, session

log = logging.getLogger(__name__)

register(
    {
        "v.customer_not_found": ("找不到手机号或卡号为“{value}”的客户", "No customer has the mobile or card “{value}”"),
        "v.method_unknown": (
            "付款方式“{value}”不可用；可用：{allowed}",
            "Payment method “{value}” is not available; available: {allowed}",
        ),
        "v.pay_sum": (
            "各付款方式合计 {paid}，与金额 {total} 不符",
            "The payment parts add up to {paid}, not the amount {total}",
        ),
        "v.refund_too_much": (
            "可退金额为 {left}，不能退 {amount}",
            "At most {left} can be refunded, not {amount}",
        ),
        "v.operator_unknown": ("没有名为“{value}”的操作员", "No operator is named “{value}”"),
        "v.liability_mismatch": (
            "储值余额合计与流水合计不符（{customers} 位客户），请先核对",
            "Card balances differ from their ledger ({customers} customers): check them first",
        ),
        "v.bad_bonus_rule": ("第 {row} 条赠送规则有误：{reason}", "Bonus rule {row} is wrong: {reason}"),
        "v.line_bad": (
            "第 {row} 行商品“{value}”有误：应为 名称*数量*单价（数量为正整数，单价以元计）",
            "Line {row} “{value}” is wrong: write name*qty*unit price (qty a whole number above 0, price in yuan)",
        ),
        "v.lines_sum": (
            "各行商品合计 {lines}，与金额 {total} 不符",
            "The lines add up to {lines}, not the amount {total}",
        ),
        "v.line_unknown": ("消费 #{id} 没有第 {row} 行商品", "Purchase #{id} has no line {row}"),
        "v.line_qty": (
            "第 {row} 行商品还可退 {left} 件，不能退 {qty} 件",
            "Line {row}: at most {left} can be refunded, not {qty}",
        ),
    }
)

METHODS = ("cash", "wechat", "alipay", "bankcard", "other")  # the default list (configurable)

KEY = "counter"


def _defaults() -> dict[str, Any]:
    # bonus_rules: {"min": cents paid, "bonus": cents given, "level": a level name or None,
    # "start"/"end": ISO dates or None}; the largest tier reached wins
    return {"methods": list(METHODS), "bonus_rules": [], "operators": []}


def _validate(value: dict[str, Any]) -> dict[str, Any]:
    methods = [str(m) for m in value["methods"]]
    if not methods or CARD in methods or len(set(methods)) != len(methods):
        raise FieldError("method", "v.method_unknown", value=",".join(methods), allowed=", ".join(METHODS))
    rules = []
    for i, r in enumerate(value["bonus_rules"], 1):
        try:
            rule: dict[str, Any] = {
                "min": int(r["min"]),
                "bonus": int(r["bonus"]),
                "level": r.get("level") or None,
                "start": dt.date.fromisoformat(r["start"]).isoformat() if r.get("start") else None,
                "end": dt.date.fromisoformat(r["end"]).isoformat() if r.get("end") else None,
            }
        except (KeyError, TypeError, ValueError) as exc:
            raise FieldError("bonus_rules", "v.bad_bonus_rule", row=i, reason=exc) from exc
        if rule["min"] <= 0 or rule["bonus"] < 0:
            raise FieldError("bonus_rules", "v.bad_bonus_rule", row=i, reason="min > 0, bonus >= 0")
        if rule["start"] and rule["end"] and rule["end"] < rule["start"]:
            raise FieldError("bonus_rules", "v.bad_bonus_rule", row=i, reason="end < start")
        rules.append(rule)
    operators = [str(o).strip() for o in value["operators"] if str(o).strip()]
    return {**value, "methods": methods, "bonus_rules": rules, "operators": operators}


SETTINGS: setting_store.Section[dict[str, Any]] = setting_store.Section(KEY, _defaults, validate=_validate)


def load_settings() -> dict[str, Any]:
    return SETTINGS.load()


def save_settings(**changes: Any) -> dict[str, Any]:
    """Change payment methods, bonus rules or operators: owner only, audited (they decide money)."""
    return audit.save_owner_settings(SETTINGS, changes)


def methods() -> list[str]:
    return list(load_settings()["methods"])


# --- operators -----------------------------------------------------------------------------------


def set_operator(name: str) -> None:
    """Who is at the counter from now on (process state). With operators configured, the name
    must be one of them; without, any name (a one-person shop needs none). In a chain an
    operator of another store is refused (shopcrm.stores: operators belong to a store)."""
    name = name.strip()
    known = load_settings()["operators"]
    if name and known and name not in known:
        raise FieldError("operator", "v.operator_unknown", value=name)
    if name:
        chain.check_operator(name)
    session.set_operator(name)


def operators_here() -> list[str]:
    """The configured operators who may work at this counter (of its store, or of none)."""
    return [name for name in load_settings()["operators"] if chain.works_here(name)]


def _operator(operator: str | None) -> str:
    return session.current_operator() if operator is None else operator


# --- finding the customer ------------------------------------------------------------------------


def find_customer(text: str) -> Customer:
    """The live customer whose mobile or card number is ``text``."""
    value = text.strip()
    c = (
        Customer.select()
        .where(((Customer.mobile == value) | (Customer.card_no == value)) & Customer.deleted_at.is_null())
        .first()
    )
    if c is None or c.erased_at is not None:
        raise FieldError("customer", "v.customer_not_found", value=value)
    return c


def _live(customer_id: int) -> Customer:
    c = Customer.get_by_id(customer_id)
    if c.erased_at is not None:
        raise FieldError("customer", "v.sale_erased")
    if c.deleted_at is not None:
        raise FieldError("customer", "v.sale_deleted", name=c.name)
    return c


def _check_method(method: str, *, card: bool) -> None:
    allowed = methods() + ([CARD] if card else [])
    if method not in allowed:
        raise FieldError("method", "v.method_unknown", value=method, allowed=", ".join(allowed))


# --- top-up --------------------------------------------------------------------------------------


def _level_name(c: Customer) -> str | None:
    if c.level_id is None:
        return None
    row = database.execute_sql("SELECT name FROM level WHERE id = ?", (c.level_id,)).fetchone()
    return row[0] if row else None


def bonus_for(customer: Customer, principal_cents: int, day: dt.date) -> tuple[int, str]:
    """The bonus the rules in force on ``day`` give for paying ``principal_cents`` in (the largest
    tier reached, the member's level rule before a rule for everyone), and the rule's label."""
    level = _level_name(customer)
    best: tuple[int, int, int] | None = None  # (level-specific, min, bonus)
    for r in load_settings()["bonus_rules"]:
        if r["level"] and r["level"] != level:
            continue
        if (r["start"] and day.isoformat() < r["start"]) or (r["end"] and day.isoformat() > r["end"]):
            continue
        if principal_cents >= r["min"]:
            cand = (1 if r["level"] else 0, r["min"], r["bonus"])
            if best is None or cand > best:
                best = cand
    if best is None or best[2] == 0:
        return 0, ""
    return best[2], f"充{fmt(best[1])}送{fmt(best[2])}"


@locks.retrying
def topup(
    customer_id: int,
    principal_cents: int,
    method: str,
    *,
    at: dt.datetime | None = None,
    operator: str | None = None,
) -> Topup:
    """A paid top-up (a clerk action): the principal and the rule's bonus, one transaction."""
    if principal_cents <= 0:
        raise FieldError("amount", "v.money_negative")
    _check_method(method, card=False)
    at = at or now()
    op = _operator(operator)
    with database.atomic():
        days.ensure_open(at, op)
        locks.lock_row("customer", customer_id)
        c = _live(customer_id)
        bonus, rule = bonus_for(c, principal_cents, at.date())
        row = Topup.create(
            customer=customer_id,
            at=at,
            method=method,
            principal_cents=principal_cents,
            bonus_cents=bonus,
            rule=rule,
            operator=op,
        )
        ledger.apply(
            customer_id,
            "topup",
            balance_delta_cents=principal_cents,
            reason=f"充值（{method}）",
            at=at,
            topup_id=row.id,
        )
        if bonus:
            ledger.apply(
                customer_id, "bonus", balance_delta_cents=bonus, reason=f"充值赠送（{rule}）", at=at, topup_id=row.id
            )
    log.info(
        "top-up %s: customer %s, %s + bonus %s by %s", row.id, customer_id, fmt(principal_cents), fmt(bonus), method
    )
    return row


def receipt(t: Topup) -> str:
    """A copyable receipt line for the customer."""
    c = Customer.get_by_id(t.customer_id)
    line = f"{str(t.at)[:16]} 充值 {fmt(t.principal_cents)}（{method_label(t.method)}）"
    if t.bonus_cents:
        line += f"，赠送 {fmt(t.bonus_cents)}（{t.rule}）"
    return line + f"，卡余额 {fmt(c.balance_cents)}"


# --- sale ----------------------------------------------------------------------------------------


def method_label(method: str, lang: str = "zh") -> str:
    """A payment method's name for people (``card`` is the stored-value card; a method the shop
    added to its list keeps its own name)."""
    key = "pay.stored_value" if method == CARD else f"pay.{method}"
    return t_in(lang, key) if key in CATALOGUE else method


def sale_receipt(p: Purchase) -> str:
    """A copyable receipt line for a sale: amount, each payment part, card balance and points."""
    c = Customer.get_by_id(p.customer_id)
    parts = "，".join(f"{method_label(m)} {fmt(v)}" for m, v in paid_by(p.id).items())
    off = "，".join(loyalty.receipt_lines(p.id))  # member price, coupon, points (issue 14)
    list_price = f"原价 {fmt(p.list_cents)}，{off}，" if off and p.list_cents else ""
    return (
        f"{str(p.at)[:16]} 消费 {list_price}{fmt(p.amount_cents + p.refunded_cents)}（{parts}），"
        f"卡余额 {fmt(c.balance_cents)}，积分 {c.points:,}"
    )


def parse_pay(text: str) -> dict[str, int]:
    """``card=300,cash=200`` -> {"card": 30000, "cash": 20000} (amounts in yuan)."""
    out: dict[str, int] = {}
    for part in text.split(","):
        if not part.strip():
            continue
        method, sep, amount = part.partition("=")
        if not sep:
            raise FieldError("pay", "v.method_unknown", value=part.strip(), allowed="card=300,cash=200")
        cents = parse_money(amount.strip(), "pay")
        out[method.strip()] = out.get(method.strip(), 0) + cents
    return out


Line = tuple[str, int, int]  # (name, qty, unit price in cents)


def parse_line(text: str, row: int = 1) -> Line:
    """``衬衫*2*99.50`` -> ("衬衫", 2, 9950); ``衬衫*99.50`` is one of them. The quantity is a
    whole number above 0; the unit price is in yuan (0 allowed: a gift)."""
    parts = text.strip().rsplit("*", 2)
    if len(parts) == 2:
        parts.insert(1, "1")
    name = parts[0].strip() if parts else ""
    try:
        if len(parts) != 3 or not name:
            raise ValueError(text)
        qty = int(parts[1].strip())
        unit = parse_money(parts[2].strip(), "line")
        if qty <= 0 or unit < 0:
            raise ValueError(text)
    except (ValueError, FieldError) as exc:
        raise FieldError("line", "v.line_bad", row=row, value=text.strip()) from exc
    return name, qty, unit


def lines_items(lines: list[Line]) -> str:
    """The free text a purchase with lines gets when none was typed: ``衬衫×2、袜子×3``."""
    return "、".join(f"{n}×{q}" if q != 1 else n for n, q, _u in lines)


@locks.retrying
def sell(
    customer_id: int,
    amount_cents: int | None,
    pay: dict[str, int] | None = None,
    *,
    items: str = "",
    at: dt.datetime | None = None,
    operator: str | None = None,
    lines: list[Line] | None = None,
    coupon: str | None = None,
    points: int = 0,
    sale_type: str = "goods",
) -> Purchase:
    """A sale of ``amount_cents`` (the list price) paid by ``pay`` ({method: cents}, ``card``
    the stored-value card; all cash without). ``pay`` covers what is due after the member price,
    the ``coupon`` (a code) and ``points`` spent as money (shopcrm.loyalty.price); the coupon and
    the points are spent in the sale's transaction.

    ``lines``: what was bought, (name, qty, unit price in cents) each; they add up to the list
    price, which is then their sum (``amount_cents`` None) or must equal it. ``items`` (free
    text) is kept as typed; with lines and no text it names the lines."""
    if lines:
        for i, (name, qty, unit) in enumerate(lines, 1):
            if not name.strip() or qty <= 0 or unit < 0:
                raise FieldError("line", "v.line_bad", row=i, value=f"{name}*{qty}*{fmt(unit, grouping=False)}")
        total = sum(q * u for _n, q, u in lines)
        if amount_cents is None:
            amount_cents = total
        elif amount_cents != total:
            raise FieldError("amount", "v.lines_sum", lines=fmt(total), total=fmt(amount_cents))
        items = items or lines_items(lines)
    if amount_cents is None:
        raise FieldError("amount", "v.required")
    at = at or now()
    with database.atomic():
        # the lock order of shopcrm.store.locks: the day, then the customer (balance, points)
        days.ensure_open(at, _operator(operator))
        locks.lock_row("customer", customer_id)
        # --- loyalty (issue 14): price the sale; ``pay`` covers what is due ---
        quote = loyalty.price(_live(customer_id), amount_cents, coupon, points, sale_type, day=at.date())
        due = quote.due
        # --- end loyalty ---
        pay = {k: v for k, v in (pay or {"cash": due}).items() if v}
        for m in pay:
            _check_method(m, card=True)
        if any(v < 0 for v in pay.values()) or sum(pay.values()) != due:
            raise FieldError("pay", "v.pay_sum", paid=fmt(sum(pay.values())), total=fmt(due))
        p = activity.record_purchase(
            customer_id,
            due,
            at=at,
            items=items,
            payments=pay,
            operator=_operator(operator),
            lines=[(n.strip(), q, u) for n, q, u in lines] if lines else None,
        )
        loyalty.settle(quote, p.id, at=at, operator=p.operator)  # loyalty (issue 14)
    return Purchase.get_by_id(p.id)


def lines_of(purchase_id: int) -> list[PurchaseLine]:
    """The purchase's lines in the order typed (none for a purchase recorded without lines)."""
    return list(PurchaseLine.select().where(PurchaseLine.purchase == purchase_id).order_by(PurchaseLine.position))


def lines_paid(purchase_id: int) -> dict[int, int]:
    """{line position: the line's share of what was paid}. Lines add up to the list price; a
    sale with a member price, a coupon or points paid less (``amount_cents`` + refunded), so each
    line's share is its amount scaled by paid ÷ list, the cents left over going to the largest
    remainders (then the earlier line): the shares add up exactly to what was paid."""
    p = Purchase.get_by_id(purchase_id)
    lines = lines_of(purchase_id)
    paid = p.amount_cents + p.refunded_cents
    list_total = p.list_cents or sum(ln.amount_cents for ln in lines)  # None: sold before m0020
    if not list_total:
        return {ln.position: 0 for ln in lines}
    share = {ln.position: ln.amount_cents * paid // list_total for ln in lines}
    by_remainder = sorted(lines, key=lambda ln: (-(ln.amount_cents * paid % list_total), ln.position))
    for ln in by_remainder[: paid - sum(share.values())]:
        share[ln.position] += 1
    return share


def line_refund_cents(line: PurchaseLine, qty: int | None = None) -> int:
    """What refunding ``qty`` more of ``line`` gives back (None: what is left of it): its share
    of what was paid (:func:`lines_paid`) following the quantity exactly (``share × refunded qty
    ÷ qty``, whole cents), so the parts of a line add up to its share and ``refunded_cents``
    is the money refunded for it."""
    left = line.qty - line.refunded_qty
    qty = left if qty is None else qty
    if qty <= 0 or qty > left:
        raise FieldError("qty", "v.line_qty", row=line.position, left=left, qty=qty)
    share = lines_paid(line.purchase_id)[line.position]
    return share * (line.refunded_qty + qty) // line.qty - line.refunded_cents


def purchase(purchase_id: int) -> Purchase:
    return Purchase.get_by_id(purchase_id)


def paid_by(purchase_id: int) -> dict[str, int]:
    rows = database.execute_sql(
        "SELECT method, SUM(amount_cents) FROM purchase_payment WHERE purchase_id = ? GROUP BY method ORDER BY MIN(id)",
        (purchase_id,),
    ).fetchall()
    return {m: int(v) for m, v in rows}


def _refunded_by(purchase_id: int) -> dict[str, int]:
    rows = database.execute_sql(
        "SELECT rp.method, SUM(rp.amount_cents) FROM refund_payment rp JOIN refund r ON r.id = rp.refund_id "
        "WHERE r.purchase_id = ? GROUP BY rp.method",
        (purchase_id,),
    ).fetchall()
    return {m: int(v) for m, v in rows}


# --- refunds -------------------------------------------------------------------------------------


def _split(amount: int, left: dict[str, int]) -> dict[str, int]:
    """``amount`` spread over the methods in proportion to what each has left to refund (whole
    cents; the rounding remainder goes to the card first, then in payment order)."""
    total = sum(left.values())
    if amount == total:
        return {m: v for m, v in left.items() if v}
    out = {m: amount * v // total for m, v in left.items()}
    rest = amount - sum(out.values())
    for m in sorted(left, key=lambda m: m != CARD):
        take = min(rest, left[m] - out[m])
        out[m] += take
        rest -= take
    return {m: v for m, v in out.items() if v}


def _left_by_method(paid: dict[str, int], done: dict[str, int]) -> dict[str, int]:
    """What each method has left to refund. A refund to the card by choice can take more from the
    card than was paid by it: the excess comes off the other methods, in payment order."""
    left = {m: v - done.get(m, 0) for m, v in paid.items()}
    excess = -sum(v for v in left.values() if v < 0) + sum(v for m, v in done.items() if m not in paid)
    for m in left:
        left[m] = max(0, left[m])
    for m in left:
        take = min(excess, left[m])
        left[m] -= take
        excess -= take
    return left


def refund_split(purchase_id: int, amount_cents: int, *, to_card: bool = False) -> dict[str, int]:
    """Where a refund of ``amount_cents`` of the purchase would go, {method: cents} (what
    :func:`refund_purchase` does, shown before it is done)."""
    if to_card:
        return {CARD: amount_cents}
    return _split(amount_cents, _left_by_method(paid_by(purchase_id), _refunded_by(purchase_id)))


@locks.retrying
def refund_purchase(
    purchase_id: int,
    amount_cents: int | None = None,
    *,
    at: dt.datetime | None = None,
    operator: str | None = None,
    note: str = "",
    to_card: bool = False,
    complaint_id: int | None = None,
    lines: dict[int, int | None] | None = None,
) -> Refund:
    """Refund a purchase, whole (no amount: what is left of it) or in part, to its methods.

    ``lines``: {line position: qty (None: what is left of the line)} refunds those lines of a
    purchase recorded with lines; the amount is then their share of what was paid
    (:func:`line_refund_cents`: lines are at the list price, a discounted sale paid less;
    ``amount_cents`` stays None) and the lines' refunded quantity and cents go up. Money, points
    (earned, and spent as money: shopcrm.loyalty.refund_points) and spend go back as for an
    amount. A refund never takes more than is left of the purchase.

    ``to_card``: the whole refund goes onto the stored-value card instead (the owner's choice:
    owner only and audited; a complaint's refund, ``complaint_id`` given, was decided in the
    complaint's resolution and is audited as such). The refund row records ``complaint_id``."""
    if to_card and complaint_id is None:
        session.require_owner("adjust")
    if lines is not None and amount_cents is not None:
        raise ValueError("refund_purchase: give lines or an amount, not both")
    at = at or now()
    op = _operator(operator)
    with database.atomic():
        days.ensure_open(at, op)
        # the customer, then the purchase: what is left of it is read under the lock
        locks.lock_row("customer", Purchase.get_by_id(purchase_id).customer_id)
        locks.lock_row("purchase", purchase_id)
        p = Purchase.get_by_id(purchase_id)
        gross = p.amount_cents + p.refunded_cents
        left_total = p.amount_cents
        line_parts: list[tuple[PurchaseLine, int, int]] = []  # (line, qty, cents)
        if lines is not None:
            by_pos = {ln.position: ln for ln in lines_of(p.id)}
            for pos, qty in sorted(lines.items()):
                ln = by_pos.get(pos)
                if ln is None:
                    raise FieldError("line", "v.line_unknown", id=p.id, row=pos)
                q = ln.qty - ln.refunded_qty if qty is None else qty
                line_parts.append((ln, q, line_refund_cents(ln, q)))
            amount_cents = sum(c for _ln, _q, c in line_parts)
        amount = left_total if amount_cents is None else amount_cents
        if amount <= 0 or amount > left_total:
            raise FieldError("amount", "v.refund_too_much", left=fmt(left_total), amount=fmt(amount))
        to = refund_split(p.id, amount, to_card=to_card)
        whole = amount == left_total
        # points earned, pro rata of the gross amount (what is left of them when whole)
        before_pts = database.execute_sql(
            "SELECT COALESCE(SUM(points_reversed), 0) FROM refund WHERE purchase_id = ?", (p.id,)
        ).fetchone()[0]
        target = p.points_earned if whole else p.points_earned * (p.refunded_cents + amount) // gross
        cust_points = Customer.get_by_id(p.customer_id).points
        points_back = max(0, min(target - before_pts, cust_points))
        r = Refund.create(
            customer=p.customer_id,
            at=at,
            purchase=p.id,
            amount_cents=amount,
            points_reversed=points_back,
            operator=op,
            note=note,
            complaint_id=complaint_id,
        )
        RefundPayment.insert_many([{"refund": r.id, "method": m, "amount_cents": v} for m, v in to.items()]).execute()
        reason = f"退货退款（消费 #{p.id}）"
        if to.get(CARD):
            ledger.apply(p.customer_id, "refund", balance_delta_cents=to[CARD], reason=reason, purchase_id=p.id, at=at)
        if points_back:
            ledger.apply(p.customer_id, "earn", points_delta=-points_back, reason=reason, purchase_id=p.id, at=at)
        # the purchase's amount is what the customer kept (grading sums it; the update marks
        # the purchases changed for the next regrade); its refunded part is kept beside it
        database.execute_sql(
            "UPDATE purchase SET amount_cents = amount_cents - ?, refunded_cents = refunded_cents + ? WHERE id = ?",
            (amount, amount, p.id),
        )
        loyalty.refund_points(p.id, at=at)  # points it took as money come back pro rata (issue 14)
        database.execute_sql(
            "UPDATE customer SET total_spend_cents = total_spend_cents - ?, purchase_count = purchase_count - ?, "
            "updated_at = ? WHERE id = ?",
            (amount, 1 if whole else 0, sql_ts(now()), p.customer_id),
        )
        for ln, q, c in line_parts:
            database.execute_sql(
                "UPDATE purchase_line SET refunded_qty = refunded_qty + ?, refunded_cents = refunded_cents + ? "
                "WHERE id = ?",
                (q, c, ln.id),
            )
        if to_card:
            what = f"complaint #{complaint_id}" if complaint_id is not None else "owner's choice"
            audit.log(
                "adjust", p.customer_id, f"refund #{r.id} of purchase #{p.id} to the card: {fmt(amount)} ({what})"
            )
    log.info("refund %s of purchase %s: %s to %s", r.id, p.id, fmt(amount), sorted(to))
    return r


def topup_refundable(t: Topup) -> int:
    """What of a top-up's principal can be paid back: not refunded yet and still on the card,
    counting its bonus as spent last (the bonus itself is never paid out)."""
    balance = Customer.get_by_id(t.customer_id).balance_cents
    return max(0, min(t.principal_cents - t.refunded_cents, balance - t.bonus_cents))


@locks.retrying
def refund_topup(topup_id: int, *, at: dt.datetime | None = None, operator: str | None = None) -> Refund:
    """Pay back a top-up's unspent principal by the method it was paid with: owner only, audited."""
    session.require_owner("adjust")
    at = at or now()
    op = _operator(operator)
    with database.atomic():
        days.ensure_open(at, op)
        locks.lock_row("customer", Topup.get_by_id(topup_id).customer_id)
        locks.lock_row("topup", topup_id)
        t = Topup.get_by_id(topup_id)
        amount = topup_refundable(t)
        if amount <= 0:
            raise FieldError("amount", "v.refund_too_much", left=fmt(0), amount=fmt(t.principal_cents))
        r = Refund.create(customer=t.customer_id, at=at, topup=t.id, amount_cents=amount, operator=op)
        RefundPayment.create(refund=r.id, method=t.method, amount_cents=amount)
        ledger.apply(
            t.customer_id,
            "topup_refund",
            balance_delta_cents=-amount,
            reason=f"退储值本金（充值 #{t.id}）",
            at=at,
            topup_id=t.id,
        )
        database.execute_sql("UPDATE topup SET refunded_cents = refunded_cents + ? WHERE id = ?", (amount, t.id))
    return r


def money(cents: int) -> str:
    """Money as the command line's JSON writes it: a string with two decimals, no grouping."""
    return fmt(cents, grouping=False)


# --- the day's close -----------------------------------------------------------------------------


@dataclass(frozen=True)
class DayTotals:
    day: dt.date
    operator: str
    by_method: dict[str, dict[str, int]]  # method -> {"sales", "topups", "refunds"} in cents
    bonus_given: int
    points_redeemed: int
    liability: int  # the sum of card balances at the end of the day
    closed_at: str | None = None
    # loyalty (issue 14): what the day's sales gave away, and the count-card uses
    loyalty: dict[str, int] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        loy = {k: self.loyalty.get(k, 0) for k in LOYALTY_KEYS}
        return {
            "date": self.day.isoformat(),
            "by_method": {m: {k: money(v) for k, v in d.items()} for m, d in self.by_method.items()},
            "bonus_given": money(self.bonus_given),
            "points_redeemed": self.points_redeemed,
            "liability": money(self.liability),
            **{k: (v if k in LOYALTY_COUNTS else money(v)) for k, v in loy.items()},
        }


# the day's loyalty figures (issue 14): money in cents, except the counts
LOYALTY_KEYS = ("points_redeemed_money", "coupons_used", "coupons_off", "member_discounts", "package_uses")
LOYALTY_COUNTS = ("coupons_used", "package_uses")


def _loyalty_totals(lo: str | None, hi: str | None, operator: str, store_id: int | None = None) -> dict[str, int]:
    op = (" AND operator = ?" if operator else "") + (" AND store_id = ?" if store_id is not None else "")
    params = (lo, hi, *([operator] if operator else []), *([store_id] if store_id is not None else []))
    sales = database.execute_sql(
        "SELECT COALESCE(SUM(points_off_cents), 0), COALESCE(SUM(member_off_cents), 0) FROM purchase "
        "WHERE at >= ? AND at < ?" + op,
        params,
    ).fetchone()
    coupons = database.execute_sql(
        "SELECT COUNT(*), COALESCE(SUM(cp.off_cents), 0) FROM coupon cp LEFT JOIN purchase p ON p.id = cp.purchase_id "
        "WHERE cp.status = 'used' AND cp.used_at >= ? AND cp.used_at < ?"
        + (" AND COALESCE(p.operator, cp.operator) = ?" if operator else "")
        + (" AND p.store_id = ?" if store_id is not None else ""),
        params,
    ).fetchone()
    uses = database.execute_sql(
        "SELECT COUNT(*) FROM package_use WHERE kind = 'use' AND at >= ? AND at < ?" + op, params
    ).fetchone()
    # int(): PostgreSQL's SUM of integers is a numeric (Decimal), and the close is stored as JSON
    return {
        "points_redeemed_money": int(sales[0]),
        "coupons_used": int(coupons[0]),
        "coupons_off": int(coupons[1]),
        "member_discounts": int(sales[1]),
        "package_uses": int(uses[0]),
    }


def day_totals(day: dt.date, operator: str = "", store_id: int | None = None) -> DayTotals:
    """The totals of ``day`` (of one operator's shift when given; of one store when given, else of
    the whole chain), computed from the records. The liability is the chain's (cards work in
    every store)."""
    lo, hi = sql_ts(dt.datetime.combine(day, dt.time())), sql_ts(dt.datetime.combine(day + dt.timedelta(1), dt.time()))
    op_sql = (" AND {t}.operator = ?" if operator else "") + (" AND {t}.store_id = ?" if store_id is not None else "")
    params = (lo, hi, *([operator] if operator else []), *([store_id] if store_id is not None else []))

    def by(sql: str, table: str) -> dict[str, int]:
        rows = database.execute_sql(sql + op_sql.format(t=table) + " GROUP BY 1", params).fetchall()
        return {m: int(v) for m, v in rows}

    sales = by(
        "SELECT pp.method, SUM(pp.amount_cents) FROM purchase_payment pp JOIN purchase p ON p.id = pp.purchase_id "
        "WHERE p.at >= ? AND p.at < ?",
        "p",
    )
    topups = by("SELECT method, SUM(principal_cents) FROM topup WHERE at >= ? AND at < ?", "topup")
    refunds = by(
        "SELECT rp.method, SUM(rp.amount_cents) FROM refund_payment rp JOIN refund r ON r.id = rp.refund_id "
        "WHERE r.at >= ? AND r.at < ?",
        "r",
    )
    names = [CARD, *methods()]
    names += sorted((set(sales) | set(topups) | set(refunds)) - set(names))
    by_method = {m: {"sales": sales.get(m, 0), "topups": topups.get(m, 0), "refunds": refunds.get(m, 0)} for m in names}
    bonus = database.execute_sql(
        "SELECT COALESCE(SUM(bonus_cents), 0) FROM topup WHERE at >= ? AND at < ?" + op_sql.format(t="topup"),
        params,
    ).fetchone()[0]
    # the ledger names no operator: points redeemed are the shop's
    redeemed = database.execute_sql(
        "SELECT COALESCE(-SUM(points_delta), 0) FROM ledger_entry WHERE kind = 'redeem' AND at >= ? AND at < ?"
        + (" AND store_id = ?" if store_id is not None else ""),
        (lo, hi) + ((store_id,) if store_id is not None else ()),
    ).fetchone()[0]
    liability = database.execute_sql(
        "SELECT COALESCE(SUM(balance_delta_cents), 0) FROM ledger_entry WHERE at < ?", (hi,)
    ).fetchone()[0]
    loyalty = _loyalty_totals(lo, hi, operator, store_id)
    return DayTotals(day, operator, by_method, int(bonus), int(redeemed), int(liability), loyalty=loyalty)


def stored_close(day: dt.date, operator: str = "", store_id: int | None = None) -> DayTotals | None:
    """The close stored for ``day`` (one operator's shift when given) of ``store_id`` (default:
    this counter's store), None when not closed."""
    op = (operator or "").strip()
    store = store_id if store_id is not None else stores.counter_store_id()
    stored = DayClose.get_or_none((DayClose.day == day) & (DayClose.operator == op) & (DayClose.store == store))
    if stored is None:
        return None
    data = json.loads(stored.totals)
    return DayTotals(
        day,
        op,
        data["by_method"],
        data["bonus_given"],
        data["points_redeemed"],
        data["liability"],
        str(stored.closed_at),
        loyalty={k: data[k] for k in LOYALTY_KEYS if k in data},  # closes before issue 14 lack them
    )


@dataclass(frozen=True)
class LiabilityCheck:
    balances: int  # the sum of the card balances now
    mismatched: int  # customers whose balance differs from their ledger's sum

    @property
    def ok(self) -> bool:
        return self.mismatched == 0


def liability_check() -> LiabilityCheck:
    """The stored-value check of the close: card balances against the ledger, now."""
    balances = database.execute_sql("SELECT COALESCE(SUM(balance_cents), 0) FROM customer").fetchone()[0]
    return LiabilityCheck(int(balances), len(ledger.verify()))


@locks.retrying
def close_day(day: dt.date | None = None, operator: str | None = None, store_id: int | None = None) -> DayTotals:
    """Close ``day`` (default today) of one store (default: this counter's) for everyone, or one
    operator's shift of it: the totals are stored, and the day refuses later writes in that store
    (the other stores close their own day). A day closed before gives back what was stored.
    Refuses (FieldError) when card balances differ from their ledger (the liability is checked)."""
    day = day or now().date()
    op = (operator or "").strip()
    store = store_id if store_id is not None else stores.counter_store_id()
    with database.atomic():
        # alone: the money transactions under way end first, later ones wait and then see the close
        locks.day_exclusive()
        stored = stored_close(day, op, store)
        if stored is not None:
            return stored
        wrong = ledger.verify()
        if wrong:
            raise FieldError("liability", "v.liability_mismatch", customers=len(wrong))
        totals = day_totals(day, op, store)
        if day >= now().date():  # nothing after the end of the day yet: the balances themselves
            balances = database.execute_sql("SELECT COALESCE(SUM(balance_cents), 0) FROM customer").fetchone()[0]
            if balances != totals.liability:
                raise FieldError("liability", "v.liability_mismatch", customers=0)
        data = {
            "by_method": totals.by_method,
            "bonus_given": totals.bonus_given,
            "points_redeemed": totals.points_redeemed,
            "liability": totals.liability,
            **totals.loyalty,
        }
        row = DayClose.create(day=day, operator=op, closed_at=now(), totals=json.dumps(data), store=store)
    log.info("day %s closed (operator %r)", day, op)
    return DayTotals(
        day,
        op,
        totals.by_method,
        totals.bonus_given,
        totals.points_redeemed,
        totals.liability,
        str(row.closed_at),
        loyalty=totals.loyalty,
    )
