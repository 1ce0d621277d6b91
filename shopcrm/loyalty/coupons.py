"""Coupons (优惠券): types the owner defines, issued to one customer or to a segment, used at a
sale in the sale's transaction, voided, expired; and their figures.

- A coupon copies its terms when issued (a later change of its type changes no issued coupon):
  ``amount`` off when the price after the member discount reaches the threshold, ``percent``
  off (rounded half up to the cent, optional cap) or a ``gift`` (nothing off; the gift is on the
  receipt). Valid until a day (``days`` after issue, or an end date; the earlier of both).
- ``per_customer``: at most that many coupons of a type per customer (voided ones do not count).
- A code is 8 characters of an alphabet without look-alikes (no 0/O, 1/I/L), unique.
- Used at most once: the sale marks it used with a conditional update (``status = 'issued'``)
  inside its IMMEDIATE transaction, so two counters cannot both spend it.
- Automatic issue for care (:func:`for_occasion`): the owner names a coupon type per occasion
  (``birthday``, ``wakeup``) in the loyalty settings; a customer gets at most one coupon per
  occasion within :data:`OCCASION_GAP_DAYS`.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from shopcrm import segments
from shopcrm.core import clock
from shopcrm.core.errors import FieldError, check_progress
from shopcrm.core.money import fmt
from shopcrm.core.texts import register
from shopcrm.loyalty import config
from shopcrm.store import locks, sqlfn
from shopcrm.store.db import database
from shopcrm.store.models import Coupon, CouponType, Customer, now, sql_ts
from shopcrm.trust import audit, session

log = logging.getLogger(__name__)

register(
    {
        "coupon.v.unknown": ("没有券码为“{code}”的优惠券", "No coupon has the code “{code}”"),
        "coupon.v.not_theirs": ("优惠券 {code} 不属于该客户", "Coupon {code} belongs to another customer"),
        "coupon.v.used": ("优惠券 {code} 已于 {at} 使用", "Coupon {code} was used on {at}"),
        "coupon.v.void": ("优惠券 {code} 已作废", "Coupon {code} was voided"),
        "coupon.v.expired": ("优惠券 {code} 已于 {day} 过期", "Coupon {code} expired on {day}"),
        "coupon.v.threshold": (
            "优惠券 {code} 须满 {threshold} 才能用（本单 {amount}）",
            "Coupon {code} needs a sale of {threshold} or more (this one: {amount})",
        ),
        "coupon.v.limit": (
            "每位客户最多 {n} 张“{name}”，该客户已有 {have} 张",
            "At most {n} “{name}” coupons per customer; this customer has {have}",
        ),
        "coupon.v.terms": ("优惠券设置有误：{reason}", "The coupon's terms are wrong: {reason}"),
        "coupon.v.type_unknown": ("没有名为“{name}”的优惠券类型", "No coupon type is named “{name}”"),
        "coupon.v.void_reason": ("请写明作废原因", "Give the reason for voiding"),
        "coupon.v.nobody": ("所选分群中没有客户", "No customer is in the chosen segment"),
        "coupon.v.not_issued": ("优惠券未发出（已取消或出错）", "No coupon was issued (cancelled or failed)"),
        "coupon.v.not_gift": (
            "优惠券 {code} 不是礼品券，须在结账时使用",
            "Coupon {code} is not a gift coupon: use it at a sale",
        ),
    }
)

KINDS = ("amount", "percent", "gift")
STATUSES = ("issued", "used", "void", "expired")
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L
CODE_LENGTH = 8
OCCASIONS = ("birthday", "wakeup")
OCCASION_GAP_DAYS = 180


@dataclass(frozen=True)
class Terms:
    """What a coupon gives and how long it is valid (money in cents)."""

    kind: str
    amount_off_cents: int = 0
    percent_off: int = 0  # percent taken off (20 = 8 折)
    threshold_cents: int = 0
    cap_cents: int | None = None
    gift: str = ""
    days: int | None = None
    end_on: dt.date | None = None
    per_customer: int | None = None
    type_id: int | None = None
    name: str = ""

    def check(self) -> Terms:
        def bad(reason: str) -> FieldError:
            return FieldError("coupon", "coupon.v.terms", reason=reason)

        if self.kind not in KINDS:
            raise bad(f"kind {self.kind!r} (amount / percent / gift)")
        if self.kind == "amount" and self.amount_off_cents <= 0:
            raise bad("amount off > 0")
        if self.kind == "percent" and not 1 <= self.percent_off <= 100:
            raise bad("percent off 1..100")
        if self.kind == "gift" and not self.gift.strip():
            raise bad("a gift needs its name")
        if self.threshold_cents < 0 or (self.cap_cents is not None and self.cap_cents <= 0):
            raise bad("threshold >= 0, cap > 0")
        if self.days is None and self.end_on is None:
            raise bad("valid for some days or until a date")
        if self.days is not None and self.days <= 0:
            raise bad("days > 0")
        if self.per_customer is not None and self.per_customer <= 0:
            raise bad("per customer > 0")
        return self

    def columns(self) -> dict[str, Any]:
        """The terms as the coupon_type and coupon tables store them."""
        return {
            "kind": self.kind,
            "amount_off_cents": self.amount_off_cents,
            "percent_off": self.percent_off,
            "threshold_cents": self.threshold_cents,
            "cap_cents": self.cap_cents,
            "gift": self.gift,
        }

    def valid_until(self, issued: dt.date) -> dt.date:
        days = issued + dt.timedelta(days=self.days - 1) if self.days else None
        ends = [d for d in (days, self.end_on) if d is not None]
        return min(ends)

    def describe(self) -> str:
        if self.kind == "amount":
            head = f"满{fmt(self.threshold_cents)}减{fmt(self.amount_off_cents)}" if self.threshold_cents else ""
            return head or f"减{fmt(self.amount_off_cents)}"
        if self.kind == "percent":
            rate = f"{(100 - self.percent_off) / 10:g}折"
            return rate + (f"（最多减{fmt(self.cap_cents)}）" if self.cap_cents else "")
        return f"赠{self.gift}"


def terms_of(ct: CouponType) -> Terms:
    return Terms(
        ct.kind,
        ct.amount_off_cents,
        ct.percent_off,
        ct.threshold_cents,
        ct.cap_cents,
        ct.gift,
        ct.days,
        ct.end_on,
        ct.per_customer,
        ct.id,
        ct.name,
    )


# --- types ---------------------------------------------------------------------------------------


def define_type(name: str, terms: Terms) -> CouponType:
    """Add or change a coupon type (owner only, audited). Issued coupons keep their terms."""
    session.require_owner("settings")
    terms.check()
    values = {**terms.columns(), "days": terms.days, "end_on": terms.end_on, "per_customer": terms.per_customer}
    with database.atomic():
        ct = CouponType.get_or_none(CouponType.name == name.strip())
        if ct is None:
            ct = CouponType.create(name=name.strip(), **values)
        else:
            CouponType.update(**values).where(CouponType.id == ct.id).execute()
            ct = CouponType.get_by_id(ct.id)
        audit.log("settings", detail=f"coupon type {ct.id}: {terms.kind}")
    return ct


def types() -> list[CouponType]:
    return list(CouponType.select().where(CouponType.active == True).order_by(CouponType.id))  # noqa: E712


def type_named(name: str) -> CouponType:
    ct = CouponType.get_or_none(CouponType.name == name)
    if ct is None:
        raise FieldError("coupon", "coupon.v.type_unknown", name=name)
    return ct


# --- issue ---------------------------------------------------------------------------------------


def new_code() -> str:
    """A fresh code: 8 characters of :data:`ALPHABET` (31^8 ≈ 8.5e11), not in use."""
    while True:
        code = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
        if not database.execute_sql("SELECT 1 FROM coupon WHERE code = ?", (code,)).fetchone():
            return code


def normal_code(code: str) -> str:
    """A code as typed (lower case, spaces, dashes) as stored."""
    return "".join(ch for ch in code.upper() if ch.isalnum())


def _issued_of_type(customer_id: int, type_id: int) -> int:
    return database.execute_sql(
        "SELECT COUNT(*) FROM coupon WHERE customer_id = ? AND type_id = ? AND status != 'void'", (customer_id, type_id)
    ).fetchone()[0]


def issue(
    customer_id: int,
    terms: Terms,
    *,
    source: str = "manual",
    at: dt.datetime | None = None,
    operator: str | None = None,
) -> Coupon:
    """Issue one coupon to a live customer (a clerk action). Refused past ``per_customer``."""
    terms.check()
    at = at or now()
    with database.atomic():
        config.live_customer(customer_id)
        if terms.per_customer is not None and terms.type_id is not None:
            # two counters issuing the type: the second counts after the first (the type's row
            # is locked, not the customer's, so a long segment issue never holds up a sale)
            locks.lock_row("coupon_type", terms.type_id)
            have = _issued_of_type(customer_id, terms.type_id)
            if have >= terms.per_customer:
                raise FieldError("coupon", "coupon.v.limit", n=terms.per_customer, name=terms.name, have=have)
        row = Coupon.create(
            code=new_code(),
            type=terms.type_id,
            customer=customer_id,
            **terms.columns(),
            issued_at=at,
            valid_until=terms.valid_until(at.date()),
            source=source,
            operator=session.current_operator() if operator is None else operator,
        )
    log.info("coupon %s issued to customer %s (%s, %s)", row.id, customer_id, terms.kind, source)
    return row


@dataclass
class Segment:
    """Who gets a coupon: every live customer matching all the given filters."""

    grade: str | None = None  # A / B / C
    level: str | None = None  # a member level's name
    tag: str | None = None
    birthday_month: int | None = None  # 1..12 (the month of the recorded birthday)
    dormant_days: int | None = None  # no purchase for at least this many days (never bought counts)


def customers_in(segment: Segment, today: dt.date | None = None) -> list[int]:
    """Ids of the live customers in ``segment`` (one query)."""
    where = ["c.deleted_at IS NULL", "c.erased_at IS NULL"]
    params: list[Any] = []
    if segment.grade:
        where.append("c.grade = ?")
        params.append(segment.grade)
    if segment.level:
        where.append("c.level_id IN (SELECT id FROM level WHERE name = ?)")
        params.append(segment.level)
    if segment.tag:
        where.append(
            "c.id IN (SELECT ct.customer_id FROM customer_tag ct JOIN tag t ON t.id = ct.tag_id WHERE t.name = ?)"
        )
        params.append(segment.tag)
    if segment.birthday_month:
        where.append("c.birth_mmdd >= ? AND c.birth_mmdd < ?")
        params += [segment.birthday_month * 100, segment.birthday_month * 100 + 100]
    if segment.dormant_days is not None:
        since = (today or clock.today()) - dt.timedelta(days=segment.dormant_days)
        where.append("(c.last_purchase_at IS NULL OR c.last_purchase_at < ?)")
        params.append(sql_ts(dt.datetime.combine(since + dt.timedelta(days=1), dt.time())))
    sql = "SELECT c.id FROM customer c WHERE " + " AND ".join(where) + " ORDER BY c.id"
    return [r[0] for r in database.execute_sql(sql, params).fetchall()]


@dataclass
class SegmentIssue:
    issued: list[Coupon] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)  # over their per-customer limit


def issue_to_segment(
    segment: Segment, terms: Terms, *, source: str = "segment", operator: str | None = None
) -> SegmentIssue:
    """One coupon to each customer of ``segment``, in one transaction; customers at their
    per-customer limit are skipped (listed in the result)."""
    at = now()
    return _issue_to(customers_in(segment, at.date()), terms, source=source, operator=operator, at=at)


def saved_segment_customers(name: str, today: dt.date | None = None) -> list[int]:
    """Ids of the live customers of the saved segment ``name`` (shopcrm.segments' filter)."""
    f = segments.load(name)
    return [row.id for row in segments.id_query(f, today or clock.today()).order_by(Customer.id)]


def issue_to_saved_segment(
    name: str,
    terms: Terms,
    *,
    source: str = "segment",
    operator: str | None = None,
    progress: Callable[[int, int], object] | None = None,
) -> SegmentIssue:
    """One coupon to each customer of the saved segment ``name``, in one transaction; customers
    at their per-customer limit are skipped. ``progress(done, total)`` is called as it goes."""
    at = now()
    ids = saved_segment_customers(name, at.date())
    return _issue_to(ids, terms, source=source, operator=operator, at=at, progress=progress)


def _issue_to(
    ids: list[int],
    terms: Terms,
    *,
    source: str,
    operator: str | None,
    at: dt.datetime,
    progress: Callable[[int, int], object] | None = None,
) -> SegmentIssue:
    terms.check()
    out = SegmentIssue()
    with database.atomic():
        for n, cid in enumerate(ids, 1):
            try:
                out.issued.append(issue(cid, terms, source=source, at=at, operator=operator))
            except FieldError as exc:
                if exc.key != "coupon.v.limit":
                    raise
                out.skipped.append(cid)
            if n % 200 == 0 or n == len(ids):
                check_progress(progress, n, len(ids))  # a Cancel rolls the whole issue back
    return out


def for_occasion(customer_id: int, occasion: str, *, at: dt.datetime | None = None) -> Coupon | None:
    """The care hook: issue the coupon type the owner named for ``occasion`` (``birthday``,
    ``wakeup``). None when no type is named, the customer had one for this occasion within
    :data:`OCCASION_GAP_DAYS`, or is at the type's per-customer limit."""
    if occasion not in OCCASIONS:
        raise ValueError(occasion)
    name = config.load_settings()["coupon_for"].get(occasion)
    if not name:
        return None
    at = at or now()
    since = at - dt.timedelta(days=OCCASION_GAP_DAYS)
    recent = database.execute_sql(
        "SELECT 1 FROM coupon WHERE customer_id = ? AND source = ? AND issued_at > ? AND status != 'void' LIMIT 1",
        (customer_id, occasion, sql_ts(since)),
    ).fetchone()
    if recent:
        return None
    try:
        return issue(customer_id, terms_of(type_named(name)), source=occasion, at=at)
    except FieldError as exc:
        if exc.key == "coupon.v.limit":
            return None
        raise


# --- use -----------------------------------------------------------------------------------------


def find(code: str) -> Coupon:
    row = Coupon.get_or_none(Coupon.code == normal_code(code))
    if row is None:
        raise FieldError("coupon", "coupon.v.unknown", code=code)
    return row


def off_for(cp: Coupon, base_cents: int) -> int:
    """What ``cp`` takes off a price of ``base_cents`` (threshold not checked here)."""
    if cp.kind == "amount":
        return min(cp.amount_off_cents, base_cents)
    if cp.kind == "percent":
        off = (2 * base_cents * cp.percent_off + 100) // 200  # half up to the cent
        return min(off, cp.cap_cents) if cp.cap_cents else off
    return 0


def _usable(cp: Coupon, customer_id: int, day: dt.date) -> None:
    if cp.customer_id != customer_id:
        raise FieldError("coupon", "coupon.v.not_theirs", code=cp.code)
    if cp.status == "used":
        raise FieldError("coupon", "coupon.v.used", code=cp.code, at=str(cp.used_at)[:16])
    if cp.status == "void":
        raise FieldError("coupon", "coupon.v.void", code=cp.code)
    if cp.status == "expired" or day > cp.valid_until:
        raise FieldError("coupon", "coupon.v.expired", code=cp.code, day=cp.valid_until.isoformat())


def check(code: str, customer_id: int, base_cents: int, day: dt.date) -> tuple[Coupon, int]:
    """The coupon ``code`` checked for a sale to ``customer_id`` of ``base_cents`` (the price
    after the member discount) on ``day``, and what it takes off. Raises FieldError (``coupon``)."""
    cp = find(code)
    _usable(cp, customer_id, day)
    if base_cents < cp.threshold_cents:
        raise FieldError(
            "coupon", "coupon.v.threshold", code=cp.code, threshold=fmt(cp.threshold_cents), amount=fmt(base_cents)
        )
    return cp, off_for(cp, base_cents)


def mark_used(coupon_id: int, purchase_id: int | None, off_cents: int, *, at: dt.datetime, operator: str = "") -> None:
    """In the sale's transaction: the coupon is used (at most once, a conditional update)."""
    done = database.execute_sql(
        "UPDATE coupon SET status = 'used', used_at = ?, purchase_id = ?, off_cents = ? "
        "WHERE id = ? AND status = 'issued'",
        (sql_ts(at), purchase_id, off_cents, coupon_id),
    ).rowcount
    if done != 1:
        cp = Coupon.get_by_id(coupon_id)
        _usable(cp, cp.customer_id, at.date())
        raise FieldError("coupon", "coupon.v.used", code=cp.code, at="")


def use_gift(code: str, customer_id: int, *, at: dt.datetime | None = None) -> Coupon:
    """Hand over a gift coupon's gift without a sale."""
    at = at or now()
    with database.atomic():
        locks.day_shared()  # a coupon used is in the day's close (shopcrm.store.locks)
        cp = find(code)
        _usable(cp, customer_id, at.date())
        if cp.kind != "gift":
            raise FieldError("coupon", "coupon.v.not_gift", code=cp.code)
        mark_used(cp.id, None, 0, at=at)
    return Coupon.get_by_id(cp.id)


def valid_for(customer_id: int, day: dt.date | None = None) -> list[Coupon]:
    """The customer's coupons usable on ``day`` (for the sale dialog's choice), soonest to expire first."""
    day = day or clock.today()
    return list(
        Coupon.select()
        .where((Coupon.customer == customer_id) & (Coupon.status == "issued") & (Coupon.valid_until >= day))
        .order_by(Coupon.valid_until, Coupon.id)
    )


def of_customer(customer_id: int) -> list[Coupon]:
    return list(Coupon.select().where(Coupon.customer == customer_id).order_by(Coupon.id.desc()))


def void(code: str, reason: str = "") -> Coupon:
    """Void an unused coupon (owner only, audited)."""
    session.require_owner("adjust")
    with database.atomic():
        cp = find(code)
        if cp.status != "issued":
            _usable(cp, cp.customer_id, clock.today())
        database.execute_sql(
            "UPDATE coupon SET status = 'void', voided_at = ? WHERE id = ? AND status = 'issued'",
            (sql_ts(now()), cp.id),
        )
        audit.log("adjust", cp.customer_id, f"coupon {cp.id} voided" + (": " + reason if reason else ""))
    return Coupon.get_by_id(cp.id)


def expire_coupons(today: dt.date | None = None) -> int:
    """Mark every unused coupon whose last valid day is before ``today`` expired (idempotent)."""
    today = today or clock.today()
    with database.atomic():
        return database.execute_sql(
            "UPDATE coupon SET status = 'expired' WHERE status = 'issued' AND valid_until < ?", (today.isoformat(),)
        ).rowcount


def text(cp: Coupon) -> str:
    """A printable / copyable line: code, what it gives, until when."""
    terms = Terms(cp.kind, cp.amount_off_cents, cp.percent_off, cp.threshold_cents, cp.cap_cents, cp.gift, days=1)
    return f"优惠券 {cp.code}：{terms.describe()}，有效期至 {cp.valid_until.isoformat()}"


# --- figures -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figures:
    issued: int
    used: int
    used_within: int  # used within ``within_days`` of being issued
    within_days: int
    off_cents: int  # what they took off
    sales_cents: int  # what the sales they were used on brought in (paid, after refunds)


def figures(start: dt.date, end: dt.date, *, within_days: int = 7, type_id: int | None = None) -> Figures:
    """Coupons issued from ``start`` to ``end`` (inclusive days): how many, how many were used
    (at any time), used within ``within_days`` days of issue, and the sales they brought."""
    lo = sql_ts(dt.datetime.combine(start, dt.time()))
    hi = sql_ts(dt.datetime.combine(end + dt.timedelta(days=1), dt.time()))
    only = " AND cp.type_id = ?" if type_id is not None else ""
    params: list[Any] = [within_days, lo, hi] + ([type_id] if type_id is not None else [])
    row = database.execute_sql(
        "SELECT COUNT(*), COALESCE(SUM(CASE WHEN cp.status = 'used' THEN 1 ELSE 0 END), 0), "
        "COALESCE(SUM(CASE WHEN cp.status = 'used' AND "
        f"{sqlfn.julianday('cp.used_at')} - {sqlfn.julianday('cp.issued_at')} <= ? THEN 1 ELSE 0 END), 0), "
        "COALESCE(SUM(cp.off_cents), 0), COALESCE(SUM(p.amount_cents), 0) "
        "FROM coupon cp LEFT JOIN purchase p ON p.id = cp.purchase_id "
        "WHERE cp.issued_at >= ? AND cp.issued_at < ?" + only,
        params,
    ).fetchone()
    return Figures(int(row[0]), int(row[1]), int(row[2]), within_days, int(row[3]), int(row[4]))
