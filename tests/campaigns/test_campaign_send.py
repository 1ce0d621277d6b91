"""A campaign sent through the outbox (issue #15): the day's SMS / e-mail items go out once (a
re-run sends nothing twice), marketing consent is checked again at sending, hold-outs get nothing,
every sent message is a contact of the campaign with result 'sent', a Cancel leaves each message
either sent and recorded or not sent, and the results count the messages."""

from __future__ import annotations

import datetime as dt

import pytest
from fake_providers import FakeAliyun, FakeTimer, Mailbox
from test_campaign import quiet

from shopcrm import care, segments as S
from shopcrm.campaigns import campaign as K
from shopcrm.campaigns.channels.aliyun import AliyunSms
from shopcrm.campaigns.channels.smtp import SmtpEmail
from shopcrm.core import clock
from shopcrm.core.errors import Cancelled, FieldError
from shopcrm.store.models import CampaignMember, CareAction, Contact, Customer, Message as MessageRow

START = dt.date(2027, 8, 25)


@pytest.fixture
def shop(db):
    """30 A customers with a mobile and an e-mail, all consenting to marketing; 5 B customers."""
    Customer.insert_many(
        [
            dict(
                name=f"客户{i}",
                mobile=f"137{i:08d}",
                mobile_rev=f"137{i:08d}"[::-1],
                email=f"c{i}@example.cn",
                grade="A" if i < 30 else "B",
                consent_marketing=True,
                total_spend_cents=1000 * (40 - i),
                joined_on=dt.date(2025, 1, 1),
            )
            for i in range(35)
        ]
    ).execute()
    clock.set_now(dt.datetime.combine(START, dt.time(9)))
    return START


def campaign(channel="sms", **kw) -> int:
    inp = K.CampaignInput(
        name="中秋问候",
        filter=S.SegmentFilter(grades=["A"]),
        purpose="festival",
        template="{称呼}您好！{节日}快乐，{店名}",
        channel=channel,
        festival="mid_autumn",
        start_on=START,
        days=3,
        daily_cap=10,
        holdout_pct=20,
    )
    for k, v in kw.items():
        setattr(inp, k, v)
    return K.create(inp).id


def sms(server) -> dict:
    return {"sms": AliyunSms("key-a", "secret-a", sign_name="小店", template_code="SMS_1", base_url=server.url)}


def email(box) -> dict:
    return {"email": SmtpEmail("127.0.0.1", box.port, sender="shop@example.cn", security="none", timeout=5)}


def planned_on(kid: int, day: dt.date) -> set[int]:
    return {
        m.customer_id
        for m in CampaignMember.select().where(
            (CampaignMember.campaign == kid) & (CampaignMember.holdout == False) & (CampaignMember.planned_on <= day)  # noqa: E712
        )
    }


def campaign_items(day: dt.date) -> set[int]:
    return {i.customer_id for i in care.build_today(day, quiet()).items if i.kind == "campaign"}


def test_the_days_sms_go_out_once_as_contacts_and_the_list_empties(shop):
    kid = campaign()
    due = planned_on(kid, START)
    assert due and campaign_items(START) == due
    with FakeAliyun("key-a", "secret-a") as server:
        out = K.send_due(kid, START, sms(server), timer=FakeTimer())
        again = K.send_due(kid, START, sms(server), timer=FakeTimer())
    assert server.bad_signatures == 0
    assert sorted(out.sent) == sorted(due) and len(server.requests) == len(due)
    assert {p["PhoneNumbers"] for p in server.requests} == {f"137{i - 1:08d}" for i in due}
    assert "中秋节快乐" in server.requests[0]["TemplateParam"]
    # a re-run of the same day sends nothing: every item was handled
    assert again.total == 0 and not again.sent
    contacts = list(Contact.select().where(Contact.campaign_id == kid))
    assert {c.customer_id for c in contacts} == due and {c.result for c in contacts} == {"sent"}
    assert {c.channel for c in contacts} == {"sms"}
    assert campaign_items(START) == set()
    # hold-outs and other days' targets got nothing
    messaged = {m.customer_id for m in MessageRow.select()}
    assert messaged == due and not messaged & set(K.members(kid, holdout=True))
    assert {m.idempotency_key for m in MessageRow.select()} == {f"campaign:{kid}:{c}" for c in due}
    r = K.results(kid)
    assert r.messages == {"sent": len(due)} and r.targets.reached == len(due)


def test_sent_but_not_recorded_is_recorded_on_the_next_run_without_a_second_send(shop):
    kid = campaign()
    due = planned_on(kid, START)
    with FakeAliyun("key-a", "secret-a") as server:
        K.send_due(kid, START, sms(server), timer=FakeTimer())
        # as if the program had stopped between sending and recording
        CareAction.delete().execute()
        Contact.delete().execute()
        out = K.send_due(kid, START, sms(server), timer=FakeTimer())
    assert len(server.requests) == len(due)
    assert sorted(out.already) == sorted(due) and not out.sent
    assert Contact.select().where(Contact.campaign_id == kid).count() == len(due)


def test_consent_withdrawn_before_sending_is_respected(shop):
    kid = campaign()
    due = sorted(planned_on(kid, START))
    Customer.update(consent_marketing=False).where(Customer.id == due[0]).execute()
    with FakeAliyun("key-a", "secret-a") as server:
        out = K.send_due(kid, START, sms(server), timer=FakeTimer())
    assert "未同意" in out.skipped[due[0]]
    assert due[0] not in out.sent and len(server.requests) == len(due) - 1
    assert MessageRow.select().where(MessageRow.customer == due[0]).count() == 0


def test_a_service_campaign_reaches_customers_without_marketing_consent(shop):
    Customer.update(consent_marketing=False).execute()
    kid = campaign(purpose="survey", festival="", holdout_pct=0)
    with FakeAliyun("key-a", "secret-a") as server:
        out = K.send_due(kid, START, sms(server), timer=FakeTimer())
    assert len(out.sent) == 10 and {m.purpose for m in MessageRow.select()} == {"service"}


def test_a_failed_sms_stays_in_the_list_and_is_counted(shop):
    kid = campaign()
    due = planned_on(kid, START)
    with FakeAliyun("key-a", "secret-a", script=["fail"]) as server:
        out = K.send_due(kid, START, sms(server), timer=FakeTimer())
        again = K.send_due(kid, START, sms(server), timer=FakeTimer())
    assert len(out.failed) == 1 and len(out.sent) == len(due) - 1
    assert campaign_items(START) == set(out.failed)
    # not retried by a re-run (a refused number): shown as failed, sent once at most
    assert again.failed == out.failed and len(server.requests) == len(due)
    assert K.results(kid).messages == {"sent": len(due) - 1, "failed": 1}


def test_cancel_leaves_each_message_sent_and_recorded_or_not_sent(shop):
    kid = campaign()
    due = planned_on(kid, START)

    def progress(done, total):
        return done < 3

    with FakeAliyun("key-a", "secret-a") as server:
        with pytest.raises(Cancelled):
            K.send_due(kid, START, sms(server), progress=progress, timer=FakeTimer())
        assert len(server.requests) == 3
        assert {m.status for m in MessageRow.select()} == {"sent"} and MessageRow.select().count() == 3
        assert Contact.select().where(Contact.campaign_id == kid).count() == 3
        rest = K.send_due(kid, START, sms(server), timer=FakeTimer())
    assert len(rest.sent) == len(due) - 3 and len(server.requests) == len(due)


def test_overdue_items_are_sent_with_the_days_and_later_days_wait(shop):
    kid = campaign()
    day2 = START + dt.timedelta(days=1)
    clock.set_now(dt.datetime.combine(day2, dt.time(9)))
    with FakeAliyun("key-a", "secret-a") as server:
        out = K.send_due(kid, day2, sms(server), timer=FakeTimer())
    assert set(out.sent) == planned_on(kid, day2) > planned_on(kid, START)
    assert not set(out.sent) & (planned_on(kid, day2 + dt.timedelta(days=1)) - planned_on(kid, day2))


def test_email_campaign_through_smtp_skips_a_customer_without_an_address(shop):
    kid = campaign(channel="email")
    due = sorted(planned_on(kid, START))
    Customer.update(email="").where(Customer.id == due[0]).execute()
    with Mailbox() as box:
        out = K.send_due(kid, START, email(box), timer=FakeTimer())
    assert len(box.received) == len(due) - 1 and due[0] in out.skipped
    mail = box.received[0][2]
    assert "中秋节快乐" in mail.get_content()
    assert {c.channel for c in Contact.select()} == {"email"}


def test_only_sms_and_email_campaigns_are_sent_from_here(shop):
    kid = campaign(channel="phone")
    with pytest.raises(FieldError, match="只有短信和电子邮件"):
        K.send_due(kid, START, {})


def test_a_stopped_campaign_sends_nothing(shop):
    kid = campaign()
    K.stop(kid)
    with FakeAliyun("key-a", "secret-a") as server:
        out = K.send_due(kid, START, sms(server), timer=FakeTimer())
    assert out.total == 0 and server.requests == []
