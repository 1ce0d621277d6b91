"""Schema version 13: the money at the counter (issue #13).

- ``topup``: a paid top-up: its payment method, the principal paid and the bonus given by a rule
  (two ledger entries point at it), who took it, and how much of the principal was refunded.
- ``purchase_payment``: how a purchase was paid, one row per method (``card`` is the stored-value
  card); ``purchase`` gains its operator and the amount refunded so far.
- ``refund`` and ``refund_payment``: money given back for a purchase (whole or part) or for a
  top-up's unspent principal, one row per method it went back to.
- ``day_close``: a closed day (or one operator's shift of it) with its totals; nothing dated in a
  closed day can be written afterwards.
- ``ledger_entry.topup_id``: the top-up a ``topup``/``bonus`` entry belongs to.

Frozen DDL: never edit a released step; add a new numbered module instead.
"""

STATEMENTS = [
    'CREATE TABLE "topup" ("id" INTEGER NOT NULL PRIMARY KEY, "customer_id" INTEGER NOT NULL, '
    '"at" DATETIME NOT NULL, "method" VARCHAR(255) NOT NULL, "principal_cents" INTEGER NOT NULL, '
    '"bonus_cents" INTEGER NOT NULL DEFAULT 0, "rule" TEXT NOT NULL DEFAULT \'\', '
    '"operator" VARCHAR(255) NOT NULL DEFAULT \'\', "refunded_cents" INTEGER NOT NULL DEFAULT 0, '
    'FOREIGN KEY ("customer_id") REFERENCES "customer" ("id") ON DELETE CASCADE)',
    'CREATE INDEX "topup_customer_id" ON "topup" ("customer_id")',
    'CREATE INDEX "topup_at" ON "topup" ("at")',
    'ALTER TABLE "purchase" ADD COLUMN "operator" VARCHAR(255) NOT NULL DEFAULT \'\'',
    'ALTER TABLE "purchase" ADD COLUMN "refunded_cents" INTEGER NOT NULL DEFAULT 0',
    'CREATE TABLE "purchase_payment" ("id" INTEGER NOT NULL PRIMARY KEY, "purchase_id" INTEGER NOT NULL, '
    '"method" VARCHAR(255) NOT NULL, "amount_cents" INTEGER NOT NULL, '
    'FOREIGN KEY ("purchase_id") REFERENCES "purchase" ("id") ON DELETE CASCADE)',
    'CREATE INDEX "purchase_payment_purchase_id" ON "purchase_payment" ("purchase_id")',
    'CREATE TABLE "refund" ("id" INTEGER NOT NULL PRIMARY KEY, "customer_id" INTEGER NOT NULL, '
    '"at" DATETIME NOT NULL, "purchase_id" INTEGER, "topup_id" INTEGER, "amount_cents" INTEGER NOT NULL, '
    '"points_reversed" INTEGER NOT NULL DEFAULT 0, "operator" VARCHAR(255) NOT NULL DEFAULT \'\', '
    "\"note\" TEXT NOT NULL DEFAULT '', "
    'FOREIGN KEY ("customer_id") REFERENCES "customer" ("id") ON DELETE CASCADE, '
    'FOREIGN KEY ("purchase_id") REFERENCES "purchase" ("id") ON DELETE SET NULL, '
    'FOREIGN KEY ("topup_id") REFERENCES "topup" ("id") ON DELETE SET NULL)',
    'CREATE INDEX "refund_at" ON "refund" ("at")',
    'CREATE INDEX "refund_purchase_id" ON "refund" ("purchase_id")',
    'CREATE TABLE "refund_payment" ("id" INTEGER NOT NULL PRIMARY KEY, "refund_id" INTEGER NOT NULL, '
    '"method" VARCHAR(255) NOT NULL, "amount_cents" INTEGER NOT NULL, '
    'FOREIGN KEY ("refund_id") REFERENCES "refund" ("id") ON DELETE CASCADE)',
    'CREATE INDEX "refund_payment_refund_id" ON "refund_payment" ("refund_id")',
    'CREATE TABLE "day_close" ("id" INTEGER NOT NULL PRIMARY KEY, "day" DATE NOT NULL, '
    '"operator" VARCHAR(255) NOT NULL DEFAULT \'\', "closed_at" DATETIME NOT NULL, "totals" TEXT NOT NULL)',
    'CREATE UNIQUE INDEX "day_close_day_operator" ON "day_close" ("day", "operator")',
    'ALTER TABLE "ledger_entry" ADD COLUMN "topup_id" INTEGER REFERENCES "topup" ("id") ON DELETE SET NULL',
    # a purchase's existing single payment becomes its one payment row (stored_value is the card)
    'INSERT INTO "purchase_payment" ("purchase_id", "method", "amount_cents") '
    "SELECT id, CASE payment WHEN 'stored_value' THEN 'card' ELSE payment END, amount_cents FROM purchase",
]


def migrate(db):
    for sql in STATEMENTS:
        db.execute_sql(sql)
