"""Segments: a saved filter over the customer archive, counted live and used by the customer list,
the export, coupons and campaigns.

A :class:`SegmentFilter` holds the criteria (every one optional, all of them must hold):

- ``grades`` (ABC, ``""`` = not graded), ``value_types``, ``lifecycles`` (shopcrm.grading), member
  ``levels`` and ``tags`` (by name; a customer with any of the tags), ``products`` (favourite
  products: ``pref_products`` contains any of them), ``birth_months`` (the month of the recorded
  birthday: the lunar month for a lunar birthday, as the care list reads it);
- ``bought_within_days`` N (a purchase within the last N days, today included) and
  ``dormant_days`` N (bought before, but not within the last N days): complements of each other;
- ``min_spend_cents`` / ``max_spend_cents`` (total spend, inclusive), ``consent`` (``yes`` / ``no``
  / ``unknown``: marketing consent), ``joined_from`` / ``joined_to`` (inclusive days).

:func:`expression` compiles a filter to ONE peewee expression over ``customer`` (tags through an
``IN`` over the ``customer_tag(tag, customer)`` index); grade, value type, lifecycle, level, birth
month, spend and last purchase are each an indexed column, so SQLite can start from the most
selective one. Deleted and erased customers are never in a segment.

Saved segments live in the ``segment`` table (m0018) by unique name, their filter as JSON.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from dataclasses import dataclass, field
from functools import reduce
from operator import and_, or_
from typing import Any

from peewee import SQL, Expression, NodeList, fn

from shopcrm.core import clock
from shopcrm.core.errors import FieldError
from shopcrm.core.money import fmt
from shopcrm.core.texts import register, t
from shopcrm.grading import GRADES, LIFECYCLE, VALUE_TYPES
from shopcrm.store import sqlfn
from shopcrm.store.db import database
from shopcrm.store.models import Customer, CustomerTag, Level, Segment, Tag, now, sql_ts

CONSENTS = ("yes", "no", "unknown")

register(
    {
        "field.segment": ("客户分组", "Segment"),
        "field.segment_name": ("分组名称", "Segment name"),
        "segment.v.name": ("分组须有名称", "A segment needs a name"),
        "segment.v.taken": ("已有名为“{name}”的分组", "There is already a segment called “{name}”"),
        "segment.v.unknown": (
            "没有名为“{name}”的客户分组（现有：{known}）",
            "No segment called “{name}” (known: {known})",
        ),
        "segment.v.level": (
            "没有名为“{name}”的会员等级（现有：{known}）",
            "No member level called “{name}” (known: {known})",
        ),
        "segment.v.tag": ("没有名为“{name}”的标签（现有：{known}）", "No tag called “{name}” (known: {known})"),
        "segment.v.choice": (
            "分组条件“{name}”的值“{value}”不对：可选 {allowed}",
            "Segment condition “{name}” = “{value}” is invalid: choose from {allowed}",
        ),
        "segment.v.number": (
            "分组条件“{name}”的值“{value}”不对：应为 {low}–{high}",
            "Segment condition “{name}” = “{value}” is invalid: must be {low}–{high}",
        ),
        "segment.v.range": (
            "分组条件“{name}”的下限 {low} 大于上限 {high}",
            "Segment condition “{name}”: the lower bound {low} is above the upper bound {high}",
        ),
        "segment.c.grades": ("客户等级", "Grade"),
        "segment.c.value_types": ("价值类型", "Value type"),
        "segment.c.lifecycles": ("生命周期", "Lifecycle"),
        "segment.c.levels": ("会员等级", "Member level"),
        "segment.c.tags": ("标签", "Tag"),
        "segment.c.products": ("喜好商品", "Favourite products"),
        "segment.c.birth_months": ("生日月份", "Birthday month"),
        "segment.c.bought_within_days": ("最近 N 天内消费过", "Bought within N days"),
        "segment.c.dormant_days": ("超过 N 天未消费", "No purchase for N days"),
        "segment.c.spend": ("累计消费", "Total spend"),
        "segment.c.consent": ("营销同意", "Marketing consent"),
        "segment.c.joined": ("入会日期", "Joined"),
        "segment.consent.yes": ("同意", "yes"),
        "segment.consent.no": ("不同意", "no"),
        "segment.consent.unknown": ("未知", "unknown"),
        "segment.d.days": ("{n} 天", "{n} days"),
        "segment.d.months": ("{months} 月", "month {months}"),
        "segment.d.everyone": ("全部客户", "Every customer"),
        "segment.d.sep": ("；", "; "),
    }
)


@dataclass
class SegmentFilter:
    grades: list[str] = field(default_factory=list)
    value_types: list[str] = field(default_factory=list)
    lifecycles: list[str] = field(default_factory=list)
    levels: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    products: list[str] = field(default_factory=list)
    birth_months: list[int] = field(default_factory=list)
    bought_within_days: int | None = None
    dormant_days: int | None = None
    min_spend_cents: int | None = None
    max_spend_cents: int | None = None
    consent: str | None = None
    joined_from: dt.date | None = None
    joined_to: dt.date | None = None

    def to_json(self) -> str:
        out: dict[str, Any] = {}
        for f in dataclasses.fields(self):
            v = getattr(self, f.name)
            if v in (None, []):
                continue
            out[f.name] = v.isoformat() if isinstance(v, dt.date) else v
        return json.dumps(out, ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str | dict) -> SegmentFilter:
        data = json.loads(text) if isinstance(text, str) else dict(text)
        known = {f.name for f in dataclasses.fields(cls)}
        kwargs = {k: v for k, v in data.items() if k in known}
        for k in ("joined_from", "joined_to"):
            if kwargs.get(k):
                kwargs[k] = dt.date.fromisoformat(str(kwargs[k])[:10])
        return cls(**kwargs)

    def merged(self, other: SegmentFilter) -> SegmentFilter:
        """This filter with every criterion ``other`` sets replaced by ``other``'s."""
        values = {f.name: getattr(other, f.name) for f in dataclasses.fields(other)}
        return dataclasses.replace(self, **{k: v for k, v in values.items() if v not in (None, [])})


def _label(name: str) -> str:
    return t(f"segment.c.{name}")


def _choice(name: str, values: list, allowed: tuple) -> None:
    for v in values:
        if v not in allowed:
            raise FieldError(
                "segment", "segment.v.choice", name=_label(name), value=v, allowed="/".join(map(str, allowed))
            )


def _number(name: str, value, low: int, high: int) -> None:
    if value is None:
        return
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise FieldError("segment", "segment.v.number", name=_label(name), value=value, low=low, high=high)


def validate(f: SegmentFilter) -> SegmentFilter:
    """Check every criterion; raises FieldError naming the condition and the allowed values."""
    _choice("grades", f.grades, (*GRADES, ""))
    _choice("value_types", f.value_types, VALUE_TYPES)
    _choice("lifecycles", f.lifecycles, LIFECYCLE)
    for m in f.birth_months:
        _number("birth_months", m, 1, 12)
    if f.consent is not None:
        _choice("consent", [f.consent], CONSENTS)
    _number("bought_within_days", f.bought_within_days, 1, 36500)
    _number("dormant_days", f.dormant_days, 1, 36500)
    _number("spend", f.min_spend_cents, 0, 10**13)
    _number("spend", f.max_spend_cents, 0, 10**13)
    if f.min_spend_cents is not None and f.max_spend_cents is not None and f.min_spend_cents > f.max_spend_cents:
        raise FieldError(
            "segment", "segment.v.range", name=_label("spend"), low=fmt(f.min_spend_cents), high=fmt(f.max_spend_cents)
        )
    if f.joined_from and f.joined_to and f.joined_from > f.joined_to:
        raise FieldError("segment", "segment.v.range", name=_label("joined"), low=f.joined_from, high=f.joined_to)
    _level_ids(f.levels)
    _tag_ids(f.tags)
    return f


def _ids(model, names: list[str], message: str) -> list[int]:
    """The ids of the named levels or tags; FieldError naming an unknown one and the known ones."""
    if not names:
        return []
    known = {row.name: row.id for row in model.select(model.id, model.name)}
    for n in names:
        if n not in known:
            raise FieldError("segment", message, name=n, known="、".join(known) or "-")
    return [known[n] for n in names]


def _level_ids(names: list[str]) -> list[int]:
    return _ids(Level, names, "segment.v.level")


def _tag_ids(names: list[str]) -> list[int]:
    return _ids(Tag, names, "segment.v.tag")


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time())


def _unindexed(column):
    """``+column``: the same value, but SQLite will not drive the query from the column's index.
    For the broad tail of a range ("no purchase for 60 days", "spent at most …" select most
    customers): without STAT4 histograms SQLite guesses every range at a quarter of the rows and
    may prefer it over a selective grade or level (317 ms instead of 5 ms on the 100k demo)."""
    return NodeList((SQL(sqlfn.unindexed_prefix()), column), glue="")


def expression(f: SegmentFilter, today: dt.date | None = None, model: type[Customer] = Customer) -> Expression:
    """The filter as one peewee expression over ``model`` (``Customer`` or an alias of it)."""
    today = today or clock.today()
    c = model
    parts: list[Any] = [c.deleted_at.is_null(), c.erased_at.is_null()]

    def any_of(column, values):
        return column.in_(values) if len(values) > 1 else column == values[0]

    if f.grades:
        graded = [g for g in f.grades if g]
        alternatives = [any_of(c.grade, graded)] if graded else []
        if "" in f.grades:
            alternatives += [c.grade.is_null(), c.grade == ""]
        parts.append(reduce(or_, alternatives))
    if f.value_types:
        parts.append(any_of(c.value_type, f.value_types))
    if f.lifecycles:
        parts.append(any_of(c.lifecycle, f.lifecycles))
    if f.levels:
        parts.append(any_of(c.level, _level_ids(f.levels)))
    if f.tags:
        tag_ids = _tag_ids(f.tags)
        parts.append(c.id.in_(CustomerTag.select(CustomerTag.customer).where(any_of(CustomerTag.tag, tag_ids))))
    products = [p.strip() for p in f.products if p.strip()]
    if products:
        parts.append(reduce(or_, [c.pref_products.contains(p) for p in products]))
    if f.birth_months:
        parts.append(
            reduce(or_, [c.birth_mmdd.between(m * 100 + 1, m * 100 + 31) for m in sorted(set(f.birth_months))])
        )
    if f.bought_within_days is not None:
        parts.append(c.last_purchase_at >= _day_start(today - dt.timedelta(days=f.bought_within_days - 1)))
    if f.dormant_days is not None:
        cutoff = sql_ts(_day_start(today - dt.timedelta(days=f.dormant_days - 1)))
        parts.append(c.last_purchase_at.is_null(False) & (_unindexed(c.last_purchase_at) < cutoff))
    if f.min_spend_cents is not None:
        parts.append(c.total_spend_cents >= f.min_spend_cents)
    if f.max_spend_cents is not None:
        parts.append(_unindexed(c.total_spend_cents) <= f.max_spend_cents)
    if f.consent == "yes":
        parts.append(c.consent_marketing == True)  # noqa: E712 (peewee builds SQL from ==)
    elif f.consent == "no":
        parts.append(c.consent_marketing == False)  # noqa: E712
    elif f.consent == "unknown":
        parts.append(c.consent_marketing.is_null())
    if f.joined_from is not None:
        parts.append(c.joined_on >= f.joined_from)
    if f.joined_to is not None:
        parts.append(c.joined_on <= f.joined_to)
    return reduce(and_, parts)


def count(f: SegmentFilter, today: dt.date | None = None) -> int:
    """How many customers the filter selects now (one COUNT query)."""
    # a bare COUNT(*) (peewee's .count() wraps the query in a subquery: 2x slower on 100k)
    return Customer.select(fn.COUNT(SQL("*"))).where(expression(f, today)).scalar() or 0


def id_query(f: SegmentFilter, today: dt.date | None = None, *, marketing: bool = False):
    """A query of the selected customers' ids (and nothing else); ``marketing``: only those who
    consented to marketing (opt-in: unknown counts as no)."""
    expr = expression(f, today)
    if marketing:
        expr &= Customer.consent_marketing == True  # noqa: E712
    return Customer.select(Customer.id).where(expr)


def where_sql(f: SegmentFilter, today: dt.date | None = None, alias: str = "c") -> tuple[str, list]:
    """The filter as an SQL condition on ``customer`` aliased ``alias`` (for the customer list's
    paged query, shopcrm.customers.CustomerQuery.extra): ``alias.id IN (the segment's ids)``."""
    sql, params = sqlfn.query_sql(id_query(f, today))
    return f"{alias}.id IN ({sql})", params


# --- saved segments -------------------------------------------------------------------------


def _clean_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise FieldError("segment_name", "segment.v.name")
    return name


def save(name: str, f: SegmentFilter) -> Segment:
    """Save the filter under ``name`` (replacing the filter of a segment of that name)."""
    name = _clean_name(name)
    validate(f)
    with database.atomic():
        seg = Segment.get_or_none(Segment.name == name)
        if seg is None:
            return Segment.create(name=name, filter_json=f.to_json())
        seg.filter_json = f.to_json()
        seg.updated_at = now()
        seg.save()
        return seg


def rename(segment_id: int, name: str) -> None:
    """Give a saved segment another name (campaigns keep pointing at it by id)."""
    name = _clean_name(name)
    with database.atomic():
        other = Segment.get_or_none(Segment.name == name)
        if other is not None and other.id != segment_id:
            raise FieldError("segment_name", "segment.v.taken", name=name)
        Segment.update(name=name, updated_at=now()).where(Segment.id == segment_id).execute()


def load(name: str) -> SegmentFilter:
    seg = Segment.get_or_none(Segment.name == (name or "").strip())
    if seg is None:
        known = "、".join(n for _i, n in saved()) or "-"
        raise FieldError("segment", "segment.v.unknown", name=name, known=known)
    return SegmentFilter.from_json(seg.filter_json)


def get(segment_id: int) -> tuple[str, SegmentFilter]:
    seg = Segment.get_by_id(segment_id)
    return seg.name, SegmentFilter.from_json(seg.filter_json)


def saved() -> list[tuple[int, str]]:
    """(id, name) of every saved segment, by name."""
    return [(seg.id, seg.name) for seg in Segment.select(Segment.id, Segment.name).order_by(Segment.name)]


def delete(name: str) -> bool:
    return Segment.delete().where(Segment.name == name).execute() > 0


def listing() -> list[dict]:
    """Every saved segment with its filter, description and current count."""
    out = []
    for seg in Segment.select().order_by(Segment.name):
        f = SegmentFilter.from_json(seg.filter_json)
        try:
            n: int | None = count(f)
        except FieldError:  # a level or tag of the filter was renamed or deleted since
            n = None
        out.append(
            {
                "id": seg.id,
                "name": seg.name,
                "filter": json.loads(f.to_json()),
                "description": describe(f),
                "count": n,
                "updated_at": str(seg.updated_at)[:19],
            }
        )
    return out


def describe(f: SegmentFilter) -> str:
    """A one-line summary of the criteria in the interface language."""
    parts = []

    def add(name: str, text: str) -> None:
        parts.append(f"{_label(name)}：{text}")

    if f.grades:
        add("grades", "/".join(t(f"grade.{g}") for g in f.grades))
    if f.value_types:
        add("value_types", "/".join(t(f"value.{v}") for v in f.value_types))
    if f.lifecycles:
        add("lifecycles", "/".join(t(f"life.{v}") for v in f.lifecycles))
    if f.levels:
        add("levels", "/".join(f.levels))
    if f.tags:
        add("tags", "/".join(f.tags))
    if f.products:
        add("products", "/".join(f.products))
    if f.birth_months:
        add("birth_months", t("segment.d.months", months=",".join(str(m) for m in f.birth_months)))
    if f.bought_within_days is not None:
        add("bought_within_days", t("segment.d.days", n=f.bought_within_days))
    if f.dormant_days is not None:
        add("dormant_days", t("segment.d.days", n=f.dormant_days))
    if f.min_spend_cents is not None or f.max_spend_cents is not None:
        add("spend", f"{fmt(f.min_spend_cents) or '0'}–{fmt(f.max_spend_cents) or '∞'}")
    if f.consent:
        add("consent", t(f"segment.consent.{f.consent}"))
    if f.joined_from or f.joined_to:
        add("joined", f"{f.joined_from or ''}–{f.joined_to or ''}")
    return t("segment.d.sep").join(parts) or t("segment.d.everyone")
