"""The log file (``<data folder>/logs/shopcrm.log``, rotating), errors that are handled still leave
a line in it, the About box says where it is, and no ``except`` swallows an error silently."""

from __future__ import annotations

import ast
import datetime as dt
import logging
import os
from pathlib import Path

import pytest
from conftest import ROOT, add_customers

from shopcrm.core import logs
from shopcrm.core.paths import data_dir


@pytest.fixture(autouse=True)
def _no_log_file_left_open():
    yield
    logs.shutdown()


def read_log(path: Path) -> str:
    for h in logging.getLogger("shopcrm").handlers:
        h.flush()
    return path.read_text(encoding="utf-8") if path.exists() else ""


def test_setup_writes_utf8_lines_into_the_data_folder():
    path = logs.setup(data_dir())
    assert path == data_dir() / "logs" / "shopcrm.log" == logs.log_path() == logs.current()
    assert str(path).startswith(os.environ["XDG_DATA_HOME"])  # the tests' own data folder
    logging.getLogger("shopcrm.some.module").warning("备份失败：%s", "磁盘已满")
    text = read_log(path)
    assert "WARNING shopcrm.some.module [MainThread]" in text and "备份失败：磁盘已满" in text


def test_a_second_setup_moves_the_log_and_keeps_one_handler(tmp_path):
    first = logs.setup(tmp_path / "a")
    second = logs.setup(tmp_path / "b")
    logging.getLogger("shopcrm.x").warning("only here")
    assert "only here" in read_log(second) and "only here" not in read_log(first)
    assert sum(isinstance(h, logging.handlers.RotatingFileHandler) for h in logging.getLogger("shopcrm").handlers) == 1


def test_the_log_rotates_and_keeps_a_bounded_number_of_files(tmp_path):
    path = logs.setup(tmp_path, max_bytes=2_000, backup_count=2)
    log = logging.getLogger("shopcrm.rotation")
    for i in range(200):
        log.warning("line %04d %s", i, "x" * 40)
    names = sorted(p.name for p in path.parent.iterdir())
    assert names == ["shopcrm.log", "shopcrm.log.1", "shopcrm.log.2"]
    assert all(p.stat().st_size <= 2_000 for p in path.parent.iterdir())
    assert "line 0199" in read_log(path)  # the newest lines are in the current file


def test_an_unwritable_data_folder_does_not_stop_the_program(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    assert logs.setup(blocker) is None  # <file>/logs cannot be created
    assert logs.current() is None


def test_a_failing_backup_check_leaves_a_log_line(tmp_path):
    """newest_good_backup skips a damaged backup (it must: an older one is offered instead), and
    says so in the log rather than nowhere."""
    from shopcrm import backup
    from shopcrm.store.db import close_database, open_database

    path = logs.setup(tmp_path / "data")
    open_database(tmp_path / "shop.db")
    try:
        add_customers(3)
        folder = tmp_path / "backups"
        good = backup.make_backup("daily", folder=folder, when=dt.datetime(2026, 11, 21, 9, 0))
    finally:
        close_database()
    damaged = folder / "shopcrm-20261122-080000-daily.db"
    data = good.read_bytes()
    damaged.write_bytes(data[: len(data) // 2])
    found = backup.newest_good_backup(folder)
    assert found is not None and found.path == good
    text = read_log(path)
    assert "WARNING shopcrm.backup" in text and damaged.name in text and "fails its check" in text


def test_the_command_line_logs_into_the_data_folder(db_location):
    from shopcrm import cli

    assert cli.main(["regrade", "--db", str(db_location)]) == 0
    assert "INFO shopcrm.cli [MainThread] command regrade" in read_log(logs.log_path())


# --- the GUI: About, unhandled exceptions -----------------------------------------------------


def test_about_shows_the_log_file_and_opens_its_folder(app, qtbot, db, db_path, tmp_path, monkeypatch):
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QDesktopServices
    from PySide6.QtWidgets import QLabel, QPushButton

    from shopcrm.ui.main_window import MainWindow

    path = logs.setup(tmp_path / "data")
    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile()) or True)
    window = MainWindow(db_path)
    qtbot.addWidget(window)
    about = window.about()
    label = about.findChild(QLabel, "aboutText")
    assert str(path) in label.text() and "日志文件" in label.text()
    assert label.textInteractionFlags() & Qt.TextInteractionFlag.TextSelectableByMouse
    button = about.findChild(QPushButton, "openLogFolder")
    assert button.text() == "打开日志文件夹"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert opened == [str(path.parent)]
    about.close()


def test_an_unhandled_exception_is_logged_and_shown(app, qtbot, tmp_path):
    from PySide6.QtWidgets import QApplication, QMessageBox

    from shopcrm.ui import app as app_module

    path = logs.setup(tmp_path / "data")
    try:
        raise ZeroDivisionError("整除出错")
    except ZeroDivisionError as exc:
        app_module.report_unhandled(type(exc), exc, exc.__traceback__)
    text = read_log(path)
    assert "CRITICAL shopcrm.ui.app [MainThread] unhandled exception" in text
    assert "Traceback" in text and "ZeroDivisionError: 整除出错" in text
    boxes = [
        w
        for w in QApplication.topLevelWidgets()
        if isinstance(w, QMessageBox) and w.objectName() == "unhandledErrorBox" and w.isVisible()
    ]
    assert len(boxes) == 1
    assert "整除出错" in boxes[0].text() and str(path) in boxes[0].text() and "意外错误" in boxes[0].text()
    boxes[0].close()


# --- no error swallowed silently ---------------------------------------------------------------

LOG_METHODS = {"debug", "info", "warning", "error", "exception", "critical", "log"}


def _logs(node: ast.AST) -> bool:
    return any(
        isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr in LOG_METHODS
        for n in ast.walk(node)
    )


def silent_handlers(source: str) -> list[int]:
    """Line numbers of ``except`` blocks whose body only passes or continues, with neither a
    logging call nor an ``# expected: reason`` comment on the ``except`` line or in its body."""
    lines = source.splitlines()
    out = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.ExceptHandler):
            continue
        quiet = all(isinstance(s, (ast.Pass, ast.Continue)) for s in node.body)
        if not quiet or _logs(node):
            continue
        block = "\n".join(lines[node.lineno - 1 : node.end_lineno])
        if "# expected:" not in block:
            out.append(node.lineno)
    return out


def test_the_checker_sees_a_silent_handler_and_accepts_the_two_ways_out():
    src = (
        "try:\n    f()\nexcept OSError:\n    pass\n"
        "for x in y:\n    try:\n        g()\n    except ValueError:\n        continue\n"
        "try:\n    f()\nexcept OSError:  # expected: not Linux\n    pass\n"
        "try:\n    f()\nexcept OSError:\n    pass  # expected: a race, retried\n"
        "try:\n    f()\nexcept OSError as exc:\n    log.warning('x %s', exc)\n"
    )
    assert silent_handlers(src) == [3, 8]


def test_no_error_is_swallowed_without_a_log_line_or_a_reason():
    bad = []
    for path in sorted((ROOT / "shopcrm").rglob("*.py")):
        for line in silent_handlers(path.read_text(encoding="utf-8")):
            bad.append(f"{path.relative_to(ROOT)}:{line}")
    assert bad == [], "except blocks that hide an error (log it, or say '# expected: why'):\n" + "\n".join(bad)
