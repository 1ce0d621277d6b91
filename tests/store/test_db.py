"""Opening databases: creation, refusal of foreign files, migrations."""

from __future__ import annotations

import sqlite3

import pytest

from shopcrm.store import db as dbmod
from shopcrm.store.db import DatabaseOpenError, close_database, open_database, schema_version


def test_new_database_is_created_in_a_missing_folder(tmp_path):
    path = tmp_path / "a" / "b" / "shop.db"
    open_database(path)
    try:
        assert path.exists()
        assert schema_version() == dbmod.latest_version()
        con = dbmod.database.connection()
        assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert con.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert con.execute("PRAGMA busy_timeout").fetchone()[0] == 10_000
        assert con.execute("PRAGMA application_id").fetchone()[0] == dbmod.APPLICATION_ID
    finally:
        close_database()


def test_reopening_keeps_data(tmp_path):
    from shopcrm.store.models import Tag

    path = tmp_path / "shop.db"
    open_database(path)
    Tag.create(name="老顾客")
    close_database()
    open_database(path)
    try:
        assert [t.name for t in Tag.select()] == ["老顾客"]
    finally:
        close_database()


def test_text_file_is_refused_and_untouched(tmp_path):
    path = tmp_path / "notes.db"
    path.write_bytes(b"hello, this is not a database\n" * 10)
    before = path.read_bytes()
    with pytest.raises(DatabaseOpenError, match="不是 SQLite 数据库"):
        open_database(path)
    assert path.read_bytes() == before


def test_other_programs_sqlite_is_refused_and_untouched(tmp_path):
    path = tmp_path / "other.db"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE t (x)")
    con.execute("INSERT INTO t VALUES (1)")
    con.commit()
    con.close()
    before = path.read_bytes()
    with pytest.raises(DatabaseOpenError, match="不是 ShopCRM 数据库"):
        open_database(path)
    assert path.read_bytes() == before


def test_truncated_database_is_refused_and_untouched(tmp_path):
    path = tmp_path / "shop.db"
    open_database(path)
    from shopcrm.demo import generate

    generate(300, 1000, seed=3)
    dbmod.database.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    close_database()
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    for suffix in ("-wal", "-shm"):
        (tmp_path / f"shop.db{suffix}").unlink(missing_ok=True)
    before = path.read_bytes()
    with pytest.raises(DatabaseOpenError, match="损坏"):
        open_database(path)
    assert path.read_bytes() == before


def test_database_from_newer_version_is_refused(tmp_path):
    path = tmp_path / "shop.db"
    open_database(path)
    dbmod.database.execute_sql(f"PRAGMA user_version = {dbmod.latest_version() + 5}")
    close_database()
    with pytest.raises(DatabaseOpenError, match="更新版本"):
        open_database(path)


def test_empty_sqlite_file_is_taken_over(tmp_path):
    path = tmp_path / "empty.db"
    sqlite3.connect(path).close()  # zero-byte file
    open_database(path)
    try:
        assert schema_version() == dbmod.latest_version()
    finally:
        close_database()


def test_pending_migration_runs_once_in_a_transaction(tmp_path, monkeypatch):
    """A later step adds a column to a database made by version 1, keeping every row."""
    path = tmp_path / "shop.db"
    open_database(path)
    from shopcrm.store.models import Tag

    Tag.create(name="x")
    close_database()

    calls = []

    class Step:
        @staticmethod
        def migrate(database):
            calls.append(1)
            database.execute_sql("ALTER TABLE tag ADD COLUMN colour TEXT DEFAULT ''")

    real = dbmod._steps()
    monkeypatch.setattr(dbmod, "_steps", lambda: [*real, (999, Step)])
    hooks = []
    monkeypatch.setattr(dbmod, "before_migration_hooks", [lambda p, a, b: hooks.append((a, b))])
    open_database(path)
    open_database(path)
    try:
        assert calls == [1]
        assert hooks == [(real[-1][0], 999)]
        assert schema_version() == 999
        rows = dbmod.database.execute_sql("SELECT name, colour FROM tag").fetchall()
        assert rows == [("x", "")]
    finally:
        close_database()


def test_failing_migration_leaves_database_unchanged(tmp_path, monkeypatch):
    path = tmp_path / "shop.db"
    open_database(path)
    close_database()

    class Broken:
        @staticmethod
        def migrate(database):
            database.execute_sql("CREATE TABLE half_done (x)")
            raise RuntimeError("power cut")

    real = dbmod._steps()
    monkeypatch.setattr(dbmod, "_steps", lambda: [*real, (999, Broken)])
    with pytest.raises(RuntimeError):
        open_database(path)
    close_database()
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA user_version").fetchone()[0] == real[-1][0]
    assert con.execute("SELECT count(*) FROM sqlite_master WHERE name='half_done'").fetchone()[0] == 0
    con.close()


def _damage_a_page(path):
    """Overwrite the middle of a table's b-tree page: the header and schema stay readable."""
    import sqlite3 as s3

    con = s3.connect(path)
    page_size = con.execute("PRAGMA page_size").fetchone()[0]
    pages = con.execute("PRAGMA page_count").fetchone()[0]
    con.close()
    with open(path, "r+b") as fh:
        fh.seek(page_size * (pages // 2) + 8)
        fh.write(b"\xff\x13" * (page_size // 4))


def test_cheap_open_check_then_background_quick_check_remembers_damage(tmp_path):
    from shopcrm.demo import generate

    path = tmp_path / "shop.db"
    open_database(path)
    generate(2000, 6000, seed=2)
    dbmod.database.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    close_database()
    assert dbmod.quick_check(path) is None
    assert not (tmp_path / "shop.db.check-failed").exists()

    _damage_a_page(path)
    assert dbmod.inspect_file(path) == dbmod.latest_version()  # the cheap check cannot see it
    problem = dbmod.quick_check(path)
    assert problem
    assert (tmp_path / "shop.db.check-failed").exists()
    before = path.read_bytes()
    with pytest.raises(DatabaseOpenError, match="损坏"):
        open_database(path)  # the next start checks fully because of the marker
    assert path.read_bytes() == before


def test_background_check_warns_the_user(qtbot, app, tmp_path):
    from PySide6.QtWidgets import QMessageBox, QWidget

    from shopcrm.demo import generate
    from shopcrm.ui.trust.startup_checks import start_background_check

    path = tmp_path / "shop.db"
    open_database(path)
    generate(2000, 6000, seed=2)
    dbmod.database.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    close_database()
    _damage_a_page(path)
    parent = QWidget()
    qtbot.addWidget(parent)
    check = start_background_check(parent, path)
    with qtbot.waitSignal(check.finished, timeout=10_000) as got:
        pass
    assert got.args[0]
    box = parent.findChild(QMessageBox, "integrityProblemBox")
    assert box is not None and "完整性检查发现问题" in box.text()
    box.close()


def test_indexes_rebuilt_leaves_the_schema_identical_after_success_and_rollback(db):
    from shopcrm.demo import generate

    tables = ("customer", "purchase", "search_key", "contact", "complaint", "ledger_entry")

    def schema():
        return sorted(dbmod.secondary_indexes(tables))

    generate(200, 1000, seed=4)  # the demo bulk-loads through indexes_rebuilt
    before = schema()
    assert any(name == "customer_name_sort" for name, _ in before)
    with pytest.raises(RuntimeError), db.atomic(), dbmod.indexes_rebuilt(("customer", "purchase"), exclusive=True):
        assert schema() != before  # dropped while writing
        raise RuntimeError("cancel")
    assert schema() == before
    with db.atomic(), dbmod.indexes_rebuilt(("customer",), columns=("grade",), exclusive=True):
        names = {r[0] for r in schema()}
        assert "customer_grade" not in names and "customer_grade_since" not in names
        assert "customer_name_sort" in names  # indexes on other columns stay
    assert schema() == before
    # without ``exclusive`` only an engine whose bulk writes gain from it drops anything
    with db.atomic(), dbmod.indexes_rebuilt(("customer",)):
        assert (schema() != before) == dbmod.engine().rebuilds_indexes
    assert schema() == before
    assert dbmod.check_integrity() is None


def test_a_bulk_load_that_leaves_an_orphan_is_refused_before_it_commits(db):
    """SQLite writes a bulk load without foreign-key look-ups and proves them before the commit;
    PostgreSQL checks each row as it is written: either way the orphan never lands."""
    with (
        pytest.raises(Exception, match=r"FOREIGN KEY|foreign key|without its parent"),
        dbmod.bulk_load_settings(large=False) as load,
        db.atomic(),
    ):
        load.execute("INSERT INTO customer_tag (customer_id, tag_id) VALUES (?, ?)", (999_999, 999_999))
        load.verify_foreign_keys(("customer_tag",))
    assert db.execute_sql("SELECT count(*) FROM customer_tag").fetchone()[0] == 0
    assert db.execute_sql("SELECT 1").fetchone()[0] == 1  # the connection works on


def test_claimed_ids_are_never_given_twice(db):
    """A bulk load inserts customers with ids it claimed; the next customer made the ordinary way
    (its id from the engine: SQLite's max + 1, PostgreSQL's sequence) comes after them."""
    from shopcrm.customers import CustomerInput, create
    from shopcrm.store.models import Customer

    with db.atomic():
        first = dbmod.claim_ids("customer", 3)
        Customer.insert_many(
            [
                {
                    "id": first + i,
                    "name": f"批{i}",
                    "name_sort": f"pi{i}",
                    "mobile": f"1370000000{i}",
                    "mobile_rev": f"{i}0000000731",
                }
                for i in range(3)
            ]
        ).execute()
    made = create(CustomerInput(name="后来", mobile="13800000001"))
    assert made.id == first + 3
    with db.atomic():
        assert dbmod.claim_ids("customer", 0) == first + 4


@pytest.mark.sqlite_only("WAL checkpoints are SQLite's (the PostgreSQL server checkpoints on its own)")
def test_a_deferred_checkpoint_leaves_the_commit_alone_and_runs_afterwards(db, monkeypatch):
    con = db.connection()
    started = []
    real = dbmod.checkpoint_in_background
    monkeypatch.setattr(dbmod, "checkpoint_in_background", lambda: started.append(real()) or started[-1])
    with dbmod.checkpoint_deferred(con), db.atomic():
        assert con.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 0
        con.executemany("INSERT INTO tag (name) VALUES (?)", [(f"t{i}",) for i in range(5000)])
    assert con.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 1000
    # the commit left its pages in the WAL; the background checkpoint copied them into the file
    assert len(started) == 1 and started[0] is not None
    started[0].join(timeout=30)
    file_only = sqlite3.connect(f"file:{db.database}?immutable=1", uri=True)  # ignores the WAL
    try:
        assert file_only.execute("SELECT count(*) FROM tag").fetchone()[0] == 5000
    finally:
        file_only.close()


@pytest.mark.sqlite_only("WAL checkpoints are SQLite's")
def test_closing_the_database_waits_for_a_background_checkpoint(db, monkeypatch):
    import threading

    order, gate = [], threading.Event()
    real = dbmod._checkpoint

    def slow_checkpoint(path):
        assert gate.wait(30)
        real(path)
        order.append("checkpoint")

    monkeypatch.setattr(dbmod, "_checkpoint", slow_checkpoint)
    real_close = db.close
    monkeypatch.setattr(db, "close", lambda: order.append("close") or real_close())
    dbmod.checkpoint_in_background()
    threading.Timer(0.2, gate.set).start()  # the checkpoint is still running when we close
    close_database()
    assert order == ["checkpoint", "close"]


def test_checkpoints_and_the_page_cache_are_nothing_on_postgresql(db):
    """The SQLite-only settings around a bulk load leave a PostgreSQL session as it was."""
    if dbmod.engine().name != "postgresql":
        pytest.skip("the SQLite side is tested above")
    assert dbmod.checkpoint_in_background() is None
    with dbmod.checkpoint_deferred(), dbmod.page_cache(64 * 1024), db.atomic():
        db.execute_sql("INSERT INTO tag (name) VALUES ('x')")
    work_mem = db.execute_sql("SHOW work_mem").fetchone()[0]
    with dbmod.bulk_load_settings(large=True):
        assert db.execute_sql("SHOW maintenance_work_mem").fetchone()[0] == dbmod.BULK_LOAD_MAINTENANCE_MEM
    assert db.execute_sql("SHOW work_mem").fetchone()[0] == work_mem
