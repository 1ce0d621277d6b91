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
from shopcrm.store.migrations import m0022_stores as step, m0025_customer_home_store_index as step25
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


def _undo_step_22() -> None:
    """The database as it was before step 22 (the rows kept; later steps left as they are)."""
    with database.atomic():
        database.execute_sql('DROP INDEX "customer_home_store_id"')  # step 25's, on a column of step 22
        database.execute_sql('DROP INDEX "day_close_day_operator_store_id"')
        for table in step.TABLES:
            database.execute_sql(f'ALTER TABLE "{table}" DROP COLUMN "store_id"')
        database.execute_sql('ALTER TABLE "customer" DROP COLUMN "home_store_id"')
        database.execute_sql('DROP TABLE "store"')
        database.execute_sql('CREATE UNIQUE INDEX "day_close_day_operator" ON "day_close" ("day", "operator")')


def _all_in_the_default_store(empty: tuple[str, ...] = ("care_action", "package_use", "gift_redemption")) -> None:
    assert [(s.id, s.code, s.name, s.active) for s in stores.all_stores()] == [(1, "main", "本店", True)]
    for table in step.TABLES:
        rows = database.execute_sql(f'SELECT DISTINCT "store_id" FROM "{table}"').fetchall()
        assert rows == ([] if table in empty else [(1,)]), table
    assert database.execute_sql('SELECT DISTINCT "home_store_id" FROM "customer"').fetchall() == [(1,)]


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


def _has_home_store_index() -> bool:
    """Step 25's index on ``customer.home_store_id`` is there (a store's members, the scoped list)."""
    if dbmod.engine().name == "postgresql":
        sql = "SELECT 1 FROM pg_indexes WHERE tablename = 'customer' AND indexname = 'customer_home_store_id'"
    else:
        sql = "SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = 'customer_home_store_id'"
    return database.execute_sql(sql).fetchone() is not None


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


def test_step_22_puts_an_existing_shop_into_the_default_store(db, db_location):
    """The step as the migration runs it (one transaction, the engine's own DDL) on a shop with
    history; the result equals a new database's schema (PostgreSQL: with every foreign key)."""
    fresh_columns, fresh_fks = _columns(), _foreign_keys()
    _shop_with_history()
    _undo_step_22()
    with database.atomic():
        dbmod.engine().migrate_step(database.obj, 22, step)
        dbmod.engine().migrate_step(database.obj, 25, step25)
    _all_in_the_default_store()
    assert _has_home_store_index()
    assert _columns() == fresh_columns
    assert _foreign_keys() == fresh_fks
    if dbmod.engine().name == "postgresql":
        assert len(fresh_fks) == len(TABLES)  # PostgreSQL declares every store foreign key
    close_database()
    open_database(db_location)  # nothing left to migrate
    # the shop goes on: a second store gets the next id, and the counters book to it
    east = stores.add("east", "东门店")
    assert east.id == 2  # the id sequence moved past the seeded store
    stores.set_counter_store(east.id)
    cid = customers.find_by_mobile("13800000001").id
    assert counter.sell(cid, 500).store_id == east.id


def _insert(table: str, **given) -> int:
    """A row of ``table`` with ``given`` values and a plain value in every other required column
    (raw SQL: the models describe the current schema, not version 21's)."""
    values = dict(given)
    for _cid, col, kind, notnull, default, pk in database.execute_sql(f'PRAGMA table_info("{table}")'):
        if col in values or pk or not notnull or default is not None:
            continue
        values[col] = "2026-11-22 10:00:00" if kind in ("DATETIME", "DATE") else (0 if kind == "INTEGER" else "x")
    cols = ", ".join(f'"{c}"' for c in values)
    marks = ", ".join("?" * len(values))
    return database.execute_sql(f'INSERT INTO "{table}" ({cols}) VALUES ({marks})', list(values.values())).lastrowid


@pytest.mark.sqlite_only("a version-21 file made by the frozen SQLite steps (PostgreSQL starts at the current schema)")
def test_a_version_21_file_opens_with_everything_in_the_default_store(db_path, monkeypatch):
    real = dbmod._steps()
    monkeypatch.setattr(dbmod, "_steps", lambda: [s for s in real if s[0] <= 21])
    open_database(db_path)
    assert dbmod.schema_version() == 21
    cid = _insert("customer", name="张三", mobile="13800000001", mobile_rev="10000000831")
    pid = _insert("purchase", customer_id=cid, amount_cents=1000)
    tid = _insert("topup", customer_id=cid, method="cash", principal_cents=500)
    _insert("refund", customer_id=cid, purchase_id=pid, amount_cents=100)
    _insert("ledger_entry", customer_id=cid, kind="topup", balance_delta_cents=500, topup_id=tid)
    _insert("contact", customer_id=cid)
    _insert("complaint", customer_id=cid)
    _insert("care_action", customer_id=cid, item_key="birthday:2026", kind="birthday", action="done")
    _insert("day_close", day="2026-11-21", totals="{}")
    close_database()
    monkeypatch.setattr(dbmod, "_steps", lambda: real)
    monkeypatch.setattr(dbmod, "before_migration_hooks", [lambda *a: None])  # the backup is not tested here
    open_database(db_path)
    assert dbmod.schema_version() == dbmod.latest_version()
    _all_in_the_default_store(empty=("package_use", "gift_redemption"))
    assert stores.counter_store().id == 1
    assert _has_home_store_index()
    close_database()


@pytest.mark.sqlite_only("the frozen SQLite DDL of step 22 itself")
def test_the_step_adds_no_foreign_key_sqlite_would_refuse(db_path):
    open_database(db_path)
    sql = database.execute_sql("SELECT sql FROM sqlite_master WHERE name = 'purchase'").fetchone()[0]
    assert '"store_id" INTEGER NOT NULL DEFAULT 1' in sql
    close_database()
