"""``python -m shopcrm backup [--db PATH] [--to DIR] [--list]`` and
``python -m shopcrm restore BACKUP [--db PATH] [--pin PIN]``."""

from __future__ import annotations

import argparse
import os
import sys

from shopcrm.cli import command, open_db


def _backup_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--to", metavar="DIR", help="backup folder (default: the configured one)")
    p.add_argument("--list", action="store_true", help="list the backups instead of making one")


@command("backup", _backup_args)
def _backup(args: argparse.Namespace) -> int:
    from pathlib import Path

    from shopcrm import audit, backup

    open_db(args)
    folder = Path(args.to).expanduser() if args.to else None
    if args.list:
        for info in backup.list_backups(folder):
            count = "?" if info.customers is None else info.customers
            print(f"{info.created:%Y-%m-%d %H:%M:%S}  {info.kind_text:8s}  {count:>8} 客户  "
                  f"{info.size / 1_048_576:8.1f} MB  {info.path}")
        return 0
    try:
        path = backup.make_backup("manual", folder=folder)
    except backup.BackupError as exc:
        print(f"shopcrm: {exc}", file=sys.stderr)
        return 1
    audit.log("backup", detail=str(path))
    print(path)
    return 0


def _restore_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("backup_file", metavar="BACKUP", help="a backup file to restore")
    p.add_argument("--pin", help="owner PIN (or set SHOPCRM_PIN); needed when a PIN is set")


@command("restore", _restore_args)
def _restore(args: argparse.Namespace) -> int:
    from pathlib import Path

    from shopcrm import backup, security
    from shopcrm.paths import resolve_db_path

    target = resolve_db_path(getattr(args, "db", None))
    if not target.exists():
        # nothing to back up or to protect: put the verified backup in place
        try:
            backup.restore_into_path(Path(args.backup_file), target)
        except backup.BackupError as exc:
            print(f"shopcrm: {exc}", file=sys.stderr)
            return 1
        print(f"{args.backup_file} -> {target}")
        return 0
    open_db(args)
    pin = args.pin or os.environ.get("SHOPCRM_PIN")
    try:
        if security.has_pin():
            if not pin:
                raise security.OwnerRequired("restore")
            security.unlock(pin)
        safety = backup.restore(Path(args.backup_file))
    except (backup.BackupError, PermissionError, security.PinError) as exc:
        print(f"shopcrm: {exc}", file=sys.stderr)
        return 1
    print(f"{args.backup_file} -> {target}" + (f"  (此前的数据已备份到 {safety})" if safety else ""))
    return 0
