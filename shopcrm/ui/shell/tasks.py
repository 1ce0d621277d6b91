"""Run a long domain operation in a worker thread behind a progress dialog with Cancel.

    ok, result = run_task(parent, self.tr("Importing…"), excel_import.run, path, options)

``fn`` is called as ``fn(*args, progress=callback, **kwargs)`` in a QThread; the callback returns
False once the user pressed Cancel, and the domain function then rolls back and raises
:class:`shopcrm.core.errors.Cancelled`. The window keeps painting meanwhile (a local event loop runs
until the worker finishes). The worker thread gets its own SQLite connection (peewee keeps one
per thread) and closes it when done.
"""

from __future__ import annotations

import threading
import time

from PySide6.QtCore import QCoreApplication, QEventLoop, QObject, Qt, QThread, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QWidget

from shopcrm.store.db import database


class _Worker(QObject):
    progressed = Signal(int, int)
    finished = Signal(bool, object)

    def __init__(self, fn, args, kwargs):
        super().__init__()
        self.fn, self.args, self.kwargs = fn, args, kwargs
        self.cancel_requested = threading.Event()
        self._last_emit = 0.0

    def progress(self, done: int, total: int) -> bool:
        now = time.monotonic()
        if now - self._last_emit >= 0.05 or done >= total:
            self._last_emit = now
            self.progressed.emit(int(done), int(total))
        return not self.cancel_requested.is_set()

    @Slot()
    def run(self) -> None:
        try:
            result = self.fn(*self.args, progress=self.progress, **self.kwargs)
        except BaseException as exc:  # handed to the GUI thread, which decides what to show
            self.finished.emit(False, exc)
        else:
            self.finished.emit(True, result)
        finally:
            if database.database is not None and not database.is_closed():
                database.close()  # this thread's connection only


class _Receiver(QObject):
    """Lives in the GUI thread: queued signals from the worker run its slots there. (A plain
    function connected to a worker's signal runs in the worker thread, and touching the progress
    dialog from there makes Qt warn "Timers cannot be started from another thread".)"""

    def __init__(self, on_progress, on_finished):
        super().__init__()
        self._on_progress, self._on_finished = on_progress, on_finished

    @Slot(int, int)
    def progress(self, done: int, total: int) -> None:
        self._on_progress(done, total)

    @Slot(bool, object)
    def finished(self, ok: bool, value: object) -> None:
        self._on_finished(ok, value)


def run_task(parent: QWidget | None, title: str, fn, *args, **kwargs) -> tuple[bool, object]:
    """Run ``fn`` off the GUI thread; returns (True, result) or (False, exception)."""
    dialog = QProgressDialog(title, QCoreApplication.translate("Tasks", "Cancel"), 0, 0, parent)
    dialog.setObjectName("taskProgressDialog")
    dialog.setWindowTitle(title)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(400)  # short jobs finish without a flashing dialog
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)

    thread = QThread()
    worker = _Worker(fn, args, kwargs)
    worker.moveToThread(thread)
    loop = QEventLoop()
    outcome: list = []

    def on_progress(done: int, total: int) -> None:
        if total > 0:
            dialog.setMaximum(total)
            dialog.setValue(min(done, total))

    def on_finished(ok: bool, value: object) -> None:
        outcome.append((ok, value))
        loop.quit()

    def on_cancel() -> None:
        worker.cancel_requested.set()
        dialog.setLabelText(QCoreApplication.translate("Tasks", "Cancelling…"))

    receiver = _Receiver(on_progress, on_finished)
    worker.progressed.connect(receiver.progress, Qt.ConnectionType.QueuedConnection)
    worker.finished.connect(receiver.finished, Qt.ConnectionType.QueuedConnection)
    dialog.canceled.connect(on_cancel)
    thread.started.connect(worker.run)
    thread.start()
    if not outcome:
        loop.exec()
    thread.quit()
    thread.wait()
    dialog.canceled.disconnect(on_cancel)
    dialog.close()
    dialog.deleteLater()
    worker.deleteLater()
    return outcome[0]


def cancel_running_tasks(widget: QWidget) -> bool:
    """Press Cancel on a visible task dialog under ``widget`` (used by tests and on window close)."""
    dialog = widget.findChild(QProgressDialog, "taskProgressDialog")
    if dialog is None:
        return False
    dialog.canceled.emit()  # what the Cancel button does; QProgressDialog.cancel() does not emit it
    return True
