"""Backups in the GUI: “Backup now”, the list with dates, customer counts and check status,
“Restore…”, the folder and rotation settings, and the start-up recovery offer. The work is
shopcrm.backup's.

A backup is copied while the user waits (a progress dialog for a moment) and sealed — fsync,
``integrity_check``, rename — in a background thread afterwards (see shopcrm.backup). The list
shows such a backup as 校验中… until then; :class:`SealNotifier` brings the result to the GUI
thread, where the dialog updates its list and the window's status bar says it (a failed check
also in a message)."""

from __future__ import annotations

import contextlib
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from shopcrm import backup
from shopcrm.core.errors import Cancelled
from shopcrm.trust import audit
from shopcrm.ui.shell import forms
from shopcrm.ui.shell.context import AppContext
from shopcrm.ui.shell.tasks import Job, run_task
from shopcrm.ui.trust.security_ui import ensure_owner


class SealNotifier(QObject):
    """Hears shopcrm.backup's seal events (in the sealing thread) and re-emits them as a Qt
    signal, delivered in the GUI thread. One per application: :func:`notifier`."""

    sealed = Signal(object)  # backup.SealEvent

    def __init__(self):
        super().__init__()
        backup.add_listener(self._heard)

    def _heard(self, event) -> None:
        try:
            self.sealed.emit(event)
        except RuntimeError:  # the application is gone (exit)
            backup.remove_listener(self._heard)


_notifier: SealNotifier | None = None


def notifier() -> SealNotifier:
    """The application's SealNotifier (created in the GUI thread on first use)."""
    global _notifier
    if _notifier is None:
        _notifier = SealNotifier()
    return _notifier


class SealMonitor(QObject):
    """Tells the user in the main window how each backup's background work ended: the status
    bar for every result; a failed check (the copy kept aside), or a failure after the copy was
    on disk, also in a message box (a failure before that was raised to the operation or the
    dialog that waited for the backup, which says so itself)."""

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.last = None  # the last SealEvent shown
        notifier().sealed.connect(self._show)

    def _show(self, event) -> None:
        if event.state == "interrupted" or not self.window.isVisible():  # app exit: checked at the next start
            return
        self.last = event
        self.window.statusBar().showMessage(event.message, 10_000 if event.ok else 60_000)
        if event.unreported:
            box = QMessageBox(
                QMessageBox.Icon.Warning,
                self.tr("Backup check failed"),
                event.message,
                QMessageBox.StandardButton.Ok,
                self.window,
            )
            box.setObjectName("backupCheckFailedBox")
            box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            box.open()


def _size(n: int) -> str:
    return f"{n / 1_048_576:.1f} MB" if n >= 1_048_576 else f"{max(1, n // 1024)} KB"


class BackupDialog(QDialog):
    """The backup centre: list of backups, Backup now, Restore…, folder and rotation."""

    COLUMNS = ("created", "kind", "customers", "size", "status", "version")

    def __init__(self, window=None):
        super().__init__(window)
        self.window = window
        self.setObjectName("backupDialog")
        self.setWindowTitle(self.tr("Backup and restore"))

        self.folder_label = QLabel(objectName="backupFolderLabel")
        self.folder_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.folder_label.setWordWrap(True)
        self.choose_button = QPushButton(self.tr("Change folder…"), objectName="chooseFolderButton")
        self.open_folder_button = QPushButton(self.tr("Open folder"), objectName="openFolderButton")
        self.keep_daily = QSpinBox(objectName="keepDailySpin")
        self.keep_before = QSpinBox(objectName="keepBeforeSpin")
        self.keep_manual = QSpinBox(objectName="keepManualSpin")
        for spin in (self.keep_daily, self.keep_before, self.keep_manual):
            spin.setRange(1, 999)
        self.save_settings_button = QPushButton(self.tr("Save settings"), objectName="saveBackupSettingsButton")

        settings_box = QGroupBox(self.tr("Where and how many"))
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Folder:")))
        top.addWidget(self.folder_label, 1)
        top.addWidget(self.choose_button)
        top.addWidget(self.open_folder_button)
        keep = QHBoxLayout()
        keep.addWidget(QLabel(self.tr("Keep daily:")))
        keep.addWidget(self.keep_daily)
        keep.addWidget(QLabel(self.tr("before operations:")))
        keep.addWidget(self.keep_before)
        keep.addWidget(QLabel(self.tr("manual:")))
        keep.addWidget(self.keep_manual)
        keep.addStretch(1)
        keep.addWidget(self.save_settings_button)
        box_lay = QVBoxLayout(settings_box)
        box_lay.addLayout(top)
        box_lay.addLayout(keep)

        self.table = QTableWidget(0, len(self.COLUMNS), objectName="backupTable")
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("Date"),
                self.tr("Kind"),
                self.tr("Customers"),
                self.tr("Size"),
                self.tr("Check"),
                self.tr("Schema version"),
            ]
        )
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)

        self.note = QLabel(
            self.tr(
                "A backup is made automatically once a day at start-up and right before every import, "
                "restore, purge and upgrade, and every backup gets a full integrity check in the "
                "background. Restoring first backs up the current data."
            ),
            objectName="backupNote",
        )
        self.note.setWordWrap(True)
        self.status = QLabel(objectName="backupStatus")
        self.status.setWordWrap(True)

        self.backup_button = QPushButton(self.tr("Backup now"), objectName="backupNowButton")
        self.restore_button = QPushButton(self.tr("Restore…"), objectName="restoreButton")
        self.restore_file_button = QPushButton(self.tr("Restore from file…"), objectName="restoreFileButton")
        # PostgreSQL: a dump restored into a new database on the same server, the open one untouched
        self.restore_new_button = QPushButton(
            self.tr("Restore into a new database…"), objectName="restoreNewDatabaseButton"
        )
        self.restore_new_button.setVisible(backup.server_database_name() is not None)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("Close"))
        close.rejected.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.backup_button)
        buttons.addWidget(self.restore_button)
        buttons.addWidget(self.restore_file_button)
        buttons.addWidget(self.restore_new_button)
        buttons.addStretch(1)
        buttons.addWidget(close)

        lay = QVBoxLayout(self)
        lay.addWidget(settings_box)
        lay.addWidget(self.table, 1)
        lay.addWidget(self.note)
        lay.addWidget(self.status)
        lay.addLayout(buttons)

        self.backup_button.clicked.connect(self.backup_now)
        self.restore_button.clicked.connect(self.restore_selected)
        self.restore_file_button.clicked.connect(self.restore_from_file)
        self.restore_new_button.clicked.connect(lambda: self.restore_into_new_database())
        self.choose_button.clicked.connect(self.choose_folder)
        self.open_folder_button.clicked.connect(self.open_folder)
        self.save_settings_button.clicked.connect(self.save_settings)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.watching = None  # the path of the backup whose check this dialog reports
        # a restore is running: the database may be closed meanwhile (PostgreSQL: dropped and
        # created again), so events wait for the reload that follows it
        self.restoring = False
        self.saved_text = ""
        notifier().sealed.connect(self._on_sealed)
        self.resize(820, 480)
        self.reload()

        # --- data ------------------------------------------------------------------------------------
        forms.settle(self)  # a settings panel of buttons: Qt's first control is right

    def reload(self, select: Path | None = None) -> None:
        """Refresh the list; keep the selected backup selected (or select ``select``)."""
        s = backup.get_settings()
        self.folder = s.folder
        self.folder_label.setText(str(s.folder))
        self.keep_daily.setValue(s.keep_daily)
        self.keep_before.setValue(s.keep_before)
        self.keep_manual.setValue(s.keep_manual)
        chosen = select or (info.path if (info := self.selected()) is not None else None)
        self.backups = backup.list_backups(s.folder)
        self.table.setRowCount(len(self.backups))
        for row, info in enumerate(self.backups):
            count = self.tr("unreadable") if info.customers is None else f"{info.customers:,}"
            kind = info.kind_text
            if info.identity is not None and not info.is_of_open_database():
                # the demo's, another shop's, or older than database ids: restoring asks for
                # the shop's name
                kind = self.tr("%1 (other database)").replace("%1", kind)
            version = "?" if info.schema_version is None else str(info.schema_version)
            values = (f"{info.created:%Y-%m-%d %H:%M}", kind, count, _size(info.size), info.status_text, version)
            for col, text in enumerate(values):
                item = QTableWidgetItem(text)
                if col in (2, 3, 5):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                item.setToolTip(str(info.file))
                self.table.setItem(row, col, item)
        paths = [b.path for b in self.backups]
        if chosen is not None and chosen in paths:
            self.table.selectRow(paths.index(chosen))
        elif self.backups:
            self.table.selectRow(0)
        self._update_buttons()

    def selected(self) -> backup.BackupInfo | None:
        if not hasattr(self, "backups"):
            return None
        rows = self.table.selectionModel().selectedRows()
        return self.backups[rows[0].row()] if rows and rows[0].row() < len(self.backups) else None

    def _update_buttons(self) -> None:
        info = self.selected()
        self.restore_button.setEnabled(info is not None and info.readable)
        self.restore_new_button.setEnabled(info is not None and info.readable)

    def _data_changed(self) -> None:
        AppContext.of(self.window).notify_data_changed()

    # --- actions ---------------------------------------------------------------------------------
    def _run(self, title: str, fn, *args):
        return run_task(self, title, fn, *args)

    def backup_now(self) -> Path | None:
        """Copy and fsync while a progress dialog shows; the integrity check follows in the
        background and its result appears in the status line (and the list) when it ends."""
        ok, result = self._run(self.tr("Backing up…"), _backup_task)
        if not ok:
            if not isinstance(result, Cancelled):
                QMessageBox.critical(self, self.tr("Backup failed"), str(result))
            return None
        self._watch(result)
        return result.path

    def _watch(self, pending, saved_text: str | None = None) -> None:
        """Report ``pending``'s check in the status line: now if it ended already (its signal may
        have been delivered while the progress dialog ran), else when it ends."""
        self.watching = pending.path
        self.saved_text = (saved_text or self.tr("Backup saved: %1.")).replace("%1", pending.name)
        # read before the list: a check that ends during the reload sends its event, which
        # reloads again; one that ended before it is in the list as it will stay
        ended = pending.ended
        self.reload(select=pending.path)
        if ended:  # its event may have come (and gone by) while the progress dialog ran
            self._show_result(pending.state, str(pending.error or ""))
        else:
            self.status.setText(self.tr("%1 Checking its integrity in the background…").replace("%1", self.saved_text))

    def _on_sealed(self, event) -> None:
        if not self.isVisible() or self.restoring:  # closed, or being replaced: reloaded later
            return
        try:
            self.reload()
        except backup.BackupError:
            return
        if event.path == self.watching:
            self._show_result(event.state, event.message)

    def _show_result(self, state: str, message: str) -> None:
        if state == "sealed":
            self.status.setText(self.tr("%1 It passed its integrity check.").replace("%1", self.saved_text))
        elif state != "interrupted":
            self.status.setText(self.tr("%1 %2").replace("%1", self.saved_text).replace("%2", message))

    def restore_selected(self) -> bool:
        info = self.selected()
        return info is not None and self.restore(info.path)

    def restore_from_file(self) -> bool:
        path, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("Restore from file"),
            str(self.folder),
            self.tr("ShopCRM backup (*.db *.pgdump);;All files (*)"),
        )
        return bool(path) and self.restore(Path(path))

    def restore(self, path: Path, *, confirm: bool = True) -> bool:
        if not ensure_owner(self, "restore"):
            return False
        info = backup.describe(path)
        confirm_name = None
        if info.identity is not None and not info.is_of_open_database():
            # another database's backup: the owner types the shop's name (or nothing happens)
            dlg = ConfirmNameDialog(self, info.identity)
            self.confirm_dialog = dlg
            if dlg.exec() != QDialog.DialogCode.Accepted:
                return False
            confirm_name, confirm = dlg.typed(), False
        if confirm:
            count = "?" if info.customers is None else f"{info.customers:,}"
            text = (
                self.tr(
                    "Replace all current data with the backup of %1 (%2 customers)?\n"
                    "The current data is backed up first."
                )
                .replace("%1", f"{info.created:%Y-%m-%d %H:%M}")
                .replace("%2", count)
            )
            server_database = backup.server_database_name()
            if server_database:
                text += "\n" + self.tr(
                    "The PostgreSQL database “%1” is dropped and created again: every other counter "
                    "is disconnected until the restore ends."
                ).replace("%1", server_database)
            if not info.verified:
                text += "\n" + self.tr(
                    "This backup has not passed its integrity check yet; it is checked first, which can take a while."
                )
            box = QMessageBox(
                QMessageBox.Icon.Warning,
                self.tr("Restore"),
                text,
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
                self,
            )
            box.setObjectName("restoreConfirmBox")
            box.button(QMessageBox.StandardButton.Yes).setText(self.tr("Restore"))
            box.button(QMessageBox.StandardButton.Cancel).setText(self.tr("Cancel"))
            box.setDefaultButton(QMessageBox.StandardButton.Cancel)
            if box.exec() != QMessageBox.StandardButton.Yes:
                return False
        self.restoring = True
        live = AppContext.of(self).live
        held = live.held(self.tr("Restoring the database from a backup…")) if live else contextlib.nullcontext()
        try:
            with held:  # the window neither reads nor reconnects until the database is back
                ok, result = self._run(self.tr("Restoring…"), _restore_task, path, confirm_name)
        finally:
            self.restoring = False
        if not ok:
            if not isinstance(result, Cancelled):
                QMessageBox.critical(self, self.tr("Restore failed"), str(result))
            return False
        if result is not None:
            self._watch(result, self.tr("Restored. The data from before was saved as %1."))
        else:
            self.reload()
            self.status.setText(self.tr("Restored."))
        self._data_changed()
        return True

    def restore_into_new_database(self, name: str | None = None) -> bool:
        """PostgreSQL: the selected dump into a new database on the same server (asked for by
        name); the open database is not touched. Row counts are compared afterwards."""
        info = self.selected()
        current = backup.server_database_name()
        if info is None or current is None or not ensure_owner(self, "restore"):
            return False
        if name is None:
            suggested = f"{current}_{info.created:%Y%m%d_%H%M}"
            name, ok = QInputDialog.getText(
                self, self.tr("Restore into a new database"), self.tr("Name of the new database:"), text=suggested
            )
            if not ok or not name.strip():
                return False
        name = name.strip()
        ok, result = self._run(self.tr("Restoring…"), _restore_new_task, info.path, name)
        if not ok:
            if not isinstance(result, Cancelled):
                QMessageBox.critical(self, self.tr("Restore failed"), str(result))
            return False
        self.status.setText(
            self.tr(
                "Restored into the new database “%1”; the row counts of its %2 tables match the backup. "
                "Open it with File → Open database."
            )
            .replace("%1", name)
            .replace("%2", str(len(result)))
        )
        return True

    def choose_folder(self) -> None:
        if not ensure_owner(self, "settings"):
            return
        path = QFileDialog.getExistingDirectory(self, self.tr("Backup folder"), str(self.folder))
        if path:
            self.apply_settings(folder=Path(path))

    def save_settings(self) -> None:
        if ensure_owner(self, "settings"):
            self.apply_settings()

    def apply_settings(self, folder: Path | None = None) -> bool:
        try:
            backup.configure(
                folder=folder,
                keep_daily=self.keep_daily.value(),
                keep_before=self.keep_before.value(),
                keep_manual=self.keep_manual.value(),
            )
        except (PermissionError, ValueError, OSError) as exc:
            QMessageBox.warning(self, self.tr("Not saved"), str(exc))
            return False
        self.reload()
        self.status.setText(self.tr("Settings saved."))
        return True

    def open_folder(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.folder)))


def _backup_task(progress=None) -> backup.PendingBackup:
    pending = backup.start_backup("manual", progress=progress)
    # "saved" means on disk: the folder may be a USB stick that is pulled out right after
    pending.wait_durable()
    audit.log("backup", detail=pending.name)
    return pending


def _restore_new_task(path: Path, name: str, progress=None) -> dict[str, int]:
    return backup.restore_into_database(path, backup.sibling_database(name))


def _restore_task(path: Path, confirm_name: str | None = None, progress=None) -> backup.PendingBackup | None:
    return backup.restore(path, progress=progress, confirm_name=confirm_name)


class ConfirmNameDialog(QDialog):
    """Restore of another database's backup (the demo's, another shop's): explains it and asks
    for the shop's name; Restore is enabled only once the name is typed exactly."""

    def __init__(self, parent: QWidget | None, identity: backup.Identity):
        super().__init__(parent)
        self.setObjectName("confirmNameDialog")
        self.setWindowTitle(self.tr("Restore a backup of another database"))
        self.setMinimumWidth(460)
        self.expected = backup.confirm_name()
        try:
            backup.check_identity(identity)
            message = ""
        except backup.ForeignBackup as exc:
            message = str(exc)
        layout = QVBoxLayout(self)
        text = QLabel(message, objectName="confirmNameText")
        text.setWordWrap(True)
        layout.addWidget(text)
        self.edit = QLineEdit(objectName="confirmNameEdit")
        self.edit.setPlaceholderText(self.expected)
        layout.addWidget(self.edit)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText(self.tr("Restore"))
        self.ok.setEnabled(False)
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.edit.textChanged.connect(
            lambda text: self.ok.setEnabled(bool(self.expected) and text.strip() == self.expected)
        )
        self.edit.setFocus()

    def typed(self) -> str:
        return self.edit.text().strip()


def offer_recovery(parent: QWidget | None, check: backup.StartupCheck) -> bool:
    """At start-up, after :func:`shopcrm.backup.startup_check`: tell the user what happened to a
    damaged database and offer the newest good backup. True when a backup was put in place."""
    if check.network_warning:
        QMessageBox.warning(
            parent, QCoreApplication.translate("BackupUi", "Database on a network share"), check.network_warning
        )
    if check.status != "damaged":
        return False
    if check.backup is None:
        QMessageBox.critical(parent, QCoreApplication.translate("BackupUi", "Database damaged"), check.message)
        return False
    box = QMessageBox(
        QMessageBox.Icon.Critical,
        QCoreApplication.translate("BackupUi", "Database damaged"),
        check.message,
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        parent,
    )
    box.setObjectName("recoveryBox")
    box.button(QMessageBox.StandardButton.Yes).setText(QCoreApplication.translate("BackupUi", "Restore the backup"))
    box.button(QMessageBox.StandardButton.No).setText(
        QCoreApplication.translate("BackupUi", "Start with an empty database")
    )
    if box.exec() != QMessageBox.StandardButton.Yes:
        return False
    try:
        backup.restore_into_path(check.backup.path, check.path)
    except backup.BackupError as exc:
        QMessageBox.critical(parent, QCoreApplication.translate("BackupUi", "Restore failed"), str(exc))
        return False
    return True


def startup(parent: QWidget | None, db_path: Path) -> bool:
    """The whole start-up check for app.py: returns False when the app must not open the file
    (a foreign file: the open error will explain). Call before ``open_database``."""
    check = backup.startup_check(db_path)
    if check.status == "refused":
        return False
    offer_recovery(parent, check)
    return True


class DailyBackup(QObject):
    """The start-up backup work in a background thread, so that the window paints at once: copies
    an earlier run left unsealed are sealed (checked), then the daily backup is made (at most once
    a day). ``finished`` comes once the daily copy is on disk; its check goes on in the background
    and the window's SealMonitor reports it."""

    finished = Signal(bool, str)

    def __init__(self, window=None):
        super().__init__(window)
        self.window = window
        self.job: Job | None = None
        self.result: backup.PendingBackup | None = None
        self.resumed: list[backup.PendingBackup] = []
        self.check_job: Job | None = None
        self.finished.connect(self._show)

    def start(self) -> bool:
        db_path = backup.current_db_path()
        if db_path is None:
            return False
        try:
            settings = backup.get_settings(db_path)  # read here: the thread never uses peewee
        except backup.BackupError:
            return False
        # the copy on disk is checked again at the next start: quitting does not wait for it
        self.job = Job(self._run, db_path, settings, name="daily-backup", progress=False, wait_on_quit=False)
        self.job.start(
            success=lambda name: self.finished.emit(True, name),
            failure=lambda exc: self.finished.emit(False, str(exc) or type(exc).__name__),
            owner=self,
        )  # reported in the status line, never fatal
        return True

    def _run(self, db_path: Path, settings) -> str:
        """In the worker thread."""
        self.resumed = backup.resume_unsealed(settings.folder, db_path=db_path, settings=settings)
        self.result = backup.daily_backup_if_due(db_path=db_path, settings=settings)
        if self.result is not None:
            self.result.wait_durable()
        return self.result.name if self.result is not None else ""

    def _show(self, ok: bool, text: str) -> None:
        ctx = AppContext.of(self.window)
        if not ok:
            ctx.status(text, 30_000)
        elif text:
            ctx.status(
                QCoreApplication.translate("BackupUi", "Daily backup saved, checking it in the background: %1").replace(
                    "%1", text
                ),
                10_000,
            )
        if ok:
            self._follow_checks()

    def _follow_checks(self) -> None:
        """The checks of the copies (resumed ones and today's) run at low priority in their own
        threads; a background job follows them and shows their progress in the status bar."""
        pendings = [p for p in [*self.resumed, self.result] if p is not None and not p.done]
        if not pendings:
            return
        self.check_job = Job(backup.follow_checks, pendings, name="backup-check-progress", wait_on_quit=False)
        self.check_job.progressed.connect(self._check_progress)
        self.check_job.start(success=lambda _states: None, failure=lambda _exc: None, owner=self)

    def _check_progress(self, done: int, total: int) -> None:
        if total and done < total and self.window is not None and self.window.isVisible():
            percent = str(done * 100 // total)
            AppContext.of(self.window).status(
                QCoreApplication.translate("BackupUi", "Checking the backup in the background: %1%").replace(
                    "%1", percent
                ),
                30_000,
            )


def daily_backup(window=None) -> DailyBackup:
    job = DailyBackup(window)
    job.start()
    return job


_quit_hooked = False


def _on_quit() -> None:
    # the widgets are going: no more seal reports to them; a running check is interrupted and
    # its copy, already on disk, is checked at the next start (exit never waits ~20 s for it)
    if _notifier is not None:
        backup.remove_listener(_notifier._heard)
    backup.shutdown()


def install(window) -> None:
    """Add “Backup and restore…” to the File menu; report background checks in the window; on
    quit, interrupt a running check rather than wait for it (it resumes at the next start)."""
    global _quit_hooked
    ctx = AppContext.of(window)
    ctx.seal_monitor = SealMonitor(window)
    app = QCoreApplication.instance()
    if app is not None and not _quit_hooked:
        app.aboutToQuit.connect(_on_quit)
        _quit_hooked = True

    def open_dialog():
        dlg = BackupDialog(window)
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dlg.open()
        return dlg

    ctx.open_backup_dialog = open_dialog
    menu = ctx.file_menu
    if menu is not None:
        action = menu.addAction(QCoreApplication.translate("BackupUi", "Backup and restore…"), open_dialog)
        action.setObjectName("backupAction")
        actions = menu.actions()
        quit_action = ctx.quit_action
        if quit_action is not None and quit_action in actions:  # keep Quit last
            menu.removeAction(action)
            menu.insertAction(quit_action, action)
            menu.insertSeparator(quit_action)
