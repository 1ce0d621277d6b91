"""Lunar (农历) birthdays: parse and write them as people do, and find their solar dates.

Conversion uses the ``lunardate`` tables (1900–2099). Rules for a birthday's date in a given year:
a leap-month birthday falls in the ordinary month of that number when the year has no such leap
month; day 30 falls on day 29 in a 29-day month.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from lunardate import LunarDate

MONTH_NAMES = ["正", "二", "三", "四", "五", "六", "七", "八", "九", "十", "冬", "腊"]
_MONTH_ALIASES = {"一": 1, "正": 1, "元": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
                  "八": 8, "九": 9, "十": 10, "十一": 11, "冬": 11, "十二": 12, "腊": 12, "臘": 12}
_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
           "九": 9, "两": 2}


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
        for y in (day.year - 1, day.year, day.year + 1):
            try:
                d = self.solar_in(y)
            except ValueError:
                continue
            if d >= day:
                return d
        raise ValueError("out of range")


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
            LunarDate(year, month, day, leap).to_solar_date()
        except ValueError as exc:
            raise ValueError(text) from exc
    return b


def lunar_to_solar(year: int, month: int, day: int, leap: bool = False) -> dt.date:
    """Solar date of lunar ``year-month-day`` with the birthday fall-back rules (leap month
    missing -> ordinary month; day 30 missing -> day 29)."""
    for lp in ((True, False) if leap else (False,)):
        for d in (day, 29) if day == 30 else (day,):
            try:
                return LunarDate(year, month, d, lp).to_solar_date()
            except ValueError:
                continue
    raise ValueError(f"lunar date {year}-{month}-{day} out of range")


def solar_to_lunar(day: dt.date) -> LunarBirthday:
    ld = LunarDate.from_solar_date(day.year, day.month, day.day)
    return LunarBirthday(ld.month, ld.day, bool(ld.is_leap_month), ld.year)
