"""The message log and the sender loop (issue #15, "Sending").

Two steps, so that a message is never sent twice:

1. :func:`queue` writes the ``message`` row (status ``queued``) with its idempotency key, which is
   UNIQUE in the database: queuing the same key again returns the existing row and sends nothing
   new (a campaign re-run, a script run twice, two clerks clicking at once).
2. :func:`deliver` works through the queued rows. Before each network call it claims the row
   (``queued`` → ``sending``, attempts + 1) in a committed transaction, then calls the channel:

   - accepted → ``sent`` with the provider's id (BizId, SerialNo, Message-ID) and the time;
   - :class:`SendFailed` with ``retry`` → back to ``queued`` with ``next_attempt_at`` after an
     exponential backoff (``retry_seconds`` × 2^(attempts-1)), until ``max_attempts``; then ``failed``;
   - :class:`SendFailed` without ``retry`` → ``failed``;
   - :class:`OutcomeUnknown` (the request left, no answer came) → ``unknown``, never resent
     automatically: no provider here can say whether it already sent a key (see
     :mod:`shopcrm.campaigns.channels`). A row left in ``sending`` by a crash is just as unknown.
     The owner decides with :func:`resolve` (``sent``, ``failed`` or ``queued`` to send again).

Consent: a ``marketing`` message goes only to a customer whose ``consent_marketing`` is true
(unknown counts as no, PIPL opt-in); a ``service`` message (a complaint follow-up, an order being
ready, a return visit the customer asked for) is sent without marketing consent. Deleted and
erased customers get nothing.

Rate limits: per channel, ``per_second`` and ``per_minute`` in the settings (0: none), kept by a
:class:`Pacer` that waits through an injected :class:`Timer` (tests give one whose ``sleep`` moves
a fake clock; the real one sleeps). Retry backoff is wall-clock time (``next_attempt_at``, from
``shopcrm.core.clock``) so a later run picks up what an earlier one scheduled.
"""

from __future__ import annotations

import collections
import copy
import datetime as dt
import json
import logging
import math
import time
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from peewee import IntegrityError

from shopcrm.campaigns.channels import (
    CHANNEL_NAMES,
    Channel,
    Message,
    OutcomeUnknown,
    Receipt,
    SendFailed,
)
from shopcrm.campaigns.credentials import CredentialStore, default_store
from shopcrm.core import clock
from shopcrm.core.errors import FieldError
from shopcrm.core.texts import register, t
from shopcrm.store import settings
from shopcrm.store.db import database
from shopcrm.store.models import Customer, Message as MessageRow
from shopcrm.trust import session

log = logging.getLogger(__name__)

PURPOSES = ("marketing", "service")
STATUSES = ("queued", "sending", "sent", "delivered", "failed", "unknown")

register(
    {
        "field.purpose": ("用途", "Purpose"),
        "field.channel": ("渠道", "Channel"),
        "field.consent": ("接受营销", "Marketing consent"),
        "field.email": ("邮箱", "E-mail"),
        "field.credentials": ("渠道密钥", "Channel credentials"),
        "send.v.purpose": (
            "{field}必须是 marketing（营销）或 service（服务），不是“{value}”。",
            "{field} must be marketing or service, not “{value}”.",
        ),
        "send.v.channel": (
            "{field}“{value}”不存在，可选：{allowed}。",
            "{field} “{value}” does not exist; choose one of {allowed}.",
        ),
        "send.v.no_consent": (
            "客户 {name}（#{id}）未同意接收营销信息，营销消息不会发送（服务类消息不受影响）。",
            "Customer {name} (#{id}) has not agreed to marketing messages; a marketing message is not sent (service messages are).",
        ),
        "send.v.gone": (
            "客户 #{id} 已删除或已抹除个人信息，不能发送消息。",
            "Customer #{id} was deleted or erased; no message can be sent.",
        ),
        "send.v.not_found": ("没有编号为 {id} 的客户。", "There is no customer #{id}."),
        "send.v.no_email": ("客户 {name}（#{id}）没有邮箱地址。", "Customer {name} (#{id}) has no e-mail address."),
        "send.v.no_mobile": ("客户 {name}（#{id}）没有可用的手机号。", "Customer {name} (#{id}) has no usable mobile."),
        "send.v.empty": (
            "消息内容为空：请填写文字或短信模板。",
            "The message is empty: give a text or an SMS template.",
        ),
        "send.v.not_configured": (
            "渠道“{value}”尚未设置：{reason}（python -m shopcrm channel configure / set-credentials）。",
            "The channel “{value}” is not set up: {reason} (python -m shopcrm channel configure / set-credentials).",
        ),
        "send.v.setting": ("渠道设置“{value}”无效：{reason}", "The channel setting “{value}” is invalid: {reason}"),
        "send.v.resolve": (
            "只有状态为“未知”或“发送中”的消息可以人工确认，#{id} 是“{status}”。",
            "Only a message whose outcome is unknown (or stuck sending) can be resolved; #{id} is “{status}”.",
        ),
        "send.subject": ("来自{shop}的消息", "A message from {shop}"),
        "send.test_text": (
            "这是{shop}的测试消息，收到即说明消息通道设置正确。",
            "This is a test message from {shop}: the message channel is set up correctly.",
        ),
        "field.test_address": ("收件号码或邮箱", "Number or address"),
        "send.v.test_address": (
            "{field}“{value}”不对：短信填 11 位手机号，邮件填邮箱地址。",
            "{field} “{value}” is not right: a mobile number for SMS, an e-mail address for e-mail.",
        ),
        "send.v.test_channel": (
            "测试只能通过短信或邮件发送，不是“{value}”。",
            "A test goes by SMS or e-mail, not “{value}”.",
        ),
    }
)


# --- settings (not secret: kept in the database; secrets: shopcrm.campaigns.credentials) --------

SETTINGS_KEY = "channels"
DEFAULTS: dict[str, Any] = {
    "max_attempts": 3,
    "retry_seconds": 60,  # backoff: 60 s, 120 s, 240 s, … after each failed attempt
    "sms": {
        "provider": "aliyun",  # aliyun / tencent
        "base_url": "",  # '' = the provider's public endpoint
        "region": "",  # '' = cn-hangzhou (Alibaba) / ap-guangzhou (Tencent)
        "sign_name": "",  # the approved SMS signature (【店名】)
        "template": "",  # the approved template used for a free text
        "text_param": "content",  # the template's variable that carries the text (Tencent: "1")
        "sdk_app_id": "",  # Tencent's SmsSdkAppId
        "per_second": 10,
        "per_minute": 300,
    },
    "email": {
        "host": "",
        "port": 465,
        "security": "ssl",  # ssl / starttls / none
        "sender": "",
        "sender_name": "",
        "username": "",
        "per_second": 1,
        "per_minute": 30,
    },
    "copy": {"per_second": 0, "per_minute": 0},
    "call_list": {"per_second": 0, "per_minute": 0},
}
CREDENTIAL_FIELDS = {
    "sms.aliyun": ("access_key_id", "access_key_secret"),
    "sms.tencent": ("secret_id", "secret_key"),
    "email.smtp": ("password",),
}


def _validate(s: dict) -> dict:
    def bad(name: str, reason: str):
        return FieldError("setting", "send.v.setting", value=name, reason=reason)

    for key in ("max_attempts", "retry_seconds"):
        if not isinstance(s.get(key), int) or s[key] < (1 if key == "max_attempts" else 0):
            raise bad(key, "a whole number ≥ 1" if key == "max_attempts" else "a whole number ≥ 0")
    for ch in CHANNEL_NAMES:
        for key in ("per_second", "per_minute"):
            v = s[ch].get(key)
            if not isinstance(v, int) or v < 0:
                raise bad(f"{ch}.{key}", "a whole number ≥ 0 (0: no limit)")
    if s["sms"]["provider"] not in ("aliyun", "tencent"):
        raise bad("sms.provider", "aliyun or tencent")
    if s["email"]["security"] not in ("ssl", "starttls", "none"):
        raise bad("email.security", "ssl, starttls or none")
    if not isinstance(s["email"]["port"], int) or not 0 < s["email"]["port"] < 65536:
        raise bad("email.port", "a port number")
    return s


SETTINGS: settings.Section[dict] = settings.Section(SETTINGS_KEY, lambda: copy.deepcopy(DEFAULTS), validate=_validate)


def load_settings() -> dict:
    return SETTINGS.load()


def save_settings(s: dict) -> dict:
    """Owner only (like every other settings group); audited."""
    from shopcrm.trust import audit, security

    security.require_owner("settings")
    with database.atomic():
        s = SETTINGS.save(s)
        audit.log("settings", detail=SETTINGS_KEY)
    return s


SECRET_FIELDS = {"sms.aliyun": "access_key_secret", "sms.tencent": "secret_key", "email.smtp": "password"}


@dataclass(frozen=True)
class CredentialStatus:
    """What may be shown of a credential entry: whether its secret is set and the key's id
    (Alibaba's AccessKey ID, Tencent's SecretId; not secret), never the secret."""

    secret_set: bool
    key_id: str = ""


def credentials_status(store: CredentialStore | None = None) -> dict[str, CredentialStatus]:
    """Per credential entry (``sms.aliyun``, ``sms.tencent``, ``email.smtp``): set or not."""
    store = store or default_store()
    out = {}
    for name, fields in CREDENTIAL_FIELDS.items():
        found = store.get(name) or {}
        key_id = found.get(fields[0], "") if fields[0] != SECRET_FIELDS[name] else ""
        out[name] = CredentialStatus(bool(found.get(SECRET_FIELDS[name])), key_id)
    return out


def set_credentials(
    name: str, values: Mapping[str, str], store: CredentialStore | None = None, *, keep_existing: bool = False
) -> str:
    """Keep a provider's secrets (owner only, audited without the values). Returns where.
    ``keep_existing``: a field left empty keeps its stored value (a settings form that shows
    only whether a secret is set, never the secret)."""
    from shopcrm.trust import audit, security

    security.require_owner("settings")
    fields = CREDENTIAL_FIELDS.get(name)
    if fields is None:
        raise FieldError("credentials", "send.v.channel", value=name, allowed=", ".join(CREDENTIAL_FIELDS))
    store = store or default_store()
    if keep_existing:
        values = {**(store.get(name) or {}), **{k: v for k, v in values.items() if v}}
    missing = [f for f in fields if not values.get(f)]
    if missing:
        raise FieldError("credentials", "send.v.not_configured", value=name, reason="missing " + ", ".join(missing))
    store.set(name, {f: str(values[f]) for f in fields})
    audit.log("settings", detail=f"credentials {name} -> {store.describe().split(' ')[0]}")
    return store.describe()


# --- building channels from the settings ---------------------------------------------------------


def channel_for(
    name: str,
    *,
    store: CredentialStore | None = None,
    call_list_path: str | Path | None = None,
    s: dict | None = None,
) -> Channel:
    """The configured channel ``name`` (copy / call_list / sms / email), secrets from ``store``."""
    from shopcrm.campaigns.channels.offline import CallListChannel, CopyChannel

    s = s if s is not None else load_settings()
    if name == "copy":
        return CopyChannel()
    if name == "call_list":
        if call_list_path is None:
            raise FieldError("channel", "send.v.not_configured", value=name, reason="no file given")
        return CallListChannel(call_list_path)

    def creds(key: str) -> dict[str, str]:
        found = (store or default_store()).get(key)
        if not found:
            raise FieldError("channel", "send.v.not_configured", value=name, reason=f"no credentials {key}")
        return found

    if name == "sms":
        c = s["sms"]
        if not c["sign_name"]:
            raise FieldError("channel", "send.v.not_configured", value=name, reason="no sign_name")
        if c["provider"] == "aliyun":
            from shopcrm.campaigns.channels import aliyun

            k = creds("sms.aliyun")
            return aliyun.AliyunSms(
                k["access_key_id"],
                k["access_key_secret"],
                sign_name=c["sign_name"],
                template_code=c["template"],
                base_url=c["base_url"] or aliyun.BASE_URL,
                region=c["region"] or "cn-hangzhou",
            )
        from shopcrm.campaigns.channels import tencent

        k = creds("sms.tencent")
        return tencent.TencentSms(
            k["secret_id"],
            k["secret_key"],
            sdk_app_id=c["sdk_app_id"],
            sign_name=c["sign_name"],
            template_id=c["template"],
            base_url=c["base_url"] or tencent.BASE_URL,
            region=c["region"] or "ap-guangzhou",
        )
    if name == "email":
        from shopcrm.campaigns.channels.smtp import SmtpEmail

        c = s["email"]
        if not c["host"] or not c["sender"]:
            raise FieldError("channel", "send.v.not_configured", value=name, reason="no host or sender")
        password = creds("email.smtp")["password"] if c["username"] else ""
        return SmtpEmail(
            c["host"],
            c["port"],
            sender=c["sender"],
            sender_name=c["sender_name"],
            username=c["username"],
            password=password,
            security=c["security"],
        )
    raise FieldError("channel", "send.v.channel", value=name, allowed=", ".join(CHANNEL_NAMES))


# --- queuing: consent, address, the claim ----------------------------------------------------


@dataclass(frozen=True)
class Queued:
    """``created`` False: the key was already in the log (nothing new will be sent)."""

    message_id: int
    created: bool
    status: str


def address_for(c: Customer, channel: str) -> str:
    if channel == "email":
        if not c.email:
            raise FieldError("email", "send.v.no_email", name=c.name, id=c.id)
        return c.email.strip()
    mobile = (c.mobile or "").strip()
    if not mobile or not mobile.lstrip("+").isdigit():
        raise FieldError("mobile", "send.v.no_mobile", name=c.name, id=c.id)
    return mobile


def check_allowed(c: Customer | None, purpose: str, customer_id: int) -> Customer:
    """The customer, if a ``purpose`` message may go to them; raises FieldError saying why not."""
    if purpose not in PURPOSES:
        raise FieldError("purpose", "send.v.purpose", value=purpose)
    if c is None:
        raise FieldError("customer", "send.v.not_found", id=customer_id)
    if c.deleted_at is not None or c.erased_at is not None:
        raise FieldError("customer", "send.v.gone", id=customer_id)
    if purpose == "marketing" and c.consent_marketing is not True:
        raise FieldError("consent", "send.v.no_consent", name=c.name, id=c.id)
    return c


def queue(
    customer_id: int,
    channel: str,
    *,
    purpose: str,
    text: str = "",
    template_id: str = "",
    params: Mapping[str, str] | None = None,
    subject: str = "",
    campaign_id: int | None = None,
    idempotency_key: str | None = None,
    operator: str | None = None,
) -> Queued:
    """Log one message as ``queued`` (the claim of its idempotency key), after checking consent
    and the address. ``idempotency_key``: the same key never sends twice; campaigns should pass
    e.g. ``f"campaign:{id}:{customer_id}"``; None makes a fresh one (an ad-hoc message). For an
    SMS with only ``text``, the configured template carries it (``sms.template``/``text_param``)."""
    if channel not in CHANNEL_NAMES:
        raise FieldError("channel", "send.v.channel", value=channel, allowed=", ".join(CHANNEL_NAMES))
    c = check_allowed(Customer.get_or_none(Customer.id == customer_id), purpose, customer_id)
    address = address_for(c, channel)
    params = dict(params or {})
    if channel == "sms" and not template_id and text and not params:
        s = load_settings()["sms"]
        template_id = s["template"]
        params = {s["text_param"]: text}
    if not text and not template_id:
        raise FieldError("text", "send.v.empty")
    key = idempotency_key or f"adhoc:{uuid.uuid4().hex}"
    with database.atomic():
        existing = MessageRow.get_or_none(MessageRow.idempotency_key == key)
        if existing is not None:
            return Queued(existing.id, False, existing.status)
        try:
            row = MessageRow.create(
                customer=c.id,
                channel=channel,
                address=address,
                purpose=purpose,
                campaign_id=campaign_id,
                subject=subject,
                text=text,
                template_id=template_id,
                params=json.dumps(params, ensure_ascii=False),
                idempotency_key=key,
                status="queued",
                operator=session.current_operator() if operator is None else operator,
                created_at=clock.now(),
            )
        except IntegrityError:  # expected: another process claimed the key between our read and write
            existing = MessageRow.get(MessageRow.idempotency_key == key)
            return Queued(existing.id, False, existing.status)
    return Queued(row.id, True, "queued")


# --- pacing ------------------------------------------------------------------------------------


class Timer(Protocol):
    """Elapsed time and waiting (not the calendar): the real one is time.monotonic/time.sleep."""

    def monotonic(self) -> float: ...

    def sleep(self, seconds: float) -> None: ...


class SystemTimer:
    def monotonic(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


class Pacer:
    """Sliding-window limits per channel: at most ``n`` sends in any ``window`` seconds, for each
    ``(n, window)`` of the channel. :meth:`acquire` waits (through the timer) until one is free."""

    def __init__(self, limits: Mapping[str, Sequence[tuple[int, float]]], timer: Timer) -> None:
        self.limits = {ch: [(n, w) for n, w in lim if n > 0] for ch, lim in limits.items()}
        self.timer = timer
        self.sent: dict[str, collections.deque[float]] = collections.defaultdict(collections.deque)
        self.waited = 0.0

    @classmethod
    def from_settings(cls, s: dict, timer: Timer) -> Pacer:
        return cls({ch: [(s[ch]["per_second"], 1.0), (s[ch]["per_minute"], 60.0)] for ch in CHANNEL_NAMES}, timer)

    def acquire(self, channel: str) -> None:
        limits = self.limits.get(channel, [])
        if not limits:
            return
        stamps = self.sent[channel]
        longest = max(w for _n, w in limits)
        while True:
            now = self.timer.monotonic()
            while stamps and stamps[0] <= now - longest:
                stamps.popleft()
            wait = 0.0
            for n, w in limits:
                inside = [s for s in stamps if s > now - w]
                if len(inside) >= n:
                    wait = max(wait, inside[-n] + w - now)
            if wait <= 0:
                stamps.append(now)
                return
            self.waited += wait
            self.timer.sleep(wait)


# --- delivering --------------------------------------------------------------------------------


@dataclass
class Report:
    sent: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    unknown: list[int] = field(default_factory=list)
    retry_later: list[int] = field(default_factory=list)
    attempts: int = 0
    receipts: dict[int, str] = field(default_factory=dict)  # message id -> provider id or copied text


def _message(row: MessageRow, name: str) -> Message:
    return Message(
        customer_id=row.customer_id,
        address=row.address,
        text=row.text,
        template_id=row.template_id,
        params=json.loads(row.params or "{}"),
        idempotency_key=row.idempotency_key or "",
        subject=row.subject,
        name=name,
    )


def _claim(message_id: int) -> bool:
    """queued → sending, attempts + 1, committed before the network call."""
    with database.atomic():
        n = (
            MessageRow.update(status="sending", attempts=MessageRow.attempts + 1)
            .where((MessageRow.id == message_id) & (MessageRow.status == "queued"))
            .execute()
        )
    return n == 1


def _finish(message_id: int, **values: Any) -> None:
    with database.atomic():
        MessageRow.update(**values).where(MessageRow.id == message_id).execute()


def _due(channels: Iterable[str], ids: Sequence[int] | None, now: dt.datetime):
    q = MessageRow.select().where(
        (MessageRow.status == "queued")
        & MessageRow.channel.in_(list(channels))
        & (MessageRow.next_attempt_at.is_null() | (MessageRow.next_attempt_at <= now))
    )
    if ids is not None:
        q = q.where(MessageRow.id.in_(list(ids)))
    return list(q.order_by(MessageRow.id))


def _next_retry(channels: Iterable[str], ids: Sequence[int] | None) -> dt.datetime | None:
    q = MessageRow.select(MessageRow.next_attempt_at).where(
        (MessageRow.status == "queued")
        & MessageRow.channel.in_(list(channels))
        & MessageRow.next_attempt_at.is_null(False)
    )
    if ids is not None:
        q = q.where(MessageRow.id.in_(list(ids)))
    row = q.order_by(MessageRow.next_attempt_at).first()
    return row.next_attempt_at if row is not None else None


def deliver(
    channels: Mapping[str, Channel],
    *,
    ids: Sequence[int] | None = None,
    timer: Timer | None = None,
    pacer: Pacer | None = None,
    wait_for_retries: bool = True,
    s: dict | None = None,
    on_sent: Callable[[int, str], None] | None = None,
) -> Report:
    """Send every queued message (or those of ``ids``) whose channel is in ``channels``, within
    the rate limits, retrying failures with backoff. ``wait_for_retries``: wait (through the
    timer) for scheduled retries before returning; False leaves them queued for a later run.
    Closes every channel at the end (a call list is written then)."""
    s = s if s is not None else load_settings()
    timer = timer or SystemTimer()
    pacer = pacer or Pacer.from_settings(s, timer)
    report = Report()
    try:
        while True:
            due = _due(channels, ids, clock.now())
            if not due:
                nxt = _next_retry(channels, ids)
                if nxt is None or not wait_for_retries:
                    if nxt is not None:
                        report.retry_later = [
                            r.id
                            for r in MessageRow.select(MessageRow.id).where(
                                (MessageRow.status == "queued") & MessageRow.channel.in_(list(channels))
                            )
                            if ids is None or r.id in ids
                        ]
                    break
                timer.sleep(max((nxt - clock.now()).total_seconds(), 0.0) or 0.001)
                continue
            names = {
                c.id: c.name
                for c in Customer.select(Customer.id, Customer.name).where(
                    Customer.id.in_([r.customer_id for r in due])
                )
            }
            for row in due:
                _attempt(row, channels[row.channel], pacer, s, report, names.get(row.customer_id, ""), on_sent)
    finally:
        for ch in channels.values():
            ch.close()
    return report


def _attempt(row: MessageRow, channel: Channel, pacer: Pacer, s: dict, report: Report, name: str, on_sent) -> None:
    if not _claim(row.id):
        return  # another sender took it
    attempts = row.attempts + 1
    pacer.acquire(row.channel)
    report.attempts += 1
    try:
        receipt = channel.send(_message(row, name))
    except SendFailed as exc:
        if exc.retry and attempts < s["max_attempts"]:
            delay = s["retry_seconds"] * 2 ** (attempts - 1)
            _finish(
                row.id,
                status="queued",
                last_error=exc.reason,
                next_attempt_at=clock.now() + dt.timedelta(seconds=math.ceil(delay)),
            )
            log.info("message %s: attempt %s failed (%s), retry in %s s", row.id, attempts, exc.reason, delay)
        else:
            _finish(row.id, status="failed", last_error=exc.reason)
            report.failed.append(row.id)
            log.warning("message %s failed after %s attempt(s): %s", row.id, attempts, exc.reason)
        return
    except OutcomeUnknown as exc:
        _finish(row.id, status="unknown", last_error=str(exc))
        report.unknown.append(row.id)
        log.warning("message %s: outcome unknown, not resent automatically: %s", row.id, exc)
        return
    except Exception as exc:
        # our own fault after the claim: the request may have left; never resend it on our own
        _finish(row.id, status="unknown", last_error=f"{type(exc).__name__}: {exc}")
        report.unknown.append(row.id)
        log.exception("message %s: unexpected error while sending", row.id)
        return
    _finish(row.id, status="sent", provider_id=receipt.provider_id, sent_at=clock.now(), last_error="")
    report.sent.append(row.id)
    report.receipts[row.id] = receipt.provider_id or receipt.detail
    if on_sent is not None:
        on_sent(row.id, receipt.detail)


def resolve(message_id: int, status: str) -> None:
    """The owner settles a message whose outcome is unknown (or stuck in ``sending`` after a
    crash): ``sent`` (the customer got it), ``failed``, or ``queued`` to send it again (the
    owner's decision that a duplicate is acceptable). Audited."""
    from shopcrm.trust import audit, security

    security.require_owner("settings")
    if status not in ("sent", "failed", "queued"):
        raise FieldError("status", "send.v.setting", value=status, reason="sent, failed or queued")
    with database.atomic():
        row = MessageRow.get_by_id(message_id)
        if row.status not in ("unknown", "sending"):
            raise FieldError("status", "send.v.resolve", id=message_id, status=row.status)
        MessageRow.update(status=status, next_attempt_at=None).where(MessageRow.id == message_id).execute()
        audit.log("settings", customer_id=row.customer_id, detail=f"message {message_id} {row.status} -> {status}")


class _Typed:
    """A credential store that answers with values typed into a form over the stored ones (a
    test send before saving); it writes nothing."""

    def __init__(self, base: CredentialStore, typed: Mapping[str, Mapping[str, str]]) -> None:
        self.base, self.typed = base, typed

    def get(self, name: str) -> dict[str, str] | None:
        found = {**(self.base.get(name) or {}), **{k: v for k, v in self.typed.get(name, {}).items() if v}}
        return found or None

    def set(self, name: str, values: dict[str, str]) -> None:
        raise PermissionError("a test send stores nothing")

    def delete(self, name: str) -> None:
        raise PermissionError("a test send stores nothing")

    def describe(self) -> str:
        return self.base.describe()


def send_test(
    channel: str,
    address: str,
    *,
    text: str = "",
    s: dict | None = None,
    typed: Mapping[str, Mapping[str, str]] | None = None,
    store: CredentialStore | None = None,
) -> Receipt:
    """Send one service message to ``address`` (the owner's own mobile or mailbox, not a
    customer) through ``channel`` (sms / email) as set up in ``s`` (default: the saved settings)
    with the stored secrets, or those ``typed`` for an entry ({"sms.aliyun": {...}}). Owner
    only; audited (not in the message log: it has no customer). Returns the provider's receipt;
    raises FieldError (not set up, bad address), SendFailed (the provider's refusal) or
    OutcomeUnknown."""
    from shopcrm.trust import audit, security

    security.require_owner("settings")
    if channel not in ("sms", "email"):
        raise FieldError("channel", "send.v.test_channel", value=channel)
    s = SETTINGS.validate(copy.deepcopy(s)) if s is not None else load_settings()
    address = address.strip()
    ok = "@" in address.strip("@") if channel == "email" else address.lstrip("+").isdigit() and len(address) >= 5
    if not ok:
        raise FieldError("test_address", "send.v.test_address", value=address)
    text = text or t("send.test_text", shop=settings.shop_name() or "ShopCRM")
    params = {s["sms"]["text_param"]: text} if channel == "sms" else {}
    ch = channel_for(channel, store=_Typed(store or default_store(), typed or {}), s=s)
    msg = Message(
        customer_id=0,
        address=address,
        text=text,
        template_id=s["sms"]["template"] if channel == "sms" else "",
        params=params,
        subject=shop_subject() if channel == "email" else "",
    )
    try:
        receipt = ch.send(msg)
    except (SendFailed, OutcomeUnknown) as exc:
        audit.log("settings", detail=f"test {channel}: {type(exc).__name__} {exc}"[:200])
        raise
    finally:
        ch.close()
    audit.log("settings", detail=f"test {channel}: sent {receipt.provider_id}"[:200])
    return receipt


@dataclass(frozen=True)
class Unresolved:
    """A message whose outcome is unknown (or stuck sending), for the owner to settle."""

    id: int
    customer_id: int
    customer_name: str
    channel: str
    address: str
    text: str
    status: str
    created_at: dt.datetime
    attempts: int
    last_error: str
    campaign_id: int | None


def unresolved(campaign_id: int | None = None, limit: int = 500) -> list[Unresolved]:
    """Messages with status ``unknown`` or ``sending`` (of one campaign when given), oldest first."""
    q = (
        MessageRow.select(MessageRow, Customer.name)
        .join(Customer)
        .where(MessageRow.status.in_(["unknown", "sending"]))
        .order_by(MessageRow.id)
        .limit(limit)
    )
    if campaign_id is not None:
        q = q.where(MessageRow.campaign_id == campaign_id)
    return [
        Unresolved(
            r.id,
            r.customer_id,
            r.customer.name,
            r.channel,
            r.address,
            r.text or r.template_id,
            r.status,
            r.created_at,
            r.attempts,
            r.last_error or "",
            r.campaign_id,
        )
        for r in q
    ]


def log_for(customer_id: int) -> list[MessageRow]:
    """A customer's messages, newest first (the archive's 联系 page can show them)."""
    return list(
        MessageRow.select()
        .where(MessageRow.customer == customer_id)
        .order_by(MessageRow.created_at.desc(), MessageRow.id.desc())
    )


def counts(campaign_id: int | None = None) -> dict[str, int]:
    """Messages per status (of one campaign when given)."""
    where, params = ("WHERE campaign_id = ?", (campaign_id,)) if campaign_id is not None else ("", ())
    rows = database.execute_sql(f"SELECT status, COUNT(*) FROM message {where} GROUP BY status", params)
    return {status: n for status, n in rows.fetchall()}


def shop_subject() -> str:
    return t("send.subject", shop=settings.shop_name() or "ShopCRM")
