"""``python -m shopcrm demo``: fill the open database with generated customers and purchases."""

from __future__ import annotations

import argparse
import time

from shopcrm.cli.common import command, open_db
from shopcrm.core.texts import register, t

register({"cli.demo.stores": ("--stores 至少为 1（{n} 不行）", "--stores must be at least 1 (not {n})")})


def _demo_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--customers", type=int, default=1000)
    p.add_argument("--purchases", type=int, default=10000)
    p.add_argument("--complaints", type=int, default=None)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument(
        "--stores",
        type=int,
        default=1,
        help="a chain: this many stores (本店 and more, made when missing), members and sales spread over them",
    )


@command("demo", _demo_args)
def _demo(args: argparse.Namespace) -> int:
    from shopcrm.demo import generate

    if args.stores < 1:  # refused before a database is opened (or made)
        print(t("cli.demo.stores", n=args.stores))
        return 2
    open_db(args)
    started = time.perf_counter()
    generate(args.customers, args.purchases, seed=args.seed, complaints=args.complaints, stores=args.stores)
    where = f" in {args.stores} stores" if args.stores > 1 else ""
    print(
        f"demo: {args.customers} customers, {args.purchases} purchases{where} in {time.perf_counter() - started:.1f} s"
    )
    return 0
