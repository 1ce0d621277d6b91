"""Schema version 7: customer.name_sort, the pinyin key the list sorts names by (A–Z as a Chinese
clerk expects, instead of Unicode code point order)."""


def migrate(db):
    from shopcrm.core.pinyin_keys import sort_key

    db.execute_sql("ALTER TABLE customer ADD COLUMN name_sort VARCHAR(255) NOT NULL DEFAULT ''")
    db.execute_sql('CREATE INDEX "customer_name_sort" ON "customer" ("name_sort")')
    rows = db.execute_sql("SELECT id, name FROM customer").fetchall()
    db.connection().executemany(
        "UPDATE customer SET name_sort = ? WHERE id = ?", [(sort_key(name), cid) for cid, name in rows]
    )
