"""Headless commands: ``python -m shopcrm demo|import|export|backup|restore|today|regrade|topup|sale|refund|close-day|send|channel|segment|campaign|coupon|package|points|move-db|store …``.

One module per command group (``*_cmd``), each registering its commands with
:func:`shopcrm.cli.common.command`; :data:`COMMAND_MODULES` is the explicit list of them, so the
parser knows every command without importing anything by name at run time."""

from __future__ import annotations

import argparse
import logging
import sys

import shopcrm.backup  # noqa: F401  (its pre-migration backup guards every command's open)
from shopcrm.cli import (
    backup_cmd,
    campaign_cmd,
    care_cmd,
    demo_cmd,
    export_cmd,
    grading_cmd,
    import_cmd,
    loyalty_cmd,
    money_cmd,
    move_cmd,
    segment_cmd,
    send_cmd,
    store_cmd,
)
from shopcrm.cli.common import COMMANDS, DB_HELP
from shopcrm.core import logs, texts
from shopcrm.core.paths import DbLocationError, data_dir
from shopcrm.store.db import DatabaseOpenError, close_database

COMMAND_MODULES = (
    demo_cmd,
    import_cmd,
    export_cmd,
    backup_cmd,
    care_cmd,
    grading_cmd,
    money_cmd,
    send_cmd,
    segment_cmd,
    campaign_cmd,
    loyalty_cmd,
    move_cmd,
    store_cmd,
)

log = logging.getLogger(__name__)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="shopcrm", description="ShopCRM 店铺客户关系管理")
    parser.add_argument("--lang", default="zh_CN", help="zh_CN (default) or en")
    sub = parser.add_subparsers(dest="command", required=True)
    for name, (add_arguments, _run) in COMMANDS.items():
        p = sub.add_parser(name)
        p.add_argument("--db", help=DB_HELP)
        add_arguments(p)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logs.setup(data_dir())
    texts.set_language(args.lang)
    log.info("command %s", args.command)
    try:
        return COMMANDS[args.command][1](args)
    except (DatabaseOpenError, DbLocationError) as exc:
        log.warning("command %s: %s", args.command, exc)
        print(f"shopcrm: {exc}", file=sys.stderr)
        return 2
    except Exception:
        log.exception("command %s failed", args.command)
        raise
    finally:
        # the last connection closing copies the WAL into the file and removes it (a large
        # import commits without that checkpoint: shopcrm.store.db.checkpoint_deferred)
        close_database()


if __name__ == "__main__":
    raise SystemExit(main())
