"""The customer archive (客户档案): everything about one customer, grouped, with purchases, contacts
and the balance ledger; validation inline and in the user's language."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QIntValidator, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDateTimeEdit,
    QDialog,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from shopcrm import customers, loyalty
from shopcrm.campaigns import campaign
from shopcrm.core import clock, texts
from shopcrm.core.errors import DuplicateError, FieldError, ValidationError
from shopcrm.core.lunar import MONTH_NAMES, LunarBirthday, day_name, format_lunar
from shopcrm.core.money import fmt
from shopcrm.core.normalize import parse_birthday, parse_money
from shopcrm.core.texts import t
from shopcrm.customers import CustomerInput, ledger
from shopcrm.loyalty import coupons
from shopcrm.sales import activity, counter, packages
from shopcrm.sales.activity import CARD
from shopcrm.store.changes import ConnectionLost
from shopcrm.trust import security
from shopcrm.ui.shell import forms, live, qclock
from shopcrm.ui.shell.forms import Field as _Field, ValidatingDialog as _ValidatingDialog
from shopcrm.ui.trust import security_ui


class BirthdayEdit(QWidget):
    """None / solar date / lunar month-day (leap flag, optional year).

    The solar date is typed (1990-03-15, 1990/3/15, 19900315…) into a line edit that starts
    empty: choosing 公历 never invents a date, and a date the clerk types is never clamped
    silently (a future date is refused with a message under the field, see CustomerForm)."""

    changed = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.kind = QComboBox(objectName="birthdayKind")
        self.kind.addItems([self.tr("None"), self.tr("Solar"), self.tr("Lunar")])
        self.solar = QLineEdit(objectName="birthdayEdit")
        self.solar.setPlaceholderText(self.tr("e.g. 1990-03-15"))
        self.solar.setMaxLength(20)
        self.leap = QCheckBox(self.tr("Leap"), objectName="lunarLeap")
        self.month = QComboBox(objectName="lunarMonth")
        self.month.addItems([f"{m}月" for m in MONTH_NAMES])
        self.day = QComboBox(objectName="lunarDay")
        self.day.addItems([day_name(d) for d in range(1, 31)])
        self.year = QSpinBox(objectName="lunarYear")
        self.year.setRange(1899, clock.today().year)
        self.year.setSpecialValueText(self.tr("year unknown"))
        self.year.setValue(1899)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        for w in (self.kind, self.solar, self.year, self.leap, self.month, self.day):
            lay.addWidget(w)
        lay.addStretch(1)
        self.kind.currentIndexChanged.connect(self._sync)
        for sig in (
            self.kind.currentIndexChanged,
            self.solar.textChanged,
            self.leap.toggled,
            self.month.currentIndexChanged,
            self.day.currentIndexChanged,
            self.year.valueChanged,
        ):
            sig.connect(self.changed)
        self._sync()

    def _sync(self) -> None:
        k = self.kind.currentIndex()
        self.solar.setVisible(k == 1)
        for w in (self.leap, self.month, self.day, self.year):
            w.setVisible(k == 2)

    def value(self) -> dt.date | LunarBirthday | str | None:
        """The birthday: a date or lunar birthday, the typed text (checked when saved), or None."""
        k = self.kind.currentIndex()
        if k == 1:
            return self.solar.text().strip() or None
        if k == 2:
            year = self.year.value() if self.year.value() > self.year.minimum() else None
            return LunarBirthday(
                self.month.currentIndex() + 1, self.day.currentIndex() + 1, self.leap.isChecked(), year
            )
        return None

    def set_value(self, v: dt.date | LunarBirthday | None) -> None:
        if isinstance(v, LunarBirthday):
            self.kind.setCurrentIndex(2)
            self.month.setCurrentIndex(v.month - 1)
            self.day.setCurrentIndex(v.day - 1)
            self.leap.setChecked(v.leap)
            self.year.setValue(v.year or self.year.minimum())
        elif isinstance(v, dt.date):
            self.kind.setCurrentIndex(1)
            self.solar.setText(v.isoformat())
        else:
            self.kind.setCurrentIndex(0)
            self.solar.clear()


class CustomerForm(QDialog):
    """Create or edit one customer. ``saved(id)`` after every successful save;
    ``open_other(id)`` when the user follows a duplicate's "open it" link."""

    saved = Signal(int)
    open_other = Signal(int)
    became_existing = Signal(int)  # a new customer was saved: reopen it as a full archive
    open_complaint = Signal(int)  # complaint id, to be worked in the 投诉 tab

    def __init__(self, customer_id: int | None = None, parent=None):
        super().__init__(parent)
        self.setObjectName("customerForm")
        self.customer_id = customer_id
        self._dirty = False
        self._loading = True
        forms.fit_to_screen(self, 760, 620)  # 620 high does not fit a 1024x600 screen

        # --- fields ---
        self.name_edit = QLineEdit(objectName="nameEdit")
        self.phone_edit = QLineEdit(objectName="phoneEdit")
        self.phone_edit.setPlaceholderText(self.tr("11-digit mobile, e.g. 138 1234 5678"))
        self.phone2_edit = QLineEdit(objectName="phone2Edit")
        self.gender_combo = QComboBox(objectName="genderCombo")
        for code, label in (("", self.tr("Unknown")), ("F", self.tr("Female")), ("M", self.tr("Male"))):
            self.gender_combo.addItem(label, code)
        self.birthday_edit = BirthdayEdit()
        self.address_edit = QLineEdit(objectName="addressEdit")
        self.wechat_edit = QLineEdit(objectName="wechatEdit")
        self.email_edit = QLineEdit(objectName="emailEdit")
        self.email_edit.setPlaceholderText(self.tr("For e-mail messages, e.g. name@example.com"))
        self.source_edit = QLineEdit(objectName="sourceEdit")
        self.source_edit.setToolTip(self.tr("How the customer found the shop (friend, passing by, Meituan…)"))
        self.referred_by_edit = QLineEdit(objectName="referredByEdit")
        self.referred_by_edit.setPlaceholderText(self.tr("Mobile or card no. of the customer who recommended us"))

        self.card_edit = QLineEdit(objectName="cardEdit")
        self.card_edit.setToolTip(self.tr("Member card number; kept as text, leading zeros included"))
        self.level_combo = QComboBox(objectName="levelCombo")
        self.level_combo.addItem(self.tr("(none)"), None)
        for lid, name in customers.all_levels():
            self.level_combo.addItem(name, lid)
        self.joined_edit = QDateEdit(objectName="joinedEdit")
        self.joined_edit.setDisplayFormat("yyyy-MM-dd")
        self.joined_edit.setCalendarPopup(True)
        self.joined_edit.setDate(qclock.today())
        self.tags_edit = QLineEdit(objectName="tagsEdit")
        self.tags_edit.setPlaceholderText(self.tr("Separate tags with commas"))
        self.consent_check = QCheckBox(self.tr("Agrees to receive greetings and offers"), objectName="consentCheck")
        self.consent_check.setChecked(False)  # opt-in (PIPL): ticked only when the customer agrees
        self.balance_edit = QLineEdit(objectName="openingBalanceEdit")
        self.balance_edit.setPlaceholderText("0.00")
        self.points_edit = QLineEdit(objectName="openingPointsEdit")
        self.points_edit.setPlaceholderText("0")
        self.balance_label = QLabel(objectName="balanceLabel")
        self.points_label = QLabel(objectName="pointsLabel")
        self.topup_button = QPushButton(self.tr("Top up…"), objectName="topupButton")
        self.adjust_button = QPushButton(self.tr("Adjust…"), objectName="adjustButton")

        self.pref_channel = QComboBox(objectName="prefChannelCombo")
        for code, label in (
            ("", self.tr("No preference")),
            ("phone", self.tr("Phone")),
            ("sms", self.tr("SMS")),
            ("wechat", self.tr("WeChat")),
            ("visit", self.tr("In the shop")),
        ):
            self.pref_channel.addItem(label, code)
        self.pref_time = QLineEdit(objectName="prefTimeEdit")
        self.pref_time.setPlaceholderText(self.tr("e.g. weekday evenings"))
        self.pref_products = QLineEdit(objectName="prefProductsEdit")
        self.pref_taste = QLineEdit(objectName="prefTasteEdit")
        self.pref_text = QPlainTextEdit(objectName="prefTextEdit")
        self.notes_edit = QPlainTextEdit(objectName="notesEdit")

        self.fields: dict[str, _Field] = {}

        def field(key: str, editor: QWidget) -> _Field:
            f = _Field(editor)
            f.error.linkActivated.connect(self._follow_duplicate)  # a duplicate's "open it" link
            self.fields[key] = f
            return f

        # --- pages ---
        self.pages = QTabWidget(objectName="customerFormPages")
        basic = QWidget()
        fl = QFormLayout(basic)
        fl.addRow(self.tr("Name *"), field("name", self.name_edit))
        fl.addRow(self.tr("Mobile *"), field("mobile", self.phone_edit))
        fl.addRow(self.tr("Other phone"), self.phone2_edit)
        fl.addRow(self.tr("Gender"), self.gender_combo)
        fl.addRow(self.tr("Birthday"), field("birthday", self.birthday_edit))
        fl.addRow(self.tr("Address"), self.address_edit)
        fl.addRow(self.tr("WeChat"), self.wechat_edit)
        fl.addRow(self.tr("E-mail"), field("email", self.email_edit))
        fl.addRow(self.tr("Source"), self.source_edit)
        fl.addRow(self.tr("Referred by"), field("referred_by", self.referred_by_edit))
        self.pages.addTab(basic, self.tr("Basic"))

        member = QWidget()
        ml = QFormLayout(member)
        ml.addRow(self.tr("Card no."), field("card_no", self.card_edit))
        ml.addRow(self.tr("Level"), self.level_combo)
        ml.addRow(self.tr("Joined on"), self.joined_edit)
        ml.addRow(self.tr("Tags"), self.tags_edit)
        ml.addRow("", self.consent_check)
        if customer_id is None:
            ml.addRow(self.tr("Opening balance (yuan)"), field("balance", self.balance_edit))
            ml.addRow(self.tr("Opening points"), field("points", self.points_edit))
        else:
            money_row = QHBoxLayout()
            money_row.addWidget(self.balance_label)
            money_row.addWidget(self.topup_button)
            money_row.addWidget(self.adjust_button)
            money_row.addStretch(1)
            ml.addRow(self.tr("Balance / points"), money_row)
            self.anniversary_button = QPushButton(self.tr("Anniversaries…"), objectName="anniversaryButton")
            self.anniversary_button.setToolTip(
                self.tr("Wedding day, a child's birthday… for greetings in the daily list")
            )
            self.anniversary_button.clicked.connect(self._anniversaries)
            ml.addRow(self.tr("Anniversaries"), self.anniversary_button)
            ml.addRow("", self.points_label)
            self.ledger_table = self._table(
                ("ledgerTable"),
                [
                    self.tr("Time"),
                    self.tr("Kind"),
                    self.tr("Balance change"),
                    self.tr("Points change"),
                    self.tr("Balance after"),
                    self.tr("Points after"),
                    self.tr("Reason"),
                ],
            )
            ml.addRow(self.ledger_table)
        self.pages.addTab(member, self.tr("Membership"))

        prefs = QWidget()
        pl = QFormLayout(prefs)
        pl.addRow(self.tr("Preferred contact"), self.pref_channel)
        pl.addRow(self.tr("Preferred time"), self.pref_time)
        pl.addRow(self.tr("Favourite products"), self.pref_products)
        pl.addRow(self.tr("Taste / style"), self.pref_taste)
        pl.addRow(self.tr("Other preferences"), self.pref_text)
        self.pages.addTab(prefs, self.tr("Preferences"))

        notes = QWidget()
        QVBoxLayout(notes).addWidget(self.notes_edit)
        self.pages.addTab(notes, self.tr("Notes"))

        if customer_id is not None:
            self.purchase_table = self._table(
                "purchaseTable",
                [self.tr("Time"), self.tr("Amount"), self.tr("Items"), self.tr("Payment"), self.tr("Points")],
            )
            self.add_purchase_button = QPushButton(self.tr("Record purchase…"), objectName="addPurchaseButton")
            self.refund_button = QPushButton(self.tr("Refund…"), objectName="refundPurchaseButton")
            self.refund_button.setToolTip(self.tr("Refund the selected purchase, whole or in part"))
            self.refund_button.setEnabled(False)
            self.pages.addTab(
                self._list_page(self.purchase_table, self.add_purchase_button, self.refund_button),
                self.tr("Purchases"),
            )
            from shopcrm.ui.customers.loyalty_page import LoyaltyPage  # 会员权益 (issue 14)

            self.loyalty_page = LoyaltyPage(customer_id, self)
            self.loyalty_page.sale_dialog = lambda: PurchaseDialog(self, customer_id=customer_id, package=True)
            self.loyalty_page.changed.connect(self._benefits_changed)
            self.pages.addTab(self.loyalty_page, self.loyalty_page.title())
            self.purchase_table.itemSelectionChanged.connect(
                lambda: self.refund_button.setEnabled(self.selected_purchase() is not None)
            )
            self.refund_button.clicked.connect(self._refund_purchase)
            self.contact_table = self._table(
                "contactTable",
                [
                    self.tr("Time"),
                    self.tr("Channel"),
                    self.tr("Purpose"),
                    self.tr("Outcome"),
                    self.tr("Satisfaction"),
                    self.tr("Next follow-up"),
                ],
            )
            self.add_contact_button = QPushButton(self.tr("Record contact…"), objectName="addContactButton")
            self.pages.addTab(self._list_page(self.contact_table, self.add_contact_button), self.tr("Contacts"))
            self.gift_table = self._table(
                "giftTable", [self.tr("Date"), self.tr("Gift"), self.tr("Cost"), self.tr("Campaign"), self.tr("Note")]
            )
            self.add_gift_button = QPushButton(self.tr("Record a gift…"), objectName="addGiftButton")
            self.add_gift_button.clicked.connect(lambda: self.record_gift())
            self.pages.addTab(self._list_page(self.gift_table, self.add_gift_button), self.tr("Gifts"))
            from shopcrm.ui.complaints.complaint_widgets import CustomerComplaintsList

            self.complaints_list = CustomerComplaintsList(customer_id, self)
            self.complaints_list.open_complaint.connect(self.open_complaint)
            self.complaints_list.changed.connect(lambda: (self._load_activity(), self.saved.emit(self.customer_id)))
            self.pages.addTab(self.complaints_list, self.tr("Complaints"))
            from shopcrm.ui.analysis.grading_widgets import CustomerGradingPage  # grade, RFM, level/stage history

            self.grading_page = CustomerGradingPage(customer_id, self)
            self.pages.addTab(self.grading_page, self.grading_page.title())
            self.add_purchase_button.clicked.connect(self._add_purchase)
            self.add_contact_button.clicked.connect(self._add_contact)
            self.topup_button.clicked.connect(lambda: self._money_dialog("topup"))
            self.adjust_button.clicked.connect(lambda: self._money_dialog("adjust"))

        # --- header and buttons ---
        self.summary = QLabel(objectName="customerSummary")
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.summary.setWordWrap(True)
        self.status = QLabel(objectName="formStatus")
        self.save_button = QPushButton(self.tr("Save"), objectName="saveCustomerButton")
        self.save_button.setDefault(True)
        self.save_button.setToolTip(self.tr("Save (Ctrl+S)"))
        self.close_button = QPushButton(self.tr("Close"), objectName="closeCustomerButton")
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        if customer_id is not None:  # PIPL: the customer's own archive; erasure (issue #7)
            self.privacy_button = security_ui.privacy_button(self, customer_id)
            bottom.addWidget(self.privacy_button)
        bottom.addWidget(self.save_button)
        bottom.addWidget(self.close_button)
        # the last top-up's or sale's receipt line, selectable and copyable for the customer
        self.receipt_edit = QLineEdit(objectName="receiptLine")
        self.receipt_edit.setReadOnly(True)
        self.copy_receipt_button = QPushButton(self.tr("Copy receipt"), objectName="copyReceiptButton")
        self.copy_receipt_button.clicked.connect(self.copy_receipt)
        self.receipt_row = QWidget()
        receipt_lay = QHBoxLayout(self.receipt_row)
        receipt_lay.setContentsMargins(0, 0, 0, 0)
        receipt_lay.addWidget(QLabel(self.tr("Receipt")))
        receipt_lay.addWidget(self.receipt_edit, 1)
        receipt_lay.addWidget(self.copy_receipt_button)
        self.receipt_row.hide()
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.receipt_row)
        layout.addWidget(self.pages, 1)
        layout.addLayout(bottom)

        self.save_button.clicked.connect(self.save)
        self.close_button.clicked.connect(self.reject)
        QShortcut(QKeySequence.StandardKey.Save, self, self.save)
        self.phone_edit.editingFinished.connect(self._check_mobile)
        self.birthday_edit.solar.editingFinished.connect(self._check_birthday)
        for w in (
            self.name_edit,
            self.phone_edit,
            self.phone2_edit,
            self.address_edit,
            self.wechat_edit,
            self.email_edit,
            self.source_edit,
            self.referred_by_edit,
            self.card_edit,
            self.tags_edit,
            self.balance_edit,
            self.points_edit,
            self.pref_time,
            self.pref_products,
            self.pref_taste,
        ):
            w.textChanged.connect(self._mark_dirty)
        for w in (self.pref_text, self.notes_edit):
            w.textChanged.connect(self._mark_dirty)
        for c in (self.gender_combo, self.level_combo, self.pref_channel):
            c.currentIndexChanged.connect(self._mark_dirty)
        self.birthday_edit.changed.connect(self._mark_dirty)
        self.consent_check.toggled.connect(self._mark_dirty)
        self.joined_edit.dateChanged.connect(self._mark_dirty)

        self._load()
        self._loading = False
        forms.settle(self, first=self.name_edit)

    # --- building blocks -----------------------------------------------------------------------
    def _table(self, name: str, headers: list[str]) -> QTableWidget:
        table = QTableWidget(0, len(headers), objectName=name)
        table.setHorizontalHeaderLabels(headers)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.verticalHeader().hide()
        table.horizontalHeader().setStretchLastSection(True)
        table.setAlternatingRowColors(True)
        return table

    def _list_page(self, table: QTableWidget, *buttons: QPushButton) -> QWidget:
        page = QWidget()
        lay = QVBoxLayout(page)
        row = QHBoxLayout()
        for button in buttons:
            row.addWidget(button)
        row.addStretch(1)
        lay.addLayout(row)
        lay.addWidget(table, 1)
        return page

    @staticmethod
    def _fill(table: QTableWidget, rows: list[list[str]], right: set[int] = frozenset()) -> None:
        table.setRowCount(len(rows))
        for r, values in enumerate(rows):
            for c, v in enumerate(values):
                item = QTableWidgetItem(v)
                if c in right:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                table.setItem(r, c, item)
        table.resizeColumnsToContents()

    # --- load / collect ------------------------------------------------------------------------
    def _load(self) -> None:
        if self.customer_id is None:
            self.setWindowTitle(self.tr("New customer"))
            self.summary.setText(self.tr("<b>New customer</b> — fields marked * are required"))
            return
        c = customers.get(self.customer_id)
        data = customers.to_input(c)
        self.name_edit.setText(data.name)
        security_ui.show_mobile(self.phone_edit, self.customer_id, data.mobile)  # masked for clerks
        self.card_edit.setText(data.card_no)
        self.birthday_edit.set_value(data.birthday)
        self.level_combo.setCurrentIndex(max(self.level_combo.findData(data.level_id), 0))
        self.tags_edit.setText("，".join(data.tags))
        self._set_consent(data.consent_marketing)
        if data.joined_on:
            self.joined_edit.setDate(qclock.to_qdate(data.joined_on))
        ex = data.extra
        self.phone2_edit.setText(ex["phone2"])
        self.gender_combo.setCurrentIndex(max(self.gender_combo.findData(ex["gender"]), 0))
        self.address_edit.setText(ex["address"])
        self.wechat_edit.setText(ex["wechat"])
        self.email_edit.setText(ex["email"])
        self.source_edit.setText(ex["source"])
        self.referred_by_edit.setText(data.referred_by)
        self.pref_channel.setCurrentIndex(max(self.pref_channel.findData(ex["pref_channel"]), 0))
        self.pref_time.setText(ex["pref_time"])
        self.pref_products.setText(ex["pref_products"])
        self.pref_taste.setText(ex["pref_taste"])
        self.pref_text.setPlainText(ex["pref_text"])
        self.notes_edit.setPlainText(ex["notes"])
        self._load_activity(c)
        self._dirty = False

    def _load_activity(self, c=None) -> None:
        c = c or customers.get(self.customer_id)
        self.setWindowTitle(self.tr("Customer archive — %1").replace("%1", c.name))
        birthday = ""
        if c.lunar_month:
            birthday = format_lunar(LunarBirthday(c.lunar_month, c.lunar_day, bool(c.lunar_leap), c.lunar_year))
        elif c.birthday:
            birthday = c.birthday.isoformat()
        level = c.level.name if c.level_id else self.tr("(none)")
        parts = [
            f"<b style='font-size:15px'>{c.name}</b>",
            security.display_mobile(c.mobile),
            level,
            self.tr("Balance %1").replace("%1", fmt(c.balance_cents)),
            self.tr("Points %1").replace("%1", f"{c.points:,}"),
            self.tr("Birthday %1").replace("%1", birthday or "—"),
            self.tr("Last purchase %1").replace("%1", str(c.last_purchase_at or "—")[:10]),
            self.tr("Total spend %1").replace("%1", fmt(c.total_spend_cents)),
        ]
        from shopcrm import stores

        if stores.is_chain():  # a chain's member: where they joined (their card works in every store)
            parts.append(self.tr("Home store %1").replace("%1", stores.get(c.home_store_id).name))
        if c.open_complaints:
            parts.append(
                "<span style='color:#c0392b'>" + self.tr("%n open complaint(s)", "", c.open_complaints) + "</span>"
            )
        if c.deleted_at:
            parts.append("<span style='color:#c0392b'>" + self.tr("In the recycle bin") + "</span>")
        self.summary.setText(" · ".join(parts))
        self.balance_label.setText(self.tr("Balance ¥%1").replace("%1", fmt(c.balance_cents)))
        self.points_label.setText(self.tr("Points %1").replace("%1", f"{c.points:,}"))
        if getattr(self, "loyalty_page", None) is not None:  # a sale spent a coupon or points
            self.loyalty_page.reload()
        pay = {p: t(f"pay.{p}") for p in activity.PAYMENTS}
        bought = activity.purchases_of(c.id)
        self._fill(
            self.purchase_table,
            [
                [
                    str(p.at)[:16],
                    fmt(p.amount_cents)
                    + (" " + self.tr("(refunded %1)").replace("%1", fmt(p.refunded_cents)) if p.refunded_cents else ""),
                    p.items,
                    pay.get(p.payment, self.tr("Split") if p.payment == "mixed" else p.payment),
                    str(p.points_earned),
                ]
                for p in bought
            ],
            {1, 4},
        )
        for r, p in enumerate(bought):
            self.purchase_table.item(r, 0).setData(Qt.ItemDataRole.UserRole, p.id)
        chan = {ch: t(f"channel.{ch}") for ch in activity.CHANNELS}
        self._fill(
            self.contact_table,
            [
                [
                    str(x.at)[:16],
                    chan.get(x.channel, x.channel),
                    x.purpose,
                    x.outcome,
                    str(x.satisfaction or ""),
                    str(x.next_followup or ""),
                ]
                for x in activity.contacts_of(c.id)
            ],
        )
        self._fill(
            self.ledger_table,
            [
                [
                    str(e.at)[:16],
                    t(f"ledger.{e.kind}"),
                    fmt(e.balance_delta_cents),
                    f"{e.points_delta:+,}",
                    fmt(e.balance_after_cents),
                    f"{e.points_after:,}",
                    e.reason,
                ]
                for e in ledger.entries(c.id)
            ],
            {2, 3, 4, 5},
        )
        gifts = campaign.gifts_of(c.id)
        names = {k.id: k.name for k in campaign.campaigns()} if any(g.campaign_id for g in gifts) else {}
        self._fill(
            self.gift_table,
            [[str(g.at)[:10], g.what, fmt(g.cost_cents), names.get(g.campaign_id, ""), g.note] for g in gifts],
            {2},
        )
        if hasattr(self, "grading_page"):
            self.grading_page.reload()  # a purchase may raise the level or end a lost spell

    def collect(self) -> CustomerInput:
        tags = [x for x in self.tags_edit.text().replace("，", ",").replace("、", ",").split(",")]
        return CustomerInput(
            name=self.name_edit.text(),
            mobile=security_ui.mobile_value(self.phone_edit),
            card_no=self.card_edit.text(),
            birthday=self.birthday_edit.value(),
            level_id=self.level_combo.currentData(),
            opening_balance=self.balance_edit.text(),
            opening_points=self.points_edit.text(),
            tags=tags,
            consent_marketing=self._consent(),
            joined_on=qclock.from_qdate(self.joined_edit.date()),
            referred_by=self.referred_by_edit.text(),
            extra={
                "phone2": self.phone2_edit.text(),
                "gender": self.gender_combo.currentData(),
                "address": self.address_edit.text(),
                "wechat": self.wechat_edit.text(),
                "email": self.email_edit.text(),
                "source": self.source_edit.text(),
                "pref_channel": self.pref_channel.currentData(),
                "pref_time": self.pref_time.text(),
                "pref_products": self.pref_products.text(),
                "pref_taste": self.pref_taste.text(),
                "pref_text": self.pref_text.toPlainText(),
                "notes": self.notes_edit.toPlainText(),
            },
        )

    def _set_consent(self, value: bool | None) -> None:
        """Yes / no, or unknown (an imported customer nobody asked yet): a third, partial state
        that the clerk can leave as it is or turn into yes or no."""
        self.consent_check.setTristate(value is None)
        if value is None:
            self.consent_check.setCheckState(Qt.CheckState.PartiallyChecked)
            self.consent_check.setToolTip(self.tr("Not asked yet (imported): counts as no until the customer agrees"))
        else:
            self.consent_check.setChecked(bool(value))

    def _consent(self) -> bool | None:
        state = self.consent_check.checkState()
        if state == Qt.CheckState.PartiallyChecked:
            return None
        return state == Qt.CheckState.Checked

    # --- validation and saving -----------------------------------------------------------------
    def _mark_dirty(self, *args) -> None:
        if not self._loading:
            self._dirty = True
            self.status.setText(self.tr("Unsaved changes"))

    def is_dirty(self) -> bool:
        return self._dirty

    def _show_errors(self, errors: list[FieldError]) -> None:
        for f in self.fields.values():
            f.set_error(None)
        for e in errors:
            target = self.fields.get(e.field)
            if target is None:
                continue
            text = e.message
            if isinstance(e, DuplicateError):
                text += f" <a href='{e.other_id}'>" + self.tr("Open that customer") + "</a>"
            target.set_error(text)
        if errors:
            first = next((self.fields[e.field] for e in errors if e.field in self.fields), None)
            if first is not None:
                page = first.parentWidget()
                while page is not None and self.pages.indexOf(page) < 0:
                    page = page.parentWidget()
                if page is not None:
                    self.pages.setCurrentWidget(page)
                first.editor.setFocus()

    def _follow_duplicate(self, link: str) -> None:
        self.open_other.emit(int(link))

    def _check_mobile(self) -> None:
        """Check the mobile as soon as the clerk leaves the field, not only on save."""
        text = security_ui.mobile_value(self.phone_edit)
        if not text.strip():
            return
        try:
            customers.validate(CustomerInput(name="-", mobile=text), self.customer_id)
        except ValidationError as exc:
            e = exc.for_field("mobile")
            if e is not None:
                self._show_errors([e])
                return
        self.fields["mobile"].set_error(None)

    def _check_birthday(self) -> None:
        """Check a typed solar birthday as soon as the clerk leaves the field: a future or
        unknown date gets its message under the field at once (saving refuses it too)."""
        value = self.birthday_edit.value()
        error = None
        if isinstance(value, str):
            try:
                parse_birthday(value, today=clock.today())
            except FieldError as exc:
                error = exc.message
        self.fields["birthday"].set_error(error)

    def _opening_value_typed(self) -> bool:
        """A new customer's opening balance or points other than zero was typed (a value that
        cannot be read is left to the validation, which marks it)."""
        from shopcrm.core.normalize import parse_int

        try:
            return bool(
                parse_money(self.balance_edit.text(), "balance") or parse_int(self.points_edit.text(), "points")
            )
        except FieldError:
            return False

    def save(self) -> bool:
        data = self.collect()
        # an opening balance/points is an owner adjustment: ask for the PIN now, keep the form
        if (
            self.customer_id is None
            and self._opening_value_typed()
            and not security.is_owner()
            and not security_ui.ensure_owner(self, "adjust")
        ):
            self._show_errors([FieldError("balance", "v.opening_owner")])
            self.status.setText(self.tr("Not saved: please correct the fields marked in red"))
            return False
        try:
            if self.customer_id is None:
                c = customers.create(data)
                self.customer_id = c.id
            else:
                customers.update(self.customer_id, data)
        except ValidationError as exc:
            self._show_errors(exc.errors)
            self.status.setText(self.tr("Not saved: please correct the fields marked in red"))
            return False
        except PermissionError:  # clerk mode again (the owner locked meanwhile)
            self._show_errors([FieldError("balance", "v.opening_owner")])
            self.status.setText(self.tr("Not saved: please correct the fields marked in red"))
            return False
        except ConnectionLost as exc:  # the server went away: the form keeps what was typed
            self.status.setText(str(exc))
            live.report_lost(self, exc)
            return False
        self._show_errors([])
        self._dirty = False
        self.status.setText(self.tr("Saved"))
        self.saved.emit(self.customer_id)
        if not hasattr(self, "purchase_table"):
            # a new customer becomes an archive with purchases and contacts: the owner of this
            # form reopens it by id
            self.done(QDialog.DialogCode.Accepted)
            self.became_existing.emit(self.customer_id)
        else:
            self._load_activity()
        return True

    def reject(self) -> None:
        if self._dirty:
            box = QMessageBox(
                QMessageBox.Icon.Question,
                self.tr("Unsaved changes"),
                self.tr("This customer has unsaved changes. Save them?"),
                QMessageBox.StandardButton.Save
                | QMessageBox.StandardButton.Discard
                | QMessageBox.StandardButton.Cancel,
                self,
            )
            box.setObjectName("unsavedChangesBox")
            answer = box.exec()
            if answer == QMessageBox.StandardButton.Cancel:
                return
            if answer == QMessageBox.StandardButton.Save and not self.save():
                return
        super().reject()

    # --- purchases, contacts, money ------------------------------------------------------------
    def _benefits_changed(self) -> None:
        """A count card sold, used or refunded, a coupon issued, a gift redeemed on 会员权益."""
        self._load_activity()
        self.show_receipt(self.loyalty_page.receipt)
        self.saved.emit(self.customer_id)

    def _add_purchase(self) -> None:
        dlg = PurchaseDialog(self, customer_id=self.customer_id)  # records it; a refusal stays in the dialog
        if dlg.exec() == QDialog.DialogCode.Accepted:
            self._load_activity()
            self.show_receipt(dlg.receipt)
            self.saved.emit(self.customer_id)

    def _add_contact(self) -> None:
        dlg = ContactDialog(self)
        if dlg.exec() == QDialog.DialogCode.Accepted:
            activity.record_contact(self.customer_id, **dlg.values())
            self._load_activity()
            self.saved.emit(self.customer_id)

    def record_gift(self, *, show: bool = True) -> GiftDialog:
        """记录赠品: what, cost, date, note; shown in the archive's Gifts page once recorded."""
        dlg = GiftDialog(self.customer_id, self)
        dlg.accepted.connect(lambda: (self._load_activity(), self.saved.emit(self.customer_id)))
        if show:
            dlg.open()
        return dlg

    def _anniversaries(self) -> None:
        from shopcrm.ui.customers.anniversaries import AnniversaryDialog

        dlg = AnniversaryDialog(self.customer_id, self)
        dlg.finished.connect(lambda _r: self.saved.emit(self.customer_id))
        dlg.open()

    def _money_dialog(self, kind: str) -> None:
        # a paid top-up is a clerk action (issue 13); an adjustment is the owner's
        if kind != "topup" and not security_ui.ensure_owner(self, "adjust"):
            return
        dlg = MoneyDialog(kind, self, customer_id=self.customer_id)  # a refusal stays in the dialog
        if dlg.exec() == QDialog.DialogCode.Accepted:
            self._load_activity()
            self.show_receipt(dlg.receipt)
            self.saved.emit(self.customer_id)

    def show_receipt(self, text: str) -> None:
        """Show a receipt line (selected, ready to copy); nothing for an empty one."""
        if not text:
            return
        self.receipt_edit.setText(text)
        self.receipt_row.show()
        self.receipt_edit.selectAll()

    def copy_receipt(self) -> None:
        from PySide6.QtWidgets import QApplication

        QApplication.clipboard().setText(self.receipt_edit.text())
        self.status.setText(self.tr("Receipt copied"))

    def selected_purchase(self) -> int | None:
        rows = {i.row() for i in self.purchase_table.selectedItems()}
        if len(rows) != 1:
            return None
        item = self.purchase_table.item(rows.pop(), 0)
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def _refund_purchase(self) -> None:
        pid = self.selected_purchase()
        if pid is None:
            return
        dlg = RefundDialog(pid, self)  # asks for confirmation; a refusal stays in the dialog
        if dlg.exec() == QDialog.DialogCode.Accepted:
            self._load_activity()
            self.saved.emit(self.customer_id)


class LinesEditor(QWidget):
    """What was bought, row by row: name, pieces, unit price. A new empty row appears when the
    last one gets a name, so the clerk just goes on typing (Tab goes name → pieces → price → the
    next row's name). ``lines()`` reads the rows with a name; ``changed`` fires on every edit."""

    changed = Signal()
    MAX_ROWS = 40

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("purchaseLines")
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setHorizontalSpacing(6)
        for col, head in enumerate([self.tr("Item"), self.tr("Pieces"), self.tr("Unit price (yuan)")]):
            self.grid.addWidget(QLabel(head), 0, col)
        self.grid.setColumnStretch(0, 3)
        self.grid.setColumnStretch(2, 1)
        self.rows: list[tuple[QLineEdit, QSpinBox, QLineEdit]] = []
        self.add_row()

    def add_row(self) -> None:
        n = len(self.rows) + 1
        name = QLineEdit(objectName=f"lineName{n}")
        name.setPlaceholderText(self.tr("Line %1").replace("%1", str(n)))
        qty = QSpinBox(objectName=f"lineQty{n}")
        qty.setRange(1, 9999)
        price = QLineEdit(objectName=f"linePrice{n}")
        price.setPlaceholderText("0.00")
        price.setMaximumWidth(110)
        for col, w in enumerate((name, qty, price)):
            self.grid.addWidget(w, n, col)
            w.show()  # at once: a row added while typing takes the next Tab
        if self.rows:
            QWidget.setTabOrder(self.rows[-1][2], name)
        QWidget.setTabOrder(name, qty)
        QWidget.setTabOrder(qty, price)
        name.textChanged.connect(self._grow)
        for sig in (name.textChanged, qty.valueChanged, price.textChanged):
            sig.connect(self.changed)
        self.rows.append((name, qty, price))

    def _grow(self, *_args) -> None:
        if self.rows[-1][0].text().strip() and len(self.rows) < self.MAX_ROWS:
            self.add_row()

    def first(self) -> QWidget:
        return self.rows[0][0]

    def last(self) -> QWidget:
        return self.rows[-1][2]

    def typed(self) -> bool:
        return any(name.text().strip() for name, _q, _p in self.rows)

    def lines(self) -> list[counter.Line]:
        """The rows with a name, as (name, pieces, unit price in cents); a price that cannot be
        read raises FieldError (field ``line``, naming the row)."""
        out: list[counter.Line] = []
        for i, (name, qty, price) in enumerate(self.rows, 1):
            if not name.text().strip():
                continue
            text = f"{name.text().strip()}*{qty.value()}*{price.text().strip() or '0'}"
            out.append(counter.parse_line(text, i))
        return out

    def total(self) -> int | None:
        """The lines' sum; None while a price cannot be read."""
        try:
            return sum(q * u for _n, q, u in self.lines())
        except FieldError:
            return None


class PurchaseDialog(_ValidatingDialog):
    """Record a sale, paid split: a card part (the stored-value card) and one other method for the
    rest (储值卡 alone: all by card). With ``customer_id`` the dialog records it itself through
    shopcrm.sales.counter.sell (OK = recorded) and shows, while typing, the card balance, the
    points and what is still to pay; a refusal (card part over the balance) is shown under the
    field concerned, the dialog staying open with what was typed. ``receipt`` is the receipt line
    of the recorded sale.

    For a member (issue 14) the amount is the list price and the dialog prices the sale live with
    shopcrm.loyalty.price: the member price of the level, a coupon (one of the customer's valid
    coupons, or a typed code), points spent as money (积分抵现, the most allowed shown) and the
    sale type when the owner gives member prices per type; the breakdown (list, member off,
    coupon off, points off, due) follows the typing and the payment parts add up to ``due``.
    With ``package=True`` the dialog sells a count card (计次卡) through the same payment flow
    (shopcrm.sales.packages.sell_package); ``package_id`` is then the sold card."""

    recorded = Signal(int)  # purchase id

    def __init__(self, parent=None, customer_id: int | None = None, *, package: bool = False):
        title = self.tr("Sell count card") if package else self.tr("Record purchase")
        super().__init__(title, parent)
        self.setObjectName("packageSaleDialog" if package else "purchaseDialog")
        self.customer_id = customer_id
        self.package = package
        self.purchase_id: int | None = None
        self.package_id: int | None = None
        self.receipt = ""
        self.quote: loyalty.Quote | None = None
        self.settings = loyalty.load_settings() if customer_id is not None else None
        self.amount_edit = QLineEdit(objectName="purchaseAmountEdit")
        self.amount_edit.setPlaceholderText("0.00")
        self.at_edit = QDateTimeEdit(qclock.now(), objectName="purchaseAtEdit")
        self.at_edit.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.at_edit.setCalendarPopup(True)
        self.items_edit = QLineEdit(objectName="purchaseItemsEdit")
        # a count card: what, how many uses, valid how long
        self.product_edit = QLineEdit(objectName="packageProductEdit")
        self.product_edit.setPlaceholderText(self.tr("e.g. car wash, facial"))
        self.uses_spin = QSpinBox(objectName="packageUsesSpin")
        self.uses_spin.setRange(1, 10_000)
        self.uses_spin.setValue(10)
        self.days_spin = QSpinBox(objectName="packageDaysSpin")
        self.days_spin.setRange(0, 36_500)
        self.days_spin.setValue(365)
        self.days_spin.setSpecialValueText(self.tr("no end"))
        self.days_spin.setSuffix(self.tr(" days"))
        # member benefits (issue 14)
        self.sale_type_combo = QComboBox(objectName="saleTypeCombo")
        for code, label in (("goods", self.tr("Goods")), ("service", self.tr("Service"))):
            self.sale_type_combo.addItem(label, code)
        self.coupon_combo = QComboBox(objectName="couponCombo")
        self.coupon_combo.setEditable(True)
        self.coupon_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.coupon_combo.lineEdit().setPlaceholderText(self.tr("choose, or type a coupon code"))
        self.points_edit = QLineEdit(objectName="pointsUsedEdit")
        self.points_edit.setValidator(QIntValidator(0, 10**9, self.points_edit))
        self.points_edit.setPlaceholderText("0")
        self.points_max_label = QLabel(objectName="pointsMaxLabel")
        points_row = QWidget()
        pr = QHBoxLayout(points_row)
        pr.setContentsMargins(0, 0, 0, 0)
        pr.addWidget(self.points_edit, 1)
        pr.addWidget(self.points_max_label, 2)
        self.breakdown_label = QLabel(objectName="priceBreakdownLabel")  # list, offs, due
        self.breakdown_label.setWordWrap(True)
        self.breakdown_label.setTextFormat(Qt.TextFormat.RichText)
        self.payment_combo = QComboBox(objectName="paymentCombo")  # the method of the rest
        for m in counter.methods():
            self.payment_combo.addItem(counter.method_label(m, texts.language()), m)
        self.payment_combo.addItem(t("pay.stored_value"), "stored_value")  # all by card
        self.card_edit = QLineEdit(objectName="cardPartEdit")
        self.card_edit.setPlaceholderText("0.00")
        self.card_edit.setToolTip(self.tr("The part paid from the stored-value card; the rest by the method above"))
        self.card_label = QLabel(objectName="cardBalanceLabel")  # balance, points, still to pay
        self.card_label.setWordWrap(True)
        self.card_label.setTextFormat(Qt.TextFormat.RichText)
        self.card_label.hide()
        if package:
            self.add_row(self.tr("Count card *"), self.product_edit, "package")
            self.add_row(self.tr("Uses"), self.uses_spin)
            self.add_row(self.tr("Valid for"), self.days_spin)
            self.add_row(self.tr("Price (yuan) *"), self.amount_edit, "amount")
        else:
            self.add_row(self.tr("Amount (yuan) *"), self.amount_edit, "amount")
        self.add_row(self.tr("Sale type"), self.sale_type_combo, "sale_type")
        self.add_row(self.tr("Time"), self.at_edit)
        if not package:
            self.add_row(self.tr("Items"), self.items_edit)
        self.lines_editor = LinesEditor()  # optional: with lines the amount is their sum
        self.lines_scroll = QScrollArea(objectName="purchaseLinesScroll")
        self.lines_scroll.setWidgetResizable(True)
        self.lines_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.lines_scroll.setMaximumHeight(190)
        self.lines_scroll.setWidget(self.lines_editor)
        self.lines_scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.add_row(self.tr("Coupon"), self.coupon_combo, "coupon")
        self.add_row(self.tr("Points as money"), points_row, "points")
        self.fields["points"].editor = self.points_edit  # the error focuses the points, not the row
        self.form.addRow("", self.breakdown_label)
        self.add_row(self.tr("Payment"), self.payment_combo, "payment")
        self.add_row(self.tr("Card part (yuan)"), self.card_edit, "card")
        self.form.addRow("", self.card_label)
        self.add_row(self.tr("Lines (optional)"), self.lines_scroll, "line")
        self._set_row_visible("line", not package)  # a count card is one line of its own
        self._offer_benefits()
        self.payment_combo.currentIndexChanged.connect(self._show_card)
        self.amount_edit.textChanged.connect(self._show_card)
        self.card_edit.textChanged.connect(self._show_card)
        self.sale_type_combo.currentIndexChanged.connect(self._show_card)
        self.coupon_combo.currentTextChanged.connect(self._show_card)
        self.points_edit.textChanged.connect(self._show_card)
        self.at_edit.dateTimeChanged.connect(self._show_card)
        self.lines_editor.changed.connect(self._follow_lines)
        order = [self.product_edit, self.uses_spin, self.days_spin] if package else []
        order += [self.amount_edit, self.sale_type_combo, self.at_edit]
        order += [] if package else [self.items_edit]
        order += [self.coupon_combo, self.points_edit, self.payment_combo, self.card_edit]
        order += [] if package else [self.lines_editor.first()]
        forms.settle(self, first=order[0], order=order)
        self._show_card()

    def _follow_lines(self) -> None:
        """With lines typed the amount is their sum (read only); without, it is typed."""
        lined = self.lines_editor.typed()
        self.amount_edit.setReadOnly(lined)
        if lined:
            total = self.lines_editor.total()
            self.amount_edit.setText(fmt(total, grouping=False) if total is not None else "")

    # --- member benefits -----------------------------------------------------------------------
    def _set_row_visible(self, key: str, visible: bool) -> None:
        self.fields[key].setVisible(visible)
        label = self.form.labelForField(self.fields[key])
        if label is not None:
            label.setVisible(visible)

    def _offer_benefits(self) -> None:
        """Show the coupon, points and sale-type rows only where they can matter for this member."""
        s = self.settings
        if self.customer_id is None or s is None:
            for key in ("sale_type", "coupon", "points"):
                self._set_row_visible(key, False)
            self.breakdown_label.hide()
            return
        c = customers.get(self.customer_id)
        self.coupon_combo.addItem("", None)
        for cp in coupons.valid_for(self.customer_id):
            self.coupon_combo.addItem(coupons.text(cp), cp.code)
        self._coupons_offered = self.coupon_combo.count() > 1
        self._points_offered = bool(s["points_per_yuan"]) and c.points > 0
        discounts = s["level_discounts"]
        member = c.level_id is not None and any(int(v) < 100 for v in discounts.values())
        # the owner gives member prices per sale type: the type matters when goods and services differ
        per_type = member and ("goods" in s["member_price_types"]) != ("service" in s["member_price_types"])
        self._set_row_visible("sale_type", per_type and not self.package)
        self._set_row_visible("coupon", self._coupons_offered)
        self._set_row_visible("points", self._points_offered)
        self._benefits = member or self._coupons_offered or self._points_offered

    def _sale_type(self) -> str:
        return "package" if self.package else self.sale_type_combo.currentData()

    def _coupon_code(self) -> str | None:
        text = self.coupon_combo.currentText().strip()
        if not text:
            return None
        i = self.coupon_combo.currentIndex()
        if i >= 0 and self.coupon_combo.itemText(i) == self.coupon_combo.currentText():
            return self.coupon_combo.itemData(i)
        return coupons.normal_code(text) or None

    def _points(self) -> int:
        text = self.points_edit.text().strip()
        return int(text) if text.isdigit() else 0

    def _at(self) -> dt.datetime:
        return self.at_edit.dateTime().toPython().replace(second=0, microsecond=0)

    def _price(self, amount: int) -> tuple[loyalty.Quote | None, FieldError | None]:
        """The live quote of what is typed, and the first refusal; a refused coupon or points
        still leave a quote of the rest, so the breakdown never goes blank while typing."""
        code, points, sale_type = self._coupon_code(), self._points(), self._sale_type()
        first: FieldError | None = None
        for cp, pts in ((code, points), (code, 0), (None, points), (None, 0)):
            try:
                return loyalty.price(self.customer_id, amount, cp, pts, sale_type, day=self._at().date()), first
            except FieldError as exc:
                first = first or exc
        return None, first

    def _show_breakdown(self, amount: int) -> int:
        """Price the sale live; returns what is due (the amount itself when nothing applies)."""
        self.quote = None
        if self.customer_id is None or not getattr(self, "_benefits", False) or amount <= 0:
            self.breakdown_label.setVisible(False)
            self.points_max_label.setText("")
            return amount
        q, error = self._price(amount)
        for key in ("coupon", "points", "sale_type"):
            self.fields[key].set_error(None)
        if error is not None and error.field in ("coupon", "points", "sale_type"):
            code = self._coupon_code() or ""
            typing = error.key == "coupon.v.unknown" and len(code) < coupons.CODE_LENGTH
            if not typing:  # a half-typed code is no refusal yet
                self.fields[error.field].set_error(error.message)
        self.quote = q
        if q is None:
            self.breakdown_label.setVisible(False)
            return amount
        if self._points_offered:
            self.points_max_label.setText(
                self.tr("at most %1 of %2 points (¥%3)")
                .replace("%1", f"{q.points_max:,}")
                .replace("%2", f"{q.points_have:,}")
                .replace("%3", fmt(loyalty.points_value(q.points_max, self.settings)))
            )
        # the discounts as the receipt line will say them (member price, coupon, points)
        parts = [self.tr("List ¥%1").replace("%1", fmt(q.list_cents)), *q.lines()]
        parts.append("<b>" + self.tr("Due ¥%1").replace("%1", fmt(q.due)) + "</b>")
        self.breakdown_label.setText(" · ".join(parts))
        self.breakdown_label.setVisible(True)
        self._grow()
        return q.due

    def _grow(self) -> None:
        """A longer breakdown or refusal wraps onto another line: the open dialog grows to show
        it (never shrinks while the clerk types)."""
        if not self.isVisible():
            return
        self.layout().activate()
        need = self.layout().heightForWidth(self.width()) if self.layout().hasHeightForWidth() else -1
        need = max(need, self.sizeHint().height())
        if need > self.height():
            self.resize(self.width(), need)

    # --- payment -------------------------------------------------------------------------------
    def _all_by_card(self) -> bool:
        return self.payment_combo.currentData() == "stored_value"

    @staticmethod
    def _cents(edit: QLineEdit) -> int:
        """What is typed, 0 while it is empty or cannot be read yet (check() says why)."""
        try:
            return parse_money(edit.text(), "amount") if edit.text().strip() else 0
        except FieldError:
            return 0

    def _show_card(self, *_args) -> None:
        by_card = self._all_by_card()
        self.card_edit.setEnabled(not by_card and self.customer_id is not None)
        self._set_row_visible("card", self.customer_id is not None)
        due = self._show_breakdown(self._cents(self.amount_edit))
        card = due if by_card else self._cents(self.card_edit)
        show = self.customer_id is not None and (by_card or bool(self.card_edit.text().strip()))
        self.card_label.setVisible(show)
        if not show:
            return
        c = customers.get(self.customer_id)
        text = (
            self.tr("Balance ¥%1").replace("%1", fmt(c.balance_cents))
            + " · "
            + self.tr("Points %1").replace("%1", f"{c.points:,}")
        )
        if card > c.balance_cents:
            text += (
                " · <span style='color:#c0392b'>"
                + self.tr("Still to pay ¥%1").replace("%1", fmt(card - c.balance_cents))
                + "</span>"
            )
        elif card:
            text += " · " + self.tr("Balance after ¥%1").replace("%1", fmt(c.balance_cents - card))
        if not by_card and due > card:
            text += " · " + (
                self.tr("Still to pay by %1 ¥%2")
                .replace("%1", self.payment_combo.currentText())
                .replace("%2", fmt(due - card))
            )
        self.card_label.setText(text)
        self._grow()

    def check(self) -> None:
        if self.package:
            self.product = self.product_edit.text().strip()
            if not self.product:
                raise FieldError("package", "package.v.terms")
        self.lines = [] if self.package else self.lines_editor.lines()
        if self.lines:
            self.amount_cents = sum(q * u for _n, q, u in self.lines)
        else:
            self.amount_cents = parse_money(self.amount_edit.text(), "amount")
        if self.amount_cents <= 0:
            raise FieldError("amount", "v.required")
        self.at = self._at()
        self.items = self.items_edit.text().strip()
        self.payment = self.payment_combo.currentData()
        self.coupon = self._coupon_code() if self.customer_id is not None else None
        self.points = int(self.points_edit.text()) if self.points_edit.text().strip() else 0
        due = self.amount_cents
        if self.customer_id is not None:  # the member's price: refusals beside coupon / points / type
            due = loyalty.price(
                self.customer_id, self.amount_cents, self.coupon, self.points, self._sale_type(), day=self.at.date()
            ).due
        self.due_cents = due
        if self._all_by_card():
            self.pay = {CARD: due}
            return
        card = parse_money(self.card_edit.text(), "card") if self.card_edit.text().strip() else 0
        if card > due:
            raise FieldError("card", "v.pay_sum", paid=fmt(card), total=fmt(due))
        self.pay = {CARD: card, self.payment: due - card}

    def commit(self) -> None:
        if self.customer_id is None:  # the caller records it
            return
        try:
            if self.package:
                pkg = packages.sell_package(
                    self.customer_id,
                    self.product,
                    self.uses_spin.value(),
                    self.amount_cents,
                    self.days_spin.value() or None,
                    self.pay,
                    coupon=self.coupon,
                    points=self.points,
                    at=self.at,
                )
                self.package_id = pkg.id
                p = counter.purchase(pkg.purchase_id)
            else:
                p = counter.sell(
                    self.customer_id,
                    self.amount_cents,
                    self.pay,
                    items=self.items,
                    at=self.at,
                    coupon=self.coupon,
                    points=self.points,
                    sale_type=self._sale_type(),
                    lines=self.lines or None,
                )
        except FieldError as exc:
            if exc.field == "balance":  # the card does not cover it: say so beside the card part
                raise FieldError("payment" if self._all_by_card() else "card", exc.key, **exc.params) from exc
            raise
        self.purchase_id = p.id
        self.receipt = counter.sale_receipt(p)
        self.recorded.emit(p.id)


class ContactDialog(_ValidatingDialog):
    def __init__(self, parent=None):
        super().__init__(self.tr("Record contact"), parent)
        self.setObjectName("contactDialog")
        self.channel_combo = QComboBox(objectName="contactChannelCombo")
        for ch in activity.CHANNELS:
            self.channel_combo.addItem(t(f"channel.{ch}"), ch)
        self.purpose_edit = QLineEdit(objectName="contactPurposeEdit")
        self.outcome_edit = QLineEdit(objectName="contactOutcomeEdit")
        self.satisfaction = QComboBox(objectName="contactSatisfactionCombo")
        self.satisfaction.addItem(self.tr("(not asked)"), None)
        for s in range(5, 0, -1):
            self.satisfaction.addItem("★" * s, s)
        self.followup_check = QCheckBox(self.tr("Follow up on"))
        self.followup_edit = QDateEdit(qclock.today().addDays(7))
        self.followup_edit.setDisplayFormat("yyyy-MM-dd")
        self.followup_edit.setCalendarPopup(True)
        row = QHBoxLayout()
        row.addWidget(self.followup_check)
        row.addWidget(self.followup_edit)
        self.form.addRow(self.tr("Channel"), self.channel_combo)
        self.form.addRow(self.tr("Purpose"), self.purpose_edit)
        self.form.addRow(self.tr("Outcome"), self.outcome_edit)
        self.form.addRow(self.tr("Satisfaction"), self.satisfaction)
        self.form.addRow(self.tr("Next follow-up"), row)
        forms.settle(self, first=self.channel_combo)

    def check(self) -> None:
        pass

    def values(self) -> dict:
        return dict(
            channel=self.channel_combo.currentData(),
            purpose=self.purpose_edit.text().strip(),
            outcome=self.outcome_edit.text().strip(),
            satisfaction=self.satisfaction.currentData(),
            next_followup=qclock.from_qdate(self.followup_edit.date()) if self.followup_check.isChecked() else None,
        )


class GiftDialog(_ValidatingDialog):
    """Record a gift handed to the customer (shopcrm.campaigns.campaign.give_gift)."""

    def __init__(self, customer_id: int, parent=None):
        super().__init__(self.tr("Record a gift"), parent)
        self.setObjectName("giftDialog")
        self.customer_id = customer_id
        self.what_edit = QLineEdit(objectName="giftWhatEdit")
        self.what_edit.setPlaceholderText(self.tr("e.g. 月饼礼盒"))
        self.cost_edit = QLineEdit(objectName="giftCostEdit")
        self.cost_edit.setPlaceholderText("0.00")
        self.date_edit = QDateEdit(qclock.today(), objectName="giftDateEdit")
        self.date_edit.setDisplayFormat("yyyy-MM-dd")
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setMaximumDate(qclock.today())
        self.note_edit = QLineEdit(objectName="giftNoteEdit")
        self.add_row(self.tr("Gift"), self.what_edit, "gift")
        self.add_row(self.tr("Cost to the shop"), self.cost_edit, "cost")
        self.add_row(self.tr("Date"), self.date_edit, "date")
        self.add_row(self.tr("Note"), self.note_edit)
        self.gift_id: int | None = None
        forms.settle(self, first=self.what_edit)

    def check(self) -> None:
        self.cost_cents = parse_money(self.cost_edit.text() or "0", "cost")

    def commit(self) -> None:
        g = campaign.give_gift(
            self.customer_id,
            self.what_edit.text(),
            self.cost_cents,
            note=self.note_edit.text().strip(),
            on=qclock.from_qdate(self.date_edit.date()),
        )
        self.gift_id = g.id


class MoneyDialog(_ValidatingDialog):
    """Top-up (a clerk action: amount paid by a method, the bonus the rule in force gives shown
    while typing, recorded through shopcrm.sales.counter.topup; ``receipt`` afterwards) or
    adjustment (balance and/or points, either sign, with a reason; owner only)."""

    def __init__(self, kind: str, parent=None, customer_id: int | None = None):
        title = self.tr("Top up stored value") if kind == "topup" else self.tr("Adjust balance or points")
        super().__init__(title, parent)
        self.setObjectName("moneyDialog")
        self.kind = kind
        self.customer_id = customer_id
        self.receipt = ""
        self.amount_edit = QLineEdit(objectName="moneyAmountEdit")
        self.amount_edit.setPlaceholderText("0.00")
        self.points_edit = QSpinBox(objectName="moneyPointsEdit")
        self.points_edit.setRange(-(10**8), 10**8)
        self.reason_edit = QLineEdit(objectName="moneyReasonEdit")
        self.method_combo = QComboBox(objectName="topupMethodCombo")
        self.bonus_label = QLabel(objectName="topupBonusLabel")  # 充 1000 送 150, while typing
        self.add_row(self.tr("Amount (yuan)"), self.amount_edit, "amount")
        if kind == "topup":
            for m in counter.methods():
                self.method_combo.addItem(counter.method_label(m, texts.language()), m)
            self.add_row(self.tr("Paid by"), self.method_combo, "method")
            self.form.addRow(self.tr("Bonus"), self.bonus_label)
            self.amount_edit.textChanged.connect(self._show_bonus)
            self._show_bonus()
            forms.settle(self, first=self.amount_edit, order=[self.amount_edit, self.method_combo])
        else:
            self.add_row(self.tr("Points (+/-)"), self.points_edit, "points")
            self.add_row(self.tr("Reason *"), self.reason_edit, "reason")
            forms.settle(self, first=self.amount_edit)

    def _show_bonus(self, *_args) -> None:
        try:
            cents = parse_money(self.amount_edit.text(), "amount") if self.amount_edit.text().strip() else 0
        except FieldError:
            cents = 0
        bonus = 0
        if cents > 0 and self.customer_id is not None:
            bonus, _rule = counter.bonus_for(customers.get(self.customer_id), cents, clock.today())
        if bonus:
            self.bonus_label.setText(
                self.tr("Top up %1, bonus %2").replace("%1", fmt(cents)).replace("%2", fmt(bonus))
                + " · "
                + self.tr("on the card %1").replace("%1", fmt(cents + bonus))
            )
        else:
            self.bonus_label.setText(self.tr("No bonus for this amount"))

    def check(self) -> None:
        self.balance_cents = parse_money(self.amount_edit.text(), "amount", allow_negative=self.kind != "topup")
        self.points = self.points_edit.value() if self.kind != "topup" else 0
        self.reason = self.reason_edit.text().strip()
        if self.kind != "topup" and not self.reason:
            raise FieldError("reason", "v.required")
        if not self.balance_cents and not self.points:
            raise FieldError("amount", "v.required")
        self.method = self.method_combo.currentData()

    def commit(self) -> None:
        if self.customer_id is None:  # the caller does the change
            return
        if self.kind == "topup":
            row = counter.topup(self.customer_id, self.balance_cents, self.method)
            self.receipt = counter.receipt(row)
            return
        try:
            ledger.manual_change(
                self.customer_id,
                self.kind,
                balance_delta_cents=self.balance_cents,
                points_delta=self.points,
                reason=self.reason,
            )
        except FieldError as exc:
            if exc.field == "balance":  # an adjustment below zero: beside the amount typed
                raise FieldError("amount", exc.key, **exc.params) from exc
            raise


class RefundDialog(_ValidatingDialog):
    """Refund one purchase back to the methods it was paid with (the card part to the card),
    through shopcrm.sales.counter.refund_purchase, after a confirmation that says how much goes
    back how. A purchase with lines lists them, each with a box and the pieces to take back, so
    a clerk refunds one line; with no line ticked the amount field refunds by amount (empty: the
    whole of what is left). The split by method is shown while choosing. The owner may send the
    whole refund to the stored-value card instead (the choice is not there in clerk mode)."""

    def __init__(self, purchase_id: int, parent=None):
        super().__init__(self.tr("Refund purchase"), parent)
        self.setObjectName("refundDialog")
        self.purchase_id = purchase_id
        p = counter.purchase(purchase_id)
        self.left_cents = p.amount_cents
        lang = texts.language()
        paid = "，".join(f"{counter.method_label(m, lang)} {fmt(v)}" for m, v in counter.paid_by(purchase_id).items())
        self.info = QLabel(objectName="refundInfo")
        self.info.setWordWrap(True)
        self.info.setText(
            self.tr("%1 · %2 · paid %3 (%4) · refundable %5")
            .replace("%1", str(p.at)[:16])
            .replace("%2", p.items or "—")
            .replace("%3", fmt(p.amount_cents + p.refunded_cents))
            .replace("%4", paid)
            .replace("%5", fmt(p.amount_cents))
        )
        self.form.addRow(self.info)
        order: list[QWidget] = []
        # the lines: a box and the pieces to refund for each line with something left
        self.lines = counter.lines_of(purchase_id)
        self.line_checks: dict[int, QCheckBox] = {}
        self.line_qty: dict[int, QSpinBox] = {}
        if self.lines:
            box = QWidget(objectName="refundLines")
            grid = QGridLayout(box)
            grid.setContentsMargins(0, 0, 0, 0)
            for r, ln in enumerate(self.lines):
                left = ln.qty - ln.refunded_qty
                check = QCheckBox(f"{ln.position}. {ln.name}", objectName=f"refundLineCheck{ln.position}")
                qty = QSpinBox(objectName=f"refundLineQty{ln.position}")
                qty.setRange(1, max(1, left))
                qty.setValue(max(1, left))
                qty.setSuffix(self.tr(" of %1").replace("%1", str(left)))
                price = QLabel(
                    self.tr("%1 × ¥%2 = ¥%3")
                    .replace("%1", str(ln.qty))
                    .replace("%2", fmt(ln.unit_cents))
                    .replace("%3", fmt(ln.amount_cents))
                    + (
                        " " + self.tr("(refunded %1)").replace("%1", fmt(ln.refunded_cents))
                        if ln.refunded_cents
                        else ""
                    )
                )
                check.setEnabled(left > 0)
                qty.setEnabled(False)
                check.toggled.connect(qty.setEnabled)
                check.toggled.connect(self._show_split)
                qty.valueChanged.connect(self._show_split)
                grid.addWidget(check, r, 0)
                grid.addWidget(price, r, 1)
                grid.addWidget(qty, r, 2)
                self.line_checks[ln.position] = check
                self.line_qty[ln.position] = qty
                order += [check, qty]
            self.add_row(self.tr("Lines"), box, "line")
        self.amount_edit = QLineEdit(objectName="refundAmountEdit")
        self.amount_edit.setPlaceholderText(fmt(p.amount_cents))
        self.amount_edit.setToolTip(
            self.tr("Leave empty to refund the whole purchase")
            + ("; " + self.tr("ticked lines set the amount") if self.lines else "")
        )
        self.amount_edit.textChanged.connect(self._show_split)
        self.add_row(self.tr("Refund (yuan)"), self.amount_edit, "amount")
        order.append(self.amount_edit)
        # the owner's choice: all onto the stored-value card (no such choice in clerk mode)
        self.to_card_check: QCheckBox | None = None
        if security.is_owner():
            self.to_card_check = QCheckBox(self.tr("All to the stored-value card"), objectName="refundToCardCheck")
            self.to_card_check.setToolTip(self.tr("Owner's choice: the refund goes onto the card instead"))
            self.to_card_check.toggled.connect(self._show_split)
            self.add_row("", self.to_card_check)
            order.append(self.to_card_check)
        self.split_label = QLabel(objectName="refundSplitLabel")  # amount and where it goes
        self.split_label.setWordWrap(True)
        self.form.addRow(self.tr("Back to"), self.split_label)
        self.note_edit = QLineEdit(objectName="refundNoteEdit")
        self.add_row(self.tr("Note"), self.note_edit)
        order.append(self.note_edit)
        forms.settle(self, first=order[0], order=order)
        self.refund_id: int | None = None
        self._show_split()

    def chosen_lines(self) -> dict[int, int]:
        """{line position: pieces} of the ticked lines."""
        return {pos: self.line_qty[pos].value() for pos, c in self.line_checks.items() if c.isChecked()}

    def _to_card(self) -> bool:
        return self.to_card_check is not None and self.to_card_check.isChecked()

    def _amount(self) -> int:
        """The refund as chosen (FieldError when it cannot be read)."""
        chosen = self.chosen_lines()
        if chosen:
            by_pos = {ln.position: ln for ln in self.lines}
            return sum(counter.line_refund_cents(by_pos[pos], q) for pos, q in chosen.items())
        text = self.amount_edit.text().strip()
        return parse_money(text, "amount") if text else self.left_cents

    def split_text(self) -> str:
        parts = counter.refund_split(self.purchase_id, self.amount_cents, to_card=self._to_card())
        lang = texts.language()
        return "，".join(f"{counter.method_label(m, lang)} ¥{fmt(v)}" for m, v in parts.items())

    def _show_split(self, *_args) -> None:
        lined = bool(self.chosen_lines())
        self.amount_edit.setEnabled(not lined)
        try:
            self.amount_cents = self._amount()
        except FieldError:
            self.split_label.setText("—")
            return
        if lined:
            self.amount_edit.setPlaceholderText(fmt(self.amount_cents))
        if 0 < self.amount_cents <= self.left_cents:
            self.split_label.setText(
                self.tr("¥%1: %2").replace("%1", fmt(self.amount_cents)).replace("%2", self.split_text())
            )
        else:
            self.split_label.setText("—")

    def check(self) -> None:
        self.amount_cents = self._amount()
        if self.amount_cents <= 0 or self.amount_cents > self.left_cents:
            raise FieldError("amount", "v.refund_too_much", left=fmt(self.left_cents), amount=fmt(self.amount_cents))

    def _try_accept(self) -> None:
        try:
            self.check()
        except FieldError as exc:
            self.show_error(exc.field, exc.message)
            return
        box = QMessageBox(
            QMessageBox.Icon.Question,
            self.tr("Refund purchase"),
            self.tr("Refund ¥%1 of this purchase? Back to: %2.")
            .replace("%1", fmt(self.amount_cents))
            .replace("%2", self.split_text()),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            self,
        )
        box.setObjectName("confirmRefundBox")
        if box.exec() != QMessageBox.StandardButton.Yes:
            return
        super()._try_accept()

    def commit(self) -> None:
        chosen = self.chosen_lines()
        r = counter.refund_purchase(
            self.purchase_id,
            None if chosen else self.amount_cents,
            lines=chosen or None,
            to_card=self._to_card(),
            note=self.note_edit.text().strip(),
        )
        self.refund_id = r.id
