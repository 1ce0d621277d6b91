"""Excel export: formatting read back with openpyxl, formula-injection escaping, scopes, the full
archive, cancel/atomic writes, the owner guard, the CLI, and the round trip through the importer."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import zipfile
from decimal import Decimal

import pytest
from conftest import ROOT, TEST_DAY
from hypothesis import HealthCheck, example, given, settings, strategies as st
from openpyxl import load_workbook

from shopcrm import customers as C
from shopcrm.core.errors import Cancelled
from shopcrm.core.lunar import LunarBirthday
from shopcrm.core.normalize import MAX_CENTS, MAX_POINTS
from shopcrm.excel import excel_export as E
from shopcrm.sales import activity

pytestmark = pytest.mark.usefixtures("fixed_day")  # the clock stands on TEST_DAY

TODAY = TEST_DAY
TRIGGERS = ("=1+1", "+86 138", "-5", "@SUM(A1)", "\tx", "\rx", "\nx")


def make(name="张三", mobile="13812345678", **kw) -> int:
    return C.create(C.CustomerInput(name=name, mobile=mobile, **kw), today=TODAY).id


@pytest.fixture
def shop(db):
    """A few customers with every kind of field, and a purchase, a contact and two complaints."""
    gold = C.level_id_by_name("金卡", create=True)
    a = make(
        "张三",
        "13812345678",
        card_no="000777",
        birthday=dt.date(1985, 3, 8),
        level_id=gold,
        opening_balance="1200.50",
        opening_points="300",
        tags=["老顾客", "VIP"],
        joined_on=dt.date(2020, 5, 1),
        consent_marketing=True,
        extra={
            "gender": "M",
            "address": "杭州市西湖区文三路 1 号",
            "wechat": "zs_wx",
            "notes": '=HYPERLINK("http://evil")',
            "phone2": "0571-88886666",
            "source": "美团",
            "pref_text": "喜欢素色",
        },
    )
    b = make(
        "李四",
        "13900001111",
        birthday=LunarBirthday(4, 5, True),
        extra={"gender": "F", "notes": "-不要打电话", "address": "@家里"},
    )
    c = make(
        "王五", "13700002222", card_no="VIP01", birthday=LunarBirthday(11, 10, False, 1988), opening_balance="0.10"
    )
    activity.record_purchase(a, 25880, at=dt.datetime(2026, 11, 1, 10, 30), items="连衣裙", payment="wechat")
    activity.record_contact(
        a,
        channel="phone",
        purpose="生日祝福",
        outcome="满意",
        satisfaction=5,
        at=dt.datetime(2026, 11, 2, 9, 0),
        next_followup=dt.date(2026, 12, 1),
    )
    from shopcrm.store.models import Complaint

    Complaint.create(
        customer=a,
        received_at=dt.datetime(2026, 11, 3, 10, 0),
        category="商品质量",
        key_points="+褪色",
        status="in_progress",
    )
    Complaint.create(
        walkin_name="路人甲",
        walkin_mobile="13600003333",
        category="服务态度",
        received_at=dt.datetime(2026, 11, 4, 10, 0),
        key_points="态度差",
        status="new",
    )
    return {"a": a, "b": b, "c": c}


def sheet_rows(ws) -> list[dict]:
    rows = list(ws.iter_rows())
    header = [c.value for c in rows[0]]
    return [{h: cell for h, cell in zip(header, r, strict=True)} for r in rows[1:]]


def by_name(rows, name):
    return next(r for r in rows if r["姓名"].value == name)


# --- formatting --------------------------------------------------------------------------------


def test_customer_sheet_formatting_read_back(shop, tmp_path):
    result = E.export_customers(tmp_path / "客户.xlsx")
    assert result.customers == 3 and result.path == tmp_path / "客户.xlsx"
    wb = load_workbook(result.path)
    assert wb.sheetnames == ["客户"]
    ws = wb["客户"]
    header = [c for c in ws[1]]
    assert [c.value for c in header][:8] == ["姓名", "手机", "卡号", "性别", "生日", "会员等级", "余额", "积分"]
    assert all(c.font.b for c in header)
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:Y4"
    for letter in ("A", "B", "E", "O"):  # widths set, CJK headers fit
        assert 6 <= ws.column_dimensions[letter].width <= 50
    assert ws.column_dimensions["B"].width >= 12  # an 11-digit mobile fits

    rows = sheet_rows(ws)
    zs = by_name(rows, "张三")
    assert zs["手机"].value == "13812345678" and zs["手机"].data_type == "s"
    assert zs["手机"].number_format == "@"
    assert zs["卡号"].value == "000777" and zs["卡号"].data_type == "s"  # leading zeros kept
    assert zs["生日"].value == dt.datetime(1985, 3, 8) and zs["生日"].is_date
    assert zs["生日"].number_format == "yyyy-mm-dd"
    assert zs["余额"].value == pytest.approx(1200.5) and zs["余额"].data_type == "n"
    assert zs["余额"].number_format == "0.00"
    assert zs["积分"].value == 300 + 258  # opening points + points earned by the purchase
    assert zs["累计消费"].value == pytest.approx(258.8) and zs["累计消费"].number_format == "0.00"
    assert zs["消费次数"].value == 1
    assert zs["最近消费"].value == dt.datetime(2026, 11, 1, 10, 30) and zs["最近消费"].is_date
    assert zs["性别"].value == "男" and zs["会员等级"].value == "金卡"
    assert zs["标签"].value == "VIP,老顾客"
    assert zs["注册日期"].value == dt.datetime(2020, 5, 1) and zs["注册日期"].is_date
    assert zs["来源"].value == "美团" and zs["喜好"].value == "喜欢素色"
    assert zs["其他电话"].value == "0571-88886666" and zs["其他电话"].data_type == "s"
    assert zs["接受营销"].value == "是"
    ls = by_name(rows, "李四")
    assert ls["生日"].value == "农历闰四月初五"  # as the importer reads it
    assert ls["性别"].value == "女" and ls["余额"].value == 0 and ls["卡号"].value is None
    ww = by_name(rows, "王五")
    assert ww["生日"].value == "农历1988年冬月初十"
    assert ww["余额"].value == pytest.approx(0.1)


def test_default_order_is_by_name_and_recycle_bin_is_left_out(shop, tmp_path):
    C.soft_delete([shop["c"]])
    ws = load_workbook(E.export_customers(tmp_path / "x.xlsx").path)["客户"]
    assert [r[0] for r in ws.iter_rows(min_row=2, values_only=True)] == ["李四", "张三"]


# --- formula injection -------------------------------------------------------------------------


def test_escape_and_unescape_are_exact_inverses():
    for text in TRIGGERS:
        assert E.escape_text(text) == "'" + text
        assert E.unescape_text(E.escape_text(text)) == text
    for text in ("", "abc", "'abc", "a=b", "138", " =1", "'", "''"):
        assert E.escape_text(text) == text
        assert E.unescape_text(text) == text
    # apostrophes in front of a trigger are escaped too, so the original comes back exactly
    assert E.escape_text("'=1") == "''=1"
    assert E.unescape_text("''=1") == "'=1"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.text(min_size=0, max_size=40) | st.text(alphabet="\r\n\x01\x1f_x0D0a5F=-'", max_size=20),
        min_size=1,
        max_size=30,
    )
)
@example(texts=["\t"])  # a lone tab: escaped like any leading tab, read back unescaped
def test_any_text_is_written_as_text_and_reads_back_exactly(tmp_path_factory, texts):
    from python_calamine import CalamineWorkbook  # the importer's reader

    path = tmp_path_factory.mktemp("hyp") / "t.xlsx"
    E.write_table(path, "表", ["值"], [(s,) for s in texts])
    ws = load_workbook(path)["表"]
    cells = [r[0] for r in ws.iter_rows(min_row=2, max_row=len(texts) + 1)]
    read = [r[0] for r in CalamineWorkbook.from_path(str(path)).get_sheet_by_name("表").to_python()[1:]]
    read += [""] * (len(texts) - len(read))  # trailing empty rows are not rows to calamine
    for s, cell, back in zip(texts, cells, read, strict=True):
        if s == "":
            assert cell.value is None and back == ""
            continue
        assert cell.data_type == "s"  # never a formula, never an error value
        assert not cell.value.startswith(E.FORMULA_STARTS)
        if s.strip(" \t") == "":  # openpyxl does not preserve a cell of only spaces and tabs; no
            assert E.unescape_text(back) in ("", s)  # stored value is one (the archive strips it);
            # a lone tab is written escaped ('\t), as the importer reads it: unescaped
            continue
        # CR, CRLF, control characters and literal "_x000D_" come back exactly (issue #19)
        assert E.unescape_text(back) == s


def test_text_beyond_the_cell_limit_is_refused_with_a_message_never_cut(tmp_path):
    E.write_table(tmp_path / "ok.xlsx", "表", ["备注"], [("字" * 32767,)])  # exactly the limit
    with pytest.raises(E.ExportError) as info:
        E.write_table(tmp_path / "x.xlsx", "表", ["备注"], [("短",), ("字" * 32768,)])
    assert str(info.value).startswith(
        "无法导出：工作表“表”第 3 行“备注”有 32768 个字，超过 Excel 单元格的上限 32767 个字"
    )
    with pytest.raises(E.ExportError):  # an emoji is two of Excel's characters
        E.write_table(tmp_path / "y.xlsx", "表", ["备注"], [("🌸" * 16384,)])
    assert not (tmp_path / "x.xlsx").exists() and not (tmp_path / "y.xlsx").exists()


def test_no_exported_cell_is_a_formula(shop, tmp_path):
    C.update(
        shop["b"],
        C.CustomerInput(
            name="+李四",
            mobile="13900001111",
            tags=["=cmd|' /C calc'!A0"],
            extra={"notes": "\t=1", "address": "@家里", "wechat": "-wx"},
        ),
        today=TODAY,
    )
    path = E.export_customers(tmp_path / "x.xlsx", full=True).path
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in zf.read(name) and b"<f " not in zf.read(name)
    wb = load_workbook(path)
    for ws in wb:
        for row in ws.iter_rows(min_row=2):
            for cell in row:
                assert cell.data_type != "f"
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(E.FORMULA_STARTS), (ws.title, cell.coordinate)
    rows = sheet_rows(wb["客户"])
    ls = by_name(rows, "'+李四")
    assert ls["备注"].value == "'=1" and ls["地址"].value == "'@家里" and ls["微信"].value == "'-wx"
    assert ls["标签"].value == "'=cmd|' /C calc'!A0"
    zs = by_name(rows, "张三")
    assert zs["备注"].value == '\'=HYPERLINK("http://evil")'
    assert zs["其他电话"].value == "0571-88886666"  # does not start with a trigger: unchanged
    complaint = sheet_rows(wb["投诉记录"])[0]
    assert complaint["投诉要点"].value == "'+褪色"


def test_error_words_and_control_characters_stay_plain_text(tmp_path):
    path = E.write_table(
        tmp_path / "t.xlsx", "表", [E.Column("代码", E.CODE), "说明"], [("#N/A", "#DIV/0!"), ("a\x00b\x1fc", "ok\x07")]
    )
    ws = load_workbook(path)["表"]
    assert [(c.value, c.data_type) for c in ws[2]] == [("#N/A", "s"), ("#DIV/0!", "s")]
    # control characters are spelled the file format's way (ECMA-376 _xHHHH_), not dropped ...
    assert [c.value for c in ws[3]] == ["a_x0000_b_x001F_c", "ok_x0007_"]
    # ... and read back exactly by the importer's reader
    from python_calamine import CalamineWorkbook

    assert CalamineWorkbook.from_path(str(path)).get_sheet_by_name("表").to_python()[2] == ["a\x00b\x1fc", "ok\x07"]


# --- write_table ---------------------------------------------------------------------------------


def test_write_table_types_every_value(tmp_path):
    rows = [
        (
            "张三",
            Decimal("12.30"),
            dt.date(2026, 1, 2),
            dt.datetime(2026, 1, 2, 3, 4, 5),
            7,
            1.5,
            True,
            None,
            123456,
            "00123",
        ),
        ("李四", Decimal("-1"), None, None, 0, None, False, "x", 5, "13800001111"),
    ]
    headers = [
        "姓名",
        "金额",
        "日期",
        "时间",
        "次数",
        "比例",
        "是否",
        "空",
        E.Column("储值", E.CENTS),
        E.Column("卡号", E.CODE),
    ]
    out = E.write_table(tmp_path / "名单", "今日待办", headers, rows)
    assert out == tmp_path / "名单.xlsx" and out.exists()
    ws = load_workbook(out)["今日待办"]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:J3"
    assert ws["A1"].font.b
    r = ws[2]
    assert r[1].value == pytest.approx(12.3) and r[1].number_format == "0.00"
    assert r[2].value == dt.datetime(2026, 1, 2) and r[2].number_format == "yyyy-mm-dd"
    assert r[3].value == dt.datetime(2026, 1, 2, 3, 4, 5) and r[3].number_format == "yyyy-mm-dd hh:mm"
    assert r[4].value == 7 and r[5].value == 1.5
    assert r[6].value == "是" and ws[3][6].value == "否"
    assert r[7].value is None and ws[3][7].value == "x"
    assert r[8].value == pytest.approx(1234.56) and r[8].number_format == "0.00"
    assert r[9].value == "00123" and r[9].data_type == "s" and r[9].number_format == "@"
    assert ws[3][1].value == -1


def test_write_workbook_several_sheets_and_a_generator(tmp_path):
    gen = ((i, f"客户{i}") for i in range(1200))
    out = E.write_workbook(
        tmp_path / "x.xlsx",
        [
            E.Sheet("一", ["序号", "名字"], gen, total=1200),
            E.Sheet("二", ["空表"], []),
        ],
    )
    wb = load_workbook(out)
    assert wb.sheetnames == ["一", "二"]
    assert sum(1 for _ in wb["一"].iter_rows(min_row=2)) == 1200
    assert [r for r in wb["二"].iter_rows(values_only=True)] == [("空表",)]


# --- scopes ------------------------------------------------------------------------------------


def names_in(path) -> list[str]:
    return [r[0] for r in load_workbook(path)["客户"].iter_rows(min_row=2, values_only=True)]


def test_scope_query_selection_and_all(shop, tmp_path):
    gold = C.level_id_by_name("金卡")
    assert names_in(E.export_customers(tmp_path / "a.xlsx", query=C.CustomerQuery(level_id=gold)).path) == ["张三"]
    tag = dict((n, i) for i, n in C.all_tags())["VIP"]
    assert names_in(E.export_customers(tmp_path / "b.xlsx", query=C.CustomerQuery(tag_id=tag)).path) == ["张三"]
    assert names_in(E.export_customers(tmp_path / "c.xlsx", query=C.CustomerQuery(text="139")).path) == ["李四"]
    # the list's own sort order
    q = C.CustomerQuery(sort="balance", descending=True)
    assert names_in(E.export_customers(tmp_path / "d.xlsx", query=q).path) == ["张三", "王五", "李四"]
    # a selection keeps the order it is given in; unknown ids are ignored
    r = E.export_customers(tmp_path / "e.xlsx", ids=[shop["c"], shop["a"], 99999, shop["c"]])
    assert r.customers == 2 and names_in(r.path) == ["王五", "张三"]
    # the recycle bin, when that is the list on screen
    C.soft_delete([shop["b"]])
    assert names_in(E.export_customers(tmp_path / "f.xlsx", query=C.CustomerQuery(deleted=True)).path) == ["李四"]
    assert E.export_customers(tmp_path / "g.xlsx", ids=[]).customers == 0


def test_large_selection_needs_no_huge_sql(db, tmp_path):
    from shopcrm.demo import generate

    generate(33_000, 0, seed=3, complaints=0, contacts=0, today=TODAY)
    ids = [r[0] for r in db.execute_sql("SELECT id FROM customer ORDER BY id DESC")]
    seen = []

    def stop_at_once(done, total):  # the scope is built before the first progress call
        seen.append(total)
        return False

    with pytest.raises(Cancelled):  # > SQLite's 32,766 variables: a temp table, not IN (...)
        E.export_customers(tmp_path / "big.xlsx", ids=ids, progress=stop_at_once)
    assert seen == [33_000]


# --- full archive ------------------------------------------------------------------------------


def test_full_archive_sheets_linked_by_card_and_mobile(shop, tmp_path):
    result = E.export_customers(tmp_path / "档案.xlsx", full=True)
    assert (result.customers, result.purchases, result.contacts, result.complaints) == (3, 1, 1, 2)
    assert "消费记录 1 条" in result.message
    wb = load_workbook(result.path)
    assert wb.sheetnames == ["客户", "消费记录", "联系记录", "投诉记录", "优惠券", "计次卡"]
    for ws in wb:
        assert ws.freeze_panes == "A2" and ws.auto_filter.ref.startswith("A1:")
        assert ws["A1"].font.b
    p = sheet_rows(wb["消费记录"])[0]
    assert (p["卡号"].value, p["手机"].value, p["姓名"].value) == ("000777", "13812345678", "张三")
    assert p["金额"].value == pytest.approx(258.8) and p["金额"].number_format == "0.00"
    assert p["消费时间"].value == dt.datetime(2026, 11, 1, 10, 30) and p["消费时间"].is_date
    assert p["支付方式"].value == "微信支付" and p["商品"].value == "连衣裙"
    k = sheet_rows(wb["联系记录"])[0]
    assert k["手机"].value == "13812345678" and k["方式"].value == "电话" and k["满意度"].value == 5
    assert k["下次跟进"].value == dt.datetime(2026, 12, 1)
    cps = sheet_rows(wb["投诉记录"])
    assert [(c["姓名"].value, c["手机"].value, c["状态"].value) for c in cps] == [
        ("张三", "13812345678", "处理中"),
        ("路人甲", "13600003333", "新建"),
    ]  # walk-ins last


def test_full_archive_of_a_selection_has_only_its_records(shop, tmp_path):
    result = E.export_customers(tmp_path / "x.xlsx", ids=[shop["b"]], full=True)
    assert (result.customers, result.purchases, result.contacts, result.complaints) == (1, 0, 0, 0)
    wb = load_workbook(result.path)
    assert [ws.max_row for ws in wb] == [2, 1, 1, 1, 1, 1]


def test_full_archive_has_coupons_and_count_cards(shop, tmp_path):
    from shopcrm.loyalty import coupons, packages as loyalty_packages
    from shopcrm.sales import packages

    terms = coupons.Terms("amount", amount_off_cents=2000, threshold_cents=10000, days=30)
    used = coupons.issue(shop["a"], terms)
    coupons.issue(shop["a"], coupons.Terms("percent", percent_off=20, cap_cents=5000, days=10))
    from shopcrm.sales import counter

    counter.sell(shop["a"], 15000, {"cash": 13000}, coupon=used.code)
    card = packages.sell_package(shop["a"], "洗车", 10, 30000, 365, {"wechat": 30000})
    loyalty_packages.use(card.id, note="外观")
    loyalty_packages.use(card.id)

    result = E.export_customers(tmp_path / "档案.xlsx", full=True)
    assert (result.coupons, result.packages) == (2, 1)
    wb = load_workbook(result.path)
    cps = sheet_rows(wb["优惠券"])
    assert [(c["券码"].value, c["优惠"].value, c["状态"].value) for c in cps] == [
        (used.code, "减20.00", "已使用"),
        (cps[1]["券码"].value, "8折（最多减50.00）", "未使用"),
    ]
    assert cps[0]["门槛"].value == pytest.approx(100) and cps[0]["抵扣金额"].value == pytest.approx(20)
    assert cps[0]["有效期至"].value == dt.datetime(2026, 12, 21) and cps[0]["姓名"].value == "张三"
    (k,) = sheet_rows(wb["计次卡"])
    assert (k["项目"].value, k["总次数"].value, k["已用次数"].value, k["已退次数"].value, k["剩余次数"].value) == (
        "洗车",
        10,
        2,
        0,
        8,
    )
    assert k["售价"].value == pytest.approx(300) and k["有效期至"].value == dt.datetime(2027, 11, 21)
    assert k["手机"].value == "13812345678" and k["最近使用"].is_date


# --- cancel, progress, atomic files ------------------------------------------------------------


def test_progress_reaches_the_total(db, tmp_path):
    from shopcrm.demo import generate

    generate(1500, 0, seed=2, complaints=0, contacts=0, today=TODAY)
    calls = []
    E.export_customers(tmp_path / "x.xlsx", progress=lambda d, t: calls.append((d, t)))
    assert calls[0] == (0, 1500) and calls[-1] == (1500, 1500)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)


def test_cancel_leaves_no_file_and_the_old_file_untouched(db, tmp_path):
    from openpyxl.worksheet import _writer

    from shopcrm.demo import generate

    generate(1500, 0, seed=2, complaints=0, contacts=0, today=TODAY)
    target = tmp_path / "x.xlsx"
    target.write_bytes(b"previous export")
    temp_files_before = list(_writer.ALL_TEMP_FILES)

    def cancel_midway(done, total):
        return done < 1000

    with pytest.raises(Cancelled):
        E.export_customers(target, full=True, progress=cancel_midway)
    assert target.read_bytes() == b"previous export"
    assert not [p for p in tmp_path.iterdir() if ".xlsx" in p.name and p != target]  # no temp file
    assert temp_files_before == _writer.ALL_TEMP_FILES  # openpyxl's sheet temp files removed
    with pytest.raises(Cancelled):
        E.export_customers(tmp_path / "new.xlsx", progress=lambda d, t: False)
    assert not (tmp_path / "new.xlsx").exists()
    from shopcrm.store.db import engine

    temp_tables = (
        "SELECT count(*) FROM sqlite_temp_master"
        if engine().name == "sqlite"
        else "SELECT count(*) FROM pg_class WHERE relpersistence = 't' AND pg_table_is_visible(oid)"
    )
    assert db.execute_sql(temp_tables).fetchone()[0] == 0


def test_an_existing_file_is_replaced_whole(shop, tmp_path):
    target = tmp_path / "x.xlsx"
    target.write_bytes(b"old")
    E.export_customers(target)
    assert names_in(target) == ["李四", "王五", "张三"]


def test_unwritable_targets_are_clear_errors(shop, tmp_path):
    with pytest.raises(E.ExportError, match="不存在"):
        E.export_customers(tmp_path / "missing" / "x.xlsx")
    (tmp_path / "dir.xlsx").mkdir()
    with pytest.raises(E.ExportError, match="无法写入"):
        E.export_customers(tmp_path / "dir.xlsx")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dir.xlsx", "shop.db", "shop.db-shm", "shop.db-wal"] or all(
        not p.name.endswith(".part") for p in tmp_path.iterdir()
    )


@pytest.mark.sqlite_only("SQLite's file lock: a second connection writes while the export reads")
def test_export_reads_a_snapshot_without_blocking_writes(db, db_path, tmp_path):
    from shopcrm.demo import generate

    generate(1200, 0, seed=2, complaints=0, contacts=0, today=TODAY)
    wrote = []

    def write_meanwhile(done, total):
        if done and not wrote:
            other = sqlite3.connect(db_path, timeout=0)  # fails at once if the export held the lock
            other.execute("UPDATE customer SET notes = 'changed', name = '后来改的名' WHERE id = 1")
            other.commit()
            other.close()
            wrote.append(done)
        return True

    path = E.export_customers(tmp_path / "x.xlsx", progress=write_meanwhile).path
    assert wrote
    assert "后来改的名" not in names_in(path)  # the export is one consistent snapshot


# --- owner guard and audit -----------------------------------------------------------------------


def test_export_is_owner_only_and_audited(shop, tmp_path):
    from shopcrm.trust import audit, security

    security.reset_session()
    try:
        security.set_pin("2468", confirm="2468")
        security.lock()
        with pytest.raises(security.OwnerRequired):
            E.export_customers(tmp_path / "x.xlsx")
        assert not (tmp_path / "x.xlsx").exists()
        security.unlock("2468")
        E.export_customers(tmp_path / "x.xlsx")
        assert audit.count("export") == 1
    finally:
        security.reset_session()


# --- CLI ---------------------------------------------------------------------------------------


def test_cli_export_with_filters(shop, db_location, tmp_path, capsys):
    from shopcrm import cli

    out = tmp_path / "out.xlsx"
    assert cli.main(["export", str(out), "--db", str(db_location), "--level", "金卡"]) == 0
    assert "已导出 1 位客户" in capsys.readouterr().out
    assert names_in(out) == ["张三"]
    assert cli.main(["export", str(out), "--db", str(db_location), "--tag", "VIP", "--full"]) == 0
    assert load_workbook(out).sheetnames == ["客户", "消费记录", "联系记录", "投诉记录", "优惠券", "计次卡"]
    assert cli.main(["export", str(out), "--db", str(db_location), "--level", "铜卡"]) == 1
    assert "没有名为“铜卡”的会员等级" in capsys.readouterr().err


@pytest.mark.slow
def test_cli_export_runs_as_a_process(shop, db_location, tmp_path, python_exe):
    import subprocess

    out = tmp_path / "全部.xlsx"
    proc = subprocess.run(
        [python_exe, "-m", "shopcrm", "export", str(out), "--db", str(db_location)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        cwd=ROOT,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )
    assert proc.returncode == 0, proc.stderr
    assert "已导出 3 位客户" in proc.stdout and out.exists()


# --- round trip through the importer -----------------------------------------------------------

ROUND_TRIP_FIELDS = (
    "name",
    "mobile",
    "card_no",
    "gender",
    "birthday",
    "lunar_month",
    "lunar_day",
    "lunar_leap",
    "lunar_year",
    "balance_cents",
    "points",
    "notes",
    "address",
    "wechat",
    "phone2",
    "joined_on",
    "total_spend_cents",
    # every other column the exporter writes comes back too
    "source",
    "pref_text",
    "pref_products",
    "pref_taste",
    "pref_channel",
    "pref_time",
    "consent_marketing",
    "purchase_count",
    "last_purchase_at",
)


def snapshot() -> dict[str, dict]:
    out = {}
    for c in C.Customer.select().where(C.Customer.deleted_at.is_null()):
        row = {f: getattr(c, f) for f in ROUND_TRIP_FIELDS}
        row["lunar_leap"] = bool(row["lunar_leap"])
        row["level"] = c.level.name if c.level_id else None
        row["tags"] = sorted(C.tags_of(c.id))
        out[c.mobile] = row
    return out


def test_round_trip_export_then_import_gives_the_same_customers(shop, tmp_path):
    excel_import = pytest.importorskip("shopcrm.excel.excel_import")
    from shopcrm.store.db import open_database

    # every trigger character in the fields the importer reads back as text
    C.update(
        shop["b"],
        C.CustomerInput(
            name="李四",
            mobile="13900001111",
            birthday=LunarBirthday(4, 5, True),
            tags=["宝妈"],
            consent_marketing=False,
            extra={
                "gender": "F",
                "notes": "-不要打电话 =1+1",
                "address": "@家里",
                "wechat": "+wx",
                "phone2": "-",
                "source": "=朋友介绍",
                "pref_text": "喜欢\n素色",
                "pref_products": "绿茶",
                "pref_taste": "少糖",
                "pref_channel": "wechat",
                "pref_time": "工作日晚上",
            },
        ),
        today=TODAY,
    )
    before = snapshot()
    assert before["13900001111"]["pref_channel"] == "wechat" and not before["13900001111"]["consent_marketing"]
    assert before["13812345678"]["purchase_count"] == 1 and before["13812345678"]["last_purchase_at"]
    path = E.export_customers(tmp_path / "往返.xlsx").path

    open_database(tmp_path / "empty.db")
    report = excel_import.run(path, excel_import.ImportOptions(today=TODAY))
    assert report is not None
    after = snapshot()
    assert after == before


# --- sheets beyond Excel's row limit, sheet names -------------------------------------------------


def test_rows_beyond_the_sheet_limit_continue_on_a_new_sheet(tmp_path, monkeypatch):
    monkeypatch.setattr(E, "MAX_SHEET_ROWS", 10)  # Excel's real limit is 1,048,575 data rows
    out = E.write_table(tmp_path / "x.xlsx", "消费记录", ["序号"], [(i,) for i in range(25)])
    wb = load_workbook(out)
    assert wb.sheetnames == ["消费记录", "消费记录 (2)", "消费记录 (3)"]
    assert [[r[0] for r in ws.iter_rows(values_only=True)] for ws in wb] == [
        ["序号", *range(0, 10)],
        ["序号", *range(10, 20)],
        ["序号", *range(20, 25)],
    ]
    assert all(ws.freeze_panes == "A2" for ws in wb)
    assert [ws.auto_filter.ref for ws in wb] == ["A1:A11", "A1:A11", "A1:A6"]


def test_sheet_titles_are_made_valid():
    assert E.sheet_title("分析: 2026/11 [本月]") == "分析_ 2026_11 _本月_"
    assert len(E.sheet_title("x" * 40, 2)) == 31 and E.sheet_title("x" * 40, 2).endswith(" (2)")


# --- property: whatever the archive holds comes back through export and import -------------------

_TEXT = "张王李曾单ab Z9·=+-@'#!,，\t\n"
_TAG = "老顾客VIP宝妈=+@-"
_text = st.text(alphabet=_TEXT, max_size=12).map(str.strip).filter(lambda s: not s.startswith("'"))
# free text as people paste it (issue #19): CR and CRLF line ends, control characters, the file
# format's own escape spelled out literally
_NOTE = list(_TEXT) + ["\r", "\r\n", "\x01", "_x000D_", "_x005F_", "_X000a_"]
_note = (
    st.lists(st.sampled_from(_NOTE), max_size=10).map("".join).map(str.strip).filter(lambda s: not s.startswith("'"))
)
# up to the one bound every path shares (normalize.MAX_CENTS / MAX_POINTS), its edge often
_cents = st.one_of(st.integers(0, 10**9), st.integers(MAX_CENTS - 10**6, MAX_CENTS - 1))
_points = st.one_of(st.integers(0, 10**7), st.integers(MAX_POINTS - 10**6, MAX_POINTS - 1))


@st.composite
def archives(draw):
    n = draw(st.integers(1, 4))
    mobiles = draw(st.lists(st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True), min_size=n, max_size=n, unique=True))
    cards = draw(st.lists(st.from_regex(r"[0-9A-Z]{1,10}", fullmatch=True), min_size=n, max_size=n, unique=True))
    people = []
    for mobile, card in zip(mobiles, cards, strict=True):
        birthday = draw(
            st.one_of(
                st.none(),
                st.dates(dt.date(1930, 1, 1), dt.date(2020, 12, 31)),
                st.builds(
                    LunarBirthday,
                    st.integers(1, 12),
                    st.integers(1, 30),
                    st.booleans(),
                    st.one_of(st.none(), st.just(None)),
                ),
            )
        )
        people.append(
            dict(
                name=draw(_text.filter(bool)),
                mobile=mobile,
                card_no=card if draw(st.booleans()) else "",
                birthday=birthday,
                level=draw(st.sampled_from([None, "金卡", "银卡"])),
                opening_balance=str(Decimal(draw(_cents)).scaleb(-2)),
                opening_points=str(draw(_points)),
                tags=draw(st.lists(st.text(alphabet=_TAG, min_size=1, max_size=4), max_size=3, unique=True)),
                joined_on=draw(st.dates(dt.date(2000, 1, 1), TODAY)),
                consent_marketing=draw(st.sampled_from([True, False, None])),  # None: unknown
                extra={
                    "gender": draw(st.sampled_from(["", "M", "F"])),
                    "notes": draw(_note),
                    "address": draw(_note),
                    "wechat": draw(_text),
                    "phone2": draw(_text),
                    "source": draw(_note),
                    "pref_text": draw(_note),
                    "pref_products": draw(_note),
                    "pref_taste": draw(_note),
                    "pref_time": draw(_note),
                    "pref_channel": draw(st.sampled_from(["", "phone", "sms", "wechat", "visit"])),
                },
            )
        )
    return people


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(people=archives())
def test_property_any_archive_round_trips_through_export_and_import(tmp_path_factory, people):
    excel_import = pytest.importorskip("shopcrm.excel.excel_import")
    from shopcrm.store.db import close_database, open_database

    folder = tmp_path_factory.mktemp("rt")
    open_database(folder / "a.db")
    try:
        for p in people:
            level = p.pop("level")
            p["level_id"] = C.level_id_by_name(level, create=True) if level else None
            C.create(C.CustomerInput(**p), today=TODAY)
        before = snapshot()
        path = E.export_customers(folder / "a.xlsx").path
        open_database(folder / "b.db")
        excel_import.run(path, excel_import.ImportOptions(today=TODAY))
        assert snapshot() == before
    finally:
        close_database()


def test_round_trip_of_text_that_starts_with_an_apostrophe_and_a_trigger(shop, tmp_path):
    excel_import = pytest.importorskip("shopcrm.excel.excel_import")
    from shopcrm.store.db import open_database

    C.update(
        shop["b"], C.CustomerInput(name="李四", mobile="13900001111", extra={"notes": "'=1+1 是原文"}), today=TODAY
    )
    before = snapshot()
    path = E.export_customers(tmp_path / "x.xlsx").path
    open_database(tmp_path / "empty.db")
    excel_import.run(path, excel_import.ImportOptions(today=TODAY))
    assert snapshot()["13900001111"]["notes"] == before["13900001111"]["notes"]


def test_cli_export_needs_the_pin_once_one_is_set(shop, db_location, tmp_path, capsys):
    from shopcrm import cli
    from shopcrm.trust import security

    security.reset_session()
    try:
        security.set_pin("2468", confirm="2468")
        security.lock()
        out = tmp_path / "x.xlsx"
        assert cli.main(["export", str(out), "--db", str(db_location)]) == 1
        assert "店主" in capsys.readouterr().err and not out.exists()
        assert cli.main(["export", str(out), "--db", str(db_location), "--pin", "1111"]) == 1
        assert "密码不正确" in capsys.readouterr().err and not out.exists()
        security.reset_session()
        assert cli.main(["export", str(out), "--db", str(db_location), "--pin", "2468"]) == 0
        assert out.exists()
    finally:
        security.reset_session()
