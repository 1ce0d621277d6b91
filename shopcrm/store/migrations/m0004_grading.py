"""Schema version 4: customer grading (issue #5).

Adds to ``customer`` the stored results of a regrade (ABC grade and when it was computed, the
period's spend and purchase count, RFM scores, value type, lifecycle stage and since when), a
covering index for the period aggregate, and the ``customer_history`` table in which level,
lifecycle and grade changes are recorded for the archive.

Frozen DDL: never edit a released step; add a new numbered module instead.
"""

STATEMENTS = [
    'ALTER TABLE "customer" ADD COLUMN "grade" VARCHAR(1)',
    'ALTER TABLE "customer" ADD COLUMN "grade_at" DATETIME',
    'ALTER TABLE "customer" ADD COLUMN "period_spend_cents" INTEGER NOT NULL DEFAULT 0',
    'ALTER TABLE "customer" ADD COLUMN "period_purchases" INTEGER NOT NULL DEFAULT 0',
    'ALTER TABLE "customer" ADD COLUMN "rfm_r" INTEGER',
    'ALTER TABLE "customer" ADD COLUMN "rfm_f" INTEGER',
    'ALTER TABLE "customer" ADD COLUMN "rfm_m" INTEGER',
    'ALTER TABLE "customer" ADD COLUMN "value_type" VARCHAR(16)',
    'ALTER TABLE "customer" ADD COLUMN "lifecycle" VARCHAR(16)',
    'ALTER TABLE "customer" ADD COLUMN "lifecycle_at" DATETIME',
    # the grade filter of the customer list and "B/C customers closest to the next grade"
    'CREATE INDEX "customer_grade_period_spend" ON "customer" ("grade", "period_spend_cents")',
    # counts by value type for the 分析 tab without reading the customer rows
    'CREATE INDEX "customer_value_type" ON "customer" ("value_type")',
    # customers lost (or not graded yet) who bought again: the regrade's only per-customer look-ups
    'CREATE INDEX "customer_lifecycle_last_purchase_at" ON "customer" ("lifecycle", "last_purchase_at")',
    # the period aggregate (spend, count per customer within a date range) reads only this index
    'CREATE INDEX "purchase_customer_id_at_amount" ON "purchase" ("customer_id", "at", "amount_cents")',
    'CREATE TABLE "customer_history" ("id" INTEGER NOT NULL PRIMARY KEY, "customer_id" INTEGER NOT NULL, '
    '"at" DATETIME NOT NULL, "kind" VARCHAR(16) NOT NULL, "old_value" VARCHAR(255) NOT NULL, '
    '"new_value" VARCHAR(255) NOT NULL, "reason" TEXT NOT NULL, '
    'FOREIGN KEY ("customer_id") REFERENCES "customer" ("id") ON DELETE CASCADE)',
    'CREATE INDEX "customer_history_customer_id_at" ON "customer_history" ("customer_id", "at")',
]


def migrate(db):
    for sql in STATEMENTS:
        db.execute_sql(sql)
