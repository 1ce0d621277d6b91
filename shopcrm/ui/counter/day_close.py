"""交班 / 日结 (issues 13 and 14): a day's (or one operator's shift's) totals by payment method,
bonus given, points redeemed, the loyalty figures and the stored-value liability with its check;
close it (the day then refuses later writes, shopcrm.sales.days), export it to Excel, copy it.

A clerk may view any day and close their own shift; closing the whole day, or another
operator's shift, asks for the owner's PIN. Everything comes from shopcrm.sales.counter
(day_totals is an indexed range: about 30 ms at 1M purchases, so it runs in the GUI thread)."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QDateEdit,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from shopcrm import stores
from shopcrm.core.errors import FieldError
from shopcrm.core.money import fmt
from shopcrm.excel import day_close_export
from shopcrm.excel.excel_export import ExportError
from shopcrm.sales import counter
from shopcrm.trust import session
from shopcrm.ui.shell import forms, qclock
from shopcrm.ui.shell.forms import ERROR_STYLE
from shopcrm.ui.trust import security_ui

KINDS = ("sales", "topups", "refunds")


def open_day_close(parent=None) -> DayCloseDialog:
    dlg = DayCloseDialog(parent)
    dlg.open()
    return dlg


class DayCloseDialog(QDialog):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("dayCloseDialog")
        self.setWindowTitle(self.tr("Shift / day close"))
        self.totals: counter.DayTotals | None = None
        self.state_text = ""
        self.date_edit = QDateEdit(qclock.today(), objectName="dayCloseDate")
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("yyyy-MM-dd")
        self.operator_combo = QComboBox(objectName="dayCloseOperator")
        self.operator_combo.addItem(self.tr("All (the whole day)"), "")
        for name in counter.operators_here():  # a chain: this store's operators
            self.operator_combo.addItem(name, name)
        me = session.current_operator()
        if me and self.operator_combo.findData(me) < 0:
            self.operator_combo.addItem(me, me)
        top = QHBoxLayout()
        date_label = QLabel(self.tr("&Date"))
        date_label.setBuddy(self.date_edit)
        op_label = QLabel(self.tr("&Operator"))
        op_label.setBuddy(self.operator_combo)
        top.addWidget(date_label)
        top.addWidget(self.date_edit)
        top.addSpacing(12)
        top.addWidget(op_label)
        top.addWidget(self.operator_combo, 1)

        self.state = QLabel(objectName="dayCloseState")
        self.state.setTextFormat(Qt.TextFormat.RichText)
        self.table = QTableWidget(0, 4, objectName="dayCloseTable")
        self.table.setHorizontalHeaderLabels(
            [self.tr("Payment method"), self.tr("Sales"), self.tr("Top-ups"), self.tr("Refunds")]
        )
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setAlternatingRowColors(True)

        self.figures: dict[str, QLabel] = {}
        fig = QFormLayout()
        self.figure_names = (
            ("bonus_given", self.tr("Bonus given")),
            ("points_redeemed", self.tr("Points redeemed")),
            ("points_redeemed_money", self.tr("Points taken as money")),
            ("coupons", self.tr("Coupons used")),
            ("member_discounts", self.tr("Member discounts")),
            ("package_uses", self.tr("Count-card uses")),
            ("liability", self.tr("Stored-value liability")),
            ("check", self.tr("Check (balances = ledger)")),
        )
        for key, label in self.figure_names:
            value = QLabel(objectName=f"dayClose_{key}")
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.figures[key] = value
            fig.addRow(label, value)

        self.error = QLabel(objectName="dayCloseError")
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        self.error.hide()
        self.close_button = QPushButton(self.tr("C&lose the day…"), objectName="dayCloseButton")
        self.export_button = QPushButton(self.tr("&Export Excel…"), objectName="dayCloseExportButton")
        self.copy_button = QPushButton(self.tr("Cop&y as text"), objectName="dayCloseCopyButton")
        self.done_button = QPushButton(self.tr("Close window"), objectName="dayCloseDoneButton")
        for b in (self.close_button, self.export_button, self.copy_button, self.done_button):
            b.setAutoDefault(False)  # Enter never closes a day by accident
        buttons = QHBoxLayout()
        buttons.addWidget(self.close_button)
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.copy_button)
        buttons.addStretch(1)
        buttons.addWidget(self.done_button)

        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(self.state)
        lay.addWidget(self.table, 1)
        lay.addLayout(fig)
        lay.addWidget(self.error)
        lay.addLayout(buttons)

        self.date_edit.dateChanged.connect(self.reload)
        self.operator_combo.currentIndexChanged.connect(self.reload)
        self.close_button.clicked.connect(self.close_day)
        self.export_button.clicked.connect(self.export)
        self.copy_button.clicked.connect(self.copy_text)
        self.done_button.clicked.connect(self.reject)
        forms.fit_to_screen(self, 640, 560)
        self.reload()
        forms.settle(self, first=self.date_edit)

    # --- reading -------------------------------------------------------------------------------
    def day(self):
        return qclock.from_qdate(self.date_edit.date())

    def operator(self) -> str:
        return str(self.operator_combo.currentData() or "")

    def reload(self, *_a) -> None:
        day, op = self.day(), self.operator()
        stored = counter.stored_close(day, op)
        # the day of this counter's store (each store of a chain closes its own; one store: the shop)
        store = stores.counter_store()
        self.totals = stored if stored is not None else counter.day_totals(day, op, store.id)
        title = self.tr("Shift / day close")
        self.setWindowTitle(f"{title} — {store.name}" if stores.is_chain() else title)
        t = self.totals
        scope = self.tr("the whole day") if not op else self.tr("%1's shift").replace("%1", op)
        if stored is not None:
            self.state_text = (
                self.tr("Closed at %1 (%2)").replace("%1", str(stored.closed_at)[:19]).replace("%2", scope)
            )
        elif op and counter.stored_close(day, "") is not None:
            self.state_text = self.tr("The whole day is closed")
        else:
            self.state_text = self.tr("Not closed yet (%1)").replace("%1", scope)
        closed = stored is not None or self.state_text == self.tr("The whole day is closed")
        self.state.setText(
            f"<b style='color:#1e7b34'>{html.escape(self.state_text)}</b>" if closed else html.escape(self.state_text)
        )
        self.close_button.setEnabled(not closed)

        rows = [m for m in t.by_method if any(t.by_method[m][k] for k in KINDS)] or list(t.by_method)[:1]
        self.table.setRowCount(len(rows) + 1)
        for r, m in enumerate(rows):
            self._row(r, counter.method_label(m, self._lang()), [t.by_method[m][k] for k in KINDS])
        totals = [sum(d[k] for d in t.by_method.values()) for k in KINDS]
        self._row(len(rows), self.tr("Total"), totals, bold=True)

        loy = {k: t.loyalty.get(k, 0) for k in counter.LOYALTY_KEYS}
        self.figures["bonus_given"].setText("¥" + fmt(t.bonus_given))
        self.figures["points_redeemed"].setText(f"{t.points_redeemed:,}")
        self.figures["points_redeemed_money"].setText("¥" + fmt(loy["points_redeemed_money"]))
        self.figures["coupons"].setText(
            self.tr("%1 coupon(s), ¥%2 off")
            .replace("%1", str(loy["coupons_used"]))
            .replace("%2", fmt(loy["coupons_off"]))
        )
        self.figures["member_discounts"].setText("¥" + fmt(loy["member_discounts"]))
        self.figures["package_uses"].setText(str(loy["package_uses"]))
        self.figures["liability"].setText("¥" + fmt(t.liability))
        check = counter.liability_check()
        if check.ok:
            text = self.tr("OK: card balances ¥%1 equal the ledger").replace("%1", fmt(check.balances))
        else:
            text = self.tr("MISMATCH: %1 customer(s) differ from their ledger").replace("%1", str(check.mismatched))
        self.figures["check"].setText(text)
        self.figures["check"].setStyleSheet("" if check.ok else ERROR_STYLE)

    def _row(self, r: int, label: str, cents: list[int], bold: bool = False) -> None:
        for c, text in enumerate([label, *("¥" + fmt(v) for v in cents)]):
            item = QTableWidgetItem(text)
            if c:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if bold:
                font = item.font()
                font.setBold(True)
                item.setFont(font)
            self.table.setItem(r, c, item)

    @staticmethod
    def _lang() -> str:
        from shopcrm.core import texts

        return "zh" if texts.language().startswith("zh") else "en"

    def as_text(self) -> str:
        """The close as plain text (what Copy puts on the clipboard)."""
        lines = [f"{self.windowTitle()} {self.day().isoformat()}", self.state_text]
        for r in range(self.table.rowCount()):
            lines.append("\t".join(self.table.item(r, c).text() for c in range(self.table.columnCount())))
        lines += [f"{label}：{self.figures[key].text()}" for key, label in self.figure_names]
        return "\n".join(lines)

    # --- actions -------------------------------------------------------------------------------
    def _refused(self, message: str) -> None:
        self.error.setText(message)
        self.error.setVisible(bool(message))

    def may_close(self) -> bool:
        """A clerk closes their own shift; the whole day or another's shift is the owner's."""
        op = self.operator()
        if op and op == session.current_operator():
            return True
        return security_ui.ensure_owner(self, "settings")

    def close_day(self) -> bool:
        if not self.may_close():
            self._refused(self.tr("Only the owner may close the whole day or another operator's shift"))
            return False
        day, op = self.day(), self.operator()
        scope = self.tr("the whole day") if not op else self.tr("%1's shift").replace("%1", op)
        box = QMessageBox(
            QMessageBox.Icon.Question,
            self.tr("Close the day"),
            self.tr("Close %1 for %2? Nothing dated that day can be recorded or changed afterwards.")
            .replace("%1", day.isoformat())
            .replace("%2", scope),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            self,
        )
        box.setObjectName("confirmDayCloseBox")
        box.setDefaultButton(QMessageBox.StandardButton.No)
        if box.exec() != QMessageBox.StandardButton.Yes:
            return False
        try:
            counter.close_day(day, op)
        except (FieldError, PermissionError) as exc:
            self._refused(exc.message if isinstance(exc, FieldError) else str(exc))
            return False
        self._refused("")
        self.reload()
        return True

    def export(self) -> bool:
        name = f"日结-{self.day().isoformat()}" + (f"-{self.operator()}" if self.operator() else "") + ".xlsx"
        path, _f = QFileDialog.getSaveFileName(self, self.tr("Export the close"), name, self.tr("Excel (*.xlsx)"))
        return bool(path) and self.export_to(path)

    def export_to(self, path: str) -> bool:
        assert self.totals is not None
        try:
            day_close_export.export_xlsx(path, self.totals)
        except (OSError, ExportError) as exc:
            self._refused(str(exc))
            return False
        self._refused("")
        return True

    def copy_text(self) -> None:
        QApplication.clipboard().setText(self.as_text())
