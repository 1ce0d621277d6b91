"""Schema version 19 (issue #13): the lines of a purchase, so a refund can take back one line.

- ``purchase_line``: what a purchase was made of, one row per line in the order typed
  (``position`` from 1): name, quantity, unit price and amount in cents, and how much of the
  line (quantity and cents) was refunded so far. A purchase recorded without lines has none
  and keeps being refunded by amount.

Frozen DDL: never edit a released step; add a new numbered module instead.
"""

STATEMENTS = [
    'CREATE TABLE "purchase_line" ("id" INTEGER NOT NULL PRIMARY KEY, "purchase_id" INTEGER NOT NULL, '
    '"position" INTEGER NOT NULL, "name" VARCHAR(255) NOT NULL, "qty" INTEGER NOT NULL, '
    '"unit_cents" INTEGER NOT NULL, "amount_cents" INTEGER NOT NULL, '
    '"refunded_qty" INTEGER NOT NULL DEFAULT 0, "refunded_cents" INTEGER NOT NULL DEFAULT 0, '
    'FOREIGN KEY ("purchase_id") REFERENCES "purchase" ("id") ON DELETE CASCADE)',
    'CREATE UNIQUE INDEX "purchase_line_purchase_id_position" ON "purchase_line" ("purchase_id", "position")',
]


def migrate(db):
    for sql in STATEMENTS:
        db.execute_sql(sql)
