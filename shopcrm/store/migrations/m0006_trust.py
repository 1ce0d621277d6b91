"""Schema step 6 (issue #7, trust): the audit log, and the erasure mark on customers.

Frozen DDL: never edit a released step; add a new numbered module instead.
"""

STATEMENTS = [
    # customer_id has no foreign key on purpose: the log outlives a purged customer and must
    # never be cascaded away. Rows hold ids only, never names or mobiles (erasure stays complete).
    'CREATE TABLE "audit_log" ("id" INTEGER NOT NULL PRIMARY KEY, "at" DATETIME NOT NULL, '
    '"mode" VARCHAR(255) NOT NULL, "action" VARCHAR(255) NOT NULL, "customer_id" INTEGER, '
    '"detail" TEXT NOT NULL)',
    'CREATE INDEX "audit_log_at" ON "audit_log" ("at")',
    'CREATE INDEX "audit_log_customer_id" ON "audit_log" ("customer_id")',
    'ALTER TABLE "customer" ADD COLUMN "erased_at" DATETIME',
]


def migrate(db):
    for sql in STATEMENTS:
        db.execute_sql(sql)
