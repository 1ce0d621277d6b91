"""The lunar calendar against the Hong Kong Observatory's conversion table (issue #19): every 春节,
端午, 中秋 and 除夕 1950-2100 and every lunar month start 1900-2100 (tests/fixtures/lunar_*.csv,
source address in their header), and a clear error outside the table, never a silent gap."""

from __future__ import annotations

import csv
import datetime as dt

import pytest
from conftest import FIXTURES

from shopcrm import care
from shopcrm.core import festivals, lunar
from shopcrm.core.errors import FieldError
from shopcrm.core.lunar import LunarBirthday, LunarRangeError
from shopcrm.core.normalize import parse_birthday

BY_KEY = {f.key: f for f in festivals.BUILTIN}


def rows(name: str) -> list[dict]:
    with open(FIXTURES / name, encoding="utf-8") as fh:
        return list(csv.DictReader(line for line in fh if not line.startswith("#")))


FESTIVALS = rows("lunar_festivals.csv")
MONTHS = rows("lunar_month_starts.csv")


def test_the_tables_cite_their_source_and_cover_the_years_asked_for():
    for name in ("lunar_festivals.csv", "lunar_month_starts.csv"):
        head = (FIXTURES / name).read_text(encoding="utf-8").splitlines()[:3]
        assert any("https://www.hko.gov.hk/en/gts/time/conversion.htm" in line for line in head)
    assert [int(r["lunar_year"]) for r in FESTIVALS] == list(range(1950, 2101))
    assert {int(r["lunar_year"]) for r in MONTHS} == set(range(1900, 2101))
    assert len(MONTHS) == 201 * 12 + sum(1 for y in range(1900, 2101) if lunar.leap_month(y))


def test_every_spring_dragon_boat_mid_autumn_and_eve_1950_to_2100_equals_the_table():
    wrong = []
    for r in FESTIVALS:
        y = int(r["lunar_year"])
        got = {
            "spring": BY_KEY["spring"].date_in(y),
            "dragon_boat": BY_KEY["dragon_boat"].date_in(y),
            "mid_autumn": BY_KEY["mid_autumn"].date_in(y),
            # 除夕: the last day of the year, 腊月三十 or 廿九 (the birthday fall-back)
            "new_years_eve": lunar.lunar_to_solar(y, 12, 30),
        }
        for key, day in got.items():
            if day.isoformat() != r[key]:
                wrong.append((y, key, day.isoformat(), r[key]))
        # and each falls in the solar years' windows the care list asks about
        spring = dt.date.fromisoformat(r["spring"])
        assert BY_KEY["spring"].occurrences(dt.date(spring.year, 1, 1), dt.date(spring.year, 12, 31)) == [spring]
    assert wrong == []


def test_every_lunar_month_start_1900_to_2100_equals_the_table_both_ways():
    wrong = []
    for r in MONTHS:
        y, m, leap, days = int(r["lunar_year"]), int(r["month"]), r["leap"] == "1", int(r["days"])
        first = dt.date.fromisoformat(r["first_day"])
        if lunar.exact_solar(y, m, 1, leap) != first or lunar.month_days(y, m, leap) != days:
            wrong.append(r)
        if lunar.solar_to_lunar(first) != LunarBirthday(m, 1, leap, y):
            wrong.append(r)
        last = first + dt.timedelta(days=days - 1)
        if lunar.solar_to_lunar(last) != LunarBirthday(m, days, leap, y):
            wrong.append(r)
    assert wrong == []


@pytest.mark.parametrize(
    "solar, expected",
    [
        # lunardate (used before) was a day off in these; HKO's table and the libraries agree
        ("1978-09-17", LunarBirthday(8, 15, False, 1978)),  # 中秋 1978
        ("1954-11-25", LunarBirthday(11, 1, False, 1954)),
        ("1933-07-22", LunarBirthday(5, 30, True, 1933)),  # 闰五月三十
        # the libraries disagree; HKO lists these days as the first of the month
        ("2057-09-28", LunarBirthday(9, 1, False, 2057)),
        ("2089-09-04", LunarBirthday(8, 1, False, 2089)),
        ("2097-08-07", LunarBirthday(7, 1, False, 2097)),
        # lunardate gave (2099, 1, 1)
        ("2100-02-09", LunarBirthday(1, 1, False, 2100)),
        ("1900-01-31", LunarBirthday(1, 1, False, 1900)),
        ("2101-01-28", LunarBirthday(12, 29, False, 2100)),  # 除夕 2100, the last day of the table
    ],
)
def test_the_days_where_libraries_were_wrong_or_disagree(solar, expected):
    assert lunar.solar_to_lunar(dt.date.fromisoformat(solar)) == expected
    assert lunar.exact_solar(expected.year, expected.month, expected.day, expected.leap).isoformat() == solar


def test_festivals_of_2100_are_listed():
    year = (dt.date(2100, 1, 1), dt.date(2100, 12, 31))
    assert BY_KEY["spring"].occurrences(*year) == [dt.date(2100, 2, 9)]
    assert BY_KEY["mid_autumn"].occurrences(*year) == [dt.date(2100, 9, 18)]
    # the window at the very end of the table: 除夕 2100 is the table's last day
    assert BY_KEY["spring"].occurrences(dt.date(2101, 1, 1), dt.date(2101, 1, 28)) == []


@pytest.mark.parametrize(
    "call",
    [
        lambda: lunar.solar_to_lunar(dt.date(1900, 1, 30)),
        lambda: lunar.solar_to_lunar(dt.date(2101, 1, 29)),
        lambda: lunar.lunar_to_solar(2101, 1, 1),
        lambda: lunar.exact_solar(1899, 12, 1),
        lambda: BY_KEY["spring"].occurrences(dt.date(2101, 1, 1), dt.date(2101, 3, 1)),
        lambda: BY_KEY["mid_autumn"].occurrences(dt.date(1899, 6, 1), dt.date(1900, 3, 1)),
        lambda: LunarBirthday(3, 8).next_on_or_after(dt.date(2101, 2, 1)),
    ],
)
def test_outside_the_table_a_clear_chinese_error_not_a_silent_gap(call):
    with pytest.raises(LunarRangeError) as info:
        call()
    assert "农历日期只支持农历 1900 年至 2100 年" in str(info.value)
    assert "1900-01-31" in str(info.value) and "2101-01-28" in str(info.value)


def test_a_lunar_birthday_outside_the_table_is_a_field_message():
    with pytest.raises(FieldError) as info:
        parse_birthday("农历1899年三月初八", today=dt.date(2026, 1, 1))
    assert info.value.field == "birthday"
    assert info.value.message == "农历日期“农历1899年三月初八”超出支持范围（农历 1900 年至 2100 年）"
    # a day that does not exist keeps its own message
    with pytest.raises(FieldError, match="不存在"):
        parse_birthday("农历2026年闰三月初一", today=dt.date(2027, 1, 1))


def test_the_care_list_past_the_table_says_why_instead_of_dropping_festivals(db):
    s = care.load_settings()
    s.update(festivals=["spring", "mid_autumn"], festival_days=60)
    lst = care.build_today(dt.date(2101, 1, 20), s)
    assert lst.problems and "农历日期只支持农历 1900 年至 2100 年" in lst.problems[0]
    ok = care.build_today(dt.date(2100, 9, 1), s)
    assert ok.problems == []


def test_the_today_tab_shows_why_festivals_are_missing_past_the_table(app, qtbot, db):
    from shopcrm.ui.today.today_tab import TodayTab

    tab = TodayTab(None, today=dt.date(2101, 2, 10))  # past 除夕 2100, the last day of the table
    qtbot.addWidget(tab)
    tab.refresh()
    assert "农历日期只支持农历 1900 年至 2100 年" in tab.summary.text()
    tab.set_today(dt.date(2100, 9, 1))
    tab.refresh()
    assert "农历" not in tab.summary.text()
