"""The tabs after 客户 are built right after the window's first paint (the app's start-up: their
modules and widgets were a quarter of it); until then the tab bar shows their plain titles, the
Tools menu its items in their places once they are built, and anything that needs a tab builds
it at once."""

from __future__ import annotations

import pytest
from conftest import database_replaced_elsewhere
from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication, QPushButton, QWidget

from shopcrm import customers
from shopcrm.customers import CustomerInput
from shopcrm.ui.main_window import LATER_TABS, MainWindow, later_tab_title, tab_classes


@pytest.fixture
def later(app, qtbot, db, db_location):
    """A main window as the app makes it (its later tabs not built), not yet shown."""
    w = MainWindow(db_location, later_tabs=True)
    qtbot.addWidget(w)
    yield w
    w.close()


def _titles(w) -> list[str]:
    return [w.tabs.tabText(i) for i in range(w.tabs.count())]


def test_the_tab_bar_is_whole_before_the_tabs_are_built_and_they_come_after_the_first_paint(later, qtbot):
    from shopcrm import customers

    customers.create(CustomerInput(name="张三", mobile="13800000001"))  # nothing due: no badge
    assert not later.later_tabs_built()
    assert _titles(later) == ["客户", "今日待办", "投诉", "分析"]
    stand_ins = [later.tabs.widget(i) for i in range(1, 4)]
    assert all(type(w) is QWidget for w in stand_ins)
    assert later.tabs.currentIndex() == 0
    later.show()
    qtbot.waitUntil(later.later_tabs_built, timeout=10_000)  # no event but the first paint
    tabs = [later.tabs.widget(i) for i in range(1, 4)]
    assert [type(t) for t in tabs] == list(tab_classes()) and tabs == later.extra_tabs
    assert later.tabs.currentWidget() is later.customers_tab  # the clerk's list stays in view
    later.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is later.customers_tab.search)  # typing goes there
    # each plain title is the one the tab gives itself (its badges come from its own refresh)
    assert _titles(later)[1:] == [t.tab_title().split(" (")[0] for t in tabs]


def test_the_tools_menu_has_the_tabs_items_in_their_places(later, qtbot):
    later.show()
    qtbot.waitUntil(lambda: "complaintSettingsAction" in {a.objectName() for a in later.tools_menu.actions()})
    names = [a.objectName() for a in later.tools_menu.actions() if a.isVisible()]
    # the care reminders' settings beside the member settings, as when the tabs were built first
    assert names.index("careSettingsAction") == names.index("loyaltySettingsAction") + 1
    assert names[-1] == "complaintSettingsAction"
    assert names.count("careSettingsAction") == 1


def test_a_stand_in_chosen_before_its_tab_is_built_shows_the_tab(later, qtbot):
    stand_ins = [later.tabs.widget(i) for i in range(1, 4)]
    later.tabs.setCurrentIndex(2)  # 投诉, before any paint
    assert later.later_tabs_built()
    assert later.tabs.currentWidget() is later.extra_tabs[1] and later.tabs.currentIndex() == 2
    assert [later.tabs.indexOf(w) for w in stand_ins] == [-1, -1, -1] and later.tabs.count() == 4


def test_a_complaint_shown_from_an_archive_before_the_tabs_are_built(later, qtbot):
    from shopcrm import complaints, customers

    cid = customers.create(CustomerInput(name="李四", mobile="13800000002")).id
    complaint = complaints.create(
        complaints.ComplaintInput(customer_id=cid, category="商品质量", key_points="褪色", severity="一般")
    )
    later.show_complaint(complaint.id)
    assert later.later_tabs_built() and later.tabs.currentWidget() is later.extra_tabs[1]


def test_the_today_list_is_read_when_its_tab_comes_after_the_first_paint(later, qtbot):
    later.show()
    qtbot.waitUntil(later.later_tabs_built, timeout=10_000)
    today = later.extra_tabs[0]
    qtbot.waitUntil(lambda: today.lst is not None, timeout=10_000)  # on_first_painted, already past


@pytest.mark.parametrize(
    ("lang", "expected"), [("zh_CN", ["今日待办", "投诉", "分析"]), ("en", ["Today", "Complaints", "Analysis"])]
)
def test_stand_in_titles_are_the_tabs_own_in_each_language(app, lang, expected):
    from shopcrm.ui.shell import i18n

    i18n.install(app, lang)
    try:
        assert [later_tab_title(name, text) for _m, name, text in LATER_TABS] == expected
        assert QCoreApplication.translate("TodayTab", "Today") == expected[0]
    finally:
        i18n.install(app, "zh_CN")


def test_a_tab_that_cannot_read_its_data_is_built_once_the_database_is_back(later, qtbot, engine_name):
    """The server goes away between the start and the first paint (PostgreSQL: another counter's
    restore has the database dropped): the tab that reads its data as it is built stays a stand-in
    and the banner says why — no error in the event loop —; it is built once the database is back."""
    if engine_name != "postgresql":
        pytest.skip("only a PostgreSQL restore drops the database")
    with database_replaced_elsewhere():
        later.show()  # (pytest-qt fails the test on an exception in a slot)
        qtbot.waitUntil(lambda: later.live.lost, timeout=10_000)
        assert not later.later_tabs_built() and later.connection_banner.isVisible()
        assert _titles(later)[1:] == ["今日待办", "投诉", "分析"]  # the tab bar whole all the same
    assert later.live.try_reconnect()
    qtbot.waitUntil(later.later_tabs_built, timeout=10_000)
    assert [type(t) for t in later.extra_tabs] == list(tab_classes())
    # the tab whose constructor met the lost connection is gone, not a hidden second one
    assert [len(later.findChildren(cls)) for cls in tab_classes()] == [1, 1, 1]


def test_the_app_decorates_the_later_tabs_and_regrades_once_the_analysis_tab_exists(app, qtbot, db, db_location):
    """As the app starts: the stand-ins carry their tabs' icons from the first frame, the tabs'
    buttons and Tools items get theirs when built, and stale grades are regraded in the
    background by the 分析 tab once it exists (before, the regrade found no tab and never ran)."""
    from shopcrm import grading
    from shopcrm.store import settings
    from shopcrm.store.db import close_database
    from shopcrm.ui import first_run
    from shopcrm.ui.app import regrade_when_ready, start

    for i in range(3):
        customers.create(CustomerInput(name=f"顾客{i}", mobile=f"1380000001{i}"))
    settings.put(first_run.FIRST_RUN_DONE, True)  # no welcome
    assert grading.is_stale()
    close_database()
    _app, window = start(["--db", str(db_location)])
    assert window is not None
    qtbot.addWidget(window)
    assert not window.later_tabs_built()
    assert all(not window.tabs.tabIcon(i).isNull() for i in range(4))  # the stand-ins' too
    regrade_when_ready(window)
    assert "daily_regrade" not in window.context.jobs  # waits for the 分析 tab
    window.show()
    qtbot.waitUntil(window.later_tabs_built, timeout=10_000)
    assert all(not window.tabs.tabIcon(i).isNull() for i in range(4))
    assert not window.findChild(QPushButton, "newComplaintButton").icon().isNull()
    tab = window.context.jobs["daily_regrade"]
    assert tab is window.extra_tabs[2]
    qtbot.waitUntil(lambda: not grading.is_stale(), timeout=30_000)
    tab._wait_background()
    window.close()
