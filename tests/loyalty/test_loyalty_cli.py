"""Issue 14: the loyalty commands and the sale's new options, with their exact JSON."""

from __future__ import annotations

import json

from shopcrm import cli, customers, loyalty
from shopcrm.customers import CustomerInput, ledger
from shopcrm.store.db import close_database, open_database
from shopcrm.trust import security


def _run(capsys, *argv) -> tuple[int, dict]:
    code = cli.main(list(argv))
    out = capsys.readouterr().out
    return code, (json.loads(out) if code == 0 else {})


def test_coupon_package_and_sale_commands(db_location, capsys, fixed_day):
    security.reset_session()
    open_database(db_location)
    level = customers.level_id_by_name("金卡", create=True)
    cid = customers.create(CustomerInput(name="张三", mobile="13812345678", card_no="V001", level_id=level)).id
    ledger.apply(cid, "adjust", points_delta=5_000, reason="测试")
    loyalty.save_settings(level_discounts={"金卡": 95}, points_per_yuan=100, points_cap_percent=50)
    security.set_pin("2468")
    close_database()
    security.reset_session()
    db = ("--db", str(db_location))
    m = ("--customer", "13812345678")
    code, body = _run(
        capsys, "coupon", "issue", *db, *m, "--amount-off", "20", "--threshold", "100", "--days", "30", "--json"
    )
    assert code == 0 and len(body["code"]) == 8
    coupon = body.pop("code")
    assert body == {
        "customer_id": cid,
        "kind": "amount",
        "amount_off": "20.00",
        "percent_off": 0,
        "threshold": "100.00",
        "cap": None,
        "gift": "",
        "valid_until": "2026-12-21",
        "status": "issued",
    }
    code, body = _run(capsys, "coupon", "issue", *db, *m, "--percent-off", "10", "--cap", "50", "--days", "7", "--json")
    assert (body["kind"], body["percent_off"], body["cap"], body["valid_until"]) == (
        "percent",
        10,
        "50.00",
        "2026-11-28",
    )
    code, body = _run(capsys, "coupon", "issue", *db, *m, "--gift", "护手霜", "--until", "2026-12-31", "--json")
    assert (body["kind"], body["gift"], body["valid_until"]) == ("gift", "护手霜", "2026-12-31")
    # a sale: 200.00 at 9.5 折 = 190.00, the coupon 20.00 off, 1,000 points 10.00 off: 160.00 due
    code, body = _run(
        capsys, "sale", *db, "--customer", "V001", "--amount", "200", "--coupon", coupon, "--points", "1000", "--json"
    )
    assert code == 0 and body == {
        "purchase_id": 1,
        "total": "160.00",
        "paid": {"cash": "160.00"},
        "balance": "0.00",
        "points": 5_000 - 1_000 + 160,
    }
    assert cli.main(["sale", *db, *m, "--amount", "200", "--coupon", coupon]) == 1
    assert "已于" in capsys.readouterr().err
    # count cards
    code, body = _run(
        capsys, "package", "sell", *db, *m, "--name", "洗车", "--uses", "2", "--price", "300", "--days", "365", "--json"
    )
    assert code == 0 and body == {"package_id": 1, "remaining": 2}
    code, body = _run(capsys, "package", "use", *db, *m, "--package", "1", "--json")
    assert body == {"remaining": 1}
    code, body = _run(capsys, "package", "use", *db, *m, "--package", "1", "--json")
    assert body == {"remaining": 0}
    assert cli.main(["package", "use", *db, *m, "--package", "1", "--json"]) == 1
    assert "已用完" in capsys.readouterr().err
    assert cli.main(["--lang", "en", "package", "use", *db, *m, "--package", "1"]) == 1
    assert "no uses left" in capsys.readouterr().err
    code, body = _run(capsys, "close-day", *db, "--json")
    assert (body["member_discounts"], body["coupons_used"], body["coupons_off"]) == ("10.00", 1, "20.00")
    assert (body["points_redeemed_money"], body["points_redeemed"], body["package_uses"]) == ("10.00", 1_000, 2)
    assert body["by_method"]["cash"]["sales"] == "460.00"
    security.reset_session()


def test_void_refund_gift_and_expire_commands(db_location, capsys, fixed_day):
    from shopcrm.loyalty import points

    security.reset_session()
    open_database(db_location)
    customers.create(CustomerInput(name="张三", mobile="13812345678"))
    ledger.apply(1, "adjust", points_delta=1_000, reason="测试")
    points.add_gift("保温杯", 800, 1)
    security.set_pin("2468")
    close_database()
    security.reset_session()
    db = ("--db", str(db_location))
    m = ("--customer", "13812345678")
    code, body = _run(capsys, "coupon", "issue", *db, *m, "--amount-off", "5", "--days", "1", "--json")
    assert cli.main(["coupon", "void", *db, "--code", body["code"]]) == 1  # the owner's
    assert "店主" in capsys.readouterr().err
    code, body = _run(capsys, "coupon", "void", *db, "--code", body["code"], "--pin", "2468", "--json")
    assert code == 0 and body["status"] == "void"
    code, body = _run(capsys, "coupon", "list", *db, *m, "--json")
    assert [c["status"] for c in body["coupons"]] == ["void"]
    code, body = _run(
        capsys,
        "package",
        "sell",
        *db,
        *m,
        "--name",
        "洗车",
        "--uses",
        "4",
        "--price",
        "100",
        "--days",
        "30",
        "--pay",
        "wechat=100",
        "--json",
    )
    _run(capsys, "package", "use", *db, *m, "--package", "1", "--json")
    code, body = _run(capsys, "package", "refund", *db, "--package", "1", "--pin", "2468", "--json")
    assert body == {"refund_id": 1, "amount": "75.00", "to": {"wechat": "75.00"}, "remaining": 0}
    code, body = _run(capsys, "package", "list", *db, *m, "--json")
    assert body == {
        "packages": [{"package_id": 1, "name": "洗车", "uses": 4, "remaining": 0, "expires_on": "2026-12-21"}]
    }
    code, body = _run(capsys, "points", "redeem-gift", *db, *m, "--gift", "1", "--json")
    assert body == {"customer_id": 1, "points": 1_000 + 100 - 800 - 75}
    assert cli.main(["points", "redeem-gift", *db, *m, "--gift", "1"]) == 1
    assert "已兑完" in capsys.readouterr().err
    code, body = _run(capsys, "points", "expire", *db, "--json")
    assert body == {"expired": 0}  # no expiry set
    security.reset_session()
