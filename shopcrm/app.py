"""QApplication start-up: arguments, database, translators, main window."""

from __future__ import annotations

import argparse
import sys

from shopcrm import APP_NAME, __version__
from shopcrm.paths import resolve_db_path


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="shopcrm", description="ShopCRM 店铺客户关系管理")
    p.add_argument("--db", help="database file (default: $SHOPCRM_DB or the user data folder)")
    p.add_argument("--lang", choices=("zh_CN", "en"), help="interface language (default: saved choice, zh_CN)")
    p.add_argument("--version", action="version", version=f"ShopCRM {__version__}")
    return p.parse_args(argv)


def start(argv: list[str]):
    """Create the application and the main window (not yet shown). Returns (app, window), or
    (app, None) when the database cannot be opened (the user has been told why)."""
    args = parse_args(argv)
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication, QMessageBox

    from shopcrm.customers import fill_missing_sort_keys
    from shopcrm.db import DatabaseOpenError, open_database
    from shopcrm.ui import i18n

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_NAME)
    app.setApplicationVersion(__version__)
    lang = args.lang or QSettings().value("language", i18n.DEFAULT_LANGUAGE)
    i18n.install(app, lang)

    db_path = resolve_db_path(args.db)
    from shopcrm.ui import backup_ui

    # a damaged file is moved aside and the newest good backup offered; a network share is warned
    backup_ui.startup(None, db_path)
    try:
        open_database(db_path)
    except DatabaseOpenError as exc:
        QMessageBox.critical(None, "ShopCRM", str(exc))
        return app, None
    fill_missing_sort_keys()

    from shopcrm.ui.main_window import MainWindow

    return app, MainWindow(db_path)


def main(argv: list[str] | None = None) -> int:
    app, window = start(sys.argv[1:] if argv is None else argv)
    if window is None:
        return 2
    window.show()
    from shopcrm.ui import backup_ui, security_ui

    window.daily_backup_job = backup_ui.daily_backup(window)  # at most once a day, in the background
    security_ui.offer_pin_at_first_run(window)
    return app.exec()


if __name__ == "__main__":
    raise SystemExit(main())
