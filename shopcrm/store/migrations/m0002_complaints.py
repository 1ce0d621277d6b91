"""Schema version 2: complaint handling (issue #4).

- ``refund_cents``: the total refunded to the stored-value card for this complaint (through the
  ledger), so that resolving a reopened case again never refunds twice by accident.
- ``followup_notes``: what the customer said on the satisfaction follow-up call.
- an index on (status, due_at) for the open/overdue counts and the overdue filter, and a partial
  index on the follow-ups still to make.

Frozen DDL: never edit a released step; add a new numbered module instead.
"""

STATEMENTS = [
    'ALTER TABLE "complaint" ADD COLUMN "refund_cents" INTEGER NOT NULL DEFAULT 0',
    'ALTER TABLE "complaint" ADD COLUMN "followup_notes" TEXT NOT NULL DEFAULT \'\'',
    'CREATE INDEX "complaint_status_due_at" ON "complaint" ("status", "due_at")',
    'CREATE INDEX "complaint_followup_due" ON "complaint" ("followup_due") '
    'WHERE "followup_due" IS NOT NULL AND "status" = \'resolved\'',
]


def migrate(db):
    for sql in STATEMENTS:
        db.execute_sql(sql)
