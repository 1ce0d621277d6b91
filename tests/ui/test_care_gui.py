"""The 今日待办 tab with a fixed date: done with a contact record, snooze, skip, copy, export,
the count badge, the settings dialog, and the tab inside the main window."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import TEST_DAY, xlsx_rows
from PySide6.QtCore import QDate
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QPushButton

from shopcrm import care, customers as C
from shopcrm.core import clock
from shopcrm.sales import activity
from shopcrm.store.models import CareAction, Contact, Customer

pytestmark = [pytest.mark.usefixtures("fixed_day"), pytest.mark.gui]

TODAY = TEST_DAY


@pytest.fixture
def chinese(qapp):
    from PySide6.QtCore import QLocale

    from shopcrm.ui.shell import i18n

    saved = QLocale()
    i18n.install(qapp, "zh_CN")
    yield
    i18n.install(qapp, "en")  # removes the translators
    QLocale.setDefault(saved)


@pytest.fixture
def shop(db):
    """Three customers: a birthday today, a return visit due today, a birthday in three days."""

    def make(name, mobile, gender, birthday=None):
        return C.create(
            C.CustomerInput(
                name=name,
                mobile=mobile,
                birthday=birthday,
                joined_on=dt.date(2026, 11, 1),
                extra={"gender": gender},
                consent_marketing=True,
            ),  # opt-in: they agreed
            today=TODAY,
        )

    bday = make("张丽", "13800000001", "F", dt.date(1990, 11, 22))
    buyer = make("王强", "13800000002", "M")
    activity.record_purchase(buyer.id, 29900, at=dt.datetime(2026, 11, 19, 15), items="茶具")
    soon = make("李娜", "13800000003", "F", dt.date(1992, 11, 25))
    s = care.load_settings()
    s["visit_plan"] = {g: {**p, "per_month": 0} for g, p in s["visit_plan"].items()}
    s["return_offsets"] = [care.DEFAULTS["return_offsets"][0]]
    s["join_anniversary"] = False
    s["shop_name"] = "小美花店"
    care.save_settings(s)
    return {"bday": bday, "buyer": buyer, "soon": soon}


def _row_of(tab, customer_id) -> int:
    return next(r for r, it in enumerate(tab.model.items) if it.customer_id == customer_id)


def _ok(dlg):
    box = dlg.findChild(QDialogButtonBox)
    (box.button(QDialogButtonBox.StandardButton.Ok) or box.button(QDialogButtonBox.StandardButton.Save)).click()


def test_done_and_snooze_update_list_and_badge(qtbot, shop, chinese):
    from shopcrm.ui.today.today_tab import TodayTab

    tab = TodayTab(None, today=TODAY)
    qtbot.addWidget(tab)
    assert tab.objectName() == "todayTab" and tab.table.objectName() == "todayTable"
    assert tab.model.rowCount() == 3
    assert tab.tab_title() == "今日待办 (2)"  # the upcoming birthday is listed but not counted
    assert tab.model.index(0, 0).data() == "今天"

    # done: the birthday greeting, with a contact record
    tab.select_rows([_row_of(tab, shop["bday"].id)])
    assert "张女士您好！小美花店祝您生日快乐" in tab.preview.toPlainText()
    dlg = tab.done_selected()
    dlg.channel.setCurrentIndex(dlg.channel.findData("wechat"))
    dlg.outcome.setText("很开心，周末来店里")
    dlg.satisfaction.setCurrentIndex(dlg.satisfaction.findData(5))
    dlg.followup_check.setChecked(True)
    dlg.followup_date.setDate(QDate(2026, 11, 28))
    with qtbot.waitSignal(tab.title_changed):
        _ok(dlg)
    contact = Contact.get(Contact.customer == shop["bday"].id)
    assert (contact.channel, contact.outcome, contact.satisfaction, contact.next_followup) == (
        "wechat",
        "很开心，周末来店里",
        5,
        dt.date(2026, 11, 28),
    )
    assert Customer.get_by_id(shop["bday"].id).last_contact_at is not None
    assert tab.tab_title() == "今日待办 (1)"
    assert shop["bday"].id not in {i.customer_id for i in tab.model.items}

    # snooze: the return visit, to the day after tomorrow
    tab.select_rows([_row_of(tab, shop["buyer"].id)])
    assert "茶具用得怎么样" in tab.copy_selected()
    assert "茶具用得怎么样" in QApplication.clipboard().text()
    dlg = tab.snooze_selected()
    dlg.date.setDate(QDate(2026, 11, 24))
    with qtbot.waitSignal(tab.title_changed):
        _ok(dlg)
    assert tab.tab_title() == "今日待办"
    assert [i.customer_id for i in tab.model.items] == [shop["soon"].id]
    assert CareAction.get(CareAction.customer == shop["buyer"].id).until == dt.date(2026, 11, 24)

    # on the chosen day it is back, flagged, beside the birthday that is now today
    tab.set_today(dt.date(2026, 11, 24))
    texts = {tab.model.index(r, 2).data(): tab.model.index(r, 0).data() for r in range(tab.model.rowCount())}
    assert texts["王强"] == "逾期 2 天（推迟到 2026-11-24）"
    assert tab.tab_title() == "今日待办 (1)"
    tab.resize(1100, 500)


def test_skip_needs_a_reason(qtbot, shop):
    from shopcrm.ui.today.today_tab import TodayTab

    tab = TodayTab(None, today=TODAY)
    qtbot.addWidget(tab)
    tab.select_rows([_row_of(tab, shop["soon"].id)])
    dlg = tab.skip_selected()
    _ok(dlg)
    assert dlg.isVisible() and dlg.error.text()
    dlg.reason.setCurrentText("出国了")
    _ok(dlg)
    assert shop["soon"].id not in {i.customer_id for i in tab.model.items}
    assert care.history(shop["soon"].id)[0].reason == "出国了"


def test_filters_and_export(qtbot, shop, tmp_path):
    from shopcrm.ui.today.today_tab import TodayTab

    tab = TodayTab(None, today=TODAY)
    qtbot.addWidget(tab)
    tab.show_upcoming.setChecked(False)
    assert tab.model.rowCount() == 2
    tab.kind_filter.setCurrentIndex(tab.kind_filter.findData("return"))
    assert [i.kind for i in tab.model.items] == ["return"]
    path = tab.export_to(tmp_path / "today.xlsx")
    rows = xlsx_rows(path)
    assert len(rows) == 2 and rows[1][2] == "王强" and rows[1][3] == "13800000002"


def test_settings_dialog_saves_and_refuses_bad_templates(qtbot, shop):
    from shopcrm.ui.today.today_tab import TodayTab

    tab = TodayTab(None, today=TODAY)
    qtbot.addWidget(tab)
    dlg = tab.open_settings()
    dlg.birthday_days.setValue(2)
    dlg.template_kind.setCurrentIndex(dlg.template_kind.findData("birthday"))
    dlg.template_edit.setPlainText("{称呼}生日快乐！——{店名}")
    with qtbot.waitSignal(dlg.saved):
        _ok(dlg)
    s = care.load_settings()
    assert s["birthday_days"] == 2 and s["templates"]["birthday"] == "{称呼}生日快乐！——{店名}"
    assert s["shop_name"] == "小美花店"
    assert tab.model.rowCount() == 2  # 李娜's birthday in three days is now beyond the horizon

    # the shop's own date and a return-visit offset, from their tables
    dlg = tab.open_settings()
    dlg.findChild(QPushButton, "addShopDate").click()
    dlg.shop_dates.item(0, 0).setText("店庆")
    dlg.shop_dates.cellWidget(0, 1).setValue(12)
    dlg.shop_dates.cellWidget(0, 2).setValue(8)
    dlg.findChild(QPushButton, "addReturn").click()
    dlg.returns.cellWidget(1, 0).setValue(15)
    dlg.returns.item(1, 1).setText("半个月")
    dlg.plan_widgets["C"][0].setValue(2)
    with qtbot.waitSignal(dlg.saved):
        _ok(dlg)
    s = care.load_settings()
    assert s["shop_dates"] == [{"name": "店庆", "month": 12, "day": 8, "lunar": False}]
    assert [o["days"] for o in s["return_offsets"]] == [3, 15]
    assert s["visit_plan"]["C"]["per_month"] == 2

    dlg = tab.open_settings()
    dlg.template_kind.setCurrentIndex(dlg.template_kind.findData("festival"))
    dlg.template_edit.setPlainText("{名字}节日快乐")
    _ok(dlg)
    assert "未知的占位符 {名字}" in dlg.error.text() and dlg.isVisible()
    assert care.load_settings()["templates"]["festival"] == care.DEFAULT_TEMPLATES["festival"]
    dlg.reject()


def test_tab_in_the_main_window_shows_the_badge(qtbot, shop, db_location, chinese):
    from shopcrm.ui.main_window import MainWindow

    win = MainWindow(db_location)
    qtbot.addWidget(win)
    tab = win.findChild(type(win.extra_tabs[0]), "todayTab")
    assert tab is not None
    index = win.tabs.indexOf(tab)
    # the list is built right after the window's first paint, never before it
    assert win.tabs.tabText(index) == "今日待办"
    win.show()
    qtbot.waitUntil(lambda: win.tabs.tabText(index).startswith("今日待办 ("))
    tab.set_today(TODAY)
    assert win.tabs.tabText(index) == "今日待办 (2)"
    tab.select_rows([_row_of(tab, shop["bday"].id)])
    with qtbot.waitSignal(win.data_changed):
        assert tab.apply_done(tab.selected_items(), channel="phone")
    assert win.tabs.tabText(index) == "今日待办 (1)"


def test_anniversaries_recorded_from_the_tab(qtbot, shop):
    from shopcrm.ui.today.today_tab import TodayTab

    tab = TodayTab(None, today=TODAY)
    qtbot.addWidget(tab)
    tab.select_rows([_row_of(tab, shop["buyer"].id)])
    dlg = tab.edit_anniversaries()
    assert dlg.windowTitle().endswith("王强")
    dlg.kind.setCurrentIndex(dlg.kind.findData("wedding"))
    dlg.month.setValue(11)
    dlg.day.setValue(31)
    assert not dlg.add() and "11 月没有这一天" in dlg.error.text()
    dlg.day.setValue(24)
    with qtbot.waitSignal(dlg.changed):
        assert dlg.add()
    assert dlg.table.rowCount() == 1 and dlg.table.item(0, 2).text() == "11月24日"
    assert ("anniversary", shop["buyer"].id) in {(i.kind, i.customer_id) for i in tab.model.items}
    dlg.table.selectRow(0)
    dlg.delete_selected()
    assert dlg.table.rowCount() == 0 and care.anniversaries_of(shop["buyer"].id) == []
    dlg.reject()


def test_many_items_done_in_a_worker(qtbot, shop, monkeypatch):
    from shopcrm.ui.today import today_tab
    from shopcrm.ui.today.today_tab import TodayTab

    monkeypatch.setattr(today_tab, "BULK", 1)
    tab = TodayTab(None, today=TODAY)
    qtbot.addWidget(tab)
    tab.select_rows([0, 1, 2])
    assert len(tab.selected_items()) == 3
    assert tab.apply_done(tab.selected_items(), channel="sms", outcome="已群发")
    assert Contact.select().where(Contact.outcome == "已群发").count() == 3
    assert tab.model.rowCount() == 0 and tab.tab_title() in ("Today", "今日待办")


def test_the_list_follows_the_calendar_day(qtbot, shop):
    from shopcrm.ui.today.today_tab import TodayTab

    tab = TodayTab(None)
    qtbot.addWidget(tab)
    tab.show()
    assert tab._day_timer.isActive()
    tab.refresh()
    assert tab.lst.today == TODAY
    clock.set_now(dt.date(2026, 11, 25))
    with qtbot.waitSignal(tab.title_changed):
        tab._check_day()  # what the minute timer does
    assert tab.lst.today == dt.date(2026, 11, 25)
    tab.close()  # a closed window's timers leave its list (and perhaps a closed database) alone
    clock.set_now(dt.date(2026, 11, 26))
    tab._check_day()
    assert tab.lst.today == dt.date(2026, 11, 25)


def test_return_plans_per_category_edited_with_their_days(qtbot, shop):
    from shopcrm.ui.today.today_tab import TodayTab

    tab = TodayTab(None, today=TODAY)
    qtbot.addWidget(tab)
    dlg = tab.open_settings()
    dlg.findChild(QPushButton, "addReturnPlan").click()
    assert dlg.plans.item(0, 1).text() == "1,7,30"
    dlg.plans.item(0, 0).setText("护理")
    dlg.plans.item(0, 1).setText("1，7、x")
    _ok(dlg)
    assert dlg.isVisible() and "“护理”" in dlg.error.text() and "1–730" in dlg.error.text()
    dlg.plans.item(0, 1).setText("30, 1 7")
    dlg.add_plan("护理", "2")
    _ok(dlg)
    assert dlg.isVisible() and "两个" in dlg.error.text()
    dlg.plans.item(1, 0).setText("")
    _ok(dlg)
    assert dlg.isVisible() and "第 2 个" in dlg.error.text()
    dlg.plans.removeRow(1)
    with qtbot.waitSignal(dlg.saved):
        _ok(dlg)
    (plan,) = care.load_settings()["return_plans"]
    assert (plan["name"], plan["match"], [o["days"] for o in plan["offsets"]]) == ("护理", "护理", [1, 7, 30])
    # edited again: a kept day keeps its label and template, a new day gets the defaults
    s = care.load_settings()
    s["return_plans"][0]["offsets"][0]["label"] = "第二天问候"
    care.save_settings(s)
    dlg = tab.open_settings()
    assert dlg.plan_rows() == [("护理", "1,7,30")]
    dlg.plans.item(0, 1).setText("1,14")
    with qtbot.waitSignal(dlg.saved):
        _ok(dlg)
    offsets = care.load_settings()["return_plans"][0]["offsets"]
    assert [(o["days"], o["label"]) for o in offsets] == [(1, "第二天问候"), (14, "护理后第 14 天回访")]
    assert offsets[1]["template"] == care.PLAN_TEMPLATE
