"""Count cards through the counter (issue 14): a package is sold as a purchase of sale type
``package`` and refunded through the counter's refund path, so its money is in the day's close
by method like any sale. The uses themselves live in shopcrm.loyalty.packages."""

from __future__ import annotations

import datetime as dt

from shopcrm.core.errors import FieldError
from shopcrm.loyalty import packages
from shopcrm.sales import counter, days
from shopcrm.store import locks
from shopcrm.store.db import database
from shopcrm.store.models import Package, Purchase, Refund, now
from shopcrm.trust import session


@locks.retrying
def sell_package(
    customer_id: int,
    product: str,
    uses: int,
    price_cents: int,
    days: int | None,
    pay: dict[str, int] | None = None,
    *,
    coupon: str | None = None,
    points: int = 0,
    at: dt.datetime | None = None,
    operator: str | None = None,
) -> Package:
    """Sell a count card: one transaction writes the purchase (paid by ``pay``, member price,
    coupon and points as for any sale of type ``package``) and the package row."""
    packages.check_terms(product, uses, price_cents, days)
    at = at or now()
    op = session.current_operator() if operator is None else operator
    with database.atomic():
        p = counter.sell(
            customer_id,
            price_cents,
            pay,
            items=f"{product.strip()}×{uses}次",
            at=at,
            operator=op,
            coupon=coupon,
            points=points,
            sale_type="package",
        )
        return packages.create(customer_id, p.id, product, uses, price_cents, days, at=at, operator=op)


@locks.retrying
def refund_package(
    package_id: int, *, at: dt.datetime | None = None, operator: str | None = None, to_card: bool = False
) -> Refund:
    """Pay back a count card's unused uses pro rata of what its sale took (owner only): the
    money through the counter's refund (back by the methods it was paid with), the uses through
    a ``refund`` row of the use ledger, one transaction."""
    session.require_owner("adjust")
    at = at or now()
    op = session.current_operator() if operator is None else operator
    with database.atomic():
        days.ensure_open(at, op)
        pkg = packages.get(package_id)
        locks.lock_row("customer", pkg.customer_id)
        locks.lock_row("package", package_id)
        pkg = packages.get(package_id)
        uses = packages.refundable(pkg)
        if uses <= 0 or pkg.purchase_id is None:
            raise FieldError("package", "package.v.nothing_to_refund", id=package_id)
        sale = Purchase.get_by_id(pkg.purchase_id)
        amount = min(packages.refund_amount(pkg, sale.amount_cents + sale.refunded_cents, uses), sale.amount_cents)
        r = counter.refund_purchase(
            sale.id, amount, at=at, operator=op, note=f"计次卡 #{pkg.id} 退 {uses} 次", to_card=to_card
        )
        packages.record_refund(pkg, uses, r.id, at=at, operator=op)
    return r
