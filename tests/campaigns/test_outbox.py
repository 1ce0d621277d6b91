"""The message log: consent, the idempotency claim, copy and call-list channels, erasure."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest
from fake_providers import FakeTimer

from shopcrm import customers
from shopcrm.campaigns import outbox
from shopcrm.campaigns.channels import Channel
from shopcrm.campaigns.channels.offline import CallListChannel, CopyChannel
from shopcrm.core import clock
from shopcrm.core.errors import FieldError
from shopcrm.customers import CustomerInput
from shopcrm.store.models import Customer, Message as MessageRow
from shopcrm.trust import privacy, security

NOW = dt.datetime(2026, 11, 22, 10, 0)


@pytest.fixture
def shop(db):
    security.reset_session()
    clock.set_now(NOW)
    yield db
    security.reset_session()


def _member(mobile="13812345678", consent: bool | None = True, name="张三") -> int:
    return customers.create(CustomerInput(name=name, mobile=mobile, consent_marketing=consent)).id


def test_marketing_needs_consent_and_service_does_not(shop):
    yes, no, unknown = _member("13800000001", True), _member("13800000002", False), _member("13800000003", None)
    assert outbox.queue(yes, "copy", purpose="marketing", text="新品到店").created
    for cid in (no, unknown):
        with pytest.raises(FieldError) as caught:
            outbox.queue(cid, "copy", purpose="marketing", text="新品到店")
        assert caught.value.field == "consent" and "未同意" in caught.value.message
        # a complaint follow-up is a service message: sent without marketing consent
        assert outbox.queue(cid, "copy", purpose="service", text="您的投诉已处理，请问满意吗？").created
    assert (
        MessageRow.select().where(MessageRow.customer.in_([no, unknown]), MessageRow.purpose == "marketing").count()
        == 0
    )
    with pytest.raises(FieldError):
        outbox.queue(yes, "copy", purpose="promotion", text="x")


def test_deleted_customers_get_nothing(shop):
    cid = _member()
    Customer.update(deleted_at=NOW).where(Customer.id == cid).execute()
    with pytest.raises(FieldError, match="删除"):
        outbox.queue(cid, "copy", purpose="service", text="x")


def test_the_same_key_is_claimed_once_and_a_rerun_sends_nothing_new(shop):
    a, b = _member("13800000001"), _member("13800000002", name="李四")
    copy = CopyChannel()

    def campaign_run():
        for cid in (a, b):
            outbox.queue(
                cid, "copy", purpose="marketing", text="中秋快乐", campaign_id=7, idempotency_key=f"campaign:7:{cid}"
            )
        return outbox.deliver({"copy": copy}, timer=FakeTimer())

    first = campaign_run()
    assert len(first.sent) == 2 and len(copy.copied) == 2
    second = campaign_run()
    assert second.attempts == 0 and len(copy.copied) == 2
    assert MessageRow.select().count() == 2 and outbox.counts(campaign_id=7) == {"sent": 2}
    again = outbox.queue(a, "copy", purpose="marketing", text="中秋快乐", idempotency_key=f"campaign:7:{a}")
    assert not again.created and again.status == "sent"


def test_the_log_records_everything_about_a_message(shop):
    cid = _member()
    security.reset_session()
    q = outbox.queue(cid, "copy", purpose="service", text="您好", operator="小李", campaign_id=3)
    outbox.deliver({"copy": CopyChannel()}, timer=FakeTimer())
    row = MessageRow.get_by_id(q.message_id)
    assert (row.customer_id, row.channel, row.address, row.purpose, row.campaign_id) == (
        cid,
        "copy",
        "13812345678",
        "service",
        3,
    )
    assert (row.text, row.status, row.attempts, row.operator, row.created_at, row.sent_at) == (
        "您好",
        "sent",
        1,
        "小李",
        NOW,
        NOW,
    )
    assert row.idempotency_key.startswith("adhoc:")
    assert [m.id for m in outbox.log_for(cid)] == [row.id]


def test_an_sms_text_rides_on_the_configured_template(shop):
    cid = _member()
    s = outbox.load_settings()
    s["sms"].update(template="SMS_9", text_param="content")
    outbox.save_settings(s)
    q = outbox.queue(cid, "sms", purpose="service", text="您的衣服改好了")
    row = MessageRow.get_by_id(q.message_id)
    assert row.template_id == "SMS_9" and row.params == '{"content": "您的衣服改好了"}'


def test_call_list_is_an_xlsx_with_name_mobile_and_message(shop, tmp_path):
    a = _member("13800000001", name="张三")
    b = _member("13800000002", name="=李四")
    for cid in (a, b):
        outbox.queue(cid, "call_list", purpose="marketing", text=f"中秋问候 {cid}")
    ch = CallListChannel(tmp_path / "名单.xlsx")
    assert isinstance(ch, Channel)
    report = outbox.deliver({"call_list": ch}, timer=FakeTimer())
    assert len(report.sent) == 2
    rows = list(openpyxl.load_workbook(ch.written).worksheets[0].iter_rows(values_only=True))
    assert rows[0] == ("姓名", "手机", "话术")
    assert rows[1] == ("张三", "13800000001", f"中秋问候 {a}")  # mobiles are text, not numbers
    assert rows[2][0] == "'=李四"  # formula-looking text is escaped by the excel writer


def test_erasing_a_customer_blanks_their_messages(shop):
    cid = _member()
    for i in range(2):
        outbox.queue(cid, "copy", purpose="service", text=f"私人内容 {i}", idempotency_key=f"k{i}")
    privacy.erase_customer(cid, vacuum=False)
    rows = list(MessageRow.select().where(MessageRow.customer == cid))
    assert len(rows) == 2
    assert all(r.text == "" and r.address == "" and r.idempotency_key is None for r in rows)
    assert {r.channel for r in rows} == {"copy"} and {r.status for r in rows} == {"queued"}
    with pytest.raises(FieldError):
        outbox.queue(cid, "copy", purpose="service", text="x")


def test_resolving_needs_the_owner_and_an_unknown_outcome(shop):
    cid = _member()
    q = outbox.queue(cid, "copy", purpose="service", text="x")
    with pytest.raises(FieldError):
        outbox.resolve(q.message_id, "queued")  # queued, not unknown
    MessageRow.update(status="unknown").where(MessageRow.id == q.message_id).execute()
    security.set_pin("2468")
    security.lock()
    with pytest.raises(PermissionError):
        outbox.resolve(q.message_id, "sent")
    security.unlock("2468")
    outbox.resolve(q.message_id, "sent")
    assert MessageRow.get_by_id(q.message_id).status == "sent"


def test_settings_are_validated(shop):
    s = outbox.load_settings()
    s["sms"]["per_second"] = -1
    with pytest.raises(FieldError, match="per_second"):
        outbox.save_settings(s)
