"""Schema version 20: loyalty that members can spend (issue #14, shopcrm.loyalty).

- ``purchase`` gains its sale type (goods / service / package / …) and how its price came down:
  the list price, the member discount, the coupon's amount off, the points spent and what they
  took off (``amount_cents`` stays what the customer paid, so every total and the grading read
  the same as before).
- ``points_gift`` and ``gift_redemption``: the points gift catalogue (stock never below zero;
  distinct from m0018's ``gift_given``, a campaign's gift handed out) and each
  gift taken for points.
- ``coupon_type`` and ``coupon``: coupon kinds the owner defines (amount off with a threshold,
  percent off with an optional cap, a gift), and issued coupons with their own copy of the terms,
  a short unique code, their state and the purchase they were used on.
- ``package`` and ``package_use``: count cards (计次卡) sold through a purchase, and the use
  ledger (uses consumed, unused uses refunded); ``remaining`` equals uses plus the ledger's sum.

Frozen DDL: never edit a released step; add a new numbered module instead.
"""

STATEMENTS = [
    'ALTER TABLE "purchase" ADD COLUMN "sale_type" VARCHAR(255) NOT NULL DEFAULT \'goods\'',
    'ALTER TABLE "purchase" ADD COLUMN "list_cents" INTEGER',
    'ALTER TABLE "purchase" ADD COLUMN "member_percent" INTEGER NOT NULL DEFAULT 100',
    'ALTER TABLE "purchase" ADD COLUMN "member_off_cents" INTEGER NOT NULL DEFAULT 0',
    'ALTER TABLE "purchase" ADD COLUMN "coupon_off_cents" INTEGER NOT NULL DEFAULT 0',
    'ALTER TABLE "purchase" ADD COLUMN "points_off_cents" INTEGER NOT NULL DEFAULT 0',
    'ALTER TABLE "purchase" ADD COLUMN "points_used" INTEGER NOT NULL DEFAULT 0',
    'CREATE TABLE "points_gift" ("id" INTEGER NOT NULL PRIMARY KEY, "name" VARCHAR(255) NOT NULL, '
    '"points" INTEGER NOT NULL, "stock" INTEGER NOT NULL DEFAULT 0 CHECK ("stock" >= 0), '
    '"active" INTEGER NOT NULL DEFAULT 1, "created_at" DATETIME NOT NULL)',
    'CREATE TABLE "gift_redemption" ("id" INTEGER NOT NULL PRIMARY KEY, "customer_id" INTEGER NOT NULL, '
    '"gift_id" INTEGER NOT NULL, "at" DATETIME NOT NULL, "points" INTEGER NOT NULL, '
    "\"operator\" VARCHAR(255) NOT NULL DEFAULT '', "
    'FOREIGN KEY ("customer_id") REFERENCES "customer" ("id") ON DELETE CASCADE, '
    'FOREIGN KEY ("gift_id") REFERENCES "points_gift" ("id"))',
    'CREATE INDEX "gift_redemption_customer_id" ON "gift_redemption" ("customer_id")',
    'CREATE INDEX "gift_redemption_at" ON "gift_redemption" ("at")',
    'CREATE TABLE "coupon_type" ("id" INTEGER NOT NULL PRIMARY KEY, "name" VARCHAR(255) NOT NULL UNIQUE, '
    '"kind" VARCHAR(255) NOT NULL, "amount_off_cents" INTEGER NOT NULL DEFAULT 0, '
    '"percent_off" INTEGER NOT NULL DEFAULT 0, "threshold_cents" INTEGER NOT NULL DEFAULT 0, '
    '"cap_cents" INTEGER, "gift" TEXT NOT NULL DEFAULT \'\', "days" INTEGER, "end_on" DATE, '
    '"per_customer" INTEGER, "active" INTEGER NOT NULL DEFAULT 1)',
    'CREATE TABLE "coupon" ("id" INTEGER NOT NULL PRIMARY KEY, "code" VARCHAR(255) NOT NULL UNIQUE, '
    '"type_id" INTEGER, "customer_id" INTEGER NOT NULL, "kind" VARCHAR(255) NOT NULL, '
    '"amount_off_cents" INTEGER NOT NULL DEFAULT 0, "percent_off" INTEGER NOT NULL DEFAULT 0, '
    '"threshold_cents" INTEGER NOT NULL DEFAULT 0, "cap_cents" INTEGER, "gift" TEXT NOT NULL DEFAULT \'\', '
    '"issued_at" DATETIME NOT NULL, "valid_until" DATE NOT NULL, "source" VARCHAR(255) NOT NULL DEFAULT \'\', '
    '"status" VARCHAR(255) NOT NULL DEFAULT \'issued\', "used_at" DATETIME, "purchase_id" INTEGER, '
    '"off_cents" INTEGER NOT NULL DEFAULT 0, "voided_at" DATETIME, '
    "\"operator\" VARCHAR(255) NOT NULL DEFAULT '', "
    'FOREIGN KEY ("type_id") REFERENCES "coupon_type" ("id") ON DELETE SET NULL, '
    'FOREIGN KEY ("customer_id") REFERENCES "customer" ("id") ON DELETE CASCADE, '
    'FOREIGN KEY ("purchase_id") REFERENCES "purchase" ("id") ON DELETE SET NULL)',
    'CREATE INDEX "coupon_customer_id_status" ON "coupon" ("customer_id", "status")',
    'CREATE INDEX "coupon_issued_at" ON "coupon" ("issued_at")',
    'CREATE INDEX "coupon_used_at" ON "coupon" ("used_at")',
    'CREATE INDEX "coupon_purchase_id" ON "coupon" ("purchase_id")',
    'CREATE TABLE "package" ("id" INTEGER NOT NULL PRIMARY KEY, "customer_id" INTEGER NOT NULL, '
    '"product" VARCHAR(255) NOT NULL, "uses" INTEGER NOT NULL, "remaining" INTEGER NOT NULL '
    'CHECK ("remaining" >= 0), "price_cents" INTEGER NOT NULL, "purchase_id" INTEGER, '
    '"sold_at" DATETIME NOT NULL, "expires_on" DATE, "operator" VARCHAR(255) NOT NULL DEFAULT \'\', '
    'FOREIGN KEY ("customer_id") REFERENCES "customer" ("id") ON DELETE CASCADE, '
    'FOREIGN KEY ("purchase_id") REFERENCES "purchase" ("id") ON DELETE SET NULL)',
    'CREATE INDEX "package_customer_id" ON "package" ("customer_id")',
    'CREATE INDEX "package_expires_on" ON "package" ("expires_on")',
    'CREATE TABLE "package_use" ("id" INTEGER NOT NULL PRIMARY KEY, "package_id" INTEGER NOT NULL, '
    '"customer_id" INTEGER NOT NULL, "at" DATETIME NOT NULL, "kind" VARCHAR(255) NOT NULL, '
    '"delta" INTEGER NOT NULL, "remaining_after" INTEGER NOT NULL, "refund_id" INTEGER, '
    "\"operator\" VARCHAR(255) NOT NULL DEFAULT '', \"note\" TEXT NOT NULL DEFAULT '', "
    'FOREIGN KEY ("package_id") REFERENCES "package" ("id") ON DELETE CASCADE, '
    'FOREIGN KEY ("customer_id") REFERENCES "customer" ("id") ON DELETE CASCADE, '
    'FOREIGN KEY ("refund_id") REFERENCES "refund" ("id") ON DELETE SET NULL)',
    'CREATE INDEX "package_use_package_id" ON "package_use" ("package_id")',
    'CREATE INDEX "package_use_customer_id" ON "package_use" ("customer_id")',
    'CREATE INDEX "package_use_at" ON "package_use" ("at")',
]


def migrate(db):
    for sql in STATEMENTS:
        db.execute_sql(sql)
