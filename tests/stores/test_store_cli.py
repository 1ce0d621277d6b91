"""Stores on the command line (issue #18): ``store add|list|rename|deactivate|set-counter``,
``--store`` on the money commands and the export, on both engines."""

from __future__ import annotations

import json

from shopcrm import cli, customers
from shopcrm.core import clock
from shopcrm.customers import CustomerInput
from shopcrm.store.db import close_database, database, open_database
from shopcrm.trust import security
from tests.conftest import xlsx_rows


def _run(capsys, *argv) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def _store_of(table: str, row_id: int, location) -> int:
    open_database(location)
    try:
        return database.execute_sql(f'SELECT store_id FROM "{table}" WHERE id = ?', (row_id,)).fetchone()[0]
    finally:
        close_database()


def test_stores_from_the_command_line(db_location, capsys, tmp_path):
    clock.set_now(None)
    open_database(db_location)
    customers.create(CustomerInput(name="张三", mobile="13812345678", card_no="V001"))
    close_database()
    security.reset_session()
    db = ("--db", str(db_location))
    assert _run(capsys, "store", "add", "east", "东门店", *db)[0] == 0
    code, out, _err = _run(capsys, "store", "list", "--json", *db)
    assert code == 0 and json.loads(out) == [
        {"id": 1, "code": "main", "name": "本店", "active": True, "this_counter": True},
        {"id": 2, "code": "east", "name": "东门店", "active": True, "this_counter": False},
    ]
    code, _out, err = _run(capsys, "store", "add", "east", "西门店", *db)
    assert code == 1 and "east" in err and "东门店" in err
    # a sale booked to another store than the counter's; then the counter is set to it
    code, out, _err = _run(capsys, "sale", *db, "--customer", "V001", "--amount", "20", "--store", "east", "--json")
    assert code == 0 and _store_of("purchase", json.loads(out)["purchase_id"], db_location) == 2
    code, _out, err = _run(capsys, "sale", *db, "--customer", "V001", "--amount", "20", "--store", "nowhere")
    assert code == 1 and "nowhere" in err
    assert _run(capsys, "store", "set-counter", "东门店", *db)[0] == 0
    code, out, _err = _run(capsys, "topup", *db, "--customer", "V001", "--amount", "100", "--json")
    assert code == 0
    code, out, _err = _run(capsys, "store", "list", *db)
    assert out.splitlines()[1].startswith("* 2\teast\t东门店")
    code, out, _err = _run(capsys, "close-day", *db, "--store", "main", "--json")
    assert code == 0 and json.loads(out)["by_method"]["cash"]["sales"] == "0.00"  # the sale was the east store's
    code, out, _err = _run(capsys, "close-day", *db, "--json")  # this counter's store: east
    assert code == 0 and json.loads(out)["by_method"]["cash"]["sales"] == "20.00"
    assert _run(capsys, "store", "rename", "east", "东湖店", *db)[0] == 0
    assert _run(capsys, "store", "deactivate", "main", *db)[0] == 0
    code, _out, err = _run(capsys, "store", "deactivate", "东湖店", *db)
    assert code == 1 and "最后一个" in err
    # the owner's PIN guards every change, and another store's money
    assert _run(capsys, "store", "activate", "main", *db)[0] == 0
    open_database(db_location)
    security.set_pin("2468")
    close_database()
    security.reset_session()
    code, _out, err = _run(capsys, "store", "add", "west", "西门店", *db)
    assert code == 1 and "店主" in err
    code, _out, err = _run(capsys, "sale", *db, "--customer", "V001", "--amount", "1", "--store", "main")
    assert code == 1 and "店主" in err
    assert _run(capsys, "store", "add", "west", "西门店", "--pin", "2468", *db)[0] == 0
    security.reset_session()


def test_export_of_one_stores_members(db_location, capsys, tmp_path):
    clock.set_now(None)
    open_database(db_location)
    customers.create(CustomerInput(name="本店顾客", mobile="13800000001"))
    from shopcrm import stores

    east = stores.add("east", "东门店")
    stores.set_counter_store(east.id)
    customers.create(CustomerInput(name="东店顾客", mobile="13800000002"))
    close_database()
    out = tmp_path / "east.xlsx"
    code, _out, err = _run(capsys, "export", str(out), "--db", str(db_location), "--store", "east")
    assert code == 0, err
    names = [row for row in xlsx_rows(out) if "东店顾客" in row or "本店顾客" in row]
    assert len(names) == 1 and "东店顾客" in names[0]
