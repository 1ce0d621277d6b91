"""One program, two engines (issue #18): the same tests on an SQLite file and on a real PostgreSQL
server (tests/pg_server.py, started once per session), and what is refused on each."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import psycopg2
import pytest

from shopcrm import customers
from shopcrm.core import paths, texts
from shopcrm.core.paths import DbLocationError, PgUrl, parse_db_location, resolve_db_location, resolve_db_path
from shopcrm.customers import CustomerInput, CustomerQuery
from shopcrm.store import db as dbmod, engine as enginemod, pg_schema
from shopcrm.store.db import DatabaseOpenError, close_database, open_database, schema_version
from shopcrm.store.models import Customer, LedgerEntry, Level, Topup

# --- opening, the version marker, refusals --------------------------------------------------------


def test_a_new_database_is_created_at_the_current_version_and_reopens(db, request):
    engine = dbmod.engine()
    assert engine.name == request.node.callspec.params["engine_name"]
    assert schema_version() == dbmod.latest_version()
    assert [lv.name for lv in Level.select().order_by(Level.rank)]  # the seeded levels
    location = engine.url if engine.name == "postgresql" else engine.path
    close_database()
    open_database(location)  # nothing to migrate the second time
    assert schema_version() == dbmod.latest_version()
    assert dbmod.check_integrity() is None


def test_postgres_marks_its_version_in_a_meta_table(pg_url):
    open_database(pg_url)
    close_database()
    con = psycopg2.connect(pg_url)
    try:
        cur = con.cursor()
        cur.execute("SELECT application_id, version FROM shopcrm_meta")
        assert cur.fetchall() == [(enginemod.APPLICATION_ID, dbmod.latest_version())]
    finally:
        con.close()


def _pg(url: str, *statements: str) -> list:
    con = psycopg2.connect(url)
    con.autocommit = True
    try:
        cur = con.cursor()
        for sql in statements:
            cur.execute(sql)
        return cur.fetchall() if cur.description else []
    finally:
        con.close()


def test_a_postgres_database_of_another_program_is_refused_and_left_alone(pg_empty_url):
    _pg(pg_empty_url, "CREATE TABLE orders (id serial PRIMARY KEY, total int)", "INSERT INTO orders (total) VALUES (5)")
    with pytest.raises(DatabaseOpenError) as err:
        open_database(pg_empty_url)
    assert err.value.kind == "db.not_shopcrm"
    assert "其他程序" in str(err.value) and "postgres@127.0.0.1" in str(err.value)
    tables = _pg(pg_empty_url, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
    assert tables == [("orders",)]


def test_a_postgres_database_of_a_newer_shopcrm_is_refused(pg_url):
    _pg(pg_url, f"UPDATE shopcrm_meta SET version = {dbmod.latest_version() + 3}")
    with pytest.raises(DatabaseOpenError) as err:
        open_database(pg_url)
    assert err.value.kind == "db.too_new"


def test_an_unreachable_server_is_refused_with_the_reason_and_no_password():
    url = "postgresql://shop:secret@127.0.0.1:1/shop?connect_timeout=2"
    with pytest.raises(DatabaseOpenError) as err:
        open_database(url)
    assert err.value.kind == "db.pg_unreachable"
    assert "无法连接" in str(err.value) and "secret" not in str(err.value) and "shop:***@" in str(err.value)


def test_the_sqlite_default_database_stays_usable_after_a_refused_postgres_one(db_path, pg_empty_url):
    _pg(pg_empty_url, "CREATE TABLE orders (id int)")
    open_database(db_path)
    with pytest.raises(DatabaseOpenError):
        open_database(pg_empty_url)
    assert dbmod.engine().name == "sqlite" and schema_version() == dbmod.latest_version()
    close_database()


# --- where the database is: file paths, PostgreSQL URLs, and the rest refused ---------------------


@pytest.mark.parametrize(
    "value",
    ["mysql://root@localhost/shop", "http://example.com/shop.db", "sqlite:///tmp/x.db", "postgresql:/host/db"],
)
def test_other_urls_are_refused_in_the_users_language_and_create_nothing(value, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(DbLocationError) as err:
        parse_db_location(value)
    assert "既不是数据库文件路径" in str(err.value)
    texts.set_language("en")
    with pytest.raises(DbLocationError) as err:
        open_database(value)
    assert "neither a database file path nor a postgresql:// URL" in str(err.value)
    assert list(tmp_path.iterdir()) == []  # no folder named "mysql:" or "http:"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("shop.db", Path("shop.db")),
        ("C:/Users/shop/shop.db", Path("C:/Users/shop/shop.db")),
        ("shop:1.db", Path("shop:1.db")),
        ("~/shop.db", Path("~/shop.db").expanduser()),
    ],
)
def test_file_paths_stay_file_paths(value, expected):
    assert parse_db_location(value) == expected


def test_postgres_urls_are_urls_and_never_show_their_password():
    url = parse_db_location("postgresql://clerk:s3cret@db.example:5433/chain?sslmode=require")
    assert isinstance(url, PgUrl)
    assert url == "postgresql://clerk:s3cret@db.example:5433/chain?sslmode=require"  # sslmode goes to libpq
    assert url.display == "postgresql://clerk:***@db.example:5433/chain?sslmode=require"
    assert isinstance(parse_db_location("postgres://h/db"), PgUrl)
    engine = enginemod.PostgresEngine(parse_db_location("postgres://h/db"))  # peewee needs postgresql://
    assert engine.url == "postgresql://h/db"
    with pytest.raises(DbLocationError):
        parse_db_location("postgresql://h:port/db")


def test_the_command_line_wins_over_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv(paths.DB_ENV, "postgresql://shop@server/chain")
    assert resolve_db_location(None) == PgUrl("postgresql://shop@server/chain")
    assert resolve_db_location(str(tmp_path / "a.db")) == tmp_path / "a.db"
    with pytest.raises(DbLocationError) as err:  # the desktop app and restore: files only, so far
        resolve_db_path(None)
    assert "PostgreSQL" in str(err.value)
    monkeypatch.setenv(paths.DB_ENV, "mysql://x/y")
    with pytest.raises(DbLocationError):
        resolve_db_location(None)


@pytest.mark.slow
def test_the_command_line_refuses_another_url_with_a_message(tmp_path):
    env = {**os.environ, "SHOPCRM_DB": "", "XDG_DATA_HOME": str(tmp_path / "data")}
    done = subprocess.run(
        [sys.executable, "-m", "shopcrm", "backup", "--list", "--db", "mysql://root@localhost/shop"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=120,
    )
    assert done.returncode == 2, done.stderr
    assert "mysql://root@localhost/shop" in done.stderr and "postgresql://" in done.stderr
    assert not (tmp_path / "mysql:").exists()


# --- the schema on PostgreSQL equals what the migration steps build on SQLite ---------------------


def test_the_postgres_schema_has_every_table_column_index_and_trigger_of_the_sqlite_one(pg_url):
    ref = pg_schema.sqlite_schema(dbmod._steps())
    tables = [r[0] for r in ref.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    found = {
        (t, c)
        for t, c in _pg(
            pg_url,
            "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public'",
        )
    }
    expected = {(t, r[1]) for t in tables for r in ref.execute(f'PRAGMA table_info("{t}")')}
    assert found - {("shopcrm_meta", c) for c in ("one", "application_id", "version")} == expected
    indexes = {r[0] for r in ref.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")}
    pg_indexes = {r[0] for r in _pg(pg_url, "SELECT indexname FROM pg_indexes WHERE schemaname = 'public'")}
    assert indexes - set(pg_schema.SKIPPED_INDEXES) <= pg_indexes
    triggers = {r[0] for r in ref.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    assert triggers == {r[0] for r in _pg(pg_url, "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")}
    levels = ref.execute("SELECT id, name, rank FROM level ORDER BY id").fetchall()
    assert _pg(pg_url, "SELECT id, name, rank FROM level ORDER BY id") == levels
    ref.close()


def test_postgres_keeps_the_checks_and_defaults_of_the_steps(pg_url):
    with pytest.raises(psycopg2.errors.CheckViolation):
        _pg(pg_url, "INSERT INTO points_gift (name, points, stock, created_at) VALUES ('杯子', 10, -1, now())")
    open_database(pg_url)
    assert Level.create(name="钻石卡", rank=9).id > max(lv.id for lv in Level.select() if lv.name != "钻石卡")


def test_every_step_after_the_postgres_baseline_carries_its_postgres_ddl():
    later = [n for n, mod in dbmod._steps() if n > enginemod.POSTGRES_BASELINE and not hasattr(mod, "migrate_postgres")]
    assert later == [], "a migration step after the baseline needs migrate_postgres(db) (see shopcrm/store/engine.py)"


def test_sqlite_style_sql_is_spelt_for_postgres():
    sql = enginemod.postgres_sql
    assert sql("SELECT a FROM t WHERE b = ? AND c = '?' AND d LIKE '%x'") == (
        "SELECT a FROM t WHERE b = %s AND c = '?' AND d LIKE '%%x'"
    )
    assert sql("INSERT OR IGNORE INTO search_key (key, customer_id) VALUES (?, ?)") == (
        "INSERT INTO search_key (key, customer_id) VALUES (%s, %s) ON CONFLICT DO NOTHING"
    )
    built = 'SELECT "t1"."id" FROM "customer" AS "t1" WHERE ("t1"."id" = %s)'
    assert sql(built) is built  # peewee's own SQL for PostgreSQL


def test_settings_are_written_and_replaced_on_both_engines(db):
    from shopcrm.store import settings

    settings.put(settings.SHOP_NAME, "东门店")
    settings.put(settings.SHOP_NAME, "西门店")
    assert settings.get(settings.SHOP_NAME) == "西门店" and settings.shop_name() == "西门店"
    assert settings.delete(settings.SHOP_NAME) == 1 and settings.get(settings.SHOP_NAME, "无") == "无"


# --- customers on both engines --------------------------------------------------------------------


def test_a_customer_is_created_and_found_by_every_search_kind(db):
    c = customers.create(CustomerInput(name="张三丰", mobile="13812345678", card_no="VIP0042"))
    customers.create(CustomerInput(name="李四", mobile="13900001111"))

    def found(text: str) -> list[str]:
        q = CustomerQuery(text=text)
        rows = customers.page(q, 0, 50)
        assert customers.count(q) == len(rows)
        return [r.name for r in rows]

    assert found("张") == ["张三丰"]  # name substring
    assert found("zsf") == ["张三丰"]  # pinyin initials
    assert found("zhang") == ["张三丰"]  # pinyin
    assert found("z") == ["张三丰"]  # one letter: the surname's key
    assert found("1381") == ["张三丰"]  # mobile prefix
    assert found("5678") == ["张三丰"]  # mobile tail
    assert found("vip00") == ["张三丰"]  # card prefix
    assert found("") == ["李四", "张三丰"]  # by pinyin sort key: li < zhang
    assert customers.get(c.id).mobile == "13812345678"


# --- many counters at once (PostgreSQL) -----------------------------------------------------------

WORKERS, SECONDS, CUSTOMERS = 4, 5.0, 5


@pytest.mark.slow
def test_four_counters_topping_up_the_same_customers_lose_nothing(pg_url):
    open_database(pg_url)
    ids = [customers.create(CustomerInput(name=f"顾客{i}", mobile=f"1380000000{i}")).id for i in range(CUSTOMERS)]
    close_database()
    worker = Path(__file__).with_name("topup_worker.py")
    procs = [
        subprocess.Popen(
            [sys.executable, str(worker), pg_url, str(SECONDS), str(seed), *map(str, ids)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for seed in range(WORKERS)
    ]
    results = []
    for p in procs:
        out, err = p.communicate(timeout=SECONDS + 120)
        assert p.returncode == 0, err  # no client saw an error
        results.append(json.loads(out.strip().splitlines()[-1]))
    open_database(pg_url)
    acknowledged = sum(r["acknowledged"] for r in results)
    assert acknowledged >= WORKERS  # every counter got work done
    assert Topup.select().count() == acknowledged
    assert sum(t.principal_cents for t in Topup.select()) == sum(r["cents"] for r in results)
    for cid in ids:
        ledger_sum = sum(e.balance_delta_cents for e in LedgerEntry.select().where(LedgerEntry.customer == cid))
        assert Customer.get_by_id(cid).balance_cents == ledger_sum
        # each entry's balance-after follows the one before it: no two counters read the same balance
        entries = LedgerEntry.select().where(LedgerEntry.customer == cid).order_by(LedgerEntry.id)
        running = 0
        for e in entries:
            running += e.balance_delta_cents
            assert e.balance_after_cents == running
    print(f"{acknowledged} top-ups by {WORKERS} counters in {SECONDS:.0f} s")
