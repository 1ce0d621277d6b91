"""Servers on 127.0.0.1 that speak each provider's protocol, for tests/campaigns.

The SMS servers VERIFY every request's signature by recomputing it from the request they received
with the secret they were given, following each provider's published algorithm, written here
independently of shopcrm.campaigns.channels (a shared mistake cannot pass both). A request with a
wrong signature gets the provider's own refusal. Each server answers from a script of outcomes
("ok", "throttle", "fail", "drop": close the connection without answering), then "ok"."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import socket
import threading
import urllib.parse
from collections.abc import Callable
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

UNRESERVED = set(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~")


def pop_encode(text: str) -> str:
    """Alibaba's percent encoding, byte by byte: unreserved bytes stay, all others %XX (upper)."""
    return "".join(chr(b) if b in UNRESERVED else f"%{b:02X}" for b in text.encode("utf-8"))


def aliyun_expected_signature(params: dict[str, str], secret: str) -> str:
    pairs = sorted((pop_encode(k), pop_encode(v)) for k, v in params.items() if k != "Signature")
    canonical = "&".join(f"{k}={v}" for k, v in pairs)
    to_sign = "GET&" + pop_encode("/") + "&" + pop_encode(canonical)
    mac = hmac.new(f"{secret}&".encode(), to_sign.encode(), "sha1")
    return base64.b64encode(mac.digest()).decode()


def tc3_expected_authorization(headers, body: bytes, secret_id: str, secret_key: str) -> str:
    import datetime as dt

    ts = int(headers["X-TC-Timestamp"])
    day = dt.datetime.fromtimestamp(ts, dt.UTC).date().isoformat()
    content_type = headers["Content-Type"]
    host = headers["Host"]
    canonical = "\n".join(
        [
            "POST",
            "/",
            "",
            f"content-type:{content_type}\nhost:{host}\n",
            "content-type;host",
            hashlib.sha256(body).hexdigest(),
        ]
    )
    scope = f"{day}/sms/tc3_request"
    to_sign = "\n".join(["TC3-HMAC-SHA256", str(ts), scope, hashlib.sha256(canonical.encode()).hexdigest()])

    def step(key: bytes, msg: str) -> bytes:
        return hmac.new(key, msg.encode(), hashlib.sha256).digest()

    k = step(step(step(b"TC3" + secret_key.encode(), day), "sms"), "tc3_request")
    sig = hmac.new(k, to_sign.encode(), hashlib.sha256).hexdigest()
    return f"TC3-HMAC-SHA256 Credential={secret_id}/{scope}, SignedHeaders=content-type;host, Signature={sig}"


class _Server:
    """A ThreadingHTTPServer on 127.0.0.1:random with a script of outcomes and a request log."""

    def __init__(self, key_id: str, secret: str, script: list[str] | None = None):
        self.key_id = key_id
        self.secret = secret
        self.script = list(script or [])
        self.requests: list[dict] = []
        self.bad_signatures = 0
        self.on_request: Callable[[], None] | None = None
        self.lock = threading.Lock()
        self.release = threading.Event()  # a "hang" outcome answers only once this is set
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep pytest's output clean
                pass

            def do_GET(self):
                server.handle(self)

            def do_POST(self):
                server.handle(self)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(5)

    def next_outcome(self) -> str:
        with self.lock:
            return self.script.pop(0) if self.script else "ok"

    def answer(self, handler, status: int, body: dict) -> None:
        raw = json.dumps(body, ensure_ascii=False).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(raw)))
        handler.end_headers()
        handler.wfile.write(raw)

    def handle(self, handler) -> None:
        raise NotImplementedError


class FakeAliyun(_Server):
    """Alibaba Cloud SMS SendSms (RPC, GET, HMAC-SHA1)."""

    def handle(self, handler) -> None:
        query = urllib.parse.urlsplit(handler.path).query
        params = dict(urllib.parse.parse_qsl(query, keep_blank_values=True))
        if self.on_request:
            self.on_request()
        with self.lock:
            self.requests.append(params)
        if params.get("AccessKeyId") != self.key_id:
            return self.answer(handler, 404, {"Code": "InvalidAccessKeyId.NotFound", "Message": "no such key"})
        if params.get("Signature") != aliyun_expected_signature(params, self.secret):
            self.bad_signatures += 1
            return self.answer(handler, 400, {"Code": "SignatureDoesNotMatch", "Message": "signature"})
        outcome = self.next_outcome()
        if outcome == "drop":
            handler.close_connection = True
            handler.connection.shutdown(socket.SHUT_RDWR)
            return None
        if outcome == "hang":  # took the request, answers too late (after the client gave up)
            self.release.wait(10)
            handler.close_connection = True
            return None
        if outcome == "throttle":
            return self.answer(
                handler, 200, {"Code": "isv.BUSINESS_LIMIT_CONTROL", "Message": "触发流控", "RequestId": "r"}
            )
        if outcome == "fail":
            return self.answer(
                handler, 200, {"Code": "isv.MOBILE_NUMBER_ILLEGAL", "Message": "非法手机号", "RequestId": "r"}
            )
        if outcome == "busy":
            return self.answer(handler, 503, {"Code": "ServiceUnavailable", "Message": "busy", "RequestId": "r"})
        n = len(self.requests)
        return self.answer(handler, 200, {"Code": "OK", "Message": "OK", "BizId": f"biz-{n}", "RequestId": f"req-{n}"})


class FakeTencent(_Server):
    """Tencent Cloud SMS SendSms (API 3.0, POST JSON, TC3-HMAC-SHA256)."""

    def __init__(self, key_id: str, secret: str, script: list[str] | None = None, failing_numbers=()):
        super().__init__(key_id, secret, script)
        self.failing_numbers = set(failing_numbers)

    def handle(self, handler) -> None:
        length = int(handler.headers.get("Content-Length", 0))
        body = handler.rfile.read(length)
        if self.on_request:
            self.on_request()
        payload = json.loads(body)
        with self.lock:
            self.requests.append({"headers": dict(handler.headers), "body": payload})
        h = handler.headers
        if (
            h.get("X-TC-Action") != "SendSms"
            or h.get("X-TC-Version") != "2021-01-11"
            or h.get("Authorization") != tc3_expected_authorization(h, body, self.key_id, self.secret)
        ):
            self.bad_signatures += 1
            err = {"Code": "AuthFailure.SignatureFailure", "Message": "signature"}
            return self.answer(handler, 200, {"Response": {"Error": err, "RequestId": "r"}})
        outcome = self.next_outcome()
        if outcome == "drop":
            handler.close_connection = True
            handler.connection.shutdown(socket.SHUT_RDWR)
            return None
        if outcome == "throttle":
            err = {"Code": "RequestLimitExceeded", "Message": "too many"}
            return self.answer(handler, 200, {"Response": {"Error": err, "RequestId": "r"}})
        statuses = []
        for i, number in enumerate(payload["PhoneNumberSet"]):
            if number in self.failing_numbers:
                statuses.append(
                    {
                        "PhoneNumber": number,
                        "Code": "InvalidParameterValue.IncorrectPhoneNumber",
                        "Message": "bad number",
                        "SerialNo": "",
                        "Fee": 0,
                    }
                )
            else:
                statuses.append(
                    {
                        "PhoneNumber": number,
                        "Code": "Ok",
                        "Message": "send success",
                        "SerialNo": f"serial-{len(self.requests)}-{i}",
                        "Fee": 1,
                    }
                )
        return self.answer(handler, 200, {"Response": {"SendStatusSet": statuses, "RequestId": "r"}})


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Mailbox:
    """An aiosmtpd server on 127.0.0.1 keeping what it receives; ``refuse_first`` DATA commands
    answer 451 (try again later) first."""

    def __init__(self, refuse_first: int = 0, **smtp_options):
        from aiosmtpd.controller import Controller

        self.received: list = []
        self.data_commands = 0
        self.refuse_first = refuse_first
        box = self

        class Handler:  # aiosmtpd's handler protocol
            async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
                box.data_commands += 1
                if box.data_commands <= box.refuse_first:
                    return "451 4.3.0 try again later"
                mail = message_from_bytes(envelope.original_content or envelope.content, policy=policy.default)
                box.received.append((envelope.mail_from, list(envelope.rcpt_tos), mail))
                return "250 OK"

        self.port = free_port()
        self.logins: list[tuple[bytes, bytes]] = []
        if smtp_options.pop("password", None) is not None:
            smtp_options["authenticator"] = box._authenticate
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port, **smtp_options)

    def _authenticate(self, server, session, envelope, mechanism, auth_data):
        from aiosmtpd.smtp import AuthResult

        self.logins.append((auth_data.login, auth_data.password))
        return AuthResult(success=(auth_data.login, auth_data.password) == (b"shop@example.cn", b"mail-pass"))

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()


class FakeTimer:
    """Elapsed time that moves only when someone waits; waiting also moves the shop's clock."""

    def __init__(self):
        self.t = 0.0
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        return self.t

    def sleep(self, seconds: float) -> None:
        import datetime as dt
        import math

        from shopcrm.core import clock

        self.sleeps.append(seconds)
        self.t += seconds
        clock.advance(dt.timedelta(seconds=math.ceil(seconds)))
