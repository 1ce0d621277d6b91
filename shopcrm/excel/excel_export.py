"""Export customers (and, for a full archive, their purchases, contacts, complaints, coupons and
count cards) to .xlsx.

Everything goes through openpyxl in write-only mode, streaming rows from SQLite, so 100,000
customers take a few megabytes of memory. Two public entry points:

* :func:`export_customers` — **the one entry point for exporting customer data**. The owner-PIN
  guard (``security.require_owner("export")``) and the audit-log entry are in this function and
  nowhere else; the CLI command and the GUI dialog both call it.
* :func:`write_table` / :func:`write_workbook` — generic typed-table writers that other modules use
  for their own exports (analysis views, the day's call list). Same formatting and escaping rules.

Formatting: a bold, frozen header row with an autofilter; column widths from the header and the
first rows; dates as real date cells; money as numbers with two decimals (``0.00``); mobile and
card numbers as text cells with the text format ``@`` (no scientific notation, no lost zeros);
lunar birthdays as the importer reads them (``农历闰四月初五``).

Formula injection (OWASP "CSV injection"): a text cell that starts with ``= + - @``, tab, CR or LF
is written with a leading apostrophe; :func:`unescape_text` is the exact inverse for the importer.

A file is written to a temporary name in the target folder and renamed over the target only when
complete, so a cancel or a crash never leaves a half-written file behind.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import time
import types
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence, Sized
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path

from shopcrm import customers as C
from shopcrm.core.errors import check_progress
from shopcrm.core.lunar import LunarBirthday, format_lunar
from shopcrm.core.money import fmt as yuan
from shopcrm.core.normalize import FORMULA_TRIGGERS, MAX_TEXT, escape_formula, unescape_formula
from shopcrm.core.texts import CATALOGUE, register, t
from shopcrm.store import sqlfn, stores
from shopcrm.store.db import database, executemany, raw_connection, read_snapshot

log = logging.getLogger(__name__)

register(
    {
        "export.cannot_write": ("无法写入文件“{path}”：{reason}", "Cannot write “{path}”: {reason}"),
        "export.file_locked": (
            "无法写入文件“{path}”：文件可能正在被 Excel/WPS 打开，请关闭后重试",
            "Cannot write “{path}”: it may be open in Excel/WPS; close it and try again",
        ),
        "export.no_folder": ("文件夹“{folder}”不存在", "The folder “{folder}” does not exist"),
        "export.summary": (
            "已导出 {n} 位客户到“{path}”",
            ("Exported {n} customer to “{path}”", "Exported {n} customers to “{path}”"),
        ),
        "export.summary_full": (
            "已导出完整档案到“{path}”：客户 {customers} 位，消费记录 {purchases} 条，"
            "联系记录 {contacts} 条，投诉 {complaints} 条",
            "Exported the full archive to “{path}”: {customers} customers, "
            "{purchases} purchases, {contacts} contacts, {complaints} complaints",
        ),
        "export.text_too_long": (
            "无法导出：工作表“{sheet}”第 {row} 行“{column}”有 {length} 个字，超过 Excel 单元格的上限 "
            "{max} 个字。请先缩短这段文字（导出不会截断任何内容）。",
            "Cannot export: sheet “{sheet}” row {row}, “{column}” has {length} characters, "
            "more than Excel's {max} per cell. Please shorten it first (an export never "
            "cuts text).",
        ),
        "export.yes": ("是", "Yes"),
        "export.no": ("否", "No"),
    }
)


class ExportError(Exception):
    """The file cannot be written; ``str(e)`` is a message for the user."""


# --- formula-injection escaping -----------------------------------------------------------------

# One definition, shared with the importer (shopcrm.core.normalize): a value that starts with a trigger,
# or with apostrophes before one, gets one more leading apostrophe; unescape removes exactly one.
FORMULA_STARTS = FORMULA_TRIGGERS
escape_text = escape_formula
unescape_text = unescape_formula
# Characters an xlsx cell cannot hold literally: XML 1.0 forbids most C0 controls, and an XML
# reader turns CR and CRLF into LF. The file format's own escape (ECMA-376 ST_Xstring, what Excel
# writes) spells them _xHHHH_; a literal "_xHHHH_" in the text gets its underscore escaped
# (_x005F_) so that it reads back as written. The importer's reader undoes both.
_NEEDS_XML_ESCAPE = re.compile(r"[\x00-\x08\x0b\x0c\x0d\x0e-\x1f]|_(?=x[0-9A-Fa-f]{4}_)")
MAX_CELL_TEXT = MAX_TEXT  # Excel's limit per cell (UTF-16 code units); the domain's bound too


class _TooLong(Exception):
    def __init__(self, length: int):
        self.length = length


def needs_escape(text: str) -> bool:
    """True when ``text`` would start a formula (or is apostrophes before such a start)."""
    return escape_formula(text) is not text


def clean_text(text: str) -> str:
    """Text as it is stored in a cell: formula-escaped, control characters and CR spelled as
    _xHHHH_ (read back exactly). Raises _TooLong beyond Excel's 32,767 characters: never cut."""
    text = escape_text(text)
    if len(text) > MAX_CELL_TEXT // 2:
        n = len(text) + sum(1 for ch in text if ch > "\uffff")
        if n > MAX_CELL_TEXT:
            raise _TooLong(n)
    if _NEEDS_XML_ESCAPE.search(text):
        text = _NEEDS_XML_ESCAPE.sub(lambda m: f"_x{ord(m.group()):04X}_", text)
    return text


# --- typed columns ------------------------------------------------------------------------------

TEXT = "text"  # free text (escaped); General format
CODE = "code"  # identifiers kept as text: mobile, card number ('@' format)
INT = "int"  # whole numbers
NUMBER = "number"  # other numbers, General format
MONEY = "money"  # Decimal yuan -> number with two decimals
CENTS = "cents"  # integer cents -> number with two decimals
DATE = "date"  # date (or ISO text 'YYYY-MM-DD…') -> date cell
DATETIME = "datetime"  # datetime (or ISO text) -> date-time cell
BOOL = "bool"  # True/False -> 是/否
AUTO = "auto"  # by the value's Python type
LITERAL = "literal"  # internal: text that Excel would read as an error value (#N/A…)

NUMBER_FORMATS = {
    CODE: "@",
    MONEY: "0.00",
    CENTS: "0.00",
    DATE: "yyyy-mm-dd",
    DATETIME: "yyyy-mm-dd hh:mm",
    LITERAL: "General",
}
_ERROR_CODES = frozenset(("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A"))


@dataclass(frozen=True)
class Column:
    title: str
    kind: str = AUTO
    width: float | None = None  # None: from the header and the first rows


@dataclass
class Sheet:
    title: str
    columns: Sequence[Column | str]
    rows: Iterable[Sequence]
    total: int | None = None  # rows expected, for progress (len(rows) when it has one)


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _parse_date(value) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _parse_datetime(value) -> dt.datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.replace(microsecond=0, tzinfo=None)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    return dt.datetime.fromisoformat(str(value)[:19])


def _yes_no(value) -> str:
    return t("export.yes") if value else t("export.no")


def _text(value) -> tuple[str, str | None]:
    text = clean_text(value if isinstance(value, str) else str(value))
    return text, (LITERAL if text in _ERROR_CODES else None)


def _convert(kind: str, value):
    """(cell value, format kind or None) for one value of a column of ``kind``."""
    if value is None:
        return None, None
    if kind == TEXT:
        return _text(value)
    if kind == AUTO:
        if isinstance(value, bool):
            return _yes_no(value), None
        if isinstance(value, str):
            return _text(value)
        if isinstance(value, Decimal):
            return value, MONEY
        if isinstance(value, dt.datetime):
            return _parse_datetime(value), DATETIME
        if isinstance(value, dt.date):
            return value, DATE
        if isinstance(value, (int, float)):
            return value, None
        if isinstance(value, LunarBirthday):
            return format_lunar(value), None
        return _text(value)
    if kind == CODE:
        return clean_text(value if isinstance(value, str) else str(value)), CODE
    if kind == CENTS:
        return Decimal(int(value)).scaleb(-2), CENTS
    if kind == MONEY:
        return (value if isinstance(value, Decimal) else Decimal(str(value))), MONEY
    if kind == DATE:
        if isinstance(value, str) and not value[:4].isdigit():
            return _text(value)  # e.g. a lunar birthday in a date column
        return _parse_date(value), DATE
    if kind == DATETIME:
        return _parse_datetime(value), DATETIME
    if kind == BOOL:
        return _yes_no(value), None
    if kind == INT:
        return int(value), None
    return value, None


def _values_to_row(ws, values, row_idx):
    """openpyxl's WriteOnlyWorksheet._values_to_row without the exception per ready-made cell
    (no hyperlinks here)."""
    from openpyxl.cell import Cell, WriteOnlyCell

    cell = WriteOnlyCell(ws)
    for col_idx, value in enumerate(values, 1):
        if value is None:
            continue
        if isinstance(value, Cell):
            value.column = col_idx
            value.row = row_idx
            yield value
            continue
        cell.value = value
        cell.column = col_idx
        cell.row = row_idx
        yield cell
        if cell.has_style:  # a date given as a plain value got a number format
            cell = WriteOnlyCell(ws)


class _SheetWriter:
    """One write-only worksheet: header, widths, and typed rows."""

    SAMPLE = 200  # rows looked at for the column widths

    def __init__(self, wb, sheet: Sheet, part: int = 1):
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Font

        self._cell_cls = WriteOnlyCell
        self.ws = wb.create_sheet(title=sheet_title(sheet.title, part))
        # openpyxl finds a ready cell in a row by failing to bind it as a value (an exception
        # with a formatted message per styled cell); this version checks the type first. Should
        # openpyxl rename the method, its own (slower) one is used and the output is the same.
        self.ws._values_to_row = types.MethodType(_values_to_row, self.ws)
        self.columns = [c if isinstance(c, Column) else Column(c) for c in sheet.columns]
        self.kinds = [c.kind for c in self.columns]
        self.rows_written = 0
        # styled cells are reused row after row: openpyxl writes each cell of a row before it
        # takes the next one, so one template per (column, format) is enough
        self._templates: dict[tuple[int, str], object] = {}
        self._bold = Font(bold=True)

    def _template(self, col: int, fmt: str):
        cell = self._templates.get((col, fmt))
        if cell is None:
            cell = self._cell_cls(self.ws)
            cell.number_format = NUMBER_FORMATS[fmt]
            self._templates[(col, fmt)] = cell
        return cell

    def _typed(self, values: Sequence) -> list:
        out = []
        for col, (kind, value) in enumerate(zip(self.kinds, values, strict=False)):
            try:
                v, fmt = _convert(kind, value)
            except _TooLong as exc:
                c = self.columns[col]
                raise ExportError(
                    t(
                        "export.text_too_long",
                        sheet=self.ws.title,
                        row=self.rows_written + 2,
                        column=c.title if isinstance(c, Column) else c,
                        length=exc.length,
                        max=MAX_CELL_TEXT,
                    )
                ) from None
            if fmt is None:
                out.append(v)
                continue
            cell = self._template(col, fmt)
            cell.value = v
            if fmt in (CODE, LITERAL) and cell.data_type != "s":
                cell.data_type = "s"  # '#N/A' and the like stay text, never error cells
            out.append(cell)
        return out

    def start(self, sample: list[Sequence]) -> None:
        from openpyxl.utils import get_column_letter

        ws = self.ws
        for i, col in enumerate(self.columns):
            width = col.width
            if width is None:
                widest = _display_width(col.title) + 4  # room for the filter button
                for row in sample:
                    v = row[i] if i < len(row) else None
                    widest = max(widest, self._value_width(col.kind, v))
                width = min(max(widest + 1, 6), 50)
            ws.column_dimensions[get_column_letter(i + 1)].width = width
        ws.freeze_panes = "A2"
        header = []
        for col in self.columns:
            cell = self._cell_cls(ws, value=clean_text(col.title))
            cell.font = self._bold
            header.append(cell)
        ws.append(header)

    @staticmethod
    def _value_width(kind: str, value) -> int:
        if value is None:
            return 0
        if kind in (CENTS, MONEY) or isinstance(value, Decimal):
            try:
                return len(f"{Decimal(int(value)).scaleb(-2) if kind == CENTS else Decimal(str(value)):.2f}")
            except (ArithmeticError, ValueError, TypeError):
                return len(str(value))
        if kind == DATE or (kind == AUTO and isinstance(value, dt.date) and not isinstance(value, dt.datetime)):
            return 10 if not isinstance(value, str) or value[:4].isdigit() else _display_width(value)
        if kind == DATETIME or isinstance(value, dt.datetime):
            return 16
        return _display_width(str(value).split("\n", 1)[0])

    def append(self, values: Sequence) -> None:
        self.ws.append(self._typed(values))
        self.rows_written += 1

    def finish(self) -> None:
        from openpyxl.utils import get_column_letter

        last_col = get_column_letter(max(len(self.columns), 1))
        self.ws.auto_filter.ref = f"A1:{last_col}{self.rows_written + 1}"


ProgressFn = Callable[[int, int], object]
PROGRESS_EVERY = 500
MAX_SHEET_ROWS = 1_048_575  # Excel's 1,048,576 rows minus the header; more go to a "(2)" sheet
_BAD_TITLE_CHARS = re.compile(r"[\[\]:*?/\\]")


def sheet_title(title: str, part: int = 1) -> str:
    """A valid sheet name: none of the characters [ ] : * ? / and backslash; at most 31 characters."""
    suffix = f" ({part})" if part > 1 else ""
    title = _BAD_TITLE_CHARS.sub("_", title).strip("'") or "Sheet"
    return title[: 31 - len(suffix)] + suffix


def _temp_path(target: Path) -> Path:
    return target.with_name(f".{target.name}.{os.getpid()}.{time.monotonic_ns()}.part")


def _check_target(path: Path) -> Path:
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        path = path.with_name(path.name + ".xlsx")
    if not path.parent.is_dir():
        raise ExportError(t("export.no_folder", folder=path.parent))
    return path


def _cleanup_workbook(wb) -> None:
    """Close and remove the temporary files openpyxl keeps for the sheets of an unsaved
    write-only workbook (after a cancel or an error)."""
    for ws in getattr(wb, "_sheets", []):
        try:
            if not ws.closed:
                ws.close()  # ends its row generator and its XML stream
        except Exception:
            log.warning("cannot close the unsaved sheet %r", getattr(ws, "title", ws), exc_info=True)
        writer = getattr(ws, "_writer", None)
        if writer is not None:
            try:
                writer.cleanup()
            except (OSError, ValueError) as exc:
                log.warning("temporary file of the unsaved sheet %r left behind: %s", getattr(ws, "title", ws), exc)


def write_workbook(
    path: str | Path, sheets: Sequence[Sheet], progress: ProgressFn | None = None, *, total: int | None = None
) -> Path:
    """Write several typed tables as sheets of one .xlsx file, atomically (temp file + rename).

    ``progress(done, total)`` is called every few hundred rows over all sheets; returning False
    cancels (raises :class:`shopcrm.core.errors.Cancelled`, no file is left behind). Returns the path
    written (``.xlsx`` added when missing)."""
    from openpyxl import Workbook

    path = _check_target(Path(path))
    if total is None:
        total = 0
        for s in sheets:
            n = s.total if s.total is not None else (len(s.rows) if isinstance(s.rows, Sized) else 0)
            total += n
    tmp = _temp_path(path)
    wb = Workbook(write_only=True)
    done = 0
    saved = False
    try:
        check_progress(progress, 0, total)
        for sheet in sheets:
            w = _SheetWriter(wb, sheet)
            it = iter(sheet.rows)
            sample = []
            for row in it:
                sample.append(row)
                if len(sample) >= _SheetWriter.SAMPLE:
                    break
            w.start(sample)
            part = 1
            for rows in (sample, it):
                for row in rows:
                    if w.rows_written >= MAX_SHEET_ROWS:  # continue on a new sheet
                        w.finish()
                        part += 1
                        w = _SheetWriter(wb, sheet, part)
                        w.start(sample)
                    w.append(row)
                    done += 1
                    if done % PROGRESS_EVERY == 0:
                        check_progress(progress, done, max(total, done))
            w.finish()
        check_progress(progress, done, max(total, done))
        try:
            wb.save(tmp)
            saved = True
            _replace(tmp, path)
        except PermissionError as exc:
            raise ExportError(t("export.file_locked", path=path)) from exc
        except OSError as exc:
            raise ExportError(t("export.cannot_write", path=path, reason=exc.strerror or exc)) from exc
    finally:
        if not saved:
            _cleanup_workbook(wb)
        tmp.unlink(missing_ok=True)
    check_progress(progress, max(total, done), max(total, done))
    return path


def _replace(tmp: Path, target: Path) -> None:
    os.replace(tmp, target)


def write_table(
    path: str | Path,
    sheet_title: str,
    headers: Sequence[Column | str],
    rows: Iterable[Sequence],
    progress: ProgressFn | None = None,
    *,
    total: int | None = None,
) -> Path:
    """One typed table to an .xlsx file (bold frozen header, autofilter, widths, escaping).

    ``headers`` are titles or :class:`Column` (title, kind, width); with plain titles each value is
    typed by its Python type: ``str`` text, ``Decimal`` money (``0.00``), ``date``/``datetime``
    date cells, ``int``/``float`` numbers, ``bool`` 是/否, ``None`` empty. Use
    ``Column(title, CENTS)`` for integer cents and ``Column(title, CODE)`` for phone/card numbers."""
    return write_workbook(path, [Sheet(sheet_title, headers, rows, total)], progress, total=total)


# --- customers ----------------------------------------------------------------------------------

# Sheet and column titles are the importer's own synonyms, in Chinese whatever the UI language, so
# an exported file imports again unchanged.
SHEET_CUSTOMERS = "客户"
SHEET_PURCHASES = "消费记录"
SHEET_CONTACTS = "联系记录"
SHEET_COMPLAINTS = "投诉记录"
SHEET_COUPONS = "优惠券"
SHEET_PACKAGES = "计次卡"

CUSTOMER_COLUMNS = (
    Column("姓名", TEXT),
    Column("手机", CODE, 14),
    Column("卡号", CODE),
    Column("性别", TEXT, 8),
    Column("生日", DATE),
    Column("会员等级", TEXT),
    Column("余额", CENTS),
    Column("积分", INT),
    Column("累计消费", CENTS),
    Column("消费次数", INT),
    Column("最近消费", DATETIME),
    Column("标签", TEXT),
    Column("微信", CODE),
    Column("其他电话", CODE),
    Column("地址", TEXT),
    Column("来源", TEXT),
    Column("喜好", TEXT),
    Column("常购商品", TEXT),
    Column("口味", TEXT),
    Column("偏好渠道", TEXT),
    Column("方便时间", TEXT),
    Column("备注", TEXT),
    Column("接受营销", BOOL),
    Column("注册日期", DATE),
    Column("邮箱", TEXT),
)
# a chain's sheet (issue #18) ends with each member's home store, which a member import reads back
STORE_COLUMN = Column("门店", TEXT)
TAG_SEPARATOR = ","

_LINK_COLUMNS = (Column("卡号", CODE), Column("手机", CODE, 14), Column("姓名", TEXT))
PURCHASE_COLUMNS = _LINK_COLUMNS + (
    Column("消费时间", DATETIME),
    Column("金额", CENTS),
    Column("商品", TEXT),
    Column("支付方式", TEXT),
    Column("获得积分", INT),
    Column("备注", TEXT),
)
CONTACT_COLUMNS = _LINK_COLUMNS + (
    Column("联系时间", DATETIME),
    Column("方式", TEXT),
    Column("目的", TEXT),
    Column("结果", TEXT),
    Column("满意度", INT),
    Column("下次跟进", DATE),
    Column("经办人", TEXT),
)
COMPLAINT_COLUMNS = _LINK_COLUMNS + (
    Column("受理时间", DATETIME),
    Column("渠道", TEXT),
    Column("类别", TEXT),
    Column("投诉要点", TEXT),
    Column("客户诉求", TEXT),
    Column("客户性格", TEXT),
    Column("严重程度", TEXT),
    Column("处理人", TEXT),
    Column("处理期限", DATETIME),
    Column("状态", TEXT),
    Column("是否成立", TEXT),
    Column("判定理由", TEXT),
    Column("处理方式", TEXT),
    Column("处理金额", CENTS),
    Column("处理说明", TEXT),
    Column("退回储值卡", CENTS),
    Column("解决时间", DATETIME),
    Column("回访日期", DATE),
    Column("满意度", INT),
    Column("回访记录", TEXT),
    Column("结案时间", DATETIME),
)

# loyalty (issue 14): a coupon's terms as copied when issued, and a count card's uses
COUPON_COLUMNS = _LINK_COLUMNS + (
    Column("券码", CODE),
    Column("类型", TEXT),
    Column("优惠", TEXT),
    Column("门槛", CENTS),
    Column("发放时间", DATETIME),
    Column("有效期至", DATE),
    Column("来源", TEXT),
    Column("状态", TEXT),
    Column("使用时间", DATETIME),
    Column("抵扣金额", CENTS),
)
PACKAGE_COLUMNS = _LINK_COLUMNS + (
    Column("项目", TEXT),
    Column("总次数", INT),
    Column("已用次数", INT),
    Column("已退次数", INT),
    Column("剩余次数", INT),
    Column("售价", CENTS),
    Column("购买时间", DATETIME),
    Column("有效期至", DATE),
    Column("最近使用", DATETIME),
)
COUPON_KIND_TEXT = {"amount": "满减券", "percent": "折扣券", "gift": "礼品券"}
COUPON_STATUS_TEXT = {"issued": "未使用", "used": "已使用", "void": "已作废", "expired": "已过期"}
COUPON_SOURCE_TEXT = {"manual": "手工发放", "segment": "群发", "birthday": "生日", "wakeup": "唤醒"}


@dataclass(frozen=True)
class _Rows:
    """Which rows of a history table (purchases, contacts, complaints) a full archive holds.

    Without a store: the rows of the customers in the scope table, in the scope's order. With a
    store (a chain, issue #18): the rows recorded in that store — of the customers in the scope
    when the scope was narrowed (a search, a filter, a selection); when the scope is the store's
    whole archive, every row recorded there, whoever the customer (a member of another store who
    bought here is this store's sale: the sheet adds up to the store's day closes and its sales
    in 分析), the scope's customers first, then the other customers by id. Customers in the recycle
    bin stay out, as they do from the whole chain's archive."""

    scope: str
    store_id: int | None = None
    whole_store: bool = False

    def source(self, table: str, alias: str) -> tuple[str, str, list]:
        """(FROM … [WHERE …], the customer order, parameters) of ``table`` as ``alias``, joined to
        ``customer c`` and the scope ``s``."""
        if self.store_id is None:
            return (
                f"{self.scope} s JOIN customer c ON c.id = s.id JOIN {table} {alias} ON {alias}.customer_id = c.id",
                "s.pos",
                [],
            )
        if not self.whole_store:
            return (
                f"{self.scope} s JOIN customer c ON c.id = s.id "
                f"JOIN {table} {alias} ON {alias}.customer_id = c.id AND {alias}.store_id = ?",
                "s.pos",
                [self.store_id],
            )
        return (
            f"{table} {alias} JOIN customer c ON c.id = {alias}.customer_id LEFT JOIN {self.scope} s ON s.id = c.id "
            f"WHERE {alias}.store_id = ? AND c.deleted_at IS NULL",
            "s.pos IS NULL, s.pos, c.id",
            [self.store_id],
        )

    def count(self, table: str) -> int:
        if self.whole_store and self.store_id is not None:
            source, _order, params = self.source(table, "h")
        else:  # the scope's rows by the customer index alone (no customer row per row: 2.2 -> 0.5 s at 1M)
            source = f"{self.scope} s JOIN {table} h ON h.customer_id = s.id"
            source, params = (
                (source, []) if self.store_id is None else (source + " AND h.store_id = ?", [self.store_id])
            )
        return database.execute_sql(f"SELECT count(*) FROM {source}", params).fetchone()[0]


def _coupon_offer(kind: str, amount_off: int, percent_off: int, cap, gift: str) -> str:
    if kind == "amount":
        return f"减{yuan(amount_off)}"
    if kind == "percent":
        return f"{(100 - percent_off) / 10:g}折" + (f"（最多减{yuan(cap)}）" if cap else "")
    return f"赠{gift}"


def _coupon_rows(scope: str, batch: int = 5000) -> Iterator[tuple]:
    cur = database.execute_sql(f"""
        SELECT c.card_no, c.mobile, c.name, cp.code, cp.kind, cp.amount_off_cents, cp.percent_off,
               cp.cap_cents, cp.gift, cp.threshold_cents, cp.issued_at, cp.valid_until, cp.source,
               cp.status, cp.used_at, cp.off_cents
        FROM {scope} s JOIN customer c ON c.id = s.id JOIN coupon cp ON cp.customer_id = c.id
        ORDER BY s.pos, cp.issued_at, cp.id""")
    while rows := cur.fetchmany(batch):
        for r in rows:
            yield r[:4] + (
                COUPON_KIND_TEXT.get(r[4], r[4]),
                _coupon_offer(*r[4:9]),
                r[9],
                r[10],
                r[11],
                COUPON_SOURCE_TEXT.get(r[12], r[12]),
                COUPON_STATUS_TEXT.get(r[13], r[13]),
                r[14],
                r[15],
            )


def _package_rows(scope: str, batch: int = 5000) -> Iterator[tuple]:
    cur = database.execute_sql(f"""
        SELECT c.card_no, c.mobile, c.name, k.product, k.uses,
               (SELECT COALESCE(-SUM(u.delta), 0) FROM package_use u WHERE u.package_id = k.id AND u.kind = 'use'),
               (SELECT COALESCE(-SUM(u.delta), 0) FROM package_use u WHERE u.package_id = k.id AND u.kind = 'refund'),
               k.remaining, k.price_cents, k.sold_at, k.expires_on,
               (SELECT MAX(u.at) FROM package_use u WHERE u.package_id = k.id AND u.kind = 'use')
        FROM {scope} s JOIN customer c ON c.id = s.id JOIN package k ON k.customer_id = c.id
        ORDER BY s.pos, k.sold_at, k.id""")
    while rows := cur.fetchmany(batch):
        yield from rows


def _label(prefix: str, code) -> str:
    """A stored code as the user reads it (``pay.wechat`` -> 微信支付) when a module registered a
    text for it, else the code itself."""
    if code is None or code == "":
        return ""
    key = f"{prefix}.{code}"
    return t(key) if key in CATALOGUE else str(code)


GENDER_TEXT = {"M": "男", "F": "女"}


def _birthday(solar, lmonth, lday, lleap, lyear):
    if lmonth:
        return format_lunar(LunarBirthday(lmonth, lday, bool(lleap), lyear))
    return solar


def _customer_rows(scope: str, batch: int = 2000, *, with_store: bool = False) -> Iterator[tuple]:
    """The customer sheet's rows in the scope's order; ``with_store``: and each member's home
    store's name at the end (a chain's sheet, :data:`STORE_COLUMN`)."""
    names = dict(database.execute_sql('SELECT id, name FROM "store"').fetchall()) if with_store else None
    cur = database.execute_sql(f"""
        SELECT c.name, c.mobile, c.card_no, c.gender, c.birthday, c.lunar_month, c.lunar_day,
               c.lunar_leap, c.lunar_year, l.name, c.balance_cents, c.points, c.total_spend_cents,
               c.purchase_count, c.last_purchase_at,
               (SELECT {sqlfn.group_concat("tn.name", TAG_SEPARATOR)} FROM
                   (SELECT t.name FROM customer_tag ct JOIN tag t ON t.id = ct.tag_id
                    WHERE ct.customer_id = c.id ORDER BY t.name) tn),
               c.wechat, c.phone2, c.address, c.source, c.pref_text, c.pref_products, c.pref_taste,
               c.pref_channel, c.pref_time, c.notes, c.consent_marketing, c.joined_on, c.email,
               c.home_store_id
        FROM {scope} s JOIN customer c ON c.id = s.id LEFT JOIN level l ON l.id = c.level_id
        ORDER BY s.pos""")
    gender = GENDER_TEXT
    while rows := cur.fetchmany(batch):
        for r in rows:
            out = (
                r[0],
                r[1],
                r[2],
                gender.get(r[3], r[3]),
                _birthday(*r[4:9]),
                r[9],
                r[10],
                r[11],
                r[12],
                r[13],
                r[14],
                r[15],
                r[16],
                r[17],
                r[18],
                r[19],
                r[20],
                r[21],
                r[22],
                _label("channel", r[23]),
                r[24],
                r[25],
                r[26],
                r[27],
                r[28],
            )
            yield out if names is None else (*out, names.get(r[29], ""))


def _purchase_rows(rows: _Rows, batch: int = 5000) -> Iterator[tuple]:
    source, order, params = rows.source("purchase", "p")
    cur = database.execute_sql(
        f"""
        SELECT c.card_no, c.mobile, c.name, p.at, p.amount_cents, p.items, p.payment,
               p.points_earned, p.note
        FROM {source} ORDER BY {order}, p.at, p.id""",
        params,
    )
    while rows := cur.fetchmany(batch):
        for r in rows:
            yield r[:6] + (_label("pay", r[6]),) + r[7:]


def _contact_rows(rows: _Rows, batch: int = 5000) -> Iterator[tuple]:
    source, order, params = rows.source("contact", "k")
    cur = database.execute_sql(
        f"""
        SELECT c.card_no, c.mobile, c.name, k.at, k.channel, k.purpose, k.outcome, k.satisfaction,
               k.next_followup, k.staff
        FROM {source} ORDER BY {order}, k.at, k.id""",
        params,
    )
    while rows := cur.fetchmany(batch):
        for r in rows:
            yield r[:4] + (_label("channel", r[4]),) + r[5:]


def _complaint_rows(rows: _Rows, with_walkins: bool, batch: int = 2000) -> Iterator[tuple]:
    import shopcrm.complaints  # noqa: F401 - registers the status/validity/resolution labels

    cols = """x.received_at, x.channel, x.category, x.key_points, x.request, x.temperament,
              x.severity, x.handler, x.due_at, x.status, x.validity, x.validity_reason,
              x.resolution_type, x.resolution_amount_cents, x.resolution_notes, x.refund_cents,
              x.resolved_at, x.followup_due, x.satisfaction, x.followup_notes, x.closed_at"""
    source, _order, params = rows.source("complaint", "x")
    # the customers' complaints in the scope's order (a store's visitors after them, by id), then
    # the walk-ins'
    sql = f"""SELECT c.card_no, c.mobile, c.name, {cols}, s.pos AS o1, c.id AS o2, x.received_at AS o3, x.id AS o4
              FROM {source}"""
    if with_walkins:
        sql += f""" UNION ALL SELECT NULL, x.walkin_mobile, x.walkin_name, {cols},
                    NULL, NULL, x.received_at, x.id FROM complaint x WHERE x.customer_id IS NULL"""
        if rows.store_id is not None:
            sql += " AND x.store_id = ?"
            params = [*params, rows.store_id]
    cur = database.execute_sql(f"SELECT * FROM ({sql}) x ORDER BY o2 IS NULL, o1 IS NULL, o1, o2, o3, o4", params)
    while rows := cur.fetchmany(batch):
        for r in rows:
            yield (
                r[:4]
                + (
                    _label("cmp.channel", r[4]),
                    r[5],
                    r[6],
                    r[7],
                    r[8],
                    r[9],
                    r[10],
                    r[11],
                    _label("cmp.status", r[12]),
                    _label("cmp.validity", r[13]) if r[13] else "",
                    r[14],
                    _label("cmp.res", r[15]),
                )
                + r[16:24]
            )


@dataclass
class ExportResult:
    path: Path
    customers: int = 0
    purchases: int = 0
    contacts: int = 0
    complaints: int = 0
    coupons: int = 0
    packages: int = 0
    full: bool = False
    seconds: float = 0.0
    sheets: list[str] = field(default_factory=list)

    @property
    def message(self) -> str:
        if self.full:
            return t(
                "export.summary_full",
                path=self.path,
                customers=self.customers,
                purchases=self.purchases,
                contacts=self.contacts,
                complaints=self.complaints,
            )
        return t("export.summary", path=self.path, n=self.customers)


_SCOPE_NAME = "export_scope"


def _scope() -> str:
    return sqlfn.temp_table(_SCOPE_NAME)


def _fill_scope(query: C.CustomerQuery | None, ids: Sequence[int] | None, store_id: int | None = None) -> int:
    """The customers to export, in order, as a temporary table (no huge ``IN (…)`` lists); with
    ``store_id``, only those whose home store it is."""
    con = raw_connection()
    scope = _scope()
    con.execute(f"DROP TABLE IF EXISTS {scope}")
    con.execute(f"CREATE TEMP TABLE {_SCOPE_NAME} (pos {sqlfn.auto_id()}, id INTEGER NOT NULL UNIQUE)")
    if ids is not None:
        source: Iterable[tuple[int]] = ((int(i),) for i in ids)
    else:
        query = query or C.CustomerQuery()
        if store_id is not None:  # the list's filter, in the chosen store (its indexed home store)
            query = replace(query, store_id=store_id)
        source = ((i,) for i in C.iter_ids(query))
    executemany(f"INSERT OR IGNORE INTO {scope} (id) VALUES (?)", source)
    # ids that are not (or no longer) customers, or (a selection) not the store's
    home = "" if store_id is None or ids is None else f" WHERE home_store_id = {int(store_id)}"
    con.execute(f"DELETE FROM {scope} WHERE id NOT IN (SELECT id FROM customer{home})")
    return con.execute(f"SELECT count(*) FROM {scope}").fetchone()[0]


def members_of(ids: Sequence[int], store_id: int) -> int:
    """How many of the customers ``ids`` are members of ``store_id`` (their home store): what a
    selection exported for that store holds."""
    chunk, n = 500, 0
    unique = sorted({int(i) for i in ids})
    for at in range(0, len(unique), chunk):
        part = unique[at : at + chunk]
        n += database.execute_sql(
            f"SELECT count(*) FROM customer WHERE home_store_id = ? AND id IN ({','.join('?' * len(part))})",
            [store_id, *part],
        ).fetchone()[0]
    return n


def export_customers(
    path: str | Path,
    *,
    query: C.CustomerQuery | None = None,
    ids: Sequence[int] | None = None,
    full: bool = False,
    store_id: int | None = None,
    progress: ProgressFn | None = None,
) -> ExportResult:
    """THE entry point for exporting customer data: an owner action, guarded here by
    ``security.require_owner("export")`` and recorded in the audit log; nothing else in ShopCRM
    writes customer lists to files.

    Scope: ``ids`` (a selection, in the given order), else ``query`` (the list as searched and
    filtered now, in its sort order), else every customer not in the recycle bin, by name. ``full`` adds
    sheets of those customers' purchases, contacts and complaints (with walk-in complaints when
    the scope is every customer), linked by card number and mobile.

    ``store_id`` (a chain, issue #18): one store's export. The customers are those of the scope
    whose home store it is (customers are chain-wide; a store's members are those who joined
    there); the purchases, contacts and complaints are those recorded in that store — with the
    store's whole archive, all of them, visitors' too, so that they add up to the store's day
    closes and its sales in 分析 (see :class:`_Rows`). Coupons and count cards are the store's
    members' (they are the customer's, usable in every store). None: the whole chain.

    The database is read in one deferred (read-only) transaction: a consistent snapshot that never
    blocks the shop's writes. The file appears only when complete. Raises OwnerRequired in clerk
    mode, ExportError when the file cannot be written, Cancelled on cancel."""
    from shopcrm.trust import audit, security

    security.require_owner("export")
    started = time.perf_counter()
    everyone = query is None and ids is None
    try:
        # one read snapshot (SQLite: DEFERRED, since the database's default IMMEDIATE would hold
        # the write lock for the whole export)
        with read_snapshot():
            scope = _scope()
            n_customers = _fill_scope(query, ids, store_id)
            result = ExportResult(Path(path), customers=n_customers, full=full)
            chain = stores.active_count() > 1
            columns = (*CUSTOMER_COLUMNS, STORE_COLUMN) if chain else CUSTOMER_COLUMNS
            sheets = [Sheet(SHEET_CUSTOMERS, columns, _customer_rows(scope, with_store=chain), n_customers)]
            if full:

                def count(sql: str, params: Sequence = ()) -> int:
                    return database.execute_sql(sql, params).fetchone()[0]

                history = _Rows(scope, store_id, whole_store=everyone)
                result.purchases = history.count("purchase")
                result.contacts = history.count("contact")
                result.complaints = history.count("complaint")
                if everyone:
                    in_store = "" if store_id is None else " AND store_id = ?"
                    walkins = "SELECT count(*) FROM complaint WHERE customer_id IS NULL"
                    result.complaints += count(walkins + in_store, [] if store_id is None else [store_id])
                result.coupons = count(f"SELECT count(*) FROM {scope} s JOIN coupon cp ON cp.customer_id = s.id")
                result.packages = count(f"SELECT count(*) FROM {scope} s JOIN package k ON k.customer_id = s.id")
                sheets += [
                    Sheet(SHEET_PURCHASES, PURCHASE_COLUMNS, _purchase_rows(history), result.purchases),
                    Sheet(SHEET_CONTACTS, CONTACT_COLUMNS, _contact_rows(history), result.contacts),
                    Sheet(SHEET_COMPLAINTS, COMPLAINT_COLUMNS, _complaint_rows(history, everyone), result.complaints),
                    Sheet(SHEET_COUPONS, COUPON_COLUMNS, _coupon_rows(scope), result.coupons),
                    Sheet(SHEET_PACKAGES, PACKAGE_COLUMNS, _package_rows(scope), result.packages),
                ]
            result.path = write_workbook(path, sheets, progress)
            result.sheets = [s.title for s in sheets]
    finally:
        try:
            database.execute_sql(f"DROP TABLE IF EXISTS {_scope()}")
        except Exception:
            log.warning("cannot drop the export's scope table %s", _SCOPE_NAME, exc_info=True)
    result.seconds = time.perf_counter() - started
    what = ("full" if full else "list") + ("" if store_id is None else f" store {store_id}")
    audit.log("export", detail=f"{what}: {result.customers} -> {result.path}")
    return result
