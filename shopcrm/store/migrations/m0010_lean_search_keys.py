"""Schema version 10: a leaner write path for bulk imports.

- ``search_key`` loses its foreign key and its ``customer_id`` index. The index was a second
  B-tree of ~9 entries per customer that every import, restore and rename wrote to (about 40 % of
  the time an import spends on search keys, measured), used only to delete one customer's keys
  (a rename, the recycle bin, an erasure) — a scan of the key table does that in tens of
  milliseconds at 100k customers. The foreign key went with it: without an index on the child
  column every customer deleted for good would scan the key table once. Keys are derived data,
  kept in step by shopcrm.customers (written for live customers, deleted with the recycle bin,
  erasure and purge), and every search joins the live customer row, so a stray key could only
  ever point at nothing.
- ``customer_name`` is dropped: no query uses it (names are found through ``search_key`` and
  sorted through ``customer_name_sort``), and every import rebuilt it.
"""


def migrate(db):
    db.execute_sql(
        'CREATE TABLE "search_key_new" ("key" VARCHAR(255) NOT NULL, "customer_id" INTEGER NOT NULL, '
        'PRIMARY KEY ("key", "customer_id")) WITHOUT ROWID'
    )
    # read in primary-key order: the new tree is written by appending
    db.execute_sql('INSERT INTO "search_key_new" ("key", "customer_id") SELECT "key", "customer_id" FROM "search_key"')
    db.execute_sql('DROP TABLE "search_key"')
    db.execute_sql('ALTER TABLE "search_key_new" RENAME TO "search_key"')
    db.execute_sql('DROP INDEX IF EXISTS "customer_name"')
