"""Schema version 12: search keys and sort keys rebuilt with every reading (issue #19).

Keys made before this step dropped readings past 8 combinations per surname reading (王单单 was
not found by ``wangshanshan``) and left out surname readings that only the sort table knew (黑伟
by ``hewei``); the sort table gained surnames (卜 bu, 能 nai, 浣 wan…). The table's shape does not
change: the keys of every customer that has keys are added (the new rules only add keys: the
old ones stay, as earlier steps left them), and every name_sort is written again.
"""


def migrate(db):
    from shopcrm.core.pinyin_keys import NameKeyCache

    keys_of = NameKeyCache()
    # keys exist for live customers only (the recycle bin and erasure delete them): keep that set
    rows = db.execute_sql(
        "SELECT id, name FROM customer WHERE id IN (SELECT DISTINCT customer_id FROM search_key)"
    ).fetchall()
    keys = sorted({(k, cid) for cid, name in rows for k in keys_of(name)})
    db.connection().executemany("INSERT OR IGNORE INTO search_key (key, customer_id) VALUES (?, ?)", keys)
    names = db.execute_sql("SELECT id, name FROM customer").fetchall()
    db.connection().executemany(
        "UPDATE customer SET name_sort = ? WHERE id = ?", [(keys_of.sort_key(name), cid) for cid, name in names]
    )
