"""The application as a tab or dialog sees it: one object instead of probing the main window.

:class:`~shopcrm.ui.main_window.MainWindow` makes one ``AppContext`` and hands it to every tab
(``TodayTab(context)``); a dialog or an ``install(window)`` function asks for it with
:meth:`AppContext.of` (its own window's context, found by the top-level window). ``AppContext()``
without a window is the *detached* context of a tab built on its own (tests, screenshots): every
call is then a harmless no-op, so callers never check what the window has.

The pieces that modules install into the window (the owner-mode controller, the demo badge, the
background jobs started at start-up…) are declared here as fields, not hung on the window.
tests/test_ui_context.py fails on a ``hasattr``/``getattr``/``setattr`` on a main window under
shopcrm/ui.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from PySide6.QtCore import QTimer, SignalInstance
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QStatusBar, QTabWidget, QWidget


class Window(Protocol):
    """What the context needs of the main window (shopcrm.ui.main_window.MainWindow, which
    imports this module: typed by this protocol, not by an import)."""

    @property
    def db_path(self) -> Path | None: ...

    @property
    def location(self) -> Any: ...  # shopcrm.core.paths.DbLocation: the file or the server URL

    data_changed: SignalInstance
    first_painted: SignalInstance
    first_paint_done: bool  # first_painted has been emitted
    tab_actions_anchor: QAction  # the Tools menu's place for the tabs' items
    tabs: QTabWidget
    customers_tab: Any
    file_menu: QMenu
    tools_menu: QMenu
    help_menu: QMenu
    quit_action: QAction

    def statusBar(self) -> QStatusBar: ...  # noqa: N802 (Qt API)

    def open_customer(self, customer_id: int) -> Any: ...


_BY_WINDOW: weakref.WeakKeyDictionary[Any, AppContext] = weakref.WeakKeyDictionary()  # window -> context


class AppContext:
    """Database path, the data-changed signal, status line, menus, opening a customer, the tab in
    view — what tabs and dialogs may use of the main window."""

    def __init__(self, window: Window | None = None):
        self.window = window
        # installed by other modules (declared here, never set on the window from outside)
        self.security: Any = None  # shopcrm.ui.trust.security_ui.SecurityController
        self.seal_monitor: Any = None  # shopcrm.ui.trust.backup_ui.SealMonitor
        self.open_backup_dialog: Callable[[], Any] | None = None
        self.demo: Any = None  # shopcrm.ui.first_run.DemoController
        self.import_wizard: Any = None  # the wizard opened by the welcome's "import" choice
        self.first_run_choice: str | None = None
        self.smoke_test = False
        self.live: Any = None  # shopcrm.ui.shell.live.LiveUpdates: others' changes, the connection
        self.jobs: dict[str, Any] = {}  # start-up background work: daily backup, check, regrade
        if window is not None:
            _BY_WINDOW[window] = self

    @classmethod
    def of(cls, widget: QWidget | None) -> AppContext:
        """The context of the main window ``widget`` is or belongs to (through its parents: a
        dialog over the window, a form over that dialog), or a detached one."""
        while widget is not None:
            found = _BY_WINDOW.get(widget)
            if found is not None:
                return found
            widget = widget.parentWidget()
        return cls()

    @property
    def attached(self) -> bool:
        return self.window is not None

    # --- data -----------------------------------------------------------------------------------
    @property
    def db_path(self) -> Path | None:
        """The open SQLite file; None on a server database (or detached)."""
        return self.window.db_path if self.window is not None else None

    @property
    def location(self) -> Any:
        """The open database: a file Path or a server PgUrl (None when detached)."""
        return self.window.location if self.window is not None else None

    def on_data_changed(self, slot: Callable[[], Any]) -> None:
        if self.window is not None:
            self.window.data_changed.connect(slot)

    def notify_data_changed(self) -> bool:
        """Tell the window a write happened (lists and the tab in view refresh); False when
        detached (the caller refreshes itself)."""
        if self.window is None:
            return False
        self.window.data_changed.emit()
        return True

    def on_first_painted(self, slot: Callable[[], Any]) -> bool:
        """Call ``slot`` once the window has painted for the first time (soon, when it has
        already: a tab built after the first paint); False when detached."""
        if self.window is None:
            return False
        if self.window.first_paint_done:
            QTimer.singleShot(0, self.window, slot)
        else:
            self.window.first_painted.connect(slot)
        return True

    # --- window -----------------------------------------------------------------------------------
    def status(self, text: str, ms: int = 10_000) -> None:
        if self.window is not None:
            self.window.statusBar().showMessage(text, ms)

    def add_tab_action(self, text: str, slot: Callable[[], Any], name: str) -> QAction | None:
        """A tab's item in the Tools menu, in the tabs' place (whenever the tab is built); None
        when detached."""
        if self.window is None:
            return None
        menu = self.window.tools_menu
        act = QAction(text, menu, objectName=name)
        act.triggered.connect(slot)
        menu.insertAction(self.window.tab_actions_anchor, act)
        return act

    @property
    def tools_menu(self) -> QMenu | None:
        return self.window.tools_menu if self.window is not None else None

    @property
    def file_menu(self) -> QMenu | None:
        return self.window.file_menu if self.window is not None else None

    @property
    def help_menu(self) -> QMenu | None:
        return self.window.help_menu if self.window is not None else None

    @property
    def quit_action(self) -> QAction | None:
        return self.window.quit_action if self.window is not None else None

    @property
    def tabs(self) -> QTabWidget | None:
        return self.window.tabs if self.window is not None else None

    def current_tab(self) -> QWidget | None:
        return self.window.tabs.currentWidget() if self.window is not None else None

    def is_current_tab(self, tab: QWidget) -> bool:
        return self.window is not None and self.window.tabs.currentWidget() is tab

    def show_tab(self, tab: QWidget) -> None:
        if self.window is not None:
            self.window.tabs.setCurrentWidget(tab)

    def open_customer(self, customer_id: int) -> Any:
        """The customer's archive (raised if open already); None when detached."""
        return self.window.open_customer(customer_id) if self.window is not None else None

    def customer_list_in_view(self) -> tuple[Any, list[int]]:
        """The customer list's query and selected ids when the list is in view (for export);
        (None, []) from another tab (its filter is out of sight) or when detached."""
        if self.window is None or self.window.tabs.currentWidget() is not self.window.customers_tab:
            return None, []
        tab: Any = self.window.customers_tab
        return tab.current_query(), tab.selected_ids()
