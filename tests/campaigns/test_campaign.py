"""Campaigns (issue #15): the spread over days never exceeds the daily cap and covers the whole
non-hold-out segment, hold-outs get nothing, consent is respected for marketing, items appear in
今日待办 on their day (a 中秋 campaign started 21 days ahead), outcomes are contacts linked to
the campaign, and results compare targets with the hold-out."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from shopcrm import care, segments as S
from shopcrm.campaigns import campaign as K
from shopcrm.core import clock
from shopcrm.core.errors import FieldError
from shopcrm.sales import activity
from shopcrm.store.models import CampaignMember, Contact, Customer

MID_AUTUMN_2027 = dt.date(2027, 9, 15)  # 中秋 2027 (八月十五)
START = MID_AUTUMN_2027 - dt.timedelta(days=21)


@pytest.fixture
def shop(db):
    """200 A customers (every third without marketing consent, one unknown), 50 B customers."""
    rows = []
    for i in range(250):
        rows.append(
            dict(
                name=f"客户{i}",
                mobile=f"137{i:08d}",
                mobile_rev=f"137{i:08d}"[::-1],
                grade="A" if i < 200 else "B",
                consent_marketing=None if i == 1 else (i % 3 != 0),
                total_spend_cents=(i * 7919) % 100_000,
                joined_on=dt.date(2025, 1, 1),
            )
        )
    Customer.insert_many(rows).execute()
    clock.set_now(dt.datetime.combine(START, dt.time(9)))
    return START


def quiet() -> dict:
    """Care settings with only campaign items (no visit plan, greetings or festivals)."""
    s = care.load_settings()
    s.update(
        visit_plan={g: {**p, "per_month": 0} for g, p in s["visit_plan"].items()},
        festivals=[],
        return_offsets=[],
        join_anniversary=False,
    )
    return s


def new(**kw) -> K.CampaignInput:
    base = dict(
        name="中秋关怀",
        filter=S.SegmentFilter(grades=["A"]),
        purpose="festival",
        template="{称呼}您好！{节日}将至，{店名}为您准备了月饼礼盒。",
        channel="phone",
        festival="mid_autumn",
        start_on=START,
        end_on=MID_AUTUMN_2027,
        daily_cap=8,
        holdout_pct=20,
    )
    base.update(kw)
    return K.CampaignInput(**base)


def consenting_a() -> set[int]:
    return {
        c.id
        for c in Customer.select().where((Customer.grade == "A") & (Customer.consent_marketing == True))  # noqa: E712
    }


def test_festival_window_starts_21_days_ahead(shop):
    assert K.festival_window("mid_autumn", START) == (START, MID_AUTUMN_2027)


def test_spread_never_exceeds_the_cap_and_covers_every_target(shop):
    k = K.create(new())
    per_day = K.planned_per_day(k.id)
    assert max(per_day.values()) <= 8
    assert min(per_day) >= START and max(per_day) <= MID_AUTUMN_2027
    targets, held = set(K.members(k.id, holdout=False)), set(K.members(k.id, holdout=True))
    # every consenting A customer is either a target (with a day) or held out; nobody else
    assert targets | held == consenting_a() and not targets & held
    assert sum(per_day.values()) == len(targets)
    # as even as the days allow: the busiest and quietest days differ by one at most
    assert max(per_day.values()) - min(per_day.values()) <= 1
    # the hold-out share is near 20 % and the same when computed again
    assert 0.1 < len(held) / len(consenting_a()) < 0.3
    assert held == {i for i in consenting_a() if K.in_holdout(k.id, i, 20)}


def test_too_many_for_the_days_says_what_would_fit(shop):
    with pytest.raises(FieldError, match=r"至少 \d+ 天，或每天至少"):
        K.create(new(daily_cap=2, holdout_pct=0))
    with pytest.raises(FieldError, match="已经过去"):
        K.create(new(start_on=START - dt.timedelta(days=1)))
    with pytest.raises(FieldError, match="未知的占位符"):
        K.create(new(template="{优惠券}"))


def test_service_purpose_includes_customers_without_consent(shop):
    k = K.create(new(purpose="survey", holdout_pct=0, daily_cap=20, festival=""))
    assert len(K.members(k.id)) == 200


def test_items_appear_in_today_on_their_day_and_never_for_holdouts(shop):
    k = K.create(new())
    planned = {m.customer_id: m.planned_on for m in CampaignMember.select().where(CampaignMember.campaign == k.id)}
    held = set(K.members(k.id, holdout=True))
    s = quiet()
    s["overdue_days"] = 0
    seen: Counter = Counter()
    day = START
    while day <= MID_AUTUMN_2027:
        items = [i for i in care.build_today(day, s).items if i.kind == "campaign"]
        assert len(items) <= 8
        for i in items:
            assert planned[i.customer_id] == day and i.customer_id not in held
            seen[i.customer_id] += 1
        day += dt.timedelta(days=1)
    assert set(seen) == set(planned) - held and set(seen.values()) == {1}
    # the message is drafted from the campaign's template with the festival's name
    first = next(i for i in care.build_today(START, s).items if i.kind == "campaign")
    assert "中秋节将至" in care.message(first, s) and "月饼礼盒" in care.message(first, s)


def test_done_item_leaves_the_list_and_is_a_contact_of_the_campaign(shop):
    k = K.create(new(holdout_pct=0))
    s = quiet()
    items = [i for i in care.build_today(START, s).items if i.kind == "campaign"]
    care.mark_done(items[:2], outcome="已送月饼", result="visited")
    left = [i for i in care.build_today(START, s).items if i.kind == "campaign"]
    assert len(left) == len(items) - 2
    contacts = list(Contact.select().where(Contact.campaign_id == k.id))
    assert {c.result for c in contacts} == {"visited"} and {c.customer_id for c in contacts} == {
        i.customer_id for i in items[:2]
    }
    # unhandled items stay (overdue) for overdue_days, then drop off
    later = START + dt.timedelta(days=3)
    overdue = [i for i in care.build_today(later, s).items if i.kind == "campaign" and i.due == START]
    assert len(overdue) == len(items) - 2


def test_consent_withdrawn_after_the_start_drops_the_marketing_item(shop):
    K.create(new(holdout_pct=0))
    items = [i for i in care.build_today(START, quiet()).items if i.kind == "campaign"]
    Customer.update(consent_marketing=False).where(Customer.id == items[0].customer_id).execute()
    again = [i for i in care.build_today(START, quiet()).items if i.kind == "campaign"]
    assert items[0].customer_id not in {i.customer_id for i in again}


def test_stopped_campaign_lists_nothing(shop):
    k = K.create(new())
    K.stop(k.id)
    assert not [i for i in care.build_today(START, quiet()).items if i.kind == "campaign"]


def test_results_compare_targets_with_the_holdout(shop):
    k = K.create(new(holdout_pct=50, window_days=10, daily_cap=20))
    targets, held = K.members(k.id, holdout=False), K.members(k.id, holdout=True)
    at = dt.datetime.combine(START, dt.time(10))
    # three targets reached: two replied or visited, one declined; two of them bought after
    K.record_outcome(k.id, targets[0], "replied", at=at)
    K.record_outcome(k.id, targets[1], "visited", at=at)
    K.record_outcome(k.id, targets[2], "declined", at=at)
    activity.record_purchase(targets[0], 100_00, at=at + dt.timedelta(days=2))
    activity.record_purchase(targets[1], 50_00, at=at + dt.timedelta(days=1))
    activity.record_purchase(targets[1], 30_00, at=at + dt.timedelta(days=40))  # past the window
    activity.record_purchase(held[0], 20_00, at=at + dt.timedelta(days=5))
    activity.record_purchase(targets[3], 10_00, at=at - dt.timedelta(days=3))  # before the start
    K.give_gift(targets[1], "月饼礼盒", 88_00, campaign_id=k.id)
    r = K.results(k.id)
    assert (r.targets.size, r.holdout.size) == (len(targets), len(held))
    assert (r.targets.reached, r.targets.responded) == (3, 2)
    assert (r.targets.buyers, r.targets.sales_cents) == (2, 150_00)
    assert (r.holdout.buyers, r.holdout.sales_cents) == (1, 20_00)
    assert (r.followed_buyers, r.followed_sales_cents) == (2, 150_00)
    assert r.difference == pytest.approx(2 / len(targets) - 1 / len(held))
    assert (r.gifts, r.gift_cost_cents) == (1, 88_00)
    with pytest.raises(FieldError, match="不在活动"):
        K.record_outcome(k.id, held[1], "sent")


def test_command_line_create_results_and_gift(shop, db_location, capsys):
    import json

    from shopcrm import cli

    db = ["--db", str(db_location)]

    def run(*argv):
        code = cli.main(list(argv))
        return code, capsys.readouterr().out

    code, out = run(
        "campaign", "create", *db, "--name", "中秋", "--grade", "A", "--festival", "mid_autumn", "--cap", "8", "--json"
    )
    made = json.loads(out)
    assert code == 0 and (made["start"], made["end"]) == (str(START), str(MID_AUTUMN_2027))
    assert made["busiest_day"] <= 8 and made["targets"] + made["holdout"] == len(consenting_a())
    target = K.members(made["id"], holdout=False)[0]
    code, out = run(
        "campaign",
        "gift",
        *db,
        "--customer",
        Customer.get_by_id(target).mobile,
        "--what",
        "月饼",
        "--cost",
        "88",
        "--campaign",
        str(made["id"]),
        "--json",
    )
    assert code == 0
    code, out = run("campaign", "results", *db, "--id", str(made["id"]), "--json")
    r = json.loads(out)
    assert r["targets"]["size"] == made["targets"] and r["gift_cost_cents"] == 88_00
    assert run("campaign", "create", *db, "--name", "太多", "--grade", "A", "--days", "2", "--cap", "1")[0] == 1
