"""Count cards (计次卡 / 套餐): a number of uses bought with a purchase, used one at a visit.

A package's ``remaining`` changes only here, one ``package_use`` row per change in the same
transaction: ``use`` (-1, with the operator and an optional note) and ``refund`` (-n, the unused
uses paid back, tied to the counter's refund row). ``remaining`` = uses + the sum of the rows'
deltas = sold - consumed - refunded, and never goes below zero (a conditional update and a CHECK).
A use after the last good day (``expires_on``) is refused with the reason.

Selling and refunding go through the counter (shopcrm.sales.packages): the money is a purchase of
sale type ``package``, and a refund goes back by the methods it was paid with.
"""

from __future__ import annotations

import datetime as dt
import logging

from shopcrm.core import clock
from shopcrm.core.errors import FieldError
from shopcrm.core.texts import register
from shopcrm.loyalty import config
from shopcrm.store import locks
from shopcrm.store.db import database
from shopcrm.store.models import Customer, Package, PackageUse, now
from shopcrm.trust import session

log = logging.getLogger(__name__)

register(
    {
        "package.v.unknown": ("没有编号为 {id} 的计次卡", "No count card has the id {id}"),
        "package.v.not_theirs": ("计次卡 #{id} 不属于该客户", "Count card #{id} belongs to another customer"),
        "package.v.none_left": (
            "计次卡“{name}”（#{id}）已用完，剩余 0 次",
            "Count card “{name}” (#{id}) has no uses left",
        ),
        "package.v.expired": (
            "计次卡“{name}”（#{id}）已于 {day} 过期，不能再使用",
            "Count card “{name}” (#{id}) expired on {day} and can no longer be used",
        ),
        "package.v.terms": (
            "计次卡须有名称，次数大于 0，价格大于 0，有效天数大于 0",
            "A count card needs a name, uses > 0, a price > 0 and validity days > 0",
        ),
        "package.v.nothing_to_refund": ("计次卡 #{id} 没有可退的次数", "Count card #{id} has no unused uses to refund"),
    }
)


def get(package_id: int) -> Package:
    p = Package.get_or_none(Package.id == package_id)
    if p is None:
        raise FieldError("package", "package.v.unknown", id=package_id)
    return p


def check_terms(product: str, uses: int, price_cents: int, days: int | None) -> None:
    if not product.strip() or uses <= 0 or price_cents <= 0 or (days is not None and days <= 0):
        raise FieldError("package", "package.v.terms")


def create(
    customer_id: int,
    purchase_id: int,
    product: str,
    uses: int,
    price_cents: int,
    days: int | None,
    *,
    at: dt.datetime,
    operator: str = "",
) -> Package:
    """The package row of a sold count card (called by shopcrm.sales.packages.sell_package in
    the sale's transaction). Valid ``days`` days including the day of sale (None: no end)."""
    check_terms(product, uses, price_cents, days)
    expires = at.date() + dt.timedelta(days=days - 1) if days else None
    return Package.create(
        customer=customer_id,
        product=product.strip(),
        uses=uses,
        remaining=uses,
        price_cents=price_cents,
        purchase=purchase_id,
        sold_at=at,
        expires_on=expires,
        operator=operator,
    )


def is_expired(p: Package, day: dt.date) -> bool:
    return p.expires_on is not None and day > p.expires_on


@locks.retrying
def use(
    package_id: int,
    *,
    customer_id: int | None = None,
    operator: str | None = None,
    note: str = "",
    at: dt.datetime | None = None,
) -> Package:
    """Consume one use at a visit. Refused (FieldError ``package``, the reason in the user's
    language): not this customer's, expired, none left, the customer gone."""
    at = at or now()
    op = session.current_operator() if operator is None else operator
    with database.atomic():
        locks.day_shared()  # a use is in the day's close (shopcrm.store.locks); the use itself is
        p = get(package_id)  # a conditional update (never below zero)
        if customer_id is not None and p.customer_id != customer_id:
            raise FieldError("package", "package.v.not_theirs", id=package_id)
        config.live_customer(p.customer_id)
        if p.expires_on is not None and at.date() > p.expires_on:
            raise FieldError("package", "package.v.expired", name=p.product, id=p.id, day=p.expires_on.isoformat())
        _change(p, -1, "use", at=at, operator=op, note=note)
    return get(package_id)


def _change(
    p: Package, delta: int, kind: str, *, at: dt.datetime, operator: str, note: str = "", refund_id: int | None = None
) -> int:
    done = database.execute_sql(
        "UPDATE package SET remaining = remaining + ? WHERE id = ? AND remaining + ? >= 0", (delta, p.id, delta)
    ).rowcount
    if done != 1:
        raise FieldError("package", "package.v.none_left", name=p.product, id=p.id)
    after = database.execute_sql("SELECT remaining FROM package WHERE id = ?", (p.id,)).fetchone()[0]
    PackageUse.create(
        package=p.id,
        customer=p.customer_id,
        at=at,
        kind=kind,
        delta=delta,
        remaining_after=after,
        refund=refund_id,
        operator=operator,
        note=note,
    )
    return after


def refundable(p: Package) -> int:
    """The unused uses that can be paid back (all that remain)."""
    return p.remaining


def refund_amount(p: Package, paid_cents: int, uses: int) -> int:
    """Pro rata: ``paid_cents`` (what the sale took, after its discounts) × uses / uses sold,
    rounded down to the cent (all that was paid when every use is refunded)."""
    return paid_cents if uses == p.uses else paid_cents * uses // p.uses


def record_refund(p: Package, uses: int, refund_id: int, *, at: dt.datetime, operator: str = "") -> None:
    """In the refund's transaction (shopcrm.sales.packages.refund_package): ``uses`` leave the card."""
    if uses <= 0:
        raise FieldError("package", "package.v.nothing_to_refund", id=p.id)
    _change(p, -uses, "refund", at=at, operator=operator, refund_id=refund_id)


def of_customer(customer_id: int) -> list[Package]:
    """The customer's count cards, newest first (remaining uses and expiry on each row)."""
    return list(Package.select().where(Package.customer == customer_id).order_by(Package.id.desc()))


def uses_of(package_id: int) -> list[PackageUse]:
    return list(PackageUse.select().where(PackageUse.package == package_id).order_by(PackageUse.id))


def _live_open() -> object:
    # NOT IN the (few) binned customers: IN the live ones built a list of every customer first
    # (90 ms at 100k customers on each build of the day's care list, with no card sold)
    return (Package.remaining > 0) & Package.customer.not_in(
        Customer.select(Customer.id).where(Customer.deleted_at.is_null(False))
    )


def expiring_soon(today: dt.date | None = None, days: int = 30) -> list[Package]:
    """Cards with uses left whose last good day is within ``days`` days (for a care item)."""
    today = today or clock.today()
    return list(
        Package.select()
        .where(_live_open() & (Package.expires_on >= today) & (Package.expires_on <= today + dt.timedelta(days=days)))
        .order_by(Package.expires_on, Package.id)
    )


def one_left(today: dt.date | None = None) -> list[Package]:
    """Cards, not expired, with exactly one use left (for a care item)."""
    today = today or clock.today()
    return list(
        Package.select()
        .where(_live_open() & (Package.remaining == 1) & (Package.expires_on.is_null() | (Package.expires_on >= today)))
        .order_by(Package.id)
    )


def text(p: Package, day: dt.date | None = None) -> str:
    """A line for the archive: name, remaining of uses, expiry."""
    day = day or clock.today()
    until = f"，有效期至 {p.expires_on.isoformat()}" if p.expires_on else ""
    state = "（已过期）" if is_expired(p, day) else ""
    return f"{p.product}：剩余 {p.remaining}/{p.uses} 次{until}{state}"
