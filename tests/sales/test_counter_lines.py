"""Issue 13: a purchase made of lines, and a refund of one line (whole or some pieces of it)
through the same path as a refund by amount: by-method split, points, spend."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from shopcrm import cli, customers
from shopcrm.core import clock
from shopcrm.core.errors import FieldError
from shopcrm.customers import CustomerInput, ledger
from shopcrm.sales import counter
from shopcrm.store.db import close_database, open_database
from shopcrm.store.models import Customer
from shopcrm.trust import security

DAY = dt.date(2026, 11, 22)


@pytest.fixture
def shop(db):
    security.reset_session()
    clock.set_now(dt.datetime.combine(DAY, dt.time(10)))
    yield db
    security.reset_session()
    clock.set_now(None)


def _member() -> int:
    return customers.create(CustomerInput(name="张三", mobile="13812345678", card_no="V001")).id


def test_parse_line():
    assert counter.parse_line("衬衫*2*99.50") == ("衬衫", 2, 9950)
    assert counter.parse_line(" 袜子 * 9.9 ") == ("袜子", 1, 990)
    assert counter.parse_line("A*B*3*1") == ("A*B", 3, 100)  # the name may hold a star
    for bad in ("衬衫", "*2*3", "衬衫*0*3", "衬衫*1.5*3", "衬衫*2*abc", "衬衫*2*-3"):
        with pytest.raises(FieldError) as exc:
            counter.parse_line(bad, 4)
        assert exc.value.field == "line" and "第 4 行" in exc.value.message


def test_a_sale_with_lines_sums_them_and_names_them(shop):
    cid = _member()
    p = counter.sell(cid, None, lines=[("衬衫", 2, 9_950), ("袜子", 3, 1_000)])
    assert (p.amount_cents, p.items) == (22_900, "衬衫×2、袜子×3")
    assert [(ln.position, ln.name, ln.amount_cents) for ln in counter.lines_of(p.id)] == [
        (1, "衬衫", 19_900),
        (2, "袜子", 3_000),
    ]
    p2 = counter.sell(cid, 1_000, items="促销", lines=[("袜子", 1, 1_000)])
    assert p2.items == "促销"
    with pytest.raises(FieldError) as exc:
        counter.sell(cid, 5_000, lines=[("袜子", 1, 1_000)])
    assert exc.value.field == "amount" and "10.00" in exc.value.message


def test_refund_one_line_splits_by_method_reverses_points_and_spend(shop):
    cid = _member()
    counter.topup(cid, 100_000, "cash")
    # 衬衫 2 × 100 + 裤子 1 × 300 = 500, paid 300 by card and 200 by WeChat; 500 points
    p = counter.sell(cid, None, {"card": 30_000, "wechat": 20_000}, lines=[("衬衫", 2, 10_000), ("裤子", 1, 30_000)])
    r = counter.refund_purchase(p.id, lines={1: 1})  # one shirt: 100
    assert r.amount_cents == 10_000 and r.points_reversed == 100
    assert {x.method: x.amount_cents for x in r.payments} == {"card": 6_000, "wechat": 4_000}
    c = Customer.get_by_id(cid)
    assert (c.balance_cents, c.total_spend_cents, c.points, c.purchase_count) == (76_000, 40_000, 400, 1)
    shirt, trousers = counter.lines_of(p.id)
    assert (shirt.refunded_qty, shirt.refunded_cents, trousers.refunded_qty) == (1, 10_000, 0)
    with pytest.raises(FieldError) as exc:
        counter.refund_purchase(p.id, lines={1: 2})  # one shirt left
    assert exc.value.field == "qty"
    with pytest.raises(FieldError):
        counter.refund_purchase(p.id, lines={3: None})
    # the rest of both lines: the whole purchase, the count goes down
    counter.refund_purchase(p.id, lines={1: None, 2: None})
    c = Customer.get_by_id(cid)
    assert (c.balance_cents, c.total_spend_cents, c.points, c.purchase_count) == (100_000, 0, 0, 0)
    assert counter.purchase(p.id).amount_cents == 0 and ledger.verify() == []


def test_line_refunds_of_odd_amounts_add_up_to_the_line(shop):
    cid = _member()
    p = counter.sell(cid, None, lines=[("糖", 3, 333)])  # 9.99
    got = [counter.refund_purchase(p.id, lines={1: 1}).amount_cents for _ in range(3)]
    assert got == [333, 333, 333] and sum(got) == 999
    p = counter.sell(cid, None, lines=[("布", 7, 100)])
    got = [counter.refund_purchase(p.id, lines={1: q}).amount_cents for q in (3, 4)]
    assert got == [300, 400]


def test_owner_refunds_a_line_to_the_card(shop):
    security.set_pin("2468")
    cid = _member()
    p = counter.sell(cid, None, {"wechat": 20_000}, lines=[("A", 1, 5_000), ("B", 1, 15_000)])
    security.lock()
    with pytest.raises(PermissionError):
        counter.refund_purchase(p.id, lines={2: None}, to_card=True)
    security.unlock("2468")
    assert counter.refund_split(p.id, 15_000, to_card=True) == {"card": 15_000}
    r = counter.refund_purchase(p.id, lines={2: None}, to_card=True)
    assert {x.method: x.amount_cents for x in r.payments} == {"card": 15_000}
    assert Customer.get_by_id(cid).balance_cents == 15_000


def test_sale_with_lines_and_refund_of_a_line_on_the_command_line(db_location, capsys):
    clock.set_now(None)
    open_database(db_location)
    _member()
    close_database()
    security.reset_session()
    db = ("--db", str(db_location))
    argv = ["sale", *db, "--customer", "V001", "--line", "衬衫*2*99.50", "--line", "袜子*10", "--json"]
    assert cli.main(argv) == 0
    body = json.loads(capsys.readouterr().out)
    assert body["total"] == "209.00" and body["paid"] == {"cash": "209.00"}
    assert cli.main(["sale", *db, "--customer", "V001", "--amount", "5", "--line", "袜子*10"]) == 1
    assert "10.00" in capsys.readouterr().err
    assert cli.main(["sale", *db, "--customer", "V001"]) == 1
    capsys.readouterr()
    assert cli.main(["refund", *db, "--purchase", "1", "--line", "1", "--qty", "1", "--json"]) == 0
    body = json.loads(capsys.readouterr().out)
    assert body == {"refund_id": 1, "amount": "99.50", "to": {"cash": "99.50"}, "balance": "0.00"}
    assert cli.main(["refund", *db, "--purchase", "1", "--line", "2", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["amount"] == "10.00"
    assert cli.main(["refund", *db, "--purchase", "1", "--line", "1", "--amount", "3"]) == 1
    assert cli.main(["refund", *db, "--purchase", "1", "--line", "1", "--line", "2", "--qty", "1"]) == 1
    capsys.readouterr()
