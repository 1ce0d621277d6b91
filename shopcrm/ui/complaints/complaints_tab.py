"""The 投诉 tab: filters, the paged complaint list (overdue and nearly-due cases flagged), and the
detail panel that works the selected case.

The list pages from SQL by its sort key (``shopcrm.complaints.page_after``): the first page on
open, the next when the view scrolls to the end (``canFetchMore``/``fetchMore``), and no count of
the whole list on open (the label shows a bounded count, "1000+"). Filtering and sorting are
ORDER BY/WHERE in SQLite, never a QSortFilterProxyModel.
"""

from __future__ import annotations

from dataclasses import replace
from typing import cast

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from shopcrm import complaints as K
from shopcrm.complaints import ComplaintQuery, ComplaintRow
from shopcrm.store.models import now
from shopcrm.ui.complaints.complaint_widgets import (
    NEARLY_BG,
    NEARLY_FG,
    OVERDUE_BG,
    OVERDUE_FG,
    PAUSED_FG,
    ComplaintDetail,
    ComplaintDialog,
    ComplaintSettingsDialog,
    display_mobile,
    left_text,
)
from shopcrm.ui.shell import qclock
from shopcrm.ui.shell.context import AppContext

PAGE_SIZE = 100  # rows per fetch: a screen is ~25
COUNT_BOUND = 1000  # the list's count stops here ("1000+")
_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_BACKGROUND = int(Qt.ItemDataRole.BackgroundRole)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole)
_ALIGNMENT = int(Qt.ItemDataRole.TextAlignmentRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_USER = int(Qt.ItemDataRole.UserRole)
_ROLES = frozenset({_DISPLAY, _BACKGROUND, _FOREGROUND, _ALIGNMENT, _TOOLTIP, _USER})
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_FLAGGED_COLUMNS = frozenset({7, 8})  # status, due: coloured when overdue or nearly due
_NUMBER_COLUMNS = frozenset({0, 9})  # no., steps: right-aligned


class ComplaintTableModel(QAbstractTableModel):
    """Complaints a page at a time from SQL by keyset; rowCount() is the rows loaded so far, and
    the view asks for more (fetchMore) when it scrolls to the end."""

    KEYS = ("id", "received", "customer", "category", "key_points", "severity", "handler", "status", "due", "steps")
    SORTABLE = frozenset({"id", "received", "customer", "category", "severity", "handler", "status", "due"})

    def __init__(self, parent=None):
        super().__init__(parent)
        self._query = ComplaintQuery()
        self._rows: list[ComplaintRow] = []
        self._more = False
        self._loaded = False  # until the first set_query
        self._rows_cache: dict[int, tuple] = {}  # row -> formatted cells (see _cells)
        self.headers = [
            self.tr("No."),
            self.tr("Received"),
            self.tr("Customer"),
            self.tr("Category"),
            self.tr("Key points"),
            self.tr("Severity"),
            self.tr("Handler"),
            self.tr("Status"),
            self.tr("Due"),
            self.tr("Steps"),
        ]
        self.at = now()
        self.nearly_seconds = K.get_config().nearly_due_hours * 3600
        self._brushes = {
            ("bg", "overdue"): QBrush(QColor(OVERDUE_BG)),
            ("bg", "nearly"): QBrush(QColor(NEARLY_BG)),
            ("fg", "overdue"): QBrush(QColor(OVERDUE_FG)),
            ("fg", "nearly"): QBrush(QColor(NEARLY_FG)),
            "paused": QBrush(QColor(PAUSED_FG)),
        }

    # --- the query and its rows ---------------------------------------------------------------
    @property
    def query(self) -> ComplaintQuery:
        return self._query

    def set_query(self, query: ComplaintQuery, *, keep: int = 0) -> None:
        """A new list: its first page (or, with ``keep``, as many rows as were loaded, so that a
        refresh keeps the selected row)."""
        self.beginResetModel()
        self._loaded = True
        self._query = query
        self._rows_cache.clear()
        # due flags are judged at one instant for the whole list
        self.at = now()
        self.nearly_seconds = K.get_config().nearly_due_hours * 3600
        want = max(keep, PAGE_SIZE)
        got = K.page_after(query, None, want + 1, at=self.at)
        self._more = len(got) > want
        self._rows = got[:want]
        self.endResetModel()

    def refresh(self) -> None:
        self.set_query(self._query, keep=len(self._rows))

    def canFetchMore(self, parent=QModelIndex()) -> bool:  # noqa: N802
        return not parent.isValid() and self._more

    def fetchMore(self, parent=QModelIndex()) -> None:  # noqa: N802
        if parent.isValid() or not self._more:
            return
        got = K.page_after(self._query, self._rows[-1] if self._rows else None, PAGE_SIZE + 1, at=self.at)
        self._more = len(got) > PAGE_SIZE
        got = got[:PAGE_SIZE]
        if got:
            start = len(self._rows)
            self.beginInsertRows(QModelIndex(), start, start + len(got) - 1)  # the last row is inclusive
            self._rows.extend(got)
            self.endInsertRows()

    def count_text(self) -> str:
        """The rows of the whole list for the label, counted up to a bound ("1000+")."""
        if not self._more:
            return str(len(self._rows))
        n = K.count(self._query, at=self.at, limit=COUNT_BOUND)
        return f"{COUNT_BOUND}+" if n > COUNT_BOUND else str(n)

    def row_at(self, row: int) -> ComplaintRow | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, complaint_id: int) -> int | None:
        """The row of a complaint among the rows loaded so far."""
        return next((i for i, r in enumerate(self._rows) if r.id == complaint_id), None)

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.KEYS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section]
        return None

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        if 0 <= column < len(self.KEYS) and self.KEYS[column] in self.SORTABLE:
            descending = order == Qt.SortOrder.DescendingOrder
            if (self._query.sort, self._query.descending) == (self.KEYS[column], descending):
                return  # the header's initial indicator: the tab loads the list once, itself
            query = replace(self._query, sort=self.KEYS[column], descending=descending)
            if self._loaded:
                self.set_query(query)
            else:  # the view being set up: the tab's first set_query loads it
                self._query = query

    def complaint_id(self, row: int) -> int | None:
        r = self.row_at(row)
        return r.id if r else None

    def flag(self, r: ComplaintRow) -> str:
        """'overdue', 'nearly' or '' for a row."""
        if r.status not in K.CLOCK_RUNNING:
            return ""
        secs = r.seconds_left(self.at)
        if secs is None:
            return ""
        if secs < 0:
            return "overdue"
        return "nearly" if secs < self.nearly_seconds else ""

    def _cells(self, row: int):
        """(row, display texts, flag) of a row, formatted once: a paint asks each cell for
        several roles, and the flag is the same for the whole row."""
        hit = self._rows_cache.get(row)
        if hit is None:
            r = self.row_at(row)
            if r is None:
                return None
            hit = self._rows_cache[row] = (r, tuple(self._display(r, k) for k in self.KEYS), self.flag(r))
        return hit

    def data(self, index: QModelIndex, role=_DISPLAY):
        # a paint asks every visible cell for ~7 roles: plain ints, compared once each
        role = int(role)
        if role not in _ROLES or not index.isValid():
            return None
        col = index.column()
        if role == _DISPLAY:
            hit = self._cells(index.row())
            return hit[1][col] if hit else None
        if role == _BACKGROUND:
            hit = self._cells(index.row())
            return self._brushes.get(("bg", hit[2])) if hit else None
        if role == _FOREGROUND:
            if col not in _FLAGGED_COLUMNS:
                return None
            hit = self._cells(index.row())
            if hit is None:
                return None
            if hit[2]:
                return self._brushes[("fg", hit[2])]
            return self._brushes["paused"] if hit[0].status == "waiting" else None
        if role == _ALIGNMENT:
            return _RIGHT if col in _NUMBER_COLUMNS else None
        r = self.row_at(index.row())
        if r is None:
            return None
        if role == _USER:
            return r.id
        key = self.KEYS[col]  # the tooltip
        if key == "key_points":
            return r.key_points
        return display_mobile(r.mobile) if key == "customer" else None

    def _display(self, r: ComplaintRow, key: str) -> str:
        if key == "id":
            return str(r.id)
        if key == "received":  # this year's dates without the year, to keep the column narrow
            at = str(r.received_at)  # text on SQLite, a datetime on PostgreSQL
            return at[5:16] if at[:4] == str(self.at.year) else at[:10]
        if key == "customer":
            name = r.who or ""
            return name if r.customer_id else f"{name} " + self.tr("(walk-in)")
        if key == "category":
            return r.category
        if key == "key_points":
            text = r.key_points.replace("\n", " ")
            return text if len(text) <= 40 else text[:40] + "…"
        if key == "severity":
            return r.severity
        if key == "handler":
            return r.handler
        if key == "status":
            return K.status_label(r.status)
        if key == "due":
            if r.status == "resolved" and r.followup_due:
                # text on SQLite, a date on PostgreSQL: both read as YYYY-MM-DD
                return self.tr("Follow-up %1").replace("%1", str(r.followup_due))
            return left_text(r.seconds_left(self.at), r.status)
        if key == "steps":
            return f"{bin(r.steps).count('1')}/6"
        return ""


class ComplaintsTab(QWidget):
    """The 投诉 tab. Built as ``ComplaintsTab(context)`` by the main window; ``ComplaintsTab()``
    works on its own."""

    title_changed = Signal()

    def __init__(self, context: AppContext | None = None):
        ctx = context or AppContext()
        super().__init__(cast("QWidget | None", ctx.window))
        self.setObjectName("complaintsTab")
        self.context = ctx
        self._title = ""

        # filters
        self.status_filter = QComboBox(objectName="statusFilter")
        for code, label in (
            ("open", self.tr("Open")),
            ("all", self.tr("All")),
            ("followup_due", self.tr("Follow-up due")),
            ("new", K.status_label("new")),
            ("in_progress", K.status_label("in_progress")),
            ("waiting", K.status_label("waiting")),
            ("resolved", K.status_label("resolved")),
            ("closed", K.status_label("closed")),
        ):
            self.status_filter.addItem(label, code)
        self.category_filter = QComboBox(objectName="categoryFilter")
        self.overdue_filter = QCheckBox(self.tr("Overdue only"), objectName="overdueFilter")
        self.date_filter = QCheckBox(self.tr("Received"), objectName="dateFilter")
        from shopcrm.ui.stores.store_picker import StorePicker

        self.store_picker = StorePicker(self, object_name="complaintStorePicker")  # only shown for a chain
        today = qclock.today()
        self.date_from = QDateEdit(today.addDays(-30), objectName="dateFrom")
        self.date_to = QDateEdit(today, objectName="dateTo")
        for d in (self.date_from, self.date_to):
            d.setCalendarPopup(True)
            d.setDisplayFormat("yyyy-MM-dd")
            d.setEnabled(False)
        self.search = QLineEdit(objectName="complaintSearch")
        self.search.setPlaceholderText(self.tr("Search: customer, mobile, #no., words of the complaint"))
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(240)
        self.new_button = QPushButton(self.tr("Record complaint"), objectName="newComplaintButton")
        self.new_button.setToolTip(self.tr("Record a new complaint"))
        self.new_button.setStyleSheet("font-weight: bold;")
        self.settings_button = QPushButton(self.tr("Settings…"), objectName="complaintSettingsButton")
        self.operator = QLineEdit(objectName="operatorEdit")
        self.operator.setPlaceholderText(self.tr("Your name"))
        self.operator.setToolTip(self.tr("Written in the timeline as who made each change"))
        self.operator.setMaximumWidth(90)
        self.operator.setText(str(QSettings().value("complaints/operator", "") or ""))
        self.counts_label = QLabel(objectName="complaintCounts")
        self.counts_label.setTextFormat(Qt.TextFormat.RichText)
        self.list_count = QLabel(objectName="complaintListCount")

        top = QHBoxLayout()
        top.addWidget(self.search, 2)
        top.addWidget(QLabel(self.tr("Status")))
        top.addWidget(self.status_filter)
        top.addWidget(QLabel(self.tr("Category")))
        top.addWidget(self.category_filter)
        top.addWidget(self.overdue_filter)
        top.addWidget(self.date_filter)
        top.addWidget(self.date_from)
        top.addWidget(QLabel("–"))
        top.addWidget(self.date_to)
        top.addWidget(self.store_picker)
        top.addStretch(1)
        second = QHBoxLayout()
        second.addWidget(self.new_button)
        second.addWidget(self.counts_label, 1)
        second.addWidget(self.list_count)
        second.addWidget(QLabel(self.tr("Operator")))
        second.addWidget(self.operator)
        second.addWidget(self.settings_button)

        # list + detail
        self.model = ComplaintTableModel(self)
        self.table = QTableView(objectName="complaintTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSortingEnabled(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(26)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setStretchLastSection(False)
        for col, width in enumerate((44, 84, 80, 64, 150, 58, 50, 78, 132, 40)):
            self.table.setColumnWidth(col, width)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.table.sortByColumn(1, Qt.SortOrder.DescendingOrder)

        self.detail = ComplaintDetail(self, who=self.who)
        scroll = QScrollArea(objectName="detailScroll")
        scroll.setWidget(self.detail)
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setMinimumWidth(440)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, objectName="complaintSplitter")
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(scroll)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([760, 480])

        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addLayout(second)
        lay.addWidget(self.splitter, 1)

        self._search_timer = QTimer(self, singleShot=True, interval=250)
        self._search_timer.timeout.connect(self.apply_filters)
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        self.search.returnPressed.connect(self.apply_filters)
        for combo in (self.status_filter, self.category_filter):
            combo.currentIndexChanged.connect(self.apply_filters)
        self.overdue_filter.toggled.connect(self.apply_filters)
        self.store_picker.scope_changed.connect(self.refresh)
        self.date_filter.toggled.connect(self._toggle_dates)
        self.date_from.dateChanged.connect(self.apply_filters)
        self.date_to.dateChanged.connect(self.apply_filters)
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)
        self.new_button.clicked.connect(self.new_complaint)
        self.settings_button.clicked.connect(self.open_settings)
        self.operator.editingFinished.connect(
            lambda: QSettings().setValue("complaints/operator", self.operator.text().strip())
        )
        self.detail.changed.connect(self._detail_changed)
        self.detail.open_customer_requested.connect(self._open_customer)

        self._fill_categories()
        self.apply_filters()
        self._update_counts()
        if ctx.attached:
            QTimer.singleShot(0, self._install_menu_action)  # the menus are built after the tabs

    # --- contract -------------------------------------------------------------------------------
    def tab_title(self) -> str:
        return self._title or self._compute_title(K.counts())

    def refresh(self) -> None:
        """Re-read the list (keeping the selected complaint), the detail panel and the counts."""
        self._fill_categories()
        self.store_picker.reload(quiet=True)  # the owner may have unlocked (any store) or locked
        if self.model.query.store_id != self.store_picker.store_id():
            self.model.set_query(self.current_query())
        current = self.detail.complaint_id
        self.model.refresh()
        self.list_count.setText(self.tr("%1 in list").replace("%1", self.model.count_text()))
        if current is not None:
            self._select(current)
        self.detail.reload()
        self._update_counts()

    def who(self) -> str:
        name = self.operator.text().strip()
        if name:
            return name
        k = self.detail.complaint
        return k.handler if k is not None else ""

    # --- filters ---------------------------------------------------------------------------------
    def current_query(self) -> ComplaintQuery:
        q = self.model.query
        dates = self.date_filter.isChecked()
        return replace(
            q,
            status=self.status_filter.currentData() or "open",
            category=self.category_filter.currentData() or "",
            overdue=self.overdue_filter.isChecked(),
            date_from=qclock.from_qdate(self.date_from.date()) if dates else None,
            date_to=qclock.from_qdate(self.date_to.date()) if dates else None,
            text=self.search.text().strip(),
            store_id=self.store_picker.store_id(),
        )

    def apply_filters(self) -> None:
        self._search_timer.stop()
        current = self.detail.complaint_id
        self.model.set_query(self.current_query())
        self.list_count.setText(self.tr("%1 in list").replace("%1", self.model.count_text()))
        if current is not None:
            self._select(current)

    def _toggle_dates(self, on: bool) -> None:
        self.date_from.setEnabled(on)
        self.date_to.setEnabled(on)
        self.apply_filters()

    def _fill_categories(self) -> None:
        current = self.category_filter.currentData()
        cats = K.get_config().categories
        if [self.category_filter.itemData(i) for i in range(1, self.category_filter.count())] == cats:
            return
        self.category_filter.blockSignals(True)
        self.category_filter.clear()
        self.category_filter.addItem(self.tr("All"), "")
        for c in cats:
            self.category_filter.addItem(c, c)
        i = self.category_filter.findData(current)
        self.category_filter.setCurrentIndex(max(i, 0))
        self.category_filter.blockSignals(False)

    # --- selection ---------------------------------------------------------------------------------
    def _row_changed(self, current: QModelIndex, _previous=None) -> None:
        cid = self.model.complaint_id(current.row()) if current.isValid() else None
        if cid is not None:
            self.detail.show_complaint(cid)

    def _select(self, complaint_id: int) -> bool:
        row = self.model.row_of(complaint_id)
        if row is None:
            return False
        self.table.selectRow(row)
        self.table.scrollTo(self.model.index(row, 0))
        return True

    def show_complaint(self, complaint_id: int, *, activate: bool = False) -> None:
        """Select a complaint (widening the filters if it is not in the list) and show it."""
        if activate:
            self.context.show_tab(self)
        if not self._select(complaint_id):
            self.search.blockSignals(True)
            self.search.setText(f"#{complaint_id}")
            self.search.blockSignals(False)
            self.status_filter.blockSignals(True)
            self.status_filter.setCurrentIndex(self.status_filter.findData("all"))
            self.status_filter.blockSignals(False)
            self.overdue_filter.setChecked(False)
            self.apply_filters()
            self._select(complaint_id)
        self.detail.show_complaint(complaint_id)

    # --- actions -----------------------------------------------------------------------------------
    def new_complaint(self) -> ComplaintDialog:
        dlg = ComplaintDialog(None, self, who=self.who())
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dlg.saved.connect(self._created)
        self.new_dialog = dlg
        dlg.open()
        return dlg

    def _created(self, complaint_id: int) -> None:
        self._notify()
        self.show_complaint(complaint_id)

    def open_settings(self) -> ComplaintSettingsDialog:
        dlg = ComplaintSettingsDialog(self)
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dlg.saved.connect(self.refresh)
        dlg.open()
        return dlg

    def _install_menu_action(self) -> None:
        menu = self.context.tools_menu
        if menu is not None:
            act = menu.addAction(self.tr("Complaint settings…"), self.open_settings)
            act.setObjectName("complaintSettingsAction")

    def _detail_changed(self, _cid: int) -> None:
        self._notify()

    def _notify(self) -> None:
        """After a write: tell the main window (customer list marks, other tabs), which refreshes
        the current tab, i.e. us; refresh ourselves only when nobody else will."""
        if self.context.notify_data_changed() and self.context.is_current_tab(self):
            return
        self.refresh()

    def _open_customer(self, customer_id: int) -> None:
        self.context.open_customer(customer_id)

    # --- counts and title --------------------------------------------------------------------------
    def _compute_title(self, c: K.Counts) -> str:
        if c.overdue:
            return self.tr("Complaints (%1 open, %2 overdue)").replace("%1", str(c.open)).replace("%2", str(c.overdue))
        if c.open:
            return self.tr("Complaints (%1 open)").replace("%1", str(c.open))
        return self.tr("Complaints")

    def _update_counts(self) -> None:
        c = K.counts(store_id=self.store_picker.store_id())
        parts = [self.tr("Open <b>%1</b>").replace("%1", str(c.open))]
        parts.append(
            f"<span style='color:{OVERDUE_FG}'>"
            + self.tr("Overdue <b>%1</b>").replace("%1", str(c.overdue))
            + "</span>"
        )
        parts.append(
            f"<span style='color:{NEARLY_FG}'>"
            + self.tr("Nearly due <b>%1</b>").replace("%1", str(c.nearly_due))
            + "</span>"
        )
        parts.append(self.tr("Follow-ups due <b>%1</b>").replace("%1", str(c.followup_due)))
        self.counts_label.setText("  ·  ".join(parts))
        title = self._compute_title(c)
        if title != self._title:
            self._title = title
            self.title_changed.emit()
