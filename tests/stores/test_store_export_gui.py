"""The export dialog of a chain (issue #18): a store picker, hidden for a single store, that opens
on the customer list's store and scopes the export; real widgets on the real main window."""

from __future__ import annotations

from pathlib import Path

import pytest

from shopcrm import customers as C, stores
from shopcrm.sales import counter
from shopcrm.trust import security
from shopcrm.ui.excel.export_dialog import open_export_dialog
from shopcrm.ui.stores import store_picker
from tests.conftest import xlsx_rows

pytestmark = [pytest.mark.gui, pytest.mark.usefixtures("fixed_day"), pytest.mark.qt_log_ignore("propagateSizeHints")]


@pytest.fixture(autouse=True)
def fresh_session():
    security.reset_session()
    yield
    security.reset_session()


def _dialog(window, qtbot, **kw):
    dialog = open_export_dialog(window, **kw)
    qtbot.addWidget(dialog)
    dialog.exported.disconnect()  # no "finished" message box
    return dialog


def test_a_single_store_shop_sees_no_store_in_the_export(window, qtbot, tmp_path):
    C.create(C.CustomerInput(name="张三", mobile="13800000001"))
    dialog = _dialog(window, qtbot)
    assert dialog.store_picker.isHidden() and dialog.store_hint.isHidden()
    assert dialog.findChild(type(dialog.store_hint), "exportStoreLabel").isHidden()
    assert dialog.store_id() is None and Path(dialog.path_edit.text()).name.startswith("客户名单_2")
    dialog.path_edit.setText(str(tmp_path / "x.xlsx"))
    assert dialog.export().customers == 1


def test_a_chain_exports_the_store_the_list_shows_or_the_one_picked(window, qtbot, tmp_path):
    main_member = C.create(C.CustomerInput(name="本店顾客", mobile="13800000001")).id
    east = stores.add("east", "东门店")
    stores.set_counter_store(east.id)
    east_member = C.create(C.CustomerInput(name="东店顾客", mobile="13800000002")).id
    counter.sell(east_member, 5_000)
    counter.sell(main_member, 3_000)
    store_picker.reload_all()
    tab = window.customers_tab
    tab.store_picker.setCurrentIndex(tab.store_picker.findData(east.id))
    tab.refresh()
    dialog = _dialog(window, qtbot, full=True)
    assert not dialog.store_picker.isHidden() and not dialog.store_hint.isHidden()
    assert dialog.store_id() == east.id  # the list's store
    assert [dialog.store_picker.itemText(i) for i in range(3)] == ["全部门店", "本店", "东门店"]
    assert "该门店的全部会员（1 位）" in dialog.all_radio.text()
    assert Path(dialog.path_edit.text()).name.startswith("客户完整档案_东门店_")
    dialog.store_picker.setCurrentIndex(0)  # the whole chain: the counts and the name follow
    assert "全部客户（2 位）" in dialog.all_radio.text()
    assert Path(dialog.path_edit.text()).name.startswith("客户完整档案_2")
    dialog.store_picker.setCurrentIndex(dialog.store_picker.findData(east.id))
    dialog.path_edit.setText(str(tmp_path / "东门店.xlsx"))
    result = dialog.export()
    assert (result.customers, result.purchases) == (1, 2)
    assert [r[0] for r in xlsx_rows(result.path, "客户")[1:]] == ["东店顾客"]
    assert [r[2] for r in xlsx_rows(result.path, "消费记录")[1:]] == ["东店顾客", "本店顾客"]


def test_a_selection_in_a_store_counts_its_members(window, qtbot):
    main_member = C.create(C.CustomerInput(name="本店顾客", mobile="13800000001")).id
    east = stores.add("east", "东门店")
    stores.set_counter_store(east.id)
    east_member = C.create(C.CustomerInput(name="东店顾客", mobile="13800000002")).id
    from shopcrm.ui.excel.export_dialog import ExportDialog

    dialog = ExportDialog(window, selected_ids=[main_member, east_member])
    qtbot.addWidget(dialog)
    assert "（2 位）" in dialog.selection_radio.text()
    dialog.store_picker.setCurrentIndex(dialog.store_picker.findData(east.id))
    assert "（1 位）" in dialog.selection_radio.text()
