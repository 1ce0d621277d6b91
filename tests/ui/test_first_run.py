"""The first five minutes: the welcome, the three starts, the separate demo database, the app icon."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from conftest import type_text
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from shopcrm import customers
from shopcrm.core.paths import PgUrl, parse_db_location
from shopcrm.store import settings
from shopcrm.store.db import close_database, open_database
from shopcrm.trust import security
from shopcrm.ui import first_run

pytestmark = pytest.mark.gui


def when_shown(object_name: str, action, seen: list | None = None, tries: int = 300) -> None:
    """Run ``action(widget)`` once a top-level widget named ``object_name`` is visible (modal
    dialogs block in exec(), so the test acts from the event loop). Gives up after ``tries``
    turns of 10 ms, so that a poller whose dialog never came does not outlive its test."""
    left = [tries]

    def poll():
        for w in QApplication.topLevelWidgets():
            if w.objectName() == object_name and w.isVisible():
                if seen is not None:
                    seen.append(w)
                action(w)
                return
        left[0] -= 1
        if left[0] > 0:
            QTimer.singleShot(10, poll)

    QTimer.singleShot(0, poll)


@pytest.fixture(autouse=True)
def _own_data_folder(tmp_path, monkeypatch):
    """The demo of a shop on a server lives in this computer's data folder: the test's own."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))


def real_customer_count(location) -> int:
    """Customers in a database, on a connection of its own (the open one may be another)."""
    if isinstance(location, PgUrl):
        from shopcrm.store import pg_backup

        return pg_backup.table_counts(location, ["customer"])["customer"]
    con = sqlite3.connect(location)
    try:
        return con.execute("SELECT count(*) FROM customer").fetchone()[0]
    finally:
        con.close()


def start(qtbot, location):
    from shopcrm.ui.app import start as app_start

    _app, window = app_start(["--db", str(location)])
    assert window is not None
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def test_demo_chosen_opens_demo_database_and_second_start_skips_welcome(app, qtbot, db_location):
    real = parse_db_location(db_location)
    demo = first_run.demo_db_path(real)  # beside a file; in the data folder for a server

    def answer(dlg):
        type_text(qtbot, dlg.shop_name, "张姐水果店")
        dlg.demo_button.click()

    seen: list = []
    when_shown("firstRunDialog", answer, seen)
    window = start(qtbot, real)
    assert len(seen) == 1
    # the demo lives in its own file; the real database stays empty
    assert window.location == demo and demo.exists()
    assert customers.count(customers.CustomerQuery()) == first_run.DEMO_CUSTOMERS
    assert "1000" in window.customers_tab.count_label.text().replace(",", "")
    assert "演示数据" in window.windowTitle() and "张姐水果店" in window.windowTitle()
    badge = window.context.demo.badge
    assert badge.isVisible() and "演示数据" in badge.text()
    assert real_customer_count(real) == 0
    assert not app.windowIcon().isNull() and not window.windowIcon().isNull()
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication

    assert QGuiApplication.highDpiScaleFactorRoundingPolicy() == Qt.HighDpiScaleFactorRoundingPolicy.PassThrough
    window.close()
    close_database()

    # second start: no welcome, the demo reopens (the user has not left it yet)
    seen.clear()
    when_shown("firstRunDialog", lambda dlg: dlg.reject(), seen, tries=10)
    window = start(qtbot, real)
    qtbot.wait(50)  # let the poller run: a welcome would be visible by now (it is modal, so
    # start() would not even have returned without the poller closing it)
    assert seen == []
    assert window.context.first_run_choice is None
    assert window.location == demo
    assert customers.count(customers.CustomerQuery()) == first_run.DEMO_CUSTOMERS

    # leaving the demo shows the real, still empty database, without the demo label
    assert window.context.demo.leave_demo()
    assert window.location == real
    assert customers.count(customers.CustomerQuery()) == 0
    assert "演示数据" not in window.windowTitle() and "张姐水果店" in window.windowTitle()
    assert not window.context.demo.badge.isVisible()
    assert window.context.demo.try_action.isVisible()
    window.close()
    close_database()

    # third start: the real database, still no welcome
    when_shown("firstRunDialog", lambda dlg: dlg.reject(), seen, tries=10)
    window = start(qtbot, real)
    qtbot.wait(50)
    assert seen == [] and window.location == real
    window.close()
    close_database()


def test_start_empty_keeps_shop_name_and_marks_done(app, qtbot, db_location):
    real = parse_db_location(db_location)

    def answer(dlg):
        type_text(qtbot, dlg.shop_name, "Lily 美发")
        dlg.empty_button.click()

    when_shown("firstRunDialog", answer)
    window = start(qtbot, real)
    assert window.context.first_run_choice == first_run.EMPTY
    assert window.location == real
    assert settings.shop_name() == "Lily 美发"
    assert "Lily 美发" in window.windowTitle() and "演示数据" not in window.windowTitle()
    assert settings.get(first_run.FIRST_RUN_DONE) is True
    assert not security.pin_offer_due()  # the welcome offered the PIN; no second question
    assert not first_run.welcome_due()
    assert not first_run.demo_db_path(real).exists()
    window.close()
    close_database()


def test_closing_the_welcome_greets_again_next_time(app, qtbot, db, db_location):
    when_shown("firstRunDialog", lambda dlg: dlg.reject())
    begin = first_run.choose_start(parse_db_location(db_location))
    assert begin.choice == "" and first_run.welcome_due()


def test_import_choice_marks_done_and_opens_the_wizard_or_says_why(app, qtbot, db, db_location):
    location = parse_db_location(db_location)
    begin = first_run.choose_start(location, choice=first_run.IMPORT, shop_name="茶叶店")
    assert begin.choice == first_run.IMPORT and begin.db_path == location
    assert settings.shop_name() == "茶叶店" and not first_run.welcome_due()
    from shopcrm.ui.main_window import MainWindow

    window = MainWindow(location)
    qtbot.addWidget(window)
    first_run.install(window, location)
    assert first_run.open_import(window) is True
    wizard = window.context.import_wizard
    qtbot.waitExposed(wizard)
    assert wizard.isVisible() and wizard.parent() is window
    wizard.reject()


def test_existing_customers_are_not_greeted(app, db):
    customers.create(customers.CustomerInput(name="王芳", mobile="13800138000"))
    assert not first_run.welcome_due()


def test_welcome_sets_owner_pin(app, qtbot, db):
    dlg = first_run.FirstRunDialog()
    qtbot.addWidget(dlg)
    assert "未设置" in dlg.pin_state.text()

    def fill(pin_dialog):
        pin_dialog.new_edit.setText("2468")
        pin_dialog.confirm_edit.setText("2468")
        pin_dialog.save()

    when_shown("setPinDialog", fill)
    assert dlg.set_pin() is True
    assert security.has_pin() and security.verify_pin("2468")
    assert "已设置" in dlg.pin_state.text()


def test_welcome_explains_itself_and_switches_language(app, qtbot, db):
    dlg = first_run.FirstRunDialog()
    qtbot.addWidget(dlg)
    assert dlg.objectName() == "firstRunDialog"
    assert dlg.windowTitle() == "欢迎使用 ShopCRM"
    assert dlg.demo_button.text() == "用演示数据试一试"
    for w in (dlg.shop_name, dlg.pin_button, dlg.language):
        assert w.toolTip(), w.objectName()
    dlg.language.setCurrentIndex(dlg.language.findData("en"))
    assert dlg.windowTitle() == "Welcome to ShopCRM"
    assert dlg.demo_button.text() == "Try with demo data"
    dlg.language.setCurrentIndex(dlg.language.findData("zh_CN"))
    assert dlg.windowTitle() == "欢迎使用 ShopCRM"


def test_a_foreign_file_named_like_the_demo_is_left_untouched(app, qtbot, db_location):
    from shopcrm.store.db import DatabaseOpenError

    real = parse_db_location(db_location)
    demo = first_run.demo_db_path(real)
    demo.parent.mkdir(parents=True, exist_ok=True)
    open_database(demo)
    customers.create(customers.CustomerInput(name="李娜", mobile="13900139000"))
    close_database()
    open_database(real)
    try:
        with pytest.raises(DatabaseOpenError):
            first_run.open_demo(real)
        assert first_run.is_demo() is False
        assert real_customer_count(demo) == 1 and real_customer_count(real) == 0
    finally:
        close_database()


def test_demo_paths():
    assert first_run.demo_db_path(Path("/d/shopcrm.db")) == Path("/d/shopcrm-demo.db")
    assert first_run.real_db_path(Path("/d/shopcrm-demo.db")) == Path("/d/shopcrm.db")
    assert first_run.real_db_path(Path("/d/shopcrm.db")) == Path("/d/shopcrm.db")


def test_icons_decorate_the_main_window(window):
    from shopcrm.ui.shell import icons

    assert icons.decorate(window) > 5
    assert not window.customers_tab.new_button.icon().isNull()
    assert not window.tabs.tabIcon(0).isNull()
    assert not icons.app_icon().isNull()
    sizes = {s.width() for s in icons.app_icon().availableSizes()}
    assert {16, 32, 256} <= sizes


def test_shop_name_action_renames_the_window(app, qtbot, db_location):
    real = parse_db_location(db_location)
    open_database(real)
    first_run.choose_start(real, choice=first_run.EMPTY)
    from shopcrm.ui.main_window import MainWindow

    window = MainWindow(real)
    qtbot.addWidget(window)
    controller = first_run.install(window, real)
    assert controller.shop_action in window.tools_menu.actions()
    assert controller.edit_shop_name("  老王茶庄  ") is True
    assert settings.shop_name() == "老王茶庄"
    assert window.windowTitle().startswith("老王茶庄")
    close_database()


def test_try_demo_from_the_file_menu_keeps_real_data_apart(app, qtbot, db_location):
    real = parse_db_location(db_location)
    open_database(real)
    customers.create(customers.CustomerInput(name="赵敏", mobile="13700137000"))
    from shopcrm.ui.main_window import MainWindow

    window = MainWindow(real)
    qtbot.addWidget(window)
    controller = first_run.install(window, real)
    assert controller.try_action in window.file_menu.actions() and controller.try_action.isVisible()
    assert controller.enter_demo()
    assert window.location == first_run.demo_db_path(real) and first_run.is_demo()
    assert window.windowTitle().startswith("【演示数据】")
    assert real_customer_count(real) == 1  # the real file got no demo rows
    assert controller.leave_demo()
    assert customers.count(customers.CustomerQuery()) == 1 and not first_run.is_demo()
    close_database()
