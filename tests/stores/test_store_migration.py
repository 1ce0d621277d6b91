"""Migration 22 (issue #18) of an existing shop on both engines: every sale, top-up, refund,
ledger entry, contact, complaint, care action and day close, and every customer's home store,
land in the default store; the migrated schema equals a new database's."""

from __future__ import annotations

import datetime as dt

import pytest

from shopcrm import customers, stores
from shopcrm.core import clock
from shopcrm.customers import CustomerInput
from shopcrm.sales import activity, counter
from shopcrm.store import db as dbmod
from shopcrm.store.db import close_database, database, open_database
from shopcrm.store.migrations import m0022_stores as step
from tests.conftest import valid_complaint

DAY = dt.date(2026, 11, 22)
TABLES = (*step.TABLES, "customer")


def _shop_with_history() -> None:
    clock.set_now(dt.datetime.combine(DAY, dt.time(10)))
    cid = customers.create(CustomerInput(name="张三", mobile="13800000001")).id
    counter.topup(cid, 50_000, "cash")
    p = counter.sell(cid, 10_000, {"card": 10_000})
    counter.refund_purchase(p.id, 1_000)
    activity.record_contact(cid, purpose="回访")
    valid_complaint(cid, clock.now())
    counter.close_day(DAY)


def _back_to_version_21() -> None:
    """Undo step 22 by hand: the database as version 21 left it (with the rows kept)."""
    pg = dbmod.engine().name == "postgresql"
    with database.atomic():
        database.execute_sql('DROP INDEX "day_close_day_operator_store_id"')
        for table in step.TABLES:
            database.execute_sql(f'ALTER TABLE "{table}" DROP COLUMN "store_id"')
        database.execute_sql('ALTER TABLE "customer" DROP COLUMN "home_store_id"')
        database.execute_sql('DROP TABLE "store"')
        database.execute_sql('CREATE UNIQUE INDEX "day_close_day_operator" ON "day_close" ("day", "operator")')
        dbmod.engine().mark_version(database.obj, 21)
    if pg:
        assert dbmod.schema_version() == 21


def _columns() -> set[tuple]:
    if dbmod.engine().name == "postgresql":
        rows = database.execute_sql(
            "SELECT table_name, column_name, data_type, is_nullable, column_default FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND table_name IN %s",
            (tuple([*TABLES, "store"]),),
        ).fetchall()
        return {tuple(r) for r in rows}
    found = set()
    for table in (*TABLES, "store"):
        for _cid, col, kind, notnull, default, _pk in database.execute_sql(f'PRAGMA table_info("{table}")'):
            found.add((table, col, kind, notnull, default))
    return found


def _foreign_keys() -> set[tuple[str, str]]:
    if dbmod.engine().name != "postgresql":
        return set()
    rows = database.execute_sql(
        "SELECT tc.table_name, kcu.column_name FROM information_schema.table_constraints tc "
        "JOIN information_schema.key_column_usage kcu ON kcu.constraint_name = tc.constraint_name "
        "JOIN information_schema.constraint_column_usage ccu ON ccu.constraint_name = tc.constraint_name "
        "WHERE tc.constraint_type = 'FOREIGN KEY' AND ccu.table_name = 'store'"
    ).fetchall()
    return {tuple(r) for r in rows}


def test_an_existing_shop_is_migrated_into_the_default_store(db, db_location, monkeypatch):
    fresh_columns, fresh_fks = _columns(), _foreign_keys()
    _shop_with_history()
    _back_to_version_21()
    close_database()
    monkeypatch.setattr(dbmod, "before_migration_hooks", [lambda *a: None])  # the backup is not tested here
    open_database(db_location)
    assert dbmod.schema_version() == dbmod.latest_version()
    assert [(s.id, s.code, s.name, s.active) for s in stores.all_stores()] == [(1, "main", "本店", True)]
    for table in step.TABLES:
        rows = database.execute_sql(f'SELECT DISTINCT "store_id" FROM "{table}"').fetchall()
        expected = [] if table in ("care_action", "package_use", "gift_redemption") else [(1,)]
        assert rows == expected, table
    assert database.execute_sql('SELECT DISTINCT "home_store_id" FROM "customer"').fetchall() == [(1,)]
    assert _columns() == fresh_columns
    assert _foreign_keys() == fresh_fks
    if dbmod.engine().name == "postgresql":
        assert len(fresh_fks) == len(TABLES)  # PostgreSQL declares every store foreign key
    # the shop goes on: a second store, and the default store's day stays closed on its own
    east = stores.add("east", "东门店")
    assert east.id == 2  # the id sequence moved past the seeded store
    stores.set_counter_store(east.id)
    cid = customers.find_by_mobile("13800000001").id
    assert counter.sell(cid, 500).store_id == east.id


@pytest.mark.sqlite_only("the frozen SQLite DDL of step 22 itself")
def test_the_step_adds_no_foreign_key_sqlite_would_refuse(db_path):
    open_database(db_path)
    sql = database.execute_sql("SELECT sql FROM sqlite_master WHERE name = 'purchase'").fetchone()[0]
    assert '"store_id" INTEGER NOT NULL DEFAULT 1' in sql
    close_database()
