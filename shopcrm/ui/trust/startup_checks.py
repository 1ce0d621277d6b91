"""The full integrity check of the open database, in a background thread after the first paint
(a server database: the engine's own check, that it answers and is ShopCRM's).

Opening checks only what is cheap (header, truncation, schema); ``PRAGMA quick_check`` reads the
whole file (about a second for 100,000 customers), so it runs here instead and a problem is shown
when found. :func:`shopcrm.store.db.quick_check` remembers a failure, and the next start then checks the
file fully before opening it and offers the newest good backup.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMessageBox

from shopcrm.core.paths import DbLocation, PgUrl
from shopcrm.core.texts import t
from shopcrm.store import db
from shopcrm.ui.shell.tasks import Job


class BackgroundCheck(QObject):
    finished = Signal(str)  # "" when healthy, else the problem

    def __init__(self, window, location: DbLocation):
        super().__init__(window)
        self.window = window
        self.path = location if isinstance(location, PgUrl) else Path(location)
        self.problem: str | None = None
        # read-only: quitting does not wait for it
        if isinstance(location, PgUrl):
            check = db.engine().quick_check  # on a connection of its own
            self.job = Job(check, name="integrity-check", progress=False, wait_on_quit=False)
        else:
            self.job = Job(
                db.quick_check, self.path, low_priority=True, name="integrity-check", progress=False, wait_on_quit=False
            )
        self.finished.connect(self._show)

    def start(self) -> BackgroundCheck:
        # a check that could not run is a problem to show too
        self.job.start(
            success=lambda problem: self.finished.emit(problem or ""),
            failure=lambda exc: self.finished.emit(str(exc) or type(exc).__name__),
            owner=self,
        )
        return self

    def _show(self, problem: str) -> None:
        self.problem = problem or None
        if problem:
            box = QMessageBox(
                QMessageBox.Icon.Warning,
                "ShopCRM",
                t("db.check_failed", reason=problem),
                QMessageBox.StandardButton.Ok,
                self.window,
            )
            box.setObjectName("integrityProblemBox")
            box.open()


def start_background_check(window, location: DbLocation) -> BackgroundCheck:
    return BackgroundCheck(window, location).start()
