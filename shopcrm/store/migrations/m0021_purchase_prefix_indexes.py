"""Schema version 21 (issue #16): two purchase indexes that were prefixes of others are dropped.

``purchase_at`` ("at") is a prefix of ``purchase_at_customer_id`` ("at", "customer_id") and
``purchase_customer_id_at`` ("customer_id", "at") of ``purchase_customer_id_at_amount``
("customer_id", "at", "amount_cents"): every query either could use is served by the longer one,
while each index costs every inserted purchase a B-tree write. Measured by
``tests/benchmarks/bench_purchase_import.py``: the 1M-row history import writes into three purchase
indexes instead of five.

Frozen DDL: never edit a released step; add a new numbered module instead.
"""

STATEMENTS = [
    'DROP INDEX IF EXISTS "purchase_at"',
    'DROP INDEX IF EXISTS "purchase_customer_id_at"',
]


def migrate(db):
    for sql in STATEMENTS:
        db.execute_sql(sql)
