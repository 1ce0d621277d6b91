"""Backups in the GUI: start-up recovery (a damaged database is moved aside and the newest good
backup is offered and put in place; a network share gets a warning), the daily backup, and the
background seal — Backup now returns at once and the verified (or failed) result shows later."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from conftest import answer_box
from PySide6.QtWidgets import QMessageBox

from shopcrm import backup, customers
from shopcrm.customers import CustomerInput
from shopcrm.store.db import close_database, database, open_database
from shopcrm.ui.trust import backup_ui
from shopcrm.ui.trust.backup_ui import BackupDialog

pytestmark = pytest.mark.gui


def _damaged_shop(tmp_path):
    from shopcrm.demo import generate

    path = tmp_path / "shop.db"
    open_database(path)
    generate(150, 600, seed=8)
    backup.make_backup("daily", when=dt.datetime(2026, 11, 20, 9, 0))
    database.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    close_database()
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path, data[: len(data) // 2]


def test_startup_moves_a_damaged_database_aside_and_restores_the_backup(qtbot, app, tmp_path):
    path, damaged = _damaged_shop(tmp_path)
    answer_box(qtbot, QMessageBox.StandardButton.Yes)
    assert backup_ui.startup(None, path)
    moved = [p for p in tmp_path.iterdir() if p.name.startswith("shop.db.damaged-")]
    assert len(moved) == 1 and moved[0].read_bytes() == damaged
    open_database(path)
    try:
        assert database.execute_sql("SELECT count(*) FROM customer").fetchone()[0] == 150
    finally:
        close_database()


def test_startup_can_decline_the_backup(qtbot, app, tmp_path):
    path, damaged = _damaged_shop(tmp_path)
    answer_box(qtbot, QMessageBox.StandardButton.No)
    assert backup_ui.startup(None, path)
    assert not path.exists()  # the app starts with a new, empty database; the old file is kept
    assert any(p.read_bytes() == damaged for p in tmp_path.iterdir() if p.is_file())


def test_a_foreign_file_is_left_to_the_open_error(qtbot, app, tmp_path):
    path = tmp_path / "shop.db"
    path.write_text("not a database", encoding="utf-8")
    assert not backup_ui.startup(None, path)
    assert path.read_text(encoding="utf-8") == "not a database"


def test_network_share_warning_is_shown(qtbot, app, tmp_path):
    check = backup.startup_check(tmp_path / "shop.db", mounts_text=f"//nas/shop {tmp_path} cifs rw 0 0\n")
    answer_box(qtbot, QMessageBox.StandardButton.Ok)
    assert not backup_ui.offer_recovery(None, check)


def test_daily_backup_runs_in_the_background_once(qtbot, app, db):
    job = backup_ui.DailyBackup()
    with qtbot.waitSignal(job.finished, timeout=30_000) as blocker:
        assert job.start()
    assert blocker.args[0] is True and job.result is not None and job.result.durable
    assert job.result.wait_sealed(timeout=60).exists()
    again = backup_ui.DailyBackup()
    with qtbot.waitSignal(again.finished, timeout=30_000) as blocker:
        again.start()
    assert blocker.args == [True, ""]  # already made today
    assert [b.kind for b in backup.list_backups()] == ["daily"]


# --- the background seal, seen in the GUI -----------------------------------------------------------


def _dialog(qtbot, window) -> BackupDialog:
    dlg = BackupDialog(window)
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitExposed(dlg)
    return dlg


def test_backup_now_returns_at_once_and_shows_the_verified_result_later(qtbot, window, held_checks):
    started, release = held_checks
    customers.create(CustomerInput(name="李四", mobile="13900000001"))
    dlg = _dialog(qtbot, window)
    made = dlg.backup_now()  # returns while the integrity check has not even begun to end
    assert started.wait(60) and not release.is_set()
    assert made is not None and not made.exists()
    assert "正在后台做完整性检查" in dlg.status.text()
    assert dlg.table.item(0, 1).text() == "手动" and dlg.table.item(0, 4).text() == "校验中…"
    release.set()
    qtbot.waitUntil(lambda: "已通过完整性检查" in dlg.status.text(), timeout=60_000)
    assert dlg.table.item(0, 4).text() == "已校验" and made.exists()
    assert "备份已通过完整性检查（手动）" in window.statusBar().currentMessage()


def test_a_failed_check_is_told_in_the_window_and_the_copy_kept(qtbot, window, monkeypatch):
    real = backup._fsync

    def torn(path):  # the copy is damaged after it was made: only its check can notice
        if str(path).endswith(".part"):
            data = bytearray(Path(path).read_bytes())
            data[4096:8192] = b"\xff" * 4096
            Path(path).write_bytes(bytes(data))
        real(path)

    monkeypatch.setattr(backup, "_fsync", torn)
    dlg = _dialog(qtbot, window)
    made = dlg.backup_now()

    def box():
        found = window.findChild(QMessageBox, "backupCheckFailedBox")
        return found if found is not None and found.isVisible() else None

    # the monitor and the dialog each get the seal's result as their own queued event: wait for both
    qtbot.waitUntil(lambda: box() is not None and "没有通过完整性检查" in dlg.status.text(), timeout=60_000)
    assert "没有通过完整性检查" in box().text() and made.name + ".bad" in box().text()
    assert "没有通过完整性检查" in window.statusBar().currentMessage()
    assert dlg.table.rowCount() == 0 and made.with_name(made.name + ".bad").exists()
    box().close()


def test_restoring_a_backup_that_is_not_verified_checks_it_first(qtbot, window, held_checks):
    _started, release = held_checks
    customers.create(CustomerInput(name="王五", mobile="13900000002"))
    saved = backup.make_backup("manual")
    os.replace(saved, backup.unverified_path(saved))  # as the PC lost power before its check
    customers.create(CustomerInput(name="赵六", mobile="13900000003"))
    dlg = _dialog(qtbot, window)
    assert dlg.table.item(0, 4).text() == "未校验"
    release.set()  # the before-restore backup's own check may run
    with qtbot.waitSignal(window.data_changed):
        assert dlg.restore(saved, confirm=False)
    assert customers.count(customers.CustomerQuery()) == 1
    assert saved.exists()  # checked and sealed by the restore
    qtbot.waitUntil(lambda: "已通过完整性检查" in dlg.status.text(), timeout=60_000)
    assert {dlg.table.item(r, 4).text() for r in range(dlg.table.rowCount())} == {"已校验"}


def test_copies_left_unverified_are_checked_at_start(qtbot, app, db):
    customers.create(CustomerInput(name="钱七", mobile="13900000004"))
    left = backup.make_backup("manual", when=dt.datetime(2026, 11, 20, 9, 0))
    os.replace(left, backup.unverified_path(left))
    job = backup_ui.DailyBackup()
    with qtbot.waitSignal(job.finished, timeout=30_000):
        assert job.start()
    [resumed] = job.resumed
    assert resumed.wait_sealed(timeout=60) == left and left.exists()
    job.result.wait_sealed(timeout=60)
    assert {b.status for b in backup.list_backups()} == {"verified"}


def test_the_start_up_check_of_a_copy_shows_its_progress_in_the_status_bar(qtbot, window, held_checks):
    started, release = held_checks
    customers.create(CustomerInput(name="孙八", mobile="13900000005"))
    job = backup_ui.DailyBackup(window)
    with qtbot.waitSignal(job.finished, timeout=30_000):
        assert job.start()
    assert started.wait(30)  # the check has begun (held at its first step)
    qtbot.waitUntil(lambda: "%" in window.statusBar().currentMessage(), timeout=30_000)
    release.set()
    assert job.result.wait_sealed(timeout=60).exists()
    qtbot.waitUntil(lambda: job.check_job.done, timeout=30_000)
    assert job.check_job.value == ["sealed"]
