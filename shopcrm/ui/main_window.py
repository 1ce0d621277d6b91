"""The main window: tabs (客户 first, then today / complaints / analysis when present), menus,
keyboard shortcuts, remembered geometry."""

from __future__ import annotations

import html
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QEvent, QSettings, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QAction, QActionGroup, QDesktopServices, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMainWindow,
    QMessageBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from shopcrm import __version__
from shopcrm.core import logs
from shopcrm.core.paths import DbLocation, DbLocationError, PgUrl, parse_db_location
from shopcrm.store import settings
from shopcrm.store.changes import ConnectionLost
from shopcrm.store.db import DatabaseOpenError, database, open_database
from shopcrm.ui.customers.customers_tab import CustomersTab
from shopcrm.ui.shell.context import AppContext
from shopcrm.ui.shell.i18n import LANGUAGES

if TYPE_CHECKING:  # the archive form loads with the first customer opened, not at start-up
    from shopcrm.ui.customers.customer_form import CustomerForm


# The tabs after 客户, in order: (module, class, the source text of the class's plain title in
# its own translation context). At start-up they are built right after the window's first paint
# (their modules and widgets are about a quarter of the start-up); until then the tab bar shows
# their plain titles, and anything that needs one builds them at once (``extra_tabs``).
LATER_TABS = (
    ("shopcrm.ui.today.today_tab", "TodayTab", "Today"),
    ("shopcrm.ui.complaints.complaints_tab", "ComplaintsTab", "Complaints"),
    ("shopcrm.ui.analysis.analysis_tab", "AnalysisTab", "Analysis"),
)


def tab_classes() -> tuple[type, ...]:
    """The tabs after 客户, in order."""
    import importlib

    return tuple(getattr(importlib.import_module(module), name) for module, name, _title in LATER_TABS)


def later_tab_title(class_name: str, text: str) -> str:
    """A later tab's plain title, as the tab itself translates it (``self.tr`` in its class)."""
    return QCoreApplication.translate(class_name, text)


class MainWindow(QMainWindow):
    data_changed = Signal()
    # emitted once, after the window's first paint: work that need not delay start-up hangs here
    first_painted = Signal()
    # emitted once, when the tabs after 客户 have all been built (when_later_tabs_built)
    later_tabs_ready = Signal()

    def __init__(self, location: DbLocation | str | None = None, parent=None, *, later_tabs: bool = False):
        """``later_tabs``: build the tabs after 客户 right after the first paint (the app's
        start-up), not now."""
        super().__init__(parent)
        self.setObjectName("MainWindow")
        self._painted = False
        self.first_paint_done = False  # first_painted has been emitted (AppContext.on_first_painted)
        self.installEventFilter(self)
        # the open database: an SQLite file (a Path) or a server database (a PgUrl, which may carry
        # this session's password: show it only through shown_location())
        self.location: DbLocation = (
            parse_db_location(location) if location else parse_db_location(database.database or "")
        )
        self.forms: dict[int, CustomerForm] = {}
        self.context = AppContext(self)  # what tabs and dialogs use of this window

        self._build_menus()  # before the tabs, which add their actions to the Tools menu
        self.tabs = QTabWidget(objectName="mainTabs")
        self.tabs.setDocumentMode(True)
        self.customers_tab = CustomersTab(self)
        self.tabs.addTab(self.customers_tab, self.tr("Customers"))
        self._extra_tabs: list | None = None  # built by build_later_tabs (all of them)
        self._built: list = []  # those built so far
        # until then each later tab's place holds an empty stand-in with the tab's plain title
        self._stand_ins: list[QWidget] = []
        for _module, name, title in LATER_TABS:
            stand_in = QWidget(objectName=f"later{name}")
            stand_in.setProperty("tabClass", name)  # its tab's icon (shell.icons.decorate)
            self._stand_ins.append(stand_in)
            self.tabs.addTab(stand_in, later_tab_title(name, title))
        # the Tools menu's place for the later tabs' items (AppContext.add_tab_action), which are
        # added when the tabs are built
        self.tab_actions_anchor = QAction(self, objectName="tabActionsAnchor", visible=False)
        self.tools_menu.addAction(self.tab_actions_anchor)
        if not later_tabs:
            self.build_later_tabs()
        from shopcrm.ui.shell import live

        central = QWidget(objectName="centralArea")
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        self.connection_banner = live.make_banner(central)
        column.addWidget(self.connection_banner)
        column.addWidget(self.tabs, 1)
        self.setCentralWidget(central)

        self.status_db = QLabel(objectName="statusDatabase")
        self.statusBar().addPermanentWidget(self.status_db)

        # owner PIN and mode indicator, backup and restore, audit log (issue #7)
        from shopcrm.ui.trust import audit_ui, backup_ui, security_ui

        security_ui.install(self)
        backup_ui.install(self)
        audit_ui.install(self)
        from shopcrm.ui.tool_menu import add_tool_actions

        # 工具 → 消息通道设置 (issue #15), 交班 / 日结 (#13), 发券给分群 / 优惠券统计 (#14)
        self.tool_actions = add_tool_actions(self)
        from shopcrm.ui.stores import stores_dialog

        stores_dialog.install(self)  # 工具 → 门店… (issue #18)
        self.customers_tab.open_requested.connect(self.open_customer)
        self.customers_tab.purchase_requested.connect(self.record_purchase)
        self.customers_tab.new_requested.connect(self.new_customer)
        self.customers_tab.recycle_bin_requested.connect(self.open_recycle_bin)
        self.customers_tab.changed.connect(self.data_changed)
        self.data_changed.connect(self._on_data_changed)
        self.tabs.currentChanged.connect(self._on_tab_changed)
        # other counters' changes and a lost server connection (issue #18)
        self.live = live.LiveUpdates(self, self.connection_banner)
        self.context.live = self.live
        self.live.changed_elsewhere.connect(self.refresh_from_elsewhere)

        self._update_title()
        from shopcrm.ui.shell import forms

        forms.freeze_minimum(self)  # fits 1024x600; never grows when a tab's content does
        self._restore_geometry()
        if later_tabs:
            self.first_painted.connect(self._build_after_paint)

    # --- the tabs after 客户 ------------------------------------------------------------------------
    @property
    def extra_tabs(self) -> list:
        """The tabs after 客户 (built now if they are not yet)."""
        return self.build_later_tabs()

    def later_tabs_built(self) -> bool:
        return self._extra_tabs is not None

    def build_later_tabs(self) -> list:
        """Build the tabs after 客户 in their stand-ins' places (once); the one in view stays in
        view. Returns them. A tab that cannot read its data (ConnectionLost: the server went
        away) leaves it and the ones after it as stand-ins, built on the next call."""
        if self._extra_tabs is not None:
            return self._extra_tabs
        current = self.tabs.currentIndex()
        classes = tab_classes()[len(self._built) :]
        blocked = self.tabs.blockSignals(True)  # a stand-in's removal is no change of tab
        try:
            for cls in classes:
                try:
                    tab = cls(self.context)
                except ConnectionLost:
                    for half_built in self.findChildren(cls):  # its constructor had parented it
                        half_built.setParent(None)
                        half_built.deleteLater()
                    raise
                stand_in = self._stand_ins.pop(0)
                self._built.append(tab)
                i = self.tabs.indexOf(stand_in)
                icon = self.tabs.tabIcon(i)
                self.tabs.removeTab(i)
                stand_in.deleteLater()
                self.tabs.insertTab(i, tab, icon, tab.tab_title())
                if hasattr(tab, "title_changed"):
                    tab.title_changed.connect(lambda tab=tab: self._retitle(tab))
        finally:
            self.tabs.setCurrentIndex(current)
            self.tabs.blockSignals(blocked)
        self._extra_tabs = self._built
        if self.isVisible():
            from shopcrm.ui.shell import forms

            forms.freeze_minimum(self)  # as it would have been with the tabs built before the paint
            if current > 0:  # a stand-in was in view: its tab is shown now
                self._on_tab_changed(current)
        self.later_tabs_ready.emit()
        return self._extra_tabs

    def when_later_tabs_built(self, slot) -> None:
        """Call ``slot`` once the tabs after 客户 are built: now if they are, else when they are."""
        if self._extra_tabs is not None:
            slot()
        else:
            self.later_tabs_ready.connect(slot, Qt.ConnectionType.SingleShotConnection)

    def _build_after_paint(self) -> None:
        try:
            self.build_later_tabs()
        except ConnectionLost as exc:  # the banner says so; built when the connection is back
            self.live.report(exc)

    # --- menus ---------------------------------------------------------------------------------
    def _build_menus(self) -> None:
        bar = self.menuBar()
        self.file_menu = bar.addMenu(self.tr("&File"))
        self.open_db_action = self.file_menu.addAction(self.tr("Open database…"), self.choose_database)
        self.file_menu.addSeparator()
        self.quit_action = self.file_menu.addAction(self.tr("Quit"), self.close)
        self.quit_action.setShortcut(QKeySequence.StandardKey.Quit)

        self.customer_menu = bar.addMenu(self.tr("&Customers"))
        self.new_action = QAction(self.tr("New customer"), self, objectName="newCustomerAction")
        self.new_action.setShortcut(QKeySequence.StandardKey.New)
        self.new_action.triggered.connect(self.new_customer)
        self.find_action = QAction(self.tr("Find customer"), self, objectName="findCustomerAction")
        self.find_action.setShortcut(QKeySequence.StandardKey.Find)
        self.find_action.triggered.connect(self.focus_search)
        self.bin_action = QAction(self.tr("Recycle bin…"), self, objectName="recycleBinAction")
        self.bin_action.triggered.connect(self.open_recycle_bin)
        for a in (self.new_action, self.find_action, self.bin_action):
            self.customer_menu.addAction(a)
            a.setShortcutContext(Qt.ShortcutContext.WindowShortcut)

        self.tools_menu = bar.addMenu(self.tr("&Tools"))
        from shopcrm.ui.excel.actions import add_export_actions, add_import_actions

        self.export_actions = add_export_actions(self)
        self.import_actions = add_import_actions(self)  # inserted above the export actions
        self.loyalty_settings_action = self.tools_menu.addAction(
            self.tr("Member benefits settings…"), self.open_loyalty_settings
        )
        self.loyalty_settings_action.setObjectName("loyaltySettingsAction")

        self.view_menu = bar.addMenu(self.tr("&View"))
        lang_menu = self.view_menu.addMenu(self.tr("Language"))
        group = QActionGroup(self)
        current = QSettings().value("language", "zh_CN")
        for code, label in LANGUAGES.items():
            act = lang_menu.addAction(label)
            act.setCheckable(True)
            act.setChecked(code == current)
            act.setData(code)
            group.addAction(act)
        group.triggered.connect(self._choose_language)

        self.help_menu = bar.addMenu(self.tr("&Help"))
        self.help_menu.addAction(self.tr("About ShopCRM"), self.about)

    # --- customers -----------------------------------------------------------------------------
    def focus_search(self) -> None:
        self.tabs.setCurrentWidget(self.customers_tab)
        self.customers_tab.focus_search()

    def new_customer(self) -> CustomerForm:
        from shopcrm.ui.customers.customer_form import CustomerForm

        form = CustomerForm(None, self)
        self._wire_form(form)
        form.open()
        return form

    def open_customer(self, customer_id: int) -> CustomerForm:
        form = self.forms.get(customer_id)
        if form is not None and form.isVisible():
            form.raise_()
            form.activateWindow()
            return form
        from shopcrm.ui.customers.customer_form import CustomerForm

        form = CustomerForm(customer_id, self)
        self.forms[customer_id] = form
        self._wire_form(form)
        form.open()
        return form

    def _wire_form(self, form: CustomerForm) -> None:
        form.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        form.saved.connect(lambda _cid: self.data_changed.emit())
        form.open_other.connect(self.open_customer)
        form.became_existing.connect(self.open_customer)
        form.open_complaint.connect(self.show_complaint)
        form.finished.connect(lambda _r, f=form: self._forget_form(f))

    def _forget_form(self, form: CustomerForm) -> None:
        for cid, f in list(self.forms.items()):
            if f is form:
                del self.forms[cid]

    def show_complaint(self, complaint_id: int) -> None:
        for tab in self.extra_tabs:
            if hasattr(tab, "show_complaint"):
                tab.show_complaint(complaint_id, activate=True)

    def open_loyalty_settings(self):
        """Member prices, points, coupon types and gifts (issue 14): owner only (clerk: the PIN)."""
        from shopcrm.ui.customers.loyalty_settings import open_settings

        return open_settings(self)

    def record_purchase(self, customer_id: int) -> bool:
        """Record a sale for a customer straight from the list (no need to open the archive)."""
        from PySide6.QtWidgets import QDialog

        from shopcrm import customers
        from shopcrm.ui.customers.customer_form import PurchaseDialog

        dlg = PurchaseDialog(self, customer_id=customer_id)  # records it; a refusal stays in the dialog
        dlg.setWindowTitle(self.tr("Record purchase — %1").replace("%1", customers.get(customer_id).name))
        if dlg.exec() != QDialog.DialogCode.Accepted:
            return False
        self.statusBar().showMessage(dlg.receipt)  # the receipt line, to read out or copy from the archive
        self.data_changed.emit()
        return True

    def eventFilter(self, obj, event):  # noqa: N802 (Qt API)
        if obj is self and not self._painted and event.type() == QEvent.Type.Paint:
            self._painted = True
            self.removeEventFilter(self)
            QTimer.singleShot(0, self._emit_first_painted)  # after this paint has reached the screen
        return super().eventFilter(obj, event)

    def _emit_first_painted(self) -> None:
        if self.isVisible():  # a window closed at once has nothing to catch up on
            self.first_paint_done = True
            self.first_painted.emit()

    def showEvent(self, event):  # noqa: N802 (Qt API)
        super().showEvent(event)
        if self.tabs.currentWidget() is self.customers_tab:
            self.customers_tab.search.setFocus()  # the clerk can type straight away

    def open_recycle_bin(self):
        from shopcrm.ui.customers.recycle_bin import RecycleBinDialog

        dlg = RecycleBinDialog(self)
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dlg.changed.connect(self.data_changed)
        dlg.open()
        return dlg

    # --- refreshing ----------------------------------------------------------------------------
    def _on_data_changed(self) -> None:
        try:
            self.customers_tab.refresh()
            current = self.tabs.currentWidget()
            for tab in self.extra_tabs:
                if tab is current and hasattr(tab, "refresh"):
                    tab.refresh()
            self._update_title()
        except ConnectionLost as exc:  # the banner says so; all is read again once it is back
            self.live.report(exc)

    def _on_tab_changed(self, index: int) -> None:
        if index > 0 and self._extra_tabs is None:  # a stand-in chosen before its tab was built
            self._build_after_paint()
            return
        tab = self.tabs.widget(index)
        if tab is not self.customers_tab and hasattr(tab, "refresh"):
            try:
                tab.refresh()
            except ConnectionLost as exc:
                self.live.report(exc)

    def _retitle(self, tab) -> None:
        i = self.tabs.indexOf(tab)
        if i >= 0:
            self.tabs.setTabText(i, tab.tab_title())

    def _update_title(self) -> None:
        shop = settings.shop_name()
        title = self.tr("ShopCRM Customer Management")
        self.setWindowTitle(f"{shop} — {title}" if shop else title)
        self.status_db.setText(self.tr("Database: %1").replace("%1", self.shown_location()))

    # --- database ------------------------------------------------------------------------------
    @property
    def db_path(self) -> Path | None:
        """The SQLite file that is open (for the parts that work on the file itself: backups,
        the integrity check, the demo file beside it); None on a server database."""
        return self.location if isinstance(self.location, Path) else None

    @db_path.setter
    def db_path(self, path: Path) -> None:
        self.location = Path(path)

    def shown_location(self) -> str:
        """The open database for the user's eyes: the file's path, or the server URL without
        its password."""
        return self.location.display if isinstance(self.location, PgUrl) else str(self.location)

    def choose_database(self) -> QDialog:
        """文件 → 打开数据库: a file or a server (shopcrm.ui.open_database); opened window-modal."""
        from shopcrm.ui.open_database import OpenDatabaseDialog

        dlg = OpenDatabaseDialog(self, self.location, opener=self.open_location)
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dlg.open()
        return dlg

    def open_location(self, location: DbLocation) -> str | None:
        """Switch to ``location``; None when open, else why not (the old database stays open)."""
        if location == self.location:
            return None
        old = self.location
        try:
            open_database(location)
        except (DatabaseOpenError, DbLocationError) as exc:
            open_database(old)
            return str(exc)
        self.location = location
        self.live.restart()
        self.data_changed.emit()  # the customers tab and the tab in view
        self.refresh_badges()
        return None

    def switch_database(self, location: DbLocation) -> bool:
        problem = self.open_location(location)
        if problem:
            QMessageBox.critical(self, self.tr("Cannot open database"), problem)
            return False
        return True

    def refresh_from_elsewhere(self) -> None:
        """Another counter (or a background job) committed something: the list, the tab in
        view and every badge read again; the window's own edits are untouched. When the server
        is away meanwhile the banner says so and all of it is read again once it is back."""
        self.data_changed.emit()
        try:
            self.refresh_badges()
        except ConnectionLost as exc:
            self.live.report(exc)

    def refresh_badges(self) -> None:
        """Re-read every tab whose title carries a count (今日待办 (5), 投诉 (2 open)…), not only
        the one in view: after switching databases the titles must show the new file's counts."""
        current = self.tabs.currentWidget()
        for tab in self.extra_tabs:
            if tab is not current and hasattr(tab, "title_changed") and hasattr(tab, "refresh"):
                tab.refresh()
            self._retitle(tab)

    # --- misc ----------------------------------------------------------------------------------
    def _choose_language(self, action) -> None:
        QSettings().setValue("language", action.data())
        QMessageBox.information(
            self, self.tr("Language"), self.tr("The new language is used from the next start of ShopCRM.")
        )

    def about(self) -> QDialog:
        """帮助 → 关于: the version, the database, and where the log file is (selectable, with a
        button that opens its folder). Opened window-modal without a nested event loop."""
        log_file = logs.current() or logs.log_path()
        dlg = QDialog(self, objectName="aboutDialog")
        dlg.setWindowTitle(self.tr("About ShopCRM"))
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        text = QLabel(
            self.tr(
                "<h3>ShopCRM %1</h3><p>Customer relationship management for small shops.</p>"
                "<p>Data: %2</p><p>Log file: %3</p>"
            )
            .replace("%1", __version__)
            .replace("%2", html.escape(self.shown_location()))
            .replace("%3", html.escape(str(log_file))),
            dlg,
            objectName="aboutText",
        )
        text.setTextFormat(Qt.TextFormat.RichText)
        text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        text.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, dlg)
        open_logs = buttons.addButton(self.tr("Open log folder"), QDialogButtonBox.ButtonRole.ActionRole)
        open_logs.setObjectName("openLogFolder")
        open_logs.clicked.connect(lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(log_file.parent))))
        buttons.rejected.connect(dlg.reject)
        lay = QVBoxLayout(dlg)
        lay.addWidget(text)
        lay.addWidget(buttons)
        dlg.log_file = log_file
        dlg.open()
        return dlg

    def _restore_geometry(self) -> None:
        s = QSettings()
        geometry = s.value("mainWindow/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            from shopcrm.ui.shell import forms

            forms.fit_to_screen(self, 1180, 720)
        state = s.value("mainWindow/state")
        if state is not None:
            self.restoreState(state)

    def closeEvent(self, event):  # noqa: N802 (Qt API)
        self.live.stop()
        s = QSettings()
        s.setValue("mainWindow/geometry", self.saveGeometry())
        s.setValue("mainWindow/state", self.saveState())
        super().closeEvent(event)
