"""The 分析 tab: Pareto chart, counts by grade / value type / lifecycle / level, dormant customers,
upgrade potential, member-level rules. Everything is read from shopcrm.grading (and the
complaint figures from shopcrm.complaints when present); regrading runs off the UI thread.

Built as ``AnalysisTab(context)`` by the main window; ``AnalysisTab(None, today=date)`` works on its own (tests).
"""

from __future__ import annotations

import datetime as dt
import html
import importlib

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSet,
    QChart,
    QChartView,
    QLineSeries,
    QStackedBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QAbstractTableModel, QMargins, QModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QPainter, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGraphicsView,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from shopcrm import grading
from shopcrm.core import clock
from shopcrm.core.money import fmt
from shopcrm.sales import activity
from shopcrm.ui.shell import forms
from shopcrm.ui.shell.context import AppContext
from shopcrm.ui.shell.tasks import Job, run_task, show_failure

GRADE_COLORS = {"A": QColor("#c62828"), "B": QColor("#ef6c00"), "C": QColor("#90a4ae")}
PERIODS = (1, 3, 6, 12, 24, 0)  # months; 0 = all time


def _owner(parent) -> bool:
    """True in owner mode; in clerk mode asks for the owner PIN first (settings are the owner's)."""
    from shopcrm.ui.trust.security_ui import ensure_owner

    return ensure_owner(parent, "settings")


def security_message() -> str:
    from shopcrm.trust.security import OwnerRequired

    return str(OwnerRequired("settings"))


def _display_mobile(mobile: str) -> str:
    try:
        from shopcrm.trust import security
    except ImportError:  # pragma: no cover - the security module is another issue's
        return mobile
    return security.display_mobile(mobile)


# --- customer lists -----------------------------------------------------------------------------


class FigureModel(QAbstractTableModel):
    """A list of grading.CustomerFigure rows (at most a few thousand; no proxy model)."""

    def __init__(self, columns: tuple[str, ...], parent=None):
        super().__init__(parent)
        self.columns = columns
        self.rows: list[grading.CustomerFigure] = []
        self.titles = {
            "name": self.tr("Customer"),
            "mobile": self.tr("Mobile"),
            "grade": self.tr("Grade"),
            "value_type": self.tr("Value type"),
            "lifecycle": self.tr("Stage"),
            "level": self.tr("Level"),
            "period_spend": self.tr("Spend in period"),
            "period_purchases": self.tr("Purchases in period"),
            "total_spend": self.tr("Total spend"),
            "last_purchase": self.tr("Last purchase"),
            "rfm": self.tr("R-F-M"),
            "last_contact": self.tr("Last contact"),
            "gap": self.tr("Missing to next grade"),
            "next_grade": self.tr("Next grade"),
        }

    def set_rows(self, rows: list[grading.CustomerFigure]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802 (Qt API)
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802 (Qt API)
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.titles[self.columns[section]]
        return None

    def cell(self, row: grading.CustomerFigure, key: str):
        if key == "name":
            return row.name
        if key == "mobile":
            return _display_mobile(row.mobile)
        if key == "grade":
            return row.grade or ""
        if key == "value_type":
            return grading.value_label(row.value_type) if row.value_type else ""
        if key == "lifecycle":
            return grading.lifecycle_label(row.lifecycle) if row.lifecycle else ""
        if key == "level":
            return row.level or ""
        if key == "period_spend":
            return fmt(row.period_spend_cents)
        if key == "period_purchases":
            return str(row.period_purchases)
        if key == "total_spend":
            return fmt(row.total_spend_cents)
        if key == "last_purchase":
            return str(row.last_purchase_at or "")[:10]  # text on SQLite, a datetime on PostgreSQL
        if key == "rfm":
            return row.rfm
        if key == "last_contact":
            return str(row.last_contact_at or "")[:10]
        if key == "gap":
            return fmt(row.gap_cents) if row.gap_cents is not None else ""
        if key == "next_grade":
            return row.next_grade or ""
        return ""

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        key = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.cell(row, key)
        if role == Qt.ItemDataRole.TextAlignmentRole and key in (
            "period_spend",
            "total_spend",
            "gap",
            "period_purchases",
        ):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and key == "grade" and row.grade in GRADE_COLORS:
            return QBrush(GRADE_COLORS[row.grade])
        if role == Qt.ItemDataRole.UserRole:
            return row.id
        return None


def _table(name: str, model: QAbstractTableModel) -> QTableView:
    view = QTableView(objectName=name)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.verticalHeader().setVisible(False)
    view.verticalHeader().setDefaultSectionSize(24)
    view.horizontalHeader().setStretchLastSection(True)
    return view


# --- the tab ------------------------------------------------------------------------------------


class AnalysisTab(QWidget):
    regraded = Signal()  # a regrade (foreground or background) finished and the tab was refreshed
    complaints_shown = Signal()  # the complaint figures arrived from their worker thread

    SEGMENT_COLUMNS = (
        "name",
        "mobile",
        "grade",
        "value_type",
        "lifecycle",
        "level",
        "period_spend",
        "period_purchases",
        "rfm",
        "last_purchase",
    )
    DORMANT_COLUMNS = ("name", "mobile", "total_spend", "last_purchase", "last_contact", "grade", "value_type", "level")
    POTENTIAL_COLUMNS = ("name", "mobile", "grade", "next_grade", "gap", "period_spend", "value_type", "lifecycle")

    def __init__(self, context: AppContext | None = None, *, today: dt.date | None = None):
        ctx = context or AppContext()
        super().__init__(ctx.window)
        self.setObjectName("analysisTab")
        self.context = ctx
        self._today = today
        self._loaded = False
        self._jobs: dict[str, Job] = {}  # running background jobs by name
        self.buckets: list[grading.Bucket] = []
        self.summary: grading.Summary | None = None
        self._build()

    def today(self) -> dt.date:
        return self._today or clock.today()

    def tab_title(self) -> str:
        return self.tr("Analysis")

    # --- layout ---------------------------------------------------------------------------------
    def _build(self) -> None:
        cfg = grading.settings()
        self.period_combo = QComboBox(objectName="periodCombo")
        for months in PERIODS:
            label = self.tr("All time") if months == 0 else self.tr("Last %n month(s)", "", months)
            self.period_combo.addItem(label, months)
        self.period_combo.setCurrentIndex(max(0, self.period_combo.findData(cfg["period_months"])))
        self.period_combo.currentIndexChanged.connect(self._period_chosen)

        self.a_spin = QSpinBox(objectName="aShareSpin", minimum=1, maximum=98, suffix=" %")
        self.b_spin = QSpinBox(objectName="bShareSpin", minimum=2, maximum=99, suffix=" %")
        self.a_spin.setValue(cfg["a_share"])
        self.b_spin.setValue(cfg["b_share"])
        self.a_spin.setToolTip(self.tr("A: the top customers whose purchases together reach this share of sales"))
        self.b_spin.setToolTip(self.tr("B: the next customers, up to this cumulative share of sales"))
        self.apply_button = QPushButton(self.tr("Apply"), objectName="applyThresholdsButton")
        self.apply_button.clicked.connect(self._thresholds_applied)
        self.regrade_button = QPushButton(self.tr("Recompute now"), objectName="regradeButton")
        self.regrade_button.clicked.connect(lambda: self.regrade_now())
        self.export_figures_button = QPushButton(self.tr("Export figures…"), objectName="exportFiguresButton")
        self.rules_button = QPushButton(self.tr("Rules…"), objectName="gradingRulesButton")
        self.rules_button.setToolTip(self.tr("Value-type and lifecycle rules"))
        self.rules_button.clicked.connect(lambda: self.edit_rules())
        self.export_figures_button.clicked.connect(lambda: self.export_figures())
        self.last_run_label = QLabel(objectName="lastRunLabel")

        bar = QHBoxLayout()
        bar.addWidget(QLabel(self.tr("Period:")))
        bar.addWidget(self.period_combo)
        bar.addSpacing(12)
        bar.addWidget(QLabel(self.tr("A up to:")))
        bar.addWidget(self.a_spin)
        bar.addWidget(QLabel(self.tr("B up to:")))
        bar.addWidget(self.b_spin)
        bar.addWidget(self.apply_button)
        bar.addSpacing(12)
        bar.addWidget(self.regrade_button)
        bar.addWidget(self.rules_button)
        bar.addWidget(self.last_run_label, 1)
        from shopcrm.ui.stores.store_picker import StorePicker

        # a chain's store: the complaint and store figures below (grades are the chain's customers)
        self.store_picker = StorePicker(self, object_name="analysisStorePicker")
        self.store_picker.scope_changed.connect(self._fill_complaints)
        bar.addWidget(self.store_picker)
        bar.addWidget(self.export_figures_button)

        # Pareto chart
        self.chart = QChart()
        self.chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        self.chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        self.chart.setMargins(QMargins(0, 0, 0, 0))
        self.chart_view = QChartView(self.chart, objectName="paretoChart")
        self.chart_view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.chart_view.setMinimumHeight(260)
        # the chart is re-laid out when the splitter gives it another height: repaint all of it
        # (the minimal update left the old axis labels standing beside the new ones)
        self.chart_view.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.FullViewportUpdate)

        # figures
        self.grade_table = self._figure_table(
            "gradeTable",
            (self.tr("Grade"), self.tr("Customers"), self.tr("Share"), self.tr("Ideal"), self.tr("Sales share")),
        )
        self.value_table = self._figure_table(
            "valueTable", (self.tr("Value type"), self.tr("Customers"), self.tr("Share"))
        )
        self.lifecycle_table = self._figure_table(
            "lifecycleTable", (self.tr("Stage"), self.tr("Customers"), self.tr("Share"))
        )
        self.level_table = self._figure_table("levelTable", (self.tr("Level"), self.tr("Customers"), self.tr("Share")))
        self.grade_table.cellClicked.connect(lambda r, _c: self._group_clicked("grade", self.grade_table, r))
        self.value_table.cellClicked.connect(lambda r, _c: self._group_clicked("value_type", self.value_table, r))
        self.lifecycle_table.cellClicked.connect(
            lambda r, _c: self._group_clicked("lifecycle", self.lifecycle_table, r)
        )
        self.totals_label = QLabel(objectName="totalsLabel")
        self.totals_label.setWordWrap(True)
        self.complaints_label = QLabel(objectName="complaintFiguresLabel")
        self.complaints_label.setWordWrap(True)
        self.store_sales_label = QLabel(objectName="storeSalesLabel")  # a chain only
        self.store_sales_label.setWordWrap(True)
        self.store_sales_label.hide()

        figures = QWidget()
        grid = QGridLayout(figures)
        grid.setContentsMargins(0, 0, 0, 0)
        places = ((0, 0, 1, 2), (1, 0, 1, 1), (1, 1, 1, 1), (2, 0, 1, 1))
        for place, (title, table) in zip(
            places,
            (
                (self.tr("ABC grades"), self.grade_table),
                (self.tr("Value types (RFM)"), self.value_table),
                (self.tr("Lifecycle"), self.lifecycle_table),
                (self.tr("Member levels"), self.level_table),
            ),
            strict=True,
        ):
            box = QGroupBox(title)
            lay = QVBoxLayout(box)
            lay.setContentsMargins(4, 4, 4, 4)
            lay.addWidget(table)
            lay.addStretch(1)
            grid.addWidget(box, *place)
        totals_box = QGroupBox(self.tr("Period"))
        tl = QVBoxLayout(totals_box)
        tl.setContentsMargins(4, 4, 4, 4)
        tl.addWidget(self.totals_label)
        tl.addWidget(self.complaints_label)
        tl.addWidget(self.store_sales_label)
        tl.addStretch(1)
        grid.addWidget(totals_box, 2, 1, 1, 1)
        grid.setRowStretch(3, 1)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)

        # the figure tables take the height of their rows: scrolled, so that a long table never
        # makes the main window taller than the screen (1024x600 must fit)
        figures_scroll = QScrollArea(objectName="figuresScroll")
        figures_scroll.setWidgetResizable(True)
        figures_scroll.setFrameShape(QFrame.Shape.NoFrame)
        figures_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        figures_scroll.setWidget(figures)
        top = QSplitter(Qt.Orientation.Horizontal)
        top.addWidget(self.chart_view)
        top.addWidget(figures_scroll)
        top.setStretchFactor(0, 3)
        top.setStretchFactor(1, 2)
        top.setChildrenCollapsible(False)
        top.setSizes([780, 520])
        self.chart_view.setMinimumWidth(420)

        # bottom views
        self.views = QTabWidget(objectName="analysisViews")
        self.segment_model = FigureModel(self.SEGMENT_COLUMNS, self)
        self.segment_view = _table("segmentTable", self.segment_model)
        self.segment_label = QLabel(
            self.tr("Click a bar of the chart or a row of the figures to list its customers."),
            objectName="segmentLabel",
        )
        seg = QWidget()
        sl = QVBoxLayout(seg)
        sl.setContentsMargins(0, 4, 0, 0)
        sl.addWidget(self.segment_label)
        sl.addWidget(self.segment_view)
        self.views.addTab(seg, self.tr("Customers"))

        self.dormant_model = FigureModel(self.DORMANT_COLUMNS, self)
        self.dormant_view = _table("dormantTable", self.dormant_model)
        self.dormant_sort = QComboBox(objectName="dormantSortCombo")
        for key, label in (
            ("value", self.tr("Past value")),
            ("recent_value", self.tr("Spend in period")),
            ("silence", self.tr("Longest silent")),
            ("name", self.tr("Name")),
        ):
            self.dormant_sort.addItem(label, key)
        self.dormant_sort.currentIndexChanged.connect(self.load_dormant)
        self.dormant_days = QSpinBox(objectName="dormantDaysSpin", minimum=7, maximum=3650, suffix=self.tr(" days"))
        self.dormant_days.setValue(cfg["dormant_days"])
        self.dormant_days.editingFinished.connect(self._dormant_days_changed)
        self.show_contacted = QCheckBox(self.tr("Show recently contacted"), objectName="showContactedCheck")
        self.show_contacted.toggled.connect(self.load_dormant)
        self.wake_button = QPushButton(self.tr("Record wake-up contact"), objectName="wakeButton")
        self.wake_button.setToolTip(self.tr("Logs a contact and puts a follow-up on the care list"))
        self.wake_button.clicked.connect(self.wake_selected)
        dorm = QWidget()
        dl = QVBoxLayout(dorm)
        dl.setContentsMargins(0, 4, 0, 0)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("No purchase for")))
        row.addWidget(self.dormant_days)
        row.addWidget(QLabel(self.tr("Sort by:")))
        row.addWidget(self.dormant_sort)
        row.addWidget(self.show_contacted)
        row.addStretch(1)
        row.addWidget(self.wake_button)
        dl.addLayout(row)
        dl.addWidget(self.dormant_view)
        self.views.addTab(dorm, self.tr("Dormant customers"))

        self.potential_model = FigureModel(self.POTENTIAL_COLUMNS, self)
        self.potential_view = _table("potentialTable", self.potential_model)
        self.views.addTab(self.potential_view, self.tr("Upgrade potential"))

        self.views.addTab(self._build_rules(), self.tr("Levels and points"))
        # issue 15: the satisfaction figures and the campaigns (each loads when first shown)
        from shopcrm.ui.analysis.satisfaction import SatisfactionFigures
        from shopcrm.ui.campaigns.campaigns_page import CampaignsPage

        self.satisfaction = SatisfactionFigures(self, today=self._today)
        self.views.addTab(self.satisfaction, self.tr("Satisfaction"))
        self.campaigns = CampaignsPage(self, today=self._today)
        self.views.addTab(self.campaigns, self.tr("Campaigns"))
        self.export_view_button = QPushButton(self.tr("Export list…"), objectName="exportViewButton")
        self.export_view_button.clicked.connect(lambda: self.export_view())
        self.views.setCornerWidget(self.export_view_button)
        self.views.currentChanged.connect(self._view_changed)
        for view in (self.segment_view, self.dormant_view, self.potential_view):
            view.doubleClicked.connect(self._open_customer)

        main = QSplitter(Qt.Orientation.Vertical)
        main.addWidget(top)
        main.addWidget(self.views)
        main.setStretchFactor(0, 3)
        main.setStretchFactor(1, 2)
        main.setChildrenCollapsible(False)
        main.setSizes([560, 300])

        lay = QVBoxLayout(self)
        lay.addLayout(bar)
        lay.addWidget(main, 1)

    def _figure_table(self, name: str, headers: tuple[str, ...]) -> QTableWidget:
        t = QTableWidget(0, len(headers), objectName=name)
        t.setHorizontalHeaderLabels(list(headers))
        t.verticalHeader().setVisible(False)
        t.verticalHeader().setDefaultSectionSize(22)
        t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        t.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        t.horizontalHeader().setStretchLastSection(True)
        t.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        t.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        return t

    def _build_rules(self) -> QWidget:
        w = QWidget()
        lay = QVBoxLayout(w)
        lay.setContentsMargins(0, 4, 0, 0)
        self.points_unit_spin = QSpinBox(objectName="pointsUnitSpin", minimum=1, maximum=1000, suffix=self.tr(" yuan"))
        self.points_unit_spin.setValue(max(1, grading.settings()["points_unit_cents"] // 100))
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("One point unit per")))
        row.addWidget(self.points_unit_spin)
        row.addWidget(
            QLabel(
                self.tr(
                    "spent, times the level's rate. Levels rise automatically at a "
                    "threshold and are never lowered automatically."
                )
            ),
            1,
        )
        lay.addLayout(row)
        self.rules_table = QTableWidget(0, 4, objectName="levelRulesTable")
        self.rules_table.setHorizontalHeaderLabels(
            [
                self.tr("Level"),
                self.tr("From total spend (yuan)"),
                self.tr("Or from points"),
                self.tr("Points rate (x)"),
            ]
        )
        self.rules_table.verticalHeader().setVisible(False)
        self.rules_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        lay.addWidget(self.rules_table)
        self.save_rules_button = QPushButton(self.tr("Save level rules"), objectName="saveRulesButton")
        self.save_rules_button.clicked.connect(self.save_rules)
        row2 = QHBoxLayout()
        row2.addStretch(1)
        row2.addWidget(self.save_rules_button)
        lay.addLayout(row2)
        return w

    # --- loading --------------------------------------------------------------------------------
    def showEvent(self, event) -> None:  # noqa: N802 (Qt API)
        super().showEvent(event)
        if not self._loaded:
            self.refresh()

    def refresh(self) -> None:
        """Reload the figures and the chart (cheap: index-only counts over stored grades); the
        lists below load when their page is shown. Starts a background regrade when stale."""
        self._loaded = True
        # the figures the last regrade stored, painted at once; when stale (a sale, a new day
        # since) they are counted again in the background, when missing (no regrade since this
        # version) counted here once and stored in the background for the next time
        today = self.today()
        stored = grading.stored_figures(today, stale_ok=True)
        if stored is not None:
            self.summary, self.buckets, zero = stored
        else:
            self.summary = grading.summary(today=today)
            self.buckets, zero = grading.pareto(grading.FIGURE_BUCKETS)
        regrading = "regrade" in self._jobs or grading.is_stale()  # a regrade stores them too
        if not regrading and (stored is None or not grading.figures_fresh(today)):
            self._start_job("figures", lambda: grading.recount_figures(today), self._figures_counted)
        self._fill_figures(zero)
        self._fill_chart()
        self._view_changed(self.views.currentIndex())
        self._fill_complaints()
        if "regrade" not in self._jobs and grading.is_stale():
            self.start_background_regrade()

    def _figures_counted(self, result) -> None:
        if isinstance(result, Exception) or result is None:
            return  # the figures painted stay (stale ones say when they were graded)
        self.summary, self.buckets, zero = result
        self._fill_figures(zero)
        self._fill_chart()

    def _set_rows(self, table: QTableWidget, rows: list[tuple], keys: list[str | None]) -> None:
        table.setRowCount(len(rows))
        for r, values in enumerate(rows):
            for c, v in enumerate(values):
                item = QTableWidgetItem(v)
                if c > 0:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if c == 0:
                    item.setData(Qt.ItemDataRole.UserRole, keys[r])
                table.setItem(r, c, item)
        table.setFixedHeight(table.horizontalHeader().height() + 22 * max(len(rows), 1) + 4)

    def _fill_figures(self, zero: int) -> None:
        s = self.summary
        total = max(s.customers, 1)
        comp = s.composition()
        sales = max(s.period_spend_cents, 1)
        self._set_rows(
            self.grade_table,
            [
                (
                    grading.grade_label(g),
                    str(s.by_grade.get(g, 0)),
                    f"{comp[g]:.1f}%",
                    f"{grading.IDEAL_COMPOSITION[g]}%",
                    f"{100 * s.spend_by_grade.get(g, 0) / sales:.1f}%",
                )
                for g in grading.GRADES
            ],
            list(grading.GRADES),
        )
        values = [v for v in grading.VALUE_TYPES] + [""]
        self._set_rows(
            self.value_table,
            [
                (grading.value_label(v), str(s.by_value.get(v, 0)), f"{100 * s.by_value.get(v, 0) / total:.1f}%")
                for v in values
            ],
            values,
        )
        stages = list(grading.LIFECYCLE) + [""]
        self._set_rows(
            self.lifecycle_table,
            [
                (
                    grading.lifecycle_label(v),
                    str(s.by_lifecycle.get(v, 0)),
                    f"{100 * s.by_lifecycle.get(v, 0) / total:.1f}%",
                )
                for v in stages
            ],
            stages,
        )
        levels = [name for _id, name in self._levels()] + ([""] if s.by_level.get("") else [])
        self._set_rows(
            self.level_table,
            [
                (
                    name or self.tr("No level"),
                    str(s.by_level.get(name, 0)),
                    f"{100 * s.by_level.get(name, 0) / total:.1f}%",
                )
                for name in levels
            ],
            [None] * len(levels),
        )
        th = grading.thresholds()
        lines = [
            self.tr("Customers: %1; bought in the period: %2; sales in the period: ¥%3")
            .replace("%1", str(s.customers))
            .replace("%2", str(s.buyers))
            .replace("%3", fmt(s.period_spend_cents)),
            self.tr("Dormant (no purchase for %1 days): %2")
            .replace("%1", str(grading.settings()["dormant_days"]))
            .replace("%2", str(s.dormant)),
        ]
        if th.get("A"):
            lines.append(
                self.tr("Grade A from ¥%1, grade B from ¥%2 spent in the period")
                .replace("%1", fmt(th["A"]))
                .replace("%2", fmt(th.get("B") or th["A"]))
            )
        self.totals_label.setText("\n".join(lines))
        self.totals_label.setProperty("zero", zero)
        run = s.last_run
        self.last_run_label.setText(
            self.tr("Not graded yet")
            if run is None
            else self.tr("Graded %1").replace("%1", run.strftime("%Y-%m-%d %H:%M"))
        )

    def _levels(self) -> list[tuple[int, str]]:
        return [(r.id, r.name) for r in grading.level_rules()]

    def _fill_chart(self) -> None:
        chart = self.chart
        chart.removeAllSeries()
        for axis in chart.axes():
            chart.removeAxis(axis)
        sets = {}
        series = QStackedBarSeries()
        for g in grading.GRADES:
            bs = QBarSet(grading.grade_label(g))
            bs.setColor(GRADE_COLORS[g])
            bs.setBorderColor(GRADE_COLORS[g])
            sets[g] = bs
            series.append(bs)
        series.setBarWidth(1.0)
        line = QLineSeries()
        line.setName(self.tr("Cumulative share of sales"))
        line.setPen(QPen(QColor("#1565c0"), 2))
        for b in self.buckets:
            for g in grading.GRADES:
                sets[g].append(b.spend_cents / 100 if b.grade == g else 0)
            line.append(b.index, b.cum_share)
        series.clicked.connect(self._bar_clicked)
        chart.addSeries(series)
        chart.addSeries(line)
        marks = []
        n = max(len(self.buckets), 1)
        for share in (grading.settings()["a_share"], grading.settings()["b_share"]):
            mark = QLineSeries()
            mark.setName(self.tr("%1% of sales").replace("%1", str(share)))
            pen = QPen(QColor("#6a1b9a"), 1, Qt.PenStyle.DashLine)
            mark.setPen(pen)
            mark.append(-0.5, share)
            mark.append(n - 0.5, share)
            chart.addSeries(mark)
            marks.append(mark)
        x = QBarCategoryAxis()
        x.append([str(i + 1) for i in range(len(self.buckets))] or ["1"])
        x.setLabelsVisible(False)
        x.setGridLineVisible(False)
        x.setTitleText(self.tr("Customers ranked by spend in the period, in percentiles"))
        y = QValueAxis()
        y.setLabelFormat("%.0f")
        y.setTitleText(self.tr("Spend (yuan)"))
        pct = QValueAxis()
        pct.setRange(0, 100)
        pct.setLabelFormat("%d%%")
        pct.setTickCount(6)
        chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(y, Qt.AlignmentFlag.AlignLeft)
        chart.addAxis(pct, Qt.AlignmentFlag.AlignRight)
        series.attachAxis(x)
        series.attachAxis(y)
        for s in [line, *marks]:
            s.attachAxis(x)
            s.attachAxis(pct)
        top = max((b.spend_cents for b in self.buckets), default=100) / 100
        y.setRange(0, top * 1.05 or 1)
        y.applyNiceNumbers()
        chart.setTitle(self.tr("Pareto: who makes the sales"))

    def _fill_complaints(self) -> None:
        """The complaint figures of the period, computed in a worker thread (a distinct count over
        the period's purchases: too slow for the GUI thread at a million purchases)."""
        try:
            complaints = importlib.import_module("shopcrm.complaints")
        except ModuleNotFoundError:
            self.complaints_label.setText("")
            return
        period = grading.current_period(self.today())
        start, end = period.start or dt.date(2000, 1, 1), period.end - dt.timedelta(days=1)
        self.complaints_label.setText(self.tr("Complaints: counting…"))
        self.store_picker.reload(quiet=True)
        store_id = self.store_picker.store_id()
        self._start_job("complaints", lambda: complaints.figures(start, end, store_id=store_id), self._show_complaints)
        self._fill_store_sales(start, end, store_id)

    def _fill_store_sales(self, start: dt.date, end: dt.date, store_id: int | None) -> None:
        """Each store's sales, refunds, top-ups and new members of the period (a chain only),
        counted in a worker thread (a range over the period's purchases)."""
        if not self.store_picker.chain:
            self.store_sales_label.setText("")
            self.store_sales_label.hide()
            return
        from shopcrm import stores

        self.store_sales_label.setText(self.tr("Stores: counting…"))
        self.store_sales_label.show()
        self._start_job("store_sales", lambda: stores.sales(start, end, store_id), self._show_store_sales)

    def _show_store_sales(self, rows) -> None:
        if isinstance(rows, Exception):
            self.store_sales_label.setText(str(rows))
            return
        lines = [
            self.tr("%1: sales ¥%2 (%3), refunds ¥%4, top-ups ¥%5, new members %6")
            .replace("%1", s.name)
            .replace("%2", fmt(s.sales_cents))
            .replace("%3", str(s.sales))
            .replace("%4", fmt(s.refunds_cents))
            .replace("%5", fmt(s.topups_cents))
            .replace("%6", str(s.members_joined))
            for s in rows
        ]
        self.store_sales_label.setText("<br>".join(html.escape(line) for line in lines))
        self.store_sales_label.setProperty("rows", len(lines))

    def _show_complaints(self, f) -> None:
        if isinstance(f, Exception):
            self.complaints_label.setText(str(f))
            return
        parts = [self.tr("Complaints: %1").replace("%1", str(f.complaints))]
        if f.rate_per_100 is not None:
            parts.append(self.tr("%1 per 100 buying customers").replace("%1", f"{f.rate_per_100:.1f}"))
        if f.share_valid is not None:
            parts.append(self.tr("valid %1%").replace("%1", f"{100 * f.share_valid:.0f}"))
        if f.median_hours_to_resolution is not None:
            parts.append(self.tr("median %1 h to resolve").replace("%1", f"{f.median_hours_to_resolution:.0f}"))
        if f.share_within_due is not None:
            parts.append(self.tr("%1% within the due time").replace("%1", f"{100 * f.share_within_due:.0f}"))
        if f.avg_satisfaction is not None:
            parts.append(self.tr("satisfaction %1/5").replace("%1", f"{f.avg_satisfaction:.1f}"))
        if f.top_categories:
            parts.append(self.tr("top: %1").replace("%1", "、".join(f"{c} {n}" for c, n in f.top_categories[:3])))
        self.complaints_label.setText("；".join(parts))
        self.complaint_figures = f
        self.complaints_shown.emit()

    def _view_changed(self, index: int) -> None:
        if not self._loaded:
            return
        if index == 1:
            self.load_dormant()
        elif index == 2:
            self.potential_model.set_rows(grading.upgrade_potential(200))
            self.potential_view.resizeColumnsToContents()
        elif index == 3:
            self.load_rules()

    # --- lists ----------------------------------------------------------------------------------
    def _bar_clicked(self, index: int, _barset=None) -> None:
        self.show_bucket(index)

    def show_bucket(self, index: int) -> None:
        if not 0 <= index < len(self.buckets):
            return
        b = self.buckets[index]
        rows = grading.bucket_customers(b)
        self.segment_model.set_rows(rows)
        self.segment_view.resizeColumnsToContents()
        self.segment_label.setText(
            self.tr("Percentile %1: customers ranked %2 to %3, ¥%4 in the period (cumulative %5% of sales)")
            .replace("%1", str(index + 1))
            .replace("%2", str(b.first_rank + 1))
            .replace("%3", str(b.end_rank))
            .replace("%4", fmt(b.spend_cents))
            .replace("%5", f"{b.cum_share:.1f}")
        )
        self.views.setCurrentIndex(0)

    def _group_clicked(self, dimension: str, table: QTableWidget, row: int) -> None:
        item = table.item(row, 0)
        if item is None:
            return
        value = item.data(Qt.ItemDataRole.UserRole)
        rows = grading.customers_in(dimension, value or None)
        self.segment_model.set_rows(rows)
        self.segment_view.resizeColumnsToContents()
        self.segment_label.setText(
            self.tr("%1: %2 customers (at most 5000 listed, best first)")
            .replace("%1", item.text())
            .replace("%2", table.item(row, 1).text())
        )
        self.views.setCurrentIndex(0)

    def load_dormant(self) -> None:
        rows = grading.dormant(
            self.dormant_days.value(),
            sort=self.dormant_sort.currentData(),
            today=self.today(),
            include_contacted=self.show_contacted.isChecked(),
            limit=2000,
        )
        self.dormant_model.set_rows(rows)
        self.dormant_view.resizeColumnsToContents()

    def _dormant_days_changed(self) -> None:
        if self.dormant_days.value() != grading.settings()["dormant_days"]:
            from shopcrm.trust import security

            # the owner's change is the new setting (it moves lifecycle stages); a clerk only
            # looks at the list with another number of days
            if security.is_owner():
                grading.update_settings(dormant_days=self.dormant_days.value())
            self.load_dormant()

    def wake_selected(self) -> int:
        """Record a wake-up contact for every selected dormant customer."""
        ids = [self.dormant_model.rows[i.row()].id for i in self.dormant_view.selectionModel().selectedRows()]
        if not ids:
            QMessageBox.information(self, self.tr("Wake-up"), self.tr("Select one or more dormant customers first."))
            return 0
        for cid in ids:
            activity.wake_up(cid)
        self.load_dormant()
        self._data_changed()
        return len(ids)

    def _open_customer(self, index) -> None:
        model = index.model()
        cid = model.data(index, Qt.ItemDataRole.UserRole)
        if cid is not None:
            self.context.open_customer(cid)

    # --- level rules ----------------------------------------------------------------------------
    def load_rules(self) -> None:
        rules = grading.level_rules()
        self.rules_table.setRowCount(len(rules))
        for r, rule in enumerate(rules):
            name = QTableWidgetItem(rule.name)
            name.setFlags(name.flags() & ~Qt.ItemFlag.ItemIsEditable)
            name.setData(Qt.ItemDataRole.UserRole, rule.id)
            self.rules_table.setItem(r, 0, name)
            spend = "" if rule.min_total_spend_cents is None else fmt(rule.min_total_spend_cents, grouping=False)
            self.rules_table.setItem(r, 1, QTableWidgetItem(spend))
            self.rules_table.setItem(r, 2, QTableWidgetItem("" if rule.min_points is None else str(rule.min_points)))
            self.rules_table.setItem(r, 3, QTableWidgetItem(f"{rule.points_per_yuan_milli / 1000:g}"))
        self.points_unit_spin.setValue(max(1, grading.settings()["points_unit_cents"] // 100))

    def save_rules(self) -> bool:
        from decimal import Decimal, InvalidOperation

        from shopcrm.core.errors import FieldError
        from shopcrm.core.normalize import parse_int, parse_money

        if not _owner(self):  # level rules and the points rate are the owner's (clerk: the PIN)
            return False
        parsed = []
        try:
            for r in range(self.rules_table.rowCount()):
                level_id = self.rules_table.item(r, 0).data(Qt.ItemDataRole.UserRole)
                spend_text = (self.rules_table.item(r, 1).text() or "").strip()
                points_text = (self.rules_table.item(r, 2).text() or "").strip()
                rate_text = (self.rules_table.item(r, 3).text() or "1").strip()
                spend = parse_money(spend_text, "amount") if spend_text else None
                points = parse_int(points_text, "points") if points_text else None
                try:
                    rate = int(Decimal(rate_text) * 1000)
                except InvalidOperation:
                    raise ValueError(
                        self.tr("Row %1: points rate “%2” is not a number")
                        .replace("%1", str(r + 1))
                        .replace("%2", rate_text)
                    ) from None
                parsed.append((level_id, spend, points, rate))
            for level_id, spend, points, rate in parsed:
                grading.set_level_rule(
                    level_id, min_total_spend_cents=spend, min_points=points, points_per_yuan_milli=rate
                )
            grading.update_settings(points_unit_cents=self.points_unit_spin.value() * 100)
            upgraded = grading.upgrade_levels()
        except (FieldError, ValueError, PermissionError) as exc:  # PermissionError: clerk mode
            QMessageBox.warning(self, self.tr("Level rules"), str(exc))
            return False
        if upgraded:
            QMessageBox.information(
                self, self.tr("Level rules"), self.tr("%n customer(s) reached a higher level.", "", upgraded)
            )
        self._data_changed()
        return True

    def edit_rules(self) -> GradingRulesDialog:
        """The value-type and lifecycle rules; saving regrades."""
        dlg = GradingRulesDialog(self)
        dlg.accepted.connect(self._rules_saved)
        dlg.open()
        self.rules_dialog = dlg
        return dlg

    def _rules_saved(self) -> None:
        self.dormant_days.setValue(grading.settings()["dormant_days"])
        self.regrade_now()

    # --- regrading ------------------------------------------------------------------------------
    def _period_chosen(self, _index: int) -> None:
        months = self.period_combo.currentData()
        if months == grading.settings()["period_months"]:
            return
        old = grading.settings()["period_months"]
        if not _owner(self):  # a setting that moves grades: owner only (clerk mode asks the PIN)
            self.period_combo.blockSignals(True)
            self.period_combo.setCurrentIndex(self.period_combo.findData(old))
            self.period_combo.blockSignals(False)
            return
        grading.update_settings(period_months=months)
        if not self.regrade_now():
            grading.update_settings(period_months=old)
            self.period_combo.blockSignals(True)
            self.period_combo.setCurrentIndex(self.period_combo.findData(old))
            self.period_combo.blockSignals(False)

    def _thresholds_applied(self) -> None:
        cfg = grading.settings()
        old = (cfg["a_share"], cfg["b_share"])
        try:
            if not _owner(self):  # a setting that moves grades: owner only
                raise PermissionError
            grading.update_settings(a_share=self.a_spin.value(), b_share=self.b_spin.value())
        except PermissionError:
            self.a_spin.setValue(old[0])
            self.b_spin.setValue(old[1])
            return
        except ValueError as exc:
            QMessageBox.warning(self, self.tr("Thresholds"), str(exc))
            self.a_spin.setValue(old[0])
            self.b_spin.setValue(old[1])
            return
        if not self.regrade_now():
            grading.update_settings(a_share=old[0], b_share=old[1])
            self.a_spin.setValue(old[0])
            self.b_spin.setValue(old[1])

    def regrade_now(self) -> bool:
        """Regrade in a worker thread behind a progress dialog with Cancel; True when done."""
        self._wait_background()
        ok, result = run_task(self, self.tr("Grading customers…"), grading.regrade, today=self._today)
        if not ok:
            show_failure(self, self.tr("Grading failed"), result)  # nothing for a Cancel
            return False
        self.refresh()
        self._data_changed()
        self.regraded.emit()
        return True

    def start_background_regrade(self, *, only_if_stale: bool = True) -> None:
        """The automatic regrade: in a worker thread, no dialog; the tab refreshes when done."""
        today = self._today
        fn = (
            (lambda: grading.regrade_if_stale(today=today)) if only_if_stale else (lambda: grading.regrade(today=today))
        )
        if self._start_job("regrade", fn, self._background_done):
            self.last_run_label.setText(self.tr("Grading customers in the background…"))

    def _start_job(self, name: str, fn, done) -> bool:
        """``fn()`` in the background; ``done(result or exception)`` in the GUI thread, unless the
        job was waited for (its result dropped) or the tab is gone by then."""
        if name in self._jobs:
            return False
        job = Job(fn, name=f"analysis-{name}", progress=False)

        def finished(value) -> None:
            if self._jobs.get(name) is job:
                del self._jobs[name]
                done(value)

        self._jobs[name] = job
        job.start(success=finished, failure=finished, owner=self)
        return True

    def _finish_job(self, name: str) -> None:
        job = self._jobs.pop(name, None)
        if job is not None:
            job.wait()

    def _background_done(self, result) -> None:
        if isinstance(result, Exception):
            self.last_run_label.setText(self.tr("Grading failed: %1").replace("%1", str(result)))
            return
        if result is not None:
            self.refresh()
            self._data_changed()
        else:
            self._fill_figures(self.totals_label.property("zero") or 0)
        self.regraded.emit()

    def _wait_background(self) -> None:
        """Wait for the background jobs (regrade, complaint figures); their results are dropped."""
        for name in list(self._jobs):
            self._finish_job(name)

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt API)
        self._wait_background()
        super().closeEvent(event)

    def _data_changed(self) -> None:
        self.context.notify_data_changed()

    # --- export ---------------------------------------------------------------------------------
    def _ask_path(self, default_name: str) -> str | None:
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Export to Excel"), default_name, self.tr("Excel workbook (*.xlsx)")
        )
        return path or None

    def export_view(self, path: str | None = None) -> str | None:
        """The list on the current page (customers of a segment, dormant, upgrade potential, level
        rules) to an .xlsx file."""
        from shopcrm.excel import excel_export as X

        index = self.views.currentIndex()
        if index == 3:
            headers = [
                self.tr("Level"),
                X.Column(self.tr("From total spend (yuan)"), X.CENTS),
                self.tr("Or from points"),
                self.tr("Points rate (x)"),
            ]
            rows = [
                (r.name, r.min_total_spend_cents, r.min_points, r.points_per_yuan_milli / 1000)
                for r in grading.level_rules()
            ]
            title = self.views.tabText(3)
        else:
            model = (self.segment_model, self.dormant_model, self.potential_model)[index]
            money = {"period_spend", "total_spend", "gap"}
            headers = [
                X.Column(model.titles[k], X.CENTS)
                if k in money
                else X.Column(model.titles[k], X.CODE)
                if k == "mobile"
                else model.titles[k]
                for k in model.columns
            ]
            rows = [
                [
                    {"period_spend": r.period_spend_cents, "total_spend": r.total_spend_cents, "gap": r.gap_cents}.get(
                        k
                    )
                    if k in money
                    else (r.period_purchases if k == "period_purchases" else model.cell(r, k))
                    for k in model.columns
                ]
                for r in model.rows
            ]
            title = self.views.tabText(index)
        path = path or self._ask_path(f"{title}.xlsx")
        if not path:
            return None
        return str(X.write_table(path, title[:31], headers, rows))

    def export_figures(self, path: str | None = None) -> str | None:
        """The counts and the Pareto buckets to an .xlsx file (two sheets)."""
        from shopcrm.excel import excel_export as X

        path = path or self._ask_path(self.tr("analysis") + ".xlsx")
        if not path:
            return None
        s = self.summary or grading.summary(today=self.today())
        counts = []
        for dim, label, data, keys in (
            (self.tr("ABC grades"), grading.grade_label, s.by_grade, list(grading.GRADES)),
            (self.tr("Value types (RFM)"), grading.value_label, s.by_value, [*grading.VALUE_TYPES, ""]),
            (self.tr("Lifecycle"), grading.lifecycle_label, s.by_lifecycle, [*grading.LIFECYCLE, ""]),
            (self.tr("Member levels"), lambda k: k or self.tr("No level"), s.by_level, list(s.by_level)),
        ):
            for k in keys:
                counts.append((dim, label(k), data.get(k, 0)))
        counts.append((self.tr("Period"), self.tr("Dormant customers"), s.dormant))
        counts.append((self.tr("Period"), self.tr("Bought in the period"), s.buyers))
        pareto = [
            (b.index + 1, b.first_rank + 1, b.end_rank, b.spend_cents, round(b.cum_share, 2), b.grade)
            for b in self.buckets
        ]
        sheets = [
            X.Sheet(
                self.tr("Figures"), [self.tr("Figure"), self.tr("Group"), X.Column(self.tr("Customers"), X.INT)], counts
            ),
            X.Sheet(
                self.tr("Pareto"),
                [
                    X.Column(self.tr("Percentile"), X.INT),
                    X.Column(self.tr("From rank"), X.INT),
                    X.Column(self.tr("To rank"), X.INT),
                    X.Column(self.tr("Spend"), X.CENTS),
                    X.Column(self.tr("Cumulative share %"), X.NUMBER),
                    self.tr("Grade"),
                ],
                pareto,
            ),
        ]
        return str(X.write_workbook(path, sheets))


def daily_regrade(window) -> AnalysisTab | None:
    """At start-up: regrade in the background when the grades are stale (at most daily), so
    that the customer list and the care list see current grades without opening the 分析 tab."""
    tab = window.findChild(AnalysisTab, "analysisTab")
    if tab is None or not grading.is_stale():
        return None
    tab.start_background_regrade()
    return tab


class GradingRulesDialog(QDialog):
    """The numbers behind value types and lifecycle stages (shopcrm.grading.DEFAULTS)."""

    INTS = (
        ("dormant_days", 7, 3650),
        ("recover_days", 1, 3650),
        ("new_days", 1, 3650),
        ("at_risk_min_days", 0, 3650),
        ("default_interval_days", 1, 3650),
        ("high_value_m", 1, 5),
        ("frequent_f", 1, 5),
        ("recent_r", 1, 5),
        ("burden_costs", 0, 100),
        ("wake_followup_days", 1, 365),
    )

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("gradingRulesDialog")
        self.setWindowTitle(self.tr("Grading rules"))
        cfg = grading.settings()
        labels = {
            "dormant_days": self.tr("Dormant / lost after (days without a purchase)"),
            "recover_days": self.tr("Recovered for (days after coming back)"),
            "new_days": self.tr("New for (days after the first purchase)"),
            "at_risk_min_days": self.tr("At risk after at least (days)"),
            "default_interval_days": self.tr("Usual interval of a one-time buyer (days)"),
            "high_value_m": self.tr("High value: M score from"),
            "frequent_f": self.tr("Frequent: F score from"),
            "recent_r": self.tr("Recent: R score from"),
            "burden_costs": self.tr("Burden: complaints + refunds in the period from (0 = off)"),
            "wake_followup_days": self.tr("Wake-up follow-up after (days)"),
        }
        form = QFormLayout(self)
        self.spins: dict[str, QSpinBox] = {}
        for key, lo, hi in self.INTS:
            spin = QSpinBox(objectName=f"{key}Spin", minimum=lo, maximum=hi)
            spin.setValue(int(cfg[key]))
            self.spins[key] = spin
            form.addRow(labels[key], spin)
        self.factor = QDoubleSpinBox(objectName="atRiskFactorSpin", minimum=1.0, maximum=10.0, singleStep=0.5)
        self.factor.setValue(float(cfg["at_risk_factor"]))
        form.addRow(self.tr("At risk when silent for more than (x usual interval)"), self.factor)
        self.cuts: dict[str, QLineEdit] = {}
        for axis, label in (
            ("r", self.tr("R cut points (days silent)")),
            ("f", self.tr("F cut points (purchases)")),
            ("m", self.tr("M cut points (yuan)")),
        ):
            edit = QLineEdit(objectName=f"{axis}CutsEdit")
            edit.setPlaceholderText(self.tr("empty = quintiles, e.g. 30, 60, 90, 180"))
            values = cfg["rfm_cuts"][axis]
            if values:
                edit.setText(", ".join(f"{(v / 100 if axis == 'm' else v):g}" for v in values))
            self.cuts[axis] = edit
            form.addRow(label, edit)
        self.error = QLabel(objectName="rulesError")
        self.error.setStyleSheet("color: #c62828")
        self.error.setWordWrap(True)
        form.addRow(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        form.addRow(buttons)
        forms.settle(self, first=next(iter(self.spins.values())))

    def save(self) -> bool:
        changes: dict = {key: spin.value() for key, spin in self.spins.items()}
        changes["at_risk_factor"] = self.factor.value()
        cuts = {}
        try:
            for axis, edit in self.cuts.items():
                text = edit.text().replace("，", ",").strip()
                if not text:
                    cuts[axis] = None
                    continue
                values = [float(v) for v in text.split(",") if v.strip()]
                cuts[axis] = [round(v * 100) if axis == "m" else v for v in values]
            changes["rfm_cuts"] = cuts
            if not _owner(self):
                self.error.setText(security_message())
                return False
            grading.update_settings(**changes)
        except PermissionError as exc:
            self.error.setText(str(exc))
            return False
        except ValueError as exc:
            msg = str(exc)
            if "could not convert" in msg:
                msg = self.tr("Cut points are numbers separated by commas")
            self.error.setText(msg)
            return False
        self.accept()
        return True
