"""Deterministic, realistic Chinese demo data (names, mobiles, lunar birthdays, purchases…).

Used by new users to look around and by the benchmarks (1M customers and 10M purchases in a few
minutes): one transaction, the big tables' secondary indexes dropped and built once at the end,
rows generated column by column with one ``random()`` per draw (not ``random.choice``'s several
calls) and written with raw ``executemany``; search keys are computed once per distinct name and
joined to the customers in SQL, and every aggregate (spend, counts, last purchase, contact) is
computed set-based in SQL after the load.

The output is deterministic for a seed. Bump :data:`GENERATOR_VERSION` whenever it changes for
the same arguments: the benchmarks key their cached demo databases on it.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import math
import random
import statistics
from collections.abc import Callable, Iterable

from shopcrm.core import clock
from shopcrm.core.pinyin_keys import NameKeyCache
from shopcrm.excel.excel_import import gc_paused
from shopcrm.store import sqlfn
from shopcrm.store.db import bulk_load_settings, claim_ids, database, indexes_rebuilt
from shopcrm.store.stores import DEFAULT_STORE

GENERATOR_VERSION = 2  # 2: column-wise generation (same distributions, other draws than version 1)
LARGE_LOAD = 100_000  # customers (or ten times as many purchases) from which the load takes a big cache
PURCHASE_BATCH = 250_000  # purchases generated and written per step (bounded memory at 10M)

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
    "单解仇区"
)
COMPOUND_SURNAMES = ("欧阳", "司马", "上官", "诸葛")
GIVEN_F = "芳娜敏静丽艳娟霞秀玲桂兰英华红梅琳雪婷慧倩颖洁佳欣怡蕾薇晶燕萍丹露月莹妍"
GIVEN_M = "伟强磊军勇杰涛明超刚平辉鹏华飞斌宇浩凯健俊峰建国志博文彬斌鑫波宁晨阳龙"
MOBILE_PREFIXES = (
    "130",
    "131",
    "132",
    "133",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "152",
    "153",
    "155",
    "156",
    "157",
    "158",
    "159",
    "166",
    "176",
    "177",
    "180",
    "181",
    "182",
    "183",
    "185",
    "186",
    "187",
    "188",
    "189",
    "191",
    "198",
    "199",
)
ITEMS = (
    "连衣裙",
    "衬衫",
    "牛仔裤",
    "外套",
    "围巾",
    "水果礼盒",
    "车厘子",
    "榴莲",
    "洗剪吹",
    "烫染",
    "护理套餐",
    "龙井",
    "普洱",
    "铁观音",
    "茶具",
    "会员充值赠品",
    "面膜",
    "精华液",
    "鞋子",
    "包",
)
PAYMENTS = ("cash", "wechat", "wechat", "wechat", "alipay", "alipay", "bankcard")
SOURCES = ("老客介绍", "路过进店", "美团", "大众点评", "抖音", "微信朋友圈", "传单", "")
TAGS = ("爱砍价", "老顾客", "VIP", "宝妈", "上班族", "学生", "送礼", "尝鲜")
CHANNELS = ("phone", "sms", "wechat", "visit")
COMPLAINT_CATEGORIES = ("商品质量", "服务态度", "价格", "售后三包", "配送", "环境", "其他")
DEMO_SEVERITIES = (("一般", 72), ("一般", 72), ("紧急", 24), ("轻微", 168))  # complaints.DEFAULT_CONFIG
DEMO_COMPLAINTS = (
    "（演示）衣服洗一次就褪色",
    "（演示）店员态度冷淡，问了三遍没人理",
    "（演示）同款比隔壁贵二十元",
    "（演示）水果到家发现有坏的",
    "（演示）烫发后三天就直了",
    "（演示）送货晚了两个小时",
    "（演示）店里太吵，试衣间没有镜子",
    "（演示）会员折扣没有算上",
)


COMPLAINT_STATUSES = ("new", "in_progress", "waiting", "resolved", "closed", "closed", "closed", "closed")
FMT_TS = "%Y-%m-%d %H:%M:%S"
# a chain's demo (``stores`` > 1): the stores after the default one (本店), by code and name
DEMO_STORES = (
    ("east", "东门店"),
    ("west", "西门店"),
    ("south", "南门店"),
    ("north", "北门店"),
    ("newtown", "新城店"),
    ("station", "车站店"),
)
AT_HOME_STORE = 0.85  # a chain's member buys at their home store this often, else at any store


def _lognormal_cents(mu: float, sigma: float, size: int = 1 << 16) -> list[int]:
    """Quantiles of a log-normal distribution: one random index into this table draws an amount
    (the same distribution as ``lognormvariate`` to 1/65536, at a fraction of its cost)."""
    normal = statistics.NormalDist(mu, sigma)
    return [int(math.exp(normal.inv_cdf((i + 0.5) / size))) for i in range(size)]


def generate(
    customers: int = 1000,
    purchases: int = 10000,
    *,
    seed: int = 1,
    complaints: int | None = None,
    contacts: int | None = None,
    today: dt.date | None = None,
    progress: Callable[[str, float], None] | None = None,
    stores: int = 1,
) -> None:
    """Fill the open database with demo data (adds to whatever is there), in one transaction.

    ``stores`` > 1 makes a chain's demo: the default store (本店) and ``stores - 1`` more (东门店,
    西门店… made when missing), every member with a home store (本店 twice as likely as each
    other one), their purchases mostly there (``AT_HOME_STORE``) and otherwise at any store,
    their opening ledger entries, contacts and complaints at their home store. With one store
    every row is the default store's and the draws are those of a single shop's demo."""
    if stores < 1:
        raise ValueError(f"stores must be at least 1, not {stores}")
    rng = random.Random(seed)
    today = today or clock.today()
    complaints = customers // 50 if complaints is None else complaints
    contacts = customers // 2 if contacts is None else contacts
    say = progress or (lambda stage, frac: None)
    large = customers >= LARGE_LOAD or purchases >= 10 * LARGE_LOAD
    with gc_paused(), bulk_load_settings(large=large) as con, database.atomic():  # noqa: SIM117
        # a bulk load: the indexes of the big tables are built once, by sorting, at the end
        # (exclusive: demo data goes into a shop that nobody works in meanwhile)
        with indexes_rebuilt(("customer", "search_key", "contact", "complaint", "ledger_entry"), exclusive=True):
            _generate(con, rng, customers, purchases, complaints, contacts, today, say, stores)
    say("done", 1.0)


def _demo_stores(con, stores: int, now_s: str) -> list[int]:
    """The ids of the demo's stores: the default one and ``stores - 1`` more, made when missing
    (found by code or by name: a demo run twice, or a shop that already has a 东门店)."""
    ids = [DEFAULT_STORE]
    for i in range(stores - 1):
        code, name = DEMO_STORES[i] if i < len(DEMO_STORES) else (f"demo{i + 2}", f"{i + 2}号店")
        found = con.execute("SELECT id FROM store WHERE code = ? OR name = ?", (code, name)).fetchone()
        if found is None:
            con.execute(
                "INSERT INTO store (code, name, address, phone, active, created_at) VALUES (?, ?, '', '', TRUE, ?)",
                (code, name, now_s),
            )
            found = con.execute("SELECT id FROM store WHERE code = ?", (code,)).fetchone()
        ids.append(found[0])
    return ids


def _generate(con, rng, customers, purchases, complaints, contacts, today, say, stores=1) -> None:
    """``con``: the bulk load's connection (shopcrm.store.db.BulkLoad), SQLite-style SQL."""
    rnd = rng.random
    now_s = f"{today.isoformat()} 09:00:00"
    store_ids = _demo_stores(con, stores, now_s)
    n_stores = len(store_ids)
    # the home store of each new customer, by position (本店 weighs two, every other store one)
    home_slots = [store_ids[0], *store_ids]
    homes: list[int] = [home_slots[int(rnd() * len(home_slots))] for _ in range(customers)] if n_stores > 1 else []

    def home_of(cid: int) -> int:
        return homes[cid - first_id] if homes else DEFAULT_STORE

    levels = [r[0] for r in con.execute("SELECT id FROM level ORDER BY rank").fetchall()]
    used = {r[0] for r in con.execute("SELECT mobile FROM customer").fetchall()}
    first_id = claim_ids("customer", customers)
    end_id = first_id + customers

    say("customers", 0.0)
    keys_of = NameKeyCache()
    sort_key_of = keys_of.sort_key
    # the level distribution (60 / 25 / 12 / 3 %) as a table of 100 slots, one index per draw
    level_slots = [levels[0 if i < 60 else 1 if i < 85 else 2 if i < 97 else 3] for i in range(100)] if levels else None
    joined_days = [(today - dt.timedelta(days=d)).isoformat() for d in range(30, 1500)]
    notes = ("", "", "", "喜欢素色", "怕辣", "偏爱绿茶", "周末来")
    channels = ("", "wechat", "phone", "sms")
    n_sur, n_f, n_m, n_pre, n_src = len(SURNAMES), len(GIVEN_F), len(GIVEN_M), len(MOBILE_PREFIXES), len(SOURCES)
    rows: list[tuple] = []
    add = rows.append
    for cid in range(first_id, end_id):
        if rnd() < 0.6:
            gender, pool, n_pool = "F", GIVEN_F, n_f
        else:
            gender, pool, n_pool = "M", GIVEN_M, n_m
        surname = COMPOUND_SURNAMES[int(rnd() * 4)] if rnd() < 0.01 else SURNAMES[int(rnd() * n_sur)]
        given = pool[int(rnd() * n_pool)]
        if rnd() < 0.7:
            given += pool[int(rnd() * n_pool)]
        name = surname + given
        mobile = MOBILE_PREFIXES[int(rnd() * n_pre)] + f"{int(rnd() * 100_000_000):08d}"
        while mobile in used:
            mobile = MOBILE_PREFIXES[int(rnd() * n_pre)] + f"{int(rnd() * 100_000_000):08d}"
        used.add(mobile)
        birthday = lunar_m = lunar_d = lunar_y = mmdd = None
        r = rnd()
        if r < 0.70:
            month, day = 1 + int(rnd() * 12), 1 + int(rnd() * 28)
            birthday, mmdd = f"{1955 + int(rnd() * 52)}-{month:02d}-{day:02d}", month * 100 + day
        elif r < 0.85:
            lunar_m, lunar_d = 1 + int(rnd() * 12), 1 + int(rnd() * 30)
            lunar_y = 1960 + int(rnd() * 41) if rnd() < 0.5 else None
            mmdd = lunar_m * 100 + lunar_d
        joined = joined_days[int(rnd() * 1470)]
        add(
            (
                cid,
                f"{cid:08d}" if rnd() < 0.7 else None,
                name,
                sort_key_of(name),
                mobile,
                mobile[::-1],
                gender,
                birthday,
                lunar_m,
                lunar_d,
                lunar_y,
                mmdd,
                level_slots[int(rnd() * 100)] if level_slots else None,
                int(rnd() * 500_000) if rnd() < 0.4 else 0,
                notes[int(rnd() * 7)],
                channels[int(rnd() * 4)],
                SOURCES[int(rnd() * n_src)],
                rnd() < 0.92,
                joined,
                f"{joined} 10:00:00",
                now_s,
                home_of(cid),
            )
        )
    con.executemany(
        """INSERT INTO customer (id, card_no, name, name_sort, mobile, mobile_rev, phone2, gender, birthday,
             lunar_month, lunar_day, lunar_leap, lunar_year, birth_mmdd, level_id, balance_cents,
             points, pref_text, pref_channel, pref_time, pref_products, pref_taste, address,
             wechat, source, notes, consent_marketing, joined_on, total_spend_cents,
             purchase_count, open_complaints, created_at, updated_at, home_store_id)
           VALUES (?, ?, ?, ?, ?, ?, '', ?, ?, ?, ?, FALSE, ?, ?, ?, ?, 0, ?, ?, '', '', '', '', '', ?,
                   '', ?, ?, 0, 0, 0, ?, ?, ?)""",
        rows,
    )
    names = {r[2] for r in rows}
    del rows
    used.clear()

    say("search keys", 0.15)
    # the keys of each distinct name once (a million customers share a few hundred thousand
    # names), joined to the customers and written in key order: appends to the key B-tree
    name_keys = sqlfn.temp_table("demo_name_key")
    con.execute(
        f"CREATE TEMP TABLE demo_name_key (name TEXT, key TEXT, PRIMARY KEY (name, key)){sqlfn.without_rowid()}"
    )
    con.executemany(
        f"INSERT OR IGNORE INTO {name_keys} (name, key) VALUES (?, ?)",
        ((name, k) for name in sorted(names) for k in keys_of.key_list(name)),
    )
    del names
    con.execute(
        f"""INSERT OR IGNORE INTO search_key (key, customer_id, name_sort)
           SELECT k.key, c.id, c.name_sort FROM customer c JOIN {name_keys} k ON k.name = c.name
           WHERE c.id >= ? ORDER BY k.key, c.id""",
        (first_id,),
    )
    con.execute(f"DROP TABLE {name_keys}")

    say("purchases", 0.3)
    last_purchase = con.execute("SELECT COALESCE(MAX(id), 0) FROM purchase").fetchone()[0]
    span = 730 * 86400
    end = dt.datetime.combine(today, dt.time(21, 0))
    start = end - dt.timedelta(seconds=span)
    # "YYYY-MM-DD " of each day of the span and "HH:MM:SS" of each second of a day: an offset
    # from the start's midnight becomes a timestamp with two look-ups and a concatenation
    days = [(start.date() + dt.timedelta(days=d)).isoformat() + " " for d in range(732)]
    clock_s = [f"{h:02d}:{m:02d}:{s:02d}" for h in range(24) for m in range(60) for s in range(60)]
    base = start.hour * 3600 + start.minute * 60 + start.second + 1  # (end - randrange(span), as before)
    amounts = _lognormal_cents(9.6, 0.8)  # cents; median ~150 yuan
    n_items, n_pay = len(ITEMS), len(PAYMENTS)
    # a skewed spend distribution: a few customers buy a lot (what ABC grading is about)
    cum = list(itertools.accumulate(rng.paretovariate(1.2) for _ in range(customers)))
    total = cum[-1] if cum else 0.0
    ids = range(first_id, end_id)
    # purchases in time order, as a shop records them (and the sorts that build the indexes led
    # by the time then find their input sorted: a quarter of the time of a random order)
    with indexes_rebuilt(("purchase",), exclusive=True):  # back before the totals read them
        insert = """INSERT INTO purchase (customer_id, at, amount_cents, items, payment, points_earned,
                                          note, created_at, store_id) VALUES (?, ?, ?, ?, ?, ?, '', ?, ?)"""
        batches = max(1, -(-purchases // PURCHASE_BATCH)) if customers else 0
        for b in range(batches):
            k = purchases * (b + 1) // batches - purchases * b // batches
            # this batch's slice of the two years, its moments drawn uniformly and sorted
            lo, hi = span * b // batches, span * (b + 1) // batches
            moments = sorted([base + lo + int(rnd() * (hi - lo)) for _ in range(k)])
            at = [days[d] + clock_s[s] for d, s in (divmod(m, 86400) for m in moments)]
            who = [ids[bisect.bisect(cum, rnd() * total)] for _ in range(k)]
            cents = [amounts[int(rnd() * 65536)] for _ in range(k)]
            items = [ITEMS[int(rnd() * n_items)] for _ in range(k)]
            pays = [PAYMENTS[int(rnd() * n_pay)] for _ in range(k)]
            points = [c // 100 for c in cents]
            where: Iterable[int] = (
                [home_of(c) if rnd() < AT_HOME_STORE else store_ids[int(rnd() * n_stores)] for c in who]
                if homes
                else itertools.repeat(DEFAULT_STORE, k)
            )
            con.executemany(
                insert, zip(who, at, cents, items, pays, points, itertools.repeat(now_s, k), where, strict=True)
            )
            say("purchases", 0.3 + 0.4 * (b + 1) / batches)
        # how each was paid (one method each; stored_value is the card), as schema step 13
        # did for existing purchases: the day's close sums these (in purchase order, so its
        # index on the purchase grows at its end)
        con.execute(
            "INSERT INTO purchase_payment (purchase_id, method, amount_cents) SELECT id, "
            "CASE payment WHEN 'stored_value' THEN 'card' ELSE payment END, amount_cents FROM purchase "
            "WHERE id > ? ORDER BY id",
            (last_purchase,),
        )
        say("indexes", 0.7)
    say("ledger", 0.75)
    # the totals in one pass over the covering (customer, time, amount) index: no sort, and the
    # customers are updated in id order (points_earned is amount // 100 for every demo purchase)
    con.execute(
        """
        UPDATE customer SET total_spend_cents = s.total, purchase_count = s.n,
            first_purchase_at = s.first, last_purchase_at = s.last, points = s.pts
        FROM (SELECT customer_id, SUM(amount_cents) total, COUNT(*) n, MIN(at) first,
                     MAX(at) last, SUM(amount_cents / 100) pts FROM purchase
              WHERE customer_id >= ? GROUP BY customer_id ORDER BY customer_id) s
        WHERE s.customer_id = customer.id""",
        (first_id,),
    )
    con.execute(
        f"""
        INSERT INTO ledger_entry (customer_id, at, kind, balance_delta_cents, points_delta,
                                  balance_after_cents, points_after, reason, store_id)
        SELECT id, {sqlfn.timestamp_param()}, 'import', balance_cents, points, balance_cents, points, '演示数据',
               home_store_id
        FROM customer WHERE id >= ? AND (balance_cents != 0 OR points != 0)""",
        (now_s, first_id),
    )

    say("tags", 0.85)
    tag_ids = []
    for tag in TAGS:
        con.execute("INSERT OR IGNORE INTO tag (name) VALUES (?)", (tag,))
        tag_ids.append(con.execute("SELECT id FROM tag WHERE name = ?", (tag,)).fetchone()[0])
    n_tags = len(tag_ids)
    con.executemany(
        "INSERT OR IGNORE INTO customer_tag (customer_id, tag_id) VALUES (?, ?)",
        [(cid, tag_ids[int(rnd() * n_tags)]) for cid in ids if rnd() < 0.3],
    )

    say("contacts", 0.9)
    year = 365 * 86400
    base = end.hour * 3600 + end.minute * 60 + end.second  # offsets back from the end's midnight
    end_day = (end.date() - start.date()).days
    purposes = ("回访", "生日祝福", "新品通知", "节日问候")
    outcomes = ("满意", "未接通", "约了下周到店", "")
    ratings = (None, None, 4, 5, 3)
    contact_rows = []
    for _ in range(contacts if customers else 0):
        d, s = divmod(base - int(rnd() * year) - 1, 86400)
        cid = first_id + int(rnd() * customers)
        contact_rows.append(
            (
                cid,
                days[end_day + d] + clock_s[s],
                CHANNELS[int(rnd() * 4)],
                purposes[int(rnd() * 4)],
                outcomes[int(rnd() * 4)],
                ratings[int(rnd() * 5)],
                now_s,
                home_of(cid),
            )
        )
    con.executemany(
        """INSERT INTO contact (customer_id, at, channel, purpose, outcome, satisfaction, staff,
                                created_at, store_id) VALUES (?, ?, ?, ?, ?, ?, '', ?, ?)""",
        contact_rows,
    )
    del contact_rows
    con.execute(
        """
        UPDATE customer SET last_contact_at = s.last
        FROM (SELECT customer_id, MAX(at) last FROM contact WHERE customer_id >= ?
              GROUP BY customer_id ORDER BY customer_id) s
        WHERE s.customer_id = customer.id""",
        (first_id,),
    )

    say("complaints", 0.95)
    complaint_rows = []
    for _ in range(complaints if customers else 0):
        cid = first_id + int(rnd() * customers)
        status = COMPLAINT_STATUSES[int(rnd() * 8)]
        done = status in ("resolved", "closed")
        lo, hi = (12 * 86400 + 3600, year) if done else (3600, 6 * 86400)
        received = end - dt.timedelta(seconds=lo + int(rnd() * (hi - lo)))
        severity, hours = DEMO_SEVERITIES[int(rnd() * 4)]
        due = received + dt.timedelta(hours=hours)
        validity = resolved = followup = closed = paused = None
        resolution, satisfaction = "", None
        if done:
            resolved = received + dt.timedelta(minutes=rng.randrange(20, int(hours * 60 * 1.3)))
            followup = (resolved + dt.timedelta(days=3)).date().isoformat()
            validity = rng.choice(("valid", "valid", "valid", "partial", "invalid"))
            resolution = rng.choice(("退货", "换货", "维修", "补偿", "赠品", "道歉说明"))
            if status == "closed":
                closed = resolved + dt.timedelta(days=3, hours=rng.randrange(0, 8))
                satisfaction = rng.choice((5, 5, 4, 4, 4, 3, 2, 1))
        elif status == "waiting":
            paused = received + dt.timedelta(minutes=rng.randrange(10, 60))
        complaint_rows.append(
            (
                cid,
                received.strftime(FMT_TS),
                rng.choice(("到店", "电话", "微信", "线上评价")),
                rng.choice(COMPLAINT_CATEGORIES),
                rng.choice(DEMO_COMPLAINTS),
                status,
                due.strftime(FMT_TS),
                rng.choice(("感情用事", "有备而来", "理性沟通", "其他")),
                severity,
                rng.choice(("小王", "小李", "店长")),
                validity or "",
                rng.randrange(64) if done else rng.randrange(8),
                resolution,
                resolved.strftime(FMT_TS) if resolved else None,
                followup,
                satisfaction,
                closed.strftime(FMT_TS) if closed else None,
                paused.strftime(FMT_TS) if paused else None,
                now_s,
                now_s,
                home_of(cid),
            )
        )
    con.executemany(
        """INSERT INTO complaint (customer_id, received_at, channel, category, key_points, status,
             due_at, temperament, severity, handler, validity, steps, resolution_type,
             resolved_at, followup_due, satisfaction, closed_at, paused_since,
             walkin_name, walkin_mobile, request, validity_reason, resolution_notes,
             paused_seconds, created_at, updated_at, store_id)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '', '', '', '', '', 0,
                   ?, ?, ?)""",
        complaint_rows,
    )
    con.execute("""
        UPDATE customer SET open_complaints = s.n
        FROM (SELECT customer_id, COUNT(*) n FROM complaint
              WHERE status NOT IN ('resolved', 'closed') GROUP BY customer_id) s
        WHERE s.customer_id = customer.id""")
    say("indexes", 0.98)
