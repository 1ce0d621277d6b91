"""Complaint dialogs and panels: record/edit a complaint, the detail panel that works a case, the
settings dialog, and ``CustomerComplaintsList`` for the customer archive form.

Thin widgets: every change goes through :mod:`shopcrm.complaints`; errors from the domain are
shown inline (they already name the field and the reason in the user's language).
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QCoreApplication, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from shopcrm import complaints as K, customers
from shopcrm.core.errors import FieldError, ValidationError
from shopcrm.core.money import fmt
from shopcrm.core.normalize import parse_money
from shopcrm.sales import activity
from shopcrm.store.models import Customer, now
from shopcrm.ui.shell import forms
from shopcrm.ui.shell.qclock import from_qdatetime, to_qdatetime

try:  # clerk mode masks mobiles (issue #7); absent in older trees
    from shopcrm.trust.security import display_mobile
except ImportError:  # pragma: no cover

    def display_mobile(mobile):
        return mobile or ""


OVERDUE_BG = "#fbe3e1"
OVERDUE_FG = "#b3261e"
NEARLY_BG = "#fff1cc"
NEARLY_FG = "#8a5a00"
PAUSED_FG = "#5f6b7a"
ERROR_STYLE = "color: #b3261e;"
TIP_STYLE = "background: #eef5ff; border: 1px solid #c9dcf5; border-radius: 4px; padding: 6px; color: #1f3b63;"


def error_text(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "\n".join(e.message for e in exc.errors)
    if isinstance(exc, LookupError) and exc.args:
        return str(exc.args[0])
    return str(exc)


def left_text(seconds: int | None, status: str) -> str:
    """“超时 5 小时” / “剩 3 小时” / “暂停，剩 …” for a deadline cell or label."""
    if seconds is None:
        return ""
    h = abs(seconds) // 3600
    d, hh = divmod(h, 24)
    if d:
        span = QCoreApplication.translate("ComplaintClock", "%1 d %2 h").replace("%1", str(d)).replace("%2", str(hh))
    else:
        span = (
            QCoreApplication.translate("ComplaintClock", "%1 h %2 min")
            .replace("%1", str(hh))
            .replace("%2", str(abs(seconds) // 60 % 60))
        )
    if status == "waiting":
        return QCoreApplication.translate("ComplaintClock", "Paused, %1 left").replace("%1", span)
    if seconds < 0:
        return QCoreApplication.translate("ComplaintClock", "Overdue %1").replace("%1", span)
    return QCoreApplication.translate("ComplaintClock", "%1 left").replace("%1", span)


# --- record / edit ----------------------------------------------------------------------------


class ComplaintDialog(QDialog):
    """Record a new complaint (``complaint_id`` None) or edit what was recorded."""

    saved = Signal(int)

    def __init__(self, complaint_id: int | None = None, parent=None, *, customer_id: int | None = None, who: str = ""):
        super().__init__(parent)
        self.setObjectName("complaintDialog")
        self.complaint_id = complaint_id
        self.who = who
        self.cfg = K.get_config()
        self.customer_id = customer_id
        self.setWindowTitle(self.tr("Record complaint") if complaint_id is None else self.tr("Edit complaint"))

        # who complains
        self.customer_radio = QRadioButton(self.tr("Customer"), objectName="customerRadio")
        self.walkin_radio = QRadioButton(self.tr("Walk-in (not a customer yet)"), objectName="walkinRadio")
        group = QButtonGroup(self)
        group.addButton(self.customer_radio)
        group.addButton(self.walkin_radio)
        self.customer_radio.setChecked(True)
        self.customer_search = QLineEdit(objectName="customerSearch")
        self.customer_search.setPlaceholderText(
            self.tr("Search: mobile, last 4 digits, name, pinyin initials, card no.")
        )
        self.customer_search.setClearButtonEnabled(True)
        self.customer_results = QListWidget(objectName="customerResults")
        self.customer_results.setMaximumHeight(110)
        self.chosen_label = QLabel(objectName="chosenCustomer")
        self.walkin_name = QLineEdit(objectName="walkinName")
        self.walkin_name.setPlaceholderText(self.tr("Name"))
        self.walkin_mobile = QLineEdit(objectName="walkinMobile")
        self.walkin_mobile.setPlaceholderText(self.tr("Mobile"))
        cust_page = QWidget()
        cl = QVBoxLayout(cust_page)
        cl.setContentsMargins(0, 0, 0, 0)
        cl.addWidget(self.customer_search)
        cl.addWidget(self.customer_results)
        cl.addWidget(self.chosen_label)
        walk_page = QWidget()
        wl = QHBoxLayout(walk_page)
        wl.setContentsMargins(0, 0, 0, 0)
        wl.addWidget(self.walkin_name)
        wl.addWidget(self.walkin_mobile)
        self.who_stack = QStackedWidget()
        self.who_stack.addWidget(cust_page)
        self.who_stack.addWidget(walk_page)
        self.customer_radio.toggled.connect(lambda on: self.who_stack.setCurrentIndex(0 if on else 1))
        self._search_timer = QTimer(self, singleShot=True, interval=200)
        self._search_timer.timeout.connect(self._search_customers)
        self.customer_search.textChanged.connect(lambda _t: self._search_timer.start())
        self.customer_results.currentItemChanged.connect(self._pick_customer)

        # the complaint
        self.received = QDateTimeEdit(objectName="receivedAt")
        self.received.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.received.setCalendarPopup(True)
        self.received.setDateTime(to_qdatetime(now()))
        self.channel = QComboBox(objectName="channelCombo")
        for ch in K.CHANNELS:
            self.channel.addItem(K.channel_label(ch), ch)
        self.category = QComboBox(objectName="categoryCombo")
        self.category.addItems(self.cfg.categories)
        self.key_points = QPlainTextEdit(objectName="keyPoints")
        self.key_points.setPlaceholderText(self.tr("What happened, in the customer's own words"))
        self.key_points.setFixedHeight(70)
        self.request = QPlainTextEdit(objectName="requestEdit")
        self.request.setPlaceholderText(self.tr("What the customer asks for"))
        self.request.setFixedHeight(48)
        self.temperament = QComboBox(objectName="temperamentCombo")
        for x in self.cfg.temperaments:
            self.temperament.addItem(x.name, x.name)
        self.tip = QLabel(objectName="temperamentTip")
        self.tip.setWordWrap(True)
        self.tip.setStyleSheet(TIP_STYLE)
        self.temperament.currentIndexChanged.connect(self._show_tip)
        self.severity = QComboBox(objectName="severityCombo")
        for s in self.cfg.severities:
            self.severity.addItem(self.tr("%1 (within %2 h)").replace("%1", s.name).replace("%2", str(s.hours)), s.name)
        if self.severity.count() > 1:
            self.severity.setCurrentIndex(1)  # the middle one (一般) by default
        self.due_preview = QLabel(objectName="duePreview")
        self.severity.currentIndexChanged.connect(self._show_due)
        self.received.dateTimeChanged.connect(self._show_due)
        self.handler = QLineEdit(objectName="handlerEdit")
        self.handler.setText(who)
        self.error = QLabel(objectName="complaintDialogError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet(ERROR_STYLE)

        form = QFormLayout()
        if complaint_id is None:
            radios = QHBoxLayout()
            radios.addWidget(self.customer_radio)
            radios.addWidget(self.walkin_radio)
            radios.addStretch(1)
            form.addRow(self.tr("Who"), radios)
            form.addRow("", self.who_stack)
            form.addRow(self.tr("Received"), self.received)
        else:
            for w in (self.customer_radio, self.walkin_radio, self.who_stack, self.received):
                w.hide()
        form.addRow(self.tr("Channel"), self.channel)
        form.addRow(self.tr("Category"), self.category)
        form.addRow(self.tr("Key points"), self.key_points)
        form.addRow(self.tr("Request"), self.request)
        form.addRow(self.tr("Temperament"), self.temperament)
        form.addRow("", self.tip)
        sev = QHBoxLayout()
        sev.addWidget(self.severity)
        sev.addWidget(self.due_preview, 1)
        form.addRow(self.tr("Severity"), sev)
        form.addRow(self.tr("Handler"), self.handler)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setObjectName("saveComplaintButton")
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.error)
        lay.addWidget(self.buttons)
        self.resize(560, 0)

        if complaint_id is not None:
            self._load(complaint_id)
        elif customer_id is not None:
            c = Customer.get_or_none(Customer.id == customer_id)
            if c is not None:
                self._set_chosen(c.id, c.name, c.mobile)
        self._show_tip()
        self._show_due()
        forms.settle(
            self, first=self.customer_search if complaint_id is None and self.customer_id is None else self.channel
        )

    def _load(self, complaint_id: int) -> None:
        k = K.get(complaint_id)
        self._select(self.channel, k.channel)
        if k.category and self.category.findText(k.category) < 0:
            self.category.addItem(k.category)
        self.category.setCurrentText(k.category)
        self.key_points.setPlainText(k.key_points)
        self.request.setPlainText(k.request)
        if k.temperament and self.temperament.findData(k.temperament) < 0:
            self.temperament.addItem(k.temperament, k.temperament)
        self._select(self.temperament, k.temperament)
        if k.severity and self.severity.findData(k.severity) < 0:
            self.severity.addItem(k.severity, k.severity)
        self._select(self.severity, k.severity)
        self.handler.setText(k.handler)
        self.received.setDateTime(to_qdatetime(k.received_at))

    @staticmethod
    def _select(combo: QComboBox, data) -> None:
        i = combo.findData(data)
        if i >= 0:
            combo.setCurrentIndex(i)

    def _show_tip(self) -> None:
        tip = self.cfg.tip_for(self.temperament.currentData() or "")
        self.tip.setText(self.tr("Handling tip: %1").replace("%1", tip) if tip else "")
        self.tip.setVisible(bool(tip))

    def _show_due(self) -> None:
        hours = self.cfg.hours_for(self.severity.currentData() or "")
        if hours is None:
            self.due_preview.setText("")
            return
        due = from_qdatetime(self.received.dateTime()) + dt.timedelta(hours=hours)
        self.due_preview.setText(self.tr("Due %1").replace("%1", due.strftime("%Y-%m-%d %H:%M")))

    def _search_customers(self) -> None:
        text = self.customer_search.text().strip()
        self.customer_results.clear()
        if not text:
            return
        for r in customers.page(customers.CustomerQuery(text=text), 0, 20):
            item = QListWidgetItem(f"{r.name}  {display_mobile(r.mobile)}" + (f"  {r.card_no}" if r.card_no else ""))
            item.setData(Qt.ItemDataRole.UserRole, (r.id, r.name, r.mobile))
            self.customer_results.addItem(item)
        if self.customer_results.count() == 1:
            self.customer_results.setCurrentRow(0)

    def _pick_customer(self, item, _previous=None) -> None:
        if item is not None:
            self._set_chosen(*item.data(Qt.ItemDataRole.UserRole))

    def _set_chosen(self, cid: int, name: str, mobile: str) -> None:
        self.customer_id = cid
        self.chosen_label.setText(self.tr("Chosen: %1").replace("%1", f"{name} {display_mobile(mobile)}"))

    def input(self) -> K.ComplaintInput:
        walkin = self.walkin_radio.isChecked()
        return K.ComplaintInput(
            customer_id=None if walkin else self.customer_id,
            walkin_name=self.walkin_name.text() if walkin else "",
            walkin_mobile=self.walkin_mobile.text() if walkin else "",
            received_at=from_qdatetime(self.received.dateTime()),
            channel=self.channel.currentData(),
            category=self.category.currentText(),
            key_points=self.key_points.toPlainText(),
            request=self.request.toPlainText(),
            temperament=self.temperament.currentData() or "",
            severity=self.severity.currentData() or "",
            handler=self.handler.text(),
        )

    def save(self) -> None:
        try:
            if self.complaint_id is None:
                k = K.create(self.input(), who=self.who or self.handler.text().strip())
            else:
                k = K.update_details(self.complaint_id, self.input(), who=self.who)
        except (ValidationError, FieldError, LookupError) as exc:
            self.error.setText(error_text(exc))
            return
        self.complaint_id = k.id
        self.saved.emit(k.id)
        self.accept()


# --- the detail panel -------------------------------------------------------------------------


class ComplaintDetail(QWidget):
    """Works one complaint: judgement, the six steps, status moves, resolution, follow-up, notes,
    and the timeline. Emits ``changed(id)`` after every write."""

    changed = Signal(int)
    open_customer_requested = Signal(int)

    def __init__(self, parent=None, *, who=None):
        super().__init__(parent)
        self.setObjectName("complaintDetail")
        self._who = who or (lambda: "")
        self.complaint_id: int | None = None
        self.complaint = None

        self.header = QLabel(objectName="detailHeader")
        self.header.setTextFormat(Qt.TextFormat.RichText)
        self.header.setWordWrap(True)
        self.status_label = QLabel(objectName="detailStatus")
        self.due_label = QLabel(objectName="detailDue")
        self.edit_button = QPushButton(self.tr("Edit…"), objectName="editComplaintButton")
        self.customer_button = QPushButton(self.tr("Customer archive"), objectName="openCustomerButton")
        self.convert_button = QPushButton(self.tr("Make customer"), objectName="convertWalkinButton")
        self.convert_button.setToolTip(self.tr("Create a customer from the walk-in's name and mobile"))
        self.info = QLabel(objectName="detailInfo")
        self.info.setWordWrap(True)
        self.info.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.tip = QLabel(objectName="detailTip")
        self.tip.setWordWrap(True)
        self.tip.setStyleSheet(TIP_STYLE)

        # validity
        self.validity = QComboBox(objectName="validityCombo")
        self.validity.addItem(self.tr("Not judged"), "")
        self.validity.addItem(self.tr("Valid"), "valid")
        self.validity.addItem(self.tr("Partly valid"), "partial")
        self.validity.addItem(self.tr("Not valid"), "invalid")
        self.validity_reason = QLineEdit(objectName="validityReason")
        self.validity_reason.setPlaceholderText(self.tr("Reason for the judgement"))
        self.validity_button = QPushButton(self.tr("Save"), objectName="saveValidityButton")
        vbox = QGroupBox(self.tr("Is the complaint valid?"))
        vl = QHBoxLayout(vbox)
        vl.addWidget(self.validity)
        vl.addWidget(self.validity_reason, 1)
        vl.addWidget(self.validity_button)

        # six steps
        self.step_boxes: list[QCheckBox] = []
        labels = (
            self.tr("1. Listen fully"),
            self.tr("2. Restate to confirm"),
            self.tr("3. Apologise sincerely"),
            self.tr("4. Acknowledge the feelings"),
            self.tr("5. Explain the action"),
            self.tr("6. Thank the customer"),
        )
        self.steps_box = QGroupBox(objectName="stepsBox")
        sl = QGridLayout(self.steps_box)
        for i, (code, label) in enumerate(zip(K.STEPS, labels, strict=True)):
            box = QCheckBox(label, objectName=f"step_{code}")
            box.toggled.connect(lambda on, i=i: self._step(i, on))
            self.step_boxes.append(box)
            sl.addWidget(box, i // 3, i % 3)

        # status moves
        self.start_button = QPushButton(self.tr("Start handling"), objectName="startButton")
        self.wait_button = QPushButton(self.tr("Wait for customer"), objectName="waitButton")
        self.wait_button.setToolTip(self.tr("Pauses the due clock until the customer replies"))
        self.resume_button = QPushButton(self.tr("Customer replied"), objectName="resumeButton")
        self.reopen_reason = QLineEdit(objectName="reopenReason")
        self.reopen_reason.setPlaceholderText(self.tr("Why reopen?"))
        self.reopen_button = QPushButton(self.tr("Reopen"), objectName="reopenButton")
        moves = QHBoxLayout()
        for w in (self.start_button, self.wait_button, self.resume_button, self.reopen_reason, self.reopen_button):
            moves.addWidget(w)
        moves.addStretch(1)

        # resolution
        self.resolution = QComboBox(objectName="resolutionType")
        for r in K.RESOLUTION_TYPES:
            self.resolution.addItem(K.resolution_label(r), r)
        self.amount = QLineEdit(objectName="resolutionAmount")
        self.amount.setPlaceholderText(self.tr("Amount (yuan)"))
        self.amount.setMaximumWidth(120)
        self.refund = QCheckBox(objectName="refundToCard")
        # the purchase the refund is of (a refund of it through the counter: spend and points go
        # down with it); "no particular purchase" keeps it a card entry
        self.refund_purchase = QComboBox(objectName="refundPurchaseCombo")
        self.refund_purchase.setToolTip(self.tr("The purchase this refund is of: its spend and points go down"))
        self.refund_purchase.setEnabled(False)
        self.refund.toggled.connect(self._refund_toggled)
        self.refund_purchase.currentIndexChanged.connect(self._purchase_chosen)
        self.resolution_notes = QLineEdit(objectName="resolutionNotes")
        self.resolution_notes.setPlaceholderText(self.tr("What was done"))
        self.resolve_button = QPushButton(self.tr("Resolve"), objectName="resolveButton")
        self.resolve_box = QGroupBox(self.tr("Resolution"), objectName="resolveBox")
        rl = QGridLayout(self.resolve_box)
        rl.addWidget(self.resolution, 0, 0)
        rl.addWidget(self.amount, 0, 1)
        rl.addWidget(self.refund, 0, 2)
        rl.addWidget(self.refund_purchase, 1, 0, 1, 3)
        rl.addWidget(self.resolution_notes, 2, 0, 1, 2)
        rl.addWidget(self.resolve_button, 2, 2)
        self.resolution_done = QLabel(objectName="resolutionDone")
        self.resolution_done.setWordWrap(True)

        # follow-up
        self.satisfaction = QSpinBox(objectName="satisfactionSpin")
        self.satisfaction.setRange(1, 5)
        self.satisfaction.setValue(5)
        self.satisfaction.setSuffix(self.tr(" / 5"))
        self.followup_notes = QLineEdit(objectName="followupNotes")
        self.followup_notes.setPlaceholderText(self.tr("What the customer said"))
        self.followup_button = QPushButton(self.tr("Record follow-up and close"), objectName="followupButton")
        self.followup_box = QGroupBox(objectName="followupBox")
        fl = QHBoxLayout(self.followup_box)
        fl.addWidget(QLabel(self.tr("Satisfaction")))
        fl.addWidget(self.satisfaction)
        fl.addWidget(self.followup_notes, 1)
        fl.addWidget(self.followup_button)

        # note + timeline
        self.note = QLineEdit(objectName="noteEdit")
        self.note.setPlaceholderText(self.tr("Add a note to the timeline"))
        self.note_button = QPushButton(self.tr("Add note"), objectName="addNoteButton")
        self.timeline = QTreeWidget(objectName="timeline")
        self.timeline.setHeaderLabels([self.tr("When"), self.tr("Who"), self.tr("What")])
        self.timeline.setRootIsDecorated(False)
        self.timeline.setWordWrap(True)
        self.timeline.setColumnWidth(0, 120)
        self.timeline.setColumnWidth(1, 60)
        self.timeline.setMinimumHeight(130)
        self.error = QLabel(objectName="detailError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet(ERROR_STYLE)
        self.placeholder = QLabel(
            self.tr("Select a complaint in the list, or record a new one."), objectName="detailPlaceholder"
        )
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)

        head = QHBoxLayout()
        head.addWidget(self.header, 1)
        head.addWidget(self.status_label)
        actions = QHBoxLayout()
        actions.addWidget(self.due_label, 1)
        actions.addWidget(self.convert_button)
        actions.addWidget(self.customer_button)
        actions.addWidget(self.edit_button)
        note = QHBoxLayout()
        note.addWidget(self.note, 1)
        note.addWidget(self.note_button)

        self.body = QWidget()
        bl = QVBoxLayout(self.body)
        bl.setContentsMargins(0, 0, 0, 0)
        bl.addLayout(head)
        bl.addLayout(actions)
        bl.addWidget(self.info)
        bl.addWidget(self.tip)
        bl.addWidget(vbox)
        bl.addWidget(self.steps_box)
        bl.addLayout(moves)
        bl.addWidget(self.resolve_box)
        bl.addWidget(self.resolution_done)
        bl.addWidget(self.followup_box)
        bl.addWidget(self.error)
        bl.addLayout(note)
        bl.addWidget(self.timeline, 1)
        lay = QVBoxLayout(self)
        lay.addWidget(self.placeholder)
        lay.addWidget(self.body)

        self.validity_button.clicked.connect(self._save_validity)
        self.start_button.clicked.connect(lambda: self._do(K.start))
        self.wait_button.clicked.connect(lambda: self._do(K.wait_for_customer))
        self.resume_button.clicked.connect(lambda: self._do(K.resume))
        self.reopen_button.clicked.connect(self._reopen)
        self.resolve_button.clicked.connect(self._resolve)
        self.followup_button.clicked.connect(self._followup)
        self.note_button.clicked.connect(self._add_note)
        self.note.returnPressed.connect(self._add_note)
        self.convert_button.clicked.connect(self._convert)
        self.customer_button.clicked.connect(
            lambda: (
                self.complaint
                and self.complaint.customer_id
                and self.open_customer_requested.emit(self.complaint.customer_id)
            )
        )
        self.edit_button.clicked.connect(self._edit)
        self.resolution.currentIndexChanged.connect(self._update_refund)
        self.show_complaint(None)

    # --- loading ------------------------------------------------------------------------------
    def show_complaint(self, complaint_id: int | None) -> None:
        if complaint_id != self.complaint_id:
            self.error.clear()
            self.reopen_reason.clear()
            self.note.clear()
        self.complaint_id = complaint_id
        self.complaint = None
        if complaint_id is not None:
            try:
                self.complaint = K.get(complaint_id)
            except LookupError:
                self.complaint_id = None
        self.placeholder.setVisible(self.complaint is None)
        self.body.setVisible(self.complaint is not None)
        if self.complaint is not None:
            self._fill(self.complaint)

    def reload(self) -> None:
        self.show_complaint(self.complaint_id)

    def _fill(self, k) -> None:
        cust = Customer.get_or_none(Customer.id == k.customer_id) if k.customer_id else None
        if cust is not None:
            who = f"{cust.name} {display_mobile(cust.mobile)}"
        else:
            who = f"{k.walkin_name} {display_mobile(k.walkin_mobile)} " + self.tr("(walk-in)")
        self.header.setText(
            f"<b>#{k.id}</b>&nbsp; <b>{_html(who)}</b><br>"
            f"{_html(k.category)} · {_html(k.severity)} · {_html(K.channel_label(k.channel))}"
        )
        running = k.status in K.CLOCK_RUNNING
        self.status_label.setText(K.status_label(k.status))
        colour = {
            "new": "#1f6feb",
            "in_progress": "#9a6700",
            "waiting": PAUSED_FG,
            "resolved": "#1a7f37",
            "closed": "#57606a",
        }[k.status]
        self.status_label.setStyleSheet(
            f"color: white; background: {colour}; border-radius: 4px; padding: 2px 8px; font-weight: bold;"
        )
        secs = K.seconds_left(k.status, k.due_at, k.paused_since, now())
        due = k.due_at.strftime("%Y-%m-%d %H:%M") if k.due_at else ""
        text = self.tr("Due %1").replace("%1", due)
        if secs is not None:
            text += "  ·  " + left_text(secs, k.status)
        self.due_label.setText(text)
        cfg = K.get_config()
        style = ""
        if running and secs is not None and secs < 0:
            style = f"color: {OVERDUE_FG}; font-weight: bold;"
        elif running and secs is not None and secs < cfg.nearly_due_hours * 3600:
            style = f"color: {NEARLY_FG}; font-weight: bold;"
        self.due_label.setStyleSheet(style)
        self.convert_button.setVisible(k.customer_id is None)
        self.customer_button.setVisible(k.customer_id is not None)
        info = [
            self.tr("Received %1 via %2, handler %3")
            .replace("%1", k.received_at.strftime("%Y-%m-%d %H:%M"))
            .replace("%2", K.channel_label(k.channel))
            .replace("%3", k.handler or "—"),
            self.tr("Key points: %1").replace("%1", k.key_points),
        ]
        if k.request:
            info.append(self.tr("Asks for: %1").replace("%1", k.request))
        if k.temperament:
            info.append(self.tr("Temperament: %1").replace("%1", k.temperament))
        self.info.setText("\n".join(info))
        tip = cfg.tip_for(k.temperament)
        self.tip.setText(self.tr("Handling tip: %1").replace("%1", tip) if tip else "")
        self.tip.setVisible(bool(tip))

        i = self.validity.findData(k.validity or "")
        self.validity.setCurrentIndex(max(i, 0))
        self.validity_reason.setText(k.validity_reason)
        done = K.steps_done(k.steps)
        for box, on in zip(self.step_boxes, done, strict=True):
            box.blockSignals(True)
            box.setChecked(on)
            box.blockSignals(False)
        self.steps_box.setTitle(self.tr("Six handling steps (%1/6 done)").replace("%1", str(sum(done))))
        open_ = k.status in K.OPEN_STATUSES
        self.steps_box.setEnabled(open_)
        self.validity.setEnabled(k.status != "closed")
        self.validity_reason.setEnabled(k.status != "closed")
        self.validity_button.setEnabled(k.status != "closed")

        moves = K.allowed_moves(k.status)
        self.start_button.setVisible(k.status == "new")
        self.wait_button.setVisible("waiting" in moves)
        self.resume_button.setVisible(k.status == "waiting")
        can_reopen = k.status in ("resolved", "closed")
        self.reopen_reason.setVisible(can_reopen)
        self.reopen_button.setVisible(can_reopen)
        self.resolve_box.setVisible(k.status in ("new", "in_progress"))
        self.resolve_box.setEnabled(k.status == "in_progress")
        self.resolve_box.setToolTip("" if k.status == "in_progress" else self.tr("Start handling the complaint first"))
        if k.resolved_at:
            res = K.resolution_label(k.resolution_type)
            if k.resolution_amount_cents:
                res += f" ¥{fmt(k.resolution_amount_cents)}"
            if k.refund_cents:
                res += self.tr(" (¥%1 refunded to the card)").replace("%1", fmt(k.refund_cents))
            text = self.tr("Resolved %1: %2").replace("%1", k.resolved_at.strftime("%Y-%m-%d %H:%M")).replace("%2", res)
            if k.resolution_notes:
                text += f" — {k.resolution_notes}"
            if k.status == "closed":
                text += "\n" + self.tr("Follow-up %1: satisfaction %2/5 %3").replace(
                    "%1", k.closed_at.strftime("%Y-%m-%d")
                ).replace("%2", str(k.satisfaction)).replace("%3", k.followup_notes)
            self.resolution_done.setText(text)
        self.resolution_done.setVisible(bool(k.resolved_at))
        self.followup_box.setVisible(k.status == "resolved")
        if k.followup_due:
            self.followup_box.setTitle(
                self.tr("Satisfaction follow-up (due %1)").replace("%1", k.followup_due.isoformat())
            )
        self._update_refund()

        self.timeline.clear()
        for e in K.events(k.id):
            item = QTreeWidgetItem([e.at.strftime("%m-%d %H:%M"), e.who, e.detail])
            item.setToolTip(2, e.detail)
            self.timeline.addTopLevelItem(item)
        self.timeline.scrollToBottom()

    def _update_refund(self) -> None:
        k = self.complaint
        kind = self.resolution.currentData()
        if k is None:
            return
        if k.customer_id is None:
            self.refund.setText(self.tr("Refund to card (walk-in: make customer first)"))
            self.refund.setEnabled(False)
        else:
            bal = Customer.get_by_id(k.customer_id).balance_cents
            self.refund.setText(self.tr("Refund to stored-value card (balance ¥%1)").replace("%1", fmt(bal)))
            self.refund.setEnabled(kind in K.REFUNDABLE)
        if kind not in K.REFUNDABLE:
            self.refund.setChecked(False)
        self.amount.setEnabled(kind in K.AMOUNT_RESOLUTIONS)
        self._fill_purchases(k.customer_id)

    def _fill_purchases(self, customer_id: int | None) -> None:
        """The customer's recent purchases with something left to refund."""
        keep = self.refund_purchase.currentData()
        self.refund_purchase.blockSignals(True)
        self.refund_purchase.clear()
        self.refund_purchase.addItem(self.tr("No particular purchase (a card entry)"), None)
        if customer_id is not None:
            for p in activity.purchases_of(customer_id, limit=50):
                if p.amount_cents <= 0:
                    continue
                self.refund_purchase.addItem(
                    self.tr("%1 · %2 · ¥%3 · refundable ¥%4")
                    .replace("%1", str(p.at)[:16])
                    .replace("%2", p.items or "—")
                    .replace("%3", fmt(p.amount_cents + p.refunded_cents))
                    .replace("%4", fmt(p.amount_cents)),
                    p.id,
                )
                self.refund_purchase.setItemData(
                    self.refund_purchase.count() - 1, p.amount_cents, Qt.ItemDataRole.UserRole + 1
                )
        i = self.refund_purchase.findData(keep)
        self.refund_purchase.setCurrentIndex(max(0, i))
        self.refund_purchase.blockSignals(False)
        self.refund_purchase.setEnabled(self.refund.isChecked() and self.refund.isEnabled())

    def _refund_toggled(self, on: bool) -> None:
        self.refund_purchase.setEnabled(on)
        if not on:
            self.refund_purchase.setCurrentIndex(0)

    def _purchase_chosen(self, _index: int) -> None:
        """A purchase chosen with no amount typed: its refundable rest is the amount (editable)."""
        left = self.refund_purchase.currentData(Qt.ItemDataRole.UserRole + 1)
        if left and self.amount.isEnabled() and not self.amount.text().strip():
            self.amount.setText(fmt(left, grouping=False))

    # --- actions --------------------------------------------------------------------------------
    def _run(self, fn) -> bool:
        if self.complaint_id is None:
            return False
        try:
            fn()
        except (ValidationError, FieldError, K.WorkflowError, LookupError) as exc:
            self.error.setText(error_text(exc))
            self.reload()
            return False
        self.error.clear()
        self.reload()
        self.changed.emit(self.complaint_id)
        return True

    def _do(self, step) -> None:
        self._run(lambda: step(self.complaint_id, who=self._who()))

    def _step(self, index: int, on: bool) -> None:
        self._run(lambda: K.set_step(self.complaint_id, index, on, who=self._who()))

    def _save_validity(self) -> None:
        self._run(
            lambda: K.set_validity(
                self.complaint_id, self.validity.currentData() or "", self.validity_reason.text(), who=self._who()
            )
        )

    def _resolve(self) -> None:
        def go():
            text = self.amount.text().strip() if self.amount.isEnabled() else ""
            cents = parse_money(text, "resolution_amount") if text else None
            K.resolve(
                self.complaint_id,
                self.resolution.currentData(),
                amount_cents=cents,
                notes=self.resolution_notes.text(),
                refund_to_card=self.refund.isChecked(),
                purchase_id=self.refund_purchase.currentData() if self.refund.isChecked() else None,
                who=self._who(),
            )

        if self._run(go):
            self.amount.clear()
            self.resolution_notes.clear()
            self.refund.setChecked(False)

    def _followup(self) -> None:
        if self._run(
            lambda: K.record_followup(
                self.complaint_id, self.satisfaction.value(), notes=self.followup_notes.text(), who=self._who()
            )
        ):
            self.followup_notes.clear()

    def _reopen(self) -> None:
        if self._run(lambda: K.reopen(self.complaint_id, self.reopen_reason.text(), who=self._who())):
            self.reopen_reason.clear()

    def _add_note(self) -> None:
        if self._run(lambda: K.add_note(self.complaint_id, self.note.text(), who=self._who())):
            self.note.clear()

    def _convert(self) -> None:
        self._run(lambda: K.convert_walkin(self.complaint_id, who=self._who()))

    def _edit(self) -> ComplaintDialog | None:
        if self.complaint_id is None:
            return None
        dlg = ComplaintDialog(self.complaint_id, self, who=self._who())
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dlg.saved.connect(lambda cid: (self.reload(), self.changed.emit(cid)))
        dlg.open()
        return dlg


def _html(text: str) -> str:
    return (text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# --- settings ---------------------------------------------------------------------------------


class ComplaintSettingsDialog(QDialog):
    """Categories, temperaments with their handling tips, severities with their due times, the
    follow-up delay. Plain text, one entry per line."""

    saved = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("complaintSettingsDialog")
        self.setWindowTitle(self.tr("Complaint settings"))
        cfg = K.get_config()
        self.categories = QPlainTextEdit("\n".join(cfg.categories), objectName="categoriesEdit")
        self.temperaments = QPlainTextEdit(
            "\n".join(f"{x.name} | {x.tip}" for x in cfg.temperaments), objectName="temperamentsEdit"
        )
        self.severities = QPlainTextEdit(
            "\n".join(f"{x.name} | {x.hours}" for x in cfg.severities), objectName="severitiesEdit"
        )
        self.followup_days = QSpinBox(objectName="followupDays")
        self.followup_days.setRange(0, 60)
        self.followup_days.setValue(cfg.followup_days)
        self.followup_days.setSuffix(self.tr(" days"))
        self.nearly_hours = QSpinBox(objectName="nearlyDueHours")
        self.nearly_hours.setRange(1, 168)
        self.nearly_hours.setValue(cfg.nearly_due_hours)
        self.nearly_hours.setSuffix(self.tr(" h"))
        self.error = QLabel(objectName="settingsError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet(ERROR_STYLE)
        form = QFormLayout()
        form.addRow(self.tr("Categories\n(one per line)"), self.categories)
        form.addRow(self.tr("Temperaments\n(name | handling tip)"), self.temperaments)
        form.addRow(self.tr("Severities\n(name | hours to resolve)"), self.severities)
        form.addRow(self.tr("Follow-up after resolving"), self.followup_days)
        form.addRow(self.tr("Flag as nearly due within"), self.nearly_hours)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Save).setObjectName("saveSettingsButton")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.error)
        lay.addWidget(buttons)
        self.resize(620, 520)
        forms.settle(self, first=self.categories)

    def save(self) -> None:
        try:
            temps = K.parse_named_lines(self.temperaments.toPlainText(), "temperaments", numeric=False)
            sevs = K.parse_named_lines(self.severities.toPlainText(), "severities", numeric=True)
            cfg = K.ComplaintConfig(
                categories=[x.strip() for x in self.categories.toPlainText().splitlines()],
                temperaments=[K.Temperament(n, tip) for n, tip in temps],
                severities=[K.Severity(n, h) for n, h in sevs],
                followup_days=self.followup_days.value(),
                nearly_due_hours=self.nearly_hours.value(),
            )
            K.save_config(cfg)
        except (ValidationError, FieldError, PermissionError) as exc:  # PermissionError: clerk mode
            self.error.setText(error_text(exc))
            return
        self.saved.emit()
        self.accept()


# --- for the customer archive form ------------------------------------------------------------


class CustomerComplaintsList(QWidget):
    """A customer's complaints (newest first) with a button to record a new one. Double-click a row
    to work it in the 投诉 tab. Embed in the customer archive form."""

    open_complaint = Signal(int)
    changed = Signal()

    def __init__(self, customer_id: int | None, parent=None):
        super().__init__(parent)
        self.setObjectName("customerComplaints")
        self.customer_id = customer_id
        self.table = QTableWidget(0, 5, objectName="customerComplaintTable")
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("Received"),
                self.tr("Category"),
                self.tr("Key points"),
                self.tr("Status"),
                self.tr("Satisfaction"),
            ]
        )
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.setColumnWidth(0, 120)
        self.table.itemDoubleClicked.connect(self._activate)
        self.summary = QLabel(objectName="customerComplaintSummary")
        self.new_button = QPushButton(self.tr("Record complaint…"), objectName="customerNewComplaintButton")
        self.new_button.clicked.connect(self.new_complaint)
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(self.new_button)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addLayout(top)
        lay.addWidget(self.table)
        self.refresh()

    def refresh(self) -> None:
        rows = K.of_customer(self.customer_id) if self.customer_id else []
        self.new_button.setEnabled(self.customer_id is not None)
        self.table.setRowCount(len(rows))
        at = now()
        open_n = 0
        for i, r in enumerate(rows):
            secs = r.seconds_left(at)
            overdue = r.status in K.CLOCK_RUNNING and secs is not None and secs < 0
            open_n += r.status in K.OPEN_STATUSES
            status = K.status_label(r.status) + (" · " + self.tr("overdue") if overdue else "")
            cells = (
                str(r.received_at)[:16],  # text on SQLite, a datetime on PostgreSQL
                r.category,
                r.key_points,
                status,
                f"{r.satisfaction}/5" if r.satisfaction else "",
            )
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, r.id)
                if col == 2:
                    item.setToolTip(r.key_points)
                if overdue:
                    item.setForeground(_brush(OVERDUE_FG))
                self.table.setItem(i, col, item)
        self.summary.setText(self.tr("%1 complaints, %2 open").replace("%1", str(len(rows))).replace("%2", str(open_n)))

    def _activate(self, item) -> None:
        # the archive form forwards this to MainWindow.show_complaint (the 投诉 tab shows the case)
        self.open_complaint.emit(item.data(Qt.ItemDataRole.UserRole))

    def new_complaint(self) -> ComplaintDialog:
        dlg = ComplaintDialog(None, self, customer_id=self.customer_id)
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dlg.saved.connect(self._saved)
        dlg.open()
        return dlg

    def _saved(self, _cid: int) -> None:
        self.refresh()
        self.changed.emit()  # the archive form turns this into MainWindow.data_changed


def _brush(colour: str):
    from PySide6.QtGui import QBrush, QColor

    return QBrush(QColor(colour))
