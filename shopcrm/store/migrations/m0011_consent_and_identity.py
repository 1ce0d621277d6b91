"""Schema step 11 (issue 12, trust): marketing consent becomes yes / no / unknown, and every
database gets an identity.

- ``customer.consent_marketing`` loses its NOT NULL: NULL means "unknown" (an import without a
  consent column, PIPL: opt-in, so care lists treat it as no). Existing rows keep their value.
  Dropping a NOT NULL constraint changes no stored record, so the column definition is edited in
  place in the schema table (SQLite's documented procedure for removing NOT NULL constraints,
  https://www.sqlite.org/lang_altertable.html#otheralter) instead of copying the customer table:
  a copy would have to DROP the old table, whose implicit DELETE fires the ON DELETE CASCADE of
  every purchase, ledger entry and contact while foreign keys are on (they cannot be turned off
  inside this step's transaction).
- ``setting['db.id']``: a random id written once, when the database is created (or reaches this
  step). A backup is a copy of the file, so it carries the id of the database it came from;
  restore compares it with the open database's (shopcrm.backup) to refuse the demo's or another
  shop's backup unless the owner confirms.

Frozen DDL: never edit a released step; add a new numbered module instead.
"""

import json
import uuid

OLD = '"consent_marketing" INTEGER NOT NULL'
NEW = '"consent_marketing" INTEGER'


def migrate(db):
    sql = db.execute_sql("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'customer'").fetchone()[0]
    if OLD in sql:
        version = db.execute_sql("PRAGMA schema_version").fetchone()[0]
        db.execute_sql("PRAGMA writable_schema = ON")
        try:
            db.execute_sql(
                "UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = 'customer'", (sql.replace(OLD, NEW),)
            )
            db.execute_sql(f"PRAGMA schema_version = {int(version) + 1}")
        finally:
            db.execute_sql("PRAGMA writable_schema = OFF")
    db.execute_sql("INSERT OR IGNORE INTO setting (key, value) VALUES ('db.id', ?)", (json.dumps(uuid.uuid4().hex),))
