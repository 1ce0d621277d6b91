"""Stores in the GUI (issue #18): a single-store shop sees no store anywhere but 工具 → 门店…; a
chain gets a store picker on the list, 今日待办, 投诉 and 分析 toolbars (the owner picks any store
or the whole chain, a clerk sees their counter's store); the 门店 dialog adds, edits, deactivates
stores and sets this counter's store, keyboard first. Real widgets, a real database, offscreen."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from shopcrm import customers as C, stores
from shopcrm.trust import security
from tests.conftest import answer_box, type_text

pytestmark = [pytest.mark.gui, pytest.mark.usefixtures("fixed_day")]

PICKERS = ("customerStorePicker", "todayStorePicker", "complaintStorePicker", "analysisStorePicker")


@pytest.fixture(autouse=True)
def fresh_session():
    security.reset_session()
    yield
    security.reset_session()


def _pickers(window):
    from shopcrm.ui.stores.store_picker import StorePicker

    return {name: window.findChild(StorePicker, name) for name in PICKERS}


def _refresh(window):
    window.customers_tab.refresh()
    for tab in window.extra_tabs:
        tab.refresh()


def test_a_single_store_shop_sees_no_store_ui(window):
    pickers = _pickers(window)
    assert all(p is not None for p in pickers.values())
    _refresh(window)
    assert all(p.isHidden() for p in pickers.values())
    assert all(p.store_id() is None for p in pickers.values())
    assert window.findChild(type(window.tools_menu.actions()[0]), "storesAction") is not None


def test_a_chain_gets_pickers_and_the_list_is_scoped(window, qtbot):
    C.create(C.CustomerInput(name="本店顾客", mobile="13800000001"))
    east = stores.add("east", "东门店")
    stores.set_counter_store(east.id)
    C.create(C.CustomerInput(name="东店顾客", mobile="13800000002"))
    from shopcrm.ui.stores import store_picker

    store_picker.reload_all()
    _refresh(window)
    pickers = _pickers(window)
    assert all(not p.isHidden() and p.isEnabled() for p in pickers.values())
    assert [pickers["todayStorePicker"].itemText(i) for i in range(3)] == ["全部门店", "本店", "东门店"]
    assert pickers["todayStorePicker"].store_id() is None  # the owner opens on the whole chain
    tab = window.customers_tab
    assert tab.model.rowCount() == 2
    picker = pickers["customerStorePicker"]
    picker.setCurrentIndex(picker.findData(east.id))
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1)
    assert tab.current_query().store_id == east.id
    # a clerk: their counter's store on the work screens, any store on the (chain-wide) list
    security.set_pin("2468")
    security.lock()  # the pickers follow the mode at once
    today = pickers["todayStorePicker"]
    qtbot.waitUntil(lambda: not today.isEnabled())
    assert today.store_id() == east.id
    assert pickers["complaintStorePicker"].store_id() == east.id
    assert picker.isEnabled()


def test_the_stores_dialog_adds_edits_and_sets_this_counter(window, qtbot):
    from shopcrm.ui.stores.stores_dialog import StoreEditDialog, StoresDialog

    window.findChild(type(window.tools_menu.actions()[0]), "storesAction").trigger()
    dlg = next(w for w in QApplication.topLevelWidgets() if isinstance(w, StoresDialog) and w.isVisible())
    qtbot.addWidget(dlg)
    assert dlg.width() <= 1366 and dlg.height() <= 728
    assert dlg.table.rowCount() == 1 and dlg.table.item(0, 6).text() == "✓"

    edit = dlg.add_store()
    qtbot.addWidget(edit)
    qtbot.waitUntil(edit.isVisible)
    edit.activateWindow()
    qtbot.waitUntil(edit.name.hasFocus)  # the cursor in the first field
    type_text(qtbot, edit.name, "东门店")
    edit.code.setText("east 1")
    qtbot.keyClick(edit.name, Qt.Key.Key_Return)  # Enter confirms: refused, in the dialog
    assert edit.isVisible() and "east 1" in edit.error.text()
    assert edit.name.text() == "东门店" and edit.code.hasFocus()  # nothing typed is lost
    edit.code.setText("east")
    qtbot.keyClick(edit.code, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not edit.isVisible())
    assert [s.name for s in stores.all_stores()] == ["本店", "东门店"]
    assert dlg.table.rowCount() == 2 and dlg.selected().name == "东门店"
    assert all(not p.isHidden() for p in _pickers(window).values())  # the chain shows at once

    assert dlg.set_counter() and stores.counter_store().name == "东门店"
    assert dlg.table.item(1, 6).text() == "✓" and dlg.table.item(0, 6).text() == ""
    dlg.table.selectRow(0)
    assert dlg.toggle_active() and not stores.get(1).active
    assert all(p.isHidden() for p in _pickers(window).values())  # one active store again
    dlg.table.selectRow(1)
    assert not dlg.toggle_active() and "最后一个" in dlg.error.text()
    edit = dlg.edit_selected()
    qtbot.addWidget(edit)
    assert isinstance(edit, StoreEditDialog) and edit.code.text() == "east"
    qtbot.keyClick(edit, Qt.Key.Key_Escape)
    assert not edit.isVisible()
    qtbot.keyClick(dlg, Qt.Key.Key_Escape)
    assert not dlg.isVisible()


def test_a_clerk_needs_the_owner_for_the_stores_dialog(window, monkeypatch):
    from shopcrm.ui.stores import stores_dialog
    from shopcrm.ui.trust import security_ui

    security.set_pin("2468")
    security.lock()
    asked = []
    monkeypatch.setattr(security_ui, "ensure_owner", lambda parent, action: asked.append(action) or False)
    assert stores_dialog.open_stores(window) is None and asked == ["stores"]


def test_the_day_close_dialog_closes_this_counters_store(app, qtbot, db):
    from shopcrm.sales import counter
    from shopcrm.ui.counter.day_close import DayCloseDialog

    cid = C.create(C.CustomerInput(name="王芳", mobile="13812345678")).id
    counter.sell(cid, 10_000)  # the main store
    east = stores.add("east", "东门店")
    stores.set_counter_store(east.id)
    counter.sell(cid, 3_000)
    dlg = DayCloseDialog()
    qtbot.addWidget(dlg)
    assert dlg.windowTitle().endswith("东门店")
    assert dlg.totals.by_method["cash"]["sales"] == 3_000  # this store's day, not the chain's
    answer_box(qtbot, QMessageBox.StandardButton.Yes)
    assert dlg.close_day()
    assert counter.stored_close(dlg.day(), store_id=east.id) is not None
    assert counter.stored_close(dlg.day(), store_id=1) is None


def test_a_chains_customer_archive_names_the_home_store(app, qtbot, db):
    from shopcrm.ui.customers.customer_form import CustomerForm

    cid = C.create(C.CustomerInput(name="王芳", mobile="13812345678")).id
    form = CustomerForm(cid)
    qtbot.addWidget(form)
    assert "开卡门店" not in form.summary.text()  # one store: nothing about stores
    stores.add("east", "东门店")
    form2 = CustomerForm(cid)
    qtbot.addWidget(form2)
    assert "开卡门店 本店" in form2.summary.text()
