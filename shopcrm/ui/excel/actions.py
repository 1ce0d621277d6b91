"""The Tools menu's import and export actions. The wizard and the export dialog (and the file
readers and writers under them: ~40 ms of imports) are loaded when an action is first used, not
while the window starts."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QAction


def add_export_actions(main_window) -> list[QAction]:
    """Add "Export customers to Excel…" and "Export full archive…" to the Tools menu."""

    def export(full: bool) -> None:
        from shopcrm.ui.excel.export_dialog import open_export_dialog

        open_export_dialog(main_window, full=full).exec()

    menu = main_window.tools_menu
    plain = QAction(
        QCoreApplication.translate("ExportDialog", "Export customers to Excel…"),
        main_window,
        objectName="exportCustomersAction",
    )
    plain.triggered.connect(lambda: export(False))
    full = QAction(
        QCoreApplication.translate("ExportDialog", "Export full archive to Excel…"),
        main_window,
        objectName="exportArchiveAction",
    )
    full.triggered.connect(lambda: export(True))
    menu.addAction(plain)
    menu.addAction(full)
    return [plain, full]


def add_import_actions(main_window) -> list[QAction]:
    """Add "Import customers from Excel…" and "Import history…" to the Tools menu."""

    def wizard() -> None:
        from shopcrm.ui.excel.import_wizard import open_import_wizard

        w = open_import_wizard(main_window)
        if w is not None:
            w.exec()

    def history() -> None:
        from shopcrm.ui.excel.import_wizard import ImportHistoryDialog

        ImportHistoryDialog(main_window).exec()

    menu = main_window.tools_menu
    wizard_action = QAction(
        QCoreApplication.translate("ImportWizard", "Import customers from Excel…"),
        main_window,
        objectName="importCustomersAction",
    )
    wizard_action.triggered.connect(wizard)
    history_action = QAction(
        QCoreApplication.translate("ImportWizard", "Import history…"), main_window, objectName="importHistoryAction"
    )
    history_action.triggered.connect(history)
    first = menu.actions()[0] if menu.actions() else None
    menu.insertActions(first, [wizard_action, history_action])
    if first is not None:
        menu.insertSeparator(first)
    return [wizard_action, history_action]
