"""The three messy member files against their answer key (tests/fixtures/expected.json):
counts per class and per reason, imported totals, and every row's class, reason and values, both
in the dry run and in the database after the import."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from conftest import FIXTURES, TEST_DAY

from shopcrm.core.lunar import LunarBirthday
from shopcrm.core.money import from_cents
from shopcrm.customers import ledger
from shopcrm.excel import excel_import as X
from shopcrm.store.models import Customer, ImportRun, LedgerEntry, Level

pytestmark = pytest.mark.usefixtures("fixed_day")  # the clock stands on TEST_DAY

TODAY = TEST_DAY
MESSY = ["members_dev_utf8bom.csv", "members_dev_gbk.csv", "members_dev.xlsx"]
KEY = json.loads((FIXTURES / "expected.json").read_text(encoding="utf-8"))
SUMMARY = KEY["summary"]
RECORDS = KEY["records"]


def gbk_view(value, file):
    """The answer key's values as the GBK file can hold them (emoji -> ?, ¥ -> ￥)."""
    if file != "members_dev_gbk.csv" or not isinstance(value, str):
        return value
    for a, b in SUMMARY["gbk_substitutions"]:
        value = value.replace(a, b)
    return value


def birthday_key(c) -> str | None:
    """A customer's birthday written as the answer key writes it."""
    lunar = (
        c.lunar
        if isinstance(c, X.Clean)
        else (LunarBirthday(c.lunar_month, c.lunar_day, bool(c.lunar_leap), c.lunar_year) if c.lunar_month else None)
    )
    if lunar is not None:
        text = f"lunar:{lunar.year}-" if lunar.year else "lunar:"
        text += f"{lunar.month:02d}-{lunar.day:02d}"
        return text + (":leap" if lunar.leap else "")
    b = c.birthday
    if isinstance(b, str):
        return b
    return b.isoformat() if b else None


def clean_view(c: X.Clean) -> dict:
    return {
        "card": c.card_no,
        "name": c.name,
        "phone": c.mobile,
        "gender": c.gender or None,
        "birthday": birthday_key(c),
        "balance": str(from_cents(c.balance_cents)),
        "points": c.points,
        "level": c.level,
        "note": c.notes,
    }


def db_view(c: Customer) -> dict:
    return {
        "card": c.card_no,
        "name": c.name,
        "phone": c.mobile,
        "gender": c.gender or None,
        "birthday": birthday_key(c),
        "balance": str(from_cents(c.balance_cents)),
        "points": c.points,
        "level": c.level.name if c.level_id else None,
        "note": c.notes or None,
    }


@pytest.fixture(params=MESSY)
def messy(request):
    return request.param


def dry_run(file) -> X.ImportReport:
    return X.run(FIXTURES / file, X.ImportOptions(today=TODAY), dry_run=True)


def test_header_and_summary_counts_match_the_key(db, messy):
    report = dry_run(messy)
    assert report.header_record == SUMMARY["header_record"]
    by_class = dict(SUMMARY["by_class"])
    by_class.pop("PREAMBLE"), by_class.pop("HEADER")
    assert report.by_class() == by_class
    assert report.by_reason() == SUMMARY["by_reason"]
    assert report.imported == SUMMARY["imported_total"]
    assert report.errors == by_class["ERROR"] and report.duplicates == by_class["DUPLICATE"]
    assert report.warnings == by_class["IMPORTED_WITH_WARNING"]
    assert from_cents(report.balance_cents_total) == Decimal(SUMMARY["imported_balance_total"])
    assert report.points_total == SUMMARY["imported_points_total"]
    # every record after the header is accounted for, in order, and nothing before it
    assert [r.record for r in report.rows] == [e["record"] for e in RECORDS if "class" in e]
    assert SUMMARY["records_total"] == len(report.raw_rows)


def test_every_row_class_reason_and_values_match_the_key(db, messy):
    report = dry_run(messy)
    got = {r.record: r for r in report.rows}
    for e in RECORDS:
        if "class" not in e:
            continue
        r = got[e["record"]]
        assert (r.cls, r.reason) == (e["class"], e.get("reason")), e["record"]
        if "duplicate_of_record" in e:
            assert r.duplicate_of == e["duplicate_of_record"], e["record"]
        if "card_duplicate_of_record" in e:
            assert r.duplicate_of == e["card_duplicate_of_record"], e["record"]
        if "expected" in e:
            want = {k: gbk_view(v, messy) for k, v in e["expected"].items()}
            assert clean_view(r.clean) == want, e["record"]
        if e["class"] in ("ERROR", "DUPLICATE", "IMPORTED_WITH_WARNING"):
            assert r.message and r.column, e["record"]  # named row, column and reason


def test_problem_messages_name_the_reason_in_chinese(db):
    report = dry_run("members_dev_utf8bom.csv")
    msg = {r.record: (r.column, r.message) for r in report.rows}
    assert msg[78] == ("手机号码", "手机号“1.38001E+10”被表格软件改成了科学计数法，原号码已无法还原")
    assert msg[15] == ("手机号码", "手机号为空")
    assert msg[94][0] == "储值余额(元)" and "不是有效金额" in msg[94][1]
    assert msg[97] == ("手机号码", "手机号 18622223333 与第 5 行重复，以第 5 行为准")
    assert msg[136][0] == "会员卡号" and "与第 116 行重复" in msg[136][1]
    assert msg[20][0] == "出生日期" and msg[20][1].endswith("生日留空导入")
    assert msg[123] == ("可用积分", "积分不能为负数")


def test_import_writes_exactly_the_key_to_the_database(db, messy):
    report = X.run(FIXTURES / messy, X.ImportOptions(today=TODAY))
    assert not report.dry_run and report.run_id
    assert Customer.select().count() == SUMMARY["imported_total"]
    for e in RECORDS:
        if "expected" not in e:
            continue
        c = Customer.get(Customer.mobile == e["expected"]["phone"])
        want = {k: gbk_view(v, messy) for k, v in e["expected"].items()}
        assert db_view(c) == want, e["record"]
    total_cents = sum(c.balance_cents for c in Customer.select())
    assert from_cents(total_cents) == Decimal(SUMMARY["imported_balance_total"])
    assert sum(c.points for c in Customer.select()) == SUMMARY["imported_points_total"]
    # every opening balance is one ledger entry of kind "import"; the ledger invariant holds
    assert ledger.verify() == []
    assert {e.kind for e in LedgerEntry.select()} == {"import"}
    assert {lv.name for lv in Level.select()} >= {"VIP", "钻石卡", "普通会员", "银卡", "金卡"}
    # the injection cells are stored as the text they are, not evaluated or mangled
    for rec in SUMMARY["injection_records_needing_export_escape"]:
        exp = RECORDS[rec - 1]["expected"]
        c = Customer.get(Customer.mobile == exp["phone"])
        assert (c.name, c.notes or None) == (exp["name"], exp["note"])
    # searchable by pinyin right after the import
    from shopcrm.customers import CustomerQuery, page

    assert "孟华秀" in {r.name for r in page(CustomerQuery(text="mhx"), 0, 50)}
    run = ImportRun.get_by_id(report.run_id)
    assert (run.status, run.imported, run.errors, run.duplicates, run.warnings) == ("done", 266, 22, 12, 5)
    assert X.history()[0].id == run.id


def test_reimporting_the_same_file_skips_every_member(db):
    X.run(FIXTURES / "members_dev.xlsx", X.ImportOptions(today=TODAY))
    again = X.run(FIXTURES / "members_dev_gbk.csv", X.ImportOptions(today=TODAY))
    assert again.imported == 0
    assert again.by_reason()["DUPLICATE:exists"] == 266
    assert again.by_reason()["ERROR:card_duplicate"] == 2  # the same rows as the first time
    assert Customer.select().count() == 266
    assert len(X.history()) == 2
