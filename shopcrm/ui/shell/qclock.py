"""The one clock (``shopcrm.core.clock``) in Qt's date types, for date editors' defaults and limits.

Widgets never ask Qt for today's date (Qt's own current-date call would read the wall clock
behind the clock's back, so a test or ``SHOPCRM_NOW`` could not move it)."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, QDateTime, QTime

from shopcrm.core import clock


def to_qdate(value: dt.date) -> QDate:
    return QDate(value.year, value.month, value.day)


def from_qdate(value: QDate) -> dt.date:
    return dt.date(value.year(), value.month(), value.day())


def to_qdatetime(value: dt.datetime) -> QDateTime:
    return QDateTime(to_qdate(value.date()), QTime(value.hour, value.minute, value.second))


def from_qdatetime(value: QDateTime) -> dt.datetime:
    d, t = value.date(), value.time()
    return dt.datetime(d.year(), d.month(), d.day(), t.hour(), t.minute(), t.second())


def today() -> QDate:
    return to_qdate(clock.today())


def now() -> QDateTime:
    return to_qdatetime(clock.now())
