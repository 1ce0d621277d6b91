"""Schema version 5: today's care list (issue #6).

- ``anniversary``: dates recorded on a customer (wedding, a child's birthday, the day they
  joined…), solar or lunar; ``mmdd`` (month*100+day) is indexed like ``customer.birth_mmdd``.
- ``care_action``: what the clerk did with an item of the list (done / snooze / skip), keyed by
  the item's stable key; ``payload`` (JSON) keeps what is needed to show a snoozed item again.
- an index on ``customer.last_contact_at`` for the visit plan ("last contact older than…");
- ``purchase(at, customer_id)``: return visits read the purchases of a few days from the index
  alone (11k purchases of 8 days: 28 ms -> 5 ms on the 1M-purchase demo);
- an expression index on the month-day of ``customer.joined_on`` for membership anniversaries
  (a 25 ms scan of 100k customers -> 8 ms);
- ``customer(grade, COALESCE(last_contact_at, joined_on, created_at))``: the visit plan reads
  the longest-uncontacted customers of each grade in order and stops at the daily limit
  (a 30 ms scan and sort -> 0.05 ms). ``grade`` comes from step 0004.

Settings live in the existing ``setting`` table under the key ``care`` (JSON).

Frozen DDL: never edit a released step; add a new numbered module instead.
"""

STATEMENTS = [
    'CREATE TABLE "anniversary" ("id" INTEGER NOT NULL PRIMARY KEY, "customer_id" INTEGER NOT NULL, '
    '"kind" VARCHAR(255) NOT NULL, "label" VARCHAR(255) NOT NULL, "month" INTEGER NOT NULL, '
    '"day" INTEGER NOT NULL, "lunar" INTEGER NOT NULL, "leap" INTEGER NOT NULL, "year" INTEGER, '
    '"mmdd" INTEGER NOT NULL, "note" TEXT NOT NULL, "created_at" DATETIME NOT NULL, '
    'FOREIGN KEY ("customer_id") REFERENCES "customer" ("id") ON DELETE CASCADE)',
    'CREATE INDEX "anniversary_customer_id" ON "anniversary" ("customer_id")',
    'CREATE INDEX "anniversary_mmdd" ON "anniversary" ("mmdd")',
    'CREATE TABLE "care_action" ("id" INTEGER NOT NULL PRIMARY KEY, "customer_id" INTEGER NOT NULL, '
    '"item_key" VARCHAR(255) NOT NULL, "kind" VARCHAR(255) NOT NULL, "due" DATE NOT NULL, '
    '"action" VARCHAR(255) NOT NULL, "until" DATE, "reason" TEXT NOT NULL, "payload" TEXT NOT NULL, '
    '"contact_id" INTEGER, "at" DATETIME NOT NULL, '
    'FOREIGN KEY ("customer_id") REFERENCES "customer" ("id") ON DELETE CASCADE, '
    'FOREIGN KEY ("contact_id") REFERENCES "contact" ("id") ON DELETE SET NULL)',
    'CREATE INDEX "care_action_at" ON "care_action" ("at")',
    'CREATE INDEX "care_action_customer_id_item_key" ON "care_action" ("customer_id", "item_key")',
    'CREATE INDEX "care_action_contact_id" ON "care_action" ("contact_id")',
    'CREATE INDEX "customer_last_contact_at" ON "customer" ("last_contact_at")',
    'CREATE INDEX "purchase_at_customer_id" ON "purchase" ("at", "customer_id")',
    'CREATE INDEX "customer_joined_mmdd" ON "customer" (substr("joined_on", 6, 5))',
    'CREATE INDEX "customer_grade_since" ON "customer" '
    '("grade", COALESCE("last_contact_at", "joined_on", "created_at"))',
]


def migrate(db):
    for sql in STATEMENTS:
        db.execute_sql(sql)
