"""Providers' secrets stay out of the database: an owner-only file (or the system keyring)."""

from __future__ import annotations

import os
import stat
import sys

import pytest

from shopcrm.campaigns import credentials, outbox
from shopcrm.campaigns.credentials import FileStore
from shopcrm.trust import security

posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")


@pytest.fixture
def owner(db):
    security.reset_session()
    yield db
    security.reset_session()


@posix_only
def test_the_file_is_created_owner_only(tmp_path):
    store = FileStore(tmp_path / "cfg" / "credentials.json")
    store.set("sms.aliyun", {"access_key_id": "id", "access_key_secret": "s3cr3t"})
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(store.path.parent.stat().st_mode) == 0o700
    assert store.get("sms.aliyun") == {"access_key_id": "id", "access_key_secret": "s3cr3t"}
    store.set("email.smtp", {"password": "p"})  # rewriting keeps the mode and the other entries
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600 and store.get("sms.aliyun") is not None
    store.delete("sms.aliyun")
    assert store.get("sms.aliyun") is None and store.get("email.smtp") == {"password": "p"}


@posix_only
def test_a_file_others_can_read_is_made_private_on_reading(tmp_path, caplog):
    path = tmp_path / "credentials.json"
    path.write_text('{"email.smtp": {"password": "p"}}', encoding="utf-8")
    os.chmod(path, 0o644)
    assert FileStore(path).get("email.smtp") == {"password": "p"}
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert "0600" in caplog.text


@posix_only
def test_the_file_is_never_readable_by_others_even_with_a_loose_umask(tmp_path):
    old = os.umask(0)
    try:
        store = FileStore(tmp_path / "c.json")
        store.set("email.smtp", {"password": "p"})
    finally:
        os.umask(old)
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600


def test_windows_says_what_it_cannot_ensure(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "platform", "win32")
    assert "Windows" in FileStore(tmp_path / "c.json").warning
    monkeypatch.setattr(sys, "platform", "linux")
    assert FileStore(tmp_path / "c.json").warning == ""


@pytest.mark.sqlite_only("reads the bytes of the SQLite file (and its WAL checkpointed into it)")
def test_set_credentials_keeps_secrets_out_of_the_database(owner, db_path, tmp_path):
    store = FileStore(tmp_path / "credentials.json")
    where = outbox.set_credentials("sms.tencent", {"secret_id": "AKID-x", "secret_key": "top-secret-key"}, store)
    assert where.startswith("file ")
    assert store.get("sms.tencent") == {"secret_id": "AKID-x", "secret_key": "top-secret-key"}
    owner.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    assert b"top-secret-key" not in db_path.read_bytes()
    with pytest.raises(ValueError, match="secret_key"):
        outbox.set_credentials("sms.tencent", {"secret_id": "AKID-x"}, store)


def test_set_credentials_is_for_the_owner(owner, tmp_path):
    security.set_pin("2468")
    security.lock()
    with pytest.raises(PermissionError):
        outbox.set_credentials("email.smtp", {"password": "p"}, FileStore(tmp_path / "c.json"))
    security.unlock("2468")
    outbox.set_credentials("email.smtp", {"password": "p"}, FileStore(tmp_path / "c.json"))


def test_an_explicit_file_wins_over_the_keyring(tmp_path, monkeypatch):
    monkeypatch.setenv(credentials.ENV, str(tmp_path / "c.json"))
    store = credentials.default_store()
    assert isinstance(store, FileStore) and store.path == tmp_path / "c.json"
