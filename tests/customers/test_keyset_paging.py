"""Keyset paging (issue #20) returns exactly the rows OFFSET paging did: every sort column, both
directions, with many equal keys and NULLs, walking forwards and backwards, jumping from sampled
cursors, and continuing from a cursor after rows were inserted and deleted in between."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from shopcrm import customers as C
from shopcrm.store.models import Customer, Level, SearchKey

SORTS = tuple(C.SORT_COLUMNS)
SMALL = st.integers(0, 2)  # few distinct values: many ties

customer = st.fixed_dictionaries(
    {
        "name_sort": st.sampled_from(["a", "b", "b", "c"]),
        "card": st.one_of(st.none(), st.sampled_from(["X", "Y", "Z", "ZW"])),
        # search keys (a live customer's): prefixes that list one customer twice (zw: zw, zwei)
        "keys": st.lists(st.sampled_from(["z", "zw", "zwei", "伟", "伟伟", "a"]), unique=True, max_size=3),
        "level": st.one_of(st.none(), st.integers(0, 2)),
        "balance_cents": SMALL,
        "points": SMALL,
        "last_purchase_at": st.one_of(st.none(), st.sampled_from(["2026-01-01 10:00:00", "2026-02-01 09:00:00"])),
        "total_spend_cents": SMALL,
        "birth_mmdd": st.one_of(st.none(), st.sampled_from([101, 1231])),
        "grade": st.one_of(st.none(), st.sampled_from("ABC")),
        "deleted": st.sampled_from([False, False, False, True]),  # the recycle bin is left out
    }
)

SPEC = dict(
    name_sort="a",
    card=None,
    level=0,
    balance_cents=0,
    points=0,
    last_purchase_at=None,
    total_spend_cents=0,
    birth_mmdd=None,
    grade="A",
    deleted=False,
    keys=[],
)
_serial = [0]


def _insert(specs: list[dict], level_ids: list[int]) -> list[int]:
    rows = []
    for spec in specs:
        _serial[0] += 1
        n = _serial[0]
        mobile = f"139{n:08d}"
        rows.append(
            dict(
                name=f"顾客{n}",
                name_sort=spec["name_sort"],
                mobile=mobile,
                mobile_rev=mobile[::-1],
                card_no=None if spec["card"] is None else f"{spec['card']}{n:06d}",  # unique: no ties
                level=None if spec["level"] is None else level_ids[spec["level"]],
                balance_cents=spec["balance_cents"],
                points=spec["points"],
                last_purchase_at=spec["last_purchase_at"],
                total_spend_cents=spec["total_spend_cents"],
                birth_mmdd=spec["birth_mmdd"],
                grade=spec["grade"],
                deleted_at=dt.datetime(2026, 1, 1) if spec["deleted"] else None,
            )
        )
    first = Customer.select(Customer.id).order_by(Customer.id.desc()).scalar() or 0
    if rows:
        Customer.insert_many(rows).execute()
    ids = [cid for (cid,) in Customer.select(Customer.id).where(Customer.id > first).order_by(Customer.id).tuples()]
    keys = [
        dict(key=key, customer=cid, name_sort=spec["name_sort"])
        for cid, spec in zip(ids, specs, strict=True)
        if not spec["deleted"]
        for key in spec["keys"]
    ]
    if keys:
        SearchKey.insert_many(keys).execute()
    return ids


def _delete(ids) -> None:
    """Customers gone for good, with their search keys (as purging does)."""
    SearchKey.delete().where(SearchKey.customer.in_(list(ids))).execute()
    Customer.delete().where(Customer.id.in_(list(ids))).execute()


def _queries():
    for sort in SORTS:
        for descending in (False, True):
            yield C.CustomerQuery(sort=sort, descending=descending), None
            # a search with "many" hits walks the sort index (INDEXED BY) instead of sorting
            yield C.CustomerQuery(text="139", sort=sort, descending=descending), 10**6
    for descending in (False, True):
        # name searches in name order come off the search keys' own index (step 0023): one
        # letter (an exact key), prefixes that list a customer twice, a card number branch
        for text in ("z", "zw", "伟"):
            yield C.CustomerQuery(text=text, descending=descending), None


def _ids(rows) -> list[int]:
    return [r.id for r in rows]


def _walk_forward(q, k, hits):
    out, cursor = [], None
    while rows := C.seek(q, cursor, k, hits=hits):
        assert len(rows) <= k
        out += rows
        cursor = rows[-1].cursor
    return out


def _walk_backward(q, k, hits):
    out, cursor = [], None
    while rows := C.seek(q, cursor, k, backward=True, hits=hits):
        out = rows + out
        cursor = rows[0].cursor
    return out


@pytest.fixture
def levels(db):
    return [Level.create(name=f"L{i}", rank=i).id for i in range(3)]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(specs=st.lists(customer, max_size=25), k=st.integers(1, 6), every=st.integers(1, 5))
def test_keyset_pages_are_the_offset_pages(levels, specs, k, every):
    _delete(Customer.select(Customer.id))
    _insert(specs, levels)
    for q, hits in _queries():
        full = C.page(q, 0, 1000)
        offset_pages = [C.page(q, i, k) for i in range(0, len(full), k)]
        assert [r for p in offset_pages for r in p] == full
        # page by page from the previous page's last row: the same pages OFFSET gave
        cursor, pages = None, []
        for _ in offset_pages:
            rows = C.seek(q, cursor, k, hits=hits)
            pages.append(rows)
            cursor = rows[-1].cursor
        assert pages == offset_pages, q
        assert C.seek(q, cursor, k, hits=hits) == []
        assert _walk_backward(q, k, hits) == full, q
        # the sampled index: exact count, and a jump to any sample lands on the OFFSET row
        n, samples = C.sample_cursors(q, every)
        assert n == len(full) == C.count(q)
        assert samples == [full[i].cursor for i in range(0, n, every)]
        for j, sample in enumerate(samples):
            assert C.seek(q, sample, k, inclusive=True, hits=hits) == C.page(q, j * every, k)
            assert C.seek(q, sample, k, backward=True, hits=hits) == full[max(0, j * every - k) : j * every]
        for skip in range(1, len(full) + 2):
            expected = full[skip - 1].cursor if skip <= len(full) else None
            assert C.seek_cursor(q, None, skip, hits=hits) == expected
        # (a key prefix counts its first entries distinct first: customers listed twice in them)
        for cap in (1, 2, 3, len(full), len(full) + 1):
            assert C.count_at_most(q, cap) == min(cap, len(full)), (q, cap)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    specs=st.lists(customer, min_size=1, max_size=20),
    added=st.lists(customer, max_size=10),
    data=st.data(),
    k=st.integers(1, 5),
)
def test_a_cursor_continues_right_after_inserts_and_deletes(levels, specs, added, data, k):
    _delete(Customer.select(Customer.id))
    ids = _insert(specs, levels)
    for q, hits in _queries():
        full = C.page(q, 0, 1000)
        if not full:
            continue
        anchor = data.draw(st.sampled_from(full), label="anchor")
        gone = data.draw(st.lists(st.sampled_from(ids)), label="deleted")
        gone = [g for g in gone if g != anchor.id]
        _delete(gone)
        ids = [i for i in ids if i not in gone] + _insert(added[: data.draw(st.integers(0, len(added)))], levels)
        after = C.page(q, 0, 1000)  # OFFSET paging over the changed list
        pos = _ids(after).index(anchor.id)
        assert C.seek(q, anchor.cursor, k, hits=hits) == after[pos + 1 : pos + 1 + k], q
        assert C.seek(q, anchor.cursor, k, backward=True, hits=hits) == after[max(0, pos - k) : pos], q
        assert C.seek(q, anchor.cursor, k, inclusive=True, hits=hits) == after[pos : pos + k], q
        assert _walk_forward(q, k, hits) == after, q


def test_every_filter_bounds_the_count_and_the_pages(levels):
    specs = [dict(SPEC, balance_cents=i % 3, deleted=i % 5 == 0) for i in range(40)]
    ids = _insert(specs, levels)
    C.soft_delete(ids[:3])
    for q in (
        C.CustomerQuery(),
        C.CustomerQuery(text="139"),
        C.CustomerQuery(extra=("c.balance_cents > ?", [1])),  # a saved segment's condition
        C.CustomerQuery(text="139", extra=("c.balance_cents > ?", [1]), sort="balance", descending=True),
        C.CustomerQuery(deleted=True),
        C.CustomerQuery(grade="A", level_id=levels[0]),
    ):
        n = C.count(q)
        assert [C.count_at_most(q, cap) for cap in (1, n, n + 1, 1000)] == [min(1, n), n, n, n], q
        assert C.seek(q, None, 1000) == C.page(q, 0, 1000), q
