"""Issue #19: one bound per value on every path (forms, ledger, import, export), one definition of
the 90-day windows, and no sale to a customer who is gone."""

from __future__ import annotations

import datetime as dt

import pytest

from shopcrm import customers as C, grading
from shopcrm.core.errors import FieldError, ValidationError
from shopcrm.core.normalize import MAX_CENTS, MAX_POINTS, MAX_TEXT
from shopcrm.customers import ledger
from shopcrm.excel import excel_export as E, excel_import
from shopcrm.sales import activity
from shopcrm.store.db import database
from shopcrm.trust import privacy

TODAY = dt.date(2026, 11, 22)
NOW = dt.datetime(2026, 11, 22, 12, 0, 0)
_mobiles = iter(range(13600000000, 13700000000))


@pytest.fixture(autouse=True)
def _today():
    from shopcrm.core import clock

    clock.set_now(NOW)  # conftest lets the clock run again afterwards


def new_customer(name: str = "顾客", **extra) -> int:
    return C.create(C.CustomerInput(name=name, mobile=str(next(_mobiles)), extra=extra), today=TODAY).id


# --- text the program cannot store or export is a field message -----------------------------------


@pytest.mark.parametrize("text", ["好\ud83d", "\udc00", "a\ud800b"])
def test_a_lone_surrogate_is_a_field_message_on_create_and_update(db, text):
    with pytest.raises(ValidationError) as info:
        new_customer("张三", notes=text)
    err = info.value.for_field("notes")
    assert err is not None and err.message.startswith("备注第 ") and "个字符无效" in err.message
    cid = new_customer("张三")
    with pytest.raises(ValidationError) as info:
        C.update(cid, C.CustomerInput(name="张三" + text, mobile=C.Customer.get_by_id(cid).mobile), today=TODAY)
    assert info.value.for_field("name") is not None
    with pytest.raises(ValidationError):
        C.update(cid, C.CustomerInput(name="张三", mobile=C.Customer.get_by_id(cid).mobile, tags=[text]), today=TODAY)
    assert C.Customer.get_by_id(cid).name == "张三"


def test_a_note_longer_than_a_cell_is_refused_at_entry_and_on_import(db, tmp_path):
    new_customer("刚好", notes="字" * MAX_TEXT)  # the limit itself is fine
    with pytest.raises(ValidationError) as info:
        new_customer("太长", notes="字" * (MAX_TEXT + 1))
    assert info.value.for_field("notes").message == "备注太长：32768 个字，最多 32767 个字（Excel 单元格的上限）"
    csv = tmp_path / "m.csv"
    csv.write_text("姓名,手机,备注\n李四,13900000001," + "长" * 40000 + "\n王五,13900000002,短\n", encoding="utf-8")
    report = excel_import.run(csv, excel_import.ImportOptions(today=TODAY))
    bad = next(r for r in report.rows if r.record == 2)
    assert (bad.cls, bad.reason, bad.column) == ("ERROR", "text_invalid", "备注")
    assert "40000 个字" in bad.message
    assert C.find_by_mobile("13900000001") is None and C.find_by_mobile("13900000002") is not None


def test_a_stored_note_longer_than_a_cell_stops_the_export_with_a_message(db, tmp_path):
    # written before this bound existed (straight into the file)
    cid = new_customer("旧档案")
    database.execute_sql("UPDATE customer SET notes = ? WHERE id = ?", ("旧" * (MAX_TEXT + 5), cid))
    with pytest.raises(E.ExportError) as info:
        E.export_customers(tmp_path / "x.xlsx")
    assert "第 2 行“备注”有 32772 个字" in str(info.value) and "不会截断" in str(info.value)
    assert not (tmp_path / "x.xlsx").exists()


# --- number ranges: one bound on every path --------------------------------------------------------


def test_the_ledger_refuses_what_an_import_would_refuse(db):
    cid = C.create(
        C.CustomerInput(
            name="大户",
            mobile="13900000009",
            opening_balance=str((MAX_CENTS - 1) / 100),
            opening_points=str(MAX_POINTS - 1),
        ),
        today=TODAY,
    ).id
    c = C.Customer.get_by_id(cid)
    assert (c.balance_cents, c.points) == (MAX_CENTS - 1, MAX_POINTS - 1)
    with pytest.raises(FieldError) as info:
        ledger.apply(cid, "topup", balance_delta_cents=1)
    assert info.value.field == "balance" and "过大" in info.value.message
    with pytest.raises(FieldError) as info:
        ledger.apply(cid, "adjust", points_delta=1, reason="赠送")  # (earn needs a purchase)
    assert info.value.field == "points" and "过大" in info.value.message
    with pytest.raises(FieldError):  # a purchase that would earn past the bound is refused whole
        activity.record_purchase(cid, 10_000, at=NOW)
    c = C.Customer.get_by_id(cid)
    assert (c.balance_cents, c.points, c.purchase_count) == (MAX_CENTS - 1, MAX_POINTS - 1, 0)
    assert ledger.verify() == []


def test_total_spend_stays_within_what_an_import_reads_back(db):
    cid = C.create(C.CustomerInput(name="大户", mobile="13900000010"), today=TODAY).id
    activity.record_purchase(cid, MAX_CENTS - 200, at=NOW)
    with pytest.raises(FieldError) as info:
        activity.record_purchase(cid, 200, at=NOW)  # would reach the bound the importer refuses
    assert info.value.field == "amount" and "过大" in info.value.message
    activity.record_purchase(cid, 199, at=NOW)  # just below it is still a sale
    c = C.Customer.get_by_id(cid)
    assert (c.total_spend_cents, c.purchase_count) == (MAX_CENTS - 1, 2)


# --- one 90-day window ---------------------------------------------------------------------------


def _buy(cid: int, ago: int) -> None:
    activity.record_purchase(cid, 10_000, at=dt.datetime.combine(TODAY - dt.timedelta(days=ago), dt.time(10)))


@pytest.mark.parametrize(
    "ago, new_stage, back_stage", [(89, "new", "recovered"), (90, "new", "recovered"), (91, "growth", "growth")]
)
def test_new_and_recovered_share_one_window(db, ago, new_stage, back_stage):
    first = new_customer("新客")
    back = new_customer("回头客")
    _buy(back, 400)  # lost for 400 - ago days, then back
    for d in range(ago, 0, -10):  # from `ago` days ago on, every 10 days: neither lost nor at risk
        _buy(first, d)
        _buy(back, d)
    # graded afresh on TODAY (the purchases' own updates ran on the wall clock's day)
    database.execute_sql("UPDATE customer SET lifecycle = NULL, lifecycle_at = NULL")
    grading.regrade(today=TODAY, at=NOW)
    assert C.Customer.get_by_id(first).lifecycle == new_stage
    assert C.Customer.get_by_id(back).lifecycle == back_stage
    # the one-customer update after a purchase uses the same window
    database.execute_sql("UPDATE customer SET lifecycle = NULL, lifecycle_at = NULL")
    assert [grading.update_lifecycle(c, at=NOW, today=TODAY) for c in (first, back)] == [new_stage, back_stage]
    assert grading.window_start(TODAY, 90) == TODAY - dt.timedelta(days=90)


# --- no sale to a customer who is gone ----------------------------------------------------------


def test_no_purchase_for_a_customer_in_the_recycle_bin_or_erased(db):
    from shopcrm.trust import security

    binned = new_customer("回收站")
    C.soft_delete([binned])
    with pytest.raises(FieldError) as info:
        activity.record_purchase(binned, 5000, at=NOW)
    assert info.value.message == "客户“回收站”在回收站中，不能记录消费；请先从回收站恢复该客户"
    erased = new_customer("抹除")
    assert security.is_owner()  # no PIN set: the owner
    privacy.erase_customer(erased, vacuum=False)
    with pytest.raises(FieldError) as info:
        activity.record_purchase(erased, 5000, at=NOW)
    assert info.value.message == "该客户的个人信息已按要求抹除，不能再记录消费"
    assert database.execute_sql("SELECT count(*) FROM purchase").fetchone()[0] == 0
    C.restore([binned])
    activity.record_purchase(binned, 5000, at=NOW)  # back from the bin: sales again
