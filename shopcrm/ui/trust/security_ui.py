"""Owner unlock/lock, set/change PIN, the mode indicator, the inactivity lock, revealing a mobile.

The rules live in shopcrm.trust.security; these widgets only ask for PINs and show the mode.
:func:`ensure_owner` is what an owner-only button calls first: in clerk mode it asks for the PIN.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from shopcrm.trust import audit, security
from shopcrm.ui.shell import forms
from shopcrm.ui.shell.context import AppContext

ERROR_STYLE = "color: #c0392b;"
IDLE_CHECK_MS = 15_000


def _pin_edit(name: str) -> QLineEdit:
    edit = QLineEdit(objectName=name)
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setMaxLength(32)
    edit.setMinimumWidth(180)
    return edit


class PinDialog(QDialog):
    """Ask for the owner PIN; accepted only once the PIN was right (unlocks owner mode)."""

    def __init__(self, parent=None, action: str | None = None):
        super().__init__(parent)
        self.setObjectName("pinDialog")
        self.setWindowTitle(self.tr("Owner unlock"))
        self.pin_edit = _pin_edit("pinEdit")
        self.message = QLabel(objectName="pinMessage")
        self.message.setWordWrap(True)
        if action:
            self.message.setText(
                self.tr("“%1” needs the owner. Enter the owner PIN:").replace("%1", security.action_label(action))
            )
        else:
            self.message.setText(self.tr("Enter the owner PIN:"))
        self.error = QLabel(objectName="pinError")
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Unlock"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))
        buttons.accepted.connect(self.try_unlock)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(self.message)
        lay.addWidget(self.pin_edit)
        lay.addWidget(self.error)
        lay.addWidget(buttons)
        self.setMinimumWidth(340)
        remaining = security.lockout_remaining()
        if remaining:
            self.error.setText(str(security.PinLockedOut(remaining)))
        forms.settle(self, first=self.pin_edit)

    def try_unlock(self) -> bool:
        try:
            security.unlock(self.pin_edit.text())
        except (security.PinError, security.PinLockedOut) as exc:
            self.error.setText(str(exc))
            self.pin_edit.selectAll()
            self.pin_edit.setFocus()
            return False
        self.accept()
        return True


def ensure_owner(parent: QWidget | None, action: str) -> bool:
    """True when the owner may go on: already owner, or the PIN was just entered."""
    if security.is_owner():
        security.touch()
        return True
    dlg = PinDialog(parent, action)
    return dlg.exec() == QDialog.DialogCode.Accepted and security.is_owner()


def refused(parent: QWidget | None, exc: PermissionError) -> None:
    """Tell the user an owner-only action was refused (the domain's message)."""
    QMessageBox.warning(parent, QApplication.translate("SecurityUi", "Owner only"), str(exc))


def not_done(parent: QWidget | None, exc: Exception) -> None:
    """Tell the user an operation was refused or failed before it changed anything."""
    QMessageBox.warning(parent, QApplication.translate("SecurityUi", "Not done"), str(exc))


class SetPinDialog(QDialog):
    """Set, change or remove the owner PIN (the caller makes sure the owner is present)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("setPinDialog")
        self.setWindowTitle(self.tr("Owner PIN"))
        had = security.has_pin()
        self.new_edit = _pin_edit("newPinEdit")
        self.confirm_edit = _pin_edit("confirmPinEdit")
        self.idle_spin = QSpinBox(objectName="idleMinutesSpin")
        self.idle_spin.setRange(1, 240)
        self.idle_spin.setValue(security.idle_minutes())
        self.idle_spin.setSuffix(self.tr(" min"))
        intro = QLabel(
            self.tr(
                "With an owner PIN, ShopCRM starts in clerk mode: mobiles are masked and export, import, "
                "purge, adjustments, settings and restore need the PIN. Without a PIN everyone is owner."
            )
        )
        intro.setWordWrap(True)
        form = QFormLayout()
        form.addRow(self.tr("New PIN"), self.new_edit)
        form.addRow(self.tr("Repeat new PIN"), self.confirm_edit)
        form.addRow(self.tr("Lock owner mode after"), self.idle_spin)
        self.error = QLabel(objectName="setPinError")
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Save).setText(self.tr("Save"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))
        self.remove_button = QPushButton(self.tr("Remove PIN"), objectName="removePinButton")
        self.remove_button.setVisible(had)
        buttons.addButton(self.remove_button, QDialogButtonBox.ButtonRole.DestructiveRole)
        self.remove_button.clicked.connect(self.remove_pin)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(intro)
        lay.addLayout(form)
        lay.addWidget(self.error)
        lay.addWidget(buttons)
        self.resize(460, self.sizeHint().height())
        forms.settle(self, first=self.new_edit)

    def save(self) -> bool:
        try:
            if self.new_edit.text() or not security.has_pin():
                security.set_pin(self.new_edit.text(), confirm=self.confirm_edit.text())
            if self.idle_spin.value() != security.idle_minutes():
                security.set_idle_minutes(self.idle_spin.value())
        except (security.PinError, ValueError, PermissionError) as exc:
            self.error.setText(str(exc))
            return False
        self.accept()
        return True

    def remove_pin(self) -> None:
        try:
            security.clear_pin()
        except PermissionError as exc:
            self.error.setText(str(exc))
            return
        self.accept()


class SecurityController(QObject):
    """The window's side of the mode: status-bar indicator, lock/unlock/PIN actions, inactivity
    lock (an application-wide event filter records activity; a timer checks the idle time)."""

    mode_changed = Signal(str)
    _mode_told = Signal(str)  # the domain's notice, from whichever thread (a restore runs in a worker)

    def __init__(self, window):
        super().__init__(window)
        self.setObjectName("securityController")
        self.window = window
        self.indicator = QPushButton(objectName="modeIndicator")
        self.indicator.setFlat(True)
        self.indicator.setCursor(Qt.CursorShape.PointingHandCursor)
        self.indicator.clicked.connect(self.toggle)
        self.lock_action = QAction(self.tr("Lock (clerk mode)"), window, objectName="lockAction")
        self.lock_action.setShortcut(QKeySequence("Ctrl+L"))
        self.lock_action.triggered.connect(self.lock)
        self.unlock_action = QAction(self.tr("Owner unlock…"), window, objectName="unlockAction")
        self.unlock_action.triggered.connect(self.unlock)
        self.pin_action = QAction(self.tr("Owner PIN and auto-lock…"), window, objectName="setPinAction")
        self.pin_action.triggered.connect(self.set_pin)
        for a in (self.lock_action, self.unlock_action, self.pin_action):
            window.addAction(a)
        self.timer = QTimer(self, objectName="idleTimer")
        self.timer.setInterval(IDLE_CHECK_MS)
        self.timer.timeout.connect(self.check_idle)
        self.timer.start()
        # the domain may tell from a worker thread (backup.restore forgets the PIN cache there):
        # a signal brings the notice to this object's (the GUI) thread before any widget changes
        self._mode_told.connect(self._changed, Qt.ConnectionType.AutoConnection)

        def listener(mode: str) -> None:
            try:
                self._mode_told.emit(mode)
            except RuntimeError:  # the window is gone
                security.remove_listener(listener)

        self._listener = listener
        security.on_mode_changed(listener)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)
        self._mode = security.current_mode()
        self._update()

    def shutdown(self) -> None:
        security.remove_listener(self._listener)
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
        self.timer.stop()

    def eventFilter(self, obj, event):  # noqa: N802 (Qt API)
        if event.type() in (QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.Wheel):
            security.touch()
        return False

    def check_idle(self) -> None:
        security.check_idle()

    def lock(self) -> None:
        security.lock()

    def unlock(self) -> bool:
        return ensure_owner(self.window, None) if not security.is_owner() else True

    def toggle(self) -> None:
        if not security.has_pin():
            self.set_pin()
        elif security.is_owner():
            self.lock()
        else:
            self.unlock()

    def set_pin(self) -> bool:
        if not ensure_owner(self.window, "pin"):
            return False
        return SetPinDialog(self.window).exec() == QDialog.DialogCode.Accepted

    def _changed(self, mode: str) -> None:
        self._update()
        if mode != self._mode:
            self._mode = mode
            self.mode_changed.emit(mode)
            AppContext.of(self.window).notify_data_changed()  # lists re-render with or without masking

    def _update(self) -> None:
        has_pin = security.has_pin()
        owner = security.is_owner()
        if not has_pin:
            self.indicator.setText(self.tr("Owner (no PIN)"))
            self.indicator.setToolTip(self.tr("No owner PIN is set: everyone works as owner. Click to set one."))
        elif owner:
            self.indicator.setText(self.tr("Owner mode (unlocked)"))
            self.indicator.setToolTip(self.tr("Click or press Ctrl+L to lock (clerk mode)."))
        else:
            self.indicator.setText(self.tr("Clerk mode (locked)"))
            self.indicator.setToolTip(self.tr("Click to unlock with the owner PIN."))
        from shopcrm.ui.shell.icons import icon

        self.indicator.setIcon(icon("unlock" if owner else "lock") if has_pin else icon("pin"))
        # an unlocked owner mode stands out, so that the owner remembers to lock
        self.indicator.setStyleSheet("color: #b9770e; font-weight: bold;" if has_pin and owner else "")
        self.lock_action.setEnabled(has_pin and owner)
        self.unlock_action.setEnabled(has_pin and not owner)


class MobileGuard(QObject):
    """In clerk mode, shows an archive's mobile masked and read-only until the clerk clicks
    “Show”, which is logged in the audit log. :meth:`value` is always the real number."""

    revealed = Signal()

    def __init__(self, edit: QLineEdit, customer_id: int | None, mobile: str):
        super().__init__(edit)
        self.edit = edit
        self.customer_id = customer_id
        self.mobile = mobile
        self.masked = bool(customer_id and mobile and not security.can_see_full_mobiles())
        self.action = None
        if self.masked:
            edit.setText(security.mask_mobile(mobile))
            edit.setReadOnly(True)
            from shopcrm.ui.shell.icons import icon

            self.action = QAction(icon("unlock"), self.tr("Show"), edit, objectName="revealMobileAction")
            self.action.setToolTip(self.tr("Show the full number (recorded in the audit log)"))
            self.action.triggered.connect(self.reveal)
            edit.addAction(self.action, QLineEdit.ActionPosition.TrailingPosition)
        else:
            edit.setText(mobile)

    def reveal(self) -> None:
        if not self.masked:
            return
        audit.log("reveal", customer_id=self.customer_id)
        self.masked = False
        self.edit.setReadOnly(False)
        was = self.edit.blockSignals(True)  # the value did not change: the form is not dirty
        self.edit.setText(self.mobile)
        self.edit.blockSignals(was)
        if self.action is not None:
            self.edit.removeAction(self.action)
        self.revealed.emit()

    def value(self) -> str:
        return self.mobile if self.masked else self.edit.text()


def show_mobile(edit: QLineEdit, customer_id: int | None, mobile: str) -> MobileGuard:
    """Put a customer's mobile into an archive's field: masked with a “Show” button in clerk
    mode. Safe to call again when the form reloads."""
    old = getattr(edit, "_mobile_guard", None)
    if old is not None and old.action is not None:
        edit.removeAction(old.action)
        edit.setReadOnly(False)
    guard = MobileGuard(edit, customer_id, mobile)
    edit._mobile_guard = guard
    return guard


def mobile_value(edit: QLineEdit) -> str:
    """The real mobile of a field filled by :func:`show_mobile` (never the masked text)."""
    guard = getattr(edit, "_mobile_guard", None)
    return guard.value() if guard is not None else edit.text()


def _erase_task(customer_id: int, progress=None) -> dict:
    from shopcrm.trust import privacy

    return privacy.erase_customer(customer_id)


class PrivacyButton(QToolButton):
    """The archive's “Privacy” menu (PIPL): export the customer's own archive; erase them."""

    erased = Signal(int)

    def __init__(self, form: QWidget, customer_id: int):
        super().__init__(form)
        self.setObjectName("privacyButton")
        self.form = form
        self.customer_id = customer_id
        self.setText(self.tr("Privacy"))
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self)
        self.export_action = menu.addAction(self.tr("Export this customer's own archive…"), self.export_archive)
        self.export_action.setObjectName("exportArchiveAction")
        self.erase_action = menu.addAction(self.tr("Erase personal data…"), self.erase)
        self.erase_action.setObjectName("eraseCustomerAction")
        self.setMenu(menu)

    def export_archive(self, path: str | None = None) -> str | None:
        from shopcrm.trust import privacy

        if not ensure_owner(self.form, "export_one"):
            return None
        if path is None:
            path, _ = QFileDialog.getSaveFileName(
                self.form,
                self.tr("Export customer archive"),
                f"customer-{self.customer_id}.json",
                self.tr("JSON (*.json)"),
            )
            if not path:
                return None
        try:
            privacy.export_customer_archive(self.customer_id, path)
        except (PermissionError, OSError, LookupError) as exc:
            not_done(self.form, exc)
            return None
        return path

    def erase(self, *, confirm: bool = True) -> bool:
        if not ensure_owner(self.form, "erase"):
            return False
        if confirm:
            box = QMessageBox(
                QMessageBox.Icon.Warning,
                self.tr("Erase personal data"),
                self.tr(
                    "Erase this customer's name, mobile, birthday, address, notes, tags and contact notes "
                    "for good? Purchases and balances stay, anonymised, for the shop's totals. This cannot "
                    "be undone; backups made before now keep the data until they are rotated out."
                ),
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
                self.form,
            )
            box.setObjectName("eraseConfirmBox")
            box.button(QMessageBox.StandardButton.Yes).setText(self.tr("Erase"))
            box.button(QMessageBox.StandardButton.Cancel).setText(self.tr("Cancel"))
            box.setDefaultButton(QMessageBox.StandardButton.Cancel)
            if box.exec() != QMessageBox.StandardButton.Yes:
                return False
        from shopcrm.ui.shell.tasks import run_task

        ok, result = run_task(self.form, self.tr("Erasing…"), _erase_task, self.customer_id)
        if not ok:
            not_done(self.form, result)
            return False
        self.erased.emit(self.customer_id)
        return True


def privacy_button(form: QWidget, customer_id: int) -> PrivacyButton:
    """For the archive form: a “Privacy” menu; after an erasure the form reloads and tells the
    window (its ``saved`` signal), or closes when it has no reload."""
    button = PrivacyButton(form, customer_id)

    def after_erase(cid: int) -> None:
        if hasattr(form, "_dirty"):
            form._dirty = False
        if hasattr(form, "saved"):
            form.saved.emit(cid)
        form.close()

    button.erased.connect(after_erase)
    return button


def offer_pin_at_first_run(window) -> bool:
    """Once per database, ask whether to set an owner PIN now (optional). True if one was set."""
    if not security.pin_offer_due():
        return False
    security.mark_pin_offered()
    box = QMessageBox(
        QMessageBox.Icon.Question,
        QApplication.translate("SecurityUi", "Owner PIN"),
        QApplication.translate(
            "SecurityUi",
            "Do clerks use this computer? Set an owner PIN to hide full mobile numbers "
            "from them and keep export, import, adjustments and restore for the owner.\n"
            "You can also do this later under Tools.",
        ),
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        window,
    )
    box.setObjectName("firstRunPinBox")
    box.button(QMessageBox.StandardButton.Yes).setText(QApplication.translate("SecurityUi", "Set a PIN"))
    box.button(QMessageBox.StandardButton.No).setText(QApplication.translate("SecurityUi", "Not now"))
    if box.exec() != QMessageBox.StandardButton.Yes:
        return False
    return SetPinDialog(window).exec() == QDialog.DialogCode.Accepted


def install(window) -> SecurityController:
    """Add the mode indicator and the lock/unlock/PIN actions to the main window."""
    controller = SecurityController(window)
    ctx = AppContext.of(window)
    ctx.security = controller
    window.statusBar().addPermanentWidget(controller.indicator)
    menu = ctx.tools_menu
    if menu is not None:
        menu.addSeparator()
        menu.addAction(controller.unlock_action)
        menu.addAction(controller.lock_action)
        menu.addAction(controller.pin_action)
    return controller
