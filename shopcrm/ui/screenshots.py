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
    _issue15(window, save)
    window.close()
    settle(app)
    close_database()
    return written


def _issue15(window, save) -> None:
    """Segments, campaigns and the satisfaction figures (issue 15): the figures, the campaigns
    page with a 中秋 campaign, the new-campaign dialog, the segment builder, the return plans."""
    from PySide6.QtCore import Qt

    from shopcrm import segments
    from shopcrm.campaigns import campaign as K
    from shopcrm.ui.analysis.analysis_tab import AnalysisTab
    from shopcrm.ui.today.today_tab import TodayTab

    analysis = window.findChild(AnalysisTab)
    window.tabs.setCurrentIndex(window.tabs.indexOf(analysis))
    analysis.views.setCurrentWidget(analysis.satisfaction)
    save(window, "analysis_satisfaction")
    start, end = K.festival_window("mid_autumn", clock.today())
    if not K.campaigns():
        K.create(
            K.CampaignInput(
                name="中秋问候 A 类",
                filter=segments.SegmentFilter(grades=["A"]),
                purpose="festival",
                template="{称呼}您好！{节日}将至，{店名}为您准备了月饼礼盒。",
                channel="sms",
                festival="mid_autumn",
                start_on=start,
                end_on=end,
                daily_cap=50,
            )
        )
    analysis.views.setCurrentWidget(analysis.campaigns)
    analysis.campaigns.refresh()
    analysis.campaigns.table.selectRow(0)
    save(window, "analysis_campaigns")
    dlg = analysis.campaigns.new_campaign()
    dlg.name.setText("新品到店")
    save(dlg, "new_campaign")
    builder = dlg.build_segment()
    builder.name.setText("A 类沉睡客户")
    for lst, value in ((builder.grades, "A"), (builder.value_types, "gold")):
        for i in range(lst.count()):
            if lst.item(i).data(Qt.ItemDataRole.UserRole) == value:
                lst.item(i).setCheckState(Qt.CheckState.Checked)
    builder.dormant.setValue(60)
    builder.update_count()
    save(builder, "segment_builder")
    builder.reject()
    dlg.reject()
    today = window.findChild(TodayTab)
    window.tabs.setCurrentIndex(window.tabs.indexOf(today))
    care_dlg = today.open_settings()
    care_dlg.add_plan("护理", "1,7,30")
    care_dlg.tabs.setCurrentIndex(2)
    save(care_dlg, "care_return_plans")
    care_dlg.reject()


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
