"""Festivals (节日) and their dates, solar and lunar, for greeting lists.

Lunar festivals are computed from the lunar calendar table (:mod:`shopcrm.core.lunar`, lunar years
1900-2100), never hard-coded per year; outside it they raise ``LunarRangeError`` (nothing vanishes
quietly). A shop adds its own dates (店庆, 会员日…) as :class:`Festival` too.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from shopcrm.core import lunar


@dataclass(frozen=True)
class Festival:
    key: str  # stable identifier (built-ins: "spring", "mid_autumn"…; shop dates: "shop:<name>")
    name: str  # what the greeting calls it: 中秋节
    lunar: bool
    month: int
    day: int

    def date_in(self, year: int) -> dt.date:
        """The solar date of this festival in (solar or lunar) year ``year``."""
        if self.lunar:
            return lunar_date(year, self.month, self.day, False)
        return solar_date(year, self.month, self.day)

    def occurrences(self, start: dt.date, end: dt.date) -> list[dt.date]:
        """Every solar date of this festival within ``start``..``end`` (inclusive)."""
        out = []
        # a lunar year's dates all fall within the lunar years that cover start..end
        years = lunar.lunar_years(start, end) if self.lunar else range(start.year, end.year + 1)
        for year in years:
            d = self.date_in(year)
            if start <= d <= end:
                out.append(d)
        return out


BUILTIN: tuple[Festival, ...] = (
    Festival("new_year", "元旦", False, 1, 1),
    Festival("spring", "春节", True, 1, 1),
    Festival("lantern", "元宵节", True, 1, 15),
    Festival("women", "妇女节", False, 3, 8),
    Festival("dragon_boat", "端午节", True, 5, 5),
    Festival("qixi", "七夕", True, 7, 7),
    Festival("mid_autumn", "中秋节", True, 8, 15),
    Festival("national", "国庆节", False, 10, 1),
    Festival("double_ninth", "重阳节", True, 9, 9),
)
BUILTIN_KEYS = tuple(f.key for f in BUILTIN)


def solar_date(year: int, month: int, day: int) -> dt.date:
    """``month/day`` in ``year``; 29 February falls on 28 February in a common year."""
    if month == 2 and day == 29 and not calendar.isleap(year):
        return dt.date(year, 2, 28)
    return dt.date(year, month, day)


@lru_cache(maxsize=8192)
def lunar_date(year: int, month: int, day: int, leap: bool = False) -> dt.date:
    """Solar date of lunar ``year-month-day`` with the anniversary fall-backs: a leap month the
    year does not have -> the ordinary month of that number; day 30 in a 29-day month -> day 29.
    ``lunar.LunarRangeError`` outside lunar years 1900-2100."""
    return lunar.lunar_to_solar(year, month, day, leap)


@lru_cache(maxsize=4096)
def to_lunar(day: dt.date) -> tuple[int, int, int, bool]:
    """(lunar year, month, day, is leap month) of a solar date."""
    b = lunar.solar_to_lunar(day)
    assert b.year is not None  # solar_to_lunar always gives the year
    return b.year, b.month, b.day, b.leap


def lunar_month_days(year: int, month: int, leap: bool = False) -> int:
    return lunar.month_days(year, month, leap)


def shop_festival(name: str, month: int, day: int, lunar: bool = False) -> Festival:
    return Festival(f"shop:{name}", name, bool(lunar), int(month), int(day))


def enabled(builtin_keys: list[str] | tuple[str, ...], shop_dates: list[dict[str, Any]]) -> list[Festival]:
    """The festivals a shop greets: the chosen built-ins plus its own dates
    (``{"name": "店庆", "month": 5, "day": 18, "lunar": false}``)."""
    chosen = [f for f in BUILTIN if f.key in set(builtin_keys)]
    for s in shop_dates:
        chosen.append(shop_festival(s["name"], s["month"], s["day"], s.get("lunar", False)))
    return chosen
