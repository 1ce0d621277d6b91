"""The importer on real files (every public fixture), encodings, sheets, header detection,
duplicate policies, cancel/rollback, the report xlsx, the history and the CLI."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from pathlib import Path

import openpyxl
import pytest
from conftest import FIXTURES, ROOT, TEST_DAY, db_contents

from shopcrm import customers as C
from shopcrm.core.errors import Cancelled
from shopcrm.customers import ledger
from shopcrm.excel import excel_import as X
from shopcrm.store.models import Customer, ImportRun, LedgerEntry

pytestmark = pytest.mark.usefixtures("fixed_day")  # the clock stands on TEST_DAY

TODAY = TEST_DAY

# file -> (sheet, 1-based header row as documented in tests/fixtures/SOURCES.md, first header cell)
PUBLIC = {
    "easyexcel_t01_merged_title.xls": ("产品数据", 2, "材质*"),
    "easyexcel_t02_merged_title.xlsx": ("测试配方1027", 2, "序号"),
    "easyexcel_t04_tencent_docs.xlsx": ("工作表1", 1, "序号"),
    "easyexcel_t07_yyyymmdd_numbers.xlsx": ("MVA", 1, "Model Name"),
    "easyexcel_dataformat_cn_dates.xlsx": ("Sheet1", 1, "date"),
    "easyexcel_issue2443_wps_text_numbers.xlsx": ("Sheet1", 1, "a"),
    "easyexcel_office_bom_utf8.csv": ("easyexcel_office_bom_utf8", 1, "姓名"),
}


def test_every_public_fixture_is_covered():
    on_disk = {p.name for p in FIXTURES.glob("easyexcel_*")}
    assert on_disk == set(PUBLIC)


@pytest.mark.parametrize("name", sorted(PUBLIC))
def test_public_file_reads_finds_its_header_and_says_no_member_columns(db, name):
    sheet_name, header_row, first_cell = PUBLIC[name]
    sheet = X.read_sheet(FIXTURES / name)
    assert sheet.sheet == sheet_name
    guess = X.detect_header(sheet.rows)
    assert guess.row == header_row - 1
    assert sheet.rows[guess.row][0] == first_cell
    assert not guess.member  # none of them is a member list
    with pytest.raises(X.ImportFileError, match="没有找到会员列"):
        X.run(FIXTURES / name, X.ImportOptions(today=TODAY), dry_run=True)
    assert Customer.select().count() == 0


def test_every_sheet_of_every_public_workbook_reads(db):
    for name in PUBLIC:
        for s in X.list_sheets(FIXTURES / name):
            X.read_sheet(FIXTURES / name, s)  # empty extra sheets too, without crashing


def test_public_quirks_survive_reading():
    t04 = X.read_sheet(FIXTURES / "easyexcel_t04_tencent_docs.xlsx")
    assert len(t04.rows) < 200  # 143 formatted empty rows at the end are dropped
    assert "1111111111111111111111" in t04.rows[1]  # long digit text stays text
    t02 = X.read_sheet(FIXTURES / "easyexcel_t02_merged_title.xlsx")
    assert t02.rows[2][1] == "01502200"  # leading zeros kept
    csv_ = X.read_sheet(FIXTURES / "easyexcel_office_bom_utf8.csv")
    assert csv_.encoding == "utf-8-sig" and csv_.rows[0] == ["姓名", "年纪"] and len(csv_.rows) == 11


def test_member_csv_with_a_name_column_only_names_what_is_missing(db):
    with pytest.raises(X.ImportFileError) as exc:
        X.run(FIXTURES / "easyexcel_office_bom_utf8.csv", dry_run=True)
    assert "需要“姓名”和“手机”两列" in str(exc.value) and "已识别：姓名" in str(exc.value)


def test_header_synonyms_of_a_real_member_program(db, tmp_path):
    # the header row of a small shop's Windows membership program (tests/fixtures/SOURCES.md)
    header = [
        "卡号",
        "姓名",
        "性别",
        "积分",
        "卡内余额",
        "记次次数",
        "手机",
        "卡类型",
        "生日",
        "总消费金额",
        "总优惠额",
        "总存款额",
        "总消费次数",
        "储值卡消费额",
        "记次已用次数",
        "发卡日期",
        "作废日期",
        "单位",
        "地址",
        "备注",
    ]
    mapping = X.map_columns(header)
    assert {header[i]: f for i, f in mapping.items()} == {
        "卡号": "card_no",
        "姓名": "name",
        "性别": "gender",
        "积分": "points",
        "卡内余额": "balance",
        "手机": "mobile",
        "卡类型": "level",
        "生日": "birthday",
        "总消费金额": "total_spend",
        "发卡日期": "joined_on",
        "地址": "address",
        "备注": "notes",
    }


def write_xlsx(path: Path, rows: list[list], sheets: dict[str, list[list]] | None = None) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "会员"
    for r in rows:
        ws.append(r)
    for name, more in (sheets or {}).items():
        extra = wb.create_sheet(name)
        for r in more:
            extra.append(r)
    wb.save(path)
    return path


def test_sheet_choice_title_rows_and_number_cells(db, tmp_path):
    rows = [
        ["2024 会员名单"],
        [],
        ["序号", "Name", "Mobile Phone", "Card No.", "Birthday", "Balance", "Points", "Tags", "Join Date"],
        [
            1,
            "Alice Wang",
            13812345678,
            "000123",
            dt.datetime(1990, 5, 6),
            12.5,
            30.0,
            "VIP，宝妈",
            dt.datetime(2020, 1, 2),
        ],
        [2, "张伟", 13912345678.0, 7, 19880101, "¥1,200.50", "1,000", "", 43831],
    ]
    path = write_xlsx(tmp_path / "m.xlsx", [["nothing here"]], {"名单": rows})
    assert X.list_sheets(path) == ["会员", "名单"]
    with pytest.raises(X.ImportFileError, match="没有找到会员列"):
        X.run(path, X.ImportOptions(today=TODAY), dry_run=True)
    with pytest.raises(X.ImportFileError, match="没有名为“无”的工作表"):
        X.run(path, X.ImportOptions(sheet="无"), dry_run=True)
    report = X.run(path, X.ImportOptions(sheet="名单", today=TODAY))
    assert report.header_record == 3 and report.imported == 2
    a = Customer.get(Customer.mobile == "13812345678")
    assert (a.name, a.card_no, a.birthday, a.balance_cents, a.points) == (
        "Alice Wang",
        "000123",
        dt.date(1990, 5, 6),
        1250,
        30,
    )
    assert a.joined_on == dt.date(2020, 1, 2)
    assert C.tags_of(a.id) == sorted(["VIP", "宝妈"])
    b = Customer.get(Customer.mobile == "13912345678")
    assert (b.card_no, b.birthday, b.balance_cents, b.points, b.joined_on) == (
        "7",
        dt.date(1988, 1, 1),
        120050,
        1000,
        dt.date(2020, 1, 1),
    )


def test_gbk_utf8_and_tab_separated_text(db, tmp_path):
    text = "姓名\t手机\t余额\r\n王芳\t13812345678\t￥10\r\n"
    (tmp_path / "a.txt").write_bytes(text.encode("gbk"))
    (tmp_path / "b.csv").write_bytes(text.replace("\t", ",").encode("utf-8"))
    for name, enc in (("a.txt", "gb18030"), ("b.csv", "utf-8")):
        report = X.run(tmp_path / name, X.ImportOptions(today=TODAY), dry_run=True)
        assert report.encoding == enc
        assert [(r.clean.name, r.clean.balance_cents) for r in report.rows] == [("王芳", 1000)]


def test_undecodable_and_damaged_files_are_one_line_errors(db, tmp_path):
    (tmp_path / "bad.csv").write_bytes(b"\xff\xfe\x00\x81\x30\xff\xff")
    (tmp_path / "bad.xlsx").write_bytes(b"PK\x03\x04 not really a zip")
    (tmp_path / "x.pdf").write_bytes(b"%PDF")
    for name, words in (("bad.csv", "编码"), ("bad.xlsx", "无法读取"), ("x.pdf", "不支持")):
        with pytest.raises(X.ImportFileError, match=words) as exc:
            X.run(tmp_path / name, dry_run=True)
        assert "\n" not in str(exc.value)


def test_formula_escaped_cells_from_our_exporter_are_unescaped(db, tmp_path):
    path = write_xlsx(
        tmp_path / "e.xlsx",
        [
            ["姓名", "手机", "备注", "卡号"],
            ["'=1+1", "13812345678", "'@SUM(A1)", "'-5"],
            ["李四", "13912345678", "'+1 朋友介绍", None],
            ["王五", "13712345678", "it's '=fine'", None],
            ["赵六", "13612345678", "''=1+1 是原文", None],
            ["钱七", "13512345678", "'原样", None],
        ],
    )
    X.run(path, X.ImportOptions(today=TODAY))
    got = {c.mobile: (c.name, c.notes, c.card_no) for c in Customer.select()}
    assert got == {
        "13812345678": ("=1+1", "@SUM(A1)", "-5"),
        "13912345678": ("李四", "+1 朋友介绍", None),
        "13712345678": ("王五", "it's '=fine'", None),
        "13612345678": ("赵六", "'=1+1 是原文", None),  # one apostrophe removed, once
        "13512345678": ("钱七", "'原样", None),
    }  # not an escape: kept


def test_unknown_columns_are_ignored_or_kept_in_notes(db, tmp_path):
    path = write_xlsx(
        tmp_path / "u.xlsx", [["姓名", "手机", "余额", "门店", "备注"], ["王芳", "13812345678", 5, "三分店", "老客户"]]
    )
    report = X.run(path, X.ImportOptions(today=TODAY), dry_run=True)
    assert report.rows[0].clean.notes == "老客户"
    report = X.run(path, X.ImportOptions(today=TODAY, unknown_to_notes=True), dry_run=True)
    assert report.rows[0].clean.notes == "老客户\n门店：三分店"


def existing(name="老王", mobile="13812345678", card="A1", balance="100", points="10", **kw):
    return C.create(
        C.CustomerInput(name=name, mobile=mobile, card_no=card, opening_balance=balance, opening_points=points, **kw),
        today=TODAY,
    )


def policy_file(tmp_path):
    return write_xlsx(
        tmp_path / "p.xlsx",
        [
            ["姓名", "手机", "卡号", "余额", "积分", "地址", "等级"],
            ["王大", "13812345678", None, 30, 5, "新地址", "金卡"],  # matches 老王 by mobile
            ["李二", "13900000000", "B2", 7, 0, None, None],  # matches 老李 by card
            ["新人", "13700000000", None, 1, 1, None, None],  # new
        ],
    )


@pytest.mark.parametrize(
    "policy,mode,expect",
    [
        ("skip", "replace", {"13812345678": ("老王", "", 10000, 10), "13600000000": ("老李", "旧地址", 500, 0)}),
        ("fill", "replace", {"13812345678": ("老王", "新地址", 3000, 5), "13600000000": ("老李", "旧地址", 700, 0)}),
        ("fill", "add", {"13812345678": ("老王", "新地址", 13000, 15), "13600000000": ("老李", "旧地址", 1200, 0)}),
        (
            "overwrite",
            "replace",
            {"13812345678": ("王大", "新地址", 3000, 5), "13900000000": ("李二", "旧地址", 700, 0)},
        ),
    ],
)
def test_duplicate_policies_and_balance_modes(db, tmp_path, policy, mode, expect):
    wang = existing()
    li = existing("老李", "13600000000", "B2", "5", "0", extra={"address": "旧地址"})
    report = X.run(policy_file(tmp_path), X.ImportOptions(on_duplicate=policy, balance_mode=mode, today=TODAY))
    assert report.imported == 1
    if policy == "skip":
        assert (report.duplicates, report.updated) == (2, 0)
        assert {r.match_by for r in report.rows if r.cls == "DUPLICATE"} == {"mobile", "card"}
    else:
        assert (report.duplicates, report.updated) == (0, 2)
    got = {}
    for c in Customer.select().where(Customer.id.in_([wang.id, li.id])):
        got[c.mobile] = (c.name, c.address, c.balance_cents, c.points)
    assert got == expect
    # balance and points changed only through the ledger, with "import" entries
    assert ledger.verify() == []
    kinds = [e.kind for e in LedgerEntry.select().where(LedgerEntry.customer == wang.id)]
    assert kinds == (["adjust"] if policy == "skip" else ["adjust", "import"])
    if policy != "skip":
        assert Customer.get_by_id(wang.id).level.name == "金卡"


def test_card_of_another_existing_customer_is_an_error_when_updating(db, tmp_path):
    existing()
    existing("老李", "13600000000", "B2")
    path = write_xlsx(tmp_path / "c.xlsx", [["姓名", "手机", "卡号"], ["老王", "13812345678", "B2"]])
    report = X.run(path, X.ImportOptions(on_duplicate="overwrite", today=TODAY))
    assert report.by_reason() == {"ERROR:card_in_use": 1}
    assert "已属于另一位客户“老李 13600000000”" in report.rows[0].message


def test_cancel_rolls_back_everything_and_is_listed_in_history(db, tmp_path):
    rows = [["姓名", "手机", "余额"]] + [[f"客户{i}", f"138{i:08d}", 10] for i in range(5000)]
    path = write_xlsx(tmp_path / "big.xlsx", rows)
    existing("老王", "13999999999", "Z9")
    seen = []

    def progress(done, total):
        seen.append((done, total))
        return done < 7000  # cancel half-way through writing

    before = db_contents()
    with pytest.raises(Cancelled):
        X.run(path, X.ImportOptions(today=TODAY), progress=progress)
    assert seen and seen[-1][0] >= 7000 and seen[-1][1] == 2 * 5001
    assert db_contents() == before  # exactly as before, every table
    assert Customer.select().count() == 1 and LedgerEntry.select().count() == 1
    assert X.history() == []
    # and the same import runs to the end when not cancelled
    report = X.run(path, X.ImportOptions(today=TODAY), progress=lambda d, t: True)
    assert report.imported == 5000 and Customer.select().count() == 5001
    assert [r.status for r in X.history()] == ["done"]


def test_dry_run_writes_nothing(db):
    report = X.run(FIXTURES / "members_dev.xlsx", X.ImportOptions(today=TODAY), dry_run=True)
    assert report.dry_run and report.imported == 266
    assert Customer.select().count() == 0 and ImportRun.select().count() == 0


def test_a_backup_is_taken_right_before_the_import_writes(db, db_location):
    from shopcrm import backup
    from shopcrm.core.paths import parse_db_location

    folder = backup.get_settings(parse_db_location(db_location)).folder

    def made() -> set:  # the backups before an import (sealed or still being checked)
        return {b.path for b in backup.list_backups(folder) if b.kind == "before-import"}

    before = made()
    X.run(FIXTURES / "members_dev.xlsx", X.ImportOptions(today=TODAY), dry_run=True)
    assert made() == before
    X.run(FIXTURES / "members_dev.xlsx", X.ImportOptions(today=TODAY))
    assert len(made() - before) == 1


def test_mapping_is_remembered_for_the_same_header(db, tmp_path):
    header = ["名字", "号码", "VIP"]
    assert X.remembered_mapping(header) is None
    X.remember_mapping(header, {0: "name", 1: "mobile", 2: "level"})
    assert X.remembered_mapping(header) == {0: "name", 1: "mobile", 2: "level"}
    assert X.remembered_mapping(["名字", "号码", "其他"]) is None
    path = write_xlsx(tmp_path / "r.xlsx", [header, ["王芳", "13812345678", "金卡"]])
    report = X.run(path, X.ImportOptions(header_row=1, today=TODAY))
    assert report.imported == 1 and Customer.get().level.name == "金卡"


def test_report_xlsx_is_the_users_sheet_with_a_reason_column(db, tmp_path):
    report = X.run(FIXTURES / "members_dev_utf8bom.csv", X.ImportOptions(today=TODAY), dry_run=True)
    out = X.save_report_xlsx(report, tmp_path / "report.xlsx")
    ws = openpyxl.load_workbook(out).active
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    assert len(rows) == 310
    assert rows[3] == [
        "会员卡号",
        "姓名",
        "手机号码 ",
        "性别",
        "出生日期",
        "储值余额(元)",
        "可用积分",
        "会员级别",
        "备注",
        "发卡门店",
        "错误原因",
    ]
    assert rows[77][2] == "1.38001E+10" and "科学计数法" in rows[77][10]
    assert rows[4][10] is None  # an imported row has no reason
    assert rows[159][1] == "'=1+1"  # written as text, never as a formula
    assert ws.cell(160, 2).data_type == "s"
    # fixed and imported again: the reason column is ignored, the escape undone
    again = X.run(out, X.ImportOptions(today=TODAY), dry_run=True)
    assert again.by_class() == report.by_class()
    assert {r.record: r.clean.name for r in again.rows if r.clean}[160] == "=1+1"
    problems_only = X.save_report_xlsx(report, tmp_path / "p.xlsx", only_problems=True)
    rows = list(openpyxl.load_workbook(problems_only).active.iter_rows(values_only=True))
    assert len(rows) == 4 + 22 + 12 + 5


def run_cli(*args, cwd=ROOT):
    import sys

    return subprocess.run(
        [sys.executable, "-m", "shopcrm", "import", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
    )


def test_cli_json_report_and_exit_codes(tmp_path):
    db = tmp_path / "cli.db"
    out = run_cli(FIXTURES / "members_dev_gbk.csv", "--db", db, "--json", "--dry-run")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["counts"] == {
        "imported": 266,
        "updated": 0,
        "duplicates": 12,
        "errors": 22,
        "warnings": 5,
        "skipped": 6,
    }
    assert data["by_reason"]["ERROR:phone_invalid"] == 10
    assert data["imported_balance_total"] == "1028853.11" and data["imported_points_total"] == 197172
    rejected = {p["row"]: p for p in data["problems"] if p["class"] in ("ERROR", "DUPLICATE")}
    assert len(rejected) == 34 and rejected[78]["reason"] == "phone_invalid"
    assert rejected[97]["duplicate_of"] == 5
    out = run_cli(FIXTURES / "members_dev.xlsx", "--db", db, "--report", tmp_path / "r.xlsx", "--on-duplicate", "fill")
    assert out.returncode == 0 and "新增 266" in out.stdout and (tmp_path / "r.xlsx").exists()
    out = run_cli(tmp_path / "missing.xlsx", "--db", db)
    assert out.returncode != 0 and out.stderr.count("\n") == 1 and "不存在" in out.stderr
    out = run_cli(FIXTURES / "easyexcel_t07_yyyymmdd_numbers.xlsx", "--db", db)
    assert out.returncode != 0 and "没有找到会员列" in out.stderr


def test_the_importers_memoised_name_keys_equal_name_keys():
    import random

    from hypothesis import given, settings, strategies as st

    from shopcrm.core.pinyin_keys import NameKeyCache, name_keys
    from shopcrm.demo import COMPOUND_SURNAMES, GIVEN_F, GIVEN_M, SURNAMES

    fast = NameKeyCache()
    rng = random.Random(3)
    pool = SURNAMES + GIVEN_F + GIVEN_M
    names = [
        rng.choice(SURNAMES + "曾单解区") + "".join(rng.choice(pool) for _ in range(rng.randint(0, 3)))
        for _ in range(3000)
    ]
    names += list(COMPOUND_SURNAMES) + ["Alice Wang", "王 芳", "=1+1", "·", "阿卜杜·热合曼", "🌸小美", "李A2"]
    for n in names:
        assert fast(n) == name_keys(n), n

    @settings(max_examples=300, deadline=None)
    @given(st.text(max_size=6))
    def any_text(n):
        assert NameKeyCache()(n) == name_keys(n)

    any_text()


def test_cli_import_needs_the_owner_pin_when_one_is_set(tmp_path):
    from shopcrm.store.db import close_database, open_database
    from shopcrm.trust import security

    db = tmp_path / "pin.db"
    open_database(db)
    security.set_pin("2468")
    close_database()
    out = run_cli(FIXTURES / "members_dev.xlsx", "--db", db)
    assert out.returncode == 1 and out.stderr.count("\n") == 1 and "店主" in out.stderr
    out = run_cli(FIXTURES / "members_dev.xlsx", "--db", db, "--dry-run")  # checking is open to all
    assert out.returncode == 0
    out = run_cli(FIXTURES / "members_dev.xlsx", "--db", db, "--pin", "2468")
    assert out.returncode == 0 and "新增 266" in out.stdout


def test_a_missing_or_empty_balance_never_zeroes_an_existing_customer(db, tmp_path):
    wang = existing()  # balance 100.00, points 10
    li = existing("老李", "13600000000", "B2", "5", "3")
    no_column = write_xlsx(tmp_path / "n.xlsx", [["姓名", "手机", "地址"], ["老王", "13812345678", "新地址"]])
    X.run(no_column, X.ImportOptions(on_duplicate="overwrite", today=TODAY))
    empty_cell = write_xlsx(tmp_path / "e.xlsx", [["姓名", "手机", "余额", "积分"], ["老李", "13600000000", None, 7]])
    X.run(empty_cell, X.ImportOptions(on_duplicate="overwrite", today=TODAY))
    w, l_ = Customer.get_by_id(wang.id), Customer.get_by_id(li.id)
    assert (w.address, w.balance_cents, w.points) == ("新地址", 10000, 10)
    assert (l_.balance_cents, l_.points) == (500, 7)  # points replaced, balance untouched
    assert ledger.verify() == []


def test_property_any_cells_in_any_row_are_reported_never_crash(db, tmp_path):
    """Whatever a sheet holds under a member header, planning never raises: every row gets a
    class, and every row that passes has a valid mobile and a name."""
    from hypothesis import HealthCheck, given, settings, strategies as st

    cell = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(),
        st.text(max_size=12),
        st.dates(),
        st.datetimes(),
        st.sampled_from(["13812345678", "'=1", "合计", "农历闰四月初五", "¥1,200.50", "", " ", "-1", "1e400"]),
    )
    header = [
        "姓名",
        "手机",
        "卡号",
        "生日",
        "性别",
        "余额",
        "积分",
        "等级",
        "备注",
        "标签",
        "开卡日期",
        "累计消费",
        "来源",
        "偏好渠道",
        "接受营销",
        "消费次数",
        "最近消费",
    ]

    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.lists(st.lists(cell, max_size=19), min_size=1, max_size=6))
    def check(rows):
        sheet = X.SheetData(Path("p.xlsx"), "s", ["s"], [header] + rows)
        report = X.plan(sheet, X.ImportOptions(today=TODAY, unknown_to_notes=True))
        assert len(report.rows) == len(rows)
        for r in report.rows:
            assert r.cls in (X.IMPORTED, X.WARNED, X.DUPLICATE, X.ERROR, X.BLANK, X.SUMMARY)
            if r.cls in (X.IMPORTED, X.WARNED):
                assert len(r.clean.mobile) == 11 and r.clean.name
            if r.cls in (X.ERROR, X.DUPLICATE, X.WARNED):
                assert r.message and r.column
        json.dumps(report.to_json(), ensure_ascii=False)
        X.save_report_xlsx(report, tmp_path / "r.xlsx")  # any cell can be written back

    check()


def test_the_exporters_other_columns_are_read_with_warnings_for_unusable_values(db, tmp_path):
    """来源/喜好/常购商品/口味/偏好渠道/方便时间/接受营销/消费次数/最近消费 (what the exporter writes beyond
    the member basics): channel labels in either language become their code, 是/否 and yes/no the
    consent, and an unusable value is a warning naming the column (the row still imports)."""
    path = write_xlsx(
        tmp_path / "x.xlsx",
        [
            [
                "姓名",
                "手机",
                "来源",
                "喜好",
                "常购商品",
                "口味",
                "偏好渠道",
                "方便时间",
                "接受营销",
                "消费次数",
                "最近消费",
            ],
            [
                "甲",
                "13800000001",
                "美团",
                "素色",
                "绿茶",
                "少糖",
                "微信",
                "晚上",
                "否",
                3,
                dt.datetime(2026, 11, 1, 10, 30, 0, 999_999),
            ],
            ["乙", "13800000002", None, None, None, None, "SMS", None, "yes", "2", "2026-10-01 09:15"],
            ["丙", "13800000003", None, None, None, None, "飞鸽传书", None, "也许", "-1", "2026年10月12日"],
            ["丁", "13800000004", None, None, None, None, None, None, None, None, "2099-01-01"],
        ],
    )
    report = X.run(path, X.ImportOptions(today=TODAY))
    assert [r.cls for r in report.rows] == [X.IMPORTED, X.IMPORTED, X.WARNED, X.WARNED]
    assert report.rows[2].reason == "consent_invalid" and report.rows[2].column == "接受营销"
    assert "也许" in report.rows[2].message
    assert report.rows[3].reason == "last_purchase_invalid" and "在未来" in report.rows[3].message
    c = {x.name: x for x in Customer.select()}
    assert (
        c["甲"].source,
        c["甲"].pref_text,
        c["甲"].pref_products,
        c["甲"].pref_taste,
        c["甲"].pref_channel,
        c["甲"].pref_time,
    ) == ("美团", "素色", "绿茶", "少糖", "wechat", "晚上")
    assert c["甲"].consent_marketing is False and c["甲"].purchase_count == 3
    assert c["甲"].last_purchase_at == dt.datetime(2026, 11, 1, 10, 30, 1)  # to the nearest second
    assert (c["乙"].pref_channel, c["乙"].consent_marketing, c["乙"].purchase_count, c["乙"].last_purchase_at) == (
        "sms",
        True,
        2,
        dt.datetime(2026, 10, 1, 9, 15),
    )
    # unusable values are left out: the stored defaults stay, the first problem is the warning;
    # a consent nobody stated is unknown (None, PIPL opt-in), never a yes
    assert (c["丙"].pref_channel, c["丙"].consent_marketing, c["丙"].purchase_count, c["丙"].last_purchase_at) == (
        "飞鸽传书",
        None,
        0,
        dt.datetime(2026, 10, 12),
    )
    assert c["丁"].last_purchase_at is None and c["丁"].consent_marketing is None
    # filling an existing customer: the text columns fill empty fields
    C.update(
        c["乙"].id,
        C.CustomerInput(name="乙", mobile="13800000002", extra={"pref_channel": "sms", "source": ""}),
        today=TODAY,
    )
    again = write_xlsx(
        tmp_path / "y.xlsx", [["姓名", "手机", "来源", "偏好渠道"], ["乙", "13800000002", "抖音", "电话"]]
    )
    X.run(again, X.ImportOptions(on_duplicate="fill", today=TODAY))
    b = Customer.get_by_id(c["乙"].id)
    assert (b.source, b.pref_channel) == ("抖音", "sms")
