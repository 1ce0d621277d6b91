"""The engine-dependent SQL spellings give the same answers on both engines (issue #18)."""

from __future__ import annotations

import datetime as dt

from shopcrm.customers import CustomerInput, create
from shopcrm.store import sqlfn
from shopcrm.store.db import database


def test_date_parts_days_and_string_aggregation_agree_on_both_engines(db):
    a = create(CustomerInput(name="张三", mobile="13900000001", birthday=dt.date(1990, 2, 28)))
    create(CustomerInput(name="李四", mobile="13900000002", birthday=dt.date(1985, 12, 7)))
    rows = database.execute_sql(
        f"SELECT {sqlfn.month_of('birthday')}, {sqlfn.month_day_of('birthday')}, {sqlfn.day_of('birthday')}, "
        f"{sqlfn.days_between('?', 'birthday')} FROM customer ORDER BY id",
        ("2026-12-07",),
    ).fetchall()
    assert [tuple(r) for r in rows] == [
        ("1990-02", "02-28", "1990-02-28", (dt.date(2026, 12, 7) - dt.date(1990, 2, 28)).days),
        ("1985-12", "12-07", "1985-12-07", (dt.date(2026, 12, 7) - dt.date(1985, 12, 7)).days),
    ]
    (names,) = database.execute_sql(f"SELECT {sqlfn.group_concat('name', ',')} FROM customer").fetchone()
    assert sorted(names.split(",")) == ["张三", "李四"]
    (born,) = database.execute_sql("SELECT birthday FROM customer WHERE id = ?", (a.id,)).fetchone()
    assert sqlfn.as_date(born) == dt.date(1990, 2, 28)
    (created,) = database.execute_sql("SELECT created_at FROM customer WHERE id = ?", (a.id,)).fetchone()
    assert isinstance(sqlfn.as_datetime(created), dt.datetime)


def test_as_date_and_as_datetime_read_text_and_objects():
    assert sqlfn.as_date("2026-12-07") == sqlfn.as_date(dt.datetime(2026, 12, 7, 9)) == dt.date(2026, 12, 7)
    assert sqlfn.as_datetime("2026-12-07 09:30:00") == dt.datetime(2026, 12, 7, 9, 30)
    assert sqlfn.as_datetime(dt.date(2026, 12, 7)) == dt.datetime(2026, 12, 7)
    assert sqlfn.as_date(None) is None and sqlfn.as_datetime("") is None
