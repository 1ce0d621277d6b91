"""Backups on both engines (issue #18): the engine-neutral life of a backup (make, seal, rotate,
list, check, restore) on SQLite and PostgreSQL, and PostgreSQL's own: pg_dump's custom format,
pg_restore's check, a restore into a new database or in place, on a real server."""

from __future__ import annotations

import datetime as dt
import json
import os

import pytest
from conftest import add_customers

from shopcrm import backup, customers
from shopcrm.cli import main as cli_main
from shopcrm.core import clock
from shopcrm.core.errors import Cancelled
from shopcrm.customers import ledger
from shopcrm.store import db as dbmod, pg_backup as pg, settings
from shopcrm.store.db import close_database, latest_version, open_database
from shopcrm.trust import security

DAY = dt.datetime(2026, 11, 22, 9, 0, 0)


@pytest.fixture(autouse=True)
def fresh_session():
    security.reset_session()
    yield
    security.reset_session()


def _shop(n: int = 12) -> None:
    """``n`` customers, every third with a top-up, one deleted: rows in several tables."""
    add_customers(n)
    for cid in range(1, n + 1, 3):
        ledger.manual_change(cid, "topup", balance_delta_cents=10_000 + cid)
    customers.soft_delete([n])


def _figures(url: str) -> dict[str, object]:
    """Counts of every table and the sums of the money columns, read over a connection of its own."""
    con = pg.connect(url)
    try:
        with con.cursor() as cur:
            out: dict[str, object] = {}
            for table in pg.user_tables(url):
                cur.execute(f'SELECT count(*) FROM "{table}"')
                out[table] = cur.fetchone()[0]
            cur.execute("SELECT sum(balance_cents), sum(points) FROM customer")
            out["customer sums"] = cur.fetchone()
            cur.execute("SELECT sum(balance_delta_cents), sum(points_delta) FROM ledger_entry")
            out["ledger sums"] = cur.fetchone()
            return out
    finally:
        con.close()


# --- both engines -------------------------------------------------------------------------------


def test_a_backup_is_made_sealed_listed_and_checked_on_either_engine(db, engine_name):
    _shop()
    path = backup.make_backup("manual", when=DAY)
    ext = ".pgdump" if engine_name == "postgresql" else ".db"
    assert path.name == f"shopcrm-20261122-090000-manual{ext}"
    assert path.exists() and not list(path.parent.glob("*.part")) and not list(path.parent.glob("*.unverified"))
    [info] = backup.list_backups()
    assert (info.created, info.kind, info.status) == (DAY, "manual", "verified")
    assert info.size == path.stat().st_size > 0
    assert info.schema_version == dbmod.schema_version()
    assert info.customers == 11  # the deleted one is not counted
    assert info.identity == backup.open_identity()
    assert info.is_of_open_database()
    assert backup.check_backup(path) == dbmod.schema_version()
    assert backup.check_backup(path, full=True) == dbmod.schema_version()


def test_rotation_and_the_daily_backup_on_either_engine(db):
    backup.configure(keep_manual=2, keep_daily=3)
    made = [backup.make_backup("manual", when=DAY + dt.timedelta(minutes=i)) for i in range(4)]
    assert [p.exists() for p in made] == [False, False, True, True]
    first = backup.daily_backup_if_due(DAY.date())
    assert first is not None and first.wait_sealed(60)
    assert backup.daily_backup_if_due(DAY.date()) is None  # at most once a day
    kinds = [(i.kind, i.verified) for i in backup.list_backups()]
    assert sorted(kinds) == [("daily", True), ("manual", True), ("manual", True)]


def test_the_before_migration_hook_backs_up_either_engine(db):
    backup._before_migration(backup.current_db_path(), 21, 22)
    for pending in backup.pending_backups():
        pending.wait_sealed(60)
    assert [i.kind for i in backup.list_backups()] == ["before-migration"]


def test_restore_in_place_on_either_engine(db):
    _shop(6)
    path = backup.make_backup("manual", when=DAY)
    add_customers(3, start=100)
    ledger.manual_change(1, "topup", balance_delta_cents=777)
    safety = backup.restore(path)
    assert safety is not None and safety.wait_sealed(60)
    assert customers.count(customers.CustomerQuery()) == 5
    assert ledger.verify() == []
    assert sorted(i.kind for i in backup.list_backups()) == ["before-restore", "manual"]


# --- PostgreSQL ---------------------------------------------------------------------------------


@pytest.fixture
def pg_db(pg_url):
    """A ShopCRM database on the test server, open for the test."""
    open_database(pg_url)
    yield pg_url
    close_database()


def test_a_cancelled_dump_leaves_no_file(pg_db, tmp_path):
    with pytest.raises(Cancelled):
        backup.make_backup("manual", folder=tmp_path / "b", progress=lambda done, total: False)
    assert os.listdir(tmp_path / "b") == []


def test_a_cancelled_restore_in_place_puts_the_data_from_before_back(pg_db, pg_url):
    _shop(6)
    saved = backup.make_backup("manual", when=DAY)
    add_customers(4, start=100)
    before = _figures(pg_url)
    checksum_done = []

    def progress(done, total):  # the dump's checksum runs to its end; the restore itself is cancelled
        if checksum_done:
            return False
        if (done, total) == (1000, 1000):  # the checksum reports thousandths of the file
            checksum_done.append(True)
        return True

    with pytest.raises(Cancelled):
        backup.restore(saved, progress=progress)
    assert customers.count(customers.CustomerQuery()) == 9  # the database is open again, as it was
    after = _figures(pg_url)
    assert after == before
    assert sorted(i.kind for i in backup.list_backups()) == ["before-restore", "manual"]


def test_pg_backup_rotate_list_check_and_restore_into_a_new_database(pg_url, pg_server, tmp_path):
    open_database(pg_url)
    try:
        _shop(30)
        folder = tmp_path / "usb"
        backup.configure(folder=folder, keep_manual=2)
        made = [backup.make_backup("manual", when=DAY + dt.timedelta(hours=i)) for i in range(3)]
        assert [p.exists() for p in made] == [False, True, True]
        assert made[-1].read_bytes()[:5] == b"PGDMP"  # pg_dump's custom format
        listed = backup.list_backups()
        assert [i.path for i in listed] == [made[2], made[1]]
        assert {(i.schema_version, i.customers, i.identity.db_id) for i in listed} == {
            (dbmod.schema_version(), 29, settings.database_id())
        }
        assert backup.check_backup(made[2], full=True) == dbmod.schema_version()
        before = _figures(pg_url)
    finally:
        close_database()
    target = pg_server.url("restored_here")
    counts = backup.restore_into_database(made[2], target)
    assert counts["customer"] == 30
    after = _figures(target)
    after["audit_log"] = int(after["audit_log"]) - 1  # the restore is logged in the new database
    assert after == before
    # the new database opens as a ShopCRM database of the same shop
    open_database(target)
    try:
        assert customers.count(customers.CustomerQuery()) == 29
        assert ledger.verify() == []
    finally:
        close_database()
    with pytest.raises(backup.BackupError, match=r"不是空的|not empty"):
        backup.restore_into_database(made[2], target)


def test_a_damaged_dump_is_refused_by_the_check(pg_url, tmp_path):
    open_database(pg_url)
    try:
        _shop()
        good = backup.make_backup("manual", when=DAY)
    finally:
        close_database()
    data = good.read_bytes()
    cut = tmp_path / "cut.pgdump"
    cut.write_bytes(data[: len(data) * 2 // 3])
    # the second half flipped, so that the compressed table data after the table of contents is
    # hit: 64 bytes in the middle could land in the contents' text (a comment), undetectable by
    # reading the dump, and where they landed moved with the dump's own time (failed once in 4)
    flipped = bytearray(data)
    for i in range(len(data) // 2, len(data) - 8):
        flipped[i] ^= 0x5A
    bad = tmp_path / "flipped.pgdump"
    bad.write_bytes(bytes(flipped))
    for damaged in (cut, bad):
        with pytest.raises(backup.BackupError):
            backup.check_backup(damaged, full=True)
    other = tmp_path / "not-ours.pgdump"
    other.write_bytes(b"PGDMP" + b"\0" * 100)
    with pytest.raises(backup.BackupError):
        backup.check_backup(other)


def test_a_damaged_unsealed_dump_is_kept_aside_at_its_seal(pg_db):
    _shop()
    good = backup.make_backup("manual", when=DAY)
    left = backup.unverified_path(good.with_name("shopcrm-20261122-100000-daily.pgdump"))
    left.write_bytes(good.read_bytes()[:-200])  # a copy the PC lost power before sealing
    [pending] = backup.resume_unsealed(good.parent, db_path=backup.current_db_path(), background=False)
    assert pending.state == "bad" and pending.bad_path.exists() and not left.exists()
    assert [i.path for i in backup.list_backups()] == [good]


def test_what_a_dump_holds_is_read_once_and_kept_beside_it(pg_db, tmp_path, monkeypatch):
    _shop(7)
    made = backup.make_backup("manual", when=DAY)
    [first] = backup.list_backups()
    kept = json.loads((made.parent / backup.DESCRIBED_FILE).read_text(encoding="utf-8"))
    assert kept[made.name]["customers"] == 6
    # listed again without the tools: what the dump holds comes from what was kept
    monkeypatch.setenv("SHOPCRM_PG_BIN", str(tmp_path / "no-tools-here"))
    [again] = backup.list_backups()
    assert again == first and again.customers == 6


def test_a_missing_pg_dump_is_a_plain_message(pg_db, tmp_path, monkeypatch):
    monkeypatch.setenv("SHOPCRM_PG_BIN", str(tmp_path / "no-tools-here"))
    with pytest.raises(backup.BackupError) as caught:
        backup.make_backup("manual", when=DAY)
    assert "pg_dump" in str(caught.value) and "SHOPCRM_PG_BIN" in str(caught.value)
    assert not list(backup.get_settings().folder.glob("shopcrm-*"))  # nothing left behind


def test_the_password_goes_through_the_environment_never_the_command_line(pg_server):
    url = pg_server.url("shop").replace("postgres@", "postgres:s3cret@")
    assert pg.tool_env(url)["PGPASSWORD"] == "s3cret"
    assert "s3cret" not in pg._without_password(url)


def test_restore_in_place_needs_the_rights_and_says_so(pg_url, pg_server):
    admin = pg_server.admin()
    try:
        admin.cursor().execute("DROP ROLE IF EXISTS clerk_no_rights")
        admin.cursor().execute("CREATE ROLE clerk_no_rights LOGIN")
    finally:
        admin.close()
    as_clerk = pg_url.replace("postgres@", "clerk_no_rights@")
    with pytest.raises(backup.BackupError) as caught:
        pg.rights_check(as_clerk)
    message = str(caught.value)
    assert "clerk_no_rights" in message and "CREATEDB" in message and "新数据库" in message
    pg.rights_check(pg_url)  # the superuser may


def test_a_user_without_the_rights_is_told_before_anything_changes(pg_url, pg_server):
    """A counter's login may read and write the tables but not drop the database: restoring in
    place is refused with the reason, before any backup is made or anything is dropped."""
    open_database(pg_url)
    _shop(4)
    close_database()
    admin = pg_server.admin()
    try:
        admin.cursor().execute("DROP ROLE IF EXISTS counter_login")
        admin.cursor().execute("CREATE ROLE counter_login LOGIN")
    finally:
        admin.close()
    con = pg.connect(pg_url)
    try:
        with con.cursor() as cur:
            cur.execute("GRANT ALL ON ALL TABLES IN SCHEMA public TO counter_login")
            cur.execute("GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO counter_login")
    finally:
        con.close()
    as_counter = pg_url.replace("postgres@", "counter_login@")
    open_database(as_counter)
    try:
        made = backup.make_backup("manual", when=DAY)  # pg_dump needs only what it reads
        add_customers(2, start=100)
        with pytest.raises(backup.BackupError, match="counter_login"):
            backup.restore(made)
        assert customers.count(customers.CustomerQuery()) == 5  # nothing changed, still open
        assert [i.kind for i in backup.list_backups()] == ["manual"]  # no backup before a refused restore
    finally:
        close_database()


def test_cli_backs_up_lists_and_restores_a_postgresql_shop(pg_url, pg_server, tmp_path, capsys):
    open_database(pg_url)
    _shop(5)
    close_database()
    folder = tmp_path / "bk"
    assert cli_main(["backup", "--db", pg_url, "--to", str(folder)]) == 0
    [made] = folder.glob("shopcrm-*-manual.pgdump")
    assert cli_main(["backup", "--db", pg_url, "--to", str(folder), "--list"]) == 0
    out = capsys.readouterr().out
    assert made.name in out and f"版本 {latest_version():>3}" in out
    assert "本数据库" in out
    target = pg_server.url("from_cli")
    assert cli_main(["restore", str(made), "--db", pg_url, "--into", target]) == 0
    assert _figures(target)["customer"] == 5
    # in place only when told: it drops and creates the database again
    assert cli_main(["restore", str(made), "--db", pg_url]) == 1
    assert "--replace" in capsys.readouterr().err
    assert cli_main(["restore", str(made), "--db", pg_url, "--replace"]) == 0


def test_a_dump_is_never_restored_into_sqlite(pg_url, db_path):
    open_database(pg_url)
    try:
        dump = backup.make_backup("manual", when=DAY)
    finally:
        close_database()
    open_database(db_path)
    try:
        with pytest.raises(backup.BackupError, match="move-db"):
            backup.restore(dump)
    finally:
        close_database()


def test_a_backup_is_named_by_our_clock(db):
    clock.set_now(DAY)
    assert backup.make_backup("manual").name.startswith("shopcrm-20261122-090000-manual")
