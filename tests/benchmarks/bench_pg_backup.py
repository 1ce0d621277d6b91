"""Backups of a PostgreSQL shop (issue #18) against the bare tools, on a server of its own.

    python tests/benchmarks/bench_pg_backup.py [--customers N] [--purchases N]

A throw-away server (tests/pg_server.py) gets a ShopCRM schema filled with N customers, N ledger
entries and P purchases (INSERT … SELECT generate_series, triggers off). Each figure is printed
beside its floor measured in the same run on the same database:

- the copy (``pg_dump --format=custom`` into the ``.part``, what a caller waits for) against a bare
  ``pg_dump -Fc -f FILE``;
- the seal (pg_restore --list, the mark, every data block read) against a bare
  ``pg_restore -f /dev/null``;
- listing (the dump's mark, settings and live customers read with pg_restore) — first and cached;
- the restore into a new database (``pg_restore --single-transaction`` and the row counts of every
  table compared) against a bare ``createdb`` + ``pg_restore --single-transaction``.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve()
sys.path.insert(0, str(HERE.parents[2]))
sys.path.insert(0, str(HERE.parents[1]))  # tests/: pg_server


def fill(url: str, customers: int, purchases: int) -> None:
    from shopcrm.store import pg_backup as pg

    con = pg.connect(url)
    with con.cursor() as cur:
        cur.execute("SET session_replication_role = replica")  # no triggers, no FK checks: a bulk fill
        cur.execute(
            """INSERT INTO customer (name, name_sort, mobile, mobile_rev, phone2, gender, lunar_leap,
                   balance_cents, points, pref_text, pref_channel, pref_time, pref_products, pref_taste,
                   address, wechat, source, notes, total_spend_cents, purchase_count, open_complaints,
                   consent_marketing, created_at, updated_at, joined_on)
               SELECT '顾客' || i, 'gu ke ' || i, '139' || lpad(i::text, 8, '0'),
                   reverse('139' || lpad(i::text, 8, '0')), '', '', FALSE, i %% 5000, i %% 300, '', '', '',
                   '', '', '', '', '', '', 0, 0, 0, FALSE, now(), now(), current_date
               FROM generate_series(1, %s) AS i""",
            (customers,),
        )
        cur.execute(
            """INSERT INTO ledger_entry (customer_id, at, kind, balance_delta_cents, points_delta,
                   balance_after_cents, points_after, reason)
               SELECT i, now(), 'topup', i %% 5000, i %% 300, i %% 5000, i %% 300, '' FROM generate_series(1, %s) AS i""",
            (customers,),
        )
        cur.execute(
            """INSERT INTO purchase (customer_id, at, amount_cents, items, payment, points_earned, note, created_at)
               SELECT 1 + (i %% %s), now() - (i || ' minutes')::interval, 100 + i %% 9000, '商品', 'cash', 0, '', now()
               FROM generate_series(1, %s) AS i""",
            (customers, purchases),
        )
        cur.execute("ANALYZE")
    con.close()


def seconds(fn) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--purchases", type=int, default=1_000_000)
    args = parser.parse_args()

    from pg_server import PgServer

    import shopcrm.store.models  # noqa: F401  (the models a new PostgreSQL schema is made from)
    from shopcrm import backup
    from shopcrm.store import pg_backup as pg
    from shopcrm.store.db import close_database, open_database

    server = PgServer().start()
    try:
        url = server.new_database()
        open_database(url)
        close_database()
        began = time.perf_counter()
        fill(url, args.customers, args.purchases)
        print(
            f"filled {args.customers:,} customers, {args.purchases:,} purchases in {time.perf_counter() - began:.1f} s"
        )
        work = Path(tempfile.mkdtemp(prefix="shopcrm-bench-pg-"))
        dump_bin, restore_bin = str(pg.tool("pg_dump")), str(pg.tool("pg_restore"))
        env = pg.tool_env(url)

        bare = work / "bare.pgdump"
        floor_dump = seconds(
            lambda: subprocess.run([dump_bin, "-Fc", "-f", str(bare), "--dbname", url], check=True, env=env)
        )
        floor_read = seconds(lambda: subprocess.run([restore_bin, "-f", os.devnull, str(bare)], check=True, env=env))

        open_database(url)
        try:
            settings = backup.get_settings()
            pending = backup.start_backup("manual", folder=work / "backups", settings=settings, background=False)
            listed_first = seconds(lambda: backup.list_backups(work / "backups"))
            listed_again = seconds(lambda: backup.list_backups(work / "backups"))
            quick = seconds(lambda: backup.check_backup(pending.path))
        finally:
            close_database()
        size = pending.path.stat().st_size

        target = server.url("bench_restored")
        ours_restore = seconds(lambda: backup.restore_into_database(pending.path, target))
        bare_target = server.url("bench_bare")

        def bare_restore():
            subprocess.run([str(pg.tool("createdb")), "-T", "template0", "--maintenance-db", url, "bench_bare"],
                           check=True, env=env)  # fmt: skip
            subprocess.run(
                [restore_bin, "--no-owner", "--no-acl", "--exit-on-error", "--single-transaction", "-d", bare_target,
                 str(pending.path)],
                check=True, env=env,
            )  # fmt: skip

        floor_restore = seconds(bare_restore)

        print(f"dump size: {size / 1_048_576:.1f} MB")
        print(
            f"copy (pg_dump into .part)     {pending.timings['copy']:7.2f} s   floor: bare pg_dump -Fc {floor_dump:7.2f} s"
        )
        print(f"on disk (fsync + rename)      {pending.timings['durable']:7.2f} s")
        print(
            f"seal (list, mark, read all)   {pending.timings['check']:7.2f} s   floor: bare pg_restore -f /dev/null {floor_read:7.2f} s"
        )
        print(f"quick check before a restore  {quick:7.2f} s")
        print(f"list (first / cached)         {listed_first:7.2f} s / {listed_again:.3f} s")
        print(
            f"restore into a new database   {ours_restore:7.2f} s   floor: bare createdb + pg_restore {floor_restore:7.2f} s"
        )
    finally:
        server.stop()


if __name__ == "__main__":
    main()
