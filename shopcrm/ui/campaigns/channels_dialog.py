"""消息通道设置 (owner only): the SMS provider (Alibaba Cloud or Tencent Cloud) and SMTP e-mail
settings, the providers' secrets (kept only through shopcrm.campaigns.credentials: the keyring
or the owner-only file, never the database), a test send; and 待确认, the messages whose outcome
is unknown for the owner to settle. Every rule and write is shopcrm.campaigns.outbox's."""

from __future__ import annotations

import copy

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from shopcrm import care
from shopcrm.campaigns import credentials, outbox
from shopcrm.campaigns.channels import OutcomeUnknown
from shopcrm.core.errors import FieldError
from shopcrm.ui.shell import forms
from shopcrm.ui.shell.tasks import Job

ERROR_STYLE = "color: #c0392b;"


def _error_label(name: str) -> QLabel:
    label = QLabel(objectName=name)
    label.setStyleSheet(ERROR_STYLE)
    label.setWordWrap(True)
    label.hide()
    return label


def _spin(value: int, hi: int, name: str) -> QSpinBox:
    s = QSpinBox(objectName=name)
    s.setRange(0, hi)
    s.setValue(int(value))
    return s


def _secret(name: str) -> QLineEdit:
    e = QLineEdit(objectName=name)
    e.setEchoMode(QLineEdit.EchoMode.Password)
    return e


class ChannelsDialog(QDialog):
    """Open only after :func:`shopcrm.ui.trust.security_ui.ensure_owner` (:func:`open_channels`);
    saving is refused by the domain in clerk mode anyway."""

    saved = Signal()
    tested = Signal(bool, str)  # ok, what the dialog shows

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("channelsDialog")
        self.setWindowTitle(self.tr("Message channels"))
        self.s = outbox.load_settings()
        self.store = credentials.default_store()
        status = outbox.credentials_status(self.store)
        sms, mail = self.s["sms"], self.s["email"]
        self.errors: dict[str, QLabel] = {}
        self.job: Job | None = None

        # --- SMS -------------------------------------------------------------------------------
        self.provider = QComboBox(objectName="smsProvider")
        self.provider.addItem(self.tr("Alibaba Cloud SMS"), "aliyun")
        self.provider.addItem(self.tr("Tencent Cloud SMS"), "tencent")
        self.provider.setCurrentIndex(max(0, self.provider.findData(sms["provider"])))
        self.base_url = QLineEdit(sms["base_url"], objectName="smsBaseUrl")
        self.base_url.setPlaceholderText(self.tr("empty: the provider's public endpoint"))
        self.region = QLineEdit(sms["region"], objectName="smsRegion")
        self.sign_name = QLineEdit(sms["sign_name"], objectName="smsSignName")
        self.sign_name.setPlaceholderText(self.tr("the approved signature, e.g. 小店"))
        self.template = QLineEdit(sms["template"], objectName="smsTemplate")
        self.template.setPlaceholderText(self.tr("Alibaba: SMS_123456789; Tencent: 1234567"))
        self.text_param = QLineEdit(sms["text_param"], objectName="smsTextParam")
        self.sdk_app_id = QLineEdit(sms["sdk_app_id"], objectName="smsSdkAppId")
        self.sms_per_second = _spin(sms["per_second"], 1000, "smsPerSecond")
        self.sms_per_minute = _spin(sms["per_minute"], 100_000, "smsPerMinute")
        self.aliyun_id = QLineEdit(status["sms.aliyun"].key_id, objectName="aliyunKeyId")
        self.aliyun_secret = _secret("aliyunSecret")
        self.tencent_id = QLineEdit(status["sms.tencent"].key_id, objectName="tencentSecretId")
        self.tencent_secret = _secret("tencentSecret")

        self.sms_tab = QWidget()
        f = QFormLayout(self.sms_tab)
        f.addRow(self.tr("Provider"), self.provider)
        f.addRow(self.tr("Sign name"), self._with_error(self.sign_name, "sms.sign_name"))
        f.addRow(self.tr("Template ID / code"), self.template)
        f.addRow(self.tr("Template variable for the text"), self.text_param)
        f.addRow(self.tr("SDK app ID (Tencent)"), self.sdk_app_id)
        f.addRow(self.tr("Region"), self.region)
        f.addRow(self.tr("Endpoint (base URL)"), self.base_url)
        f.addRow(self.tr("At most per second / minute"), self._pair(self.sms_per_second, self.sms_per_minute))
        self.aliyun_box = QGroupBox(self.tr("Alibaba Cloud AccessKey"), objectName="aliyunBox")
        af = QFormLayout(self.aliyun_box)
        af.addRow(self.tr("AccessKey ID"), self.aliyun_id)
        af.addRow(self.tr("AccessKey secret"), self._with_error(self.aliyun_secret, "sms.aliyun"))
        self.aliyun_state = self._state_label(status["sms.aliyun"].secret_set, "aliyunSecretState")
        af.addRow("", self.aliyun_state)
        self.tencent_box = QGroupBox(self.tr("Tencent Cloud API key"), objectName="tencentBox")
        tf = QFormLayout(self.tencent_box)
        tf.addRow(self.tr("SecretId"), self.tencent_id)
        tf.addRow(self.tr("SecretKey"), self._with_error(self.tencent_secret, "sms.tencent"))
        self.tencent_state = self._state_label(status["sms.tencent"].secret_set, "tencentSecretState")
        tf.addRow("", self.tencent_state)
        f.addRow(self.aliyun_box)
        f.addRow(self.tencent_box)

        # --- e-mail ----------------------------------------------------------------------------
        self.host = QLineEdit(mail["host"], objectName="smtpHost")
        self.host.setPlaceholderText("smtp.qq.com")
        self.port = QSpinBox(objectName="smtpPort")
        self.port.setRange(1, 65535)
        self.port.setValue(int(mail["port"]))
        self.security = QComboBox(objectName="smtpSecurity")
        self.security.addItem(self.tr("SSL/TLS"), "ssl")
        self.security.addItem(self.tr("STARTTLS"), "starttls")
        self.security.addItem(self.tr("None (unencrypted)"), "none")
        self.security.setCurrentIndex(max(0, self.security.findData(mail["security"])))
        self.username = QLineEdit(mail["username"], objectName="smtpUser")
        self.password = _secret("smtpPassword")
        self.from_address = QLineEdit(mail["sender"], objectName="smtpSender")
        self.sender_name = QLineEdit(mail["sender_name"], objectName="smtpSenderName")
        self.mail_per_second = _spin(mail["per_second"], 1000, "mailPerSecond")
        self.mail_per_minute = _spin(mail["per_minute"], 100_000, "mailPerMinute")
        self.mail_tab = QWidget()
        m = QFormLayout(self.mail_tab)
        m.addRow(self.tr("SMTP server"), self._with_error(self.host, "email.host"))
        m.addRow(self.tr("Port"), self._with_error(self.port, "email.port"))
        m.addRow(self.tr("Security"), self.security)
        m.addRow(self.tr("User name"), self.username)
        m.addRow(self.tr("Password"), self._with_error(self.password, "email.smtp"))
        self.smtp_state = self._state_label(status["email.smtp"].secret_set, "smtpPasswordState")
        m.addRow("", self.smtp_state)
        m.addRow(self.tr("From address"), self.from_address)
        m.addRow(self.tr("From name"), self.sender_name)
        m.addRow(self.tr("At most per second / minute"), self._pair(self.mail_per_second, self.mail_per_minute))

        # --- sending ---------------------------------------------------------------------------
        self.max_attempts = _spin(self.s["max_attempts"], 20, "maxAttempts")
        self.max_attempts.setMinimum(1)
        self.retry_seconds = _spin(self.s["retry_seconds"], 86_400, "retrySeconds")
        self.retry_seconds.setSuffix(self.tr(" s"))

        self.tabs = QTabWidget(objectName="channelsTabs")
        self.tabs.addTab(self.sms_tab, self.tr("SMS"))
        self.tabs.addTab(self.mail_tab, self.tr("E-mail (SMTP)"))
        general = QHBoxLayout()
        general.addWidget(QLabel(self.tr("Attempts per message")))
        general.addWidget(self.max_attempts)
        general.addWidget(QLabel(self.tr("First retry after")))
        general.addWidget(self.retry_seconds)
        general.addStretch(1)

        self.where = QLabel(objectName="credentialsWhere")
        self.where.setWordWrap(True)
        self.where.setText(self._where_text())

        # --- test ------------------------------------------------------------------------------
        self.test_channel = QComboBox(objectName="testChannel")
        self.test_channel.addItem(self.tr("SMS"), "sms")
        self.test_channel.addItem(self.tr("E-mail"), "email")
        self.test_address = QLineEdit(objectName="testAddress")
        self.test_address.setPlaceholderText(self.tr("your own mobile or e-mail address"))
        self.test_button = QPushButton(self.tr("Send a test"), objectName="testSendButton")
        self.test_button.setAutoDefault(False)
        self.test_button.clicked.connect(lambda: self.send_test())
        self.test_result = QLabel(objectName="testResult")
        self.test_result.setWordWrap(True)
        test_row = QHBoxLayout()
        test_row.addWidget(QLabel(self.tr("Test to")))
        test_row.addWidget(self.test_channel)
        test_row.addWidget(self.test_address, 1)
        test_row.addWidget(self.test_button)

        self.error = _error_label("channelsError")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(self.tabs, 1)
        lay.addLayout(general)
        lay.addWidget(self.where)
        lay.addLayout(test_row)
        lay.addWidget(self.test_result)
        lay.addWidget(self.error)
        lay.addWidget(self.buttons)

        self.provider.currentIndexChanged.connect(self._provider_chosen)
        self._provider_chosen()
        self.setMinimumWidth(560)
        forms.settle(self, first=self.provider)

    # --- layout helpers -----------------------------------------------------------------------
    def _with_error(self, field: QWidget, key: str) -> QWidget:
        """``field`` with an error line under it (hidden until an error names ``key``)."""
        box = QWidget()
        v = QVBoxLayout(box)
        v.setContentsMargins(0, 0, 0, 0)
        v.setSpacing(1)
        v.addWidget(field)
        label = _error_label(f"error_{key.replace('.', '_')}")
        v.addWidget(label)
        self.errors[key] = label
        return box

    @staticmethod
    def _pair(a: QWidget, b: QWidget) -> QWidget:
        box = QWidget()
        h = QHBoxLayout(box)
        h.setContentsMargins(0, 0, 0, 0)
        h.addWidget(a)
        h.addWidget(QLabel("/"))
        h.addWidget(b)
        h.addStretch(1)
        return box

    def _state_label(self, is_set: bool, name: str) -> QLabel:
        label = QLabel(objectName=name)
        self._set_state(label, is_set)
        return label

    def _set_state(self, label: QLabel, is_set: bool) -> None:
        label.setText(self.tr("Set (leave empty to keep it)") if is_set else self.tr("Not set"))
        label.setProperty("secretSet", is_set)

    def _where_text(self) -> str:
        where = self.store.describe()
        if isinstance(self.store, credentials.FileStore):
            text = self.tr("Secrets are kept in the file %1, readable by you only (0600), never in the database.")
            return text.replace("%1", str(self.store.path))
        text = self.tr("Secrets are kept in the system keyring (%1), never in the database.")
        return text.replace("%1", where.partition(" ")[2])

    def _provider_chosen(self) -> None:
        tencent = self.provider.currentData() == "tencent"
        self.aliyun_box.setVisible(not tencent)
        self.tencent_box.setVisible(tencent)
        self.sdk_app_id.setEnabled(tencent)

    # --- values -------------------------------------------------------------------------------
    def values(self) -> dict:
        s = copy.deepcopy(self.s)
        s["max_attempts"] = self.max_attempts.value()
        s["retry_seconds"] = self.retry_seconds.value()
        s["sms"].update(
            provider=self.provider.currentData(),
            base_url=self.base_url.text().strip(),
            region=self.region.text().strip(),
            sign_name=self.sign_name.text().strip(),
            template=self.template.text().strip(),
            text_param=self.text_param.text().strip() or "content",
            sdk_app_id=self.sdk_app_id.text().strip(),
            per_second=self.sms_per_second.value(),
            per_minute=self.sms_per_minute.value(),
        )
        s["email"].update(
            host=self.host.text().strip(),
            port=self.port.value(),
            security=self.security.currentData(),
            username=self.username.text().strip(),
            sender=self.from_address.text().strip(),
            sender_name=self.sender_name.text().strip(),
            per_second=self.mail_per_second.value(),
            per_minute=self.mail_per_minute.value(),
        )
        return s

    def typed_credentials(self) -> dict[str, dict[str, str]]:
        """What was typed of each credential entry (empty fields: keep what is stored)."""
        return {
            "sms.aliyun": {
                "access_key_id": self.aliyun_id.text().strip(),
                "access_key_secret": self.aliyun_secret.text(),
            },
            "sms.tencent": {"secret_id": self.tencent_id.text().strip(), "secret_key": self.tencent_secret.text()},
            "email.smtp": {"password": self.password.text()},
        }

    def _changed_credentials(self) -> dict[str, dict[str, str]]:
        status = outbox.credentials_status(self.store)
        out = {}
        for name, typed in self.typed_credentials().items():
            secret = typed[outbox.SECRET_FIELDS[name]]
            new_id = next((v for k, v in typed.items() if k != outbox.SECRET_FIELDS[name]), None)
            if secret or (new_id is not None and new_id != status[name].key_id):
                out[name] = typed
        return out

    def _clear_errors(self) -> None:
        for label in [*self.errors.values(), self.error]:
            label.clear()
            label.hide()

    def show_error(self, exc: Exception, key: str | None = None) -> None:
        """Under the field it names (``key``, or the setting a FieldError names), else at the foot."""
        if key is None and isinstance(exc, FieldError):
            key = str(exc.params.get("value", "")) if exc.field in ("setting", "channel") else exc.field
        label = self.errors.get(key or "", self.error)
        label.setText(str(exc))
        label.show()
        if label is not self.error:
            tab = self.mail_tab if (key or "").startswith("email") else self.sms_tab
            self.tabs.setCurrentWidget(tab)

    # --- actions ------------------------------------------------------------------------------
    def save(self) -> bool:
        """Settings, then each credential entry typed into (owner only, audited by the domain)."""
        self._clear_errors()
        try:
            self.s = outbox.save_settings(self.values())
        except (ValueError, PermissionError) as exc:  # FieldError is a ValueError
            self.show_error(exc)
            return False
        for name, typed in self._changed_credentials().items():
            try:
                outbox.set_credentials(name, typed, self.store, keep_existing=True)
            except (ValueError, PermissionError, OSError) as exc:
                self.show_error(exc, name)
                return False
        for field in (self.aliyun_secret, self.tencent_secret, self.password):
            field.clear()
        status = outbox.credentials_status(self.store)
        self._set_state(self.aliyun_state, status["sms.aliyun"].secret_set)
        self._set_state(self.tencent_state, status["sms.tencent"].secret_set)
        self._set_state(self.smtp_state, status["email.smtp"].secret_set)
        self.saved.emit()
        return True

    def accept(self) -> None:
        if self.save():
            super().accept()

    def send_test(self) -> Job | None:
        """One service message to the typed address with the settings and secrets as typed (not
        saved yet), in the background; the receipt or the provider's error shown here."""
        if self.job is not None and not self.job.done:
            return self.job
        self._clear_errors()
        self.test_result.setText(self.tr("Sending…"))
        self.test_button.setEnabled(False)
        self.job = Job(
            outbox.send_test,
            self.test_channel.currentData(),
            self.test_address.text(),
            s=self.values(),
            typed=self.typed_credentials(),
            store=self.store,
            name="channel-test",
            progress=False,
            wait_on_quit=False,
        )
        self.job.start(self._test_sent, self._test_failed, owner=self)
        return self.job

    def _test_sent(self, receipt) -> None:
        self.test_button.setEnabled(True)
        text = self.tr("Sent. The provider's receipt: %1").replace("%1", receipt.provider_id or receipt.detail or "—")
        self.test_result.setStyleSheet("")
        self.test_result.setText(text)
        self.tested.emit(True, text)

    def _test_failed(self, exc: BaseException) -> None:
        self.test_button.setEnabled(True)
        if isinstance(exc, OutcomeUnknown):
            text = self.tr("No answer came: the test may or may not have been sent (%1).").replace("%1", str(exc))
        else:
            text = self.tr("Not sent: %1").replace("%1", str(exc))
        self.test_result.setStyleSheet(ERROR_STYLE)
        self.test_result.setText(text)
        self.tested.emit(False, text)


class UnknownDialog(QDialog):
    """待确认: messages whose outcome is unknown; the owner marks each sent, not sent (queued to
    send again) or failed (:func:`shopcrm.campaigns.outbox.resolve`)."""

    resolved = Signal()

    def __init__(self, parent=None, campaign_id: int | None = None):
        super().__init__(parent)
        self.setObjectName("unknownDialog")
        self.setWindowTitle(self.tr("Unknown outcomes"))
        self.campaign_id = campaign_id
        self.rows: list[outbox.Unresolved] = []
        intro = QLabel(
            self.tr(
                "The request left but no answer came: the customer may or may not have the message. "
                "Ask the provider's console or the customer, then settle each one. "
                "Not sent queues it again (it may then arrive twice)."
            )
        )
        intro.setWordWrap(True)
        self.table = QTableWidget(0, 6, objectName="unknownTable")
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("Customer"),
                self.tr("Channel"),
                self.tr("Address"),
                self.tr("Message"),
                self.tr("Queued at"),
                self.tr("Last error"),
            ]
        )
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.sent_button = QPushButton(self.tr("Sent"), objectName="resolveSentButton")
        self.queued_button = QPushButton(self.tr("Not sent (queue again)"), objectName="resolveQueuedButton")
        self.failed_button = QPushButton(self.tr("Failed"), objectName="resolveFailedButton")
        for button, status in (
            (self.sent_button, "sent"),
            (self.queued_button, "queued"),
            (self.failed_button, "failed"),
        ):
            button.setAutoDefault(False)
            button.clicked.connect(lambda _=False, status=status: self.resolve_selected(status))
        self.error = _error_label("unknownError")
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(self.sent_button)
        row.addWidget(self.queued_button)
        row.addWidget(self.failed_button)
        row.addStretch(1)
        row.addWidget(close)
        lay = QVBoxLayout(self)
        lay.addWidget(intro)
        lay.addWidget(self.table, 1)
        lay.addWidget(self.error)
        lay.addLayout(row)
        self.table.itemSelectionChanged.connect(self._selected)
        self.refresh()
        forms.fit_to_screen(self, 900, 480)
        forms.settle(self, first=self.table)

    def refresh(self) -> None:
        self.rows = outbox.unresolved(self.campaign_id)
        self.table.setRowCount(len(self.rows))
        for i, r in enumerate(self.rows):
            values = (
                r.customer_name,
                care.channel_text(r.channel),
                r.address,
                r.text,
                r.created_at.strftime("%Y-%m-%d %H:%M") if r.created_at else "",
                r.last_error,
            )
            for c, text in enumerate(values):
                self.table.setItem(i, c, QTableWidgetItem(str(text)))
        self.table.resizeColumnsToContents()
        if self.rows:
            self.table.selectRow(0)
        self._selected()

    def _selected(self) -> None:
        any_row = bool(self.table.selectionModel().selectedRows())
        for b in (self.sent_button, self.queued_button, self.failed_button):
            b.setEnabled(any_row)

    def selected_ids(self) -> list[int]:
        return [self.rows[i.row()].id for i in self.table.selectionModel().selectedRows()]

    def resolve_selected(self, status: str) -> int:
        """Settle the selected messages; returns how many were settled."""
        self.error.hide()
        done = 0
        for mid in self.selected_ids():
            try:
                outbox.resolve(mid, status)
            except (ValueError, PermissionError) as exc:
                self.error.setText(str(exc))
                self.error.show()
                break
            done += 1
        self.refresh()
        if done:
            self.resolved.emit()
        return done


def open_channels(parent: QWidget | None, *, show: bool = True) -> ChannelsDialog | None:
    """The channels dialog, once the owner is there (in clerk mode: the owner's PIN first)."""
    from shopcrm.ui.trust.security_ui import ensure_owner

    if not ensure_owner(parent, "settings"):
        return None
    dlg = ChannelsDialog(parent)
    forms.fit_to_screen(dlg, 640, 600)
    if show:
        dlg.open()
    return dlg


def open_unknown(parent: QWidget | None, campaign_id: int | None = None, *, show: bool = True) -> UnknownDialog | None:
    from shopcrm.ui.trust.security_ui import ensure_owner

    if not ensure_owner(parent, "settings"):
        return None
    dlg = UnknownDialog(parent, campaign_id)
    if show:
        dlg.open()
    return dlg
