"""The first five minutes: a welcome that asks for the shop's name, offers the owner PIN and three
starts (import my member spreadsheet, try with demo data, start empty); the demo database.

Demo data lives in its own file next to the real one (``shopcrm.db`` -> ``shopcrm-demo.db``),
marked inside by the ``demo.database`` setting, so that it can never be mistaken for or mixed
with the shop's real customers. While it is open the window title and the status bar say
演示数据, and File -> “Leave demo data” goes back to the real database.

What the welcome decided is kept in the real database's Setting table: ``first_run.done`` (a
second start skips the welcome) and ``first_run.start_in_demo`` (the next start reopens the demo
until the user leaves it).
"""

from __future__ import annotations

import importlib
import logging
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, QSettings, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QCommandLinkButton,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
)

from shopcrm import customers
from shopcrm.core.paths import DbLocation, DbLocationError, PgUrl, data_dir
from shopcrm.store import settings
from shopcrm.store.db import open_database
from shopcrm.trust import security
from shopcrm.ui.shell import forms
from shopcrm.ui.shell.context import AppContext

log = logging.getLogger(__name__)

FIRST_RUN_DONE = "first_run.done"
START_IN_DEMO = "first_run.start_in_demo"
DEMO_DATABASE = "demo.database"

IMPORT, DEMO, EMPTY, SERVER = "import", "demo", "empty", "server"
CHOICES = (IMPORT, DEMO, EMPTY, SERVER)

DEMO_CUSTOMERS = 1000
DEMO_PURCHASES = 10_000
DEMO_BADGE_STYLE = (
    "background: #fff3bf; color: #8a5300; border: 1px solid #f0c36d; "
    "border-radius: 3px; padding: 1px 8px; font-weight: bold;"
)


def demo_db_path(real_path: DbLocation) -> Path:
    """The demo database beside the real one: ``shopcrm.db`` -> ``shopcrm-demo.db``; for a shop
    on a server, ``shopcrm-demo.db`` in this computer's data folder (demo data never goes to
    the shared server)."""
    if isinstance(real_path, PgUrl):
        return data_dir() / "shopcrm-demo.db"
    real_path = Path(real_path)
    return real_path.with_name(f"{real_path.stem}-demo{real_path.suffix or '.db'}")


def real_db_path(path: DbLocation) -> DbLocation:
    """The real database a demo file belongs to (``path`` itself when it is not a demo name)."""
    if isinstance(path, PgUrl):
        return path
    path = Path(path)
    if path.stem.endswith("-demo"):
        return path.with_name(path.stem[: -len("-demo")] + path.suffix)
    return path


def is_demo() -> bool:
    """True while the open database is a demo database."""
    return bool(settings.get(DEMO_DATABASE, False))


def welcome_due() -> bool:
    """The open (real) database has never been through the welcome and holds no customers
    (a database from before the welcome existed, with customers in it, is not greeted)."""
    if settings.get(FIRST_RUN_DONE) or is_demo():
        return False
    return (
        customers.count(customers.CustomerQuery()) == 0 and customers.count(customers.CustomerQuery(deleted=True)) == 0
    )


# --- the demo database ----------------------------------------------------------------------------


def _fill_demo(progress=None) -> int:
    from shopcrm.demo import generate

    def say(_stage: str, fraction: float) -> None:
        if progress is not None:
            progress(int(fraction * 100), 100)  # generate is one transaction and short: no cancel

    generate(DEMO_CUSTOMERS, DEMO_PURCHASES, progress=say)
    return DEMO_CUSTOMERS


def open_demo(real_path: DbLocation, shop_name: str = "", parent=None) -> Path:
    """Open the demo database beside ``real_path``, creating and filling it the first time.
    Leaves it open and returns its path. Raises DatabaseOpenError / the generator's error."""
    path = demo_db_path(real_path)
    from_real = not is_demo()
    pin = security.pin_record() if from_real else None  # the real database's PIN
    open_database(path)
    fresh = not is_demo()
    if fresh:
        if customers.count(customers.CustomerQuery()) > 0:
            # a file by that name that we did not make: never put demo rows into it
            from shopcrm.store.db import DatabaseOpenError

            open_database(real_path)
            raise DatabaseOpenError(
                QCoreApplication.translate(
                    "FirstRun", "%1 exists and is not a ShopCRM demo database; it was left untouched."
                ).replace("%1", str(path))
            )
        settings.put(DEMO_DATABASE, True)
        security.mark_pin_offered()  # the PIN is set in the real database (and mirrored here)
        settings.put(settings.SHOP_NAME, shop_name or QCoreApplication.translate("FirstRun", "Demo shop"))
    if from_real:
        security.mirror_pin_into_demo(pin)  # the welcome's PIN applies to the demo as well
    if customers.count(customers.CustomerQuery()) == 0:
        from shopcrm.ui.shell.tasks import run_task

        ok, result = run_task(parent, QCoreApplication.translate("FirstRun", "Preparing demo data…"), _fill_demo)
        if not ok:
            raise result
    return path


# --- the welcome dialog --------------------------------------------------------------------------


class FirstRunDialog(QDialog):
    """Welcome: language, shop name, optional owner PIN, then one of three starts."""

    language_changed = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("firstRunDialog")
        self.choice: str | None = None
        from shopcrm.ui.shell import icons

        self.setWindowIcon(icons.app_icon())
        logo = QLabel(objectName="firstRunLogo")
        logo.setPixmap(icons.app_icon().pixmap(64, 64))
        self.heading = QLabel(objectName="firstRunHeading")
        font = self.heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        self.heading.setFont(font)
        self.intro = QLabel(objectName="firstRunIntro")
        self.intro.setWordWrap(True)
        head_text = QVBoxLayout()
        head_text.addWidget(self.heading)
        head_text.addWidget(self.intro)
        head = QHBoxLayout()
        head.addWidget(logo, 0, Qt.AlignmentFlag.AlignTop)
        head.addLayout(head_text, 1)

        from shopcrm.ui.shell.i18n import LANGUAGES

        self.language = QComboBox(objectName="languageCombo")
        for code, label in LANGUAGES.items():
            self.language.addItem(label, code)
        current = str(QSettings().value("language", "zh_CN"))
        self.language.setCurrentIndex(max(0, self.language.findData(current)))
        self.language.currentIndexChanged.connect(self._language_chosen)
        self.shop_name = QLineEdit(objectName="shopNameEdit")
        self.shop_name.setMaxLength(60)
        self.shop_name.setText(settings.shop_name())
        self.pin_button = QPushButton(objectName="setPinButton")
        self.pin_button.clicked.connect(self.set_pin)
        self.pin_state = QLabel(objectName="pinState")
        self.pin_state.setWordWrap(True)
        pin_row = QHBoxLayout()
        pin_row.addWidget(self.pin_button)
        pin_row.addWidget(self.pin_state, 1)

        self.form = QFormLayout()
        self.language_label = QLabel()
        self.shop_label = QLabel()
        self.pin_label = QLabel()
        self.form.addRow(self.language_label, self.language)
        self.form.addRow(self.shop_label, self.shop_name)
        self.form.addRow(self.pin_label, pin_row)

        self.start_label = QLabel(objectName="startHeading")
        bold = self.start_label.font()
        bold.setBold(True)
        self.start_label.setFont(bold)
        self.import_button = QCommandLinkButton(objectName="importButton")
        self.demo_button = QCommandLinkButton(objectName="demoButton")
        self.empty_button = QCommandLinkButton(objectName="emptyButton")
        self.server_button = QCommandLinkButton(objectName="serverButton")
        for button, choice, icon_name in (
            (self.import_button, IMPORT, "import"),
            (self.demo_button, DEMO, "demo"),
            (self.empty_button, EMPTY, "customer-new"),
            (self.server_button, SERVER, "database"),
        ):
            button.setIcon(icons.icon(icon_name))
            button.clicked.connect(lambda _=False, c=choice: self.choose(c))

        lay = QVBoxLayout(self)
        lay.addLayout(head)
        lay.addSpacing(6)
        lay.addLayout(self.form)
        lay.addSpacing(6)
        lay.addWidget(self.start_label)
        lay.addWidget(self.import_button)
        lay.addWidget(self.demo_button)
        lay.addWidget(self.empty_button)
        lay.addWidget(self.server_button)
        self.retranslate()
        self.resize(560, self.sizeHint().height())
        forms.settle(self, first=self.shop_name)

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Welcome to ShopCRM"))
        self.heading.setText(self.tr("Welcome to ShopCRM"))
        self.intro.setText(
            self.tr(
                "Member archive, birthdays and holidays, complaints and analysis for "
                "your shop. Two questions, then choose how to start — everything can "
                "be changed later."
            )
        )
        self.language_label.setText(self.tr("Language"))
        self.language.setToolTip(
            self.tr("The language of ShopCRM's windows. Can be changed later under View → Language.")
        )
        self.shop_label.setText(self.tr("Shop name"))
        self.shop_name.setPlaceholderText(self.tr("e.g. Zhang's Fruit Shop"))
        self.shop_name.setToolTip(
            self.tr("Shown in the window title. You can leave it empty and change it later under Tools → Shop name.")
        )
        self.pin_label.setText(self.tr("Owner PIN"))
        self.pin_button.setText(self.tr("Set an owner PIN…"))
        self.pin_button.setToolTip(
            self.tr(
                "Optional. With an owner PIN, ShopCRM starts in clerk mode: mobile numbers are masked and "
                "export, import, adjustments and restore need the PIN. Without a PIN everyone is owner."
            )
        )
        self._show_pin_state()
        self.start_label.setText(self.tr("How do you want to start?"))
        self.import_button.setText(self.tr("Import my member spreadsheet"))
        self.import_button.setDescription(
            self.tr("Bring in members from Excel, WPS or CSV. Every row is checked before anything is saved.")
        )
        self.demo_button.setText(self.tr("Try with demo data"))
        self.demo_button.setDescription(
            self.tr(
                "1,000 made-up customers in a separate demo database. Your real data stays empty and "
                "untouched; leave the demo any time from the File menu."
            )
        )
        self.empty_button.setText(self.tr("Start empty"))
        self.empty_button.setDescription(self.tr("Add customers one by one as they come in."))
        self.server_button.setText(self.tr("Connect to the shop's server"))
        self.server_button.setDescription(
            self.tr("Another counter or store already works on a PostgreSQL server: use the same shop database.")
        )

    def changeEvent(self, event):  # noqa: N802 (Qt API)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def _show_pin_state(self) -> None:
        if security.has_pin():
            self.pin_state.setText(self.tr("PIN set: from the next start, ShopCRM opens in clerk mode."))
        else:
            self.pin_state.setText(self.tr("Not set (optional)"))

    def _language_chosen(self) -> None:
        from shopcrm.ui.shell import i18n

        code = self.language.currentData()
        QSettings().setValue("language", code)
        i18n.install(QApplication.instance(), code)  # Qt posts LanguageChange to every widget
        self.retranslate()  # this dialog at once
        self.language_changed.emit(code)

    def set_pin(self) -> bool:
        from shopcrm.ui.trust.security_ui import SetPinDialog, ensure_owner

        if not ensure_owner(self, "pin"):
            return False
        ok = SetPinDialog(self).exec() == QDialog.DialogCode.Accepted
        self._show_pin_state()
        return ok

    def choose(self, choice: str) -> None:
        self.choice = choice
        self.accept()

    def shop(self) -> str:
        return self.shop_name.text().strip()


# --- start-up ------------------------------------------------------------------------------------


@dataclass
class Start:
    db_path: DbLocation  # the database that is open now and that the window shows (file or server)
    choice: str | None  # what the welcome chose; None when it was not shown, "" when closed


def choose_start(
    real_path: DbLocation, *, choice: str | None = None, shop_name: str = "", parent=None, connect=None
) -> Start:
    """Called with the real database open. Shows the welcome when due (or takes ``choice``
    without asking, for the packaged-build smoke test) and opens the database to show.
    ``connect(parent)`` asks for a server and opens it (default: the open-database dialog on
    its server page); it returns the location or None when the user cancelled."""
    real_path = real_db_path(real_path)
    if not welcome_due():
        if settings.get(START_IN_DEMO) and demo_db_path(real_path).exists():
            try:
                return Start(open_demo(real_path, parent=parent), None)
            except Exception as exc:
                log.warning("cannot open the demo database beside %s", real_path, exc_info=True)
                open_database(real_path)
                QMessageBox.warning(parent, QCoreApplication.translate("FirstRun", "Demo data"), str(exc))
        return Start(real_path, None)
    if choice is None:
        dlg = FirstRunDialog(parent)
        dlg.exec()
        choice, shop_name = dlg.choice or "", dlg.shop()
        dlg.deleteLater()
    if choice not in CHOICES:
        return Start(real_path, "")  # closed: greeted again next time
    if choice == SERVER:
        server = (connect or connect_to_server)(parent, real_path)
        if server is None:
            return Start(real_path, "")  # cancelled: greeted again next time
        if shop_name and not settings.shop_name():  # a new shop on the server
            settings.put(settings.SHOP_NAME, shop_name)
        return Start(server, SERVER)
    if shop_name:
        settings.put(settings.SHOP_NAME, shop_name)
    settings.put(FIRST_RUN_DONE, True)
    security.mark_pin_offered()  # the welcome offered it
    if choice == DEMO:
        settings.put(START_IN_DEMO, True)
        try:
            return Start(open_demo(real_path, shop_name, parent), DEMO)
        except Exception as exc:
            log.warning("cannot create the demo database beside %s", real_path, exc_info=True)
            settings.put(START_IN_DEMO, False)
            QMessageBox.warning(parent, QCoreApplication.translate("FirstRun", "Demo data"), str(exc))
            return Start(real_path, EMPTY)
    return Start(real_path, choice)


def connect_to_server(parent, real_path: DbLocation) -> DbLocation | None:
    """The open-database dialog on its server page; the server's database is open when it
    returns its location (None: cancelled, ``real_path`` is open as before)."""
    from shopcrm.store.db import DatabaseOpenError
    from shopcrm.ui.open_database import OpenDatabaseDialog

    def opener(location: DbLocation) -> str | None:
        try:
            open_database(location)
        except (DatabaseOpenError, DbLocationError) as exc:
            open_database(real_path)
            return str(exc)
        return None

    dlg = OpenDatabaseDialog(parent, None, opener=opener, server=True)
    accepted = dlg.exec() == QDialog.DialogCode.Accepted
    location = dlg.location if accepted else None
    dlg.deleteLater()
    return location


def open_import(window) -> bool:
    """Open the import wizard (issue #3) over the main window, without blocking. False when this
    build has no wizard (the user is told what to do instead)."""
    try:
        mod = importlib.import_module("shopcrm.ui.excel.import_wizard")
    except ModuleNotFoundError as exc:
        if exc.name != "shopcrm.ui.excel.import_wizard":
            raise
        QMessageBox.information(
            window,
            QCoreApplication.translate("FirstRun", "Import"),
            QCoreApplication.translate(
                "FirstRun",
                "The import wizard is not part of this version. Use "
                "“shopcrm-cli import FILE” or add customers by hand.",
            ),
        )
        return False
    wizard = mod.open_import_wizard(window)  # wired to window.data_changed; asks for the PIN
    if wizard is None:  # clerk mode and no PIN given
        return False
    wizard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    wizard.open()
    AppContext.of(window).import_wizard = wizard
    return True


class DemoController:
    """The window's side of demo mode: title prefix, status-bar badge, File-menu switch."""

    def __init__(self, window, real_path: DbLocation):
        self.window = window
        self.real_path = real_db_path(real_path)
        self.badge = QLabel(objectName="demoBadge")
        self.badge.setStyleSheet(DEMO_BADGE_STYLE)
        window.statusBar().insertPermanentWidget(0, self.badge)
        self.try_action = QAction(window, objectName="tryDemoAction")
        self.try_action.triggered.connect(self.enter_demo)
        self.leave_action = QAction(window, objectName="leaveDemoAction")
        self.leave_action.triggered.connect(self.leave_demo)
        ctx = AppContext.of(window)
        menu = ctx.file_menu
        if menu is not None:
            first = menu.actions()[0] if menu.actions() else None
            menu.insertAction(first, self.try_action)
            menu.insertAction(first, self.leave_action)
        self.shop_action = QAction(window, objectName="shopNameAction")
        self.shop_action.triggered.connect(self.edit_shop_name)
        tools = ctx.tools_menu
        if tools is not None:
            tools.addSeparator()
            tools.addAction(self.shop_action)
        window.windowTitleChanged.connect(self._title_changed)
        window.data_changed.connect(self.update)
        self.update()

    def update(self) -> None:
        demo = is_demo()
        self.badge.setText(QCoreApplication.translate("FirstRun", "DEMO DATA — not your real customers"))
        self.badge.setToolTip(
            QCoreApplication.translate("FirstRun", "Made-up customers in %1. Your real data is in %2.")
            .replace("%1", self.window.shown_location())
            .replace("%2", self.real_path.display if isinstance(self.real_path, PgUrl) else str(self.real_path))
        )
        self.badge.setVisible(demo)
        self.try_action.setText(QCoreApplication.translate("FirstRun", "Try with demo data"))
        self.leave_action.setText(QCoreApplication.translate("FirstRun", "Leave demo data (back to my real data)"))
        self.shop_action.setText(QCoreApplication.translate("FirstRun", "Shop name…"))
        self.shop_action.setToolTip(QCoreApplication.translate("FirstRun", "The name shown in the window title"))
        self.try_action.setVisible(not demo)
        self.leave_action.setVisible(demo)
        self._title_changed(self.window.windowTitle())

    def _title_changed(self, title: str) -> None:
        prefix = QCoreApplication.translate("FirstRun", "[DEMO DATA]")
        if is_demo() and not title.startswith(prefix):
            self.window.setWindowTitle(f"{prefix} {title}")

    def edit_shop_name(self, name: str | None = None) -> bool:
        """Ask for (or take) a new shop name; owner only, like every setting."""
        from PySide6.QtWidgets import QInputDialog

        from shopcrm.ui.trust.security_ui import ensure_owner

        if not ensure_owner(self.window, "settings"):
            return False
        if name is None:
            name, ok = QInputDialog.getText(
                self.window,
                QCoreApplication.translate("FirstRun", "Shop name"),
                QCoreApplication.translate("FirstRun", "Shop name (shown in the window title):"),
                text=settings.shop_name(),
            )
            if not ok:
                return False
        settings.put(settings.SHOP_NAME, name.strip()[:60])
        self.window.data_changed.emit()
        return True

    def enter_demo(self) -> bool:
        settings.put(START_IN_DEMO, True)
        shop = settings.shop_name()
        try:
            path = open_demo(self.real_path, shop, self.window)
        except Exception as exc:
            log.warning("cannot open the demo database beside %s", self.real_path, exc_info=True)
            open_database(self.window.location)
            settings.put(START_IN_DEMO, False)
            QMessageBox.warning(self.window, QCoreApplication.translate("FirstRun", "Demo data"), str(exc))
            return False
        ok = self.window.switch_database(path)
        security.invalidate_cache()  # the mode indicator follows the database now open
        return ok

    def leave_demo(self) -> bool:
        if not self.window.switch_database(self.real_path):
            return False
        security.invalidate_cache()
        settings.put(START_IN_DEMO, False)
        self.update()
        return True


def install(window, real_path: DbLocation | None = None) -> DemoController:
    controller = DemoController(window, real_path or window.location)
    AppContext.of(window).demo = controller
    return controller
