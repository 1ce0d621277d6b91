"""``python -m shopcrm import FILE …``: import customers (or, ``--kind purchases``, their purchase history,
shopcrm.excel.purchase_import) from a spreadsheet without the GUI.

Exit code 0 when the file was read (row problems are reported, not fatal), 1 when it cannot be
imported at all (one line on stderr says why), 2 when the database cannot be opened.
"""

from __future__ import annotations

import argparse
import json
import os
import sys

from shopcrm.cli.common import command, open_db


def _import_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", help="the spreadsheet: .xlsx .xlsm .xls .ods .csv .txt")
    p.add_argument(
        "--kind",
        choices=("members", "purchases"),
        default="members",
        help="members (the default) or purchases: the purchase history, matched to customers by mobile, then card",
    )
    p.add_argument("--sheet", help="sheet name (default: the first sheet)")
    p.add_argument("--header-row", type=int, help="1-based header row (default: detected)")
    p.add_argument(
        "--on-duplicate",
        choices=("skip", "fill", "overwrite"),
        default="skip",
        help="existing customers (matched by mobile, then card): skip, fill only empty fields, or overwrite",
    )
    p.add_argument(
        "--balance",
        choices=("replace", "add"),
        default="replace",
        dest="balance_mode",
        help="existing customers' balance and points: replace with or add the file's value",
    )
    p.add_argument(
        "--unknown-to-notes",
        action="store_true",
        help="keep unrecognised columns in the notes instead of ignoring them",
    )
    p.add_argument(
        "--points-as-history",
        action="store_true",
        help="purchases only: import the file's points column as history (ledger entries of kind import, "
        "added to the customers' points); default: points are left as the member import brought them",
    )
    p.add_argument(
        "--store",
        metavar="STORE",
        help="a chain: the store (code, name or id) whose members or purchases these are (new members' home "
        "store, the purchases' store; default: this counter's store)",
    )
    p.add_argument(
        "--store-name",
        metavar="NAME=STORE",
        action="append",
        default=[],
        help="a chain's member sheet: a store name the file writes that is no store here, and the store "
        "(code, name or id) it means, e.g. 总店=本店 (repeatable; a dry run lists the unknown names)",
    )
    p.add_argument("--dry-run", action="store_true", help="check and report, write nothing")
    p.add_argument("--report", metavar="OUT.xlsx", help="save the sheet with a 错误原因 column added")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument("--pin", help="owner PIN (or set SHOPCRM_PIN); needed to write when a PIN is set")


@command("import", _import_args)
def _import(args: argparse.Namespace) -> int:
    from shopcrm.core.errors import Cancelled
    from shopcrm.core.texts import t
    from shopcrm.excel import excel_import as X

    open_db(args)
    store_id = None
    store_names: dict[str, int] = {}
    if args.store or args.store_name:
        from shopcrm import stores
        from shopcrm.core.errors import FieldError

        try:
            store_id = stores.import_store(args.store) if args.store else None
            for pair in args.store_name:
                named, sep, store = pair.partition("=")
                if not sep or not named.strip() or not store.strip():
                    print(f"shopcrm import: {t('cli.imp.store_name_form', pair=pair)}", file=sys.stderr)
                    return 1
                store_names[named.strip()] = stores.import_store(store.strip())
        except FieldError as exc:
            print(f"shopcrm import: {exc}", file=sys.stderr)
            return 1
    if args.kind == "purchases":
        return _import_purchases(args, store_id)
    options = X.ImportOptions(
        store_id=store_id,
        sheet=args.sheet,
        header_row=args.header_row,
        on_duplicate=args.on_duplicate,
        balance_mode=args.balance_mode,
        unknown_to_notes=args.unknown_to_notes,
        store_names=store_names or None,
    )
    from shopcrm.trust import security

    # expected failures, each one line: unreadable file, owner PIN needed (PermissionError) or
    # wrong, the backup before writing failed
    expected: tuple[type[BaseException], ...] = (X.ImportFileError, PermissionError, security.PinError, Cancelled)
    from shopcrm.backup import BackupError

    expected += (BackupError,)
    pin = args.pin or os.environ.get("SHOPCRM_PIN")
    try:
        if pin and not args.dry_run and security.has_pin():
            security.unlock(pin)
        report = X.run(args.file, options, dry_run=args.dry_run)
    except expected as exc:
        print(f"shopcrm import: {' '.join(str(exc).split())}", file=sys.stderr)
        return 1
    if args.report:
        X.save_report_xlsx(report, args.report)
    if args.json:
        data = report.to_json()
        if args.report:
            data["report_file"] = args.report
        print(json.dumps(data, ensure_ascii=False, indent=1))
        return 0
    head = t("cli.imp.dry_run") if report.dry_run else t("cli.imp.done")
    print(f"{head}: {report.summary_text()}")
    for r in report.problems():
        where = t("cli.imp.row", row=r.record) + (f" [{r.column}]" if r.column else "")
        print(f"  {where} {X.class_label(r.cls)}: {r.message}")
    if report.unknown_stores:  # summed up once, with the way to say which store each one is
        names = t("cli.imp.list_sep").join(
            t("cli.imp.store_rows", name=name, rows=n) for name, n in report.unknown_stores.items()
        )
        print(t("cli.imp.unknown_stores", names=names))
    if args.report:
        print(t("cli.imp.report_saved", path=args.report))
    return 0


def _import_purchases(args: argparse.Namespace, store_id: int | None) -> int:
    from shopcrm.backup import BackupError
    from shopcrm.core.errors import Cancelled
    from shopcrm.core.texts import t
    from shopcrm.excel import excel_import as X, purchase_import as P
    from shopcrm.trust import security

    if args.report:
        print(f"shopcrm import: {t('cli.imp.no_report_purchases')}", file=sys.stderr)
        return 1
    expected = (X.ImportFileError, PermissionError, security.PinError, Cancelled, BackupError)
    pin = args.pin or os.environ.get("SHOPCRM_PIN")
    try:
        if pin and not args.dry_run and security.has_pin():
            security.unlock(pin)
        report = P.run(
            args.file,
            sheet=args.sheet,
            header_row=args.header_row,
            dry_run=args.dry_run,
            points_as_history=args.points_as_history,
            store_id=store_id,
        )
    except expected as exc:
        print(f"shopcrm import: {' '.join(str(exc).split())}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(report.to_json(), ensure_ascii=False, indent=1))
        return 0
    head = t("cli.imp.dry_run") if report.dry_run else t("cli.imp.done")
    print(f"{head}: {report.summary_text()}")
    for r in report.problems():
        where = t("cli.imp.row", row=r.record) + (f" [{r.column}]" if r.column else "")
        print(f"  {where} {r.message}")
    return 0


from shopcrm.core import texts as _texts  # noqa: E402  (messages of this module)

_texts.register(
    {
        "cli.imp.dry_run": ("试导入（未写入）", "Dry run (nothing written)"),
        "cli.imp.done": ("导入完成", "Import done"),
        "cli.imp.row": ("第 {row} 行", "Row {row}"),
        "cli.imp.no_report_purchases": (
            "导入消费记录暂不支持 --report，请用 --json 查看每一行的问题",
            "--report is not available for purchases yet: use --json for the problems of each row",
        ),
        "cli.imp.report_saved": ("报告已保存到 {path}", "Report saved to {path}"),
        "cli.imp.unknown_stores": (
            "门店列里这些门店不在本店的门店列表里：{names}。用 --store-name 名字=门店 说明每个是哪家门店（如 总店=本店）",
            "These stores of the store column are not in this shop's list: {names}. Say which store each one "
            "is with --store-name NAME=STORE (e.g. 总店=本店)",
        ),
        "cli.imp.store_name_form": (
            "--store-name {pair}：应写成 名字=门店（NAME=STORE），如 总店=本店",
            "--store-name {pair}: write NAME=STORE, e.g. 总店=本店",
        ),
        "cli.imp.store_rows": ("“{name}” {rows} 行", "“{name}” {rows} rows"),
        "cli.imp.list_sep": ("、", ", "),
    }
)
