"""Stores (门店) of a chain (issue #18): the owner adds, renames and deactivates stores and sets
which store this counter works in; everything else reads the store scope from here.

A shop starts as one store (本店, the default store of migration 22) and never sees any of this
until a second store is active (:func:`is_chain`). Customers are chain-wide (a member's card works
in every store; ``home_store_id`` is where they joined); sales, top-ups, refunds, contacts,
complaints, care actions and day closes belong to the store of the counter that wrote them
(shopcrm.store.stores). Lists and figures take ``store_id: int | None`` (None: the whole chain):
the owner may look at the whole chain or any store; a clerk works in their counter's store
(:func:`work_scope`).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from shopcrm.core.errors import FieldError
from shopcrm.core.normalize import nfkc
from shopcrm.core.texts import register, t
from shopcrm.store import settings, stores as counter
from shopcrm.store.db import database
from shopcrm.store.models import Store, sql_ts
from shopcrm.trust import audit, session

register(
    {
        "field.store": ("门店", "Store"),
        "field.store_code": ("门店代码", "Store code"),
        "field.store_name": ("门店名称", "Store name"),
        "store.all": ("全部门店", "All stores"),
        "store.default_name": ("本店", "Main store"),
        "store.inactive": ("{name}（已停用）", "{name} (inactive)"),
        "v.store_code_format": (
            "{field}“{value}”只能用字母、数字、- 和 _（最多 20 个）",
            "{field} “{value}” may only use letters, digits, - and _ (at most 20)",
        ),
        "v.store_duplicate": ("{field}“{value}”已被门店“{other}”使用", "{field} “{value}” is already store “{other}”"),
        "v.store_name_long": (
            "{field}太长：{length} 个字，最多 {max} 个字",
            "{field} is too long: {length} characters, at most {max}",
        ),
        "v.store_unknown": (
            "没有门店“{value}”（用门店代码、名称或编号）",
            "No store “{value}” (give its code, name or id)",
        ),
        "v.store_last_active": (
            "门店“{name}”是最后一个在用的门店，不能停用",
            "Store “{name}” is the last active store and cannot be deactivated",
        ),
        "v.store_inactive": (
            "门店“{name}”已停用，不能设为本机门店",
            "Store “{name}” is inactive: a counter cannot work there",
        ),
        "sec.action.stores": ("管理门店", "Manage stores"),
        "v.store_inactive_import": (
            "门店“{name}”已停用，不能导入到该门店",
            "Store “{name}” is inactive: nothing can be imported into it",
        ),
        "field.operators": ("操作员", "Operators"),
        "v.operator_other_store": (
            "操作员“{name}”属于门店“{store}”，本机在门店“{here}”",
            "Operator “{name}” works in store “{store}”; this counter is in store “{here}”",
        ),
        "v.operator_name_long": (
            "{field}“{value}”太长：最多 {max} 个字",
            "{field} “{value}” is too long: at most {max} characters",
        ),
    }
)

_CODE = re.compile(r"^[A-Za-z0-9_-]{1,20}$")
MAX_NAME = 40


@dataclass(frozen=True)
class StoreRow:
    id: int
    code: str
    name: str
    address: str
    phone: str
    active: bool

    @property
    def label(self) -> str:
        return self.name if self.active else t("store.inactive", name=self.name)


def _row(s: Store) -> StoreRow:
    return StoreRow(s.id, s.code, s.name, s.address, s.phone, bool(s.active))


def all_stores(*, include_inactive: bool = True) -> list[StoreRow]:
    """The stores by id (the default store first)."""
    query = Store.select().order_by(Store.id)
    if not include_inactive:
        query = query.where(Store.active == True)  # noqa: E712  peewee builds SQL from ==
    return [_row(s) for s in query]


def get(store_id: int) -> StoreRow:
    s = Store.get_or_none(Store.id == store_id)
    if s is None:
        raise FieldError("store", "v.store_unknown", value=store_id)
    return _row(s)


def is_chain() -> bool:
    """More than one active store: only then do store pickers and scopes show anywhere."""
    return counter.active_count() > 1


def counter_store() -> StoreRow:
    """The store this counter works in."""
    return get(counter.counter_store_id())


def work_scope() -> int | None:
    """The scope a screen opens with: the owner of a chain sees the whole chain (None), a clerk
    their counter's store; a single store is the whole chain."""
    if not is_chain():
        return None
    return None if session.is_owner() else counter.counter_store_id()


def may_choose_scope() -> bool:
    """The owner may look at any store or the whole chain; a clerk sees their store's work."""
    return session.is_owner()


def resolve(text: str | int) -> int:
    """A store id from its id, code or name (the command line's ``--store``)."""
    value = nfkc(str(text)).strip()
    row = database.execute_sql(
        'SELECT "id" FROM "store" WHERE "code" = ? OR "name" = ? ORDER BY "id" LIMIT 1', (value, value)
    ).fetchone()
    if row is None and value.isdigit():
        row = database.execute_sql('SELECT "id" FROM "store" WHERE "id" = ?', (int(value),)).fetchone()
    if row is None:
        raise FieldError("store", "v.store_unknown", value=value)
    return int(row[0])


def _clean(code: str, name: str, address: str, phone: str, store_id: int | None) -> dict:
    code, name = nfkc(code).strip(), nfkc(name).strip()
    if not code:
        raise FieldError("store_code", "v.required")
    if not _CODE.match(code):
        raise FieldError("store_code", "v.store_code_format", value=code)
    if not name:
        raise FieldError("store_name", "v.required")
    if len(name) > MAX_NAME:
        raise FieldError("store_name", "v.store_name_long", length=len(name), max=MAX_NAME)
    for field, column, value in (("store_code", Store.code, code), ("store_name", Store.name, name)):
        other = Store.get_or_none((column == value) & (Store.id != (store_id or 0)))
        if other is not None:
            raise FieldError(field, "v.store_duplicate", value=value, other=other.name)
    return {"code": code, "name": name, "address": nfkc(address).strip(), "phone": nfkc(phone).strip()}


def add(code: str, name: str, *, address: str = "", phone: str = "") -> StoreRow:
    """A new active store (owner only, audited)."""
    session.require_owner("stores")
    with database.atomic():
        values = _clean(code, name, address, phone, None)
        s = Store.create(**values)
        audit.log("settings", detail=f"store add {s.id} {values['code']}")
    return _row(s)


def update(
    store_id: int,
    *,
    code: str | None = None,
    name: str | None = None,
    address: str | None = None,
    phone: str | None = None,
) -> StoreRow:
    """Rename a store or change its code, address or phone (owner only, audited)."""
    session.require_owner("stores")
    with database.atomic():
        s = Store.get_or_none(Store.id == store_id)
        if s is None:
            raise FieldError("store", "v.store_unknown", value=store_id)
        values = _clean(
            s.code if code is None else code,
            s.name if name is None else name,
            s.address if address is None else address,
            s.phone if phone is None else phone,
            store_id,
        )
        Store.update(**values).where(Store.id == store_id).execute()
        audit.log("settings", detail=f"store update {store_id} {values['code']}")
    return get(store_id)


def set_active(store_id: int, active: bool) -> StoreRow:
    """Deactivate a store (its records stay; counters set to it work in the first active store)
    or activate it again. The last active store cannot be deactivated. Owner only, audited."""
    session.require_owner("stores")
    with database.atomic():
        s = get(store_id)
        if not active and s.active and counter.active_count() <= 1:
            raise FieldError("store", "v.store_last_active", name=s.name)
        Store.update(active=bool(active)).where(Store.id == store_id).execute()
        audit.log("settings", detail=f"store {'activate' if active else 'deactivate'} {store_id}")
    counter.forget()
    return get(store_id)


def set_counter_store(store_id: int) -> StoreRow:
    """Set this counter to work in ``store_id`` (an active store; owner only, audited)."""
    session.require_owner("stores")
    with database.atomic():
        s = get(store_id)
        if not s.active:
            raise FieldError("store", "v.store_inactive", name=s.name)
        settings.put(counter.counter_key(), int(store_id))
        audit.log("settings", detail=f"counter {counter.machine_name()} store {store_id}")
    counter.forget()
    return s


def import_store(text: str | int) -> int:
    """The store an import writes to, from its id, code or name: an active store (a member
    import makes it the new members' home store, a purchase import books the purchases to it)."""
    s = get(resolve(text))
    if not s.active:
        raise FieldError("store", "v.store_inactive_import", name=s.name)
    return s.id


def use_store(store_id: int) -> StoreRow:
    """Book this process's writes to ``store_id`` (the command line's ``--store``): an active
    store; another store than the counter's needs the owner."""
    s = get(store_id)
    if not s.active:
        raise FieldError("store", "v.store_inactive", name=s.name)
    if store_id != counter.counter_store_id():
        session.require_owner("stores")
    counter.use_for_this_process(store_id)
    return s


# --- operators -----------------------------------------------------------------------------------
# Operators are names (the counter settings' list, shopcrm.sales.counter; every row they write
# carries the name and the counter's store). In a chain each operator belongs to a store: the
# owner lists a store's operators here, one setting for the chain (name -> store id), so the app,
# the command line and every counter agree. A name in no store's list (a one-store shop, the
# owner, a relief who works everywhere) works in every store.

OPERATORS_KEY = "store.operators"
MAX_OPERATOR = 20
_NAME_SPLIT = re.compile(r"[,，、;；\n]+")


def operator_stores() -> dict[str, int]:
    """Every operator that belongs to a store: name -> store id."""
    value = settings.get(OPERATORS_KEY, {})
    return {str(k): int(v) for k, v in value.items()} if isinstance(value, dict) else {}


def operators_of(store_id: int) -> list[str]:
    """The operators who belong to ``store_id``, in the order the owner listed them."""
    return [name for name, s in operator_stores().items() if s == store_id]


def split_names(text: str) -> list[str]:
    """Names typed in one field (separated by commas, 、, semicolons or lines), cleaned, once each."""
    names = [n for n in (nfkc(part).strip() for part in _NAME_SPLIT.split(text)) if n]
    return list(dict.fromkeys(names))


def clean_operators(names: list[str] | str) -> list[str]:
    """The operator names of one field or list, cleaned; a name too long is refused by name."""
    clean = split_names(names if isinstance(names, str) else ",".join(names))
    for name in clean:
        if len(name) > MAX_OPERATOR:
            raise FieldError("operators", "v.operator_name_long", value=name, max=MAX_OPERATOR)
    return clean


def set_operators(store_id: int, names: list[str] | str) -> list[str]:
    """The operators of ``store_id`` are ``names`` from now on (a name listed for another store
    moves here; one left out belongs to no store again). Owner only, audited."""
    session.require_owner("stores")
    clean = clean_operators(names)
    with database.atomic():
        get(store_id)
        kept = {n: s for n, s in operator_stores().items() if s != store_id and n not in clean}
        settings.put(OPERATORS_KEY, {**kept, **dict.fromkeys(clean, int(store_id))})
        audit.log("settings", detail=f"store {store_id} operators {','.join(clean) or '-'}")
    return clean


def works_here(name: str) -> bool:
    """Whether ``name`` may work at this counter: an operator of its store, or of no store."""
    store_id = operator_stores().get(name.strip())
    return store_id is None or store_id == counter.counter_store_id()


def check_operator(name: str) -> None:
    """Refuse an operator of another store at this counter (a clerk works in the store their
    counter is set to); the message names both stores."""
    store_id = operator_stores().get(name.strip())
    if store_id is not None and store_id != counter.counter_store_id():
        raise FieldError(
            "operator", "v.operator_other_store", name=name.strip(), store=get(store_id).name, here=counter_store().name
        )


@dataclass(frozen=True)
class StoreSales:
    store_id: int
    name: str
    sales: int  # purchases in the period
    sales_cents: int  # what they paid, less what was refunded of them (a purchase's amount)
    refunds_cents: int  # refunds given in the store in the period (of purchases and top-ups)
    topups_cents: int  # principal paid in
    members_joined: int  # customers whose home store it is, joined in the period


def sales(start: dt.date, end: dt.date, store_id: int | None = None) -> list[StoreSales]:
    """Each store's sales, refunds, top-ups and new members from ``start`` to ``end`` (both
    inclusive): one store's, or every store's (the whole chain, by store id). Indexed ranges on
    the ``at`` columns (each store's rows are counted within them)."""
    lo = sql_ts(dt.datetime.combine(start, dt.time()))
    hi = sql_ts(dt.datetime.combine(end + dt.timedelta(days=1), dt.time()))
    scope = "" if store_id is None else " AND store_id = ?"
    extra = [] if store_id is None else [store_id]

    def by_store(sql: str, params: list) -> dict[int, tuple]:
        rows = database.execute_sql(sql + scope + " GROUP BY store_id", [*params, *extra]).fetchall()
        return {int(r[0]): tuple(r[1:]) for r in rows}

    bought = by_store(
        "SELECT store_id, count(*), COALESCE(SUM(amount_cents), 0) FROM purchase WHERE at >= ? AND at < ?", [lo, hi]
    )
    refunded = by_store(
        "SELECT store_id, COALESCE(SUM(amount_cents), 0) FROM refund WHERE at >= ? AND at < ?", [lo, hi]
    )
    topped = by_store(
        "SELECT store_id, COALESCE(SUM(principal_cents), 0) FROM topup WHERE at >= ? AND at < ?", [lo, hi]
    )
    joined = {
        int(r[0]): int(r[1])
        for r in database.execute_sql(
            "SELECT home_store_id, count(*) FROM customer WHERE joined_on >= ? AND joined_on <= ? AND deleted_at IS NULL"
            + ("" if store_id is None else " AND home_store_id = ?")
            + " GROUP BY home_store_id",
            [start.isoformat(), end.isoformat(), *extra],
        ).fetchall()
    }
    rows = []
    for s in all_stores():
        if store_id is not None and s.id != store_id:
            continue
        n, paid = bought.get(s.id, (0, 0))
        rows.append(
            StoreSales(
                s.id,
                s.name,
                int(n),
                int(paid),
                int(refunded.get(s.id, (0,))[0]),
                int(topped.get(s.id, (0,))[0]),
                joined.get(s.id, 0),
            )
        )
    return rows


def counters() -> dict[str, int]:
    """Which counter (machine name) is set to which store."""
    return counter.counters()
