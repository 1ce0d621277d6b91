"""Visit plans of issue #15: grades visited less than monthly (quarterly, half-yearly), return-visit
plans per product or service category, and one call a day per customer (items merge)."""

from __future__ import annotations

import datetime as dt

import pytest
from test_care import TODAY, _bought, _contacted, _grade, make, quiet

from shopcrm import care
from shopcrm.core.errors import FieldError
from shopcrm.store.models import CareAction, Contact

pytestmark = pytest.mark.usefixtures("fixed_day")


def test_quarterly_and_half_yearly_grades(db):
    s = quiet()
    s["visit_plan"] = {
        "A": {"per_month": 2, "channel": "visit", "first_week": False},
        "B": {"per_month": 0, "every_months": 3, "channel": "phone", "first_week": False},
        "C": {"per_month": 0, "every_months": 6, "channel": "phone", "first_week": False},
    }
    assert care.visit_interval(s["visit_plan"]["B"]) == 91 and care.visit_interval(s["visit_plan"]["C"]) == 182
    cases = {}
    for g, due_days, fresh_days in (("A", 15, 14), ("B", 91, 90), ("C", 182, 181)):
        due, fresh = make(f"{g}到期"), make(f"{g}未到", joined=dt.date(2025, 1, 1))
        _contacted(due, due_days)
        _contacted(fresh, fresh_days)
        _grade(due, g)
        _grade(fresh, g)
        cases[g] = (due, fresh)
    visits = {i.customer_id: i for i in care.build_today(TODAY, s).items if i.kind == "visit"}
    for g, (due, fresh) in cases.items():
        assert due.id in visits and fresh.id not in visits, g
    assert "B 类客户，每 3 个月一次" in visits[cases["B"][0].id].reason
    assert "C 类客户，每 6 个月一次" in visits[cases["C"][0].id].reason
    assert care.visit_backlog(TODAY, s) == 3
    # the quiet half-yearly customer is due the next day
    later = {i.customer_id for i in care.build_today(TODAY + dt.timedelta(days=1), s).items if i.kind == "visit"}
    assert cases["C"][1].id in later


def test_every_months_is_validated(db):
    s = care.load_settings()
    s["visit_plan"]["C"] = {"per_month": 0, "every_months": 30, "channel": "phone"}
    with pytest.raises(FieldError, match="C 类每几个月联系一次"):
        care.validate_settings(s)


def test_return_plans_per_category_replace_the_default_offsets(db):
    plan = {
        "name": "护理",
        "match": "护理",
        "offsets": [
            {"days": 1, "label": "护理后第一天", "template": "{称呼}您好，昨天的{商品}感觉怎么样？"},
            {"days": 7, "label": "一周回访", "template": ""},
            {"days": 30, "label": "预约下次", "template": ""},
        ],
    }
    s = quiet(return_offsets=care.DEFAULTS["return_offsets"], return_plans=[plan], overdue_days=0)
    who = {}
    for days in (1, 3, 7, 30):
        who[("护理", days)] = make(f"护理{days}")
        _bought(who[("护理", days)], TODAY - dt.timedelta(days=days), items="面部护理")
        who[("裙", days)] = make(f"裙{days}")
        _bought(who[("裙", days)], TODAY - dt.timedelta(days=days), items="连衣裙")
    items = {(i.customer_id, i.key.split(":")[2]) for i in care.build_today(TODAY, s).items if i.kind == "return"}
    expected = {(who[("护理", d)].id, str(d)) for d in (1, 7, 30)} | {(who[("裙", d)].id, str(d)) for d in (3, 30)}
    assert items == expected
    first = next(i for i in care.build_today(TODAY, s).items if i.customer_id == who[("护理", 1)].id)
    assert care.message(first, s).endswith("昨天的面部护理感觉怎么样？") and "护理后第一天" in first.reason


def test_one_call_a_day_merges_a_customers_items(db):
    s = quiet(return_offsets=care.DEFAULTS["return_offsets"], festivals=["new_year"], festival_days=60)
    c = make("赵敏", birthday=dt.date(1990, TODAY.month, TODAY.day))
    _bought(c, TODAY - dt.timedelta(days=3))
    other = make("钱多", birthday=dt.date(1990, TODAY.month, TODAY.day))
    s["one_call_a_day"] = False
    apart = [i for i in care.build_today(TODAY, s).items if i.customer_id == c.id and i.due <= TODAY]
    assert sorted(i.kind for i in apart) == ["birthday", "return"]
    s["one_call_a_day"] = True
    lst = care.build_today(TODAY, s)
    mine = [i for i in lst.items if i.customer_id == c.id]
    due = [i for i in mine if i.due <= TODAY]
    # one item due today: the return visit (service first) carries the birthday
    assert [i.kind for i in due] == ["return"] and [m.kind for m in due[0].merged] == ["birthday"]
    assert "另有 1 项：生日" in due[0].reason
    # upcoming greetings (the new year) are not calls today and stay apart
    assert any(i.kind == "festival" and i.due > TODAY for i in mine)
    # every customer has at most one item due today
    due_ids = [i.customer_id for i in lst.items if i.due <= TODAY]
    assert len(due_ids) == len(set(due_ids)) and other.id in due_ids
    # one contact for the call; both items are done
    (contact_id,) = care.mark_done(due)
    assert Contact.select().where(Contact.customer == c.id).count() == 1
    assert {a.kind for a in CareAction.select().where(CareAction.contact == contact_id)} == {"return", "birthday"}
    assert not [i for i in care.build_today(TODAY, s).items if i.customer_id == c.id and i.due <= TODAY]


def test_plan_days_are_parsed_and_checked_naming_the_plan():
    assert care.parse_days("30，1、7 ", "护理") == [1, 7, 30]
    for text, reason in (("", "至少"), ("1,0", "1–730"), ("1,731", "1–730"), ("1,a", "1–730"), ("7,7", "重复")):
        with pytest.raises(FieldError, match=reason) as e:
            care.parse_days(text, "护理")
        assert "“护理”" in str(e.value)
    rows = care.return_plan_rows([("护理", "1,7"), ("染发", "30")])
    assert [(p["match"], [o["days"] for o in p["offsets"]]) for p in rows] == [("护理", [1, 7]), ("染发", [30])]
    with pytest.raises(FieldError, match="第 2 个"):
        care.return_plan_rows([("护理", "1"), (" ", "2")])
