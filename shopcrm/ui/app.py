"""QApplication start-up: arguments, database, translators, main window."""

from __future__ import annotations

import argparse
import logging
import sys
import threading

from shopcrm import APP_NAME, __version__
from shopcrm.core import logs
from shopcrm.core.paths import data_dir

log = logging.getLogger(__name__)


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="shopcrm", description="ShopCRM 店铺客户关系管理")
    p.add_argument(
        "--db",
        help="database file, or a postgresql://user@host:port/database URL (default: $SHOPCRM_DB, else the "
        "server opened last through File → Open database, else the user data folder)",
    )
    p.add_argument("--lang", choices=("zh_CN", "en"), help="interface language (default: saved choice, zh_CN)")
    p.add_argument("--version", action="version", version=f"ShopCRM {__version__}")
    # for the packaged-build test: answer the welcome with demo data, print the window as JSON, exit 0
    p.add_argument("--smoke-test", action="store_true", help=argparse.SUPPRESS)
    return p.parse_args(argv)


def start(argv: list[str]):
    """Create the application and the main window (not yet shown). Returns (app, window), or
    (app, None) when the database cannot be opened (the user has been told why)."""
    args = parse_args(argv)
    from PySide6.QtCore import QSettings, Qt
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication, QMessageBox

    from shopcrm.customers import fill_missing_sort_keys
    from shopcrm.store.db import DatabaseOpenError, open_database
    from shopcrm.ui.shell import i18n

    # high DPI: Qt 6 scales by default; pass-through keeps 125 %/150 % screens at their real factor
    if QApplication.instance() is None:
        QGuiApplication.setHighDpiScaleFactorRoundingPolicy(Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_NAME)
    app.setApplicationVersion(__version__)
    lang = args.lang or QSettings().value("language", i18n.DEFAULT_LANGUAGE)
    i18n.install(app, lang)
    from shopcrm.ui.shell import icons

    app.setWindowIcon(icons.app_icon())
    app.setDesktopFileName("shopcrm")  # matches resources/shopcrm.desktop (taskbar icon on Wayland)

    from shopcrm.core.paths import DbLocationError, PgUrl

    try:
        # a file or a postgresql:// URL; a mysql:// or http:// one never becomes a folder
        location = start_location(args.db)
    except DbLocationError as exc:
        QMessageBox.critical(None, "ShopCRM", str(exc))
        return app, None
    from shopcrm.ui.trust import backup_ui

    # a damaged file is moved aside and the newest good backup offered; a network share is
    # warned (file checks only: on a server database the server checks its own pages)
    backup_ui.startup(None, location)
    try:
        open_database(location)
    except DatabaseOpenError as exc:
        if not isinstance(location, PgUrl):
            QMessageBox.critical(None, "ShopCRM", str(exc))
            return app, None
        # the server is down, or the password is no longer in the keyring: ask, with the reason
        found = ask_for_server(location, str(exc))
        if found is None:
            return app, None
        location = found
    fill_missing_sort_keys()

    from shopcrm.ui import first_run
    from shopcrm.ui.main_window import MainWindow

    # welcome on the first start (shop name, PIN, import / demo / empty); may open the demo database
    begin = first_run.choose_start(location, choice=first_run.DEMO if args.smoke_test else None)
    window = MainWindow(begin.db_path, later_tabs=True)  # built right after the first paint
    window.context.first_run_choice = begin.choice
    window.context.smoke_test = args.smoke_test
    first_run.install(window, location if begin.choice != first_run.SERVER else begin.db_path)
    icons.decorate(window)
    window.when_later_tabs_built(lambda: icons.decorate(window))  # their buttons and Tools items
    return app, window


def start_location(cli_value: str | None):
    """``--db`` wins over SHOPCRM_DB, which wins over the server opened last through 文件 →
    打开数据库 (remembered without its password), which wins over the usual file."""
    import os

    from shopcrm.core.paths import DB_ENV, resolve_db_location
    from shopcrm.ui.open_database import saved_location

    if not cli_value and not os.environ.get(DB_ENV):
        saved = saved_location()
        if saved is not None:
            return saved
    return resolve_db_location(cli_value)


def ask_for_server(location, problem: str):
    """The open-database dialog on the server that could not be opened, with the reason; the
    location it opened, or None (cancelled: the app does not start)."""
    from shopcrm.core.paths import DbLocationError
    from shopcrm.store.db import DatabaseOpenError, open_database
    from shopcrm.ui.open_database import OpenDatabaseDialog

    def opener(loc) -> str | None:
        try:
            open_database(loc)
        except (DatabaseOpenError, DbLocationError) as exc:
            return str(exc)
        return None

    dlg = OpenDatabaseDialog(None, location, opener=opener, server=True)
    dlg.show_error(problem)
    accepted = dlg.exec() == dlg.DialogCode.Accepted
    found = dlg.location if accepted else None
    dlg.deleteLater()
    return found


def main(argv: list[str] | None = None) -> int:
    import time

    started = time.perf_counter()
    logs.setup(data_dir())
    log.info("ShopCRM %s starting (Python %s, %s)", __version__, sys.version.split()[0], sys.platform)
    from shopcrm.ui.shell import linux_libs

    problem = linux_libs.check()  # Linux: Qt's X11 plugin would abort with a message nobody understands
    if problem:
        log.error("cannot start Qt: %s", problem)
        print(problem, file=sys.stderr, flush=True)
        return 3
    app, window = start(sys.argv[1:] if argv is None else argv)
    if window is None:
        return 2
    install_excepthook()
    window.show()
    from shopcrm.ui import first_run
    from shopcrm.ui.trust import security_ui

    ctx = window.context
    if ctx.smoke_test:
        from PySide6.QtCore import QTimer

        QTimer.singleShot(0, lambda: smoke_report(window, started))
        return app.exec()
    start_background_work(window)
    if ctx.first_run_choice is None:  # the welcome offers the PIN itself
        security_ui.offer_pin_at_first_run(window)
    if ctx.first_run_choice == first_run.IMPORT:
        first_run.open_import(window)
    code = app.exec()
    from shopcrm.store.db import close_database

    close_database()  # the last connection: the WAL goes into the file and is removed
    log.info("ShopCRM closed (exit code %s)", code)
    return code


def report_unhandled(exc_type, exc, tb, *, where: str = "") -> None:
    """An exception nobody caught (a slot, a timer, a thread): into the log with its traceback,
    and in front of the user with the log file's place, so that nothing fails silently."""
    log.critical("unhandled exception%s", f" in {where}" if where else "", exc_info=(exc_type, exc, tb))
    if issubclass(exc_type, KeyboardInterrupt):
        return
    from PySide6.QtCore import QCoreApplication, Qt, QThread
    from PySide6.QtWidgets import QApplication, QMessageBox

    app = QApplication.instance()
    if app is None or QThread.currentThread() is not app.thread():
        return  # a worker thread: logged; its own job reports failure to the GUI
    from shopcrm.ui.shell import live

    icon = QMessageBox.Icon.Critical
    if live.report_lost(app.activeWindow(), exc):
        # the server went away under a save: said plainly, the window reconnects, the dialog stays
        text, icon = str(exc), QMessageBox.Icon.Warning
    else:
        text = QCoreApplication.translate(
            "app", "An unexpected error occurred: %1\n\nShopCRM keeps running; details are in the log file:\n%2"
        )
        text = text.replace("%1", f"{exc_type.__name__}: {exc}").replace("%2", str(logs.current() or logs.log_path()))
    box = QMessageBox(icon, "ShopCRM", text, QMessageBox.StandardButton.Ok, app.activeWindow())
    box.setObjectName("unhandledErrorBox")
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
    _error_boxes.append(box)  # with no parent window, this list keeps it alive while shown
    box.finished.connect(lambda _r, box=box: _error_boxes.remove(box))
    box.open()  # not exec(): an error inside a nested event loop must not stack loops


_error_boxes: list = []


def install_excepthook() -> None:
    """Route uncaught exceptions of the GUI thread and of Python threads to :func:`report_unhandled`."""
    sys.excepthook = report_unhandled
    threading.excepthook = lambda a: report_unhandled(
        a.exc_type, a.exc_value, a.exc_traceback, where=f"thread {a.thread.name if a.thread else '?'}"
    )


def start_background_work(window) -> None:
    """What the shown window starts in the background (jobs in ``window.context.jobs``): the
    daily backup, the database's full check, and the regrade of stale grades."""
    from shopcrm.ui.trust import backup_ui
    from shopcrm.ui.trust.startup_checks import start_background_check

    ctx = window.context
    # at most once a day, in the background (a file copy, or pg_dump of a server database)
    ctx.jobs["daily_backup"] = backup_ui.daily_backup(window)
    ctx.jobs["integrity_check"] = start_background_check(window, window.location)  # full check, after the paint
    regrade_when_ready(window)


def regrade_when_ready(window) -> None:
    """Regrade stale grades in the background (the list and the care list read them) once the
    分析 tab that runs it exists: right after the first paint."""

    def regrade() -> None:
        from shopcrm.ui.analysis.analysis_tab import daily_regrade

        window.context.jobs["daily_regrade"] = daily_regrade(window)

    window.when_later_tabs_built(regrade)


def smoke_report(window, started: float | None = None) -> None:
    """Print what a packaged build must have working (window, translations, Qt's own catalogue,
    bundled libraries and data), then quit with exit code 0."""
    import json
    import os
    import time

    shown_ms = round((time.perf_counter() - started) * 1000) if started else None  # main() to painted window

    from PySide6.QtWidgets import QApplication, QDialogButtonBox

    from shopcrm import customers
    from shopcrm.core.pinyin_keys import name_keys
    from shopcrm.ui.shell import i18n

    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
    report = {
        "window": window.objectName(),
        "title": window.windowTitle(),
        "visible": window.isVisible(),
        "tabs": [window.tabs.tabText(i) for i in range(window.tabs.count())],
        "customers": customers.count(customers.CustomerQuery()),
        "database": window.shown_location(),
        "qt_cancel": box.button(QDialogButtonBox.StandardButton.Cancel).text(),
        "pinyin": sorted(name_keys("曾伟"))[:6],
        "frozen": bool(getattr(sys, "frozen", False)),
        "translations": i18n.catalogue_kind(),  # a build reads the compiled .qm
        "window_ms": shown_ms,
    }
    from datetime import date

    import python_calamine

    from shopcrm.core.lunar import solar_to_lunar

    report["libraries"] = [python_calamine.__name__]
    report["lunar"] = str(solar_to_lunar(date(1978, 9, 17)))  # the lunar table is packaged
    text = json.dumps(report, ensure_ascii=False)
    if os.environ.get("SHOPCRM_SMOKE_REPORT"):  # a windowed Windows build has no console
        with open(os.environ["SHOPCRM_SMOKE_REPORT"], "w", encoding="utf-8") as fh:
            fh.write(text)
    if sys.stdout is not None:
        print("SMOKE " + text, flush=True)
    window.close()
    QApplication.instance().quit()


if __name__ == "__main__":
    raise SystemExit(main())
