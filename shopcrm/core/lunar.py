"""Lunar (农历) birthdays: parse and write them as people do, and find their solar dates.

Conversion uses ShopCRM's own table of lunar years 1900-2100 (:mod:`shopcrm.core.lunar_data`, the Hong
Kong Observatory's conversion table; ``tests/fixtures/make_lunar_tables.py`` made it and cross-checks it
against four calendar libraries). A date outside that range raises :class:`LunarRangeError`, whose
message says so in the user's language; nothing guesses. Rules for a birthday's date in a given
year: a leap-month birthday falls in the ordinary month of that number when the year has no such
leap month; day 30 falls on day 29 in a 29-day month.
"""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_right
from dataclasses import dataclass

from shopcrm.core.lunar_data import FIRST_YEAR, YEARS
from shopcrm.core.texts import register, t

register(
    {
        "lunar.out_of_range": (
            "农历日期只支持农历 {first} 年至 {last} 年（公历 {start} 至 {end}），“{value}”超出范围",
            "Lunar dates are supported for lunar years {first} to {last} (solar {start} to "
            "{end}); “{value}” is out of range",
        ),
    }
)


def _months() -> tuple[list[int], list[list[tuple[int, bool, int, int]]], list[int]]:
    """(first day ordinal of each lunar year, its months as (month, leap, first ordinal, days),
    its leap month or 0), from the table."""
    starts: list[int] = []
    months: list[list[tuple[int, bool, int, int]]] = []
    leaps: list[int] = []
    for line in YEARS:
        first, leap_text, bits = line.split()
        ordinal = dt.date.fromisoformat(first).toordinal()
        leap = int(leap_text)
        numbers = [m for n in range(1, 13) for m in ((n, False), (n, True))[: 2 if n == leap else 1]]
        ms = []
        for (m, lp), bit in zip(numbers, bits, strict=True):
            ms.append((m, lp, ordinal, 30 if bit == "1" else 29))
            ordinal += ms[-1][3]
        starts.append(ms[0][2])
        months.append(ms)
        leaps.append(leap)
    starts.append(ordinal)  # the day after the last lunar year
    return starts, months, leaps


_STARTS, _MONTHS, _LEAPS = _months()
LAST_YEAR = FIRST_YEAR + len(YEARS) - 1
FIRST_DAY = dt.date.fromordinal(_STARTS[0])  # 1900-01-31, 正月初一 of lunar 1900
LAST_DAY = dt.date.fromordinal(_STARTS[-1] - 1)  # 除夕 of lunar 2100


class LunarRangeError(ValueError):
    """A lunar or solar date outside the lunar calendar table (lunar years 1900-2100). ``message``
    is for the user."""

    def __init__(self, value: object) -> None:
        self.value = value
        super().__init__(self.message)

    @property
    def message(self) -> str:
        return t(
            "lunar.out_of_range",
            first=FIRST_YEAR,
            last=LAST_YEAR,
            start=FIRST_DAY.isoformat(),
            end=LAST_DAY.isoformat(),
            value=self.value,
        )

    def __str__(self) -> str:
        return self.message


def _year_months(year: int, value: object = None) -> list[tuple[int, bool, int, int]]:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise LunarRangeError(value if value is not None else f"{year}")
    return _MONTHS[year - FIRST_YEAR]


def leap_month(year: int) -> int:
    """The leap month of lunar ``year``, 0 when it has none."""
    _year_months(year)
    return _LEAPS[year - FIRST_YEAR]


def month_days(year: int, month: int, leap: bool = False) -> int:
    """29 or 30; ValueError when the year has no such month."""
    for m, lp, _first, days in _year_months(year):
        if m == month and lp == bool(leap):
            return days
    raise ValueError(f"lunar {year} has no {'leap ' if leap else ''}month {month}")


def exact_solar(year: int, month: int, day: int, leap: bool = False) -> dt.date:
    """The solar date of lunar ``year-month-day`` exactly as written: ValueError when that day does
    not exist (a leap month the year lacks, day 30 of a 29-day month), LunarRangeError when the
    year is outside the table."""
    for m, lp, first, days in _year_months(year, f"{year}-{month}-{day}"):
        if m == month and lp == bool(leap):
            if 1 <= day <= days:
                return dt.date.fromordinal(first + day - 1)
            break
    raise ValueError(f"lunar date {year}-{'leap ' if leap else ''}{month}-{day} does not exist")


def lunar_years(start: dt.date, end: dt.date) -> range:
    """The lunar years that have a day within ``start``..``end``; LunarRangeError when part of the
    span is outside the table."""
    return range(_lunar_year(start), _lunar_year(end) + 1)


MONTH_NAMES = ["正", "二", "三", "四", "五", "六", "七", "八", "九", "十", "冬", "腊"]
_MONTH_ALIASES = {
    "一": 1,
    "正": 1,
    "元": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
    "十": 10,
    "十一": 11,
    "冬": 11,
    "十二": 12,
    "腊": 12,
    "臘": 12,
}
_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "两": 2}


@dataclass(frozen=True)
class LunarBirthday:
    month: int
    day: int
    leap: bool = False
    year: int | None = None

    def __str__(self) -> str:
        return format_lunar(self)

    def solar_in(self, year: int) -> dt.date:
        """The solar date of this birthday in the lunar year ``year``."""
        return lunar_to_solar(year, self.month, self.day, self.leap)

    def next_on_or_after(self, day: dt.date) -> dt.date:
        """The first solar date on or after ``day`` on which this birthday falls."""
        year = _lunar_year(day)
        for y in (year, year + 1):  # LunarRangeError past the table
            d = self.solar_in(y)
            if d >= day:
                return d
        raise AssertionError("a lunar year is shorter than a solar one")


def day_name(day: int) -> str:
    if day == 10:
        return "初十"
    if day == 20:
        return "二十"
    if day == 30:
        return "三十"
    tens = ["初", "十", "廿", "三十"][day // 10]
    return tens + "一二三四五六七八九"[day % 10 - 1]


def format_lunar(b: LunarBirthday, prefix: str = "农历") -> str:
    year = f"{b.year}年" if b.year else ""
    return f"{prefix}{year}{'闰' if b.leap else ''}{MONTH_NAMES[b.month - 1]}月{day_name(b.day)}"


def _parse_day(text: str) -> int | None:
    text = text.strip()
    if text.isdigit():
        return int(text)
    m = re.fullmatch(r"(初|十|廿|二十|三十|卅)?([一二三四五六七八九十])?", text)
    if not m or not text:
        return None
    head, tail = m.group(1), m.group(2)
    if head is None:
        return {"十": 10}.get(tail) if tail == "十" else (_DIGITS.get(tail) if tail else None)
    if head == "初":
        return 10 if tail == "十" else _DIGITS.get(tail) if tail else None
    if head == "十":
        return 10 + _DIGITS[tail] if tail and tail != "十" else (10 if not tail else None)
    if head in ("廿", "二十"):
        return 20 + _DIGITS[tail] if tail and tail != "十" else (20 if not tail else None)
    if head in ("三十", "卅"):
        return 30 if not tail else None
    return None


_LUNAR_RE = re.compile(
    r"^(?:农历|阴历|農曆|陰曆)\s*(?:(\d{4})\s*年)?\s*(闰|閏)?\s*([正元冬腊臘一二三四五六七八九十]+|\d{1,2})\s*月\s*(.+?)\s*(?:日)?$"
)


def parse_lunar(text: str) -> LunarBirthday | None:
    """``农历三月初八`` / ``阴历闰四月初五`` / ``农历1988年冬月初十`` / ``农历3月8日`` -> LunarBirthday.
    Returns None when the text is not written as a lunar date; raises ValueError when it is one
    but does not exist (e.g. 农历十三月, a leap month the given year does not have)."""
    m = _LUNAR_RE.match(text.strip())
    if not m:
        return None
    year = int(m.group(1)) if m.group(1) else None
    leap = bool(m.group(2))
    mtext = m.group(3)
    month = int(mtext) if mtext.isdigit() else _MONTH_ALIASES.get(mtext)
    day = _parse_day(m.group(4))
    if not month or not day or not 1 <= month <= 12 or not 1 <= day <= 30:
        raise ValueError(text)
    b = LunarBirthday(month, day, leap, year)
    if year is not None:
        # the exact date must exist in that year
        try:
            exact_solar(year, month, day, leap)
        except LunarRangeError:
            raise LunarRangeError(text) from None
        except ValueError as exc:
            raise ValueError(text) from exc
    return b


def lunar_to_solar(year: int, month: int, day: int, leap: bool = False) -> dt.date:
    """Solar date of lunar ``year-month-day`` with the birthday fall-back rules (leap month
    missing -> ordinary month; day 30 missing -> day 29). LunarRangeError outside the table;
    ValueError for a month or day no year has (13, 31)."""
    if leap and leap_month(year) != month:
        leap = False
    if day == 30 and month_days(year, month, leap) == 29:
        day = 29
    return exact_solar(year, month, day, leap)


def solar_to_lunar(day: dt.date) -> LunarBirthday:
    """The lunar date of a solar day; LunarRangeError outside the table."""
    ordinal = day.toordinal()
    i = bisect_right(_STARTS, ordinal) - 1
    if not 0 <= i < len(_MONTHS):
        raise LunarRangeError(day.isoformat())
    for m, lp, first, days in _MONTHS[i]:
        if ordinal < first + days:
            return LunarBirthday(m, ordinal - first + 1, lp, FIRST_YEAR + i)
    raise AssertionError(day)


def _lunar_year(day: dt.date) -> int:
    """The lunar year in which a solar day falls; LunarRangeError outside the table."""
    year = solar_to_lunar(day).year
    assert year is not None  # solar_to_lunar always gives the year
    return year
