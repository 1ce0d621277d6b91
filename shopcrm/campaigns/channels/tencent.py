"""Tencent Cloud SMS (短信) ``SendSms``, API 3.0, version 2021-01-11, signed with TC3-HMAC-SHA256.

Signing, as Tencent Cloud's "Signature v3" document describes:

1. CanonicalRequest = ``POST\\n/\\n\\n`` + CanonicalHeaders (``content-type:…\\nhost:…\\n``) + ``\\n``
   + SignedHeaders (``content-type;host``) + ``\\n`` + hex(SHA256(payload));
2. StringToSign = ``TC3-HMAC-SHA256\\n`` + timestamp + ``\\n`` + CredentialScope
   (``YYYY-MM-DD/sms/tc3_request``, the UTC date of the timestamp) + ``\\n`` + hex(SHA256(CanonicalRequest));
3. SecretDate = HMAC-SHA256("TC3" + SecretKey, date), SecretService = HMAC-SHA256(SecretDate,
   service), SecretSigning = HMAC-SHA256(SecretService, "tc3_request"); Signature =
   hex(HMAC-SHA256(SecretSigning, StringToSign));
4. ``Authorization: TC3-HMAC-SHA256 Credential=SecretId/CredentialScope, SignedHeaders=…,
   Signature=…`` beside ``X-TC-Action``, ``X-TC-Version``, ``X-TC-Timestamp``, ``X-TC-Region``.

``tests/campaigns/test_signatures.py`` checks this against the document's worked example
(signature ``72e494ea…5168``). The timestamp must be within five minutes of Tencent's clock.

The answer lists one ``SendStatusSet`` entry per number (Code ``Ok``, SerialNo): a receipt per
number (:meth:`TencentSms.send_many`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from shopcrm.campaigns.channels import Message, RateLimited, Receipt, SendFailed, utc_now
from shopcrm.campaigns.channels._http import DEFAULT_TIMEOUT, Endpoint, exchange

log = logging.getLogger(__name__)

BASE_URL = "https://sms.tencentcloudapi.com"
SERVICE = "sms"
VERSION = "2021-01-11"
ALGORITHM = "TC3-HMAC-SHA256"
CONTENT_TYPE = "application/json; charset=utf-8"

TRANSIENT = {"InternalError", "InternalError.Timeout", "InternalError.RequestTimeException", "FailedOperation.Busy"}


def _hmac(key: bytes, msg: str) -> bytes:
    return hmac.new(key, msg.encode("utf-8"), hashlib.sha256).digest()


def sha256_hex(data: bytes | str) -> str:
    return hashlib.sha256(data.encode("utf-8") if isinstance(data, str) else data).hexdigest()


def canonical_request(payload: bytes, host: str, content_type: str = CONTENT_TYPE) -> str:
    headers = f"content-type:{content_type}\nhost:{host}\n"
    return f"POST\n/\n\n{headers}\ncontent-type;host\n{sha256_hex(payload)}"


def credential_scope(timestamp: int, service: str = SERVICE) -> str:
    date = dt.datetime.fromtimestamp(timestamp, dt.UTC).strftime("%Y-%m-%d")
    return f"{date}/{service}/tc3_request"


def string_to_sign(canonical: str, timestamp: int, service: str = SERVICE) -> str:
    return f"{ALGORITHM}\n{timestamp}\n{credential_scope(timestamp, service)}\n{sha256_hex(canonical)}"


def signature(secret_key: str, to_sign: str, timestamp: int, service: str = SERVICE) -> str:
    date = credential_scope(timestamp, service).split("/")[0]
    secret_date = _hmac(("TC3" + secret_key).encode("utf-8"), date)
    secret_service = _hmac(secret_date, service)
    secret_signing = _hmac(secret_service, "tc3_request")
    return hmac.new(secret_signing, to_sign.encode("utf-8"), hashlib.sha256).hexdigest()


def authorization(
    secret_id: str, secret_key: str, payload: bytes, host: str, timestamp: int, service: str = SERVICE
) -> str:
    to_sign = string_to_sign(canonical_request(payload, host), timestamp, service)
    sig = signature(secret_key, to_sign, timestamp, service)
    scope = credential_scope(timestamp, service)
    return f"{ALGORITHM} Credential={secret_id}/{scope}, SignedHeaders=content-type;host, Signature={sig}"


def e164(mobile: str) -> str:
    """A mainland mobile as Tencent wants it: +86 and 11 digits (an explicit +CC is kept)."""
    m = mobile.strip().replace(" ", "")
    return m if m.startswith("+") else "+86" + m


def template_values(params: dict[str, str] | None) -> list[str]:
    """TemplateParamSet is positional ({1}, {2}…): keys "1", "2"… in order, else insertion order."""
    if not params:
        return []
    keys = list(params)
    if all(k.isdigit() for k in keys):
        keys.sort(key=int)
    return [str(params[k]) for k in keys]


@dataclass(frozen=True)
class NumberResult:
    """One number's outcome within a SendSms call: a receipt, or the error it got."""

    address: str
    receipt: Receipt | None
    error: SendFailed | None


class TencentSms:
    name = "sms"
    supports_idempotency = False  # SessionContext is echoed back, not deduplicated

    def __init__(
        self,
        secret_id: str,
        secret_key: str,
        *,
        sdk_app_id: str,
        sign_name: str,
        template_id: str = "",
        base_url: str = BASE_URL,
        region: str = "ap-guangzhou",
        timeout: float = DEFAULT_TIMEOUT,
        utcnow: Callable[[], dt.datetime] = utc_now,
    ) -> None:
        self.secret_id = secret_id
        self._secret = secret_key
        self.sdk_app_id = sdk_app_id
        self.sign_name = sign_name
        self.template_id = template_id
        self.endpoint = Endpoint.parse(base_url)
        self.region = region
        self.timeout = timeout
        self._utcnow = utcnow

    def __repr__(self) -> str:  # never the secret
        return f"TencentSms({self.secret_id!r}, app={self.sdk_app_id!r}, host={self.endpoint.host!r})"

    def send(self, message: Message) -> Receipt:
        (result,) = self.send_many([message])
        if result.error is not None:
            raise result.error
        assert result.receipt is not None
        return result.receipt

    def send_many(self, messages: Sequence[Message]) -> list[NumberResult]:
        """One SendSms call for up to 200 numbers sharing the first message's template and
        parameters; a result per number, in order. A failure of the whole call raises."""
        if not messages:
            return []
        first = messages[0]
        template = first.template_id or self.template_id
        if not template:
            raise SendFailed("no SMS template (TemplateId) configured", retry=False, code="template")
        numbers = [e164(m.address) for m in messages]
        body = {
            "PhoneNumberSet": numbers,
            "SmsSdkAppId": self.sdk_app_id,
            "SignName": self.sign_name,
            "TemplateId": template,
            "TemplateParamSet": template_values(dict(first.params)),
            "SessionContext": first.idempotency_key,
        }
        payload = json.dumps(body, ensure_ascii=False).encode("utf-8")
        timestamp = int(self._utcnow().timestamp())
        headers = {
            "Authorization": authorization(self.secret_id, self._secret, payload, self.endpoint.host, timestamp),
            "Content-Type": CONTENT_TYPE,
            "Host": self.endpoint.host,
            "X-TC-Action": "SendSms",
            "X-TC-Version": VERSION,
            "X-TC-Timestamp": str(timestamp),
            "X-TC-Region": self.region,
        }
        status, raw = exchange(self.endpoint, "POST", "/", payload, headers, timeout=self.timeout)
        try:
            answer = json.loads(raw.decode("utf-8"))["Response"]
        except (ValueError, KeyError, TypeError) as exc:
            log.warning("Tencent Cloud SMS answered HTTP %s with no JSON: %r", status, raw[:200])
            raise SendFailed(f"HTTP {status}: unreadable answer", retry=status >= 500) from exc
        if "Error" in answer:
            code = str(answer["Error"].get("Code", ""))
            reason = f"{code}: {answer['Error'].get('Message', '')}"
            if code == "RequestLimitExceeded" or code.startswith("LimitExceeded"):
                raise RateLimited(reason, code=code)
            raise SendFailed(reason, retry=code in TRANSIENT or status >= 500, code=code)
        by_number = {str(s.get("PhoneNumber", "")): s for s in answer.get("SendStatusSet", [])}
        results = []
        for m, number in zip(messages, numbers, strict=True):
            s = by_number.get(number)
            if s is None:
                results.append(NumberResult(m.address, None, SendFailed("number missing from the answer", retry=False)))
                continue
            code = str(s.get("Code", ""))
            if code == "Ok":
                results.append(
                    NumberResult(m.address, Receipt(str(s.get("SerialNo", "")), str(s.get("Fee", ""))), None)
                )
                continue
            reason = f"{code}: {s.get('Message', '')}"
            error: SendFailed = (
                RateLimited(reason, code=code)
                if code.startswith("LimitExceeded")
                else SendFailed(reason, retry=code in TRANSIENT, code=code)
            )
            results.append(NumberResult(m.address, None, error))
        return results

    def close(self) -> None:
        pass
