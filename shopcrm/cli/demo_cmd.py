"""``python -m shopcrm demo``: fill the open database with generated customers and purchases."""

from __future__ import annotations

import argparse
import time

from shopcrm.cli.common import command, open_db


def _demo_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--customers", type=int, default=1000)
    p.add_argument("--purchases", type=int, default=10000)
    p.add_argument("--complaints", type=int, default=None)
    p.add_argument("--seed", type=int, default=1)


@command("demo", _demo_args)
def _demo(args: argparse.Namespace) -> int:
    from shopcrm.demo import generate

    open_db(args)
    started = time.perf_counter()
    generate(args.customers, args.purchases, seed=args.seed, complaints=args.complaints)
    print(f"demo: {args.customers} customers, {args.purchases} purchases in {time.perf_counter() - started:.1f} s")
    return 0
