"""Loyalty that members can spend (issue 14): member prices, coupons, points as money, gifts
for points, points expiry and count cards (计次卡).

The layer sits below shopcrm.sales and above shopcrm.customers: the counter's sale
(shopcrm.sales.counter.sell) prices a sale with :func:`price` and settles the quote with
:func:`settle` inside the sale's transaction; a count card is sold and refunded through the
counter by shopcrm.sales.packages. Points move only through ledger entries
(shopcrm.customers.ledger: ``redeem`` for points spent, ``expire`` for points expired).

Pricing rule (:func:`price`), in this order:

1. **member price**: the member's level discount (``level_discounts``: level name -> percent
   of the price paid, 95 = 9.5 折) when the sale type is in ``member_price_types``. The
   discount is ``list × (100 - percent) / 100`` rounded half up to the cent.
2. **coupon**: checked against the price after the member discount (its threshold, its
   owner, its validity); an amount off (never more than that price), a percent off rounded half up
   to the cent and capped, or a gift (nothing off).
3. **points as money** (积分抵现): ``points × 100 ÷ points_per_yuan`` cents, rounded down; at
   most ``points_cap_percent`` % of what is due after the coupon and at most
   ``points_cap_cents`` (when set), and never more than the member has.

What is left (``Quote.due``) is what the payment parts must add up to; it must stay above zero.

A refund of such a sale (shopcrm.sales.counter.refund_purchase) gives back what was paid by its
methods and the points it took as money pro rata (:func:`refund_points`); the coupon stays used
and the member discount is not a refund's business.
"""

from shopcrm.loyalty.config import SALE_TYPES, load_settings, save_settings
from shopcrm.loyalty.pricing import (
    Quote,
    half_up,
    member_percent,
    points_max,
    points_value,
    price,
    receipt_lines,
    refund_points,
    settle,
)

__all__ = [
    "SALE_TYPES",
    "Quote",
    "half_up",
    "load_settings",
    "member_percent",
    "points_max",
    "points_value",
    "price",
    "receipt_lines",
    "refund_points",
    "save_settings",
    "settle",
]
