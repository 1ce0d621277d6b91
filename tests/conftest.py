"""Shared fixtures. Qt runs offscreen; every test that needs a database gets a real SQLite file."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sys
import tempfile
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# keep tests away from the user's real settings (QSettings) and database
os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="shopcrm-test-config-")
os.environ["XDG_DATA_HOME"] = tempfile.mkdtemp(prefix="shopcrm-test-data-")
os.environ.pop("SHOPCRM_DB", None)

collect_ignore = ["benchmarks"]

# as the app and the command line do at start-up: an existing database is migrated only after the
# backup module's pre-migration backup (shopcrm.store never imports shopcrm.backup itself)
import shopcrm.backup  # noqa: E402,F401

ROOT = Path(__file__).resolve().parents[1]  # the repository
FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "shop.db"


# --- the two engines (issue #18) --------------------------------------------------------------------
#
# Every test that asks for ``db`` or ``db_location`` runs on each engine in turn: an SQLite file
# (``[sqlite]``) and a database on a real PostgreSQL server that the session starts
# (``[postgresql]``, tests/pg_server.py). A test that is about the SQLite file itself (its bytes,
# its WAL, a copy of it) says so with ``@pytest.mark.sqlite_only("why")`` and runs once.
# ``db_path`` stays the SQLite file of the test (a test using it alone is an SQLite test).

ENGINES = ("sqlite", "postgresql")
# the test folders and files (under tests/) whose database tests already run on PostgreSQL too;
# the others run on SQLite only until their code speaks both (the rollout of issue #18: when every
# folder is here, this list goes)
POSTGRES_READY = {
    "backup",
    "campaigns",
    "care",
    "complaints",
    "core",
    "customers",
    "excel",
    "grading",
    "loyalty",
    "sales",
    "segments",
    "store",
    "stores",
    "test_demo.py",
    "test_dist.py",
    "test_faults.py",
    "trust",
    "ui/test_backup_gui.py",
    "ui/test_birthday_gui.py",
    "ui/test_campaigns_gui.py",
    "ui/test_care_gui.py",
    "ui/test_channels_gui.py",
    "ui/test_complaints_gui.py",
    "ui/test_counter_flow_gui.py",
    "ui/test_counter_gui.py",
    "ui/test_coupon_tools_gui.py",
    "ui/test_customer_list_paging_gui.py",
    "ui/test_later_tabs.py",
    "ui/test_day_close_gui.py",
    "ui/test_export_gui.py",
    "ui/test_first_run.py",
    "ui/test_grading_gui.py",
    "ui/test_gui_customers.py",
    "ui/test_import_wizard.py",
    "ui/test_live_updates.py",
    "ui/test_loyalty_gui.py",
    "ui/test_open_database.py",
    "ui/test_security_gui.py",
    "ui/test_segment_builder_gui.py",
    "ui/test_stores_gui.py",
    "ui/test_today_flow_gui.py",
    "ui/test_translations.py",
    "ui/test_trust_holes_gui.py",
    "ui/test_ui_context.py",
    "ui/test_ui_jobs.py",
}


def _runs_on_postgres(metafunc) -> bool:
    if metafunc.definition.get_closest_marker("sqlite_only"):
        return False
    where = Path(str(metafunc.definition.fspath)).relative_to(Path(__file__).parent).as_posix()
    return any(where == ready or where.startswith(ready.rstrip("/") + "/") for ready in POSTGRES_READY)


# SHOPCRM_TEST_ENGINES=sqlite runs the SQLite half only (.ci/faketime-suite: the suite again at
# three awkward dates is about the program's own reading of the clock, which no engine changes)
RUN_ENGINES = tuple(e for e in os.environ.get("SHOPCRM_TEST_ENGINES", ",".join(ENGINES)).split(",") if e in ENGINES)


def pytest_generate_tests(metafunc):
    if "engine_name" in metafunc.fixturenames:
        engines = [e for e in ENGINES if e in RUN_ENGINES and (e == "sqlite" or _runs_on_postgres(metafunc))]
        metafunc.parametrize("engine_name", engines, scope="function")


@pytest.fixture
def db_location(request, engine_name, db_path):
    """Where this test's database lives: the SQLite file ``db_path`` or the URL of a fresh
    PostgreSQL database holding the current schema (not yet opened)."""
    if engine_name == "sqlite":
        return db_path
    return request.getfixturevalue("pg_url")


@pytest.fixture
def db(db_location):
    """An opened, migrated ShopCRM database on this test's engine."""
    from shopcrm.store.db import close_database, database, open_database

    open_database(db_location)
    yield database
    close_database()


TEST_DAY = dt.date(2026, 11, 22)  # the day that the date-bound test modules live on


@pytest.fixture
def fixed_day():
    """The clock stands at noon of TEST_DAY (modules with dated data use it for every test)."""
    from shopcrm.core import clock

    clock.set_now(TEST_DAY)
    return TEST_DAY


@pytest.fixture(autouse=True)
def _clock_runs_again():
    """A test that fixes the clock (``clock.set_now(day)``) leaves it running for the next one."""
    yield
    from shopcrm.core import clock

    clock.set_now(None)


@pytest.fixture(autouse=True)
def _chinese_messages():
    from shopcrm.core import texts

    texts.set_language("zh_CN")
    yield
    texts.set_language("zh_CN")


@pytest.fixture
def python_exe() -> str:
    return sys.executable


@pytest.fixture
def app(qapp):
    """The QApplication named as the real app, with the Chinese translators installed."""
    from shopcrm import APP_NAME
    from shopcrm.ui.shell import i18n

    qapp.setApplicationName(APP_NAME)
    qapp.setOrganizationName(APP_NAME)
    i18n.install(qapp, "zh_CN")
    yield qapp
    i18n.uninstall(qapp)  # leave the application as a test without this fixture expects it


@pytest.fixture
def window(app, qtbot, db, db_location):
    """The real main window on a fresh database (on each engine where the test file is in
    POSTGRES_READY), shown offscreen."""
    from shopcrm.ui.main_window import MainWindow

    w = MainWindow(db_location, later_tabs=True)  # as the app makes it: tabs after the first paint
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    qtbot.waitUntil(w.later_tabs_built)  # a moment after the first paint (tests/ui/test_later_tabs.py)
    yield w
    for child in w.findChildren(type(w).__mro__[1]):
        child.close()
    w.close()  # before the database closes: nothing of the window reads it any more


def answer_box(qtbot, button):
    """Press ``button`` (a QMessageBox.StandardButton) on the next modal message box."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    def press():
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            box.button(button).click()
        else:  # not shown yet: try again on the next turn of the event loop
            QTimer.singleShot(10, press)

    QTimer.singleShot(0, press)


def type_text(qtbot, widget, text: str) -> None:
    """Type like a clerk: ASCII as key presses, Chinese as an input method commits it
    (QTest can only press keys that exist on a keyboard)."""
    from PySide6.QtGui import QInputMethodEvent
    from PySide6.QtWidgets import QApplication

    widget.setFocus()
    run = ""
    for ch in text + "\0":
        if ch != "\0" and ch.isascii():
            run += ch
            continue
        if run:
            qtbot.keyClicks(widget, run)
            run = ""
        if ch != "\0":
            event = QInputMethodEvent()
            event.setCommitString(ch)
            QApplication.sendEvent(widget, event)


def xlsx_rows(path, sheet: int | str = 0) -> list[tuple]:
    """Every row of a sheet as values, read the fast way and closed again (a read-only workbook
    keeps its file open until closed, and an unclosed file fails a later test)."""
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True)
    try:
        ws = wb[sheet] if isinstance(sheet, str) else wb.worksheets[sheet]
        return [tuple(r) for r in ws.iter_rows(values_only=True)]
    finally:
        wb.close()


# --- backups ---------------------------------------------------------------------------------------


@pytest.fixture
def held_checks(monkeypatch):
    """Background backup checks wait at their start until ``release`` is set; ``started`` tells
    that one is running (and holds its copy). At the end every pending backup is let finish."""
    import threading

    from shopcrm import backup

    started, release = threading.Event(), threading.Event()

    def hold(con, path):
        if threading.current_thread().name.startswith("backup-seal-"):
            started.set()
            assert release.wait(60)

    monkeypatch.setattr(backup, "_before_check", hold)
    yield started, release
    release.set()
    for pending in backup.pending_backups():
        pending._done.wait(60)


def add_customers(n: int, start: int = 0) -> None:
    """``n`` customers 顾客<i> with mobiles 1390000<iiii>, through the archive."""
    from shopcrm.customers import CustomerInput, create

    for i in range(start, start + n):
        create(CustomerInput(name=f"顾客{i}", mobile=f"1390000{i:04d}"))


def customer_count_in(path) -> int:
    """Customers in a database file, read-only and ignoring any WAL beside it."""
    import sqlite3

    con = sqlite3.connect(Path(path).resolve().as_uri() + "?mode=ro&immutable=1", uri=True)
    try:
        return con.execute("SELECT count(*) FROM customer").fetchone()[0]
    finally:
        con.close()


def valid_complaint(customer_id: int, received_at: dt.datetime) -> int:
    """A customer's complaint (商品质量, they ask for a refund) taken up and found valid: ready to
    be resolved. Returns its id."""
    from shopcrm import complaints as K

    k = K.create(
        K.ComplaintInput(
            customer_id=customer_id,
            received_at=received_at,
            channel="到店",
            category="商品质量",
            key_points="褪色",
            request="退货",
            temperament="感情用事",
            severity="一般",
            handler="小王",
        )
    )
    K.start(k.id)
    K.set_validity(k.id, "valid", "属实")
    return k.id


# --- PostgreSQL (issue #18) ------------------------------------------------------------------------


@pytest.fixture(scope="session")
def pg_server():
    """A PostgreSQL server of the test session's own (tests/pg_server.py); the first test that
    asks for it starts it. It fails (never skips) when the server cannot start."""
    from pg_server import PgServer

    server = PgServer()
    try:
        server.start()
        server.make_schema_template(_create_schema)
        yield server
    finally:
        server.stop()


def _create_schema(url: str) -> None:
    import shopcrm.store.models  # noqa: F401  the tables a new PostgreSQL database is made from
    from shopcrm.store.db import close_database, open_database

    open_database(url)
    close_database()


@pytest.fixture(scope="module")
def own_pg_server():
    """A PostgreSQL server of the test module's own, for tests that stop and start it
    (``halt()`` / ``resume()``): the session's server is never disturbed."""
    from pg_server import PgServer

    import shopcrm.store.models  # noqa: F401  the tables a new PostgreSQL database is made from

    server = PgServer()
    try:
        yield server.start()
    finally:
        server.stop()


def on_another_connection(fn, *args):
    """``fn(*args)`` on a thread of its own, hence on a database connection of its own (another
    counter, as far as the database can tell). Returns its result; re-raises its error."""
    import threading

    from shopcrm.store.db import database

    out: dict = {}

    def run():
        try:
            out["value"] = fn(*args)
        except BaseException as exc:  # noqa: BLE001  handed back to the test thread
            out["error"] = exc
        finally:
            database.close()

    thread = threading.Thread(target=run, name="another-counter")
    thread.start()
    thread.join(60)
    if "error" in out:
        raise out["error"]
    return out.get("value")


@contextlib.contextmanager
def database_replaced_elsewhere():
    """While the block runs, another thread holds the open PostgreSQL database "being replaced"
    (as another counter's restore between its DROP and its commit): this thread's statements meet
    DatabaseBeingReplaced, a lost connection."""
    import threading

    from shopcrm.store.engine import replacing_database

    holding, release = threading.Event(), threading.Event()

    def restore_elsewhere():
        with replacing_database():
            holding.set()
            release.wait(30)

    worker = threading.Thread(target=restore_elsewhere, name="restore-elsewhere")
    worker.start()
    try:
        assert holding.wait(30)
        yield
    finally:
        release.set()
        worker.join(30)


@pytest.fixture
def pg_url(pg_server) -> str:
    """The URL of a new database holding the current ShopCRM schema (not yet opened)."""
    from pg_server import SCHEMA_TEMPLATE

    return pg_server.new_database(SCHEMA_TEMPLATE)


@pytest.fixture
def pg_empty_url(pg_server) -> str:
    """The URL of a new, empty PostgreSQL database."""
    return pg_server.new_database()


def db_contents() -> dict:
    """Every row of every table and every secondary index of the open database, on either
    engine, to compare before and after (an SQLite-only test may use ``iterdump()``)."""
    from shopcrm.store.db import database, secondary_indexes, table_names

    tables = table_names()
    rows = {t: sorted(database.execute_sql(f'SELECT * FROM "{t}"').fetchall(), key=repr) for t in tables}
    return {"rows": rows, "indexes": sorted(secondary_indexes(tuple(tables)))}
