"""A sealed backup carries the SHA-256 of its bytes from its seal (``<name>.sha256``, in
sha256sum's format); a restore compares it before it changes anything, so a byte that changed
after the seal — in a record's text, which SQLite's quick_check does not read, or in a dump's
table of contents — is refused, on either engine."""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
import subprocess

import pytest
from conftest import add_customers

from shopcrm import backup, customers
from shopcrm.customers import CustomerInput
from shopcrm.store import db as dbmod
from shopcrm.trust import security

DAY = dt.datetime(2026, 11, 22, 9, 0, 0)


@pytest.fixture(autouse=True)
def fresh_session():
    security.reset_session()
    yield
    security.reset_session()


def _flip(path, needle: bytes, replacement: bytes) -> None:
    """Change the first occurrence of ``needle`` (same length), as a failing disk would."""
    data = bytearray(path.read_bytes())
    at = data.find(needle)
    assert at >= 0 and len(needle) == len(replacement)
    data[at : at + len(needle)] = replacement
    path.write_bytes(bytes(data))


def test_a_seal_records_the_backups_sha256_beside_it(db):
    add_customers(3)
    saved = backup.make_backup("manual", when=DAY)
    side = backup.digest_path(saved)
    assert side.read_text(encoding="utf-8") == f"{hashlib.sha256(saved.read_bytes()).hexdigest()}  {saved.name}\n"
    assert backup.check_digest(saved)
    if shutil.which("sha256sum"):  # the owner can check a copy with the system's own tool
        done = subprocess.run(["sha256sum", "-c", side.name], cwd=saved.parent, capture_output=True, text=True)
        assert done.returncode == 0 and ": OK" in done.stdout
    assert [b.path for b in backup.list_backups()] == [saved]  # the digest is no backup of its own


def test_a_backup_changed_after_its_seal_is_refused_before_anything_changes(db, engine_name):
    customers.create(CustomerInput(name="张三丰", mobile="13800000001"))
    saved = backup.make_backup("manual", when=DAY)
    customers.create(CustomerInput(name="李四", mobile="13800000002"))
    if engine_name == "sqlite":
        # a character of a customer's name: quick_check reads pages and records, not the text
        _flip(saved, "张三丰".encode(), "张三风".encode())
        backup.check_backup(saved)  # what a restore relied on alone before: it passes
    else:
        # a byte of the dump's table of contents (pg_restore --list still reads it)
        _flip(saved, b"customer_mobile", b"customer_mobilf")
        backup.check_backup(saved)
    with pytest.raises(backup.BackupError, match="被改动过") as refused:
        backup.restore(saved)
    assert saved.name in str(refused.value)
    assert customers.count(customers.CustomerQuery()) == 2  # the database as it was
    assert [b.kind for b in backup.list_backups()] == ["manual"]  # not even a safety copy
    assert backup.newest_good_backup(saved.parent) is None  # nor offered after a damaged start


def test_a_restore_cancelled_during_the_checksum_changes_nothing(db):
    from shopcrm.core.errors import Cancelled

    add_customers(2)
    saved = backup.make_backup("manual", when=DAY)
    add_customers(3, start=10)
    with pytest.raises(Cancelled):
        backup.restore(saved, progress=lambda done, total: False)
    assert customers.count(customers.CustomerQuery()) == 5
    assert [b.kind for b in backup.list_backups()] == ["manual"]


def test_a_backup_without_a_digest_restores_on_its_other_checks(db):
    add_customers(2)
    saved = backup.make_backup("manual", when=DAY)
    backup.digest_path(saved).unlink()  # sealed by a version before digests, or copied alone
    assert not backup.check_digest(saved)
    add_customers(3, start=10)
    assert backup.restore(saved) is not None
    assert customers.count(customers.CustomerQuery()) == 2


def test_a_digest_that_cannot_be_read_names_its_file(db):
    add_customers(1)
    saved = backup.make_backup("manual", when=DAY)
    backup.digest_path(saved).write_text("not a checksum\n", encoding="utf-8")
    with pytest.raises(backup.BackupError, match=r"\.sha256"):
        backup.restore(saved)
    assert customers.count(customers.CustomerQuery()) == 1


def test_rotation_deletes_a_backups_digest_with_it(db):
    add_customers(1)
    backup.configure(keep_manual=1)
    first = backup.make_backup("manual", when=DAY)
    second = backup.make_backup("manual", when=DAY + dt.timedelta(hours=1))
    assert not first.exists() and not backup.digest_path(first).exists()
    assert second.exists() and backup.check_digest(second)


def test_the_digest_is_taken_after_the_check_passed(db, monkeypatch):
    add_customers(2)
    seen = []
    real_check = backup._full_check

    def check(path, **kw):  # no digest exists while the copy is being checked
        seen.append(list(path.parent.glob("*.sha256")))
        return real_check(path, **kw)

    monkeypatch.setattr(backup, "_full_check", check)
    final = backup.start_backup("manual", when=DAY).wait_sealed(60)
    assert seen == [[]] and backup.check_digest(final)
    assert dbmod.latest_version() == backup.check_backup(final)


def test_a_backup_that_cannot_be_read_for_its_checksum_is_skipped_for_an_older_one(db):
    """A failing disk or a locked file (here: a folder in its place) is a backup that cannot be
    used, said in the shop's language; the offer after a damaged start takes the older one."""
    add_customers(2)
    older = backup.make_backup("manual", when=DAY)
    newest = backup.make_backup("manual", when=DAY + dt.timedelta(hours=1))
    newest.unlink()
    newest.mkdir()  # open() fails with an OSError, as on an unreadable medium
    with pytest.raises(backup.BackupError, match="不是可用的 ShopCRM 备份"):
        backup.check_digest(newest)
    found = backup.newest_good_backup(older.parent)
    assert found is not None and found.path == older
