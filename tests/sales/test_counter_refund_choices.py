"""Issue 13: the day's close as xlsx, a refund to the card by the owner's choice, a complaint's
refund through the counter, and the operator of a contact."""

from __future__ import annotations

import datetime as dt
import json

import openpyxl
import pytest
from conftest import valid_complaint

from shopcrm import cli, complaints as K, customers
from shopcrm.core import clock
from shopcrm.customers import CustomerInput, ledger
from shopcrm.excel import day_close_export
from shopcrm.sales import activity, counter
from shopcrm.store.db import close_database, database, open_database
from shopcrm.store.models import AuditLog, Customer, Refund
from shopcrm.trust import security, session

DAY = dt.date(2026, 11, 22)


@pytest.fixture
def shop(db):
    security.reset_session()
    clock.set_now(dt.datetime.combine(DAY, dt.time(10)))
    counter.save_settings(bonus_rules=[{"min": 100000, "bonus": 15000}])
    yield db
    security.reset_session()
    clock.set_now(None)


def _member(mobile="13812345678", card="V001") -> int:
    return customers.create(CustomerInput(name="张三", mobile=mobile, card_no=card)).id


def _balance(cid: int) -> int:
    return Customer.get_by_id(cid).balance_cents


def _sum(sql: str, *params) -> int:
    return database.execute_sql(sql, params).fetchone()[0]


def test_the_day_close_xlsx_totals_equal_an_independent_sum(shop, tmp_path):
    a, b = _member(), _member("13900001111", "V002")
    counter.topup(a, 100_000, "wechat")
    counter.topup(b, 30_000, "cash")
    p1 = counter.sell(a, 50_000, {"card": 30_000, "cash": 20_000})
    counter.sell(b, 12_345, {"card": 10_000, "alipay": 2_345})
    counter.refund_purchase(p1.id, 10_000)
    ledger.apply(a, "redeem", points_delta=-120, reason="抵扣")
    out = day_close_export.export_xlsx(tmp_path / "close.xlsx", counter.close_day(DAY))

    wb = openpyxl.load_workbook(out)
    by_method, summary = wb.worksheets
    rows = list(by_method.iter_rows(min_row=2, values_only=True))
    total = rows[-1]
    assert total[0] == "合计"
    lo, hi = "2026-11-22 00:00:00", "2026-11-23 00:00:00"
    sales = _sum(
        "SELECT SUM(pp.amount_cents) FROM purchase_payment pp JOIN purchase p ON p.id = pp.purchase_id "
        "WHERE p.at >= ? AND p.at < ?",
        lo,
        hi,
    )
    topups = _sum("SELECT SUM(principal_cents) FROM topup WHERE at >= ? AND at < ?", lo, hi)
    refunds = _sum(
        "SELECT SUM(rp.amount_cents) FROM refund_payment rp JOIN refund r ON r.id = rp.refund_id "
        "WHERE r.at >= ? AND r.at < ?",
        lo,
        hi,
    )
    assert (sales, topups, refunds) == (62_345, 130_000, 10_000)
    cents = [round(v * 100) for v in total[1:]]
    assert cents == [sales, topups, refunds]
    assert [round(sum(r[i] for r in rows[:-1]) * 100) for i in (1, 2, 3)] == cents  # the method rows add up
    card = next(r for r in rows if r[0] == counter.method_label("card"))
    card_sales = _sum("SELECT SUM(amount_cents) FROM purchase_payment WHERE method = 'card'")
    assert round(card[1] * 100) == card_sales == 40_000
    items = {r[0]: r[1:] for r in summary.iter_rows(min_row=2, values_only=True)}
    assert round(items["充值赠送"][0] * 100) == _sum("SELECT SUM(bonus_cents) FROM topup") == 15_000
    assert items["积分抵扣"][1] == -_sum("SELECT SUM(points_delta) FROM ledger_entry WHERE kind = 'redeem'") == 120
    liability = _sum("SELECT SUM(balance_cents) FROM customer")
    assert round(items["储值余额（负债）"][0] * 100) == liability == 115_000 + 30_000 - 30_000 - 10_000 + 6_000
    # issue 14: nothing given away by loyalty this day, and it says so
    assert items["优惠券优惠（0 张）"][0] == 0 and items["会员折扣"][0] == 0 and "计次卡使用（0 次）" in items


def test_close_day_export_on_the_command_line(db_location, tmp_path, capsys):
    clock.set_now(None)
    open_database(db_location)
    cid = _member()
    counter.topup(cid, 20_000, "cash")
    close_database()
    security.reset_session()
    out = tmp_path / "日结.xlsx"
    assert cli.main(["close-day", "--db", str(db_location), "--export", str(out), "--json"]) == 0
    body = json.loads(capsys.readouterr().out)
    assert body["by_method"]["cash"]["topups"] == "200.00" and body["liability"] == "200.00"
    total = list(openpyxl.load_workbook(out).worksheets[0].iter_rows(values_only=True))[-1]
    assert total[0] == "合计" and total[2] == 200
    assert cli.main(["close-day", "--db", str(db_location), "--export", str(tmp_path / "no" / "x.xlsx")]) == 1


def test_refund_to_the_card_by_the_owners_choice(shop):
    security.set_pin("2468")
    cid = _member()
    counter.topup(cid, 10_000, "cash")
    p = counter.sell(cid, 30_000, {"card": 10_000, "wechat": 20_000})
    security.lock()
    with pytest.raises(PermissionError):
        counter.refund_purchase(p.id, 15_000, to_card=True)
    security.unlock("2468")
    r = counter.refund_purchase(p.id, 15_000, to_card=True)
    assert {x.method: x.amount_cents for x in r.payments} == {"card": 15_000}
    assert _balance(cid) == 15_000 and ledger.verify() == []
    assert Customer.get_by_id(cid).total_spend_cents == 15_000
    audit = AuditLog.select().where(AuditLog.action == "adjust").order_by(AuditLog.id.desc()).get()
    assert f"refund #{r.id}" in audit.detail and audit.customer_id == cid
    # the rest goes back by its methods: the card took more than it paid, so wechat gives the rest
    r2 = counter.refund_purchase(p.id)
    assert {x.method: x.amount_cents for x in r2.payments} == {"wechat": 15_000}
    assert Customer.get_by_id(cid).total_spend_cents == 0


def test_refund_to_card_on_the_command_line(db_location, capsys):
    clock.set_now(None)
    open_database(db_location)
    _member()
    security.set_pin("2468")
    p = counter.sell(1, 8_000)
    close_database()
    security.reset_session()
    db = ("--db", str(db_location))
    assert cli.main(["refund", *db, "--purchase", str(p.id), "--to-card", "--json"]) == 1
    assert "店主" in capsys.readouterr().err
    assert cli.main(["refund", *db, "--purchase", str(p.id), "--to-card", "--pin", "2468", "--json"]) == 0
    body = json.loads(capsys.readouterr().out)
    assert body["to"] == {"card": "80.00"} and body["balance"] == "80.00"
    security.reset_session()


def _complaint(cid: int) -> int:
    return valid_complaint(cid, dt.datetime.combine(DAY, dt.time(9)))


def test_a_complaints_refund_of_a_named_purchase_goes_through_the_counter(shop):
    cid = _member()
    other = _member("13900001111", "V002")
    p = counter.sell(cid, 20_000, {"cash": 20_000})
    theirs = counter.sell(other, 5_000)
    kid = _complaint(cid)
    with pytest.raises(K.ValidationError):
        K.resolve(kid, "退款", amount_cents=5_000, refund_to_card=True, purchase_id=theirs.id)
    security.set_pin("2468")
    security.lock()  # a clerk resolves: the complaint decided the refund, not the counter
    k = K.resolve(kid, "退款", amount_cents=5_000, refund_to_card=True, purchase_id=p.id)
    r = Refund.get(Refund.complaint_id == kid)
    assert (r.purchase_id, r.amount_cents, k.refund_cents) == (p.id, 5_000, 5_000)
    assert {x.method: x.amount_cents for x in r.payments} == {"card": 5_000}
    c = Customer.get_by_id(cid)
    assert (c.balance_cents, c.total_spend_cents) == (5_000, 15_000) and ledger.verify() == []
    assert f"投诉 #{kid}" in r.note and K.events(kid)[-1].action == "refund"


def test_a_complaints_refund_without_a_purchase_stays_a_card_entry(shop):
    cid = _member()
    kid = _complaint(cid)
    K.resolve(kid, "补偿", amount_cents=2_000, refund_to_card=True)
    assert Refund.select().count() == 0 and _balance(cid) == 2_000
    entry = ledger.entries(cid)[0]
    assert entry.kind == "refund" and f"投诉 #{kid}" in entry.reason


def test_a_contact_records_the_operator(shop):
    cid = _member()
    counter.save_settings(operators=["小王", "小李"])
    counter.set_operator("小王")
    assert activity.record_contact(cid, purpose="回访").operator == "小王"
    assert activity.record_contact(cid, operator="小李").operator == "小李"
    session.set_operator("")
    assert activity.record_contact(cid).operator == ""
    stored = database.execute_sql("SELECT operator FROM contact ORDER BY id").fetchall()
    assert [s[0] for s in stored] == ["小王", "小李", ""]
