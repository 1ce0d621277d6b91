"""The owner's loyalty settings (issue 14): member prices per level and sale type, points as money
(rate and caps), points expiry, the coupon types (and which one care issues on a birthday or to
wake a dormant customer), and the gift catalogue.

Owner only like every setting: :func:`open_settings` asks for the owner PIN in clerk mode (and
opens nothing without it); the domain writers (shopcrm.loyalty.save_settings,
coupons.define_type, points.add_gift / restock) refuse a clerk again and audit every change."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from shopcrm import customers, loyalty
from shopcrm.core.errors import FieldError
from shopcrm.core.money import fmt
from shopcrm.core.normalize import parse_money
from shopcrm.loyalty import coupons, points
from shopcrm.ui.customers.loyalty_page import TermsEditor, _table
from shopcrm.ui.shell import forms
from shopcrm.ui.shell.forms import ERROR_STYLE
from shopcrm.ui.trust import security_ui


def _spin(lo: int, hi: int, value: int, name: str, suffix: str = "") -> QSpinBox:
    s = QSpinBox(objectName=name)
    s.setRange(lo, hi)
    s.setValue(int(value))
    if suffix:
        s.setSuffix(suffix)
    return s


def open_settings(parent=None) -> LoyaltySettingsDialog | None:
    """The settings dialog, shown; None when the owner is not there (clerk mode, no PIN)."""
    if not security_ui.ensure_owner(parent, "settings"):
        return None
    dlg = LoyaltySettingsDialog(parent)
    dlg.open()
    return dlg


class LoyaltySettingsDialog(QDialog):
    saved = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("loyaltySettingsDialog")
        self.setWindowTitle(self.tr("Member benefits settings"))
        s = loyalty.load_settings()
        self.tabs = QTabWidget(objectName="loyaltySettingsTabs")

        # --- member prices ---
        prices = QWidget()
        pf = QFormLayout(prices)
        pf.addRow(QLabel(self.tr("Percent of the price a member of each level pays (95 = 9.5 折, 100 = no discount)")))
        self.level_spins: dict[str, QSpinBox] = {}
        for _lid, name in customers.all_levels():
            spin = _spin(1, 100, int(s["level_discounts"].get(name, 100)), f"levelDiscount_{name}", " %")
            self.level_spins[name] = spin
            pf.addRow(name, spin)
        if not self.level_spins:
            pf.addRow(QLabel(self.tr("No member levels yet: give a customer a level in the archive first")))
        self.type_checks: dict[str, QCheckBox] = {}
        types_row = QHBoxLayout()
        for code, label in (
            ("goods", self.tr("Goods")),
            ("service", self.tr("Service")),
            ("package", self.tr("Count cards")),
        ):
            box = QCheckBox(label, objectName=f"memberPriceType_{code}")
            box.setChecked(code in s["member_price_types"])
            self.type_checks[code] = box
            types_row.addWidget(box)
        types_row.addStretch(1)
        pf.addRow(self.tr("Member prices on"), types_row)
        self.tabs.addTab(prices, self.tr("Member prices"))

        # --- points ---
        pts = QWidget()
        ptf = QFormLayout(pts)
        self.rate_spin = _spin(0, 100_000, s["points_per_yuan"], "pointsPerYuanSpin")
        self.rate_spin.setSpecialValueText(self.tr("off (points are not money)"))
        self.cap_percent_spin = _spin(0, 100, s["points_cap_percent"], "pointsCapPercentSpin", " %")
        self.cap_edit = QLineEdit(objectName="pointsCapEdit")
        self.cap_edit.setPlaceholderText(self.tr("empty = no cap"))
        if s["points_cap_cents"] is not None:
            self.cap_edit.setText(fmt(s["points_cap_cents"], grouping=False))
        self.expire_spin = _spin(0, 50, s["points_expire_years"], "pointsExpireSpin")
        self.expire_spin.setSpecialValueText(self.tr("never"))
        self.birthday_combo = QComboBox(objectName="birthdayCouponCombo")
        self.wakeup_combo = QComboBox(objectName="wakeupCouponCombo")
        ptf.addRow(self.tr("Points for one yuan off"), self.rate_spin)
        ptf.addRow(self.tr("At most this share of a sale"), self.cap_percent_spin)
        ptf.addRow(self.tr("At most per sale (yuan)"), self.cap_edit)
        ptf.addRow(self.tr("Points expire after (years after the year earned)"), self.expire_spin)
        ptf.addRow(self.tr("Coupon with the birthday greeting"), self.birthday_combo)
        ptf.addRow(self.tr("Coupon to wake a dormant customer"), self.wakeup_combo)
        self.tabs.addTab(pts, self.tr("Points and care coupons"))
        self._fill_occasions(s["coupon_for"])

        # --- coupon types ---
        ctp = QWidget()
        cl = QVBoxLayout(ctp)
        self.type_table = _table(
            "couponTypeTable", [self.tr("Name"), self.tr("Offer"), self.tr("Valid for"), self.tr("Per customer")]
        )
        self.type_name = QLineEdit(objectName="couponTypeNameEdit")
        self.type_terms = TermsEditor(self)
        self.define_button = QPushButton(self.tr("Save coupon type"), objectName="defineCouponTypeButton")
        self.define_button.setAutoDefault(False)
        self.type_error = QLabel(objectName="couponTypeError")
        self.type_error.setStyleSheet(ERROR_STYLE)
        self.type_error.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(self.type_table, 3)
        right = QFormLayout()
        right.addRow(self.tr("Name"), self.type_name)
        right.addRow(self.type_terms)
        right.addRow(self.define_button)
        right.addRow(self.type_error)
        top.addLayout(right, 2)
        cl.addLayout(top)
        self.tabs.addTab(ctp, self.tr("Coupon types"))

        # --- gifts ---
        gp = QWidget()
        gl = QVBoxLayout(gp)
        self.gift_table = _table("giftTable", [self.tr("Gift"), self.tr("Points"), self.tr("Stock")])
        self.gift_name = QLineEdit(objectName="giftNameEdit")
        self.gift_points = _spin(1, 10_000_000, 100, "giftPointsSpin")
        self.gift_stock = _spin(0, 1_000_000, 10, "giftStockSpin")
        self.add_gift_button = QPushButton(self.tr("Add gift"), objectName="addGiftButton")
        self.restock_spin = _spin(-1_000_000, 1_000_000, 10, "restockSpin")
        self.restock_button = QPushButton(self.tr("Add to the stock of the selected gift"), objectName="restockButton")
        for b in (self.add_gift_button, self.restock_button):
            b.setAutoDefault(False)
        self.gift_error = QLabel(objectName="giftError")
        self.gift_error.setStyleSheet(ERROR_STYLE)
        self.gift_error.setWordWrap(True)
        gform = QFormLayout()
        gform.addRow(self.tr("Gift"), self.gift_name)
        gform.addRow(self.tr("Points"), self.gift_points)
        gform.addRow(self.tr("Stock"), self.gift_stock)
        gform.addRow(self.add_gift_button)
        gform.addRow(self.tr("Restock by"), self.restock_spin)
        gform.addRow(self.restock_button)
        gform.addRow(self.gift_error)
        grow = QHBoxLayout()
        grow.addWidget(self.gift_table, 3)
        grow.addLayout(gform, 2)
        gl.addLayout(grow)
        self.tabs.addTab(gp, self.tr("Gift catalogue"))

        self.error = QLabel(objectName="loyaltySettingsError")
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        self.error.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(self.tabs, 1)
        lay.addWidget(self.error)
        lay.addWidget(self.buttons)
        self.define_button.clicked.connect(self.define_type)
        self.add_gift_button.clicked.connect(self.add_gift)
        self.restock_button.clicked.connect(self.restock)
        self._fill_types()
        self._fill_gifts()
        forms.fit_to_screen(self, 900, 560)
        first = next(iter(self.level_spins.values()), self.type_checks["goods"])
        forms.settle(self, first=first)

    # --- lists ---------------------------------------------------------------------------------
    def _fill_occasions(self, chosen: dict) -> None:
        names = [ct.name for ct in coupons.types()]
        for combo, key in ((self.birthday_combo, "birthday"), (self.wakeup_combo, "wakeup")):
            keep = combo.currentData() if combo.count() else chosen.get(key)
            combo.clear()
            combo.addItem(self.tr("(none)"), None)
            for n in names:
                combo.addItem(n, n)
            combo.setCurrentIndex(max(0, combo.findData(keep)))

    def _fill_types(self) -> None:
        rows = coupons.types()
        self.type_table.setRowCount(len(rows))
        for r, ct in enumerate(rows):
            terms = coupons.terms_of(ct)
            valid = self.tr("%1 days").replace("%1", str(ct.days)) if ct.days else str(ct.end_on or "")
            for c, v in enumerate([ct.name, terms.describe(), valid, str(ct.per_customer or "—")]):
                self.type_table.setItem(r, c, QTableWidgetItem(v))
        self.type_table.resizeColumnsToContents()
        self._fill_occasions({})

    def _fill_gifts(self) -> None:
        rows = points.gifts()
        self.gift_table.setRowCount(len(rows))
        for r, g in enumerate(rows):
            for c, v in enumerate([g.name, f"{g.points:,}", str(g.stock)]):
                item = QTableWidgetItem(v)
                if c == 0:
                    item.setData(Qt.ItemDataRole.UserRole, g.id)
                self.gift_table.setItem(r, c, item)
        self.gift_table.resizeColumnsToContents()

    # --- immediate actions (each its own audited writer) ------------------------------------------
    def define_type(self) -> bool:
        self.type_error.setText("")
        name = self.type_name.text().strip()
        try:
            if not name:
                raise FieldError("coupon", "coupon.v.terms", reason=self.tr("a coupon type needs a name"))
            coupons.define_type(name, self.type_terms.terms())
        except (FieldError, PermissionError) as exc:
            self.type_error.setText(str(exc))
            return False
        self.type_name.clear()
        self._fill_types()
        return True

    def add_gift(self) -> bool:
        self.gift_error.setText("")
        try:
            points.add_gift(self.gift_name.text(), self.gift_points.value(), self.gift_stock.value())
        except (FieldError, PermissionError) as exc:
            self.gift_error.setText(str(exc))
            return False
        self.gift_name.clear()
        self._fill_gifts()
        return True

    def restock(self) -> bool:
        self.gift_error.setText("")
        row = self.gift_table.currentRow()
        item = self.gift_table.item(row, 0) if row >= 0 else None
        if item is None:
            self.gift_error.setText(self.tr("Choose a gift in the list first"))
            return False
        try:
            points.restock(int(item.data(Qt.ItemDataRole.UserRole)), self.restock_spin.value())
        except (FieldError, PermissionError) as exc:
            self.gift_error.setText(str(exc))
            return False
        self._fill_gifts()
        self.gift_table.selectRow(row)
        return True

    # --- the settings themselves ---------------------------------------------------------------------
    def save(self) -> bool:
        try:
            cap_text = self.cap_edit.text().strip()
            changes = {
                "level_discounts": {n: s.value() for n, s in self.level_spins.items() if s.value() != 100},
                "member_price_types": [code for code, box in self.type_checks.items() if box.isChecked()],
                "points_per_yuan": self.rate_spin.value(),
                "points_cap_percent": self.cap_percent_spin.value(),
                "points_cap_cents": parse_money(cap_text, "setting") if cap_text else None,
                "points_expire_years": self.expire_spin.value(),
                "coupon_for": {
                    "birthday": self.birthday_combo.currentData(),
                    "wakeup": self.wakeup_combo.currentData(),
                },
            }
            loyalty.save_settings(**changes)
        except (FieldError, PermissionError) as exc:
            self.error.setText(str(exc))
            self.error.show()
            return False
        self.saved.emit()
        self.accept()
        return True
