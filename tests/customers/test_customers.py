"""The customer archive: normalisation, validation, search, recycle bin, ledger invariant."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import TEST_DAY

from shopcrm import customers as C
from shopcrm.core.errors import DuplicateError, FieldError, ValidationError
from shopcrm.core.lunar import LunarBirthday
from shopcrm.core.normalize import normalize_card, normalize_mobile, parse_int, parse_money
from shopcrm.customers import ledger
from shopcrm.sales import activity

pytestmark = pytest.mark.usefixtures("fixed_day")  # the clock stands on TEST_DAY

TODAY = TEST_DAY


@pytest.mark.parametrize(
    "raw",
    [
        "13812345678",
        "138 1234 5678",
        "138-1234-5678",
        "+86 13812345678",
        "8613812345678",
        "１３８１２３４５６７８",
        13812345678,
        13812345678.0,
        "13812345678.0",
        "(138)12345678",
    ],
)
def test_mobile_normalisation(raw):
    assert normalize_mobile(raw) == "13812345678"


@pytest.mark.parametrize(
    "raw,reason",
    [
        ("1.38123E+10", "科学计数法"),
        ("138****5678", "星号"),
        ("021-62345678", "格式不对"),
        ("12812345678", "格式不对"),
        ("", "不能为空"),
        ("1381234567", "格式不对"),
    ],
)
def test_bad_mobiles_are_errors_never_guesses(raw, reason):
    with pytest.raises(FieldError, match=reason):
        normalize_mobile(raw)


def test_money_and_points_parsing():
    assert parse_money("¥1,200.50") == 120050
    assert parse_money("200元") == 20000
    assert parse_money("￥1.11") == 111
    assert parse_money("") == 0
    assert parse_money(0.1 + 0.2) == 30
    with pytest.raises(FieldError, match="不能为负数"):
        parse_money("-5")
    with pytest.raises(FieldError, match="不是有效金额"):
        parse_money("abc")
    assert parse_int("1,200") == 1200
    assert parse_int("１２００") == 1200
    with pytest.raises(FieldError):
        parse_int("12.5")


def test_card_numbers_keep_leading_zeros():
    assert normalize_card(" 000123 ") == "000123"
    assert normalize_card("vip０１") == "VIP01"
    assert normalize_card("") is None


def make(name="张三", mobile="13812345678", **kw):
    return C.create(C.CustomerInput(name=name, mobile=mobile, **kw), today=TODAY)


def test_create_and_find_by_every_search_kind(db):
    c = make("张三", "13812345678", card_no="000777")
    make("曾伟", "13900001111")
    make("单丽", "13700002222")
    make("区志强", "13600003333")

    def found(text):
        q = C.CustomerQuery(text=text)
        return {r.name for r in C.page(q, 0, 50)}

    assert found("1381") == {"张三"}  # mobile prefix
    assert found("5678") == {"张三"}  # last four digits
    assert found("345678") == {"张三"}  # longer tail
    assert found("000777") == {"张三"}  # card number
    assert found("zs") == {"张三"}  # pinyin initials
    assert found("zhangsan") == {"张三"}  # full pinyin
    assert found("三") == {"张三"}  # name substring
    assert found("zw") == {"曾伟"}  # polyphonic surname 曾 = zeng
    assert found("sl") == {"单丽"}  # 单 = shan
    assert found("o") == {"区志强"}  # 区 = ou
    assert C.count(C.CustomerQuery(text="zs")) == 1
    assert c.mobile_rev == "87654321831"


def test_validation_reports_every_field_in_chinese(db):
    with pytest.raises(ValidationError) as info:
        C.create(C.CustomerInput(name=" ", mobile="123", birthday="2030-01-01", opening_balance="-1"), today=TODAY)
    fields = {e.field for e in info.value.errors}
    assert fields == {"name", "mobile", "birthday", "balance"}
    assert "姓名不能为空" in str(info.value)
    assert "是将来的日期" in info.value.for_field("birthday").message


def test_duplicate_mobile_and_card_name_the_existing_customer(db):
    first = make("张三", "13812345678", card_no="A1")
    with pytest.raises(ValidationError) as info:
        make("李四", "138 1234 5678", card_no="a1")
    dup = info.value.for_field("mobile")
    assert isinstance(dup, DuplicateError) and dup.other_id == first.id
    assert "张三" in dup.message
    assert info.value.for_field("card_no").other_id == first.id


def test_lunar_birthday_is_stored_as_lunar(db):
    c = make(birthday="农历闰四月初五")
    assert (c.lunar_month, c.lunar_day, c.lunar_leap, c.birthday) == (4, 5, True, None)
    row = C.page(C.CustomerQuery(), 0, 1)[0]
    assert row.birthday_text == "农历闰四月初五"
    c2 = C.update(c.id, C.CustomerInput(name="张三", mobile="13812345678", birthday=dt.date(1990, 5, 12)), today=TODAY)
    assert c2.birthday == dt.date(1990, 5, 12) and c2.lunar_month is None and c2.birth_mmdd == 512


def test_edit_renames_search_keys(db):
    c = make("张三")
    C.update(c.id, C.CustomerInput(name="李四", mobile="13812345678"), today=TODAY)
    assert C.count(C.CustomerQuery(text="zs")) == 0
    assert C.count(C.CustomerQuery(text="ls")) == 1


def test_search_keys_are_derived_rows_kept_in_step_without_a_foreign_key(db, engine_name):
    # step 0010: no constraint and no customer_id index on search_key (imports write ~9 keys a
    # customer); shopcrm.customers itself keeps the keys in step with the live names
    assert db.get_foreign_keys("search_key") == []
    # the primary key (key, customer_id) and, since step 0023, (key, name_sort, customer_id)
    if engine_name == "sqlite":
        assert sorted(r[1] for r in db.execute_sql("PRAGMA index_list(search_key)")) == [
            "search_key_sort",
            "sqlite_autoindex_search_key_1",
        ]
    else:
        assert sorted(i.name for i in db.get_indexes("search_key")) == ["search_key_pkey", "search_key_sort"]

    def keys_of(cid):
        return {k for (k,) in db.execute_sql("SELECT key FROM search_key WHERE customer_id = ?", (cid,))}

    def sorts_of(cid):
        return {s for (s,) in db.execute_sql("SELECT name_sort FROM search_key WHERE customer_id = ?", (cid,))}

    c = make("张三")
    assert {"张三", "三", "zs", "zhangsan", "z"} <= keys_of(c.id)
    assert sorts_of(c.id) == {C.get(c.id).name_sort}  # every key carries the customer's sort key
    C.update(c.id, C.CustomerInput(name="李四", mobile="13812345678"), today=TODAY)
    assert keys_of(c.id) == {"李四", "四", "l", "ls", "lisi"}  # nothing of the old name is left
    assert sorts_of(c.id) == {C.get(c.id).name_sort}
    C.soft_delete([c.id])
    assert keys_of(c.id) == set()
    db.execute_sql("INSERT INTO search_key (key, customer_id) VALUES ('stray', ?)", (c.id,))
    assert C.purge([c.id]) == 1
    assert keys_of(c.id) == set()  # purge also removes a key that should not have been there


def test_recycle_bin_delete_restore_purge(db):
    c = make()
    activity.record_purchase(c.id, 10000)
    assert C.soft_delete([c.id]) == 1
    assert C.count(C.CustomerQuery()) == 0
    assert C.count(C.CustomerQuery(deleted=True)) == 1
    assert C.count(C.CustomerQuery(text="zs")) == 0
    # the mobile stays taken while the customer is in the recycle bin, and the message says so
    with pytest.raises(ValidationError, match="回收站"):
        make("王五", "13812345678")
    assert C.restore([c.id]) == 1
    assert C.count(C.CustomerQuery()) == 1
    assert C.purge([c.id]) == 0  # only from the recycle bin
    C.soft_delete([c.id])
    assert C.purge([c.id]) == 1
    assert db.execute_sql("SELECT count(*) FROM purchase").fetchone()[0] == 0
    assert db.execute_sql("SELECT count(*) FROM search_key").fetchone()[0] == 0


def test_ledger_invariant_holds_through_every_change(db):
    c = make(opening_balance="100.00", opening_points="10")
    activity.record_purchase(c.id, 3050, payment="stored_value", items="衬衫")
    activity.record_purchase(c.id, 2000, payment="cash")
    ledger.apply(c.id, "topup", balance_delta_cents=50000, reason="充值")
    ledger.apply(c.id, "adjust", points_delta=-5, reason="更正")
    with pytest.raises(FieldError, match="余额不足"):
        ledger.apply(c.id, "spend", balance_delta_cents=-(10**9))
    c = C.get(c.id)
    assert c.balance_cents == 10000 - 3050 + 50000
    assert c.points == 10 + 30 + 20 - 5
    assert ledger.verify() == []
    entries = ledger.entries(c.id)
    assert entries[0].balance_after_cents == c.balance_cents and entries[0].points_after == c.points
    assert c.total_spend_cents == 5050 and c.purchase_count == 2
    # a balance changed behind the ledger's back is caught
    db.execute_sql("UPDATE customer SET balance_cents = balance_cents + 1 WHERE id = ?", (c.id,))
    assert ledger.verify() == [c.id]


def test_sort_and_filters(db):
    a = make("甲", "13800000001", level_id=C.level_id_by_name("金卡"), tags=["VIP"])
    b = make("乙", "13800000002")
    activity.record_purchase(b.id, 90000)
    activity.record_purchase(a.id, 100)
    q = C.CustomerQuery(sort="total_spend", descending=True)
    assert [r.name for r in C.page(q, 0, 10)] == ["乙", "甲"]
    assert [r.name for r in C.page(C.CustomerQuery(level_id=a.level_id), 0, 10)] == ["甲"]
    tag = dict((n, i) for i, n in C.all_tags())["VIP"]
    assert [r.name for r in C.page(C.CustomerQuery(tag_id=tag), 0, 10)] == ["甲"]
    assert list(C.iter_ids(q)) == [b.id, a.id]


def test_demo_data_is_deterministic_and_consistent(db):
    from shopcrm.demo import generate

    generate(200, 2000, seed=7, today=TODAY)
    names = [r[0] for r in db.execute_sql("SELECT name FROM customer ORDER BY id LIMIT 5")]
    assert ledger.verify() == []
    total = db.execute_sql("SELECT SUM(total_spend_cents) FROM customer").fetchone()[0]
    assert total == db.execute_sql("SELECT SUM(amount_cents) FROM purchase").fetchone()[0]
    assert db.execute_sql("SELECT count(*) FROM customer WHERE lunar_month IS NOT NULL").fetchone()[0] > 0
    assert C.count(C.CustomerQuery()) == 200
    import pathlib
    import tempfile

    from shopcrm.store.db import close_database, open_database

    close_database()
    with tempfile.TemporaryDirectory() as d:
        open_database(pathlib.Path(d) / "b.db")
        generate(200, 2000, seed=7, today=TODAY)
        from shopcrm.store.db import database

        assert [r[0] for r in database.execute_sql("SELECT name FROM customer ORDER BY id LIMIT 5")] == names
        close_database()


def test_lunar_birthday_object_round_trip():
    b = LunarBirthday(4, 5, True)
    assert str(b) == "农历闰四月初五"


def test_solar_to_lunar_knows_leap_months():
    from shopcrm.core.lunar import solar_to_lunar

    assert solar_to_lunar(dt.date(2020, 6, 1)) == LunarBirthday(4, 10, True, 2020)
    assert solar_to_lunar(dt.date(2026, 2, 17)) == LunarBirthday(1, 1, False, 2026)  # 春节


def test_one_letter_search_counts_exactly_what_it_lists(db):
    make("张三", "13800000001")
    make("曾伟", "13800000002")  # 曾: zeng and ceng
    make("周周", "13800000003")
    make("Zoe", "13800000004")
    gone = make("赵六", "13800000005")
    C.soft_delete([gone.id])
    q = C.CustomerQuery(text="z")
    listed = {r.name for r in C.page(q, 0, 50)}
    assert listed == {"张三", "曾伟", "周周", "Zoe"}
    assert C.count(q) == len(listed)
    assert {r.name for r in C.page(C.CustomerQuery(text="c"), 0, 50)} == {"曾伟"}


@pytest.mark.parametrize("raw", ["1E1000000", "-1E1000000", "9" * 40, "100000000000.0"])
def test_absurd_amounts_are_field_errors_not_crashes(raw):
    with pytest.raises(FieldError, match="过大"):
        parse_money(raw, allow_negative=True)


def test_referred_by_is_found_by_mobile_or_card_and_checked(db):
    """Issue 15: "referred by" another customer, typed as their mobile or card number."""
    from shopcrm.core.errors import ValidationError

    a = C.create(C.CustomerInput(name="介绍人", mobile="13900001111", card_no="V100"))
    b = C.create(C.CustomerInput(name="新客", mobile="13900002222", referred_by="13900001111"))
    assert b.referred_by_id == a.id and C.to_input(b).referred_by == "V100"
    c = C.create(C.CustomerInput(name="又一位", mobile="13900003333", referred_by="V100"))
    assert c.referred_by_id == a.id
    with pytest.raises(ValidationError, match="不是本店客户"):
        C.create(C.CustomerInput(name="x", mobile="13900004444", referred_by="13900009999"))
    with pytest.raises(ValidationError, match="不能介绍自己"):
        C.update(a.id, C.CustomerInput(name="介绍人", mobile="13900001111", referred_by="V100"))
    C.update(b.id, C.CustomerInput(name="新客", mobile="13900002222"))
    assert C.get(b.id).referred_by_id is None
