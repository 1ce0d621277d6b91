"""The import wizard: file and kind -> sheet and header row -> column mapping -> options -> preview
-> dry-run report -> import (progress, Cancel) -> final report. Two kinds (issue 16): member lists
(:mod:`shopcrm.excel.excel_import`) and the purchase history (:mod:`shopcrm.excel.purchase_import`:
its options are the points, and it has no preview page: the dry run's report lists every row
that is not imported). Thin: every check and every write is the domain's; long steps run through
:func:`shopcrm.ui.shell.tasks.run_task`."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWizard,
    QWizardPage,
)

from shopcrm import stores
from shopcrm.core.money import fmt
from shopcrm.excel import excel_import as X, purchase_import as P
from shopcrm.ui.shell.context import AppContext
from shopcrm.ui.shell.tasks import run_task
from shopcrm.ui.stores.store_picker import StorePicker

PREVIEW_ROWS = 12  # rows of the sheet shown when choosing the header row
STATUS_ROWS = 200  # rows shown with their status before the import
PROBLEM_ROWS = 2000  # problems listed in the window; the saved report has them all

CLASS_COLOURS = {
    X.IMPORTED: "#e8f5e9",
    X.WARNED: "#fff8e1",
    X.UPDATED: "#e3f2fd",
    X.DUPLICATE: "#f3e5f5",
    X.ERROR: "#ffebee",
    X.SUMMARY: "#eceff1",
    P.WALK_IN: "#eceff1",
}
MEMBERS, PURCHASES = "members", "purchases"


def _item(text, *, colour: str | None = None, tip: str | None = None) -> QTableWidgetItem:
    item = QTableWidgetItem("" if text is None else str(text))
    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
    if colour:
        item.setBackground(QBrush(QColor(colour)))
    if tip:
        item.setToolTip(tip)
    return item


def _table(object_name: str, headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers), objectName=object_name)
    table.setHorizontalHeaderLabels(headers)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.verticalHeader().setVisible(False)
    table.setWordWrap(False)
    table.horizontalHeader().setResizeContentsPrecision(200)  # widths from the first rows only
    return table


class ImportFilePage(QWizardPage):
    def __init__(self, wizard: ImportWizard):
        super().__init__()
        self.w = wizard
        self.setObjectName("importFilePage")
        self.setTitle(self.tr("Choose the file"))
        self.setSubTitle(
            self.tr(
                "A member list or the purchase history from Excel, WPS, Tencent Docs or your old member "
                "software: .xlsx, .xls, .ods or .csv."
            )
        )
        kind_box = QGroupBox(self.tr("What the file holds"))
        self.kind_group = QButtonGroup(self)
        kl = QHBoxLayout(kind_box)
        for key, text in (
            (MEMBERS, self.tr("Member list")),
            (PURCHASES, self.tr("Purchase history (matched to customers by mobile, then card)")),
        ):
            b = QRadioButton(text, objectName=f"importKind_{key}")
            b.setProperty("key", key)
            self.kind_group.addButton(b)
            kl.addWidget(b)
        kl.addStretch(1)
        self.kind_group.buttons()[0].setChecked(True)
        self.path_edit = QLineEdit(objectName="importPathEdit")
        self.path_edit.setPlaceholderText(self.tr("File to import"))
        browse = QPushButton(self.tr("Browse…"), objectName="importBrowseButton")
        browse.clicked.connect(self.browse)
        self.error = QLabel(objectName="importFileError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b71c1c")
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(browse)
        lay = QVBoxLayout(self)
        lay.addWidget(kind_box)
        lay.addLayout(row)
        lay.addWidget(self.error)
        lay.addStretch(1)
        self.path_edit.textChanged.connect(self.completeChanged)
        self.path_edit.textChanged.connect(lambda: self.error.clear())

    def initializePage(self) -> None:  # noqa: N802 (Qt API)
        self.path_edit.setFocus()

    def kind(self) -> str:
        return self.kind_group.checkedButton().property("key")

    def set_kind(self, kind: str) -> None:
        next(b for b in self.kind_group.buttons() if b.property("key") == kind).setChecked(True)

    def browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("Import customers"),
            "",
            self.tr("Spreadsheets (*.xlsx *.xlsm *.xls *.ods *.csv *.txt);;All files (*)"),
        )
        if path:
            self.path_edit.setText(path)

    def isComplete(self) -> bool:  # noqa: N802 (Qt API)
        return bool(self.path_edit.text().strip())

    def validatePage(self) -> bool:  # noqa: N802 (Qt API)
        from shopcrm.ui.trust.security_ui import ensure_owner

        # the pages after this one show the file's mobiles unmasked: the owner's only (the
        # wizard is normally opened by open_import_wizard, which asked already; this is for the
        # owner mode that locked meanwhile)
        if not ensure_owner(self.w, "import"):
            return False
        self.w.kind = self.kind()
        try:
            self.w.load(Path(self.path_edit.text().strip()))
        except X.ImportFileError as exc:
            self.error.setText(str(exc))
            return False
        return True


class ImportSheetPage(QWizardPage):
    def __init__(self, wizard: ImportWizard):
        super().__init__()
        self.w = wizard
        self.setObjectName("importSheetPage")
        self.setTitle(self.tr("Sheet and header row"))
        self.sheet_combo = QComboBox(objectName="importSheetCombo")
        self.header_spin = QSpinBox(objectName="importHeaderSpin")
        self.header_spin.setMinimum(1)
        self.detected = QLabel(objectName="importDetectedLabel")
        self.detected.setWordWrap(True)
        self.others = QLabel(objectName="importOtherSheets")
        self.others.setWordWrap(True)
        self.preview = _table("importSheetPreview", [])
        form = QFormLayout()
        form.addRow(self.tr("Sheet:"), self.sheet_combo)
        form.addRow(self.tr("Header row:"), self.header_spin)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.others)
        lay.addWidget(self.detected)
        lay.addWidget(self.preview, 1)
        self.sheet_combo.currentTextChanged.connect(self._sheet_chosen)
        self.header_spin.valueChanged.connect(self._show_preview)
        self._filling = False

    def initializePage(self) -> None:  # noqa: N802 (Qt API)
        self._filling = True
        self.sheet_combo.clear()
        self.sheet_combo.addItems(self.w.sheet.sheet_names)
        self.sheet_combo.setCurrentText(self.w.sheet.sheet)
        self.sheet_combo.setEnabled(len(self.w.sheet.sheet_names) > 1)
        self._filling = False
        self._detect()
        self.sheet_combo.setFocus()

    def _show_others(self) -> None:
        """The workbook's other sheets with their row counts: the visible active sheet was
        chosen; another one is a choice of the combo above."""
        others = [(n, self.w.sheet_rows.get(n, 0)) for n in self.w.sheet.sheet_names if n != self.w.sheet.sheet]
        if not others:
            self.others.clear()
            self.others.setVisible(False)
            return
        listed = "，".join(self.tr("“%1” (%2 rows)").replace("%1", n).replace("%2", str(rows)) for n, rows in others)
        self.others.setText(
            self.tr("This file has other sheets too: %1. Choose one above to import it instead.").replace("%1", listed)
        )
        self.others.setVisible(True)

    def _sheet_chosen(self, name: str) -> None:
        if self._filling or not name or name == self.w.sheet.sheet:
            return
        try:
            self.w.sheet = X.read_sheet(self.w.path, name)
        except X.ImportFileError as exc:
            self.detected.setText(str(exc))
            return
        self.w.sheet_rows[name] = len(self.w.sheet.rows)
        self._detect()

    def _detect(self) -> None:
        self._show_others()
        rows = self.w.sheet.rows
        self.header_spin.setMaximum(max(1, len(rows)))
        if self.w.kind == PURCHASES:
            try:
                idx, mapping = P.resolve(self.w.sheet)
            except X.ImportFileError:
                idx, mapping = None, {}
            self.header_spin.setValue((idx or 0) + 1)
            if idx is not None:
                self.detected.setText(
                    self.tr("Header found on row %1 with %2 recognised columns.")
                    .replace("%1", str(idx + 1))
                    .replace("%2", str(len(mapping)))
                )
            else:
                self.detected.setText(
                    self.tr(
                        "No purchase columns found: choose the header row, then map the date, "
                        "amount and mobile or card columns on the next page."
                    )
                )
            self._show_preview()
            return
        guess = X.detect_header(rows)
        self.header_spin.setValue((guess.row or 0) + 1)
        if guess.row is not None and guess.member:
            self.detected.setText(
                self.tr("Header found on row %1 with %2 recognised columns.")
                .replace("%1", str(guess.row + 1))
                .replace("%2", str(len(guess.mapping)))
            )
        else:
            self.detected.setText(
                self.tr(
                    "No member columns found: choose the header row, then map "
                    "the name and mobile columns on the next page."
                )
            )
        self._show_preview()

    def _show_preview(self) -> None:
        rows = self.w.sheet.rows[: max(PREVIEW_ROWS, self.header_spin.value() + 3)]
        width = max((len(r) for r in rows), default=0)
        self.preview.clear()
        self.preview.setColumnCount(width)
        self.preview.setRowCount(len(rows))
        self.preview.setHorizontalHeaderLabels([_column_letter(i) for i in range(width)])
        self.preview.setVerticalHeaderLabels([str(i + 1) for i in range(len(rows))])
        self.preview.verticalHeader().setVisible(True)
        header = self.header_spin.value() - 1
        for r, row in enumerate(rows):
            for c, v in enumerate(row):
                item = _item(X.cell_text(v).replace("\n", " ")[:60])
                if r == header:
                    f = item.font()
                    f.setBold(True)
                    item.setFont(f)
                    item.setBackground(QBrush(QColor("#fff3c4")))
                self.preview.setItem(r, c, item)
        self.preview.resizeColumnsToContents()

    def validatePage(self) -> bool:  # noqa: N802 (Qt API)
        self.w.header_index = self.header_spin.value() - 1
        return True


def _column_letter(i: int) -> str:
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


class ImportMappingPage(QWizardPage):
    def __init__(self, wizard: ImportWizard):
        super().__init__()
        self.w = wizard
        self.setObjectName("importMappingPage")
        self.setTitle(self.tr("Columns"))
        self.setSubTitle(self.tr("Which customer field each column holds. Columns set to “Ignore” are not imported."))
        self.table = _table("importMappingTable", [self.tr("Column"), self.tr("Example"), self.tr("Imported as")])
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.unknown_box = QCheckBox(self.tr("Keep ignored columns in the notes"), objectName="importUnknownToNotes")
        self.missing = QLabel(objectName="importMappingMissing")
        self.missing.setStyleSheet("color: #b71c1c")
        lay = QVBoxLayout(self)
        lay.addWidget(self.table, 1)
        lay.addWidget(self.unknown_box)
        lay.addWidget(self.missing)
        self.combos: list[QComboBox] = []

    def field_names(self) -> dict[str, str]:
        return {
            "name": self.tr("Name"),
            "mobile": self.tr("Mobile"),
            "card_no": self.tr("Card number"),
            "birthday": self.tr("Birthday"),
            "gender": self.tr("Gender"),
            "balance": self.tr("Balance"),
            "points": self.tr("Points"),
            "level": self.tr("Member level"),
            "notes": self.tr("Notes"),
            "address": self.tr("Address"),
            "joined_on": self.tr("Joined on"),
            "total_spend": self.tr("Total spend"),
            "wechat": self.tr("WeChat"),
            "tags": self.tr("Tags"),
            "phone2": self.tr("Other phone"),
            "source": self.tr("Source"),
            "pref_text": self.tr("Preferences"),
            "pref_products": self.tr("Usual products"),
            "pref_taste": self.tr("Taste"),
            "pref_channel": self.tr("Preferred channel"),
            "pref_time": self.tr("Convenient time"),
            "consent_marketing": self.tr("Accepts marketing"),
            "purchase_count": self.tr("Purchases"),
            "last_purchase_at": self.tr("Last purchase"),
            "email": self.tr("E-mail"),
            "store": self.tr("Store"),
        }

    def purchase_field_names(self) -> dict[str, str]:
        return {
            "date": self.tr("Date"),
            "mobile": self.tr("Mobile"),
            "card_no": self.tr("Card number"),
            "amount": self.tr("Amount"),
            "items": self.tr("Items"),
            "payment": self.tr("Payment method"),
            "points": self.tr("Points"),
            "name": self.tr("Name"),
            "note": self.tr("Note"),
        }

    def _fields(self) -> tuple[tuple[str, ...], dict[str, str]]:
        if self.w.kind == PURCHASES:
            return P.COLUMNS, self.purchase_field_names()
        return X.member_fields(), self.field_names()

    def initializePage(self) -> None:  # noqa: N802 (Qt API)
        rows = self.w.sheet.rows
        header = rows[self.w.header_index]
        sample = next((r for r in rows[self.w.header_index + 1 :] if not X.is_blank(r)), [])
        purchases = self.w.kind == PURCHASES
        if purchases:
            self.setSubTitle(
                self.tr(
                    "Which purchase field each column holds: the date, the amount and the mobile or the "
                    "card number are needed. Columns set to “Ignore” are not imported."
                )
            )
            mapping = P.map_purchase_columns(header)
            self.w.remembered = False
        else:
            self.setSubTitle(
                self.tr("Which customer field each column holds. Columns set to “Ignore” are not imported.")
            )
            mapping = X.usable_mapping(X.remembered_mapping(header) or X.map_columns(header))
            self.w.remembered = X.remembered_mapping(header) is not None
        self.unknown_box.setVisible(not purchases)
        fields, names = self._fields()
        self.table.setRowCount(len(header))
        self.combos = []
        for i, cell in enumerate(header):
            self.table.setItem(i, 0, _item(X.cell_text(cell).replace("\n", " ") or _column_letter(i)))
            self.table.setItem(i, 1, _item(X.cell_text(sample[i])[:40] if i < len(sample) else ""))
            combo = QComboBox(objectName=f"importMapCombo{i}")
            combo.addItem(self.tr("Ignore"), None)
            for f in fields:
                combo.addItem(names[f], f)
            combo.setCurrentIndex(max(0, combo.findData(mapping.get(i))))
            combo.currentIndexChanged.connect(self._changed)
            self.table.setCellWidget(i, 2, combo)
            self.combos.append(combo)
        self.table.resizeColumnToContents(0)
        self.table.setColumnWidth(2, 160)
        self._changed()

    def mapping(self) -> dict[int, str]:
        return {i: c.currentData() for i, c in enumerate(self.combos) if c.currentData()}

    def _changed(self) -> None:
        chosen = list(self.mapping().values())
        _fields, names = self._fields()
        if self.w.kind == PURCHASES:
            problems = [
                self.tr("“%1” is needed.").replace("%1", names[f]) for f in ("date", "amount") if f not in chosen
            ]
            if "mobile" not in chosen and "card_no" not in chosen:
                problems.append(
                    self.tr("“%1” or “%2” is needed.").replace("%1", names["mobile"]).replace("%2", names["card_no"])
                )
        else:
            problems = [self.tr("“%1” is needed.").replace("%1", names[f]) for f in X.REQUIRED if f not in chosen]
        problems += [
            self.tr("“%1” is chosen twice.").replace("%1", names[f])
            for f in dict.fromkeys(chosen)
            if chosen.count(f) > 1
        ]
        self.missing.setText(" ".join(problems))
        self.completeChanged.emit()

    def isComplete(self) -> bool:  # noqa: N802 (Qt API)
        if self.w.kind == PURCHASES:
            return P.mapping_complete(self.mapping())
        chosen = list(self.mapping().values())
        return all(f in chosen for f in X.REQUIRED) and len(chosen) == len(set(chosen))

    def validatePage(self) -> bool:  # noqa: N802 (Qt API)
        self.w.mapping = self.mapping()
        if self.w.kind == PURCHASES:
            return True
        self.w.unknown_to_notes = self.unknown_box.isChecked()
        X.remember_mapping(self.w.sheet.rows[self.w.header_index], self.w.mapping)
        return True


class ImportOptionsPage(QWizardPage):
    def __init__(self, wizard: ImportWizard):
        super().__init__()
        self.w = wizard
        self.setObjectName("importOptionsPage")
        self.setTitle(self.tr("Customers you already have"))
        self.setSubTitle(self.tr("A row is the same customer when its mobile matches, or else its card number."))
        dup = QGroupBox(self.tr("When the customer already exists"))
        self.dup_group = QButtonGroup(self)
        dl = QVBoxLayout(dup)
        for key, text in (
            ("skip", self.tr("Skip the row (report it as a duplicate)")),
            ("fill", self.tr("Fill in only the fields that are empty")),
            ("overwrite", self.tr("Overwrite the fields with the file's values")),
        ):
            b = QRadioButton(text, objectName=f"importDup_{key}")
            b.setProperty("key", key)
            self.dup_group.addButton(b)
            dl.addWidget(b)
        self.dup_group.buttons()[0].setChecked(True)
        bal = QGroupBox(self.tr("Balance and points of an existing customer"))
        self.bal_group = QButtonGroup(self)
        bl = QVBoxLayout(bal)
        for key, text in (
            ("replace", self.tr("Replace with the file's value")),
            ("add", self.tr("Add the file's value to the stored one")),
        ):
            b = QRadioButton(text, objectName=f"importBal_{key}")
            b.setProperty("key", key)
            self.bal_group.addButton(b)
            bl.addWidget(b)
        self.bal_group.buttons()[0].setChecked(True)
        note = QLabel(
            self.tr(
                "Either way every change of balance or points is written to the "
                "customer's ledger as an import entry. Skipped customers keep theirs."
            )
        )
        note.setWordWrap(True)
        self.member_boxes = (dup, bal, note)
        # the purchase history's options
        self.points_box = QCheckBox(
            self.tr("Import the file's points column as history (adds them to the customers' points)"),
            objectName="importPointsAsHistory",
        )
        self.purchase_note = QLabel(
            self.tr(
                "A purchase already stored (same customer, time, amount and items) is skipped as a duplicate, so "
                "importing the same file twice adds nothing. By default points are left as they are: the member "
                "list brought each customer's points as they are now. Import the points as history only when the "
                "member list had none, or they would be counted twice."
            ),
            objectName="importPurchaseNote",
        )
        self.purchase_note.setWordWrap(True)
        # a chain (issue #18): the store these members joined, or these purchases were made in
        # (hidden for one store; opens on this counter's store)
        self.store_picker = StorePicker(self, clerk_may_choose=True, object_name="importStorePicker", whole_chain=False)
        self.store_label = QLabel(objectName="importStoreLabel")
        self.store_label.setBuddy(self.store_picker)
        store_row = QHBoxLayout()
        store_row.addWidget(self.store_label)
        store_row.addWidget(self.store_picker, 1)
        lay = QVBoxLayout(self)
        lay.addLayout(store_row)
        lay.addWidget(dup)
        lay.addWidget(bal)
        lay.addWidget(note)
        lay.addWidget(self.points_box)
        lay.addWidget(self.purchase_note)
        lay.addStretch(1)
        self.dup_group.buttonToggled.connect(lambda *_: bal.setEnabled(self.policy() != "skip"))
        bal.setEnabled(False)

    def policy(self) -> str:
        return self.dup_group.checkedButton().property("key")

    def balance_mode(self) -> str:
        return self.bal_group.checkedButton().property("key")

    def initializePage(self) -> None:  # noqa: N802 (Qt API)
        purchases = self.w.kind == PURCHASES
        for box in self.member_boxes:
            box.setVisible(not purchases)
        self.store_picker.reload(quiet=True)
        self.store_label.setVisible(self.store_picker.chain)
        self.store_label.setText(
            self.tr("&Store of these purchases:") if purchases else self.tr("&Store these members joined:")
        )
        has_points = "points" in self.w.mapping.values()
        self.points_box.setVisible(purchases)
        self.points_box.setEnabled(has_points)
        if not has_points:
            self.points_box.setChecked(False)
        self.purchase_note.setVisible(purchases)
        if purchases:
            self.setTitle(self.tr("Purchases you already have"))
            self.setSubTitle(self.tr("Each row is matched to a customer by mobile, or else by card number."))
            self.points_box.setFocus()
        else:
            self.setTitle(self.tr("Customers you already have"))
            self.setSubTitle(self.tr("A row is the same customer when its mobile matches, or else its card number."))

    def nextId(self) -> int:  # noqa: N802 (Qt API)
        if self.w.kind == PURCHASES:  # no preview: the dry run lists every row not imported
            return self.w.dry_run_id
        return super().nextId()

    def validatePage(self) -> bool:  # noqa: N802 (Qt API)
        self.w.on_duplicate = self.policy()
        self.w.balance_mode = self.balance_mode()
        self.w.points_as_history = self.w.kind == PURCHASES and self.points_box.isChecked()
        self.w.store_id = self.store_picker.store_id()
        return self.w.check()


def _status_table(object_name: str) -> QTableWidget:
    return _table(object_name, _member_headers())


def _problem_headers() -> list[str]:
    """The first columns of every row list: where, its status and what is wrong."""
    return [
        QCoreApplication.translate("ImportWizard", "Row"),
        QCoreApplication.translate("ImportWizard", "Status"),
        QCoreApplication.translate("ImportWizard", "Column"),
        QCoreApplication.translate("ImportWizard", "Problem"),
    ]


def _member_headers() -> list[str]:
    return _problem_headers() + [
        QCoreApplication.translate("ImportWizard", "Name"),
        QCoreApplication.translate("ImportWizard", "Mobile"),
        QCoreApplication.translate("ImportWizard", "Card"),
        QCoreApplication.translate("ImportWizard", "Birthday"),
        QCoreApplication.translate("ImportWizard", "Balance"),
        QCoreApplication.translate("ImportWizard", "Points"),
    ]


def _purchase_headers() -> list[str]:
    return _problem_headers() + [
        QCoreApplication.translate("ImportWizard", "Date"),
        QCoreApplication.translate("ImportWizard", "Mobile"),
        QCoreApplication.translate("ImportWizard", "Card"),
        QCoreApplication.translate("ImportWizard", "Amount"),
        QCoreApplication.translate("ImportWizard", "Items"),
    ]


def _set_headers(table: QTableWidget, headers: list[str]) -> None:
    """One table shows either kind's rows (the user may go back and change the kind)."""
    table.setColumnCount(len(headers))
    table.setHorizontalHeaderLabels(headers)


STATUS_VALUE_COLUMNS = range(4, 10)  # name … points


def _fill_problems(table: QTableWidget, note: QLabel, report: X.ImportReport | P.PurchaseReport) -> None:
    problems = report.problems()
    if isinstance(report, P.PurchaseReport):
        _fill_purchase_rows(table, report, problems[:PROBLEM_ROWS])
    else:
        _fill_status(table, report, problems[:PROBLEM_ROWS])
    if len(problems) > PROBLEM_ROWS:
        note.setText(
            QCoreApplication.translate(
                "ImportWizard", "Showing the first %1 of %2 rows with problems; the saved report lists them all."
            )
            .replace("%1", str(PROBLEM_ROWS))
            .replace("%2", str(len(problems)))
        )
    else:
        note.clear()
    note.setVisible(bool(note.text()))


def _fill_status(table: QTableWidget, report: X.ImportReport, rows: list[X.RowResult]) -> None:
    """One line per row: its status and problem, then the normalised values when the row passed,
    else what the file wrote (in grey). A chain's file with a store column: each new member's
    store last (the one its name matched, or the import's)."""
    with_store = "store" in report.mapping.values()
    headers = _member_headers()
    _set_headers(table, headers + [QCoreApplication.translate("ImportWizard", "Store")] if with_store else headers)
    names: dict[int, str] = {}

    def store_of(c: X.Clean) -> str:
        store_id = c.home_store_id or X.import_store(report.options)
        if store_id not in names:
            names[store_id] = stores.get(store_id).name
        return names[store_id]

    table.setRowCount(len(rows))
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 8)
    for r, res in enumerate(rows):
        colour = CLASS_COLOURS.get(res.cls)
        c = res.clean
        if c is not None:
            values = [c.name, c.mobile, c.card_no or "", c.birthday_text or "", fmt(c.balance_cents), c.points]
        else:
            values = [
                report.raw_value(res.record, f) for f in ("name", "mobile", "card_no", "birthday", "balance", "points")
            ]
        values = [res.record, X.class_label(res.cls), res.column or "", res.message, *values]
        if with_store:  # (an existing member keeps their store: only new ones get one)
            values.append(store_of(c) if c is not None and res.cls in (X.IMPORTED, X.WARNED) else "")
        for col, v in enumerate(values):
            item = _item(v, colour=colour, tip=res.message or None)
            if c is None and col in STATUS_VALUE_COLUMNS:
                item.setForeground(QBrush(QColor("#616161")))
            table.setItem(r, col, item)
    table.resizeColumnsToContents()
    table.setColumnWidth(3, min(table.columnWidth(3), 430))
    table.horizontalHeader().setStretchLastSection(True)


def _fill_purchase_rows(table: QTableWidget, report: P.PurchaseReport, rows: list[P.PurchaseRow]) -> None:
    """One line per purchase row with a problem (or not a purchase): what the file wrote."""
    _set_headers(table, _purchase_headers())
    table.setRowCount(len(rows))
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 8)
    col = {f: i for i, f in report.mapping.items()}

    def raw(record: int, f: str) -> str:
        i = col.get(f)
        row = report.raw_rows[record - 1] if 1 <= record <= len(report.raw_rows) else []
        return X.cell_text(row[i]) if i is not None and i < len(row) else ""

    for r, res in enumerate(rows):
        colour = CLASS_COLOURS.get(res.cls)
        values = [res.record, P.class_label(res.cls), res.column or "", res.message]
        values += [raw(res.record, f) for f in ("date", "mobile", "card_no", "amount", "items")]
        for c, v in enumerate(values):
            item = _item(v, colour=colour, tip=res.message or None)
            if c >= 4:
                item.setForeground(QBrush(QColor("#616161")))
            table.setItem(r, c, item)
    table.resizeColumnsToContents()
    table.setColumnWidth(3, min(table.columnWidth(3), 430))
    table.horizontalHeader().setStretchLastSection(True)


class ImportPreviewPage(QWizardPage):
    def __init__(self, wizard: ImportWizard):
        super().__init__()
        self.w = wizard
        self.setObjectName("importPreviewPage")
        self.setTitle(self.tr("Preview"))
        self.setSubTitle(self.tr("The first rows as they will be imported, with each row's status."))
        self.table = _status_table("importPreviewTable")
        self.genders = QLabel(objectName="importGenderMapping")
        self.genders.setWordWrap(True)
        # a chain's store column (issue #18): the old program's store names that are no store
        # here (总店 for 本店), one line each with its rows, and which store the owner says it is
        self.store_box = QGroupBox(self.tr("Store names in the file"), objectName="importStoreMapBox")
        box = QVBoxLayout(self.store_box)
        self.store_hint = QLabel(objectName="importStoreMapHint")
        self.store_hint.setWordWrap(True)
        box.addWidget(self.store_hint)
        self.store_form = QFormLayout()
        box.addLayout(self.store_form)
        self.store_combos: dict[str, QComboBox] = {}
        lay = QVBoxLayout(self)
        lay.addWidget(self.store_box)
        lay.addWidget(self.table, 1)
        lay.addWidget(self.genders)

    def initializePage(self) -> None:  # noqa: N802 (Qt API)
        self._fill_stores()
        self._fill()

    def _fill_stores(self) -> None:
        rep = self.w.report
        values = rep.store_values if isinstance(rep, X.ImportReport) else {}
        while self.store_form.rowCount():
            self.store_form.removeRow(0)
        self.store_combos = {}
        self.store_box.setVisible(bool(values))
        if not values:
            return
        home = stores.get(X.import_store(rep.options)).name
        self.store_hint.setText(
            self.tr(
                "These stores are not in this shop's list. Choose the store each one is; a name left "
                "unmatched makes its members %1's, with a warning on each row."
            ).replace("%1", home)
        )
        choices = [(s.id, s.name) for s in stores.all_stores(include_inactive=False)]
        for i, (name, rows) in enumerate(values.items()):
            combo = QComboBox(objectName=f"importStoreMap_{i}")
            combo.addItem(self.tr("Not matched (members of %1)").replace("%1", home), None)
            for store_id, store_name in choices:
                combo.addItem(store_name, store_id)
            combo.setCurrentIndex(max(0, combo.findData(self.w.store_names.get(name))))
            combo.activated.connect(lambda _i, name=name, combo=combo: self._store_chosen(name, combo))
            label = QLabel(self.tr("“%1” (%n row(s)):", "", rows).replace("%1", name))
            label.setBuddy(combo)
            self.store_form.addRow(label, combo)
            self.store_combos[name] = combo

    def _store_chosen(self, name: str, combo: QComboBox) -> None:
        """A store chosen for a name: the file is checked again with it (the rows' warnings and
        the counts of the next page follow)."""
        chosen = combo.currentData()
        if chosen == self.w.store_names.get(name):
            return
        if chosen is None:
            self.w.store_names.pop(name, None)
        else:
            self.w.store_names[name] = chosen
        if self.w.check():
            self._fill()

    def _fill(self) -> None:
        rep = self.w.report
        rows = []
        for r in rep.rows:  # stops early: a 100k-row file needs only its first rows here
            if r.cls != X.BLANK:
                rows.append(r)
                if len(rows) >= STATUS_ROWS:
                    break
        _fill_status(self.table, rep, rows)
        names = {"M": self.tr("male"), "F": self.tr("female"), "": self.tr("unknown")}
        pairs = [f"{k} → {names[v]}" for k, v in rep.gender_mapping.items()]
        self.genders.setText(self.tr("Gender: %1").replace("%1", "，".join(pairs)) if pairs else "")


class ImportDryRunPage(QWizardPage):
    """The dry run's report; Next (“Import”) writes."""

    def __init__(self, wizard: ImportWizard):
        super().__init__()
        self.w = wizard
        self.setObjectName("importDryRunPage")
        self.setTitle(self.tr("Check before importing"))
        self.setSubTitle(
            self.tr(
                "Nothing has been written yet. Rows with problems are listed "
                "below; fix them in the file or import the rest now."
            )
        )
        self.summary = QLabel(objectName="importDryRunSummary")
        self.summary.setWordWrap(True)
        self.table = _status_table("importProblemsTable")
        save = QPushButton(self.tr("Save report as Excel…"), objectName="importDrySaveButton")
        save.clicked.connect(self.w.ask_save_report)
        self.cancelled = QLabel(objectName="importCancelledLabel")
        self.cancelled.setStyleSheet("color: #b71c1c")
        self.more = QLabel(objectName="importDryRunMore")
        lay = QVBoxLayout(self)
        lay.addWidget(self.summary)
        lay.addWidget(self.table, 1)
        lay.addWidget(self.more)
        row = QHBoxLayout()
        row.addWidget(self.cancelled, 1)
        row.addWidget(save)
        lay.addLayout(row)
        self.setCommitPage(True)
        self.setButtonText(QWizard.WizardButton.CommitButton, self.tr("Import"))

    def initializePage(self) -> None:  # noqa: N802 (Qt API)
        self.cancelled.clear()
        self.summary.setText(self.w.summary_html(self.w.report))
        _fill_problems(self.table, self.more, self.w.report)

    def isComplete(self) -> bool:  # noqa: N802 (Qt API)
        rep = self.w.report
        if isinstance(rep, P.PurchaseReport):
            return rep.imported > 0
        return rep is not None and (rep.imported + rep.updated) > 0

    def validatePage(self) -> bool:  # noqa: N802 (Qt API)
        return self.w.do_import()


class ImportResultPage(QWizardPage):
    def __init__(self, wizard: ImportWizard):
        super().__init__()
        self.w = wizard
        self.setObjectName("importResultPage")
        self.setTitle(self.tr("Import finished"))
        self.summary = QLabel(objectName="importResultSummary")
        self.summary.setWordWrap(True)
        self.table = _status_table("importResultTable")
        save = QPushButton(self.tr("Save report as Excel…"), objectName="importSaveReportButton")
        save.clicked.connect(self.w.ask_save_report)
        history = QPushButton(self.tr("Import history…"), objectName="importHistoryButton")
        history.clicked.connect(lambda: ImportHistoryDialog(self).exec())
        self.saved = QLabel(objectName="importSavedLabel")
        self.more = QLabel(objectName="importResultMore")
        lay = QVBoxLayout(self)
        lay.addWidget(self.summary)
        lay.addWidget(self.table, 1)
        lay.addWidget(self.more)
        row = QHBoxLayout()
        row.addWidget(self.saved, 1)
        row.addWidget(history)
        row.addWidget(save)
        lay.addLayout(row)

    def initializePage(self) -> None:  # noqa: N802 (Qt API)
        self.summary.setText(self.w.summary_html(self.w.report))
        _fill_problems(self.table, self.more, self.w.report)


class ImportWizard(QWizard):
    """``ImportWizard(parent).exec()``; ``imported`` is emitted after a successful import."""

    imported = Signal(object)  # the ImportReport or PurchaseReport

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("importWizard")
        self.setWindowTitle(self.tr("Import customers"))
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        self.resize(980, 640)
        self.kind = MEMBERS
        self.points_as_history = False
        self.sheet_rows: dict[str, int] = {}  # rows of each sheet of the workbook (the sheet page lists them)
        self.path: Path | None = None
        self.sheet: X.SheetData | None = None
        self.header_index = 0
        self.mapping: dict[int, str] = {}
        self.unknown_to_notes = False
        self.remembered = False
        self.on_duplicate = "skip"
        self.balance_mode = "replace"
        self.store_id: int | None = None  # a chain: the store chosen on the options page
        self.store_names: dict[str, int] = {}  # a chain: the file's store names -> the stores chosen
        self.report: X.ImportReport | P.PurchaseReport | None = None
        self.saved_report: Path | None = None
        self.file_page = ImportFilePage(self)
        self.sheet_page = ImportSheetPage(self)
        self.mapping_page = ImportMappingPage(self)
        self.options_page = ImportOptionsPage(self)
        self.preview_page = ImportPreviewPage(self)
        self.dry_run_page = ImportDryRunPage(self)
        self.result_page = ImportResultPage(self)
        for p in (
            self.file_page,
            self.sheet_page,
            self.mapping_page,
            self.options_page,
            self.preview_page,
            self.dry_run_page,
            self.result_page,
        ):
            self.addPage(p)
        self.dry_run_id = self.pageIds()[5]

    # --- steps (public so that tests and callers can drive them) ---------------------------------
    def load(self, path: Path) -> None:
        self.sheet = X.read_sheet(path)
        self.path = path
        self.store_names = {}  # another file: its own store names
        self.sheet_rows = {**dict(self.sheet.other_sheets), self.sheet.sheet: len(self.sheet.rows)}

    def options(self) -> X.ImportOptions:
        return X.ImportOptions(
            sheet=self.sheet.sheet,
            header_row=self.header_index + 1,
            mapping=dict(self.mapping),
            on_duplicate=self.on_duplicate,
            balance_mode=self.balance_mode,
            unknown_to_notes=self.unknown_to_notes,
            store_id=self.store_id,
            store_names=dict(self.store_names) or None,
        )

    def _run(self, title: str, *, dry_run: bool) -> tuple[bool, object]:
        """The import of the chosen kind (or its dry run) in a worker thread, with progress and Cancel."""
        if self.kind == PURCHASES:
            return run_task(
                self,
                title,
                P.run_sheet,
                self.sheet,
                header_row=self.header_index + 1,
                mapping=dict(self.mapping),
                dry_run=dry_run,
                points_as_history=self.points_as_history,
                store_id=self.store_id,
            )
        if dry_run:
            return run_task(self, title, X.run_sheet, self.sheet, self.options(), dry_run=True)
        return run_task(self, title, X.run_sheet, self.sheet, self.options())

    def check(self) -> bool:
        """The dry run (in a worker thread: a 100k-row file takes a second or two)."""
        ok, result = self._run(self.tr("Checking the file…"), dry_run=True)
        if not ok:
            self._show_failure(result)
            return False
        self.report = result
        return True

    def check_quietly(self) -> None:
        """The dry run again after a failed or cancelled import (the import's own failure is what
        the user is shown)."""
        ok, result = self._run(self.tr("Checking the file…"), dry_run=True)
        self.report = result if ok else None

    def do_import(self) -> bool:
        from shopcrm.ui.trust.security_ui import ensure_owner

        if not ensure_owner(self, "import"):  # owner only: asks for the PIN in clerk mode
            return False
        dry_run, self.report = self.report, None
        del dry_run  # freed before the import plans again: 100k rows' checks are ~50 MB
        ok, result = self._run(self.tr("Importing…"), dry_run=False)
        if not ok:
            from shopcrm.core.errors import Cancelled

            self.check_quietly()  # the dry run's report again, for the page and its Save button
            if isinstance(result, Cancelled):
                self.dry_run_page.cancelled.setText(self.tr("Import cancelled: nothing was written."))
                return False
            self._show_failure(result)
            return False
        self.report = result
        self.imported.emit(result)
        return True

    def _show_failure(self, exc: BaseException) -> None:
        from PySide6.QtWidgets import QMessageBox

        from shopcrm.core.errors import Cancelled

        if isinstance(exc, Cancelled):
            return
        if not isinstance(exc, (X.ImportFileError, OSError)) and not hasattr(exc, "message"):
            import traceback

            traceback.print_exception(exc)
        box = QMessageBox(
            QMessageBox.Icon.Warning, self.tr("Import customers"), str(exc), QMessageBox.StandardButton.Ok, self
        )
        box.setObjectName("importFailureBox")
        box.open()

    def summary_html(self, rep: X.ImportReport | P.PurchaseReport) -> str:
        head = self.tr("Dry run — nothing written:") if rep.dry_run else self.tr("Imported:")
        where = (
            self.tr("File %1, sheet “%2”, header on row %3.")
            .replace("%1", Path(rep.file).name)
            .replace("%2", rep.sheet)
            .replace("%3", str(rep.header_record))
        )
        if isinstance(rep, P.PurchaseReport):
            counts = self.tr(
                "<b>%1</b> purchases (%2 returns), <b>%3</b> duplicates, <b>%4</b> unmatched, <b>%5</b> other "
                "errors, <b>%6</b> not purchases (total lines, walk-ins)"
            )
            values = (rep.imported, rep.returns, rep.duplicates, rep.unmatched, rep.errors - rep.unmatched, rep.skipped)
            for n, v in enumerate(values, 1):
                counts = counts.replace(f"%{n}", str(v))
            money = self.tr("Net amount %1.").replace("%1", fmt(rep.amount_cents_total, symbol=True))
            if rep.points_as_history:
                money += " " + self.tr("Points imported as history: %1.").replace("%1", str(rep.points_total))
            return f"{head} {counts}<br>{money}<br>{where}"
        counts = self.tr("<b>%1</b> new, <b>%2</b> updated, <b>%3</b> duplicates, <b>%4</b> errors, <b>%5</b> warnings")
        for n, v in enumerate((rep.imported, rep.updated, rep.duplicates, rep.errors, rep.warnings), 1):
            counts = counts.replace(f"%{n}", str(v))
        money = (
            self.tr("Opening balances %1, points %2 (new customers).")
            .replace("%1", fmt(rep.balance_cents_total, symbol=True))
            .replace("%2", str(rep.points_total))
        )
        return f"{head} {counts}<br>{money}<br>{where}"

    def save_report(self, path: Path) -> Path:
        self.saved_report = X.save_report_xlsx(self.report, path)
        self.result_page.saved.setText(self.tr("Report saved: %1").replace("%1", str(path)))
        return self.saved_report

    def ask_save_report(self) -> None:
        if self.report is None:
            return
        suggested = str(Path(self.report.file).with_name(Path(self.report.file).stem + "_错误原因.xlsx"))
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Save report as Excel"), suggested, self.tr("Excel workbook (*.xlsx)")
        )
        if path:
            if not path.lower().endswith(".xlsx"):
                path += ".xlsx"
            self.save_report(Path(path))


class ImportHistoryDialog(QDialog):
    """Past imports, newest first."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("importHistoryDialog")
        self.setWindowTitle(self.tr("Import history"))
        self.resize(860, 360)
        self.table = _table(
            "importHistoryTable",
            [
                self.tr("Started"),
                self.tr("File"),
                self.tr("Sheet"),
                self.tr("Status"),
                self.tr("New"),
                self.tr("Updated"),
                self.tr("Duplicates"),
                self.tr("Errors"),
                self.tr("Warnings"),
                self.tr("Opening balances"),
            ],
        )
        status = {"done": self.tr("done"), "cancelled": self.tr("cancelled"), "running": self.tr("interrupted")}
        runs = X.history()
        self.table.setRowCount(len(runs))
        for r, run in enumerate(runs):
            values = [
                run.started_at,
                run.file_name,
                run.sheet,
                status.get(run.status, run.status),
                run.imported,
                run.updated,
                run.duplicates,
                run.errors,
                run.warnings,
                fmt(run.balance_cents),
            ]
            for c, v in enumerate(values):
                self.table.setItem(r, c, _item(v, tip=run.file_path if c == 1 else None))
        self.table.resizeColumnsToContents()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(self.table, 1)
        lay.addWidget(buttons)


def open_import_wizard(main_window) -> ImportWizard | None:
    """The wizard, wired to ``main_window.data_changed``; the caller shows it (``exec``/``open``).
    Importing is the owner's, and the preview shows the file's mobiles in full: in clerk mode the
    owner PIN is asked before the first page, and None is returned when it is not given."""
    from shopcrm.ui.trust.security_ui import ensure_owner

    if not ensure_owner(main_window, "import"):
        return None
    wizard = ImportWizard(main_window)
    ctx = AppContext.of(main_window)
    wizard.imported.connect(lambda _report: ctx.notify_data_changed())
    return wizard
