"""Start-up recovery in the GUI: a damaged database is moved aside and the newest good backup is
offered and put in place; a network share gets a warning."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtWidgets import QMessageBox

from conftest import answer_box
from shopcrm import backup
from shopcrm.db import close_database, database, open_database
from shopcrm.ui import backup_ui

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
    check = backup.startup_check(tmp_path / "shop.db",
                                 mounts_text=f"//nas/shop {tmp_path} cifs rw 0 0\n")
    answer_box(qtbot, QMessageBox.StandardButton.Ok)
    assert not backup_ui.offer_recovery(None, check)


def test_daily_backup_runs_in_the_background_once(qtbot, app, db, db_path):
    job = backup_ui.DailyBackup()
    with qtbot.waitSignal(job.finished, timeout=30_000) as blocker:
        assert job.start()
    assert blocker.args[0] is True and job.result is not None and job.result.exists()
    again = backup_ui.DailyBackup()
    with qtbot.waitSignal(again.finished, timeout=30_000) as blocker:
        again.start()
    assert blocker.args == [True, ""]  # already made today
    assert [b.kind for b in backup.list_backups()] == ["daily"]
