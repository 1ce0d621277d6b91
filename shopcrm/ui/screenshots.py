"""Render every tab of the main window (and the welcome and the archive form) offscreen, in
Chinese, with demo data, into ``resources/screenshots/`` for the README:

    python -m shopcrm.ui.screenshots                # -> resources/screenshots/window_*.png
    python -m shopcrm.ui.screenshots --out /tmp/s --lang en

Nothing of the user's is touched: the database is a temporary file and QSettings are written to
a temporary folder. A CJK font must be installed (Debian: fonts-wqy-microhei), or Chinese text
renders as boxes.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from shopcrm.core import clock
from shopcrm.core.paths import resources_dir

SIZE = (1280, 800)
TAB_FILES = {"CustomersTab": "customers", "TodayTab": "today", "ComplaintsTab": "complaints", "AnalysisTab": "analysis"}


def settle(app, ms: int = 150) -> None:
    """Let queued work (lazy loads, QTimer.singleShot(0) fills, background regrades) finish."""
    from PySide6.QtCore import QDeadlineTimer, QEventLoop

    deadline = QDeadlineTimer(ms)
    while not deadline.hasExpired():
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)


def render(
    out_dir: Path, lang: str = "zh_CN", *, customers: int = 1000, purchases: int = 10_000, shop_name: str = "张姐水果店"
) -> list[Path]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from shopcrm import APP_NAME
    from shopcrm.demo import generate
    from shopcrm.store import settings
    from shopcrm.store.db import close_database, open_database
    from shopcrm.ui import first_run
    from shopcrm.ui.shell import i18n, icons

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="shopcrm-shots-"))
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp / "settings"))
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_NAME)
    QSettings().setValue("language", lang)
    i18n.install(app, lang)
    app.setWindowIcon(icons.app_icon())
    written: list[Path] = []

    def save(widget, name: str) -> None:
        settle(app)
        path = out_dir / f"{name}.png"
        if not widget.grab().save(str(path)):
            raise OSError(f"cannot write {path}")
        written.append(path)

    # the welcome, on a fresh database
    db = tmp / "shop.db"
    open_database(db)
    welcome = first_run.FirstRunDialog()
    welcome.shop_name.setText(shop_name)
    welcome.show()
    save(welcome, "first_run")
    welcome.close()

    # the app with demo data (an ordinary database here, so no demo badge in the pictures)
    generate(customers, purchases, seed=7)
    settings.put(settings.SHOP_NAME, shop_name)
    settings.put(first_run.FIRST_RUN_DONE, True)
    from shopcrm import grading

    grading.regrade(today=clock.today())
    from shopcrm.ui.main_window import MainWindow

    window = MainWindow(db)
    first_run.install(window, db)
    icons.decorate(window)
    window.resize(*SIZE)
    window.show()
    settle(app, 300)
    for i in range(window.tabs.count()):
        tab = window.tabs.widget(i)
        window.tabs.setCurrentIndex(i)
        if hasattr(tab, "refresh"):
            tab.refresh()
        settle(app, 400)
        save(window, "window_" + TAB_FILES.get(type(tab).__name__, type(tab).__name__.lower()))

    # one customer's archive: the first of the list, sorted by total spend
    window.tabs.setCurrentIndex(0)
    from shopcrm import customers as customer_domain

    rows = customer_domain.page(customer_domain.CustomerQuery(sort="total_spend", descending=True), 0, 1)
    if rows:
        form = window.open_customer(rows[0].id)
        form.resize(900, 680)
        save(form, "customer_form")
        form.close()
    window.close()
    settle(app)
    close_database()
    return written


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m shopcrm.ui.screenshots", description=__doc__.splitlines()[0])
    p.add_argument("--out", type=Path, default=resources_dir() / "screenshots")
    p.add_argument("--lang", default="zh_CN", choices=("zh_CN", "en"))
    args = p.parse_args(argv)
    for path in render(args.out, args.lang):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
