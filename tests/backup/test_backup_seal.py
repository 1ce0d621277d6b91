"""The two-phase backup: the copy (what callers wait for), then the seal — fsync, a full
``integrity_check`` for every kind, rename — in the background. The durability barrier of
before_operation, restore of a copy that was never sealed, leftovers of an earlier run, rotation,
and app exit. Seams (monkeypatched ``_fsync``, ``_before_check``) replace timing: no sleeps."""

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
from shopcrm.core.errors import Cancelled
from shopcrm.customers import CustomerQuery
from shopcrm.store.db import close_database, open_database
from shopcrm.trust import audit, security

pytestmark = pytest.mark.sqlite_only(
    "the seal's integrity_check of an SQLite copy (PostgreSQL's dumps: test_backup_pg.py)"
)


@pytest.fixture(autouse=True)
def fresh_session():
    security.reset_session()
    yield
    security.reset_session()


@pytest.fixture(autouse=True)
def seals_end_within_the_test():
    yield
    for pending in backup.pending_backups():  # none may outlive its test's folder
        pending._done.wait(60)


@pytest.fixture
def events():
    """Every SealEvent the listeners hear."""
    got: list[backup.SealEvent] = []
    backup.add_listener(got.append)
    yield got
    backup.remove_listener(got.append)


@pytest.fixture
def checks(monkeypatch):
    """Every check run, as (file name, pragma)."""
    seen: list[tuple[str, str]] = []
    real = backup._check_problems

    def spy(path, *, pragma="integrity_check", **kw):
        seen.append((Path(path).name, pragma))
        return real(path, pragma=pragma, **kw)

    monkeypatch.setattr(backup, "_check_problems", spy)
    stepwise = backup.check_in_steps

    def spy_steps(path, **kw):  # integrity_check table by table, resumable (a seal's check)
        seen.append((Path(path).name, "integrity_check"))
        return stepwise(path, **kw)

    monkeypatch.setattr(backup, "check_in_steps", spy_steps)
    return seen


def _break_an_index(path: Path) -> None:
    """Damage that only a full integrity_check finds (quick_check does not compare an index with
    its table): the customer_mobile index now claims to hold names."""
    con = sqlite3.connect(path)
    con.execute("PRAGMA writable_schema = ON")
    changed = con.execute("""UPDATE sqlite_schema SET sql = 'CREATE UNIQUE INDEX "customer_mobile" ON "customer" ("name")'
                             WHERE name = 'customer_mobile'""").rowcount
    assert changed == 1
    con.commit()
    con.close()
    con = sqlite3.connect(path)
    try:
        assert con.execute("PRAGMA quick_check").fetchall() == [("ok",)]
        assert con.execute("PRAGMA integrity_check").fetchall() != [("ok",)]
    finally:
        con.close()


def _unverified(path: Path) -> Path:
    """Turn a sealed backup into what a crash before its seal leaves: on disk, never checked."""
    os.replace(path, backup.unverified_path(path))
    return path


@pytest.fixture
def corrupt_before_seal(monkeypatch):
    """Every copy is damaged after step 1, at the fsync of its .part (as a disk that garbles a
    write would): only the seal's integrity_check can notice."""
    real = backup._fsync

    def fsync(path):
        if str(path).endswith(".part"):
            _break_an_index(Path(path))
        real(path)

    monkeypatch.setattr(backup, "_fsync", fsync)


# --- every kind is sealed by a full integrity_check ---------------------------------------------


def test_every_kind_is_sealed_by_a_full_integrity_check(db, db_path, tmp_path, checks):
    add_customers(4)
    backup.start_backup("manual")
    backup.daily_backup_if_due(dt.date(2026, 11, 22))
    backup.before_operation("import")
    customers.soft_delete([1])
    customers.purge([1])
    saved = backup.make_backup("manual", when=dt.datetime(2026, 11, 1, 9, 0))
    backup.restore(saved)
    for pending in backup.pending_backups():
        pending.wait_sealed(timeout=60)
    close_database()
    old = tmp_path / "old" / "shop.db"
    old.parent.mkdir()
    shutil.copyfile(FIXTURES / "schema_v1.db", old)
    open_database(old)  # a migration
    for pending in backup.pending_backups():
        pending.wait_sealed(timeout=60)
    made = backup.list_backups() + backup.list_backups(db_path.parent / "backups")
    assert sorted(b.kind for b in made) == sorted(
        ["manual", "manual", "daily", "before-import", "before-purge", "before-restore", "before-migration"]
    )
    assert all(b.verified for b in made)
    checked = dict(checks)
    for b in made:
        if b.path == saved:  # made with make_backup, checked in place before its rename
            assert (saved.name + ".unverified", "integrity_check") in checks
        else:
            assert checked[b.path.name + ".unverified"] == "integrity_check", b.kind


@pytest.mark.parametrize("kind", backup.KINDS)
def test_a_copy_damaged_before_its_seal_is_kept_aside_logged_and_reported(db, events, corrupt_before_seal, kind):
    add_customers(3)
    pending = backup.start_backup(kind)
    pending.wait_durable()  # on disk; only the check can tell it is damaged
    with pytest.raises(backup.BackupError, match="没有通过完整性检查"):
        pending.wait_sealed(timeout=60)
    assert pending.state == "bad" and not pending.path.exists()
    assert pending.bad_path == pending.path.with_name(pending.name + ".bad") and pending.bad_path.exists()
    assert backup.list_backups() == []  # never offered
    assert [(e.path, e.state) for e in events] == [(pending.path, "bad")]
    assert "missing from index customer_mobile" in events[0].message and pending.bad_path.name in events[0].message
    [entry] = audit.entries(action="backup")
    assert pending.bad_path.name in entry.detail and "integrity_check" in entry.detail and entry.mode == "owner"


def test_the_synchronous_backup_raises_and_keeps_the_damaged_copy(db, tmp_path, corrupt_before_seal):
    add_customers(2)
    with pytest.raises(backup.BackupError, match="没有通过完整性检查"):
        backup.make_backup("manual", folder=tmp_path / "b")
    [kept] = os.listdir(tmp_path / "b")
    assert kept.endswith("-manual.db.bad")


# --- the durability barrier ---------------------------------------------------------------------


def test_wait_durable_returns_only_once_the_copy_is_fsynced(db, monkeypatch):
    add_customers(3)
    gate, synced = threading.Event(), []
    real = backup._fsync

    def slow_fsync(path):
        if str(path).endswith(".part"):
            assert gate.wait(60)
            real(path)
            synced.append(Path(path).name)
        else:
            real(path)

    monkeypatch.setattr(backup, "_fsync", slow_fsync)
    pending = backup.before_operation("import", defer_durable=True)
    assert pending.state == "copied" and not pending.durable  # returned right after the copy
    assert customer_count_in(pending.file) == 3  # the copy is complete before the operation writes
    with pytest.raises(TimeoutError):
        pending.wait_durable(timeout=0)
    gate.set()
    pending.wait_durable()
    assert synced == [pending.name + ".part"]  # the fsync is done when wait_durable returns
    assert pending.durable
    assert pending.wait_sealed(timeout=60) == pending.path


@pytest.mark.parametrize("kind", ["import", "purge", "restore", "migration"])
def test_before_operation_returns_on_disk_unless_told_to_defer(db, monkeypatch, kind):
    add_customers(2)
    synced = []
    real = backup._fsync
    monkeypatch.setattr(backup, "_fsync", lambda p: (real(p), synced.append(Path(p).name)))
    pending = backup.before_operation(kind)
    assert pending.durable and pending.name + ".part" in synced
    if kind in ("restore", "migration"):
        with pytest.raises(ValueError):
            backup.before_operation(kind, defer_durable=True)


def test_purge_commits_only_after_its_backup_is_on_disk(db, db_path, monkeypatch):
    add_customers(3)
    customers.soft_delete([1, 2])
    order: list = []
    at_barrier = threading.Event()
    real_fsync = backup._fsync

    def fsync(path):
        if str(path).endswith(".part"):
            at_barrier.wait(60)  # held until the purge waits for it (a slow disk)
            real_fsync(path)
            order.append("fsync")
        else:
            real_fsync(path)

    real_wait = backup.PendingBackup.wait_durable

    def wait_durable(self, timeout=None):
        other = sqlite3.connect(db_path)  # the purge's deletes are made but not committed
        order.append(("others see", other.execute("SELECT count(*) FROM customer").fetchone()[0]))
        other.close()
        at_barrier.set()
        return real_wait(self, timeout)

    real_commit = db.commit

    def commit(*args, **kwargs):
        order.append("commit")
        return real_commit(*args, **kwargs)

    monkeypatch.setattr(backup, "_fsync", fsync)
    monkeypatch.setattr(backup.PendingBackup, "wait_durable", wait_durable)
    monkeypatch.setattr(db, "commit", commit)
    assert customers.purge([1, 2]) == 2
    assert order == [("others see", 3), "fsync", "commit"]
    assert customers.count(CustomerQuery(deleted=True)) == 0


def test_purge_is_rolled_back_when_its_backup_cannot_be_written(db, monkeypatch):
    add_customers(3)
    customers.soft_delete([1])
    real = backup._fsync

    def full_disk(path):
        if str(path).endswith(".part"):
            raise OSError(28, "No space left on device")
        real(path)

    monkeypatch.setattr(backup, "_fsync", full_disk)
    with pytest.raises(backup.BackupError, match="备份失败"):
        customers.purge([1])
    assert customers.count(CustomerQuery(deleted=True)) == 1  # nothing purged
    assert os.listdir(backup.get_settings().folder) == []


# --- restore never uses an unverified copy unchecked -----------------------------------------------


def test_restore_checks_a_never_sealed_backup_first_with_progress(db, checks):
    add_customers(4)
    saved = _unverified(backup.make_backup("manual"))
    add_customers(2, start=10)
    [info] = backup.list_backups()
    assert info.path == saved and info.status == "unverified" and info.status_text == "未校验"
    assert info.customers == 4 and not info.verified
    checks.clear()
    calls = []
    safety = backup.restore(saved, progress=lambda done, total: calls.append((done, total)) or True)
    assert (saved.name + ".unverified", "integrity_check") in checks
    assert calls[0][0] == 0 and calls[0][1] > 0  # the check reports progress from its start
    assert saved.exists() and not backup.unverified_path(saved).exists()  # sealed by that check
    assert customers.count(CustomerQuery()) == 4
    safety.wait_sealed(timeout=60)
    assert {b.path: b.status for b in backup.list_backups()}[saved] == "verified"


def test_restore_refuses_a_never_sealed_backup_that_fails_its_check(db, events):
    add_customers(4)
    saved = backup.make_backup("manual")
    _break_an_index(saved)
    _unverified(saved)
    add_customers(2, start=10)
    events.clear()
    with pytest.raises(backup.BackupError, match="没有通过完整性检查"):
        backup.restore(saved)
    assert customers.count(CustomerQuery()) == 6  # nothing changed
    assert saved.with_name(saved.name + ".bad").exists()
    assert backup.list_backups() == []  # no before-restore backup either: it never got that far
    assert [e.state for e in events] == ["bad"]


def test_restore_of_a_foreign_file_runs_the_full_check(db, tmp_path):
    add_customers(4)
    mine = tmp_path / "my copy.db"
    shutil.copyfile(backup.make_backup("manual"), mine)
    _break_an_index(mine)  # quick_check would pass it
    with pytest.raises(backup.BackupError, match=r"不是可用的 ShopCRM 备份.*missing from index"):
        backup.restore(mine)
    assert mine.exists()  # not ours: left where it is


def test_cancelling_the_check_of_a_restore_changes_nothing(db):
    add_customers(4)
    saved = _unverified(backup.make_backup("manual"))
    add_customers(1, start=10)
    with pytest.raises(Cancelled):
        backup.restore(saved, progress=lambda done, total: False)
    assert customers.count(CustomerQuery()) == 5
    assert [(b.path, b.status) for b in backup.list_backups()] == [(saved, "unverified")]  # checked later


def test_restore_of_a_backup_being_checked_waits_for_that_check(db, checks, held_checks):
    started, release = held_checks
    add_customers(4)
    pending = backup.start_backup("manual")
    assert started.wait(60)  # its background check is running
    assert backup.list_backups()[0].status == "checking"
    add_customers(2, start=10)
    calls = []

    def progress(done, total):
        calls.append((done, total))
        release.set()  # the background check may go on once the restore waits for it
        return True

    backup.restore(pending.path, progress=progress)
    assert (0, 0) in calls  # a busy indicator while it waited
    assert checks.count((pending.name + ".unverified", "integrity_check")) == 1  # not checked twice
    assert pending.verified and customers.count(CustomerQuery()) == 4


# --- leftovers, exit, rotation ------------------------------------------------------------------


def test_leftovers_of_an_earlier_run_are_sealed_or_removed_at_the_next_start(db, db_path, events):
    add_customers(5)
    folder = backup.get_settings().folder
    good = _unverified(backup.make_backup("daily", when=dt.datetime(2026, 11, 20, 9, 0)))
    bad = backup.make_backup("manual", when=dt.datetime(2026, 11, 21, 9, 0))
    _break_an_index(bad)
    _unverified(bad)
    stale = folder / "shopcrm-20261101-090000-daily.db.part"  # a copy the PC lost power during
    fresh = folder / "shopcrm-20261122-090000-manual.db.part"  # maybe another process's copy now
    for part in (stale, fresh):
        part.write_bytes(b"half a backup")
    hours_ago = clock.kernel_seconds(stale.parent) - 7 * 3600
    os.utime(stale, (hours_ago, hours_ago))
    # before: listed, but never as verified
    assert [(b.path, b.status) for b in backup.list_backups()] == [(bad, "unverified"), (good, "unverified")]
    events.clear()
    started = backup.resume_unsealed(folder, db_path=db_path, settings=backup.get_settings())
    assert sorted(p.path.name for p in started) == sorted([good.name, bad.name])
    for pending in started:
        pending._done.wait(60)
    assert good.exists() and not backup.unverified_path(good).exists()
    assert bad.with_name(bad.name + ".bad").exists() and not backup.unverified_path(bad).exists()
    assert not stale.exists() and fresh.exists()
    assert [(b.path, b.status) for b in backup.list_backups()] == [(good, "verified")]
    assert sorted((e.path.name, e.state) for e in events) == sorted([(good.name, "sealed"), (bad.name, "bad")])


def test_app_exit_interrupts_a_running_check_and_the_next_start_finishes_it(db, db_path, monkeypatch, events):
    add_customers(3)
    started, release = threading.Event(), threading.Event()

    def hold(con, path):  # a check that cannot end before the test says so
        if threading.current_thread().name.startswith("backup-seal-"):

            def handler():
                started.set()
                release.wait(60)
                return 0

            con.set_progress_handler(handler, 1)

    monkeypatch.setattr(backup, "_before_check", hold)
    pending = backup.start_backup("manual")
    assert started.wait(60)
    backup.shutdown(timeout=10)  # returns although the check is still running
    assert not pending.done
    release.set()
    with pytest.raises(backup.BackupError, match="中断"):
        pending.wait_sealed(timeout=60)
    assert pending.state == "interrupted" and pending.durable
    assert backup.unverified_path(pending.path).exists() and not pending.path.exists()
    assert [(b.path, b.status) for b in backup.list_backups()] == [(pending.path, "unverified")]
    monkeypatch.setattr(backup, "_before_check", None)
    # the next start
    [again] = backup.resume_unsealed(backup.get_settings().folder, db_path=db_path)
    assert again.wait_sealed(timeout=60) == pending.path and customer_count_in(pending.path) == 3
    assert [e.state for e in events] == ["interrupted", "sealed"]


def test_rotation_never_gives_up_the_newest_verified_backup_for_an_unverified_one(db, held_checks):
    started, release = held_checks
    add_customers(2)
    backup.configure(keep_manual=1)
    folder = backup.get_settings().folder
    first = backup.make_backup("manual", when=dt.datetime(2026, 11, 20, 9, 0))
    newer = backup.start_backup("manual", when=dt.datetime(2026, 11, 22, 9, 0))
    assert started.wait(60)  # its check has not ended
    leftover = folder / "shopcrm-20261121-090000-manual.db.unverified"  # left by an earlier run
    shutil.copyfile(first, leftover)
    assert backup.rotate(folder, backup.get_settings()) == []  # as another backup's seal would
    assert first.exists() and leftover.exists()
    release.set()
    assert newer.wait_sealed(timeout=60) == newer.path
    # now a newer verified one exists: the older verified goes, the unverified one is not counted
    assert not first.exists()
    assert [(b.path.name, b.status) for b in backup.list_backups()] == [
        (newer.name, "verified"),
        ("shopcrm-20261121-090000-manual.db", "unverified"),
    ]


def test_a_failed_check_never_rotates_out_the_verified_backup(db, monkeypatch):
    add_customers(2)
    backup.configure(keep_manual=1)
    first = backup.make_backup("manual", when=dt.datetime(2026, 11, 20, 9, 0))
    real = backup._fsync
    monkeypatch.setattr(backup, "_fsync", lambda p: (str(p).endswith(".part") and _break_an_index(Path(p)), real(p)))
    pending = backup.start_backup("manual", when=dt.datetime(2026, 11, 22, 9, 0))
    with pytest.raises(backup.BackupError):
        pending.wait_sealed(timeout=60)
    assert first.exists() and [b.path for b in backup.list_backups()] == [first]


def test_two_backups_in_the_same_second_get_their_own_names(db):
    add_customers(1)
    when = dt.datetime(2026, 11, 22, 9, 0)
    a = backup.start_backup("manual", when=when)
    b = backup.start_backup("manual", when=when)
    assert a.path != b.path
    assert {a.wait_sealed(timeout=60).name, b.wait_sealed(timeout=60).name} == {
        "shopcrm-20261122-090000-manual.db",
        "shopcrm-20261122-090000-2-manual.db",
    }
