"""Alibaba Cloud SMS (短信服务) ``SendSms``, RPC style, API version 2017-05-25.

The request is a GET whose query carries the common parameters and the action's own, signed as
Alibaba Cloud documents its RPC signature (SignatureVersion 1.0):

1. percent-encode every name and value (UTF-8; ``A-Z a-z 0-9 - _ . ~`` stay, space is ``%20``,
   ``*`` is ``%2A``, ``~`` stays), sort by name, join as ``name=value`` with ``&``;
2. StringToSign = ``GET&%2F&`` + percentEncode(that canonicalized query);
3. Signature = Base64(HMAC-SHA1(key = AccessKeySecret + "&", StringToSign)).

``tests/campaigns/test_signatures.py`` checks this against the document's worked example
(AccessKeySecret ``testSecret`` → ``zJDF+Lrzhj/ThnlvIToysFRq6t4=``).

The answer is JSON: ``{"Code": "OK", "BizId": …}`` when accepted; throttling codes
(``isv.BUSINESS_LIMIT_CONTROL`` …) raise :class:`RateLimited`.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import logging
import urllib.parse
import uuid
from collections.abc import Callable, Mapping

from shopcrm.campaigns.channels import Message, RateLimited, Receipt, SendFailed, utc_now
from shopcrm.campaigns.channels._http import DEFAULT_TIMEOUT, Endpoint, exchange

log = logging.getLogger(__name__)

BASE_URL = "https://dysmsapi.aliyuncs.com"
VERSION = "2017-05-25"

# codes that mean "not now" (flow control per number / per account, the service being busy)
THROTTLED = {
    "isv.BUSINESS_LIMIT_CONTROL",
    "isv.DAY_LIMIT_CONTROL",
    "Throttling",
    "Throttling.User",
    "Throttling.Api",
}
TRANSIENT = {"ServiceUnavailable", "InternalError", "isp.SYSTEM_ERROR"}


def percent_encode(value: str) -> str:
    """Alibaba Cloud's POP encoding: RFC 3986 unreserved characters stay, all else is %XX."""
    return urllib.parse.quote(value, safe="~")


def canonicalized_query(params: Mapping[str, str]) -> str:
    return "&".join(f"{percent_encode(k)}={percent_encode(v)}" for k, v in sorted(params.items()))


def string_to_sign(params: Mapping[str, str], method: str = "GET") -> str:
    return f"{method}&{percent_encode('/')}&{percent_encode(canonicalized_query(params))}"


def signature(params: Mapping[str, str], access_key_secret: str, method: str = "GET") -> str:
    """The RPC signature of ``params`` (which must not contain ``Signature`` itself)."""
    digest = hmac.new(
        (access_key_secret + "&").encode("utf-8"), string_to_sign(params, method).encode("utf-8"), hashlib.sha1
    ).digest()
    return base64.b64encode(digest).decode("ascii")


class AliyunSms:
    """``AliyunSms(access_key_id, access_key_secret, sign_name=…)``; ``message.template_id``
    (or ``template_code``) names an approved template (SMS_…), ``message.params`` its
    variables (``${name}``)."""

    name = "sms"
    supports_idempotency = False  # OutId is echoed back, not deduplicated

    def __init__(
        self,
        access_key_id: str,
        access_key_secret: str,
        *,
        sign_name: str,
        template_code: str = "",
        base_url: str = BASE_URL,
        region: str = "cn-hangzhou",
        timeout: float = DEFAULT_TIMEOUT,
        utcnow: Callable[[], dt.datetime] = utc_now,
        nonce: Callable[[], str] = lambda: uuid.uuid4().hex,
    ) -> None:
        self.access_key_id = access_key_id
        self._secret = access_key_secret
        self.sign_name = sign_name
        self.template_code = template_code
        self.endpoint = Endpoint.parse(base_url)
        self.region = region
        self.timeout = timeout
        self._utcnow = utcnow
        self._nonce = nonce

    def __repr__(self) -> str:  # never the secret
        return f"AliyunSms({self.access_key_id!r}, sign_name={self.sign_name!r}, host={self.endpoint.host!r})"

    def params(self, message: Message) -> dict[str, str]:
        template = message.template_id or self.template_code
        if not template:
            raise SendFailed("no SMS template code (TemplateCode) configured", retry=False, code="template")
        p = {
            "AccessKeyId": self.access_key_id,
            "Action": "SendSms",
            "Format": "JSON",
            "RegionId": self.region,
            "SignatureMethod": "HMAC-SHA1",
            "SignatureNonce": self._nonce(),
            "SignatureVersion": "1.0",
            "Timestamp": self._utcnow().strftime("%Y-%m-%dT%H:%M:%SZ"),
            "Version": VERSION,
            "PhoneNumbers": message.address,
            "SignName": self.sign_name,
            "TemplateCode": template,
        }
        if message.params:
            p["TemplateParam"] = json.dumps(dict(message.params), ensure_ascii=False, separators=(",", ":"))
        if message.idempotency_key:
            p["OutId"] = message.idempotency_key[:256]
        return p

    def send(self, message: Message) -> Receipt:
        p = self.params(message)
        p["Signature"] = signature(p, self._secret)
        target = "/?" + "&".join(f"{percent_encode(k)}={percent_encode(v)}" for k, v in p.items())
        status, body = exchange(self.endpoint, "GET", target, timeout=self.timeout)
        try:
            answer = json.loads(body.decode("utf-8"))
            code = str(answer.get("Code", ""))
        except (ValueError, AttributeError) as exc:
            log.warning("Alibaba Cloud SMS answered HTTP %s with no JSON: %r", status, body[:200])
            raise SendFailed(f"HTTP {status}: unreadable answer", retry=status >= 500) from exc
        if code == "OK":
            return Receipt(provider_id=str(answer.get("BizId", "")), detail=str(answer.get("RequestId", "")))
        reason = f"{code}: {answer.get('Message', '')}"
        if code in THROTTLED:
            raise RateLimited(reason, code=code)
        raise SendFailed(reason, retry=code in TRANSIENT or status >= 500, code=code)

    def close(self) -> None:
        pass
