"""Issue 13: the counter's commands and their JSON (the keys are a contract)."""

from __future__ import annotations

import json

from shopcrm import cli, customers
from shopcrm.core import clock
from shopcrm.customers import CustomerInput
from shopcrm.sales import counter
from shopcrm.store.db import close_database, open_database
from shopcrm.trust import security


def _run(capsys, *argv) -> tuple[int, dict]:
    code = cli.main(list(argv))
    out = capsys.readouterr().out
    return code, (json.loads(out) if code == 0 else {})


def test_topup_sale_refund_and_close_day_as_json(db_location, capsys):
    clock.set_now(None)
    open_database(db_location)
    customers.create(CustomerInput(name="张三", mobile="13812345678", card_no="V001"))
    security.set_pin("2468")
    counter.save_settings(bonus_rules=[{"min": 100000, "bonus": 15000}])
    close_database()
    security.reset_session()
    db = ("--db", str(db_location))
    code, body = _run(
        capsys, "topup", *db, "--customer", "13812345678", "--amount", "1000", "--method", "wechat", "--json"
    )
    assert code == 0 and body == {"customer_id": 1, "principal": "1000.00", "bonus": "150.00", "balance": "1150.00"}
    code, body = _run(
        capsys, "sale", *db, "--customer", "V001", "--amount", "500", "--pay", "card=300,cash=200", "--json"
    )
    assert code == 0 and body == {
        "purchase_id": 1,
        "total": "500.00",
        "paid": {"card": "300.00", "cash": "200.00"},
        "balance": "850.00",
        "points": 500,
    }
    code, body = _run(capsys, "sale", *db, "--customer", "V001", "--amount", "20", "--json")
    assert body["paid"] == {"cash": "20.00"}
    code, body = _run(capsys, "refund", *db, "--purchase", "1", "--amount", "100", "--json")
    assert body == {"refund_id": 1, "amount": "100.00", "to": {"card": "60.00", "cash": "40.00"}, "balance": "910.00"}
    # a top-up refund needs the owner
    assert cli.main(["refund", *db, "--topup", "1", "--json"]) == 1
    assert "店主" in capsys.readouterr().err
    code, body = _run(capsys, "refund", *db, "--topup", "1", "--pin", "2468", "--json")
    assert body["amount"] == "760.00" and body["to"] == {"wechat": "760.00"} and body["balance"] == "150.00"
    code, body = _run(capsys, "close-day", *db, "--json")
    assert code == 0 and set(body) == {
        "date",
        "by_method",
        "bonus_given",
        "points_redeemed",
        "liability",
        # issue 14 adds these (the keys above stay)
        "points_redeemed_money",
        "coupons_used",
        "coupons_off",
        "member_discounts",
        "package_uses",
    }
    assert (body["coupons_used"], body["coupons_off"], body["package_uses"]) == (0, "0.00", 0)
    assert body["by_method"]["wechat"] == {"sales": "0.00", "topups": "1000.00", "refunds": "760.00"}
    assert body["by_method"]["cash"] == {"sales": "220.00", "topups": "0.00", "refunds": "40.00"}
    assert (body["bonus_given"], body["liability"]) == ("150.00", "150.00")
    # the closed day refuses more
    assert cli.main(["sale", *db, "--customer", "V001", "--amount", "1"]) == 1
    assert "已日结" in capsys.readouterr().err
    security.reset_session()
