"""Customer grading on hand-built purchase histories with known answers (no Qt)."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import TEST_DAY

from shopcrm import customers as C, grading
from shopcrm.core.errors import Cancelled
from shopcrm.customers import ledger
from shopcrm.sales import activity
from shopcrm.store.db import database
from shopcrm.store.models import Complaint, Contact, Customer, CustomerHistory, Level

pytestmark = pytest.mark.usefixtures("fixed_day")  # the clock stands on TEST_DAY

TODAY = TEST_DAY
NOW = dt.datetime(2026, 11, 22, 12, 0, 0)

_mobiles = iter(range(13800000000, 13900000000))


def new_customer(name: str = "顾客") -> int:
    return C.create(C.CustomerInput(name=name, mobile=str(next(_mobiles))), today=TODAY).id


def days_ago(n: int, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(TODAY - dt.timedelta(days=n), dt.time(hour))


def buy(cid: int, yuan: float, ago: int) -> None:
    activity.record_purchase(cid, round(yuan * 100), at=days_ago(ago))


def regrade(**kw) -> grading.RegradeResult:
    return grading.regrade(today=TODAY, at=NOW, **kw)


def fresh(cid: int) -> Customer:
    return Customer.get_by_id(cid)


# --- ABC -----------------------------------------------------------------------------------------


def test_abc_grades_by_cumulative_share(db):
    spends = {"甲": 5000, "乙": 3000, "丙": 1000, "丁": 600, "戊": 400}
    ids = {}
    for name, yuan in spends.items():
        ids[name] = new_customer(name)
        buy(ids[name], yuan, 30)
    old_only = new_customer("老客")
    buy(old_only, 99999, 400)  # before the 12-month period: no spend in it
    never = new_customer("没买过")
    result = regrade()
    grades = {n: fresh(i).grade for n, i in ids.items()}
    # shares before each: 0%, 50%, 80%, 90%, 96% -> A A B C C
    assert grades == {"甲": "A", "乙": "A", "丙": "B", "丁": "C", "戊": "C"}
    assert fresh(old_only).grade == "C" and fresh(old_only).period_spend_cents == 0
    assert fresh(never).grade == "C" and fresh(never).rfm_r is None
    assert fresh(ids["甲"]).period_spend_cents == 500000 and fresh(ids["甲"]).period_purchases == 1
    assert fresh(ids["甲"]).grade_at == NOW
    assert result.grades == {"A": 2, "B": 1, "C": 4}
    assert result.thresholds == {"A": 300000, "B": 100000}


def test_ties_at_the_boundary_share_a_grade(db):
    # 4000 | 2000 2000 | 1000 1000: the pair at 40% before goes to A together although the
    # second of them takes the running share to 80%; the last pair (80% before) is B together
    ids = [new_customer(f"客{i}") for i in range(5)]
    for cid, yuan in zip(ids, (4000, 2000, 2000, 1000, 1000), strict=True):
        buy(cid, yuan, 10)
    regrade()
    assert [fresh(i).grade for i in ids] == ["A", "A", "A", "B", "B"]


def test_exactly_at_the_threshold_is_not_inside(db):
    a, b, c = new_customer("甲"), new_customer("乙"), new_customer("丙")
    buy(a, 5500, 5)
    buy(b, 3000, 5)
    buy(c, 1500, 5)
    regrade()
    # b: 55% of sales before it = not below 55% -> B; c: 85% before -> C
    assert (fresh(a).grade, fresh(b).grade, fresh(c).grade) == ("A", "B", "C")


def test_thresholds_and_period_are_settings(db):
    ids = [new_customer(f"客{i}") for i in range(4)]
    for cid, yuan in zip(ids, (4000, 3000, 2000, 1000), strict=True):
        buy(cid, yuan, 100)
    buy(ids[3], 9000, 250)  # only inside a 12-month period
    regrade()
    # 10000 (客3) | 4000: 52.6% before | 3000: 73.7% | 2000: 89.5%
    assert [fresh(i).grade for i in ids] == ["A", "B", "C", "A"]
    grading.update_settings(a_share=30, b_share=60)
    assert grading.is_stale(NOW)
    regrade()
    assert [fresh(i).grade for i in ids] == ["B", "C", "C", "A"]
    grading.update_settings(period_months=6)  # 客3's 9000 falls out of the period
    regrade()
    assert [fresh(i).grade for i in ids] == ["A", "B", "C", "C"]
    assert fresh(ids[3]).period_spend_cents == 100000
    history = grading.history_of(ids[0], ("grade",))
    assert [(h.old_value, h.new_value) for h in history] == [("B", "A"), ("A", "B")]
    assert history[0].describe() == "ABC 等级：B 类 → A 类"
    assert [(h.old_value, h.new_value) for h in grading.history_of(ids[3])] == [("A", "C")]


def test_bad_settings_are_refused_with_a_chinese_message(db):
    with pytest.raises(ValueError, match="A 类 90% 必须小于 B 类 80%"):
        grading.update_settings(a_share=90, b_share=80)
    with pytest.raises(ValueError, match=r"rfm_cuts.f.*四个递增的数"):
        grading.update_settings(rfm_cuts={"f": [1, 2, 2, 3]})
    with pytest.raises(ValueError, match=r"dormant_days.*正数"):
        grading.update_settings(dormant_days=0)
    assert grading.settings()["a_share"] == 55


# --- RFM -----------------------------------------------------------------------------------------


def test_rfm_quintiles(db):
    ids = []
    for i in range(5):  # i purchases+1, spend rising, more recent
        cid = new_customer(f"客{i}")
        for _ in range(i + 1):  # 客i: i+1 purchases of 100 yuan, 50-10i days ago
            buy(cid, 100, 50 - 10 * i)
        ids.append(cid)
    tie = new_customer("并列")
    buy(tie, 100, 40)  # same recency, count and spend as 客1
    buy(tie, 100, 40)
    never = new_customer("没买过")
    regrade()
    # 6 buyers; 客1 and 并列 tie on everything; percent ranks 0, .2, .2, .6, .8, 1
    scores = [fresh(i).rfm_r for i in ids]
    assert scores == [1, 2, 4, 5, 5]
    assert fresh(tie).rfm_r == fresh(ids[1]).rfm_r
    assert fresh(tie).rfm_f == fresh(ids[1]).rfm_f and fresh(tie).rfm_m == fresh(ids[1]).rfm_m
    assert [fresh(i).rfm_f for i in ids] == [1, 2, 4, 5, 5]
    assert [fresh(i).rfm_m for i in ids] == [1, 2, 4, 5, 5]
    assert fresh(never).rfm_r is fresh(never).rfm_f is fresh(never).rfm_m is None


def test_rfm_cut_points(db):
    grading.update_settings(rfm_cuts={"r": [30, 60, 90, 180], "f": [2, 3, 4, 6], "m": [10000, 50000, 100000, 200000]})
    a, b, c = new_customer("甲"), new_customer("乙"), new_customer("丙")
    buy(a, 2500, 5)  # silent 5 days, 1 purchase, 2500 yuan
    buy(b, 100, 60)  # silent exactly 60 days: not more than 60 -> 4
    buy(c, 100, 200)  # beyond every cut
    for _ in range(5):
        buy(c, 100, 400)  # 6 purchases but five are outside the period
    regrade()
    assert (fresh(a).rfm_r, fresh(a).rfm_f, fresh(a).rfm_m) == (5, 1, 5)
    assert (fresh(b).rfm_r, fresh(b).rfm_f, fresh(b).rfm_m) == (4, 1, 2)
    assert (fresh(c).rfm_r, fresh(c).rfm_f, fresh(c).rfm_m) == (1, 1, 2)


# --- value types ---------------------------------------------------------------------------------


def test_each_value_type(db):
    grading.update_settings(rfm_cuts={"r": [30, 60, 90, 180], "f": [2, 3, 4, 6], "m": [10000, 50000, 100000, 200000]})
    gold = new_customer("黄金")
    for k in range(6):
        buy(gold, 500, 5 + 20 * k)  # 3000 yuan, 6 purchases, last 5 days ago
    meteor = new_customer("流星")
    buy(meteor, 3000, 10)  # one big purchase
    fading = new_customer("褪色")
    for k in range(6):
        buy(fading, 500, 200 + k)  # big and frequent, but silent for 200 days
    star = new_customer("小星")
    for k in range(6):
        buy(star, 50, 3 + 10 * k)  # 300 yuan in 6 small purchases
    burden = new_customer("负担")
    buy(burden, 50, 20)
    for k in range(2):
        Complaint.create(customer=burden, received_at=days_ago(15 + k), category="服务态度")
    refunder = new_customer("退款")
    buy(refunder, 80, 20)
    ledger.apply(refunder, "topup", balance_delta_cents=10000, at=days_ago(30))
    ledger.apply(refunder, "refund", balance_delta_cents=-5000, at=days_ago(19))
    Complaint.create(customer=refunder, received_at=days_ago(18), category="商品质量")
    ordinary = new_customer("普通")
    buy(ordinary, 50, 100)
    never = new_customer("没买过")
    regrade()
    types = {
        n: fresh(i).value_type
        for n, i in (
            ("黄金", gold),
            ("流星", meteor),
            ("褪色", fading),
            ("小星", star),
            ("负担", burden),
            ("退款", refunder),
            ("普通", ordinary),
            ("没买过", never),
        )
    }
    assert types == {
        "黄金": "gold",
        "流星": "meteor",
        "褪色": "meteor",
        "小星": "star",
        "负担": "burden",
        "退款": "burden",
        "普通": "ordinary",
        "没买过": None,
    }
    assert grading.value_label("star") == "小星客户"


# --- lifecycle -----------------------------------------------------------------------------------


def test_each_lifecycle_stage(db):
    new = new_customer("新客")
    buy(new, 100, 10)
    growth = new_customer("发展")
    for ago in range(300, 0, -10):
        buy(growth, 100, ago)  # every 10 days, last 10 days ago
    at_risk = new_customer("破裂")
    for ago in range(300, 30, -10):
        buy(at_risk, 100, ago)  # usual interval 10 days, silent 40 > 2 x 10
    lost = new_customer("流失")
    buy(lost, 100, 200)
    buy(lost, 100, 100)
    recovered = new_customer("回头")
    buy(recovered, 100, 300)
    buy(recovered, 100, 200)
    buy(recovered, 100, 20)  # 180 days of silence, then back
    one_off = new_customer("一次")
    buy(one_off, 100, 70)  # one purchase, silent 70 > 2 x 30 (default interval)
    never = new_customer("没买过")
    regrade()
    stage = {
        n: fresh(i).lifecycle
        for n, i in (
            ("新客", new),
            ("发展", growth),
            ("破裂", at_risk),
            ("流失", lost),
            ("回头", recovered),
            ("一次", one_off),
            ("没买过", never),
        )
    }
    assert stage == {
        "新客": "new",
        "发展": "growth",
        "破裂": "at_risk",
        "流失": "lost",
        "回头": "recovered",
        "一次": "at_risk",
        "没买过": None,
    }
    assert fresh(recovered).lifecycle_at == days_ago(20)
    assert fresh(lost).lifecycle_at == dt.datetime.combine(TODAY - dt.timedelta(days=9), dt.time())
    assert fresh(new).lifecycle_at == days_ago(10)
    assert grading.lifecycle_label("at_risk") == "破裂"


def test_lost_then_recovered_after_a_purchase(db):
    cid = new_customer("回头客")
    buy(cid, 300, 400)
    buy(cid, 200, 150)
    regrade()
    assert fresh(cid).lifecycle == "lost"
    # the purchase moves the stage at once (same transaction), and the archive shows it
    activity.record_purchase(cid, 8800, at=NOW)
    c = fresh(cid)
    assert c.lifecycle == "recovered" and c.lifecycle_at == NOW
    (h,) = grading.history_of(cid)
    assert (h.kind, h.old_value, h.new_value) == ("lifecycle", "lost", "recovered")
    assert h.describe() == "生命周期：结束 → 恢复"
    regrade()
    assert fresh(cid).lifecycle == "recovered"
    assert len(grading.history_of(cid)) == 1
    # 100 days later the return is out of the recovery window: an ordinary stage again
    later = TODAY + dt.timedelta(days=100)
    grading.regrade(today=later, at=dt.datetime.combine(later, dt.time(12)))
    assert fresh(cid).lifecycle == "lost"
    assert [h.new_value for h in grading.history_of(cid, ("lifecycle",))] == ["lost", "recovered"]


def test_lost_to_recovered_found_by_the_regrade(db):
    """Purchases that arrive without the purchase hook (an import) are found by the regrade."""
    cid = new_customer("导入客")
    buy(cid, 300, 200)
    regrade()
    assert fresh(cid).lifecycle == "lost"
    with database.atomic():
        database.execute_sql(
            "INSERT INTO purchase (customer_id, at, amount_cents, items, payment, points_earned, "
            "note, created_at) VALUES (?, ?, 5000, '', 'cash', 0, '', ?)",
            (cid, "2026-11-01 10:00:00", "2026-11-01 10:00:00"),
        )
        activity.recompute_aggregates()
    regrade()
    c = fresh(cid)
    assert c.lifecycle == "recovered" and c.lifecycle_at == dt.datetime(2026, 11, 1, 10)
    (h,) = grading.history_of(cid, ("lifecycle",))
    assert (h.old_value, h.new_value, h.reason) == ("lost", "recovered", "自动评级")


def test_first_grading_records_no_history_and_an_unchanged_regrade_writes_nothing(db):
    ids = [new_customer(f"客{i}") for i in range(3)]
    for k, cid in enumerate(ids):
        buy(cid, 100 * (k + 1), 10 * k + 5)
    first = regrade()
    assert first.changed == 3 and CustomerHistory.select().count() == 0
    again = regrade()
    assert again.changed == 0 and not grading.is_stale(NOW)
    assert grading.is_stale(NOW + dt.timedelta(hours=24))
    assert grading.regrade_if_stale(at=NOW + dt.timedelta(hours=1)) is None


def test_a_cancelled_regrade_leaves_everything_as_it_was(db, engine_name):
    cid = new_customer("甲")
    buy(cid, 100, 5)
    calls = []

    def progress(done, total):
        calls.append((done, total))
        return done < 3

    with pytest.raises(Cancelled):
        regrade(progress=progress)
    c = fresh(cid)
    assert c.grade is None and c.lifecycle == "new"  # the purchase hook's stage only
    assert grading.last_run() is None
    assert calls[-1] == (3, 5)
    temp_tables = (
        "SELECT name FROM sqlite_temp_master"
        if engine_name == "sqlite"
        else "SELECT tablename FROM pg_tables WHERE schemaname LIKE 'pg_temp%'"
    )
    assert database.execute_sql(temp_tables).fetchall() == []


def test_recycle_bin_customers_are_not_graded(db):
    a, b = new_customer("甲"), new_customer("乙")
    buy(a, 100, 5)
    buy(b, 900, 5)
    C.soft_delete([b])
    result = regrade()
    assert fresh(a).grade == "A" and fresh(b).grade is None
    assert result.graded == 1


# --- customer list filter ----------------------------------------------------------------------


def test_customer_list_filters_by_grade(db):
    a, b, c = new_customer("甲"), new_customer("乙"), new_customer("丙")
    buy(a, 600, 5)
    buy(b, 300, 5)
    buy(c, 100, 5)
    assert C.count(C.CustomerQuery(grade="")) == 3  # not graded yet
    regrade()
    assert [r.name for r in C.page(C.CustomerQuery(grade="A"), 0, 10)] == ["甲"]
    assert C.count(C.CustomerQuery(grade="B")) == 1
    assert C.page(C.CustomerQuery(sort="grade"), 0, 10)[0].grade == "A"


# --- dormant customers ---------------------------------------------------------------------------


def test_dormant_list_sorted_by_value_and_wake_up_hands_to_care(db):
    big = new_customer("大客")
    buy(big, 5000, 120)
    small = new_customer("小客")
    buy(small, 50, 300)
    active = new_customer("活跃")
    buy(active, 50, 10)
    edge = new_customer("刚好")
    buy(edge, 50, 89)
    rows = grading.dormant(today=TODAY)
    assert [r.name for r in rows] == ["大客", "小客"]
    assert [r.name for r in grading.dormant(today=TODAY, sort="silence")] == ["小客", "大客"]
    assert grading.dormant_count(today=TODAY) == 2
    # equal past value: the newer customer first
    assert [r.name for r in grading.dormant(60, today=TODAY)] == ["大客", "刚好", "小客"]

    contact = activity.wake_up(big, at=NOW, staff="小王")
    assert contact.purpose == "唤醒休眠客户（120 天未消费）"
    assert contact.next_followup == TODAY + dt.timedelta(days=3)
    assert contact.channel == "phone"
    assert Contact.select().where(Contact.customer == big).count() == 1
    # woken: off the list for now, still counted as dormant
    assert [r.name for r in grading.dormant(today=TODAY)] == ["小客"]
    assert grading.dormant_count(today=TODAY) == 2
    assert [r.name for r in grading.dormant(today=TODAY, include_contacted=True)] == ["大客", "小客"]

    care = pytest.importorskip("shopcrm.care")
    due = care.build_today(TODAY + dt.timedelta(days=3))
    assert any(it.customer_id == big and it.kind == "followup" for it in due.items)


# --- points and levels ---------------------------------------------------------------------------


def level(name: str) -> Level:
    return Level.get(Level.name == name)


def test_points_rule_is_configurable(db):
    cid = new_customer("积分客")
    activity.record_purchase(cid, 12_345, at=days_ago(3))
    assert fresh(cid).points == 123  # 1 point per whole yuan
    grading.update_settings(points_unit_cents=1000)  # 1 point per 10 yuan
    grading.set_level_rule(level("普通会员").id, points_per_yuan_milli=1500)
    C.update(cid, C.CustomerInput(name="积分客", mobile=fresh(cid).mobile, level_id=level("普通会员").id), today=TODAY)
    activity.record_purchase(cid, 12_345, at=days_ago(2))
    assert fresh(cid).points == 123 + 18  # 12 units x 1.5
    assert ledger.verify() == []


def test_levels_rise_automatically_and_never_fall(db):
    grading.set_level_rule(level("银卡").id, min_total_spend_cents=100_000)
    grading.set_level_rule(level("金卡").id, min_points=3000)
    cid = new_customer("升级客")
    activity.record_purchase(cid, 60_000, at=days_ago(5))
    assert fresh(cid).level_id is None
    activity.record_purchase(cid, 50_000, at=days_ago(4))
    assert fresh(cid).level_id == level("银卡").id
    (h,) = grading.history_of(cid, ("level",))
    assert (h.old_value, h.new_value) == ("", "银卡")
    assert "累计消费 1,100.00" in h.reason
    activity.record_purchase(cid, 200_000, at=days_ago(3))  # 3100 points
    assert fresh(cid).level_id == level("金卡").id
    # raising the threshold never lowers anyone
    grading.set_level_rule(level("金卡").id, min_points=99_999)
    regrade()
    assert fresh(cid).level_id == level("金卡").id
    # the owner can lower by hand, and that is in the history too
    grading.set_level(cid, level("银卡").id, reason="降级测试")
    assert fresh(cid).level_id == level("银卡").id
    assert next((h.old_value, h.new_value) for h in grading.history_of(cid, ("level",))) == ("金卡", "银卡")
    # so is a level chosen in the archive form
    C.update(cid, C.CustomerInput(name="升级客", mobile=fresh(cid).mobile, level_id=level("普通会员").id), today=TODAY)
    h = grading.history_of(cid, ("level",))[0]
    assert (h.old_value, h.new_value, h.reason) == ("银卡", "普通会员", "店主手动调整")


def test_regrade_upgrades_customers_who_crossed_a_new_threshold(db):
    a, b = new_customer("甲"), new_customer("乙")
    buy(a, 3000, 30)
    buy(b, 100, 30)
    grading.set_level_rule(level("钻石").id, min_total_spend_cents=200_000)
    result = regrade()
    assert result.upgraded_levels == 1
    assert fresh(a).level_id == level("钻石").id and fresh(b).level_id is None


# --- figures -------------------------------------------------------------------------------------


def test_upgrade_potential_lists_those_closest_to_the_next_grade(db):
    spends = [5000, 2000, 1000, 900, 500, 100, 90]
    ids = [new_customer(f"客{i}") for i in range(len(spends))]
    for cid, yuan in zip(ids, spends, strict=True):
        buy(cid, yuan, 20)
    regrade()
    # total 9590: A = 5000 (before 0) + 2000 (52%); B = 1000 (73%) + 900 (83.6%); C = rest
    assert [fresh(i).grade for i in ids] == ["A", "A", "B", "B", "C", "C", "C"]
    pot = grading.upgrade_potential()
    first = pot[0]
    assert (first.name, first.next_grade, first.gap_cents) == ("客4", "B", 40_000)
    assert {(p.name, p.next_grade, p.gap_cents) for p in pot} >= {
        ("客2", "A", 100_000),
        ("客3", "A", 110_000),
        ("客6", "B", 81_000),
    }
    assert all(p.grade in ("B", "C") for p in pot)


def test_summary_and_pareto(db):
    ids = [new_customer(f"客{i}") for i in range(10)]
    for k, cid in enumerate(ids):
        buy(cid, 100 * (k + 1), 5 + k)
    sleeper = new_customer("休眠")
    buy(sleeper, 10, 400)
    new_customer("没买过")
    regrade()
    s = grading.summary(today=TODAY)
    assert s.customers == 12 and s.buyers == 10 and s.dormant == 1
    assert s.period_spend_cents == 550_000
    assert sum(s.by_grade.values()) == 12 and s.by_grade["C"] >= 2
    assert s.by_lifecycle["lost"] == 1 and s.by_lifecycle[""] == 1
    assert round(sum(s.composition().values())) == 100
    buckets, zero = grading.pareto(5)
    assert zero == 2 and len(buckets) == 5
    assert [b.end_rank - b.first_rank for b in buckets] == [2, 2, 2, 2, 2]
    assert buckets[0].spend_cents == 190_000 and buckets[-1].cum_share == pytest.approx(100.0)
    assert [c.name for c in grading.bucket_customers(buckets[0])] == ["客9", "客8"]
    assert buckets[0].grade == "A"
    assert {c.name for c in grading.customers_in("grade", "A")} == {f.name for f in grading.customers_in("grade", "A")}
    assert len(grading.customers_in("lifecycle", None)) == 1


# --- command line --------------------------------------------------------------------------------


def test_regrade_command(db_path, capsys):
    from shopcrm import cli
    from shopcrm.store.db import close_database, open_database

    open_database(db_path)
    cid = new_customer("甲")
    buy(cid, 100, 5)
    close_database()
    assert cli.main(["regrade", "--db", str(db_path)]) == 0
    assert "评级完成：1 位客户，1 位有变化" in capsys.readouterr().out
    assert cli.main(["regrade", "--db", str(db_path), "--if-stale"]) == 0
    assert "评级是最新的" in capsys.readouterr().out
    assert fresh(cid).grade == "A"
    close_database()
