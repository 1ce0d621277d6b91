"""Complaint handling (domain): recording, the status workflow, the due clock, refunds through the
ledger, follow-up, open-complaint marks, the list query and the owner's figures."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import textwrap

import pytest
from conftest import TEST_DAY

from shopcrm import complaints as K, customers as C
from shopcrm.core.errors import FieldError, ValidationError
from shopcrm.customers import ledger
from shopcrm.sales import activity
from shopcrm.store.models import Complaint, Contact, Customer, LedgerEntry

T0 = dt.datetime(2026, 11, 20, 9, 0, 0)
pytestmark = pytest.mark.usefixtures("fixed_day")  # the clock stands on TEST_DAY

TODAY = TEST_DAY


def cust(name="张三", mobile="13812345678", **kw) -> Customer:
    return C.create(C.CustomerInput(name=name, mobile=mobile, **kw), today=TODAY)


def new_complaint(customer_id=None, *, at=T0, severity="一般", category="商品质量", **kw) -> Complaint:
    data = K.ComplaintInput(
        customer_id=customer_id,
        received_at=at,
        channel="到店",
        category=category,
        key_points="裙子洗一次就褪色",
        request="退货",
        temperament="感情用事",
        severity=severity,
        handler="小王",
        **kw,
    )
    return K.create(data, who="小王", at=at)


def open_count(customer_id: int) -> int:
    return Customer.get_by_id(customer_id).open_complaints


def hours(n: float) -> dt.timedelta:
    return dt.timedelta(hours=n)


# --- recording --------------------------------------------------------------------------------


def test_record_sets_due_time_from_severity_and_marks_the_customer(db):
    c = cust()
    k = new_complaint(c.id)
    assert k.status == "new"
    assert k.due_at == T0 + hours(72)  # 一般 = 3 days by default
    assert open_count(c.id) == 1
    row = C.page(C.CustomerQuery(), 0, 1)[0]
    assert row.open_complaints == 1  # the customer list marks them
    ev = K.events(k.id)
    assert [e.action for e in ev] == ["created"] and ev[0].who == "小王" and ev[0].at == T0
    assert "商品质量" in ev[0].detail and "2026-11-23 09:00" in ev[0].detail
    urgent = new_complaint(c.id, severity="紧急")
    assert urgent.due_at == T0 + hours(24)
    assert open_count(c.id) == 2


def test_record_refuses_incomplete_input_naming_every_field(db):
    with pytest.raises(ValidationError) as info:
        K.create(
            K.ComplaintInput(
                walkin_name="路人",
                walkin_mobile="123",
                channel="飞鸽传书",
                category="天气",
                key_points=" ",
                severity="很严重",
            ),
            at=T0,
        )
    fields = {e.field for e in info.value.errors}
    assert fields == {"walkin_mobile", "channel", "category", "key_points", "severity"}
    msg = str(info.value)
    assert "手机号“123”格式不对" in msg
    assert "类别“天气”不在可选列表中" in msg
    assert "投诉要点不能为空" in msg
    with pytest.raises(ValidationError, match="请选择或填写客户"):
        K.create(K.ComplaintInput(category="价格", key_points="贵", severity="一般"), at=T0)
    with pytest.raises(ValidationError, match=r"受理时间.*在未来"):
        K.create(
            K.ComplaintInput(
                walkin_name="路人",
                walkin_mobile="13900001111",
                received_at=T0 + hours(3),
                category="价格",
                key_points="贵",
                severity="一般",
            ),
            at=T0,
        )
    assert Complaint.select().count() == 0


def test_walkin_becomes_a_customer_in_one_click(db):
    k = new_complaint(walkin_name="李路人", walkin_mobile="139 0000 1111")
    assert k.customer_id is None and k.walkin_mobile == "13900001111"
    new = K.convert_walkin(k.id, who="小王", at=T0 + hours(1))
    assert (new.name, new.mobile, new.open_complaints) == ("李路人", "13900001111", 1)
    assert K.get(k.id).customer_id == new.id
    assert C.count(C.CustomerQuery(text="llr")) == 1  # searchable like any customer
    assert K.events(k.id)[-1].action == "customer"
    with pytest.raises(FieldError, match="已关联客户"):
        K.convert_walkin(k.id)
    # a walk-in whose mobile is already a customer's is linked to that customer
    existing = cust("王五", "13700002222")
    k2 = new_complaint(walkin_name="王五", walkin_mobile="13700002222")
    assert K.convert_walkin(k2.id).id == existing.id
    assert open_count(existing.id) == 1
    assert K.events(k2.id)[-1].action == "customer_linked"
    assert K.verify_open_counts() == []


def test_edit_details_moves_due_time_and_writes_the_timeline(db):
    c = cust()
    k = new_complaint(c.id)
    data = K.ComplaintInput(
        channel="电话",
        category="服务态度",
        key_points=k.key_points,
        request="道歉",
        temperament="理性沟通",
        severity="紧急",
        handler="店长",
    )
    k = K.update_details(k.id, data, who="店长", at=T0 + hours(1))
    assert (k.channel, k.category, k.severity, k.handler) == ("电话", "服务态度", "紧急", "店长")
    assert k.due_at == T0 + hours(24)
    detail = K.events(k.id)[-1].detail
    assert "严重程度 一般 → 紧急" in detail and "经办人 小王 → 店长" in detail


# --- the workflow -----------------------------------------------------------------------------


def _bring_to(status: str, customer_id: int) -> Complaint:
    """A complaint in ``status`` reached through the workflow itself."""
    k = new_complaint(customer_id)
    K.set_validity(k.id, "valid", "确有质量问题", at=T0)
    path = {
        "new": [],
        "in_progress": ["in_progress"],
        "waiting": ["in_progress", "waiting"],
        "resolved": ["in_progress", "resolved"],
        "closed": ["in_progress", "resolved", "closed"],
    }
    for i, target in enumerate(path[status]):
        K.transition(k.id, target, at=T0 + hours(i + 1), **_ARGS.get(target, {}))
    assert K.get(k.id).status == status
    return K.get(k.id)


_ARGS = {"resolved": {"resolution_type": "道歉说明"}, "closed": {"satisfaction": 4}}
_REOPEN = {"reason": "顾客仍不满意"}


@pytest.mark.parametrize("source", K.STATUSES)
@pytest.mark.parametrize("target", K.STATUSES)
def test_every_allowed_move_works_and_every_other_is_refused(db, source, target):
    c = cust()
    k = _bring_to(source, c.id)
    before_events = len(K.events(k.id))
    kwargs = dict(_ARGS.get(target, {}))
    if source in ("resolved", "closed") and target == "in_progress":
        kwargs = _REOPEN
    if (source, target) in K.ALLOWED:
        moved = K.transition(k.id, target, at=T0 + hours(10), **kwargs)
        assert moved.status == target == K.get(k.id).status
        assert len(K.events(k.id)) > before_events
        assert open_count(c.id) == (1 if target in K.OPEN_STATUSES else 0)
    else:
        with pytest.raises(K.WorkflowError) as info:
            K.transition(k.id, target, at=T0 + hours(10), **kwargs)
        msg = str(info.value)
        assert f"投诉 #{k.id} 当前为“{K.status_label(source)}”" in msg
        assert f"不能改为“{K.status_label(target)}”" in msg
        allowed = K.allowed_moves(source)
        if allowed:
            assert "当前可以：" in msg and K.status_label(allowed[0]) in msg
        assert K.get(k.id).status == source  # nothing changed
        assert len(K.events(k.id)) == before_events
        assert open_count(c.id) == (1 if source in K.OPEN_STATUSES else 0)
    assert K.verify_open_counts() == []


def test_named_steps_refuse_wrong_sources_too(db):
    c = cust()
    k = new_complaint(c.id)
    with pytest.raises(K.WorkflowError, match="不能改为“待客户回复”"):
        K.wait_for_customer(k.id)
    with pytest.raises(K.WorkflowError, match="不能改为“已解决”"):
        K.resolve(k.id, "道歉说明")
    with pytest.raises(K.WorkflowError, match="不能改为“已回访\\(关闭\\)”"):
        K.record_followup(k.id, 5)
    with pytest.raises(K.WorkflowError, match="不能改为“处理中”"):
        K.reopen(k.id, "再看看")
    with pytest.raises(K.WorkflowError, match="不能改为“处理中”"):
        K.resume(k.id)


def test_due_clock_pauses_while_waiting_on_the_customer(db):
    c = cust()
    k = new_complaint(c.id, severity="紧急")  # due T0 + 24 h
    K.start(k.id, at=T0 + hours(1))
    K.wait_for_customer(k.id, at=T0 + hours(2))
    k = K.get(k.id)
    assert k.paused_since == T0 + hours(2)
    # a day later it is still not overdue: the clock stopped with 22 hours left
    late = T0 + hours(30)
    assert K.seconds_left(k.status, k.due_at, k.paused_since, late) == 22 * 3600
    assert K.count(K.ComplaintQuery(status="all", overdue=True), at=late) == 0
    assert K.counts(at=late).overdue == 0
    assert "期限计时暂停" in K.events(k.id)[-1].detail
    # the customer answers 48 hours after we asked: the due time moves 48 hours later
    k = K.resume(k.id, at=T0 + hours(50))
    assert k.paused_since is None and k.paused_seconds == 48 * 3600
    assert k.due_at == T0 + hours(24 + 48)
    assert "暂停 48 小时 0 分" in K.events(k.id)[-1].detail
    assert K.seconds_left(k.status, k.due_at, None, T0 + hours(60)) == 12 * 3600
    assert K.count(K.ComplaintQuery(overdue=True), at=T0 + hours(71)) == 0
    assert K.count(K.ComplaintQuery(overdue=True), at=T0 + hours(73)) == 1
    assert K.counts(at=T0 + hours(73)).overdue == 1


def test_resolve_with_refund_to_the_card_goes_through_the_ledger(db):
    c = cust(opening_balance="100")
    k = new_complaint(c.id)
    K.start(k.id, at=T0 + hours(1))
    with pytest.raises(ValidationError, match="请先判断投诉是否成立"):
        K.resolve(k.id, "退款", amount_cents=5000, refund_to_card=True, at=T0 + hours(2))
    K.set_validity(k.id, "partial", "褪色属实，但已过七天", who="店长", at=T0 + hours(2))
    with pytest.raises(ValidationError, match="必须填写金额"):
        K.resolve(k.id, "退款", at=T0 + hours(2))
    with pytest.raises(ValidationError, match="不涉及金额"):
        K.resolve(k.id, "道歉说明", amount_cents=100, at=T0 + hours(2))
    with pytest.raises(ValidationError, match="只有退货、退款、补偿可以退到储值卡"):
        K.resolve(k.id, "赠品", amount_cents=100, refund_to_card=True, at=T0 + hours(2))
    assert K.get(k.id).status == "in_progress" and Customer.get_by_id(c.id).balance_cents == 10000
    k = K.resolve(
        k.id, "退款", amount_cents=5050, notes="退一半货款", refund_to_card=True, who="店长", at=T0 + hours(3)
    )
    assert (k.status, k.resolved_at, k.refund_cents) == ("resolved", T0 + hours(3), 5050)
    assert k.followup_due == (T0 + hours(3)).date() + dt.timedelta(days=3)
    cu = Customer.get_by_id(c.id)
    assert cu.balance_cents == 15050 and cu.open_complaints == 0
    entry = LedgerEntry.select().where(LedgerEntry.customer == c.id).order_by(LedgerEntry.id.desc()).get()
    assert (entry.kind, entry.balance_delta_cents, entry.balance_after_cents) == ("refund", 5050, 15050)
    assert f"投诉 #{k.id}" in entry.reason
    assert ledger.verify() == []
    actions = [e.action for e in K.events(k.id)]
    assert actions[-3:] == ["status", "resolved", "refund"]
    assert "退款 50.50 元到储值卡" in K.events(k.id)[-1].detail
    assert K.count(K.ComplaintQuery(status="followup_due"), at=T0 + dt.timedelta(days=3)) == 1


def test_refund_failure_rolls_everything_back(db, monkeypatch):
    c = cust()
    k = new_complaint(c.id)
    K.start(k.id)
    K.set_validity(k.id, "valid", "属实")

    def boom(*a, **kw):
        raise RuntimeError("disk full")

    monkeypatch.setattr(ledger, "apply", boom)
    with pytest.raises(RuntimeError):
        K.resolve(k.id, "退款", amount_cents=1000, refund_to_card=True)
    k = K.get(k.id)
    assert k.status == "in_progress" and k.resolved_at is None and k.refund_cents == 0
    assert open_count(c.id) == 1
    assert [e.action for e in K.events(k.id)][-1] == "validity"


def test_walkin_cannot_be_refunded_to_a_card(db):
    k = new_complaint(walkin_name="李路人", walkin_mobile="13900001111")
    K.start(k.id)
    K.set_validity(k.id, "valid", "属实")
    with pytest.raises(ValidationError, match="请先“转为客户”"):
        K.resolve(k.id, "退款", amount_cents=1000, refund_to_card=True)


def test_invalid_complaint_still_gets_a_courteous_close_and_follow_up(db):
    c = cust()
    k = new_complaint(c.id)
    K.start(k.id, at=T0 + hours(1))
    K.set_validity(k.id, "invalid", "商品按说明书使用即可，非质量问题", at=T0 + hours(1))
    K.resolve(k.id, "道歉说明", notes="耐心解释使用方法，赠送护理小样", at=T0 + hours(2))
    with pytest.raises(FieldError, match="满意度必须是 1 到 5 分"):
        K.record_followup(k.id, 6)
    k = K.record_followup(k.id, 4, notes="顾客表示理解", who="小王", at=T0 + dt.timedelta(days=3))
    assert (k.status, k.satisfaction, k.closed_at) == ("closed", 4, T0 + dt.timedelta(days=3))
    contact = Contact.get(Contact.customer == c.id)
    assert contact.satisfaction == 4 and f"#{k.id}" in contact.purpose
    assert Customer.get_by_id(c.id).last_contact_at == T0 + dt.timedelta(days=3)


def test_reopen_needs_a_reason_and_marks_the_customer_again(db):
    c = cust()
    k = _bring_to("closed", c.id)
    assert open_count(c.id) == 0
    with pytest.raises(FieldError, match="重开原因不能为空"):
        K.reopen(k.id, " ")
    k = K.reopen(k.id, "又褪色了", who="店长", at=T0 + dt.timedelta(days=5))
    assert (k.status, k.satisfaction, k.resolved_at, k.closed_at) == ("in_progress", None, None, None)
    assert open_count(c.id) == 1
    assert "又褪色了" in K.events(k.id)[-1].detail


def test_six_steps_are_ticked_and_logged(db):
    k = new_complaint(cust().id)
    for i, code in enumerate(K.STEPS):
        K.set_step(k.id, i if i % 2 else code, True, who="小王")
    assert K.get(k.id).steps == K.ALL_STEPS
    assert K.steps_done(K.get(k.id).steps) == [True] * 6
    K.set_step(k.id, "thank", False)
    assert K.steps_done(K.get(k.id).steps)[-1] is False
    details = [e.detail for e in K.events(k.id) if e.action == "step"]
    assert details[0] == "完成步骤：耐心倾听，让顾客说完" and details[-1] == "取消步骤：感谢顾客"
    assert len(details) == 7
    K.set_step(k.id, "listen", True)  # already ticked: no new event
    assert len([e for e in K.events(k.id) if e.action == "step"]) == 7


# --- configuration ----------------------------------------------------------------------------


def test_configuration_is_stored_and_used(db):
    cfg = K.get_config()
    assert cfg.followup_days == 3 and "售后三包" in cfg.categories
    assert "先处理心情" in cfg.tip_for("感情用事")
    cfg.categories.append("会员积分")
    cfg.severities = [K.Severity("加急", 4), K.Severity("普通", 48)]
    cfg.temperaments.append(K.Temperament("沉默寡言", "多问开放式问题"))
    cfg.followup_days = 7
    K.save_config(cfg)
    again = K.get_config()
    assert again.hours_for("加急") == 4 and again.tip_for("沉默寡言") == "多问开放式问题"
    c = cust()
    k = new_complaint(c.id, severity="加急", category="会员积分")
    assert k.due_at == T0 + hours(4)
    K.start(k.id, at=T0)
    K.set_validity(k.id, "valid", "积分漏记", at=T0)
    assert K.resolve(k.id, "补偿", amount_cents=500, at=T0).followup_due == T0.date() + dt.timedelta(days=7)
    with pytest.raises(ValidationError, match="严重程度“一般”不在可选列表中"):
        new_complaint(c.id, severity="一般")
    # a complaint recorded under the old settings can still be edited without changing those
    older = Complaint.create(
        customer=c.id,
        received_at=T0,
        channel="到店",
        category="配送",
        key_points="晚了",
        severity="一般",
        temperament="感情用事",
        due_at=T0 + hours(72),
        status="new",
    )
    edited = K.update_details(
        older.id,
        K.ComplaintInput(
            channel="电话", category="配送", key_points="晚了两小时", severity="一般", temperament="感情用事"
        ),
    )
    assert (edited.channel, edited.severity, edited.due_at) == ("电话", "一般", T0 + hours(72))
    with pytest.raises(ValidationError) as info:
        K.save_config(K.ComplaintConfig(categories=[" "], severities=[K.Severity("急", 0), K.Severity("急", 5)]))
    msg = str(info.value)
    assert "“类别”至少要有一项" in msg and "“急”重复" in msg and "1 到 8760 小时" in msg
    assert K.get_config().hours_for("加急") == 4  # unchanged
    assert K.parse_named_lines("紧急 | 24\n\n一般｜72", "severities", numeric=True) == [("紧急", 24), ("一般", 72)]  # noqa: RUF001 (a full-width bar)
    with pytest.raises(ValidationError, match="第 1 行"):
        K.parse_named_lines("紧急 24", "severities", numeric=True)


# --- list and counts --------------------------------------------------------------------------


def test_list_filters_sort_and_text_search(db):
    a = cust("张三", "13812345678")
    b = cust("曾伟", "13900001111")
    k1 = new_complaint(a.id, at=T0, category="商品质量", severity="紧急")
    k2 = new_complaint(b.id, at=T0 + hours(1), category="服务态度", severity="轻微")
    k3 = new_complaint(walkin_name="路人甲", walkin_mobile="13700002222", at=T0 + hours(2), category="价格")
    K.update_details(
        k3.id, K.ComplaintInput(channel="电话", category="价格", key_points="会员价没打折", severity="一般")
    )
    at = T0 + hours(30)  # k1 (24 h) is overdue, k3 (72 h) is not

    def ids(**kw):
        q = K.ComplaintQuery(**{"status": "all", **kw})
        rows = K.page(q, 0, 100, at=at)
        assert K.count(q, at=at) == len(rows)
        return [r.id for r in rows]

    assert ids() == [k3.id, k2.id, k1.id]  # newest first by default
    assert ids(sort="received", descending=False) == [k1.id, k2.id, k3.id]
    assert ids(sort="due", descending=False) == [k1.id, k3.id, k2.id]
    assert ids(overdue=True) == [k1.id]
    assert ids(category="服务态度") == [k2.id]
    assert ids(text="zw") == [k2.id]  # pinyin of the customer
    assert ids(text="5678") == [k1.id]  # mobile tail
    assert ids(text="路人") == [k3.id]  # walk-in name
    assert ids(text="0000 2222") == [k3.id]  # walk-in mobile, typed with a space
    assert ids(text="打折") == [k3.id]  # words of the complaint
    assert ids(text=f"#{k2.id}") == [k2.id]
    assert ids(text="100%") == []
    assert ids(date_from=dt.date(2026, 11, 20), date_to=dt.date(2026, 11, 20)) == [k3.id, k2.id, k1.id]
    assert ids(date_from=dt.date(2026, 11, 21)) == []
    K.start(k2.id)
    K.set_validity(k2.id, "valid", "属实")
    K.resolve(k2.id, "道歉说明")
    assert ids(status="open") == [k3.id, k1.id]
    assert ids(status="resolved") == [k2.id]
    row = K.page(K.ComplaintQuery(status="all", text="路人"), 0, 1, at=at)[0]
    assert (row.who, row.mobile, row.customer_id) == ("路人甲", "13700002222", None)
    assert row.seconds_left(at) == (72 - 28) * 3600
    assert [r.id for r in K.of_customer(b.id)] == [k2.id]
    counts = K.counts(at=at)
    assert (counts.open, counts.overdue) == (2, 1)
    assert K.counts(at=T0 + hours(15)).nearly_due == 1  # k1 due in 9 hours (< 12)


# --- figures ----------------------------------------------------------------------------------


def test_owner_figures_on_a_hand_built_data_set(db):
    d = lambda day, h=9: dt.datetime(2026, 11, day, h)  # noqa: E731
    a, b, c, e, f = (
        cust(n, m)
        for n, m in (
            ("甲", "13800000001"),
            ("乙", "13800000002"),
            ("丙", "13800000003"),
            ("丁", "13800000004"),
            ("戊", "13800000005"),
        )
    )
    for x in (a, b, c, e):
        activity.record_purchase(x.id, 1000, at=d(1))
    activity.record_purchase(a.id, 1000, at=d(3))  # a second purchase: still one buying customer
    activity.record_purchase(f.id, 1000, at=dt.datetime(2026, 10, 30, 9))  # before the period

    # 1: valid, resolved after 24 h (due 72 h), satisfaction 5
    k1 = new_complaint(a.id, at=d(2, 10))
    K.start(k1.id, at=d(2, 11))
    K.set_validity(k1.id, "valid", "属实", at=d(2, 11))
    K.resolve(k1.id, "换货", at=d(3, 10))
    K.record_followup(k1.id, 5, at=d(6, 10))
    # 2: partial, 24 h waiting on the customer, 3 h of working time, within the (moved) due, sat. 3
    k2 = new_complaint(b.id, at=d(5, 9), severity="紧急", category="商品质量")
    K.start(k2.id, at=d(5, 9))
    K.wait_for_customer(k2.id, at=d(5, 10))
    K.resume(k2.id, at=d(6, 10))
    K.set_validity(k2.id, "partial", "部分属实", at=d(6, 10))
    K.resolve(k2.id, "补偿", amount_cents=2000, at=d(6, 12))
    K.record_followup(k2.id, 3, at=d(9, 12))
    # 3: invalid, resolved after 48 h against a 24 h due time, never followed up
    k3 = new_complaint(c.id, at=d(10, 8), severity="紧急", category="服务态度")
    K.start(k3.id, at=d(10, 8))
    K.set_validity(k3.id, "invalid", "误会", at=d(10, 9))
    K.resolve(k3.id, "道歉说明", at=d(12, 8))
    # 4: still new, not judged
    new_complaint(e.id, at=d(20), category="价格")
    # outside the period
    old = new_complaint(a.id, at=dt.datetime(2026, 10, 15, 9))
    K.start(old.id, at=dt.datetime(2026, 10, 15, 9))
    K.set_validity(old.id, "valid", "属实", at=dt.datetime(2026, 10, 15, 9))
    K.resolve(old.id, "退货", at=dt.datetime(2026, 10, 16, 9))

    f = K.figures(dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    assert f.complaints == 4
    assert f.buying_customers == 4
    assert f.rate_per_100 == pytest.approx(100.0)
    assert f.judged == 3
    assert f.share_valid == pytest.approx(1 / 3) and f.share_partial == pytest.approx(1 / 3)
    assert f.resolved == 3
    assert f.median_hours_to_resolution == pytest.approx(24.0)  # of 24, 3 and 48 hours
    assert f.share_within_due == pytest.approx(2 / 3)
    assert f.followed_up == 2 and f.avg_satisfaction == pytest.approx(4.0)
    assert f.top_categories == [("商品质量", 2), ("价格", 1), ("服务态度", 1)]

    empty = K.figures(dt.date(2025, 1, 1), dt.date(2025, 1, 31))
    assert (
        empty.complaints,
        empty.rate_per_100,
        empty.share_valid,
        empty.median_hours_to_resolution,
        empty.avg_satisfaction,
        empty.top_categories,
    ) == (0, None, None, None, None, [])


def test_open_counts_repair_and_demo_data_agree(db):
    from shopcrm.demo import generate

    generate(300, 1000, seed=3, complaints=120, today=TODAY)
    assert K.verify_open_counts() == []
    statuses = {r[0] for r in db.execute_sql("SELECT DISTINCT status FROM complaint")}
    assert statuses <= set(K.STATUSES) and "waiting" in statuses
    db.execute_sql("UPDATE customer SET open_complaints = 7 WHERE id = 1")
    assert 1 in K.verify_open_counts()
    K.recount_open()
    assert K.verify_open_counts() == []
    f = K.figures(TODAY - dt.timedelta(days=365), TODAY)
    assert f.complaints == 120 and 1 <= f.avg_satisfaction <= 5


def test_english_messages(db):
    from shopcrm.core import texts

    k = new_complaint(cust().id)
    texts.set_language("en")
    with pytest.raises(K.WorkflowError, match="is “New” and cannot become “Resolved”"):
        K.transition(k.id, "resolved")


def test_domain_module_does_not_import_qt():
    code = textwrap.dedent("""
        import sys
        class Block:
            def find_spec(self, name, path=None, target=None):
                if name.split('.')[0] == 'PySide6':
                    raise ImportError('Qt in the domain layer: ' + name)
        sys.meta_path.insert(0, Block())
        import shopcrm.complaints
        print('ok')
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout.strip() == "ok", out.stderr


def test_settings_are_owner_only_once_a_pin_is_set(db):
    from shopcrm.store.models import AuditLog
    from shopcrm.trust import security

    K.save_config(K.get_config())  # no PIN: a one-person shop, everyone is the owner
    assert AuditLog.select().where(AuditLog.action == "settings").count() == 1
    security.set_pin("2468")
    c = cust(opening_balance="10")  # an opening balance is the owner's (ledger rule)
    security.reset_session()  # a new start: clerk mode
    try:
        with pytest.raises(PermissionError, match="需要店主权限"):
            K.save_config(K.ComplaintConfig(followup_days=9))
        assert K.get_config().followup_days == 3
        # clerks still work complaints, refunds to the card included (as for sales and refunds)
        k = new_complaint(c.id)
        K.start(k.id)
        K.set_validity(k.id, "valid", "属实")
        K.resolve(k.id, "退款", amount_cents=100, refund_to_card=True)
        assert Customer.get_by_id(c.id).balance_cents == 1100
    finally:
        security.reset_session()


def _walk(q: K.ComplaintQuery, size: int) -> list[int]:
    """Every row of the list, fetched by keyset ``size`` at a time, as the tab scrolls."""
    rows: list[K.ComplaintRow] = []
    while True:
        got = K.page_after(q, rows[-1] if rows else None, size, at=TODAY_NOON)
        rows.extend(got)
        if len(got) < size:
            return [r.id for r in rows]


TODAY_NOON = dt.datetime.combine(TODAY, dt.time(12, 0))


def test_keyset_pages_give_exactly_the_rows_offset_paging_gives_for_every_sort(db):
    from shopcrm.demo import generate

    generate(120, 300, seed=9, complaints=90, today=TODAY)  # few categories, handlers…: many ties
    db.execute_sql("UPDATE complaint SET due_at = NULL WHERE id % 9 = 0")  # a missing due time sorts as ''
    walkin = K.create(
        K.ComplaintInput(
            walkin_name="路人甲", walkin_mobile="13700001111", category="价格", key_points="贵", severity="一般"
        )
    )
    for sort in K.SORT_KEYS:
        for descending in (False, True):
            for status in ("all", "open"):
                q = K.ComplaintQuery(status=status, sort=sort, descending=descending)
                every = [r.id for r in K.page(q, 0, 1000, at=TODAY_NOON)]
                assert len(every) == K.count(q, at=TODAY_NOON) > 0
                assert _walk(q, 7) == every, (sort, descending, status)
    # rows written and deleted between two fetches: the next page starts right after the last row shown
    q = K.ComplaintQuery(status="all", sort="category")
    first = K.page_after(q, None, 10, at=TODAY_NOON)
    db.execute_sql("DELETE FROM complaint WHERE id = ?", (walkin.id,))
    K.create(
        K.ComplaintInput(
            walkin_name="路人乙", walkin_mobile="13700002222", category="价格", key_points="又贵", severity="一般"
        )
    )
    rest = [r.id for r in K.page_after(q, first[-1], 1000, at=TODAY_NOON)]
    every = [r.id for r in K.page(q, 0, 1000, at=TODAY_NOON)]
    cut = every.index(first[-1].id) + 1
    assert rest == every[cut:]


def test_count_with_a_bound_stops_counting_there(db):
    from shopcrm.demo import generate

    generate(60, 100, seed=4, complaints=40, today=TODAY)
    q = K.ComplaintQuery(status="all")
    assert K.count(q) == 40
    assert K.count(q, limit=10) == 11  # more than the bound
    assert K.count(q, limit=40) == 40
