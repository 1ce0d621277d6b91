"""文件 → 打开数据库 and start-up with a PostgreSQL server (issue #18): --db / SHOPCRM_DB / the dialog /
the welcome take a postgresql:// URL; the password goes to the system keyring when asked, never
to the settings file; the status bar never shows it."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from conftest import type_text
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication

from shopcrm.core.paths import PgUrl
from shopcrm.store.db import close_database, engine, open_database
from shopcrm.ui.open_database import SAVED_LOCATION, OpenDatabaseDialog, server_url

pytestmark = pytest.mark.gui


@pytest.fixture(autouse=True)
def _no_saved_location():
    QSettings().remove(SAVED_LOCATION)
    yield
    QSettings().remove(SAVED_LOCATION)


@pytest.fixture
def memory_keyring():
    """A keyring backend that keeps passwords in a dict (the machines running the tests have no
    desktop keyring): the keyring library's own interface, nothing of ShopCRM's."""
    import keyring
    import keyring.backend

    store: dict = {}

    class Backend(keyring.backend.KeyringBackend):
        priority = 1  # type: ignore[assignment]

        def get_password(self, service, username):
            return store.get((service, username))

        def set_password(self, service, username, password):
            store[(service, username)] = password

        def delete_password(self, service, username):
            store.pop((service, username), None)

    before = keyring.get_keyring()
    keyring.set_keyring(Backend())
    yield store
    keyring.set_keyring(before)


def fill_server(qtbot, dlg: OpenDatabaseDialog, url: str, password: str = "") -> None:
    parts = urlsplit(url)
    qtbot.keyClick(dlg.server_choice, Qt.Key.Key_S, Qt.KeyboardModifier.AltModifier)
    dlg.server_choice.setChecked(True)
    dlg.host_edit.clear()
    type_text(qtbot, dlg.host_edit, parts.hostname)
    dlg.port_edit.setValue(parts.port)
    dlg.db_edit.clear()
    type_text(qtbot, dlg.db_edit, parts.path.lstrip("/"))
    dlg.user_edit.clear()
    type_text(qtbot, dlg.user_edit, parts.username)
    if password:
        type_text(qtbot, dlg.password_edit, password)


def render(widget, path: Path) -> None:
    widget.grab().save(str(path))


def test_dialog_is_keyboard_first_and_fits_a_small_screen(app, qtbot, db_path, tmp_path):
    open_database(db_path)
    try:
        dlg = OpenDatabaseDialog(None, db_path)
        qtbot.addWidget(dlg)
        dlg.show()
        qtbot.waitExposed(dlg)
        assert dlg.file_choice.isChecked() and dlg.focusWidget() is dlg.path_edit
        assert dlg.path_edit.text() == str(db_path)
        dlg.server_choice.setChecked(True)
        assert dlg.focusWidget() is dlg.host_edit  # the cursor goes to the server's first field
        for w in (dlg.host_edit, dlg.port_edit, dlg.db_edit, dlg.user_edit, dlg.password_edit, dlg.ssl_combo):
            assert w.isVisible()
        assert dlg.password_edit.echoMode() == dlg.password_edit.EchoMode.Password
        assert dlg.ssl_combo.currentData() == "prefer"
        size = dlg.sizeHint()
        assert size.width() <= 1366 and size.height() <= 700
        render(dlg, tmp_path / "open_database_server.png")
        assert (tmp_path / "open_database_server.png").stat().st_size > 0
        # Esc cancels
        qtbot.keyClick(dlg, Qt.Key.Key_Escape)
        assert not dlg.isVisible() and dlg.location is None
    finally:
        close_database()


def test_server_url_of_the_fields_encodes_and_never_leaks_the_password():
    url = server_url("shop-server", 5433, "门店 数据", "店长", "p@ss:word/1", "require")
    assert isinstance(url, PgUrl) and url.startswith("postgresql://")
    parts = urlsplit(url)
    assert parts.hostname == "shop-server" and parts.port == 5433 and parts.query == "sslmode=require"
    assert "p@ss" not in url.display and "***" in url.display


def test_the_window_opens_the_database_chosen_in_the_dialog(app, qtbot, tmp_path, db_location, memory_keyring):
    """From a file to ``db_location``: another file on SQLite, a server on PostgreSQL."""
    from shopcrm.store.engine import KEYRING_SERVICE, keyring_account
    from shopcrm.ui.main_window import MainWindow

    first = tmp_path / "first.db"
    open_database(first)
    try:
        window = MainWindow(first)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        assert window.db_path == first

        dlg = window.choose_database()
        qtbot.waitExposed(dlg)
        if isinstance(db_location, Path):
            dlg.path_edit.setText(str(db_location))
            qtbot.keyClick(dlg.path_edit, Qt.Key.Key_Return)  # Enter opens
            qtbot.waitUntil(lambda: not dlg.isVisible())
            assert window.location == db_location == window.db_path and engine().name == "sqlite"
            assert str(db_location) in window.status_db.text()
            assert not QSettings().value(SAVED_LOCATION)  # the next start opens the usual file
            window.close()
            return
        fill_server(qtbot, dlg, db_location, password="geheim")
        dlg.remember_check.setChecked(True)
        qtbot.keyClick(dlg.password_edit, Qt.Key.Key_Return)  # Enter opens
        qtbot.waitUntil(lambda: not dlg.isVisible())

        assert isinstance(window.location, PgUrl) and window.db_path is None
        assert engine().name == "postgresql"
        shown = window.status_db.text()
        assert "geheim" not in shown and urlsplit(db_location).path in shown
        # the password: in the keyring, not in the settings
        assert memory_keyring[(KEYRING_SERVICE, keyring_account(db_location))] == "geheim"
        saved = str(QSettings().value(SAVED_LOCATION))
        assert saved.startswith("postgresql://") and "geheim" not in saved
        assert all("geheim" not in str(QSettings().value(k)) for k in QSettings().allKeys())
        window.close()
    finally:
        close_database()


def test_a_server_that_cannot_be_reached_is_said_in_the_dialog_and_nothing_typed_is_lost(
    app, qtbot, db_path, pg_server
):
    from shopcrm.ui.main_window import MainWindow

    open_database(db_path)
    try:
        window = MainWindow(db_path)
        qtbot.addWidget(window)
        dlg = window.choose_database()
        closed_port = pg_server.url("nosuchdb")  # the server is there, the database is not
        fill_server(qtbot, dlg, closed_port)
        dlg.accept()
        assert dlg.isVisible() and dlg.error.isVisible()
        assert "nosuchdb" in dlg.error.text()
        assert dlg.db_edit.text() == "nosuchdb" and dlg.host_edit.text() == "127.0.0.1"
        assert window.location == db_path and engine().name == "sqlite"  # the file stays open
        dlg.reject()
        window.close()
    finally:
        close_database()


def test_empty_fields_are_named(app, qtbot):
    dlg = OpenDatabaseDialog(None, None, server=True)
    qtbot.addWidget(dlg)
    dlg.accept()
    assert not dlg.error.isHidden() and "服务器" in dlg.error.text() and "用户" in dlg.error.text()


@pytest.mark.parametrize("how", ["--db", "SHOPCRM_DB", "saved"])
def test_the_app_starts_on_a_server_database(app, qtbot, pg_url, how, monkeypatch):
    from shopcrm.store import settings
    from shopcrm.ui.app import start

    open_database(pg_url)
    settings.put("first_run.done", True)  # a shop that has been through the welcome
    close_database()
    argv: list[str] = []
    if how == "--db":
        argv = ["--db", pg_url]
    elif how == "SHOPCRM_DB":
        monkeypatch.setenv("SHOPCRM_DB", pg_url)
    else:
        QSettings().setValue(SAVED_LOCATION, pg_url)
    try:
        _app, window = start(argv)
        assert window is not None
        qtbot.addWidget(window)
        assert window.location == pg_url and engine().name == "postgresql"
        assert urlsplit(pg_url).path in window.status_db.text()
        window.close()
    finally:
        close_database()


def test_the_welcome_offers_to_connect_to_a_server(app, qtbot, tmp_path, pg_url):
    from test_first_run import when_shown

    from shopcrm.ui.app import start

    def connect(dlg):
        assert dlg.server_choice.isChecked() and dlg.focusWidget() is dlg.host_edit
        fill_server(qtbot, dlg, pg_url)
        dlg.buttons.button(dlg.buttons.StandardButton.Ok).click()

    def welcome(dlg):
        when_shown("openDatabaseDialog", connect)
        dlg.server_button.click()

    when_shown("firstRunDialog", welcome)
    try:
        _app, window = start(["--db", str(tmp_path / "shop.db")])
        assert window is not None
        qtbot.addWidget(window)
        assert isinstance(window.location, PgUrl) and engine().name == "postgresql"
        assert window.context.first_run_choice == "server"
        saved = str(QSettings().value(SAVED_LOCATION))  # the next start connects there again
        assert urlsplit(saved).path == urlsplit(pg_url).path and urlsplit(saved).port == urlsplit(pg_url).port
        window.close()
    finally:
        close_database()
        for w in QApplication.topLevelWidgets():
            w.close()
