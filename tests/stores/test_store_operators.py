"""Operators belong to a store (issue #18): the owner lists each store's operators; an operator
of another store cannot sign in at this counter, one of no store works anywhere; the day close
offers this store's operators; the 门店 dialog and the command line set them. Both engines."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt

from shopcrm import cli, stores
from shopcrm.core import clock
from shopcrm.core.errors import FieldError
from shopcrm.sales import counter
from shopcrm.store.db import close_database
from shopcrm.trust import security, session

DAY = dt.date(2026, 11, 22)


@pytest.fixture
def shop(db):
    security.reset_session()
    clock.set_now(dt.datetime.combine(DAY, dt.time(10)))
    counter.save_settings(operators=["小王", "小李", "老板"])
    yield db
    security.reset_session()


def test_an_operator_signs_in_only_at_their_stores_counters(shop):
    counter.set_operator("小王")  # one store: nobody belongs anywhere, everyone works
    east = stores.add("east", "东门店")
    assert stores.set_operators(east.id, "小王、小李, 小王") == ["小王", "小李"]
    assert stores.operators_of(east.id) == ["小王", "小李"] and stores.operators_of(1) == []
    with pytest.raises(FieldError) as err:  # this counter is in the main store
        counter.set_operator("小李")
    assert err.value.field == "operator" and "小李" in str(err.value) and "东门店" in str(err.value)
    assert "本店" in str(err.value)
    counter.set_operator("老板")  # of no store: anywhere
    assert counter.operators_here() == ["老板"]
    stores.set_counter_store(east.id)
    counter.set_operator("小李")
    assert session.current_operator() == "小李"
    assert counter.operators_here() == ["小王", "小李", "老板"]
    # a name moves to the store that lists it last; one left out belongs to no store again
    stores.set_operators(1, ["小王"])
    assert stores.operator_stores() == {"小李": east.id, "小王": 1}
    stores.set_operators(east.id, [])
    assert stores.operator_stores() == {"小王": 1}
    with pytest.raises(FieldError) as err:
        stores.set_operators(1, ["王" * 21])
    assert err.value.field == "operators"
    security.set_pin("2468")
    security.lock()
    with pytest.raises(PermissionError):
        stores.set_operators(1, ["小李"])


def test_store_operators_on_the_command_line(shop, db_location, capsys):
    stores.add("east", "东门店")
    close_database()
    db = ("--db", str(db_location))
    assert cli.main(["store", "operators", "east", "小王", "小李", *db]) == 0
    assert capsys.readouterr().out.split() == ["小王", "小李"]
    assert cli.main(["store", "operators", "东门店", *db]) == 0
    assert capsys.readouterr().out.split() == ["小王", "小李"]
    code = cli.main(["sale", *db, "--customer", "13800000001", "--amount", "1", "--operator", "小王"])
    assert code == 1 and "东门店" in capsys.readouterr().err
    assert cli.main(["store", "operators", "east", "--clear", *db]) == 0
    assert capsys.readouterr().out.strip() == ""


@pytest.mark.gui
def test_the_store_dialog_sets_a_stores_operators_and_the_day_close_offers_them(shop, app, qtbot):
    from shopcrm.ui.counter.day_close import DayCloseDialog
    from shopcrm.ui.stores.stores_dialog import StoreEditDialog, StoresDialog

    east = stores.add("east", "东门店")
    dlg = StoreEditDialog(None, stores.get(east.id))
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitUntil(dlg.isVisible)
    dlg.operators.setText("小王、" + "李" * 21)
    assert not dlg.save() and "李" * 21 in dlg.error.text()
    assert dlg.operators.text() == "小王、" + "李" * 21  # what was typed stays
    dlg.operators.setText("小王、小李")
    qtbot.keyClick(dlg.operators, Qt.Key.Key_Return)  # Enter confirms
    qtbot.waitUntil(lambda: not dlg.isVisible())
    assert dlg.result() == StoreEditDialog.DialogCode.Accepted
    assert stores.operators_of(east.id) == ["小王", "小李"]
    table = StoresDialog(None)
    qtbot.addWidget(table)
    column = StoresDialog.COLUMNS.index("operators")
    assert [table.table.item(r, column).text() for r in range(2)] == ["", "小王、小李"]
    close = DayCloseDialog(None)  # this counter: the main store
    qtbot.addWidget(close)
    assert [close.operator_combo.itemData(i) for i in range(close.operator_combo.count())] == ["", "老板"]
