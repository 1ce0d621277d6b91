"""Schema version 25 (issue #18): an index on ``customer.home_store_id``.

The customer list scoped to one store (``c.home_store_id = ?``: the list, its count, a store's
export, 今日待办 of a store, the members who joined a store in 分析) had only the table to scan: a
count read every customer row, and a small store's first page walked the whole name index testing
each row's store. With the index a store's count reads its own index range, and the planner takes
a small store's members from it (then sorts them) where walking the sort index would pass almost
every customer. Measured in tests/benchmarks/bench_store_scope.py (see the commit).

(Step 24 is another branch's; the steps need not be contiguous.) Frozen DDL: never edit a
released step; add a new numbered module instead.
"""

SQL = 'CREATE INDEX IF NOT EXISTS "customer_home_store_id" ON "customer" ("home_store_id")'


def migrate(db):
    db.execute_sql(SQL)


def migrate_postgres(db):
    db.execute_sql(SQL)
