"""Stores (门店, issue #18): a chain's stores, the counter's store that every write is booked to,
the store scope of the lists and figures, the day close per store, on both engines."""

from __future__ import annotations

import datetime as dt

import pytest

from shopcrm import care, complaints as K, customers, stores
from shopcrm.core import clock
from shopcrm.core.errors import FieldError
from shopcrm.customers import CustomerInput, CustomerQuery
from shopcrm.sales import activity, counter, days
from shopcrm.store import stores as counter_store
from shopcrm.store.models import (
    CareAction,
    Complaint,
    Contact,
    Customer,
    DayClose,
    LedgerEntry,
    Purchase,
    Refund,
    Store,
    Topup,
)
from shopcrm.trust import security
from tests.conftest import valid_complaint

DAY = dt.date(2026, 11, 22)


@pytest.fixture
def shop(db):
    security.reset_session()
    clock.set_now(dt.datetime.combine(DAY, dt.time(10)))
    yield db
    security.reset_session()


def _member(name: str, mobile: str) -> int:
    return customers.create(CustomerInput(name=name, mobile=mobile)).id


def test_a_new_shop_is_one_default_store_and_no_chain(shop):
    assert [(s.id, s.code, s.name, s.active) for s in stores.all_stores()] == [(1, "main", "本店", True)]
    assert not stores.is_chain() and stores.work_scope() is None
    assert stores.counter_store().id == counter_store.DEFAULT_STORE
    cid = _member("张三", "13800000001")
    assert Customer.get_by_id(cid).home_store_id == 1


def test_the_owner_adds_renames_and_deactivates_stores_and_the_clerk_may_not(shop):
    east = stores.add("east", "东门店", address="东大街 1 号", phone="0571-1234567")
    assert stores.is_chain() and stores.resolve("east") == stores.resolve("东门店") == stores.resolve(str(east.id))
    with pytest.raises(FieldError) as err:
        stores.add("EAST 2", "西门店")
    assert err.value.field == "store_code" and "EAST 2" in str(err.value)
    with pytest.raises(FieldError) as err:
        stores.add("west", "东门店")
    assert err.value.field == "store_name" and "东门店" in str(err.value)
    assert stores.update(east.id, name="东湖店").name == "东湖店"
    assert stores.set_active(east.id, False).active is False
    assert not stores.is_chain()
    with pytest.raises(FieldError) as err:  # the last active store
        stores.set_active(1, False)
    assert "本店" in str(err.value)
    with pytest.raises(FieldError):  # a counter cannot work in an inactive store
        stores.set_counter_store(east.id)
    stores.set_active(east.id, True)
    security.set_pin("2468")
    security.lock()
    with pytest.raises(PermissionError):
        stores.add("west", "西门店")
    with pytest.raises(PermissionError):
        stores.set_counter_store(east.id)
    assert stores.work_scope() == 1  # a clerk of a chain: their counter's store


def test_every_write_at_a_counter_is_booked_to_its_store(shop):
    old = _member("老顾客", "13800000001")
    east = stores.add("east", "东门店")
    stores.set_counter_store(east.id)
    assert stores.counter_store().id == east.id and stores.counters() == {counter_store.machine_name(): east.id}
    cid = _member("新顾客", "13800000002")
    assert Customer.get_by_id(cid).home_store_id == east.id
    t = counter.topup(old, 50_000, "cash")  # a member of the main store tops up in the east store
    p = counter.sell(old, 10_000, {"card": 10_000})
    r = counter.refund_purchase(p.id, 2_000)
    activity.record_contact(cid, purpose="回访", next_followup=DAY)
    k = valid_complaint(cid, clock.now())
    assert Topup.get_by_id(t.id).store_id == east.id
    assert Purchase.get_by_id(p.id).store_id == east.id
    assert Refund.get_by_id(r.id).store_id == east.id
    assert {e.store_id for e in LedgerEntry.select().where(LedgerEntry.customer == old)} == {east.id}
    assert Contact.get(Contact.customer == cid).store_id == east.id
    assert Complaint.get_by_id(k).store_id == east.id
    assert Customer.get_by_id(old).home_store_id == 1  # customers stay where they joined
    followup = [i for i in care.build_today(DAY).items if i.kind == "followup"]
    assert care.skip(followup, "测试") == 1
    assert {a.store_id for a in CareAction.select()} == {east.id}


def test_the_lists_and_figures_are_scoped_by_store(shop):
    main_member = _member("本店顾客", "13800000001")
    east = stores.add("east", "东门店")
    stores.set_counter_store(east.id)
    east_member = _member("东店顾客", "13800000002")
    valid_complaint(east_member, clock.now())
    counter.sell(main_member, 5_000)
    for cid in (main_member, east_member):
        activity.record_contact(cid, purpose="回访", next_followup=DAY)
    stores.set_counter_store(1)
    valid_complaint(main_member, clock.now())

    def names(store_id):
        q = CustomerQuery(store_id=store_id)
        assert customers.count(q) == len(customers.page(q, 0, 50))
        return sorted(r.name for r in customers.page(q, 0, 50))

    assert names(None) == ["东店顾客", "本店顾客"]  # customers are chain-wide
    assert names(east.id) == ["东店顾客"] and names(1) == ["本店顾客"]

    def complaint_who(store_id):
        return [r.who for r in K.page(K.ComplaintQuery(status="all", store_id=store_id), 0, 50)]

    assert sorted(complaint_who(None)) == ["东店顾客", "本店顾客"]
    assert complaint_who(east.id) == ["东店顾客"] and complaint_who(1) == ["本店顾客"]
    assert K.counts(store_id=east.id).open == 1 and K.counts().open == 2
    fig = K.figures(DAY, DAY, store_id=east.id)
    assert (fig.complaints, fig.buying_customers) == (1, 1)  # the main store's member bought in the east store
    assert K.figures(DAY, DAY, store_id=1).buying_customers == 0

    def today_names(store_id):
        lst = care.build_today(DAY, store_id=store_id)
        return {i.name for i in lst.items if i.kind == "followup"}

    assert today_names(None) == {"东店顾客", "本店顾客"}
    assert today_names(east.id) == {"东店顾客"} and today_names(1) == {"本店顾客"}


def test_each_store_closes_its_own_day(shop):
    cid = _member("张三", "13800000001")
    east = stores.add("east", "东门店")
    counter.sell(cid, 10_000)  # main store, cash
    stores.set_counter_store(east.id)
    counter.sell(cid, 3_000)  # east store, cash
    assert counter.day_totals(DAY).by_method["cash"]["sales"] == 13_000  # the chain
    assert counter.day_totals(DAY, store_id=east.id).by_method["cash"]["sales"] == 3_000
    closed = counter.close_day(DAY)  # this counter's store: east
    assert closed.by_method["cash"]["sales"] == 3_000
    assert days.is_closed(DAY) and not days.is_closed(DAY, store_id=1)
    with pytest.raises(FieldError):  # the east store's day is closed
        counter.sell(cid, 1_000)
    stores.set_counter_store(1)
    counter.sell(cid, 1_000)  # the main store keeps selling
    main = counter.close_day(DAY)
    assert main.by_method["cash"]["sales"] == 11_000
    assert sorted((d.store_id, d.operator) for d in DayClose.select()) == [(1, ""), (east.id, "")]
    assert counter.stored_close(DAY, store_id=east.id).by_method["cash"]["sales"] == 3_000


def test_a_deactivated_store_sends_its_counters_to_the_first_active_store(shop):
    east = stores.add("east", "东门店")
    stores.set_counter_store(east.id)
    stores.set_active(east.id, False)
    assert stores.counter_store().id == 1
    assert Store.get_by_id(east.id).active is False


def test_each_stores_sales_of_a_period(shop):
    cid = _member("张三", "13800000001")
    east = stores.add("east", "东门店")
    counter.sell(cid, 10_000)
    stores.set_counter_store(east.id)
    _member("李四", "13800000002")
    counter.topup(cid, 50_000, "cash")
    p = counter.sell(cid, 3_000, {"card": 3_000})
    counter.refund_purchase(p.id, 1_000)
    rows = {s.name: s for s in stores.sales(DAY, DAY)}
    assert (rows["本店"].sales, rows["本店"].sales_cents, rows["本店"].topups_cents) == (1, 10_000, 0)
    east_row = rows["东门店"]
    assert (east_row.sales, east_row.sales_cents, east_row.refunds_cents, east_row.topups_cents) == (
        1,
        2_000,  # a purchase's amount is what is left of it after refunds
        1_000,
        50_000,
    )
    assert (rows["本店"].members_joined, east_row.members_joined) == (1, 1)
    assert stores.sales(DAY, DAY, east.id) == [east_row]
    assert stores.sales(DAY + dt.timedelta(days=1), DAY + dt.timedelta(days=1), east.id)[0].sales == 0


def test_a_stores_list_pages_the_same_with_the_count_known(shop):
    """A store's members page the same whatever the count the list passes (exact, capped, none):
    SQLite reads a small store from its index and walks the sort index for a large one (step 25)."""
    east = stores.add("east", "东门店")
    for i in range(60):
        cid = _member(f"顾客{i:02d}", f"138{i:08d}")
        if i % 20 == 0:
            Customer.update(home_store=east.id).where(Customer.id == cid).execute()
    for store_id, n in ((east.id, 3), (1, 57)):
        for sort in ("name", "total_spend"):
            q = CustomerQuery(store_id=store_id, sort=sort)
            assert customers.count(q) == n
            plain = [r.id for r in customers.seek(q, None, 100)]
            assert len(plain) == n
            assert [r.id for r in customers.seek(q, None, 100, hits=n)] == plain
            assert [r.id for r in customers.seek(q, None, 100, hits=10_000)] == plain  # walks
            first = customers.seek(q, None, 1, hits=n)[0].cursor
            assert [r.id for r in customers.seek(q, first, 100, hits=n)] == plain[1:]
            walked, cursor = [], None  # pages of 2: the large store walks its sort index
            while page := customers.seek(q, cursor, 2, hits=min(n, 2_000)):
                walked += [r.id for r in page]
                cursor = page[-1].cursor
            assert walked == plain
