"""The loyalty settings (owner only, audited): member prices per level and sale type, points as
money (rate and caps), points expiry, and the coupon types care issues per occasion; and the one
check that a customer can still use member benefits (:func:`live_customer`)."""

from __future__ import annotations

from typing import Any

from shopcrm.core.errors import FieldError
from shopcrm.core.texts import register
from shopcrm.store import settings as setting_store
from shopcrm.store.models import Customer
from shopcrm.trust import audit

register(
    {
        "loyalty.v.setting": (
            "积分/会员设置“{name}”的值“{value}”不对：{reason}",
            "Loyalty setting “{name}” = “{value}” is invalid: {reason}",
        ),
        "loyalty.v.erased": (
            "该客户的个人信息已按要求抹除，不能再使用会员权益",
            "This customer's personal data was erased on request: no member benefits can be used",
        ),
        "loyalty.v.deleted": (
            "客户“{name}”在回收站中，不能使用会员权益；请先从回收站恢复该客户",
            "Customer “{name}” is in the recycle bin: no member benefits can be used; restore the customer first",
        ),
    }
)


def live_customer(customer_id: int) -> Customer:
    """The customer, refused (FieldError ``customer``) when erased or in the recycle bin."""
    c = Customer.get_by_id(customer_id)
    if c.erased_at is not None:
        raise FieldError("customer", "loyalty.v.erased")
    if c.deleted_at is not None:
        raise FieldError("customer", "loyalty.v.deleted", name=c.name)
    return c


SALE_TYPES = ("goods", "service", "package", "topup")
KEY = "loyalty"


def _defaults() -> dict[str, Any]:
    return {
        # level name -> percent of the list price a member of that level pays (95 = 9.5 折)
        "level_discounts": {},
        # sale types that get member prices (the owner's switch per sale type)
        "member_price_types": ["goods", "service"],
        # points for one yuan off; 0 = points are not spent as money
        "points_per_yuan": 0,
        # per-sale caps of points as money: a percent of what is due after the coupon, an amount
        "points_cap_percent": 100,
        "points_cap_cents": None,
        # 0 = points never expire; N = points earned in year Y expire at the end of year Y + N
        "points_expire_years": 0,
        # the coupon type (by name) issued with a care item: {"birthday": "生日券", "wakeup": …}
        "coupon_for": {"birthday": None, "wakeup": None},
    }


def _bad(name: str, value: object, reason: str) -> FieldError:
    return FieldError("setting", "loyalty.v.setting", name=name, value=value, reason=reason)


def _validate(value: dict[str, Any]) -> dict[str, Any]:
    out = dict(value)
    discounts = {}
    for level, pct in dict(value["level_discounts"]).items():
        if not isinstance(pct, int) or not 1 <= pct <= 100:
            raise _bad("level_discounts", f"{level}={pct}", "1..100")
        discounts[str(level)] = pct
    out["level_discounts"] = discounts
    types = [str(x) for x in value["member_price_types"]]
    for x in types:
        if x not in SALE_TYPES:
            raise _bad("member_price_types", x, ", ".join(SALE_TYPES))
    out["member_price_types"] = types
    for name in ("points_per_yuan", "points_expire_years"):
        if not isinstance(value[name], int) or value[name] < 0:
            raise _bad(name, value[name], ">= 0")
    if not isinstance(value["points_cap_percent"], int) or not 0 <= value["points_cap_percent"] <= 100:
        raise _bad("points_cap_percent", value["points_cap_percent"], "0..100")
    cap = value["points_cap_cents"]
    if cap is not None and (not isinstance(cap, int) or cap < 0):
        raise _bad("points_cap_cents", cap, ">= 0")
    occasions = {"birthday": None, "wakeup": None, **dict(value["coupon_for"])}
    out["coupon_for"] = {k: (str(v) if v else None) for k, v in occasions.items()}
    return out


SETTINGS: setting_store.Section[dict[str, Any]] = setting_store.Section(KEY, _defaults, validate=_validate)


def load_settings() -> dict[str, Any]:
    return SETTINGS.load()


def save_settings(**changes: Any) -> dict[str, Any]:
    """Change member prices, points as money, expiry or the care coupons: owner only, audited."""
    return audit.save_owner_settings(SETTINGS, changes)
