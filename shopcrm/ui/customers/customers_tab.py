"""The 客户 tab: one search box, level/tag filters, the paged customer list, and its actions."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QEvent, QItemSelectionModel, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from shopcrm import customers, grading, segments
from shopcrm.customers import CustomerQuery
from shopcrm.ui.models.customer_table_model import CustomerTableModel


class CustomersTab(QWidget):
    open_requested = Signal(int)  # customer id
    purchase_requested = Signal(int)  # customer id
    new_requested = Signal()
    recycle_bin_requested = Signal()
    changed = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("customersTab")

        self.search = QLineEdit(objectName="customerSearch")
        self.search.setPlaceholderText(self.tr("Search: mobile, last 4 digits, name, pinyin initials (zs), card no."))
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(360)
        self.level_filter = QComboBox(objectName="levelFilter")
        self.tag_filter = QComboBox(objectName="tagFilter")
        self.grade_filter = QComboBox(objectName="gradeFilter")  # ABC grade (shopcrm.grading)
        for label, value in grading.grade_filter_items():
            self.grade_filter.addItem(label, value)
        # a saved segment (shopcrm.segments) restricts the list; the domain builds its condition
        self.segment_filter = QComboBox(objectName="segmentFilter")
        self.new_segment_button = QToolButton(objectName="newSegmentButton")
        self.new_segment_button.setText(self.tr("New segment…"))
        self.new_segment_button.setToolTip(self.tr("Build a segment from criteria, with a live count"))
        self.edit_segment_button = QToolButton(objectName="editSegmentButton")
        self.edit_segment_button.setText(self.tr("Edit…"))
        self.edit_segment_button.setToolTip(self.tr("Change the chosen segment's criteria"))
        self.count_label = QLabel(objectName="customerCount")
        self.new_button = QPushButton(self.tr("New customer"), objectName="newCustomerButton")
        self.new_button.setToolTip(self.tr("Create a customer archive (Ctrl+N)"))
        self.open_button = QPushButton(self.tr("Open"), objectName="openCustomerButton")
        self.purchase_button = QPushButton(self.tr("Record purchase…"), objectName="recordPurchaseButton")
        self.purchase_button.setToolTip(self.tr("Record a purchase for the selected customer"))
        self.delete_button = QPushButton(self.tr("Delete"), objectName="deleteCustomerButton")
        self.delete_button.setToolTip(self.tr("Move the selected customers to the recycle bin"))
        self.bin_button = QPushButton(self.tr("Recycle bin"), objectName="recycleBinButton")

        top = QHBoxLayout()
        top.addWidget(self.search, 3)
        top.addWidget(QLabel(self.tr("Level")))
        top.addWidget(self.level_filter)
        top.addWidget(QLabel(self.tr("Tag")))
        top.addWidget(self.tag_filter)
        top.addWidget(QLabel(grading.t("grading.column")))
        top.addWidget(self.grade_filter)
        top.addWidget(QLabel(self.tr("Segment")))
        top.addWidget(self.segment_filter)
        top.addWidget(self.new_segment_button)
        top.addWidget(self.edit_segment_button)
        from shopcrm.ui.stores.store_picker import StorePicker

        # members are chain-wide: anyone may list one store's members (only shown for a chain)
        self.store_picker = StorePicker(self, clerk_may_choose=True, object_name="customerStorePicker")
        top.addWidget(self.store_picker)
        top.addStretch(1)

        self.model = CustomerTableModel(self)
        self.table = QTableView(objectName="customerTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setSortingEnabled(True)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(26)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setStretchLastSection(True)
        for col, width in enumerate((110, 120, 100, 80, 100, 80, 100, 110, 130)):
            self.table.setColumnWidth(col, width)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)

        buttons = QHBoxLayout()
        for b in (self.new_button, self.open_button, self.purchase_button, self.delete_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        # under the list it counts (a search's "10000+ … counting" would crowd the filters at 1024 px)
        buttons.addWidget(self.count_label)
        buttons.addWidget(self.bin_button)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)

        self.search.textChanged.connect(self.apply_filters)
        self.level_filter.currentIndexChanged.connect(self.apply_filters)
        self.tag_filter.currentIndexChanged.connect(self.apply_filters)
        self.grade_filter.currentIndexChanged.connect(self.apply_filters)
        self.segment_filter.currentIndexChanged.connect(self.apply_filters)
        self.segment_filter.currentIndexChanged.connect(self._segment_chosen)
        self.store_picker.scope_changed.connect(self.apply_filters)
        self.new_segment_button.clicked.connect(lambda: self.build_segment())
        self.edit_segment_button.clicked.connect(lambda: self.build_segment(self.segment_filter.currentData()))
        self.model.countChanged.connect(self._show_count)
        self.table.doubleClicked.connect(lambda idx: self._open_row(idx.row()))
        self.new_button.clicked.connect(self.new_requested)
        self.open_button.clicked.connect(self.open_current)
        self.purchase_button.clicked.connect(self._request_purchase)
        self.delete_button.clicked.connect(self.delete_selected)
        self.bin_button.clicked.connect(self.recycle_bin_requested)
        self.search.installEventFilter(self)
        self.table.installEventFilter(self)
        QShortcut(QKeySequence(Qt.Key.Key_Delete), self.table, self.delete_selected)

        self.reload_filters()
        self._segment_chosen()
        self.apply_filters()

    # --- filters and search -------------------------------------------------------------------
    def reload_filters(self) -> None:
        """Refill the level, tag and segment lists (after imports or edits), keeping the current choice."""
        for combo, items in (
            (self.level_filter, customers.all_levels()),
            (self.tag_filter, customers.all_tags()),
            (self.segment_filter, segments.saved()),
        ):
            current = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(self.tr("All"), None)
            for item_id, name in items:
                combo.addItem(name, item_id)
            i = combo.findData(current)
            combo.setCurrentIndex(max(i, 0))
            combo.blockSignals(False)

    def _segment_chosen(self) -> None:
        self.edit_segment_button.setEnabled(self.segment_filter.currentData() is not None)

    def build_segment(self, segment_id: int | None = None):
        """The segment builder (new, or the given segment); once saved the list follows it."""
        from shopcrm.ui.customers.segment_builder import open_builder

        return open_builder(self, self.show_segment, segment_id=segment_id)

    def show_segment(self, segment_id: int) -> None:
        self.reload_filters()
        self.segment_filter.setCurrentIndex(max(0, self.segment_filter.findData(segment_id)))
        self.apply_filters()

    def current_query(self) -> CustomerQuery:
        return replace(
            self.model.query,
            text=self.search.text(),
            level_id=self.level_filter.currentData(),
            tag_id=self.tag_filter.currentData(),
            extra=self._segment_condition(),
            grade=self.grade_filter.currentData(),
            store_id=self.store_picker.store_id(),
        )

    def _segment_condition(self) -> tuple[str, list] | None:
        sid = self.segment_filter.currentData()
        if sid is None:
            return None
        try:
            return segments.where_sql(segments.get(sid)[1])
        except ValueError as exc:  # a level or tag the segment names is gone: say so, list nobody
            self.segment_filter.setToolTip(str(exc))
            return ("0", [])

    def apply_filters(self) -> None:
        self.model.set_query(self.current_query())
        if self.model.rowCount() and self.search.text():
            self.table.selectRow(0)

    def refresh(self) -> None:
        selected = self.selected_ids()
        self.reload_filters()
        self.model.set_query(self.current_query())
        for cid in selected:
            row = self.model.row_of(cid)
            if row is not None:
                self.table.selectionModel().select(
                    self.model.index(row, 0),
                    QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows,
                )

    def _show_count(self, n: int) -> None:
        if self.model.count_exact:
            self.count_label.setText(self.tr("%n customer(s)", "", n))
        else:  # a bound at once; the exact count follows from the background
            self.count_label.setText(self.tr("%n+ customers, counting…", "", n))

    # --- selection and actions ----------------------------------------------------------------
    def selected_ids(self) -> list[int]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [cid for r in rows if (cid := self.model.customer_id(r)) is not None]

    def _open_row(self, row: int) -> None:
        cid = self.model.customer_id(row)
        if cid is not None:
            self.open_requested.emit(cid)

    def open_current(self) -> None:
        index = self.table.currentIndex()
        row = index.row() if index.isValid() else (0 if self.model.rowCount() else -1)
        if row >= 0:
            self._open_row(row)

    def _request_purchase(self) -> None:
        index = self.table.currentIndex()
        row = index.row() if index.isValid() else (0 if self.model.rowCount() == 1 else -1)
        cid = self.model.customer_id(row) if row >= 0 else None
        if cid is not None:
            self.purchase_requested.emit(cid)

    def delete_selected(self) -> None:
        ids = self.selected_ids()
        if not ids:
            return
        answer = QMessageBox.question(
            self,
            self.tr("Delete customers"),
            self.tr("Move %n customer(s) to the recycle bin? They can be restored from there.", "", len(ids)),
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        customers.soft_delete(ids)
        self.changed.emit()

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def eventFilter(self, obj, event):  # noqa: N802 (Qt API)
        if event.type() == QEvent.Type.KeyPress:
            key = event.key()
            if obj is self.search:
                if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                    self.open_current()
                    return True
                if key == Qt.Key.Key_Escape:
                    self.search.clear()
                    return True
                if key == Qt.Key.Key_Down and self.model.rowCount():
                    self.table.setFocus()
                    if not self.table.currentIndex().isValid():
                        self.table.selectRow(0)
                    return True
            elif obj is self.table:
                if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                    self.open_current()
                    return True
                if key == Qt.Key.Key_Escape:
                    self.search.clear()
                    self.focus_search()
                    return True
        return super().eventFilter(obj, event)
