"""Grading in the customer archive: the customer's grade, RFM scores, value type, lifecycle stage
and the history of level / lifecycle / grade changes (shopcrm.grading)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from shopcrm import grading
from shopcrm.core.money import fmt
from shopcrm.store.models import Customer


class CustomerGradingPage(QWidget):
    """A page of the customer form; ``reload()`` after anything that may change the grading."""

    def __init__(self, customer_id: int, parent=None):
        super().__init__(parent)
        self.setObjectName("customerGradingPage")
        self.customer_id = customer_id
        self.facts = QLabel(objectName="gradingFacts")
        self.facts.setTextFormat(Qt.TextFormat.RichText)
        self.facts.setWordWrap(True)
        self.history = QTableWidget(0, 4, objectName="gradingHistoryTable")
        self.history.setHorizontalHeaderLabels([self.tr("Time"), self.tr("What"), self.tr("Change"), self.tr("Reason")])
        self.history.verticalHeader().setVisible(False)
        self.history.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.history.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.history.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.history.horizontalHeader().setStretchLastSection(True)
        lay = QVBoxLayout(self)
        lay.addWidget(self.facts)
        lay.addWidget(QLabel(self.tr("Changes of member level, lifecycle stage and ABC grade:")))
        lay.addWidget(self.history, 1)
        self.reload()

    def title(self) -> str:
        return self.tr("Grading")

    def reload(self) -> None:
        c = Customer.get_or_none(Customer.id == self.customer_id)
        if c is None:
            return
        dash = "—"
        since = str(c.lifecycle_at)[:10] if c.lifecycle_at else dash
        rfm = f"R{c.rfm_r} F{c.rfm_f} M{c.rfm_m}" if c.rfm_r is not None else dash
        rows = [
            (
                self.tr("ABC grade"),
                (grading.grade_label(c.grade) if c.grade else self.tr("Not graded yet"))
                + (self.tr(" (since %1)").replace("%1", str(c.grade_at)[:10]) if c.grade_at else ""),
            ),
            (
                self.tr("Spend in the grading period"),
                self.tr("¥%1 in %2 purchase(s)")
                .replace("%1", fmt(c.period_spend_cents))
                .replace("%2", str(c.period_purchases)),
            ),
            (self.tr("RFM scores (1-5)"), rfm),
            (self.tr("Value type"), grading.value_label(c.value_type) if c.value_type else dash),
            (
                self.tr("Lifecycle stage"),
                (grading.lifecycle_label(c.lifecycle) if c.lifecycle else dash)
                + (self.tr(" (since %1)").replace("%1", since) if c.lifecycle else ""),
            ),
        ]
        self.facts.setText(
            "<table>"
            + "".join(f"<tr><td style='padding-right:12px'><b>{k}</b></td><td>{v}</td></tr>" for k, v in rows)
            + "</table>"
        )
        items = grading.history_of(self.customer_id)
        self.history.setRowCount(len(items))
        for r, h in enumerate(items):
            what = grading.t(f"history.{h.kind}")
            change = h.describe().split("：", 1)[-1]
            for col, text in enumerate((str(h.at)[:16], what, change, h.reason)):
                self.history.setItem(r, col, QTableWidgetItem(text))
