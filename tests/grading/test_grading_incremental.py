"""The daily regrade keeps period sums from the last run and sums only the customers touched
since; it must give exactly what summing every purchase gives (no Qt)."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from conftest import TEST_DAY

from shopcrm import customers as C, demo, grading
from shopcrm.customers import ledger
from shopcrm.sales import activity
from shopcrm.store.db import database
from shopcrm.store.models import Complaint, Customer

pytestmark = pytest.mark.usefixtures("fixed_day")  # the clock stands on TEST_DAY

TODAY = TEST_DAY

COLUMNS = (
    "id, grade, grade_at, period_spend_cents, period_purchases, rfm_r, rfm_f, rfm_m, "
    "value_type, lifecycle, lifecycle_at, level_id"
)


def snapshot(result: grading.RegradeResult) -> tuple:
    rows = database.execute_sql(f"SELECT {COLUMNS} FROM customer ORDER BY id").fetchall()
    history = database.execute_sql(
        # by customer and time: the order one INSERT … SELECT writes its rows in is the plan's
        # (PostgreSQL's differs between the full and the incremental computation)
        "SELECT customer_id, at, kind, old_value, new_value, reason FROM customer_history "
        "ORDER BY customer_id, at, kind, id"
    ).fetchall()
    return (rows, history, result.graded, result.changed, result.grades, result.thresholds, result.upgraded_levels)


def full_regrade(**kw) -> tuple:
    """What summing every purchase and computing every customer gives (no last run to start
    from), in a transaction that is rolled back."""
    with database.atomic() as txn:
        database.execute_sql(
            "INSERT OR IGNORE INTO setting (key, value) VALUES (?, 'true')", (grading.PURCHASES_CHANGED_KEY,)
        )
        database.execute_sql("DELETE FROM setting WHERE key = ?", (grading.LAST_RUN_KEY,))
        result = grading.regrade(**kw)
        assert not result.incremental and result.visited is None
        out = snapshot(result)
        txn.rollback()
    return out


def regrade_both(day: dt.date, *, expect_incremental: bool | None = True) -> grading.RegradeResult:
    at = dt.datetime.combine(day, dt.time(8, 30))
    expected = full_regrade(today=day, at=at)
    result = grading.regrade(today=day, at=at)
    if expect_incremental is not None:
        assert result.incremental == expect_incremental
    assert snapshot(result) == expected
    # the figures it stored (its Pareto curve from the spends it ranked) are those counted now
    assert grading.stored_figures(day) == (grading.summary(today=day), *grading.pareto(grading.FIGURE_BUCKETS))
    return result


def test_incremental_regrade_equals_summing_everything_over_days_of_changes(db):
    demo.generate(1500, 15000, seed=3, today=TODAY)
    activity.recompute_aggregates()
    rng = random.Random(5)
    ids = [r[0] for r in database.execute_sql("SELECT id FROM customer").fetchall()]
    # complaints and refunds that leave the period on the coming days (and so 负担 ends)
    for k in range(1, 15):
        for cid in rng.sample(ids, 3):
            for _ in range(2):
                Complaint.create(
                    customer=cid,
                    category="服务态度",
                    received_at=dt.datetime.combine(TODAY - dt.timedelta(days=365 - k), dt.time(10)),
                )
    regrade_both(TODAY, expect_incremental=False)  # the first grading sums everything
    assert database.execute_sql("SELECT COUNT(*) FROM customer WHERE value_type = 'burden'").fetchone()[0] > 20
    binned: list[int] = []
    changed_days = 0
    mobiles = iter(range(13700000000, 13800000000))
    for k in range(1, 15):
        day = TODAY + dt.timedelta(days=k)
        # new customers, graded at the next regrade with no purchase
        ids += [
            C.create(C.CustomerInput(name=f"新客{k}{i}", mobile=str(next(mobiles))), today=day).id for i in range(2)
        ]
        # new complaints and refunds (costs of the period: 负担客户)
        for cid in rng.sample(ids, 2):
            Complaint.create(customer=cid, category="商品质量", received_at=dt.datetime.combine(day, dt.time(8)))
        cid = rng.choice(ids)
        ledger.apply(cid, "topup", balance_delta_cents=10000, at=dt.datetime.combine(day, dt.time(8)))
        ledger.apply(cid, "refund", balance_delta_cents=-5000, at=dt.datetime.combine(day, dt.time(8)))
        live = [i for i in ids if i not in binned]  # a binned customer cannot buy
        if k == 10:  # a busy day: the F and M quintiles move
            for _ in range(250):
                activity.record_purchase(
                    rng.choice(live), rng.randint(100, 2_000_000), at=dt.datetime.combine(day, dt.time(6))
                )
        # the day's sales: today's, and some entered late for earlier days (back-dated, also
        # before the last run's time of the same day and before the period)
        for _ in range(rng.randint(5, 40)):
            ago = rng.choice([0, 0, 0, 1, 2, 30, 200, 364, 365, 366, 400])
            at = dt.datetime.combine(day - dt.timedelta(days=ago), dt.time(rng.randint(0, 23)))
            activity.record_purchase(rng.choice(live), rng.randint(100, 500_000), at=at)
        if k % 3 == 0:  # an import that bypasses the purchase hook
            with database.atomic():
                database.execute_sql(
                    "INSERT INTO purchase (customer_id, at, amount_cents, items, payment, points_earned, "
                    "note, created_at) VALUES (?, ?, 5000, '', 'cash', 0, '', ?)",
                    (rng.choice(ids), f"{day.isoformat()} 07:00:00", f"{day.isoformat()} 07:00:00"),
                )
                activity.recompute_aggregates()
        # the recycle bin: some go in (one right after a purchase; none can buy while there),
        # some come back
        if k % 2 == 0:
            out = rng.sample(ids, 3)
            activity.record_purchase(out[0], 12_345, at=dt.datetime.combine(day, dt.time(9)))
            C.soft_delete(out)
            binned += out
        if k % 5 == 0 and binned:
            C.restore(binned[:2])
            binned = binned[2:]
        if k == 7:  # settings that do not move the period keep the sums
            grading.update_settings(a_share=60, rfm_cuts={"r": [20, 45, 90, 180]})
        result = regrade_both(day)
        changed_days += result.changed > 0
        # settings changed: every customer; else only those whose results can have changed
        assert (result.visited is None) == (k == 7)
        assert result.visited is None or k == 10 or result.visited < len(ids) // 2
        if k % 4 == 0:  # the same day again: nothing to do
            assert regrade_both(day).changed == 0
    assert changed_days >= 10


def test_a_moved_period_or_a_day_back_stays_exact(db):
    demo.generate(800, 6000, seed=4, today=TODAY)
    activity.recompute_aggregates()
    regrade_both(TODAY, expect_incremental=False)
    regrade_both(TODAY - dt.timedelta(days=3))  # a day earlier than the last run
    regrade_both(TODAY)
    # the period moves by months: either way (summing everything is quicker when most of the
    # customers are touched), the results are exact
    grading.update_settings(period_months=6)
    regrade_both(TODAY + dt.timedelta(days=1), expect_incremental=None)
    grading.update_settings(period_months=0)  # all time
    regrade_both(TODAY, expect_incremental=None)
    grading.update_settings(period_months=12)
    regrade_both(TODAY, expect_incremental=None)
    regrade_both(TODAY + dt.timedelta(days=1))


def test_deleted_purchases_make_the_next_regrade_sum_everything(db):
    demo.generate(300, 3000, seed=6, today=TODAY)
    activity.recompute_aggregates()
    regrade_both(TODAY, expect_incremental=False)
    victims = [
        r[0] for r in database.execute_sql("SELECT customer_id FROM purchase ORDER BY id DESC LIMIT 2").fetchall()
    ]
    C.soft_delete(victims)
    regrade_both(TODAY + dt.timedelta(days=1))
    # purged with their purchases (the highest purchase ids: a new purchase may reuse them)
    with database.atomic():
        database.execute_sql(f"DELETE FROM customer WHERE id IN ({','.join('?' * len(victims))})", victims)
    other = database.execute_sql("SELECT MIN(id) FROM customer").fetchone()[0]
    activity.record_purchase(other, 99_900, at=dt.datetime.combine(TODAY, dt.time(20)))
    result = regrade_both(TODAY + dt.timedelta(days=2), expect_incremental=False)
    # everything was summed, but only the customers whose sums differ from the stored ones (and
    # those a moved threshold reaches) were computed again
    assert result.visited is not None and result.visited < 300 // 2
    regrade_both(TODAY + dt.timedelta(days=3))  # the mark is cleared
    with database.atomic():  # a purchase changed by hand
        database.execute_sql("UPDATE purchase SET amount_cents = amount_cents + 1 WHERE id = ?", (1,))
    result = regrade_both(TODAY + dt.timedelta(days=3), expect_incremental=False)
    assert result.visited is not None and result.visited < 300 // 2


def test_incremental_regrade_from_customers_binned_at_the_last_run(db):
    demo.generate(300, 3000, seed=7, today=TODAY)
    activity.recompute_aggregates()
    ids = [r[0] for r in database.execute_sql("SELECT id FROM customer ORDER BY id LIMIT 5").fetchall()]
    C.soft_delete(ids)
    regrade_both(TODAY, expect_incremental=False)
    # purchases reach them while in the bin only past the purchase hook (which refuses a sale
    # to a binned customer): an import of old sales; they come back a day later
    with database.atomic():
        for cid in ids:
            database.execute_sql(
                "INSERT INTO purchase (customer_id, at, amount_cents, items, payment, points_earned, "
                "note, created_at) VALUES (?, ?, 77700, '', 'cash', 0, '', ?)",
                (cid, f"{TODAY.isoformat()} 21:00:00", f"{TODAY.isoformat()} 21:00:00"),
            )
        activity.recompute_aggregates()
    regrade_both(TODAY + dt.timedelta(days=1))
    C.restore(ids)
    regrade_both(TODAY + dt.timedelta(days=2))


def test_moved_quintile_cuts_regrade_the_customers_they_passed(db):
    mobiles = iter(range(13600000000, 13700000000))

    def customer_buying(times: int, yuan: int) -> int:
        cid = C.create(C.CustomerInput(name="客", mobile=str(next(mobiles))), today=TODAY).id
        for k in range(times):  # first 120 days ago (no longer 建立), the last 5 days ago
            ago = 120 - k * 115 // max(times - 1, 1)
            activity.record_purchase(
                cid, yuan * 100, at=dt.datetime.combine(TODAY - dt.timedelta(days=ago), dt.time(10))
            )
        return cid

    # R and M by cut points, F by quintiles: only the F cut points can move past a customer
    grading.update_settings(rfm_cuts={"r": [30, 60, 90, 180], "m": [10000, 50000, 100000, 200000]})
    old = [customer_buying(n, 100 * n) for n in (1, 1, 2, 2, 3, 3, 4, 4, 5, 5)]
    for _ in range(20):  # members who never bought (not in the distributions)
        customer_buying(0, 0)
    regrade_both(TODAY, expect_incremental=False)
    before = {cid: Customer.get_by_id(cid).rfm_f for cid in old}
    # frequent small buyers arrive: the F cut points move past customers who bought nothing
    for _ in range(2):
        customer_buying(8, 1)
    result = regrade_both(TODAY)
    after = {cid: Customer.get_by_id(cid).rfm_f for cid in old}
    assert result.visited is not None and before != after


@pytest.mark.sqlite_only("SQLite's indexes are dropped and rebuilt around the bulk write; PostgreSQL keeps them")
def test_a_full_regrade_leaves_the_schema_as_it_was(db):
    """Rewriting most customers rebuilds the indexes on the written columns (quicker than entry
    by entry); they come back exactly as the migrations made them."""
    demo.generate(300, 3000, seed=8, today=TODAY)
    activity.recompute_aggregates()
    schema = database.execute_sql("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name").fetchall()
    assert grading.regrade(today=TODAY).changed == 300
    assert (
        database.execute_sql("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name").fetchall() == schema
    )
    assert database.execute_sql("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_a_wholly_refunded_purchase_is_no_purchase_in_the_period_full_or_incremental(db):
    """Issue 13: spend is net of refunds, and so is the frequency: a purchase refunded whole is
    not counted in ``period_purchases``, on the full pass and when the period moves past it."""
    from shopcrm.sales import counter

    ids = [C.create(C.CustomerInput(name=f"客户{i}", mobile=f"139000000{i:02d}")).id for i in range(12)]
    start = grading.current_period(TODAY).start
    assert start is not None
    first_day = dt.datetime.combine(start, dt.time(10))  # leaves the period tomorrow
    for cid in ids:
        counter.sell(cid, 10_000, at=dt.datetime.combine(TODAY - dt.timedelta(days=30), dt.time(10)))
    gone = counter.sell(ids[0], 50_000, at=first_day)
    part = counter.sell(ids[1], 50_000, at=first_day)
    counter.refund_purchase(gone.id)  # whole
    counter.refund_purchase(part.id, 20_000)  # part: still a purchase
    regrade_both(TODAY, expect_incremental=False)  # a refund changed purchases: everything is summed
    a, b = Customer.get_by_id(ids[0]), Customer.get_by_id(ids[1])
    assert (a.period_purchases, a.period_spend_cents, a.purchase_count) == (1, 10_000, 1)
    assert (b.period_purchases, b.period_spend_cents) == (2, 40_000)
    # a day later both older purchases leave the period; the incremental pass takes them off
    regrade_both(TODAY + dt.timedelta(days=1), expect_incremental=True)
    a, b = Customer.get_by_id(ids[0]), Customer.get_by_id(ids[1])
    assert (a.period_purchases, a.period_spend_cents) == (1, 10_000)
    assert (b.period_purchases, b.period_spend_cents) == (1, 10_000)
