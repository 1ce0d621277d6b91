"""A campaign: a segment worked for a purpose over days, and whether it worked.

:func:`create` takes a segment's customers (only those who consented, for a marketing purpose:
``care.CAMPAIGN_MARKETING``), sets a hold-out share of them aside — chosen by a hash of the
campaign id and the customer id, so the choice is random but the same every time it is computed —
and spreads the others over the campaign's days, most valuable customers first, never more than
the daily cap on a day (as evenly as the days allow). Each target is a ``campaign_member`` row with
its planned day; 今日待办 (shopcrm.care) lists the day's targets as ``campaign`` items, and marking
one done records a contact with the campaign and its result (sent / replied / visited / declined).

:func:`results` compares the targets with the hold-out: reached, responded, bought within the
campaign's window (from its start to ``window_days`` after its end) and the sales that followed,
the conversion rate of each group and their difference. Gifts given (:func:`give_gift`) are
recorded on the customer with their cost.
"""

from __future__ import annotations

import datetime as dt
import math
import zlib
from dataclasses import dataclass, field

from shopcrm import care, segments
from shopcrm.core import clock, festivals
from shopcrm.core.errors import FieldError
from shopcrm.core.texts import register, t
from shopcrm.sales import activity
from shopcrm.segments import SegmentFilter
from shopcrm.store.db import database
from shopcrm.store.models import Campaign, CampaignMember, Contact, Customer, GiftGiven, now
from shopcrm.trust import session

PURPOSES = ("promotion", "new_arrivals", "festival", "survey", "care")
REACHED = ("sent", "replied", "visited", "declined")
RESPONDED = ("replied", "visited")
MAX_DAYS = 366

register(
    {
        "campaign.purpose.promotion": ("促销活动", "Promotion"),
        "campaign.purpose.new_arrivals": ("新品通知", "New arrivals"),
        "campaign.purpose.festival": ("节日关怀", "Festival care"),
        "campaign.purpose.survey": ("满意度调查", "Satisfaction survey"),
        "campaign.purpose.care": ("客户关怀", "Customer care"),
        "campaign.status.active": ("进行中", "Active"),
        "campaign.status.stopped": ("已停止", "Stopped"),
        "field.campaign_name": ("活动名称", "Campaign name"),
        "field.campaign_purpose": ("活动目的", "Campaign purpose"),
        "field.template": ("话术模板", "Message template"),
        "field.start_on": ("开始日期", "Start"),
        "field.end_on": ("结束日期", "End"),
        "field.daily_cap": ("每天最多", "Daily cap"),
        "field.holdout_pct": ("对照组比例", "Hold-out share"),
        "field.window_days": ("统计购买天数", "Days a purchase counts"),
        "field.gift": ("礼品", "Gift"),
        "field.cost": ("成本", "Cost"),
        "campaign.v.name": ("活动须有名称", "A campaign needs a name"),
        "campaign.v.choice": (
            "“{value}”不是可选的{field}（可选：{allowed}）",
            "“{value}” is not a {field} ({allowed})",
        ),
        "campaign.v.number": ("{field}“{value}”不对：应为 {low}–{high}", "{field} “{value}” must be {low}–{high}"),
        "campaign.v.start_past": (
            "开始日期 {value} 已经过去（今天 {today}）",
            "The start {value} is in the past (today is {today})",
        ),
        "campaign.v.end_before": (
            "结束日期 {value} 早于开始日期 {start}",
            "The end {value} is before the start {start}",
        ),
        "campaign.v.too_many": (
            "分组有 {n} 位要联系的客户，{days} 天每天最多 {cap} 位只够 {room} 位：请延长到至少 {need_days} 天，或每天至少 {need_cap} 位",
            "The segment has {n} customers to contact; {days} days at most {cap} a day reach {room}: "
            "make it at least {need_days} days, or at least {need_cap} a day",
        ),
        "campaign.v.empty": ("分组里没有可以联系的客户", "The segment has no customer to contact"),
        "campaign.v.result": ("结果“{value}”不对（可选：{allowed}）", "Result “{value}” is invalid ({allowed})"),
        "campaign.v.not_member": (
            "这位客户不在活动“{name}”要联系的客户里",
            "This customer is not among the targets of campaign “{name}”",
        ),
        "campaign.v.gift": ("礼品须写明是什么", "A gift needs a description"),
        "campaign.contact.purpose": ("活动：{name}", "Campaign: {name}"),
    }
)


@dataclass
class CampaignInput:
    name: str
    filter: SegmentFilter
    purpose: str = "promotion"
    template: str = ""
    channel: str = "phone"
    start_on: dt.date | None = None  # default: today
    end_on: dt.date | None = None  # or ``days``
    days: int | None = None
    daily_cap: int = 30
    holdout_pct: int = 10
    window_days: int = 30
    festival: str = ""
    segment_id: int | None = None


@dataclass
class Plan:
    """What :func:`create` would do: how many targets and hold-outs, and the busiest day."""

    start_on: dt.date
    end_on: dt.date
    targets: int
    holdout: int
    per_day: int
    days_used: int


@dataclass
class GroupResult:
    size: int = 0
    reached: int = 0
    responded: int = 0
    buyers: int = 0
    sales_cents: int = 0

    @property
    def conversion(self) -> float | None:
        return self.buyers / self.size if self.size else None


@dataclass
class Results:
    campaign_id: int
    targets: GroupResult = field(default_factory=GroupResult)
    holdout: GroupResult = field(default_factory=GroupResult)
    followed_buyers: int = 0  # reached targets who bought within window_days of their contact
    followed_sales_cents: int = 0
    gifts: int = 0
    gift_cost_cents: int = 0

    @property
    def difference(self) -> float | None:
        """Target conversion minus hold-out conversion (a share: 0.05 = five points)."""
        a, b = self.targets.conversion, self.holdout.conversion
        return None if a is None or b is None else a - b


def purpose_text(purpose: str) -> str:
    return t(f"campaign.purpose.{purpose}")


def is_marketing(purpose: str) -> bool:
    return purpose in care.CAMPAIGN_MARKETING


def festival_window(key: str, today: dt.date | None = None, ahead: int = 21) -> tuple[dt.date, dt.date]:
    """(start, end) of a campaign for the next occurrence of festival ``key`` (shopcrm.core.
    festivals): starting ``ahead`` days before it (today at the earliest), ending on the day."""
    today = today or clock.today()
    (fest,) = [f for f in festivals.BUILTIN if f.key == key]
    day = fest.occurrences(today, today + dt.timedelta(days=400))[0]
    return max(today, day - dt.timedelta(days=ahead)), day


def in_holdout(campaign_id: int, customer_id: int, pct: int) -> bool:
    """Reproducible per campaign: a hash of both ids, in 1/10000ths, below the share."""
    return zlib.crc32(f"{campaign_id}:{customer_id}".encode()) % 10_000 < pct * 100


def _check(inp: CampaignInput, today: dt.date) -> tuple[dt.date, dt.date]:
    if not inp.name.strip():
        raise FieldError("campaign_name", "campaign.v.name")
    if inp.purpose not in PURPOSES:
        raise FieldError("campaign_purpose", "campaign.v.choice", value=inp.purpose, allowed="/".join(PURPOSES))
    if inp.channel not in activity.CHANNELS:
        raise FieldError("channel", "campaign.v.choice", value=inp.channel, allowed="/".join(activity.CHANNELS))
    care.check_template(inp.name, inp.template)
    for name, value, low, high in (
        ("daily_cap", inp.daily_cap, 1, 10_000),
        ("holdout_pct", inp.holdout_pct, 0, 90),
        ("window_days", inp.window_days, 0, 365),
    ):
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            raise FieldError(name, "campaign.v.number", value=value, low=low, high=high)
    start = inp.start_on or today
    if start < today:
        raise FieldError("start_on", "campaign.v.start_past", value=start.isoformat(), today=today.isoformat())
    if inp.end_on is None:
        days = inp.days if inp.days is not None else 1
        if not 1 <= days <= MAX_DAYS:
            raise FieldError("end_on", "campaign.v.number", value=days, low=1, high=MAX_DAYS)
        end = start + dt.timedelta(days=days - 1)
    else:
        end = inp.end_on
    if end < start:
        raise FieldError("end_on", "campaign.v.end_before", value=end.isoformat(), start=start.isoformat())
    if (end - start).days + 1 > MAX_DAYS:
        raise FieldError("end_on", "campaign.v.number", value=(end - start).days + 1, low=1, high=MAX_DAYS)
    segments.validate(inp.filter)
    return start, end


def _candidates(inp: CampaignInput, today: dt.date) -> list[int]:
    """The segment's customers the campaign may contact, most valuable first."""
    q = segments.id_query(inp.filter, today, marketing=is_marketing(inp.purpose))
    # sorted here, not by ORDER BY: SQLite would walk the whole total-spend index to avoid a sort
    rows = q.select(Customer.id, Customer.total_spend_cents).tuples()
    return [cid for cid, _spend in sorted(rows, key=lambda r: (-r[1], r[0]))]


def _spread(n: int, start: dt.date, days: int, cap: int) -> list[dt.date]:
    """The planned day of each of ``n`` targets in order: as even as the days allow (the first
    days take the extra one), never more than ``cap`` a day; FieldError when they do not fit."""
    if n > days * cap:
        raise FieldError(
            "daily_cap",
            "campaign.v.too_many",
            n=n,
            days=days,
            cap=cap,
            room=days * cap,
            need_days=math.ceil(n / cap),
            need_cap=math.ceil(n / days),
        )
    base, extra = divmod(n, days)
    out: list[dt.date] = []
    for d in range(days):
        out += [start + dt.timedelta(days=d)] * (base + (1 if d < extra else 0))
    return out


def plan(inp: CampaignInput, today: dt.date | None = None) -> Plan:
    """What the campaign would be (the dialog's preview): counts without writing anything. The
    hold-out share is estimated (the exact choice needs the campaign's id)."""
    today = today or clock.today()
    start, end = _check(inp, today)
    n = len(_candidates(inp, today))
    holdout = round(n * inp.holdout_pct / 100)
    days = (end - start).days + 1
    targets = n - holdout
    per_day = math.ceil(targets / days) if targets else 0
    return Plan(start, end, targets, holdout, per_day, min(days, targets))


def create(inp: CampaignInput, today: dt.date | None = None) -> Campaign:
    """Start the campaign: choose its members and plan their days, in one transaction."""
    today = today or clock.today()
    start, end = _check(inp, today)
    days = (end - start).days + 1
    with database.atomic():
        ids = _candidates(inp, today)
        if not ids:
            raise FieldError("segment", "campaign.v.empty")
        k = Campaign.create(
            name=inp.name.strip(),
            segment=inp.segment_id,
            filter_json=inp.filter.to_json(),
            purpose=inp.purpose,
            template=inp.template,
            channel=inp.channel,
            festival=inp.festival,
            start_on=start,
            end_on=end,
            daily_cap=inp.daily_cap,
            holdout_pct=inp.holdout_pct,
            window_days=inp.window_days,
            operator=session.current_operator(),
        )
        held = [i for i in ids if in_holdout(k.id, i, inp.holdout_pct)] if inp.holdout_pct else []
        held_set = set(held)
        targets = [i for i in ids if i not in held_set]
        planned = _spread(len(targets), start, days, inp.daily_cap)
        rows: list[tuple[int, int, int, str | None]] = [
            (k.id, cid, 0, day.isoformat()) for cid, day in zip(targets, planned, strict=True)
        ]
        rows += [(k.id, cid, 1, None) for cid in held]
        cur = database.cursor()
        cur.executemany(
            "INSERT INTO campaign_member (campaign_id, customer_id, holdout, planned_on) VALUES (?, ?, ?, ?)", rows
        )
    return k


def stop(campaign_id: int) -> None:
    """No more items from this campaign (its results stay)."""
    Campaign.update(status="stopped").where(Campaign.id == campaign_id).execute()


def get(campaign_id: int) -> Campaign:
    return Campaign.get_by_id(campaign_id)


def campaigns() -> list[Campaign]:
    return list(Campaign.select().order_by(Campaign.start_on.desc(), Campaign.id.desc()))


def planned_per_day(campaign_id: int) -> dict[dt.date, int]:
    rows = database.execute_sql(
        "SELECT planned_on, count(*) FROM campaign_member WHERE campaign_id = ? AND holdout = 0 "
        "GROUP BY planned_on ORDER BY planned_on",
        (campaign_id,),
    ).fetchall()
    return {dt.date.fromisoformat(str(d)[:10]): n for d, n in rows}


def members(campaign_id: int, *, holdout: bool | None = None) -> list[int]:
    q = CampaignMember.select(CampaignMember.customer).where(CampaignMember.campaign == campaign_id)
    if holdout is not None:
        q = q.where(CampaignMember.holdout == holdout)
    return [m.customer_id for m in q]


def record_outcome(
    campaign_id: int,
    customer_id: int,
    result: str,
    *,
    channel: str | None = None,
    outcome: str = "",
    satisfaction: int | None = None,
    nps: int | None = None,
    at: dt.datetime | None = None,
) -> Contact:
    """A target's result recorded as a contact linked to the campaign, and the item marked done
    in 今日待办 (what the today tab does through shopcrm.care.mark_done; this is the same for a
    caller that has no list, such as the command line)."""
    k = Campaign.get_by_id(campaign_id)
    if result not in activity.RESULTS:
        raise FieldError("result", "campaign.v.result", value=result, allowed="/".join(activity.RESULTS))
    m = CampaignMember.get_or_none((CampaignMember.campaign == campaign_id) & (CampaignMember.customer == customer_id))
    if m is None or m.holdout:
        raise FieldError("customer", "campaign.v.not_member", name=k.name)
    at = at or now()
    c = Customer.get_by_id(customer_id)
    item = care.CareItem(
        "campaign",
        f"campaign:{k.id}",
        c.id,
        c.name,
        c.mobile,
        c.gender,
        c.points,
        c.balance_cents,
        k.channel,
        m.planned_on or k.start_on,
        ("", {"text": t("campaign.contact.purpose", name=k.name)}),
        {"template": k.template, "campaign_id": k.id},
    )
    (contact_id,) = care.mark_done(
        [item], channel=channel, outcome=outcome, satisfaction=satisfaction, result=result, nps=nps, at=at
    )
    return Contact.get_by_id(contact_id)


def give_gift(
    customer_id: int, what: str, cost_cents: int = 0, *, campaign_id: int | None = None, note: str = ""
) -> GiftGiven:
    what = (what or "").strip()
    if not what:
        raise FieldError("gift", "campaign.v.gift")
    if cost_cents < 0:
        raise FieldError("cost", "v.money_negative")
    return GiftGiven.create(
        customer=customer_id,
        campaign=campaign_id,
        what=what,
        cost_cents=cost_cents,
        note=note,
        operator=session.current_operator(),
    )


def gifts_of(customer_id: int) -> list[GiftGiven]:
    return list(GiftGiven.select().where(GiftGiven.customer == customer_id).order_by(GiftGiven.at.desc()))


def results(campaign_id: int) -> Results:
    """Targets against the hold-out (see the module's notes)."""
    k = Campaign.get_by_id(campaign_id)
    start = dt.datetime.combine(_d(k.start_on), dt.time())
    stop_at = dt.datetime.combine(_d(k.end_on) + dt.timedelta(days=k.window_days + 1), dt.time())
    out = Results(campaign_id)
    groups = {0: out.targets, 1: out.holdout}
    for held, n in database.execute_sql(
        "SELECT holdout, count(*) FROM campaign_member WHERE campaign_id = ? GROUP BY holdout", (campaign_id,)
    ):
        groups[int(held)].size = n
    for held, buyers, sales in database.execute_sql(
        "SELECT m.holdout, count(DISTINCT p.customer_id), COALESCE(SUM(p.amount_cents - p.refunded_cents), 0) "
        "FROM campaign_member m JOIN purchase p ON p.customer_id = m.customer_id AND p.at >= ? AND p.at < ? "
        "WHERE m.campaign_id = ? AND p.amount_cents > 0 GROUP BY m.holdout",
        (_ts(start), _ts(stop_at), campaign_id),
    ):
        groups[int(held)].buyers, groups[int(held)].sales_cents = buyers, sales
    reached_q = ",".join("?" * len(REACHED))
    responded_q = ",".join("?" * len(RESPONDED))
    out.targets.reached, out.targets.responded = database.execute_sql(
        f"SELECT count(DISTINCT CASE WHEN result IN ({reached_q}) THEN customer_id END), "
        f"count(DISTINCT CASE WHEN result IN ({responded_q}) THEN customer_id END) "
        "FROM contact WHERE campaign_id = ?",
        (*REACHED, *RESPONDED, campaign_id),
    ).fetchone()
    # the sales that followed a contact: purchases of a reached target within window_days of it
    out.followed_buyers, out.followed_sales_cents = database.execute_sql(
        "SELECT count(DISTINCT p.customer_id), COALESCE(SUM(p.amount_cents - p.refunded_cents), 0) FROM purchase p "
        "JOIN (SELECT customer_id, MIN(at) first_at FROM contact WHERE campaign_id = ? "
        f"AND result IN ({reached_q}) GROUP BY customer_id) k ON k.customer_id = p.customer_id "
        "WHERE p.at >= k.first_at AND p.at < datetime(k.first_at, ?) AND p.amount_cents > 0",
        (campaign_id, *REACHED, f"+{k.window_days} days"),
    ).fetchone()
    out.gifts, out.gift_cost_cents = database.execute_sql(
        "SELECT count(*), COALESCE(SUM(cost_cents), 0) FROM gift_given WHERE campaign_id = ?", (campaign_id,)
    ).fetchone()
    return out


def _d(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def _ts(value: dt.datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S")
