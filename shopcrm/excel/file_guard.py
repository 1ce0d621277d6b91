"""Look at an import file before any reader touches it (issue #16): never block, never die, bounded
memory, and a sentence for the user instead of a library's internal message.

* Only regular files are opened: ``os.stat`` (which never blocks) tells a FIFO, a device or a
  directory, and they are refused before ``open``.
* The first bytes say what the file is, whatever its extension: a zip (xlsx/xlsm/ods, WPS .et/.ett
  saved as xlsx), an OLE compound file (.xls, WPS .et, or an *encrypted* Office file: OOXML with a
  password is an OLE file holding an ``EncryptedPackage`` stream), an HTML table (many member and
  POS programs save one as ".xls"), or plain text (CSV / tab-separated, whatever the extension).
* Zips are checked from their central directory before anything is inflated: total uncompressed
  size, compression ratio, the shared strings' size, and then every worksheet's XML is streamed
  (1 MB at a time) for the cell span it really uses. calamine allocates a cell for every position
  between the first and the last cell of a sheet and *aborts the process* (no Python exception)
  when that does not fit in memory: one cell at XFD1048576 is 17 billion cells. This guard runs
  before calamine is called. (An in-process guard rather than a reader subprocess: a subprocess
  would have to send every row back through a pipe, which costs more than the scan's 0.3 s per
  100k rows, and the frozen one-folder build would need a second entry point. The scan also gives
  the row count of every sheet for the report.)
* OLE files (.xls, WPS .et) are walked the same way before calamine opens them: the compound
  file's sector chains are followed with every sector number checked against the file's size
  (a truncated file or a lying header is "damaged"), the BIFF workbook stream's records are read
  for each sheet's DIMENSIONS and the row and column of every cell record, and a password
  (FILEPASS) is refused with a sentence. calamine allocates the declared dimension at opening
  (one that BIFF8 cannot hold, rows past 65536, aborts the process) and a cell at IV65536 costs it
  1.2 GB: both are refused here, as for an xlsx.

Nothing here imports calamine or openpyxl.
"""

from __future__ import annotations

import codecs
import logging
import os
import re
import stat
import struct
import zipfile
import zlib
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree

from shopcrm.core import texts
from shopcrm.core.texts import t

log = logging.getLogger(__name__)

MAX_FILE_BYTES = 300 * 1024 * 1024  # any import file (a 1M-row xlsx is about 60 MB)
MAX_TEXT_FILE_BYTES = 150 * 1024 * 1024  # CSV / TSV / HTML: read whole, decoded whole
MAX_UNZIPPED_BYTES = 1024 * 1024 * 1024  # all of a zip's members (1M rows x 15 columns: ~470 MB)
MAX_SHARED_STRINGS_BYTES = 256 * 1024 * 1024  # kept in memory whole by the reader
MAX_RATIO = 100  # uncompressed / compressed for a member above RATIO_FLOOR (real sheets: 5-20)
RATIO_FLOOR = 8 * 1024 * 1024
MAX_ROWS = 1_048_576  # Excel's own limit
MAX_CELL_CHARS = 32767  # Excel's own limit per cell: a longer text is a row error (with its column)
# a CSV field longer than this is not a cell but a broken file (an unclosed quote, a binary file):
# the whole file is refused naming the record (32x a cell: a long note is still a row error)
MAX_CSV_FIELD_CHARS = 32 * MAX_CELL_CHARS
# a sheet's cell span (rows x columns of the rectangle from A1 to the last cell) costs about 40
# bytes a position in the reader and in Python's lists, filled or not: allowed up to this much
# memory beyond 4 bytes per byte of the sheet's own XML (which real cells need anyway)
SPAN_BYTES_PER_CELL = 40
SPAN_FREE_BYTES = 200 * 1024 * 1024

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")

texts.register(
    {
        "guard.not_regular": (
            "“{path}”不是普通文件（{what}），不能导入：请选择一个表格文件",
            "“{path}” is not a regular file ({what}) and cannot be imported: choose a spreadsheet file",
        ),
        "guard.what.dir": ("是一个文件夹", "a folder"),
        "guard.what.fifo": ("是一个管道", "a pipe"),
        "guard.what.device": ("是一个设备", "a device"),
        "guard.what.other": ("是特殊文件", "a special file"),
        "guard.too_big": (
            "文件“{path}”有 {size} MB，超过导入上限 {limit} MB：请把它拆成几个较小的文件再导入",
            "“{path}” is {size} MB, more than the import limit of {limit} MB: split it into smaller files",
        ),
        "guard.zip_bomb": (
            "文件“{path}”解压后过大（{size} MB，压缩比 {ratio}），不像正常的表格，已拒绝：请用 Excel 或 WPS 打开后另存为新文件",
            "“{path}” unpacks to far too much ({size} MB, ratio {ratio}); it does not look like a normal "
            "spreadsheet: open it in Excel or WPS and save it as a new file",
        ),
        "guard.huge_sheet": (
            "工作表“{sheet}”声明了一个直到 {cell} 的单元格（{rows} 行 × {cols} 列），远超文件的实际内容，已拒绝："
            "请用 Excel 或 WPS 打开，删掉多余的行列后另存",
            "Sheet “{sheet}” has a cell as far as {cell} ({rows} rows x {cols} columns), far beyond what the "
            "file holds: open it in Excel or WPS, delete the extra rows and columns and save it again",
        ),
        "guard.too_many_rows": (
            "“{sheet}”有 {rows} 行，超过上限 {limit} 行：请拆成几个文件再导入",
            "“{sheet}” has {rows} rows, more than the limit of {limit}: split it into several files",
        ),
        "guard.encrypted": (
            "文件“{path}”设置了打开密码，无法读取：请在 Excel 或 WPS 中打开它，取消密码（文件 → 信息 → 保护工作簿），另存后再导入",
            "“{path}” is protected by a password and cannot be read: open it in Excel or WPS, remove the "
            "password (File → Info → Protect Workbook), save it and import it again",
        ),
        "guard.damaged": (
            "文件“{path}”已损坏或不是表格文件，无法读取：请用 Excel 或 WPS 打开后另存为 .xlsx 再导入",
            "“{path}” is damaged or not a spreadsheet: open it in Excel or WPS, save it as .xlsx and import it again",
        ),
        "guard.no_table": (
            "文件“{path}”是网页（HTML）格式，但里面没有表格：请在原软件中重新导出为 Excel 或 CSV",
            "“{path}” is a web page (HTML) with no table in it: export it again from the old program as Excel or CSV",
        ),
        "guard.encoding": (
            "无法识别文件“{path}”的文字编码（试过 UTF-8、UTF-16、GB18030、Big5）：请用 Excel 或 WPS 打开后另存为 .xlsx",
            "Cannot tell the text encoding of “{path}” (tried UTF-8, UTF-16, GB18030, Big5): open it in Excel "
            "or WPS and save it as .xlsx",
        ),
        "guard.unterminated_quote": (
            "第 {row} 行的引号没有闭合，后面的 {swallowed} 行都被并进了一个单元格：请在第 {row} 行补上引号，或用 Excel 另存为 .xlsx",
            "A quote opened on row {row} is never closed and swallows the {swallowed} rows after it: close the "
            "quote on row {row}, or save the file as .xlsx in Excel",
        ),
        "guard.field_too_long": (
            "第 {row} 行有一个超过 {limit} 个字符的单元格，不像表格内容，无法导入：请检查该行（可能是引号没有闭合）",
            "Row {row} has a cell longer than {limit} characters and cannot be imported: check that row "
            "(perhaps an unclosed quote)",
        ),
        "guard.csv_broken": (
            "第 {row} 行的格式有误，无法读取：请用 Excel 或 WPS 打开后另存为 .xlsx",
            "Row {row} is malformed and cannot be read: open the file in Excel or WPS and save it as .xlsx",
        ),
    }
)


class GuardError(Exception):
    """The file must not be read; ``str(e)`` is one sentence for the user."""


# --- what kind of file -------------------------------------------------------------------------


def check_regular(path: Path) -> os.stat_result:
    """The file's stat when it is a regular file of an acceptable size; GuardError otherwise.
    ``os.stat`` never blocks on a FIFO (only ``open`` would)."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise GuardError(t("imp.not_found", path=path)) from None
    except OSError as exc:
        raise GuardError(t("imp.unreadable", path=path.name, reason=exc.strerror or type(exc).__name__)) from exc
    mode = st.st_mode
    if not stat.S_ISREG(mode):
        what = (
            "dir"
            if stat.S_ISDIR(mode)
            else "fifo"
            if stat.S_ISFIFO(mode)
            else "device"
            if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
            else "other"
        )
        raise GuardError(t("guard.not_regular", path=path.name, what=t(f"guard.what.{what}")))
    if st.st_size > MAX_FILE_BYTES:
        raise GuardError(_too_big(path, st.st_size, MAX_FILE_BYTES))
    return st


def _too_big(path: Path, size: int, limit: int) -> str:
    return t("guard.too_big", path=path.name, size=size // (1024 * 1024), limit=limit // (1024 * 1024))


def read_limited(path: Path, limit: int) -> bytes:
    """The whole file, refusing one that grows past ``limit`` while read (never reads more)."""
    with open(path, "rb") as f:
        data = f.read(limit + 1)
    if len(data) > limit:
        raise GuardError(_too_big(path, len(data), limit))
    return data


def sniff(path: Path) -> str:
    """'zip', 'ole', 'html' or 'text', from the first bytes (never from the extension)."""
    with open(path, "rb") as f:
        head = f.read(4096)
    if head.startswith(ZIP_MAGIC):
        return "zip"
    if head.startswith(OLE_MAGIC):
        return "ole"
    if not head:
        return "text"
    sample = _loose_decode(head).lstrip("\ufeff \t\r\n").lower()
    if sample.startswith(("<html", "<!doctype html", "<table", "<meta", "<head", "<style", "<body")) or (
        sample.startswith("<") and "<table" in sample
    ):
        return "html"
    return "text"


def _loose_decode(head: bytes) -> str:
    for bom, enc in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if head.startswith(bom):
            return head[2:].decode(enc, "replace")
    if len(head) >= 4 and head[1:4:2] == b"\x00\x00" and head[0] and head[2]:
        return head.decode("utf-16-le", "replace")  # UTF-16LE with no BOM
    return head.decode("latin-1")


def check_ole(path: Path) -> None:
    """An OLE file holding an ``EncryptedPackage`` stream is an Office file with an opening
    password (the directory entry's name is UTF-16; the file is at most MAX_FILE_BYTES). Then the
    BIFF workbook stream, when there is one, is checked sheet by sheet (:func:`_check_biff`)."""
    tail = b""
    with open(path, "rb") as f:
        while True:
            chunk = f.read(1 << 20)
            if not chunk:
                break
            if _ENCRYPTED in tail + chunk:
                raise GuardError(t("guard.encrypted", path=path.name))
            tail = chunk[-len(_ENCRYPTED) :]
    try:
        stream = _ole_stream(path, ("workbook", "book"))
    except (_Damaged, struct.error, IndexError, ValueError) as exc:
        log.info("damaged OLE file %s: %s", path, exc)
        raise GuardError(t("guard.damaged", path=path.name)) from None
    if stream is not None:
        _check_biff(path, stream)


class _Damaged(Exception):
    """An OLE structure that points outside the file or loops."""


_END_OF_CHAIN = 0xFFFFFFFE


def _ole_stream(path: Path, names: tuple[str, ...]) -> bytes | None:
    """The first stream named one of ``names`` (lower case) of an OLE compound file, or None.
    Every sector number is checked against the file's size and every chain for loops, so a
    truncated file or a lying header costs at most the file's own size."""
    data = path.read_bytes()  # at most MAX_FILE_BYTES (check_regular)
    if len(data) < 512:
        raise _Damaged("shorter than a header")
    shift, mini_shift = struct.unpack_from("<HH", data, 30)
    if shift not in (9, 12) or mini_shift != 6:
        raise _Damaged(f"sector shift {shift}/{mini_shift}")
    size = 1 << shift
    n_sectors = (len(data) - size) // size  # sectors after the header (which is one sector long)
    dir_start, _sig, mini_cutoff, minifat_start, _n_minifat, difat_start, n_difat = struct.unpack_from(
        "<IIIIIII", data, 48
    )

    def sector(i: int) -> bytes:
        if i >= n_sectors:
            raise _Damaged(f"sector {i} past the end ({n_sectors})")
        return data[size + i * size : size + (i + 1) * size]

    per = size // 4
    fat_ids = [i for i in struct.unpack_from("<109I", data, 76) if i < 0xFFFFFFFA]
    nxt, seen = difat_start, 0
    while nxt < 0xFFFFFFFA and seen < min(n_difat, n_sectors):  # the DIFAT chain, bounded
        block = struct.unpack(f"<{per}I", sector(nxt))
        fat_ids += [i for i in block[:-1] if i < 0xFFFFFFFA]
        nxt, seen = block[-1], seen + 1
    fat: list[int] = []
    for i in fat_ids[: n_sectors + 1]:
        fat += struct.unpack(f"<{per}I", sector(i))

    def chain(start: int, table: list[int], limit: int) -> list[int]:
        out: list[int] = []
        visited: set[int] = set()
        while start != _END_OF_CHAIN:
            if start >= len(table) or start in visited or len(out) > limit:
                raise _Damaged(f"broken chain at {start}")
            visited.add(start)
            out.append(start)
            start = table[start]
        return out

    directory = b"".join(sector(i) for i in chain(dir_start, fat, n_sectors))
    entries = []
    for off in range(0, len(directory) - 127, 128):
        name_len, kind = struct.unpack_from("<HB", directory, off + 64)
        name = directory[off : off + max(0, min(name_len, 64) - 2)].decode("utf-16-le", "replace")
        start, length = struct.unpack_from("<II", directory, off + 116)
        entries.append((name.lower(), kind, start, length))
    if not entries:
        raise _Damaged("no directory")
    found = next((e for e in entries if e[1] == 2 and e[0] in names), None)
    if found is None:
        return None
    _name, _kind, start, length = found
    if length > len(data):
        raise _Damaged(f"stream of {length} bytes in a file of {len(data)}")
    if length >= mini_cutoff:
        return b"".join(sector(i) for i in chain(start, fat, n_sectors))[:length]
    # a small stream lives in the mini stream (the root entry's stream, in 64-byte mini sectors)
    root = entries[0]
    mini_data = b"".join(sector(i) for i in chain(root[2], fat, n_sectors))
    minifat: list[int] = []
    for i in chain(minifat_start, fat, n_sectors) if minifat_start != _END_OF_CHAIN else []:
        minifat += struct.unpack(f"<{per}I", sector(i))
    out = bytearray()
    for i in chain(start, minifat, len(mini_data) // 64):
        if (i + 1) * 64 > len(mini_data):
            raise _Damaged(f"mini sector {i} past the mini stream")
        out += mini_data[i * 64 : (i + 1) * 64]
    return bytes(out[:length])


# BIFF8 cell records and where their row and column are: (row, col) u16 at the record's start;
# MULRK and MULBLANK end with the last column; ROW gives a row's last column + 1
_BIFF_CELLS = {0x0203, 0x0204, 0x00FD, 0x027E, 0x0201, 0x0006, 0x0205, 0x00D6, 0x0207, 0x0406, 0x0002, 0x0003}
_BIFF_MULTI = {0x00BD, 0x00BE}
BIFF8_ROWS, BIFF8_COLS = 65536, 256


def _check_biff(path: Path, stream: bytes) -> None:
    """Every sheet of a BIFF workbook stream: a password (FILEPASS), a DIMENSIONS record beyond
    what BIFF8 holds, and the span of the cells it really has (as :func:`_check_span`)."""
    names: list[str] = []
    pos, n = 0, len(stream)
    sheet = -1  # -1: the globals substream
    depth = 0
    rows = cols = 0
    declared = (0, 0)
    unpack = struct.unpack_from
    while pos + 4 <= n:
        kind, length = unpack("<HH", stream, pos)
        body = pos + 4
        pos = body + length
        if pos > n:
            break  # a truncated last record: calamine refuses it
        if kind == 0x0809:  # BOF
            depth += 1
            if depth == 1 and length >= 4 and unpack("<H", stream, body + 2)[0] != 0x0005:
                sheet += 1
                rows = cols = 0
                declared = (0, 0)
            continue
        if kind == 0x000A:  # EOF
            depth -= 1
            if depth == 0 and sheet >= 0:
                name = names[sheet] if sheet < len(names) else f"#{sheet + 1}"
                if declared[0] > BIFF8_ROWS or declared[1] > BIFF8_COLS:
                    raise GuardError(
                        t(
                            "guard.huge_sheet",
                            sheet=name,
                            cell=f"{_col_letters(declared[1])}{declared[0]}",
                            rows=declared[0],
                            cols=declared[1],
                        )
                    )
                _check_span(name, rows, cols, n)
            continue
        if sheet < 0:
            if kind == 0x002F:  # FILEPASS: the workbook is encrypted
                raise GuardError(t("guard.encrypted", path=path.name))
            if kind == 0x0085 and length >= 8:  # BOUNDSHEET: a sheet's name
                cch, high = stream[body + 6], stream[body + 7]
                raw = stream[body + 8 : body + 8 + (2 * cch if high & 1 else cch)]
                names.append(raw.decode("utf-16-le" if high & 1 else "latin-1", "replace"))
            continue
        if kind in _BIFF_CELLS and length >= 4:
            r, c = unpack("<HH", stream, body)
            if r >= rows:
                rows = r + 1
            if c >= cols:
                cols = c + 1
        elif kind in _BIFF_MULTI and length >= 6:
            r = unpack("<H", stream, body)[0]
            last = unpack("<H", stream, pos - 2)[0]
            rows, cols = max(rows, r + 1), max(cols, last + 1)
        elif kind == 0x0200:  # DIMENSIONS: BIFF8 (14 bytes, 32-bit rows) or older (10 bytes)
            if length >= 14:
                r_last, c_last = unpack("<I", stream, body + 4)[0], unpack("<H", stream, body + 10)[0]
            elif length >= 8:
                r_last, c_last = unpack("<H", stream, body + 2)[0], unpack("<H", stream, body + 6)[0]
            else:
                continue
            declared = (r_last, c_last)


# --- zips ---------------------------------------------------------------------------------------


@dataclass
class SheetSpan:
    name: str
    rows: int  # the last row used (1-based), 0 when empty
    cols: int  # the last column used
    hidden: bool = False


@dataclass
class ZipInfo:
    sheets: list[SheetSpan] = field(default_factory=list)
    active: int | None = None  # the workbook's active tab (0-based), when it says


_SHEET_RE = re.compile(rb"<(?:\w+:)?sheet\b([^>]*)/?>")
_ATTR_RE = re.compile(rb'([\w:]+)="([^"]*)"')
_REL_RE = re.compile(rb"<(?:\w+:)?Relationship\b([^>]*)/?>")
_ACTIVE_RE = re.compile(rb'activeTab="(\d+)"')
_ROW_RE = re.compile(rb'row [^>]*?r="(\d+)"')  # <row r="…"> and <x:row …> alike
# only cells that are far away: a column of two or more letters (beyond Z) or a row of six or more
# digits; an ordinary sheet has none of them, so the scan costs little more than inflating
# (patterns that start with a literal: the regex engine skips to it, 0.1 s per 100k rows)
_FAR_CELL_RE = re.compile(rb' r="([A-Z]{2,3}\d+|[A-Z]\d{6,})"')
_REF_RE = re.compile(rb"([A-Z]+)(\d+)")


def _col_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def check_zip(path: Path, compressed_size: int) -> ZipInfo:
    """Sizes from the zip's central directory, then every worksheet streamed for its span."""
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        log.info("not a zip: %s (%s)", path, exc)
        raise GuardError(t("guard.damaged", path=path.name)) from exc
    with zf:
        infos = zf.infolist()
        total = sum(i.file_size for i in infos)
        packed = max(1, sum(i.compress_size for i in infos), compressed_size // 2)
        big_ratio = any(i.file_size > RATIO_FLOOR and i.file_size > MAX_RATIO * max(1, i.compress_size) for i in infos)
        shared = sum(i.file_size for i in infos if i.filename.lower().endswith("sharedstrings.xml"))
        if total > MAX_UNZIPPED_BYTES or big_ratio or shared > MAX_SHARED_STRINGS_BYTES:
            raise GuardError(
                t("guard.zip_bomb", path=path.name, size=total // (1024 * 1024), ratio=f"{total / packed:.0f}:1")
            )
        names = {i.filename for i in infos}
        try:
            if "xl/workbook.xml" in names:
                return _scan_workbook(zf, names)
            if "content.xml" in names:
                return _scan_ods(zf)
            return ZipInfo()  # not a workbook: the reader says so
        except (
            zipfile.BadZipFile,
            zlib.error,
            EOFError,
            OSError,
            KeyError,
            ValueError,
            NotImplementedError,
            ElementTree.ParseError,
        ) as exc:
            log.info("damaged zip %s: %s", path, exc)
            raise GuardError(t("guard.damaged", path=path.name)) from exc


def _attrs(raw: bytes) -> dict[bytes, bytes]:
    return {k.split(b":")[-1]: v for k, v in _ATTR_RE.findall(raw)}


def _scan_workbook(zf: zipfile.ZipFile, names: set[str]) -> ZipInfo:
    wb = zf.read("xl/workbook.xml")[: 4 * 1024 * 1024]
    rels: dict[bytes, str] = {}
    if "xl/_rels/workbook.xml.rels" in names:
        for raw in _REL_RE.findall(zf.read("xl/_rels/workbook.xml.rels")[: 4 * 1024 * 1024]):
            a = _attrs(raw)
            target = a.get(b"Target", b"").decode("utf-8", "replace")
            target = target.lstrip("/") if target.startswith("/") else "xl/" + target
            rels[a.get(b"Id", b"")] = os.path.normpath(target).replace(os.sep, "/")
    info = ZipInfo()
    m = _ACTIVE_RE.search(wb)
    if m:
        info.active = int(m.group(1))
    for raw in _SHEET_RE.findall(wb):
        a = _attrs(raw)
        name = _xml_unescape(a.get(b"name", b"").decode("utf-8", "replace"))
        hidden = a.get(b"state", b"visible") != b"visible"
        part = rels.get(a.get(b"id", b""))
        rows = cols = 0
        if part and part in names:
            rows, cols = _sheet_span(zf, part)
            _check_span(name, rows, cols, zf.getinfo(part).file_size)
        info.sheets.append(SheetSpan(name, rows, cols, hidden))
    return info


_T = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_O = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"


def _scan_ods(zf: zipfile.ZipFile) -> ZipInfo:
    """The span of every table of an OpenDocument sheet. Rows and cells carry repeat counts
    (``table:number-rows-repeated="1048575"``), and calamine expands every repeat up to the last
    cell with content: a 5 KB .ods measured here took 2.7 GB that way. Repeats after the last
    content (LibreOffice writes such a trailer in every file) cost nothing and are not counted."""
    info = ZipInfo()
    size = zf.getinfo("content.xml").file_size
    row_idx = last_row = max_col = 0
    name = ""
    with zf.open("content.xml") as f:
        for event, el in ElementTree.iterparse(f, events=("start", "end")):
            tag = el.tag
            if event == "start":
                if tag == _T + "table":
                    name = el.get(_T + "name", "")
                    row_idx = last_row = max_col = 0
                continue
            if tag == _T + "table-row":
                repeat = _repeat(el.get(_T + "number-rows-repeated"))
                col = extent = 0
                for cell in el:
                    col += _repeat(cell.get(_T + "number-columns-repeated"))
                    if cell.get(_O + "value-type") is not None or len(cell):
                        extent = col
                if extent:
                    last_row = row_idx + repeat
                    max_col = max(max_col, extent)
                row_idx += repeat
                el.clear()
            elif tag == _T + "table":
                _check_span(name, last_row, max_col, size)
                info.sheets.append(SheetSpan(name, last_row, max_col))
                el.clear()
    return info


def _repeat(value: str | None) -> int:
    if not value:
        return 1
    try:
        return max(1, int(value))
    except ValueError:
        return 1


def _xml_unescape(s: str) -> str:
    return (
        s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&apos;", "'").replace("&amp;", "&")
    )


def _sheet_span(zf: zipfile.ZipFile, part: str) -> tuple[int, int]:
    """(last row, last column) of the cells a worksheet really has, streamed."""
    max_row = 0
    max_col = 0
    tail = b""
    with zf.open(part) as f:
        while True:
            chunk = f.read(1 << 20)
            if not chunk:
                break
            buf = tail + chunk
            rows = _ROW_RE.findall(buf)
            if rows:
                max_row = max(max_row, max(map(int, rows)))
            for ref in _FAR_CELL_RE.findall(buf):
                m = _REF_RE.fullmatch(ref)
                if m:
                    max_col = max(max_col, _col_number(m.group(1)))
                    max_row = max(max_row, int(m.group(2)))
            tail = buf[-256:]  # a tag cut at the chunk's end is matched again whole
    if max_row and not max_col:
        max_col = 26  # no far cell: every column is at most Z (counted as Z: an upper bound)
    return max_row, max_col


def _check_span(name: str, rows: int, cols: int, xml_bytes: int) -> None:
    if rows > MAX_ROWS or cols > 16384:
        raise GuardError(t("guard.too_many_rows", sheet=name, rows=rows, limit=MAX_ROWS))
    if rows * cols * SPAN_BYTES_PER_CELL > SPAN_FREE_BYTES + 4 * xml_bytes:
        raise GuardError(t("guard.huge_sheet", sheet=name, cell=f"{_col_letters(cols)}{rows}", rows=rows, cols=cols))


def _col_letters(n: int) -> str:
    s = ""
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


# --- HTML tables ---------------------------------------------------------------------------------


class _Tables(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tables: list[list[list[str]]] = []
        self._depth = 0
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._span = 1

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self._depth += 1
            if self._depth == 1:
                self.tables.append([])
        elif self._depth == 1 and tag == "tr":
            self._end_row()
            self._row = []
        elif self._depth == 1 and tag in ("td", "th"):
            if self._row is None:
                self._row = []
            self._end_cell()
            self._cell = []
            span = dict(attrs).get("colspan") or "1"
            self._span = min(int(span), 100) if span.isdigit() and int(span) > 0 else 1
        elif tag == "br" and self._cell is not None:
            self._cell.append("\n")

    def handle_endtag(self, tag):
        if tag == "table":
            if self._depth == 1:
                self._end_row()
            self._depth = max(0, self._depth - 1)
        elif self._depth == 1 and tag in ("td", "th"):
            self._end_cell()
        elif self._depth == 1 and tag == "tr":
            self._end_row()

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)

    def _end_cell(self):
        if self._cell is not None and self._row is not None:
            text = " ".join("".join(self._cell).replace("\xa0", " ").split(" ")).strip()
            self._row.append(text)
            self._row.extend([""] * (self._span - 1))
        self._cell = None
        self._span = 1

    def _end_row(self):
        self._end_cell()
        if self._row is not None and self.tables:
            self.tables[-1].append(self._row)
        self._row = None


def html_rows(text: str, path: Path) -> list[list]:
    """The rows of the largest table of an HTML page (what "save as .xls" programs write)."""
    parser = _Tables()
    parser.feed(text)
    parser.close()
    tables = [tb for tb in parser.tables if tb]
    if not tables:
        raise GuardError(t("guard.no_table", path=path.name))
    return max(tables, key=len)


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w-]+)""", re.I)


def html_charset(data: bytes) -> str | None:
    m = _META_CHARSET.search(data[:4096])
    if not m:
        return None
    name = m.group(1).decode("ascii", "replace").lower()
    try:
        codecs.lookup(name)
    except LookupError:
        return None
    return "gb18030" if name in ("gb2312", "gbk", "gb18030") else name


# --- text ---------------------------------------------------------------------------------------

# characters common in member lists, simplified and traditional: a decoding that is mostly made of
# them is plausible (Big5 bytes often decode as GB18030 too, into rare characters)
_COMMON = set(
    "的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年得就那要下以生会自着去之过家学对可她里后小么心"
    "多天而能好都然没日于起还发成事只作当想看文无开手十用主行方又如前所本见经头面公同三已老从动两长知民样现分将外"
    "但身些与高意进把法此实回二理美点月明其种声全工己话儿者向情部正名定女问力机给等几很业最间新什打便位因重被走电"
    "四第门相次东政海口使教西再平真听世气信北少关并内加化由却代军产入先山五太水万市眼体别处总才场师书比住员九笑性"
    "通目华报立马命张活难神数件安表原车白应路期叫死常提感金何更反合放做系计或司利受光王果亲界及今京务制解各任至清"
    "物台象记边共风战干接它许八特觉望直服毛林题建南度统色字请交爱让认算论百吃义科怎元社术结六功指思非流每青管夫连"
    "远资队跟带花快条院变联言权往展该领传近留红治决周保达办运武半候七必城父强步完革深区即求品士转量空甚众技轻程告"
    "江语英基派满式李息写呢识极令黄德收脸钱党倒未持取设始版双历越史商千片容研像找友孩站广改议形委早房音火际则首单"
    "跑存姓号码卡积余额备注址男普通级储值可用陈林刘杨吴周徐孙朱胡郭何高罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余"
    "杜叶程魏苏吕丁沈任姚卢傅钟姜崔谭陆汪范石廖贾夏韦付方邹熊孟秦邱侯江尹薛闫段雷龙黎史陶贺毛郝顾龚邵万覃武钱戴严"
    "莫孔向常汤康易乔赖文芳娜敏静丽艳娟霞秀玲伟强磊军勇杰涛明超刚平辉鹏华红英梅兰燕萍玉凤洁琳雪婷慧丹颖倩"
    "這個們來說時國與東車長門開問間為過還發對見點當無愛經頭區實會員號碼電話手機積分餘額備註址級儲顧客陳劉楊吳孫"
    "鄭謝韓馮鄧彭蕭葉蘇呂盧鍾譚陸賈韋鄒龔錢嚴華紅鳳潔麗艷娟靜偉強軍傑濤輝鵬"
)


def _plausible(text: str) -> float:
    """The share of common characters among the CJK characters of a text (1.0 with none)."""
    cjk = [ch for ch in text[:20000] if ord(ch) >= 0x2E80]
    if not cjk:
        return 1.0
    return sum(1 for ch in cjk if ch in _COMMON) / len(cjk)


def decode_text(data: bytes) -> tuple[str, str]:
    """(text, encoding): a BOM; UTF-16 without a BOM (every other byte zero); strict UTF-8; then
    GB18030 (a superset of GBK) and Big5, the one whose text is more plausible (made of common
    characters). Raises UnicodeDecodeError when nothing fits."""
    for bom, enc in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return data.decode(enc), enc
    head = data[:4096]
    if len(head) >= 4:
        even, odd = head[0::2].count(0), head[1::2].count(0)
        if odd > 0.3 * len(head) / 2 and even < odd / 4:
            return data.decode("utf-16-le"), "utf-16-le"
        if even > 0.3 * len(head) / 2 and odd < even / 4:
            return data.decode("utf-16-be"), "utf-16-be"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:  # expected: not UTF-8, so the Chinese legacy encodings next
        pass
    candidates = []
    for enc in ("gb18030", "big5"):
        try:
            candidates.append((data.decode(enc), enc))
        except UnicodeDecodeError:  # expected: not this encoding
            continue
    if not candidates:
        raise UnicodeDecodeError("gb18030", data[:1], 0, 1, "neither UTF-8, UTF-16, GB18030 nor Big5")
    if len(candidates) == 2 and _plausible(candidates[1][0]) > _plausible(candidates[0][0]) + 0.1:
        return candidates[1]
    return candidates[0]
