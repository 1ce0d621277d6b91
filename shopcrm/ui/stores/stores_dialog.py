"""工具 → 门店… (issue #18): the owner adds, renames and deactivates the chain's stores and sets
which store this counter works in. Everything goes through :mod:`shopcrm.stores` (owner-only,
audited there); after a change every store picker reads the stores again."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from shopcrm import stores
from shopcrm.core.errors import FieldError
from shopcrm.ui.shell import forms
from shopcrm.ui.shell.context import AppContext
from shopcrm.ui.shell.forms import ERROR_STYLE
from shopcrm.ui.stores import store_picker
from shopcrm.ui.trust import security_ui


def install(window) -> None:
    """工具 → 门店…; and the pickers follow the owner mode (the owner may pick any store, a clerk
    sees their counter's)."""
    ctx = AppContext.of(window)
    if ctx.security is not None:
        ctx.security.mode_changed.connect(lambda _mode: store_picker.reload_all())
    menu = ctx.tools_menu
    if menu is None:
        return
    action = menu.addAction(QCoreApplication.translate("StoresDialog", "Stores…"))
    action.setObjectName("storesAction")
    action.triggered.connect(lambda: open_stores(window))


def open_stores(parent=None) -> StoresDialog | None:
    if not security_ui.ensure_owner(parent, "stores"):
        return None
    dlg = StoresDialog(parent)
    dlg.open()
    return dlg


class StoreEditDialog(QDialog):
    """A new store, or a store's code, name, address and phone."""

    def __init__(self, parent=None, store: stores.StoreRow | None = None):
        super().__init__(parent)
        self.setObjectName("storeEditDialog")
        self.store = store
        self.setWindowTitle(self.tr("Edit store") if store else self.tr("New store"))
        self.code = QLineEdit(store.code if store else "", objectName="storeCode")
        self.name = QLineEdit(store.name if store else "", objectName="storeName")
        self.address = QLineEdit(store.address if store else "", objectName="storeAddress")
        self.phone = QLineEdit(store.phone if store else "", objectName="storePhone")
        self.operators = QLineEdit(
            "、".join(stores.operators_of(store.id)) if store else "", objectName="storeOperators"
        )
        self.code.setPlaceholderText(self.tr("e.g. east (letters, digits, - and _)"))
        self.operators.setPlaceholderText(self.tr("who works here, e.g. 小王、小李"))
        self.operators.setToolTip(
            self.tr("An operator listed here can only sign in at this store's counters; one listed nowhere, anywhere")
        )
        self.error = QLabel(objectName="storeError")
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        form = QFormLayout()
        form.addRow(self.tr("Name"), self.name)
        form.addRow(self.tr("Code"), self.code)
        form.addRow(self.tr("Address"), self.address)
        form.addRow(self.tr("Phone"), self.phone)
        form.addRow(self.tr("Operators"), self.operators)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.error)
        lay.addWidget(self.buttons)
        self.setMinimumWidth(380)  # room for an address and the operators' placeholder
        forms.settle(self, first=self.name, order=[self.name, self.code, self.address, self.phone, self.operators])

    def save(self) -> bool:
        """Store the values; a refusal is shown here and every typed value stays."""
        try:
            operators = stores.clean_operators(self.operators.text())
            if self.store is None:
                self.store = stores.add(
                    self.code.text(), self.name.text(), address=self.address.text(), phone=self.phone.text()
                )
            else:
                self.store = stores.update(
                    self.store.id,
                    code=self.code.text(),
                    name=self.name.text(),
                    address=self.address.text(),
                    phone=self.phone.text(),
                )
            if operators != stores.operators_of(self.store.id):
                stores.set_operators(self.store.id, operators)
        except (FieldError, PermissionError) as exc:
            self.error.setText(str(exc))
            field = getattr(exc, "field", "")
            target = {"store_code": self.code, "store_name": self.name, "operators": self.operators}.get(field)
            if target is not None:
                target.setFocus()
                target.selectAll()
            return False
        self.accept()
        return True


class StoresDialog(QDialog):
    COLUMNS = ("id", "code", "name", "address", "phone", "state", "counter", "operators")

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("storesDialog")
        self.setWindowTitle(self.tr("Stores"))
        self.table = QTableWidget(0, len(self.COLUMNS), objectName="storesTable")
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("No."),
                self.tr("Code"),
                self.tr("Name"),
                self.tr("Address"),
                self.tr("Phone"),
                self.tr("State"),
                self.tr("This counter"),
                self.tr("Operators"),
            ]
        )
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(lambda _i: self.edit_selected())
        self.hint = QLabel(
            self.tr("A shop with one store never sees stores anywhere else. Customers are shared by every store.")
        )
        self.hint.setWordWrap(True)
        self.error = QLabel(objectName="storesError")
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        self.add_button = QPushButton(self.tr("New store…"), objectName="addStoreButton")
        self.edit_button = QPushButton(self.tr("Edit…"), objectName="editStoreButton")
        self.active_button = QPushButton(self.tr("Deactivate"), objectName="activeStoreButton")
        self.counter_button = QPushButton(self.tr("Set as this counter's store"), objectName="counterStoreButton")
        self.add_button.clicked.connect(self.add_store)
        self.edit_button.clicked.connect(self.edit_selected)
        self.active_button.clicked.connect(self.toggle_active)
        self.counter_button.clicked.connect(self.set_counter)
        row = QHBoxLayout()
        for b in (self.add_button, self.edit_button, self.active_button, self.counter_button):
            row.addWidget(b)
        row.addStretch(1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(self.hint)
        lay.addWidget(self.table, 1)
        lay.addWidget(self.error)
        lay.addLayout(row)
        lay.addWidget(close)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.reload()
        forms.fit_to_screen(self, 800, 420)
        forms.settle(self, first=self.table)

    def reload(self, select: int | None = None) -> None:
        self.rows = stores.all_stores()
        here = stores.counter_store().id
        operators = stores.operator_stores()
        self.table.setRowCount(len(self.rows))
        for r, s in enumerate(self.rows):
            values = (
                str(s.id),
                s.code,
                s.name,
                s.address,
                s.phone,
                self.tr("Active") if s.active else self.tr("Inactive"),
                "✓" if s.id == here else "",
                "、".join(name for name, store_id in operators.items() if store_id == s.id),
            )
            for c, value in enumerate(values):
                item = QTableWidgetItem(value)
                if c == 0:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(r, c, item)
        chosen = next((r for r, s in enumerate(self.rows) if s.id == select), 0)
        if self.rows:
            self.table.selectRow(chosen)
        self._selection_changed()

    def selected(self) -> stores.StoreRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self.rows[rows[0].row()] if rows else None

    def _selection_changed(self) -> None:
        s = self.selected()
        self.active_button.setText(self.tr("Activate") if s is not None and not s.active else self.tr("Deactivate"))
        for b in (self.edit_button, self.active_button, self.counter_button):
            b.setEnabled(s is not None)

    def _changed(self, store_id: int) -> None:
        self.error.clear()
        self.reload(store_id)
        store_picker.reload_all()
        AppContext.of(self).notify_data_changed()  # the tabs re-read their lists in the new scope

    def add_store(self) -> StoreEditDialog:
        dlg = StoreEditDialog(self)
        dlg.accepted.connect(lambda: self._changed(dlg.store.id if dlg.store is not None else 0))
        dlg.open()
        return dlg

    def edit_selected(self) -> StoreEditDialog | None:
        s = self.selected()
        if s is None:
            return None
        dlg = StoreEditDialog(self, s)
        dlg.accepted.connect(lambda: self._changed(s.id))
        dlg.open()
        return dlg

    def _on_selected(self, action) -> bool:
        """``action(store)`` on the selected store; a refusal is shown in the dialog."""
        s = self.selected()
        if s is None:
            return False
        try:
            action(s)
        except (FieldError, PermissionError) as exc:
            self.error.setText(str(exc))
            return False
        self._changed(s.id)
        return True

    def toggle_active(self) -> bool:
        return self._on_selected(lambda s: stores.set_active(s.id, not s.active))

    def set_counter(self) -> bool:
        return self._on_selected(lambda s: stores.set_counter_store(s.id))
