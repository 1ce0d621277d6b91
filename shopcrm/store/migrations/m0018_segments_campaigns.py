"""Schema version 18 (issue #15): saved segments, campaigns, gifts, satisfaction details.

- ``segment``: a saved filter over the archive (``filter``: JSON, see shopcrm.segments), by name.
- ``campaign``: a segment (its filter copied when the campaign starts, so that a later edit of the
  segment does not change who the campaign was for) with a purpose, a message template, a
  channel, a start and end day, a daily cap, a hold-out share and the days after which a purchase
  no longer counts as following the campaign.
- ``campaign_member``: every customer the campaign chose: a target with its planned day, or a
  hold-out (``planned_on`` NULL) who gets nothing and is the comparison. ``(planned_on,
  campaign_id)`` is indexed: 今日待办 reads the day's items from it.
- ``gift_given``: a gift handed to a customer (what, cost in cents), optionally for a campaign.
- ``contact.campaign_id`` (the campaign the contact was for), ``contact.result`` (sent / replied /
  visited / declined) and ``contact.nps`` (the optional 0-10 "would you recommend us" answer).
- ``customer.referred_by_id``: the customer who recommended this one.

Frozen DDL: never edit a released step; add a new numbered module instead.
"""

STATEMENTS = [
    'CREATE TABLE "segment" ("id" INTEGER NOT NULL PRIMARY KEY, "name" VARCHAR(255) NOT NULL, '
    '"filter" TEXT NOT NULL, "created_at" DATETIME NOT NULL, "updated_at" DATETIME NOT NULL)',
    'CREATE UNIQUE INDEX "segment_name" ON "segment" ("name")',
    'CREATE TABLE "campaign" ("id" INTEGER NOT NULL PRIMARY KEY, "name" VARCHAR(255) NOT NULL, '
    '"segment_id" INTEGER, "filter" TEXT NOT NULL, "purpose" VARCHAR(255) NOT NULL, '
    '"template" TEXT NOT NULL, "channel" VARCHAR(255) NOT NULL, "festival" VARCHAR(255) NOT NULL, '
    '"start_on" DATE NOT NULL, "end_on" DATE NOT NULL, "daily_cap" INTEGER NOT NULL, '
    '"holdout_pct" INTEGER NOT NULL, "window_days" INTEGER NOT NULL, "status" VARCHAR(255) NOT NULL, '
    '"created_at" DATETIME NOT NULL, "operator" VARCHAR(255) NOT NULL, '
    'FOREIGN KEY ("segment_id") REFERENCES "segment" ("id") ON DELETE SET NULL)',
    'CREATE INDEX "campaign_start_on" ON "campaign" ("start_on")',
    'CREATE TABLE "campaign_member" ("campaign_id" INTEGER NOT NULL, "customer_id" INTEGER NOT NULL, '
    '"holdout" INTEGER NOT NULL, "planned_on" DATE, PRIMARY KEY ("campaign_id", "customer_id"), '
    'FOREIGN KEY ("campaign_id") REFERENCES "campaign" ("id") ON DELETE CASCADE, '
    'FOREIGN KEY ("customer_id") REFERENCES "customer" ("id") ON DELETE CASCADE)',
    'CREATE INDEX "campaign_member_planned_on_campaign_id" ON "campaign_member" ("planned_on", "campaign_id")',
    'CREATE INDEX "campaign_member_customer_id" ON "campaign_member" ("customer_id")',
    'CREATE TABLE "gift_given" ("id" INTEGER NOT NULL PRIMARY KEY, "customer_id" INTEGER NOT NULL, '
    '"campaign_id" INTEGER, "at" DATETIME NOT NULL, "what" VARCHAR(255) NOT NULL, '
    '"cost_cents" INTEGER NOT NULL, "note" TEXT NOT NULL, "operator" VARCHAR(255) NOT NULL, '
    'FOREIGN KEY ("customer_id") REFERENCES "customer" ("id") ON DELETE CASCADE, '
    'FOREIGN KEY ("campaign_id") REFERENCES "campaign" ("id") ON DELETE SET NULL)',
    'CREATE INDEX "gift_given_customer_id" ON "gift_given" ("customer_id")',
    'CREATE INDEX "gift_given_campaign_id" ON "gift_given" ("campaign_id")',
    'ALTER TABLE "contact" ADD COLUMN "campaign_id" INTEGER REFERENCES "campaign" ("id") ON DELETE SET NULL',
    'ALTER TABLE "contact" ADD COLUMN "result" VARCHAR(255) NOT NULL DEFAULT \'\'',
    'ALTER TABLE "contact" ADD COLUMN "nps" INTEGER',
    'CREATE INDEX "contact_campaign_id" ON "contact" ("campaign_id") WHERE "campaign_id" IS NOT NULL',
    'ALTER TABLE "customer" ADD COLUMN "referred_by_id" INTEGER REFERENCES "customer" ("id") ON DELETE SET NULL',
    'CREATE INDEX "customer_referred_by_id" ON "customer" ("referred_by_id") WHERE "referred_by_id" IS NOT NULL',
]


def migrate(db):
    for sql in STATEMENTS:
        db.execute_sql(sql)
