"""The counter (issue 12): dialogs open in their first field, refusals stay in the dialog, the main
window fits small screens, tab badges follow the open database. Real widgets, offscreen."""

from __future__ import annotations

import pytest

from shopcrm import activity, complaints as K, customers as C
from shopcrm.core import clock
from shopcrm.db import close_database, open_database

pytestmark = pytest.mark.gui


def cust(name="张三", mobile="13812345678", **kw):
    return C.create(C.CustomerInput(name=name, mobile=mobile, **kw))


def complain(customer_id: int) -> None:
    K.create(K.ComplaintInput(customer_id=customer_id, category="商品质量", key_points="褪色", severity="一般"))


# --- tab badges follow the open database ---------------------------------------------------------

def test_switching_databases_retitles_every_tab_at_once(app, qtbot, tmp_path):
    from shopcrm.ui.main_window import MainWindow

    a, b = tmp_path / "a.db", tmp_path / "b.db"
    open_database(b)
    complain(cust().id)
    close_database()
    open_database(a)
    for i, mobile in enumerate(("13800000001", "13800000002", "13800000003")):
        c = cust(f"客户{i}", mobile)
        complain(c.id)
        activity.record_contact(c.id, next_followup=clock.today())  # due today: on 今日待办
    try:
        win = MainWindow(a)
        qtbot.addWidget(win)
        win.show()
        qtbot.waitExposed(win)
        today_tab, complaints_tab = win.extra_tabs[0], win.extra_tabs[1]
        today_i, complaints_i = win.tabs.indexOf(today_tab), win.tabs.indexOf(complaints_tab)
        qtbot.waitUntil(lambda: win.tabs.tabText(today_i).endswith("(3)"))
        assert "3" in win.tabs.tabText(complaints_i)
        win.tabs.setCurrentWidget(win.customers_tab)

        assert win.switch_database(b)
        # no timer, no visit to the tabs: the titles already show b's counts
        assert "(" not in win.tabs.tabText(today_i)
        assert "1" in win.tabs.tabText(complaints_i) and "3" not in win.tabs.tabText(complaints_i)
        assert win.customers_tab.model.rowCount() == 1
    finally:
        win.close()
        close_database()
