"""The day arithmetic, comparison and hint spellings of shopcrm.store.sqlfn that grading, care and
campaigns use give the same answers on both engines (issue #18)."""

from __future__ import annotations

import datetime as dt

from shopcrm.customers import CustomerInput, create
from shopcrm.store import sqlfn
from shopcrm.store.db import database, engine


def _one(sql: str, params=()):
    return database.execute_sql(sql, params).fetchone()


def test_julian_days_and_day_arithmetic_agree_with_sqlite(db):
    c = create(CustomerInput(name="张三", mobile="13900000001"))
    database.execute_sql(
        "UPDATE customer SET first_purchase_at = ?, last_purchase_at = ? WHERE id = ?",
        ("2026-01-31 09:15:30", "2026-03-01 21:40:00", c.id),
    )
    lp, fp = "last_purchase_at", "first_purchase_at"
    span, day_lp, plus, plus_ts, later = _one(
        f"SELECT {sqlfn.julianday(lp)} - {sqlfn.julianday(fp)}, {sqlfn.julianday_of_day(lp)}, "
        f"{sqlfn.day_plus(lp, '30')}, {sqlfn.day_plus(lp, '30', as_timestamp=True)}, "
        f"{sqlfn.plus_days(fp, 3)} FROM customer WHERE id = ?",
        (c.id,),
    )
    # SQLite's julianday: milliseconds since the Julian epoch / 86,400,000, the same double on both
    exact = (dt.datetime(2026, 3, 1, 21, 40) - dt.datetime(2026, 1, 31, 9, 15, 30)).total_seconds() / 86400
    assert abs(span - exact) < 1e-6
    assert day_lp == dt.date(2026, 3, 1).toordinal() + 1721424.5
    assert sqlfn.as_text(plus) == "2026-03-31"
    assert sqlfn.as_text(plus_ts) == "2026-03-31 00:00:00"
    assert sqlfn.as_text(later) == "2026-02-03 09:15:30"
    (day,) = _one(f"SELECT {sqlfn.date_of(lp)} FROM customer WHERE id = ?", (c.id,))
    assert sqlfn.as_text(day) == "2026-03-01"


def test_integers_booleans_nulls_and_text(db):
    assert _one(f"SELECT {sqlfn.trunc_int('2.9')}, {sqlfn.trunc_int('-2.9')}") == (2, -2)
    assert _one(f"SELECT {sqlfn.greatest('3', '7', '5')}, {sqlfn.least('3', '7', '5')}") == (7, 3)
    assert _one(f"SELECT {sqlfn.bool_int('2 > 1')} + {sqlfn.bool_int('1 > 2')}") == (1,)
    assert _one(
        f"SELECT {sqlfn.distinct('NULL', '1')}, {sqlfn.distinct('NULL', 'NULL')}, {sqlfn.same('NULL', 'NULL')}"
    ) in ((1, 0, 1), (True, False, True))
    tea, wine, cake = "'普洱茶、月饼'", "'红酒'", "'月饼'"
    assert _one(f"SELECT {sqlfn.instr(tea, cake)}, {sqlfn.instr(wine, cake)}") == (5, 0)
    jan, mar = "'2026-01'", "'2026-03'"
    assert _one(f"SELECT {sqlfn.month_before(jan)}, {sqlfn.month_before(mar)}") == ("2025-12", "2026-02")


def test_temp_tables_and_the_month_day_index(db):
    database.execute_sql(f"CREATE TEMP TABLE _t (id INTEGER PRIMARY KEY, at {sqlfn.timestamp_type()})")
    database.execute_sql("INSERT INTO _t (id, at) VALUES (1, ?)", ("2026-12-07 09:30:00",))
    (at,) = _one("SELECT at FROM _t")
    assert sqlfn.as_datetime(at) == dt.datetime(2026, 12, 7, 9, 30)
    database.execute_sql(f"DROP TABLE {sqlfn.temp_table('_t')}")
    create(CustomerInput(name="李四", mobile="13900000002"))
    database.execute_sql("UPDATE customer SET joined_on = ?", ("2020-02-29",))
    assert _one(f"SELECT count(*) FROM customer WHERE {sqlfn.month_day_of('joined_on')} IN ('02-29')") == (1,)
    if engine().name == "postgresql":  # the anniversary lookup is an index scan on PostgreSQL too
        database.execute_sql("SET enable_seqscan = off")
        plan = "\n".join(
            r[0]
            for r in database.execute_sql(
                f"EXPLAIN SELECT id FROM customer WHERE {sqlfn.month_day_of('joined_on')} IN ('02-29')"
            ).fetchall()
        )
        database.execute_sql("RESET enable_seqscan")
        assert "customer_joined_mmdd" in plan
