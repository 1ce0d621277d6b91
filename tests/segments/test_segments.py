"""Segments (issue #15): every criterion's count equals an independent hand-written SQL count, the
filter round-trips through JSON and the saved-segment table, the customer list and the export are
restricted by it, and the command line answers ``segment count --json``."""

from __future__ import annotations

import datetime as dt
import json
import random
import re

import pytest
from conftest import TEST_DAY, xlsx_rows

from shopcrm import cli, customers as C, segments as S
from shopcrm.core.errors import FieldError
from shopcrm.store import sqlfn
from shopcrm.store.db import database
from shopcrm.store.models import Customer, CustomerTag, Level, Tag

pytestmark = pytest.mark.usefixtures("fixed_day")

TODAY = TEST_DAY
N = 600


@pytest.fixture
def archive(db):
    """N customers with every criterion varied (seeded), two of them deleted or erased."""
    rnd = random.Random(15)
    levels = [lv.id for lv in Level.select()]  # a new database's levels: 普通会员, 银卡, 金卡, 钻石
    tags = [Tag.create(name=n).id for n in ("VIP", "宝妈", "送礼")]
    rows = []
    for i in range(N):
        bought = rnd.random() < 0.8
        last = dt.datetime.combine(TODAY, dt.time(10)) - dt.timedelta(days=rnd.randint(0, 400)) if bought else None
        rows.append(
            dict(
                name=f"客户{i}",
                mobile=f"139{i:08d}",
                mobile_rev=f"139{i:08d}"[::-1],
                grade=rnd.choice(["A", "B", "C", None, ""]),
                value_type=rnd.choice(["gold", "meteor", "star", "burden", "ordinary", None]),
                lifecycle=rnd.choice(["new", "growth", "at_risk", "lost", "recovered", None]),
                level=rnd.choice([*levels, None]),
                pref_products=rnd.choice(["", "月饼", "普洱茶、月饼", "红酒", "茶具"]),
                birth_mmdd=rnd.choice([None, rnd.randint(1, 12) * 100 + rnd.randint(1, 28)]),
                last_purchase_at=last,
                total_spend_cents=rnd.randint(0, 5_000_00) if bought else 0,
                consent_marketing=rnd.choice([True, False, None]),
                joined_on=TODAY - dt.timedelta(days=rnd.randint(0, 900)),
                deleted_at=dt.datetime(2026, 1, 1) if i == 5 else None,
                erased_at=dt.datetime(2026, 1, 1) if i == 6 else None,
            )
        )
    Customer.insert_many(rows).execute()
    ids = [c.id for c in Customer.select(Customer.id)]
    CustomerTag.insert_many(
        [{"customer": cid, "tag": tid} for cid in ids for tid in tags if rnd.random() < 0.25]
    ).execute()
    return ids


def sql_count(where: str, params=()) -> int:
    """The independent count: hand-written SQL over the live customers (``DAY(column)``: the
    date part as 'YYYY-MM-DD' text, ``INSTR(text, part)``: the position, in the engine's spelling)."""
    where = re.sub(r"DAY\((\w+)\)", lambda m: sqlfn.day_of(m.group(1)), where)
    where = re.sub(r"INSTR\((\w+), ('[^']*')\)", lambda m: sqlfn.instr(m.group(1), m.group(2)), where)
    return database.execute_sql(
        f"SELECT count(*) FROM customer WHERE deleted_at IS NULL AND erased_at IS NULL AND {where}", params
    ).fetchone()[0]


def day(n: int) -> str:
    return (TODAY - dt.timedelta(days=n)).isoformat()


CASES = [
    (S.SegmentFilter(), "TRUE", ()),
    (S.SegmentFilter(grades=["A"]), "grade = 'A'", ()),
    (S.SegmentFilter(grades=["A", "B"]), "grade IN ('A', 'B')", ()),
    (S.SegmentFilter(grades=[""]), "(grade IS NULL OR grade = '')", ()),
    (S.SegmentFilter(value_types=["gold", "star"]), "value_type IN ('gold', 'star')", ()),
    (S.SegmentFilter(lifecycles=["at_risk"]), "lifecycle = 'at_risk'", ()),
    (
        S.SegmentFilter(levels=["金卡"]),
        "level_id = (SELECT id FROM level WHERE name = '金卡')",
        (),
    ),
    (
        S.SegmentFilter(tags=["VIP", "送礼"]),
        "id IN (SELECT customer_id FROM customer_tag JOIN tag ON tag.id = tag_id WHERE tag.name IN ('VIP', '送礼'))",
        (),
    ),
    (S.SegmentFilter(products=["月饼"]), "INSTR(pref_products, '月饼') > 0", ()),
    (S.SegmentFilter(birth_months=[9]), "birth_mmdd / 100 = 9", ()),
    (S.SegmentFilter(birth_months=[1, 12]), "birth_mmdd / 100 IN (1, 12)", ()),
    # within 30 days: today and the 29 days before it
    (S.SegmentFilter(bought_within_days=30), "DAY(last_purchase_at) > ?", (day(30),)),
    (S.SegmentFilter(dormant_days=90), "DAY(last_purchase_at) <= ?", (day(90),)),
    (
        S.SegmentFilter(min_spend_cents=100_00, max_spend_cents=2_000_00),
        "total_spend_cents BETWEEN 10000 AND 200000",
        (),
    ),
    (S.SegmentFilter(consent="yes"), "consent_marketing = TRUE", ()),
    (S.SegmentFilter(consent="no"), "consent_marketing = FALSE", ()),
    (S.SegmentFilter(consent="unknown"), "consent_marketing IS NULL", ()),
    (
        S.SegmentFilter(joined_from=TODAY - dt.timedelta(days=365), joined_to=TODAY - dt.timedelta(days=30)),
        "joined_on BETWEEN ? AND ?",
        (day(365), day(30)),
    ),
    (
        S.SegmentFilter(grades=["A"], consent="yes", dormant_days=60, tags=["VIP"], products=["茶"]),
        "grade = 'A' AND consent_marketing = TRUE AND DAY(last_purchase_at) <= ? AND INSTR(pref_products, '茶') > 0 "
        "AND id IN (SELECT customer_id FROM customer_tag WHERE tag_id = (SELECT id FROM tag WHERE name = 'VIP'))",
        (day(60),),
    ),
]


@pytest.mark.parametrize(("f", "where", "params"), CASES, ids=[str(i) for i in range(len(CASES))])
def test_count_equals_an_independent_sql_count(archive, f, where, params):
    expected = sql_count(where, params)
    assert S.count(f) == expected
    # the same filter restricts the customer list (its count and its pages) to the same customers
    q = C.CustomerQuery(extra=S.where_sql(f))
    assert C.count(q) == expected
    listed = {r.id for r in C.page(q, 0, N)}
    assert listed == {r[0] for r in S.id_query(f).tuples()}


def test_the_counts_are_not_trivial(archive):
    """The data set separates the criteria (a filter that selected everyone or no one would pass
    the comparison above without proving anything)."""
    for f, _where, _params in CASES[1:]:
        assert 0 < S.count(f) < N - 2, f


def test_a_dormant_and_a_recent_buyer_split_the_buyers(archive):
    buyers = sql_count("last_purchase_at IS NOT NULL")
    assert S.count(S.SegmentFilter(bought_within_days=45)) + S.count(S.SegmentFilter(dormant_days=45)) == buyers


def test_saved_segments_round_trip_and_replace(archive):
    f = S.SegmentFilter(grades=["A"], birth_months=[9], joined_from=dt.date(2025, 1, 1), min_spend_cents=1)
    S.save("中秋 A 类", f)
    assert S.load("中秋 A 类") == f
    S.save("中秋 A 类", S.SegmentFilter(grades=["B"]))
    assert S.load("中秋 A 类") == S.SegmentFilter(grades=["B"])
    (row,) = S.listing()
    assert row["name"] == "中秋 A 类" and row["count"] == S.count(S.SegmentFilter(grades=["B"]))
    with pytest.raises(FieldError, match="没有名为“无此分组”的客户分组"):
        S.load("无此分组")
    with pytest.raises(FieldError):
        S.save("  ", f)


def test_unknown_names_and_bad_values_are_named(archive):
    with pytest.raises(FieldError, match="没有名为“黑卡”的会员等级"):
        S.count(S.SegmentFilter(levels=["黑卡"]))
    with pytest.raises(FieldError, match="生日月份"):
        S.validate(S.SegmentFilter(birth_months=[13]))
    with pytest.raises(FieldError, match="累计消费"):
        S.validate(S.SegmentFilter(min_spend_cents=500, max_spend_cents=100))


def test_command_line_count_save_list_and_export(archive, db_location, capsys, tmp_path):
    db = ["--db", str(db_location)]

    def run(*argv):
        code = cli.main(list(argv))
        return code, capsys.readouterr().out

    code, out = run("segment", "count", *db, "--grade", "A", "--json")
    assert code == 0 and json.loads(out) == {"count": sql_count("grade = 'A'")}
    code, out = run("segment", "save", *db, "--name", "A睡客", "--grade", "A", "--dormant-days", "60", "--json")
    assert code == 0 and json.loads(out)["name"] == "A睡客"
    expected = sql_count("grade = 'A' AND DAY(last_purchase_at) <= ?", (day(60),))
    code, out = run("segment", "count", *db, "--name", "A睡客", "--json")
    assert json.loads(out) == {"count": expected}
    narrowed = sql_count(
        "grade = 'A' AND DAY(last_purchase_at) <= ? AND level_id = (SELECT id FROM level WHERE name = '银卡')",
        (day(60),),
    )
    code, out = run("segment", "count", *db, "--name", "A睡客", "--level", "银卡", "--json")
    assert json.loads(out) == {"count": narrowed}
    code, out = run("segment", "list", *db, "--json")
    assert [(r["name"], r["count"]) for r in json.loads(out)] == [("A睡客", expected)]
    assert run("segment", "count", *db, "--tag", "无此标签", "--json")[0] == 1


@pytest.mark.sqlite_only("the export (shopcrm.excel) does not run on PostgreSQL yet: drop this mark when it does")
def test_command_line_export_of_a_segment(archive, db_location, capsys, tmp_path):
    db = ["--db", str(db_location)]

    def run(*argv):
        code = cli.main(list(argv))
        return code, capsys.readouterr().out

    assert run("segment", "save", *db, "--name", "A睡客", "--grade", "A", "--dormant-days", "60", "--json")[0] == 0
    expected = sql_count("grade = 'A' AND DAY(last_purchase_at) <= ?", (day(60),))
    out_file = tmp_path / "a.xlsx"
    code, _ = run("export", str(out_file), *db, "--segment", "A睡客")
    assert code == 0
    assert len(xlsx_rows(out_file)) - 1 == expected
    code, _ = run("export", str(out_file), *db, "--grade", "B")
    assert len(xlsx_rows(out_file)) - 1 == sql_count("grade = 'B'")
