"""今日待办: who to contact today, and why.

:func:`build_today` collects the day's care items from SQL (every source reads an index or one
pass over ``customer``) and drops those already done, skipped or snoozed:

- ``birthday``    solar and lunar birthdays from ``today - overdue_days`` to ``today + birthday_days``
                  (leap month missing -> ordinary month; lunar day 30 -> 29; 29 Feb -> 28 Feb);
- ``anniversary`` dates recorded in ``anniversary`` and the yearly anniversary of ``joined_on``;
- ``festival``    every consenting customer of the chosen grades, ``festival_days`` before each
                  enabled festival up to the festival itself;
- ``visit``       the visit plan by grade: a customer is due when the last contact is older than
                  the grade's interval (30 / visits per month, or ``every_months`` months for
                  grades visited less than monthly: 3 = quarterly, 6 = half-yearly); "first week" grades are also due in
                  the month's first seven days when not contacted yet this month. The most overdue
                  ``visit_daily_limit`` are listed; :func:`visit_backlog` counts them all;
- ``return``      return visits ``offset`` days after each purchase (configurable offsets); a
                  purchase followed by a newer one is not called about (the newer one is); a
                  purchase whose items name a ``return_plans`` category (e.g. 护理: days 1, 7, 30)
                  follows that plan's offsets instead of the default ones;
- ``dormant``     wake-ups ``dormant_days`` after the last purchase, unless contacted since;
- ``complaint``   resolved complaints whose satisfaction follow-up is due;
- ``followup``    a contact's "next follow-up" date (recorded when an item is marked done);
- ``campaign``    the customers a campaign planned for the day (``campaign_member.planned_on``,
                  spread by shopcrm.campaigns under the campaign's daily cap), read from the
                  campaign tables; unhandled ones stay ``overdue_days`` like greetings. Marked
                  done, the contact records the campaign and its result (sent/replied/…).
- ``loyalty``     member benefits about to be lost (issue 14, shopcrm.loyalty): points expiring
                  within 30 days (due 30 days before their last good day), a count card
                  expiring within 30 days with uses left, a count card with one use left.

With ``one_call_a_day`` (the default) a customer has at most one item due on a day: the items
due today or overdue for one customer merge into the first by kind (complaint, follow-up,
return, visit, campaign, greetings, wake-up, loyalty); the others ride along (``CareItem.merged``) and are
done, snoozed or skipped with it, under one contact.

Customers who declined marketing (``consent_marketing`` false) never get birthday, anniversary,
festival, visit-plan or wake-up items; service items (return visits, complaints, follow-ups) stay.
Settings (horizons, intervals, offsets, channels, templates) are JSON in the ``setting`` table.
"""

from __future__ import annotations

import contextlib
import contextvars
import copy
import datetime as dt
import json
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from operator import attrgetter

from shopcrm.core import clock, festivals, texts
from shopcrm.core.errors import FieldError, check_progress
from shopcrm.core.festivals import lunar_date, solar_date, to_lunar
from shopcrm.core.lunar import LunarBirthday, LunarRangeError, format_lunar, lunar_years
from shopcrm.core.money import fmt
from shopcrm.core.texts import SUPPORTED, normal, register, t, t_in, tn
from shopcrm.loyalty import coupons
from shopcrm.sales import activity
from shopcrm.store import sqlfn
from shopcrm.store.db import database, indexed_by, read_snapshot
from shopcrm.store.models import Anniversary, CareAction, Contact, Customer, now
from shopcrm.store.settings import Section, merged

SETTINGS_KEY = "care"

KINDS = (
    "complaint",
    "followup",
    "return",
    "visit",
    "campaign",
    "birthday",
    "anniversary",
    "festival",
    "dormant",
    "loyalty",
)
# campaign purposes that are marketing: only consenting customers get them (shopcrm.campaigns
# chooses its members by the same rule; care checks again on the day, consent may be withdrawn)
CAMPAIGN_MARKETING = frozenset({"promotion", "new_arrivals", "festival"})
MARKETING_KINDS = frozenset({"birthday", "anniversary", "festival", "visit", "dormant"})
ACTIONS = ("done", "snooze", "skip")
ANNIVERSARY_KINDS = ("wedding", "child", "joined", "other")
# care kinds that issue a coupon when done: kind -> loyalty occasion (the owner names the coupon type)
CARE_COUPONS = {"birthday": "birthday", "dormant": "wakeup"}
PLACEHOLDERS = ("{称呼}", "{姓名}", "{店名}", "{节日}", "{积分}", "{余额}", "{生日}", "{商品}")

register(
    {
        "care.kind.birthday": ("生日", "Birthday"),
        "care.kind.anniversary": ("纪念日", "Anniversary"),
        "care.kind.festival": ("节日问候", "Festival greeting"),
        "care.kind.visit": ("定期回访", "Scheduled visit"),
        "care.kind.return": ("购后回访", "After-purchase call"),
        "care.kind.dormant": ("沉睡唤醒", "Wake-up"),
        "care.kind.complaint": ("投诉回访", "Complaint follow-up"),
        "care.kind.followup": ("约定跟进", "Agreed follow-up"),
        "care.kind.campaign": ("活动", "Campaign"),
        "care.reason.campaign": ("活动“{name}”（{start}–{end}）", "Campaign “{name}” ({start}–{end})"),
        "care.kind.loyalty": ("会员权益提醒", "Member benefits reminder"),
        "care.reason.points_expiring": (
            "{points} 积分将于 {date} 到期",
            "{points} points expire after {date}",
        ),
        "care.reason.package_expiring": (
            "计次卡“{name}”剩 {n} 次，{date} 到期",
            (
                "Count card “{name}”: {n} use left, expires after {date}",
                "Count card “{name}”: {n} uses left, expires after {date}",
            ),
        ),
        "care.reason.package_one_left": ("计次卡“{name}”只剩 1 次", "Count card “{name}” has one use left"),
        "care.reason.birthday": ("{date}生日", "Birthday on {date}"),
        "care.reason.birthday_lunar": ("{date}生日（{text}）", "Birthday on {date} ({text})"),
        "care.reason.anniversary": ("{date}{label}", "{label} on {date}"),
        "care.reason.joined": (
            "入会 {n} 周年（{date}）",
            ("{n} year a member ({date})", "{n} years a member ({date})"),
        ),
        "care.reason.festival": ("{date}{name}", "{name} on {date}"),
        "care.reason.visit": (
            "{grade} 类客户，每月 {n} 次；上次联系：{last}",
            (
                "Grade {grade}, once a month; last contact: {last}",
                "Grade {grade}, {n} times a month; last contact: {last}",
            ),
        ),
        "care.reason.visit_first_week": (
            "{grade} 类客户，本月第一周须联系一次；上次联系：{last}",
            "Grade {grade}: first contact of the month due in its first week; last contact: {last}",
        ),
        "care.reason.never": ("从未联系", "never"),
        "care.reason.visit_months": (
            "{grade} 类客户，每 {n} 个月一次；上次联系：{last}",
            (
                "Grade {grade}, every month; last contact: {last}",
                "Grade {grade}, every {n} months; last contact: {last}",
            ),
        ),
        "care.reason.merged": ("{reason}（另有 {n} 项：{kinds}）", "{reason} (and {n} more: {kinds})"),
        "care.setting.every_months": ("{grade} 类每几个月联系一次", "Months between contacts for grade {grade}"),
        "care.setting.return_plan": ("购后回访计划“{plan}”", "Return-visit plan “{plan}”"),
        "care.reason.return": (
            "{date}购买{items}后第 {days} 天：{label}",
            "Day {days} after buying {items} on {date}: {label}",
        ),
        "care.reason.dormant": (
            "已 {n} 天未消费（上次 {date}）",
            ("No purchase for {n} day (last {date})", "No purchase for {n} days (last {date})"),
        ),
        "care.reason.complaint": (
            "投诉（{category}）已处理，{date}回访满意度",
            "Complaint ({category}) resolved; satisfaction call due {date}",
        ),
        "care.reason.followup": ("{date}约定跟进：{purpose}", "Follow-up agreed for {date}: {purpose}"),
        "care.due.today": ("今天", "today"),
        "care.due.late": ("逾期 {n} 天", ("{n} day late", "{n} days late")),
        "care.due.ahead": ("{n} 天后", ("in {n} day", "in {n} days")),
        "care.due.snoozed": ("（推迟到 {date}）", " (snoozed to {date})"),
        "care.anniv.wedding": ("结婚纪念日", "Wedding anniversary"),
        "care.anniv.child": ("孩子生日", "Child's birthday"),
        "care.anniv.joined": ("入会纪念日", "Membership anniversary"),
        "care.anniv.other": ("纪念日", "Anniversary"),
        "care.salutation.F": ("{surname}女士", "Ms {surname}"),
        "care.salutation.M": ("{surname}先生", "Mr {surname}"),
        "care.lunar_date": ("{text}", "lunar {leap}month {m}, day {d}"),
        "care.lunar_leap": ("", "leap "),
        "care.message_language": ("给客户的话术语言", "Language of messages to customers"),
        "care.our_shop": ("本店", "our shop"),
        "care.v.until_past": (
            "推迟日期 {value} 必须晚于今天（{today}）",
            "The snooze date {value} must be after today ({today})",
        ),
        "care.v.skip_reason": ("跳过须填写原因", "Skipping needs a reason"),
        "care.v.month": ("月份“{value}”不对：应为 1–12", "Month “{value}” must be 1–12"),
        "care.v.day": ("日期“{value}”不对：{month} 月没有这一天", "Day “{value}” does not exist in month {month}"),
        "care.v.label": ("纪念日须填写名称", "An anniversary needs a name"),
        "care.v.setting": (
            "设置“{name}”的值“{value}”不对：{reason}",
            "Setting “{name}” = “{value}” is invalid: {reason}",
        ),
        "care.v.placeholder": (
            "模板“{name}”里有未知的占位符 {value}；可用：{allowed}",
            "Template “{name}” has an unknown placeholder {value}; allowed: {allowed}",
        ),
        "care.date": ("{m}月{d}日", "{m}/{d}"),
        "care.export.sheet": ("今日待办", "Today"),
        "care.export.due": ("到期", "Due"),
        "care.export.kind": ("类别", "Type"),
        "care.export.name": ("客户", "Customer"),
        "care.export.mobile": ("手机", "Mobile"),
        "care.export.reason": ("事由", "Reason"),
        "care.export.channel": ("建议渠道", "Channel"),
        "care.export.message": ("话术/短信", "Message"),
        "care.contact.purpose": ("{kind}：{reason}", "{kind}: {reason}"),
        "field.until": ("推迟到", "Snooze until"),
        "field.skip_reason": ("跳过原因", "Reason for skipping"),
        "field.anniversary": ("纪念日", "Anniversary"),
    }
)

DEFAULT_TEMPLATES = {
    "birthday": "{称呼}您好！{店名}祝您生日快乐（{生日}）！您现有积分 {积分} 分，生日期间到店有小礼物相送。",
    "anniversary": "{称呼}您好！{节日}快乐，{店名}祝您和家人幸福美满！",
    "festival": "{称呼}您好！{节日}将至，{店名}祝您和家人{节日}快乐、万事如意！",
    "visit": "{称呼}您好，我是{店名}的店员，最近一切都好吗？有什么需要随时找我们。",
    "dormant": "{称呼}您好，好久不见！{店名}上了不少新品，您的余额 {余额} 元、积分 {积分} 分随时可用，欢迎回来看看。",
    "complaint": "{称呼}您好，我是{店名}。您之前反映的问题已经处理，想听听您是否满意，还有什么需要改进的？",
    "followup": "{称呼}您好，我是{店名}，按之前的约定给您回个电话。",
    "loyalty": "{称呼}您好，{店名}提醒您：您的会员权益快到期了，您现有积分 {积分} 分，欢迎有空来店里使用。",
}

# the default templates in English, used when the shop writes to its customers in English and
# has not rewritten the template (a template the shop wrote itself is sent as written)
DEFAULT_TEMPLATES_EN = {
    "birthday": "Dear {称呼}, happy birthday ({生日}) from all of us at {店名}! You have {积分} points, "
    "and a small gift is waiting for you in the shop this week.",
    "anniversary": "Dear {称呼}, happy {节日}! Best wishes to you and your family from {店名}.",
    "festival": "Dear {称呼}, {节日} is coming: {店名} wishes you and your family a happy {节日}!",
    "visit": "Dear {称呼}, this is {店名}. We hope all is well; let us know any time if you need anything.",
    "dormant": "Dear {称呼}, we have missed you! {店名} has many new arrivals, and your balance of "
    "{余额} yuan and {积分} points are waiting for you.",
    "complaint": "Dear {称呼}, this is {店名}. The problem you told us about has been dealt with; "
    "are you happy with how it went, and is there anything we could do better?",
    "followup": "Dear {称呼}, this is {店名}, calling back as we agreed.",
    "loyalty": "Dear {称呼}, a reminder from {店名}: some of your member benefits run out soon; "
    "you have {积分} points. We look forward to seeing you.",
}
RETURN_TEMPLATES_EN = {
    3: "Dear {称呼}, this is {店名}. How are you getting on with the {商品} you bought a few days "
    "ago? Tell us any time if something is not right.",
    30: "Dear {称呼}, {店名} here: the {商品} you bought last time may be running low. Shall we put one aside for you?",
}

DEFAULTS: dict = {
    "shop_name": "",  # empty: the shop name of the general settings, else "本店"
    # the language of every message drafted for customers, whatever the interface language
    "message_language": "zh_CN",
    "birthday_days": 7,  # birthdays and anniversaries listed this many days ahead
    "festival_days": 3,  # festival greetings listed this many days before
    "overdue_days": 7,  # greetings, return visits and wake-ups stay this long when not handled
    "service_overdue_days": 60,  # complaint and agreed follow-ups stay this long
    "festivals": list(festivals.BUILTIN_KEYS),
    "shop_dates": [],  # [{"name": "店庆", "month": 5, "day": 18, "lunar": false}]
    "festival_grades": ["A", "B", "C"],
    "default_grade": "C",  # grade of customers not graded yet ("" = no visit plan for them)
    "visit_plan": {
        "A": {"per_month": 3, "channel": "visit", "first_week": True},
        "B": {"per_month": 2, "channel": "wechat", "first_week": False},
        "C": {"per_month": 1, "channel": "phone", "first_week": False},
    },
    "visit_daily_limit": 30,  # visit-plan items listed per day (most overdue first); 0 = all
    # items read per source (birthdays, festivals, return visits…), in the source's order: what a
    # day can hold; the rest is counted (TodayList.more) and loaded on request
    "source_cap": 500,
    # return visits by product or service category: a purchase whose items contain ``match``
    # follows these offsets instead of ``return_offsets``, e.g.
    # {"name": "护理", "match": "护理", "offsets": [{"days": 1, "label": "…", "template": "…"}, …]}
    "return_plans": [],
    "one_call_a_day": True,  # a customer's items due on one day merge into one
    "return_offsets": [
        {
            "days": 3,
            "label": "问问用得怎么样",
            "template": "{称呼}您好，我是{店名}。您前几天买的{商品}用得怎么样？有问题随时告诉我们。",
        },
        {
            "days": 30,
            "label": "快用完了吗",
            "template": "{称呼}您好，{店名}提醒您：上次买的{商品}快用完了吧？需要的话可以帮您预留。",
        },
    ],
    "dormant_days": 90,
    "join_anniversary": True,
    "channels": {
        "birthday": "wechat",
        "anniversary": "wechat",
        "festival": "sms",
        "return": "phone",
        "dormant": "sms",
        "complaint": "phone",
        "followup": "phone",
        "loyalty": "wechat",
    },
    "templates": DEFAULT_TEMPLATES,
}


# --- settings ---------------------------------------------------------------------------------


def load_settings() -> dict:
    """The care settings: the stored JSON merged over :data:`DEFAULTS`."""
    return SETTINGS.load()


register(
    {
        "care.setting.birthday_days": ("生日和纪念日提前列出天数", "Days ahead for birthdays and anniversaries"),
        "care.setting.source_cap": ("每类最多列出项数", "Items listed per kind at most"),
        "care.setting.festival_days": ("节日问候提前列出天数", "Days ahead for festival greetings"),
        "care.setting.overdue_days": (
            "未处理的问候、回访、唤醒保留天数",
            "Days unhandled greetings, return visits and wake-ups stay",
        ),
        "care.setting.service_overdue_days": (
            "未处理的投诉回访和约定跟进保留天数",
            "Days unhandled complaint and agreed follow-ups stay",
        ),
        "care.setting.dormant_days": ("沉睡天数", "Days without purchase before a wake-up"),
        "care.setting.visit_daily_limit": ("每天列出的定期回访数", "Scheduled visits listed per day"),
        "care.setting.per_month": ("{grade} 类每月联系次数", "Contacts a month for grade {grade}"),
        "care.setting.visit_channel": ("{grade} 类回访渠道", "Channel for grade {grade}"),
        "care.setting.channel": ("“{kind}”的建议渠道", "Channel for “{kind}”"),
        "care.setting.return_days": ("购后回访天数", "Days after purchase"),
        "care.setting.default_grade": ("未分级客户按哪一级", "Grade of customers not graded yet"),
        "care.setting.festival_grades": ("节日问候的客户等级", "Grades greeted at festivals"),
        "care.v.duplicate_days": ("重复", "listed twice"),
        "care.v.empty": ("不能为空", "must not be empty"),
        "care.v.plan_name": (
            "第 {row} 个购后回访计划须写明类别（购买的商品里含有这个词的按这个计划回访）",
            "Return-visit plan {row} needs a category (purchases whose items contain it follow the plan)",
        ),
        "care.v.plan_days": (
            "购后回访计划“{plan}”的天数“{value}”不对：{reason}（例如 1,7,30）",
            "Return-visit plan “{plan}”: the days “{value}” are invalid: {reason} (e.g. 1,7,30)",
        ),
        "care.v.plan_twice": ("类别“{plan}”有两个购后回访计划", "The category “{plan}” has two return-visit plans"),
        "care.v.days_number": ("应为 1–730 之间的整数，用逗号分开", "whole numbers 1–730, separated by commas"),
        "care.v.days_none": ("至少要有一天", "at least one day is needed"),
        "care.plan.label": ("{plan}后第 {days} 天回访", "{plan}: day {days} follow-up"),
    }
)


def _bad(name: str, value, reason: str, **params) -> FieldError:
    label = t(f"care.setting.{name}", **params)
    return FieldError("setting", "care.v.setting", name=label, value=value, reason=reason)


def validate_settings(s: dict) -> dict:
    """Check every number, grade and template; raises FieldError naming the setting."""
    s = merged(DEFAULTS, s)
    for name, lo, hi in (
        ("birthday_days", 0, 60),
        ("festival_days", 0, 30),
        ("overdue_days", 0, 365),
        ("service_overdue_days", 0, 3650),
        ("dormant_days", 7, 3650),
        ("visit_daily_limit", 0, 100_000),
        ("source_cap", 10, 1_000_000),
    ):
        v = s[name]
        if not isinstance(v, int) or isinstance(v, bool) or not lo <= v <= hi:
            raise _bad(name, v, f"{lo}–{hi}")
    if s["message_language"] not in SUPPORTED:
        raise FieldError(
            "setting",
            "care.v.setting",
            name=t("care.message_language"),
            value=s["message_language"],
            reason="/".join(SUPPORTED),
        )
    channels = "/".join(t(f"channel.{c}") for c in activity.CHANNELS)
    for grade, plan in s["visit_plan"].items():
        per = plan.get("per_month")
        if not isinstance(per, int) or isinstance(per, bool) or not 0 <= per <= 30:
            raise _bad("per_month", per, "0–30", grade=grade)
        every = plan.get("every_months", 0)
        if not isinstance(every, int) or isinstance(every, bool) or not 0 <= every <= 24:
            raise _bad("every_months", every, "0–24", grade=grade)
        if plan.get("channel") not in activity.CHANNELS:
            raise _bad("visit_channel", plan.get("channel"), channels, grade=grade)
    if s["default_grade"] not in ("", *s["visit_plan"]):
        raise _bad("default_grade", s["default_grade"], "/".join(s["visit_plan"]))
    if not set(s["festival_grades"]) <= set(s["visit_plan"]):
        raise _bad("festival_grades", ",".join(s["festival_grades"]), "/".join(s["visit_plan"]))
    for kind, ch in s["channels"].items():
        if ch not in activity.CHANNELS:
            raise _bad("channel", ch, channels, kind=kind_text(kind) if kind in KINDS else kind)
    for plan in [{"offsets": s["return_offsets"]}, *s["return_plans"]]:
        if "match" in plan and not str(plan.get("match", "")).strip():
            raise _bad("return_plan", plan.get("match"), t("care.v.empty"), plan=plan.get("name", ""))
        seen = set()
        for off in plan.get("offsets", []):
            d = off.get("days")
            if not isinstance(d, int) or isinstance(d, bool) or not 1 <= d <= 730:
                raise _bad("return_days", d, "1–730")
            if d in seen:
                raise _bad("return_days", d, t("care.v.duplicate_days"))
            seen.add(d)
            check_template(f"return:{d}", off.get("template", ""))
    for sd in s["shop_dates"]:
        check_date(sd.get("month"), sd.get("day"), bool(sd.get("lunar")))
        if not str(sd.get("name", "")).strip():
            raise FieldError("anniversary", "care.v.label")
    for kind, text in s["templates"].items():
        check_template(kind, text)
    return s


# a new day of a category plan starts with this message (the shop edits it like the others)
PLAN_TEMPLATE = "{称呼}您好，我是{店名}。您在本店的{商品}感觉怎么样？有需要随时告诉我们。"


def parse_days(text: str, plan: str) -> list[int]:
    """ "1,7,30" (commas, 、 or spaces) as sorted whole days 1–730; FieldError naming the plan."""
    parts = [p for p in re.split(r"[,，、;；\s]+", (text or "").strip()) if p]

    def bad(reason_key: str) -> FieldError:
        return FieldError("setting", "care.v.plan_days", plan=plan, value=text, reason=t(reason_key))

    if not parts:
        raise bad("care.v.days_none")
    if not all(p.isdigit() and 1 <= int(p) <= 730 for p in parts):
        raise bad("care.v.days_number")
    days = [int(p) for p in parts]
    if len(set(days)) != len(days):
        raise bad("care.v.duplicate_days")
    return sorted(days)


def return_plan_rows(plans: list[tuple[str, str]], previous: list[dict] | None = None) -> list[dict]:
    """``return_plans`` from (category, days text) rows as an editor shows them: each a plan
    matching purchases whose items contain the category, its offsets keeping the label and
    template of a day it already had (``previous``) and the defaults for a new day. FieldError
    naming the row or the plan for a missing category, a category twice or wrong days."""
    before = {str(p.get("match", "")).strip(): p for p in previous or []}
    out, seen = [], set()
    for row, (name, days_text) in enumerate(plans, 1):
        name = (name or "").strip()
        if not name:
            raise FieldError("setting", "care.v.plan_name", row=row)
        if name in seen:
            raise FieldError("setting", "care.v.plan_twice", plan=name)
        seen.add(name)
        old = {o.get("days"): o for o in before.get(name, {}).get("offsets", [])}
        offsets = [
            old.get(d) or {"days": d, "label": t("care.plan.label", plan=name, days=d), "template": PLAN_TEMPLATE}
            for d in parse_days(days_text, name)
        ]
        out.append({**before.get(name, {}), "name": name, "match": name, "offsets": offsets})
    return out


# the care settings: one JSON row, merged over DEFAULTS at every depth, validated before saving
SETTINGS: Section[dict] = Section(SETTINGS_KEY, lambda: copy.deepcopy(DEFAULTS), validate=validate_settings)


def save_settings(s: dict) -> dict:
    from shopcrm.trust import audit, security

    security.require_owner("settings")  # owner only once a PIN is set; logged (issue #7)
    with database.atomic():
        s = SETTINGS.save(s)  # validated first (validate_settings)
        audit.log("settings", detail=SETTINGS_KEY)
    return s


def check_template(name: str, text: str) -> None:
    import re

    for ph in re.findall(r"\{[^{}]*\}", text or ""):
        if ph not in PLACEHOLDERS:
            raise FieldError("setting", "care.v.placeholder", name=name, value=ph, allowed=" ".join(PLACEHOLDERS))


def check_date(month, day, lunar: bool = False) -> None:
    if not isinstance(month, int) or not 1 <= month <= 12:
        raise FieldError("anniversary", "care.v.month", value=month)
    top = 30 if lunar else (29 if month == 2 else 30 if month in (4, 6, 9, 11) else 31)
    if not isinstance(day, int) or not 1 <= day <= top:
        raise FieldError("anniversary", "care.v.day", value=day, month=month)


def shop_name(s: dict) -> str:
    if s.get("shop_name"):
        return s["shop_name"]
    fallback = t_in(message_language(s), "care.our_shop")
    try:
        from shopcrm.store import settings as general

        return general.shop_name() or fallback
    except ImportError:  # the general settings module is optional
        return fallback


# --- dates ------------------------------------------------------------------------------------


def birthday_in_year(year: int, month: int, day: int) -> dt.date:
    """A solar birthday in ``year``: 29 February falls on 28 February in a common year."""
    return solar_date(year, month, day)


def lunar_birthday_in_year(year: int, month: int, day: int, leap: bool = False) -> dt.date:
    """A lunar birthday in lunar year ``year`` (leap month missing -> ordinary month;
    day 30 in a 29-day month -> day 29)."""
    return lunar_date(year, month, day, leap)


@lru_cache(maxsize=4096)
def _occurrences(month: int, day: int, lunar: bool, leap: bool, start: dt.date, end: dt.date) -> tuple[dt.date, ...]:
    out = []
    # lunar: the lunar years covering start..end (LunarRangeError outside the table, never skipped)
    for y in lunar_years(start, end) if lunar else range(start.year, end.year + 1):
        d = lunar_date(y, month, day, leap) if lunar else birthday_in_year(y, month, day)
        if start <= d <= end:
            out.append(d)
    return tuple(out)


@lru_cache(maxsize=8192)
def _day10(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def _day(value) -> dt.date:
    """A stored DATE / DATETIME text as a date (memoised: many rows share a day)."""
    return _day10(str(value)[:10])


@lru_cache(maxsize=1024)
def _birthday_text(month: int, day: int, lunar: bool, leap: bool, lang: str) -> str:
    if lunar:
        return t_in(
            lang,
            "care.lunar_date",
            text=format_lunar(LunarBirthday(month, day, leap)),
            leap=t_in(lang, "care.lunar_leap") if leap else "",
            m=month,
            d=day,
        )
    return _mmdd_text(dt.date(2000, month, day), lang)


def _mmdd_keys(start: dt.date, end: dt.date) -> tuple[set[int], set[int]]:
    """birth_mmdd values that may fall within start..end: (solar, lunar)."""
    solar, lunar = set(), set()
    d = start
    while d <= end:
        solar.add(d.month * 100 + d.day)
        if d.month == 2 and d.day == 28:
            solar.add(229)
        _y, m, day, _leap = to_lunar(d)
        lunar.add(m * 100 + day)
        if day == 29:
            lunar.add(m * 100 + 30)
        d += dt.timedelta(days=1)
    return solar, lunar


# --- items ------------------------------------------------------------------------------------


@dataclass(slots=True)
class CareItem:
    kind: str
    key: str  # stable per occurrence: actions are recorded against (customer_id, key)
    customer_id: int
    name: str
    mobile: str
    gender: str
    points: int
    balance_cents: int
    channel: str
    due: dt.date
    why: tuple  # (message key, params): the reason, formatted only when shown (see ``reason``)
    ctx: dict = field(default_factory=dict)  # template values: 节日, 生日, 商品; "template" for returns
    snoozed_until: dt.date | None = None
    # the same customer's other items due that day, handled with this one (setting one_call_a_day)
    merged: list[CareItem] = field(default_factory=list)

    @property
    def reason(self) -> str:
        text = self._own_reason()
        if self.merged:
            kinds = "、".join(kind_text(m.kind) for m in self.merged)
            return t("care.reason.merged", reason=text, n=len(self.merged), kinds=kinds)
        return text

    def _own_reason(self) -> str:
        key, params = self.why
        if not key:
            return params.get("text", "")
        if self.kind == "return":
            params = {**params, "items": self.details()["商品"]}
        lang = texts.language()
        if "bday" in params:
            params = {**params, "text": _birthday_text(*params["bday"], lang)}
        if "节日" in params or "anniv" in params or "festival" in params:
            params = {**params, "label": occasion_name(params, lang), "name": occasion_name(params, lang)}
        return t(key, **{k: _mmdd_text(v) if isinstance(v, dt.date) else v for k, v in params.items()})

    def details(self) -> dict:
        """The template values, with what was bought read now if it was not read yet."""
        if self.kind == "return" and "商品" not in self.ctx:
            load_details([self])
        return self.ctx

    def days_late(self, today: dt.date) -> int:
        return (today - self.due).days

    def payload(self) -> str:
        return json.dumps(
            {"name": self.name, "reason": self.reason, "channel": self.channel, "ctx": self.details()},
            ensure_ascii=False,
        )


def load_details(items: Iterable[CareItem]) -> None:
    """Read what was bought for the return-visit items that do not have it yet (batched)."""
    need = [i for i in items if i.kind == "return" and "商品" not in i.ctx]
    for n in range(0, len(need), 500):
        chunk = need[n : n + 500]
        ids = [i.ctx["purchase_id"] for i in chunk]
        found = dict(
            database.execute_sql(
                f"SELECT id, items FROM purchase WHERE id IN ({','.join('?' * len(ids))})", ids
            ).fetchall()
        )
        for i in chunk:
            i.ctx["商品"] = found.get(i.ctx["purchase_id"]) or ""


class _Budget:
    """How many rows each source may still read (its cap), and how many it left unread. Every
    source's statements end in ``ORDER BY <its priority> LIMIT ?``: a day lists what it can hold
    instead of every due item (a festival greets every customer), the rest is counted."""

    # the rest is counted up to this many rows (twice what a day holds): at 1M customers the exact
    # counts of a day's return visits (97k) and birthdays (32k) were 600 ms of a 640 ms list, and
    # counted to 10,000 still 265 ms; above it the tab says "还有 1000+ 项"
    # (tests/benchmarks/bench_care.py)
    COUNT_CAP = 1_000

    def __init__(self, caps: dict[str, int]):
        self.left = dict(caps)
        self.more: dict[str, int] = {}
        self.capped: set[str] = set()  # kinds whose count stopped at COUNT_CAP (at least that many)
        self._counts: dict[tuple, int] = {}  # a festival's days read the same customers

    def rows(
        self, kind: str, sql: str, params, order: str, *, count: tuple[str, Sequence] | None = None
    ) -> list[tuple]:
        """``sql`` read in ``order`` up to the kind's cap; ``count`` (statement, parameters)
        selects the same rows more cheaply for the count of the rest (default: ``sql``)."""
        left = self.left[kind]
        params = list(params)
        rows = database.execute_sql(f"{sql} ORDER BY {order} LIMIT ?", [*params, left]).fetchall() if left > 0 else []
        self.left[kind] = left - len(rows)
        if len(rows) >= left:  # cut: count what was left unread (an index range, no Python rows)
            limit = len(rows) + self.COUNT_CAP + 1  # one past the cap tells "exactly" from "at least"
            count_sql, count_params = (sql, params) if count is None else (count[0], list(count[1]))
            key = (count_sql, *count_params, limit)
            if key not in self._counts:
                self._counts[key] = database.execute_sql(
                    f"SELECT count(*) FROM ({count_sql} LIMIT ?) x", [*count_params, limit]
                ).fetchone()[0]
            total = self._counts[key]
            if total >= limit:
                self.capped.add(kind)
                total = limit - 1
            self.add_more(kind, total - len(rows))
        return rows

    def add_more(self, kind: str, n: int) -> None:
        if n > 0:
            self.more[kind] = self.more.get(kind, 0) + n


@dataclass
class TodayList:
    today: dt.date
    items: list[CareItem]
    # messages for the user about what could not be listed (a date past the lunar table)
    problems: list[str] = field(default_factory=list)
    # per kind, the due rows not read because the kind reached its cap ("还有 N 项"; counted
    # before done / skipped items and merging are taken out)
    more: dict[str, int] = field(default_factory=dict)
    # per kind, the cap it was built with (load_more raises one)
    caps: dict[str, int] = field(default_factory=dict)
    # kinds whose ``more`` is a lower bound (the count stopped at _Budget.COUNT_CAP): "10000+"
    more_capped: set[str] = field(default_factory=set)
    store_id: int | None = None  # the store it was built for (None: the whole chain)

    @property
    def due_count(self) -> int:
        """Items due today or overdue (upcoming birthdays and festivals are not counted)."""
        return sum(1 for i in self.items if i.due <= self.today)


_COLS = "c.id, c.name, c.mobile, c.gender, c.points, c.balance_cents, c.pref_channel"


def _active() -> str:
    clauses = ["c.deleted_at IS NULL"]
    if "erased_at" in Customer._meta.fields:
        clauses.append("c.erased_at IS NULL")
    store = _store_scope.get()
    if store is not None:  # build_today of one store: its customers (an int, never typed text)
        # a filter, never the index (step 25's customer_home_store_id): each source's date or key
        # range drives its query, and SQLite without statistics would take the store's members
        # instead (a large store: 160 -> 395 ms for the 100k demo's list)
        clauses.append(f"+c.home_store_id = {int(store)}")
    return " AND ".join(clauses)


# the store whose care list is being built (None: the whole chain; issue #18)
_store_scope: contextvars.ContextVar[int | None] = contextvars.ContextVar("care_store_scope", default=None)


@contextlib.contextmanager
def store_scope(store_id: int | None) -> Iterator[None]:
    """Inside, every source reads one store's customers (their home store; None: the chain)."""
    token = _store_scope.set(store_id)
    try:
        yield
    finally:
        _store_scope.reset(token)


def _grade_expr() -> str:
    if "grade" in Customer._meta.fields:
        return "COALESCE(NULLIF(c.grade, ''), ?)"
    return "?"


_CHANNELS = frozenset(activity.CHANNELS)


def _ch(preferred: str | None, default: str) -> str:
    """The customer's preferred channel when it is one we record, else the occasion's."""
    return preferred if preferred in _CHANNELS else default


def _item(kind, key, row, channel, due, why, ctx=None) -> CareItem:
    cid, name, mobile, gender, points, balance, pref = row[:7]
    return CareItem(kind, key, cid, name, mobile, gender, points, balance, _ch(pref, channel), due, why, ctx or {})


def _mmdd_text(d: dt.date, lang: str | None = None) -> str:
    return t_in(lang or texts.language(), "care.date", m=d.month, d=d.day)


def _birthdays(s, today, start, end, consent, budget: _Budget) -> list[CareItem]:
    solar, lunar = _mmdd_keys(start, end)
    out = []
    ch = s["channels"]["birthday"]
    cols = f"SELECT {_COLS}, c.birth_mmdd, c.lunar_month, c.lunar_day, c.lunar_leap, c.created_at FROM customer c"
    rows = budget.rows(
        "birthday",
        f"{cols} WHERE c.birth_mmdd IN ({','.join('?' * len(solar))}) AND c.lunar_month IS NULL "
        f"AND c.birthday IS NOT NULL AND {_active()} {consent}",
        sorted(solar),
        "c.birth_mmdd, c.id",
    )
    rows += budget.rows(
        "birthday",
        f"{cols} WHERE c.birth_mmdd IN ({','.join('?' * len(lunar))}) AND c.lunar_month IS NOT NULL "
        f"AND {_active()} {consent}",
        sorted(lunar),
        "c.birth_mmdd, c.id",
    )
    for r in rows:
        mmdd, lm, ld, leap = r[7:11]
        if lm:
            if mmdd not in lunar:
                continue
            dates = _occurrences(lm, ld, True, bool(leap), start, end)
            bday = [lm, ld, True, bool(leap)]
        else:
            if mmdd not in solar:
                continue
            m, d = divmod(mmdd, 100)
            dates = _occurrences(m, d, False, False, start, end)
            bday = [m, d, False, False]
        for due in _since_recorded(dates, r[11], today):
            # the reason is shown in the interface language, the message written in the shop's
            # message language: the context keeps the birthday itself, not a text of it
            out.append(
                _item(
                    "birthday",
                    f"birthday:{due.year}",
                    r,
                    ch,
                    due,
                    ("care.reason.birthday_lunar" if lm else "care.reason.birthday", {"date": due, "bday": bday}),
                    {"bday": bday},
                )
            )
    return out


def _since_recorded(dates, created_at, today: dt.date):
    """The occurrences the list could have shown: a greeting day that passed before the customer
    was recorded (an imported shop on its first day) is not overdue, nobody missed it."""
    if not created_at:
        return dates
    recorded = _day(created_at)
    if recorded > today:  # a list built for a day before the record existed: nothing to judge
        return dates
    return [d for d in dates if d >= recorded]


def _anniversaries(s, today, start, end, consent, budget: _Budget) -> list[CareItem]:
    solar, lunar = _mmdd_keys(start, end)
    keys = sorted(solar | lunar)
    ch = s["channels"]["anniversary"]
    out = []
    rows = budget.rows(
        "anniversary",
        f"SELECT {_COLS}, a.id, a.kind, a.label, a.month, a.day, a.lunar, a.leap, a.mmdd, c.created_at "
        f"FROM anniversary a JOIN customer c ON c.id = a.customer_id "
        f"WHERE a.mmdd IN ({','.join('?' * len(keys))}) AND {_active()} {consent}",
        keys,
        "a.mmdd, a.id",
    )
    for r in rows:
        aid, kind, label, m, d, is_lunar, leap, mmdd = r[7:15]
        if mmdd not in (lunar if is_lunar else solar):
            continue
        ctx = {"节日": label} if label else {"anniv": kind if kind in ANNIVERSARY_KINDS else "other"}
        for due in _since_recorded(_occurrences(m, d, bool(is_lunar), bool(leap), start, end), r[15], today):
            out.append(
                _item(
                    "anniversary",
                    f"anniversary:{aid}:{due.year}",
                    r,
                    ch,
                    due,
                    ("care.reason.anniversary", {"date": due, **ctx}),
                    dict(ctx),
                )
            )
    if s["join_anniversary"]:
        days = []
        d = start
        while d <= end:
            days.append(d)
            d += dt.timedelta(days=1)
        mds = sorted(
            {f"{x.month:02d}-{x.day:02d}" for x in days}
            | ({"02-29"} if any(x.month == 2 and x.day == 28 for x in days) else set())
        )
        joined_md = sqlfn.month_day_of("c.joined_on")
        rows = budget.rows(
            "anniversary",
            f"SELECT {_COLS}, c.joined_on, c.created_at FROM customer c "
            f"WHERE {joined_md} IN ({','.join('?' * len(mds))}) "
            f"AND c.joined_on < ? AND {_active()} {consent}",
            [*mds, f"{end.year}-01-01"],
            # the (month-day, id) index in its order, as birthdays: ordered by id alone, every
            # customer of the window's days was sorted (SQLite) or the whole table walked by id
            # (PostgreSQL) for a screenful
            f"{joined_md}, c.id",
        )
        for r in rows:
            joined = _day(r[7])
            for due in _since_recorded(_occurrences(joined.month, joined.day, False, False, start, end), r[8], today):
                years = due.year - joined.year
                if years >= 1:
                    out.append(
                        _item(
                            "anniversary",
                            f"joined:{due.year}",
                            r,
                            ch,
                            due,
                            ("care.reason.joined", {"n": years, "date": due}),
                            {"anniv": "joined"},
                        )
                    )
    return out


def _grade_parts(grades: list[str], default: str) -> list[tuple[str, list]]:
    """The festival's customers as parts in best-grade-first order, each read in id order from
    the grade index (one ORDER BY over a computed grade sorted every consenting customer: 313 ms
    at 1M customers for a screenful). Customers without a grade count as the default grade."""
    parts: list[tuple[str, list]] = []
    for g in sorted(set(grades)):
        parts.append(("c.grade = ?", [g]))
        if g == default:
            parts += [("c.grade IS NULL", []), ("c.grade = ''", [])]
    return parts


def _festivals(s, today, consent, budget: _Budget) -> list[CareItem]:
    end = today + dt.timedelta(days=s["festival_days"])
    due_list = []
    for f in festivals.enabled(s["festivals"], s["shop_dates"]):
        for d in f.occurrences(today, end):
            due_list.append((f, d))
    grades = [g for g in s["festival_grades"] if g]
    if not due_list or not grades:
        return []
    ch = s["channels"]["festival"]
    # each part an equality on the grade index, read in its (grade, id) order: without the hint
    # SQLite walks the whole table in id order for a grade nobody has (240 ms at 1M customers)
    base = f"SELECT {_COLS} FROM customer c {indexed_by('customer_grade')} WHERE {_active()} {consent}"
    parts = _grade_parts(grades, s["default_grade"] or "")
    out: list[CareItem] = []
    for f, d in due_list:
        rows = []  # one reading per greeting day, best grade first
        for where, params in parts:
            rows += budget.rows("festival", f"{base} AND {where}", params, "c.id")
        key = f"festival:{f.key}:{d.isoformat()}"
        ctx = {"节日": f.name, "festival": f.key}
        reason = ("care.reason.festival", {"date": d, **ctx})
        out.extend(
            CareItem("festival", key, r[0], r[1], r[2], r[3], r[4], r[5], _ch(r[6], ch), d, reason, ctx) for r in rows
        )
    return out


def _last_text(value) -> str:
    return str(value)[:10] if value else t("care.reason.never")


_SINCE = "COALESCE(c.last_contact_at, c.joined_on, c.created_at)"  # indexed with grade (0005)


def _visit_plan(s, today) -> list[tuple[str, dict, dt.date]]:
    """(grade, plan, cutoff) per grade with visits: due when the last contact is before cutoff."""
    month_start = today.replace(day=1)
    out = []
    for g in sorted(s["visit_plan"]):
        p = s["visit_plan"][g]
        interval = visit_interval(p)
        if interval is None:
            continue
        cutoff = today - dt.timedelta(days=interval - 1)  # last contact before this day -> due
        if p.get("first_week") and today.day <= 7:
            cutoff = max(cutoff, month_start)
        out.append((g, p, cutoff))
    return out


def visit_interval(plan: dict) -> int | None:
    """Days between visits of a grade's plan: 30 / visits a month, else ``every_months`` months
    (3: quarterly = 91 days, 6: half-yearly = 182 days); None when the grade is not visited."""
    if plan.get("per_month", 0) > 0:
        return max(1, round(30 / plan["per_month"]))
    if plan.get("every_months", 0) > 0:
        return round(plan["every_months"] * 365 / 12)
    return None


def _grade_clauses(s, g) -> list[str]:
    """WHERE clauses selecting grade ``g`` (each an index range): graded customers, and the
    ungraded ones when ``g`` is the default grade."""
    clauses = [f"c.grade = '{g}'"] if g.isalnum() else []
    if s["default_grade"] == g:
        clauses += ["c.grade IS NULL", "c.grade = ''"]
    return clauses


def visit_backlog(today: dt.date | None = None, settings: dict | None = None, *, cap: int | None = None) -> int:
    """How many customers the visit plan says are due (listed today or not), counting at most
    ``cap`` (the tab shows "1000+"); kept out of :func:`build_today`: an exact count reads
    every due customer."""
    today = today or clock.today()
    s = settings if settings is not None else load_settings()
    n = 0
    for g, _p, cutoff in _visit_plan(s, today):
        for clause in _grade_clauses(s, g):
            if cap is not None and n >= cap:
                return cap
            limit, limit_params = ("", []) if cap is None else ("LIMIT ?", [cap - n])
            n += database.execute_sql(
                f"SELECT count(*) FROM (SELECT 1 FROM customer c WHERE {clause} AND {_SINCE} < ? "
                f"AND {_active()} AND c.consent_marketing = TRUE {limit}) x",
                (cutoff.isoformat(), *limit_params),
            ).fetchone()[0]
    return n


def visits_handled(today: dt.date) -> int:
    """Visit-plan items done, skipped or snoozed today: they count against the daily limit."""
    return database.execute_sql(
        "SELECT count(*) FROM care_action WHERE kind = 'visit' AND at >= ? AND at < ?",
        (today.isoformat(), (today + dt.timedelta(days=1)).isoformat()),
    ).fetchone()[0]


def _visits(s, today, skip_keys: set) -> list[CareItem]:
    """The visit plan's most urgent customers: grade by grade (A first), longest without contact
    first, each read in order from the (grade, since) index and stopped at the daily limit. The
    limit is per day: the items handled today count against it, so that a backlog (a new shop's
    imported customers) is spread over the coming days instead of refilling the list."""
    month_start = today.replace(day=1)
    first_week = today.day <= 7
    limit = s["visit_daily_limit"] or 10**9
    if s["visit_daily_limit"]:
        limit -= visits_handled(today)
        if limit <= 0:
            return []
    out: list[CareItem] = []
    for g, p, cutoff in _visit_plan(s, today):
        interval = visit_interval(p) or 30
        rows: list[tuple] = []
        for clause in _grade_clauses(s, g):
            if len(out) + len(rows) >= limit:
                break
            rows += database.execute_sql(
                f"SELECT {_COLS}, {_SINCE}, c.last_contact_at FROM customer c WHERE {clause} "
                f"AND {_SINCE} < ? AND {_active()} AND c.consent_marketing = TRUE "
                # the grade first, as the index has it: PostgreSQL reads the index in order only
                # when the ORDER BY starts with it (``grade IS NULL`` is no equality to its planner;
                # else it sorts every ungraded customer: 46 -> 0.3 ms at 100k). SQLite: the same plan
                f"ORDER BY c.grade, {_SINCE} LIMIT ?",
                (cutoff.isoformat(), limit - len(out) + len(skip_keys)),
            ).fetchall()
        rows.sort(key=lambda r: str(r[7]))
        for r in rows:
            since_v, last = r[7], r[8]
            since_d = dt.date.fromisoformat(str(since_v)[:10])
            due = since_d + dt.timedelta(days=interval)
            key_reason = "care.reason.visit"
            if p.get("first_week") and first_week and since_d < month_start and due > month_start:
                due = month_start
                key_reason = "care.reason.visit_first_week"
            due = min(due, today) if last else today  # never contacted: due now, not "late since joining"
            item = CareItem(
                "visit",
                f"visit:{since_d.isoformat()}",
                r[0],
                r[1],
                r[2],
                r[3],
                r[4],
                r[5],
                p["channel"],
                due,
                (
                    (key_reason, {"grade": g, "n": p["per_month"], "last": _last_text(last)})
                    if p.get("per_month", 0) > 0 or key_reason != "care.reason.visit"
                    else ("care.reason.visit_months", {"grade": g, "n": p["every_months"], "last": _last_text(last)})
                ),
            )
            if (item.customer_id, item.key) in skip_keys:
                continue
            out.append(item)
            if len(out) >= limit:
                return out
    return out


def _return_plans(s) -> list[tuple[list[dict], str, list]]:
    """(offsets, extra WHERE on ``purchase p``, its parameters) per return-visit plan: each
    category plan for purchases naming it, the default offsets for every other purchase."""
    plans = [p for p in s["return_plans"] if str(p.get("match", "")).strip()]
    out = []
    for p in plans:
        out.append((p.get("offsets", []), f"AND {sqlfn.instr('p.items', '?')} > 0", [p["match"].strip()]))
    others = "".join(f" AND {sqlfn.instr('p.items', '?')} = 0" for _ in plans)
    out.append((s["return_offsets"], others, [p["match"].strip() for p in plans]))
    return out


def _returns(s, today, overdue, budget: _Budget) -> list[CareItem]:
    out = []
    ch = s["channels"]["return"]
    for offsets, extra, extra_params in _return_plans(s):
        out += _returns_of(offsets, extra, extra_params, today, overdue, ch, budget)
    return out


def _returns_of(offsets, extra, extra_params, today, overdue, ch, budget: _Budget) -> list[CareItem]:
    out = []
    for off in offsets:
        days = off["days"]
        lo = today - dt.timedelta(days=days + overdue)
        hi = today - dt.timedelta(days=days - 1)
        # the customer's latest purchase only (bought again since: call about the newer one),
        # read from the customer.last_purchase_at index
        # what was bought (purchase.items) is read later, for the rows shown (load_details):
        # the purchase rows are the slowest pages of this query (5.7k rows: 130 -> 59 ms)
        # The purchase is a semi-join (EXISTS) and its id a lookup of the rows read: as a JOIN,
        # PostgreSQL estimates one row and sorts every customer of the range (58k at 1M) before
        # the LIMIT instead of reading the index in order.
        latest = f"FROM purchase p WHERE p.customer_id = c.id AND p.at = c.last_purchase_at {extra}"
        where = (
            f"FROM customer c WHERE c.last_purchase_at >= ? AND c.last_purchase_at < ? AND {_active()} "
            f"AND EXISTS (SELECT 1 {latest})"
        )
        where_params = (lo.isoformat(), hi.isoformat(), *extra_params)
        rows = budget.rows(
            "return",
            f"SELECT {_COLS}, (SELECT max(p.id) {latest}), c.last_purchase_at {where}",
            (*extra_params, *where_params),
            "c.last_purchase_at, c.id",
            count=(f"SELECT 1 {where}", where_params),
        )
        label = off.get("label", "")
        ctx_base = {"template": off.get("template", "")}
        for r in rows:
            bought = _day(r[8])
            out.append(
                CareItem(
                    "return",
                    f"return:{r[7]}:{days}",
                    r[0],
                    r[1],
                    r[2],
                    r[3],
                    r[4],
                    r[5],
                    _ch(r[6], ch),
                    bought + dt.timedelta(days=days),
                    ("care.reason.return", {"date": bought, "days": days, "label": label}),
                    {**ctx_base, "purchase_id": r[7]},
                )
            )
    return out


def _dormant(s, today, overdue, consent, budget: _Budget) -> list[CareItem]:
    n = s["dormant_days"]
    lo = today - dt.timedelta(days=n + overdue)
    hi = today - dt.timedelta(days=n - 1)
    rows = budget.rows(
        "dormant",
        f"SELECT {_COLS}, c.last_purchase_at, c.last_contact_at FROM customer c "
        f"WHERE c.last_purchase_at >= ? AND c.last_purchase_at < ? AND {_active()} {consent}",
        (lo.isoformat(), hi.isoformat()),
        "c.last_purchase_at, c.id",
    )
    ch = s["channels"]["dormant"]
    out = []
    for r in rows:
        last = _day(r[7])
        due = last + dt.timedelta(days=n)
        if r[8] and str(r[8])[:10] >= due.isoformat():
            continue  # contacted since they fell asleep
        out.append(
            _item(
                "dormant",
                f"dormant:{due.isoformat()}",
                r,
                ch,
                due,
                ("care.reason.dormant", {"n": (today - last).days, "date": last.isoformat()}),
            )
        )
    return out


def _loyalty(s, today, budget: _Budget) -> list[CareItem]:
    """Points expiring within 30 days, count cards expiring within 30 days or with one use left
    (a service notice about what the member holds: no marketing consent needed)."""
    from shopcrm.loyalty import packages, points

    found: list[tuple[int, str, dt.date, tuple]] = []
    for e in points.expiring_soon(today, 30):
        found.append(
            (
                e.customer_id,
                f"points:{e.on.isoformat()}",
                e.on - dt.timedelta(days=30),
                ("care.reason.points_expiring", {"points": e.points, "date": e.on.isoformat()}),
            )
        )
    soon = packages.expiring_soon(today, 30)
    for p in soon:
        ends = p.expires_on or today  # (listed only with a last day)
        found.append(
            (
                p.customer_id,
                f"package:{p.id}:expiring",
                ends - dt.timedelta(days=30),
                ("care.reason.package_expiring", {"name": p.product, "n": p.remaining, "date": ends.isoformat()}),
            )
        )
    expiring = {p.id for p in soon}
    for p in packages.one_left(today):
        if p.id not in expiring:
            found.append(
                (
                    p.customer_id,
                    f"package:{p.id}:one_left",
                    today,
                    ("care.reason.package_one_left", {"name": p.product}),
                )
            )
    found.sort(key=lambda f: f[2])  # the soonest to lapse first
    cap = max(budget.left["loyalty"], 0)
    budget.add_more("loyalty", len(found) - cap)
    found = found[:cap]
    rows = _customer_rows(sorted({f[0] for f in found}))
    ch = s["channels"]["loyalty"]
    return [_item("loyalty", key, rows[cid], ch, due, why) for cid, key, due, why in found if cid in rows]


def _complaints(s, today, budget: _Budget) -> list[CareItem]:
    lo = today - dt.timedelta(days=s["service_overdue_days"])
    rows = budget.rows(
        "complaint",
        f"SELECT {_COLS}, k.id, k.followup_due, k.category FROM complaint k JOIN customer c "
        f"ON c.id = k.customer_id WHERE k.status = 'resolved' AND k.followup_due IS NOT NULL "
        f"AND k.followup_due <= ? AND k.followup_due >= ? AND {_active()}",
        (today.isoformat(), lo.isoformat()),
        "k.followup_due, k.id",
    )
    ch = s["channels"]["complaint"]
    out = []
    for r in rows:
        due = dt.date.fromisoformat(str(r[8])[:10])
        out.append(
            _item(
                "complaint",
                f"complaint:{r[7]}:{due.isoformat()}",
                r,
                ch,
                due,
                ("care.reason.complaint", {"category": r[9] or "-", "date": due}),
            )
        )
    return out


def _followups(s, today, budget: _Budget) -> list[CareItem]:
    lo = today - dt.timedelta(days=s["service_overdue_days"])
    rows = budget.rows(
        "followup",
        f"SELECT {_COLS}, k.id, k.next_followup, k.purpose, k.at, c.last_contact_at "
        f"FROM contact k JOIN customer c ON c.id = k.customer_id "
        f"WHERE k.next_followup <= ? AND k.next_followup >= ? AND {_active()}",
        (today.isoformat(), lo.isoformat()),
        "k.next_followup, k.id",
    )
    ch = s["channels"]["followup"]
    out = []
    for r in rows:
        due = dt.date.fromisoformat(str(r[8])[:10])
        last = str(r[11] or "")
        if last > str(r[10]) and last[:10] >= due.isoformat():
            continue  # contacted again on or after the agreed day
        out.append(
            _item(
                "followup",
                f"followup:{r[7]}",
                r,
                ch,
                due,
                ("care.reason.followup", {"date": due, "purpose": r[9] or "-"}),
            )
        )
    return out


def _campaigns(s, today, overdue, budget: _Budget) -> list[CareItem]:
    """The campaign items planned for today and the unhandled ones of the last ``overdue`` days
    (the (planned_on, campaign_id) index; hold-outs have no day and are never read)."""
    marketing = sorted(CAMPAIGN_MARKETING)
    rows = budget.rows(
        "campaign",
        f"SELECT {_COLS}, k.id, k.name, m.planned_on, k.template, k.channel, k.festival, k.start_on, k.end_on "
        f"FROM campaign_member m JOIN campaign k ON k.id = m.campaign_id JOIN customer c ON c.id = m.customer_id "
        f"WHERE m.planned_on >= ? AND m.planned_on <= ? AND k.status = 'active' AND {_active()} "
        f"AND (c.consent_marketing = TRUE OR k.purpose NOT IN ({','.join('?' * len(marketing))}))",
        [(today - dt.timedelta(days=overdue)).isoformat(), today.isoformat(), *marketing],
        "m.planned_on, m.campaign_id, m.customer_id",
    )
    out = []
    for r in rows:
        kid, name, planned, template, channel, fest = r[7:13]
        ctx = {"template": template, "campaign_id": kid}
        if fest:
            ctx["festival"] = fest
        why = ("care.reason.campaign", {"name": name, "start": _day(r[13]), "end": _day(r[14])})
        # the campaign's channel as the owner chose it, not the customer's preferred one
        out.append(_item("campaign", f"campaign:{kid}", (*r[:6], None), channel, _day(planned), why, ctx))
    return out


def _actions(since: dt.date) -> dict[tuple[int, str], tuple]:
    """The latest action per (customer, item key) taken since ``since``."""
    latest: dict[tuple[int, str], tuple] = {}
    for row in database.execute_sql(
        "SELECT customer_id, item_key, action, until, kind, due, payload FROM care_action WHERE at >= ? ORDER BY id",
        (since.isoformat(),),
    ):
        latest[(row[0], row[1])] = row
    return latest


def build_today(
    today: dt.date | None = None,
    settings: dict | None = None,
    caps: dict[str, int] | None = None,
    *,
    store_id: int | None = None,
) -> TodayList:
    """:func:`_build_today` of one store's customers (their home store) when ``store_id`` is given."""
    with store_scope(store_id):
        lst = _build_today(today, settings, caps)
    lst.store_id = store_id
    return lst


def _build_today(
    today: dt.date | None = None, settings: dict | None = None, caps: dict[str, int] | None = None
) -> TodayList:
    """The care list of ``today``: due today, overdue (within the configured windows) and
    upcoming greetings, minus what was done, skipped or snoozed. Sorted by due date. Each kind
    reads at most its cap (``caps``, else the setting ``source_cap``) in its own order; what it
    left unread is counted in ``TodayList.more`` (see :func:`load_more`)."""
    today = today or clock.today()
    s = settings if settings is not None else load_settings()
    caps = {k: (caps or {}).get(k, s["source_cap"]) for k in KINDS}
    budget = _Budget(caps)
    overdue = s["overdue_days"]
    consent = "AND c.consent_marketing = TRUE"
    start = today - dt.timedelta(days=overdue)
    end = today + dt.timedelta(days=s["birthday_days"])
    lookback = max(400, overdue + s["birthday_days"] + s["festival_days"] + s["service_overdue_days"])
    # one read snapshot for every source (on SQLite without taking the write lock)
    with read_snapshot():
        actions = _actions(today - dt.timedelta(days=lookback))
        visit_skips = {
            k
            for k, a in actions.items()
            if a[4] == "visit" and not (a[2] == "snooze" and str(a[3]) <= today.isoformat())
        }
        items: list[CareItem] = []
        items += _complaints(s, today, budget)
        items += _followups(s, today, budget)
        items += _returns(s, today, overdue, budget)
        items += _visits(s, today, visit_skips)
        items += _campaigns(s, today, overdue, budget)
        problems: list[str] = []
        for dated in (
            lambda: _birthdays(s, today, start, end, consent, budget),
            lambda: _anniversaries(s, today, start, end, consent, budget),
            lambda: _festivals(s, today, consent, budget),
        ):
            try:
                items += dated()
            except LunarRangeError as exc:  # the rest of the list still stands; the UI shows why
                if not problems:  # once: every source meets the same end of the table
                    problems.append(exc.message)
        items += _dormant(s, today, overdue, consent, budget)
        items += _loyalty(s, today, budget)
        kept = _apply_actions(items, actions, today, today - dt.timedelta(days=s["service_overdue_days"]))
    if s["one_call_a_day"]:
        kept = merge_per_customer(kept, today)
    # sources were read in KINDS order: a stable sort by date keeps that order within a day
    kept.sort(key=attrgetter("due"))
    return TodayList(today, kept, problems, budget.more, caps, budget.capped)


def load_more(lst: TodayList, kind: str, settings: dict | None = None) -> TodayList:
    """The list again with one more screenful (``source_cap`` items) of ``kind``: the next items
    in the kind's order, merged (one call a day) with everything already shown."""
    s = settings if settings is not None else load_settings()
    caps = dict(lst.caps)
    caps[kind] = caps.get(kind, s["source_cap"]) + s["source_cap"]
    return build_today(lst.today, s, caps, store_id=lst.store_id)


def merge_per_customer(items: list[CareItem], today: dt.date) -> list[CareItem]:
    """At most one item due (today or overdue) per customer: the first by kind (complaint, follow-up,
    return, visit, campaign, birthday, anniversary, festival, wake-up) carries the others in
    ``merged``. Upcoming items (due after today) stay as they are."""
    rank = {k: n for n, k in enumerate(KINDS)}
    due = sorted((i for i in items if i.due <= today), key=lambda i: rank.get(i.kind, len(KINDS)))
    first: dict[int, CareItem] = {}
    for it in due:
        lead = first.setdefault(it.customer_id, it)
        if lead is not it:
            lead.merged.append(it)
    return [i for i in items if i.due > today or first.get(i.customer_id) is i]


def _with_merged(items: Iterable[CareItem]) -> list[tuple[CareItem, int]]:
    """Every item and the items merged into it, with the index of the item they belong to."""
    return [(x, n) for n, it in enumerate(items) for x in (it, *it.merged)]


def _apply_actions(items: list[CareItem], actions: dict, today: dt.date, revive_since: dt.date) -> list[CareItem]:
    if not actions:
        return items
    today_s = today.isoformat()
    kept, seen = [], set()
    for it in items:
        a = actions.get((it.customer_id, it.key))
        if a is not None:
            seen.add((it.customer_id, it.key))
            if a[2] in ("done", "skip"):
                continue
            if a[2] == "snooze":
                if str(a[3]) > today_s:
                    continue
                it.snoozed_until = dt.date.fromisoformat(str(a[3])[:10])
        kept.append(it)
    # snoozed items whose window has passed come back on their day, as they were, and stay
    # as long as service follow-ups do
    since_s = revive_since.isoformat()
    revive = [
        a
        for k, a in actions.items()
        if k not in seen and a[2] == "snooze" and since_s <= str(a[3]) <= today_s and a[4] not in ("visit",)
    ]
    if revive:
        info = _customer_rows([a[0] for a in revive])
        for a in revive:
            row = info.get(a[0])
            if row is None or (a[4] in MARKETING_KINDS and not row[7]):
                continue
            p = json.loads(a[6] or "{}")
            kept.append(
                CareItem(
                    a[4],
                    a[1],
                    row[0],
                    row[1],
                    row[2],
                    row[3],
                    row[4],
                    row[5],
                    _ch(p.get("channel") or row[6], "phone"),
                    dt.date.fromisoformat(str(a[5])[:10]),
                    ("", {"text": p.get("reason", "")}),
                    p.get("ctx", {}),
                    dt.date.fromisoformat(str(a[3])[:10]),
                )
            )
    return kept


def _customer_rows(ids: list[int]) -> dict[int, tuple]:
    out = {}
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        for r in database.execute_sql(
            f"SELECT {_COLS}, c.consent_marketing FROM customer c WHERE c.id IN ({','.join('?' * len(chunk))}) "
            f"AND {_active()}",
            chunk,
        ):
            out[r[0]] = r
    return out


# --- messages ---------------------------------------------------------------------------------

COMPOUND_SURNAMES = (
    "欧阳",
    "司马",
    "上官",
    "诸葛",
    "司徒",
    "东方",
    "皇甫",
    "慕容",
    "长孙",
    "夏侯",
    "令狐",
    "端木",
    "尉迟",
    "公孙",
    "轩辕",
    "宇文",
    "独孤",
    "南宫",
    "西门",
    "呼延",
    "闻人",
    "澹台",
    "公冶",
    "宗政",
    "濮阳",
    "太叔",
    "申屠",
    "钟离",
    "赫连",
    "万俟",
)


def surname(name: str) -> str:
    name = (name or "").strip()
    for s in COMPOUND_SURNAMES:
        if name.startswith(s) and len(name) > 2:
            return s
    return name[:1]


# surnames read differently from the same character elsewhere (pypinyin gives the common reading)
SURNAME_PINYIN = {
    "曾": "Zeng",
    "单": "Shan",
    "解": "Xie",
    "区": "Ou",
    "仇": "Qiu",
    "查": "Zha",
    "朴": "Piao",
    "翟": "Zhai",
    "盖": "Ge",
    "乐": "Yue",
    "覃": "Qin",
    "缪": "Miao",
    "召": "Shao",
    "繁": "Po",
    "员": "Yun",
    "黑": "He",
    "秘": "Bi",
    "长孙": "Zhangsun",
    "尉迟": "Yuchi",
    "万俟": "Moqi",
    "重": "Chong",
    "种": "Chong",
    "宓": "Mi",
    "沈": "Shen",
    "柏": "Bai",
    "薄": "Bo",
    "卜": "Bu",
    "任": "Ren",
    "华": "Hua",
    "纪": "Ji",
}


def surname_latin(chinese: str) -> str:
    """A Chinese surname written in pinyin for an English message: 闫 -> Yan, 欧阳 -> Ouyang."""
    if chinese in SURNAME_PINYIN:
        return SURNAME_PINYIN[chinese]
    from pypinyin import Style, lazy_pinyin

    return "".join(lazy_pinyin(chinese, style=Style.NORMAL, v_to_u=True)).capitalize()


def _is_han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def salutation(name: str, gender: str, lang: str | None = None) -> str:
    """{称呼} in ``lang`` (default: the interface language): 张女士 / 王先生 / 欧阳先生, in English
    Ms Zhang / Mr Wang / Mr Ouyang; the name when the gender is unknown or the name is not
    written in Chinese characters."""
    lang = normal(lang or texts.language())
    name = (name or "").strip()
    if gender in ("F", "M") and name and _is_han(name[0]):
        sur = surname(name)
        return t_in(lang, f"care.salutation.{gender}", surname=surname_latin(sur) if lang == "en" else sur)
    return name


FESTIVAL_NAMES = {
    "festival.new_year": ("元旦", "New Year's Day"),
    "festival.spring": ("春节", "the Spring Festival"),
    "festival.lantern": ("元宵节", "the Lantern Festival"),
    "festival.women": ("妇女节", "Women's Day"),
    "festival.dragon_boat": ("端午节", "the Dragon Boat Festival"),
    "festival.qixi": ("七夕", "Qixi"),
    "festival.mid_autumn": ("中秋节", "the Mid-Autumn Festival"),
    "festival.national": ("国庆节", "National Day"),
    "festival.double_ninth": ("重阳节", "the Double Ninth Festival"),
}
register(FESTIVAL_NAMES)


def occasion_name(ctx: dict, lang: str) -> str:
    """{节日} in ``lang``: a built-in festival or anniversary kind by its name in that language;
    a name the shop wrote itself (店庆, a custom anniversary) as written."""
    key = ctx.get("festival")
    if key and f"festival.{key}" in FESTIVAL_NAMES:
        return t_in(lang, f"festival.{key}")
    if ctx.get("anniv"):
        return t_in(lang, f"care.anniv.{ctx['anniv']}")
    return ctx.get("节日", "")


def render(template: str, values: dict[str, str]) -> str:
    out = template
    for k, v in values.items():
        out = out.replace("{" + k + "}", str(v))
    return out


def message_language(s: dict) -> str:
    """The language the shop writes to its customers in (setting ``message_language``)."""
    return normal(s.get("message_language") or DEFAULTS["message_language"])


def template_for(item: CareItem, s: dict, lang: str | None = None) -> str:
    """The occasion's template; in English the English default while the shop has kept the
    (Chinese) default, a template the shop wrote as written."""
    lang = lang or message_language(s)
    if item.kind == "campaign":
        return item.ctx.get("template", "")
    if item.kind == "return" and item.ctx.get("template"):
        text = item.ctx["template"]
        if lang == "en":
            for off in DEFAULTS["return_offsets"]:
                if text == off["template"] and off["days"] in RETURN_TEMPLATES_EN:
                    return RETURN_TEMPLATES_EN[off["days"]]
        return text
    text = s["templates"].get(item.kind, "")
    if lang == "en" and text == DEFAULT_TEMPLATES.get(item.kind):
        return DEFAULT_TEMPLATES_EN[item.kind]
    return text


def message(item: CareItem, s: dict, shop: str | None = None) -> str:
    """The item's message drafted from its occasion's template (``shop``: the shop name, when
    the caller drafts many messages), wholly in the shop's message language (``s``'s
    ``message_language``) whatever the interface language."""
    lang = message_language(s)
    ctx = item.details()
    bday = ctx.get("bday")
    values = {
        "称呼": salutation(item.name, item.gender, lang),
        "姓名": item.name,
        "店名": shop if shop is not None else shop_name(s),
        "积分": f"{item.points:,}" if lang == "en" else item.points,
        "余额": fmt(item.balance_cents),
        "节日": occasion_name(ctx, lang),
        "生日": _birthday_text(*bday, lang) if bday else ctx.get("生日", ""),
        "商品": ctx.get("商品", ""),
    }
    return render(template_for(item, s, lang), values)


def due_text(item: CareItem, today: dt.date) -> str:
    late = item.days_late(today)
    text = t("care.due.today") if late == 0 else tn("care.due.late", late) if late > 0 else tn("care.due.ahead", -late)
    if item.snoozed_until:
        text += t("care.due.snoozed", date=item.snoozed_until.isoformat())
    return text


def kind_text(kind: str) -> str:
    return t(f"care.kind.{kind}")


# --- actions ----------------------------------------------------------------------------------


def _record(items: Iterable[CareItem], action: str, *, until=None, reason="", contacts=None, at=None) -> int:
    at = at or now()
    items = list(items)
    pairs = _with_merged(items)
    load_details([x for x, _n in pairs])
    rows = []
    for it, n in pairs:
        rows.append(
            dict(
                customer=it.customer_id,
                item_key=it.key,
                kind=it.kind,
                due=it.due,
                action=action,
                until=until,
                reason=reason,
                payload=it.payload(),
                contact=contacts[n] if contacts else None,
                at=at,
            )
        )
    with database.atomic():
        for i in range(0, len(rows), 200):
            CareAction.insert_many(rows[i : i + 200]).execute()
    return len(items)


def mark_done(
    items: Iterable[CareItem],
    *,
    channel: str | None = None,
    outcome: str = "",
    satisfaction: int | None = None,
    next_followup: dt.date | None = None,
    staff: str = "",
    at: dt.datetime | None = None,
    progress=None,
    result: str = "",
    nps: int | None = None,
) -> list[int]:
    """Record a Contact for every item (its channel unless ``channel`` is given) and mark the
    items done, in one transaction. Returns the new contact ids. A complaint follow-up done with
    a satisfaction score also closes the complaint (shopcrm.complaints.record_followup). A
    campaign item's contact records its campaign and ``result`` (``sent`` when not given:
    shopcrm.sales.activity.RESULTS). A birthday greeting or a wake-up done issues the coupon the
    owner named for that occasion (shopcrm.loyalty.coupons.for_occasion; none when none is named)."""
    items = list(items)
    load_details(items)
    at = at or now()
    ids = []
    with database.atomic():
        for n, it in enumerate(items):
            if it.kind == "complaint" and satisfaction is not None:
                # the satisfaction call closes the complaint (and writes the contact itself)
                from shopcrm import complaints

                complaints.record_followup(
                    int(it.key.split(":")[1]),
                    satisfaction,
                    notes=outcome,
                    who=staff,
                    channel=channel or it.channel,
                    at=at,
                )
                c = Contact.select().where(Contact.customer == it.customer_id).order_by(Contact.id.desc()).get()
                if next_followup is not None:
                    c.next_followup = next_followup
                    c.save()
            else:
                campaign = next((x for x in (it, *it.merged) if x.kind == "campaign"), None)
                c = activity.record_contact(
                    it.customer_id,
                    channel=channel or it.channel,
                    purpose=t("care.contact.purpose", kind=kind_text(it.kind), reason=it.reason),
                    outcome=outcome,
                    satisfaction=satisfaction,
                    next_followup=next_followup,
                    staff=staff,
                    at=at,
                    campaign_id=campaign.ctx.get("campaign_id") if campaign else None,
                    result=(result or "sent") if campaign else result,
                    nps=nps,
                )
            ids.append(c.id)
            if it.kind in CARE_COUPONS:  # the coupon the owner attached to this greeting (issue 14)
                coupons.for_occasion(it.customer_id, CARE_COUPONS[it.kind], at=at)
            if n % 100 == 0:
                check_progress(progress, n, len(items))
        _record(items, "done", contacts=ids, at=at)
    return ids


def snooze(items: Iterable[CareItem], until: dt.date, *, today: dt.date | None = None, reason: str = "") -> int:
    """Hide the items until ``until`` (they come back on that day)."""
    today = today or clock.today()
    if until <= today:
        raise FieldError("until", "care.v.until_past", value=until.isoformat(), today=today.isoformat())
    return _record(items, "snooze", until=until, reason=reason)


def skip(items: Iterable[CareItem], reason: str) -> int:
    """Drop the items from the list for good, with a reason."""
    reason = (reason or "").strip()
    if not reason:
        raise FieldError("skip_reason", "care.v.skip_reason")
    return _record(items, "skip", reason=reason)


def history(customer_id: int, limit: int = 200) -> list[CareAction]:
    return list(
        CareAction.select().where(CareAction.customer == customer_id).order_by(CareAction.id.desc()).limit(limit)
    )


# --- anniversaries ----------------------------------------------------------------------------


def add_anniversary(
    customer_id: int,
    kind: str,
    month: int,
    day: int,
    *,
    label: str = "",
    lunar: bool = False,
    leap: bool = False,
    year: int | None = None,
    note: str = "",
) -> Anniversary:
    if kind not in ANNIVERSARY_KINDS:
        raise ValueError(kind)
    check_date(month, day, lunar)
    if kind == "other" and not label.strip():
        raise FieldError("anniversary", "care.v.label")
    return Anniversary.create(
        customer=customer_id,
        kind=kind,
        label=label.strip(),
        month=month,
        day=day,
        lunar=lunar,
        leap=leap and lunar,
        year=year,
        mmdd=month * 100 + day,
        note=note,
    )


def anniversaries_of(customer_id: int) -> list[Anniversary]:
    return list(
        Anniversary.select().where(Anniversary.customer == customer_id).order_by(Anniversary.month, Anniversary.day)
    )


def delete_anniversary(anniversary_id: int) -> None:
    Anniversary.delete().where(Anniversary.id == anniversary_id).execute()


def anniversary_text(a: Anniversary) -> str:
    if a.lunar:
        return format_lunar(LunarBirthday(a.month, a.day, bool(a.leap)))
    return _mmdd_text(dt.date(2000, a.month, a.day))


# --- export -----------------------------------------------------------------------------------


def export_rows(lst: TodayList, s: dict | None = None, items: list[CareItem] | None = None):
    from shopcrm.trust.security import display_mobile  # clerk mode exports 138****5678 (issue #7)

    s = s if s is not None else load_settings()
    items = items if items is not None else lst.items
    load_details(items)
    shop = shop_name(s)
    for it in items:
        yield [
            due_text(it, lst.today),
            kind_text(it.kind),
            it.name,
            display_mobile(it.mobile),
            it.reason,
            channel_text(it.channel),
            message(it, s, shop),
        ]


def channel_text(channel: str) -> str:
    from shopcrm.core.texts import CATALOGUE

    return t(f"channel.{channel}") if f"channel.{channel}" in CATALOGUE else channel


def export_headers() -> list[str]:
    return [t(f"care.export.{k}") for k in ("due", "kind", "name", "mobile", "reason", "channel", "message")]


def export_xlsx(path, lst: TodayList, s: dict | None = None, items: list[CareItem] | None = None, progress=None):
    """The day's list as a call / SMS list (xlsx)."""
    from shopcrm.excel.excel_export import CODE, Column, write_table

    rows = list(export_rows(lst, s, items))
    title = f"{t('care.export.sheet')} {lst.today.isoformat()}"
    headers: list = export_headers()
    headers[3] = Column(headers[3], CODE, 14)  # mobiles stay text
    return write_table(path, title, headers, rows, progress, total=len(rows))
