"""Backups: online copy, verification, rotation, daily at start-up, listing, restore, start-up check.
The two-phase lifecycle (copy, then the background seal) is tested in test_backup_seal.py."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sqlite3
import threading
from pathlib import Path

import pytest
from conftest import FIXTURES, add_customers, customer_count_in

from shopcrm import backup, customers
from shopcrm.core import clock
from shopcrm.store import db as dbmod, settings, sqlite_backup
from shopcrm.store.db import close_database, open_database
from shopcrm.trust import audit, security


@pytest.fixture(autouse=True)
def fresh_session():
    security.reset_session()
    yield
    security.reset_session()


@pytest.mark.sqlite_only("SQLite's pragmas")
def test_money_durability_pragmas_are_in_force(db):
    con = db.connection()
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert con.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    # a worker thread gets its own connection with the same pragmas (run_task uses one)
    seen = {}

    def worker():
        c = db.connection()
        seen["sync"] = c.execute("PRAGMA synchronous").fetchone()[0]
        seen["mode"] = c.execute("PRAGMA journal_mode").fetchone()[0]
        db.close()

    th = threading.Thread(target=worker)
    th.start()
    th.join()
    assert seen == {"sync": 2, "mode": "wal"}
    assert db._lock_type == "IMMEDIATE"


@pytest.mark.sqlite_only("the copy's SQLite header and journal mode")
def test_backup_is_a_verified_self_contained_copy(db, db_path, tmp_path):
    add_customers(30)
    path = backup.make_backup("manual")
    assert path.parent == db_path.parent / "backups"
    assert backup.NAME_RE.match(path.name)
    assert customer_count_in(path) == 30
    with open(path, "rb") as fh:
        header = fh.read(20)
    assert header[18:20] == b"\x01\x01"  # rollback journal: opens read-only from a USB stick
    assert not list(path.parent.glob("*.part")) and not list(path.parent.glob("*-wal"))
    assert backup.check_backup(path) == dbmod.schema_version()


def test_backup_sees_committed_rows_only_while_a_transaction_is_open(db):
    add_customers(5)
    with db.atomic():
        add_customers(3, start=100)
        path = backup.make_backup("manual")
    assert backup.describe(path).customers == 5


@pytest.mark.sqlite_only("the sidecar file beside the SQLite file")
def test_backup_to_a_configured_folder_and_sidecar(db, db_path, tmp_path):
    usb = tmp_path / "usb"
    backup.configure(folder=usb, keep_daily=3)
    s = backup.get_settings()
    assert s.folder == usb.resolve() and s.keep_daily == 3 and s.keep_before == 10
    assert (db_path.parent / (db_path.name + ".backup-folder")).read_text(encoding="utf-8") == str(usb.resolve())
    assert backup.make_backup("manual").parent == usb.resolve()
    assert audit.entries(action="settings")


def test_rotation_keeps_the_newest_of_each_group(db, tmp_path):
    backup.configure(keep_daily=2, keep_before=3)
    base = dt.datetime(2026, 11, 1, 9, 0, 0)
    for i in range(4):
        backup.make_backup("daily", when=base + dt.timedelta(days=i))
    for i in range(5):
        backup.make_backup("before-import", when=base + dt.timedelta(hours=i))
    backup.make_backup("manual", when=base)
    kinds = [(b.kind, b.created) for b in backup.list_backups()]
    assert [c for k, c in kinds if k == "daily"] == [base + dt.timedelta(days=3), base + dt.timedelta(days=2)]
    assert [c for k, c in kinds if k == "before-import"] == [base + dt.timedelta(hours=i) for i in (4, 3, 2)]
    assert [k for k, _c in kinds].count("manual") == 1


def test_daily_backup_at_most_once_a_day(db):
    add_customers(2)
    today = dt.date(2026, 11, 22)
    first = backup.daily_backup_if_due(today)
    assert first is not None and first.wait_sealed().exists()
    assert backup.daily_backup_if_due(today) is None
    assert backup.daily_backup_if_due(today + dt.timedelta(days=1)).wait_sealed().exists()
    assert len([b for b in backup.list_backups() if b.kind == "daily"]) == 2


def test_list_shows_dates_kinds_and_customer_counts(db):
    add_customers(3)
    backup.make_backup("manual", when=dt.datetime(2026, 11, 20, 8, 30))
    add_customers(2, start=50)
    backup.before_operation("import").wait_sealed()
    infos = backup.list_backups()
    assert [(b.kind, b.customers) for b in infos] == [("before-import", 5), ("manual", 3)]
    assert infos[1].created == dt.datetime(2026, 11, 20, 8, 30)
    assert infos[0].kind_text == "导入前" and infos[1].kind_text == "手动"
    assert all(b.size > 0 and b.schema_version == dbmod.latest_version() for b in infos)
    assert [b.status_text for b in infos] == ["已校验", "已校验"]


def test_a_copy_set_aside_while_the_list_is_read_is_no_row(db, monkeypatch):
    add_customers(2)
    kept = backup.make_backup("manual", when=dt.datetime(2026, 11, 20, 8, 30))
    failed = backup.make_backup("manual", when=dt.datetime(2026, 11, 21, 9, 0))
    os.replace(failed, backup.unverified_path(failed))  # waiting for its check
    real_scan = backup._scan

    def scan_then_check_fails(folder):  # the folder listed, then the check sets the copy aside
        entries = real_scan(folder)
        os.replace(backup.unverified_path(failed), failed.with_name(failed.name + ".bad"))
        return entries

    monkeypatch.setattr(backup, "_scan", scan_then_check_fails)
    assert [b.path for b in backup.list_backups()] == [kept]


def test_before_operation_returns_none_without_a_database():
    close_database()
    dbmod.database.init(None)
    assert backup.before_operation("import") is None


@pytest.mark.sqlite_only("the backup API's one transaction on the SQLite file")
def test_restore_backs_up_first_and_swaps_atomically(db, db_path):
    add_customers(4)
    saved = backup.make_backup("manual")
    add_customers(6, start=10)
    reader = sqlite3.connect(db_path)  # another connection, as a worker thread would hold
    assert reader.execute("SELECT count(*) FROM customer").fetchone()[0] == 10
    safety = backup.restore(saved)
    assert safety is not None and safety.name.endswith("-before-restore.db")
    assert safety.durable  # on disk before the swap; its integrity_check may still be running
    assert customer_count_in(safety.wait_sealed()) == 10
    assert customers.count(customers.CustomerQuery()) == 4
    assert reader.execute("SELECT count(*) FROM customer").fetchone()[0] == 4
    assert reader.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    reader.close()
    assert db.connection().execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    e = audit.entries(action="restore")[0]
    assert saved.name in e.detail and safety.name in e.detail


def test_restore_refuses_a_damaged_backup_and_changes_nothing(db, db_path, tmp_path):
    add_customers(4)
    good = backup.make_backup("manual")
    bad = tmp_path / "bad.db"
    data = good.read_bytes()
    bad.write_bytes(data[: len(data) // 2])
    with pytest.raises(backup.BackupError, match="不是可用的 ShopCRM 备份"):
        backup.restore(bad)
    text = tmp_path / "notes.db"
    text.write_text("hello" * 100)
    with pytest.raises(backup.BackupError):
        backup.restore(text)
    assert customers.count(customers.CustomerQuery()) == 4
    assert [b.kind for b in backup.list_backups()] == ["manual"]  # no safety copy was needed


@pytest.mark.sqlite_only("the backup API's steps (PostgreSQL: test_backup_pg.py)")
def test_cancelled_restore_leaves_the_database_as_it_was(db, db_path):
    from shopcrm.core.errors import Cancelled

    add_customers(2)
    # a backup large enough for several backup steps
    from shopcrm.demo import generate

    generate(3000, 30000, seed=5)
    saved = backup.make_backup("manual")
    customers.soft_delete(range(1, 2000))
    before = customers.count(customers.CustomerQuery())
    calls = []

    def progress(done, total):
        calls.append(done)
        return len(calls) < 2  # cancel on the second step

    sqlite_backup.STEP_PAGES, old = 64, sqlite_backup.STEP_PAGES
    try:
        with pytest.raises(Cancelled):
            backup.restore(saved, progress=progress)
    finally:
        sqlite_backup.STEP_PAGES = old
    assert customers.count(customers.CustomerQuery()) == before
    assert db.connection().execute("PRAGMA integrity_check").fetchone()[0] == "ok"


@pytest.mark.sqlite_only("restores an SQLite file of schema 1")
def test_restore_of_an_older_schema_is_migrated(db, db_path, tmp_path):
    old = tmp_path / "v1.db"
    shutil.copyfile(FIXTURES / "schema_v1.db", old)
    own_id = settings.database_id()
    with pytest.raises(backup.ForeignBackup, match="旧版本"):  # no id: the owner confirms by name
        backup.restore(old)
    backup.restore(old, confirm_name="shop")  # no shop name set: the file's name
    assert settings.database_id() == own_id  # it is this database now, and keeps its id
    assert dbmod.schema_version() == dbmod.latest_version()
    assert customers.count(customers.CustomerQuery()) == customer_count_in(old) - 4  # 4 are in the recycle bin


def test_migration_makes_a_backup_first(tmp_path):
    path = tmp_path / "old.db"
    shutil.copyfile(FIXTURES / "schema_v1.db", path)
    open_database(path)
    try:
        found = backup.list_backups()
        assert [b.kind for b in found] == ["before-migration"]
        assert found[0].schema_version == 1 and found[0].customers == 116
    finally:
        close_database()


# --- start-up check -----------------------------------------------------------------------------


def _shop_file(tmp_path: Path, n: int = 200) -> Path:
    from shopcrm.demo import generate

    path = tmp_path / "shop.db"
    open_database(path)
    generate(n, n * 5, seed=2)
    backup.make_backup("daily", when=dt.datetime(2026, 11, 21, 9, 0))
    dbmod.database.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    close_database()
    return path


def test_startup_check_ok_and_new(tmp_path):
    assert backup.startup_check(tmp_path / "none.db").status == "new"
    path = _shop_file(tmp_path)
    r = backup.startup_check(path)
    assert r.status == "ok" and r.network_warning == "" and path.exists()


def test_damaged_database_is_moved_aside_untouched_and_newest_backup_offered(tmp_path):
    path = _shop_file(tmp_path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) * 2 // 3])
    damaged = path.read_bytes()
    # an older backup, and a newer damaged one that must be skipped
    folder = tmp_path / "backups"
    newest = folder / "shopcrm-20261122-080000-daily.db"
    newest.write_bytes(damaged)
    r = backup.startup_check(path)
    assert r.status == "damaged"
    assert not path.exists() and r.moved_to.read_bytes() == damaged
    assert r.moved_to.name.startswith("shop.db.damaged-")
    assert r.backup is not None and r.backup.created == dt.datetime(2026, 11, 21, 9, 0)
    assert r.backup.customers == 200
    assert "已原样移到" in r.message and "200 位客户" in r.message
    backup.restore_into_path(r.backup.path, path)
    open_database(path)
    try:
        assert customers.count(customers.CustomerQuery()) == 200
        security.reset_session()
        assert audit.entries(action="restore")[0].mode == "startup"
    finally:
        close_database()


def test_foreign_files_are_refused_and_left_in_place(tmp_path):
    path = tmp_path / "shop.db"
    path.write_bytes(b"PK\x03\x04 not a database" * 50)
    before = path.read_bytes()
    r = backup.startup_check(path)
    assert r.status == "refused" and "不是 SQLite 数据库" in r.message
    assert path.read_bytes() == before and r.moved_to is None


def test_network_share_gets_a_warning(tmp_path):
    mounts = f"/dev/sda1 / ext4 rw 0 0\n//nas/shop {tmp_path} cifs rw,vers=3.0 0 0\n"
    r = backup.startup_check(tmp_path / "shop.db", mounts_text=mounts)
    assert r.status == "new" and "网络共享" in r.network_warning and "cifs" in r.network_warning
    local = backup.startup_check(tmp_path / "shop.db", mounts_text="/dev/sda1 / ext4 rw 0 0\n")
    assert local.network_warning == ""


def test_backup_failure_leaves_no_partial_file(db, tmp_path, monkeypatch):
    add_customers(2)
    target = tmp_path / "full-disk"
    target.mkdir()

    def broken_fsync(_path):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(backup, "_fsync", broken_fsync)
    with pytest.raises(backup.BackupError, match="备份失败"):
        backup.make_backup("manual", folder=target)
    assert os.listdir(target) == []


def test_cli_backup_and_restore(tmp_path, capsys):
    from shopcrm.cli import main

    path = _shop_file(tmp_path, 50)
    assert main(["backup", "--db", str(path), "--to", str(tmp_path / "b")]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert out[0].startswith("复制") and "fsync" in out[1] and "integrity_check" in out[2] and "通过" in out[2]
    assert out[-1].startswith("已备份：")
    made = Path(out[-1].split("：", 1)[1])
    assert made.parent == tmp_path / "b" and customer_count_in(made) == 50
    # sealed (its checksum beside it) before the command returned
    assert sorted(os.listdir(tmp_path / "b")) == [made.name, made.name + ".sha256"]
    assert main(["backup", "--db", str(path), "--list", "--to", str(tmp_path / "b")]) == 0
    assert "50 客户" in capsys.readouterr().out
    # restore onto a database whose owner set a PIN: needs the PIN
    open_database(path)
    security.set_pin("2468")
    close_database()
    security.reset_session()
    assert main(["restore", str(made), "--db", str(path)]) == 1
    assert "店主" in capsys.readouterr().err
    security.reset_session()
    assert main(["restore", str(made), "--db", str(path), "--pin", "2468"]) == 0
    out = capsys.readouterr().out
    assert "此前的数据已备份并通过完整性检查" in out and "-before-restore.db" in out
    close_database()
    # restore where no database is
    fresh = tmp_path / "fresh" / "shop.db"
    fresh.parent.mkdir()
    assert main(["restore", str(made), "--db", str(fresh)]) == 0
    assert customer_count_in(fresh) == 50


@pytest.mark.sqlite_only("SQLite's WAL")
def test_backup_falls_back_to_the_backup_api_when_a_reader_pins_the_wal(db, db_path, monkeypatch):
    add_customers(5)
    reader = sqlite3.connect(db_path, isolation_level=None)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM customer").fetchone()  # pins the WAL: no TRUNCATE possible
    add_customers(3, start=20)  # committed after the reader's snapshot, still in the WAL
    results = []
    real = sqlite_backup._frozen_copy
    monkeypatch.setattr(sqlite_backup, "_frozen_copy", lambda *a: results.append(real(*a)) or results[-1])
    path = backup.make_backup("manual")
    reader.execute("COMMIT")
    reader.close()
    assert results == [False]  # could not freeze the file: the backup API made the copy
    assert customer_count_in(path) == 8 and backup.check_backup(path)


@pytest.mark.sqlite_only("the SQLite file copy")
def test_backup_copies_the_frozen_file_when_it_can(db, monkeypatch):
    add_customers(5)
    results = []
    real = sqlite_backup._frozen_copy
    monkeypatch.setattr(sqlite_backup, "_frozen_copy", lambda *a: results.append(real(*a)) or results[-1])
    path = backup.make_backup("manual")
    assert results == [True] and customer_count_in(path) == 5


@pytest.mark.sqlite_only("cancels between the file copy's chunks (PostgreSQL: test_backup_pg.py)")
def test_cancelled_backup_leaves_no_file(db, tmp_path):
    from shopcrm.core.errors import Cancelled
    from shopcrm.demo import generate

    generate(2000, 20000, seed=4)
    sqlite_backup.COPY_CHUNK, old = 64 * 1024, sqlite_backup.COPY_CHUNK
    try:
        with pytest.raises(Cancelled):
            backup.make_backup("manual", folder=tmp_path / "b", progress=lambda d, t: d < t // 2)
    finally:
        sqlite_backup.COPY_CHUNK = old
    assert os.listdir(tmp_path / "b") == []


def test_network_share_found_in_the_macos_mount_table(tmp_path, monkeypatch):
    import pathlib
    import subprocess

    real_read = pathlib.Path.read_text

    def no_proc(self, *a, **kw):
        if str(self) == "/proc/mounts":
            raise OSError("no /proc here")
        return real_read(self, *a, **kw)

    share = tmp_path / "shop share"
    share.mkdir()
    out = (
        "/dev/disk3s1 on / (apfs, local, journaled)\n"
        f"//guest@nas/shop on {share} (smbfs, nodev, nosuid, mounted by owner)\n"
    )
    monkeypatch.setattr(pathlib.Path, "read_text", no_proc)
    monkeypatch.setattr(subprocess, "run", lambda *a, **kw: subprocess.CompletedProcess(a, 0, stdout=out, stderr=""))
    assert backup.network_fs(share / "shop.db") == "smbfs"
    assert backup.network_fs(tmp_path / "elsewhere.db") is None


@pytest.mark.sqlite_only("SQLite's integrity_check (PostgreSQL: test_backup_pg.py)")
def test_a_damaged_copy_fails_its_check_and_is_kept_aside(db, tmp_path, monkeypatch):
    from shopcrm.demo import generate

    generate(300, 3000, seed=6)
    real = sqlite_backup._copy_file

    def torn_copy(src, dest, progress):  # a disk that lost the middle of the file
        real(src, dest, progress)
        data = bytearray(dest.read_bytes())
        data[len(data) // 3 : len(data) // 3 + 8192] = b"\xff" * 8192
        dest.write_bytes(bytes(data))

    monkeypatch.setattr(sqlite_backup, "_copy_file", torn_copy)
    with pytest.raises(backup.BackupError, match="没有通过完整性检查"):
        backup.make_backup("manual", folder=tmp_path / "b")
    [kept] = os.listdir(tmp_path / "b")
    assert kept.endswith("-manual.db.bad")  # kept for a look, never listed as a backup
    assert backup.list_backups(tmp_path / "b") == []


def test_rotation_removes_parts_left_by_an_interrupted_backup(db):
    folder = backup.get_settings().folder
    folder.mkdir(parents=True)
    old_part = folder / "shopcrm-20261101-090000-daily.db.part"
    new_part = folder / "shopcrm-20261122-090000-daily.db.part"  # maybe still being written
    for p in (old_part, new_part):
        p.write_bytes(b"half a backup")
    hours_ago = clock.kernel_seconds(folder) - 7 * 3600
    os.utime(old_part, (hours_ago, hours_ago))
    backup.make_backup("manual")
    assert not old_part.exists() and new_part.exists()
