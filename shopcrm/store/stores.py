"""Which store (门店) this counter works in (issue #18): the store every write is booked to.

A shop is one store until the owner adds a second (migration 22 seeds the default store, id
:data:`DEFAULT_STORE`, 本店, and books every existing row to it). Each counter (a machine) is set
to one store; the setting lives in the ``setting`` table under ``counter.store.<machine>``:

- the domain, the command line and the app all read it the same way (no Qt below the UI, so not
  QSettings), and the owner's 门店 dialog can show which counters are set to which store;
- it travels with the database, not with the machine's user profile: a counter pointed at another
  database (another chain, a demo) never books into a store id that means nothing there, and a
  database copied to a new machine starts that machine on the default store;
- ``<machine>`` is the host name (``SHOPCRM_COUNTER`` names it instead, for two tills on one
  terminal server), so every Windows account at that till works in the same store.

The models take :func:`counter_store_id` as the default of their ``store_id`` columns: every row a
counter writes through peewee (a sale, a top-up, a refund, a ledger entry, a contact, a complaint,
a care action, a day close, a new customer's home store) is booked to the counter's store without
each feature passing it. Raw bulk inserts (imports, the demo) get the column's database default,
the default store. Scopes elsewhere are ``store_id: int | None``: None is the whole chain.
"""

from __future__ import annotations

import os
import socket

from shopcrm.store import db as _db, settings

DEFAULT_STORE = 1  # seeded by migration 22; every row written before it belongs here
COUNTER_ENV = "SHOPCRM_COUNTER"
_PREFIX = "counter.store."

_cache: tuple[object, int] | None = None  # (the open engine, its counter store)


def machine_name() -> str:
    """This counter's name: ``SHOPCRM_COUNTER`` when set, else the host name."""
    return (os.environ.get(COUNTER_ENV) or socket.gethostname() or "counter").strip()


def counter_key(machine: str | None = None) -> str:
    """The setting that holds a counter's store (written by shopcrm.stores.set_counter_store,
    owner-only and audited; then :func:`forget`)."""
    return _PREFIX + (machine or machine_name())


def counter_store_id() -> int:
    """The store this counter is set to while it is active, else the first active store. Cached
    per open database: one read per process, not per write."""
    global _cache
    eng = _db.engine()
    if _cache is not None and _cache[0] is eng:
        return _cache[1]
    value = settings.get(counter_key())
    row = None
    if isinstance(value, int):
        row = _db.database.execute_sql(
            'SELECT "id" FROM "store" WHERE "id" = ? AND "active" = TRUE', (value,)
        ).fetchone()
    if row is None:  # never set, or its store was deactivated: the first active store
        row = _db.database.execute_sql('SELECT min("id") FROM "store" WHERE "active" = TRUE').fetchone()
    store_id = int(row[0]) if row is not None and row[0] is not None else DEFAULT_STORE
    _cache = (eng, store_id)
    return store_id


def counters() -> dict[str, int]:
    """Every counter that was set to a store: machine name -> store id."""
    rows = _db.database.execute_sql(
        'SELECT "key", "value" FROM "setting" WHERE "key" >= ? AND "key" < ?', (_PREFIX, _PREFIX[:-1] + "/")
    ).fetchall()
    return {k[len(_PREFIX) :]: int(v) for k, v in rows if v.strip().lstrip("-").isdigit()}


def use_for_this_process(store_id: int) -> None:
    """Book this process's writes to ``store_id`` until the database is opened again (the command
    line's ``--store``; the caller checked the store and the owner)."""
    global _cache
    _cache = (_db.engine(), int(store_id))


def forget() -> None:
    """Read the counter's store again on the next write (after a change by another path)."""
    global _cache
    _cache = None


def active_count() -> int:
    """How many stores are active: a shop with one never sees store pickers (the UI asks this)."""
    return int(_db.database.execute_sql('SELECT count(*) FROM "store" WHERE "active" = TRUE').fetchone()[0])


def active_stores() -> list[tuple[int, str, str]]:
    """(id, code, name) of every active store, by id."""
    rows = _db.database.execute_sql('SELECT id, code, name FROM "store" WHERE "active" = TRUE ORDER BY id').fetchall()
    return [(int(r[0]), r[1], r[2]) for r in rows]


def store_name(store_id: int) -> str:
    row = _db.database.execute_sql('SELECT name FROM "store" WHERE id = ?', (store_id,)).fetchone()
    return row[0] if row is not None else str(store_id)
