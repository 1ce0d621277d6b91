"""The demo data: deterministic for a seed, its aggregates agree with its rows (computed in SQL
after the load), its search and sort keys are the ones the archive writes, and its purchases come
in time order."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

from shopcrm.core.pinyin_keys import NameKeyCache, sort_key
from shopcrm.store import sqlfn
from shopcrm.store.db import close_database, open_database

DAY = dt.date(2026, 11, 22)


def _make(path: Path, seed: int) -> None:
    from shopcrm.demo import generate

    open_database(path)
    try:
        generate(400, 4000, seed=seed, today=DAY)
    finally:
        close_database()


def _dump(path: Path) -> dict[str, list]:
    con = sqlite3.connect(path)
    try:
        return {
            t: con.execute(f"SELECT * FROM {t} ORDER BY 1, 2").fetchall()
            for t in ("customer", "purchase", "purchase_payment", "search_key", "contact", "complaint", "customer_tag")
        }
    finally:
        con.close()


def test_the_same_seed_makes_the_same_data_and_another_seed_other_data(tmp_path):
    for name, seed in (("a.db", 3), ("b.db", 3), ("c.db", 4)):
        _make(tmp_path / name, seed)
    a, b, c = (_dump(tmp_path / n) for n in ("a.db", "b.db", "c.db"))
    assert a == b
    assert a["customer"] != c["customer"]


def test_aggregates_keys_and_order_agree_with_the_rows(db):
    from shopcrm.customers import ledger
    from shopcrm.demo import generate

    generate(500, 6000, seed=2, today=DAY)
    generate(50, 300, seed=5, today=DAY)  # adds to what is there
    sql = db.execute_sql
    assert sql("SELECT count(*) FROM customer").fetchone()[0] == 550
    assert sql("SELECT count(*) FROM purchase").fetchone()[0] == 6300
    wrong = sql(f"""
        SELECT c.id FROM customer c LEFT JOIN (
            SELECT customer_id, SUM(amount_cents) s, COUNT(*) n, MIN(at) f, MAX(at) l, SUM(points_earned) p
            FROM purchase GROUP BY customer_id) x ON x.customer_id = c.id
        WHERE c.total_spend_cents != COALESCE(x.s, 0) OR c.purchase_count != COALESCE(x.n, 0)
           OR {sqlfn.distinct("c.first_purchase_at", "x.f")} OR {sqlfn.distinct("c.last_purchase_at", "x.l")}
           OR c.points != COALESCE(x.p, 0)
    """).fetchall()
    assert wrong == []
    assert sql("SELECT count(*) FROM purchase WHERE points_earned != amount_cents / 100").fetchone()[0] == 0
    # every purchase has its payment; ids follow time within each load
    assert sql("SELECT count(*) FROM purchase_payment").fetchone()[0] == 6300
    times = [sqlfn.as_text(r[0]) for r in sql("SELECT at FROM purchase WHERE id <= 6000 ORDER BY id")]
    assert times == sorted(times) and times[0] >= "2024-11-22" and times[-1] <= "2026-11-22 21:00:00"
    # search and sort keys as the archive writes them
    keys_of = NameKeyCache()
    for cid, name, name_sort in sql("SELECT id, name, name_sort FROM customer ORDER BY id LIMIT 60"):
        stored = {tuple(r) for r in sql("SELECT key, name_sort FROM search_key WHERE customer_id = ?", (cid,))}
        assert stored == {(k, name_sort) for k in keys_of(name)} and name_sort == sort_key(name)
    assert ledger.verify() == []
    # the distributions the benchmarks rely on: a long tail of spend, 60 % women, ~30 % tagged
    spend = sorted((r[0] for r in sql("SELECT total_spend_cents FROM customer WHERE id <= 500")), reverse=True)
    assert sum(spend[:100]) > 0.5 * sum(spend)  # the top fifth spend most (ABC grading)
    female = sqlfn.bool_int("gender = 'F'")
    women = sql(f"SELECT avg({female}) FROM customer").fetchone()[0]
    assert 0.5 < women < 0.7
    assert 0.2 < sql("SELECT count(DISTINCT customer_id) FROM customer_tag").fetchone()[0] / 550 < 0.4


def test_the_demo_command_fills_a_database_of_either_engine(db_location, python_exe):
    """``python -m shopcrm demo --db …`` with a file path or a postgresql:// URL."""
    import subprocess

    from conftest import ROOT

    out = subprocess.run(
        [
            *(python_exe, "-m", "shopcrm", "demo", "--db", str(db_location)),
            *("--customers", "300", "--purchases", "2000", "--stores", "2"),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr
    assert "demo: 300 customers, 2000 purchases in 2 stores" in out.stdout
    open_database(db_location)
    try:
        from shopcrm.customers import ledger
        from shopcrm.store.db import check_integrity, database

        counts = database.execute_sql(
            "SELECT (SELECT count(*) FROM customer), (SELECT count(*) FROM purchase), "
            "(SELECT count(*) FROM purchase_payment), (SELECT count(*) FROM search_key) > 300, "
            "(SELECT count(DISTINCT home_store_id) FROM customer)"
        ).fetchone()
        assert tuple(counts) == (300, 2000, 2000, True, 2)
        assert ledger.verify() == [] and check_integrity() is None
    finally:
        close_database()


def test_a_chain_demo_spreads_members_and_sales_over_its_stores(db):
    """``stores=3``: 本店 and two more stores, every member with a home store, purchases mostly
    there, the opening ledger entries, contacts and complaints at the home store; a second run
    reuses the stores; the list scoped to a store shows its members."""
    from shopcrm import customers
    from shopcrm.demo import AT_HOME_STORE, generate

    generate(600, 6000, seed=7, today=DAY, stores=3)
    generate(30, 100, seed=8, today=DAY, stores=3)  # the same stores again, none made twice
    sql = db.execute_sql
    stores = [r[0] for r in sql("SELECT id FROM store ORDER BY id").fetchall()]
    assert len(stores) == 3 and sql("SELECT count(*) FROM store WHERE NOT active").fetchone()[0] == 0
    members = dict(sql("SELECT home_store_id, count(*) FROM customer GROUP BY home_store_id").fetchall())
    assert set(members) == set(stores) and sum(members.values()) == 630
    assert members[stores[0]] > max(members[s] for s in stores[1:])  # 本店 weighs two
    at_home = sql(
        "SELECT AVG(CASE WHEN p.store_id = c.home_store_id THEN 1.0 ELSE 0.0 END) "
        "FROM purchase p JOIN customer c ON c.id = p.customer_id"
    ).fetchone()[0]
    # at home 85 % of the time, plus a third of the rest by chance
    assert abs(float(at_home) - (AT_HOME_STORE + (1 - AT_HOME_STORE) / 3)) < 0.03
    assert {r[0] for r in sql("SELECT DISTINCT store_id FROM purchase").fetchall()} == set(stores)
    for table, column in (("ledger_entry", "customer_id"), ("contact", "customer_id"), ("complaint", "customer_id")):
        elsewhere = sql(
            f"SELECT count(*) FROM {table} x JOIN customer c ON c.id = x.{column} WHERE x.store_id != c.home_store_id"
        ).fetchone()[0]
        assert elsewhere == 0, table
    scoped = customers.count(customers.CustomerQuery(store_id=stores[2]))
    assert scoped == members[stores[2]]


def test_a_single_shops_demo_is_all_the_default_stores(db):
    from shopcrm.demo import generate

    generate(100, 500, seed=1, today=DAY)
    sql = db.execute_sql
    assert sql("SELECT count(*) FROM store").fetchone()[0] == 1
    for table in ("purchase", "ledger_entry", "contact", "complaint"):
        assert sql(f"SELECT count(*) FROM {table} WHERE store_id != 1").fetchone()[0] == 0, table
    assert sql("SELECT count(*) FROM customer WHERE home_store_id != 1").fetchone()[0] == 0


def test_the_demo_command_refuses_no_stores_before_making_a_database(tmp_path, python_exe):
    import subprocess

    from conftest import ROOT

    target = tmp_path / "never.db"
    out = subprocess.run(
        [python_exe, "-m", "shopcrm", "demo", "--db", str(target), "--stores", "0"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert out.returncode == 2 and "--stores 至少为 1（0 不行）" in out.stdout
    assert not target.exists()
