"""分析 → 满意度指标: the satisfaction figures by month (table and chart) and by channel, with an
xlsx export. Everything is computed by shopcrm.campaigns.figures; this widget only shows it."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCharts import QBarCategoryAxis, QBarSeries, QBarSet, QChart, QChartView, QLineSeries, QValueAxis
from PySide6.QtCore import Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from shopcrm import care
from shopcrm.campaigns import figures as F
from shopcrm.core import clock


class SatisfactionFigures(QWidget):
    def __init__(self, parent=None, *, today: dt.date | None = None):
        super().__init__(parent)
        self.setObjectName("satisfactionFigures")
        self._today = today
        self._loaded = False
        self.months: list[F.MonthFigures] = []
        self.channels: list[F.ChannelFigures] = []
        self.months_spin = QSpinBox(objectName="figureMonthsSpin", minimum=2, maximum=36, suffix=self.tr(" months"))
        self.months_spin.setValue(12)
        self.months_spin.editingFinished.connect(self.load)
        self.refresh_button = QPushButton(self.tr("Refresh"), objectName="refreshFiguresButton")
        self.refresh_button.clicked.connect(self.load)
        self.export_button = QPushButton(self.tr("Export…"), objectName="exportSatisfactionButton")
        self.export_button.clicked.connect(lambda: self.export())
        bar = QHBoxLayout()
        bar.addWidget(QLabel(self.tr("Last")))
        bar.addWidget(self.months_spin)
        bar.addWidget(self.refresh_button)
        bar.addStretch(1)
        bar.addWidget(self.export_button)

        self.month_table = self._table("satisfactionTable", [F.header(c) for c in F.MONTH_COLUMNS])
        self.channel_table = self._table("satisfactionChannelTable", [F.header(c) for c in F.CHANNEL_COLUMNS])
        self.chart = QChart()
        self.chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        self.chart_view = QChartView(self.chart, objectName="satisfactionChart")
        self.chart_view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.chart_view.setMinimumHeight(120)

        # side by side: the analysis tab's lower half is short on a 1366x768 (or 1024x600) screen
        main = QSplitter(Qt.Orientation.Horizontal)
        main.addWidget(self.month_table)
        main.addWidget(self.chart_view)
        main.addWidget(self.channel_table)
        main.setChildrenCollapsible(False)
        main.setSizes([450, 350, 250])
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 4, 0, 0)
        lay.addLayout(bar)
        lay.addWidget(main, 1)

    def _table(self, name: str, headers: list[str]) -> QTableWidget:
        table = QTableWidget(0, len(headers), objectName=name)
        table.setHorizontalHeaderLabels(headers)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.verticalHeader().setVisible(False)
        return table

    def today(self) -> dt.date:
        return self._today or clock.today()

    def showEvent(self, event) -> None:  # noqa: N802 (Qt API)
        super().showEvent(event)
        if not self._loaded:
            self.load()

    def first_month(self) -> dt.date:
        n = self.months_spin.value()
        first = self.today().replace(day=1)
        for _ in range(n - 1):
            first = (first - dt.timedelta(days=1)).replace(day=1)
        return first

    def load(self) -> None:
        self._loaded = True
        first = self.first_month()
        self.months = F.by_month(first, self.months_spin.value())
        end = (self.today().replace(day=1) + dt.timedelta(days=32)).replace(day=1)
        self.channels = F.by_channel(first, end)
        self._fill(self.month_table, F.MONTH_COLUMNS, self.months)
        self._fill(self.channel_table, F.CHANNEL_COLUMNS, self.channels)
        self._fill_chart()

    def _fill(self, table: QTableWidget, columns: tuple[str, ...], rows: list) -> None:
        table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, name in enumerate(columns):
                value = getattr(row, name)
                text = care.channel_text(value) if name == "channel" and value else F.cell(name, value)
                item = QTableWidgetItem(text)
                if name not in ("month", "channel"):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                table.setItem(r, c, item)
        table.resizeColumnsToContents()

    def _fill_chart(self) -> None:
        """Satisfaction (0-5) as bars, 美誉度 and retention (0-100 %) as lines, by month."""
        self.chart.removeAllSeries()
        for axis in self.chart.axes():
            self.chart.removeAxis(axis)
        bars = QBarSet(F.header("satisfaction"))
        for m in self.months:
            bars.append(m.satisfaction or 0.0)
        series = QBarSeries()
        series.append(bars)
        self.chart.addSeries(series)
        months = QBarCategoryAxis()
        months.append([m.month[5:] for m in self.months])  # "MM": twelve fit the narrow chart
        self.chart.addAxis(months, Qt.AlignmentFlag.AlignBottom)
        score = QValueAxis()
        score.setRange(0, 5)
        self.chart.addAxis(score, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(months)
        series.attachAxis(score)
        share = QValueAxis()
        share.setRange(0, 100)
        share.setLabelFormat("%d%%")
        self.chart.addAxis(share, Qt.AlignmentFlag.AlignRight)
        for name in ("reputation", "retention"):
            line = QLineSeries()
            line.setName(F.header(name))
            for i, m in enumerate(self.months):
                value = getattr(m, name)
                if value is not None:
                    line.append(i, 100 * value)
            self.chart.addSeries(line)
            line.attachAxis(share)
            # the bar categories are 0..n-1 on an invisible value axis for the lines
            x = QValueAxis()
            x.setRange(-0.5, len(self.months) - 0.5)
            x.setVisible(False)
            self.chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
            line.attachAxis(x)

    def export(self, path: str | None = None) -> str | None:
        if path is None:
            path, _ = QFileDialog.getSaveFileName(
                self, self.tr("Export to Excel"), "satisfaction.xlsx", self.tr("Excel workbook (*.xlsx)")
            )
            if not path:
                return None
        if not self._loaded:
            self.load()
        F.export_xlsx(path, self.months, self.channels, care.channel_text)
        return path
