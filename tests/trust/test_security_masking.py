"""Masking of mobiles in clerk mode: the customer list, the care list (screen and its export)."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import xlsx_rows

from shopcrm import care, customers
from shopcrm.core import clock
from shopcrm.customers import CustomerInput
from shopcrm.trust import security

MOBILE = "13812345678"
MASKED = "138****5678"


@pytest.fixture(autouse=True)
def fresh_session():
    security.reset_session()
    yield
    security.reset_session()


@pytest.fixture
def birthday_today(db):
    today = clock.today()
    born = dt.date(1980, today.month, today.day)  # 1980 is a leap year: every day exists
    customers.create(
        CustomerInput(name="张三", mobile=MOBILE, birthday=born, consent_marketing=True)
    )  # opt-in: the birthday greeting is marketing
    security.set_pin("2468")
    security.lock()
    return today


def test_customer_list_rows_keep_the_number_and_the_model_masks_it(qtbot, birthday_today):
    from shopcrm.ui.models.customer_table_model import CustomerTableModel

    model = CustomerTableModel()
    model.set_query(customers.CustomerQuery())
    col = model.KEYS.index("mobile")
    assert model.data(model.index(0, col)) == MASKED
    security.unlock("2468")
    assert model.data(model.index(0, col)) == MOBILE


def test_care_list_export_is_masked_for_clerks(birthday_today, tmp_path):

    lst = care.build_today(birthday_today)
    mine = [it for it in lst.items if it.mobile == MOBILE]
    assert mine, "the birthday is on today's care list"
    rows = list(care.export_rows(lst, items=mine))
    assert rows[0][3] == MASKED
    path = care.export_xlsx(tmp_path / "today.xlsx", lst, items=mine)
    values = [c for row in xlsx_rows(path) for c in row if c]
    assert MASKED in values and MOBILE not in values
    security.unlock("2468")
    assert next(iter(care.export_rows(lst, items=mine)))[3] == MOBILE


def test_care_list_on_screen_is_masked_for_clerks(qtbot, birthday_today, window):
    from shopcrm.ui.today.today_tab import TodayTab

    tab = next(t for t in window.extra_tabs if isinstance(t, TodayTab))
    tab.refresh()
    col = tab.model.COLUMNS.index("mobile")
    shown = [tab.model.data(tab.model.index(r, col)) for r in range(tab.model.rowCount())]
    assert MASKED in shown and MOBILE not in shown
    security.unlock("2468")
    shown = [tab.model.data(tab.model.index(r, col)) for r in range(tab.model.rowCount())]
    assert MOBILE in shown
