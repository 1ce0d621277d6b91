"""The audit log viewer (owner only): newest first, filter by action, export to CSV."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from shopcrm.trust import audit
from shopcrm.ui.shell import forms
from shopcrm.ui.shell.context import AppContext
from shopcrm.ui.trust.security_ui import ensure_owner

log = logging.getLogger(__name__)

PAGE = 500


class AuditLogDialog(QDialog):
    def __init__(self, window=None):
        super().__init__(window)
        self.main_window = window  # (not self.window: that is QWidget.window())
        self.setObjectName("auditLogDialog")
        self.setWindowTitle(self.tr("Audit log"))
        self.action_combo = QComboBox(objectName="auditActionCombo")
        self.action_combo.addItem(self.tr("All actions"), None)
        for action in audit.ACTIONS:
            self.action_combo.addItem(audit.action_label(action), action)
        self.count_label = QLabel(objectName="auditCountLabel")
        self.table = QTableWidget(0, 5, objectName="auditTable")
        self.table.setHorizontalHeaderLabels(
            [self.tr("When"), self.tr("Mode"), self.tr("Action"), self.tr("Customer"), self.tr("Detail")]
        )
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.more_button = QPushButton(self.tr("Show older"), objectName="auditMoreButton")
        self.export_button = QPushButton(self.tr("Export CSV…"), objectName="auditExportButton")
        close = QPushButton(self.tr("Close"), objectName="auditCloseButton")
        close.clicked.connect(self.reject)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Action:")))
        top.addWidget(self.action_combo)
        top.addStretch(1)
        top.addWidget(self.count_label)
        bottom = QHBoxLayout()
        bottom.addWidget(self.more_button)
        bottom.addStretch(1)
        bottom.addWidget(self.export_button)
        bottom.addWidget(close)
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(self.table, 1)
        lay.addLayout(bottom)
        self.action_combo.currentIndexChanged.connect(self.reload)
        self.more_button.clicked.connect(self.load_more)
        self.export_button.clicked.connect(self.export)
        self.table.cellDoubleClicked.connect(self._open_customer)
        self.entries: list[audit.AuditEntry] = []
        self.resize(820, 520)
        self.reload()
        forms.settle(self, first=self.action_combo)

    def action(self) -> str | None:
        return self.action_combo.currentData()

    def reload(self) -> None:
        self.entries = []
        self.table.setRowCount(0)
        self.total = audit.count(self.action())
        self.load_more()

    def load_more(self) -> None:
        more = audit.entries(PAGE, len(self.entries), action=self.action())
        start = len(self.entries)
        self.entries.extend(more)
        self.table.setRowCount(len(self.entries))
        for i, e in enumerate(more, start):
            values = (
                f"{e.at:%Y-%m-%d %H:%M:%S}" if hasattr(e.at, "strftime") else str(e.at),
                e.mode_text,
                e.action_text,
                "" if e.customer_id is None else str(e.customer_id),
                e.detail_text,
            )
            for col, text in enumerate(values):
                item = QTableWidgetItem(text)
                if col == 3:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(i, col, item)
        self.count_label.setText(
            self.tr("%1 of %2 entries").replace("%1", str(len(self.entries))).replace("%2", str(self.total))
        )
        self.more_button.setEnabled(len(self.entries) < self.total)

    def export(self, path: Path | None = None) -> int | None:
        if path is None:
            chosen, _ = QFileDialog.getSaveFileName(
                self, self.tr("Export audit log"), "audit-log.csv", self.tr("CSV (*.csv)")
            )
            if not chosen:
                return None
            path = Path(chosen)
        try:
            n = audit.export_csv(path, action=self.action())
        except (PermissionError, OSError) as exc:
            QMessageBox.warning(self, self.tr("Not exported"), str(exc))
            return None
        self.reload()
        return n

    def _open_customer(self, row: int, _col: int) -> None:
        e = self.entries[row] if row < len(self.entries) else None
        if e and e.customer_id:
            try:
                AppContext.of(self.main_window).open_customer(e.customer_id)
            except Exception:
                log.warning("audit log: cannot open customer %s", e.customer_id, exc_info=True)


def open_audit_log(window) -> AuditLogDialog | None:
    if not ensure_owner(window, "audit"):
        return None
    dlg = AuditLogDialog(window)
    dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dlg.open()
    return dlg


def install(window) -> None:
    """Add “Audit log…” to the Tools menu."""
    menu = AppContext.of(window).tools_menu
    if menu is not None:
        action = menu.addAction(QCoreApplication.translate("AuditUi", "Audit log…"), lambda: open_audit_log(window))
        action.setObjectName("auditLogAction")
