"""Channels: one interface for every way a message leaves the shop (issue #15, "Sending").

A :class:`Channel` has ``send(message) -> Receipt``. It either returns a receipt (the provider
accepted the message; ``provider_id`` names it there) or raises one of three errors, which tell
the sender (:mod:`shopcrm.campaigns.outbox`) what may happen next:

- :class:`SendFailed` with ``retry=True``: nothing was delivered and trying again later may work
  (connection refused, throttled, the provider's 5xx); :class:`RateLimited` is one of these.
- :class:`SendFailed` with ``retry=False``: nothing was delivered and trying again will not help
  (bad number, template refused, wrong credentials).
- :class:`OutcomeUnknown`: the request left this computer but no answer came back (a timeout
  after sending, a dropped connection during SMTP DATA). The provider may have sent it. None of
  the three providers offers a way to ask "did you already send the message with key K?" (Alibaba
  Cloud's ``OutId`` and Tencent Cloud's ``SessionContext`` are echoed back, not deduplicated; an
  SMTP server has no such query), so such a message is never resent automatically: the owner
  decides (:attr:`Channel.supports_idempotency` is False for all of them).

Implementations: :class:`~shopcrm.campaigns.channels.offline.CopyChannel` and
:class:`~shopcrm.campaigns.channels.offline.CallListChannel` (a clerk sends by hand),
:class:`~shopcrm.campaigns.channels.aliyun.AliyunSms`,
:class:`~shopcrm.campaigns.channels.tencent.TencentSms` and
:class:`~shopcrm.campaigns.channels.smtp.SmtpEmail`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from shopcrm.core import clock


@dataclass(frozen=True)
class Message:
    """What to send to whom. SMS providers in China send templates only: ``template_id`` and
    ``params`` (names for Alibaba Cloud, ``{"1": …, "2": …}`` positions for Tencent Cloud);
    ``text`` is what a clerk copies, what a call list shows and an e-mail's body."""

    customer_id: int
    address: str  # a mobile (11 digits) or an e-mail address
    text: str = ""
    template_id: str = ""
    params: Mapping[str, str] = field(default_factory=dict)
    idempotency_key: str = ""
    subject: str = ""  # e-mail only
    name: str = ""  # the customer's name, for a call list


@dataclass(frozen=True)
class Receipt:
    """The provider took the message. ``provider_id``: Alibaba's BizId, Tencent's SerialNo, the
    e-mail's Message-ID; ``detail``: anything else worth logging."""

    provider_id: str = ""
    detail: str = ""


class SendFailed(Exception):
    """Nothing was delivered. ``retry``: whether trying again later may work; ``code``: the
    provider's error code when it gave one."""

    def __init__(self, reason: str, *, retry: bool, code: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry = retry
        self.code = code


class RateLimited(SendFailed):
    """The provider throttled us (Alibaba ``isv.BUSINESS_LIMIT_CONTROL``, Tencent
    ``LimitExceeded.*`` / ``RequestLimitExceeded``, SMTP 421/451): try again later."""

    def __init__(self, reason: str, *, code: str = "") -> None:
        super().__init__(reason, retry=True, code=code)


class OutcomeUnknown(Exception):
    """The request was sent but no answer came: it may or may not have been delivered."""


@runtime_checkable
class Channel(Protocol):
    """``name`` is what the message log records (copy / call_list / sms / email)."""

    name: str
    supports_idempotency: bool  # can the provider tell whether a key was already sent?

    def send(self, message: Message) -> Receipt: ...

    def close(self) -> None:
        """After a run: write what was collected (a call list), close connections."""
        ...


CHANNEL_NAMES = ("copy", "call_list", "sms", "email")


def utc_now() -> dt.datetime:
    """The providers sign with UTC time: the shop's clock (local, naive) as an aware UTC time."""
    return clock.now().astimezone(dt.UTC)
