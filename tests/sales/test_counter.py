"""Issue 13, the money at the counter: top-ups with bonus rules, split sales, refunds, operators,
the day's close."""

from __future__ import annotations

import datetime as dt

import pytest

from shopcrm import customers
from shopcrm.core import clock
from shopcrm.core.errors import FieldError
from shopcrm.customers import CustomerInput, ledger
from shopcrm.sales import counter
from shopcrm.store.db import database
from shopcrm.store.models import Customer, LedgerEntry
from shopcrm.trust import security

DAY = dt.date(2026, 11, 22)


@pytest.fixture
def shop(db):
    security.reset_session()
    clock.set_now(dt.datetime.combine(DAY, dt.time(10)))
    counter.save_settings(bonus_rules=[{"min": 50000, "bonus": 5000}, {"min": 100000, "bonus": 15000}])
    yield db
    security.reset_session()


def _member(mobile="13812345678", card="V001") -> int:
    return customers.create(CustomerInput(name="张三", mobile=mobile, card_no=card)).id


def _balance(cid: int) -> int:
    return Customer.get_by_id(cid).balance_cents


def test_a_clerk_tops_up_with_a_method_and_the_rule_gives_the_bonus(shop):
    security.set_pin("2468")
    security.lock()
    cid = _member()
    t = counter.topup(cid, 100_000, "wechat")
    assert (t.principal_cents, t.bonus_cents, t.method) == (100_000, 15_000, "wechat")
    kinds = [(e.kind, e.balance_delta_cents, e.topup_id) for e in reversed(ledger.entries(cid))]
    assert kinds == [("topup", 100_000, t.id), ("bonus", 15_000, t.id)]
    assert _balance(cid) == 115_000 and ledger.verify() == []
    assert counter.topup(cid, 40_000, "cash").bonus_cents == 0  # below every tier
    assert "赠送 150.00" in counter.receipt(t)
    with pytest.raises(FieldError):
        counter.topup(cid, 100, "card")  # the card does not top up itself
    # a top-up entry that does not match its paid row, or a bonus without one: no caller may write it
    with pytest.raises(ledger.LedgerRuleError):
        ledger.apply(cid, "topup", balance_delta_cents=999, topup_id=t.id)
    with pytest.raises(ledger.LedgerRuleError):
        ledger.apply(cid, "bonus", balance_delta_cents=15_000)


def test_bonus_rules_by_level_and_dates(shop):
    cid = _member()
    counter.save_settings(
        bonus_rules=[
            {"min": 50000, "bonus": 5000},
            {"min": 50000, "bonus": 8000, "level": "金卡"},
            {"min": 50000, "bonus": 20000, "start": "2026-12-01", "end": "2026-12-31"},
        ]
    )
    c = Customer.get_by_id(cid)
    assert counter.bonus_for(c, 50_000, DAY)[0] == 5000
    assert counter.bonus_for(c, 50_000, dt.date(2026, 12, 24))[0] == 20000
    assert counter.bonus_for(c, 49_999, DAY) == (0, "")
    with pytest.raises(FieldError):
        counter.save_settings(bonus_rules=[{"min": 0, "bonus": 1}])


def test_counter_settings_are_the_owners(shop):
    security.set_pin("2468")
    security.lock()
    with pytest.raises(security.OwnerRequired):
        counter.save_settings(methods=["cash"])
    assert "wechat" in counter.methods()


def test_a_split_sale_spends_the_card_part_and_never_below_zero(shop):
    cid = _member()
    counter.topup(cid, 50_000, "cash")  # + 50.00 bonus
    p = counter.sell(cid, 70_000, {"card": 30_000, "wechat": 40_000}, items="外套")
    assert counter.paid_by(p.id) == {"card": 30_000, "wechat": 40_000}
    assert _balance(cid) == 25_000 and p.payment == "mixed"
    with pytest.raises(FieldError):
        counter.sell(cid, 30_000, {"card": 30_000})  # more than the balance
    with pytest.raises(FieldError):
        counter.sell(cid, 30_000, {"card": 10_000, "cash": 10_000})  # does not add up
    c = Customer.get_by_id(cid)
    assert (c.balance_cents, c.purchase_count, c.total_spend_cents) == (25_000, 1, 70_000)
    assert ledger.verify() == []


def test_refunds_go_back_to_the_methods_and_undo_the_sale(shop):
    cid = _member()
    counter.topup(cid, 50_000, "cash")
    p = counter.sell(cid, 40_000, {"card": 10_000, "cash": 30_000})
    points = Customer.get_by_id(cid).points
    assert p.points_earned == points == 400
    r = counter.refund_purchase(p.id, 20_000)  # half
    to = {rp.method: rp.amount_cents for rp in r.payments}
    assert to == {"card": 5_000, "cash": 15_000} and r.points_reversed == 200
    c = Customer.get_by_id(cid)
    assert (c.total_spend_cents, c.purchase_count, c.points, c.balance_cents) == (20_000, 1, 200, 50_000)
    with pytest.raises(FieldError):
        counter.refund_purchase(p.id, 20_001)
    counter.refund_purchase(p.id)  # the rest
    c = Customer.get_by_id(cid)
    assert (c.total_spend_cents, c.purchase_count, c.points, c.balance_cents) == (0, 0, 0, 55_000)
    assert ledger.verify() == []


def test_a_top_up_refund_pays_back_the_unspent_principal_never_the_bonus(shop):
    security.set_pin("2468")
    cid = _member()
    t = counter.topup(cid, 50_000, "alipay")  # 500 + 50 bonus
    counter.sell(cid, 10_000, {"card": 10_000})
    security.lock()
    with pytest.raises(security.OwnerRequired):
        counter.refund_topup(t.id)
    security.unlock("2468")
    r = counter.refund_topup(t.id)
    assert r.amount_cents == 40_000 and [(p.method, p.amount_cents) for p in r.payments] == [("alipay", 40_000)]
    assert _balance(cid) == 5_000  # the bonus stays on the card, never paid out
    with pytest.raises(FieldError):
        counter.refund_topup(t.id)
    assert LedgerEntry.get(LedgerEntry.kind == "topup_refund").balance_delta_cents == -40_000
    assert ledger.verify() == []


def test_operators_are_recorded_and_the_day_closes_per_operator(shop):
    counter.save_settings(operators=["小王", "小李"])
    with pytest.raises(FieldError):
        counter.set_operator("老张")
    cid = _member()
    counter.set_operator("小王")
    t = counter.topup(cid, 100_000, "wechat")
    p = counter.sell(cid, 50_000, {"card": 30_000, "cash": 20_000})
    counter.set_operator("小李")
    r = counter.refund_purchase(p.id, 10_000)
    assert (t.operator, p.operator, r.operator) == ("小王", "小王", "小李")
    wang = counter.day_totals(DAY, "小王")
    assert wang.by_method["wechat"]["topups"] == 100_000 and wang.by_method["card"]["sales"] == 30_000
    assert wang.by_method["cash"] == {"sales": 20_000, "topups": 0, "refunds": 0}
    assert counter.day_totals(DAY, "小李").by_method["cash"]["refunds"] == 4_000
    whole = counter.close_day(DAY)
    assert whole.bonus_given == 15_000
    # the liability: what the shop owes on cards at the end of the day
    assert whole.liability == _balance(cid) == 115_000 - 30_000 + 6_000
    body = whole.as_json()
    assert body["liability"] == "910.00" and body["by_method"]["wechat"]["topups"] == "1000.00"
    # the closed day refuses later writes; a correction goes into the next day
    with pytest.raises(FieldError) as info:
        counter.sell(cid, 100)
    assert "已日结" in info.value.message
    clock.set_now(dt.datetime.combine(DAY + dt.timedelta(1), dt.time(9)))
    counter.refund_purchase(p.id, 1000)
    assert counter.close_day(DAY) == whole  # as stored
    assert counter.day_totals(DAY + dt.timedelta(1)).by_method["card"]["refunds"] == 600


def test_day_close_totals_match_an_independent_sum(shop):
    cid = _member()
    counter.topup(cid, 60_000, "bankcard")
    for amount in (1000, 2345, 9999):
        counter.sell(cid, amount, {"card": amount // 2, "cash": amount - amount // 2})
    totals = counter.day_totals(DAY)
    sums = dict(
        database.execute_sql("SELECT method, SUM(amount_cents) FROM purchase_payment GROUP BY method").fetchall()
    )
    assert {m: v["sales"] for m, v in totals.by_method.items() if v["sales"]} == sums
    assert totals.liability == database.execute_sql("SELECT SUM(balance_cents) FROM customer").fetchone()[0]


def test_demo_purchases_say_how_they_were_paid(db):
    from shopcrm import demo

    demo.generate(50, 300, today=DAY)
    demo.generate(10, 40, seed=2, today=DAY)  # adds: no purchase paid twice
    assert (
        database.execute_sql("SELECT SUM(amount_cents) FROM purchase").fetchone()[0]
        == (database.execute_sql("SELECT SUM(amount_cents) FROM purchase_payment").fetchone()[0])
    )
    assert database.execute_sql("SELECT COUNT(*) FROM purchase_payment").fetchone()[0] == 340


def test_a_shift_close_freezes_only_that_operators_day(shop):
    """One operator's shift close leaves the others at work; a close of the whole day stops all."""
    counter.save_settings(operators=["小王", "小李"])
    cid = _member()
    counter.topup(cid, 10_000, "cash", operator="小王")
    wang = counter.close_day(DAY, "小王")
    assert wang.by_method["cash"]["topups"] == 10_000
    with pytest.raises(FieldError) as info:
        counter.sell(cid, 100, operator="小王")
    assert info.value.field == "at"
    p = counter.sell(cid, 100, operator="小李")  # 小李 carries on
    counter.refund_purchase(p.id, 50, operator="小李")
    assert counter.close_day(DAY, "小王") == wang  # as stored
    counter.close_day(DAY)
    with pytest.raises(FieldError):
        counter.sell(cid, 100, operator="小李")
