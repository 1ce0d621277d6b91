"""One store's export (issue #18): the members whose home store it is, and the purchases,
contacts and complaints recorded in that store; the whole chain's export unchanged; on both
engines, through the domain and the command line."""

from __future__ import annotations

import datetime as dt

import pytest

from shopcrm import cli, complaints as K, customers, stores
from shopcrm.core import clock
from shopcrm.customers import CustomerInput, CustomerQuery
from shopcrm.excel import excel_export as E
from shopcrm.sales import activity, counter
from shopcrm.store.db import close_database
from shopcrm.trust import security
from tests.conftest import valid_complaint, xlsx_rows

DAY = dt.date(2026, 11, 22)


@pytest.fixture
def chain(db):
    """本店 and 东门店: a member of each, each buying in both stores; a contact and a complaint in
    each store; a walk-in's complaint in the east store."""
    security.reset_session()
    clock.set_now(dt.datetime.combine(DAY, dt.time(10)))
    main_member = customers.create(CustomerInput(name="本店顾客", mobile="13800000001", card_no="M001")).id
    east = stores.add("east", "东门店")
    stores.set_counter_store(east.id)
    east_member = customers.create(CustomerInput(name="东店顾客", mobile="13800000002", card_no="E001")).id
    counter.sell(east_member, 5_000)
    counter.sell(main_member, 3_000)  # a main store's member buys in the east store
    activity.record_contact(east_member, purpose="回访")
    valid_complaint(east_member, clock.now())
    K.create(
        K.ComplaintInput(
            walkin_name="路人",
            walkin_mobile="13900000009",
            received_at=clock.now(),
            channel="到店",
            category="服务态度",
            key_points="排队太久",
            request="道歉",
            temperament="理性沟通",
            severity="一般",
            handler="小王",
        )
    )
    stores.set_counter_store(1)
    counter.sell(main_member, 10_000)
    counter.sell(east_member, 700)  # an east member buys in the main store
    activity.record_contact(main_member, purpose="回访")
    valid_complaint(main_member, clock.now())
    yield {"main": main_member, "east_member": east_member, "east": east.id}
    security.reset_session()


def _names(path, sheet: str) -> list:
    return [r[2] for r in xlsx_rows(path, sheet)[1:]]


def _amounts(path) -> list:
    return [float(r[4]) for r in xlsx_rows(path, "消费记录")[1:]]


def test_a_stores_archive_is_its_members_and_what_was_recorded_there(chain, tmp_path):
    east = chain["east"]
    r = E.export_customers(tmp_path / "东门店.xlsx", full=True, store_id=east)
    assert (r.customers, r.purchases, r.contacts, r.complaints) == (1, 2, 1, 2)
    assert [row[0] for row in xlsx_rows(r.path, "客户")[1:]] == ["东店顾客"]
    # the store's sales, its members' first: they add up to the store's sales in 分析
    assert _names(r.path, "消费记录") == ["东店顾客", "本店顾客"]
    assert sum(_amounts(r.path)) * 100 == stores.sales(DAY, DAY, east)[0].sales_cents == 8_000
    assert _names(r.path, "联系记录") == ["东店顾客"]
    assert _names(r.path, "投诉记录") == ["东店顾客", "路人"]  # the walk-in complained in the east store
    main = E.export_customers(tmp_path / "本店.xlsx", full=True, store_id=1)
    assert (main.customers, main.purchases, main.contacts, main.complaints) == (1, 2, 1, 1)
    assert _names(main.path, "消费记录") == ["本店顾客", "东店顾客"]
    assert sorted(_amounts(main.path)) == [7.0, 100.0]


def test_the_whole_chains_archive_is_unchanged(chain, tmp_path):
    r = E.export_customers(tmp_path / "连锁.xlsx", full=True)
    assert (r.customers, r.purchases, r.contacts, r.complaints) == (2, 4, 2, 3)
    assert sorted(_amounts(r.path)) == [7.0, 30.0, 50.0, 100.0]


def test_a_narrowed_list_in_a_store_keeps_to_its_customers_and_the_stores_records(chain, tmp_path):
    east = chain["east"]
    # a selection of both members, in the east store: its member, and only what they did there
    picked = E.export_customers(
        tmp_path / "选中.xlsx", ids=[chain["main"], chain["east_member"]], full=True, store_id=east
    )
    assert (picked.customers, picked.purchases, picked.complaints) == (1, 1, 1)
    assert _names(picked.path, "消费记录") == ["东店顾客"] and _amounts(picked.path) == [50.0]
    # a search: the store's members it finds; the store comes from the argument, not the list
    found = E.export_customers(
        tmp_path / "搜索.xlsx", query=CustomerQuery(text="顾客", store_id=1), full=True, store_id=east
    )
    assert [row[0] for row in xlsx_rows(found.path, "客户")[1:]] == ["东店顾客"] and found.purchases == 1
    nobody = E.export_customers(tmp_path / "无.xlsx", query=CustomerQuery(text="本店"), full=True, store_id=east)
    assert (nobody.customers, nobody.purchases, nobody.complaints) == (0, 0, 0)


def test_the_customer_list_of_a_store(chain, tmp_path):
    r = E.export_customers(tmp_path / "会员.xlsx", store_id=chain["east"])
    assert r.customers == 1 and r.sheets == ["客户"]
    assert [row[0] for row in xlsx_rows(r.path, "客户")[1:]] == ["东店顾客"]


def test_export_store_on_the_command_line(chain, db_location, tmp_path, capsys):
    close_database()
    out = tmp_path / "东门店.xlsx"
    code = cli.main(["export", str(out), "--db", str(db_location), "--full", "--store", "east"])
    assert code == 0, capsys.readouterr().err
    assert "东门店" not in capsys.readouterr().err
    assert [row[0] for row in xlsx_rows(out, "客户")[1:]] == ["东店顾客"]
    assert _names(out, "消费记录") == ["东店顾客", "本店顾客"]
    code = cli.main(["export", str(tmp_path / "x.xlsx"), "--db", str(db_location), "--store", "nowhere"])
    assert code == 1 and "nowhere" in capsys.readouterr().err


def test_a_chains_customer_sheet_names_each_members_store_and_imports_back(db, tmp_path):
    """A chain's export ends with 门店 (the home store's name); a member import of that sheet
    into another chain database gives each member the same home store. A single shop's sheet
    has no such column."""
    import openpyxl

    from shopcrm import customers, stores
    from shopcrm.customers import CustomerInput
    from shopcrm.excel import excel_export as E, excel_import as X
    from shopcrm.store.models import Customer

    single = tmp_path / "single.xlsx"
    customers.create(CustomerInput(name="本店客", mobile="13800000021"))
    E.export_customers(single)
    assert "门店" not in [c.value for c in next(openpyxl.load_workbook(single).active.iter_rows(max_row=1))]

    east = stores.add("east", "东门店").id
    cid = customers.create(CustomerInput(name="东店客", mobile="13800000022")).id
    Customer.update(home_store=east).where(Customer.id == cid).execute()
    chain = tmp_path / "chain.xlsx"
    E.export_customers(chain)
    ws = openpyxl.load_workbook(chain).active
    header = [c.value for c in next(ws.iter_rows(max_row=1))]
    assert header[-1] == "门店"
    homes = {row[0]: row[-1] for row in ws.iter_rows(min_row=2, values_only=True)}
    assert homes == {"本店客": "本店", "东店客": "东门店"}

    Customer.delete().execute()  # the same chain, its members imported back from the sheet
    report = X.run(chain, X.ImportOptions())
    assert report.imported == 2 and report.count(X.WARNED) == 0
    back = {c.name: c.home_store_id for c in Customer.select()}
    assert back == {"本店客": 1, "东店客": east}
