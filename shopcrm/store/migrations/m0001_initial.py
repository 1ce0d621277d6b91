"""Schema version 1: the first release (customers, purchases, ledger, contacts, complaints).

Frozen DDL: never edit a released step; add a new numbered module instead.
"""

STATEMENTS = [
    'CREATE TABLE "setting" ("key" VARCHAR(255) NOT NULL PRIMARY KEY, "value" TEXT NOT NULL)',
    'CREATE TABLE "level" ("id" INTEGER NOT NULL PRIMARY KEY, "name" VARCHAR(255) NOT NULL, "rank" INTEGER NOT NULL, "min_total_spend_cents" INTEGER, "min_points" INTEGER, "points_per_yuan_milli" INTEGER NOT NULL)',
    'CREATE UNIQUE INDEX "level_name" ON "level" ("name")',
    'CREATE TABLE "customer" ("id" INTEGER NOT NULL PRIMARY KEY, "card_no" VARCHAR(255), "name" VARCHAR(255) NOT NULL, "mobile" VARCHAR(255) NOT NULL, "mobile_rev" VARCHAR(255) NOT NULL, "phone2" VARCHAR(255) NOT NULL, "gender" VARCHAR(255) NOT NULL, "birthday" DATE, "lunar_month" INTEGER, "lunar_day" INTEGER, "lunar_leap" INTEGER NOT NULL, "lunar_year" INTEGER, "birth_mmdd" INTEGER, "level_id" INTEGER, "balance_cents" INTEGER NOT NULL, "points" INTEGER NOT NULL, "pref_text" TEXT NOT NULL, "pref_channel" VARCHAR(255) NOT NULL, "pref_time" VARCHAR(255) NOT NULL, "pref_products" TEXT NOT NULL, "pref_taste" TEXT NOT NULL, "address" TEXT NOT NULL, "wechat" VARCHAR(255) NOT NULL, "source" VARCHAR(255) NOT NULL, "notes" TEXT NOT NULL, "consent_marketing" INTEGER NOT NULL, "joined_on" DATE, "total_spend_cents" INTEGER NOT NULL, "purchase_count" INTEGER NOT NULL, "first_purchase_at" DATETIME, "last_purchase_at" DATETIME, "last_contact_at" DATETIME, "open_complaints" INTEGER NOT NULL, "created_at" DATETIME NOT NULL, "updated_at" DATETIME NOT NULL, "deleted_at" DATETIME, FOREIGN KEY ("level_id") REFERENCES "level" ("id") ON DELETE SET NULL)',
    'CREATE UNIQUE INDEX "customer_card_no" ON "customer" ("card_no")',
    'CREATE INDEX "customer_name" ON "customer" ("name")',
    'CREATE UNIQUE INDEX "customer_mobile" ON "customer" ("mobile")',
    'CREATE INDEX "customer_mobile_rev" ON "customer" ("mobile_rev")',
    'CREATE INDEX "customer_birth_mmdd" ON "customer" ("birth_mmdd")',
    'CREATE INDEX "customer_level_id" ON "customer" ("level_id")',
    'CREATE INDEX "customer_balance_cents" ON "customer" ("balance_cents")',
    'CREATE INDEX "customer_points" ON "customer" ("points")',
    'CREATE INDEX "customer_total_spend_cents" ON "customer" ("total_spend_cents")',
    'CREATE INDEX "customer_last_purchase_at" ON "customer" ("last_purchase_at")',
    'CREATE INDEX "customer_deleted_at" ON "customer" ("deleted_at") WHERE "deleted_at" IS NOT NULL',
    'CREATE TABLE "tag" ("id" INTEGER NOT NULL PRIMARY KEY, "name" VARCHAR(255) NOT NULL)',
    'CREATE UNIQUE INDEX "tag_name" ON "tag" ("name")',
    'CREATE TABLE "customer_tag" ("customer_id" INTEGER NOT NULL, "tag_id" INTEGER NOT NULL, PRIMARY KEY ("customer_id", "tag_id"), FOREIGN KEY ("customer_id") REFERENCES "customer" ("id") ON DELETE CASCADE, FOREIGN KEY ("tag_id") REFERENCES "tag" ("id") ON DELETE CASCADE)',
    'CREATE UNIQUE INDEX "customer_tag_tag_id_customer_id" ON "customer_tag" ("tag_id", "customer_id")',
    'CREATE TABLE "search_key" ("key" VARCHAR(255) NOT NULL, "customer_id" INTEGER NOT NULL, PRIMARY KEY ("key", "customer_id"), FOREIGN KEY ("customer_id") REFERENCES "customer" ("id") ON DELETE CASCADE) WITHOUT ROWID',
    'CREATE INDEX "search_key_customer_id" ON "search_key" ("customer_id")',
    'CREATE TABLE "purchase" ("id" INTEGER NOT NULL PRIMARY KEY, "customer_id" INTEGER NOT NULL, "at" DATETIME NOT NULL, "amount_cents" INTEGER NOT NULL, "items" TEXT NOT NULL, "payment" VARCHAR(255) NOT NULL, "points_earned" INTEGER NOT NULL, "note" TEXT NOT NULL, "created_at" DATETIME NOT NULL, FOREIGN KEY ("customer_id") REFERENCES "customer" ("id") ON DELETE CASCADE)',
    'CREATE INDEX "purchase_at" ON "purchase" ("at")',
    'CREATE INDEX "purchase_customer_id_amount_cents" ON "purchase" ("customer_id", "amount_cents")',
    'CREATE INDEX "purchase_customer_id_at" ON "purchase" ("customer_id", "at")',
    'CREATE TABLE "ledger_entry" ("id" INTEGER NOT NULL PRIMARY KEY, "customer_id" INTEGER NOT NULL, "at" DATETIME NOT NULL, "kind" VARCHAR(255) NOT NULL, "balance_delta_cents" INTEGER NOT NULL, "points_delta" INTEGER NOT NULL, "balance_after_cents" INTEGER NOT NULL, "points_after" INTEGER NOT NULL, "reason" TEXT NOT NULL, "purchase_id" INTEGER, FOREIGN KEY ("customer_id") REFERENCES "customer" ("id") ON DELETE CASCADE, FOREIGN KEY ("purchase_id") REFERENCES "purchase" ("id") ON DELETE SET NULL)',
    'CREATE INDEX "ledger_entry_purchase_id" ON "ledger_entry" ("purchase_id")',
    'CREATE INDEX "ledger_entry_customer_id_id" ON "ledger_entry" ("customer_id", "id")',
    'CREATE TABLE "contact" ("id" INTEGER NOT NULL PRIMARY KEY, "customer_id" INTEGER NOT NULL, "at" DATETIME NOT NULL, "channel" VARCHAR(255) NOT NULL, "purpose" TEXT NOT NULL, "outcome" TEXT NOT NULL, "satisfaction" INTEGER, "next_followup" DATE, "staff" VARCHAR(255) NOT NULL, "created_at" DATETIME NOT NULL, FOREIGN KEY ("customer_id") REFERENCES "customer" ("id") ON DELETE CASCADE)',
    'CREATE INDEX "contact_next_followup" ON "contact" ("next_followup")',
    'CREATE INDEX "contact_customer_id_at" ON "contact" ("customer_id", "at")',
    'CREATE TABLE "complaint" ("id" INTEGER NOT NULL PRIMARY KEY, "customer_id" INTEGER, "walkin_name" VARCHAR(255) NOT NULL, "walkin_mobile" VARCHAR(255) NOT NULL, "received_at" DATETIME NOT NULL, "channel" VARCHAR(255) NOT NULL, "category" VARCHAR(255) NOT NULL, "key_points" TEXT NOT NULL, "request" TEXT NOT NULL, "temperament" VARCHAR(255) NOT NULL, "severity" VARCHAR(255) NOT NULL, "handler" VARCHAR(255) NOT NULL, "due_at" DATETIME, "status" VARCHAR(255) NOT NULL, "validity" VARCHAR(255) NOT NULL, "validity_reason" TEXT NOT NULL, "steps" INTEGER NOT NULL, "resolution_type" VARCHAR(255) NOT NULL, "resolution_amount_cents" INTEGER, "resolution_notes" TEXT NOT NULL, "resolved_at" DATETIME, "followup_due" DATE, "satisfaction" INTEGER, "closed_at" DATETIME, "paused_since" DATETIME, "paused_seconds" INTEGER NOT NULL, "created_at" DATETIME NOT NULL, "updated_at" DATETIME NOT NULL, FOREIGN KEY ("customer_id") REFERENCES "customer" ("id") ON DELETE CASCADE)',
    'CREATE INDEX "complaint_customer_id" ON "complaint" ("customer_id")',
    'CREATE INDEX "complaint_received_at" ON "complaint" ("received_at")',
    'CREATE INDEX "complaint_category" ON "complaint" ("category")',
    'CREATE INDEX "complaint_due_at" ON "complaint" ("due_at")',
    'CREATE INDEX "complaint_status" ON "complaint" ("status")',
    'CREATE TABLE "complaint_event" ("id" INTEGER NOT NULL PRIMARY KEY, "complaint_id" INTEGER NOT NULL, "at" DATETIME NOT NULL, "who" VARCHAR(255) NOT NULL, "action" VARCHAR(255) NOT NULL, "detail" TEXT NOT NULL, FOREIGN KEY ("complaint_id") REFERENCES "complaint" ("id") ON DELETE CASCADE)',
    'CREATE INDEX "complaint_event_complaint_id" ON "complaint_event" ("complaint_id")',
]

DEFAULT_LEVELS = [("普通会员", 0), ("银卡", 1), ("金卡", 2), ("钻石", 3)]


def migrate(db):
    for sql in STATEMENTS:
        db.execute_sql(sql)
    for name, rank in DEFAULT_LEVELS:
        db.execute_sql("INSERT INTO level (name, rank, points_per_yuan_milli) VALUES (?, ?, 1000)", (name, rank))
