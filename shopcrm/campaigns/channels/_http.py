"""One HTTP exchange with a provider, telling "never left" from "sent, no answer".

``http.client`` separates connecting from sending, which ``urllib`` does not: an error while
connecting means the provider saw nothing (safe to retry); an error after the request was written
means it may have acted on it (:class:`OutcomeUnknown`, never retried automatically)."""

from __future__ import annotations

import http.client
import logging
import urllib.parse
from dataclasses import dataclass

from shopcrm.campaigns.channels import OutcomeUnknown, SendFailed

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 10.0  # seconds for connecting and for the answer


@dataclass(frozen=True)
class Endpoint:
    """A provider's base URL split once: ``https://dysmsapi.aliyuncs.com`` or, in tests,
    ``http://127.0.0.1:PORT``."""

    scheme: str
    host: str  # what the Host header carries (with a port when one was given)
    hostname: str
    port: int | None

    @classmethod
    def parse(cls, base_url: str) -> Endpoint:
        u = urllib.parse.urlsplit(base_url)
        if u.scheme not in ("http", "https") or not u.hostname:
            raise ValueError(f"not an http(s) base URL: {base_url!r}")
        return cls(u.scheme, u.netloc, u.hostname, u.port)


def exchange(
    endpoint: Endpoint,
    method: str,
    target: str,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> tuple[int, bytes]:
    """(status, body) of one request. Raises SendFailed(retry=True) when the connection could not
    be made, OutcomeUnknown when the request was written but no complete answer came."""
    cls = http.client.HTTPSConnection if endpoint.scheme == "https" else http.client.HTTPConnection
    conn = cls(endpoint.hostname, endpoint.port, timeout=timeout)
    try:
        try:
            conn.connect()
        except OSError as exc:  # refused, unreachable, DNS, TLS handshake: nothing was sent
            log.warning("cannot connect to %s: %s", endpoint.host, exc)
            raise SendFailed(f"cannot connect to {endpoint.host}: {exc}", retry=True) from exc
        try:
            conn.request(method, target, body=body, headers=headers or {})
            resp = conn.getresponse()
            return resp.status, resp.read()
        except (OSError, http.client.HTTPException) as exc:
            log.warning("no answer from %s after sending: %s", endpoint.host, exc)
            raise OutcomeUnknown(f"no answer from {endpoint.host} after sending: {exc}") from exc
    finally:
        conn.close()
