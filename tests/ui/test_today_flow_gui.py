"""The 今日待办 tab as a clerk uses it: the message preview in the shop's message language
whatever the interface language, plural-correct counts, the next item selected after each
action, "copied" confirmed, and a new shop's first day without a flood of overdue items."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from PySide6.QtCore import QLocale, Qt
from PySide6.QtWidgets import QApplication

from shopcrm import care, customers as C
from shopcrm.core import clock
from shopcrm.store.models import CareAction

pytestmark = pytest.mark.gui

TODAY = dt.date(2026, 11, 22)
HAN = re.compile(r"[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]")


@pytest.fixture
def ui(qapp):
    """Switch the interface language (and restore the untranslated source afterwards)."""
    from shopcrm.ui.shell import i18n

    saved = QLocale()
    yield lambda lang: i18n.install(qapp, lang)
    i18n.uninstall(qapp)
    QLocale.setDefault(saved)


def make(name, mobile, gender, birthday=None, **kw):
    return C.create(
        C.CustomerInput(
            name=name,
            mobile=mobile,
            birthday=birthday,
            consent_marketing=True,
            joined_on=dt.date(2025, 1, 1),
            extra={"gender": gender},
            **kw,
        ),
        today=clock.today(),
    )


def quiet_settings(**changes):
    s = care.load_settings()
    s["visit_plan"] = {g: {**p, "per_month": 0} for g, p in s["visit_plan"].items()}
    s["join_anniversary"] = False
    s["shop_name"] = "Lily's Flowers"
    s.update(changes)
    care.save_settings(s)


@pytest.fixture
def birthdays(db):
    """Four birthdays, recorded a month before: two overdue, one today, one in two days."""
    clock.set_now(TODAY - dt.timedelta(days=30))
    people = [
        make("闫磊", "13800000001", "M", dt.date(1990, 11, 20)),
        make("张丽", "13800000002", "F", dt.date(1991, 11, 21)),
        make("王强", "13800000003", "M", dt.date(1992, 11, 22)),
        make("李娜", "13800000004", "F", dt.date(1993, 11, 24)),
    ]
    clock.set_now(TODAY)
    quiet_settings()
    return people


def tab_for(qtbot):
    from shopcrm.ui.today.today_tab import TodayTab

    tab = TodayTab(None, today=clock.today())
    qtbot.addWidget(tab)
    tab.resize(1100, 520)
    tab.show()
    qtbot.waitExposed(tab)
    return tab


def select(tab, customer_id):
    row = next(r for r, it in enumerate(tab.model.items) if it.customer_id == customer_id)
    tab.table.setCurrentIndex(tab.model.index(row, 0))
    tab.select_rows([row])
    return row


def test_english_interface_chinese_messages(qtbot, birthdays, ui):
    ui("en")
    tab = tab_for(qtbot)
    assert tab.done_button.text() == "Done…"  # the interface is English
    for person in birthdays:
        select(tab, person.id)
        text = tab.preview.toPlainText()
        assert text and not re.search(r"\b(Mr|Ms|Mrs|Miss|Dear|Happy|happy)\b", text), text
    select(tab, birthdays[0].id)
    assert tab.preview.toPlainText().startswith("闫先生您好！Lily's Flowers祝您生日快乐（11月20日）")


def test_message_language_english_is_wholly_english(qtbot, birthdays, ui):
    ui("zh_CN")
    quiet_settings(message_language="en")
    tab = tab_for(qtbot)
    assert tab.done_button.text() == "完成…"  # the interface is Chinese
    for person in birthdays:
        select(tab, person.id)
        text = tab.preview.toPlainText()
        assert text.startswith("Dear M") and not HAN.search(text), text
    select(tab, birthdays[0].id)
    assert tab.preview.toPlainText().startswith("Dear Mr Yan, happy birthday (11/20)")


def test_counts_read_right_in_english_and_chinese(qtbot, birthdays, ui):
    ui("en")
    tab = tab_for(qtbot)
    assert tab.summary.text() == "1 due today · 2 overdue · 1 upcoming"
    due = {it.customer_id: tab.model.data(tab.model.index(r, 0)) for r, it in enumerate(tab.model.items)}
    assert due[birthdays[0].id] == "2 days late" and due[birthdays[1].id] == "1 day late"
    assert due[birthdays[3].id] == "in 2 days"
    tab.select_rows([0, 1])
    assert tab.preview.toPlainText() == "2 items selected"
    tab.copy_selected()
    assert tab.status.text() == "2 messages copied"
    select(tab, birthdays[0].id)
    tab.copy_selected()
    assert tab.status.text() == "1 message copied"
    ui("zh_CN")
    tab.refresh()
    assert tab.summary.text() == "今天到期 1 · 逾期 2 · 即将到来 1"
    due = {it.customer_id: tab.model.data(tab.model.index(r, 0)) for r, it in enumerate(tab.model.items)}
    assert due[birthdays[1].id] == "逾期 1 天" and due[birthdays[3].id] == "2 天后"
    select(tab, birthdays[0].id)
    tab.copy_selected()
    assert tab.status.text().startswith("已复制 1 条话术")


def test_the_next_item_is_selected_after_each_action(qtbot, birthdays, ui):
    ui("zh_CN")
    tab = tab_for(qtbot)
    order = [it.customer_id for it in tab.model.items]
    assert order == [p.id for p in birthdays]  # by due date
    # done on the first: the (new) first row, the next customer, is selected and has the focus
    select(tab, order[0])
    assert tab.apply_done(tab.selected_items(), channel="wechat")
    assert [i.customer_id for i in tab.selected_items()] == [order[1]]
    assert tab.focusWidget() is tab.table and tab.table.currentIndex().row() == 0
    assert tab.preview.toPlainText().startswith("张女士您好")
    assert tab.status.text() == "已完成 1 项"
    # skip: the next one again
    assert tab.apply_skip(tab.selected_items(), "客户不需要")
    assert [i.customer_id for i in tab.selected_items()] == [order[2]]
    assert tab.status.text() == "已跳过 1 项"
    # snooze the last item: the one before it (now the last) is selected
    select(tab, order[3])
    assert tab.apply_snooze(tab.selected_items(), TODAY + dt.timedelta(days=3))
    assert [i.customer_id for i in tab.selected_items()] == [order[2]]
    assert tab.status.text() == "1 项已推迟到 2026-11-25"


def test_keyboard_copy_is_confirmed(qtbot, birthdays, ui):
    ui("zh_CN")
    tab = tab_for(qtbot)
    select(tab, birthdays[2].id)
    tab.table.setFocus()
    QApplication.clipboard().clear()
    qtbot.keyClick(tab.table, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.clipboard().text().startswith("王先生您好！")
    assert tab.status.isVisible() and tab.status.text().startswith("已复制 1 条话术")
    select(tab, birthdays[3].id)  # moving on clears the confirmation
    assert tab.status.text() == ""


def test_a_new_shops_first_day_is_not_a_flood(qtbot, db, ui):
    """120 customers imported today, joined years ago, some with birthdays last week: the list
    shows no overdue birthdays and a day's worth of scheduled visits, with the rest counted."""
    ui("zh_CN")
    clock.set_now(TODAY)
    for n in range(120):
        birthday = TODAY - dt.timedelta(days=1 + n % 5) if n < 10 else None
        if birthday:
            birthday = birthday.replace(year=1990)
        make(f"客户{n}", f"139{n:08d}", "F", birthday)
    s = care.load_settings()
    s["visit_daily_limit"] = 25
    care.save_settings(s)
    tab = tab_for(qtbot)
    kinds = [it.kind for it in tab.lst.items]
    assert "birthday" not in kinds  # last week's birthdays were before the shop used ShopCRM
    assert kinds.count("visit") == 25
    assert all(it.due >= TODAY for it in tab.lst.items)  # nothing 逾期 on day one
    assert tab.summary.text() == "今天到期 25 · 逾期 0 · 即将到来 0 · 另有 95 位客户的定期回访顺延到之后几天"
    # the clerk works through today's 25: the list does not refill with tomorrow's share
    tab.select_rows(list(range(25)))
    assert tab.apply_done(tab.selected_items(), channel="phone")
    assert tab.model.rowCount() == 0
    assert CareAction.select().where(CareAction.kind == "visit").count() == 25
    assert "另有 95 位" in tab.summary.text()
    # the next day brings the next 25
    clock.set_now(TODAY + dt.timedelta(days=1))
    tab.set_today(clock.today())
    assert [it.kind for it in tab.lst.items].count("visit") == 25
    assert "另有 70 位" in tab.summary.text()


def test_a_birthday_missed_after_recording_is_overdue(qtbot, db, ui):
    """The look-back window still shows a birthday missed since the customer was recorded,
    and only within the window (overdue_days)."""
    ui("zh_CN")
    clock.set_now(TODAY - dt.timedelta(days=60))
    recent = make("闫磊", "13800000001", "M", dt.date(1990, 11, 19))
    old = make("张丽", "13800000002", "F", dt.date(1990, 11, 1))  # 21 days ago: beyond 7 days
    clock.set_now(TODAY)
    quiet_settings()
    tab = tab_for(qtbot)
    ids = {it.customer_id: it for it in tab.lst.items}
    assert care.due_text(ids[recent.id], TODAY) == "逾期 3 天"
    assert old.id not in ids


def test_a_kind_past_its_cap_shows_what_is_left_and_loads_more(qtbot, birthdays, ui):
    """Issue #20: each kind lists a day's share; the rest is counted and loaded on request."""
    ui("en")
    quiet_settings(source_cap=10)
    for n in range(10):  # fourteen birthdays in the window: ten listed, four more
        make(f"客{n}", f"139000000{n:02d}", "F", dt.date(1990, 11, 22))
    tab = tab_for(qtbot)
    assert tab.model.rowCount() == 10
    assert tab.more_label.isVisible() and tab.more_button.isEnabled()
    assert "Birthday" in tab.more_label.text() and "4 more" in tab.more_label.text()
    qtbot.mouseClick(tab.more_button, Qt.MouseButton.LeftButton)
    assert tab.model.rowCount() == 14
    assert not tab.more_label.isVisible() and not tab.more_button.isVisible()
    tab.refresh()  # what was loaded stays loaded for the day
    assert tab.model.rowCount() == 14
