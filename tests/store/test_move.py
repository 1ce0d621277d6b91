"""``move-db`` (issue #18): a shop moved from SQLite to an empty PostgreSQL database and back
arrives row for row, the source file is never touched, a non-empty target is refused."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3

import pytest
from conftest import valid_complaint

from shopcrm import customers
from shopcrm.cli import main as cli_main
from shopcrm.core import clock
from shopcrm.customers import CustomerInput, ledger
from shopcrm.store.db import close_database, open_database
from shopcrm.store.move import MoveError, move
from shopcrm.trust import security

DAY = dt.date(2026, 11, 22)


def _populate(path) -> None:
    """A small shop with something in every kind of table that money and history touch:
    customers with tags and levels, demo purchases, contacts and complaints, counter sales with
    lines, a coupon and points spent, top-ups, a refund, ledger entries, a customer in the bin."""
    from shopcrm import demo, loyalty
    from shopcrm.loyalty import coupons
    from shopcrm.sales import counter

    open_database(path)
    security.reset_session()
    clock.set_now(dt.datetime.combine(DAY, dt.time(10)))
    demo.generate(300, 3000, seed=7, complaints=12, today=DAY)
    level = customers.level_id_by_name("金卡", create=True)
    cid = customers.create(
        CustomerInput(name="张三\t\\n", mobile="13812345678", card_no="V001", level_id=level, tags=["常客", "带\n换行"])
    ).id
    ledger.apply(cid, "adjust", points_delta=10_000, reason="测试积分")
    loyalty.save_settings(level_discounts={"金卡": 95}, points_per_yuan=100, points_cap_percent=50)
    counter.topup(cid, 50_000, "cash")
    cp = coupons.issue(cid, coupons.Terms("amount", amount_off_cents=2_000, threshold_cents=10_000, days=30))
    sale = counter.sell(
        cid,
        None,
        {"card": 10_000, "wechat": 4_000},
        lines=[counter.parse_line("衬衫*2*90"), counter.parse_line("袜子*1*20")],
        coupon=cp.code,
        points=3_000,
    )
    counter.refund_purchase(sale.id, 2_000)
    valid_complaint(cid, dt.datetime.combine(DAY, dt.time(9)))
    gone = customers.create(CustomerInput(name="李四", mobile="13900000001")).id
    customers.soft_delete([gone])
    close_database()
    clock.set_now(None)


def _rows(path) -> dict[str, list[tuple]]:
    """Every row of every table of an SQLite file, sorted (read-only)."""
    con = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
    try:
        tables = [
            r[0]
            for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        ]
        return {t: sorted(con.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr) for t in tables}
    finally:
        con.close()


@pytest.fixture(scope="module")
def shop_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("shop") / "shop.db"
    _populate(path)
    return path


def _fingerprint(path) -> tuple[bytes, int]:
    return hashlib.sha256(path.read_bytes()).digest(), path.stat().st_mtime_ns


def test_round_trip_sqlite_postgres_sqlite_is_row_for_row(shop_file, pg_empty_url, tmp_path):
    before = _fingerprint(shop_file)
    there = move(shop_file, pg_empty_url)
    assert there.direction == "sqlite->postgresql"
    back_path = tmp_path / "back.db"
    back = move(pg_empty_url, back_path)
    assert back.direction == "postgresql->sqlite"
    assert _fingerprint(shop_file) == before  # the source: not a byte, not its time changed
    original, returned = _rows(shop_file), _rows(back_path)
    assert set(original) == set(returned)
    for table, rows in original.items():
        assert returned[table] == rows, table
    # what was checked on the way, and what is in it
    assert there.tables["purchase_line"].rows == 2
    assert there.tables["coupon"].rows == 1
    assert there.tables["complaint"].rows == 13
    assert there.tables["ledger_entry"].sums == back.tables["ledger_entry"].sums
    assert there.tables["ledger_entry"].sums["balance_delta_cents"] != 0
    assert {t: f.rows for t, f in there.tables.items()} == {t: f.rows for t, f in back.tables.items()}
    # the PostgreSQL copy is a working shop: new rows take ids past the copied ones, the ledger holds
    open_database(pg_empty_url)
    try:
        assert ledger.verify() == []
        new = customers.create(CustomerInput(name="王五", mobile="13700000009"))
        assert new.id > max(r[0] for r in original["customer"])
        found = customers.seek(customers.CustomerQuery(text="1381234"), None, 5)
        assert [r.mobile for r in found] == ["13812345678"]
        assert found[0].name == "张三\t\\n"
    finally:
        close_database()


def test_a_non_empty_target_is_refused_and_left_alone(shop_file, pg_url, pg_empty_url, tmp_path):
    with pytest.raises(MoveError, match="不是空的"):
        move(shop_file, pg_url)  # holds the ShopCRM schema already
    open_database(pg_url)
    try:
        assert customers.count(customers.CustomerQuery()) == 0
    finally:
        close_database()
    taken = tmp_path / "taken.db"
    taken.write_bytes(b"something")
    move(shop_file, pg_empty_url)
    with pytest.raises(MoveError, match="已存在"):
        move(pg_empty_url, taken)
    assert taken.read_bytes() == b"something"
    with pytest.raises(MoveError, match="SQLite 文件和 PostgreSQL"):
        move(shop_file, tmp_path / "other.db")


def test_the_command_prints_a_json_summary_and_refuses_with_a_message(shop_file, pg_empty_url, capsys):
    assert cli_main(["move-db", "--db", str(shop_file), "--to", pg_empty_url, "--json"]) == 0
    out = capsys.readouterr()
    summary = json.loads(out.out)
    assert summary["ok"] is True
    assert summary["tables"]["customer"]["rows"] == 302
    assert summary["tables"]["purchase"]["sums"]["amount_cents"] > 0
    assert set(summary["seconds"]) >= {"load", "indexes", "check", "total"}
    assert "move-db: customer: 302 rows" in out.err  # progress goes to stderr beside --json
    assert cli_main(["move-db", "--db", str(shop_file), "--to", pg_empty_url]) == 1
    assert "不是空的" in capsys.readouterr().err
