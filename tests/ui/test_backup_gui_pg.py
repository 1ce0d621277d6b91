"""The backup dialog on a PostgreSQL shop (issue #18): it lists the pg_dump backups with their
schema version and restores one, saying that the server's database is dropped and created again."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import add_customers
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from shopcrm import backup, customers
from shopcrm.store.db import close_database, latest_version, open_database
from shopcrm.trust import security
from shopcrm.ui.trust.backup_ui import BackupDialog

pytestmark = pytest.mark.gui


def read_next_box(button) -> list[str]:
    """The text of the next modal message box, which is then answered with ``button``."""
    seen: list[str] = []

    def read():
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            seen.append(box.text())
            box.button(button).click()
        else:  # not shown yet: look again on the next turn of the event loop
            QTimer.singleShot(10, read)

    QTimer.singleShot(0, read)
    return seen


@pytest.fixture
def pg_shop(pg_url):
    security.reset_session()
    open_database(pg_url)
    yield pg_url
    close_database()
    security.reset_session()


def test_the_dialog_lists_and_restores_a_postgresql_backup(qtbot, app, pg_shop):
    add_customers(4)
    made = backup.make_backup("manual", when=dt.datetime(2026, 11, 22, 9, 0))
    add_customers(3, start=50)
    dlg = BackupDialog(None)
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitExposed(dlg)
    assert dlg.table.rowCount() == 1
    row = [dlg.table.item(0, c).text() for c in range(dlg.table.columnCount())]
    assert row[0] == "2026-11-22 09:00" and row[1] == "手动" and row[2] == "4" and row[4] == "已校验"
    assert row[5] == str(latest_version())
    assert dlg.table.item(0, 0).toolTip() == str(made)
    seen = read_next_box(QMessageBox.StandardButton.Yes)
    assert dlg.restore_selected()
    assert customers.count(customers.CustomerQuery()) == 4
    assert len(seen) == 1 and "PostgreSQL 数据库" in seen[0] and "会被删除并重新创建" in seen[0]
    kinds = sorted(i.kind for i in backup.list_backups())
    assert kinds == ["before-restore", "manual"]
    for pending in backup.pending_backups():
        pending.wait_sealed(60)


def test_the_dialog_restores_a_dump_into_a_new_database(qtbot, app, pg_shop, pg_server):
    from shopcrm.store import pg_backup as pg

    add_customers(5)
    backup.make_backup("manual", when=dt.datetime(2026, 11, 22, 9, 0))
    add_customers(2, start=50)
    dlg = BackupDialog(None)
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitExposed(dlg)
    assert dlg.restore_new_button.isVisible() and dlg.restore_new_button.isEnabled()
    assert dlg.restore_into_new_database("shop_copy")
    assert "shop_copy" in dlg.status.text() and "行数与备份一致" in dlg.status.text()
    assert pg.table_counts(pg_server.url("shop_copy"), ["customer"]) == {"customer": 5}
    assert customers.count(customers.CustomerQuery()) == 7  # the open database is untouched
    told = read_next_box(QMessageBox.StandardButton.Ok)
    assert not dlg.restore_into_new_database("shop_copy")  # not empty now: refused, said plainly
    assert len(told) == 1 and "不是空的" in told[0]
