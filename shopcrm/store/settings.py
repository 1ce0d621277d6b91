"""Settings kept in the database (Setting table, JSON values), so they travel with the data.

The one way to read and write the ``setting`` table; no module outside ``shopcrm.store`` touches
the ``Setting`` model or the table (tests/test_settings_store.py checks it).

- :func:`get` / :func:`put` / :func:`delete` / :func:`get_many`: one key, one JSON value.
- :class:`Section`: a group of settings stored as one JSON row (``care``, ``grading``,
  ``complaints.config``), read as its defaults with the stored values merged in, and written
  after an optional validation hook. Owner checks and audit rows stay with the callers (the
  features' entry points), which call :meth:`Section.save` inside their transaction.

Values are written as ``json.dumps(value, ensure_ascii=False)``; rows written by older versions
(some with ``\\uXXXX`` escapes) read the same.
"""

from __future__ import annotations

import copy
import json
import logging
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Generic, TypeVar

from shopcrm.store.db import database

log = logging.getLogger(__name__)

SHOP_NAME = "shop_name"
DB_ID = "db.id"  # written once when the database is created (migration step 11)
DEMO_DATABASE = "demo.database"  # True in the demo database (shopcrm.ui.first_run)

T = TypeVar("T")

# raw SQL: settings are read several times per screen refresh, and a peewee query costs about
# ten times more to build than to run
_GET = 'SELECT "value" FROM "setting" WHERE "key" = ?'
# an upsert both engines speak (SQLite 3.24+, PostgreSQL 9.5+), not SQLite's INSERT OR REPLACE
_PUT = (
    'INSERT INTO "setting" ("key", "value") VALUES (?, ?) ON CONFLICT ("key") DO UPDATE SET "value" = excluded."value"'
)


def get(key: str, default: Any = None) -> Any:
    """The stored value of ``key`` (decoded JSON), or ``default`` when there is none.
    A stored text that is not JSON raises ValueError."""
    row = database.execute_sql(_GET, (key,)).fetchone()
    return default if row is None else json.loads(row[0])


def get_many(keys: Iterable[str]) -> dict[str, Any]:
    """The stored values of those of ``keys`` that have one (one query)."""
    keys = list(keys)
    if not keys:
        return {}
    marks = ", ".join("?" * len(keys))
    rows = database.execute_sql(f'SELECT "key", "value" FROM "setting" WHERE "key" IN ({marks})', keys)
    return {k: json.loads(v) for k, v in rows.fetchall()}


def put(key: str, value: Any) -> None:
    """Store ``value`` (anything JSON can hold) under ``key``, replacing what was there."""
    database.execute_sql(_PUT, (key, json.dumps(value, ensure_ascii=False)))


def delete(*keys: str) -> int:
    """Remove ``keys``; returns how many were stored."""
    if not keys:
        return 0
    marks = ", ".join("?" * len(keys))
    return int(database.execute_sql(f'DELETE FROM "setting" WHERE "key" IN ({marks})', keys).rowcount)


def shop_name() -> str:
    return get(SHOP_NAME, "") or ""


def database_id() -> str | None:
    """The identity of the open database; a backup carries the id of the database it copied."""
    value = get(DB_ID)
    return str(value) if value else None


def is_demo() -> bool:
    return bool(get(DEMO_DATABASE, False))


# --- groups of settings in one row ----------------------------------------------------------------


def merged(defaults: Any, stored: Any) -> Any:
    """``stored`` merged into ``defaults``, dict by dict at every depth (keys only in ``stored``
    are kept; anything that is not a dict on both sides is taken from ``stored``). Returns new
    objects: neither argument is changed or shared with the result."""
    if isinstance(defaults, dict) and isinstance(stored, dict):
        out = copy.deepcopy(defaults)
        for k, v in stored.items():
            out[k] = merged(defaults[k], v) if k in defaults else copy.deepcopy(v)
        return out
    return copy.deepcopy(stored)


class Section(Generic[T]):
    """A group of settings stored as one JSON row under ``key``.

    ``defaults()`` makes a fresh default value; ``decode(defaults, stored)`` turns the stored JSON
    into a value (by default :func:`merged`: the stored dict merged over the defaults);
    ``encode(value)`` gives what is stored (by default the value itself); ``validate(value)``
    checks a value before it is saved and returns the clean value to store (raises to refuse).
    With ``damaged_reads_as_defaults`` a row that does not decode (not JSON, wrong shape) reads
    as the defaults instead of raising."""

    def __init__(
        self,
        key: str,
        defaults: Callable[[], T],
        *,
        decode: Callable[[T, Any], T] = merged,
        encode: Callable[[T], Any] = lambda value: value,
        validate: Callable[[T], T] | None = None,
        damaged_reads_as_defaults: bool = False,
    ) -> None:
        self.key = key
        self.defaults = defaults
        self._decode = decode
        self._encode = encode
        self._validate = validate
        self._damaged_reads_as_defaults = damaged_reads_as_defaults

    def __repr__(self) -> str:
        return f"Section({self.key!r})"

    def load(self) -> T:
        """The stored value merged over the defaults (the defaults when nothing is stored)."""
        try:
            row = database.execute_sql(_GET, (self.key,)).fetchone()
            if row is None:
                return self.defaults()
            return self._decode(self.defaults(), json.loads(row[0]))
        except (ValueError, KeyError, TypeError, AttributeError):
            if not self._damaged_reads_as_defaults:
                raise
            return self.defaults()

    def validate(self, value: T) -> T:
        return self._validate(value) if self._validate is not None else value

    def save(self, value: T) -> T:
        """Validate ``value`` and store it; returns the value stored (as validated)."""
        value = self.validate(value)
        put(self.key, self._encode(value))
        return value


def read_file_values(con: Any, keys: Sequence[str]) -> dict[str, Any]:
    """Settings of another database file over its own connection (a backup being judged before a
    restore): the keys found there, decoded. A value that is not JSON, or a file without the
    table, reads as absent (such a file is judged by what it lacks)."""
    values: dict[str, Any] = {}
    marks = ", ".join("?" * len(keys))
    try:
        rows = con.execute(f"SELECT key, value FROM setting WHERE key IN ({marks})", tuple(keys)).fetchall()
    except sqlite3.Error as exc:
        log.info("no settings readable in %s: %s", con, exc)
        return values
    for key, value in rows:
        try:
            values[key] = json.loads(value)
        except ValueError:
            log.warning("setting %r of another database file is not JSON; read as absent", key)
    return values
