"""The one way to run work off the GUI thread (like Anki's ``QueryOp``/``CollectionOp``).

Every worker thread in ``shopcrm/ui`` starts here (tests/test_ui_jobs.py fails on any other
``threading.Thread`` or ``QThread`` under ``shopcrm/ui``). Two forms:

* :func:`run_task` — the user waits behind a progress dialog with Cancel::

      ok, result = run_task(parent, self.tr("Importing…"), excel_import.run, path, options)
      if not ok:
          show_failure(parent, self.tr("Import failed"), result)  # says nothing for a Cancel

* :class:`Job` — work the user does not wait for (daily backup, integrity check, regrade)::

      Job(grading.regrade_if_stale, name="regrade").start(success=..., failure=...)

The domain function is called as ``fn(*args, progress=callback, **kwargs)`` (``progress=False``
leaves the keyword out); the callback returns False once Cancel was pressed, and the domain function
then rolls back and raises :class:`shopcrm.core.errors.Cancelled` (``check_progress``). ``success``
and ``failure`` run in the GUI thread; a job started without ``failure`` shows its error in a
message box (:func:`show_failure`) — an error is never dropped. The worker thread gets its own
SQLite connection (peewee keeps one per thread) and closes it when done.

Jobs are plain daemon threads held by this module until their result has been delivered: a
widget deleted while its job runs destroys nothing that is running. On quit the application waits
for jobs started with ``wait_on_quit=True`` (those that write), and not for the others.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QEventLoop, QObject, Qt, Signal, Slot
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QWidget

from shopcrm.core.errors import Cancelled
from shopcrm.store.db import database

log = logging.getLogger(__name__)

_RUNNING: set[Job] = set()  # started, result not yet delivered
_quit_hooked = False
_BOXES: set[QMessageBox] = set()  # failure boxes without a parent window, until closed


class Job(QObject):
    """``fn`` in a worker thread; its progress and its outcome come back as signals in the GUI
    thread (the Job itself lives there and has no parent)."""

    progressed = Signal(int, int)  # done, total (throttled to ~20 a second)
    finished = Signal(bool, object)  # (True, result) or (False, exception), in the GUI thread
    _delivered = Signal(bool, object)  # emitted by the worker, queued to the GUI thread
    _moved = Signal(int, int)

    def __init__(
        self,
        fn: Callable[..., Any],
        *args: Any,
        name: str = "shopcrm-job",
        progress: bool = True,
        wait_on_quit: bool = True,
        **kwargs: Any,
    ):
        super().__init__()
        self.fn, self.args, self.kwargs = fn, args, kwargs
        self.name = name
        self.takes_progress = progress
        self.wait_on_quit = wait_on_quit
        self.cancel_requested = threading.Event()
        self._thread: threading.Thread | None = None
        self.done = False
        self.ok: bool | None = None
        self.value: object = None
        self._last_emit = 0.0
        self._success: Callable[[Any], None] | None = None
        self._failure: Callable[[BaseException], None] | None = None
        self._owner: QObject | None = None
        self._delivered.connect(self._deliver, Qt.ConnectionType.QueuedConnection)
        self._moved.connect(self.progressed, Qt.ConnectionType.QueuedConnection)

    # --- GUI thread ---------------------------------------------------------------------------
    def start(
        self,
        success: Callable[[Any], None] | None = None,
        failure: Callable[[BaseException], None] | None = None,
        *,
        owner: QObject | None = None,
    ) -> Job:
        """Start the worker. ``success(result)`` / ``failure(exception)`` run in the GUI thread
        when it ends, unless ``owner`` (a widget the callbacks belong to) has been deleted by then;
        without ``failure`` the error is shown in a message box."""
        self._success, self._failure, self._owner = success, failure, owner
        _hook_quit()
        _RUNNING.add(self)
        self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
        self._thread.start()
        return self

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def cancel(self) -> None:
        """Ask the domain function to stop (it raises Cancelled at its next progress call)."""
        self.cancel_requested.set()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the worker thread has ended; True when it has. The outcome is still
        delivered (in the GUI thread, when events are next processed)."""
        if self._thread is not None:
            self._thread.join(timeout)
            return not self._thread.is_alive()
        return True

    @Slot(bool, object)
    def _deliver(self, ok: bool, value: object) -> None:
        self.done, self.ok, self.value = True, ok, value
        _RUNNING.discard(self)
        self.finished.emit(ok, value)
        if self._owner is not None and not _alive(self._owner):
            if not ok and not isinstance(value, Cancelled):
                log.warning(
                    "job %s failed after its window closed",
                    self.name,
                    exc_info=value if isinstance(value, BaseException) else None,
                )
            return
        if ok:
            if self._success is not None:
                self._success(value)
        elif self._failure is not None:
            self._failure(value)  # type: ignore[arg-type]
        else:
            show_failure(None, "ShopCRM", value)  # type: ignore[arg-type]

    # --- worker thread ------------------------------------------------------------------------
    def _progress(self, done: int, total: int) -> bool:
        now = time.monotonic()
        if now - self._last_emit >= 0.05 or done >= total:
            self._last_emit = now
            self._emit(self._moved, int(done), int(total))
        return not self.cancel_requested.is_set()

    def _run(self) -> None:
        kwargs = dict(self.kwargs, progress=self._progress) if self.takes_progress else self.kwargs
        try:
            result = self.fn(*self.args, **kwargs)
        except BaseException as exc:  # noqa: BLE001 (any failure, Cancelled included, is handed to the GUI thread, which shows it)
            outcome: tuple[bool, object] = (False, exc)
        else:
            outcome = (True, result)
        finally:
            if database.database is not None and not database.is_closed():
                database.close()  # this thread's connection only
        self._emit(self._delivered, *outcome)

    def _emit(self, signal, *args) -> None:
        try:
            signal.emit(*args)
        except RuntimeError:  # the application is gone (exit): nobody left to tell
            _RUNNING.discard(self)


def _alive(obj: QObject) -> bool:
    import shiboken6

    return shiboken6.isValid(obj)


def _hook_quit() -> None:
    global _quit_hooked
    app = QCoreApplication.instance()
    if app is not None and not _quit_hooked:
        app.aboutToQuit.connect(wait_all)
        _quit_hooked = True


def wait_all(*, everything: bool = False) -> None:
    """Wait for the running jobs that write (``wait_on_quit``), or for all of them; their results
    are delivered when events are next processed. Called on quit and by tests."""
    for job in list(_RUNNING):
        if everything or job.wait_on_quit:
            job.wait()


def running_jobs() -> list[Job]:
    return [j for j in _RUNNING if j.running]


def show_failure(parent: QWidget | None, title: str, error: BaseException) -> bool:
    """Tell the user a job failed (a message box); a Cancel is not a failure and shows nothing.
    Returns True when something was shown."""
    if isinstance(error, Cancelled):
        return False
    log.error("%s: %s", title, error, exc_info=error)
    box = QMessageBox(
        QMessageBox.Icon.Critical, title, str(error) or type(error).__name__, QMessageBox.StandardButton.Ok, parent
    )
    box.setObjectName("jobFailureBox")
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    if parent is None:  # nothing else holds a top-level box: kept until it is closed
        _BOXES.add(box)
        box.finished.connect(lambda _r: _BOXES.discard(box))
    box.open()
    return True


def run_task(parent: QWidget | None, title: str, fn, *args, **kwargs) -> tuple[bool, object]:
    """Run ``fn`` off the GUI thread behind a window-modal progress dialog with Cancel, keeping
    the window painting (a local event loop); returns (True, result) or (False, exception)."""
    dialog = QProgressDialog(title, QCoreApplication.translate("Tasks", "Cancel"), 0, 0, parent)
    dialog.setObjectName("taskProgressDialog")
    dialog.setWindowTitle(title)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(400)  # short jobs finish without a flashing dialog
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)

    job = Job(fn, *args, name="shopcrm-task", **kwargs)
    loop = QEventLoop()

    def on_progress(done: int, total: int) -> None:
        if total > 0:
            dialog.setMaximum(total)
            dialog.setValue(min(done, total))

    def on_cancel() -> None:
        job.cancel()
        dialog.setLabelText(QCoreApplication.translate("Tasks", "Cancelling…"))

    job.progressed.connect(on_progress)
    job.finished.connect(lambda _ok, _value: loop.quit())
    dialog.canceled.connect(on_cancel)
    job.start(success=lambda _r: None, failure=lambda _e: None)  # the caller shows the outcome
    if not job.done:
        loop.exec()
    job.wait()
    dialog.canceled.disconnect(on_cancel)
    dialog.close()
    dialog.deleteLater()
    job.deleteLater()
    return bool(job.ok), job.value


def cancel_running_tasks(widget: QWidget) -> bool:
    """Press Cancel on a visible task dialog under ``widget`` (used by tests and on window close)."""
    dialog = widget.findChild(QProgressDialog, "taskProgressDialog")
    if dialog is None:
        return False
    dialog.canceled.emit()  # what the Cancel button does; QProgressDialog.cancel() does not emit it
    return True
