"""Deterministic, realistic Chinese demo data (names, mobiles, lunar birthdays, purchases…).

Used by new users to look around and by the benchmarks: 100k customers and 1M purchases are
written with raw ``executemany`` in one transaction, then aggregates are computed in SQL.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

from shopcrm.core import clock
from shopcrm.customers import fill_missing_sort_keys, rebuild_search_keys
from shopcrm.store.db import database, indexes_rebuilt

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


def _name(rng: random.Random) -> tuple[str, str]:
    gender = "F" if rng.random() < 0.6 else "M"
    surname = rng.choice(COMPOUND_SURNAMES) if rng.random() < 0.01 else rng.choice(SURNAMES)
    pool = GIVEN_F if gender == "F" else GIVEN_M
    given = rng.choice(pool) + (rng.choice(pool) if rng.random() < 0.7 else "")
    return surname + given, gender


def generate(
    customers: int = 1000,
    purchases: int = 10000,
    *,
    seed: int = 1,
    complaints: int | None = None,
    contacts: int | None = None,
    today: dt.date | None = None,
    progress: Callable[[str, float], None] | None = None,
) -> None:
    """Fill the open database with demo data (adds to whatever is there)."""
    rng = random.Random(seed)
    today = today or clock.today()
    now_s = f"{today.isoformat()} 09:00:00"
    complaints = customers // 50 if complaints is None else complaints
    contacts = customers // 2 if contacts is None else contacts
    say = progress or (lambda stage, frac: None)
    con = database.connection()
    levels = [r[0] for r in database.execute_sql("SELECT id FROM level ORDER BY rank").fetchall()]
    used = {r[0] for r in database.execute_sql("SELECT mobile FROM customer").fetchall()}
    first_id = (database.execute_sql("SELECT COALESCE(MAX(id), 0) FROM customer").fetchone()[0]) + 1

    with database.atomic():  # noqa: SIM117 - one with per line keeps the comment beside its block
        # a bulk load: the indexes of the big tables are built once, by sorting, at the end
        with indexes_rebuilt(("customer", "search_key", "contact", "complaint", "ledger_entry")):
            say("customers", 0.0)
            rows, names = [], []
            for i in range(customers):
                cid = first_id + i
                name, gender = _name(rng)
                while True:
                    mobile = rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"
                    if mobile not in used:
                        used.add(mobile)
                        break
                card = f"{cid:08d}" if rng.random() < 0.7 else None
                birthday = lunar_m = lunar_d = lunar_y = mmdd = None
                leap = 0
                r = rng.random()
                if r < 0.70:
                    b = dt.date(rng.randint(1955, 2006), rng.randint(1, 12), rng.randint(1, 28))
                    birthday, mmdd = b.isoformat(), b.month * 100 + b.day
                elif r < 0.85:
                    lunar_m, lunar_d = rng.randint(1, 12), rng.randint(1, 30)
                    lunar_y = rng.randint(1960, 2000) if rng.random() < 0.5 else None
                    mmdd = lunar_m * 100 + lunar_d
                wr = rng.random()
                level = levels[0 if wr < 0.6 else 1 if wr < 0.85 else 2 if wr < 0.97 else 3] if levels else None
                balance = rng.randrange(0, 500_000) if rng.random() < 0.4 else 0
                joined = today - dt.timedelta(days=rng.randrange(30, 1500))
                rows.append(
                    (
                        cid,
                        card,
                        name,
                        mobile,
                        mobile[::-1],
                        gender,
                        birthday,
                        lunar_m,
                        lunar_d,
                        leap,
                        lunar_y,
                        mmdd,
                        level,
                        balance,
                        rng.choice(SOURCES),
                        1 if rng.random() < 0.92 else 0,
                        joined.isoformat(),
                        f"{joined.isoformat()} 10:00:00",
                        now_s,
                        rng.choice(("", "", "", "喜欢素色", "怕辣", "偏爱绿茶", "周末来")),
                        rng.choice(("", "wechat", "phone", "sms")),
                    )
                )
                names.append((cid, name))
            con.executemany(
                """INSERT INTO customer (id, card_no, name, mobile, mobile_rev, phone2, gender, birthday,
                     lunar_month, lunar_day, lunar_leap, lunar_year, birth_mmdd, level_id, balance_cents,
                     points, pref_text, pref_channel, pref_time, pref_products, pref_taste, address,
                     wechat, source, notes, consent_marketing, joined_on, total_spend_cents,
                     purchase_count, open_complaints, created_at, updated_at)
                   VALUES (?, ?, ?, ?, ?, '', ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, '', '', '', '', '', ?,
                           '', ?, ?, 0, 0, 0, ?, ?)""",
                [
                    (
                        r[0],
                        r[1],
                        r[2],
                        r[3],
                        r[4],
                        r[5],
                        r[6],
                        r[7],
                        r[8],
                        r[9],
                        r[10],
                        r[11],
                        r[12],
                        r[13],
                        r[19],
                        r[20],
                        r[14],
                        r[15],
                        r[16],
                        r[17],
                        r[18],
                    )
                    for r in rows
                ],
            )
            say("search keys", 0.15)
            rebuild_search_keys(names)
            fill_missing_sort_keys()

            say("purchases", 0.3)
            last_purchase = con.execute("SELECT COALESCE(MAX(id), 0) FROM purchase").fetchone()[0]
            with indexes_rebuilt(("purchase",)):  # back before the totals read them
                # a skewed spend distribution: a few customers buy a lot (what ABC grading is about)
                weights = [rng.paretovariate(1.2) for _ in range(customers)]
                chosen = rng.choices(range(first_id, first_id + customers), weights=weights, k=purchases)
                span = 730 * 86400
                end = dt.datetime.combine(today, dt.time(21, 0))
                batch = []
                for k, cid in enumerate(chosen):
                    at = end - dt.timedelta(seconds=rng.randrange(span))
                    amount = int(rng.lognormvariate(9.6, 0.8))  # cents; median ~150 yuan
                    batch.append(
                        (
                            cid,
                            at.strftime("%Y-%m-%d %H:%M:%S"),
                            amount,
                            rng.choice(ITEMS),
                            rng.choice(PAYMENTS),
                            amount // 100,
                        )
                    )
                    if len(batch) >= 50_000:
                        _insert_purchases(con, batch, now_s)
                        batch.clear()
                        say("purchases", 0.3 + 0.5 * k / max(purchases, 1))
                _insert_purchases(con, batch, now_s)
                # how each was paid (one method each; stored_value is the card), as schema step 13
                # did for existing purchases: the day's close sums these
                con.execute(
                    "INSERT INTO purchase_payment (purchase_id, method, amount_cents) SELECT id, "
                    "CASE payment WHEN 'stored_value' THEN 'card' ELSE payment END, amount_cents FROM purchase "
                    "WHERE id > ?",
                    (last_purchase,),
                )

            say("ledger", 0.8)
            database.execute_sql(
                """
                UPDATE customer SET total_spend_cents = s.total, purchase_count = s.n,
                    first_purchase_at = s.first, last_purchase_at = s.last, points = s.pts
                FROM (SELECT customer_id, SUM(amount_cents) total, COUNT(*) n, MIN(at) first,
                             MAX(at) last, SUM(points_earned) pts FROM purchase
                      WHERE customer_id >= ? GROUP BY customer_id) s
                WHERE s.customer_id = customer.id""",
                (first_id,),
            )
            database.execute_sql(
                """
                INSERT INTO ledger_entry (customer_id, at, kind, balance_delta_cents, points_delta,
                                          balance_after_cents, points_after, reason)
                SELECT id, ?, 'import', balance_cents, points, balance_cents, points, '演示数据'
                FROM customer WHERE id >= ? AND (balance_cents != 0 OR points != 0)""",
                (now_s, first_id),
            )

            say("tags", 0.85)
            tag_ids = []
            for t in TAGS:
                database.execute_sql("INSERT OR IGNORE INTO tag (name) VALUES (?)", (t,))
                tag_ids.append(database.execute_sql("SELECT id FROM tag WHERE name = ?", (t,)).fetchone()[0])
            con.executemany(
                "INSERT OR IGNORE INTO customer_tag (customer_id, tag_id) VALUES (?, ?)",
                [(cid, rng.choice(tag_ids)) for cid in range(first_id, first_id + customers) if rng.random() < 0.3],
            )

            say("contacts", 0.9)
            contact_rows = []
            for _ in range(contacts):
                cid = rng.randrange(first_id, first_id + customers)
                at = end - dt.timedelta(seconds=rng.randrange(365 * 86400))
                contact_rows.append(
                    (
                        cid,
                        at.strftime("%Y-%m-%d %H:%M:%S"),
                        rng.choice(CHANNELS),
                        rng.choice(("回访", "生日祝福", "新品通知", "节日问候")),
                        rng.choice(("满意", "未接通", "约了下周到店", "")),
                        rng.choice((None, None, 4, 5, 3)),
                        now_s,
                    )
                )
            con.executemany(
                """INSERT INTO contact (customer_id, at, channel, purpose, outcome, satisfaction, staff,
                                        created_at) VALUES (?, ?, ?, ?, ?, ?, '', ?)""",
                contact_rows,
            )
            database.execute_sql(
                """
                UPDATE customer SET last_contact_at = s.last
                FROM (SELECT customer_id, MAX(at) last FROM contact GROUP BY customer_id) s
                WHERE s.customer_id = customer.id AND customer.id >= ?""",
                (first_id,),
            )

            say("complaints", 0.95)
            complaint_rows = []
            fmt_ts = "%Y-%m-%d %H:%M:%S"
            for _ in range(complaints):
                cid = rng.randrange(first_id, first_id + customers)
                status = rng.choice(
                    ("new", "in_progress", "waiting", "resolved", "closed", "closed", "closed", "closed")
                )
                done = status in ("resolved", "closed")
                received = end - dt.timedelta(
                    seconds=rng.randrange((12 if done else 0) * 86400 + 3600, 365 * 86400 if done else 6 * 86400)
                )
                severity, hours = rng.choice(DEMO_SEVERITIES)
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
                        received.strftime(fmt_ts),
                        rng.choice(("到店", "电话", "微信", "线上评价")),
                        rng.choice(COMPLAINT_CATEGORIES),
                        rng.choice(DEMO_COMPLAINTS),
                        status,
                        due.strftime(fmt_ts),
                        rng.choice(("感情用事", "有备而来", "理性沟通", "其他")),
                        severity,
                        rng.choice(("小王", "小李", "店长")),
                        validity or "",
                        rng.randrange(64) if done else rng.randrange(8),
                        resolution,
                        resolved.strftime(fmt_ts) if resolved else None,
                        followup,
                        satisfaction,
                        closed.strftime(fmt_ts) if closed else None,
                        paused.strftime(fmt_ts) if paused else None,
                        now_s,
                        now_s,
                    )
                )
            con.executemany(
                """INSERT INTO complaint (customer_id, received_at, channel, category, key_points, status,
                     due_at, temperament, severity, handler, validity, steps, resolution_type,
                     resolved_at, followup_due, satisfaction, closed_at, paused_since,
                     walkin_name, walkin_mobile, request, validity_reason, resolution_notes,
                     paused_seconds, created_at, updated_at)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '', '', '', '', '', 0,
                           ?, ?)""",
                complaint_rows,
            )
            database.execute_sql("""
                UPDATE customer SET open_complaints = s.n
                FROM (SELECT customer_id, COUNT(*) n FROM complaint
                      WHERE status NOT IN ('resolved', 'closed') GROUP BY customer_id) s
                WHERE s.customer_id = customer.id""")
    say("done", 1.0)


def _insert_purchases(con, batch, now_s):
    con.executemany(
        """INSERT INTO purchase (customer_id, at, amount_cents, items, payment, points_earned, note,
                                 created_at) VALUES (?, ?, ?, ?, ?, ?, '', ?)""",
        [(*b, now_s) for b in batch],
    )
