"""Schema step 17 (issue #15, sending): the message log, and an e-mail address on the customer.

- ``message``: every message ShopCRM sends or hands to a clerk (copy, call list, SMS, e-mail), one
  row each, written BEFORE the network call: ``idempotency_key`` is UNIQUE, so a key claimed once
  is never sent again (see shopcrm.campaigns.outbox). ``campaign_id`` is a plain integer (the
  campaigns table comes with its own step). ``idempotency_key`` may be NULL only after the
  customer's personal data was erased (shopcrm.trust.privacy blanks the text columns of every
  table with a ``customer_id``; NULLs do not collide under UNIQUE where '' would).
- ``customer.email``: where the e-mail channel writes to ('' = none).

Frozen DDL: never edit a released step; add a new numbered module instead.
"""

STATEMENTS = [
    'ALTER TABLE "customer" ADD COLUMN "email" VARCHAR(255) NOT NULL DEFAULT \'\'',
    """CREATE TABLE "message" (
        "id" INTEGER NOT NULL PRIMARY KEY,
        "customer_id" INTEGER NOT NULL REFERENCES "customer" ("id") ON DELETE CASCADE,
        "channel" VARCHAR(255) NOT NULL,
        "address" VARCHAR(255) NOT NULL DEFAULT '',
        "purpose" VARCHAR(255) NOT NULL,
        "campaign_id" INTEGER,
        "subject" TEXT NOT NULL DEFAULT '',
        "text" TEXT NOT NULL DEFAULT '',
        "template_id" VARCHAR(255) NOT NULL DEFAULT '',
        "params" TEXT NOT NULL DEFAULT '{}',
        "idempotency_key" VARCHAR(255) UNIQUE,
        "status" VARCHAR(255) NOT NULL DEFAULT 'queued',
        "provider_id" VARCHAR(255) NOT NULL DEFAULT '',
        "attempts" INTEGER NOT NULL DEFAULT 0,
        "last_error" TEXT NOT NULL DEFAULT '',
        "next_attempt_at" DATETIME,
        "created_at" DATETIME NOT NULL,
        "sent_at" DATETIME,
        "operator" VARCHAR(255) NOT NULL DEFAULT ''
    )""",
    'CREATE INDEX "message_customer_id_created_at" ON "message" ("customer_id", "created_at")',
    'CREATE INDEX "message_campaign_id" ON "message" ("campaign_id") WHERE "campaign_id" IS NOT NULL',
    # the sender's work list: what is queued, by when it is due
    'CREATE INDEX "message_status_next_attempt_at" ON "message" ("status", "next_attempt_at")',
]


def migrate(db):
    for sql in STATEMENTS:
        db.execute_sql(sql)
