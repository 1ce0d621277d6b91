"""E-mail through an SMTP server (the shop's mailbox: QQ 邮箱, 163, Exmail, …).

``security``: ``"ssl"`` (implicit TLS, usually port 465), ``"starttls"`` (port 587 or 25, upgraded
before logging in) or ``"none"`` (a relay on the shop's own network; the password, if any, would
cross the wire in clear, so :class:`SmtpEmail` refuses to log in without TLS). Subject and body
are UTF-8 (``email.message.EmailMessage`` encodes them as RFC 2047 / 8-bit MIME as needed).

The Message-ID is built from the idempotency key, so a receiving server or client that
deduplicates by Message-ID sees a resend as the same mail; SMTP itself has no way to ask whether
a message was already accepted, so a connection lost during DATA is :class:`OutcomeUnknown`."""

from __future__ import annotations

import hashlib
import logging
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formataddr

from shopcrm.campaigns.channels import Message, OutcomeUnknown, RateLimited, Receipt, SendFailed

log = logging.getLogger(__name__)

SECURITY = ("ssl", "starttls", "none")


class SmtpEmail:
    name = "email"
    supports_idempotency = False

    def __init__(
        self,
        host: str,
        port: int,
        *,
        sender: str,
        sender_name: str = "",
        username: str = "",
        password: str = "",
        security: str = "starttls",
        timeout: float = 20.0,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        if security not in SECURITY:
            raise ValueError(f"security must be one of {', '.join(SECURITY)}, not {security!r}")
        if password and security == "none":
            raise ValueError("refusing to send an SMTP password without TLS (security 'ssl' or 'starttls')")
        self.host = host
        self.port = port
        self.sender = sender
        self.sender_name = sender_name
        self.username = username
        self._password = password
        self.security = security
        self.timeout = timeout
        self.ssl_context = ssl_context

    def __repr__(self) -> str:  # never the password
        return f"SmtpEmail({self.host!r}, {self.port}, sender={self.sender!r}, security={self.security!r})"

    def build(self, message: Message) -> EmailMessage:
        mail = EmailMessage()
        mail["Subject"] = message.subject
        mail["From"] = formataddr((self.sender_name, self.sender)) if self.sender_name else self.sender
        mail["To"] = message.address
        domain = self.sender.rpartition("@")[2] or "shopcrm.local"
        key = message.idempotency_key or hashlib.sha256(repr(message).encode("utf-8")).hexdigest()
        mail["Message-ID"] = f"<{hashlib.sha256(key.encode('utf-8')).hexdigest()[:32]}@{domain}>"
        mail.set_content(message.text, charset="utf-8")
        return mail

    def _connect(self) -> smtplib.SMTP:
        context = self.ssl_context or ssl.create_default_context()
        if self.security == "ssl":
            server: smtplib.SMTP = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=context)
        else:
            server = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        try:
            server.ehlo()
            if self.security == "starttls":
                server.starttls(context=context)
                server.ehlo()
            if self.username:
                server.login(self.username, self._password)
        except BaseException:
            server.close()
            raise
        return server

    def send(self, message: Message) -> Receipt:
        mail = self.build(message)
        try:
            server = self._connect()
        except smtplib.SMTPAuthenticationError as exc:
            raise SendFailed(
                f"SMTP login refused: {exc.smtp_code} {exc.smtp_error!r}", retry=False, code="auth"
            ) from exc
        except (OSError, smtplib.SMTPException) as exc:  # nothing was handed over yet
            log.warning("cannot reach the SMTP server %s:%s: %s", self.host, self.port, exc)
            raise SendFailed(f"cannot reach the SMTP server {self.host}:{self.port}: {exc}", retry=True) from exc
        try:
            server.send_message(mail)
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [c for c, _m in exc.recipients.values()]
            raise SendFailed(
                f"recipient refused: {exc.recipients!r}", retry=all(400 <= c < 500 for c in codes)
            ) from exc
        except smtplib.SMTPResponseException as exc:  # the server answered: it did not take the mail
            reason = f"SMTP {exc.smtp_code}: {exc.smtp_error!r}"
            if exc.smtp_code in (421, 450, 451, 452):
                raise RateLimited(reason, code=str(exc.smtp_code)) from exc
            raise SendFailed(reason, retry=400 <= exc.smtp_code < 500, code=str(exc.smtp_code)) from exc
        except (OSError, smtplib.SMTPServerDisconnected) as exc:
            log.warning("SMTP connection to %s lost while sending: %s", self.host, exc)
            raise OutcomeUnknown(f"SMTP connection lost while sending: {exc}") from exc
        finally:
            try:
                server.quit()
            except (OSError, smtplib.SMTPException) as exc:
                log.info("SMTP QUIT to %s failed after sending: %s", self.host, exc)
                server.close()
        return Receipt(provider_id=str(mail["Message-ID"]))

    def close(self) -> None:
        pass
