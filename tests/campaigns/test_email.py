"""The e-mail channel against a real SMTP server (aiosmtpd) on 127.0.0.1."""

from __future__ import annotations

import datetime as dt

import pytest
from fake_providers import FakeTimer, Mailbox, free_port

from shopcrm import customers
from shopcrm.campaigns import outbox
from shopcrm.campaigns.channels import Message
from shopcrm.campaigns.channels.smtp import SmtpEmail
from shopcrm.core import clock
from shopcrm.customers import CustomerInput
from shopcrm.store.models import Customer, Message as MessageRow


@pytest.fixture
def shop(db):
    clock.set_now(dt.datetime(2026, 11, 22, 10, 0))
    cid = customers.create(CustomerInput(name="王芳", mobile="13812345678", consent_marketing=True)).id
    Customer.update(email="wangfang@example.cn").where(Customer.id == cid).execute()
    yield cid


def _smtp(port: int) -> SmtpEmail:
    return SmtpEmail("127.0.0.1", port, sender="shop@example.cn", sender_name="花间小店", security="none", timeout=5)


def test_a_chinese_mail_arrives_with_subject_body_and_recipient(shop):
    q = outbox.queue(
        shop,
        "email",
        purpose="marketing",
        subject="中秋快乐 🌕",
        text="王芳您好：\n中秋节新品到店，欢迎光临！",
        idempotency_key="mid-autumn:1",
    )
    with Mailbox() as box:
        report = outbox.deliver({"email": _smtp(box.port)}, timer=FakeTimer())
    assert report.sent == [q.message_id] and len(box.received) == 1
    mail_from, rcpt, mail = box.received[0]
    assert mail_from == "shop@example.cn" and rcpt == ["wangfang@example.cn"]
    assert mail["Subject"] == "中秋快乐 🌕" and "花间小店" in mail["From"]
    assert mail.get_content_charset() == "utf-8"
    assert mail.get_content().replace("\r\n", "\n").strip() == "王芳您好：\n中秋节新品到店，欢迎光临！"
    row = MessageRow.get_by_id(q.message_id)
    assert row.status == "sent" and row.provider_id == mail["Message-ID"]


def test_a_451_is_retried_and_the_mail_arrives_once(shop):
    outbox.queue(shop, "email", purpose="service", subject="回访", text="您好", idempotency_key="k")
    with Mailbox(refuse_first=2) as box:
        outbox.deliver({"email": _smtp(box.port)}, timer=FakeTimer())
    row = MessageRow.get()
    assert box.data_commands == 3 and len(box.received) == 1
    assert (row.status, row.attempts) == ("sent", 3)


def test_the_message_id_follows_the_idempotency_key():
    ch = _smtp(25)
    a = ch.build(Message(1, "a@example.cn", text="x", idempotency_key="k1"))
    b = ch.build(Message(1, "a@example.cn", text="y", idempotency_key="k1"))
    assert a["Message-ID"] == b["Message-ID"] and a["Message-ID"].endswith("@example.cn>")


def test_no_server_means_nothing_sent_and_a_retryable_failure(shop):
    outbox.queue(shop, "email", purpose="service", text="x", idempotency_key="k")
    outbox.deliver({"email": _smtp(free_port())}, timer=FakeTimer(), s={**outbox.load_settings(), "max_attempts": 2})
    row = MessageRow.get()
    assert row.status == "failed" and row.attempts == 2 and "cannot reach" in row.last_error


def test_a_password_is_never_sent_without_tls():
    with pytest.raises(ValueError, match="TLS"):
        SmtpEmail("127.0.0.1", 25, sender="a@b.cn", username="a", password="p", security="none")


def test_a_customer_without_an_address_is_refused(shop, db):
    Customer.update(email="").where(Customer.id == shop).execute()
    with pytest.raises(ValueError, match="邮箱"):
        outbox.queue(shop, "email", purpose="service", text="x")


@pytest.fixture(scope="module")
def tls():
    """A certificate for 127.0.0.1 from a throw-away CA (trustme) and a client context trusting it."""
    import ssl

    import trustme

    ca = trustme.CA()
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(server)
    client = ssl.create_default_context()
    ca.configure_trust(client)
    return server, client


def _tls_smtp(port: int, security: str, client_ctx, password="mail-pass") -> SmtpEmail:
    return SmtpEmail(
        "127.0.0.1",
        port,
        sender="shop@example.cn",
        username="shop@example.cn",
        password=password,
        security=security,
        timeout=5,
        ssl_context=client_ctx,
    )


@pytest.mark.parametrize(
    ("security", "server_options"),
    [
        ("starttls", {"require_starttls": True, "auth_require_tls": True}),  # upgraded, then login
        ("ssl", {"auth_require_tls": False}),  # implicit TLS (port 465 style)
    ],
)
def test_tls_then_login_then_send(shop, tls, security, server_options):
    server_ctx, client_ctx = tls
    outbox.queue(shop, "email", purpose="service", subject="回访", text="您好", idempotency_key="k")
    context = {"tls_context": server_ctx} if security == "starttls" else {"ssl_context": server_ctx}
    with Mailbox(**context, **server_options, password="x") as box:
        report = outbox.deliver({"email": _tls_smtp(box.port, security, client_ctx)}, timer=FakeTimer())
    assert len(report.sent) == 1 and len(box.received) == 1
    assert box.logins == [(b"shop@example.cn", b"mail-pass")]


def test_a_certificate_that_is_not_trusted_is_refused(shop, tls):
    import ssl

    server_ctx, _client_ctx = tls
    outbox.queue(shop, "email", purpose="service", subject="回访", text="您好", idempotency_key="k")
    with Mailbox(ssl_context=server_ctx, auth_require_tls=False, password="x") as box:
        strict = _tls_smtp(box.port, "ssl", ssl.create_default_context())  # the system's CAs only
        outbox.deliver({"email": strict}, timer=FakeTimer(), s={**outbox.load_settings(), "max_attempts": 1})
    row = MessageRow.get()
    assert row.status == "failed" and "CERTIFICATE_VERIFY_FAILED" in row.last_error and box.received == []
