"""Import the purchase history of the old program (issue 16): one row per purchase with a date, the
customer's mobile or card, the amount, the items and how it was paid.

The file is read by the member importer's reader (:func:`shopcrm.excel.excel_import.read_sheet`:
the file guard, the visible sheet, CSV encodings, HTML and TSV saved as .xls); the header is the
first row naming three or more purchase columns (:data:`PURCHASE_HEADERS`, Chinese and English;
the mobile and card columns also by the member synonym table).

Every row is one of:

- imported (``IMPORTED``): matched to a customer by mobile, then by card;
- a duplicate (``DUPLICATE``): the same customer, date-time, amount and items is already stored.
  Counted as a multiset: a file with two identical rows imports both, and importing it again skips
  both (a re-import adds nothing);
- an error (``ERROR``): no date, a date in the future or on a closed day, no amount, an unusable
  mobile or card, no customer with that mobile or card (``no_match``), a customer in the recycle
  bin or erased;
- not a purchase, reported and never imported: a 合计 / 总计 line (``SKIPPED_SUMMARY``), a 散客 row
  with neither mobile nor card (``SKIPPED_WALK_IN``), an empty row (``SKIPPED_BLANK``).

A negative amount is a return: stored as a purchase row of that negative amount, it lowers the
customer's total spend (and the day's sales of its payment method); it is not a purchase in the
count or the first / last purchase.

Writing is one transaction after a backup (as the member import): the purchases by
``executemany``, one ``purchase_payment`` row each for its method (``stored_value`` is ``card``,
as shopcrm.sales.counter writes it; the card balance is not touched: the member import brought
the balance as it is now), the aggregates of the customers touched rebuilt by
:func:`shopcrm.sales.activity.recompute_aggregates`, automatic member levels raised. Grades follow
at the next regrade, which picks up new purchases incrementally. A dry run, an error or Cancel
leaves the database unchanged.

Points, by default, are neither earned again by the shop's rule nor read from the file: the member
import brought every customer's points as they are now, and earning them again would count them
twice. With ``points_as_history`` (CLI ``--points-as-history``, the wizard's checkbox) the file's
points column (积分, 本次积分…) is imported as history: each purchase keeps its points
(``purchase.points_earned``) and gets a ledger entry of kind ``import`` adding them to the
customer's points (a return's negative points take them back). That is for a shop whose member
file had no points column (or that imported its members' points as 0): otherwise the points are
counted twice.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from shopcrm.core import clock, texts
from shopcrm.core.errors import FieldError, check_progress
from shopcrm.core.money import fmt
from shopcrm.core.normalize import (
    MAX_TEXT,
    MOBILE_RE,
    cell_text,
    check_text,
    match_header,
    nfkc,
    normalize_card,
    normalize_header,
    normalize_mobile,
    parse_int,
    parse_money,
)
from shopcrm.core.texts import t
from shopcrm.excel import excel_import as X
from shopcrm.store import sqlfn, stores
from shopcrm.store.db import checkpoint_deferred, database, executemany, lock_against_writes, page_cache, raw_connection
from shopcrm.store.models import ImportRun, now, sql_ts

log = logging.getLogger(__name__)

KIND = "purchases"
WALK_IN = "SKIPPED_WALK_IN"
IMPORTED, DUPLICATE, ERROR, BLANK, SUMMARY = X.IMPORTED, X.DUPLICATE, X.ERROR, X.BLANK, X.SUMMARY
SKIPPED = (BLANK, SUMMARY, WALK_IN)
COLUMNS = ("date", "mobile", "card_no", "amount", "items", "payment", "points", "name", "note")
PURCHASE_HEADERS: dict[str, tuple[str, ...]] = {
    "date": (
        "日期",
        "消费日期",
        "消费时间",
        "时间",
        "交易时间",
        "交易日期",
        "销售日期",
        "销售时间",
        "购买日期",
        "购买时间",
        "单据日期",
        "下单时间",
        "结账时间",
        "date",
        "time",
        "datetime",
        "purchase date",
        "sale date",
        "purchased at",
    ),
    "amount": (
        "金额",
        "消费金额",
        "实收金额",
        "实收",
        "实付金额",
        "实付",
        "交易金额",
        "销售金额",
        "应收金额",
        "本次消费",
        "amount",
        "total",
        "sum paid",
        "paid",
        "purchase amount",
    ),
    "items": (
        "商品",
        "商品名称",
        "消费项目",
        "项目",
        "品名",
        "消费内容",
        "明细",
        "消费明细",
        "服务项目",
        "购买商品",
        "items",
        "item",
        "product",
        "products",
        "goods",
        "description",
    ),
    "payment": (
        "支付方式",
        "付款方式",
        "收款方式",
        "结算方式",
        "支付",
        "付款",
        "payment",
        "payment method",
        "paid by",
        "pay method",
        "method",
    ),
    "points": (
        "积分",
        "本次积分",
        "消费积分",
        "获得积分",
        "赠送积分",
        "所得积分",
        "points",
        "points earned",
        "earned points",
    ),
    "note": ("备注", "说明", "note", "notes", "remark", "remarks", "memo"),
    "name": ("姓名", "会员姓名", "客户姓名", "顾客", "客户", "会员", "name", "customer", "member"),
}
_LOOKUP = {normalize_header(w): f for f, words in PURCHASE_HEADERS.items() for w in words}
PAYMENT_WORDS: dict[str, tuple[str, ...]] = {
    "cash": ("现金", "cash", "人民币"),
    "wechat": ("微信", "微信支付", "wechat", "weixin", "wx"),
    "alipay": ("支付宝", "alipay", "zfb"),
    "bankcard": ("银行卡", "刷卡", "pos", "银联", "信用卡", "bank card", "bankcard", "card payment"),
    "stored_value": ("储值", "储值卡", "会员卡", "余额", "卡内余额", "stored value", "stored_value", "member card"),
}
_PAYMENT_LOOKUP = {nfkc(w).lower(): code for code, words in PAYMENT_WORDS.items() for w in words}
WALK_IN_WORDS = ("散客", "临时客", "walk-in", "walk in", "guest")
_MONEY_RE = re.compile(r"-?\d{1,9}(?:\.\d{1,2})?$")  # plain decimal text (what most exports write)
_ISO_AT_RE = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d(?::\d\d)?$")
HEADER_SCAN_ROWS = X.HEADER_SCAN_ROWS
PROGRESS_EVERY = X.PROGRESS_EVERY
INSERT_CHUNK = 5_000
PAGE_CACHE_KB = 64 * 1024  # the page cache of a large import (see _larger_page_cache)
LAST_WRITE_SECONDS: dict[str, float] = {}  # where the last apply_plan's time went (the benchmark prints it)

texts.register(
    {
        "pimp.f.date": ("日期", "Date"),
        "pimp.f.mobile": ("手机", "Mobile"),
        "pimp.f.card_no": ("卡号", "Card no."),
        "pimp.f.amount": ("金额", "Amount"),
        "pimp.f.items": ("商品", "Items"),
        "pimp.f.payment": ("支付方式", "Payment"),
        "pimp.f.points": ("积分", "Points"),
        "pimp.f.name": ("姓名", "Name"),
        "pimp.f.note": ("备注", "Note"),
        "pimp.no_columns": (
            "工作表“{sheet}”中没有找到消费记录的列（需要日期、金额，以及手机或卡号）；找到的列：{found}",
            "No purchase columns in sheet “{sheet}” (date, amount and mobile or card are needed); found: {found}",
        ),
        "pimp.c.walk_in": ("散客", "Walk-in"),
        "pimp.r.summary": ("合计行，不是一笔消费，未导入", "A total line, not a purchase: not imported"),
        "pimp.r.walk_in": (
            "散客（没有手机也没有卡号），无法对应到客户，未导入",
            "A walk-in (neither mobile nor card): no customer to match, not imported",
        ),
        "pimp.r.no_date": ("没有日期", "No date"),
        "pimp.r.no_amount": ("没有金额（金额为 0）", "No amount (the amount is 0)"),
        "pimp.r.no_match": (
            "没有{how}为“{value}”的客户，未导入（请先导入会员）",
            "No customer with {how} “{value}”: not imported (import the members first)",
        ),
        "pimp.r.deleted": ("客户“{name}”在回收站中，未导入", "Customer “{name}” is in the recycle bin: not imported"),
        "pimp.r.erased": ("该客户的个人信息已抹除，未导入", "This customer's personal data was erased: not imported"),
        "pimp.r.duplicate": (
            "已导入过：同一客户、时间、金额和商品的消费已存在，跳过",
            "Imported before: a purchase of the same customer, time, amount and items exists; skipped",
        ),
        "pimp.r.payment_unknown": (
            "支付方式“{value}”无法识别，记为“其他”",
            "Payment method “{value}” not recognised: recorded as “other”",
        ),
        "pimp.summary": (
            "导入 {imported} 笔（其中退货 {returns} 笔），重复 {duplicates}，未匹配 {unmatched}，错误 {errors}，"
            "非消费行 {skipped}",
            "{imported} imported ({returns} returns), {duplicates} duplicates, {unmatched} unmatched, "
            "{errors} errors, {skipped} not purchases",
        ),
        "pimp.ledger_reason": ("导入消费记录：{file}", "Purchase history imported: {file}"),
        "pimp.no_points_column": (
            "选择了“积分按历史导入”，但工作表“{sheet}”中没有积分列",
            "“Import points as history” was chosen but sheet “{sheet}” has no points column",
        ),
    }
)


def column_label(name: str) -> str:
    return t(f"pimp.f.{name}")


def class_label(cls: str) -> str:
    return t("pimp.c.walk_in") if cls == WALK_IN else X.class_label(cls)


@dataclass(slots=True)
class PurchaseRow:
    record: int  # 1-based spreadsheet row
    cls: str
    reason: str | None = None  # machine code: no_match, summary, walk_in, date_invalid, …
    column: str | None = None  # the header of the column at fault, as the file wrote it
    message: str = ""  # in the user's language
    customer_id: int | None = None
    match_by: str | None = None  # mobile / card_no
    at: dt.datetime | None = None
    at_text: str = ""  # ``at`` as stored ('YYYY-MM-DD HH:MM:SS')
    amount_cents: int = 0
    points: int = 0  # the file's points (imported only with points_as_history)
    items: str = ""
    payment: str = "cash"
    note: str = ""


@dataclass
class PurchaseReport:
    file: str
    sheet: str
    header_record: int
    header: list[str]
    mapping: dict[int, str]
    rows: list[PurchaseRow] = field(default_factory=list)
    dry_run: bool = True
    run_id: int | None = None
    encoding: str | None = None
    points_as_history: bool = False
    store_id: int = 1  # the store the purchases are booked to (issue #18)
    other_sheets: list[tuple[str, int]] = field(default_factory=list)  # (name, rows) not imported
    raw_rows: list[list] = field(default_factory=list, repr=False)  # the sheet as read (the saved report)

    def count(self, *classes: str) -> int:
        return sum(1 for r in self.rows if r.cls in classes)

    @property
    def imported(self) -> int:
        return self.count(IMPORTED)

    @property
    def duplicates(self) -> int:
        return self.count(DUPLICATE)

    @property
    def unmatched(self) -> int:
        return sum(1 for r in self.rows if r.reason == "no_match")

    @property
    def errors(self) -> int:
        return self.count(ERROR)

    @property
    def skipped(self) -> int:
        return self.count(SUMMARY, WALK_IN)

    @property
    def returns(self) -> int:
        return sum(1 for r in self.rows if r.cls == IMPORTED and r.amount_cents < 0)

    @property
    def points_total(self) -> int:
        """The points imported as history (0 unless ``points_as_history``)."""
        if not self.points_as_history:
            return 0
        return sum(r.points for r in self.rows if r.cls == IMPORTED)

    @property
    def amount_cents_total(self) -> int:
        """The net amount imported (returns are negative)."""
        return sum(r.amount_cents for r in self.rows if r.cls == IMPORTED)

    def by_reason(self) -> dict[str, int]:
        return dict(Counter(r.reason for r in self.rows if r.reason))

    def problems(self) -> list[PurchaseRow]:
        """Every row reported: errors, duplicates, warnings and the rows that are not purchases."""
        return [r for r in self.rows if r.message]

    def summary_text(self) -> str:
        return t(
            "pimp.summary",
            imported=self.imported,
            returns=self.returns,
            duplicates=self.duplicates,
            unmatched=self.unmatched,
            errors=self.errors,
            skipped=self.skipped,
        )

    def to_json(self) -> dict:
        return {
            "kind": KIND,
            "file": self.file,
            "sheet": self.sheet,
            "other_sheets": [{"sheet": n, "rows": r} for n, r in self.other_sheets],
            "encoding": self.encoding,
            "header_row": self.header_record,
            "dry_run": self.dry_run,
            "run_id": self.run_id,
            "store_id": self.store_id,
            "mapping": {self.header[i] if i < len(self.header) else str(i): f for i, f in sorted(self.mapping.items())},
            "counts": {
                "imported": self.imported,
                "returns": self.returns,
                "duplicates": self.duplicates,
                "unmatched": self.unmatched,
                "errors": self.errors,
                "skipped": self.skipped,
                "blank": self.count(BLANK),
            },
            "by_reason": self.by_reason(),
            "imported_amount_total": str(fmt(self.amount_cents_total, grouping=False)),
            "points_as_history": self.points_as_history,
            "points_imported": self.points_total,
            "problems": [
                {"row": r.record, "class": r.cls, "reason": r.reason, "column": r.column, "message": r.message}
                for r in self.problems()
            ],
        }


# --- the header -----------------------------------------------------------------------------------
def map_purchase_columns(header_cells: list) -> dict[int, str]:
    """Column index -> purchase column; the first column naming one wins."""
    mapping: dict[int, str] = {}
    for i, cell in enumerate(header_cells):
        key = normalize_header(cell)
        f = _LOOKUP.get(key)
        if f is None:
            member = match_header(cell)  # 手机号码, 会员卡号, Tel… as the member importer knows them
            f = member if member in ("mobile", "card_no", "name") else None
        if f is not None and f not in mapping.values():
            mapping[i] = f
    return mapping


def resolve(sheet: X.SheetData, header_row: int | None = None) -> tuple[int, dict[int, str]]:
    """The header row (0-based) and its mapping: ``header_row`` (1-based) or the first row naming
    three or more purchase columns. Raises ImportFileError without date, amount, mobile or card."""
    if not sheet.rows:
        raise X.ImportFileError(t("imp.empty", sheet=sheet.sheet))
    candidates = [header_row - 1] if header_row is not None else range(min(len(sheet.rows), HEADER_SCAN_ROWS))
    best: tuple[int, dict[int, str]] | None = None
    for i in candidates:
        if not 0 <= i < len(sheet.rows):
            raise X.ImportFileError(t("imp.bad_header_row", row=header_row, rows=len(sheet.rows)))
        mapping = map_purchase_columns(sheet.rows[i])
        if best is None or len(mapping) > len(best[1]):
            best = (i, mapping)
        if len(mapping) >= 3:
            best = (i, mapping)
            break
    idx, mapping = best or (0, {})
    check_mapping(sheet.sheet, mapping)
    return idx, mapping


def mapping_complete(mapping: dict[int, str]) -> bool:
    """Date, amount and a mobile or card column, each chosen once."""
    fields = list(mapping.values())
    return (
        {"date", "amount"} <= set(fields)
        and bool(set(fields) & {"mobile", "card_no"})
        and len(fields) == len(set(fields))
    )


def check_mapping(sheet_name: str, mapping: dict[int, str]) -> None:
    if not mapping_complete(mapping):
        found = "、".join(column_label(f) for f in dict.fromkeys(mapping.values())) or t("imp.none")
        raise X.ImportFileError(t("pimp.no_columns", sheet=sheet_name, found=found))


# --- checking rows --------------------------------------------------------------------------------
class _Customers:
    """Mobile and card numbers of every customer, with whether the customer can take a purchase."""

    def __init__(self) -> None:
        self.by_mobile: dict[str, int] = {}
        self.by_card: dict[str, int] = {}
        self.gone: dict[int, tuple[str, str]] = {}  # id -> (reason, name) in the bin or erased
        for cid, mobile, card, name, deleted, erased in database.execute_sql(
            "SELECT id, mobile, card_no, name, deleted_at, erased_at FROM customer"
        ):
            self.by_mobile[mobile] = cid
            if card:
                self.by_card[card] = cid
            if erased is not None:
                self.gone[cid] = ("erased", name)
            elif deleted is not None:
                self.gone[cid] = ("deleted", name)


def _payment(raw) -> tuple[str, str | None]:
    """(code, the text when it was not recognised)."""
    text = nfkc(raw).lower() if raw not in (None, "") else ""
    if not text:
        return "cash", None
    code = _PAYMENT_LOOKUP.get(text)
    if code is None:
        code = next((c for w, c in _PAYMENT_LOOKUP.items() if len(w) >= 2 and w in text), None)
    if code is None:
        return "other", cell_text(raw)
    return code, None


def plan(
    sheet: X.SheetData,
    *,
    header_row: int | None = None,
    mapping: dict[int, str] | None = None,
    points_as_history: bool = False,
    progress=None,
    progress_total=None,
    store_id: int | None = None,
) -> PurchaseReport:
    """Check and match every row without writing (a dry run is a plan). ``mapping`` (column index
    -> purchase column, as the wizard's page chose it) replaces the mapping read from the header.
    ``store_id``: the store the purchases are booked to (a chain's owner importing one store's
    history; its closed days refuse rows), else this counter's store."""
    if mapping is not None and header_row is not None:  # chosen on the wizard's pages
        if not 1 <= header_row <= len(sheet.rows):
            raise X.ImportFileError(t("imp.bad_header_row", row=header_row, rows=len(sheet.rows)))
        idx, mapping = header_row - 1, dict(mapping)
        check_mapping(sheet.sheet, mapping)
    else:
        idx, mapping = resolve(sheet, header_row)
    if points_as_history and "points" not in mapping.values():
        raise X.ImportFileError(t("pimp.no_points_column", sheet=sheet.sheet))
    header = [cell_text(v) for v in sheet.rows[idx]]
    col = {f: i for i, f in mapping.items()}
    colname = {f: (header[i] if i < len(header) and header[i] else column_label(f)) for f, i in col.items()}
    report = PurchaseReport(
        str(sheet.path),
        sheet.sheet,
        idx + 1,
        header,
        mapping,
        encoding=sheet.encoding,
        points_as_history=points_as_history,
        store_id=stores.counter_store_id() if store_id is None else int(store_id),
        other_sheets=list(sheet.other_sheets),
        raw_rows=sheet.rows,
    )
    today = clock.today()
    customers = _Customers()
    closed = {
        str(d)[:10]
        for (d,) in database.execute_sql(
            "SELECT DISTINCT day FROM day_close WHERE operator = '' AND store_id = ?", (report.store_id,)
        )
    }  # ISO text on both engines (PostgreSQL hands back dates); a day the store closed as a whole: nothing dated in it is written afterwards (shopcrm.sales.days)
    total = progress_total or len(sheet.rows)
    rows = report.rows

    def cell(row: list, f: str):
        i = col.get(f, -1)
        return row[i] if 0 <= i < len(row) else None

    # the fast path: a row whose mobile is an 11-digit text of a customer who can buy, whose date
    # is ISO text or a date-time cell and whose amount is plain decimal text or a number is
    # imported without the general checks below (which every other row goes through); a row
    # with a clean, matched mobile is a purchase, whatever another of its cells says
    width = max(mapping) + 1
    i_mobile, i_card = col.get("mobile"), col.get("card_no")
    by_card, scientific = customers.by_card, X._SCIENTIFIC.fullmatch
    i_date, i_amount, i_items = col["date"], col["amount"], col.get("items")
    i_payment, i_note, i_points = col.get("payment"), col.get("note"), col.get("points")
    by_mobile, gone_ids = customers.by_mobile, customers.gone
    mobile_match = MOBILE_RE.match
    money_match = _MONEY_RE.match
    iso_match = _ISO_AT_RE.match
    from_iso = dt.datetime.fromisoformat
    today_text = today.isoformat()
    payments: dict = {}
    walk_in_text = t("pimp.r.walk_in")
    limit = MAX_TEXT // 2  # below half the limit no character count can reach it

    def free_text(v) -> str | None:
        """The text of an items or note cell, or None when it needs the general checks."""
        if v is None:
            return ""
        if v.__class__ is not str:
            return None
        v = v.strip()
        return v if v.isascii() or (len(v) < limit and v.isprintable()) else None

    def fast(row: list, record: int) -> PurchaseRow | None:
        """The row imported when it is clean (see above), else None (the general checks)."""
        m = row[i_mobile] if i_mobile is not None else None
        cid = None
        how = "mobile"
        if m.__class__ is str and mobile_match(m) is not None:
            cid = by_mobile.get(m)
        elif not m and i_card is not None:  # no mobile: a plain card number ('VIP00123')
            c = row[i_card]
            if c.__class__ is str and c.isascii() and c.isalnum() and scientific(c.upper()) is None:
                cid, how = by_card.get(c.upper()), "card_no"
        if cid is None or cid in gone_ids:
            return None
        raw_at, raw_amount = row[i_date], row[i_amount]
        if raw_at.__class__ is str and iso_match(raw_at) is not None and raw_at[:10] <= today_text:
            at_text = raw_at if len(raw_at) == 19 else raw_at + ":00"
            try:
                at = from_iso(at_text)
            except ValueError:  # 2026-02-30: the general checks say what is wrong
                return None
        elif raw_at.__class__ is dt.datetime and raw_at.microsecond == 0 and raw_at.date() <= today:
            at, at_text = raw_at, raw_at.strftime("%Y-%m-%d %H:%M:%S")
        else:
            return None
        if at.year < 1900 or (closed and at_text[:10] in closed):
            return None
        amount = 0
        if raw_amount.__class__ is str and money_match(raw_amount) is not None:
            whole, _, frac = raw_amount.partition(".")
            amount = abs(int(whole)) * 100 + int((frac + "00")[:2])
            if whole[0] == "-":
                amount = -amount
        elif raw_amount.__class__ in (int, float):
            try:
                amount = parse_money(raw_amount, "amount", allow_negative=True)
            except FieldError:
                return None
        items = free_text(row[i_items]) if i_items is not None else ""
        note = free_text(row[i_note]) if i_note is not None else ""
        if amount == 0 or items is None or note is None:
            return None
        raw_pay = row[i_payment] if i_payment is not None else None
        pay = payments.get(raw_pay)
        if pay is None:
            pay = payments[raw_pay] = _payment(raw_pay)
        r = PurchaseRow(
            record,
            IMPORTED,
            customer_id=cid,
            match_by=how,
            at=at,
            at_text=at_text,
            amount_cents=amount,
            items=items,
            payment=pay[0],
            note=note,
        )
        if pay[1]:
            r.reason, r.column = "payment_unknown", colname.get("payment")
            r.message = t("pimp.r.payment_unknown", value=pay[1])
        if points_as_history:
            try:
                r.points = _points(row[i_points]) if i_points is not None else 0
            except FieldError as exc:
                r.cls, r.reason, r.column = ERROR, exc.key.split(".")[-1], colname.get("points")
                r.message = exc.message
        return r

    with X.gc_paused():
        for n in range(idx + 1, len(sheet.rows)):
            if n % PROGRESS_EVERY == 0:
                check_progress(progress, n, total)
            row = sheet.rows[n]
            record = n + 1
            if len(row) < width:
                row = row + [None] * (width - len(row))
            r = fast(row, record)
            if r is not None:
                rows.append(r)
                continue
            # the general checks
            if X.is_blank(row):
                rows.append(PurchaseRow(record, BLANK))
                continue
            if X._is_summary(row):
                rows.append(PurchaseRow(record, SUMMARY, "summary", None, t("pimp.r.summary")))
                continue
            raw_mobile, raw_card = cell(row, "mobile"), cell(row, "card_no")
            mobile_text = cell_text(raw_mobile) if raw_mobile is not None else ""
            card_text = cell_text(raw_card) if raw_card is not None else ""
            if mobile_text in WALK_IN_WORDS:
                mobile_text = ""
            if card_text in WALK_IN_WORDS:
                card_text = ""
            if not mobile_text and not card_text:
                rows.append(
                    PurchaseRow(
                        record, WALK_IN, "walk_in", colname.get("mobile") or colname.get("card_no"), walk_in_text
                    )
                )
                continue
            r = PurchaseRow(record, IMPORTED)
            rows.append(r)
            try:
                # the customer: by mobile, then by card (a damaged mobile with a card that matches
                # is matched by the card)
                cid, how, value, mobile_error = None, "mobile", mobile_text, None
                if mobile_text:
                    try:
                        if X._scientific_damage(raw_mobile) or (
                            raw_mobile.__class__ is not str and mobile_text.endswith("00000")
                        ):
                            raise FieldError("mobile", "v.mobile_scientific", value=mobile_text)
                        value = normalize_mobile(raw_mobile)
                        cid = customers.by_mobile.get(value)
                    except FieldError as exc:
                        mobile_error = exc
                if cid is None and card_text:
                    damage = X._scientific_damage(raw_card)
                    if damage is not None:
                        r.cls, r.reason, r.column = ERROR, "card_scientific", colname.get("card_no")
                        r.message = t("imp.r.card_scientific", value=card_text, how=t(f"imp.how.{damage}"))
                        continue
                    card = normalize_card(raw_card) or ""
                    cid = customers.by_card.get(card)
                    if cid is not None or not mobile_text:
                        how, value = "card_no", card
                if cid is None:
                    if mobile_error is not None:
                        raise mobile_error
                    r.cls, r.reason, r.column = ERROR, "no_match", colname.get(how)
                    r.message = t("pimp.r.no_match", how=column_label(how), value=value)
                    continue
                r.customer_id, r.match_by = cid, how
                gone = customers.gone.get(cid)
                if gone is not None:
                    r.cls, r.reason, r.column = ERROR, gone[0], colname.get(how)
                    r.message = t(f"pimp.r.{gone[0]}", name=gone[1])
                    continue
                # the date
                raw_at = cell(row, "date")
                try:
                    at = X._parse_datetime(raw_at, today)
                except FieldError as exc:
                    raise FieldError("date", exc.key, **exc.params) from None
                if at is None:
                    raise FieldError("date", "pimp.r.no_date")
                if at.date().isoformat() in closed:
                    raise FieldError("date", "v.day_closed", day=at.date().isoformat())
                r.at, r.at_text = at, sql_ts(at) or ""
                # the amount (negative: a return)
                amount = parse_money(cell(row, "amount"), "amount", allow_negative=True)
                if amount == 0:
                    raise FieldError("amount", "pimp.r.no_amount")
                r.amount_cents = amount
                if points_as_history:
                    r.points = _points(cell(row, "points"))
                r.items = X._text(cell(row, "items"))
                r.note = X._text(cell(row, "note"))
                check_text("items", r.items)  # over-long: the row's error, naming its column
                check_text("note", r.note)
                r.payment, unknown = _payment(cell(row, "payment"))
                if unknown:
                    r.reason, r.column = "payment_unknown", colname.get("payment")
                    r.message = t("pimp.r.payment_unknown", value=unknown)
            except FieldError as exc:
                f = exc.field if exc.field in col else {"balance": "amount"}.get(exc.field, exc.field)
                r.cls, r.reason, r.column = ERROR, exc.key.split(".")[-1], colname.get(f)
                r.message = exc.message
    _mark_duplicates(report)
    return report


def _points(raw) -> int:
    """The file's points of one purchase: a whole number, negative for a return."""
    text = nfkc(raw).strip() if isinstance(raw, str) else raw
    if isinstance(text, str) and text.startswith("-"):
        return -parse_int(text[1:], "points")
    if isinstance(text, (int, float)) and not isinstance(text, bool) and text < 0:
        return -parse_int(-text, "points")
    return parse_int(text, "points")


def _larger_page_cache():
    """A 64 MB page cache for one large import (the app's is 16 MB): the five purchase indexes
    of a million-row table do not fit in 16 MB, and every insert then reads its index pages
    again. Measured, 300k rows into the demo's 1M: inserts 36.7 s -> 22.0 s (256 MB: 18.6 s,
    not worth 200 MB more), peak memory +70 MB. Set back afterwards (SQLite frees the pages;
    nothing on PostgreSQL, whose server caches for every client)."""
    return page_cache(PAGE_CACHE_KB)


def _by_customer(r: PurchaseRow) -> tuple:
    return r.customer_id, r.at_text


def _mark_duplicates(report: PurchaseReport) -> None:
    """Rows whose purchase is stored already (same customer, date-time, amount, items) become
    DUPLICATE, as many of each as are stored (a multiset: re-importing a file adds nothing).
    Set-based: the rows' (customer, time) pairs go to a temporary table joined to the purchases
    by their (customer, at) index, so only the purchases at those very times are read."""
    todo = [r for r in report.rows if r.cls == IMPORTED]
    if not todo:
        return
    con = raw_connection()
    con.execute(
        "CREATE TEMP TABLE IF NOT EXISTS _pimp_keys (customer_id INTEGER NOT NULL, "
        f"at {sqlfn.timestamp_type()} NOT NULL)"
    )
    con.execute("DELETE FROM _pimp_keys")
    try:
        executemany("INSERT INTO _pimp_keys VALUES (?, ?)", {(r.customer_id, r.at_text) for r in todo})
        stored: Counter = Counter(
            (cid, sqlfn.as_text(at), cents, items)
            for cid, at, cents, items in con.execute(
                "SELECT p.customer_id, p.at, p.amount_cents + p.refunded_cents, p.items FROM _pimp_keys k "
                "JOIN purchase p ON p.customer_id = k.customer_id AND p.at = k.at"
            ).fetchall()
        )
    finally:
        con.execute("DELETE FROM _pimp_keys")
    if not stored:
        return
    for r in todo:
        k = (r.customer_id, r.at_text, r.amount_cents, r.items)
        if stored.get(k, 0) > 0:
            stored[k] -= 1
            r.cls, r.reason, r.column, r.message = DUPLICATE, "duplicate", None, t("pimp.r.duplicate")


# --- writing --------------------------------------------------------------------------------------
_INSERT = (
    "INSERT INTO purchase (customer_id, at, amount_cents, items, payment, points_earned, note, created_at, "
    "operator, refunded_cents, store_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?)"
)
# the points of the imported purchases as history: one ``import`` entry per purchase with points,
# the running total per customer from its points before (the ledger's invariant: after = running sum)
_POINTS_LEDGER = """
    INSERT INTO ledger_entry (customer_id, at, kind, balance_delta_cents, points_delta, balance_after_cents,
                              points_after, reason, purchase_id, store_id)
    SELECT p.customer_id, {at}, 'import', 0, p.points_earned, c.balance_cents,
           c.points + SUM(p.points_earned) OVER (PARTITION BY p.customer_id ORDER BY p.id), ?, p.id, p.store_id
    FROM purchase p JOIN customer c ON c.id = p.customer_id
    WHERE p.id > ? AND p.points_earned != 0
    ORDER BY p.customer_id, p.id"""
_POINTS_TOTALS = """
    UPDATE customer SET points = customer.points + s.total
    FROM (SELECT customer_id, SUM(points_earned) total FROM purchase WHERE id > ? AND points_earned != 0
          GROUP BY customer_id) s
    WHERE s.customer_id = customer.id"""


def apply_plan(
    report: PurchaseReport,
    *,
    progress=None,
    progress_done: int = 0,
    progress_total: int | None = None,
) -> PurchaseReport:
    """Write a plan in one transaction after a backup. Cancel (progress returns False) rolls
    everything back and raises Cancelled. The purchases (and their points entries) belong to the
    plan's store."""
    from shopcrm import grading
    from shopcrm.sales import activity
    from shopcrm.trust import audit, security

    security.require_owner("import")
    new = [r for r in report.rows if r.cls == IMPORTED]
    total = progress_total or (progress_done + len(new)) or 1
    file_name = Path(report.file).name
    pending_backup = X._backup_before_import() if new else None
    started = now()
    stamp = sql_ts(started)
    store = report.store_id
    con = raw_connection()
    spent = LAST_WRITE_SECONDS
    spent.clear()
    deferred = checkpoint_deferred() if len(new) >= X.BULK_FLOOR else contextlib.nullcontext()
    cache = _larger_page_cache() if len(new) >= X.BULK_FLOOR else contextlib.nullcontext()
    with cache, deferred, database.atomic():
        run = ImportRun.create(
            started_at=started,
            file_name=file_name,
            file_path=report.file,
            sheet=report.sheet,
            header_row=report.header_record,
            on_duplicate="skip",
            balance_mode="",
            status="running",
        )
        # every purchase above first_new is this import's: nobody else writes one meanwhile
        lock_against_writes("purchase")
        first_new = con.execute("SELECT COALESCE(MAX(id), 0) FROM purchase").fetchone()[0]
        t0 = time.perf_counter()
        # in customer order: three of the five purchase indexes lead with the customer and then
        # grow in place at one spot per customer instead of at random (100k rows into 1M: the
        # inserts 18 s -> 10 s on the shared machine). Dropping the indexes and building them
        # again (as the member import does for customers) was measured slower: 47 s of builds.
        new.sort(key=_by_customer)
        with X.gc_paused():
            for i in range(0, len(new), INSERT_CHUNK):
                check_progress(progress, progress_done + i, total)
                con.executemany(
                    _INSERT,
                    [
                        (
                            r.customer_id,
                            r.at_text,
                            r.amount_cents,
                            r.items,
                            r.payment,
                            r.points if report.points_as_history else 0,
                            r.note,
                            stamp,
                            "import",
                            store,
                        )
                        for r in new[i : i + INSERT_CHUNK]
                    ],
                )
        t2 = time.perf_counter()
        spent.update(purchases=t2 - t0)
        # how each was paid, one method each (the card is ``card``), as demo data and schema step 13
        con.execute(
            "INSERT INTO purchase_payment (purchase_id, method, amount_cents) SELECT id, "
            "CASE payment WHEN 'stored_value' THEN 'card' ELSE payment END, amount_cents FROM purchase WHERE id > ?",
            (first_new,),
        )
        if report.points_as_history:
            reason = t("pimp.ledger_reason", file=file_name)
            con.execute(_POINTS_LEDGER.format(at=sqlfn.timestamp_param()), (stamp, reason, first_new))
            con.execute(_POINTS_TOTALS, (first_new,))
        t3 = time.perf_counter()
        touched = sorted({r.customer_id for r in new if r.customer_id is not None})
        activity.recompute_aggregates(touched)
        t4 = time.perf_counter()
        if touched:
            grading.upgrade_levels(touched, at=started)
        t5 = time.perf_counter()
        spent.update(payments_points=t3 - t2, aggregates=t4 - t3, levels=t5 - t4)
        check_progress(progress, total, total)
        if pending_backup is not None:
            pending_backup.wait_durable()  # the backup is on disk before the import commits
        ImportRun.update(
            finished_at=now(),
            status="done",
            total_rows=len(report.rows),
            imported=len(new),
            duplicates=report.duplicates,
            errors=report.errors,
            summary=json.dumps(
                {
                    "kind": KIND,
                    "by_reason": report.by_reason(),
                    "amount_cents": report.amount_cents_total,
                    "points_as_history": report.points_as_history,
                    "points": report.points_total,
                },
                ensure_ascii=False,
            ),
        ).where(ImportRun.id == run.id).execute()
    report.dry_run = False
    report.run_id = run.id
    audit.log("import", detail=f"{file_name}: {KIND} +{len(new)} store {store} (run {run.id})")
    log.info("purchase import %s: %s", file_name, report.summary_text())
    return report


def run(
    path: str | Path,
    *,
    sheet: str | int | None = None,
    header_row: int | None = None,
    dry_run: bool = False,
    points_as_history: bool = False,
    progress=None,
    store_id: int | None = None,
) -> PurchaseReport:
    """Read, check and (unless ``dry_run``) write one file of purchases (booked to ``store_id``,
    else this counter's store). Raises ImportFileError when the file cannot be imported at all,
    Cancelled when the user cancelled (nothing written)."""
    return run_sheet(
        X.read_sheet(path, sheet),
        header_row=header_row,
        dry_run=dry_run,
        points_as_history=points_as_history,
        progress=progress,
        store_id=store_id,
    )


def run_sheet(
    data: X.SheetData,
    *,
    header_row: int | None = None,
    mapping: dict[int, str] | None = None,
    dry_run: bool = False,
    points_as_history: bool = False,
    progress=None,
    store_id: int | None = None,
) -> PurchaseReport:
    """:func:`run` on a sheet already read (the wizard's)."""
    n = len(data.rows)
    total = n if dry_run else 2 * n
    report = plan(
        data,
        header_row=header_row,
        mapping=mapping,
        points_as_history=points_as_history,
        progress=progress,
        progress_total=total,
        store_id=store_id,
    )
    if dry_run:
        check_progress(progress, total, total)
        return report
    return apply_plan(report, progress=progress, progress_done=n, progress_total=total)
