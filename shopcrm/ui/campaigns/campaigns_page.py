"""分析 → 活动: the campaigns with their results against the hold-out, and the "new campaign"
dialog (segment, purpose, festival, template, channel, start, days, daily cap, hold-out share).
Every count and every write is shopcrm.campaigns.campaign's or shopcrm.segments'."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from shopcrm import care, segments
from shopcrm.campaigns import campaign as K, outbox
from shopcrm.core import clock, festivals
from shopcrm.core.errors import Cancelled
from shopcrm.core.money import fmt
from shopcrm.core.texts import t
from shopcrm.grading import GRADES
from shopcrm.sales import activity
from shopcrm.ui.shell import forms, qclock
from shopcrm.ui.shell.tasks import run_task, show_failure


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.1f}%"


class NewCampaignDialog(QDialog):
    created = Signal(int)  # the new campaign's id

    NEW_SEGMENT = -1

    def __init__(self, parent=None, *, today: dt.date | None = None):
        super().__init__(parent)
        self.setObjectName("newCampaignDialog")
        self.setWindowTitle(self.tr("New campaign"))
        self.today = today or clock.today()
        self.campaign_id: int | None = None
        self.name = QLineEdit(objectName="campaignName")
        self.segment = QComboBox(objectName="campaignSegment")
        for sid, name in segments.saved():
            self.segment.addItem(name, sid)
        self.segment.addItem(self.tr("New segment by grade…"), self.NEW_SEGMENT)
        self.grade = QComboBox(objectName="campaignGrade")
        self.grade.addItem(self.tr("All grades"), "")
        for g in GRADES:
            self.grade.addItem(g, g)
        self.build_segment_button = QPushButton(self.tr("Build a segment…"), objectName="campaignBuildSegment")
        self.build_segment_button.setAutoDefault(False)
        self.build_segment_button.clicked.connect(lambda: self.build_segment())
        self.segment_name = QLineEdit(objectName="campaignSegmentName")
        self.segment_name.setPlaceholderText(self.tr("Save the new segment as (optional)"))
        self.purpose = QComboBox(objectName="campaignPurpose")
        for p in K.PURPOSES:
            self.purpose.addItem(K.purpose_text(p), p)
        self.festival = QComboBox(objectName="campaignFestival")
        self.festival.addItem(self.tr("(none)"), "")
        for f in festivals.BUILTIN:
            self.festival.addItem(f.name, f.key)
        self.template = QLineEdit(objectName="campaignTemplate")
        self.template.setPlaceholderText(" ".join(care.PLACEHOLDERS))
        self.channel = QComboBox(objectName="campaignChannel")
        for code in activity.CHANNELS:
            self.channel.addItem(care.channel_text(code), code)
        self.start = QDateEdit(qclock.to_qdate(self.today), objectName="campaignStart")
        self.start.setCalendarPopup(True)
        self.start.setDisplayFormat("yyyy-MM-dd")
        self.start.setMinimumDate(qclock.to_qdate(self.today))
        self.days = QSpinBox(objectName="campaignDays", minimum=1, maximum=K.MAX_DAYS, suffix=self.tr(" days"))
        self.days.setValue(7)
        self.cap = QSpinBox(objectName="campaignCap", minimum=1, maximum=10_000)
        self.cap.setValue(30)
        self.holdout = QSpinBox(objectName="campaignHoldout", minimum=0, maximum=90, suffix=" %")
        self.holdout.setValue(10)
        self.preview = QLabel(objectName="campaignPreview")
        self.preview.setWordWrap(True)
        self.error = QLabel(objectName="campaignError")
        self.error.setStyleSheet("color: #c0392b")
        self.error.setWordWrap(True)

        form = QFormLayout()
        form.addRow(self.tr("Name"), self.name)
        seg_row = QHBoxLayout()
        seg_row.addWidget(self.segment, 1)
        seg_row.addWidget(self.build_segment_button)
        form.addRow(self.tr("Segment"), seg_row)
        row = QHBoxLayout()
        row.addWidget(self.grade)
        row.addWidget(self.segment_name, 1)
        form.addRow(self.tr("New segment"), row)
        form.addRow(self.tr("Purpose"), self.purpose)
        form.addRow(self.tr("Festival"), self.festival)
        form.addRow(self.tr("Message template"), self.template)
        form.addRow(self.tr("Channel"), self.channel)
        form.addRow(self.tr("Start"), self.start)
        form.addRow(self.tr("Days"), self.days)
        form.addRow(self.tr("At most a day"), self.cap)
        form.addRow(self.tr("Hold-out share"), self.holdout)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.preview)
        lay.addWidget(self.error)
        lay.addWidget(self.buttons)

        self.festival.currentIndexChanged.connect(self._festival_chosen)
        self.segment.currentIndexChanged.connect(self._segment_chosen)
        for w in (self.segment, self.grade, self.purpose):
            w.currentIndexChanged.connect(self.update_preview)
        for s in (self.days, self.cap, self.holdout):
            s.valueChanged.connect(self.update_preview)
        self.start.dateChanged.connect(self.update_preview)
        self._segment_chosen()
        self.setMinimumWidth(520)  # the segment row and the template's placeholders readable
        forms.settle(self, first=self.name)

    def build_segment(self):
        """The segment builder; the saved segment becomes this campaign's."""
        from shopcrm.ui.customers.segment_builder import open_builder

        return open_builder(self, self._segment_built)

    def _segment_built(self, segment_id: int) -> None:
        name, _f = segments.get(segment_id)
        i = self.segment.findData(segment_id)
        if i < 0:
            i = self.segment.count() - 1  # before "new segment by grade…"
            self.segment.insertItem(i, name, segment_id)
        self.segment.setCurrentIndex(i)

    def _segment_chosen(self) -> None:
        new = self.segment.currentData() == self.NEW_SEGMENT
        self.grade.setEnabled(new)
        self.segment_name.setEnabled(new)

    def _festival_chosen(self) -> None:
        """A festival: start 21 days before it (today at the latest) and end on the day."""
        key = self.festival.currentData()
        if not key:
            return
        start, end = K.festival_window(key, self.today)
        self.start.setDate(qclock.to_qdate(start))
        self.days.setValue((end - start).days + 1)
        self.purpose.setCurrentIndex(max(0, self.purpose.findData("festival")))
        if not self.template.text():
            self.template.setText(care.DEFAULT_TEMPLATES["festival"])

    def segment_filter(self) -> segments.SegmentFilter:
        sid = self.segment.currentData()
        if sid == self.NEW_SEGMENT:
            grade = self.grade.currentData()
            return segments.SegmentFilter(grades=[grade] if grade else [])
        return segments.get(sid)[1]

    def campaign_input(self) -> K.CampaignInput:
        sid = self.segment.currentData()
        return K.CampaignInput(
            name=self.name.text(),
            filter=self.segment_filter(),
            purpose=self.purpose.currentData(),
            template=self.template.text(),
            channel=self.channel.currentData(),
            start_on=qclock.from_qdate(self.start.date()),
            days=self.days.value(),
            daily_cap=self.cap.value(),
            holdout_pct=self.holdout.value(),
            festival=self.festival.currentData() or "",
            segment_id=None if sid == self.NEW_SEGMENT else sid,
        )

    def update_preview(self) -> None:
        inp = self.campaign_input()
        if not inp.name.strip():
            inp.name = "-"
        try:
            p = K.plan(inp, self.today)
        except ValueError as exc:  # FieldError is a ValueError
            self.preview.setText(str(exc))
            return
        self.preview.setText(
            self.tr("%1 customers to contact, about %2 held out; %3 a day at most.")
            .replace("%1", str(p.targets))
            .replace("%2", str(p.holdout))
            .replace("%3", str(p.per_day))
        )

    def accept(self) -> None:
        try:
            inp = self.campaign_input()
            if self.segment.currentData() == self.NEW_SEGMENT and self.segment_name.text().strip():
                inp.segment_id = segments.save(self.segment_name.text(), inp.filter).id
            k = K.create(inp, self.today)
        except ValueError as exc:  # FieldError: shown here, every typed value kept
            self.error.setText(str(exc))
            return
        self.campaign_id = k.id
        self.created.emit(k.id)
        super().accept()


class CampaignsPage(QWidget):
    COLUMNS = 13

    def __init__(self, parent=None, *, today: dt.date | None = None):
        super().__init__(parent)
        self.setObjectName("campaignsPage")
        self._today = today
        self._loaded = False
        self.ids: list[int] = []
        self.new_button = QPushButton(self.tr("New campaign…"), objectName="newCampaignButton")
        self.new_button.clicked.connect(lambda: self.new_campaign())
        self.stop_button = QPushButton(self.tr("Stop"), objectName="stopCampaignButton")
        self.stop_button.clicked.connect(self.stop_selected)
        self.send_button = QPushButton(self.tr("Send today's messages"), objectName="sendCampaignButton")
        self.send_button.setToolTip(self.tr("SMS and e-mail campaigns: send the messages due today"))
        self.send_button.clicked.connect(lambda: self.send_selected())
        self.call_list_button = QPushButton(self.tr("Export today's call list…"), objectName="callListButton")
        self.call_list_button.setToolTip(self.tr("Phone and visit campaigns: today's items as an xlsx list"))
        self.call_list_button.clicked.connect(lambda: self.export_call_list())
        self.status = QLabel(objectName="campaignSendResult")
        self.status.setWordWrap(True)
        self.channels_button = QPushButton(self.tr("Message channels…"), objectName="channelsButton")
        self.channels_button.setToolTip(self.tr("SMS and e-mail set-up, secrets and a test send (owner only)"))
        self.channels_button.clicked.connect(lambda: self.open_channels())
        self.unknown_button = QPushButton(self.tr("Unknown…"), objectName="unknownButton")
        self.unknown_button.setToolTip(self.tr("Messages whose outcome is unknown: settle them (owner only)"))
        self.unknown_button.clicked.connect(lambda: self.open_unknown())
        self.refresh_button = QPushButton(self.tr("Refresh"), objectName="refreshCampaignsButton")
        self.refresh_button.clicked.connect(self.refresh)
        self.table = QTableWidget(0, self.COLUMNS, objectName="campaignsTable")
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("Campaign"),
                self.tr("Purpose"),
                self.tr("Days"),
                self.tr("Status"),
                self.tr("Targets"),
                self.tr("Hold-out"),
                self.tr("Reached"),
                self.tr("Responded"),
                self.tr("Bought (targets)"),
                self.tr("Bought (hold-out)"),
                self.tr("Difference"),
                self.tr("Sales that followed"),
                self.tr("Messages sent / failed"),
            ]
        )
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        bar = QHBoxLayout()
        bar.addWidget(self.new_button)
        bar.addWidget(self.stop_button)
        bar.addWidget(self.send_button)
        bar.addWidget(self.call_list_button)
        bar.addStretch(1)
        bar.addWidget(self.unknown_button)
        bar.addWidget(self.channels_button)
        bar.addWidget(self.refresh_button)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 4, 0, 0)
        lay.addLayout(bar)
        lay.addWidget(self.table, 1)
        lay.addWidget(self.status)
        self.table.itemSelectionChanged.connect(self._selected)
        self._selected()

    def today(self) -> dt.date:
        return self._today or clock.today()

    def showEvent(self, event) -> None:  # noqa: N802 (Qt API)
        super().showEvent(event)
        if not self._loaded:
            self.refresh()

    def refresh(self) -> None:
        self._loaded = True
        keep = self.selected_id()
        rows = []
        self.ids = []
        for k in K.campaigns():
            r = K.results(k.id)
            self.ids.append(k.id)
            rows.append(
                [
                    k.name,
                    K.purpose_text(k.purpose),
                    f"{k.start_on}–{k.end_on}",
                    t(f"campaign.status.{k.status}"),
                    str(r.targets.size),
                    str(r.holdout.size),
                    str(r.targets.reached),
                    str(r.targets.responded),
                    f"{r.targets.buyers} ({_pct(r.targets.conversion)})",
                    f"{r.holdout.buyers} ({_pct(r.holdout.conversion)})",
                    "—" if r.difference is None else f"{100 * r.difference:+.1f}",
                    fmt(r.followed_sales_cents),
                    self._messages(r.messages),
                ]
            )
        self.table.setRowCount(len(rows))
        for i, values in enumerate(rows):
            for c, text in enumerate(values):
                self.table.setItem(i, c, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
        if keep in self.ids:
            self.table.selectRow(self.ids.index(keep))
        self._selected()
        by_status = outbox.counts()
        unknown = by_status.get("unknown", 0) + by_status.get("sending", 0)
        self.unknown_button.setText(
            self.tr("Unknown (%1)…").replace("%1", str(unknown)) if unknown else self.tr("Unknown…")
        )
        self.unknown_button.setEnabled(bool(unknown))

    @staticmethod
    def _messages(counts: dict[str, int]) -> str:
        if not counts:
            return "—"
        sent = counts.get("sent", 0) + counts.get("delivered", 0)
        failed = counts.get("failed", 0)
        text = f"{sent} / {failed}"
        unknown = counts.get("unknown", 0) + counts.get("sending", 0)
        return text + (f" (?{unknown})" if unknown else "")

    def selected_id(self) -> int | None:
        row = self.table.currentRow()
        return self.ids[row] if 0 <= row < len(self.ids) else None

    def _selected(self) -> None:
        kid = self.selected_id()
        channel = K.get(kid).channel if kid is not None else None
        self.send_button.setEnabled(channel in K.SENDING_CHANNELS)
        self.call_list_button.setEnabled(channel is not None and channel not in K.SENDING_CHANNELS)

    def send_selected(self) -> K.SendSummary | None:
        """Send the selected SMS / e-mail campaign's due messages behind a progress dialog with
        Cancel; what happened shown under the table."""
        kid = self.selected_id()
        if kid is None:
            return None
        ok, result = run_task(self, self.tr("Sending messages…"), K.send_due, kid, self.today())
        self.refresh()
        if not ok:
            if isinstance(result, Cancelled):
                self.status.setText(
                    self.tr("Cancelled: the messages sent so far are recorded, the others were not sent.")
                )
            else:
                self.status.setText(str(result))
                show_failure(self, self.tr("Sending failed"), result)  # type: ignore[arg-type]
            return None
        r: K.SendSummary = result  # type: ignore[assignment]
        text = (
            self.tr("%1 sent, %2 failed, %3 skipped, %4 to retry later, %5 unknown, %6 already sent.")
            .replace("%1", str(len(r.sent)))
            .replace("%2", str(len(r.failed)))
            .replace("%3", str(len(r.skipped)))
            .replace("%4", str(len(r.retry_later)))
            .replace("%5", str(len(r.unknown)))
            .replace("%6", str(len(r.already)))
        )
        if not r.total:
            text = self.tr("No message is due today.")
        if r.skipped:
            text += "\n" + "\n".join(list(r.skipped.values())[:5])
        self.status.setText(text)
        return r

    def export_call_list(self, path: str | None = None) -> int | None:
        """The selected phone / visit campaign's items of today as an xlsx call list."""
        kid = self.selected_id()
        if kid is None:
            return None
        if path is None:
            name = f"{K.get(kid).name}-{self.today().isoformat()}.xlsx"
            path, _ = QFileDialog.getSaveFileName(self, self.tr("Export call list"), name, self.tr("Excel (*.xlsx)"))
            if not path:
                return None
        ok, result = run_task(self, self.tr("Exporting…"), K.export_call_list, path, kid, self.today())
        if not ok:
            show_failure(self, self.tr("Export failed"), result)  # type: ignore[arg-type]
            return None
        self.status.setText(self.tr("%1 customers written to %2").replace("%1", str(result)).replace("%2", path))
        return int(result)

    def new_campaign(self, *, show: bool = True) -> NewCampaignDialog:
        dlg = NewCampaignDialog(self, today=self.today())
        dlg.created.connect(lambda _id: self.refresh())
        if show:
            dlg.open()
        return dlg

    def open_channels(self, *, show: bool = True):
        from shopcrm.ui.campaigns.channels_dialog import open_channels

        return open_channels(self, show=show)

    def open_unknown(self, *, show: bool = True):
        """待确认: the unknown outcomes (of every campaign and ad-hoc send), settled by the owner."""
        from shopcrm.ui.campaigns.channels_dialog import open_unknown

        dlg = open_unknown(self, show=show)
        if dlg is not None:
            dlg.resolved.connect(self.refresh)
        return dlg

    def stop_selected(self) -> None:
        row = self.table.currentRow()
        if 0 <= row < len(self.ids):
            K.stop(self.ids[row])
            self.refresh()
