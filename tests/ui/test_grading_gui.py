"""The 分析 tab driven through its real widgets on a demo database (pytest-qt, offscreen)."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import TEST_DAY
from openpyxl import load_workbook
from PySide6.QtCore import Qt

from shopcrm import grading
from shopcrm.core import clock
from shopcrm.store.models import Contact, Customer, Level

pytestmark = [pytest.mark.usefixtures("fixed_day"), pytest.mark.gui]

TODAY = TEST_DAY


@pytest.fixture
def demo(db):
    from shopcrm.demo import generate

    generate(600, 6000, seed=5, today=TODAY)
    return db


def count(table, row: int) -> int:
    return int(table.item(row, 1).text())


def grade_counts(tab) -> dict[str, int]:
    return {g: count(tab.grade_table, i) for i, g in enumerate(grading.GRADES)}


@pytest.fixture
def tab(demo, qtbot):
    from shopcrm.ui.analysis.analysis_tab import AnalysisTab

    w = AnalysisTab(None, today=TODAY)
    qtbot.addWidget(w)
    w.resize(1400, 900)
    assert grading.is_stale()
    with qtbot.waitSignal(w.regraded, timeout=30_000):  # stale: regraded in the background
        w.show()
        qtbot.waitExposed(w)
    yield w
    w._wait_background()


def click(qtbot, widget):
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def test_background_regrade_fills_chart_and_figures(tab):
    assert not grading.is_stale()
    assert sum(grade_counts(tab).values()) == 600
    assert sum(count(tab.value_table, r) for r in range(tab.value_table.rowCount())) == 600
    assert sum(count(tab.lifecycle_table, r) for r in range(tab.lifecycle_table.rowCount())) == 600
    assert sum(count(tab.level_table, r) for r in range(tab.level_table.rowCount())) == 600
    assert len(tab.buckets) == 100 and tab.buckets[-1].cum_share == pytest.approx(100)
    series = tab.chart.series()
    assert [s.name() for s in series[1:]] == ["Cumulative share of sales", "55% of sales", "85% of sales"]
    assert tab.last_run_label.text().startswith("Graded ")
    assert "Dormant (no purchase for 90 days): " in tab.totals_label.text()


def test_complaint_figures_arrive_from_a_worker_thread(tab, qtbot):
    with qtbot.waitSignal(tab.complaints_shown, timeout=30_000):
        tab._fill_complaints()
    text = tab.complaints_label.text()
    assert text.startswith("Complaints: ") and "per 100 buying customers" in text
    assert tab.complaint_figures.complaints > 0


def test_changing_period_and_thresholds_regrades(tab, qtbot):
    before = grade_counts(tab)
    buyers_before = tab.summary.buyers
    # thresholds: A up to 30% of sales -> fewer A customers
    tab.a_spin.setValue(30)
    tab.b_spin.setValue(70)
    with qtbot.waitSignal(tab.regraded, timeout=30_000):
        click(qtbot, tab.apply_button)
    after = grade_counts(tab)
    assert after["A"] < before["A"] and after["B"] < before["B"] and after["C"] > before["C"]
    assert grading.settings()["a_share"] == 30
    assert [s.name() for s in tab.chart.series()[2:]] == ["30% of sales", "70% of sales"]
    assert sum(after.values()) == 600
    # period: the last month only -> fewer buyers, other grades
    with qtbot.waitSignal(tab.regraded, timeout=30_000):
        tab.period_combo.setCurrentIndex(tab.period_combo.findData(1))
    assert grading.settings()["period_months"] == 1
    assert tab.summary.buyers < buyers_before
    assert grade_counts(tab) != after
    assert Customer.select().where(Customer.grade == "A").count() == grade_counts(tab)["A"]


def test_bad_thresholds_are_explained_and_reverted(tab, qtbot, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a: shown.append(a[2]))
    tab.a_spin.setValue(90)
    tab.b_spin.setValue(80)
    click(qtbot, tab.apply_button)
    assert shown and "必须小于" in shown[0]
    assert (tab.a_spin.value(), tab.b_spin.value()) == (55, 85)
    assert grading.settings()["a_share"] == 55


def test_clicking_a_bar_or_a_figure_lists_its_customers(tab):
    series = tab.chart.series()[0]
    series.clicked.emit(0, series.barSets()[0])  # what a click on the first bar sends
    first = tab.buckets[0]
    rows = tab.segment_model.rows
    assert len(rows) == first.end_rank - first.first_rank
    assert all(r.grade == "A" for r in rows)
    assert rows[0].period_spend_cents >= rows[-1].period_spend_cents
    assert "Percentile 1" in tab.segment_label.text()
    assert tab.views.currentIndex() == 0
    tab.grade_table.cellClicked.emit(1, 0)  # the B row
    assert tab.segment_model.rowCount() == count(tab.grade_table, 1)
    assert {r.grade for r in tab.segment_model.rows} == {"B"}
    tab.lifecycle_table.cellClicked.emit(3, 0)  # 结束
    assert {r.lifecycle for r in tab.segment_model.rows} == {"lost"}


def test_dormant_list_and_one_click_wake_up(tab, qtbot):
    tab.views.setCurrentIndex(1)
    model = tab.dormant_model
    assert model.rowCount() > 0
    spends = [r.total_spend_cents for r in model.rows]
    assert spends == sorted(spends, reverse=True)  # past value first
    cutoff = (TODAY - dt.timedelta(days=89)).isoformat()
    assert all(r.last_purchase_at < cutoff for r in model.rows)
    top = model.rows[0]
    tab.dormant_view.selectRow(0)
    assert tab.wake_selected() == 1
    contact = Contact.select().where(Contact.customer == top.id).order_by(Contact.id.desc()).get()
    assert contact.purpose.startswith("唤醒休眠客户")
    assert contact.next_followup == clock.today() + dt.timedelta(days=3)
    assert top.id not in [r.id for r in model.rows]  # handed over to the care list
    tab.show_contacted.setChecked(True)
    assert top.id in [r.id for r in model.rows]


def test_upgrade_potential_and_level_rules(tab, qtbot, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    tab.views.setCurrentIndex(2)
    rows = tab.potential_model.rows
    assert rows and {r.grade for r in rows} <= {"B", "C"}
    assert all(r.gap_cents is not None and r.gap_cents >= 0 for r in rows)

    tab.views.setCurrentIndex(3)
    silver = next(r for r in range(tab.rules_table.rowCount()) if tab.rules_table.item(r, 0).text() == "银卡")
    tab.rules_table.item(silver, 1).setText("5000")
    tab.rules_table.item(silver, 3).setText("1.5")
    told = []
    monkeypatch.setattr(QMessageBox, "information", lambda *a: told.append(a[2]))
    assert tab.save_rules()
    lv = Level.get(Level.name == "银卡")
    assert (lv.min_total_spend_cents, lv.points_per_yuan_milli) == (500_000, 1500)
    assert told and "higher level" in told[0]
    rich_ordinary = (
        Customer.select().join(Level).where(Level.rank < lv.rank, Customer.total_spend_cents >= 500_000).count()
    )
    assert rich_ordinary == 0
    tab.rules_table.item(silver, 2).setText("很多")
    warned = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a: warned.append(a[2]))
    assert not tab.save_rules()
    assert warned and "很多" in warned[0]


def test_each_view_exports_to_xlsx(tab, tmp_path):
    tab.show_bucket(0)
    path = tab.export_view(str(tmp_path / "segment.xlsx"))
    ws = load_workbook(path).active
    assert ws.cell(1, 1).value == "Customer" and ws.max_row == tab.segment_model.rowCount() + 1
    tab.views.setCurrentIndex(1)
    path = tab.export_view(str(tmp_path / "dormant.xlsx"))
    ws = load_workbook(path).active
    assert ws.max_row == tab.dormant_model.rowCount() + 1
    assert ws.cell(2, 3).value == pytest.approx(tab.dormant_model.rows[0].total_spend_cents / 100)
    tab.views.setCurrentIndex(2)
    assert load_workbook(tab.export_view(str(tmp_path / "potential.xlsx"))).active.max_row > 1
    tab.views.setCurrentIndex(3)
    assert load_workbook(tab.export_view(str(tmp_path / "levels.xlsx"))).active.max_row == 5
    wb = load_workbook(tab.export_figures(str(tmp_path / "figures.xlsx")))
    assert [ws.title for ws in wb.worksheets] == ["Figures", "Pareto"]
    assert wb["Pareto"].max_row == 101


def test_tab_is_translated_into_chinese(demo, qtbot, qapp):
    from shopcrm.ui.analysis.analysis_tab import AnalysisTab
    from shopcrm.ui.shell.i18n import TsTranslator

    tr = TsTranslator("zh_CN")
    qapp.installTranslator(tr)
    try:
        grading.regrade(today=TODAY)
        w = AnalysisTab(None, today=TODAY)
        qtbot.addWidget(w)
        w.refresh()
        assert w.tab_title() == "分析"
        assert w.apply_button.text() == "应用"
        assert w.period_combo.itemText(w.period_combo.findData(12)) == "最近 12 个月"
        assert w.wake_button.text() == "记录唤醒联系"
        assert w.last_run_label.text().startswith("评级于 ")
        assert [s.name() for s in w.chart.series()[1:]] == ["累计销售占比", "55% 销售额", "85% 销售额"]
        assert w.segment_model.headerData(0, Qt.Orientation.Horizontal) == "客户"
    finally:
        qapp.removeTranslator(tr)


def test_main_window_hosts_the_tab(demo, db_location, qtbot):
    from shopcrm.ui.main_window import MainWindow

    grading.regrade(today=TODAY)
    mw = MainWindow(db_location)
    qtbot.addWidget(mw)
    tab = mw.findChild(type(mw.customers_tab).__mro__[1], "analysisTab")
    assert tab is not None and mw.tabs.indexOf(tab) > 0
    mw.show()
    qtbot.waitExposed(mw)
    mw.tabs.setCurrentWidget(tab)
    assert sum(grade_counts(tab).values()) == 600
    tab._today = TODAY
    tab.views.setCurrentIndex(1)
    tab.dormant_view.selectRow(0)
    with qtbot.waitSignal(mw.data_changed):
        tab.wake_selected()
    tab._wait_background()


def test_customer_list_shows_and_filters_grades(demo, db_location, qtbot):
    from shopcrm.ui.main_window import MainWindow

    result = grading.regrade(today=TODAY)
    mw = MainWindow(db_location)
    qtbot.addWidget(mw)
    ct = mw.customers_tab
    col = ct.model.KEYS.index("grade")
    assert ct.model.headerData(col, Qt.Orientation.Horizontal) == "ABC 等级"
    ct.grade_filter.setCurrentIndex(ct.grade_filter.findData("A"))
    assert ct.model.rowCount() == result.grades["A"] > 0
    assert {ct.model.index(r, col).data() for r in range(ct.model.rowCount())} == {"A"}
    assert ct.current_query().grade == "A"
    ct.grade_filter.setCurrentIndex(ct.grade_filter.findData(None))
    assert ct.model.rowCount() == 600


def test_archive_shows_grading_and_history(db, qtbot):
    from shopcrm import customers as C
    from shopcrm.sales import activity
    from shopcrm.ui.customers.customer_form import CustomerForm

    c = C.create(C.CustomerInput(name="回头客", mobile="13812345678"), today=TODAY)
    activity.record_purchase(c.id, 30_000, at=dt.datetime(2026, 3, 1, 10))
    grading.regrade(today=TODAY)
    grading.set_level_rule(Level.get(Level.name == "银卡").id, min_total_spend_cents=50_000)
    form = CustomerForm(c.id)
    qtbot.addWidget(form)
    page = form.grading_page
    assert form.pages.tabText(form.pages.indexOf(page)) == "Grading"
    assert "结束" in page.facts.text() and page.history.rowCount() == 0
    activity.record_purchase(c.id, 30_000)  # back after 266 days: 恢复, and 银卡 at ¥600
    form._load_activity()
    texts = {(page.history.item(r, 1).text(), page.history.item(r, 2).text()) for r in range(page.history.rowCount())}
    assert texts == {("生命周期", "结束 → 恢复"), ("会员等级", "无 → 银卡")}
    assert "恢复" in page.facts.text()


def test_daily_regrade_at_start_up_runs_in_the_background(demo, db_location, qtbot):
    from shopcrm.ui.analysis.analysis_tab import daily_regrade
    from shopcrm.ui.main_window import MainWindow

    mw = MainWindow(db_location)
    qtbot.addWidget(mw)
    assert Customer.select().where(Customer.grade.is_null(False)).count() == 0
    tab = daily_regrade(mw)
    assert tab is not None
    with qtbot.waitSignal(tab.regraded, timeout=30_000):
        pass
    tab._wait_background()
    assert Customer.select().where(Customer.grade.is_null()).count() == 0
    assert daily_regrade(mw) is None  # graded today: nothing to do


def test_a_tab_deleted_while_its_job_runs_does_not_crash(demo, qtbot):
    from shopcrm.ui.analysis.analysis_tab import AnalysisTab
    from shopcrm.ui.shell import tasks

    w = AnalysisTab(None, today=TODAY)
    w.start_background_regrade(only_if_stale=False)
    (job,) = w._jobs.values()
    w.deleteLater()
    qtbot.waitUntil(lambda: job.done, timeout=30_000)  # delivered after the tab is gone
    tasks.wait_all()
    assert Customer.select().where(Customer.grade.is_null()).count() == 0


def test_rules_dialog_changes_lifecycle_rules_and_regrades(tab, qtbot):
    lost_before = count(tab.lifecycle_table, 3)
    dlg = tab.edit_rules()
    qtbot.waitExposed(dlg)
    dlg.spins["dormant_days"].setValue(180)
    dlg.cuts["f"].setText("2, 3, 4, x")
    assert not dlg.save()
    assert "numbers" in dlg.error.text() and dlg.isVisible()
    dlg.cuts["f"].setText("2, 3, 4, 6")
    dlg.cuts["m"].setText("100，500, 1000, 2000")
    with qtbot.waitSignal(tab.regraded, timeout=30_000):
        click(qtbot, dlg.save_button)
    cfg = grading.settings()
    assert cfg["dormant_days"] == 180 and cfg["rfm_cuts"]["f"] == [2, 3, 4, 6]
    assert cfg["rfm_cuts"]["m"] == [10_000, 50_000, 100_000, 200_000]
    assert count(tab.lifecycle_table, 3) < lost_before  # fewer lost at 180 days than at 90
    assert tab.dormant_days.value() == 180


def test_tab_paints_from_the_figures_the_regrade_stored(demo, qtbot):
    """Issue #20: after a regrade the tab's first paint reads the stored figures (no aggregate over
    purchases or customers), and they equal the ones counted afresh."""
    from playhouse.test_utils import count_queries

    from shopcrm.ui.analysis.analysis_tab import AnalysisTab

    grading.regrade(today=TODAY)
    stored = grading.stored_figures(TODAY)
    assert stored is not None
    assert stored == (grading.summary(today=TODAY), *grading.pareto(grading.FIGURE_BUCKETS))
    w = AnalysisTab(None, today=TODAY)
    qtbot.addWidget(w)
    w.resize(1400, 900)
    with count_queries() as counter:
        w.show()
        qtbot.waitExposed(w)
    sql = [q.msg[0].upper() for q in counter.get_queries()]
    assert sql  # the tab did read (the stored figures)
    aggregates = [q for q in sql if "GROUP BY" in q or "SUM(" in q or "GROUP_CONCAT" in q]
    assert [q for q in aggregates if "PURCHASE" in q or "FROM CUSTOMER" in q] == []
    assert count(w.grade_table, 0) == stored[0].by_grade.get("A", 0)
    w._wait_background()
    # a sale (a new purchase row) makes them stale: the tab counts again
    from shopcrm.store.models import Purchase

    Purchase.create(customer=Customer.select().first(), at=dt.datetime(2026, 1, 1), amount_cents=100, items="x")
    assert grading.stored_figures(TODAY) is None and not grading.figures_fresh(TODAY)
    # the tab still paints the stored ones at once and counts them again in the background
    w.refresh()
    assert "figures" in w._jobs
    w._finish_job("figures")
    assert grading.figures_fresh(TODAY)
    assert grading.stored_figures(TODAY) == (grading.summary(today=TODAY), *grading.pareto(grading.FIGURE_BUCKETS))
