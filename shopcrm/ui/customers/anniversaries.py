"""A customer's anniversaries (wedding, a child's birthday, the day they joined…), solar or lunar.

Open with ``AnniversaryDialog(customer_id, parent).open()``; ``changed`` fires after each edit.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from shopcrm import care, customers
from shopcrm.core.texts import t
from shopcrm.ui.shell import forms


class AnniversaryDialog(QDialog):
    changed = Signal()

    def __init__(self, customer_id: int, parent=None):
        super().__init__(parent)
        self.setObjectName("anniversaryDialog")
        self.customer_id = customer_id
        c = customers.get(customer_id)
        self.setWindowTitle(self.tr("Anniversaries of %1").replace("%1", c.name))

        self.table = QTableWidget(0, 3, objectName="anniversaryTable")
        self.table.setHorizontalHeaderLabels([self.tr("Kind"), self.tr("Name"), self.tr("Date")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().setVisible(False)

        self.kind = QComboBox(objectName="anniversaryKind")
        for k in care.ANNIVERSARY_KINDS:
            self.kind.addItem(t(f"care.anniv.{k}"), k)
        self.label = QLineEdit(objectName="anniversaryLabel")
        self.label.setPlaceholderText(self.tr("Name (optional, e.g. 女儿生日)"))
        self.month = QSpinBox(objectName="anniversaryMonth")
        self.month.setRange(1, 12)
        self.month.setSuffix(self.tr(" month"))
        self.day = QSpinBox(objectName="anniversaryDay")
        self.day.setRange(1, 31)
        self.day.setSuffix(self.tr(" day"))
        self.lunar = QCheckBox(self.tr("Lunar"), objectName="anniversaryLunar")
        self.leap = QCheckBox(self.tr("Leap month"), objectName="anniversaryLeap")
        self.leap.setEnabled(False)
        self.lunar.toggled.connect(self.leap.setEnabled)
        self.add_button = QPushButton(self.tr("Add"), objectName="addAnniversary")
        self.add_button.clicked.connect(self.add)
        self.delete_button = QPushButton(self.tr("Delete"), objectName="deleteAnniversary")
        self.delete_button.clicked.connect(self.delete_selected)
        self.error = QLabel(objectName="anniversaryError")
        self.error.setStyleSheet("color: #c62828;")

        row = QHBoxLayout()
        for w in (self.kind, self.label, self.month, self.day, self.lunar, self.leap, self.add_button):
            row.addWidget(w)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(self.table)
        lay.addLayout(row)
        lay.addWidget(self.error)
        bottom = QHBoxLayout()
        bottom.addWidget(self.delete_button)
        bottom.addStretch(1)
        bottom.addWidget(buttons)
        lay.addLayout(bottom)
        self.resize(640, 360)
        self.reload()
        forms.settle(self, first=self.kind)

    def reload(self) -> None:
        self.rows = care.anniversaries_of(self.customer_id)
        self.table.setRowCount(len(self.rows))
        for r, a in enumerate(self.rows):
            self.table.setItem(r, 0, QTableWidgetItem(t(f"care.anniv.{a.kind}")))
            self.table.setItem(r, 1, QTableWidgetItem(a.label))
            self.table.setItem(r, 2, QTableWidgetItem(care.anniversary_text(a)))
        self.delete_button.setEnabled(bool(self.rows))

    def add(self) -> bool:
        try:
            care.add_anniversary(
                self.customer_id,
                self.kind.currentData(),
                self.month.value(),
                self.day.value(),
                label=self.label.text(),
                lunar=self.lunar.isChecked(),
                leap=self.leap.isChecked(),
            )
        except ValueError as exc:  # FieldError names the field and the reason
            self.error.setText(str(exc))
            return False
        self.error.clear()
        self.label.clear()
        self.reload()
        self.changed.emit()
        return True

    def delete_selected(self) -> None:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        if not rows:
            return
        for r in rows:
            care.delete_anniversary(self.rows[r].id)
        self.reload()
        self.changed.emit()
