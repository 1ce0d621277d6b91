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


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication, QMessageBox

    from shopcrm.db import DatabaseOpenError, open_database
    from shopcrm.ui import i18n

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_NAME)
    app.setApplicationVersion(__version__)
    lang = args.lang or QSettings().value("language", i18n.DEFAULT_LANGUAGE)
    i18n.install(app, lang)

    db_path = resolve_db_path(args.db)
    try:
        open_database(db_path)
    except DatabaseOpenError as exc:
        QMessageBox.critical(None, "ShopCRM", str(exc))
        return 2

    from shopcrm.ui.main_window import MainWindow

    window = MainWindow(db_path)
    window.show()
    return app.exec()


if __name__ == "__main__":
    raise SystemExit(main())
