"""Purchases and contacts: what a customer bought and when we spoke to them.

A purchase updates the customer's aggregates (total spend, count, first/last purchase) in the same
transaction, earns points by the level's rule, and, when paid from the stored-value card, spends
the balance through the ledger.
"""

from __future__ import annotations

import datetime as dt

from shopcrm import grading
from shopcrm.core.errors import FieldError
from shopcrm.core.money import fmt
from shopcrm.core.normalize import MAX_CENTS
from shopcrm.core.texts import register, t
from shopcrm.customers import ledger
from shopcrm.sales import days
from shopcrm.store import sqlfn
from shopcrm.store.db import database, executemany
from shopcrm.store.models import Contact, Customer, Purchase, PurchaseLine, PurchasePayment, now, sql_ts
from shopcrm.trust import session

register(
    {
        "v.sale_deleted": (
            "客户“{name}”在回收站中，不能记录消费；请先从回收站恢复该客户",
            "Customer “{name}” is in the recycle bin: no purchase can be recorded; restore the customer first",
        ),
        "v.sale_erased": (
            "该客户的个人信息已按要求抹除，不能再记录消费",
            "This customer's personal data was erased on request: no purchase can be recorded",
        ),
    }
)

PAYMENTS = ("cash", "wechat", "alipay", "bankcard", "stored_value", "other")
CARD = "card"  # the stored-value card as a payment method of a split payment (``stored_value`` alone)
CHANNELS = ("phone", "sms", "wechat", "visit", "letter", "email")
# a contact's coded result (m0018), e.g. of a campaign item: the message went out, the customer
# answered, came to the shop, or said no
RESULTS = ("sent", "replied", "visited", "declined")


def points_for(customer: Customer, amount_cents: int) -> int:
    """Points a purchase earns by the configurable rule in shopcrm.grading (default: points per
    whole yuan times the level's rate, 1 point per yuan)."""
    return grading.points_for(customer, amount_cents)


def record_purchase(
    customer_id: int,
    amount_cents: int,
    *,
    at: dt.datetime | None = None,
    items: str = "",
    payment: str = "cash",
    note: str = "",
    payments: dict[str, int] | None = None,
    operator: str = "",
    lines: list[tuple[str, int, int]] | None = None,
) -> Purchase:
    """Record a sale. ``payments`` splits it by method (``card`` is the stored-value card, checked
    against the balance in this transaction; the parts add up to the amount, see
    shopcrm.sales.counter.sell); without it the whole amount is paid by ``payment``. ``lines``:
    (name, qty, unit price in cents) each, stored as the purchase's lines (their amounts add up
    to the list price, ``amount_cents`` before any member price, coupon or points: checked by
    shopcrm.sales.counter.sell)."""
    if amount_cents <= 0:
        raise FieldError("amount", "v.money_negative")
    if payments is None:
        if payment not in PAYMENTS:
            raise ValueError(payment)
        payments = {CARD if payment == "stored_value" else payment: amount_cents}
    else:
        if sum(payments.values()) != amount_cents or any(v <= 0 for v in payments.values()):
            raise ValueError(payments)
        (only,) = payments if len(payments) == 1 else ("mixed",)
        payment = "stored_value" if only == CARD else only
    at = at or now()
    with database.atomic():
        days.ensure_open(at, operator)
        c = Customer.get_by_id(customer_id)
        # no sale to a customer who is gone (checked inside the transaction that writes it)
        if c.erased_at is not None:
            raise FieldError("customer", "v.sale_erased")
        if c.deleted_at is not None:
            raise FieldError("customer", "v.sale_deleted", name=c.name)
        # total spend stays within what an export imports back (normalize.MAX_CENTS), like balances
        if c.total_spend_cents + amount_cents >= MAX_CENTS:
            raise FieldError("amount", "v.money_too_large", value=fmt(c.total_spend_cents + amount_cents))
        earned = points_for(c, amount_cents)
        p = Purchase.create(
            customer=customer_id,
            at=at,
            amount_cents=amount_cents,
            items=items,
            payment=payment,
            points_earned=earned,
            note=note,
            operator=operator,
        )
        PurchasePayment.insert_many(
            [{"purchase": p.id, "method": m, "amount_cents": v} for m, v in payments.items()]
        ).execute()
        if lines:
            PurchaseLine.insert_many(
                [
                    {"purchase": p.id, "position": i, "name": n, "qty": q, "unit_cents": u, "amount_cents": q * u}
                    for i, (n, q, u) in enumerate(lines, 1)
                ]
            ).execute()
        if payments.get(CARD):
            ledger.apply(
                customer_id,
                "spend",
                balance_delta_cents=-payments[CARD],
                reason=items or "消费",
                purchase_id=p.id,
                at=at,
            )
        if earned:
            ledger.apply(customer_id, "earn", points_delta=earned, reason=items or "消费积分", purchase_id=p.id, at=at)
        database.execute_sql(
            f"""UPDATE customer SET total_spend_cents = total_spend_cents + ?,
                   purchase_count = purchase_count + 1,
                   first_purchase_at = {sqlfn.least("COALESCE(first_purchase_at, ?)", "?")},
                   last_purchase_at = {sqlfn.greatest("COALESCE(last_purchase_at, ?)", "?")},
                   updated_at = ? WHERE id = ?""",
            (amount_cents, sql_ts(at), sql_ts(at), sql_ts(at), sql_ts(at), sql_ts(now()), customer_id),
        )
        grading.after_purchase(customer_id, at=at)  # level upgrade, lifecycle (e.g. 结束 -> 恢复)
    return p


def purchases_of(customer_id: int, limit: int = 500) -> list[Purchase]:
    return list(
        Purchase.select()
        .where(Purchase.customer == customer_id)
        .order_by(Purchase.at.desc(), Purchase.id.desc())
        .limit(limit)
    )


def record_contact(
    customer_id: int,
    *,
    channel: str = "phone",
    purpose: str = "",
    outcome: str = "",
    satisfaction: int | None = None,
    next_followup: dt.date | None = None,
    at: dt.datetime | None = None,
    staff: str = "",
    operator: str | None = None,
    campaign_id: int | None = None,
    result: str = "",
    nps: int | None = None,
) -> Contact:
    """A contact with the customer; ``operator`` defaults to the one at the counter
    (shopcrm.trust.session.current_operator). ``campaign_id``: the campaign it was for;
    ``result``: one of :data:`RESULTS` (or ""); ``nps``: the 0-10 "would you recommend us" answer."""
    if channel not in CHANNELS:
        raise ValueError(channel)
    if satisfaction is not None and not 1 <= satisfaction <= 5:
        raise ValueError(satisfaction)
    if result and result not in RESULTS:
        raise ValueError(result)
    if nps is not None and not 0 <= nps <= 10:
        raise ValueError(nps)
    at = at or now()
    with database.atomic():
        contact = Contact.create(
            customer=customer_id,
            at=at,
            channel=channel,
            purpose=purpose,
            outcome=outcome,
            satisfaction=satisfaction,
            next_followup=next_followup,
            staff=staff,
            operator=session.current_operator() if operator is None else operator,
            campaign_id=campaign_id,
            result=result,
            nps=nps,
        )
        database.execute_sql(
            f"UPDATE customer SET last_contact_at = {sqlfn.greatest('COALESCE(last_contact_at, ?)', '?')} WHERE id = ?",
            (sql_ts(at), sql_ts(at), customer_id),
        )
    return contact


def contacts_of(customer_id: int, limit: int = 500) -> list[Contact]:
    return list(
        Contact.select()
        .where(Contact.customer == customer_id)
        .order_by(Contact.at.desc(), Contact.id.desc())
        .limit(limit)
    )


def recompute_aggregates(customer_ids: list[int] | None = None) -> None:
    """Rebuild the purchase aggregates from the purchases (repair, demo data, a history import):
    of every customer, or of ``customer_ids`` only. Total spend is the sum of the amounts (a
    return imported as a negative amount lowers it, a refund has lowered its purchase's amount);
    the count and the first and last purchase are of the purchases with something left (a wholly
    refunded purchase is 0 and does not count, as shopcrm.sales.counter.refund_purchase does)."""
    with database.atomic():
        where = ""
        if customer_ids is not None:
            database.execute_sql("CREATE TEMP TABLE IF NOT EXISTS _agg_ids (id INTEGER PRIMARY KEY)")
            database.execute_sql("DELETE FROM _agg_ids")
            executemany("INSERT OR IGNORE INTO _agg_ids (id) VALUES (?)", [(c,) for c in customer_ids])
            where = "WHERE customer_id IN (SELECT id FROM _agg_ids)"
        database.execute_sql(f"""
            UPDATE customer SET total_spend_cents = COALESCE(s.total, 0),
                purchase_count = COALESCE(s.n, 0), first_purchase_at = s.first,
                last_purchase_at = s.last
            FROM (SELECT customer_id, SUM(amount_cents) total, SUM({sqlfn.bool_int("amount_cents > 0")}) n,
                         MIN(CASE WHEN amount_cents > 0 THEN at END) first,
                         MAX(CASE WHEN amount_cents > 0 THEN at END) last
                  FROM purchase {where} GROUP BY customer_id) s
            WHERE s.customer_id = customer.id""")
        if customer_ids is not None:
            database.execute_sql("DELETE FROM _agg_ids")


def wake_up(
    customer_id: int, *, channel: str | None = None, staff: str = "", outcome: str = "", at: dt.datetime | None = None
):
    """One click on a dormant customer: log a wake-up Contact whose follow-up date
    (``wake_followup_days`` later) puts the customer on the care list."""
    cfg = grading.settings()
    at = at or now()
    c = Customer.get_by_id(customer_id)
    if channel is None:
        channel = c.pref_channel if c.pref_channel in CHANNELS else "phone"
    days = (at.date() - c.last_purchase_at.date()).days if c.last_purchase_at else 0
    return record_contact(
        customer_id,
        channel=channel,
        purpose=t("grading.wake_purpose", n=days),
        outcome=outcome,
        next_followup=at.date() + dt.timedelta(days=int(cfg["wake_followup_days"])),
        at=at,
        staff=staff,
    )
