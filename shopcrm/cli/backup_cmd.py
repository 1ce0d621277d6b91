"""``python -m shopcrm backup [--db PATH|URL] [--to DIR] [--list]`` and
``python -m shopcrm restore BACKUP [--db PATH|URL] [--pin PIN] [--into URL] [--replace]``.

Both are synchronous: ``backup`` copies, fsyncs, runs ``PRAGMA integrity_check`` and renames the
backup into place before it exits (and first checks copies an earlier run left unverified),
printing each step; ``restore`` checks the backup first (integrity_check when it was never
sealed) and waits for the check of the backup it makes of the data from before.

On PostgreSQL the copy is ``pg_dump --format=custom`` and the check ``pg_restore`` reading all of
it. A dump is restored into an empty database: a new one (``--into URL``, created when missing),
or the open one dropped and created again (``--replace``: it says so first, and needs the rights
to drop and create the database)."""

from __future__ import annotations

import argparse
import os
import sys

from shopcrm.cli.common import command, open_db


def _backup_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--to", metavar="DIR", help="backup folder (default: the configured one)")
    p.add_argument("--list", action="store_true", help="list the backups instead of making one")


@command("backup", _backup_args)
def _backup(args: argparse.Namespace) -> int:
    from pathlib import Path

    from shopcrm import backup
    from shopcrm.trust import audit

    open_db(args)
    folder = Path(args.to).expanduser() if args.to else None
    if args.list:
        for info in backup.list_backups(folder):
            count = "?" if info.customers is None else info.customers
            version = "?" if info.schema_version is None else info.schema_version
            print(
                f"{info.created:%Y-%m-%d %H:%M:%S}  {info.kind_text:8s}  {count:>8} 客户  "
                f"{info.size / 1_048_576:8.1f} MB  版本 {version:>3}  {_which(info):10s}  "
                f"{info.status_text:6s}  {info.file}"
            )
        return 0
    # fully synchronous: copies an earlier run left unsealed are checked first, then the new
    # backup is copied, fsync'ed, checked with integrity_check and renamed into place
    target = folder or backup.get_settings().folder
    failed = False
    for pending in backup.resume_unsealed(target, db_path=backup.current_db_path(), background=False):
        if pending.verified:
            print(f"补做完整性检查（integrity_check）：{_secs(pending, 'check')}，通过：{pending.path}")
        else:
            failed = True
            print(f"shopcrm: {pending.error}", file=sys.stderr)
    try:
        pending = backup.start_backup("manual", folder=folder, background=False)
    except backup.BackupError as exc:
        print(f"shopcrm: {exc}", file=sys.stderr)
        return 1
    audit.log("backup", detail=str(pending.path))
    dump = pending.path.suffix == backup.PG_EXT
    print(f"复制（{'pg_dump' if dump else '一致快照'}）：{_secs(pending, 'copy')}")
    print(f"写入磁盘（fsync）：{_secs(pending, 'durable')}")
    print(f"完整性检查（{'pg_restore' if dump else 'integrity_check'}）：{_secs(pending, 'check')}，通过")
    print(f"已备份：{pending.path}")
    return 1 if failed else 0


def _secs(pending, step: str) -> str:
    return f"{pending.timings.get(step, 0.0):.2f} 秒"


def _which(info) -> str:
    """Which database a listed backup is of: this one, the demo, another shop's, or unknown."""
    if info.identity is None or info.identity.db_id is None:
        return "来源不明"
    if info.is_of_open_database():
        return "本数据库"
    if info.identity.demo:
        return "演示数据"
    return f"其他：{info.identity.shop_name or info.identity.db_id[:8]}"


def _restore_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("backup_file", metavar="BACKUP", help="a backup file to restore")
    p.add_argument("--pin", help="owner PIN (or set SHOPCRM_PIN); needed when a PIN is set")
    p.add_argument(
        "--confirm-name",
        metavar="SHOP",
        help="the shop's name: restores a backup of another database (the demo, another "
        "shop's file, a backup older than database ids)",
    )
    p.add_argument(
        "--into",
        metavar="URL",
        help="PostgreSQL: restore the dump into this new (or empty) database instead of the open one",
    )
    p.add_argument(
        "--replace",
        action="store_true",
        help="PostgreSQL: restore into the --db database itself, which is dropped and created again "
        "(needs the rights to; a backup of it is made first)",
    )


@command("restore", _restore_args)
def _restore(args: argparse.Namespace) -> int:
    from pathlib import Path

    from shopcrm import backup
    from shopcrm.core.paths import PgUrl, parse_db_location, resolve_db_location
    from shopcrm.trust import security

    if args.into:
        into = parse_db_location(args.into)
        if not isinstance(into, PgUrl):
            print("shopcrm: --into takes a postgresql:// URL", file=sys.stderr)
            return 1
        try:
            counts = backup.restore_into_database(Path(args.backup_file), into)
        except backup.BackupError as exc:
            print(f"shopcrm: {exc}", file=sys.stderr)
            return 1
        print(f"{args.backup_file} -> {into.display}")
        print(f"已核对 {len(counts)} 张表的行数，与备份相同（客户表 {counts.get('customer', 0)} 行）")
        return 0
    target = resolve_db_location(getattr(args, "db", None))
    if isinstance(target, PgUrl):
        if not args.replace:
            name = backup.pg.database_name(target)
            print(
                f"shopcrm: 恢复到“{name}”会删除并重新创建这个数据库（之前先备份）。确实要这样做，请加 --replace；"
                f"或者用 --into URL 恢复到一个新数据库。 / Restoring into “{name}” drops and creates it "
                "again (after a backup of it): add --replace to do so, or restore into a new database "
                "with --into URL.",
                file=sys.stderr,
            )
            return 1
    elif not target.exists():
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
        safety = backup.restore(Path(args.backup_file), confirm_name=args.confirm_name)
    except (backup.BackupError, PermissionError, security.PinError) as exc:
        print(f"shopcrm: {exc}", file=sys.stderr)
        return 1
    print(f"{args.backup_file} -> {target.display if isinstance(target, PgUrl) else target}")
    if safety is not None:
        # synchronous like `backup`: the backup of the data from before is checked before we exit
        try:
            safety.wait_sealed()
        except backup.BackupError as exc:  # the restore itself is done
            print(f"shopcrm: {exc}", file=sys.stderr)
        else:
            print(f"此前的数据已备份并通过完整性检查：{safety.path}")
    return 0
