"""Property tests of the normalisers shared by the archive form and the importer: any cell value a
spreadsheet can hold either normalises or raises FieldError (never anything else), and every
accepted value is stable: normalising the stored form again, or writing it to an xlsx cell and
reading it back, gives the same value."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest
from conftest import TEST_DAY
from hypothesis import HealthCheck, given, settings, strategies as st

from shopcrm.core.errors import FieldError
from shopcrm.core.lunar import LunarBirthday, format_lunar
from shopcrm.core.money import fmt
from shopcrm.core.normalize import (
    cell_text,
    escape_formula,
    match_header,
    normalize_card,
    normalize_gender,
    normalize_header,
    normalize_mobile,
    normalize_name,
    parse_birthday,
    parse_date,
    parse_int,
    parse_money,
    parse_tags,
    unescape_formula,
)

pytestmark = pytest.mark.usefixtures("fixed_day")  # the clock stands on TEST_DAY

TODAY = TEST_DAY

# what python-calamine hands us for a cell, plus the texts people type
digits_text = st.text(alphabet="0123456789１２３４５６７８９０ -+()（）.,eE*¥￥元", max_size=20)
cells = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    digits_text,
    st.datetimes(min_value=dt.datetime(1, 1, 1)),
    st.dates(),
    st.times(),
    st.sampled_from(
        [
            "农历闰四月初五",
            "农历1988年冬月初十",
            "阴历十三月初一",
            "农历99999年正月初一",
            "1990-02-30",
            "0000-00-00",
            "19901345",
            "13/25/1990",
            "1.38001E+10",
            "138****8000",
            "+86 138 1234 5678",
            "¥1,200.50",
            "200元",
            "一百元",
            "12.3.4",
            "1e999999",
            "-0",
            "NaN",
            "Infinity",
            "'=1+1",
            "\u3000",
            "1" * 5000,
        ]
    ),
)

SAFE = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def accepts(fn, value, *args, **kw):
    try:
        return True, fn(value, *args, **kw)
    except FieldError:
        return False, None


@SAFE
@given(cells)
def test_mobile_never_raises_anything_but_field_error_and_is_stable(value):
    ok, mobile = accepts(normalize_mobile, value)
    if ok:
        assert len(mobile) == 11 and mobile.isdigit() and mobile[0] == "1"
        assert normalize_mobile(mobile) == mobile
        assert normalize_mobile(int(mobile)) == mobile  # a number cell
        assert normalize_mobile(float(mobile)) == mobile  # a float cell (13812345678.0)


@SAFE
@given(cells)
def test_money_is_exact_cents_and_stable(value):
    ok, cents = accepts(parse_money, value)
    if ok:
        assert isinstance(cents, int) and cents >= 0
        written = fmt(cents)  # as the exporter and the form show it: '1,200.50'
        assert parse_money(written) == cents
        assert parse_money(f"¥{written}") == cents
        assert parse_money(cents / 100 if cents < 10**15 else written) == cents


@SAFE
@given(cells)
def test_points_are_whole_non_negative_and_stable(value):
    ok, n = accepts(parse_int, value)
    if ok:
        assert isinstance(n, int) and n >= 0
        assert parse_int(str(n)) == n and parse_int(f"{n:,}") == n and parse_int(float(n)) == n


@SAFE
@given(cells)
def test_birthday_is_a_past_date_or_a_lunar_birthday_and_stable(value):
    ok, b = accepts(parse_birthday, value, today=TODAY)
    if not ok or b is None:
        return
    if isinstance(b, LunarBirthday):
        assert parse_birthday(format_lunar(b), today=TODAY) == b
    else:
        assert isinstance(b, dt.date) and dt.date(1900, 1, 1) <= b <= TODAY
        for again in (
            b.isoformat(),
            b.strftime("%Y/%m/%d"),
            f"{b.year}年{b.month}月{b.day}日",
            int(b.strftime("%Y%m%d")),
            dt.datetime(b.year, b.month, b.day),
        ):
            assert parse_birthday(again, today=TODAY) == b


@SAFE
@given(cells)
def test_dates_never_raise_anything_but_field_error(value):
    accepts(parse_date, value)
    accepts(parse_date, value, allow_future=False, today=TODAY)


@SAFE
@given(cells)
def test_text_fields_never_raise(value):
    card = normalize_card(value)
    assert card is None or (card == card.strip() and normalize_card(card) == card)
    assert normalize_gender(value) in ("M", "F", "")
    assert isinstance(cell_text(value), str)
    assert isinstance(normalize_header(value), str)
    match_header(value)
    tags = parse_tags(value)
    assert parse_tags("，".join(tags)) == tags
    if isinstance(value, str):
        name = normalize_name(value)
        assert normalize_name(name) == name
        assert unescape_formula(escape_formula(value)) == value


@pytest.fixture(scope="module")
def roundtrip_book(tmp_path_factory):
    return tmp_path_factory.mktemp("rt") / "rt.xlsx"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(cells, min_size=1, max_size=8))
def test_accepted_values_round_trip_through_an_xlsx_file(roundtrip_book, values):
    """Write each accepted value the way an export does (text, escaped) and read it back with
    the importer's reader: the normalised value is unchanged."""
    from shopcrm.excel.excel_import import read_sheet

    plans = []
    for v in values:
        for fn, kw, show in (
            (normalize_mobile, {}, str),
            (parse_money, {}, fmt),
            (parse_int, {}, str),
            (normalize_card, {}, str),
            (parse_birthday, {"today": TODAY}, lambda b: format_lunar(b) if isinstance(b, LunarBirthday) else b),
        ):
            ok, got = accepts(fn, v, **kw)
            if ok and got is not None:
                plans.append((fn, kw, got, show(got)))
    if not plans:
        return
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("s")
    for _fn, _kw, _got, shown in plans:
        ws.append([escape_formula(shown) if isinstance(shown, str) else shown])
    wb.save(roundtrip_book)
    rows = read_sheet(roundtrip_book).rows
    assert len(rows) == len(plans)
    for (fn, kw, got, _shown), row in zip(plans, rows, strict=True):
        assert fn(unescape_formula(row[0]) if isinstance(row[0], str) else row[0], **kw) == got


@pytest.mark.parametrize(
    "header,field",
    [
        ("手机号码 ", "mobile"),
        ("储值余额(元)", "balance"),
        ("储值余额（元）", "balance"),
        ("手机号码*", "mobile"),
        ("*姓名", "name"),
        ("会员\n姓名", "name"),
        ("Card No.", "card_no"),
        ("DATE OF BIRTH", "birthday"),
        ("mobile_phone", "mobile"),
        ("累计消费金额(元)", "total_spend"),
        ("开卡日期：", "joined_on"),
        ("ＶＩＰ", None),
        # a chain's home store; a single shop's import leaves such a column unread
        # (excel_import.usable_mapping; tests/stores/test_store_import.py)
        ("门店", "store"),
        ("发卡门店", "store"),
        ("会员标签", "tags"),
        ("微信号", "wechat"),
        ("通讯地址", "address"),
        ("入会时间", "joined_on"),
        ("会员类别", "level"),
        ("持卡人", "name"),
        ("联系方式", "mobile"),
    ],
)
def test_header_synonyms(header, field):
    assert match_header(header) == field


def test_the_issues_synonym_table_is_covered():
    table = {
        "name": "姓名/会员姓名/客户名称/客户姓名/持卡人/会员名称",
        "mobile": "手机/手机号/手机号码/联系电话/电话/电话号码/联系手机/联系方式",
        "card_no": "卡号/会员卡号/会员编号",
        "birthday": "生日/出生日期/会员生日",
        "gender": "性别/会员性别",
        "balance": "余额/卡内余额/储值余额/卡余额/账户余额",
        "points": "积分/可用积分/积分余额/当前积分",
        "level": "等级/会员等级/会员级别/卡类型/会员类别",
        "notes": "备注/说明",
        "address": "地址/通讯地址/联系地址",
        "joined_on": "注册日期/开卡日期/发卡日期/入会时间",
        "total_spend": "累计消费/总消费金额/消费总额",
        "wechat": "微信/微信号",
        "tags": "标签/会员标签",
    }
    english = {
        "name": "Name",
        "mobile": "Mobile",
        "card_no": "Card number",
        "birthday": "Birthday",
        "gender": "Gender",
        "balance": "Balance",
        "points": "Points",
        "level": "Level",
        "notes": "Notes",
        "address": "Address",
        "joined_on": "Join date",
        "total_spend": "Total spend",
        "wechat": "WeChat",
        "tags": "Tags",
    }
    for field, words in table.items():
        for w in words.split("/"):
            assert match_header(w) == field, w
        assert match_header(english[field]) == field


@pytest.mark.parametrize(
    "raw,gender",
    [
        ("男", "M"),
        ("女", "F"),
        ("M", "M"),
        ("f", "F"),
        ("先生", "M"),
        ("女士", "F"),
        (1, "M"),
        (0, "F"),
        ("1", "M"),
        (1.0, "M"),
        ("未知", ""),
        ("", ""),
        (None, ""),
    ],
)
def test_gender_words(raw, gender):
    assert normalize_gender(raw) == gender


def test_formula_escape_is_undone_only_for_our_escape():
    assert unescape_formula("'=1+1") == "=1+1"
    assert unescape_formula("'-") == "-"
    assert unescape_formula("'\tx") == "\tx"
    assert unescape_formula("'abc") == "'abc"  # an apostrophe someone typed stays
    assert unescape_formula("it's") == "it's"
    assert escape_formula("@SUM(1)") == "'@SUM(1)" and escape_formula("老客户") == "老客户"
