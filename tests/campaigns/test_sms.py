"""The SMS channels against servers on 127.0.0.1 that check each provider's signature: sending,
receipts, retry without a second send, throttling, unknown outcomes, rate limits."""

from __future__ import annotations

import datetime as dt

import pytest
from fake_providers import FakeAliyun, FakeTencent, FakeTimer

from shopcrm import customers
from shopcrm.campaigns import outbox
from shopcrm.campaigns.channels import Message, RateLimited, SendFailed
from shopcrm.campaigns.channels.aliyun import AliyunSms
from shopcrm.campaigns.channels.tencent import TencentSms
from shopcrm.core import clock
from shopcrm.customers import CustomerInput
from shopcrm.store.models import Message as MessageRow

NOW = dt.datetime(2026, 11, 22, 10, 0)


@pytest.fixture
def shop(db):
    clock.set_now(NOW)
    yield db


def _member(mobile="13812345678", consent=True, name="张三") -> int:
    return customers.create(CustomerInput(name=name, mobile=mobile, consent_marketing=consent)).id


def _aliyun(server, secret="secret-a") -> AliyunSms:
    return AliyunSms("key-a", secret, sign_name="小店", template_code="SMS_100", base_url=server.url)


def _tencent(server, secret="secret-t") -> TencentSms:
    return TencentSms(
        "AKID-t", secret, sdk_app_id="1400000000", sign_name="小店", template_id="1234", base_url=server.url
    )


def _settings(**over):
    s = outbox.load_settings()
    s.update(over)
    return s


def test_aliyun_sends_through_a_server_that_checks_the_signature(shop):
    cid = _member()
    q = outbox.queue(
        cid, "sms", purpose="service", template_id="SMS_100", params={"name": "张三"}, idempotency_key="k1"
    )
    with FakeAliyun("key-a", "secret-a") as server:
        report = outbox.deliver({"sms": _aliyun(server)}, timer=FakeTimer())
    assert server.bad_signatures == 0 and len(server.requests) == 1
    p = server.requests[0]
    assert p["PhoneNumbers"] == "13812345678" and p["SignName"] == "小店" and p["TemplateCode"] == "SMS_100"
    assert p["TemplateParam"] == '{"name":"张三"}' and p["OutId"] == "k1" and p["Action"] == "SendSms"
    assert p["Timestamp"] == (NOW.astimezone(dt.UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")
    row = MessageRow.get_by_id(q.message_id)
    assert report.sent == [row.id]
    assert (row.status, row.provider_id, row.attempts, row.sent_at) == ("sent", "biz-1", 1, NOW)


def test_a_wrong_secret_is_refused_by_the_servers_check_and_not_retried(shop):
    cid = _member()
    outbox.queue(cid, "sms", purpose="service", text="x", template_id="SMS_100", idempotency_key="k")
    with FakeAliyun("key-a", "secret-a") as server:
        report = outbox.deliver({"sms": _aliyun(server, secret="wrong")}, timer=FakeTimer())
    assert server.bad_signatures == 1 and len(server.requests) == 1
    row = MessageRow.get()
    assert report.failed == [row.id] and row.status == "failed" and "SignatureDoesNotMatch" in row.last_error


def test_throttled_then_ok_is_retried_with_backoff_and_sent_once(shop):
    cid = _member()
    outbox.queue(cid, "sms", purpose="service", template_id="SMS_100", idempotency_key="k")
    timer = FakeTimer()
    with FakeAliyun("key-a", "secret-a", script=["throttle", "busy"]) as server:
        report = outbox.deliver({"sms": _aliyun(server)}, timer=timer, s=_settings(max_attempts=3, retry_seconds=30))
        assert len(server.requests) == 3  # two refusals, one success: exactly one message delivered
        row = MessageRow.get()
        assert (row.status, row.attempts, row.provider_id) == ("sent", 3, "biz-3")
        assert report.sent == [row.id] and report.attempts == 3
        assert timer.sleeps == [30, 60]  # backoff doubles
        # a second run finds nothing to send
        again = outbox.deliver({"sms": _aliyun(server)}, timer=timer)
        assert again.attempts == 0 and len(server.requests) == 3


def test_retries_stop_after_max_attempts(shop):
    cid = _member()
    outbox.queue(cid, "sms", purpose="service", template_id="SMS_100", idempotency_key="k")
    with FakeAliyun("key-a", "secret-a", script=["throttle"] * 5) as server:
        report = outbox.deliver(
            {"sms": _aliyun(server)}, timer=FakeTimer(), s=_settings(max_attempts=2, retry_seconds=5)
        )
    row = MessageRow.get()
    assert len(server.requests) == 2 and row.status == "failed" and row.attempts == 2
    assert "isv.BUSINESS_LIMIT_CONTROL" in row.last_error and report.failed == [row.id]


def test_retry_later_leaves_the_message_queued_for_the_next_run(shop):
    cid = _member()
    outbox.queue(cid, "sms", purpose="service", template_id="SMS_100", idempotency_key="k")
    with FakeAliyun("key-a", "secret-a", script=["throttle"]) as server:
        first = outbox.deliver({"sms": _aliyun(server)}, timer=FakeTimer(), wait_for_retries=False)
        row = MessageRow.get()
        assert first.retry_later == [row.id] and row.status == "queued"
        assert row.next_attempt_at == NOW + dt.timedelta(seconds=60)
        assert outbox.deliver({"sms": _aliyun(server)}, wait_for_retries=False).attempts == 0  # not due yet
        clock.advance(dt.timedelta(minutes=2))
        second = outbox.deliver({"sms": _aliyun(server)}, wait_for_retries=False)
    assert second.sent == [row.id] and len(server.requests) == 2


def test_no_answer_after_sending_is_unknown_and_never_resent(shop):
    cid = _member()
    outbox.queue(cid, "sms", purpose="service", template_id="SMS_100", idempotency_key="k")
    with FakeAliyun("key-a", "secret-a", script=["drop"]) as server:
        report = outbox.deliver({"sms": _aliyun(server)}, timer=FakeTimer())
        row = MessageRow.get()
        assert report.unknown == [row.id] and row.status == "unknown" and len(server.requests) == 1
        outbox.deliver({"sms": _aliyun(server)}, timer=FakeTimer())
        assert len(server.requests) == 1  # the provider may have sent it: no automatic second send
        outbox.resolve(row.id, "queued")  # the owner decides to send again
        outbox.deliver({"sms": _aliyun(server)}, timer=FakeTimer())
    row = MessageRow.get()
    assert row.status == "sent" and row.attempts == 2 and len(server.requests) == 2


def test_a_timeout_after_sending_is_unknown_and_never_resent(shop):
    cid = _member()
    outbox.queue(cid, "sms", purpose="service", template_id="SMS_100", idempotency_key="k")
    with FakeAliyun("key-a", "secret-a", script=["hang"]) as server:
        slow = AliyunSms("key-a", "secret-a", sign_name="小店", base_url=server.url, timeout=0.3)
        report = outbox.deliver({"sms": slow}, timer=FakeTimer())
        server.release.set()
        row = MessageRow.get()
        assert report.unknown == [row.id] and row.status == "unknown" and "no answer" in row.last_error
        outbox.deliver({"sms": slow}, timer=FakeTimer())
        assert len(server.requests) == 1 and row.attempts == 1


def test_a_server_that_is_down_means_nothing_was_sent_and_is_retried(shop):
    cid = _member()
    outbox.queue(cid, "sms", purpose="service", template_id="SMS_100", idempotency_key="k")
    with FakeAliyun("key-a", "secret-a") as server:
        url = server.url
    dead = AliyunSms("key-a", "secret-a", sign_name="小店", base_url=url)
    outbox.deliver({"sms": dead}, timer=FakeTimer(), s=_settings(max_attempts=2, retry_seconds=1))
    row = MessageRow.get()
    assert row.status == "failed" and row.attempts == 2 and "cannot connect" in row.last_error


def test_rate_limit_per_second_and_per_minute_is_respected(shop):
    ids = [_member(mobile=f"1381234{i:04d}", name=f"客{i}") for i in range(7)]
    for cid in ids:
        outbox.queue(cid, "sms", purpose="service", template_id="SMS_100", idempotency_key=f"k{cid}")
    timer = FakeTimer()
    s = _settings()
    s["sms"] = {**s["sms"], "per_second": 2, "per_minute": 5}
    with FakeAliyun("key-a", "secret-a") as server:
        stamps: list[float] = []
        server.on_request = lambda: stamps.append(timer.monotonic())
        report = outbox.deliver({"sms": _aliyun(server)}, timer=timer, s=s)
    assert len(report.sent) == 7 and len(server.requests) == 7
    for t0 in stamps:
        assert sum(1 for t in stamps if t0 <= t < t0 + 1) <= 2
        assert sum(1 for t in stamps if t0 <= t < t0 + 60) <= 5
    assert stamps[5] >= 60  # the sixth waited for the minute to pass
    assert stamps[:2] == [0.0, 0.0] and stamps[2] == 1.0


def test_tencent_sends_with_tc3_and_gives_a_receipt_per_number(shop):
    a, b = _member("13812345678"), _member("13900000000", name="李四")
    with FakeTencent("AKID-t", "secret-t", failing_numbers={"+8613900000000"}) as server:
        ch = _tencent(server)
        results = ch.send_many(
            [
                Message(a, "13812345678", template_id="1234", params={"1": "张三", "2": "中秋"}, idempotency_key="c1"),
                Message(b, "13900000000", template_id="1234", params={"1": "张三", "2": "中秋"}, idempotency_key="c1"),
            ]
        )
    assert server.bad_signatures == 0 and len(server.requests) == 1
    req = server.requests[0]
    assert req["body"]["PhoneNumberSet"] == ["+8613812345678", "+8613900000000"]
    assert req["body"]["TemplateParamSet"] == ["张三", "中秋"] and req["body"]["SmsSdkAppId"] == "1400000000"
    assert req["headers"]["X-TC-Region"] == "ap-guangzhou" and req["headers"]["X-TC-Timestamp"] == str(
        int(NOW.astimezone().timestamp())
    )
    assert results[0].receipt is not None and results[0].receipt.provider_id == "serial-1-0"
    assert results[1].receipt is None and isinstance(results[1].error, SendFailed) and not results[1].error.retry


def test_tencent_through_the_outbox_retries_a_throttle_once(shop):
    cid = _member()
    outbox.queue(cid, "sms", purpose="service", template_id="1234", params={"1": "张三"}, idempotency_key="k")
    with FakeTencent("AKID-t", "secret-t", script=["throttle"]) as server:
        outbox.deliver({"sms": _tencent(server)}, timer=FakeTimer())
    row = MessageRow.get()
    assert len(server.requests) == 2 and server.bad_signatures == 0
    assert (row.status, row.attempts, row.provider_id) == ("sent", 2, "serial-2-0")


def test_tencent_wrong_secret_fails_the_signature_check(shop):
    with FakeTencent("AKID-t", "secret-t") as server, pytest.raises(SendFailed) as caught:
        _tencent(server, secret="nope").send(Message(1, "13812345678", template_id="1234"))
    assert server.bad_signatures == 1 and caught.value.code == "AuthFailure.SignatureFailure"
    assert not caught.value.retry and not isinstance(caught.value, RateLimited)
