"""文件 → 打开数据库: an SQLite file on this computer, or a shop database on a PostgreSQL server
(several counters and stores, issue #18).

The server choice asks for host, port, database, user, password and SSL mode. The password goes
to the system keyring (the store's keyring service) when 记住密码 is ticked, otherwise it lives
in memory for this session only; it is never written to a settings file. The dialog connects
before it closes: a server that cannot be reached or a database that is not ShopCRM's is said in
the dialog, with everything typed still there.

The last server location (without its password) is remembered in QSettings
(``database/location``): the next start connects there again unless ``--db`` / SHOPCRM_DB says
otherwise. Opening a file forgets it (the next start opens the usual file).
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from shopcrm.core.paths import DbLocation, DbLocationError, PgUrl, parse_db_location
from shopcrm.store.engine import forget_password, remember_password
from shopcrm.ui.shell import forms

SAVED_LOCATION = "database/location"  # QSettings: the last server URL (never with a password)
SSL_MODES = ("prefer", "require", "verify-ca", "verify-full", "disable")
DEFAULT_PORT = 5432


def server_url(host: str, port: int, database: str, user: str, password: str = "", sslmode: str = "") -> PgUrl:
    """The ``postgresql://`` URL of these fields (user and password percent-encoded)."""
    auth = quote(user, safe="")
    if password:
        auth += ":" + quote(password, safe="")
    netloc = f"{auth}@" if auth else ""
    host_part = f"[{host}]" if ":" in host else host
    url = f"postgresql://{netloc}{host_part}:{int(port)}/{quote(database, safe='')}"
    if sslmode:
        url += f"?sslmode={sslmode}"
    return PgUrl(url)


def without_password(url: str) -> PgUrl:
    parts = urlsplit(url)
    if parts.password is None:
        return PgUrl(url)
    user = parts.netloc.rsplit("@", 1)[0].split(":", 1)[0]
    return PgUrl(parts._replace(netloc=f"{user}@{parts.netloc.rsplit('@', 1)[1]}").geturl())


def saved_location() -> PgUrl | None:
    """The server the app connected to last (None: the usual file)."""
    value = QSettings().value(SAVED_LOCATION, "")
    if not value:
        return None
    try:
        found = parse_db_location(str(value))
    except DbLocationError:
        return None
    return found if isinstance(found, PgUrl) else None


def remember_location(location: DbLocation) -> None:
    """A server location (its password dropped) for the next start; a file forgets it."""
    s = QSettings()
    if isinstance(location, PgUrl):
        s.setValue(SAVED_LOCATION, str(without_password(location)))
    else:
        s.remove(SAVED_LOCATION)


class OpenDatabaseDialog(QDialog):
    """File or server. ``opener(location)`` opens it (the window's ``switch_database`` without
    its message box): it returns None on success or the reason it failed, shown in the dialog."""

    def __init__(self, parent=None, current: DbLocation | None = None, opener=None, *, server: bool = False):
        super().__init__(parent)
        self.setObjectName("openDatabaseDialog")
        self.setWindowTitle(self.tr("Open database"))
        self.opener = opener
        self.location: DbLocation | None = None

        self.file_choice = QRadioButton(self.tr("&File on this computer (SQLite)"), objectName="fileChoice")
        self.server_choice = QRadioButton(self.tr("&Server (PostgreSQL)"), objectName="serverChoice")
        group = QButtonGroup(self)
        group.addButton(self.file_choice)
        group.addButton(self.server_choice)
        choices = QHBoxLayout()
        choices.addWidget(self.file_choice)
        choices.addWidget(self.server_choice)
        choices.addStretch(1)

        # --- file page
        self.file_page = QWidget(objectName="filePage")
        self.path_edit = QLineEdit(objectName="pathEdit")
        self.path_edit.setPlaceholderText(self.tr("e.g. D:\\ShopCRM\\shopcrm.db"))
        browse = QPushButton(self.tr("&Browse…"), objectName="browseButton")
        browse.clicked.connect(self.browse)
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(browse)
        file_form = QFormLayout(self.file_page)
        file_form.setContentsMargins(0, 0, 0, 0)
        file_form.addRow(self.tr("Database file"), row)
        hint = QLabel(self.tr("One computer, one till. The file is created if it does not exist yet."))
        hint.setWordWrap(True)
        hint.setStyleSheet("color: palette(mid);")
        file_form.addRow(hint)

        # --- server page
        self.server_page = QWidget(objectName="serverPage")
        self.host_edit = QLineEdit(objectName="hostEdit")
        self.host_edit.setPlaceholderText(self.tr("e.g. 192.168.1.10 or shop-server"))
        self.port_edit = QSpinBox(objectName="portEdit")
        self.port_edit.setRange(1, 65535)
        self.port_edit.setValue(DEFAULT_PORT)
        self.db_edit = QLineEdit(objectName="databaseEdit")
        self.db_edit.setText("shopcrm")
        self.user_edit = QLineEdit(objectName="userEdit")
        self.password_edit = QLineEdit(objectName="passwordEdit")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.remember_check = QCheckBox(
            self.tr("&Remember password (in the system keyring)"), objectName="rememberCheck"
        )
        self.remember_check.setToolTip(
            self.tr(
                "Kept by Windows Credential Manager / the macOS Keychain / the desktop keyring, never in "
                "ShopCRM's settings. Unticked: the password is asked for again at the next start."
            )
        )
        self.ssl_combo = QComboBox(objectName="sslCombo")
        labels = {
            "prefer": self.tr("prefer (encrypt if the server offers it)"),
            "require": self.tr("require (always encrypted)"),
            "verify-ca": self.tr("verify-ca (encrypted, certificate checked)"),
            "verify-full": self.tr("verify-full (encrypted, certificate and name checked)"),
            "disable": self.tr("disable (never encrypted)"),
        }
        for mode in SSL_MODES:
            self.ssl_combo.addItem(labels[mode], mode)
        server_form = QFormLayout(self.server_page)
        server_form.setContentsMargins(0, 0, 0, 0)
        host_row = QHBoxLayout()
        host_row.addWidget(self.host_edit, 1)
        host_row.addWidget(QLabel(self.tr("Port")))
        host_row.addWidget(self.port_edit)
        server_form.addRow(self.tr("Server"), host_row)
        server_form.addRow(self.tr("Database"), self.db_edit)
        server_form.addRow(self.tr("User"), self.user_edit)
        server_form.addRow(self.tr("Password"), self.password_edit)
        server_form.addRow("", self.remember_check)
        server_form.addRow(self.tr("SSL"), self.ssl_combo)
        server_hint = QLabel(
            self.tr(
                "Several counters or stores share one shop database on a PostgreSQL server. "
                "Use an empty database for a new shop: ShopCRM creates its tables."
            )
        )
        server_hint.setWordWrap(True)
        server_hint.setStyleSheet("color: palette(mid);")
        server_form.addRow(server_hint)

        self.pages = QStackedWidget(objectName="locationPages")
        self.pages.addWidget(self.file_page)
        self.pages.addWidget(self.server_page)
        self.error = QLabel(objectName="openError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet(forms.ERROR_STYLE)
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error.setVisible(False)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, objectName="openButtons"
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("&Open"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        lay = QVBoxLayout(self)
        lay.addLayout(choices)
        lay.addWidget(self.pages)
        lay.addWidget(self.error)
        lay.addWidget(self.buttons)

        self.file_choice.toggled.connect(self._choice_changed)
        self._fill(current, server)
        self.setMinimumWidth(520)
        self.resize(560, self.sizeHint().height())
        forms.settle(self)
        self._focus_first()

    # --- fields ----------------------------------------------------------------------------------
    def _fill(self, current: DbLocation | None, server: bool) -> None:
        if isinstance(current, PgUrl):
            parts = urlsplit(current)
            self.host_edit.setText(parts.hostname or "")
            self.port_edit.setValue(parts.port or DEFAULT_PORT)
            self.db_edit.setText(parts.path.lstrip("/"))
            self.user_edit.setText(parts.username or "")
            mode = parse_qs(parts.query).get("sslmode", ["prefer"])[0]
            self.ssl_combo.setCurrentIndex(max(0, self.ssl_combo.findData(mode)))
            server = True
        elif current is not None:
            self.path_edit.setText(str(current))
        (self.server_choice if server else self.file_choice).setChecked(True)
        self._choice_changed()

    def _choice_changed(self) -> None:
        self.pages.setCurrentWidget(self.server_page if self.server_choice.isChecked() else self.file_page)
        self.error.setVisible(False)
        self._focus_first()

    def _focus_first(self) -> None:
        if self.server_choice.isChecked():
            first = self.host_edit
            if self.host_edit.text() and self.user_edit.text():
                first = self.password_edit
            first.setFocus()
        else:
            self.path_edit.setFocus()

    def showEvent(self, event):  # noqa: N802 (Qt API)
        super().showEvent(event)
        self._focus_first()

    def browse(self) -> None:
        start = self.path_edit.text().strip()
        path, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("Open database"),
            str(Path(start).parent) if start else "",
            self.tr("ShopCRM database (*.db *.sqlite);;All files (*)"),
        )
        if path:
            self.path_edit.setText(path)

    def chosen(self) -> tuple[DbLocation | None, str | None]:
        """The location the fields name (a server URL carries the password typed, for this
        session), or (None, what is missing)."""
        if self.file_choice.isChecked():
            text = self.path_edit.text().strip()
            if not text:
                return None, self.tr("Please choose a database file.")
            try:
                return parse_db_location(text), None  # a postgresql:// URL pasted here is taken too
            except DbLocationError as exc:
                return None, str(exc)
        host, db, user = self.host_edit.text().strip(), self.db_edit.text().strip(), self.user_edit.text().strip()
        missing = [
            label
            for label, value in ((self.tr("server"), host), (self.tr("database"), db), (self.tr("user"), user))
            if not value
        ]
        if missing:
            return None, self.tr("Please fill in: %1").replace("%1", ", ".join(missing))
        return server_url(
            host, self.port_edit.value(), db, user, self.password_edit.text(), self.ssl_combo.currentData()
        ), None

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(True)

    def accept(self) -> None:
        location, problem = self.chosen()
        if location is None:
            self.show_error(problem or "")
            return
        if self.opener is not None:
            problem = self.opener(location)
            if problem:
                self.show_error(problem)  # everything typed stays; correct and press Open again
                return
        self.location = location
        if isinstance(location, PgUrl):
            self._keep_password(location)
        remember_location(location)
        super().accept()

    def _keep_password(self, url: PgUrl) -> None:
        if url.password is None:
            return
        if self.remember_check.isChecked():
            problem = remember_password(url, self.password_edit.text())
            if problem:
                from PySide6.QtWidgets import QMessageBox

                QMessageBox.warning(
                    self,
                    self.tr("Password not remembered"),
                    self.tr(
                        "The system keyring could not keep the password (%1). It is used for this session "
                        "only; at the next start ShopCRM asks for it again."
                    ).replace("%1", problem),
                )
        else:
            forget_password(url)
