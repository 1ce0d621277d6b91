"""peewee models only. Money is integer cents (``*_cents``), never float.

The schema itself is created and changed by the numbered steps in ``shopcrm/migrations``; these
classes describe the current schema for queries. A change here needs a new migration step.
"""

from __future__ import annotations

import datetime as _dt
from typing import TYPE_CHECKING

from peewee import (
    AutoField,
    BooleanField,
    CharField,
    CompositeKey,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)

from shopcrm.core import clock
from shopcrm.store import db as _db, stores as _stores
from shopcrm.store.db import database


def now() -> _dt.datetime:
    """Local time to the second, as shops think of it (from the one clock)."""
    return clock.now()


def sql_ts(value: _dt.datetime | _dt.date | None) -> str | None:
    """A datetime as peewee stores it ('YYYY-MM-DD HH:MM:SS'), for raw SQL parameters."""
    if value is None:
        return None
    if isinstance(value, _dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    return value.isoformat()


class BaseModel(Model):
    if TYPE_CHECKING:
        # peewee adds these at class creation, so its stubs cannot see them (no runtime effect);
        # Setting and the composite-key tables have no ``id``
        id = AutoField()

    class Meta:
        database = database
        legacy_table_names = False


class Setting(BaseModel):
    """Key/value settings stored in the database (JSON text values)."""

    key = CharField(primary_key=True)
    value = TextField()


class Level(BaseModel):
    """A member level (普通会员/银卡/金卡/钻石…), ordered by ``rank``."""

    name = CharField(unique=True)
    rank = IntegerField(default=0)
    # automatic upgrade thresholds (issue: grading); None = no automatic upgrade into this level
    min_total_spend_cents = IntegerField(null=True)
    min_points = IntegerField(null=True)
    # points earned per yuan, in thousandths (1000 = 1 point per yuan)
    points_per_yuan_milli = IntegerField(default=1000)


class Store(BaseModel):
    """A store (门店) of the chain (m0022). Stores are never deleted, only made inactive: every
    sale, top-up, refund, contact, complaint, care action and day close keeps its store."""

    code = CharField(unique=True)  # short code for the command line and exports (main, east…)
    name = CharField(unique=True)
    address = TextField(default="")
    phone = CharField(default="")
    active = BooleanField(default=True)
    created_at = DateTimeField(default=now)


def _store_fk(**kwargs) -> ForeignKeyField:
    """The ``store_id`` column of a row written at a counter (m0022): the counter's store unless
    given (shopcrm.store.stores). The database's default is the default store (1), and SQLite
    declares no foreign key for it (a column added with a non-NULL default cannot have one);
    PostgreSQL does."""
    return ForeignKeyField(Store, default=_stores.counter_store_id, on_delete="RESTRICT", index=False, **kwargs)


class Customer(BaseModel):
    card_no = CharField(null=True, unique=True)
    name = CharField()  # found through SearchKey, sorted through name_sort (unindexed: step 0010)
    name_sort = CharField(default="")  # pinyin sort key (step 0007); index customer_name_sort (step 0023)
    mobile = CharField(unique=True)
    mobile_rev = CharField(index=True)  # reversed mobile: "last four digits" is a prefix search
    phone2 = CharField(default="")
    gender = CharField(default="")  # "M", "F" or ""
    # birthday: either solar ``birthday``, or lunar month/day (+leap flag, optional year)
    birthday = DateField(null=True)
    lunar_month = IntegerField(null=True)
    lunar_day = IntegerField(null=True)
    lunar_leap = BooleanField(default=False)
    lunar_year = IntegerField(null=True)
    birth_mmdd = IntegerField(null=True, index=True)  # month*100+day of the birthday, for sorting
    level = ForeignKeyField(Level, null=True, backref="customers", on_delete="SET NULL")
    if TYPE_CHECKING:
        level_id = IntegerField(null=True)  # peewee's accessor for the raw key (type only)
    balance_cents = IntegerField(default=0, index=True)
    points = IntegerField(default=0, index=True)
    # preferences (喜好)
    pref_text = TextField(default="")
    pref_channel = CharField(default="")  # phone/sms/wechat/visit
    pref_time = CharField(default="")
    pref_products = TextField(default="")
    pref_taste = TextField(default="")
    address = TextField(default="")
    wechat = CharField(default="")
    source = CharField(default="")
    notes = TextField(default="")
    consent_marketing = BooleanField(null=True, default=False)  # None: unknown (m0011), counts as no
    email = CharField(default="")  # m0017: where the e-mail channel writes to
    joined_on = DateField(null=True)
    # aggregates kept by the domain layer in the same transaction as the purchases
    total_spend_cents = IntegerField(default=0, index=True)
    purchase_count = IntegerField(default=0)
    first_purchase_at = DateTimeField(null=True)
    last_purchase_at = DateTimeField(null=True, index=True)
    last_contact_at = DateTimeField(null=True)
    open_complaints = IntegerField(default=0)
    created_at = DateTimeField(default=now)
    updated_at = DateTimeField(default=now)
    # only the recycle bin is indexed (partial index in the migration): a full index on a column
    # that is NULL for nearly every row misleads SQLite's planner into sorting in a temp b-tree
    deleted_at = DateTimeField(null=True)
    # set when the customer's personal data was erased on request (PIPL; shopcrm.trust.privacy)
    erased_at = DateTimeField(null=True)
    # grading (issue #5, shopcrm.grading): results of the latest regrade
    grade = CharField(null=True)  # "A", "B", "C"
    grade_at = DateTimeField(null=True)  # when the customer got this grade (grading.last_run: computed)
    period_spend_cents = IntegerField(default=0)  # spend within the grading period
    period_purchases = IntegerField(default=0)
    rfm_r = IntegerField(null=True)  # 1-5
    rfm_f = IntegerField(null=True)
    rfm_m = IntegerField(null=True)
    value_type = CharField(null=True)  # gold/meteor/star/burden/ordinary
    lifecycle = CharField(null=True)  # new/growth/at_risk/lost/recovered
    lifecycle_at = DateTimeField(null=True)  # since when the customer is in that stage
    at_risk_on = DateField(null=True)  # the day they become at risk without a purchase (migration 0008)
    # m0018: the customer who recommended this one (referrals, shopcrm.campaigns.figures)
    referred_by = ForeignKeyField("self", null=True, on_delete="SET NULL", index=False, column_name="referred_by_id")
    if TYPE_CHECKING:
        referred_by_id = IntegerField(null=True)  # peewee's accessor for the raw key (type only)
    # m0022: the store the customer joined at (chain-wide customers: their card works everywhere);
    # indexed by customer_home_store_id (m0025: a store's members, the list scoped to a store)
    home_store = _store_fk(column_name="home_store_id")
    if TYPE_CHECKING:
        home_store_id = IntegerField()


class Tag(BaseModel):
    name = CharField(unique=True)


class CustomerTag(BaseModel):
    customer = ForeignKeyField(Customer, on_delete="CASCADE", index=False)  # the key covers it
    tag = ForeignKeyField(Tag, on_delete="CASCADE", index=False)

    class Meta:
        primary_key = CompositeKey("customer", "tag")
        indexes = ((("tag", "customer"), True),)


class SearchKey(BaseModel):
    """Prefix-searchable keys of a customer's name: every suffix of the name (substring search)
    and every pinyin reading (initials and full). ``key >= q AND key < q+1`` uses the primary key.
    Derived data, kept in step by shopcrm.customers: no foreign-key constraint and no index on
    ``customer_id`` in the database (step 0010); one customer's keys are deleted by a scan."""

    key = CharField()
    customer = ForeignKeyField(Customer, index=False)
    # the customer's name_sort, written with the keys: one key's customers in name order (step 0023)
    name_sort = CharField(default="")

    class Meta:
        primary_key = CompositeKey("key", "customer")
        without_rowid = True
        # index search_key_sort (key, name_sort, customer_id): step 0023


class Purchase(BaseModel):
    customer = ForeignKeyField(Customer, backref="purchases", on_delete="CASCADE", index=False)
    if TYPE_CHECKING:
        customer_id = IntegerField()  # peewee's accessor for the raw key (type only)
    # indexed by (at, customer_id) and (customer_id, at, amount_cents): m0004, m0005; their prefixes
    # were dropped by m0021
    at = DateTimeField(default=now)
    amount_cents = IntegerField()
    items = TextField(default="")
    payment = CharField(default="cash")  # cash/wechat/alipay/bankcard/stored_value/other
    points_earned = IntegerField(default=0)
    note = TextField(default="")
    created_at = DateTimeField(default=now)
    operator = CharField(default="")  # m0013: who sold it
    refunded_cents = IntegerField(default=0)  # m0013: refunded so far (shopcrm.sales.counter)
    # m0020 (shopcrm.loyalty): the sale type and how the list price came down to ``amount_cents``
    sale_type = CharField(default="goods")
    list_cents = IntegerField(null=True)  # None: sold before m0020 (the amount was the price)
    member_percent = IntegerField(default=100)  # percent of the list price a member paid
    member_off_cents = IntegerField(default=0)
    coupon_off_cents = IntegerField(default=0)
    points_off_cents = IntegerField(default=0)
    points_used = IntegerField(default=0)
    store = _store_fk()  # m0022: the store it was written at
    if TYPE_CHECKING:
        store_id = IntegerField()

    class Meta:
        indexes = (
            (("customer", "amount_cents"), False),  # covering index for per-customer totals
        )


class Topup(BaseModel):
    """A paid top-up (m0013): the principal paid by ``method`` and the bonus a rule gave."""

    customer = ForeignKeyField(Customer, on_delete="CASCADE")
    if TYPE_CHECKING:
        customer_id = IntegerField()  # peewee's accessor for the raw key (type only)
    at = DateTimeField(default=now, index=True)
    method = CharField()
    principal_cents = IntegerField()
    bonus_cents = IntegerField(default=0)
    rule = TextField(default="")
    operator = CharField(default="")
    refunded_cents = IntegerField(default=0)
    store = _store_fk()  # m0022: the store it was written at
    if TYPE_CHECKING:
        store_id = IntegerField()


class LedgerEntry(BaseModel):
    """Every change of a customer's balance or points. The stored balance and points always
    equal the sums of these entries (see shopcrm.customers.ledger.verify)."""

    customer = ForeignKeyField(Customer, backref="ledger", on_delete="CASCADE", index=False)
    at = DateTimeField(default=now)
    kind = CharField()  # topup/spend/refund/adjust/import/earn/redeem
    balance_delta_cents = IntegerField(default=0)
    points_delta = IntegerField(default=0)
    balance_after_cents = IntegerField()
    points_after = IntegerField()
    reason = TextField(default="")
    purchase = ForeignKeyField(Purchase, null=True, on_delete="SET NULL")
    topup = ForeignKeyField(Topup, null=True, on_delete="SET NULL", index=False)  # m0013
    store = _store_fk()  # m0022: the store it was written at
    if TYPE_CHECKING:
        store_id = IntegerField()

    class Meta:
        indexes = ((("customer", "id"), False),)


class PurchasePayment(BaseModel):
    """One method's part of a purchase's payment (m0013); ``card`` is the stored-value card."""

    purchase = ForeignKeyField(Purchase, backref="payments", on_delete="CASCADE")
    method = CharField()
    amount_cents = IntegerField()


class PurchaseLine(BaseModel):
    """One line of a purchase (m0019): ``qty`` × ``unit_cents`` = ``amount_cents`` (at the list
    price); what of it was refunded so far (shopcrm.sales.counter.refund_purchase with ``lines``:
    ``refunded_cents`` is money given back, the line's share of what was paid)."""

    purchase = ForeignKeyField(Purchase, backref="lines", on_delete="CASCADE", index=False)
    if TYPE_CHECKING:
        purchase_id = IntegerField()  # peewee's accessor for the raw key (type only)
    position = IntegerField()  # 1, 2, ... in the order typed
    name = CharField()
    qty = IntegerField()
    unit_cents = IntegerField()
    amount_cents = IntegerField()
    refunded_qty = IntegerField(default=0)
    refunded_cents = IntegerField(default=0)

    class Meta:
        indexes = ((("purchase", "position"), True),)


class Refund(BaseModel):
    """Money given back (m0013): for a purchase (whole or part) or a top-up's unspent principal."""

    customer = ForeignKeyField(Customer, on_delete="CASCADE", index=False)
    if TYPE_CHECKING:
        customer_id = IntegerField()  # peewee's accessor for the raw key (type only)
        payments: list[RefundPayment]  # backref
    at = DateTimeField(default=now, index=True)
    purchase = ForeignKeyField(Purchase, null=True, on_delete="SET NULL")
    topup = ForeignKeyField(Topup, null=True, on_delete="SET NULL", index=False)
    amount_cents = IntegerField()
    points_reversed = IntegerField(default=0)
    operator = CharField(default="")
    note = TextField(default="")
    complaint_id = IntegerField(null=True)  # m0014: the complaint this refund is for (FK, SET NULL)
    store = _store_fk()  # m0022: the store it was written at
    if TYPE_CHECKING:
        store_id = IntegerField()


class RefundPayment(BaseModel):
    refund = ForeignKeyField(Refund, backref="payments", on_delete="CASCADE")
    method = CharField()
    amount_cents = IntegerField()


class DayClose(BaseModel):
    """A closed day (``operator`` empty) or one operator's shift of it, with its totals (JSON)."""

    day = DateField()
    operator = CharField(default="")
    closed_at = DateTimeField(default=now)
    totals = TextField()
    store = _store_fk()  # m0022: the store it was written at
    if TYPE_CHECKING:
        store_id = IntegerField()


class Contact(BaseModel):
    customer = ForeignKeyField(Customer, backref="contacts", on_delete="CASCADE", index=False)
    at = DateTimeField(default=now)
    channel = CharField(default="phone")  # phone/sms/wechat/visit/letter
    purpose = TextField(default="")
    outcome = TextField(default="")
    satisfaction = IntegerField(null=True)  # 1-5
    next_followup = DateField(null=True, index=True)
    staff = CharField(default="")
    created_at = DateTimeField(default=now)
    operator = CharField(default="")  # m0014: the operator at the counter when it was recorded
    # m0018: the campaign this contact was for (shopcrm.campaigns), its coded result
    # (sent/replied/visited/declined, shopcrm.sales.activity.RESULTS) and the optional NPS answer (0-10)
    campaign_id = IntegerField(null=True)  # FK campaign.id ON DELETE SET NULL (declared in m0018)
    result = CharField(default="")
    nps = IntegerField(null=True)
    store = _store_fk()  # m0022: the store it was written at
    if TYPE_CHECKING:
        store_id = IntegerField()

    class Meta:
        indexes = ((("customer", "at"), False),)


class Complaint(BaseModel):
    customer = ForeignKeyField(Customer, null=True, backref="complaints", on_delete="CASCADE")
    if TYPE_CHECKING:
        customer_id = IntegerField(null=True)  # peewee's accessor for the raw key (type only)
    walkin_name = CharField(default="")
    walkin_mobile = CharField(default="")
    received_at = DateTimeField(default=now, index=True)
    channel = CharField(default="")
    category = CharField(default="", index=True)
    key_points = TextField(default="")
    request = TextField(default="")
    temperament = CharField(default="")
    severity = CharField(default="")
    handler = CharField(default="")
    due_at = DateTimeField(null=True, index=True)
    status = CharField(default="new", index=True)
    validity = CharField(default="")  # valid / invalid / partial
    validity_reason = TextField(default="")
    steps = IntegerField(default=0)  # bit mask of the six handling steps
    resolution_type = CharField(default="")
    resolution_amount_cents = IntegerField(null=True)
    resolution_notes = TextField(default="")
    resolved_at = DateTimeField(null=True)
    followup_due = DateField(null=True)
    satisfaction = IntegerField(null=True)
    closed_at = DateTimeField(null=True)
    paused_since = DateTimeField(null=True)
    paused_seconds = IntegerField(default=0)
    refund_cents = IntegerField(default=0)  # m0002: total refunded to the card for this complaint
    followup_notes = TextField(default="")  # m0002
    created_at = DateTimeField(default=now)
    updated_at = DateTimeField(default=now)
    store = _store_fk()  # m0022: the store it was written at
    if TYPE_CHECKING:
        store_id = IntegerField()


class ComplaintEvent(BaseModel):
    complaint = ForeignKeyField(Complaint, backref="events", on_delete="CASCADE")
    at = DateTimeField(default=now)
    who = CharField(default="")
    action = CharField()
    detail = TextField(default="")


ALL_MODELS = [
    Setting,
    Store,
    Level,
    Customer,
    Tag,
    CustomerTag,
    SearchKey,
    Purchase,
    Topup,
    LedgerEntry,
    PurchasePayment,
    PurchaseLine,
    Refund,
    RefundPayment,
    DayClose,
    Contact,
    Complaint,
    ComplaintEvent,
]


# --- trust (issue #7): audit log --------------------------------------------------------------


class AuditLog(BaseModel):
    """A sensitive action: when, in which mode (owner/clerk), what, about which customer.
    Holds customer ids only, never names or mobiles (see shopcrm.trust.audit)."""

    at = DateTimeField(default=now, index=True)
    mode = CharField()
    action = CharField()
    customer_id = IntegerField(null=True, index=True)  # no foreign key: outlives a purge
    detail = TextField(default="")


ALL_MODELS.append(AuditLog)


# --- grading (issue #5): level, lifecycle and grade changes -----------------------------------


class CustomerHistory(BaseModel):
    """A change of a customer's member level, lifecycle stage or ABC grade (see shopcrm.grading)."""

    customer = ForeignKeyField(Customer, backref="history", on_delete="CASCADE", index=False)
    at = DateTimeField(default=now)
    kind = CharField()  # level / lifecycle / grade
    old_value = CharField(default="")
    new_value = CharField(default="")
    reason = TextField(default="")

    class Meta:
        indexes = ((("customer", "at"), False),)


ALL_MODELS.append(CustomerHistory)


# --- care (issue #6): anniversaries and what was done with today's care items -----------------


class Anniversary(BaseModel):
    """A date recorded on a customer (wedding, a child's birthday, the day they joined…)."""

    customer = ForeignKeyField(Customer, backref="anniversaries", on_delete="CASCADE")
    kind = CharField()  # wedding / child / joined / other
    label = CharField(default="")  # what the greeting calls it: 结婚纪念日, 宝宝生日
    month = IntegerField()
    day = IntegerField()
    lunar = BooleanField(default=False)
    leap = BooleanField(default=False)
    year = IntegerField(null=True)
    mmdd = IntegerField(index=True)  # month*100+day (lunar month/day when lunar)
    note = TextField(default="")
    created_at = DateTimeField(default=now)


class CareAction(BaseModel):
    """Done / snooze / skip of one item of the care list; the latest action per
    (customer, item_key) wins (see shopcrm.care)."""

    customer = ForeignKeyField(Customer, on_delete="CASCADE", index=False)
    item_key = CharField()  # e.g. birthday:2026, return:123:3, festival:mid_autumn:2026-09-25
    kind = CharField()
    due = DateField()
    action = CharField()  # done / snooze / skip
    until = DateField(null=True)  # snooze: show again on this date
    reason = TextField(default="")
    payload = TextField(default="{}")  # JSON: what a snoozed item needs to be shown again
    contact = ForeignKeyField(Contact, null=True, on_delete="SET NULL")
    at = DateTimeField(default=now, index=True)
    store = _store_fk()  # m0022: the store it was written at
    if TYPE_CHECKING:
        store_id = IntegerField()

    class Meta:
        indexes = ((("customer", "item_key"), False),)


ALL_MODELS.extend([Anniversary, CareAction])


# --- import (issue #3): the history of spreadsheet imports ------------------------------------


class ImportRun(BaseModel):
    """One import that wrote to the database (see shopcrm.excel.excel_import; a cancelled import
    rolls back and leaves no row)."""

    started_at = DateTimeField(default=now, index=True)
    finished_at = DateTimeField(null=True)
    file_name = CharField()
    file_path = TextField()
    sheet = CharField()
    header_row = IntegerField()
    on_duplicate = CharField()  # skip / fill / overwrite
    balance_mode = CharField()  # replace / add
    status = CharField()  # "running" inside the import's transaction, then "done"
    total_rows = IntegerField(default=0)
    imported = IntegerField(default=0)
    updated = IntegerField(default=0)
    duplicates = IntegerField(default=0)
    errors = IntegerField(default=0)
    warnings = IntegerField(default=0)
    balance_cents = IntegerField(default=0)  # opening balances of the new customers
    points = IntegerField(default=0)
    summary = TextField(default="{}")  # JSON: counts per class and per reason


ALL_MODELS.append(ImportRun)


# --- sending (issue #15): every message sent or handed to a clerk -----------------------------


class Message(BaseModel):
    """One message to one customer through one channel (see shopcrm.campaigns.outbox). The row is
    written before the provider is called: ``idempotency_key`` (UNIQUE) is the claim that makes a
    second send impossible. status: queued / sending / sent / delivered / failed / unknown."""

    customer = ForeignKeyField(Customer, backref="messages", on_delete="CASCADE", index=False)
    if TYPE_CHECKING:
        customer_id = IntegerField()  # peewee's accessor for the raw key (type only)
    channel = CharField()  # copy / call_list / sms / email
    address = CharField(default="")  # mobile or e-mail address as sent
    purpose = CharField()  # marketing / service
    campaign_id = IntegerField(null=True)  # no foreign key yet: the campaigns table comes later
    subject = TextField(default="")
    text = TextField(default="")
    template_id = CharField(default="")
    params = TextField(default="{}")  # JSON object of the template's parameters
    idempotency_key = CharField(null=True, unique=True)  # NULL only after erasure (m0017)
    status = CharField(default="queued")
    provider_id = CharField(default="")  # BizId / SerialNo / Message-ID
    attempts = IntegerField(default=0)
    last_error = TextField(default="")
    next_attempt_at = DateTimeField(null=True)
    created_at = DateTimeField(default=now)
    sent_at = DateTimeField(null=True)
    operator = CharField(default="")


ALL_MODELS.append(Message)
# --- segments and campaigns (issue #15) -------------------------------------------------------


class Segment(BaseModel):
    """A saved filter over the archive (``filter``: JSON, see shopcrm.segments)."""

    name = CharField(unique=True)
    filter_json = TextField(column_name="filter")  # ``filter`` would hide peewee's Model.filter
    created_at = DateTimeField(default=now)
    updated_at = DateTimeField(default=now)


class Campaign(BaseModel):
    """A segment worked for a purpose over days (see shopcrm.campaigns.campaign)."""

    name = CharField()
    segment = ForeignKeyField(Segment, null=True, on_delete="SET NULL", index=False)
    if TYPE_CHECKING:
        segment_id = IntegerField(null=True)  # peewee's accessor for the raw key (type only)
    filter_json = TextField(column_name="filter")  # the segment's filter when the campaign started
    purpose = CharField()
    template = TextField(default="")
    channel = CharField(default="phone")
    festival = CharField(default="")  # the festival key it prepares for (shopcrm.core.festivals), or ""
    start_on = DateField(index=True)
    end_on = DateField()
    daily_cap = IntegerField()
    holdout_pct = IntegerField(default=0)
    window_days = IntegerField(default=30)  # a purchase this many days after the end still counts
    status = CharField(default="active")  # active / stopped
    created_at = DateTimeField(default=now)
    operator = CharField(default="")


class CampaignMember(BaseModel):
    """A customer a campaign chose: a target with its day, or a hold-out (``planned_on`` None)."""

    campaign = ForeignKeyField(Campaign, on_delete="CASCADE", index=False)
    customer = ForeignKeyField(Customer, on_delete="CASCADE", index=False)
    if TYPE_CHECKING:
        campaign_id = IntegerField()
        customer_id = IntegerField()
    holdout = BooleanField(default=False)
    planned_on = DateField(null=True)

    class Meta:
        # a rowid table like the others with customer_id: the privacy export orders by rowid
        primary_key = CompositeKey("campaign", "customer")
        indexes = ((("planned_on", "campaign"), False), (("customer",), False))


class GiftGiven(BaseModel):
    """A gift handed to a customer: what, and what it cost the shop (cents)."""

    customer = ForeignKeyField(Customer, on_delete="CASCADE")
    if TYPE_CHECKING:
        customer_id = IntegerField()
    campaign = ForeignKeyField(Campaign, null=True, on_delete="SET NULL")
    at = DateTimeField(default=now)
    what = CharField()
    cost_cents = IntegerField(default=0)
    note = TextField(default="")
    operator = CharField(default="")


ALL_MODELS.extend([Segment, Campaign, CampaignMember, GiftGiven])


# --- loyalty (issue #14, m0020): gifts for points, coupons, count cards -----------------------


class PointsGift(BaseModel):
    """A gift of the points catalogue; ``stock`` never goes below zero (a CHECK and a
    conditional update, see shopcrm.loyalty.points.redeem_gift)."""

    name = CharField()
    points = IntegerField()
    stock = IntegerField(default=0)
    active = BooleanField(default=True)
    created_at = DateTimeField(default=now)


class GiftRedemption(BaseModel):
    customer = ForeignKeyField(Customer, on_delete="CASCADE")
    if TYPE_CHECKING:
        customer_id = IntegerField()
    gift = ForeignKeyField(PointsGift)
    at = DateTimeField(default=now, index=True)
    points = IntegerField()
    operator = CharField(default="")
    store = _store_fk()  # m0022: the store it was written at
    if TYPE_CHECKING:
        store_id = IntegerField()


class CouponType(BaseModel):
    """A kind of coupon the owner defines: ``amount`` off above a threshold, ``percent`` off
    (optional cap) or a ``gift``; valid ``days`` after issue or until ``end_on``; at most
    ``per_customer`` of it per customer (None: no limit)."""

    name = CharField(unique=True)
    kind = CharField()  # amount / percent / gift
    amount_off_cents = IntegerField(default=0)
    percent_off = IntegerField(default=0)
    threshold_cents = IntegerField(default=0)
    cap_cents = IntegerField(null=True)
    gift = TextField(default="")
    days = IntegerField(null=True)
    end_on = DateField(null=True)
    per_customer = IntegerField(null=True)
    active = BooleanField(default=True)


class Coupon(BaseModel):
    """An issued coupon with its own copy of the terms (a later change of its type does not
    change it). ``status``: issued / used / void / expired."""

    code = CharField(unique=True)
    type = ForeignKeyField(CouponType, null=True, on_delete="SET NULL")
    if TYPE_CHECKING:
        type_id = IntegerField(null=True)
        customer_id = IntegerField()
        purchase_id = IntegerField(null=True)
    customer = ForeignKeyField(Customer, on_delete="CASCADE", index=False)
    kind = CharField()
    amount_off_cents = IntegerField(default=0)
    percent_off = IntegerField(default=0)
    threshold_cents = IntegerField(default=0)
    cap_cents = IntegerField(null=True)
    gift = TextField(default="")
    issued_at = DateTimeField(default=now)
    valid_until = DateField()
    source = CharField(default="")  # manual / segment / birthday / wakeup
    status = CharField(default="issued")
    used_at = DateTimeField(null=True)
    purchase = ForeignKeyField(Purchase, null=True, on_delete="SET NULL")
    off_cents = IntegerField(default=0)  # what it took off the sale it was used on
    voided_at = DateTimeField(null=True)
    operator = CharField(default="")


class Package(BaseModel):
    """A count card (计次卡 / 套餐): ``uses`` bought with a purchase; ``remaining`` equals
    ``uses`` plus the sum of its PackageUse deltas (consumed -1 each, refunded -n)."""

    customer = ForeignKeyField(Customer, on_delete="CASCADE")
    if TYPE_CHECKING:
        customer_id = IntegerField()
        purchase_id = IntegerField(null=True)
    product = CharField()
    uses = IntegerField()
    remaining = IntegerField()
    price_cents = IntegerField()
    purchase = ForeignKeyField(Purchase, null=True, on_delete="SET NULL", index=False)
    sold_at = DateTimeField(default=now)
    expires_on = DateField(null=True, index=True)
    operator = CharField(default="")


class PackageUse(BaseModel):
    package = ForeignKeyField(Package, on_delete="CASCADE")
    customer = ForeignKeyField(Customer, on_delete="CASCADE")
    at = DateTimeField(default=now, index=True)
    kind = CharField()  # use / refund
    delta = IntegerField()
    remaining_after = IntegerField()
    refund = ForeignKeyField(Refund, null=True, on_delete="SET NULL", index=False)
    operator = CharField(default="")
    note = TextField(default="")
    store = _store_fk()  # m0022: the store it was written at
    if TYPE_CHECKING:
        store_id = IntegerField()


ALL_MODELS.extend([PointsGift, GiftRedemption, CouponType, Coupon, Package, PackageUse])


def _all_models() -> list[type[BaseModel]]:
    found: list[type[BaseModel]] = []
    todo = list(BaseModel.__subclasses__())
    while todo:
        cls = todo.pop()
        found.append(cls)
        todo.extend(cls.__subclasses__())
    return found


_db.schema_models[:] = _all_models()  # a new PostgreSQL database's tables (shopcrm.store.pg_schema)
