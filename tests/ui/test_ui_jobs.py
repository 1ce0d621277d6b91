"""The one background-job helper (shopcrm.ui.shell.tasks): progress, Cancel, errors shown, and no
worker thread in shopcrm/ui started any other way."""

from __future__ import annotations

import ast
import threading
from pathlib import Path

import pytest
import shiboken6
from conftest import ROOT
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from shopcrm import customers
from shopcrm.core.errors import Cancelled, check_progress
from shopcrm.customers import CustomerInput
from shopcrm.ui.shell import tasks

UI = ROOT / "shopcrm" / "ui"
HELPER = UI / "shell" / "tasks.py"


def test_a_job_reports_progress_and_its_result_in_the_gui_thread(app, qtbot):
    seen, threads = [], []

    def work(n, *, progress):
        threads.append(threading.current_thread())
        for i in range(1, n + 1):
            check_progress(progress, i, n)
        return n * 10

    job = tasks.Job(work, 5, name="test-progress")
    job.progressed.connect(lambda done, total: seen.append((done, total, threading.current_thread())))
    results = []
    with qtbot.waitSignal(job.finished, timeout=10_000) as got:
        job.start(success=results.append)
    assert got.args == [True, 50] and results == [50]
    assert seen and seen[-1][:2] == (5, 5)  # the last step always comes through the throttle
    assert {t for *_, t in seen} == {threading.main_thread()} and threads[0] is not threading.main_thread()
    assert job.done and not job.running and job not in tasks.running_jobs()


def test_cancel_in_the_progress_dialog_leaves_the_database_unchanged(app, qtbot, db):
    customers.create(CustomerInput(name="张三", mobile="13900000001"))
    before = customers.count(customers.CustomerQuery())
    written, go_on = threading.Event(), threading.Event()

    def import_two(*, progress):  # a domain function: one transaction, Cancel rolls it back
        with db.atomic():
            customers.create(CustomerInput(name="李四", mobile="13900000002"))
            written.set()
            go_on.wait(10)
            check_progress(progress, 1, 2)
            customers.create(CustomerInput(name="王五", mobile="13900000003"))

    parent = QWidget()
    qtbot.addWidget(parent)

    def press_cancel():  # the clerk presses Cancel while the first row is written
        if not written.is_set():
            QTimer.singleShot(5, press_cancel)
            return
        assert tasks.cancel_running_tasks(parent)
        go_on.set()

    QTimer.singleShot(0, press_cancel)
    ok, result = tasks.run_task(parent, "导入…", import_two)
    assert not ok and isinstance(result, Cancelled)
    assert customers.count(customers.CustomerQuery()) == before
    assert not tasks.show_failure(parent, "导入失败", result)  # a Cancel is not an error
    assert parent.findChild(QMessageBox) is None


def test_an_exception_in_run_task_reaches_the_caller_and_is_shown(app, qtbot):
    parent = QWidget()
    qtbot.addWidget(parent)

    def broken(*, progress):
        raise OSError("磁盘已满")

    ok, result = tasks.run_task(parent, "导出…", broken)
    assert not ok and isinstance(result, OSError)
    assert tasks.show_failure(parent, "导出失败", result)
    box = parent.findChild(QMessageBox, "jobFailureBox")
    assert box is not None and box.text() == "磁盘已满" and box.windowTitle() == "导出失败"
    box.close()


def test_a_background_job_failure_goes_to_its_failure_callback(app, qtbot):
    failures = []
    job = tasks.Job(lambda: 1 / 0, name="test-failure", progress=False)
    with qtbot.waitSignal(job.finished, timeout=10_000) as got:
        job.start(success=lambda _r: pytest.fail("no result"), failure=failures.append)
    assert got.args[0] is False and isinstance(failures[0], ZeroDivisionError)


def test_a_background_job_without_a_failure_callback_shows_its_error(app, qtbot):
    def boxes():
        return [
            w
            for w in QApplication.topLevelWidgets()
            if isinstance(w, QMessageBox) and w.objectName() == "jobFailureBox" and w.isVisible()
        ]

    job = tasks.Job(lambda: (_ for _ in ()).throw(ValueError("账本不平")), name="test-shown", progress=False)
    with qtbot.waitSignal(job.finished, timeout=10_000):
        job.start()
    qtbot.waitUntil(lambda: bool(boxes()))
    [box] = boxes()
    assert box.text() == "账本不平"
    box.close()


def test_a_job_whose_widget_is_gone_delivers_nothing_to_it(app, qtbot):
    owner = QWidget()
    called, release = [], threading.Event()
    job = tasks.Job(lambda: release.wait(10), name="test-owner", progress=False)
    job.start(success=called.append, failure=called.append, owner=owner)
    shiboken6.delete(owner)  # the window closed while the job ran
    release.set()
    qtbot.waitUntil(lambda: job.done, timeout=10_000)
    assert called == []


def _thread_starts(path: Path) -> list[str]:
    """``threading.Thread(...)``, ``QThread(...)`` and subclasses of either in one module."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    found = []

    def named(node) -> str | None:
        if isinstance(node, ast.Name):
            return node.id
        if isinstance(node, ast.Attribute):
            return node.attr
        return None

    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and named(node.func) in {"Thread", "QThread", "Timer"}:
            found.append(f"{path.relative_to(UI.parent.parent)}:{node.lineno} calls {named(node.func)}")
        elif isinstance(node, ast.ClassDef) and any(named(b) in {"Thread", "QThread"} for b in node.bases):
            found.append(f"{path.relative_to(UI.parent.parent)}:{node.lineno} subclasses a thread")
        elif isinstance(node, ast.Call) and named(node.func) in {
            "start_new_thread",
            "ThreadPoolExecutor",
            "QThreadPool",
            "moveToThread",
        }:
            found.append(f"{path.relative_to(UI.parent.parent)}:{node.lineno} calls {named(node.func)}")
    return found


def test_no_worker_thread_in_the_ui_starts_outside_the_helper():
    found = [hit for path in sorted(UI.rglob("*.py")) if path != HELPER for hit in _thread_starts(path)]
    assert found == [], "start worker threads with shopcrm.ui.shell.tasks (Job / run_task):\n" + "\n".join(found)
    assert _thread_starts(HELPER)  # the scan does see the helper's own thread
