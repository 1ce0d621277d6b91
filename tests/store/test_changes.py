"""Other connections' changes (shopcrm.store.changes) and a lost server connection (issue #18): what
the window's list and badges and its reconnect banner are built on."""

from __future__ import annotations

import pytest
from conftest import on_another_connection

from shopcrm.store import changes
from shopcrm.store.db import close_database, database, open_database


def put(key: str, value) -> None:
    from shopcrm.store import settings

    settings.put(key, value)


def wait_for(feed, timeout: float = 5.0) -> bool:
    """True once the feed reports a change (PostgreSQL: waits on its socket, no sleeping)."""
    if not isinstance(feed, changes.PostgresFeed):
        return feed.changed()
    import time

    end = time.monotonic() + timeout  # a deadline, not a sleep: each wait returns when data arrives
    while feed.wait(max(0.0, end - time.monotonic())):
        if feed.changed():  # (what arrived may have been our own change's notice)
            return True
    return False


def test_a_commit_by_another_connection_is_seen_and_nothing_else(db):
    feed = changes.open_feed()
    assert not feed.changed()
    put("own.change", 1)  # this connection's own write: the window refreshes itself for it
    assert not feed.changed()

    on_another_connection(lambda: put("other.change", 2))
    assert wait_for(feed)
    assert not feed.changed()  # told once

    def rolled_back():
        with database.atomic() as txn:
            put("never", 3)
            txn.rollback()

    on_another_connection(rolled_back)
    on_another_connection(lambda: database.execute_sql("SELECT count(*) FROM customer").fetchone())
    assert not feed.changed()  # a rollback and a read tell nothing
    on_another_connection(lambda: put("other.again", 4))
    assert wait_for(feed)
    feed.close()


# --- PostgreSQL: a server restart --------------------------------------------------------------------


def test_a_restart_is_reported_nothing_half_written_and_the_connection_comes_back(own_pg_server):
    from shopcrm.store import settings

    url = own_pg_server.new_database()
    open_database(url)
    try:
        feed = changes.open_feed()
        settings.put("before", 1)
        with pytest.raises(changes.ConnectionLost), database.atomic():
            settings.put("half.one", 1)
            own_pg_server.halt()
            settings.put("half.two", 2)  # the server is gone: the transaction fails as a whole
        assert feed.wait(5)
        with pytest.raises(changes.ConnectionLost) as lost:
            feed.changed()
        assert "连接已断开" in str(lost.value)
        with pytest.raises(changes.ConnectionLost):
            feed.reconnect()  # still down
        with pytest.raises(changes.ConnectionLost):
            settings.get("before")  # said plainly, not a driver error

        own_pg_server.resume()
        assert feed.reconnect()
        assert settings.get("before") == 1
        assert settings.get("half.one") is None and settings.get("half.two") is None
        settings.put("after", 1)  # a write after reconnection works
        assert settings.get("after") == 1
        on_another_connection(lambda: put("other", 1))
        assert wait_for(feed)  # and the feed listens again
        feed.close()
    finally:
        close_database()
