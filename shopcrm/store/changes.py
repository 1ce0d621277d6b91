"""Other connections' changes, for the lists and tab badges of several counters (issue #18).

:func:`open_feed` gives the open database's :class:`ChangeFeed`: ask :meth:`ChangeFeed.changed`
whether another connection committed something since the last call.

- SQLite: ``PRAGMA data_version`` of the calling thread's connection, which changes when any
  other connection (another counter's process, a background thread) commits. Cheap enough to
  poll every second; the feed has no socket (:attr:`ChangeFeed.fileno` is None).
- PostgreSQL: a connection of the feed's own that LISTENs on ``shopcrm_changed``; every
  committed write sends a NOTIFY there (:class:`shopcrm.store.engine.ShopPostgresqlDatabase`).
  :attr:`ChangeFeed.fileno` is its socket: a GUI watches it (a QSocketNotifier) and asks only
  when something arrived. The socket also turns readable when the server goes away: the feed
  then raises :class:`ConnectionLost`, and :meth:`ChangeFeed.reconnect` tries to come back.
"""

from __future__ import annotations

import logging
import select
from typing import ClassVar

from shopcrm.store.db import database, engine
from shopcrm.store.engine import (
    CHANGES_CHANNEL,
    ConnectionLost,
    DatabaseBeingReplaced,
    PostgresEngine,
    ShopPostgresqlDatabase,
)

log = logging.getLogger(__name__)

__all__ = ["ChangeFeed", "ConnectionLost", "DatabaseBeingReplaced", "open_feed", "reconnect"]


class ChangeFeed:
    """SQLite's feed (see the module text)."""

    fileno: int | None = None

    def __init__(self) -> None:
        self._version = self._read()

    def _read(self) -> int:
        return database.execute_sql("PRAGMA data_version").fetchone()[0]

    def changed(self) -> bool:
        """True when another connection committed a change since the last call."""
        version = self._read()
        if version == self._version:
            return False
        self._version = version
        return True

    def reconnect(self) -> bool:
        return True

    def close(self) -> None:
        pass


class PostgresFeed(ChangeFeed):
    """PostgreSQL's feed: LISTEN on a connection of its own (keepalives on, so that a network
    that went away is noticed within half a minute even when nothing is sent)."""

    KEEPALIVES: ClassVar[dict[str, int]] = {
        "keepalives": 1,
        "keepalives_idle": 10,
        "keepalives_interval": 5,
        "keepalives_count": 3,
    }

    def __init__(self, eng: PostgresEngine) -> None:
        self.engine = eng
        self._con = None
        self.fileno = None
        self.reconnect()

    def _connect(self) -> None:
        import psycopg2  # type: ignore[import-untyped]

        try:
            con = psycopg2.connect(self.engine.url, **self.engine.connect_params(), **self.KEEPALIVES)
            con.autocommit = True
            con.cursor().execute(f"LISTEN {CHANGES_CHANNEL}")
        except psycopg2.Error as exc:
            raise ConnectionLost(str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__) from exc
        self._con = con
        self.fileno = con.fileno()

    def reconnect(self) -> bool:
        """(Re)open the listening connection and this thread's database connection. True when
        both work; ConnectionLost while the server cannot be reached."""
        if self._con is None or self._con.closed:
            self._connect()
        db = database.obj
        if isinstance(db, ShopPostgresqlDatabase):
            db.reconnect_if_broken()
            # the server answers this thread's connection too, and the shop's tables are there (not
            # a database dropped and created again by a restore that has not ended yet)
            database.execute_sql("SELECT 1 FROM customer LIMIT 0")
        return True

    def changed(self) -> bool:
        import psycopg2

        con = self._con
        if con is None or con.closed:
            raise ConnectionLost("connection closed")
        try:
            con.poll()
            # a server that shuts down sends its goodbye first: the next read finds the socket closed
            while not con.closed and select.select([con], [], [], 0)[0]:
                con.poll()
        except psycopg2.Error as exc:
            self.close()
            reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise ConnectionLost(reason) from exc
        if con.closed:
            raise ConnectionLost("connection closed")
        own = _own_backend()
        news = [n for n in con.notifies if n.pid != own]
        con.notifies.clear()
        return bool(news)

    def wait(self, timeout: float) -> bool:
        """For a thread without an event loop (a test, a command): True when something arrived
        on the socket within ``timeout`` seconds (then ask :meth:`changed`)."""
        if self.fileno is None:
            return False
        return bool(select.select([self.fileno], [], [], timeout)[0])

    def close(self) -> None:
        import psycopg2

        con, self._con = self._con, None
        self.fileno = None
        if con is not None and not con.closed:
            try:
                con.close()
            except psycopg2.Error:  # a broken socket: nothing left to close
                log.debug("closing the change feed's connection", exc_info=True)


def _own_backend() -> int | None:
    """The server process of this thread's own connection: its NOTIFYs are our own changes."""
    db = database.obj
    conn = getattr(getattr(db, "_state", None), "conn", None)
    if conn is None or getattr(conn, "closed", True):
        return None
    return conn.info.backend_pid


def open_feed() -> ChangeFeed:
    """The change feed of the open database (raises ConnectionLost when a server is unreachable)."""
    eng = engine()
    if isinstance(eng, PostgresEngine):
        return PostgresFeed(eng)
    return ChangeFeed()


def reconnect() -> None:
    """Replace this thread's broken database connection now (PostgreSQL; nothing on SQLite).
    Raises ConnectionLost while the server cannot be reached."""
    db = database.obj
    if isinstance(db, ShopPostgresqlDatabase):
        db.reconnect_if_broken()
