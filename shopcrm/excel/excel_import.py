"""Import customers from the spreadsheets shops really have (.xlsx/.xlsm/.xls/.ods/.csv/.txt).

Three steps, each usable on its own (the wizard shows the result of each before the next):

1. :func:`read_sheet` reads every cell of one sheet (python-calamine; CSV with encoding detection:
   BOM, strict UTF-8, then GB18030).
2. :func:`detect_header` finds the header row (the first with three or more recognised column
   names) and :func:`map_columns` maps its columns to customer fields through the synonym table in
   :mod:`shopcrm.core.normalize`.
3. :func:`plan` checks and normalises every row without writing (a dry run is a plan), and
   :func:`apply_plan` writes a plan in ONE transaction; :func:`run` does all three.

Rows are checked in the order of ``tests/fixtures/README.md``: phone, name, balance, points, then a
phone already seen in the file (the first occurrence wins), then a card already seen, then the
birthday (an unusable birthday is a warning: the row is imported without it). Rows that pass are
matched against existing customers by mobile, then by card, and skipped, filled or overwritten as
the options say. New customers are written with raw ``executemany`` (100k rows in about a second);
their opening balance and points get one ledger entry of kind ``import`` each, written in the same
batch (the entry is the customer's first, so ``after`` equals the delta and ``ledger.verify``
holds). Existing customers change through :func:`shopcrm.customers.ledger.apply`.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import datetime as dt
import gc
import hashlib
import importlib.util
import io
import json
import logging
import re
import time
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from shopcrm.core import clock, texts
from shopcrm.core.errors import FieldError, check_progress
from shopcrm.core.lunar import LunarBirthday, format_lunar
from shopcrm.core.money import fmt
from shopcrm.core.normalize import (
    cell_text,
    check_text,
    escape_formula,
    match_header,
    nfkc,
    normalize_card,
    normalize_email,
    normalize_gender,
    normalize_header,
    normalize_mobile,
    normalize_name,
    parse_birthday,
    parse_date,
    parse_int,
    parse_money,
    parse_tags,
    unescape_formula,
)
from shopcrm.core.pinyin_keys import NameKeyCache, sort_key
from shopcrm.core.texts import t
from shopcrm.customers import ledger
from shopcrm.excel import file_guard as G
from shopcrm.store import settings, stores
from shopcrm.store.db import (
    DroppedIndexes,
    bulk_load_settings,
    checkpoint_deferred,
    claim_ids,
    database,
    insert_rows,
    raw_connection,
)
from shopcrm.store.models import Customer, ImportRun, now, sql_ts

log = logging.getLogger(__name__)

texts.register(
    {
        "imp.unreadable": ("无法读取文件“{path}”：{reason}", "Cannot read “{path}”: {reason}"),
        "imp.not_found": ("文件“{path}”不存在", "“{path}” does not exist"),
        "imp.unsupported": (
            "不支持的文件类型“{suffix}”：请用 .xlsx、.xls、.ods 或 .csv",
            "Unsupported file type “{suffix}”: use .xlsx, .xls, .ods or .csv",
        ),
        "imp.no_sheet": (
            "工作簿中没有名为“{sheet}”的工作表（有：{names}）",
            "The workbook has no sheet “{sheet}” (it has: {names})",
        ),
        "imp.empty": ("工作表“{sheet}”是空的", "Sheet “{sheet}” is empty"),
        "imp.encoding": (
            "无法识别文件“{path}”的文字编码（不是 UTF-8 也不是 GBK）",
            "Cannot tell the text encoding of “{path}” (neither UTF-8 nor GBK)",
        ),
        "imp.no_member_columns": (
            "工作表“{sheet}”中没有找到会员列：需要“姓名”和“手机”两列（已识别：{found}）",
            "No member columns found in sheet “{sheet}”: a name and a mobile column are needed (recognised: {found})",
        ),
        "imp.none": ("无", "none"),
        "imp.bad_header_row": (
            "表头行 {row} 超出范围（共 {rows} 行）",
            "Header row {row} is out of range ({rows} rows)",
        ),
        # row reasons
        "imp.r.phone_missing": ("手机号为空", "Mobile is empty"),
        "imp.r.name_missing": ("姓名为空", "Name is empty"),
        "imp.r.phone_duplicate": (
            "手机号 {mobile} 与第 {other} 行重复，以第 {other} 行为准",
            "Mobile {mobile} repeats row {other}; row {other} is kept",
        ),
        "imp.r.card_duplicate": ("卡号 {card} 与第 {other} 行重复", "Card {card} repeats row {other}"),
        "imp.r.exists": (
            "与已有客户“{other}”重复（按{by}匹配），已跳过",
            "Matches existing customer “{other}” (by {by}); skipped",
        ),
        "imp.r.updated": (
            "更新了已有客户“{other}”（按{by}匹配）",
            "Updated existing customer “{other}” (matched by {by})",
        ),
        "imp.r.card_in_use": (
            "卡号 {card} 已属于另一位客户“{other}”",
            "Card {card} already belongs to another customer “{other}”",
        ),
        "imp.r.birthday_dropped": ("{reason}，生日留空导入", "{reason}; imported without a birthday"),
        "imp.r.joined_dropped": ("{reason}，开卡日期留空导入", "{reason}; imported without a joining date"),
        "imp.r.spend_dropped": ("{reason}，累计消费未导入", "{reason}; total spend not imported"),
        "imp.r.summary": ("合计行，已跳过", "Summary row, skipped"),
        "imp.by.mobile": ("手机号", "mobile"),
        "imp.by.card": ("卡号", "card"),
        "imp.reason_column": ("错误原因", "Problem"),
        "imp.ledger_reason": ("导入：{file}", "Import: {file}"),
        "imp.unknown_note": ("{header}：{value}", "{header}: {value}"),
        # classes
        "imp.c.IMPORTED": ("新增", "Imported"),
        "imp.c.IMPORTED_WITH_WARNING": ("新增（有警告）", "Imported with warning"),
        "imp.c.UPDATED": ("更新", "Updated"),
        "imp.c.DUPLICATE": ("重复", "Duplicate"),
        "imp.c.ERROR": ("错误", "Error"),
        "imp.c.SKIPPED_BLANK": ("空行", "Blank row"),
        "imp.c.SKIPPED_SUMMARY": ("合计行", "Summary row"),
        # fields (the importer knows more columns than the archive form's catalogue)
        "imp.f.name": ("姓名", "Name"),
        "imp.f.mobile": ("手机", "Mobile"),
        "imp.f.card_no": ("卡号", "Card number"),
        "imp.f.birthday": ("生日", "Birthday"),
        "imp.f.gender": ("性别", "Gender"),
        "imp.f.balance": ("余额", "Balance"),
        "imp.f.points": ("积分", "Points"),
        "imp.f.level": ("会员等级", "Member level"),
        "imp.f.notes": ("备注", "Notes"),
        "imp.f.address": ("地址", "Address"),
        "imp.f.joined_on": ("开卡日期", "Joined on"),
        "imp.f.total_spend": ("累计消费", "Total spend"),
        "imp.f.wechat": ("微信", "WeChat"),
        "imp.f.tags": ("标签", "Tags"),
        "imp.f.phone2": ("其他电话", "Other phone"),
        "imp.f.source": ("来源", "Source"),
        "imp.f.pref_text": ("喜好", "Preferences"),
        "imp.f.pref_products": ("常购商品", "Usual products"),
        "imp.f.pref_taste": ("口味", "Taste"),
        "imp.f.pref_channel": ("偏好渠道", "Preferred channel"),
        "imp.f.pref_time": ("方便时间", "Convenient time"),
        "imp.f.email": ("邮箱", "E-mail"),
        "imp.f.store": ("门店", "Store"),
        "imp.r.email_dropped": ("{reason}，邮箱未导入", "{reason}; e-mail not imported"),
        "imp.f.consent_marketing": ("接受营销", "Accepts marketing"),
        "imp.f.purchase_count": ("消费次数", "Purchases"),
        "imp.f.last_purchase_at": ("最近消费", "Last purchase"),
        "field.purchase_count": ("消费次数", "Purchases"),
        "field.last_purchase_at": ("最近消费", "Last purchase"),
        "imp.r.consent_dropped": (
            "无法识别“{value}”（应为 是/否），营销同意按“未知”导入（不发营销消息）",
            "Cannot read “{value}” (expected yes/no); marketing consent imported as unknown (no marketing messages)",
        ),
        "imp.r.mobile_cut": (
            "手机号 {value} 是被科学计数法截断的数字（末尾一串 0，按数字规律判断）：请把该列设为文本格式，从原始数据重新填写",
            "Mobile {value} is a number cut by scientific notation (a run of trailing zeros, judged by the digit "
            "pattern): format the column as text and enter the number again from the original",
        ),
        "imp.r.card_scientific": (
            "卡号 {value} 已被科学计数法损坏（{how}）：请把该列设为文本格式，从原始数据重新填写",
            "Card number {value} was damaged by scientific notation ({how}): format the column as text and "
            "enter the number again from the original",
        ),
        "imp.how.text": ("以科学计数法文本保存", "saved as scientific-notation text"),
        "imp.how.digits": (
            "超过 15 位有效数字或末尾一串 0，按数字规律判断",
            "more than 15 significant digits or a run of trailing zeros, judged by the digit pattern",
        ),
        "imp.r.count_dropped": ("{reason}，消费次数未导入", "{reason}; purchase count not imported"),
        "imp.r.store_unknown": (
            "没有叫“{value}”的门店，记为{store}的会员",
            "No store is called “{value}”: the member is {store}'s",
        ),
        "imp.r.last_purchase_dropped": ("{reason}，最近消费未导入", "{reason}; last purchase not imported"),
    }
)

FIELDS = (
    "name",
    "mobile",
    "card_no",
    "birthday",
    "gender",
    "balance",
    "points",
    "level",
    "notes",
    "address",
    "joined_on",
    "total_spend",
    "wechat",
    "tags",
    "phone2",
    # written by our own exporter (round trip); customers.TEXT_FIELDS and three more
    "source",
    "pref_text",
    "pref_products",
    "pref_taste",
    "pref_channel",
    "pref_time",
    "consent_marketing",
    "purchase_count",
    "last_purchase_at",
    "email",
    # a chain's home store (issue #18): a column of a store's name or code, read only when the
    # shop has more than one active store (a single shop's file keeps such a column unread)
    "store",
)
EXTRA_TEXT_FIELDS = ("source", "pref_text", "pref_products", "pref_taste", "pref_time", "email")
REQUIRED = ("name", "mobile")
ON_DUPLICATE = ("skip", "fill", "overwrite")
BALANCE_MODES = ("replace", "add")
EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xlsb", ".xls", ".ods")
TEXT_SUFFIXES = (".csv", ".txt", ".tsv")
HEADER_SCAN_ROWS = 50
SUMMARY_WORDS = {"合计", "总计", "小计", "合计:", "总计:", "total", "sum", "合 计", "总 计"}
PROGRESS_EVERY = 2000

# result classes (the names of the fixtures' answer key)
IMPORTED, WARNED, UPDATED = "IMPORTED", "IMPORTED_WITH_WARNING", "UPDATED"
DUPLICATE, ERROR = "DUPLICATE", "ERROR"
BLANK, SUMMARY = "SKIPPED_BLANK", "SKIPPED_SUMMARY"


@contextlib.contextmanager
def gc_paused():
    """Python's cyclic garbage collector off for a bulk phase. Reading, checking and writing 100k
    rows create millions of objects and no reference cycles worth collecting, and the collector
    would walk the growing heap again and again: the check of 100k rows takes 1.2 s with it and
    0.65 s without. It runs again (if it ran before) when the phase ends, however it ends."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class ImportFileError(Exception):
    """The file cannot be imported at all (unreadable, no member columns…); ``str(e)`` is one
    line for the user."""


def field_label(name: str) -> str:
    return t(f"imp.f.{name}")


def class_label(cls: str) -> str:
    return t(f"imp.c.{cls}")


# --- reading ------------------------------------------------------------------------------------


@dataclass
class SheetData:
    path: Path
    sheet: str
    sheet_names: list[str]
    rows: list[list]  # every cell as read (str, int, float, bool, date/datetime, None)
    encoding: str | None = None  # CSV only
    other_sheets: list[tuple[str, int]] = field(default_factory=list)  # (name, rows) not imported


def list_sheets(path: str | Path) -> list[str]:
    path = Path(path)
    kind = _guarded(path)[0]
    if kind in ("html", "text"):
        return [path.stem]
    return _open_workbook(path).sheet_names


WPS_SUFFIXES = (".et", ".ett")


def _guarded(path: Path):
    """(kind, zip info) of a file that may be read: a regular file within the limits, with its
    kind told by its first bytes (file_guard). Raises ImportFileError with the guard's sentence."""
    try:
        st = G.check_regular(path)
        suffix = path.suffix.lower()
        if suffix not in EXCEL_SUFFIXES + TEXT_SUFFIXES + WPS_SUFFIXES:
            raise ImportFileError(t("imp.unsupported", suffix=suffix or path.name))
        kind = G.sniff(path)
        info = None
        if kind == "zip":
            info = G.check_zip(path, st.st_size)
        elif kind == "ole":
            G.check_ole(path)
        return kind, info
    except G.GuardError as exc:
        raise ImportFileError(str(exc)) from exc
    except OSError as exc:
        raise ImportFileError(t("imp.unreadable", path=path.name, reason=exc.strerror or type(exc).__name__)) from exc


def _open_workbook(path: Path):
    from python_calamine import CalamineWorkbook  # lazy: start-up does not need it

    if not path.exists():
        raise ImportFileError(t("imp.not_found", path=path))
    try:
        with open(path, "rb") as f:  # by content: a WPS .et is an .xls or an .xlsx inside
            return CalamineWorkbook.from_filelike(f)
    except Exception as exc:  # noqa: BLE001  calamine's own error types; by the extension next
        log.info("calamine cannot tell %s by content: %s", path, _one_line(exc))
    try:
        return CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own error types for every kind of damage
        log.info("calamine cannot open %s: %s", path, _one_line(exc))
        raise ImportFileError(_library_refusal(path, exc)) from exc


def _library_refusal(path: Path, exc: BaseException) -> str:
    """A reader's internal error ("Cfb error", "Relationships", "Codepage D7CC") as a sentence."""
    text = str(exc).lower()
    if "password" in text or "encrypt" in text or "codepage" in text:
        return t("guard.encrypted", path=path.name)
    return t("guard.damaged", path=path.name)


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text[:200] or type(exc).__name__


def _choose_sheet(wb, names: list[str], info) -> str:
    """The sheet a person sees on opening the file: the active tab when it is visible, else the
    first visible sheet (a hidden first sheet is a lookup table, not the member list)."""
    meta = getattr(wb, "sheets_metadata", None) or []  # calamine 0.3+
    hidden = {m.name for m in meta if "Visible" not in str(m.visible)}
    visible = [n for n in names if n not in hidden]
    active = info.active if info is not None else None
    if active is not None and 0 <= active < len(names) and names[active] in visible:
        return names[active]
    return (visible or names)[0]


def read_sheet(path: str | Path, sheet: str | int | None = None) -> SheetData:
    """Every row of one sheet (the visible active one when ``sheet`` is None). Trailing empty rows
    are dropped."""
    path = Path(path)
    kind, info = _guarded(path)
    if kind in ("html", "text"):
        rows, encoding = _read_text(path, html=kind == "html")
        _check_rows(path.stem, rows)
        return SheetData(path, path.stem, [path.stem], _trim(rows), encoding)
    wb = _open_workbook(path)
    names = list(wb.sheet_names)
    if not names:
        raise ImportFileError(t("imp.empty", sheet=path.name))
    if sheet is None:
        name = _choose_sheet(wb, names, info)
    elif isinstance(sheet, int):
        if not 0 <= sheet < len(names):
            raise ImportFileError(t("imp.no_sheet", sheet=sheet, names="、".join(names)))
        name = names[sheet]
    else:
        if sheet not in names:
            raise ImportFileError(t("imp.no_sheet", sheet=sheet, names="、".join(names)))
        name = sheet
    try:
        with gc_paused():
            rows = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
    except Exception as exc:
        log.info("calamine cannot read %s [%s]: %s", path, name, _one_line(exc))
        raise ImportFileError(_library_refusal(path, exc)) from exc
    _check_rows(name, rows)
    data = SheetData(path, name, names, _trim(rows))
    data.other_sheets = _other_sheets(wb, names, name, info)
    return data


def _other_sheets(wb, names: list[str], chosen: str, info) -> list[tuple[str, int]]:
    """(name, rows) of the workbook's other sheets, for the report."""
    if info is not None and info.sheets:
        return [(s.name, s.rows) for s in info.sheets if s.name != chosen]
    out = []
    for n in names:
        if n == chosen:
            continue
        try:
            out.append((n, int(wb.get_sheet_by_name(n).height)))
        except Exception as exc:  # noqa: BLE001  (calamine's own error types) listed without a count
            log.info("cannot count sheet %s: %s", n, _one_line(exc))
            out.append((n, 0))
    return out


def _check_rows(sheet: str, rows: list) -> None:
    if len(rows) > G.MAX_ROWS:
        raise ImportFileError(t("guard.too_many_rows", sheet=sheet, rows=len(rows), limit=G.MAX_ROWS))


def _trim(rows: list[list]) -> list[list]:
    end = len(rows)
    while end and is_blank(rows[end - 1]):
        end -= 1
    del rows[end:]
    return rows


decode_text = G.decode_text


def _read_text(path: Path, *, html: bool = False) -> tuple[list[list], str]:
    try:
        data = G.read_limited(path, G.MAX_TEXT_FILE_BYTES)
    except G.GuardError as exc:
        raise ImportFileError(str(exc)) from exc
    except OSError as exc:
        raise ImportFileError(t("imp.unreadable", path=path.name, reason=_one_line(exc))) from exc
    try:
        charset = G.html_charset(data) if html else None
        if charset and not data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            text, encoding = data.decode(charset), charset
        else:
            text, encoding = decode_text(data)
    except UnicodeDecodeError as exc:
        raise ImportFileError(t("guard.encoding", path=path.name)) from exc
    del data
    if "\x00" in text:
        raise ImportFileError(t("guard.encoding", path=path.name))
    if html:
        try:
            return G.html_rows(text, path), encoding
        except G.GuardError as exc:
            raise ImportFileError(str(exc)) from exc
    sample = text[:8192]
    counts = {d: sample.count(d) for d in (",", "\t", ";", "|")}
    delimiter = max(counts, key=counts.__getitem__) if any(counts.values()) else ","
    return _parse_csv(text, delimiter), encoding


def _parse_csv(text: str, delimiter: str) -> list[list]:
    """CSV records, strictly: a quote that never closes, a cell longer than Excel holds, more
    rows than Excel holds are refused with the record they start on."""
    rows: list[list] = []
    old_limit = csv.field_size_limit(G.MAX_CSV_FIELD_CHARS)
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
        while True:
            start_line = reader.line_num + 1
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                record = len(rows) + 1
                msg = str(exc)
                if "larger than field limit" in msg:
                    raise ImportFileError(t("guard.field_too_long", row=record, limit=G.MAX_CSV_FIELD_CHARS)) from exc
                if "unexpected end of data" in msg or "EOF" in msg:
                    swallowed = max(0, reader.line_num - start_line)
                    raise ImportFileError(t("guard.unterminated_quote", row=record, swallowed=swallowed)) from exc
                raise ImportFileError(t("guard.csv_broken", row=record)) from exc
            rows.append(row)
            if len(rows) > G.MAX_ROWS:
                raise ImportFileError(t("guard.too_many_rows", sheet="CSV", rows=f"{G.MAX_ROWS}+", limit=G.MAX_ROWS))
    finally:
        csv.field_size_limit(old_limit)
    _check_swallowed(rows, delimiter)
    for row in rows:
        for i, v in enumerate(row):
            if "_x" in v or not v.isprintable():
                row[i] = tidy_text(v)
    return rows


def _check_swallowed(rows: list[list], delimiter: str) -> None:
    """A quoted cell whose lines look like whole records (as many delimiters as the table has
    columns) is a quote that closed only rows later: the rows in between would be lost."""
    width = max((len(r) for r in rows[:HEADER_SCAN_ROWS]), default=0)
    if width < 3:
        return
    for i, row in enumerate(rows):
        for cell in row:
            if "\n" in cell and cell.count(delimiter) >= width - 1:
                lines = cell.split("\n")
                if sum(1 for ln in lines[1:] if ln.count(delimiter) >= width - 1) >= 1:
                    raise ImportFileError(t("guard.unterminated_quote", row=i + 1, swallowed=len(lines) - 1))


# --- header and columns -------------------------------------------------------------------------


@dataclass
class HeaderGuess:
    row: int | None  # 0-based index into SheetData.rows; None when nothing looks like a header
    mapping: dict[int, str]  # column index -> field
    member: bool  # True when the sheet has the required member columns


def is_blank(row) -> bool:
    for v in row:
        if v is None:
            continue
        if isinstance(v, str):
            if v.strip():
                return False
        else:
            return False
    return True


def map_columns(header_cells: list) -> dict[int, str]:
    """Column index -> field from the synonym table. The first column naming a field wins; a
    second phone column becomes the other phone."""
    mapping: dict[int, str] = {}
    taken: set[str] = set()
    for i, cell in enumerate(header_cells):
        f = match_header(cell)
        if f is None:
            continue
        if f in taken:
            if f == "mobile" and "phone2" not in taken:
                f = "phone2"
            else:
                continue
        mapping[i] = f
        taken.add(f)
    return mapping


def detect_header(rows: list[list]) -> HeaderGuess:
    """The first row with three or more recognised column names. When there is none, the best
    guess at a header (the first row of short texts about as wide as the table) is returned with
    its few recognised columns, and ``member`` is False."""
    scan = rows[:HEADER_SCAN_ROWS]
    for i, row in enumerate(scan):
        mapping = map_columns(row)
        if len(set(mapping.values()) - {"store"}) >= 3:  # (a store column alone names no member)
            return HeaderGuess(i, mapping, all(f in mapping.values() for f in REQUIRED))
    width = max((sum(1 for v in r if cell_text(v)) for r in scan), default=0)
    for i, row in enumerate(scan):
        cells = [v for v in row if cell_text(v)]
        if (
            len(cells) >= 2
            and len(cells) >= 0.6 * width
            and all(isinstance(v, str) and len(v.strip()) <= 40 for v in cells)
        ):
            mapping = map_columns(row)
            return HeaderGuess(i, mapping, all(f in mapping.values() for f in REQUIRED))
    return HeaderGuess(None, {}, False)


def header_key(header_cells: list) -> str:
    norm = [normalize_header(c) for c in header_cells]
    while norm and not norm[-1]:
        norm.pop()
    return hashlib.sha1(json.dumps(norm, ensure_ascii=False).encode()).hexdigest()[:16]


def remembered_mapping(header_cells: list) -> dict[int, str] | None:
    """The mapping the user chose last time for a file with this very header, if any."""
    try:
        data = settings.get(f"import.mapping.{header_key(header_cells)}")
        if data is None:
            return None
        return {int(k): v for k, v in data.items() if v in FIELDS and int(k) < len(header_cells)}
    except (ValueError, TypeError, AttributeError):
        return None


def remember_mapping(header_cells: list, mapping: dict[int, str]) -> None:
    key = f"import.mapping.{header_key(header_cells)}"
    settings.put(key, {str(k): v for k, v in sorted(mapping.items())})


# --- checking rows ------------------------------------------------------------------------------


@dataclass
class ImportOptions:
    sheet: str | int | None = None
    header_row: int | None = None  # 1-based spreadsheet row; None = detect
    mapping: dict[int, str] | None = None  # column index -> field; None = remembered or synonyms
    on_duplicate: str = "skip"  # skip / fill / overwrite (existing customers)
    balance_mode: str = "replace"  # replace / add (existing customers' balance and points)
    unknown_to_notes: bool = False  # keep unmapped columns in the notes as "header: value"
    today: dt.date | None = None
    # a chain (issue #18): the store whose members these are — the new customers' home store and
    # the store of the import's ledger entries (existing customers keep their home store); None:
    # this counter's store
    store_id: int | None = None
    # a chain's store column: names the file writes that are no store's name or code, and the
    # store the owner says each one means (总店 -> 本店); keys as written (compared as store
    # names are: NFKC, case and spaces ignored)
    store_names: dict[str, int] | None = None


@dataclass(slots=True)
class Clean:
    """One row's normalised values."""

    name: str
    mobile: str
    card_no: str | None
    gender: str  # M / F / ""
    birthday: dt.date | None
    lunar: LunarBirthday | None
    balance_cents: int
    points: int
    level: str | None
    notes: str | None
    address: str | None
    wechat: str | None
    phone2: str | None
    joined_on: dt.date | None
    total_spend_cents: int | None
    tags: list[str]
    # whether the file gave a balance / points (an empty cell is 0 for a new customer, but leaves
    # an existing customer's balance alone)
    has_balance: bool = False
    has_points: bool = False
    # the archive's other columns, as our own exporter writes them (round trip): source and the
    # preferences (customers.TEXT_FIELDS), consent to marketing, purchase count, last purchase
    extra: dict[str, str] | None = None
    consent: bool | None = None
    purchase_count: int | None = None
    last_purchase_at: dt.datetime | None = None
    home_store_id: int | None = None  # a chain's store column named this store (else the import's)

    @property
    def birthday_text(self) -> str | None:
        if self.lunar is not None:
            return format_lunar(self.lunar)
        return self.birthday.isoformat() if self.birthday else None


@dataclass(slots=True)
class RowResult:
    record: int  # 1-based spreadsheet row (CSV record)
    cls: str
    reason: str | None = None  # machine code: phone_invalid, birthday_invalid, …
    column: str | None = None  # the header of the column at fault, as the file wrote it
    message: str = ""  # the reason in the user's language
    clean: Clean | None = None
    duplicate_of: int | None = None  # record number of the row this one repeats
    customer_id: int | None = None  # the existing customer matched (UPDATED / DUPLICATE)
    match_by: str | None = None


@dataclass
class ImportReport:
    file: str
    sheet: str
    header_record: int | None
    header: list[str]
    mapping: dict[int, str]
    options: ImportOptions
    rows: list[RowResult] = field(default_factory=list)
    raw_rows: list[list] = field(default_factory=list)
    gender_mapping: dict[str, str] = field(default_factory=dict)
    dry_run: bool = True
    run_id: int | None = None
    encoding: str | None = None
    other_sheets: list[tuple[str, int]] = field(default_factory=list)
    # a chain's store column: each value that is no store's own name or code (as first written)
    # and its rows, most rows first — unknown, or matched through ImportOptions.store_names
    store_values: dict[str, int] = field(default_factory=dict)

    @property
    def unknown_stores(self) -> dict[str, int]:
        """The store column's values that name no store and were not matched by the owner."""
        chosen = {_store_key(k) for k in (self.options.store_names or {})}
        return {name: n for name, n in self.store_values.items() if _store_key(name) not in chosen}

    # counts
    def count(self, *classes: str) -> int:
        return sum(1 for r in self.rows if r.cls in classes)

    @property
    def imported(self) -> int:
        return self.count(IMPORTED, WARNED)

    @property
    def updated(self) -> int:
        return self.count(UPDATED)

    @property
    def duplicates(self) -> int:
        return self.count(DUPLICATE)

    @property
    def errors(self) -> int:
        return self.count(ERROR)

    @property
    def warnings(self) -> int:
        return sum(1 for r in self.rows if r.cls == WARNED or (r.cls == UPDATED and r.reason))

    @property
    def skipped(self) -> int:
        return self.count(BLANK, SUMMARY)

    def by_class(self) -> dict[str, int]:
        return dict(Counter(r.cls for r in self.rows))

    def by_reason(self) -> dict[str, int]:
        return dict(Counter(f"{r.cls}:{r.reason}" for r in self.rows if r.reason))

    @property
    def balance_cents_total(self) -> int:
        """Opening balances of the new customers."""
        return sum(r.clean.balance_cents for r in self.rows if r.cls in (IMPORTED, WARNED))

    @property
    def points_total(self) -> int:
        return sum(r.clean.points for r in self.rows if r.cls in (IMPORTED, WARNED))

    def raw_value(self, record: int, field_name: str) -> str:
        """What the file wrote in ``field_name``'s column on spreadsheet row ``record``."""
        col = next((i for i, f in self.mapping.items() if f == field_name), None)
        if col is None or not 1 <= record <= len(self.raw_rows):
            return ""
        row = self.raw_rows[record - 1]
        return cell_text(row[col]) if col < len(row) else ""

    def problems(self) -> list[RowResult]:
        return [r for r in self.rows if r.message and r.cls not in (BLANK, SUMMARY)]

    def summary_text(self) -> str:
        return t(
            "imp.summary",
            imported=self.imported,
            updated=self.updated,
            duplicates=self.duplicates,
            errors=self.errors,
            warnings=self.warnings,
        )

    def to_json(self) -> dict:
        return {
            "file": self.file,
            "sheet": self.sheet,
            "encoding": self.encoding,
            "other_sheets": [{"sheet": n, "rows": r} for n, r in self.other_sheets],
            "header_row": self.header_record,
            "dry_run": self.dry_run,
            "run_id": self.run_id,
            "on_duplicate": self.options.on_duplicate,
            "balance_mode": self.options.balance_mode,
            "mapping": {self.header[i] if i < len(self.header) else str(i): f for i, f in sorted(self.mapping.items())},
            "counts": {
                "imported": self.imported,
                "updated": self.updated,
                "duplicates": self.duplicates,
                "errors": self.errors,
                "warnings": self.warnings,
                "skipped": self.skipped,
            },
            "by_class": self.by_class(),
            "by_reason": self.by_reason(),
            "imported_balance_total": str(fmt(self.balance_cents_total, grouping=False)),
            "imported_points_total": self.points_total,
            "gender_mapping": self.gender_mapping,
            # a chain's store column: the values that name no store, and their rows
            **({"unknown_stores": self.unknown_stores} if self.store_values else {}),
            "problems": [
                {
                    "row": r.record,
                    "class": r.cls,
                    "reason": r.reason,
                    "column": r.column,
                    "message": r.message,
                    **({"duplicate_of": r.duplicate_of} if r.duplicate_of else {}),
                }
                for r in self.problems()
            ],
        }


texts.register(
    {
        "imp.summary": (
            "新增 {imported}，更新 {updated}，重复 {duplicates}，错误 {errors}，警告 {warnings}",
            "{imported} imported, {updated} updated, {duplicates} duplicates, {errors} errors, {warnings} warnings",
        ),
    }
)


def _text(v) -> str:
    """A free-text cell as written (no NFKC: full-width punctuation is the user's choice).
    The formula escape has been undone already (exactly once: ``''=x`` is the text ``'=x``)."""
    if v is None:
        return ""
    if isinstance(v, str):
        return v.strip()
    return cell_text(v)


_XL_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def tidy_text(v: str) -> str:
    """A text file's cell (CSV, HTML): Excel's ``_x000D_`` escapes undone (``_x005F_`` is a
    literal underscore; calamine undoes them in xlsx itself), CR LF and CR become LF, and the
    other C0 controls but tab go. (Cells of a workbook keep theirs: the archive may hold them and
    every archive must come back from its own export.)"""
    if "_x" in v:
        v = _XL_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), v)
    if v.isprintable():
        return v
    v = v.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(ch for ch in v if ch in "\n\t" or unicodedata.category(ch) != "Cc")


_SCIENTIFIC = re.compile(r"\d(?:\.\d+)?E[+-]?\d+")


def _scientific_damage(raw) -> str | None:
    """How an identifier cell shows scientific-notation damage: 'text' ('1.23457E+17' as text),
    'digits' (a number of more than 15 significant digits, or 12+ digits ending in five or more
    zeros: what Excel keeps of 1.23457E+17), or None."""
    if raw is None or raw.__class__ is bool:
        return None
    if raw.__class__ is str:
        return "text" if _SCIENTIFIC.fullmatch(nfkc(raw).upper()) else None
    if isinstance(raw, int | float):
        if isinstance(raw, float) and (raw != raw or not raw.is_integer()):
            return None
        digits = str(int(raw))
        if len(digits) > 15 or (len(digits) >= 12 and digits.endswith("00000")):
            return "digits"
    return None


def _unstorable_text(clean: Clean) -> FieldError | None:
    """The first free-text value of a row that normalize.check_text refuses (a lone surrogate,
    more than an Excel cell holds), or None."""
    values = [
        ("name", clean.name),
        ("notes", clean.notes),
        ("address", clean.address),
        ("wechat", clean.wechat),
        ("phone2", clean.phone2),
        *(("tags", x) for x in clean.tags),
    ]
    if clean.extra:
        values += clean.extra.items()
    for name, text in values:
        if text and text.__class__ is str and (len(text) > 8000 or not text.isprintable()):
            try:
                check_text(name, text)
            except FieldError as exc:
                return exc
    return None


_MISSING = object()


def _given(v) -> bool:
    """Whether a cell holds a value (``cell_text(v) != ""``, without formatting numbers)."""
    if v is None:
        return False
    if v.__class__ is str:
        return v.strip() != "" and cell_text(v) != ""
    return True


def _is_summary(row: list) -> bool:
    for v in row:
        if isinstance(v, str) and v.strip():
            word = cell_text(v).lower().rstrip(":：")
            if word in SUMMARY_WORDS or word.startswith(("合计", "总计")):
                return True
    return False


def _channel_codes() -> dict[str, str]:
    """Channel labels (电话, 微信… and the English ones) -> the stored code (phone, wechat…)."""
    from shopcrm.core.texts import CATALOGUE

    return {
        nfkc(label).lower(): key.split(".", 1)[1]
        for key, pair in CATALOGUE.items()
        if key.startswith("channel.")
        for label in pair
    }


_YES = {"是", "y", "yes", "true", "1", "接受", "同意", "√", "✓", "1.0"}
_NO = {"否", "n", "no", "false", "0", "不接受", "拒绝", "不同意", "×", "0.0"}
_UNKNOWN = {"未知", "unknown", "不详", "?", "？"}  # said so: unknown, no warning


def _more_columns(cell, extra_cols, i_channel, i_consent, i_count, i_last, channels, colname, today, clean: Clean):
    """The columns our exporter writes beyond the member basics, into ``clean``. Returns
    (reason, column, message) of the first unusable value (a warning: the row is imported
    without it), or None."""
    problem = None
    extra = {}
    for f, i in extra_cols:
        v = _text(cell(i))
        if v and f == "email":
            try:
                v = normalize_email(v)
            except FieldError as exc:  # a warning: the row is imported without it
                problem = problem or (
                    "email_invalid",
                    colname.get("email"),
                    t("imp.r.email_dropped", reason=exc.message),
                )
                continue
        if v:
            extra[f] = v
    if i_channel >= 0:
        v = _text(cell(i_channel))
        if v:
            extra["pref_channel"] = channels.get(nfkc(v).lower(), v)
    clean.extra = extra or None
    if i_consent >= 0:
        raw = cell(i_consent)
        if raw.__class__ is bool:
            clean.consent = raw
        else:
            v = nfkc(raw).lower()
            if v in _YES:
                clean.consent = True
            elif v in _NO:
                clean.consent = False
            elif v and v not in _UNKNOWN:
                problem = (
                    "consent_invalid",
                    colname.get("consent_marketing"),
                    t("imp.r.consent_dropped", value=cell_text(raw)),
                )
    if i_count >= 0:
        try:
            clean.purchase_count = parse_int(cell(i_count), "purchase_count")
        except FieldError as exc:
            problem = problem or (
                "purchase_count_invalid",
                colname.get("purchase_count"),
                t("imp.r.count_dropped", reason=exc.message),
            )
    if i_last >= 0:
        raw = cell(i_last)
        try:
            clean.last_purchase_at = _parse_datetime(raw, today)
        except FieldError as exc:
            problem = problem or (
                "last_purchase_invalid",
                colname.get("last_purchase_at"),
                t("imp.r.last_purchase_dropped", reason=exc.message),
            )
    return problem


# a date with a time of day as Chinese exports write it: 2026/1/5 9:05, 2026.01.05 09:05:00
_DATE_TIME_RE = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?")


def _parse_datetime(value, today: dt.date) -> dt.datetime | None:
    """A date-time cell (or ISO text 'YYYY-MM-DD HH:MM[:SS]'), else any date parse_date takes
    (at midnight). Never in the future."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):  # to the nearest second (an Excel serial is a float)
        at = (value + dt.timedelta(microseconds=500_000)).replace(microsecond=0, tzinfo=None)
    else:
        at = None
        if isinstance(value, str) and len(nfkc(value)) > 10:
            text = nfkc(value).strip()
            try:
                at = dt.datetime.fromisoformat(text).replace(microsecond=0, tzinfo=None)
            except ValueError:  # expected: '2026/1/5 9:05' or '2026年11月10日' and the like
                m = _DATE_TIME_RE.fullmatch(text)
                if m is not None:
                    try:
                        at = dt.datetime(*(int(g) for g in m.groups(default="0")))
                    except ValueError:
                        at = None  # 2026/2/30 10:00: parse_date below says what is wrong
    if at is None:
        d = parse_date(value, "last_purchase_at", today=today, allow_future=False)
        if d is None:
            return None
        at = dt.datetime(d.year, d.month, d.day)
    if at.date() > today:
        raise FieldError("last_purchase_at", "v.date_future", value=at.date().isoformat())
    if at.year < 1900:
        raise FieldError("last_purchase_at", "v.date_impossible", value=value)
    return at


class _Existing:
    """Mobile and card numbers already in the database (one query each, then dict lookups)."""

    def __init__(self):
        self.by_mobile: dict[str, int] = {}
        self.by_card: dict[str, int] = {}
        for cid, mobile, card in database.execute_sql("SELECT id, mobile, card_no FROM customer"):
            self.by_mobile[mobile] = cid
            if card:
                self.by_card[card] = cid

    @staticmethod
    def describe(cid: int) -> str:
        row = database.execute_sql("SELECT name, mobile, deleted_at FROM customer WHERE id = ?", (cid,)).fetchone()
        if row is None:
            return str(cid)
        return f"{row[0]} {row[1]}" + ("（回收站）" if row[2] else "")


def resolve(sheet: SheetData, options: ImportOptions) -> tuple[int, dict[int, str]]:
    """The header row index (0-based) and column mapping the options ask for, or the detected
    ones. Raises ImportFileError when the sheet has no member columns."""
    if not sheet.rows:
        raise ImportFileError(t("imp.empty", sheet=sheet.sheet))
    if options.header_row is not None:
        idx = options.header_row - 1
        if not 0 <= idx < len(sheet.rows):
            raise ImportFileError(t("imp.bad_header_row", row=options.header_row, rows=len(sheet.rows)))
        mapping = options.mapping
        if mapping is None:
            mapping = remembered_mapping(sheet.rows[idx]) or map_columns(sheet.rows[idx])
    else:
        guess = detect_header(sheet.rows)
        idx = guess.row
        mapping = options.mapping
        if mapping is None and idx is not None:
            mapping = remembered_mapping(sheet.rows[idx]) or guess.mapping
    mapping = usable_mapping({int(k): v for k, v in (mapping or {}).items() if v in FIELDS})
    if idx is None or not all(f in mapping.values() for f in REQUIRED):
        found = "、".join(field_label(f) for f in dict.fromkeys(mapping.values())) or t("imp.none")
        raise ImportFileError(t("imp.no_member_columns", sheet=sheet.sheet, found=found))
    return idx, mapping


def member_fields() -> tuple[str, ...]:
    """The fields a column may be mapped to here: all of FIELDS in a chain, without ``store``
    in a single shop (which never sees stores)."""
    return FIELDS if stores.active_count() > 1 else tuple(f for f in FIELDS if f != "store")


def usable_mapping(mapping: dict[int, str]) -> dict[int, str]:
    """``mapping`` without a store column in a single shop (the column stays unread, as any
    column the importer does not know: into the notes with ``unknown_to_notes``)."""
    if "store" not in mapping.values() or stores.active_count() > 1:
        return mapping
    return {i: f for i, f in mapping.items() if f != "store"}


def _store_names() -> dict[str, int]:
    """Active stores by name and by code (NFKC, case-folded, spaces dropped)."""
    out: dict[str, int] = {}
    for row in stores.active_stores():
        out.setdefault(_store_key(row[2]), row[0])
        out.setdefault(_store_key(row[1]), row[0])
    return out


def _store_key(text: str) -> str:
    return "".join(nfkc(text).split()).casefold()


def plan(
    sheet: SheetData,
    options: ImportOptions | None = None,
    *,
    progress: Callable[[int, int], bool | None] | None = None,
    progress_total: int | None = None,
) -> ImportReport:
    """Check and normalise every row, and match it against the database, without writing.
    This is the dry run; :func:`apply_plan` writes its result."""
    with gc_paused():
        return _plan(sheet, options, progress=progress, progress_total=progress_total)


def _plan(
    sheet: SheetData,
    options: ImportOptions | None = None,
    *,
    progress: Callable[[int, int], bool | None] | None = None,
    progress_total: int | None = None,
) -> ImportReport:
    """:func:`plan`.

    The loop is the importer's hot path (100k rows): cells are fetched by index, and blank and
    summary rows are recognised only when the phone check fails (they have no phone)."""
    options = options or ImportOptions()
    if options.on_duplicate not in ON_DUPLICATE:
        raise ValueError(options.on_duplicate)
    if options.balance_mode not in BALANCE_MODES:
        raise ValueError(options.balance_mode)
    today = options.today or clock.today()
    hidx, mapping = resolve(sheet, options)
    rows = sheet.rows
    header_cells = rows[hidx]
    header = [cell_text(c).replace("\n", " ") for c in header_cells]
    report = ImportReport(
        str(sheet.path), sheet.sheet, hidx + 1, header, mapping, options, raw_rows=rows, encoding=sheet.encoding
    )
    report.other_sheets = list(sheet.other_sheets)
    col = {f: i for i, f in mapping.items()}
    colname = {
        f: (header[i] if i < len(header) and header[i] else field_label(f))
        for f in FIELDS
        for i in [col.get(f)]
        if i is not None
    }
    unknown = [i for i, h in enumerate(header) if h and i not in mapping] if options.unknown_to_notes else []
    # column index per field; -1 = not in the file (a row shorter than the header reads None)
    (
        i_name,
        i_mobile,
        i_card,
        i_bday,
        i_gender,
        i_balance,
        i_points,
        i_level,
        i_notes,
        i_address,
        i_joined,
        i_spend,
        i_wechat,
        i_tags,
        i_phone2,
    ) = (col.get(f, -1) for f in FIELDS[:15])
    extra_cols = [(f, col[f]) for f in EXTRA_TEXT_FIELDS if f in col]
    i_channel, i_consent, i_count, i_last = (
        col.get(f, -1) for f in ("pref_channel", "consent_marketing", "purchase_count", "last_purchase_at")
    )
    any_more = bool(extra_cols) or max(i_channel, i_consent, i_count, i_last) >= 0
    i_store = col.get("store", -1)
    store_ids = _store_names() if i_store >= 0 else {}
    own_names = set(store_ids)  # (the values that name a store by themselves)
    if i_store >= 0:
        active = set(store_ids.values())
        for named, chosen in (options.store_names or {}).items():
            if int(chosen) not in active:
                raise ValueError(f"store_names: {named!r} -> {chosen}: no active store")
            store_ids.setdefault(_store_key(named), int(chosen))
    store_values: dict[str, int] = {}
    first_written: dict[str, str] = {}
    store_names: dict[int, str] = {}
    channels = _channel_codes() if i_channel >= 0 else {}
    c_mobile, c_card, c_bday = colname.get("mobile"), colname.get("card_no"), colname.get("birthday")

    existing = _Existing()
    seen_mobile: dict[str, int] = {}
    seen_card: dict[str, int] = {}
    gender_raw: dict = {}
    bday_seen: dict = {}
    results = report.rows
    append = results.append
    total = progress_total or len(rows)
    msg_phone_missing = t("imp.r.phone_missing")
    for idx in range(hidx + 1, len(rows)):
        if idx % PROGRESS_EVERY == 0:
            check_progress(progress, idx, total)
        row = rows[idx]
        record = idx + 1
        n = len(row)

        def cell(i, row=row, n=n):
            if i < 0 or i >= n:
                return None
            v = row[i]
            if v.__class__ is str and v[:1] == "'":
                return unescape_formula(v)
            return v

        # 1 phone (blank and summary rows have none)
        try:
            mobile = normalize_mobile(cell(i_mobile))
        except FieldError as exc:
            if is_blank(row):
                append(RowResult(record, BLANK))
            elif _is_summary(row):
                append(RowResult(record, SUMMARY, message=t("imp.r.summary")))
            elif exc.key == "v.required":
                append(RowResult(record, ERROR, "phone_missing", c_mobile, msg_phone_missing))
            else:
                append(RowResult(record, ERROR, "phone_invalid", c_mobile, exc.message))
            continue
        raw_mobile = row[i_mobile] if 0 <= i_mobile < n else None
        if raw_mobile.__class__ is not str and mobile.endswith("00000"):
            # a number whose last digits scientific notation cut (1.38001E+10 -> 13800100000)
            append(RowResult(record, ERROR, "mobile_scientific", c_mobile, t("imp.r.mobile_cut", value=mobile)))
            continue
        # 2 name
        raw_name = cell(i_name)
        name = normalize_name(raw_name) if raw_name.__class__ is str else cell_text(raw_name)
        if not name:
            append(RowResult(record, ERROR, "name_missing", colname["name"], t("imp.r.name_missing")))
            continue
        # 3 balance, 4 points
        raw_balance, raw_points = cell(i_balance), cell(i_points)
        try:
            balance = parse_money(raw_balance, "balance")
        except FieldError as exc:
            append(
                RowResult(
                    record,
                    ERROR,
                    "balance_negative" if exc.key == "v.money_negative" else "balance_invalid",
                    colname.get("balance"),
                    exc.message,
                )
            )
            continue
        try:
            points = parse_int(raw_points, "points")
        except FieldError as exc:
            append(
                RowResult(
                    record,
                    ERROR,
                    "points_negative" if exc.key == "v.int_negative" else "points_invalid",
                    colname.get("points"),
                    exc.message,
                )
            )
            continue
        # 5 a phone already seen in this file
        first = seen_mobile.get(mobile)
        if first is not None:
            append(
                RowResult(
                    record,
                    DUPLICATE,
                    "phone_duplicate",
                    c_mobile,
                    t("imp.r.phone_duplicate", mobile=mobile, other=first),
                    duplicate_of=first,
                )
            )
            continue
        # 6 a card already seen in this file
        raw_card = cell(i_card)
        if (raw_card is not None and raw_card.__class__ is not str) or (raw_card and "E" in raw_card.upper()):
            how = _scientific_damage(raw_card)
            if how is not None:
                append(
                    RowResult(
                        record,
                        ERROR,
                        "card_scientific",
                        c_card,
                        t("imp.r.card_scientific", value=cell_text(raw_card), how=t(f"imp.how.{how}")),
                    )
                )
                continue
        card = normalize_card(raw_card)
        if card is not None:
            first = seen_card.get(card)
            if first is not None:
                append(
                    RowResult(
                        record,
                        ERROR,
                        "card_duplicate",
                        c_card,
                        t("imp.r.card_duplicate", card=card, other=first),
                        duplicate_of=first,
                    )
                )
                continue
        # 7 birthday (a warning)
        reason = message = column = None
        birthday = lunar = None
        raw_bday = cell(i_bday)
        if raw_bday is not None and raw_bday != "":
            # memoised per cell value: birthdays repeat (a shop's 100k have ~20k distinct days)
            bkey = (raw_bday.__class__, raw_bday)
            parsed = bday_seen.get(bkey, _MISSING)
            if parsed is _MISSING:
                try:
                    parsed = parse_birthday(raw_bday, today=today)
                except FieldError as exc:
                    parsed = (exc.message,)  # the message, not the exception and its traceback
                if len(bday_seen) < 100_000:
                    bday_seen[bkey] = parsed
            if parsed is None:
                pass
            elif parsed.__class__ is tuple:
                reason, column = "birthday_invalid", c_bday
                message = t("imp.r.birthday_dropped", reason=parsed[0])
            elif parsed.__class__ is LunarBirthday:
                lunar = parsed
            else:
                birthday = parsed
        # optional columns
        raw_gender = cell(i_gender)
        gkey = (raw_gender.__class__, raw_gender)  # 1 and True are equal keys otherwise
        gender = gender_raw.get(gkey)
        if gender is None:
            gender = gender_raw[gkey] = normalize_gender(raw_gender)
        level = cell(i_level)
        level = (nfkc(level) if level.__class__ is str else cell_text(level)) or None
        notes = _text(cell(i_notes)) or None
        if unknown:
            extra = [t("imp.unknown_note", header=header[i], value=_text(cell(i))) for i in unknown if _text(cell(i))]
            if extra:
                notes = "\n".join(([notes] if notes else []) + extra)
        joined = spend = None
        if i_joined >= 0:
            try:
                joined = parse_date(cell(i_joined), "date", today=today, allow_future=False)
            except FieldError as exc:
                if reason is None:
                    reason, column = "joined_invalid", colname.get("joined_on")
                    message = t("imp.r.joined_dropped", reason=exc.message)
        if i_spend >= 0:
            try:
                spend = parse_money(cell(i_spend), "amount")
            except FieldError as exc:
                if reason is None:
                    reason, column = "total_spend_invalid", colname.get("total_spend")
                    message = t("imp.r.spend_dropped", reason=exc.message)
        clean = Clean(
            name,
            mobile,
            card,
            gender,
            birthday,
            lunar,
            balance,
            points,
            level,
            notes,
            _text(cell(i_address)) or None if i_address >= 0 else None,
            _text(cell(i_wechat)) or None if i_wechat >= 0 else None,
            _text(cell(i_phone2)) or None if i_phone2 >= 0 else None,
            joined,
            spend,
            parse_tags(cell(i_tags)) if i_tags >= 0 else [],
            _given(raw_balance),
            _given(raw_points),
        )
        if any_more:
            more = _more_columns(
                cell, extra_cols, i_channel, i_consent, i_count, i_last, channels, colname, today, clean
            )
            if more is not None and reason is None:
                reason, column, message = more
        if i_store >= 0:
            named = _text(cell(i_store))
            if named:
                key = _store_key(named)
                clean.home_store_id = store_ids.get(key)
                if key not in own_names:
                    shown = first_written.setdefault(key, named)
                    store_values[shown] = store_values.get(shown, 0) + 1
                if clean.home_store_id is None:
                    home = import_store(options)
                    if home not in store_names:
                        store_names[home] = stores.store_name(home)
                    said = t("imp.r.store_unknown", value=named, store=store_names[home])
                    if reason is None:
                        reason, column, message = "store_unknown", colname.get("store"), said
                    else:  # the row's first warning keeps its place; this one is said too
                        message = f"{message}；{said}"
        # text the program could not store or export back (issue #19): refused, never cut
        bad = _unstorable_text(clean)
        if bad is not None:
            append(RowResult(record, ERROR, "text_invalid", colname.get(bad.field, bad.field), bad.message))
            continue
        # against the database: mobile first, then card
        cid = existing.by_mobile.get(mobile)
        by = "mobile"
        if cid is None and card is not None:
            cid = existing.by_card.get(card)
            by = "card"
        if cid is None:
            seen_mobile[mobile] = record
            if card is not None:
                seen_card[card] = record
            append(RowResult(record, WARNED if reason else IMPORTED, reason, column, message or "", clean))
            continue
        other = existing.describe(cid)
        by_label = t(f"imp.by.{by}")
        if options.on_duplicate == "skip":
            append(
                RowResult(
                    record,
                    DUPLICATE,
                    "exists",
                    c_mobile if by == "mobile" else c_card,
                    t("imp.r.exists", other=other, by=by_label),
                    clean,
                    customer_id=cid,
                    match_by=by,
                )
            )
            seen_mobile[mobile] = record
            if card is not None:
                seen_card[card] = record
            continue
        if card is not None and existing.by_card.get(card, cid) != cid:
            append(
                RowResult(
                    record,
                    ERROR,
                    "card_in_use",
                    c_card,
                    t("imp.r.card_in_use", card=card, other=existing.describe(existing.by_card[card])),
                )
            )
            continue
        seen_mobile[mobile] = record
        if card is not None:
            seen_card[card] = record
        msg = t("imp.r.updated", other=other, by=by_label)
        if message:
            msg = f"{msg}；{message}"
        append(RowResult(record, UPDATED, reason, column, msg, clean, customer_id=cid, match_by=by))
    report.gender_mapping = {cell_text(k[1]): v for k, v in gender_raw.items() if cell_text(k[1])}
    report.store_values = dict(sorted(store_values.items(), key=lambda kv: (-kv[1], kv[0])))
    return report


# --- writing ------------------------------------------------------------------------------------

_CUSTOMER_COLUMNS = (
    "id",
    "card_no",
    "name",
    "name_sort",
    "mobile",
    "mobile_rev",
    "phone2",
    "gender",
    "birthday",
    "lunar_month",
    "lunar_day",
    "lunar_leap",
    "lunar_year",
    "birth_mmdd",
    "level_id",
    "balance_cents",
    "points",
    "pref_text",
    "pref_channel",
    "pref_time",
    "pref_products",
    "pref_taste",
    "address",
    "wechat",
    "source",
    "notes",
    "email",
    "consent_marketing",
    "joined_on",
    "total_spend_cents",
    "purchase_count",
    "last_purchase_at",
    "open_complaints",
    "created_at",
    "updated_at",
    "home_store_id",
)
_INSERT_CUSTOMER = f"INSERT INTO customer ({', '.join(_CUSTOMER_COLUMNS)}) VALUES "
_INSERT_LEDGER = (
    "INSERT INTO ledger_entry (customer_id, at, kind, balance_delta_cents, points_delta, "
    "balance_after_cents, points_after, reason, store_id) VALUES "
)
_LEDGER_VALUES = "(?, ?, 'import', ?, ?, ?, ?, ?, ?)"
_INSERT_KEYS = "INSERT OR IGNORE INTO search_key (key, customer_id, name_sort) VALUES "
# rows per INSERT statement: one statement of many rows binds its values in one go, where
# executemany steps the sqlite3 module's loop once per row (800k search keys: 2.0 -> 1.4 s)
ROWS_PER_STATEMENT = {"customer": 20, "ledger": 50, "keys": 100}

# Bulk load: when an import adds many rows relative to the table, the customer table's secondary
# indexes are dropped inside the import's transaction and created again (from their own SQL in
# sqlite_master) before it commits. An index built in one sort is much faster than 100k random
# B-tree inserts into each of ~20 indexes (customers: 2.2 s -> 0.6 s + 0.7 s of index builds).
# SQLite DDL is transactional: a cancel or a crash rolls the drop back with everything else.
# Rebuilding costs in proportion to the whole table, inserting in place to the rows added:
# measured on a table of 100k customers, adding 20k (1.6 s of builds vs 0.3-0.6 s in place) or
# 35k is faster in place, adding 50k faster with the rebuild (3.8 vs 4.6 s). So no absolute
# row count triggers it (25k rows into a shop of a million would rebuild a million-row table).
# On PostgreSQL the same rule holds (see _write_new), though DROP INDEX there also keeps the
# other counters from reading the customer table until the import commits.
BULK_MIN_FRACTION = 0.4  # new customers > this fraction of the customers already stored …
BULK_FLOOR = 1_000  # … and at least this many (also the floor for skipping FK look-ups, below)
# (A larger page cache during the load was measured too: no faster with 64 or 256 MB than with
# the usual 16 MB, and 50-65 MB more peak memory, so the cache stays as it is.)
BULK_TABLES = ("customer", "search_key")  # search_key_sort (step 0023) too; ledger_entry grows in key order
# Any import of BULK_FLOOR new customers or more writes without foreign-key look-ups, row by
# row (800k search keys:
# 4.2 -> 2.0 s): every row this import writes refers to a customer it has just inserted in the
# same transaction, or to a tag or level it has just looked up or created, so the checks could
# never fail. PRAGMA foreign_keys cannot change inside a transaction: it is switched off just
# before the import's transaction and back on right after it, whatever happens (the setting
# belongs to this connection only and is never stored in the file). PostgreSQL checks every
# row (shopcrm.store.db.bulk_load_settings); inserting the parents first keeps that cheap.
BULK_WITHOUT_FK_CHECKS = True
FK_CHECKED_TABLES = ("customer", "customer_tag", "ledger_entry")


def _insert_rows(con, head: str, values: str, width: int, flat: list, per: int) -> None:
    """INSERT the rows given as one flat list of values (``width`` per row), ``per`` rows per
    statement (see shopcrm.store.db.insert_rows)."""
    insert_rows(head, values, width, flat, per)


def _placeholders(width: int) -> str:
    return "(" + ", ".join("?" * width) + ")"


def bulk_load_wanted(new_rows: int, stored_rows: int) -> bool:
    """Whether an import of ``new_rows`` new customers rebuilds the customer indexes."""
    return new_rows >= BULK_FLOOR and new_rows > BULK_MIN_FRACTION * stored_rows


def _birth(c: Clean) -> tuple:
    if c.lunar is not None:
        lb = c.lunar
        return None, lb.month, lb.day, bool(lb.leap), lb.year, lb.month * 100 + lb.day
    if c.birthday is not None:
        b = c.birthday
        return b.isoformat(), None, None, False, None, b.month * 100 + b.day
    return None, None, None, False, None, None


def import_store(options: ImportOptions) -> int:
    """The store an import writes to: the one chosen (the command line and the wizard offer the
    active stores), else this counter's."""
    return stores.counter_store_id() if options.store_id is None else int(options.store_id)


def _backup_before_import():
    """A backup right before an import writes, when the backup module exists: the copy is made
    now, its fsync runs while the import writes, and :func:`apply_plan` waits for that (the
    returned ``wait_durable``) before it commits."""
    if importlib.util.find_spec("shopcrm.backup") is None:
        return None
    from shopcrm import backup

    return backup.before_operation("import", defer_durable=True)


def apply_plan(
    report: ImportReport, *, progress=None, progress_done: int = 0, progress_total: int | None = None
) -> ImportReport:
    """Write a plan in one transaction. Cancel (progress returns False) rolls everything back and
    raises Cancelled: the database is exactly as before, the history and the indexes included."""
    from shopcrm.customers import level_id_by_name
    from shopcrm.trust import audit, security

    security.require_owner("import")  # owner only (issue #7); the dry run stays open to clerks
    new = [r for r in report.rows if r.cls in (IMPORTED, WARNED)]
    upd = [r for r in report.rows if r.cls == UPDATED]
    total = progress_total or (progress_done + len(new) + len(upd)) or 1
    done = progress_done
    started = now()
    file_name = Path(report.file).name
    reason_text = t("imp.ledger_reason", file=file_name)
    pending_backup = _backup_before_import() if new or upd else None
    con = raw_connection()
    bulk = len(new) >= BULK_FLOOR and bulk_load_wanted(
        len(new), con.execute("SELECT count(*) FROM customer").fetchone()[0]
    )
    # foreign keys unchecked row by row (SQLite; a no-op inside a transaction: set before it)
    settings = bulk_load_settings(large=False, foreign_keys=not (len(new) >= BULK_FLOOR and BULK_WITHOUT_FK_CHECKS))
    deferred = checkpoint_deferred() if len(new) >= BULK_FLOOR else contextlib.nullcontext()
    try:
        with settings as load, deferred, database.atomic():
            run = ImportRun.create(
                started_at=started,
                file_name=file_name,
                file_path=report.file,
                sheet=report.sheet,
                header_row=report.header_record or 0,
                on_duplicate=report.options.on_duplicate,
                balance_mode=report.options.balance_mode,
                status="running",
            )
            levels: dict[str, int] = {}
            for r in new + upd:
                lv = r.clean.level
                if lv and lv not in levels:
                    levels[lv] = level_id_by_name(lv, create=True)
            if new:
                with gc_paused():
                    _write_new(con, new, levels, reason_text, report.options, progress, done, total, bulk=bulk)
                done += len(new)
            for i, r in enumerate(upd):
                if i % 200 == 0:
                    check_progress(progress, done, total)
                _update_existing(r, report.options, levels, reason_text)
                done += 1
            check_progress(progress, done, total)
            # written without look-ups: prove the relations that carry money and membership
            # before committing (about 0.1 s at 100k; the derived search keys are not checked,
            # which would take 2 s, and a stray key could only ever add a search hit)
            load.verify_foreign_keys(FK_CHECKED_TABLES)
            if pending_backup is not None:
                pending_backup.wait_durable()  # the backup is on disk before the import commits
            # the report's counts in one pass (each of its properties walks every row)
            by_class = report.by_class()
            imported = by_class.get(IMPORTED, 0) + by_class.get(WARNED, 0)
            updated = by_class.get(UPDATED, 0)
            ImportRun.update(
                finished_at=now(),
                status="done",
                total_rows=len(report.rows),
                imported=imported,
                updated=updated,
                duplicates=by_class.get(DUPLICATE, 0),
                errors=by_class.get(ERROR, 0),
                warnings=by_class.get(WARNED, 0) + sum(1 for r in upd if r.reason),
                balance_cents=sum(r.clean.balance_cents for r in new),
                points=sum(r.clean.points for r in new),
                summary=json.dumps({"by_class": by_class, "by_reason": report.by_reason()}, ensure_ascii=False),
            ).where(ImportRun.id == run.id).execute()
    except BaseException:
        # rolled back: the database is exactly as before (no history row either)
        for r in new:
            r.customer_id = None
        raise
    report.dry_run = False
    report.run_id = run.id
    audit.log("import", detail=f"{file_name}: +{imported} / ~{updated} (run {run.id})")
    return report


def _write_new(
    con,
    new: list[RowResult],
    levels: dict[str, int],
    reason_text: str,
    options: ImportOptions,
    progress,
    done: int,
    total: int,
    *,
    bulk: bool,
) -> None:
    """Insert the new customers, their search keys, tags and opening ledger entries (inside the
    import's transaction), in id order, PROGRESS_EVERY at a time."""
    from shopcrm.customers import tag_id

    tick = time.perf_counter
    spent = LAST_WRITE_SECONDS
    spent.clear()
    spent.update(rows=0.0, customers=0.0, ledger=0.0, keys=0.0, tags=0.0, indexes=0.0)
    ts = sql_ts(now())
    today_s = (options.today or clock.today()).isoformat()
    next_id = claim_ids("customer", len(new))
    store = import_store(options)
    # exclusive: on PostgreSQL too (100k members into an empty shop, measured on a loaded machine:
    # write 94.6 s with the indexes kept, 57.6 s dropped and rebuilt); the other counters' reads of
    # the customer table then wait for this import, which only a load of more new customers than
    # 40 % of the stored ones does (a shop's first import from its old software)
    dropped = DroppedIndexes(con, BULK_TABLES, exclusive=True) if bulk else None
    keys_of = NameKeyCache()
    sort_key_of, key_list = keys_of.sort_key, keys_of.key_list
    tag_ids: dict[str, int] = {}
    width = len(_CUSTOMER_COLUMNS)
    cust_values = _placeholders(width)
    per = ROWS_PER_STATEMENT
    for start in range(0, len(new), PROGRESS_EVERY):
        check_progress(progress, done, total)
        chunk = new[start : start + PROGRESS_EVERY]
        cust: list = []
        led: list = []
        keys: list = []
        tags = []
        cext, lext, kext = cust.extend, led.extend, keys.extend
        t0 = tick()
        for r in chunk:
            c = r.clean
            cid = next_id
            next_id += 1
            r.customer_id = cid
            name = c.name
            x = c.extra
            name_sort = sort_key_of(name)
            cext(
                (
                    cid,
                    c.card_no,
                    name,
                    name_sort,
                    c.mobile,
                    c.mobile[::-1],
                    c.phone2 or "",
                    c.gender,
                    *_birth(c),
                    levels.get(c.level) if c.level else None,
                    c.balance_cents,
                    c.points,
                    *(_NO_PREFS if x is None else _prefs(x)),
                    c.address or "",
                    c.wechat or "",
                    "" if x is None else x.get("source", ""),
                    c.notes or "",
                    "" if x is None else x.get("email", ""),
                    None if c.consent is None else bool(c.consent),  # PIPL: opt-in
                    c.joined_on.isoformat() if c.joined_on else today_s,
                    c.total_spend_cents or 0,
                    c.purchase_count or 0,
                    c.last_purchase_at and sql_ts(c.last_purchase_at),
                    0,
                    ts,
                    ts,
                    c.home_store_id or store,
                )
            )
            if c.balance_cents or c.points:
                lext((cid, ts, c.balance_cents, c.points, c.balance_cents, c.points, reason_text, store))
            kext([v for k in key_list(name) for v in (k, cid, name_sort)])
            for tg in c.tags:
                tid = tag_ids.get(tg)
                if tid is None:
                    tid = tag_ids[tg] = tag_id(tg)
                tags.append((cid, tid))
        t1 = tick()
        _insert_rows(con, _INSERT_CUSTOMER, cust_values, width, cust, per["customer"])
        t2 = tick()
        if led:
            _insert_rows(con, _INSERT_LEDGER, _LEDGER_VALUES, 8, led, per["ledger"])
        t3 = tick()
        _insert_rows(con, _INSERT_KEYS, "(?, ?, ?)", 3, keys, per["keys"])
        t4 = tick()
        if tags:
            con.executemany("INSERT OR IGNORE INTO customer_tag (customer_id, tag_id) VALUES (?, ?)", tags)
        spent["rows"] += t1 - t0
        spent["customers"] += t2 - t1
        spent["ledger"] += t3 - t2
        spent["keys"] += t4 - t3
        spent["tags"] += tick() - t4
        done += len(chunk)
    if dropped is not None:
        check_progress(progress, done, total)
        t0 = tick()
        dropped.restore()  # a duplicate mobile or card that slipped in fails here: rolled back
        spent["indexes"] = tick() - t0


_PREF_COLUMNS = ("pref_text", "pref_channel", "pref_time", "pref_products", "pref_taste")
_NO_PREFS = ("",) * len(_PREF_COLUMNS)


def _prefs(extra: dict[str, str]) -> tuple:
    return tuple(extra.get(k, "") for k in _PREF_COLUMNS)


# where the last import's write went, in seconds (the benchmark prints it)
LAST_WRITE_SECONDS: dict[str, float] = {}


def _update_existing(r: RowResult, options: ImportOptions, levels: dict[str, int], reason_text: str) -> None:
    """Fill the empty fields of an existing customer, or overwrite them; balance and points are
    replaced or added through the ledger (one entry of kind ``import``)."""
    from shopcrm.customers import _write_search_keys, birth_fields, set_tags, tags_of

    c = r.clean
    cust = Customer.get_by_id(r.customer_id)
    overwrite = options.on_duplicate == "overwrite"
    changes: dict = {}

    def put(attr, value, empty=("", None)):
        if value in (None, "") or value == []:
            return
        if overwrite or getattr(cust, attr) in empty:
            changes[attr] = value

    put("name", c.name)
    if overwrite and c.mobile != cust.mobile:
        changes["mobile"], changes["mobile_rev"] = c.mobile, c.mobile[::-1]
    put("card_no", c.card_no)
    put("gender", c.gender)
    if (c.birthday is not None or c.lunar is not None) and (
        overwrite or (cust.birthday is None and not cust.lunar_month)
    ):
        changes.update(birth_fields(c.birthday, c.lunar))
    if c.level:
        put("level", levels[c.level], empty=(None,))
    for attr in ("notes", "address", "wechat", "phone2"):
        put(attr, getattr(c, attr))
    for attr, value in (c.extra or {}).items():
        put(attr, value)
    if c.consent is not None and (overwrite or cust.consent_marketing is None):
        changes["consent_marketing"] = c.consent  # "fill" fills an unknown consent too
    put("joined_on", c.joined_on)
    if changes:
        if "name" in changes:
            changes["name_sort"] = sort_key(changes["name"])
        changes["updated_at"] = now()
        Customer.update(**changes).where(Customer.id == cust.id).execute()
        if "name" in changes and cust.deleted_at is None:  # the recycle bin has no search keys
            _write_search_keys(cust.id, changes["name"], replace=True)
    if c.tags:
        current = tags_of(cust.id)
        merged = c.tags if overwrite else list(dict.fromkeys(current + c.tags))
        if merged != current:
            set_tags(cust.id, merged)
    row = database.execute_sql("SELECT balance_cents, points FROM customer WHERE id = ?", (cust.id,)).fetchone()
    if options.balance_mode == "add":
        db_delta, dp_delta = c.balance_cents, c.points
    else:
        db_delta, dp_delta = c.balance_cents - row[0], c.points - row[1]
    if not c.has_balance:  # no balance column, or an empty cell: the stored balance stays
        db_delta = 0
    if not c.has_points:
        dp_delta = 0
    if db_delta or dp_delta:
        ledger.apply(
            cust.id,
            "import",
            balance_delta_cents=db_delta,
            points_delta=dp_delta,
            reason=reason_text,
            store_id=import_store(options),
        )


def run(
    path: str | Path, options: ImportOptions | None = None, *, dry_run: bool = False, progress=None
) -> ImportReport:
    """Read, check and (unless ``dry_run``) write one file. Raises ImportFileError when the file
    cannot be imported at all, Cancelled when the user cancelled (nothing was written)."""
    options = options or ImportOptions()
    return run_sheet(read_sheet(path, options.sheet), options, dry_run=dry_run, progress=progress)


def run_sheet(sheet: SheetData, options: ImportOptions, *, dry_run: bool = False, progress=None) -> ImportReport:
    """:func:`run` on a sheet already read (the wizard reads it once to show it)."""
    n = len(sheet.rows)
    total = n if dry_run else 2 * n
    report = plan(sheet, options, progress=progress, progress_total=total)
    if dry_run:
        check_progress(progress, total, total)
        return report
    return apply_plan(report, progress=progress, progress_done=n, progress_total=total)


# --- the report as a spreadsheet ----------------------------------------------------------------


class SavableReport(Protocol):
    """What :func:`save_report_xlsx` needs of a report (a member or a purchase import's)."""

    sheet: str

    @property
    def header_record(self) -> int | None: ...

    @property
    def raw_rows(self) -> list[list]: ...

    @property
    def rows(self) -> Sequence[Any]: ...


def save_report_xlsx(report: SavableReport, path: str | Path, *, only_problems: bool = False) -> Path:
    """The user's own sheet with a 错误原因 column added (the reason of every row with a problem),
    so that it can be fixed and imported again. Values that a spreadsheet would run as formulas
    are written with a leading ``'``, which the importer removes again."""
    from openpyxl import Workbook

    path = Path(path)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(report.sheet[:31] or "Sheet1")
    by_record = {r.record: r for r in report.rows}
    hidx = (report.header_record or 1) - 1
    width = max((len(r) for r in report.raw_rows), default=0)
    for idx, row in enumerate(report.raw_rows):
        if only_problems and idx > hidx:
            res = by_record.get(idx + 1)
            if res is None or not res.message or res.cls in (BLANK, SUMMARY, IMPORTED, UPDATED):
                continue
        values = [_xlsx_value(v) for v in row] + [None] * (width - len(row))
        if idx == hidx:
            values.append(t("imp.reason_column"))
        elif idx > hidx:
            res = by_record.get(idx + 1)
            values.append(
                _xlsx_value(res.message)
                if res is not None and res.message and res.cls not in (IMPORTED, UPDATED)
                else None
            )
        ws.append(values)
    wb.save(path)
    return path


def _xlsx_value(v):
    if isinstance(v, str):
        v = "".join(ch for ch in v if ch in "\t\n\r" or ord(ch) >= 32)  # XML-illegal controls
        return escape_formula(v)
    if isinstance(v, dt.timedelta):
        return str(v)
    return v


# --- history ------------------------------------------------------------------------------------


def history(limit: int = 100) -> list[ImportRun]:
    """Past imports, newest first (a cancelled import left nothing behind, so it is not listed)."""
    return list(ImportRun.select().order_by(ImportRun.id.desc()).limit(limit))
