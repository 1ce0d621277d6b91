"""The customer archive: validation, create/update, recycle bin, tags, and the list query.

The list query is SQL all the way (filter, search, sort, page) so that the table stays instant at
100,000 customers: searches are prefix ranges over indexed columns (``>=``/``<``, never LIKE).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace

from shopcrm.core import clock
from shopcrm.core.errors import DuplicateError, FieldError, ValidationError
from shopcrm.core.lunar import LunarBirthday, format_lunar
from shopcrm.core.normalize import (
    check_text,
    nfkc,
    normalize_card,
    normalize_email,
    normalize_mobile,
    normalize_name,
    parse_birthday,
    parse_int,
    parse_money,
)
from shopcrm.core.pinyin_keys import NameKeyCache, prefix_bounds, sort_key
from shopcrm.core.texts import register
from shopcrm.customers import ledger, levels
from shopcrm.store.db import data_version, database, executemany, indexed_by, interruptible, sample_ordered
from shopcrm.store.models import Customer, CustomerTag, Level, SearchKey, Tag, now
from shopcrm.store.sqlfn import order_by, walk_keys_first

register(
    {
        "field.referred_by": ("介绍人", "Referred by"),
        "v.referrer_unknown": (
            "介绍人“{value}”不是本店客户（请填写介绍人的手机号或卡号）",
            "Referrer “{value}” is not a customer (type the referrer's mobile or card number)",
        ),
        "v.referrer_self": ("客户不能介绍自己", "A customer cannot refer themselves"),
    }
)

# Plain fields a form or an import may set directly (balance and points go through the ledger).
TEXT_FIELDS = (
    "phone2",
    "gender",
    "pref_text",
    "pref_channel",
    "pref_time",
    "pref_products",
    "pref_taste",
    "address",
    "wechat",
    "source",
    "notes",
    "email",  # m0017: where the e-mail channel writes to (checked: one address or '')
)


@dataclass
class CustomerInput:
    """What a person typed for one customer. Strings as typed; parsed by :func:`validate`."""

    name: str = ""
    mobile: str = ""
    card_no: str = ""
    birthday: str | dt.date | LunarBirthday | None = None
    level_id: int | None = None
    opening_balance: str = ""  # only for a new customer: becomes a ledger entry
    opening_points: str = ""
    tags: list[str] = field(default_factory=list)
    # marketing consent is opt-in (PIPL): no unless the customer said yes; None = unknown (an
    # import without a consent column), which care lists treat as no
    consent_marketing: bool | None = False
    joined_on: dt.date | None = None
    extra: dict[str, str] = field(default_factory=dict)  # TEXT_FIELDS
    # who recommended this customer: their mobile or card number as typed ("" = nobody; m0018)
    referred_by: str = ""


@dataclass
class CleanCustomer:
    name: str
    mobile: str
    card_no: str | None
    birthday: dt.date | None
    lunar: LunarBirthday | None
    level_id: int | None
    opening_balance_cents: int
    opening_points: int
    tags: list[str]
    consent_marketing: bool | None
    joined_on: dt.date | None
    extra: dict[str, str]
    referred_by_id: int | None = None


def validate(data: CustomerInput, customer_id: int | None = None, *, today: dt.date | None = None) -> CleanCustomer:
    """Parse and check one customer; raises ValidationError listing every bad field."""
    errors: list[FieldError] = []
    name = normalize_name(data.name)
    if not name:
        errors.append(FieldError("name", "v.required"))
    mobile = ""
    try:
        mobile = normalize_mobile(data.mobile)
    except FieldError as exc:
        errors.append(exc)
    card = normalize_card(data.card_no)
    birthday = lunar = None
    try:
        parsed = (
            data.birthday
            if isinstance(data.birthday, (dt.date, LunarBirthday))
            else parse_birthday(data.birthday or None, today=today)
        )
        if isinstance(parsed, LunarBirthday):
            lunar = parsed
        elif isinstance(parsed, dt.date):
            if parsed > (today or clock.today()):
                raise FieldError("birthday", "v.birthday_future", value=parsed.isoformat())
            birthday = parsed
    except FieldError as exc:
        errors.append(exc)
    balance = points = 0
    if customer_id is None:
        try:
            balance = parse_money(data.opening_balance, "balance")
        except FieldError as exc:
            errors.append(exc)
        try:
            points = parse_int(data.opening_points, "points")
        except FieldError as exc:
            errors.append(exc)
    # what can be stored (no lone surrogate) and exported into one cell (issue #19)
    for field_name, text in (
        ("name", name),
        *((k, v) for k, v in data.extra.items() if k in TEXT_FIELDS and isinstance(v, str)),
        *(("tags", tag) for tag in data.tags if isinstance(tag, str)),
    ):
        try:
            check_text(field_name, text)
        except FieldError as exc:
            errors.append(exc)
    if mobile:
        other = find_by_mobile(mobile)
        if other is not None and other.id != customer_id:
            errors.append(
                DuplicateError("mobile", "v.mobile_duplicate", other.id, value=mobile, other=_describe(other))
            )
    if card:
        other = find_by_card(card)
        if other is not None and other.id != customer_id:
            errors.append(DuplicateError("card_no", "v.card_duplicate", other.id, value=card, other=_describe(other)))
    email = ""
    try:
        email = normalize_email(data.extra.get("email", ""))
    except FieldError as exc:
        errors.append(exc)
    referrer = None
    typed = (data.referred_by or "").strip()
    if typed:
        referrer = find_by_card(normalize_card(typed) or typed)
        if referrer is None:
            try:
                referrer = find_by_mobile(normalize_mobile(typed))
            except FieldError:
                referrer = None
        if referrer is None or referrer.deleted_at is not None:
            errors.append(FieldError("referred_by", "v.referrer_unknown", value=typed))
        elif customer_id is not None and referrer.id == customer_id:
            errors.append(FieldError("referred_by", "v.referrer_self"))
    if errors:
        raise ValidationError(errors)
    extra = {
        k: nfkc(v) if k in ("gender",) else str(v or "").strip() for k, v in data.extra.items() if k in TEXT_FIELDS
    }
    if "email" in extra:
        extra["email"] = email
    tags = list(dict.fromkeys(t.strip() for t in data.tags if t and t.strip()))
    return CleanCustomer(
        name,
        mobile,
        card,
        birthday,
        lunar,
        data.level_id,
        balance,
        points,
        tags,
        data.consent_marketing,
        data.joined_on,
        extra,
        referrer.id if referrer is not None else None,
    )


def _describe(c: Customer) -> str:
    suffix = "（回收站）" if c.deleted_at else ""
    return f"{c.name} {c.mobile}{suffix}"


def find_by_mobile(mobile: str) -> Customer | None:
    return Customer.get_or_none(Customer.mobile == mobile)


def find_by_card(card: str) -> Customer | None:
    return Customer.get_or_none(Customer.card_no == card)


def birth_fields(birthday: dt.date | None, lunar: LunarBirthday | None) -> dict:
    if lunar is not None:
        return dict(
            birthday=None,
            lunar_month=lunar.month,
            lunar_day=lunar.day,
            lunar_leap=lunar.leap,
            lunar_year=lunar.year,
            birth_mmdd=lunar.month * 100 + lunar.day,
        )
    return dict(
        birthday=birthday,
        lunar_month=None,
        lunar_day=None,
        lunar_leap=False,
        lunar_year=None,
        birth_mmdd=birthday.month * 100 + birthday.day if birthday else None,
    )


def create(data: CustomerInput, *, today: dt.date | None = None) -> Customer:
    """Validate and store a new customer, with opening balance/points as an owner adjustment
    (ledger kind ``adjust``, reason 开户余额): in clerk mode a customer with an opening balance or
    points is refused with OwnerRequired (a PermissionError) and nothing is stored."""
    clean = validate(data, today=today)
    if clean.opening_balance_cents or clean.opening_points:
        from shopcrm.trust import security

        security.require_owner("adjust")  # before anything is written (ledger.apply checks again)
    with database.atomic():
        c = Customer.create(
            name=clean.name,
            name_sort=sort_key(clean.name),
            mobile=clean.mobile,
            mobile_rev=clean.mobile[::-1],
            card_no=clean.card_no,
            level=clean.level_id,
            consent_marketing=clean.consent_marketing,
            joined_on=clean.joined_on or today or clock.today(),
            referred_by=clean.referred_by_id,
            **birth_fields(clean.birthday, clean.lunar),
            **clean.extra,
        )
        _write_search_keys(c.id, c.name, replace=False)
        set_tags(c.id, clean.tags)
        if clean.opening_balance_cents or clean.opening_points:
            # an owner adjustment like any other increase (shopcrm.ledger's rule): refused in
            # clerk mode, which rolls the new customer back too
            ledger.apply(
                c.id,
                "adjust",
                balance_delta_cents=clean.opening_balance_cents,
                points_delta=clean.opening_points,
                reason=ledger.OPENING_REASON,
            )
    return Customer.get_by_id(c.id)


def update(customer_id: int, data: CustomerInput, *, today: dt.date | None = None) -> Customer:
    """Validate and store changes to an existing customer (balance and points are not touched:
    they change only through the ledger)."""
    clean = validate(data, customer_id, today=today)
    with database.atomic():
        c = Customer.get_by_id(customer_id)
        renamed = c.name != clean.name
        c.name = clean.name
        c.name_sort = sort_key(clean.name)
        c.mobile = clean.mobile
        c.mobile_rev = clean.mobile[::-1]
        c.card_no = clean.card_no
        old_level = c.level_id
        c.level = clean.level_id
        c.consent_marketing = clean.consent_marketing
        if clean.joined_on:
            c.joined_on = clean.joined_on
        c.referred_by = clean.referred_by_id
        for k, v in {**birth_fields(clean.birthday, clean.lunar), **clean.extra}.items():
            setattr(c, k, v)
        c.updated_at = now()
        c.save()
        if old_level != clean.level_id:  # a level set by hand goes to the archive's history
            levels.record_level_change(c.id, old_level, clean.level_id)
        if renamed:
            _write_search_keys(c.id, c.name, replace=True)
        set_tags(c.id, clean.tags)
    return c


def _write_search_keys(customer_id: int, name: str, *, replace: bool) -> None:
    if replace:
        SearchKey.delete().where(SearchKey.customer == customer_id).execute()
    rebuild_search_keys([(customer_id, name)])


def rebuild_search_keys(rows: Iterable[tuple[int, str]]) -> None:
    """Write search keys for (customer_id, name) pairs (one customer, a restore, demo data)."""
    keys_of = NameKeyCache()
    executemany(
        "INSERT OR IGNORE INTO search_key (key, customer_id, name_sort) VALUES (?, ?, ?)",
        ((k, cid, sort) for cid, name in rows for sort in (keys_of.sort_key(name),) for k in keys_of(name)),
    )


def fill_missing_sort_keys() -> int:
    """Give every customer written without a pinyin sort key (e.g. by an older import) one."""
    rows = database.execute_sql("SELECT id, name FROM customer WHERE name_sort = ''").fetchall()
    if rows:
        with database.atomic():
            executemany("UPDATE customer SET name_sort = ? WHERE id = ?", [(sort_key(n), cid) for cid, n in rows])
            # their search keys carry the same sort key (one pass over the keys, not one per customer)
            database.execute_sql(
                "UPDATE search_key SET name_sort = (SELECT c.name_sort FROM customer c WHERE c.id = search_key.customer_id) "
                "WHERE name_sort = ''"
            )
    return len(rows)


# --- tags -------------------------------------------------------------------------------------


def tag_id(name: str) -> int:
    tag, _ = Tag.get_or_create(name=name)
    return tag.id


def set_tags(customer_id: int, names: list[str]) -> None:
    with database.atomic():
        CustomerTag.delete().where(CustomerTag.customer == customer_id).execute()
        for n in names:
            CustomerTag.insert(customer=customer_id, tag=tag_id(n)).on_conflict_ignore().execute()


def tags_of(customer_id: int) -> list[str]:
    q = Tag.select(Tag.name).join(CustomerTag).where(CustomerTag.customer == customer_id).order_by(Tag.name)
    return [t.name for t in q]


def all_tags() -> list[tuple[int, str]]:
    return [(t.id, t.name) for t in Tag.select().order_by(Tag.name)]


def all_levels() -> list[tuple[int, str]]:
    return [(lv.id, lv.name) for lv in Level.select().order_by(Level.rank, Level.id)]


def level_id_by_name(name: str, *, create: bool = False) -> int | None:
    name = name.strip()
    if not name:
        return None
    lv = Level.get_or_none(Level.name == name)
    if lv is None and create:
        top = Level.select(Level.rank).order_by(Level.rank.desc()).first()
        lv = Level.create(name=name, rank=(top.rank + 1) if top else 0)
    return lv.id if lv else None


# --- recycle bin ------------------------------------------------------------------------------


def soft_delete(customer_ids: Iterable[int]) -> int:
    """Move to the recycle bin. Search keys exist for live customers only, so that a search
    never has to filter the recycle bin out row by row."""
    ids = list(customer_ids)
    with database.atomic():
        live = [c.id for c in Customer.select(Customer.id).where(Customer.id.in_(ids), Customer.deleted_at.is_null())]
        SearchKey.delete().where(SearchKey.customer.in_(live)).execute()
        return Customer.update(deleted_at=now(), updated_at=now()).where(Customer.id.in_(live)).execute()


def restore(customer_ids: Iterable[int]) -> int:
    ids = list(customer_ids)
    with database.atomic():
        gone = [
            (c.id, c.name)
            for c in Customer.select(Customer.id, Customer.name).where(
                Customer.id.in_(ids), Customer.deleted_at.is_null(False)
            )
        ]
        rebuild_search_keys(gone)
        return (
            Customer.update(deleted_at=None, updated_at=now())
            .where(Customer.id.in_([cid for cid, _ in gone]))
            .execute()
        )


def purge(customer_ids: Iterable[int]) -> int:
    """Delete for good, with everything attached. Only customers already in the recycle bin.
    Owner only; backed up first and logged (shopcrm.trust.security, shopcrm.backup, shopcrm.trust.audit)."""
    from shopcrm import backup
    from shopcrm.trust import audit, security

    security.require_owner("purge")
    ids = list(customer_ids)
    # the copy is made now; its fsync runs while we delete, and we commit only once it is on disk
    pending = backup.before_operation("purge", defer_durable=True)
    with database.atomic():
        gone = [
            c.id for c in Customer.select(Customer.id).where(Customer.id.in_(ids), Customer.deleted_at.is_null(False))
        ]
        audit.log_many("purge", gone)
        # keys exist for live customers only; a stray one would outlive its customer (no
        # foreign key on search_key since step 0010)
        SearchKey.delete().where(SearchKey.customer.in_(gone)).execute()
        deleted = Customer.delete().where(Customer.id.in_(ids), Customer.deleted_at.is_null(False)).execute()
        if pending is not None:
            pending.wait_durable()  # BackupError: rolled back, nothing purged
        return deleted


# --- the list ---------------------------------------------------------------------------------

SORT_COLUMNS = {
    "name": "c.name_sort",
    "mobile": "c.mobile",
    "card_no": "c.card_no",
    "level": "c.level_id",
    "balance": "c.balance_cents",
    "points": "c.points",
    "last_purchase": "c.last_purchase_at",
    "total_spend": "c.total_spend_cents",
    "birthday": "c.birth_mmdd",
    "grade": "c.grade",
}


@dataclass
class CustomerQuery:
    text: str = ""
    level_id: int | None = None
    tag_id: int | None = None
    deleted: bool = False  # True: the recycle bin
    sort: str = "name"
    descending: bool = False
    ids: list[int] | None = None  # restrict to these (an exported selection)
    grade: str | None = None  # ABC grade "A"/"B"/"C" (shopcrm.grading); "" = not graded yet
    # one more SQL condition on ``customer c`` with its parameters, built by a layer above from
    # what the user chose (a saved segment: shopcrm.segments.where_sql); never from typed text
    extra: tuple[str, list] | None = None
    store_id: int | None = None  # customers whose home store this is (None: the whole chain; issue #18)


# A row's place in a sort order: (value of the sort column, id); ids break ties.
Cursor = tuple[object, int]


@dataclass(frozen=True)
class CustomerRow:
    id: int
    name: str
    mobile: str
    card_no: str | None
    level: str | None
    balance_cents: int
    points: int
    last_purchase_at: str | None
    total_spend_cents: int
    birthday: str | None
    lunar_month: int | None
    lunar_day: int | None
    lunar_leap: int
    lunar_year: int | None
    open_complaints: int
    deleted_at: str | None
    grade: str | None = None  # ABC grade (shopcrm.grading)
    sort_value: object = None  # the raw value of the query's sort column (a keyset cursor's key)

    @property
    def cursor(self) -> Cursor:
        """Where this row stands in its query's order: (sort key, id)."""
        return (self.sort_value, self.id)

    @property
    def birthday_text(self) -> str:
        if self.lunar_month:
            return format_lunar(LunarBirthday(self.lunar_month, self.lunar_day, bool(self.lunar_leap), self.lunar_year))
        return self.birthday or ""


_ROW_COLUMNS = (
    "c.id, c.name, c.mobile, c.card_no, l.name, c.balance_cents, c.points, "
    "c.last_purchase_at, c.total_spend_cents, c.birthday, c.lunar_month, c.lunar_day, "
    "c.lunar_leap, c.lunar_year, c.open_complaints, c.deleted_at, c.grade"
)


def _row(r) -> CustomerRow:
    """A list row; the birthday and the last purchase as the text SQLite keeps (PostgreSQL
    returns date and datetime objects), so that a row reads the same on both engines."""
    values = list(r)
    for i in (7, 9):  # last_purchase_at, birthday
        if isinstance(values[i], dt.date):
            values[i] = str(values[i])
    return CustomerRow(*values)


def _where(q: CustomerQuery, *, row_test: bool = False, walk: bool = False) -> tuple[str, list]:
    """The query's conditions on ``customer c``. ``row_test``: a digit search tests the row's
    own columns (mobile, its reverse, card number) instead of probing the set of matches — for a
    walk down ``customer_name_sort``, which holds those columns (step 0023). ``walk``: the page
    walks a sort index testing each entry (the form of the test on PostgreSQL, see
    :func:`_id_matches`)."""
    # Live customers: "not in the recycle bin" as a probe of the bin's small partial index by the
    # id, which every index of the customer table carries: a walk down a sort index then reads a
    # customer row only for the rows it returns, not for every entry it passes (a row read costs
    # ~30 index entries; ``c.deleted_at IS NULL`` read each one).
    clauses = [
        "c.deleted_at IS NOT NULL"
        if q.deleted
        else f"c.id NOT IN (SELECT id FROM customer {indexed_by('customer_deleted_at')} WHERE deleted_at IS NOT NULL)"
    ]
    params: list = []
    if q.level_id is not None:
        clauses.append("c.level_id = ?")
        params.append(q.level_id)
    if q.tag_id is not None:
        clauses.append("c.id IN (SELECT customer_id FROM customer_tag WHERE tag_id = ?)")
        params.append(q.tag_id)
    if q.store_id is not None:
        clauses.append("c.home_store_id = ?")
        params.append(q.store_id)
    if q.grade is not None:
        clauses.append("c.grade = ?" if q.grade else "c.grade IS NULL")
        params.extend([q.grade] if q.grade else [])
    if q.ids is not None:
        clauses.append(f"c.id IN ({','.join('?' * len(q.ids))})" if q.ids else "FALSE")
        params.extend(q.ids)
    if q.extra is not None:
        clauses.append(f"({q.extra[0]})")
        params.extend(q.extra[1])
    text = nfkc(q.text)
    if text and row_test and _digits(text):
        tests = [f"c.{column} >= ? AND c.{column} < ?" for column, _ in _column_ranges(text)]
        clauses.append(f"({' OR '.join(tests)})")
        params.extend(bound for _, bounds in _column_ranges(text) for bound in bounds)
    elif text:
        sub, sub_params = _search_subquery(text)
        clauses.append(_id_matches(sub, walk=walk))
        params.extend(sub_params)
    return " AND ".join(clauses), params


def _id_matches(sub: str, *, walk: bool) -> str:
    """``c.id`` among the ids of ``sub``. SQLite: ``IN``, a set it builds once and probes. PostgreSQL,
    whose planner cannot estimate how many customers a search matches, is told by the form: few
    matches (no ``walk``): the ids collected once (``ARRAY(…)``) and looked up by the primary key,
    then sorted; many: the id tested against the set of matches, hashed once (``IS TRUE`` keeps it
    a filter instead of a join), while :func:`_seek` walks the sort index by its entries alone
    (:func:`shopcrm.store.sqlfn.walk_keys_first`)."""
    if not walk_keys_first():
        return f"c.id IN ({sub})"
    return f"(c.id IN ({sub})) IS TRUE" if walk else f"c.id = ANY(ARRAY({sub}))"


def _digits(text: str) -> str | None:
    """The digits of a phone-like search (``138``, ``138-1234``), None for any other text."""
    digits = "".join(text.split()).replace("-", "")
    return digits if digits.isdigit() else None


def _key_range(text: str) -> tuple[str, list] | None:
    """The search-key condition of a name search (on ``search_key``): one letter is an exact key
    (names whose surname's pinyin starts with it), other text a prefix of the keys; None for a
    phone-like search, which has no name branch."""
    compact = "".join(text.split())
    if len(compact) == 1 and compact.isascii() and compact.isalpha():
        return "key = ?", [compact.lower()]
    if _digits(text) is not None:
        return None
    return "key >= ? AND key < ?", list(prefix_bounds(compact.lower()))


def _column_ranges(text: str) -> list[tuple[str, tuple]]:
    """The customer columns a search tests by prefix, with their bounds: mobile prefix and tail
    for digits, card number prefix for anything but a single letter."""
    compact = "".join(text.split())
    ranges: list[tuple[str, tuple]] = []
    digits = _digits(text)
    if digits is not None:
        ranges.append(("mobile", prefix_bounds(digits)))
        if len(digits) >= 4:
            ranges.append(("mobile_rev", prefix_bounds(digits[::-1])))
    if not (len(compact) == 1 and compact.isascii() and compact.isalpha()):
        ranges.append(("card_no", prefix_bounds(compact.upper())))
    return ranges


def _search_branches(text: str) -> list[tuple[str, list]]:
    """The ways ``text`` matches, each a query of customer ids that is one index range and lists
    a customer at most once except a key prefix (one customer can have two keys in a range)."""
    branches = []
    keys = _key_range(text)
    if keys is not None:
        branches.append((f"SELECT customer_id FROM search_key WHERE {keys[0]}", keys[1]))
    for column, bounds in _column_ranges(text):
        branches.append((f"SELECT id FROM customer WHERE {column} >= ? AND {column} < ?", list(bounds)))
    return branches


def _search_subquery(text: str) -> tuple[str, list]:
    """Ids matching ``text``: name substring, pinyin, mobile prefix, mobile tail, card prefix.
    Every branch is a prefix range on an index (or an exact key); keys exist for live customers."""
    branches = _search_branches(text)
    return " UNION ".join(sql for sql, _ in branches), [p for _, params in branches for p in params]


# Above this many matches a page walks the sort column's index and probes the match set, instead
# of sorting every match to return 200 of them.
WALK_INDEX_ABOVE = 3000
SORT_INDEXES = {
    "name": "customer_name_sort",
    "mobile": "customer_mobile",
    "card_no": "customer_card_no",
    "level": "customer_level_id",
    "balance": "customer_balance_cents",
    "points": "customer_points",
    "last_purchase": "customer_last_purchase_at",
    "total_spend": "customer_total_spend_cents",
    "birthday": "customer_birth_mmdd",
    "grade": "customer_grade",
}


def count(q: CustomerQuery, *, progress=None) -> int:
    """How many customers the query selects. ``progress(0, 0)`` returning False (a background
    count that a newer search made pointless) stops it with Cancelled."""
    if progress is not None:
        with interruptible(lambda: progress(0, 0) is not False):
            return count(q)
    if _only_text(q):
        return _count_live(q.text, None)
    where, params = _where(q)
    return database.execute_sql(f"SELECT count(*) FROM customer c WHERE {where}", params).fetchone()[0]


def page(q: CustomerQuery, offset: int, limit: int, *, total: int | None = None) -> list[CustomerRow]:
    """Rows ``offset``..``offset+limit`` of the query in its order. ``total`` (the count, when the
    caller has it) lets a search with many matches walk the sort index instead of sorting."""
    walk = total is not None and total > WALK_INDEX_ABOVE and bool(nfkc(q.text)) and q.sort in SORT_INDEXES
    where, params = _where(q, walk=walk)
    col = SORT_COLUMNS.get(q.sort, "c.name_sort")
    direction = "DESC" if q.descending else "ASC"
    hint = indexed_by(SORT_INDEXES[q.sort]) if walk else ""
    sql = (
        f"SELECT {_ROW_COLUMNS}, {col} FROM customer c {hint} LEFT JOIN level l ON l.id = c.level_id "
        f"WHERE {where} ORDER BY {order_by(col, q.descending)}, c.id {direction} LIMIT ? OFFSET ?"
    )
    cur = database.execute_sql(sql, [*params, limit, offset])
    return [_row(r) for r in cur.fetchall()]


# --- keyset paging (issue #20): seek by (sort key, id), never OFFSET over the list -------------

# sort columns that are never NULL: their order is one index range (the others add a NULL range)
NOT_NULL_SORTS = frozenset({"name", "mobile", "balance", "points", "total_spend"})


def seek(
    q: CustomerQuery,
    cursor: Cursor | None,
    limit: int,
    *,
    backward: bool = False,
    inclusive: bool = False,
    hits: int | None = None,
    at_least: bool = False,
) -> list[CustomerRow]:
    """Up to ``limit`` rows of the query that come after ``cursor`` in its order (before it with
    ``backward``, still returned in the query's order); ``cursor`` None starts at the first (last)
    row, ``inclusive`` includes the cursor's own row. Each step is an index seek on the sort column
    and the id (``WHERE (key, id) > (?, ?) ORDER BY key, id LIMIT n``), so a page deep in a million
    rows costs what the first does. ``hits`` (a count or a bound of the matches, when the caller
    has one; ``at_least``: a count that stopped at a cap) lets a search with many matches walk
    the sort index instead of sorting them all."""
    return _seek(
        q, cursor, limit, backward=backward, inclusive=inclusive, hits=hits, at_least=at_least, keys_only=False
    )


def seek_cursor(
    q: CustomerQuery, cursor: Cursor | None, skip: int, *, hits: int | None = None, at_least: bool = False
) -> Cursor | None:
    """The cursor of the row ``skip`` rows after ``cursor`` (``skip`` >= 1; from the start when
    None): a short walk over (key, id) pairs only, for a page a few pages away from a known one."""
    keys = _seek(q, cursor, skip, backward=False, inclusive=False, hits=hits, at_least=at_least, keys_only=True)
    return keys[-1] if len(keys) == skip else None


def _seek(q, cursor, limit, *, backward, inclusive, hits, keys_only, at_least=False) -> list:
    if q.sort == "name" and _only_text(q) and nfkc(q.text) and _key_range(nfkc(q.text)) is not None:
        return _seek_by_keys(q, cursor, limit, backward=backward, inclusive=inclusive, keys_only=keys_only)
    col = SORT_COLUMNS.get(q.sort, "c.name_sort")
    direction, beyond, id_op = _walk_direction(q, backward, inclusive)
    desc = direction == "DESC"
    by_id, by_key = f"c.id {direction}", f"{col} {direction}, c.id {direction}"
    nullable = q.sort not in NOT_NULL_SORTS
    # The walk as index ranges, each one seek: SQL puts NULLs first ascending and last descending,
    # ids break ties. SQLite seeks ``key = ? AND id > ?`` on the index of ``key`` (which ends in
    # the id) but not ``(key, id) > (?, ?)``, which scans every tie first: so the cursor's own key
    # is a range of its own, then the keys beyond it.
    nulls: list[tuple[str, list, str]] = [(f"{col} IS NULL", [], by_id)] if nullable else []
    values: list[tuple[str, list, str]] = [(f"{col} IS NOT NULL" if nullable else "TRUE", [], by_key)]
    if cursor is None:
        parts = values + nulls if desc else nulls + values
    elif cursor[0] is None:
        parts = [(f"{col} IS NULL AND c.id {id_op} ?", [cursor[1]], by_id)] + ([] if desc else values)
    else:
        key, row_id = cursor
        parts = [
            (f"{col} = ? AND c.id {id_op} ?", [key, row_id], by_id),
            (f"{col} {beyond} ?", [key], by_key),
        ] + (nulls if desc else [])
    walk = _walks(q, hits, at_least)
    hint = indexed_by(SORT_INDEXES[q.sort]) if walk else _store_hint(q, limit)
    # PostgreSQL's walk reads a row per index entry it passes unless the scan is index-only: the
    # page's ids first, by the entries alone (customer_name_sort holds the digit tests' columns)
    keys_first = walk and not keys_only and walk_keys_first()
    where, params = _where(q, row_test=walk and q.sort == "name", walk=walk)
    select = f"{col}, c.id" if keys_only else f"{_ROW_COLUMNS}, {col}"
    join = "" if keys_only else "LEFT JOIN level l ON l.id = c.level_id"
    statements = (
        (
            f"SELECT {select} FROM (SELECT c.id AS walk_id FROM customer c WHERE {where} AND {clause} "
            f"ORDER BY {order} LIMIT ?) AS w JOIN customer c ON c.id = w.walk_id {join} ORDER BY {order}"
            if keys_first
            else f"SELECT {select} FROM customer c {hint} {join} WHERE {where} AND {clause} ORDER BY {order} LIMIT ?",
            [*params, *args],
        )
        for clause, args, order in parts
    )
    return _pages_of(statements, limit, keys_only=keys_only, backward=backward)


def _pages_of(statements, limit: int, *, keys_only: bool, backward: bool) -> list:
    """Run each (sql ending in ``LIMIT ?``, params) for what is still missing of ``limit`` rows,
    until there are enough: rows (or (key, id) pairs) in the query's order."""
    out: list = []
    for sql, params in statements:
        rows = database.execute_sql(sql, [*params, limit - len(out)]).fetchall()
        out.extend(tuple(r) if keys_only else _row(r) for r in rows)
        if len(out) >= limit:
            break
    if backward:
        out.reverse()
    return out


def _seek_by_keys(q, cursor, limit, *, backward, inclusive, keys_only) -> list:
    """:func:`_seek` for a name search in name order (the list's default): the matches come in
    (name_sort, id) order from the search keys' own index (``search_key_sort``: each key holds
    its customer's name_sort, step 0023) merged with the card-number matches, and only the rows
    shown are read. One letter (an exact key) reads its page straight off the index; a prefix
    sorts its range's index entries, never a customer row per match."""
    direction, beyond, id_op = _walk_direction(q, backward, inclusive)
    text = nfkc(q.text)
    found = _key_range(text)
    assert found is not None  # checked by the caller
    keys, key_params = found
    # the card numbers (and mobiles) that match at all: usually none for a name, and then the
    # keys alone give the page without merging (one index seek each)
    ranges = [
        (column, bounds)
        for column, bounds in _column_ranges(text)
        if database.execute_sql(
            f"SELECT 1 FROM customer WHERE {column} >= ? AND {column} < ? LIMIT 1", list(bounds)
        ).fetchone()
    ]
    if not ranges:
        pairs = _key_pairs(keys, key_params, cursor, limit, direction, beyond, id_op)
        if backward:
            pairs.reverse()
        return pairs if keys_only else _rows_in_order([cid for _, cid in pairs])
    parts: list[tuple[str, list]] = [("", [])]
    if cursor is not None:
        parts = [("{k} = ? AND {i} " + id_op + " ?", list(cursor)), ("{k} " + beyond + " ?", [cursor[0]])]
    return _pages_of(
        _key_statements(ranges, keys, key_params, parts, direction, keys_only),
        limit,
        keys_only=keys_only,
        backward=backward,
    )


_BINNED = "SELECT id FROM customer {hint} WHERE deleted_at IS NOT NULL"


def _key_pairs(keys, key_params, cursor, limit, direction, beyond, id_op) -> list[tuple]:
    """(name_sort, id) of up to ``limit`` live customers with a key in the range, after
    ``cursor`` in name order, each once: a plain ORDER BY … LIMIT on the keys' index (a sort of
    the top rows only, where a DISTINCT or UNION would first collect every match). A customer
    with two keys in the range (王伟伟: 伟伟 and 伟) comes twice in a row and is kept once; when
    such repeats leave the page short, the walk goes on after the last pair."""
    binned = _BINNED.format(hint=indexed_by("customer_deleted_at"))
    select = (
        f"SELECT s.name_sort, s.customer_id FROM search_key s {indexed_by('search_key_sort')} "
        f"WHERE s.{keys} AND s.customer_id NOT IN ({binned})"
    )
    order = f"ORDER BY s.name_sort {direction}, s.customer_id {direction} LIMIT ?"
    out: list[tuple] = []
    while True:
        parts: list[tuple[str, list]] = [("", [])]
        if cursor is not None:
            parts = [
                (f" AND s.name_sort = ? AND s.customer_id {id_op} ?", list(cursor)),
                (f" AND s.name_sort {beyond} ?", [cursor[0]]),
            ]
        go_on = None
        for clause, args in parts:
            # a few more than the page needs: the repeats a page usually holds (王伟伟) then cost
            # no second statement (on PostgreSQL each is another sort of the range: 伟 4 ms)
            need = limit - len(out)
            asked = need + need // 8 + 2
            rows = database.execute_sql(f"{select}{clause} {order}", [*key_params, *args, asked]).fetchall()
            for name_sort, cid in rows:
                if not out or out[-1] != (name_sort, cid):
                    out.append((name_sort, cid))
            if len(out) >= limit:
                return out[:limit]
            if len(rows) == asked:  # repeats took places: on after the last pair, not this range's end
                go_on = out[-1]
                break
        if go_on is None:
            return out
        cursor, id_op = go_on, id_op.rstrip("=")


def _rows_in_order(ids: list[int]) -> list[CustomerRow]:
    """The list rows of ``ids``, in that order (one look-up by id each)."""
    if not ids:
        return []
    rows = database.execute_sql(
        f"SELECT {_ROW_COLUMNS}, c.name_sort FROM customer c LEFT JOIN level l ON l.id = c.level_id "
        f"WHERE c.id IN ({', '.join('?' * len(ids))})",
        ids,
    ).fetchall()
    by_id = {r[0]: _row(r) for r in rows}
    return [by_id[i] for i in ids if i in by_id]


def _key_statements(ranges, keys, key_params, parts, direction, keys_only):
    """The statements of :func:`_seek_by_keys`, one per keyset range (see :func:`_seek`)."""
    binned = _BINNED.format(hint=indexed_by("customer_deleted_at"))
    for clause, args in parts:
        branches = [
            (
                f"SELECT s.name_sort AS k, s.customer_id AS id FROM search_key s {indexed_by('search_key_sort')} "
                f"WHERE s.{keys} AND s.customer_id NOT IN ({binned})"
                + (" AND " + clause.format(k="s.name_sort", i="s.customer_id") if clause else ""),
                [*key_params, *(args if clause else [])],
            )
        ]
        for column, bounds in ranges:
            branches.append(
                (
                    f"SELECT c2.name_sort AS k, c2.id AS id FROM customer c2 "
                    f"WHERE c2.{column} >= ? AND c2.{column} < ? AND c2.deleted_at IS NULL"
                    + (" AND " + clause.format(k="c2.name_sort", i="c2.id") if clause else ""),
                    [*bounds, *(args if clause else [])],
                )
            )
        matches = " UNION ".join(sql for sql, _ in branches)
        params = [p for _, ps in branches for p in ps]
        # the ORDER BY of the compound select itself: SQLite merges branches that come in order
        # (one key's index entries) and stops at the limit, where a subquery would collect them all
        page = f"{matches} ORDER BY k {direction}, id {direction} LIMIT ?"
        if keys_only:
            sql = page
        else:
            sql = (
                f"SELECT {_ROW_COLUMNS}, c.name_sort FROM ({page}) AS p JOIN customer c ON c.id = p.id "
                f"LEFT JOIN level l ON l.id = c.level_id ORDER BY p.k {direction}, p.id {direction}"
            )
        yield sql, params


def _walk_direction(q: CustomerQuery, backward: bool, inclusive: bool) -> tuple[str, str, str]:
    """The SQL direction of a walk, the comparison beyond a cursor's key and the one on its id."""
    desc = q.descending != backward
    beyond, id_op = ("<", "<") if desc else (">", ">")
    return ("DESC" if desc else "ASC"), beyond, id_op + ("=" if inclusive else "")


def _walks(q: CustomerQuery, hits: int | None, at_least: bool = False) -> bool:
    """Walk the sort column's index (probing each entry against the matches) rather than sort
    every match, when that reads less: a page of 200 walks ~200*N/hits index entries in order,
    a sort looks up every one of the hits' rows at random (~30x dearer each, measured), so the
    walk wins above about sqrt(6 N) hits — 800 at 100k customers, 2,500 at a million. A count
    that stopped at the list's cap (``at_least``) walks: the walk's cost is bounded by the cap,
    a sort's grows with every match past it."""
    if hits is None or not nfkc(q.text) or q.sort not in SORT_INDEXES:
        return False
    if at_least:
        return True
    return hits > WALK_INDEX_ABOVE or hits * hits > 6 * _table_size()


def _store_only(q: CustomerQuery) -> bool:
    """The live list of one store's members (issue #18), nothing else narrowing it."""
    return q.store_id is not None and replace(q, store_id=None, sort="name", descending=False) == CustomerQuery()


def _store_hint(q: CustomerQuery, limit: int) -> str:
    """How SQLite reads a page of one store's members (step 25's ``customer_home_store_id``).
    Its planner, without statistics (a shop never runs ANALYZE), takes the store's index for a
    large store too and sorts half the customers for one page (0.23 -> 27 ms at 100k), and with
    them walks the sort index past every other store's members for a small one. Walking reads
    each entry's row (the store is not in the sort index): ~limit*N/members rows, against the
    members' own rows from the store's index, so the walk wins above sqrt(limit*N) members (7,000
    at a million customers, for a page of 50). The members are counted up to that bound from the
    store's index (the caller's count may be capped: the list counts 2,000 at first). Nothing
    where the engine takes no index hints (PostgreSQL: its planner has its statistics)."""
    by_store = indexed_by("customer_home_store_id")
    if not by_store or not _store_only(q) or q.sort not in SORT_INDEXES:
        return ""
    bound = math.isqrt(max(limit, 1) * _table_size()) + 1
    members = database.execute_sql(
        f"SELECT count(*) FROM (SELECT 1 FROM customer {by_store} WHERE home_store_id = ? LIMIT ?) AS s",
        (q.store_id, bound),
    ).fetchone()[0]
    return indexed_by(SORT_INDEXES[q.sort]) if members >= bound else by_store


def _table_size() -> int:
    """About how many customers there are (the largest id: one seek, no count)."""
    return database.execute_sql("SELECT coalesce(max(id), 0) FROM customer").fetchone()[0]


def _only_text(q: CustomerQuery) -> bool:
    return (
        not q.deleted
        and q.level_id is None
        and q.tag_id is None
        and q.ids is None
        and q.grade is None
        and q.extra is None
        and q.store_id is None
    )


def _count_live(text: str, cap: int | None) -> int:
    """Live customers matching ``text`` (all of them without text), up to ``cap`` when given,
    from index entries only: the search's ids (or the whole table's smallest index) less the
    matches in the recycle bin (its small partial index, each binned row tested on its own
    columns: mobile and card branches find those, search keys exist for live customers only)."""
    text = nfkc(text)
    if not text:
        binned = database.execute_sql(
            f"SELECT count(*) FROM customer {indexed_by('customer_deleted_at')} WHERE deleted_at IS NOT NULL"
        ).fetchone()[0]
        if cap is None:
            return database.execute_sql("SELECT count(*) FROM customer").fetchone()[0] - binned
        found = database.execute_sql(
            "SELECT count(*) FROM (SELECT id FROM customer LIMIT ?) AS s", [cap + binned]
        ).fetchone()[0]
        return min(cap, found - binned)
    ranges = _column_ranges(text)
    binned = 0
    if ranges:
        tests = " OR ".join(f"{column} >= ? AND {column} < ?" for column, _ in ranges)
        binned = database.execute_sql(
            f"SELECT count(*) FROM customer {indexed_by('customer_deleted_at')} "
            f"WHERE deleted_at IS NOT NULL AND ({tests})",
            [bound for _, bounds in ranges for bound in bounds],
        ).fetchone()[0]
    # the branches that match anything (one index seek each): a search rarely matches on more
    # than one, and a lone branch is counted without merging (a UNION keeps every id it saw)
    branches = [
        (sql, params)
        for sql, params in _search_branches(text)
        if database.execute_sql(f"SELECT 1 FROM ({sql} LIMIT 1) AS s", params).fetchone()
    ]
    if not branches:
        return 0
    limit = "" if cap is None else " LIMIT ?"
    limit_args = [] if cap is None else [cap + binned]
    # a key prefix can list a customer twice (王伟伟: keys 伟伟 and 伟): its ids are made distinct
    branches = [
        (sql.replace("SELECT customer_id", "SELECT DISTINCT customer_id", 1) if "key >=" in sql else sql, params)
        for sql, params in branches
    ]
    if cap is not None:
        # a branch that alone reaches the cap decides it, counted in one index range without
        # merging (``138``: 30,000 mobiles, counted to 10,000)
        for sql, params in branches:
            n = _count_branch(sql, params, cap + binned)
            if n >= cap + binned:
                return cap
            if len(branches) == 1:  # below the cap the one branch's count is exact
                return n - binned
    if len(branches) == 1:
        sql, params = branches[0]
    else:
        sql, params = " UNION ".join(b[0] for b in branches), [p for b in branches for p in b[1]]
    found = database.execute_sql(f"SELECT count(*) FROM ({sql}{limit}) AS s", [*params, *limit_args]).fetchone()[0]
    return found - binned if cap is None else min(cap, found - binned)


def _count_branch(sql: str, params: list, bound: int) -> int:
    """The ids of one search branch, counted up to ``bound`` (exact below it). A key prefix's ids
    are distinct (``SELECT DISTINCT``), which reads its whole range before the first count (伟:
    19,000 entries); first its first ``2 x bound`` entries are counted distinct: when they hold
    ``bound`` ids, or are the whole range, that is the answer (a customer's keys rarely repeat
    a prefix more than once)."""
    plain = sql.replace("SELECT DISTINCT customer_id", "SELECT customer_id", 1)
    if plain != sql:
        read, ids = database.execute_sql(
            f"SELECT count(*), count(DISTINCT customer_id) FROM ({plain} LIMIT ?) AS s", [*params, 2 * bound]
        ).fetchone()
        if ids >= bound or read < 2 * bound:
            return min(ids, bound)
    return database.execute_sql(f"SELECT count(*) FROM ({sql} LIMIT ?) AS s", [*params, bound]).fetchone()[0]


def count_at_most(q: CustomerQuery, cap: int) -> int:
    """The query's count if it is below ``cap``, else ``cap`` (a list shows "10,000+" at once and
    counts the rest in the background). The live list and a plain search count index entries
    only, without reading a customer row: the recycle bin (a small partial index) is counted
    apart and taken off."""
    if _only_text(q):
        return _count_live(q.text, cap)
    where, params = _where(q)
    sql = f"SELECT count(*) FROM (SELECT 1 FROM customer c WHERE {where} LIMIT ?) AS s"
    return database.execute_sql(sql, [*params, cap]).fetchone()[0]


def sample_cursors(q: CustomerQuery, every: int, *, progress=None) -> tuple[int, list[Cursor]]:
    """One walk of the query's order: its exact count and the cursor of rows 0, ``every``,
    ``2*every``, … (a small index of the order: a jump to any position seeks from the sample
    before it). ``progress(done, 0)`` returning False stops it with Cancelled."""
    where, params = _where(q)
    col = SORT_COLUMNS.get(q.sort, "c.name_sort")
    direction = "DESC" if q.descending else "ASC"
    n = 0  # rows walked so far: unknown until the walk ends (the server numbers them itself)
    with interruptible(lambda: progress is None or progress(n, 0) is not False):
        n, samples = sample_ordered(
            f"{col}, c.id",
            f"customer c WHERE {where}",
            f"{order_by(col, q.descending)}, c.id {direction}",
            params,
            every,
        )
    return n, samples


def list_version() -> object:
    """Changes whenever customers may have changed (any commit to the database): a sampled index
    of a list's order (:func:`sample_cursors`) is stale once this differs from when it was made."""
    return data_version()


def iter_ids(q: CustomerQuery, batch: int = 5000) -> Iterator[int]:
    """Every id the query selects, in its order (for exports of "the current list")."""
    where, params = _where(q)
    col = SORT_COLUMNS.get(q.sort, "c.name_sort")
    direction = "DESC" if q.descending else "ASC"
    cur = database.execute_sql(
        f"SELECT c.id FROM customer c WHERE {where} ORDER BY {order_by(col, q.descending)}, c.id {direction}", params
    )
    while rows := cur.fetchmany(batch):
        yield from (r[0] for r in rows)


def get(customer_id: int) -> Customer:
    return Customer.get_by_id(customer_id)


def to_input(c: Customer) -> CustomerInput:
    """The stored customer as form input (the inverse of validate for an unchanged form)."""
    bday: dt.date | LunarBirthday | None = c.birthday
    if c.lunar_month:
        bday = LunarBirthday(c.lunar_month, c.lunar_day, bool(c.lunar_leap), c.lunar_year)
    return CustomerInput(
        name=c.name,
        mobile=c.mobile,
        card_no=c.card_no or "",
        birthday=bday,
        level_id=c.level_id,
        tags=tags_of(c.id),
        consent_marketing=None if c.consent_marketing is None else bool(c.consent_marketing),
        joined_on=c.joined_on,
        extra={k: getattr(c, k) for k in TEXT_FIELDS},
        referred_by=_referrer_key(c.referred_by_id),
    )


def _referrer_key(customer_id: int | None) -> str:
    """How the form shows the referrer: their card number, else their mobile."""
    if customer_id is None:
        return ""
    r = Customer.get_or_none(Customer.id == customer_id)
    return "" if r is None else (r.card_no or r.mobile)
