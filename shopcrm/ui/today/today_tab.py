"""The 今日待办 tab: who to contact today and why (shopcrm.care builds the list).

Built as ``TodayTab(context)`` by the main window; ``TodayTab(None, today=date)`` works on its own with a fixed
date (tests). The list is a plain table model over the day's items: the day's list is at most a
few tens of thousands of rows and is never sorted or filtered through a proxy model.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from shopcrm import care
from shopcrm.core import clock
from shopcrm.sales import activity
from shopcrm.store.changes import ConnectionLost
from shopcrm.trust import security
from shopcrm.ui.shell import live, qclock
from shopcrm.ui.shell.context import AppContext

LATE = QColor("#c62828")
TODAY_COLOR = QColor("#1b5e20")
AHEAD = QColor("#757575")
BULK = 200  # marking more items done than this runs in a worker behind a progress dialog
PREFETCH = 200  # rows whose details are read with the list; others are read when shown
BACKLOG_CAP = 1000  # the summary counts scheduled visits due up to this, then shows "1000+"


class TodayModel(QAbstractTableModel):
    COLUMNS = ("due", "kind", "name", "mobile", "reason", "channel", "message")

    def __init__(self, parent=None):
        super().__init__(parent)
        self.items: list[care.CareItem] = []
        self.today = clock.today()
        self.settings: dict = {}
        self._titles = (
            self.tr("Due"),
            self.tr("Type"),
            self.tr("Customer"),
            self.tr("Mobile"),
            self.tr("Reason"),
            self.tr("Channel"),
            self.tr("Message"),
        )

    def set_items(self, items: list[care.CareItem], today: dt.date, settings: dict) -> None:
        self.beginResetModel()
        self.items, self.today, self.settings = items, today, settings
        care.load_details(items[:PREFETCH])  # the first screens' details in one query
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()):  # noqa: N802 (Qt API)
        return 0 if parent.isValid() else len(self.items)

    def columnCount(self, parent=QModelIndex()):  # noqa: N802 (Qt API)
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._titles[section]
        return None

    def item(self, row: int) -> care.CareItem:
        return self.items[row]

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        it = self.items[index.row()]
        col = self.COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            if col == "due":
                return care.due_text(it, self.today)
            if col == "kind":
                return care.kind_text(it.kind)
            if col == "name":
                return it.name
            if col == "mobile":
                return security.display_mobile(it.mobile)  # 138****5678 in clerk mode (issue #7)
            if col == "reason":
                return it.reason
            if col == "channel":
                return care.channel_text(it.channel)
            if col == "message":
                return care.message(it, self.settings).replace("\n", " ")
        elif role == Qt.ItemDataRole.ForegroundRole and col == "due":
            late = it.days_late(self.today)
            return QBrush(LATE if late > 0 else TODAY_COLOR if late == 0 else AHEAD)
        elif role == Qt.ItemDataRole.FontRole and col == "due" and it.days_late(self.today) >= 0:
            f = QFont()
            f.setBold(True)
            return f
        elif role == Qt.ItemDataRole.ToolTipRole and col in ("message", "reason"):
            return care.message(it, self.settings) if col == "message" else it.reason
        return None


class _Table(QTableView):
    """Ctrl+C copies the selected items' messages (Qt's own copy would take one cell's text)."""

    copy_requested = Signal()

    def keyPressEvent(self, event):  # noqa: N802 (Qt API)
        if event.matches(QKeySequence.StandardKey.Copy):
            self.copy_requested.emit()
            event.accept()
            return
        super().keyPressEvent(event)


class DoneDialog(QDialog):
    """Channel, outcome, satisfaction (optional) and the next follow-up date (optional)."""

    def __init__(self, parent, count: int, channel: str, today: dt.date, *, campaign: bool = False):
        super().__init__(parent)
        self.setObjectName("careDoneDialog")
        # a campaign item's coded result (shopcrm.sales.activity.RESULTS), counted in its results
        self.result = QComboBox(objectName="resultCombo")
        for code, label in (
            ("sent", self.tr("Sent / told")),
            ("replied", self.tr("Replied")),
            ("visited", self.tr("Visited the shop")),
            ("declined", self.tr("Declined")),
        ):
            self.result.addItem(label, code)
        self._campaign = campaign
        self.setWindowTitle(self.tr("Mark as done"))
        self.channel = QComboBox(objectName="channelCombo")
        for code in activity.CHANNELS:
            self.channel.addItem(care.channel_text(code), code)
        self.channel.setCurrentIndex(max(0, self.channel.findData(channel)))
        self.outcome = QLineEdit(objectName="outcomeEdit")
        self.outcome.setPlaceholderText(self.tr("What did the customer say?"))
        self.satisfaction = QComboBox(objectName="satisfactionCombo")
        self.satisfaction.addItem(self.tr("(not asked)"), None)
        for n in range(5, 0, -1):
            self.satisfaction.addItem("★" * n, n)
        # the optional "how likely are you to recommend us" question (0-10, NPS)
        self.nps = QComboBox(objectName="npsCombo")
        self.nps.addItem(self.tr("(not asked)"), None)
        for n in range(10, -1, -1):
            self.nps.addItem(str(n), n)
        self.followup_check = QCheckBox(self.tr("Follow up again on"), objectName="followupCheck")
        self.followup_date = QDateEdit(qclock.to_qdate(today + dt.timedelta(days=7)), objectName="followupDate")
        self.followup_date.setCalendarPopup(True)
        self.followup_date.setDisplayFormat("yyyy-MM-dd")
        self.followup_date.setMinimumDate(qclock.to_qdate(today + dt.timedelta(days=1)))
        self.followup_date.setEnabled(False)
        self.followup_check.toggled.connect(self.followup_date.setEnabled)
        form = QFormLayout()
        form.addRow(QLabel(self.tr("%n customer(s) contacted.", "", count)))
        form.addRow(self.tr("Channel"), self.channel)
        if campaign:
            form.addRow(self.tr("Result"), self.result)
        form.addRow(self.tr("Outcome"), self.outcome)
        form.addRow(self.tr("Satisfaction"), self.satisfaction)
        form.addRow(self.tr("Would recommend us (0-10)"), self.nps)
        row = QHBoxLayout()
        row.addWidget(self.followup_check)
        row.addWidget(self.followup_date)
        form.addRow(row)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.buttons)

    def values(self) -> dict:
        return dict(
            channel=self.channel.currentData(),
            outcome=self.outcome.text().strip(),
            satisfaction=self.satisfaction.currentData(),
            next_followup=qclock.from_qdate(self.followup_date.date()) if self.followup_check.isChecked() else None,
            result=self.result.currentData() if self._campaign else "",
            nps=self.nps.currentData(),
        )


class SnoozeDialog(QDialog):
    def __init__(self, parent, today: dt.date):
        super().__init__(parent)
        self.setObjectName("careSnoozeDialog")
        self.setWindowTitle(self.tr("Snooze"))
        self.date = QDateEdit(qclock.to_qdate(today + dt.timedelta(days=1)), objectName="snoozeDate")
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("yyyy-MM-dd")
        self.date.setMinimumDate(qclock.to_qdate(today + dt.timedelta(days=1)))
        quick = QHBoxLayout()
        for label, days in ((self.tr("Tomorrow"), 1), (self.tr("In 3 days"), 3), (self.tr("Next week"), 7)):
            b = QPushButton(label)
            b.clicked.connect(lambda _=False, d=days: self.date.setDate(qclock.to_qdate(today + dt.timedelta(days=d))))
            quick.addWidget(b)
        self.reason = QLineEdit(objectName="snoozeReason")
        self.reason.setPlaceholderText(self.tr("Optional: why"))
        form = QFormLayout()
        form.addRow(self.tr("Show again on"), self.date)
        form.addRow("", quick)
        form.addRow(self.tr("Note"), self.reason)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.buttons)


class SkipDialog(QDialog):
    def __init__(self, parent):
        super().__init__(parent)
        self.setObjectName("careSkipDialog")
        self.setWindowTitle(self.tr("Skip"))
        self.reason = QComboBox(objectName="skipReason")
        self.reason.setEditable(True)
        self.reason.addItems(
            [
                "",
                self.tr("Wrong number"),
                self.tr("Customer does not want it"),
                self.tr("Already talked in the shop"),
                self.tr("Not needed this time"),
            ]
        )
        self.reason.setCurrentIndex(0)
        self.reason.lineEdit().setPlaceholderText(self.tr("Why skip? (required)"))
        self.error = QLabel(objectName="skipError")
        self.error.setStyleSheet("color: #c62828;")
        form = QFormLayout()
        form.addRow(self.tr("Reason"), self.reason)
        form.addRow(self.error)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self._check)
        self.buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.buttons)

    def _check(self) -> None:
        if not self.reason.currentText().strip():
            self.error.setText(self.tr("Please give a reason."))
            return
        self.accept()


class TodayTab(QWidget):
    """The 今日待办 tab with a count badge (``tab_title``)."""

    title_changed = Signal()

    def __init__(self, context: AppContext | None = None, today: dt.date | None = None):
        ctx = context or AppContext()
        super().__init__(ctx.window)
        self.setObjectName("todayTab")
        self.context = ctx
        self.fixed_today = today
        self.settings: dict = {}
        self.lst: care.TodayList | None = None
        self.backlog = 0
        self.caps: dict[str, int] = {}  # per kind, raised by "Load more" (kept until the day changes)
        self._count = -1
        self._suppress = False
        self.dialog: QDialog | None = None

        self.date_label = QLabel(objectName="todayDate")
        f = self.date_label.font()
        f.setPointSize(f.pointSize() + 3)
        f.setBold(True)
        self.date_label.setFont(f)
        self.summary = QLabel(objectName="todaySummary")
        self.summary.setWordWrap(True)  # a long English summary wraps instead of widening the window
        self.kind_filter = QComboBox(objectName="kindFilter")
        self.show_upcoming = QCheckBox(self.tr("Show upcoming"), objectName="showUpcoming")
        self.show_upcoming.setChecked(True)
        self.refresh_button = QPushButton(self.tr("Refresh"), objectName="refreshButton")
        # what each kind left unread beyond a day's share ("还有 N 项") and the way to read it
        self.more_label = QLabel(objectName="todayMore")
        self.more_label.setWordWrap(True)
        self.more_button = QPushButton(self.tr("Load more"), objectName="loadMoreButton")
        self.more_button.setToolTip(self.tr("List the next items of the kind shown (or of the first kind with more)"))
        self.settings_button = QPushButton(self.tr("Settings…"), objectName="careSettingsButton")
        from shopcrm.ui.stores.store_picker import StorePicker

        self.store_picker = StorePicker(self, object_name="todayStorePicker")  # only shown for a chain

        self.done_button = QPushButton(self.tr("Done…"), objectName="doneButton")
        self.done_button.setStyleSheet("font-weight: bold;")
        self.done_button.setToolTip(self.tr("Record the contact and take the item off the list"))
        self.snooze_button = QPushButton(self.tr("Snooze…"), objectName="snoozeButton")
        self.skip_button = QPushButton(self.tr("Skip…"), objectName="skipButton")
        self.copy_button = QPushButton(self.tr("Copy message"), objectName="copyButton")
        self.open_button = QPushButton(self.tr("Open customer"), objectName="openCustomerButton")
        self.anniversary_button = QPushButton(self.tr("Anniversaries…"), objectName="anniversariesButton")
        self.anniversary_button.setToolTip(self.tr("Record the customer's wedding day, a child's birthday…"))
        self.export_button = QPushButton(self.tr("Export list…"), objectName="exportButton")
        self.export_button.setToolTip(self.tr("Save the list as an Excel call / SMS list"))

        self.model = TodayModel(self)
        self.table = _Table(objectName="todayTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(26)
        hh = self.table.horizontalHeader()
        for col, width in enumerate((110, 90, 80, 110, 300, 70)):
            hh.resizeSection(col, width)
        hh.setStretchLastSection(True)
        hh.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.doubleClicked.connect(self.open_selected)
        self.table.selectionModel().selectionChanged.connect(self._on_selection)

        self.preview = QPlainTextEdit(objectName="messagePreview")
        self.preview.setReadOnly(True)
        self.preview.setPlaceholderText(self.tr("Select an item to see its message."))
        self.preview.setMaximumHeight(90)
        # what just happened ("copied", "done"), so that the clerk sees it without a dialog
        self.status = QLabel(objectName="todayStatus")
        self.status.setStyleSheet("color: #1b5e20; font-weight: bold;")
        self.table.copy_requested.connect(self.copy_selected)

        top = QHBoxLayout()
        top.addWidget(self.date_label)
        top.addSpacing(12)
        top.addWidget(self.summary, 1)
        top.addWidget(QLabel(self.tr("Show")))
        top.addWidget(self.kind_filter)
        top.addWidget(self.store_picker)
        top.addWidget(self.show_upcoming)
        top.addWidget(self.refresh_button)
        top.addWidget(self.settings_button)
        actions = QHBoxLayout()
        for b in (
            self.done_button,
            self.snooze_button,
            self.skip_button,
            self.copy_button,
            self.open_button,
            self.anniversary_button,
        ):
            actions.addWidget(b)
        actions.addStretch(1)
        actions.addWidget(self.more_label)
        actions.addWidget(self.more_button)
        actions.addWidget(self.export_button)
        bottom = QWidget()
        bl = QVBoxLayout(bottom)
        bl.setContentsMargins(0, 0, 0, 0)
        head = QHBoxLayout()
        head.addWidget(QLabel(self.tr("Message (edit the templates in Settings)")))
        head.addStretch(1)
        head.addWidget(self.status)
        bl.addLayout(head)
        bl.addWidget(self.preview)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(bottom)
        split.setStretchFactor(0, 1)
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addLayout(actions)
        lay.addWidget(split, 1)

        self.done_button.clicked.connect(self.done_selected)
        self.snooze_button.clicked.connect(self.snooze_selected)
        self.skip_button.clicked.connect(self.skip_selected)
        self.copy_button.clicked.connect(self.copy_selected)
        self.open_button.clicked.connect(self.open_selected)
        self.anniversary_button.clicked.connect(self.edit_anniversaries)
        self.export_button.clicked.connect(self.export_dialog)
        self.settings_button.clicked.connect(self.open_settings)
        self.refresh_button.clicked.connect(self.refresh)
        self.store_picker.scope_changed.connect(self.refresh)
        self.more_button.clicked.connect(self.load_more)
        self.kind_filter.currentIndexChanged.connect(self._apply_filter)
        self.show_upcoming.toggled.connect(self._apply_filter)

        # the badge stays current while another tab is shown: rebuild shortly after a change
        self._stale_timer = QTimer(self, singleShot=True, interval=800)
        self._stale_timer.timeout.connect(self._timed_refresh)
        # a window left open overnight shows the new day's list in the morning
        self._day_timer = QTimer(self, interval=60_000)
        self._day_timer.timeout.connect(self._check_day)
        if today is None:
            self._day_timer.start()
        if ctx.attached:
            ctx.on_data_changed(self._on_data_changed)
            self.settings_action = ctx.add_tab_action(
                self.tr("Care reminders settings…"), self.open_settings, "careSettingsAction"
            )
            # inside the main window the list is built right after the window's first paint, so that
            # start-up never waits for it (the badge appears a moment later)
            ctx.on_first_painted(self._first_refresh)
        else:
            self.refresh()

    def _first_refresh(self) -> None:
        if self.lst is None:
            self._timed_refresh()  # (a lost connection: the banner; read again once it is back)

    # --- state ---------------------------------------------------------------------------------
    def today(self) -> dt.date:
        return self.fixed_today or clock.today()

    def set_today(self, day: dt.date) -> None:
        self.fixed_today = day
        self.refresh()

    def tab_title(self) -> str:
        base = self.tr("Today")
        return f"{base} ({self._count})" if self._count > 0 else base

    def count(self) -> int:
        return max(self._count, 0)

    def refresh(self) -> None:
        if self._suppress:
            return
        self._stale_timer.stop()
        today = self.today()
        self.settings = care.load_settings()
        if self.lst is not None and self.lst.today != today:
            self.caps = {}  # a new day starts with a day's share again
        self.store_picker.reload(quiet=True)  # the owner may have unlocked (any store) or locked (their store)
        store_id = self.store_picker.store_id()
        self.lst = care.build_today(today, self.settings, self.caps, store_id=store_id)
        with care.store_scope(store_id):
            self.backlog = care.visit_backlog(today, self.settings, cap=BACKLOG_CAP)
        loc = self.locale()
        self.date_label.setText(loc.toString(qclock.to_qdate(today), "yyyy-MM-dd dddd"))
        self._fill_kind_filter()
        self._apply_filter()
        due = self.lst.due_count
        if due != self._count:
            self._count = due
            self.title_changed.emit()

    def more_kind(self) -> str:
        """The kind "Load more" reads: the one shown, else the first kind with items left."""
        if self.lst is None:
            return ""
        kind = self.kind_filter.currentData() or ""
        if kind:
            return kind if self.lst.more.get(kind) else ""
        return next((k for k in care.KINDS if self.lst.more.get(k)), "")

    def load_more(self) -> None:
        """One more screenful of a kind, in its order, merged with what is listed."""
        kind = self.more_kind()
        if not kind:
            return
        self.lst = care.load_more(self.lst, kind, self.settings)
        self.caps = dict(self.lst.caps)
        self._fill_kind_filter()
        self._apply_filter()
        if self.lst.due_count != self._count:
            self._count = self.lst.due_count
            self.title_changed.emit()

    def _fill_kind_filter(self) -> None:
        current = self.kind_filter.currentData()
        counts: dict[str, int] = {}
        for it in self.lst.items:
            counts[it.kind] = counts.get(it.kind, 0) + 1
        self.kind_filter.blockSignals(True)
        self.kind_filter.clear()
        self.kind_filter.addItem(self.tr("All (%1)").replace("%1", str(len(self.lst.items))), "")
        for kind in care.KINDS:
            if counts.get(kind):
                self.kind_filter.addItem(f"{care.kind_text(kind)} ({counts[kind]})", kind)
        i = self.kind_filter.findData(current)
        self.kind_filter.setCurrentIndex(max(i, 0))
        self.kind_filter.blockSignals(False)

    def _apply_filter(self) -> None:
        if self.lst is None:
            return
        kind = self.kind_filter.currentData() or ""
        upcoming = self.show_upcoming.isChecked()
        today = self.lst.today
        items = [i for i in self.lst.items if (not kind or i.kind == kind) and (upcoming or i.due <= today)]
        self.model.set_items(items, today, self.settings)
        late = sum(1 for i in self.lst.items if i.due < today)
        now = sum(1 for i in self.lst.items if i.due == today)
        ahead = len(self.lst.items) - late - now
        parts = [self.tr("%n due today", "", now), self.tr("%n overdue", "", late), self.tr("%n upcoming", "", ahead)]
        listed = sum(1 for i in self.lst.items if i.kind == "visit")
        if self.backlog > listed:
            # the visit plan's backlog beyond the daily limit waits for the coming days
            if self.backlog >= BACKLOG_CAP:
                parts.append(
                    self.tr("over %n more scheduled visit(s) wait for the coming days", "", BACKLOG_CAP - listed)
                )
            else:
                parts.append(self.tr("%n more scheduled visit(s) wait for the coming days", "", self.backlog - listed))
        text = " · ".join(parts)
        for problem in self.lst.problems:  # e.g. a date past the lunar calendar table
            text += "\n" + problem
        self.summary.setText(text)
        more = [
            (
                self.tr("%1: %n+ more", "", self.lst.more[k])
                if k in self.lst.more_capped
                else self.tr("%1: %n more", "", self.lst.more[k])
            ).replace("%1", care.kind_text(k))
            for k in care.KINDS
            if self.lst.more.get(k)
        ]
        self.more_label.setText(" · ".join(more))
        self.more_label.setVisible(bool(more))
        self.more_button.setVisible(bool(more))
        self.more_button.setEnabled(bool(self.more_kind()))
        self._on_selection()

    def _check_day(self) -> None:
        if self.lst is not None and self.lst.today != self.today():
            self._timed_refresh()

    def _timed_refresh(self) -> None:
        """What the timers do: rebuild while the window is open; a closed window (its database
        perhaps closed or switched) leaves its list alone. A lost connection meanwhile is the
        window's banner, not an error box (nobody asked for this refresh): the list is read again
        once the connection is back."""
        if self.window().isVisible():
            try:
                self.refresh()
            except ConnectionLost as exc:
                live.report_lost(self, exc)

    def _on_data_changed(self) -> None:
        if self._suppress:
            return
        if self.context.is_current_tab(self):
            return  # the main window refreshes the visible tab itself
        self._stale_timer.start()

    def _changed(self) -> None:
        """After a write from this tab: rebuild, then tell the main window (without a second
        rebuild of this tab)."""
        self.refresh()
        if self.context.attached:
            self._suppress = True
            try:
                self.context.notify_data_changed()
            finally:
                self._suppress = False

    # --- selection -----------------------------------------------------------------------------
    def selected_items(self) -> list[care.CareItem]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [self.model.item(r) for r in rows]

    def select_rows(self, rows: list[int]) -> None:
        sm = self.table.selectionModel()
        sm.clearSelection()
        for r in rows:
            sm.select(self.model.index(r, 0), sm.SelectionFlag.Select | sm.SelectionFlag.Rows)

    def _on_selection(self, *args) -> None:
        items = self.selected_items()
        for b in (self.done_button, self.snooze_button, self.skip_button, self.copy_button):
            b.setEnabled(bool(items))
        self.open_button.setEnabled(len(items) == 1 and self.context.attached)
        self.anniversary_button.setEnabled(len(items) == 1)
        self.export_button.setEnabled(self.model.rowCount() > 0)
        self.preview.setPlainText(
            care.message(items[0], self.settings)
            if len(items) == 1
            else self.tr("%n item(s) selected", "", len(items))
            if items
            else ""
        )
        self.status.clear()

    def _first_row(self, items) -> int:
        ids = {id(i) for i in items}
        return next((r for r, it in enumerate(self.model.items) if id(it) in ids), 0)

    def _select_next(self, row: int) -> None:
        """After done / skip / snooze: select the item now in the handled item's place (the next
        one; the last one when the handled item was last) so that the clerk can go on with the
        keyboard."""
        n = self.model.rowCount()
        if n == 0:
            return
        row = max(0, min(row, n - 1))
        index = self.model.index(row, 0)
        self.table.setCurrentIndex(index)  # selects the row (SelectRows) and moves the cursor
        self.select_rows([row])
        self.table.scrollTo(index)
        self.table.setFocus()

    def _after_action(self, items, row: int, text: str) -> None:
        self._changed()
        self._select_next(row)
        self.status.setText(text)

    # --- actions -------------------------------------------------------------------------------
    def _warn(self, exc: Exception) -> None:
        QMessageBox.warning(self, self.tr("Cannot save"), str(exc))

    def done_selected(self) -> DoneDialog | None:
        items = self.selected_items()
        if not items:
            return None
        campaign = any(x.kind == "campaign" for i in items for x in (i, *i.merged))
        dlg = DoneDialog(self, len(items), items[0].channel, self.today(), campaign=campaign)
        dlg.accepted.connect(lambda: self.apply_done(items, **dlg.values()))
        return self._show(dlg)

    def apply_done(self, items, **values) -> bool:
        row = self._first_row(items)
        if len(items) > BULK:
            # a festival greeting sent to everyone: one transaction in a worker, with Cancel
            from shopcrm.core.errors import Cancelled
            from shopcrm.ui.shell.tasks import run_task

            ok, result = run_task(self, self.tr("Recording contacts…"), care.mark_done, items, **values)
            if not ok:
                if not isinstance(result, Cancelled):
                    self._warn(result)
                return False
        else:
            try:
                care.mark_done(items, **values)
            except ValueError as exc:  # FieldError is a ValueError
                self._warn(exc)
                return False
        self._after_action(items, row, self.tr("%n item(s) done", "", len(items)))
        return True

    def snooze_selected(self) -> SnoozeDialog | None:
        items = self.selected_items()
        if not items:
            return None
        dlg = SnoozeDialog(self, self.today())
        dlg.accepted.connect(lambda: self.apply_snooze(items, qclock.from_qdate(dlg.date.date()), dlg.reason.text()))
        return self._show(dlg)

    def apply_snooze(self, items, until: dt.date, reason: str = "") -> bool:
        row = self._first_row(items)
        try:
            care.snooze(items, until, today=self.today(), reason=reason)
        except ValueError as exc:
            self._warn(exc)
            return False
        self._after_action(
            items, row, self.tr("%n item(s) snoozed to %1", "", len(items)).replace("%1", until.isoformat())
        )
        return True

    def skip_selected(self) -> SkipDialog | None:
        items = self.selected_items()
        if not items:
            return None
        dlg = SkipDialog(self)
        dlg.accepted.connect(lambda: self.apply_skip(items, dlg.reason.currentText()))
        return self._show(dlg)

    def apply_skip(self, items, reason: str) -> bool:
        row = self._first_row(items)
        try:
            care.skip(items, reason)
        except ValueError as exc:
            self._warn(exc)
            return False
        self._after_action(items, row, self.tr("%n item(s) skipped", "", len(items)))
        return True

    def _show(self, dlg: QDialog) -> QDialog:
        dlg.finished.connect(dlg.deleteLater)
        self.dialog = dlg
        dlg.open()
        return dlg

    def copy_selected(self) -> str:
        items = self.selected_items()
        text = "\n\n".join(care.message(i, self.settings) for i in items)
        if text:
            QGuiApplication.clipboard().setText(text)
            self.status.setText(self.tr("%n message(s) copied", "", len(items)))
        return text

    def open_selected(self, *args) -> None:
        items = self.selected_items()
        if len(items) == 1:
            self.context.open_customer(items[0].customer_id)

    def export_to(self, path, progress=None):
        """Write the list as shown (filter applied) to ``path`` (.xlsx)."""
        return care.export_xlsx(path, self.lst, self.settings, list(self.model.items), progress=progress)

    def export_dialog(self) -> None:
        name = f"{self.tr('Today')}_{self.today().isoformat()}.xlsx"
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export list"), name, self.tr("Excel (*.xlsx)"))
        if not path:
            return
        from shopcrm.ui.shell.tasks import run_task

        ok, result = run_task(
            self, self.tr("Exporting…"), care.export_xlsx, path, self.lst, self.settings, list(self.model.items)
        )
        if not ok:
            from shopcrm.core.errors import Cancelled

            if not isinstance(result, Cancelled):
                self._warn(result)

    def edit_anniversaries(self):
        items = self.selected_items()
        if len(items) != 1:
            return None
        from shopcrm.ui.customers.anniversaries import AnniversaryDialog

        dlg = AnniversaryDialog(items[0].customer_id, self)
        dlg.changed.connect(self._changed)
        return self._show(dlg)

    def open_settings(self):
        from shopcrm.ui.today.care_settings import CareSettingsDialog

        dlg = CareSettingsDialog(self)
        dlg.saved.connect(self.refresh)
        return self._show(dlg)
