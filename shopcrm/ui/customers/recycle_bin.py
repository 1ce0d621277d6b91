"""回收站: deleted customers, restorable; purging is explicit and confirmed."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
)

from shopcrm import backup, customers
from shopcrm.ui.models.customer_table_model import CustomerTableModel
from shopcrm.ui.trust import security_ui


class RecycleBinDialog(QDialog):
    changed = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("recycleBinDialog")
        self.setWindowTitle(self.tr("Recycle bin"))
        self.resize(820, 480)
        self.model = CustomerTableModel(self, deleted=True)
        self.table = QTableView(objectName="recycleBinTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.info = QLabel(self.tr("Deleted customers stay here until you restore them or delete them for good."))
        self.restore_button = QPushButton(self.tr("Restore"), objectName="restoreButton")
        self.purge_button = QPushButton(self.tr("Delete for good…"), objectName="purgeButton")
        self.close_button = QPushButton(self.tr("Close"))
        row = QHBoxLayout()
        row.addWidget(self.restore_button)
        row.addWidget(self.purge_button)
        row.addStretch(1)
        row.addWidget(self.close_button)
        lay = QVBoxLayout(self)
        lay.addWidget(self.info)
        lay.addWidget(self.table, 1)
        lay.addLayout(row)
        self.restore_button.clicked.connect(self.restore_selected)
        self.purge_button.clicked.connect(self.purge_selected)
        self.close_button.clicked.connect(self.accept)
        self.model.refresh()

    def selected_ids(self) -> list[int]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [cid for r in rows if (cid := self.model.customer_id(r)) is not None]

    def restore_selected(self) -> None:
        ids = self.selected_ids()
        if ids and customers.restore(ids):
            self.model.refresh()
            self.changed.emit()

    def purge_selected(self) -> None:
        ids = self.selected_ids()
        if not ids or not security_ui.ensure_owner(self, "purge"):  # owner only (issue #7)
            return
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            self.tr("Delete for good"),
            self.tr(
                "Delete %n customer(s) for good, with their purchases, contacts and complaints? This cannot be undone.",
                "",
                len(ids),
            ),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setObjectName("purgeConfirmBox")
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        if box.exec() != QMessageBox.StandardButton.Yes:
            return
        try:
            customers.purge(ids)  # backs up first; refuses clerks
        except (PermissionError, backup.BackupError) as exc:
            security_ui.not_done(self, exc)
            return
        self.model.refresh()
        self.changed.emit()
