"""The archive's 会员权益 page (issue 14): the member's points (and what expires when), coupons,
count cards with their uses, and gifts for points; with the counter's actions on them — sell and
use a count card, refund its unused uses (owner), issue a coupon (owner), redeem a gift.

Everything is read and written through shopcrm.loyalty and shopcrm.sales.packages; a refusal is
shown on the page (or in the dialog, beside its field) in the user's language."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from shopcrm import customers
from shopcrm.core import clock
from shopcrm.core.errors import FieldError
from shopcrm.core.money import fmt
from shopcrm.core.normalize import parse_money
from shopcrm.loyalty import coupons, packages as cards, points
from shopcrm.sales import packages
from shopcrm.store.models import Coupon, GiftRedemption
from shopcrm.ui.shell import forms
from shopcrm.ui.shell.forms import ERROR_STYLE, ValidatingDialog
from shopcrm.ui.trust import security_ui


def _table(name: str, headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers), objectName=name)
    table.setHorizontalHeaderLabels(headers)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.verticalHeader().hide()
    table.horizontalHeader().setStretchLastSection(True)
    table.setAlternatingRowColors(True)
    return table


def _fill(table: QTableWidget, rows: Sequence[tuple[object, list[str]]]) -> None:
    """Rows of (id kept on the first cell, texts)."""
    table.setRowCount(len(rows))
    for r, (key, values) in enumerate(rows):
        for c, v in enumerate(values):
            item = QTableWidgetItem(v)
            if c == 0:
                item.setData(Qt.ItemDataRole.UserRole, key)
            table.setItem(r, c, item)
    table.resizeColumnsToContents()


def _selected(table: QTableWidget) -> object | None:
    row = table.currentRow()
    item = table.item(row, 0) if row >= 0 else None
    return item.data(Qt.ItemDataRole.UserRole) if item is not None else None


class LoyaltyPage(QWidget):
    """The 会员权益 page of one customer's archive. ``changed`` after every write (the archive
    reloads its balance, points and purchases)."""

    changed = Signal()

    def __init__(self, customer_id: int, parent=None):
        super().__init__(parent)
        self.setObjectName("loyaltyPage")
        self.customer_id = customer_id
        self.receipt = ""  # the receipt line of the last count card sold here
        # makes the dialog that sells a count card (the archive's sale dialog in package mode)
        self.sale_dialog: Callable[[], QDialog] | None = None
        self.summary = QLabel(objectName="loyaltySummary")
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.summary.setWordWrap(True)
        self.error = QLabel(objectName="loyaltyError")  # a refused use, redemption, refund
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        self.error.hide()
        self.status = QLabel(objectName="loyaltyStatus")

        # --- count cards ---
        self.card_table = _table(
            "packageTable",
            [self.tr("Count card"), self.tr("Left / uses"), self.tr("Valid until"), self.tr("Sold"), self.tr("State")],
        )
        self.card_table.setToolTip(self.tr("Enter: use one (with the note typed above)"))
        self.use_note = QLineEdit(objectName="useNoteEdit")
        self.use_note.setPlaceholderText(self.tr("Note for the use (optional)"))
        self.use_button = QPushButton(self.tr("Use one (Enter)"), objectName="usePackageButton")
        self.sell_button = QPushButton(self.tr("Sell count card…"), objectName="sellPackageButton")
        self.refund_button = QPushButton(self.tr("Refund unused uses…"), objectName="refundPackageButton")
        self.refund_button.setToolTip(self.tr("Owner only: pays back the unused uses pro rata"))
        self.uses_table = _table(
            "packageUsesTable",
            [
                self.tr("Time"),
                self.tr("Kind"),
                self.tr("Change"),
                self.tr("Left"),
                self.tr("Operator"),
                self.tr("Note"),
            ],
        )
        cards_page = QWidget()
        cl = QVBoxLayout(cards_page)
        row = QHBoxLayout()
        row.addWidget(self.use_note, 1)
        row.addWidget(self.use_button)
        row.addWidget(self.sell_button)
        row.addWidget(self.refund_button)
        cl.addLayout(row)
        cl.addWidget(self.card_table, 3)
        cl.addWidget(QLabel(self.tr("Uses of the selected card")))
        cl.addWidget(self.uses_table, 2)

        # --- coupons ---
        self.coupon_table = _table(
            "couponTable",
            [
                self.tr("Code"),
                self.tr("Offer"),
                self.tr("Valid until"),
                self.tr("Status"),
                self.tr("Source"),
                self.tr("Used on"),
            ],
        )
        self.issue_button = QPushButton(self.tr("Issue coupon…"), objectName="issueCouponButton")
        self.issue_button.setToolTip(self.tr("Owner only"))
        self.copy_button = QPushButton(self.tr("Copy coupon"), objectName="copyCouponButton")
        self.void_button = QPushButton(self.tr("Void coupon…"), objectName="voidCouponButton")
        self.void_button.setToolTip(self.tr("Owner only: an unused coupon, with a reason"))
        coupons_page = QWidget()
        kl = QVBoxLayout(coupons_page)
        row = QHBoxLayout()
        row.addWidget(self.issue_button)
        row.addWidget(self.copy_button)
        row.addWidget(self.void_button)
        row.addStretch(1)
        kl.addLayout(row)
        kl.addWidget(self.coupon_table, 1)

        # --- gifts ---
        self.gift_table = _table(
            "giftRedemptionTable", [self.tr("Time"), self.tr("Gift"), self.tr("Points"), self.tr("Operator")]
        )
        self.redeem_button = QPushButton(self.tr("Redeem gift…"), objectName="redeemGiftButton")
        gifts_page = QWidget()
        gl = QVBoxLayout(gifts_page)
        row = QHBoxLayout()
        row.addWidget(self.redeem_button)
        row.addStretch(1)
        gl.addLayout(row)
        gl.addWidget(self.gift_table, 1)

        self.tabs = QTabWidget(objectName="loyaltyTabs")
        self.tabs.addTab(cards_page, self.tr("Count cards"))
        self.tabs.addTab(coupons_page, self.tr("Coupons"))
        self.tabs.addTab(gifts_page, self.tr("Gifts for points"))
        lay = QVBoxLayout(self)
        lay.addWidget(self.summary)
        lay.addWidget(self.error)
        lay.addWidget(self.tabs, 1)
        lay.addWidget(self.status)

        # one keystroke from the list: Enter on a card (or in its note) uses one; it never
        # reaches the archive's default button
        self.card_table.installEventFilter(self)
        self.use_note.installEventFilter(self)
        self.coupon_table.installEventFilter(self)  # Ctrl+C copies the coupon's line
        self.use_button.clicked.connect(self.use_selected)
        self.sell_button.clicked.connect(self.sell_card)
        self.refund_button.clicked.connect(self.refund_selected)
        self.issue_button.clicked.connect(self.issue_coupon)
        self.copy_button.clicked.connect(self.copy_coupon)
        self.void_button.clicked.connect(self.void_coupon)
        self.redeem_button.clicked.connect(self.redeem_gift)
        self.card_table.currentCellChanged.connect(lambda *_a: self._show_uses())
        self.reload()

    def eventFilter(self, obj, event):  # noqa: N802 (Qt API)
        if event.type() == QEvent.Type.KeyPress:
            if obj in (self.card_table, self.use_note) and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.use_selected()
                return True
            if obj is self.coupon_table and event.matches(QKeySequence.StandardKey.Copy):
                self.copy_coupon()
                return True
        return super().eventFilter(obj, event)

    def title(self) -> str:
        return self.tr("Member benefits")

    # --- reading -------------------------------------------------------------------------------
    def reload(self) -> None:
        today = clock.today()
        c = customers.get(self.customer_id)
        text = self.tr("<b>%1</b> points").replace("%1", f"{c.points:,}")
        soon = points.next_expiry(self.customer_id, today)
        if soon is not None:
            text += " · <span style='color:#c0392b'>" + (
                self.tr("%1 of them expire after %2")
                .replace("%1", f"{soon.points:,}")
                .replace("%2", soon.on.isoformat())
                + "</span>"
            )
        valid = coupons.valid_for(self.customer_id, today)
        open_cards = [
            p for p in cards.of_customer(self.customer_id) if p.remaining > 0 and not cards.is_expired(p, today)
        ]
        text += " · " + self.tr("%1 valid coupon(s)").replace("%1", str(len(valid)))
        text += " · " + self.tr("%1 count card(s) in use").replace("%1", str(len(open_cards)))
        self.summary.setText(text)

        current = _selected(self.card_table)
        rows = []
        for p in cards.of_customer(self.customer_id):
            if cards.is_expired(p, today):
                state = self.tr("expired")
            elif p.remaining == 0:
                state = self.tr("used up")
            elif p.remaining == 1:
                state = self.tr("one left")
            else:
                state = self.tr("in use")
            until = p.expires_on.isoformat() if p.expires_on else self.tr("no end")
            rows.append((p.id, [p.product, f"{p.remaining} / {p.uses}", until, str(p.sold_at)[:10], state]))
        _fill(self.card_table, rows)
        if rows:
            ids = [r[0] for r in rows]
            self.card_table.setCurrentCell(ids.index(current) if current in ids else 0, 0)
        self._show_uses()

        status_text = {
            "issued": self.tr("valid"),
            "used": self.tr("used"),
            "void": self.tr("void"),
            "expired": self.tr("expired"),
        }
        source_text = {
            "manual": self.tr("issued by hand"),
            "segment": self.tr("to a group"),
            "birthday": self.tr("birthday"),
            "wakeup": self.tr("wake-up"),
        }
        crow = []
        for cp in sorted(coupons.of_customer(self.customer_id), key=lambda x: (x.status != "issued", -x.id)):
            status = "expired" if cp.status == "issued" and cp.valid_until < today else cp.status
            offer = coupons.text(cp).split("：", 1)[-1].rsplit("，", 1)[0]  # what it gives
            used = str(cp.used_at)[:16] if cp.used_at else ""
            crow.append(
                (
                    cp.code,
                    [
                        cp.code,
                        offer,
                        cp.valid_until.isoformat(),
                        status_text.get(status, status),
                        source_text.get(cp.source, cp.source),
                        used,
                    ],
                )
            )
        _fill(self.coupon_table, crow)

        _fill(
            self.gift_table,
            [
                (r.id, [str(r.at)[:16], r.gift.name, f"{r.points:,}", r.operator])
                for r in points.redemptions_of(self.customer_id)
            ],
        )

    def _show_uses(self) -> None:
        pid = _selected(self.card_table)
        kinds = {"use": self.tr("use"), "refund": self.tr("refund")}
        rows = []
        if pid is not None:
            for u in reversed(cards.uses_of(int(pid))):
                rows.append(
                    (
                        u.id,
                        [
                            str(u.at)[:16],
                            kinds.get(u.kind, u.kind),
                            f"{u.delta:+d}",
                            str(u.remaining_after),
                            u.operator,
                            u.note,
                        ],
                    )
                )
        _fill(self.uses_table, rows)
        self.refund_button.setEnabled(pid is not None)
        self.use_button.setEnabled(pid is not None)

    # --- actions -------------------------------------------------------------------------------
    def _refused(self, message: str) -> None:
        self.error.setText(message)
        self.error.setVisible(bool(message))

    def _done(self, message: str, receipt: str = "") -> None:
        self.receipt = receipt
        self._refused("")
        self.status.setText(message)
        self.reload()
        self.changed.emit()

    def use_selected(self) -> bool:
        """Consume one use of the selected card (the note typed above goes with it)."""
        pid = _selected(self.card_table)
        if pid is None:
            return False
        try:
            p = cards.use(int(pid), customer_id=self.customer_id, note=self.use_note.text().strip())
        except FieldError as exc:
            self._refused(exc.message)
            return False
        self.use_note.clear()
        self._done(self.tr("Used one of “%1”: %2 left").replace("%1", p.product).replace("%2", str(p.remaining)))
        self.card_table.setFocus()
        return True

    def sell_card(self) -> bool:
        """Sell a count card through the sale dialog the archive hands in (``sale_dialog``: the
        counter's payment flow, with price, card part and methods); a refusal stays in it."""
        if self.sale_dialog is None:
            return False
        dlg = self.sale_dialog()
        if dlg.exec() != QDialog.DialogCode.Accepted:
            return False
        self._done(self.tr("Count card sold"), str(getattr(dlg, "receipt", "")))
        return True

    def refund_selected(self) -> bool:
        pid = _selected(self.card_table)
        if pid is None or not security_ui.ensure_owner(self, "adjust"):
            return False
        p = cards.get(int(pid))
        box = QMessageBox(
            QMessageBox.Icon.Question,
            self.tr("Refund unused uses"),
            self.tr("Refund the %1 unused use(s) of “%2”? The money goes back by the methods it was paid with.")
            .replace("%1", str(p.remaining))
            .replace("%2", p.product),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            self,
        )
        box.setObjectName("confirmPackageRefundBox")
        if box.exec() != QMessageBox.StandardButton.Yes:
            return False
        try:
            r = packages.refund_package(p.id)
        except FieldError as exc:
            self._refused(exc.message)
            return False
        except PermissionError as exc:
            self._refused(str(exc))
            return False
        self._done(self.tr("Refunded ¥%1").replace("%1", fmt(r.amount_cents)))
        return True

    def issue_coupon(self) -> bool:
        if not security_ui.ensure_owner(self, "adjust"):
            return False
        dlg = IssueCouponDialog(self.customer_id, self)
        if dlg.exec() != QDialog.DialogCode.Accepted:
            return False
        if dlg.coupon is not None:
            self._done(coupons.text(dlg.coupon))
        return True

    def copy_coupon(self) -> None:
        code = _selected(self.coupon_table)
        if code is None:
            return
        QApplication.clipboard().setText(coupons.text(coupons.find(str(code))))
        self.status.setText(self.tr("Coupon copied"))

    def void_coupon(self) -> bool:
        """Void the selected unused coupon: owner only, with a reason (audited by the domain)."""
        code = _selected(self.coupon_table)
        if code is None or not security_ui.ensure_owner(self, "adjust"):
            return False
        dlg = VoidCouponDialog(str(code), self)
        if dlg.exec() != QDialog.DialogCode.Accepted:
            return False
        self._done(self.tr("Coupon %1 voided").replace("%1", str(code)))
        return True

    def redeem_gift(self) -> bool:
        dlg = RedeemGiftDialog(self.customer_id, self)
        if dlg.exec() != QDialog.DialogCode.Accepted:
            return False
        self._done(self.tr("Gift handed over"))
        return True


class IssueCouponDialog(ValidatingDialog):
    """Issue one coupon to the customer: of a type the owner defined, or on terms typed here."""

    def __init__(self, customer_id: int, parent=None):
        super().__init__(self.tr("Issue coupon"), parent)
        self.setObjectName("issueCouponDialog")
        self.customer_id = customer_id
        self.coupon: Coupon | None = None
        self.type_combo = QComboBox(objectName="couponTypeCombo")
        for ct in coupons.types():
            self.type_combo.addItem(f"{ct.name} · {coupons.terms_of(ct).describe()}", ct.id)
        self.type_combo.addItem(self.tr("Terms typed below"), None)
        self.terms = TermsEditor(self)
        self.add_row(self.tr("Coupon type"), self.type_combo, "coupon")
        self.form.addRow(self.terms)
        self.type_combo.currentIndexChanged.connect(self._sync)
        self._sync()
        forms.settle(self, first=self.type_combo)

    def _sync(self, *_a) -> None:
        self.terms.setEnabled(self.type_combo.currentData() is None)

    def check(self) -> None:
        tid = self.type_combo.currentData()
        if tid is not None:
            self.chosen = coupons.terms_of(next(ct for ct in coupons.types() if ct.id == tid))
        else:
            self.chosen = self.terms.terms()
        self.chosen.check()

    def commit(self) -> None:
        self.coupon = coupons.issue(self.customer_id, self.chosen)


class TermsEditor(QWidget):
    """A coupon's terms: kind, amount off / percent off / gift, threshold, cap, validity, limit."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.kind = QComboBox(objectName="couponKindCombo")
        for code, label in (
            ("amount", self.tr("Amount off")),
            ("percent", self.tr("Percent off")),
            ("gift", self.tr("Gift")),
        ):
            self.kind.addItem(label, code)
        self.amount = QLineEdit(objectName="couponAmountEdit")
        self.amount.setPlaceholderText("0.00")
        self.percent = QSpinBox(objectName="couponPercentSpin")
        self.percent.setRange(1, 99)
        self.percent.setValue(10)
        self.percent.setSuffix(" %")
        self.threshold = QLineEdit(objectName="couponThresholdEdit")
        self.threshold.setPlaceholderText(self.tr("0 = any sale"))
        self.cap = QLineEdit(objectName="couponCapEdit")
        self.cap.setPlaceholderText(self.tr("empty = no cap"))
        self.gift = QLineEdit(objectName="couponGiftEdit")
        self.days = QSpinBox(objectName="couponDaysSpin")
        self.days.setRange(1, 3650)
        self.days.setValue(30)
        self.days.setSuffix(self.tr(" days"))
        self.per_customer = QSpinBox(objectName="couponPerCustomerSpin")
        self.per_customer.setRange(0, 1000)
        self.per_customer.setSpecialValueText(self.tr("no limit"))
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow(self.tr("Kind"), self.kind)
        form.addRow(self.tr("Amount off (yuan)"), self.amount)
        form.addRow(self.tr("Percent off"), self.percent)
        form.addRow(self.tr("Gift"), self.gift)
        form.addRow(self.tr("Threshold (yuan)"), self.threshold)
        form.addRow(self.tr("Cap (yuan)"), self.cap)
        form.addRow(self.tr("Valid for"), self.days)
        self.per_customer_label = QLabel(self.tr("Per customer"))
        form.addRow(self.per_customer_label, self.per_customer)
        self.form = form
        self.kind.currentIndexChanged.connect(self._sync)
        self._sync()

    def _sync(self, *_a) -> None:
        kind = self.kind.currentData()
        for w, on in (
            (self.amount, kind == "amount"),
            (self.percent, kind == "percent"),
            (self.cap, kind == "percent"),
            (self.gift, kind == "gift"),
        ):
            w.setEnabled(on)

    @staticmethod
    def _money(edit: QLineEdit, field: str) -> int:
        return parse_money(edit.text(), field) if edit.text().strip() else 0

    def terms(self) -> coupons.Terms:
        kind = self.kind.currentData()
        cap = self._money(self.cap, "coupon") if kind == "percent" and self.cap.text().strip() else None
        return coupons.Terms(
            kind,
            amount_off_cents=self._money(self.amount, "coupon") if kind == "amount" else 0,
            percent_off=self.percent.value() if kind == "percent" else 0,
            threshold_cents=self._money(self.threshold, "coupon"),
            cap_cents=cap,
            gift=self.gift.text().strip() if kind == "gift" else "",
            days=self.days.value(),
            per_customer=self.per_customer.value() or None,
        )


class VoidCouponDialog(ValidatingDialog):
    """Why the coupon is voided (kept in the audit log)."""

    def __init__(self, code: str, parent=None):
        super().__init__(self.tr("Void coupon"), parent)
        self.setObjectName("voidCouponDialog")
        self.code = code
        self.reason = QLineEdit(objectName="voidReasonEdit")
        self.reason.setPlaceholderText(self.tr("e.g. issued by mistake"))
        self.add_row(self.tr("Coupon"), QLabel(coupons.text(coupons.find(code))))
        self.add_row(self.tr("Reason"), self.reason, "reason")
        forms.settle(self, first=self.reason)

    def check(self) -> None:
        if not self.reason.text().strip():
            raise FieldError("reason", "coupon.v.void_reason")

    def commit(self) -> None:
        coupons.void(self.code, self.reason.text().strip())


class RedeemGiftDialog(ValidatingDialog):
    """A gift of the catalogue for the member's points (stock and points checked by the domain)."""

    def __init__(self, customer_id: int, parent=None):
        super().__init__(self.tr("Redeem gift"), parent)
        self.setObjectName("redeemGiftDialog")
        self.customer_id = customer_id
        have = customers.get(customer_id).points
        self.gift_combo = QComboBox(objectName="giftCombo")
        for g in points.gifts():
            self.gift_combo.addItem(
                self.tr("%1 · %2 points · %3 in stock")
                .replace("%1", g.name)
                .replace("%2", f"{g.points:,}")
                .replace("%3", str(g.stock)),
                g.id,
            )
        self.have = QLabel(self.tr("The member has %1 points").replace("%1", f"{have:,}"), objectName="giftPointsLabel")
        self.add_row(self.tr("Gift"), self.gift_combo, "gift")
        self.add_row(self.tr("Points"), self.have, "points")
        self.redemption: GiftRedemption | None = None
        forms.settle(self, first=self.gift_combo)

    def check(self) -> None:
        if self.gift_combo.currentData() is None:
            raise FieldError("gift", "points_gift.v.terms")

    def commit(self) -> None:
        self.redemption = points.redeem_gift(self.customer_id, int(self.gift_combo.currentData()))
