"""The current ShopCRM schema on PostgreSQL, built at once in an empty database (see the module
documentation of :mod:`shopcrm.store.engine` for why and how later steps carry their own DDL).

Tables come from the peewee models; from the SQLite schema that the migration steps build (in
memory) come the rest: defaults, CHECK and UNIQUE constraints, indexes, triggers and seeded rows.
Text columns use the "C" collation, as SQLite compares text (byte order): the prefix ranges of the
search (``key >= ? AND key < ?``) and every ORDER BY then mean the same on both engines. Integer
columns are BIGINT: money in cents goes up to 10**13 (shopcrm.core.normalize.MAX_CENTS)."""

from __future__ import annotations

import logging
import re
import sqlite3
from typing import Any

from peewee import AutoField, BooleanField, Database, Model, SqliteDatabase, sort_models  # type: ignore[attr-defined]

log = logging.getLogger(__name__)

# SQLite triggers of the migration steps, in PostgreSQL's spelling (a new SQLite trigger without
# an entry here fails create() and the schema test)
_REGRADE_FUNCTION = (
    "CREATE OR REPLACE FUNCTION shopcrm_purchases_changed() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN INSERT INTO setting (key, value) VALUES ('grading.purchases_changed', 'true') "
    "ON CONFLICT DO NOTHING; RETURN NULL; END $$"
)
TRIGGERS = {
    "purchase_deleted_regrade_all": (
        _REGRADE_FUNCTION,
        'CREATE TRIGGER "purchase_deleted_regrade_all" AFTER DELETE ON "purchase" '
        "FOR EACH ROW EXECUTE FUNCTION shopcrm_purchases_changed()",
    ),
    "purchase_changed_regrade_all": (
        _REGRADE_FUNCTION,
        'CREATE TRIGGER "purchase_changed_regrade_all" AFTER UPDATE OF "customer_id", "at", "amount_cents" '
        'ON "purchase" FOR EACH ROW EXECUTE FUNCTION shopcrm_purchases_changed()',
    ),
}

# SQLite indexes on expressions that PostgreSQL cannot index as written (``joined_on`` is a DATE
# there, and date formatting is not immutable): left out, with the reason. A query that relied
# on one is slower on PostgreSQL until a step gives it a PostgreSQL form.
SKIPPED_INDEXES = {
    "customer_joined_mmdd": "substr() of a DATE column (an anniversary's month-day): its PostgreSQL form is in _postgres_indexes",
}


def month_day(expr: str) -> str:
    """'MM-DD' of a date or timestamp column in PostgreSQL's spelling with immutable functions
    only (to_char is not): an index can hold it (customer_joined_mmdd below), and a query uses
    that index when it spells the expression exactly so (shopcrm.store.sqlfn.month_day_of)."""
    part = "lpad(CAST(EXTRACT({} FROM {}) AS TEXT), 2, '0')"
    return f"({part.format('MONTH', expr)} || '-' || {part.format('DAY', expr)})"


# 今日待办's join anniversaries: the month-day of joined_on (SQLite: substr(joined_on, 6, 5), which
# ends in the rowid), and the id: a screenful in (month-day, id) order off the index (step 24)
JOINED_MMDD_INDEX = f'CREATE INDEX "customer_joined_mmdd" ON "customer" (({month_day("joined_on")}), "id")'


def _postgres_indexes() -> dict[str, str]:
    """PostgreSQL's own forms of skipped indexes, and indexes only PostgreSQL's plans need: name
    -> CREATE INDEX."""
    return {
        "customer_joined_mmdd": JOINED_MMDD_INDEX,
        # 今日待办's return visits join each customer's latest purchase (customer_id, at) and read
        # its id: PostgreSQL estimates that join at one row and, unless the purchase index holds
        # the id, hashes every purchase instead (10k customers: build_today 109 -> 44 ms)
        "purchase_customer_id_at_id": (
            'CREATE INDEX "purchase_customer_id_at_id" ON "purchase" ("customer_id", "at") INCLUDE ("id")'
        ),
    }


# foreign keys that the models declare but a migration step removed from SQLite, with the reason:
# PostgreSQL's tables (made from the models) leave them out too, so that both engines accept the
# same writes in the same order
DROPPED_FOREIGN_KEYS = {
    ("search_key", "customer_id"): "step 0010: search keys are derived rows, written ~9 per customer by an "
    "import and deleted with their customer by shopcrm.customers (a purge deletes the customer in the "
    "same transaction)",
}


def sqlite_schema(steps: list[tuple[int, Any]]) -> sqlite3.Connection:
    """The current schema as the migration steps build it, in an in-memory SQLite database (the
    reference that the PostgreSQL schema is built from and compared with)."""
    mem = SqliteDatabase(":memory:")
    mem.connect()
    for _number, module in steps:
        module.migrate(mem)
    return mem.connection()


def _sqlite_tables(ref: sqlite3.Connection) -> list[tuple[str, str]]:
    return ref.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY rowid"
    ).fetchall()


def _checks(table_sql: str) -> list[str]:
    """The CHECK (...) expressions in a CREATE TABLE statement (balanced parentheses)."""
    found = []
    for match in re.finditer(r"\bCHECK\s*\(", table_sql, re.IGNORECASE):
        depth, start = 1, match.end()
        i = start
        while depth and i < len(table_sql):
            depth += {"(": 1, ")": -1}.get(table_sql[i], 0)
            i += 1
        found.append(table_sql[start : i - 1])
    return found


def _pg_columns(db: Database, table: str) -> dict[str, tuple[str, int | None, str | None]]:
    rows = db.execute_sql(
        "SELECT column_name, data_type, character_maximum_length, column_default FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND table_name = %s",
        (table,),
    ).fetchall()
    return {r[0]: (r[1], r[2], r[3]) for r in rows}


def create(db: Database, steps: list[tuple[int, Any]], models: list[type[Model]]) -> None:
    """Create every table, constraint, index and trigger, and the seeded rows, inside the caller's
    transaction (an error leaves the database empty)."""
    if not models:  # shopcrm.store.models fills db.schema_models when imported (it imports db)
        raise RuntimeError("import shopcrm.store.models before creating a PostgreSQL database")
    models = sort_models(models)
    ref = sqlite_schema(steps)
    by_table = {mdl._meta.table_name: mdl for mdl in models}
    tables = _sqlite_tables(ref)
    missing = [name for name, _ in tables if name not in by_table]
    if missing:
        raise RuntimeError(f"tables without a peewee model: {missing}")
    for mdl in models:
        meta = mdl._meta
        rowid, meta.without_rowid = meta.without_rowid, False  # an SQLite storage option only
        try:
            db.execute(mdl._schema._create_table(safe=False))  # type: ignore[attr-defined]  # without its indexes
        finally:
            meta.without_rowid = rowid
    for (table, column), _why in DROPPED_FOREIGN_KEYS.items():
        for (constraint,) in db.execute_sql(
            "SELECT c.conname FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid "
            "AND a.attnum = ANY(c.conkey) WHERE c.contype = 'f' AND c.conrelid = CAST(%s AS regclass) "
            "AND a.attname = %s",
            (f'"{table}"', column),
        ).fetchall():
            db.execute_sql(f'ALTER TABLE "{table}" DROP CONSTRAINT "{constraint}"')
    for name, table_sql in tables:
        model = by_table[name]
        pk = {f.column_name for f in model._meta.get_primary_keys()} if model._meta.primary_key else set()
        pg = _pg_columns(db, name)
        for _cid, col, _type, _notnull, default, _pk in ref.execute(f'PRAGMA table_info("{name}")'):
            data_type, length, pg_default = pg[col]
            if data_type in ("character varying", "text"):
                kind = f"VARCHAR({length})" if length else "TEXT"
                db.execute_sql(f'ALTER TABLE "{name}" ALTER COLUMN "{col}" TYPE {kind} COLLATE "C"')
            elif data_type == "integer" and not (col in pk and pg_default and "nextval" in pg_default):
                db.execute_sql(f'ALTER TABLE "{name}" ALTER COLUMN "{col}" TYPE BIGINT')
            if default is not None and pg_default is None:
                if data_type == "boolean":
                    default = {"0": "FALSE", "1": "TRUE"}.get(default, default)
                db.execute_sql(f'ALTER TABLE "{name}" ALTER COLUMN "{col}" SET DEFAULT {default}')
        for expr in _checks(table_sql):
            db.execute_sql(f'ALTER TABLE "{name}" ADD CHECK ({expr})')
        for _seq, index, _unique, origin, _partial in ref.execute(f'PRAGMA index_list("{name}")'):
            if origin == "u":  # an inline UNIQUE constraint (no SQL of its own)
                cols = ", ".join(f'"{r[2]}"' for r in ref.execute(f'PRAGMA index_info("{index}")'))
                db.execute_sql(f'ALTER TABLE "{name}" ADD UNIQUE ({cols})')
    for index, sql in ref.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY rowid"
    ):
        if index in SKIPPED_INDEXES:
            continue
        db.execute_sql(with_row_id(sql, by_table))
    for sql in _postgres_indexes().values():
        db.execute_sql(sql)
    for trigger, _sql in ref.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY rowid"):
        if trigger not in TRIGGERS:
            raise RuntimeError(f"SQLite trigger {trigger!r} has no PostgreSQL form in shopcrm.store.pg_schema.TRIGGERS")
        for statement in TRIGGERS[trigger]:
            db.execute_sql(statement)
    _copy_seeded_rows(db, ref, by_table, [name for name, _ in tables])
    ref.close()


def with_row_id(sql: str, by_table: dict[str, type[Model]]) -> str:
    """An SQLite CREATE INDEX in PostgreSQL's form. Every SQLite index of a table with an integer
    primary key ends in that key (the rowid): a search reads the ids from the index alone, and a
    keyset walk ``ORDER BY key, id`` is one index range. PostgreSQL indexes hold no id, so the id
    is spelt out: the last column of an index (``INCLUDE`` for a UNIQUE one, whose uniqueness is
    the indexed columns')."""
    match = re.match(
        r'\s*CREATE\s+(UNIQUE\s+)?INDEX\s+(?:IF\s+NOT\s+EXISTS\s+)?"?\w+"?\s+ON\s+"?(\w+)"?\s*\(', sql, re.I
    )
    if match is None:
        return sql
    model = by_table.get(match.group(2))
    pk = model._meta.primary_key if model is not None else None
    if pk is None or getattr(pk, "column_name", None) != "id" or not isinstance(pk, AutoField):
        return sql
    depth, i = 1, match.end()
    while depth and i < len(sql):
        depth += {"(": 1, ")": -1}.get(sql[i], 0)
        i += 1
    columns = sql[match.end() : i - 1]
    if re.search(r'(^|,)\s*"?id"?\s*(ASC|DESC)?\s*(,|$)', columns, re.I):
        return sql
    if match.group(1):
        return f'{sql[:i]} INCLUDE ("id"){sql[i:]}'
    return f'{sql[: i - 1]}, "id"){sql[i:]}'


def _copy_seeded_rows(
    db: Database, ref: sqlite3.Connection, by_table: dict[str, type[Model]], tables: list[str]
) -> None:
    for name in tables:
        cur = ref.execute(f'SELECT * FROM "{name}"')
        cols = [d[0] for d in cur.description]
        rows = cur.fetchall()
        if not rows:
            continue
        fields = by_table[name]._meta.columns
        booleans = [isinstance(fields.get(c), BooleanField) for c in cols]
        marks = ", ".join(["%s"] * len(cols))
        names = ", ".join(f'"{c}"' for c in cols)
        for row in rows:
            values = [bool(v) if b and v is not None else v for v, b in zip(row, booleans, strict=True)]
            db.execute_sql(f'INSERT INTO "{name}" ({names}) VALUES ({marks})', values)
        if "id" in cols:
            db.execute_sql(
                f"SELECT setval(pg_get_serial_sequence('\"{name}\"', 'id'), (SELECT max(id) FROM \"{name}\"))"
            )
