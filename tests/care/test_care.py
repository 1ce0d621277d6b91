"""今日待办 (issue #6): dates, festivals, the day's list from every source, actions, consent,
templates, settings and the xlsx call list. Every test uses a fixed "today"."""

from __future__ import annotations

import datetime as dt
import subprocess

import pytest
from conftest import ROOT, TEST_DAY, xlsx_rows

from shopcrm import care, customers as C
from shopcrm.core import clock, festivals
from shopcrm.core.errors import FieldError
from shopcrm.core.lunar import LunarBirthday
from shopcrm.sales import activity
from shopcrm.store.db import database
from shopcrm.store.models import CareAction, Contact, Customer

pytestmark = pytest.mark.usefixtures("fixed_day")  # the clock stands on TEST_DAY

TODAY = TEST_DAY
HAS_GRADE = "grade" in Customer._meta.fields

_mobiles = iter(range(13800000000, 13900000000))


def make(name="张丽", *, gender="F", birthday=None, consent=True, joined=dt.date(2026, 11, 1), **kw) -> Customer:
    """A customer recorded on the day they joined (a greeting day that passed before the record
    existed is nobody's oversight, so the recording day matters)."""
    with clock.fixed(min(joined, TODAY)):
        return C.create(
            C.CustomerInput(
                name=name,
                mobile=str(next(_mobiles)),
                birthday=birthday,
                consent_marketing=consent,
                joined_on=joined,
                extra={"gender": gender},
                **kw,
            ),
            today=TODAY,
        )


def quiet(**overrides) -> dict:
    """Settings with only the sources a test looks at switched on."""
    s = care.load_settings()
    s.update(
        visit_plan={g: {**p, "per_month": 0} for g, p in s["visit_plan"].items()},
        festivals=[],
        join_anniversary=False,
        return_offsets=[],
        dormant_days=3650,
        one_call_a_day=False,  # each source's own items (merging: tests/care/test_visit_plans.py)
    )
    s.update(overrides)
    return s


def kinds(lst, customer_id=None):
    return sorted((i.kind, i.due.isoformat()) for i in lst.items if customer_id is None or i.customer_id == customer_id)


# --- dates -------------------------------------------------------------------------------------


def test_leap_month_birthday_with_and_without_that_leap_month():
    # 2020 has a leap fourth month (闰四月); 2026 has none (its leap month is none; 2025: 闰六月)
    assert festivals.lunar_date(2020, 4, 5, True) == dt.date(2020, 5, 27)  # 闰四月初五
    assert festivals.lunar_date(2020, 4, 5, False) == dt.date(2020, 4, 27)  # 四月初五
    assert care.lunar_birthday_in_year(2026, 4, 5, True) == care.lunar_birthday_in_year(2026, 4, 5)
    assert care.lunar_birthday_in_year(2026, 4, 5, True) == dt.date(2026, 5, 21)
    assert care.lunar_birthday_in_year(2025, 6, 10, True) == dt.date(2025, 8, 3)  # 闰六月初十
    assert care.lunar_birthday_in_year(2025, 6, 10, False) == dt.date(2025, 7, 4)


def test_lunar_day_30_in_a_29_day_month_falls_on_29():
    assert festivals.lunar_month_days(2026, 2) == 29 and festivals.lunar_month_days(2026, 3) == 30
    assert care.lunar_birthday_in_year(2026, 2, 30) == care.lunar_birthday_in_year(2026, 2, 29)
    assert care.lunar_birthday_in_year(2026, 2, 30) == dt.date(2026, 4, 16)
    assert care.lunar_birthday_in_year(2026, 3, 30) == dt.date(2026, 5, 16)
    # 腊月三十 (除夕) in a year whose twelfth month has 29 days is the last day of the year
    assert care.lunar_birthday_in_year(2026, 12, 30) + dt.timedelta(days=1) == festivals.BUILTIN[1].date_in(2027)


def test_29_february_in_common_and_leap_years():
    assert care.birthday_in_year(2026, 2, 29) == dt.date(2026, 2, 28)
    assert care.birthday_in_year(2028, 2, 29) == dt.date(2028, 2, 29)
    assert care.birthday_in_year(2026, 3, 1) == dt.date(2026, 3, 1)


@pytest.mark.parametrize(
    "key,year,expected",
    [
        ("mid_autumn", 2025, "2025-10-06"),
        ("mid_autumn", 2026, "2026-09-25"),
        ("mid_autumn", 2027, "2027-09-15"),
        ("mid_autumn", 2028, "2028-10-03"),
        ("spring", 2025, "2025-01-29"),
        ("spring", 2026, "2026-02-17"),
        ("spring", 2027, "2027-02-06"),
        ("spring", 2028, "2028-01-26"),
        ("lantern", 2026, "2026-03-03"),
        ("dragon_boat", 2025, "2025-05-31"),
        ("dragon_boat", 2026, "2026-06-19"),
        ("qixi", 2026, "2026-08-19"),
        ("double_ninth", 2026, "2026-10-18"),
        ("women", 2027, "2027-03-08"),
        ("national", 2026, "2026-10-01"),
        ("new_year", 2027, "2027-01-01"),
    ],
)
def test_festival_dates_over_several_years(key, year, expected):
    f = next(f for f in festivals.BUILTIN if f.key == key)
    assert f.date_in(year).isoformat() == expected


def test_festival_occurrences_across_the_new_year():
    little_new_year = festivals.shop_festival("小年", 12, 23, lunar=True)  # falls in January/February
    assert little_new_year.occurrences(dt.date(2027, 1, 1), dt.date(2027, 2, 28)) == [dt.date(2027, 1, 30)]
    new_year = festivals.BUILTIN[0]
    assert new_year.occurrences(dt.date(2026, 12, 30), dt.date(2027, 1, 2)) == [dt.date(2027, 1, 1)]


# --- birthdays ---------------------------------------------------------------------------------


def test_solar_and_lunar_birthdays_today_ahead_and_overdue(db):
    today_c = make("张丽", birthday=dt.date(1990, 11, 22))
    ahead = make("王强", gender="M", birthday=dt.date(1985, 11, 29))
    too_far = make("李娜", birthday=dt.date(1985, 11, 30))
    late = make("赵敏", birthday=dt.date(1980, 11, 18))
    # lunar 十月十六 2026 = 2026-11-24 (the tenth month starts on 2026-11-09)
    lunar = make("陈静", birthday=LunarBirthday(10, 16))
    lst = care.build_today(TODAY, quiet())
    got = {i.customer_id: i for i in lst.items}
    assert got[today_c.id].due == TODAY and got[today_c.id].days_late(TODAY) == 0
    assert got[ahead.id].due == dt.date(2026, 11, 29)
    assert too_far.id not in got
    assert got[late.id].due == dt.date(2026, 11, 18) and got[late.id].days_late(TODAY) == 4
    assert care.due_text(got[late.id], TODAY) == "逾期 4 天"
    assert got[lunar.id].due == care.lunar_birthday_in_year(2026, 10, 16) == dt.date(2026, 11, 24)
    assert "农历十月十六" in got[lunar.id].reason
    assert "农历十月十六" in care.message(got[lunar.id], quiet())
    assert lst.due_count == 2  # today and overdue; upcoming birthdays are listed, not counted
    # horizon and overdue window come from the settings
    narrow = care.build_today(TODAY, quiet(birthday_days=0, overdue_days=0))
    assert [i.customer_id for i in narrow.items] == [today_c.id]


def test_leap_month_and_day_30_birthdays_in_the_list(db):
    leap = make("周芳", birthday=LunarBirthday(4, 5, leap=True))
    day30 = make("吴霞", birthday=LunarBirthday(2, 30))
    # 2026 has no 闰四月: the birthday falls on 四月初五 = 2026-05-21
    lst = care.build_today(dt.date(2026, 5, 21), quiet(birthday_days=0, overdue_days=0))
    assert [i.customer_id for i in lst.items] == [leap.id]
    # 2026's second lunar month has 29 days: 二月三十 falls on 二月廿九 = 2026-04-16
    lst = care.build_today(dt.date(2026, 4, 16), quiet(birthday_days=0, overdue_days=0))
    assert [i.customer_id for i in lst.items] == [day30.id]
    # in 2020 (闰四月) the leap-month birthday is in the leap month, not the ordinary one
    assert not care.build_today(dt.date(2020, 4, 27), quiet(birthday_days=0, overdue_days=0)).items
    lst = care.build_today(dt.date(2020, 5, 27), quiet(birthday_days=0, overdue_days=0))
    assert [i.customer_id for i in lst.items] == [leap.id]


def test_29_february_birthday_on_28_february(db):
    c = make("郑红", birthday=dt.date(2000, 2, 29))
    common = care.build_today(dt.date(2027, 2, 28), quiet(birthday_days=0, overdue_days=0))
    assert [(i.customer_id, i.due) for i in common.items] == [(c.id, dt.date(2027, 2, 28))]
    leap_year = care.build_today(dt.date(2028, 2, 28), quiet(birthday_days=0, overdue_days=0))
    assert leap_year.items == []
    assert care.build_today(dt.date(2028, 2, 29), quiet(birthday_days=0, overdue_days=0)).items


def test_anniversaries_recorded_and_membership(db):
    c = make("孙婷", joined=dt.date(2023, 11, 24))
    care.add_anniversary(c.id, "wedding", 11, 25)
    care.add_anniversary(c.id, "child", 10, 16, lunar=True, label="儿子生日")  # 2026-11-24
    with pytest.raises(FieldError, match="11 月没有这一天"):
        care.add_anniversary(c.id, "wedding", 11, 31)
    lst = care.build_today(TODAY, quiet(join_anniversary=True))
    reasons = sorted(i.reason for i in lst.items)
    assert reasons == ["11月24日儿子生日", "11月25日结婚纪念日", "入会 3 周年（11月24日）"]
    msg = care.message(next(i for i in lst.items if "结婚" in i.reason), quiet())
    assert msg.startswith("孙女士您好！结婚纪念日快乐")


# --- festivals ---------------------------------------------------------------------------------


def test_festival_greetings_a_few_days_before(db):
    a = make("林慧")
    b = make("何勇", gender="M", consent=False)
    s = quiet(
        festivals=["mid_autumn", "national"],
        festival_days=3,
        shop_dates=[{"name": "店庆", "month": 9, "day": 26, "lunar": False}],
    )
    assert care.build_today(dt.date(2026, 9, 21), s).items == []  # four days before: not yet
    lst = care.build_today(dt.date(2026, 9, 23), s)
    assert {(i.customer_id, i.ctx["节日"], i.due) for i in lst.items} == {
        (a.id, "中秋节", dt.date(2026, 9, 25)),
        (a.id, "店庆", dt.date(2026, 9, 26)),
    }
    assert b.id not in {i.customer_id for i in lst.items}  # declined marketing
    mid = next(i for i in lst.items if i.ctx["节日"] == "中秋节")
    assert care.message(mid, s).startswith("林女士您好！中秋节将至")
    # greetings stop after the festival: no "overdue" festival greetings
    assert not [i for i in care.build_today(dt.date(2026, 9, 27), s).items if i.ctx["节日"] == "中秋节"]


# --- visit plan --------------------------------------------------------------------------------


def _contacted(c, days_ago, today=TODAY):
    activity.record_contact(c.id, at=dt.datetime.combine(today - dt.timedelta(days=days_ago), dt.time(10)))


def _grade(c, g):
    database.execute_sql("UPDATE customer SET grade = ? WHERE id = ?", (g, c.id))


@pytest.mark.skipif(not HAS_GRADE, reason="needs the grade column of issue #5")
def test_visit_plan_per_grade_interval_and_channel(db):
    s = care.load_settings()
    s.update(festivals=[], join_anniversary=False, return_offsets=[], dormant_days=3650)
    rows = {}
    for g, due_days, fresh_days in (("A", 10, 9), ("B", 15, 14), ("C", 30, 29)):
        due, fresh = make(f"{g}甲"), make(f"{g}乙")
        _contacted(due, due_days)
        _contacted(fresh, fresh_days)
        _grade(due, g)
        _grade(fresh, g)
        rows[g] = (due, fresh)
    lst = care.build_today(TODAY, s)
    visits = {i.customer_id: i for i in lst.items if i.kind == "visit"}
    for g, (due, fresh) in rows.items():
        assert due.id in visits and fresh.id not in visits, g
        assert visits[due.id].due == TODAY
    assert visits[rows["A"][0].id].channel == "visit"
    assert visits[rows["C"][0].id].channel == "phone"
    assert "A 类客户，每月 3 次" in visits[rows["A"][0].id].reason
    # A before B before C
    assert [i.customer_id for i in lst.items if i.kind == "visit"] == [rows[g][0].id for g in "ABC"]
    assert care.visit_backlog(TODAY, s) == 3
    assert care.visit_backlog(TODAY, s, cap=2) == 2
    # the daily limit lists the most urgent only
    s["visit_daily_limit"] = 2
    assert [i.customer_id for i in care.build_today(TODAY, s).items] == [rows["A"][0].id, rows["B"][0].id]


@pytest.mark.skipif(not HAS_GRADE, reason="needs the grade column of issue #5")
def test_visit_plan_first_week_rule(db):
    s = care.load_settings()
    s.update(festivals=[], join_anniversary=False, return_offsets=[], dormant_days=3650)
    a, b = make("甲"), make("乙")
    _grade(a, "A")
    _grade(b, "B")
    day3 = dt.date(2026, 12, 3)
    _contacted(a, 5, day3)  # 2026-11-28: recent, but not yet this month
    _contacted(b, 5, day3)
    visits = [i for i in care.build_today(day3, s).items if i.kind == "visit"]
    assert [(i.customer_id, i.due) for i in visits] == [(a.id, dt.date(2026, 12, 1))]
    assert "第一周" in visits[0].reason
    # after the first week the plain interval applies: A every 10 days, B every 15
    later = [i for i in care.build_today(dt.date(2026, 12, 8), s).items if i.kind == "visit"]
    assert [(i.customer_id, i.due) for i in later] == [(a.id, dt.date(2026, 12, 8))]
    assert "第一周" not in later[0].reason
    care.mark_done(later, at=dt.datetime(2026, 12, 8, 9))
    assert [i.customer_id for i in care.build_today(dt.date(2026, 12, 13), s).items if i.kind == "visit"] == [b.id]


def test_visit_plan_default_grade_for_ungraded(db):
    s = care.load_settings()
    s.update(festivals=[], join_anniversary=False, return_offsets=[], dormant_days=3650)
    never = make("从未", joined=dt.date(2026, 9, 1))
    recent = make("新客", joined=dt.date(2026, 11, 1))
    old = make("久未", joined=dt.date(2025, 1, 1))
    _contacted(old, 40)
    visits = {i.customer_id: i for i in care.build_today(TODAY, s).items if i.kind == "visit"}
    assert set(visits) == {never.id, old.id}  # C: once a month; joined 3 weeks ago is not due yet
    assert "从未联系" in visits[never.id].reason
    assert recent.id not in visits
    s["default_grade"] = ""
    assert not [i for i in care.build_today(TODAY, s).items if i.kind == "visit"]


# --- return visits, wake-ups, complaints -------------------------------------------------------


def _bought(c, day, items="连衣裙"):
    return activity.record_purchase(c.id, 19900, at=dt.datetime.combine(day, dt.time(15)), items=items)


def test_return_visit_offsets_per_purchase(db):
    s = quiet(return_offsets=care.DEFAULTS["return_offsets"], overdue_days=2)
    a, b, c, d = make("甲"), make("乙"), make("丙"), make("丁")
    p3 = _bought(a, TODAY - dt.timedelta(days=3))
    p30 = _bought(b, TODAY - dt.timedelta(days=30), items="普洱")
    _bought(c, TODAY - dt.timedelta(days=1))  # too recent
    p5 = _bought(d, TODAY - dt.timedelta(days=5))  # day 3 was two days ago: overdue
    lst = care.build_today(TODAY, s)
    got = {(i.customer_id, i.key): i for i in lst.items}
    assert set(got) == {(a.id, f"return:{p3.id}:3"), (b.id, f"return:{p30.id}:30"), (d.id, f"return:{p5.id}:3")}
    assert got[(a.id, f"return:{p3.id}:3")].due == TODAY
    assert "问问用得怎么样" in got[(a.id, f"return:{p3.id}:3")].reason
    msg = care.message(got[(b.id, f"return:{p30.id}:30")], s)
    assert "普洱快用完了吧" in msg
    late = next(i for i in lst.items if i.customer_id == d.id)
    assert late.days_late(TODAY) == 2
    # a newer purchase supersedes the older one's call
    _bought(a, TODAY - dt.timedelta(days=2))
    assert (a.id, f"return:{p3.id}:3") not in {(i.customer_id, i.key) for i in care.build_today(TODAY, s).items}
    # offsets are configurable
    s2 = quiet(return_offsets=[{"days": 5, "label": "五天", "template": "{称呼}"}], overdue_days=0)
    assert [i.customer_id for i in care.build_today(TODAY, s2).items] == [d.id]


def test_dormant_wake_up_and_contact_since(db):
    s = quiet(dormant_days=90, overdue_days=3)
    sleepy, woken, awake = make("沉睡"), make("已唤醒"), make("常客")
    _bought(sleepy, TODAY - dt.timedelta(days=91))
    _bought(woken, TODAY - dt.timedelta(days=90))
    _contacted(woken, 0)
    _bought(awake, TODAY - dt.timedelta(days=10))
    lst = care.build_today(TODAY, s)
    assert [(i.kind, i.customer_id, i.days_late(TODAY)) for i in lst.items] == [("dormant", sleepy.id, 1)]
    assert "已 91 天未消费" in lst.items[0].reason


def test_complaint_follow_up_is_service_and_ignores_consent(db):
    c = make("冯刚", gender="M", consent=False, birthday=dt.date(1990, 11, 22))
    database.execute_sql(
        "INSERT INTO complaint (customer_id, walkin_name, walkin_mobile, received_at, channel, category, "
        "key_points, request, temperament, severity, handler, status, validity, validity_reason, steps, "
        "resolution_type, resolution_notes, followup_due, paused_seconds, created_at, updated_at) "
        "VALUES (?, '', '', '2026-11-10 10:00:00', '', '商品质量', '', '', '', '', '', 'resolved', '', '', "
        "0, '', '', '2026-11-21', 0, '2026-11-10 10:00:00', '2026-11-10 10:00:00')",
        (c.id,),
    )
    _bought(c, TODAY - dt.timedelta(days=3))
    s = quiet(return_offsets=care.DEFAULTS["return_offsets"], festivals=["new_year"])
    lst = care.build_today(TODAY, s)
    assert sorted(i.kind for i in lst.items) == ["complaint", "return"]  # no birthday: no consent
    comp = next(i for i in lst.items if i.kind == "complaint")
    assert comp.days_late(TODAY) == 1 and "商品质量" in comp.reason
    assert care.message(comp, s).startswith("冯先生您好")
    # done with a satisfaction score: the complaint is closed with it, and the item leaves
    [contact_id] = care.mark_done([comp], satisfaction=4, outcome="满意", at=dt.datetime(2026, 11, 22, 11))
    row = database.execute_sql("SELECT status, satisfaction FROM complaint").fetchone()
    assert row == ("closed", 4)
    assert Contact.get_by_id(contact_id).satisfaction == 4
    assert [i.kind for i in care.build_today(TODAY, s).items] == ["return"]


def test_consent_filters_every_marketing_source(db):
    no = make("拒营销", consent=False, birthday=dt.date(1990, 11, 22), joined=dt.date(2020, 11, 22))
    care.add_anniversary(no.id, "wedding", 11, 23)
    _bought(no, TODAY - dt.timedelta(days=90))
    s = care.load_settings()
    s.update(festivals=["new_year"], festival_days=60, dormant_days=90, one_call_a_day=False)
    lst = care.build_today(TODAY, s)
    assert {i.kind for i in lst.items if i.customer_id == no.id} == set()
    database.execute_sql("UPDATE customer SET consent_marketing = TRUE WHERE id = ?", (no.id,))
    lst = care.build_today(TODAY, s)
    assert {i.kind for i in lst.items if i.customer_id == no.id} == {
        "birthday",
        "anniversary",
        "festival",
        "dormant",
        "visit",
    }


def test_deleted_customers_never_appear(db):
    c = make("回收", birthday=dt.date(1990, 11, 22))
    C.soft_delete([c.id])
    assert care.build_today(TODAY, quiet()).items == []


# --- actions -----------------------------------------------------------------------------------


def test_done_records_a_contact_and_leaves_the_list(db):
    c = make("张丽", birthday=dt.date(1990, 11, 22))
    other = make("王芳", birthday=dt.date(1991, 11, 22))
    s = quiet()
    item = next(i for i in care.build_today(TODAY, s).items if i.customer_id == c.id)
    at = dt.datetime(2026, 11, 22, 10, 30)
    [contact_id] = care.mark_done(
        [item], channel="wechat", outcome="很开心", satisfaction=5, next_followup=dt.date(2026, 11, 29), at=at
    )
    contact = Contact.get_by_id(contact_id)
    assert (contact.channel, contact.outcome, contact.satisfaction, contact.next_followup) == (
        "wechat",
        "很开心",
        5,
        dt.date(2026, 11, 29),
    )
    assert contact.purpose.startswith("生日：")
    assert Customer.get_by_id(c.id).last_contact_at == at
    assert [i.customer_id for i in care.build_today(TODAY, s).items] == [other.id]
    # the agreed follow-up comes back on its day as a service item
    later = care.build_today(dt.date(2026, 11, 29), quiet(birthday_days=0, overdue_days=0))
    assert [(i.kind, i.customer_id) for i in later.items] == [("followup", c.id)]
    assert CareAction.get(CareAction.contact == contact_id).action == "done"


def test_done_is_one_transaction(db, monkeypatch):
    _a, _b = make("甲", birthday=dt.date(1990, 11, 22)), make("乙", birthday=dt.date(1990, 11, 22))
    items = care.build_today(TODAY, quiet()).items
    real = activity.record_contact
    calls = []

    def failing(cid, **kw):
        calls.append(cid)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real(cid, **kw)

    monkeypatch.setattr(activity, "record_contact", failing)
    with pytest.raises(RuntimeError):
        care.mark_done(items)
    assert Contact.select().count() == 0 and CareAction.select().count() == 0
    assert len(care.build_today(TODAY, quiet()).items) == 2


def test_snooze_hides_until_the_date_then_returns(db):
    c = make("张丽", birthday=dt.date(1990, 11, 22))
    s = quiet()
    item = care.build_today(TODAY, s).items[0]
    with pytest.raises(FieldError, match="必须晚于今天"):
        care.snooze([item], TODAY, today=TODAY)
    care.snooze([item], dt.date(2026, 11, 24), today=TODAY)
    assert care.build_today(TODAY, s).items == []
    assert care.build_today(dt.date(2026, 11, 23), s).items == []
    back = care.build_today(dt.date(2026, 11, 24), s).items
    assert [(i.customer_id, i.snoozed_until) for i in back] == [(c.id, dt.date(2026, 11, 24))]
    assert "推迟到 2026-11-24" in care.due_text(back[0], dt.date(2026, 11, 24))
    # snoozed past its window (overdue_days=7): it still comes back on the chosen day, as it was
    care.snooze(back, dt.date(2026, 12, 20), today=dt.date(2026, 11, 24))
    revived = care.build_today(dt.date(2026, 12, 20), s).items
    assert [(i.kind, i.customer_id, i.due) for i in revived] == [("birthday", c.id, TODAY)]
    assert revived[0].reason == item.reason
    assert care.build_today(dt.date(2027, 2, 18), s).items  # still there 60 days later
    assert care.build_today(dt.date(2027, 2, 19), s).items == []  # then let go
    care.mark_done(revived)
    assert care.build_today(dt.date(2026, 12, 21), s).items == []


def test_skip_needs_a_reason_and_drops_the_item(db):
    make("张丽", birthday=dt.date(1990, 11, 22))
    s = quiet()
    item = care.build_today(TODAY, s).items[0]
    with pytest.raises(FieldError, match="跳过须填写原因"):
        care.skip([item], "  ")
    care.skip([item], "出国了")
    assert care.build_today(TODAY, s).items == []
    assert care.history(item.customer_id)[0].reason == "出国了"
    # next year's birthday is a new item
    assert care.build_today(dt.date(2027, 11, 22), s).items


# --- messages, settings, export ----------------------------------------------------------------


def test_salutation_and_placeholders():
    assert care.salutation("张丽", "F") == "张女士"
    assert care.salutation("王强", "M") == "王先生"
    assert care.salutation("欧阳娜娜", "F") == "欧阳女士"
    assert care.salutation("李明", "") == "李明"
    assert care.salutation("Lucy", "F") == "Lucy"
    item = care.CareItem(
        "birthday",
        "birthday:2026",
        1,
        "张丽",
        "13800000000",
        "F",
        1200,
        123450,
        "sms",
        TODAY,
        ("", {"text": ""}),
        {"生日": "11月22日"},
    )
    s = dict(
        care.DEFAULTS, shop_name="小美花店", templates={"birthday": "{称呼}/{姓名}/{店名}/{节日}/{积分}/{余额}/{生日}"}
    )
    assert care.message(item, s) == "张女士/张丽/小美花店//1200/1,234.50/11月22日"


def test_settings_round_trip_and_validation(db):
    s = care.load_settings()
    assert s["birthday_days"] == 7 and s["dormant_days"] == 90
    s["birthday_days"] = 14
    s["templates"]["birthday"] = "{称呼}生日快乐"
    s["visit_plan"]["A"]["per_month"] = 4
    care.save_settings(s)
    again = care.load_settings()
    assert again["birthday_days"] == 14 and again["visit_plan"]["A"]["per_month"] == 4
    assert again["templates"]["birthday"] == "{称呼}生日快乐"
    assert again["templates"]["festival"] == care.DEFAULT_TEMPLATES["festival"]  # merged defaults
    with pytest.raises(FieldError, match=r"未知的占位符 {名字}"):
        care.save_settings({**again, "templates": {"birthday": "{名字}你好"}})
    with pytest.raises(FieldError, match="设置“生日和纪念日提前列出天数”的值“-1”不对：0–60"):
        care.save_settings({**again, "birthday_days": -1})
    with pytest.raises(FieldError, match="设置“A 类回访渠道”的值“pigeon”不对：电话/短信"):
        care.save_settings({**again, "visit_plan": {"A": {"per_month": 3, "channel": "pigeon"}}})
    with pytest.raises(FieldError, match=r"购后回访天数.*重复"):
        care.save_settings({**again, "return_offsets": [{"days": 3, "template": ""}, {"days": 3, "template": ""}]})
    with pytest.raises(FieldError, match="未分级客户按哪一级"):
        care.save_settings({**again, "default_grade": "Z"})
    assert care.load_settings()["birthday_days"] == 14


def test_export_xlsx_call_list(db, tmp_path):
    make("张丽", birthday=dt.date(1990, 11, 22))
    make("王强", gender="M", birthday=dt.date(1990, 11, 20))
    s = quiet()
    lst = care.build_today(TODAY, s)
    path = tmp_path / "today.xlsx"
    care.export_xlsx(path, lst, s)
    rows = [list(r) for r in xlsx_rows(path)]
    assert rows[0] == ["到期", "类别", "客户", "手机", "事由", "建议渠道", "话术/短信"]
    assert [r[0] for r in rows[1:]] == ["逾期 2 天", "今天"]
    assert rows[2][2] == "张丽" and rows[2][3].startswith("138") and rows[2][6].startswith("张女士您好")


def test_build_today_reads_sources_without_n_plus_one(db):
    from playhouse.test_utils import count_queries

    def add(n):
        for k in range(n):
            c = make(f"客{k}", birthday=dt.date(1990, 11, 22 - k % 5))
            _bought(c, TODAY - dt.timedelta(days=3))

    s = {**care.load_settings(), "one_call_a_day": False}  # every item counted on its own
    add(2)
    with count_queries() as few:
        small = care.build_today(TODAY, s)
    add(30)
    with count_queries() as many:
        big = care.build_today(TODAY, s)
    assert len(big.items) > len(small.items) + 30
    assert few.count == many.count <= 20
    # what was bought is read for all return visits of an export at once: the query count does not
    # grow with the items (settings, shop name and the masking mode are read once each)
    with count_queries() as export:
        rows = list(care.export_rows(big, care.load_settings()))
    add(30)
    bigger = care.build_today(TODAY, care.load_settings())
    with count_queries() as export_more:
        list(care.export_rows(bigger, care.load_settings()))
    assert export_more.count <= export.count <= 5
    assert sum("连衣裙" in r[4] for r in rows) == 32


def test_domain_never_imports_qt(python_exe):
    code = "import sys; sys.modules['PySide6'] = None; import shopcrm.care, shopcrm.core.festivals; print('ok')"
    out = subprocess.run(
        [python_exe, "-c", code],
        capture_output=True,
        text=True,
        cwd=str(ROOT),
    )
    assert out.stdout.strip() == "ok", out.stderr


def test_cli_today_prints_and_exports(db, db_location, tmp_path, capsys):
    from shopcrm import cli

    make("张丽", birthday=dt.date(1990, 11, 22))
    make("王强", gender="M", birthday=dt.date(1990, 11, 26))
    care.save_settings(quiet())
    assert cli.main(["today", "--db", str(db_location), "--date", "2026-11-22", "--due-only"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 1
    due, kind, name, _mobile, reason, channel = out[0].split("\t")
    assert (due, kind, name, reason, channel) == ("今天", "生日", "张丽", "11月22日生日", "微信")
    path = tmp_path / "list.xlsx"
    assert cli.main(["today", "--db", str(db_location), "--date", "2026-11-22", "--export", str(path)]) == 0
    rows = xlsx_rows(path)
    assert [r[2] for r in rows[1:]] == ["张丽", "王强"]


@pytest.mark.sqlite_only("SQLite's database-wide write lock; PostgreSQL's readers never wait for writers")
def test_build_today_reads_while_another_writer_holds_the_lock(db, db_path):
    import sqlite3
    import time

    c = make("张丽", birthday=dt.date(1990, 11, 22))
    other = sqlite3.connect(db_path, isolation_level=None, timeout=0.1)
    other.execute("BEGIN IMMEDIATE")
    try:
        started = time.perf_counter()
        lst = care.build_today(TODAY, quiet())
        assert time.perf_counter() - started < 2  # did not wait for the writer's lock
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert [i.customer_id for i in lst.items] == [c.id]


def test_birthdays_across_the_new_year(db):
    jan = make("元月", birthday=dt.date(1990, 1, 2))
    dec = make("腊月", birthday=dt.date(1990, 12, 26))
    lunar = make("正月", birthday=LunarBirthday(1, 1))  # 春节 2027-02-06
    lst = care.build_today(dt.date(2026, 12, 30), quiet())
    assert {(i.customer_id, i.due, i.key) for i in lst.items} == {
        (jan.id, dt.date(2027, 1, 2), "birthday:2027"),
        (dec.id, dt.date(2026, 12, 26), "birthday:2026"),
    }
    lst = care.build_today(dt.date(2027, 2, 1), quiet())
    assert [(i.customer_id, i.due) for i in lst.items] == [(lunar.id, dt.date(2027, 2, 6))]


# --- a day's share per source (issue #20) --------------------------------------------------------


def test_each_source_lists_its_cap_counts_the_rest_and_loads_more(db):
    # twelve birthdays today and one return visit: a cap of 10 lists ten birthdays, "2 more"
    born = [make(f"客{n:02d}", birthday=dt.date(1990, TODAY.month, TODAY.day)) for n in range(12)]
    _bought(born[11], TODAY - dt.timedelta(days=3))
    s = quiet(
        source_cap=10,
        one_call_a_day=True,
        return_offsets=[{"days": 3, "label": "回访", "template": "{称呼}您好"}],
    )
    lst = care.build_today(TODAY, s)
    birthdays = [i for i in lst.items if i.kind == "birthday"] + [
        m for i in lst.items for m in i.merged if m.kind == "birthday"
    ]
    assert len(birthdays) == 10 and lst.more == {"birthday": 2}
    assert {i.customer_id for i in birthdays} == {c.id for c in born[:10]}  # the source's order (id)
    # the next screenful: every birthday, and the one-call-a-day merge still holds on what is shown
    more = care.load_more(lst, "birthday", s)
    assert more.more == {} and more.caps["birthday"] == 20
    assert len(more.items) == 12  # one line per customer
    last = next(i for i in more.items if i.customer_id == born[11].id)
    assert last.kind == "return" and [m.kind for m in last.merged] == ["birthday"]


def test_return_visits_are_capped_and_counted_in_the_order_of_the_last_purchase(db):
    # read as a semi-join on the latest purchase (PostgreSQL's plan), counted without its id
    buyers = [make(f"回{n}") for n in range(5)]
    bought = [_bought(c, TODAY - dt.timedelta(days=3 + n)) for n, c in enumerate(buyers)]
    s = quiet(source_cap=2, overdue_days=5, return_offsets=[{"days": 3, "label": "回访", "template": ""}])
    lst = care.build_today(TODAY, s)
    # the source's order is the last purchase's time: the oldest (most overdue) first
    assert [i.key for i in lst.items if i.kind == "return"] == [f"return:{bought[4].id}:3", f"return:{bought[3].id}:3"]
    assert lst.more == {"return": 3}


def test_two_purchases_at_the_same_time_make_one_return_visit(db):
    c = make("同时")
    at = dt.datetime.combine(TODAY - dt.timedelta(days=3), dt.time(15))
    dress = activity.record_purchase(c.id, 100, at=at, items="连衣裙")
    care_ = activity.record_purchase(c.id, 200, at=at, items="护理")
    s = quiet(return_offsets=[{"days": 3, "label": "回访", "template": ""}], overdue_days=0)
    assert [i.key for i in care.build_today(TODAY, s).items] == [f"return:{care_.id}:3"]  # the later one
    # a category plan calls about the purchase that names it, the default offsets about the other
    plan = {"name": "裙", "match": "连衣裙", "offsets": [{"days": 3, "label": "裙", "template": ""}]}
    keys = sorted(i.key for i in care.build_today(TODAY, {**s, "return_plans": [plan]}).items)
    assert keys == sorted([f"return:{dress.id}:3", f"return:{care_.id}:3"])


def test_join_anniversaries_are_capped_in_month_day_order(db):
    # listed from the (month-day, id) index: the earliest day of the window first, whatever the id
    two_days_ago = TODAY - dt.timedelta(days=2)
    late = make("后", joined=dt.date(2020, TODAY.month, TODAY.day))
    early = make("前", joined=dt.date(2021, two_days_ago.month, two_days_ago.day))
    lst = care.build_today(TODAY, quiet(join_anniversary=True, source_cap=1, overdue_days=3, one_call_a_day=False))
    assert [i.customer_id for i in lst.items] == [early.id] and lst.more == {"anniversary": 1}
    assert late.id in {i.customer_id for i in care.load_more(lst, "anniversary").items}


def test_source_cap_is_a_validated_setting(db):
    with pytest.raises(FieldError):
        care.validate_settings({**care.load_settings(), "source_cap": 0})
    assert care.validate_settings({**care.load_settings(), "source_cap": 50})["source_cap"] == 50


def test_the_rest_of_a_kind_is_counted_up_to_a_cap_and_shown_as_a_lower_bound(db, monkeypatch):
    # at 1M customers the exact "还有 N 项" counts were most of the list's time: they stop at
    # COUNT_CAP rows past what is listed and say "at least" (10000+)
    for n in range(9):
        make(f"客{n:02d}", birthday=dt.date(1990, TODAY.month, TODAY.day))
    monkeypatch.setattr(care._Budget, "COUNT_CAP", 3)
    lst = care.build_today(TODAY, quiet(source_cap=4, one_call_a_day=False))
    assert len([i for i in lst.items if i.kind == "birthday"]) == 4
    assert lst.more["birthday"] == 3 and "birthday" in lst.more_capped  # 5 left, counted to 3
    monkeypatch.setattr(care._Budget, "COUNT_CAP", 5)
    lst = care.build_today(TODAY, quiet(source_cap=4, one_call_a_day=False))
    assert lst.more["birthday"] == 5 and "birthday" not in lst.more_capped  # exactly 5 left
