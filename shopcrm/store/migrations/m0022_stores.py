"""Schema version 22 (issue #18): stores (门店).

- ``store``: the stores of a chain (code, name, address, phone, active), seeded with the default
  store (id 1, 本店). Stores are never deleted, only made inactive.
- ``store_id`` on what a counter writes: ``purchase``, ``topup``, ``refund``, ``ledger_entry``,
  ``day_close``, ``contact``, ``complaint``, ``care_action``, and the count-card uses and gifts taken for points
  (``package_use``, ``gift_redemption``); ``customer.home_store_id`` (customers
  are chain-wide; this is where they joined). NOT NULL with the default store as default, so every
  existing row belongs to the default store without a rewrite of the table (SQLite stores the
  default in the schema; PostgreSQL 11+ too). Operators are names on those rows (there is no
  operator table): an operator's store is the store of the rows they wrote.
- SQLite: the columns carry no REFERENCES clause (SQLite refuses to add a column with a foreign key
  and a non-NULL default while foreign keys are enforced, and rebuilding the purchase table of a
  large shop is not worth it: store rows are never deleted, and the counter's store is always an
  existing one, see shopcrm.store.stores). PostgreSQL declares the foreign keys.
- ``day_close`` is unique per (day, operator, store): each store closes its own day.

Frozen DDL: never edit a released step; add a new numbered module instead.
"""

from shopcrm.core import clock

TABLES = (
    "purchase",
    "topup",
    "refund",
    "ledger_entry",
    "day_close",
    "contact",
    "complaint",
    "care_action",
    "package_use",
    "gift_redemption",
)

STATEMENTS = [
    'CREATE TABLE "store" ("id" INTEGER NOT NULL PRIMARY KEY, "code" VARCHAR(255) NOT NULL UNIQUE, '
    '"name" VARCHAR(255) NOT NULL UNIQUE, "address" TEXT NOT NULL DEFAULT \'\', '
    '"phone" VARCHAR(255) NOT NULL DEFAULT \'\', "active" INTEGER NOT NULL DEFAULT 1, '
    '"created_at" DATETIME NOT NULL)',
    *[f'ALTER TABLE "{table}" ADD COLUMN "store_id" INTEGER NOT NULL DEFAULT 1' for table in TABLES],
    'ALTER TABLE "customer" ADD COLUMN "home_store_id" INTEGER NOT NULL DEFAULT 1',
    'DROP INDEX "day_close_day_operator"',
    'CREATE UNIQUE INDEX "day_close_day_operator_store_id" ON "day_close" ("day", "operator", "store_id")',
]

POSTGRES_STATEMENTS = [
    'CREATE TABLE "store" ("id" SERIAL PRIMARY KEY, "code" VARCHAR(255) COLLATE "C" NOT NULL UNIQUE, '
    '"name" VARCHAR(255) COLLATE "C" NOT NULL UNIQUE, "address" TEXT COLLATE "C" NOT NULL DEFAULT \'\', '
    '"phone" VARCHAR(255) COLLATE "C" NOT NULL DEFAULT \'\', "active" BOOLEAN NOT NULL DEFAULT TRUE, '
    '"created_at" TIMESTAMP NOT NULL)',
    *[
        f'ALTER TABLE "{table}" ADD COLUMN "store_id" BIGINT NOT NULL DEFAULT 1 '
        'REFERENCES "store" ("id") ON DELETE RESTRICT'
        for table in TABLES
    ],
    'ALTER TABLE "customer" ADD COLUMN "home_store_id" BIGINT NOT NULL DEFAULT 1 '
    'REFERENCES "store" ("id") ON DELETE RESTRICT',
    'DROP INDEX "day_close_day_operator"',
    'CREATE UNIQUE INDEX "day_close_day_operator_store_id" ON "day_close" ("day", "operator", "store_id")',
]

_SEED = 'INSERT INTO "store" ("id", "code", "name", "address", "phone", "active", "created_at") VALUES '


def _created_at() -> str:
    return clock.now().strftime("%Y-%m-%d %H:%M:%S")


def migrate(db):
    # the store comes first: PostgreSQL checks the new columns' default against it
    db.execute_sql(STATEMENTS[0])
    db.execute_sql(_SEED + "(1, 'main', '本店', '', '', 1, ?)", (_created_at(),))
    for sql in STATEMENTS[1:]:
        db.execute_sql(sql)


def migrate_postgres(db):
    db.execute_sql(POSTGRES_STATEMENTS[0])
    db.execute_sql(_SEED + "(1, 'main', '本店', '', '', TRUE, %s)", (_created_at(),))
    db.execute_sql("SELECT setval(pg_get_serial_sequence('\"store\"', 'id'), 1)")
    for sql in POSTGRES_STATEMENTS[1:]:
        db.execute_sql(sql)
