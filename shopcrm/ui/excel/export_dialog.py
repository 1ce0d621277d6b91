"""Export customers to Excel: the current list, the selection or everyone, optionally as a full
archive (with purchases, contacts and complaints). Thin: the work is
:func:`shopcrm.excel.excel_export.export_customers`, run by :func:`shopcrm.ui.shell.tasks.run_task` with a
progress bar and Cancel.

:mod:`shopcrm.ui.excel.actions` puts the actions into the main window's Tools menu.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QSettings, QStandardPaths, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from shopcrm import customers, stores
from shopcrm.core import clock
from shopcrm.core.errors import Cancelled
from shopcrm.excel import excel_export
from shopcrm.ui.shell import forms
from shopcrm.ui.shell.context import AppContext
from shopcrm.ui.shell.tasks import run_task
from shopcrm.ui.stores.store_picker import StorePicker
from shopcrm.ui.trust import security_ui

SCOPE_LIST, SCOPE_SELECTION, SCOPE_ALL = "list", "selection", "all"
FOLDER_KEY = "export/folder"


def _file_part(text: str) -> str:
    """``text`` as part of a file name on every system (a store's name may hold / or :)."""
    return "".join("_" if ch in '\\/:*?"<>|' or ch < " " else ch for ch in text).strip(" .") or "_"


def default_folder() -> Path:
    saved = QSettings().value(FOLDER_KEY, "")
    if saved and Path(saved).is_dir():
        return Path(saved)
    docs = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(docs) if docs and Path(docs).is_dir() else Path.home()


def is_filtered(query: customers.CustomerQuery) -> bool:
    """True when the list shows fewer than all customers because of a search or a filter."""
    return bool(
        query.text.strip()
        or query.level_id is not None
        or query.tag_id is not None
        or query.grade is not None
        or query.ids is not None
    )


class ExportDialog(QDialog):
    """Choose what to export and where; ``export()`` runs it. ``exported`` carries the result."""

    exported = Signal(object)  # excel_export.ExportResult

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        query: customers.CustomerQuery | None = None,
        selected_ids: list[int] | None = None,
        full: bool = False,
        scope: str | None = None,
    ):
        super().__init__(parent)
        self.setObjectName("exportDialog")
        self.setWindowTitle(self.tr("Export customers to Excel"))
        self.query = query or customers.CustomerQuery()
        self.selected_ids = list(selected_ids or [])
        self.last_result: excel_export.ExportResult | None = None

        # a chain (issue #18): which store's export — its members (home store) and, in a full
        # archive, what was recorded there; hidden for a single store. Export is the owner's (the
        # PIN is asked on Export), so the choice is free; it opens on the list's store.
        self.store_picker = StorePicker(self, clerk_may_choose=True, object_name="exportStorePicker")
        if self.query.store_id is not None:
            self.store_picker.setCurrentIndex(max(self.store_picker.findData(self.query.store_id), 0))
        store_label = QLabel(self.tr("&Store:"), objectName="exportStoreLabel")
        store_label.setBuddy(self.store_picker)
        store_label.setVisible(self.store_picker.chain)
        store_row = QHBoxLayout()
        store_row.addWidget(store_label)
        store_row.addWidget(self.store_picker, 1)

        box = QGroupBox(self.tr("Which customers"))
        self.list_radio = QRadioButton(objectName="scopeList")
        self.selection_radio = QRadioButton(objectName="scopeSelection")
        self.all_radio = QRadioButton(objectName="scopeAll")
        self._count_scopes()
        self.selection_radio.setEnabled(bool(self.selected_ids))
        self.scope_group = QButtonGroup(self)
        lay = QVBoxLayout(box)
        for b in (self.list_radio, self.selection_radio, self.all_radio):
            self.scope_group.addButton(b)
            lay.addWidget(b)
        if scope is None:  # everyone, unless the clerk narrowed the list or picked some rows
            if len(self.selected_ids) > 1:
                scope = SCOPE_SELECTION
            elif is_filtered(self.query):
                scope = SCOPE_LIST
            else:
                scope = SCOPE_ALL
        {SCOPE_LIST: self.list_radio, SCOPE_ALL: self.all_radio}.get(
            scope, self.selection_radio if self.selected_ids else self.list_radio
        ).setChecked(True)

        self.full_check = QCheckBox(
            self.tr("Full archive: add sheets of purchases, contacts and complaints"), objectName="fullArchive"
        )
        self.full_check.setChecked(full)
        self.store_hint = QLabel(
            self.tr(
                "A store's export holds its members (who joined there) and, in a full archive, the "
                "purchases, contacts and complaints recorded in that store."
            ),
            objectName="exportStoreHint",
        )
        self.store_hint.setWordWrap(True)
        self.store_hint.setForegroundRole(self.store_hint.foregroundRole().PlaceholderText)
        hint = QLabel(
            self.tr(
                "Mobile and card numbers are written as text and dates as dates, so the "
                "file can be imported again. Cells that look like formulas get a "
                "leading apostrophe."
            )
        )
        hint.setWordWrap(True)
        hint.setObjectName("exportHint")
        hint.setForegroundRole(hint.foregroundRole().PlaceholderText)

        self.path_edit = QLineEdit(objectName="exportPath")
        self._suggestion = self._suggested_name()
        self.path_edit.setText(str(default_folder() / self._suggestion))
        self.path_edit.setMinimumWidth(380)
        browse = QPushButton(self.tr("Browse…"), objectName="browseButton")
        browse.clicked.connect(self.browse)
        path_row = QHBoxLayout()
        path_row.addWidget(QLabel(self.tr("Save to:")))
        path_row.addWidget(self.path_edit, 1)
        path_row.addWidget(browse)
        self.full_check.toggled.connect(lambda _on: self._rename_suggestion())
        self.store_picker.scope_changed.connect(self._store_changed)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.export_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.export_button.setText(self.tr("Export"))
        self.export_button.setObjectName("exportButton")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))
        buttons.accepted.connect(self.export)
        buttons.rejected.connect(self.reject)
        self.path_edit.textChanged.connect(lambda text: self.export_button.setEnabled(bool(text.strip())))

        layout = QVBoxLayout(self)
        layout.addLayout(store_row)
        layout.addWidget(box)
        layout.addWidget(self.full_check)
        layout.addWidget(self.store_hint)
        layout.addLayout(path_row)
        layout.addWidget(hint)
        layout.addSpacing(6)
        layout.addWidget(buttons)

        # --- choices -----------------------------------------------------------------------------
        self.store_hint.setVisible(self.store_picker.chain)
        forms.settle(self, first=self.scope_group.checkedButton())

    def scope(self) -> str:
        if self.selection_radio.isChecked():
            return SCOPE_SELECTION
        if self.all_radio.isChecked():
            return SCOPE_ALL
        return SCOPE_LIST

    def store_id(self) -> int | None:
        """The store to export (None: the whole chain, or a single-store shop)."""
        return self.store_picker.store_id()

    def _count_scopes(self) -> None:
        """The radio buttons' counts, in the chosen store."""
        store_id = self.store_id()
        list_count = customers.count(replace(self.query, store_id=store_id))
        all_count = customers.count(customers.CustomerQuery(store_id=store_id))
        picked = len(self.selected_ids)
        if store_id is not None and picked:
            picked = excel_export.members_of(self.selected_ids, store_id)
        self.list_radio.setText(self.tr("The list as shown now ({n})").format(n=list_count))
        self.selection_radio.setText(self.tr("Selected customers ({n})").format(n=picked))
        if store_id is None:
            self.all_radio.setText(self.tr("All customers ({n})").format(n=all_count))
        else:
            self.all_radio.setText(self.tr("All members of this store ({n})").format(n=all_count))

    def _store_changed(self) -> None:
        self._count_scopes()
        self._rename_suggestion()

    def _suggested_name(self) -> str:
        full = hasattr(self, "full_check") and self.full_check.isChecked()
        stem = self.tr("customer archive") if full else self.tr("customers")
        store_id = self.store_id()
        store = "" if store_id is None else f"_{_file_part(stores.get(store_id).name)}"
        return f"{stem}{store}_{clock.today():%Y%m%d}.xlsx"

    def _rename_suggestion(self) -> None:
        """An untouched suggested name follows the full-archive box and the store."""
        current = Path(self.path_edit.text())
        if current.name == self._suggestion:
            self._suggestion = self._suggested_name()
            self.path_edit.setText(str(current.with_name(self._suggestion)))

    def browse(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Export to"), self.path_edit.text(), self.tr("Excel workbook (*.xlsx)")
        )
        if path:
            self.path_edit.setText(path)

    # --- the export --------------------------------------------------------------------------
    def export(self) -> excel_export.ExportResult | None:
        """Run the export behind a progress dialog. On success close the dialog and return the
        result; on cancel or error stay open (errors are shown) and return None."""
        path = Path(self.path_edit.text().strip()).expanduser()
        if not security_ui.ensure_owner(self, "export"):  # clerk mode: ask for the owner PIN
            return None
        kwargs = {"full": self.full_check.isChecked(), "store_id": self.store_id()}
        scope = self.scope()
        if scope == SCOPE_SELECTION:
            kwargs["ids"] = self.selected_ids
        elif scope == SCOPE_LIST:
            # the list's filter in the chosen store (None: the whole chain, whatever the list showed)
            kwargs["query"] = replace(self.query, store_id=self.store_id())
        ok, value = run_task(self, self.tr("Exporting to Excel…"), excel_export.export_customers, path, **kwargs)
        if not ok:
            if not isinstance(value, Cancelled):
                QMessageBox.warning(self, self.tr("Export failed"), str(value))
            return None
        self.last_result = value
        QSettings().setValue(FOLDER_KEY, str(value.path.parent))
        self.accept()
        self.exported.emit(value)
        return value


def show_result(parent: QWidget, result: excel_export.ExportResult) -> None:
    """Tell the user where the file is, with a button that opens its folder."""
    box = QMessageBox(
        QMessageBox.Icon.Information,
        QCoreApplication.translate("ExportDialog", "Export finished"),
        result.message,
        QMessageBox.StandardButton.Ok,
        parent,
    )
    box.setObjectName("exportDoneBox")
    open_button = box.addButton(
        QCoreApplication.translate("ExportDialog", "Open folder"), QMessageBox.ButtonRole.ActionRole
    )
    box.exec()
    if box.clickedButton() is open_button:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(result.path.parent)))


def open_export_dialog(main_window, *, full: bool = False) -> ExportDialog:
    """The dialog for the customers tab's list and selection (non-modal use: ``.open()``).
    From another tab (today, complaints…) the customers tab's filter is out of sight, so the
    dialog offers everyone."""
    query, selected = AppContext.of(main_window).customer_list_in_view()
    dialog = ExportDialog(main_window, query=query, selected_ids=selected, full=full, scope=SCOPE_ALL if full else None)
    dialog.exported.connect(lambda result: show_result(main_window, result))
    return dialog
