"""Schema version 14 (issue #13): who made a contact, and the complaint a refund was for.

- ``contact.operator``: the operator at the counter when the contact was recorded.
- ``refund.complaint_id``: the complaint whose refund this is (a complaint resolved with a refund
  of a named purchase goes through the counter's refund path).

Frozen DDL: never edit a released step; add a new numbered module instead.
"""

STATEMENTS = [
    'ALTER TABLE "contact" ADD COLUMN "operator" VARCHAR(255) NOT NULL DEFAULT \'\'',
    'ALTER TABLE "refund" ADD COLUMN "complaint_id" INTEGER REFERENCES "complaint" ("id") ON DELETE SET NULL',
]


def migrate(db):
    for sql in STATEMENTS:
        db.execute_sql(sql)
