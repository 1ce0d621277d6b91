"""The customer list pages by keyset (issue #20): the first page paints before the count, the
count arrives from the background, a newer search's answer is never painted over by an older
one, and a jump anywhere lands on the row OFFSET paging would show."""

from __future__ import annotations

import threading

import pytest
from conftest import add_customers
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from shopcrm import customers as C
from shopcrm.store.models import Customer
from shopcrm.ui.models import paged_model
from shopcrm.ui.models.customer_table_model import CustomerTableModel
from shopcrm.ui.shell import tasks

pytestmark = pytest.mark.gui


def _names(model) -> list[str]:
    return [model.row_at(r).name for r in range(model.rowCount())]


def test_an_older_search_never_paints_over_a_newer_one(window, qtbot, monkeypatch):
    add_customers(30)  # mobiles 13900000000 … 13900000029
    tab = window.customers_tab
    tab.model.COUNT_CAP = 3  # more hits than this are counted in the background
    started, release = threading.Event(), threading.Event()

    def hold(query):
        if query.text == "1390000":  # the first search's count waits until the test lets it go
            started.set()
            assert release.wait(60)

    monkeypatch.setattr(paged_model, "_before_count", hold)
    tab.search.setText("1390000")
    # the first page is there at once, with a bound for its count
    assert tab.model.rowCount() == 3 and not tab.model.count_exact
    assert tab.count_label.text() == "3+ 位客户，计数中…"
    assert _names(tab.model) == ["顾客0", "顾客1", "顾客10"]
    qtbot.waitUntil(started.is_set)  # its count runs in the background, held

    tab.search.setText("1390000001")  # a newer keystroke: 顾客10 … 顾客19
    qtbot.waitUntil(lambda: tab.model.count_exact)
    assert tab.model.rowCount() == 10 and tab.count_label.text() == "共 10 位客户"

    release.set()  # the older count ends now; its answer must be dropped
    tasks.wait_all(everything=True)
    QApplication.processEvents()  # deliver whatever the older job sent
    assert not tasks.running_jobs()
    assert tab.model.rowCount() == 10 and tab.count_label.text() == "共 10 位客户"
    assert _names(tab.model) == [f"顾客{i}" for i in range(10, 20)]


def _seed(n: int) -> None:
    """``n`` customers with few distinct keys (many ties) and NULLs, written in one statement."""
    rows = []
    for i in range(n):
        mobile = f"137{i:08d}"
        rows.append(
            dict(
                name=f"客{i}",
                name_sort="abc"[i % 3],
                mobile=mobile,
                mobile_rev=mobile[::-1],
                card_no=None if i % 4 else f"K{i:06d}",
                balance_cents=i % 5,
                points=i % 2,
                total_spend_cents=i % 7,
                birth_mmdd=None if i % 3 else 101 + i % 2,
                grade=(None, "A", "B", "C")[i % 4],
                last_purchase_at=None if i % 2 else "2026-01-01 10:00:00",
            )
        )
    Customer.insert_many(rows).execute()


@pytest.mark.parametrize("sort,descending", [("name", False), ("grade", True), ("birthday", False), ("card_no", True)])
def test_a_jump_lands_on_the_offset_row(app, qtbot, db, sort, descending):
    _seed(1500)
    model = CustomerTableModel()
    model.COUNT_CAP = 500  # counted in the background
    model.SKIP_MAX = 0  # every jump uses the sampled index
    model.SAMPLE_NOW_MAX = 0  # which is made in the background
    q = C.CustomerQuery(sort=sort, descending=descending)
    model.set_query(q)
    assert model.rowCount() == 500 and not model.count_exact
    assert model.row_at(0).id == C.page(q, 0, 1)[0].id  # the first page needs no count
    qtbot.waitUntil(lambda: model.count_exact and model._samples is not None)
    assert model.rowCount() == 1500
    for r in (1234, 777, 1000, 199, 200, 1499, 401, 0):
        assert model.row_at(r).id == C.page(q, r, 1)[0].id, r

    # customers change under the list: the sampled index is stale and made again
    _seed_more = [dict(name="新", name_sort="b", mobile=f"136{i:08d}", mobile_rev="x") for i in range(300)]
    Customer.insert_many(_seed_more).execute()
    model._pages.clear()
    model._rows_cache.clear()
    assert model.row_at(900) is None  # blank until the new index arrives
    qtbot.waitUntil(lambda: model._samples is not None and model.rowCount() == 1800)
    for r in (900, 1333, 1750, 600):
        assert model.row_at(r).id == C.page(q, r, 1)[0].id, r


def test_a_search_whose_count_stopped_at_the_cap_walks_the_sort_index(app, qtbot, db, engine_name):
    """Its count is a lower bound: the page walks the sort column's index (a sort of every
    match would grow with them), and shows what OFFSET paging shows."""
    _seed(1500)
    model = CustomerTableModel()
    model.COUNT_CAP = 50  # far fewer than the 1,500 matches
    q = C.CustomerQuery(text="137", sort="mobile", descending=True)
    statements: list[str] = []
    if engine_name == "sqlite":
        db.connection().set_trace_callback(statements.append)
    model.set_query(q)
    first = [model.row_at(r).id for r in range(20)]
    if engine_name == "sqlite":
        db.connection().set_trace_callback(None)
        assert any("INDEXED BY customer_mobile" in s for s in statements)
    assert not model.count_exact
    assert first == [r.id for r in C.page(q, 0, 20)]
    qtbot.waitUntil(lambda: model.count_exact)
    assert model.rowCount() == 1500


def test_a_new_order_keeps_the_exact_count_unless_customers_changed_since(app, qtbot, db):
    """A header click shows the same rows in another order: the exact count stays (no "2,000+"
    and no count again in the background) — unless something was committed since it was
    counted, by this counter or another one; then it is counted again."""
    from conftest import on_another_connection

    _seed(60)
    model = CustomerTableModel()
    model.COUNT_CAP = 50  # 60 rows: counted in the background
    model.set_query(C.CustomerQuery())
    qtbot.waitUntil(lambda: model.count_exact)
    assert model.rowCount() == 60
    counts: list[int] = []
    real_count = model.count_at_most
    model.count_at_most = lambda q, cap: counts.append(cap) or real_count(q, cap)  # a spy on the real count

    model.sort(4, Qt.SortOrder.DescendingOrder)  # balance, high first
    assert counts == [] and model.count_exact and model.rowCount() == 60
    assert [model.row_at(r).id for r in range(60)] == [r.id for r in C.page(model.query, 0, 60)]

    on_another_connection(
        lambda: Customer.insert(name="新客", name_sort="z", mobile="13600000001", mobile_rev="10000000631").execute()
    )
    model.sort(0, Qt.SortOrder.AscendingOrder)  # the other counter's customer is in the new order
    assert counts == [50]
    qtbot.waitUntil(lambda: model.count_exact)
    assert model.rowCount() == 61 and model.row_at(60).name == "新客"

    model.set_query(C.CustomerQuery(text="1370000001"))  # a search: other rows, counted
    assert counts == [50, 50] and model.rowCount() == 10
    model.refresh()  # the same query again (another database was opened, say): counted again
    assert counts == [50, 50, 50]
