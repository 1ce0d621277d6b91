"""The purchase-history import (issue 16): an answer key over a generated sheet with matched,
unmatched, duplicate, total-line and 散客 rows; the totals checked against an independent SQL sum;
re-import, dry run, Cancel and the command line leave the database as they should."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

import openpyxl
import pytest
from conftest import ROOT

from shopcrm import customers as C
from shopcrm.core.errors import Cancelled
from shopcrm.excel import purchase_import as P
from shopcrm.sales import activity
from shopcrm.store import sqlfn
from shopcrm.store.db import database

pytestmark = pytest.mark.usefixtures("fixed_day")  # the clock stands on 2026-11-22 noon

HEADER = ["消费日期", "会员手机", "会员卡号", "消费金额", "消费项目", "支付方式"]
# (row as written, expected class, reason, column at fault)
ROWS = [
    (["2026-10-01 10:00", "13900000001", None, 100, "洗剪吹", "微信"], P.IMPORTED, None, None),  # 3
    ([dt.datetime(2026, 10, 5, 15, 30), None, "vip002", "250.50", "烫发", "储值卡"], P.IMPORTED, None, None),  # 4
    (["2026-10-06", "13800009999", None, 80, "染发", "现金"], P.ERROR, "no_match", "会员手机"),  # 5
    (["2026-10-07", "13800009998", "VIP001", 60, "护理", "刷卡"], P.IMPORTED, None, None),  # 6: by card
    (["2026-10-08", "散客", None, 30, "洗头", "现金"], P.WALK_IN, "walk_in", "会员手机"),  # 7
    (["2026-10-08", None, None, 45, "洗头", "现金"], P.WALK_IN, "walk_in", "会员手机"),  # 8
    (["2026-11-01", "13900000001", None, -40, "退货 洗发水", "现金"], P.IMPORTED, None, None),  # 9: a return
    (["2026-09-01 12:00", "13900000003", None, 50, "护理", "现金"], P.DUPLICATE, "duplicate", None),  # 10
    (["2026-10-09", None, "VIP404", 20, "洗头", "支付宝"], P.ERROR, "no_match", "会员卡号"),  # 11
    (["2026-10-10", "13900000003", None, "abc", "洗头", "现金"], P.ERROR, "money_format", "消费金额"),  # 12
    (["2099-12-01", "13900000003", None, 10, "洗头", "现金"], P.ERROR, "date_future", "消费日期"),  # 13
    (["2026-10-11", "13900000003", None, 0, "洗头", "现金"], P.ERROR, "no_amount", "消费金额"),  # 14
    (["2026-10-12", "13900000002", None, 12, "洗头", "刷脸"], P.IMPORTED, "payment_unknown", "支付方式"),  # 15
    (["合计", None, None, 547.5, None, None], P.SUMMARY, "summary", None),  # 16
]
FIRST = 3  # the spreadsheet row of ROWS[0]: a title row, then the header


def make_sheet(path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["某某美发店 消费记录导出"])
    ws.append(HEADER)
    for cells, *_ in ROWS:
        ws.append(cells)
    wb.save(path)
    return path


@pytest.fixture
def shop(db):
    """Three customers (A and B with cards, C without); C bought once at the counter already."""
    a = C.create(C.CustomerInput(name="张三", mobile="13900000001", card_no="VIP001"))
    b = C.create(C.CustomerInput(name="李四", mobile="13900000002", card_no="VIP002"))
    c = C.create(C.CustomerInput(name="王五", mobile="13900000003"))
    activity.record_purchase(c.id, 5000, at=dt.datetime(2026, 9, 1, 12, 0), items="护理")
    return a.id, b.id, c.id


def snapshot() -> tuple:
    q = database.execute_sql
    return (
        q("SELECT * FROM purchase ORDER BY id").fetchall(),
        q("SELECT * FROM purchase_payment ORDER BY id").fetchall(),
        q(
            "SELECT id, total_spend_cents, purchase_count, first_purchase_at, last_purchase_at, points FROM customer"
        ).fetchall(),
        q("SELECT COUNT(*) FROM import_run").fetchone(),
    )


def test_answer_key(shop, tmp_path):
    a, b, c = shop
    report = P.run(make_sheet(tmp_path / "history.xlsx"))
    got = {r.record: (r.cls, r.reason, r.column) for r in report.rows}
    want = {FIRST + i: (cls, reason, column) for i, (_, cls, reason, column) in enumerate(ROWS)}
    assert got == want
    assert report.header_record == 2
    counts = report.to_json()["counts"]
    assert counts == {
        "imported": 5,
        "returns": 1,
        "duplicates": 1,
        "unmatched": 2,
        "errors": 5,
        "skipped": 3,
        "blank": 0,
    }
    assert report.to_json()["imported_amount_total"] == "382.50"  # 100 + 250.50 + 60 - 40 + 12
    assert {r.record: r.match_by for r in report.rows if r.cls == P.IMPORTED} == {
        3: "mobile",
        4: "card_no",
        6: "card_no",
        9: "mobile",
        15: "mobile",
    }
    # every problem names its row, column and reason in the user's language
    by_row = {p["row"]: p for p in report.to_json()["problems"]}
    assert "13800009999" in by_row[5]["message"] and "手机" in by_row[5]["message"]
    assert "VIP404" in by_row[11]["message"]
    assert "散客" in by_row[7]["message"]
    assert "合计" in by_row[16]["message"]

    q = database.execute_sql
    # totals as an independent sum over the purchases says, the return included
    for cid, total, n, first, last in [
        (a, 12000, 2, "2026-10-01 10:00:00", "2026-10-07 00:00:00"),
        (b, 26250, 2, "2026-10-05 15:30:00", "2026-10-12 00:00:00"),
        (c, 5000, 1, "2026-09-01 12:00:00", "2026-09-01 12:00:00"),
    ]:
        row = q(
            "SELECT total_spend_cents, purchase_count, first_purchase_at, last_purchase_at FROM customer WHERE id = ?",
            (cid,),
        ).fetchone()
        (summed,) = q("SELECT SUM(amount_cents) FROM purchase WHERE customer_id = ?", (cid,)).fetchone()
        assert row[0] == summed == total
        assert (row[1], sqlfn.as_text(row[2]), sqlfn.as_text(row[3])) == (n, first, last)
    # points are not earned again; C keeps the points of the counter sale
    assert q("SELECT id, points FROM customer ORDER BY id").fetchall() == [(a, 0), (b, 0), (c, 50)]
    assert q("SELECT COUNT(*) FROM ledger_entry WHERE customer_id IN (?, ?)", (a, b)).fetchone()[0] == 0
    # one payment row per imported purchase, by its method (the stored-value card is ``card``)
    pays = q(
        "SELECT p.items, pp.method, pp.amount_cents FROM purchase_payment pp JOIN purchase p ON p.id = pp.purchase_id "
        "WHERE p.operator = 'import' ORDER BY p.at"
    ).fetchall()
    assert pays == [
        ("洗剪吹", "wechat", 10000),
        ("烫发", "card", 25050),
        ("护理", "bankcard", 6000),
        ("洗头", "other", 1200),
        ("退货 洗发水", "cash", -4000),
    ]
    (unpaid,) = q(
        "SELECT COUNT(*) FROM purchase p WHERE amount_cents != "
        "(SELECT COALESCE(SUM(amount_cents), 0) FROM purchase_payment WHERE purchase_id = p.id)"
    ).fetchone()
    assert unpaid == 0
    assert q("SELECT balance_cents FROM customer WHERE id = ?", (b,)).fetchone()[0] == 0  # history: no spend

    # re-import: every purchase is a duplicate now, nothing changes
    before = snapshot()
    again = P.run(tmp_path / "history.xlsx")
    assert again.imported == 0 and again.duplicates == 6
    after = snapshot()
    assert after[:3] == before[:3]
    assert after[3][0] == before[3][0] + 1  # the run is in the history


def test_identical_rows_in_one_file_are_two_purchases_and_a_reimport_adds_neither(shop, tmp_path):
    path = tmp_path / "two.csv"
    path.write_text("日期,手机,金额,商品\n2026-10-01,13900000001,10,咖啡\n2026-10-01,13900000001,10,咖啡\n", "utf-8")
    assert P.run(path).imported == 2
    again = P.run(path)
    assert (again.imported, again.duplicates) == (0, 2)
    assert database.execute_sql("SELECT purchase_count FROM customer WHERE id = ?", (shop[0],)).fetchone()[0] == 2


def test_dry_run_cancel_and_refusal_leave_the_database_unchanged(shop, tmp_path):
    path = make_sheet(tmp_path / "history.xlsx")
    before = snapshot()
    dry = P.run(path, dry_run=True)
    assert dry.dry_run and dry.imported == 5
    assert snapshot() == before

    calls = []

    def cancel(done, total):
        calls.append((done, total))
        return done < total  # cancel at the very end, after the rows were written

    with pytest.raises(Cancelled):
        P.run(path, progress=cancel)
    assert calls and snapshot() == before

    other = tmp_path / "members.csv"
    other.write_text("姓名,手机,余额\n张三,13900000001,10\n", "utf-8")
    with pytest.raises(P.X.ImportFileError, match="消费记录"):
        P.run(other)
    assert snapshot() == before


def test_a_closed_day_and_the_recycle_bin_are_reported(shop, tmp_path):
    from shopcrm.sales import counter

    a, b, _ = shop
    counter.close_day(dt.date(2026, 10, 1))
    C.soft_delete([b])
    path = tmp_path / "h.csv"
    path.write_text("日期,手机,金额,商品\n2026-10-01,13900000001,10,咖啡\n2026-10-02,13900000002,10,咖啡\n", "utf-8")
    report = P.run(path)
    assert [(r.record, r.cls, r.reason) for r in report.rows] == [
        (2, P.ERROR, "day_closed"),
        (3, P.ERROR, "deleted"),
    ]
    assert database.execute_sql("SELECT COUNT(*) FROM purchase WHERE customer_id = ?", (a,)).fetchone()[0] == 0


def run_cli(*args):
    return subprocess.run(
        [sys.executable, "-m", "shopcrm", "import", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )


def test_cli_kind_purchases(shop, tmp_path, db_location):
    path = make_sheet(tmp_path / "history.xlsx")
    before = snapshot()
    out = run_cli(path, "--db", db_location, "--kind", "purchases", "--dry-run", "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["kind"] == "purchases" and data["dry_run"] is True
    assert data["counts"]["imported"] == 5 and data["counts"]["unmatched"] == 2
    assert snapshot() == before
    out = run_cli(path, "--db", db_location, "--kind", "purchases", "--json")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["run_id"] is not None
    (n,) = database.execute_sql("SELECT COUNT(*) FROM purchase WHERE operator = 'import'").fetchone()
    assert n == 5
    # members stays the default kind: this sheet has no member columns
    out = run_cli(path, "--db", db_location, "--dry-run")
    assert out.returncode == 1


POINTS_CSV = (
    "日期,手机,金额,商品,积分\n"
    "2026-10-01,13900000001,100,洗剪吹,100\n"
    "2026-10-02,13900000001,50,护理,50\n"
    "2026-10-03,13900000001,-20,退货,-20\n"
    "2026-10-04,13900000002,30,洗头,\n"
    "2026-10-05,13900000002,30,洗头,三十\n"
)


def test_points_are_left_alone_by_default(shop, tmp_path):
    """The default (documented in purchase_import): points are neither re-earned nor read from the
    file: the member import brought them as they are now."""
    a, b, c = shop
    path = tmp_path / "points.csv"
    path.write_text(POINTS_CSV, "utf-8")
    report = P.run(path)
    assert report.imported == 5 and report.points_total == 0
    q = database.execute_sql
    assert q("SELECT id, points FROM customer ORDER BY id").fetchall() == [(a, 0), (b, 0), (c, 50)]
    assert q("SELECT COUNT(*) FROM ledger_entry WHERE kind = 'import'").fetchone()[0] == 0
    assert q("SELECT SUM(points_earned) FROM purchase WHERE operator = 'import'").fetchone()[0] == 0


def test_points_as_history_become_import_ledger_entries(shop, tmp_path):
    from shopcrm.customers import ledger

    a, b, c = shop
    path = tmp_path / "points.csv"
    path.write_text(POINTS_CSV, "utf-8")
    dry = P.run(path, dry_run=True, points_as_history=True)
    # the unreadable points are the row's error, named by row and column
    (bad,) = [r for r in dry.rows if r.cls == P.ERROR]
    assert (bad.record, bad.column, bad.reason) == (6, "积分", "int_format") and "三十" in bad.message
    assert dry.points_total == 130 and dry.to_json()["points_imported"] == 130
    assert database.execute_sql("SELECT COUNT(*) FROM ledger_entry").fetchone()[0] == 1  # C's counter sale

    report = P.run(path, points_as_history=True)
    assert report.imported == 4 and report.points_total == 130
    q = database.execute_sql
    assert q("SELECT id, points FROM customer ORDER BY id").fetchall() == [(a, 130), (b, 0), (c, 50)]
    entries = q(
        "SELECT l.kind, l.points_delta, l.points_after, p.items FROM ledger_entry l JOIN purchase p "
        "ON p.id = l.purchase_id WHERE l.customer_id = ? ORDER BY l.id",
        (a,),
    ).fetchall()
    assert entries == [("import", 100, 100, "洗剪吹"), ("import", 50, 150, "护理"), ("import", -20, 130, "退货")]
    assert q("SELECT COUNT(*) FROM ledger_entry WHERE customer_id = ?", (b,)).fetchone()[0] == 0  # no points
    assert ledger.verify() == []
    assert q("SELECT SUM(points_earned) FROM purchase WHERE customer_id = ?", (a,)).fetchone()[0] == 130
    # re-import: duplicates, no points counted twice
    again = P.run(path, points_as_history=True)
    assert again.imported == 0 and again.duplicates == 4
    assert q("SELECT points FROM customer WHERE id = ?", (a,)).fetchone()[0] == 130


def test_points_as_history_needs_a_points_column(shop, tmp_path):
    path = make_sheet(tmp_path / "history.xlsx")
    with pytest.raises(P.X.ImportFileError, match="积分"):
        P.run(path, points_as_history=True, dry_run=True)


def test_cli_points_as_history(shop, tmp_path, db_location):
    a, *_ = shop
    path = tmp_path / "points.csv"
    path.write_text(POINTS_CSV, "utf-8")
    out = run_cli(path, "--db", db_location, "--kind", "purchases", "--points-as-history", "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["points_as_history"] is True and data["points_imported"] == 130
    assert database.execute_sql("SELECT points FROM customer WHERE id = ?", (a,)).fetchone()[0] == 130


def test_damaged_identifiers_and_over_long_items_are_row_errors(shop, tmp_path):
    """Issue 16's "never silently wrong" for purchases: a card cut by scientific notation (text),
    a mobile that reached the sheet as a number with its last digits zeroed, an over-long items
    cell: each the row's error naming its column; nothing cut or guessed."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["日期", "手机", "卡号", "金额", "商品"])
    ws.append(["2026-10-01", None, "1.23457E+17", 10, "咖啡"])  # 2
    ws.append(["2026-10-01", 13900000000, None, 10, "咖啡"])  # 3: 1.39E+10 kept as a number
    ws.append(["2026-10-01", 13900000001, None, 10, "咖啡"])  # 4: a real mobile as a number is fine
    path = tmp_path / "damaged.xlsx"
    wb.save(path)
    report = P.run(path, dry_run=True)
    got = [(r.record, r.cls, r.reason, r.column) for r in report.rows]
    assert got == [
        (2, P.ERROR, "card_scientific", "卡号"),
        (3, P.ERROR, "mobile_scientific", "手机"),
        (4, P.IMPORTED, None, None),
    ]
    assert "科学计数法" in report.rows[0].message and "科学计数法" in report.rows[1].message
    # openpyxl cuts a cell to Excel's 32767 characters itself: the over-long cell comes as CSV
    long = tmp_path / "long.csv"
    long.write_text("日期,手机,金额,商品\n2026-10-01,13900000001,10," + "x" * 40000 + "\n", "utf-8")
    (row,) = P.run(long, dry_run=True).rows
    assert (row.record, row.cls, row.reason, row.column) == (2, P.ERROR, "text_too_long", "商品")


def test_clean_and_odd_rows_give_the_same_result(shop, tmp_path):
    """The importer's fast path (clean ISO text, plain amounts, 11-digit mobiles, plain cards)
    and its general checks agree: the same purchases written the odd way import the same."""
    clean = tmp_path / "clean.csv"
    odd = tmp_path / "odd.csv"
    clean.write_text(
        "日期,手机,卡号,金额,商品\n2026-10-01 10:00:00,13900000001,,10.5,咖啡\n2026-10-02 11:00,,VIP002,-3,退货\n"
        "2026-02-30 10:00:00,13900000001,,1,x\n",
        "utf-8",
    )
    odd.write_text(
        "日期,手机,卡号,金额,商品\n2026/10/01 10:00:00,139-0000-0001,,¥10.50,咖啡\n2026-10-02 11:00,,vip002,-3.00,退货\n"
        "2026-02-30,13900000001,,1,x\n",
        "utf-8",
    )
    a, b = P.run(clean, dry_run=True), P.run(odd, dry_run=True)
    key = lambda rep: [(r.cls, r.reason, r.customer_id, r.at_text, r.amount_cents, r.items) for r in rep.rows]  # noqa: E731
    assert key(a)[:2] == key(b)[:2]
    assert [r.cls for r in a.rows] == [P.IMPORTED, P.IMPORTED, P.ERROR] and a.rows[2].column == "日期"


@pytest.mark.sqlite_only("SQLite's page cache of the connection")
def test_a_large_import_takes_a_larger_page_cache_and_gives_it_back(shop, tmp_path):
    a, b, _ = shop
    (before,) = database.execute_sql("PRAGMA cache_size").fetchone()
    lines = ["日期,手机,金额,商品"] + [
        f"2026-10-{1 + i % 28:02d} 10:{i // 60 % 60:02d}:{i % 60:02d},1390000000{1 + i % 2},{i + 1},x"
        for i in range(1500)
    ]
    path = tmp_path / "many.csv"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    report = P.run(path)
    assert report.imported == 1500 and P.LAST_WRITE_SECONDS["purchases"] >= 0
    assert database.execute_sql("PRAGMA cache_size").fetchone() == (before,)
    q = database.execute_sql
    assert q("SELECT purchase_count FROM customer WHERE id IN (?, ?) ORDER BY id", (a, b)).fetchall() == [
        (750,),
        (750,),
    ]
    total = sum(range(1, 1501)) * 100
    assert q("SELECT SUM(total_spend_cents) FROM customer WHERE id IN (?, ?)", (a, b)).fetchone()[0] == total
