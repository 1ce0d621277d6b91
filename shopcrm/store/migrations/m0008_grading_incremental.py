"""Schema version 8: a column, indexes and triggers for the incremental regrade (issue #5).

The daily regrade no longer aggregates every purchase of the period: it keeps each customer's
stored period spend and count and recomputes only the customers whose purchases entered or left
the period since the last run. The distributions it needs (ABC thresholds, F and M quintiles) are
then read from this index alone instead of a 1M-purchase GROUP BY.

``customer.at_risk_on`` is the day a customer becomes 破裂 (at risk) if they buy nothing before
(it follows from their purchase history and the lifecycle settings); with it indexed, the daily
regrade visits only the customers whose results can have changed instead of all of them.

Purchases are only ever inserted by the app (they go with a purged customer), but should one be
deleted or changed by any means, these triggers leave a mark in ``setting`` and the next regrade
sums every purchase again (and clears the mark).

Frozen DDL: never edit a released step; add a new numbered module instead.
"""

STATEMENTS = [
    'ALTER TABLE "customer" ADD COLUMN "at_risk_on" DATE',
    'CREATE INDEX "customer_at_risk_on" ON "customer" ("at_risk_on")',
    # 恢复 ends when the purchase that ended the silence leaves the recovery window
    'CREATE INDEX "customer_lifecycle_lifecycle_at" ON "customer" ("lifecycle", "lifecycle_at")',
    'CREATE INDEX "customer_period_purchases_spend" ON "customer" ("period_purchases", "period_spend_cents")',
    'CREATE TRIGGER "purchase_deleted_regrade_all" AFTER DELETE ON "purchase" BEGIN '
    'INSERT OR IGNORE INTO "setting" ("key", "value") VALUES (\'grading.purchases_changed\', \'true\'); END',
    'CREATE TRIGGER "purchase_changed_regrade_all" AFTER UPDATE OF "customer_id", "at", "amount_cents" '
    'ON "purchase" BEGIN '
    'INSERT OR IGNORE INTO "setting" ("key", "value") VALUES (\'grading.purchases_changed\', \'true\'); END',
]


def migrate(db):
    for sql in STATEMENTS:
        db.execute_sql(sql)
