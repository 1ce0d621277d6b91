"""Coupons for a group (issue 14), owner only, from the Tools menu: issue a coupon to every
customer of a saved segment (shopcrm.segments) or of a simple filter, with the count shown before
issuing; and the coupon figures of a period (issued, used, used within N days, what they brought).

A large issue runs behind a progress dialog (shopcrm.ui.shell.tasks); Cancel rolls it back."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from shopcrm.core.errors import FieldError
from shopcrm.core.money import fmt
from shopcrm.loyalty import coupons
from shopcrm.segments import saved
from shopcrm.ui.customers.loyalty_page import TermsEditor
from shopcrm.ui.shell import forms, qclock, tasks
from shopcrm.ui.shell.forms import ValidatingDialog
from shopcrm.ui.trust import security_ui

# issues to more customers than this run behind a progress dialog
BACKGROUND_FROM = 500


def open_issue_to_segment(parent=None) -> IssueToSegmentDialog | None:
    if not security_ui.ensure_owner(parent, "adjust"):
        return None
    dlg = IssueToSegmentDialog(parent)
    dlg.open()
    return dlg


def open_figures(parent=None) -> CouponFiguresDialog | None:
    if not security_ui.ensure_owner(parent, "adjust"):
        return None
    dlg = CouponFiguresDialog(parent)
    dlg.open()
    return dlg


class IssueToSegmentDialog(ValidatingDialog):
    """To whom (a saved segment or a simple filter), what (a coupon type or terms typed here),
    how many customers it reaches (updated as the choice changes); OK issues."""

    def __init__(self, parent=None):
        super().__init__(self.tr("Issue coupons to a segment"), parent)
        self.setObjectName("issueToSegmentDialog")
        self.outcome: coupons.SegmentIssue | None = None
        self.target = QComboBox(objectName="segmentTargetCombo")
        for _id, name in saved():
            self.target.addItem(self.tr("Segment: %1").replace("%1", name), name)
        self.target.addItem(self.tr("Simple filter (below)"), None)
        # the simple filter (shopcrm.loyalty.coupons.Segment)
        self.grade = QComboBox(objectName="filterGradeCombo")
        self.grade.addItem(self.tr("any"), None)
        for g in ("A", "B", "C"):
            self.grade.addItem(g, g)
        self.level = QLineEdit(objectName="filterLevelEdit")
        self.level.setPlaceholderText(self.tr("any"))
        self.tag = QLineEdit(objectName="filterTagEdit")
        self.tag.setPlaceholderText(self.tr("any"))
        self.month = QSpinBox(objectName="filterBirthMonthSpin")
        self.month.setRange(0, 12)
        self.month.setSpecialValueText(self.tr("any"))
        self.dormant = QSpinBox(objectName="filterDormantSpin")
        self.dormant.setRange(0, 3650)
        self.dormant.setSpecialValueText(self.tr("any"))
        self.dormant.setSuffix(self.tr(" days"))
        self.filter_box = QWidget()
        ff = QFormLayout(self.filter_box)
        ff.setContentsMargins(0, 0, 0, 0)
        ff.addRow(self.tr("Grade"), self.grade)
        ff.addRow(self.tr("Member level"), self.level)
        ff.addRow(self.tr("Tag"), self.tag)
        ff.addRow(self.tr("Birthday month"), self.month)
        ff.addRow(self.tr("No purchase for at least"), self.dormant)

        self.type_combo = QComboBox(objectName="segmentCouponTypeCombo")
        for ct in coupons.types():
            self.type_combo.addItem(f"{ct.name} · {coupons.terms_of(ct).describe()}", ct.id)
        self.type_combo.addItem(self.tr("Terms typed below"), None)
        self.terms = TermsEditor(self)
        self.preview = QLabel(objectName="segmentPreviewLabel")

        self.add_row(self.tr("Customers"), self.target, "segment")
        self.form.addRow(self.filter_box)
        self.add_row(self.tr("Reaches"), self.preview)
        self.add_row(self.tr("Coupon type"), self.type_combo, "coupon")
        self.form.addRow(self.terms)

        self.target.currentIndexChanged.connect(self._sync)
        self.type_combo.currentIndexChanged.connect(self._sync)
        self.grade.currentIndexChanged.connect(self.update_preview)
        self.level.textChanged.connect(self.update_preview)
        self.tag.textChanged.connect(self.update_preview)
        self.month.valueChanged.connect(self.update_preview)
        self.dormant.valueChanged.connect(self.update_preview)
        self._sync()
        forms.settle(self, first=self.target)

    def _sync(self, *_a) -> None:
        self.filter_box.setEnabled(self.target.currentData() is None)
        self.terms.setEnabled(self.type_combo.currentData() is None)
        self.update_preview()

    def simple_filter(self) -> coupons.Segment:
        return coupons.Segment(
            grade=self.grade.currentData(),
            level=self.level.text().strip() or None,
            tag=self.tag.text().strip() or None,
            birthday_month=self.month.value() or None,
            dormant_days=self.dormant.value() or None,
        )

    def customer_ids(self) -> list[int]:
        name = self.target.currentData()
        if name is None:
            return coupons.customers_in(self.simple_filter())
        return coupons.saved_segment_customers(str(name))

    def update_preview(self, *_a) -> int:
        try:
            n = len(self.customer_ids())
        except FieldError as exc:
            self.preview.setText(exc.message)
            return 0
        self.preview.setText(self.tr("%1 customer(s)").replace("%1", f"{n:,}"))
        return n

    def check(self) -> None:
        tid = self.type_combo.currentData()
        if tid is not None:
            self.chosen = coupons.terms_of(next(ct for ct in coupons.types() if ct.id == tid))
        else:
            self.chosen = self.terms.terms()
        self.chosen.check()
        if self.update_preview() == 0:
            raise FieldError("segment", "coupon.v.nobody")

    def commit(self) -> None:
        name = self.target.currentData()
        if name is None:
            self.outcome = coupons.issue_to_segment(self.simple_filter(), self.chosen)
            return
        if len(self.customer_ids()) < BACKGROUND_FROM:
            self.outcome = coupons.issue_to_saved_segment(str(name), self.chosen)
            return
        ok, value = tasks.run_task(
            self, self.tr("Issuing coupons…"), coupons.issue_to_saved_segment, str(name), self.chosen
        )
        if not ok:
            if isinstance(value, FieldError):
                raise value
            tasks.show_failure(self, self.tr("Issue coupons to a segment"), value)  # type: ignore[arg-type]
            raise FieldError("segment", "coupon.v.not_issued")
        self.outcome = value  # type: ignore[assignment]

    def report(self) -> str:
        assert self.outcome is not None
        return (
            self.tr("%1 coupon(s) issued; %2 customer(s) skipped (at their per-customer limit)")
            .replace("%1", str(len(self.outcome.issued)))
            .replace("%2", str(len(self.outcome.skipped)))
        )

    def accept(self) -> None:
        if self.outcome is not None:
            box = QMessageBox(
                QMessageBox.Icon.Information, self.windowTitle(), self.report(), parent=self.parentWidget()
            )
            box.setObjectName("segmentIssueReportBox")
            box.open()
        super().accept()


class CouponFiguresDialog(QDialog):
    """The figures of the coupons issued in a period."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("couponFiguresDialog")
        self.setWindowTitle(self.tr("Coupon figures"))
        today = qclock.today()
        self.start = QDateEdit(today.addDays(-29), objectName="figuresStartDate")
        self.end = QDateEdit(today, objectName="figuresEndDate")
        for d in (self.start, self.end):
            d.setCalendarPopup(True)
            d.setDisplayFormat("yyyy-MM-dd")
        self.within = QSpinBox(objectName="figuresWithinSpin")
        self.within.setRange(1, 365)
        self.within.setValue(7)
        self.within.setSuffix(self.tr(" days"))
        period = QHBoxLayout()
        period.addWidget(self.start)
        period.addWidget(QLabel("—"))
        period.addWidget(self.end)
        self.labels: dict[str, QLabel] = {}
        form = QFormLayout()
        form.addRow(self.tr("Issued from"), period)
        form.addRow(self.tr("Used within"), self.within)
        for key, label in (
            ("issued", self.tr("Issued")),
            ("used", self.tr("Used")),
            ("used_within", self.tr("Used within the days above")),
            ("off", self.tr("Taken off")),
            ("sales", self.tr("Sales they brought")),
        ):
            self.labels[key] = QLabel(objectName=f"figures_{key}")
            form.addRow(label, self.labels[key])
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        refresh = QPushButton(self.tr("Refresh"), objectName="figuresRefreshButton")
        buttons.addButton(refresh, QDialogButtonBox.ButtonRole.ActionRole)
        refresh.clicked.connect(self.reload)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(buttons)
        for w in (self.start, self.end):
            w.dateChanged.connect(self.reload)
        self.within.valueChanged.connect(self.reload)
        self.reload()
        forms.settle(self, first=self.start)

    def reload(self, *_a) -> coupons.Figures:
        start: dt.date = qclock.from_qdate(self.start.date())
        end: dt.date = qclock.from_qdate(self.end.date())
        f = coupons.figures(start, end, within_days=self.within.value())
        self.labels["issued"].setText(f"{f.issued:,}")
        self.labels["used"].setText(f"{f.used:,}")
        self.labels["used_within"].setText(f"{f.used_within:,}")
        self.labels["off"].setText("¥" + fmt(f.off_cents))
        self.labels["sales"].setText("¥" + fmt(f.sales_cents))
        return f
