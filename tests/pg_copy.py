"""Copy an SQLite ShopCRM database into a PostgreSQL database that holds the same (current) schema,
for tests and benchmarks that compare the engines on the same data (the demo generator writes
SQLite). Not the program's ``move-db``: no checks, no progress, superuser only (it turns the
foreign keys and triggers off for the copy with ``session_replication_role``)."""

from __future__ import annotations

import io
import sqlite3
from pathlib import Path

import psycopg2


def _csv_value(v) -> str:
    if v is None:
        return ""  # unquoted: NULL
    if isinstance(v, bytes):
        return '"\\x' + v.hex() + '"'
    if isinstance(v, (int, float)):
        return repr(v)
    return '"' + str(v).replace('"', '""') + '"'


def copy_sqlite_to_pg(sqlite_path: Path, pg_url: str) -> dict[str, int]:
    """Every row of every table the two databases share replaces the PostgreSQL table's rows;
    serial ids continue after the copied ones. Returns the rows copied per table."""
    src = sqlite3.connect(Path(sqlite_path).resolve().as_uri() + "?mode=ro", uri=True)
    dst = psycopg2.connect(pg_url)
    copied: dict[str, int] = {}
    try:
        cur = dst.cursor()
        cur.execute("SET session_replication_role = replica")
        cur.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename")
        pg_tables = [r[0] for r in cur.fetchall()]
        lite_tables = {r[0] for r in src.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        shared = [t for t in pg_tables if t in lite_tables]
        cur.execute("TRUNCATE " + ", ".join(f'"{t}"' for t in shared))
        for table in shared:
            cur.execute(
                "SELECT column_name, data_type FROM information_schema.columns "
                "WHERE table_schema = current_schema() AND table_name = %s",
                (table,),
            )
            pg_cols = dict(cur.fetchall())
            lite_cols = [r[1] for r in src.execute(f'PRAGMA table_info("{table}")')]
            cols = [c for c in lite_cols if c in pg_cols]
            booleans = [pg_cols[c] == "boolean" for c in cols]
            names = ", ".join(f'"{c}"' for c in cols)
            n = 0
            rows = src.execute(f'SELECT {names} FROM "{table}"')
            while batch := rows.fetchmany(50_000):
                buf = io.StringIO()
                for row in batch:
                    values = [
                        ("t" if v else "f") if b and v is not None else v for v, b in zip(row, booleans, strict=True)
                    ]
                    buf.write(",".join(map(_csv_value, values)) + "\n")
                buf.seek(0)
                cur.copy_expert(f'COPY "{table}" ({names}) FROM STDIN WITH (FORMAT csv)', buf)
                n += len(batch)
            copied[table] = n
            if "id" in cols:
                cur.execute(
                    f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                    f'COALESCE((SELECT max(id) FROM "{table}"), 0) + 1, false)'
                )
        cur.execute("SET session_replication_role = DEFAULT")
        dst.commit()
        dst.autocommit = True
        dst.cursor().execute("ANALYZE")
    finally:
        dst.close()
        src.close()
    return copied
