"""Several counters at once (issue #18): the window follows other counters' changes, and a lost
server connection is shown plainly and mended by itself.

:class:`LiveUpdates` watches the open database's change feed (shopcrm.store.changes): on SQLite a
cheap poll of ``PRAGMA data_version`` every second, on PostgreSQL a QSocketNotifier on the
LISTEN connection's socket (a NOTIFY wakes it; no polling). A change committed by another
connection refreshes the customer list, the tab in view and every tab's badge, once per burst.

When the server goes away (restart, network) the socket turns readable and the feed says so;
any save that meets the broken connection says so too (:func:`report_lost`). The window then
shows a banner “与服务器的连接已断开，正在重连…”, tries again every second, and when the server
answers says “已重新连接” and refreshes everything. Dialogs stay open with what was typed: a
save that failed says why in the dialog, and can simply be pressed again after reconnection.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator

from PySide6.QtCore import QCoreApplication, QObject, QSocketNotifier, Qt, QTimer, Signal
from PySide6.QtWidgets import QLabel, QWidget

from shopcrm.store import changes
from shopcrm.store.changes import ConnectionLost
from shopcrm.ui.shell.context import AppContext

log = logging.getLogger(__name__)

LOST_STYLE = "background: #fdecea; color: #8a1f11; border-bottom: 1px solid #f5c2bd; padding: 6px 10px;"
HELD_STYLE = "background: #fff8e1; color: #6d4c00; border-bottom: 1px solid #f3d98b; padding: 6px 10px;"
BACK_STYLE = "background: #e6f4ea; color: #1e5e2f; border-bottom: 1px solid #b7dfc2; padding: 6px 10px;"


class LiveUpdates(QObject):
    """The window's follower of other connections' changes and keeper of the connection."""

    changed_elsewhere = Signal()  # another connection committed something (after the debounce)
    connection_lost = Signal(str)  # the reason
    reconnected = Signal()

    POLL_MS = 1000  # SQLite: data_version is asked this often (a few microseconds each)
    HEALTH_MS = 5000  # PostgreSQL: the listening socket is also looked at this often
    RETRY_MS = 1000  # while the connection is lost: a new connection is tried this often
    DEBOUNCE_MS = 150  # a burst of changes (an import elsewhere) refreshes once
    BACK_SHOWN_MS = 6000  # “reconnected” stays this long

    def __init__(self, window, banner: QLabel):
        super().__init__(window)
        self.window = window
        self.banner = banner
        self.banner.setVisible(False)
        self.lost = False
        self.holding = False  # this program is replacing the database (see held())
        self.stopped = False  # the window closed (stop())
        self.feed: changes.ChangeFeed | None = None
        self._notifier: QSocketNotifier | None = None
        self._poll = QTimer(self, objectName="livePollTimer")
        self._poll.timeout.connect(self.check)
        self._retry = QTimer(self, objectName="liveRetryTimer", interval=self.RETRY_MS)
        self._retry.timeout.connect(self.try_reconnect)
        self._debounce = QTimer(self, singleShot=True, interval=self.DEBOUNCE_MS)
        self._debounce.timeout.connect(self.changed_elsewhere)
        self._hide_back = QTimer(self, singleShot=True, interval=self.BACK_SHOWN_MS)
        self._hide_back.timeout.connect(self._back_hidden)
        self.restart()

    # --- the feed ---------------------------------------------------------------------------------
    def restart(self) -> None:
        """Follow the database open now (at start and after switching databases)."""
        self._stop_feed()
        self._retry.stop()
        self.lost = False
        self.banner.setVisible(False)
        try:
            self.feed = changes.open_feed()
        except ConnectionLost as exc:
            self.report(exc)
            return
        self._watch()

    def _watch(self) -> None:
        feed = self.feed
        if feed is None:
            return
        if feed.fileno is not None:
            self._notifier = QSocketNotifier(feed.fileno, QSocketNotifier.Type.Read, self)
            self._notifier.activated.connect(self.check)
            self._poll.start(self.HEALTH_MS)
        else:
            self._poll.start(self.POLL_MS)

    def _stop_feed(self) -> None:
        self._poll.stop()
        if self._notifier is not None:
            self._notifier.setEnabled(False)
            self._notifier.deleteLater()
            self._notifier = None
        if self.feed is not None:
            self.feed.close()
            self.feed = None

    def check(self) -> bool:
        """Ask the feed now; True when another connection changed something."""
        if self.feed is None or self.lost:
            return False
        try:
            changed = self.feed.changed()
        except ConnectionLost as exc:
            self.report(exc)
            return False
        if changed:
            self._debounce.start()
        return changed

    # --- this program replaces the database ---------------------------------------------------------
    @contextlib.contextmanager
    def held(self, text: str) -> Iterator[None]:
        """While this program replaces the open database (a restore drops it and creates it
        again): no checks, refreshes or reconnection attempts, and a banner saying ``text``;
        afterwards the feed follows the new database and every list and badge is read again."""
        self._stop_feed()
        for timer in (self._retry, self._debounce, self._hide_back):
            timer.stop()
        self.holding = True
        self.banner.setStyleSheet(HELD_STYLE)
        self.banner.setText(text)
        self.banner.setToolTip("")
        self.banner.setVisible(True)
        try:
            yield
        finally:
            self.holding = False
            if not self.stopped:  # (the window may have closed meanwhile)
                self.restart()
                self.changed_elsewhere.emit()

    # --- a lost connection --------------------------------------------------------------------------
    def report(self, exc: BaseException) -> None:
        """The connection is lost (seen by the feed, or by a save that failed): show it and keep
        trying to reconnect."""
        reason = getattr(exc, "reason", "") or str(exc)
        if self.lost or self.holding:
            return  # (held: this program is replacing the database; it follows it when done)
        log.warning("connection to the database server lost: %s", reason)
        self.lost = True
        if self._notifier is not None:
            self._notifier.setEnabled(False)  # a closed socket stays readable: no busy loop
        self._poll.stop()
        self._hide_back.stop()
        self.banner.setStyleSheet(LOST_STYLE)
        self.banner.setText(
            QCoreApplication.translate("LiveUpdates", "The connection to the server was lost; reconnecting…")
        )
        self.banner.setToolTip(reason)
        self.banner.setVisible(True)
        self.window.statusBar().showMessage(
            QCoreApplication.translate("LiveUpdates", "The connection to the server was lost; reconnecting…")
        )
        self._retry.start()
        self.connection_lost.emit(reason)

    def try_reconnect(self) -> bool:
        if not self.lost:
            return True
        if self.holding:
            return False
        try:
            if self.feed is None:
                self.feed = changes.open_feed()
            else:
                self.feed.reconnect()
        except ConnectionLost as exc:
            self.banner.setToolTip(getattr(exc, "reason", str(exc)))
            return False
        self._retry.stop()
        self.lost = False
        if self._notifier is not None:
            self._notifier.deleteLater()
            self._notifier = None
        self._watch()
        self.banner.setStyleSheet(BACK_STYLE)
        self.banner.setText(
            QCoreApplication.translate(
                "LiveUpdates", "Reconnected to the server. Anything not saved can be saved again now."
            )
        )
        self.banner.setToolTip("")
        self.window.statusBar().showMessage(
            QCoreApplication.translate("LiveUpdates", "Reconnected to the server"), self.BACK_SHOWN_MS
        )
        self._hide_back.start()
        log.info("reconnected to the database server")
        self.reconnected.emit()
        self.changed_elsewhere.emit()  # whatever the others did meanwhile
        return True

    def _back_hidden(self) -> None:
        if not self.lost:
            self.banner.setVisible(False)

    def stop(self) -> None:
        """The window closes: no more checks, retries or refreshes (its database may close next)."""
        self.stopped = True
        for timer in (self._retry, self._debounce, self._hide_back):
            timer.stop()
        self._stop_feed()


def make_banner(parent: QWidget) -> QLabel:
    banner = QLabel(parent, objectName="connectionBanner")
    banner.setWordWrap(True)
    banner.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    return banner


def report_lost(widget: QWidget | None, exc: BaseException) -> bool:
    """A save in ``widget`` (a dialog over the window) met a lost connection: the window shows it
    and starts reconnecting. False when ``exc`` is not a lost connection."""
    if not isinstance(exc, ConnectionLost):
        return False
    live = AppContext.of(widget).live
    if live is not None:
        live.report(exc)
    return True
