"""``python -m shopcrm regrade``: recompute grades, RFM scores, value types and lifecycle stages
headless (e.g. from a scheduled task), and print the composition."""

from __future__ import annotations

import argparse
import time

from shopcrm import grading
from shopcrm.cli.common import command, open_db
from shopcrm.core.texts import register, t

register(
    {
        "grading.cli_done": (
            "评级完成：{graded} 位客户，{changed} 位有变化，用时 {seconds:.1f} 秒；"
            "A 类 {a} 位，B 类 {b} 位，C 类 {c} 位；{upgraded} 位升级",
            "Graded {graded} customers, {changed} changed, in {seconds:.1f} s; "
            "A {a}, B {b}, C {c}; {upgraded} level upgrade(s)",
        ),
        "grading.cli_fresh": ("评级是最新的（{at}），无需重新计算", "Grades are current ({at}); nothing to do"),
    }
)


def _args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--if-stale", action="store_true", help="only when the last regrade is stale")


@command("regrade", _args)
def _regrade(args: argparse.Namespace) -> int:
    open_db(args)
    started = time.perf_counter()
    result = grading.regrade_if_stale() if args.if_stale else grading.regrade()
    if result is None:
        print(t("grading.cli_fresh", at=grading.last_run()))
        return 0
    print(
        t(
            "grading.cli_done",
            graded=result.graded,
            changed=result.changed,
            seconds=time.perf_counter() - started,
            a=result.grades["A"],
            b=result.grades["B"],
            c=result.grades["C"],
            upgraded=result.upgraded_levels,
        )
    )
    return 0
