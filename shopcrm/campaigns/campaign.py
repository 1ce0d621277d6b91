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
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from shopcrm import care, segments
from shopcrm.campaigns import outbox
from shopcrm.campaigns.channels import Channel
from shopcrm.core import clock, festivals
from shopcrm.core.errors import FieldError, check_progress
from shopcrm.core.texts import register, t
from shopcrm.sales import activity
from shopcrm.segments import SegmentFilter
from shopcrm.store import sqlfn
from shopcrm.store.db import database, executemany
from shopcrm.store.models import Campaign, CampaignMember, Contact, Customer, GiftGiven, Message as MessageRow, now
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
        "campaign.v.gift_future": (
            "赠送日期 {value} 还没到（今天 {today}）",
            "The gift's date {value} is in the future (today is {today})",
        ),
        "campaign.contact.purpose": ("活动：{name}", "Campaign: {name}"),
        "campaign.v.not_sending": (
            "活动的渠道是“{channel}”：只有短信和电子邮件可以直接发送，其他渠道在今日待办里逐个处理",
            "The campaign's channel is “{channel}”: only SMS and e-mail are sent from here; "
            "other channels are worked through in 今日待办",
        ),
        "campaign.sent_outcome": ("已发送（消息 #{id}）：{text}", "Sent (message #{id}): {text}"),
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
    messages: dict[str, int] = field(default_factory=dict)  # messages sent through the outbox, per status

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
        rows: list[tuple[int, int, bool, str | None]] = [
            (k.id, cid, False, day.isoformat()) for cid, day in zip(targets, planned, strict=True)
        ]
        rows += [(k.id, cid, True, None) for cid in held]
        executemany(
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
        "SELECT planned_on, count(*) FROM campaign_member WHERE campaign_id = ? AND holdout = FALSE "
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
    item = _item(k, Customer.get_by_id(customer_id), m.planned_on)
    (contact_id,) = care.mark_done(
        [item], channel=channel, outcome=outcome, satisfaction=satisfaction, result=result, nps=nps, at=at
    )
    return Contact.get_by_id(contact_id)


def _item(k: Campaign, c: Customer, planned_on) -> care.CareItem:
    """The campaign's 今日待办 item of one target (as shopcrm.care lists it)."""
    ctx: dict = {"template": k.template, "campaign_id": k.id}
    if k.festival:
        ctx["festival"] = k.festival
    return care.CareItem(
        "campaign",
        f"campaign:{k.id}",
        c.id,
        c.name,
        c.mobile,
        c.gender,
        c.points,
        c.balance_cents,
        k.channel,
        _d(planned_on or k.start_on),
        ("", {"text": t("campaign.contact.purpose", name=k.name)}),
        ctx,
    )


# --- sending a day's items through the outbox (channels sms / email) ---------------------------

SENDING_CHANNELS = ("sms", "email")


@dataclass
class SendSummary:
    """What :func:`send_due` did, by customer id. ``already``: sent by an earlier run (nothing
    new); ``skipped``: not queued, with the reason (no consent any more, no address, …);
    ``retry_later``: a retryable failure, still queued for the next run; ``unknown``: the request
    left and no answer came (the owner settles it: outbox.resolve)."""

    total: int = 0
    sent: list[int] = field(default_factory=list)
    already: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    unknown: list[int] = field(default_factory=list)
    retry_later: list[int] = field(default_factory=list)
    skipped: dict[int, str] = field(default_factory=dict)


def idempotency_key(campaign_id: int, customer_id: int) -> str:
    return f"campaign:{campaign_id}:{customer_id}"


def due_targets(campaign_id: int, day: dt.date) -> list[tuple[int, str]]:
    """(customer id, planned day) of the targets planned up to ``day`` whose item nobody has
    handled yet (done or skipped in 今日待办), in planned order; none for a stopped campaign."""
    return [
        (cid, str(planned))
        for cid, planned in database.execute_sql(
            "SELECT m.customer_id, m.planned_on FROM campaign_member m JOIN campaign k ON k.id = m.campaign_id "
            "WHERE m.campaign_id = ? AND m.holdout = FALSE AND m.planned_on <= ? AND k.status = 'active' "
            "AND NOT EXISTS (SELECT 1 FROM care_action a WHERE a.customer_id = m.customer_id "
            f"AND a.item_key = ? AND a.action IN ('done', 'skip')) ORDER BY m.planned_on, {sqlfn.insertion_order('m')}",
            (campaign_id, day.isoformat(), f"campaign:{campaign_id}"),
        )
    ]


def send_due(
    campaign_id: int,
    day: dt.date | None = None,
    channels: Mapping[str, Channel] | None = None,
    *,
    progress: Callable[[int, int], object] | None = None,
    timer: outbox.Timer | None = None,
    s: dict | None = None,
) -> SendSummary:
    """Send the campaign's messages due by ``day`` (its unhandled items up to that day) through
    the outbox, one at a time: queued under ``campaign:{id}:{customer}`` (never sent twice, a
    re-run sends only what is left), marketing consent checked again at queuing, then delivered;
    a sent message is recorded at once as the item done with a contact whose result is ``sent``.
    A failed one stays in 今日待办 for a clerk. ``progress`` returning False (Cancel) stops
    between two messages: each one is then either sent and recorded, or not sent at all.
    ``channels``: {campaign channel: Channel}; by default the configured one (outbox.channel_for)."""
    k = Campaign.get_by_id(campaign_id)
    if k.channel not in SENDING_CHANNELS:
        raise FieldError("channel", "campaign.v.not_sending", channel=care.channel_text(k.channel))
    day = day or clock.today()
    if channels is None:
        channels = {k.channel: outbox.channel_for(k.channel, s=s)}
    s = s if s is not None else outbox.load_settings()
    pacer = outbox.Pacer.from_settings(s, timer or outbox.SystemTimer())
    purpose = "marketing" if is_marketing(k.purpose) else "service"
    care_settings = care.load_settings()
    shop = care.shop_name(care_settings)
    subject = outbox.shop_subject() if k.channel == "email" else ""
    targets = due_targets(campaign_id, day)
    out = SendSummary(total=len(targets))
    check_progress(progress, 0, out.total)
    for n, (cid, planned) in enumerate(targets, 1):
        c = Customer.get_by_id(cid)
        item = _item(k, c, planned)
        key = idempotency_key(k.id, cid)
        row = MessageRow.get_or_none(MessageRow.idempotency_key == key)
        if row is not None and row.status == "sent":  # sent by an earlier run that stopped before recording
            _record_sent(item, row.id, row.text)
            out.already.append(cid)
        elif row is not None and row.status != "queued":
            (out.unknown if row.status in ("unknown", "sending") else out.failed).append(cid)
        else:
            try:
                if row is None:
                    care.load_details([item])
                    text = care.message(item, care_settings, shop)
                    q = outbox.queue(
                        cid,
                        k.channel,
                        purpose=purpose,
                        text=text,
                        subject=subject,
                        campaign_id=k.id,
                        idempotency_key=key,
                    )
                    row = MessageRow.get_by_id(q.message_id)
            except FieldError as exc:  # no consent any more, no address, …: nothing queued
                out.skipped[cid] = str(exc)
            else:
                report = outbox.deliver(channels, ids=[row.id], timer=timer, pacer=pacer, wait_for_retries=False, s=s)
                if report.sent:
                    _record_sent(item, row.id, row.text)
                    out.sent.append(cid)
                elif report.unknown:
                    out.unknown.append(cid)
                elif report.failed:
                    out.failed.append(cid)
                else:
                    out.retry_later.append(cid)
        check_progress(progress, n, out.total)
    return out


def day_items(campaign_id: int, day: dt.date | None = None) -> tuple[care.TodayList, list[care.CareItem]]:
    """The campaign's items in 今日待办 of ``day`` (due that day or overdue; an item another
    one carries for the same customer counts), as the clerk sees them."""
    day = day or clock.today()
    lst = care.build_today(day)
    items = [
        i
        for i in lst.items
        if i.due <= day
        and any(x.kind == "campaign" and x.ctx.get("campaign_id") == campaign_id for x in (i, *i.merged))
    ]
    return lst, items


def export_call_list(
    path, campaign_id: int, day: dt.date | None = None, progress: Callable[[int, int], object] | None = None
) -> int:
    """The campaign's items of ``day`` as a call list (xlsx: name, mobile, reason, message), for
    a campaign worked by phone or visit; returns how many rows were written."""
    lst, items = day_items(campaign_id, day)
    care.export_xlsx(path, lst, items=items, progress=progress)
    return len(items)


def _record_sent(item: care.CareItem, message_id: int, text: str) -> None:
    care.mark_done([item], result="sent", outcome=t("campaign.sent_outcome", id=message_id, text=text))


def give_gift(
    customer_id: int,
    what: str,
    cost_cents: int = 0,
    *,
    campaign_id: int | None = None,
    note: str = "",
    on: dt.date | None = None,
) -> GiftGiven:
    """A gift handed to the customer (``on``: the day, default now; never a future day)."""
    what = (what or "").strip()
    if not what:
        raise FieldError("gift", "campaign.v.gift")
    if cost_cents < 0:
        raise FieldError("cost", "v.money_negative")
    today = clock.today()
    if on is not None and on > today:
        raise FieldError("date", "campaign.v.gift_future", value=on.isoformat(), today=today.isoformat())
    at = now() if on is None or on == today else dt.datetime.combine(on, dt.time(12))
    return GiftGiven.create(
        at=at,
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
        groups[int(held)].buyers, groups[int(held)].sales_cents = buyers, int(sales)
    reached_q = ",".join("?" * len(REACHED))
    responded_q = ",".join("?" * len(RESPONDED))
    out.targets.reached, out.targets.responded = database.execute_sql(
        f"SELECT count(DISTINCT CASE WHEN result IN ({reached_q}) THEN customer_id END), "
        f"count(DISTINCT CASE WHEN result IN ({responded_q}) THEN customer_id END) "
        "FROM contact WHERE campaign_id = ?",
        (*REACHED, *RESPONDED, campaign_id),
    ).fetchone()
    # the sales that followed a contact: purchases of a reached target within window_days of it
    followed_buyers, followed_sales = database.execute_sql(
        "SELECT count(DISTINCT p.customer_id), COALESCE(SUM(p.amount_cents - p.refunded_cents), 0) FROM purchase p "
        "JOIN (SELECT customer_id, MIN(at) first_at FROM contact WHERE campaign_id = ? "
        f"AND result IN ({reached_q}) GROUP BY customer_id) k ON k.customer_id = p.customer_id "
        f"WHERE p.at >= k.first_at AND p.at < {sqlfn.plus_days('k.first_at', k.window_days)} AND p.amount_cents > 0",
        (campaign_id, *REACHED),
    ).fetchone()
    out.followed_buyers, out.followed_sales_cents = followed_buyers, int(followed_sales)  # (PostgreSQL: a numeric)
    gifts, gift_cost = database.execute_sql(
        "SELECT count(*), COALESCE(SUM(cost_cents), 0) FROM gift_given WHERE campaign_id = ?", (campaign_id,)
    ).fetchone()
    out.gifts, out.gift_cost_cents = gifts, int(gift_cost)
    out.messages = outbox.counts(campaign_id)
    return out


def _d(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def _ts(value: dt.datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S")
