"""Hostile and odd files (issue #16): each kind is generated in tmp_path, and the importer must
not crash, not hang (the dangerous ones run the CLI in a subprocess with a timeout), stay within
bounded memory, and either import correctly or refuse with a sentence for the user — never a
library's internal message — leaving the database unchanged."""

from __future__ import annotations

import codecs
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import psutil
import pytest
from conftest import FIXTURES, TEST_DAY

from shopcrm.excel import excel_import as X, file_guard as G
from shopcrm.store.models import Customer, ImportRun

pytestmark = pytest.mark.usefixtures("fixed_day")

HEADER = ["姓名", "手机", "卡号", "余额", "备注"]
LIBRARY_WORDS = ("Relationships", "Cfb", "Codepage", "calamine", "XmlError", "Zip", "zip error", "Error:")
TIMEOUT = 60
RSS_LIMIT = 300 * 1024 * 1024


def write_xlsx(path: Path, rows, **sheets) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "会员"
    for r in rows:
        ws.append(r)
    for name, srows in sheets.items():
        s = wb.create_sheet(name)
        for r in srows:
            s.append(r)
    wb.save(path)
    return path


def raw_xlsx(path: Path, sheet_xml: str, *, shared: bytes | None = None) -> Path:
    """A minimal xlsx written by hand (what openpyxl would refuse to write)."""
    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType='
            '"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
        )
        z.writestr(
            "_rels/.rels",
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
            f'relationships"><Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>",
        )
        z.writestr(
            "xl/workbook.xml",
            f'<?xml version="1.0"?><workbook xmlns="{ns}" xmlns:r="{rel}"><sheets>'
            '<sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        z.writestr(
            "xl/_rels/workbook.xml.rels",
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
            f'relationships"><Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/>'
            "</Relationships>",
        )
        z.writestr("xl/worksheets/sheet1.xml", f'<?xml version="1.0"?><worksheet xmlns="{ns}">{sheet_xml}</worksheet>')
        if shared is not None:
            z.writestr("xl/sharedStrings.xml", shared)
    return path


def run_cli(path: Path, db: Path, *extra: str) -> subprocess.CompletedProcess:
    """The importer's CLI in a child: a hang is a timeout, an abort a signal, memory its peak RSS."""
    code = (
        "import runpy, sys, json\n"
        "sys.argv = ['shopcrm', *sys.argv[1:]]\n"
        "try:\n"
        "    runpy.run_module('shopcrm', run_name='__main__')\n"
        "finally:\n"
        # the peak of this process's own memory: VmHWM starts afresh at exec, while ru_maxrss keeps
        # the high-water mark of the pytest process this child was forked from
        "    import re\n"
        "    status = open('/proc/self/status').read()\n"
        "    kb = int(re.search(r'VmHWM:\\s+(\\d+)', status).group(1))\n"
        "    sys.stderr.write('\\nRSS=%d\\n' % (kb * 1024))\n"
    )
    return subprocess.run(
        [sys.executable, "-c", code, "import", str(path), "--db", str(db), "--dry-run", "--json", *extra],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        env={**os.environ, "SHOPCRM_LANG": "zh_CN"},
    )


def peak_rss(out: subprocess.CompletedProcess) -> int:
    line = [ln for ln in out.stderr.splitlines() if ln.startswith("RSS=")]
    return int(line[-1][4:]) if line else 0


def assert_refused(out: subprocess.CompletedProcess, *words: str) -> str:
    assert out.returncode == 1, (out.returncode, out.stdout[-500:], out.stderr[-1500:])
    msg = out.stderr.split("\nRSS=")[0].strip()
    assert msg.startswith("shopcrm import:"), msg
    assert "Traceback" not in out.stderr
    for w in LIBRARY_WORDS:
        assert w not in msg, msg
    for w in words:
        assert w in msg, msg
    assert peak_rss(out) < RSS_LIMIT, peak_rss(out)
    return msg


def refused(path: Path, *words: str) -> str:
    with pytest.raises(X.ImportFileError) as exc:
        X.run(path, X.ImportOptions(today=TEST_DAY), dry_run=True)
    msg = str(exc.value)
    for w in LIBRARY_WORDS:
        assert w not in msg, msg
    for w in words:
        assert w in msg, msg
    return msg


@pytest.fixture
def cli_db(tmp_path) -> Path:
    """A database with one customer, made by the CLI itself; the tests check it is unchanged."""
    db = tmp_path / "shop.db"
    src = write_xlsx(tmp_path / "seed.xlsx", [HEADER, ["老王", "13900000001", "", "", ""]])
    out = subprocess.run(
        [sys.executable, "-m", "shopcrm", "import", str(src), "--db", str(db)], capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    return db


def db_state(db: Path) -> tuple:
    import sqlite3

    con = sqlite3.connect(db)
    try:
        return tuple(
            con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("customer", "import_run", "ledger_entry")
        )
    finally:
        con.close()


# --- never die, never hang, bounded memory (subprocess) -----------------------------------------


def test_cell_at_xfd1048576_is_refused_before_the_reader_aborts(tmp_path, cli_db):
    # calamine allocates every position from A1 to the last cell: this one kills the process
    path = raw_xlsx(
        tmp_path / "far.xlsx",
        '<dimension ref="A1:XFD1048576"/><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>姓名</t></is></c>'
        '</row><row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData>',
    )
    before = db_state(cli_db)
    out = run_cli(path, cli_db)
    msg = assert_refused(out, "XFD1048576", "删掉多余的行列")
    assert db_state(cli_db) == before, msg


def test_a_far_cell_inside_a_low_row_is_found_too(tmp_path):
    # the cell's own reference counts, whatever row element it sits in
    path = raw_xlsx(
        tmp_path / "liar.xlsx",
        '<dimension ref="A1:B2"/><sheetData><row r="1"><c r="A1"><v>1</v></c>'
        '<c r="ZZ999999"><v>1</v></c></row></sheetData>',
    )
    refused(path, "ZZ999999")


def test_declared_dimension_alone_is_harmless(tmp_path, db):
    # the dimension element is only a hint (calamine sizes by the cells): no refusal for it alone
    cells = "".join(
        f'<c r="{c}1" t="inlineStr"><is><t>{h}</t></is></c>'
        for c, h in zip("ABC", ["姓名", "手机", "卡号"], strict=True)
    )
    row2 = '<c r="A2" t="inlineStr"><is><t>张三</t></is></c><c r="B2" t="inlineStr"><is><t>13800138000</t></is></c>'
    path = raw_xlsx(
        tmp_path / "dim.xlsx",
        f'<dimension ref="A1:XFD1048576"/><sheetData><row r="1">{cells}</row><row r="2">{row2}</row></sheetData>',
    )
    report = X.run(path, X.ImportOptions(today=TEST_DAY), dry_run=True)
    assert report.imported == 1


def test_fifo_is_refused_without_blocking(tmp_path, cli_db):
    fifo = tmp_path / "members.csv"
    os.mkfifo(fifo)
    before = db_state(cli_db)
    out = run_cli(fifo, cli_db)  # would block forever on open()
    assert_refused(out, "不是普通文件", "管道")
    assert db_state(cli_db) == before


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_device_is_refused(tmp_path, cli_db, device):
    link = tmp_path / "members.csv"
    link.symlink_to(device)  # a symlink named like a CSV: stat follows it to the device
    out = run_cli(link, cli_db)
    assert_refused(out, "设备")


def test_directory_is_refused(tmp_path):
    d = tmp_path / "members.xlsx"
    d.mkdir()
    refused(d, "文件夹")


def test_huge_sparse_file_of_zeros_is_refused_by_its_size(tmp_path, cli_db):
    # /dev/zero as a regular file: 2 GB of zeros that take no disk space
    path = tmp_path / "zeros.csv"
    with open(path, "wb") as f:
        f.truncate(2 * 1024 * 1024 * 1024)
    out = run_cli(path, cli_db)
    assert_refused(out, "超过导入上限", "拆成")


def test_text_file_growing_past_the_limit_is_never_read_whole(tmp_path, monkeypatch):
    path = tmp_path / "big.csv"
    path.write_bytes(b"a,b,c\n" * 1000)
    monkeypatch.setattr(G, "MAX_TEXT_FILE_BYTES", 1000)
    refused(path, "超过导入上限")


def test_zip_bomb_shared_strings_is_refused_from_the_directory(tmp_path, cli_db):
    path = tmp_path / "bomb.xlsx"
    # 300 MB of one repeated byte compress to about 300 KB: refused before anything is inflated
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
        with z.open("xl/sharedStrings.xml", "w", force_zip64=True) as f:
            block = b"<" * (1 << 20)
            for _ in range(300):
                f.write(block)
    before = db_state(cli_db)
    out = run_cli(path, cli_db)
    assert_refused(out, "解压后过大")
    assert db_state(cli_db) == before


def test_unzipped_total_limit(tmp_path, monkeypatch):
    path = write_xlsx(tmp_path / "m.xlsx", [HEADER, ["张三", "13800138000", "", "", ""]])
    monkeypatch.setattr(G, "MAX_UNZIPPED_BYTES", 1000)
    refused(path, "解压后过大")


def test_too_many_csv_rows(tmp_path, monkeypatch):
    path = tmp_path / "rows.csv"
    path.write_text("姓名,手机\n" + "张三,13800138000\n" * 50, encoding="utf-8")
    monkeypatch.setattr(G, "MAX_ROWS", 20)
    refused(path, "超过上限 20 行")


# --- never silently wrong -----------------------------------------------------------------------


def test_unterminated_quote_names_its_row(tmp_path, db):
    path = tmp_path / "quote.csv"
    path.write_text(
        '姓名,手机,备注\n张三,13800138001,好\n李四,13800138002,"没有闭合\n王五,13800138003,x\n赵六,13800138004,y\n',
        encoding="utf-8",
    )
    msg = refused(path, "第 3 行的引号没有闭合", "3 行")
    assert Customer.select().count() == 0, msg


def test_quote_that_closes_rows_later_is_caught(tmp_path, db):
    path = tmp_path / "late.csv"
    path.write_text(
        '姓名,手机,备注\n张三,13800138001,"开始\n王五,13800138003,x\n赵六,13800138004,结束"\n钱七,13800138005,z\n',
        encoding="utf-8",
    )
    refused(path, "第 2 行的引号没有闭合")


def test_multi_line_note_is_still_fine(tmp_path, db):
    path = tmp_path / "ok.csv"
    path.write_text('姓名,手机,备注\n张三,13800138001,"第一行\n第二行"\n', encoding="utf-8")
    report = X.run(path, X.ImportOptions(today=TEST_DAY), dry_run=True)
    assert report.imported == 1


def test_over_long_csv_field_is_a_row_error_and_a_huge_one_refuses_the_file(tmp_path, db):
    path = tmp_path / "long.csv"
    path.write_text("姓名,手机,备注\n张三,13800138001,ok\n李四,13800138002," + "x" * 40000 + "\n", encoding="utf-8")
    report = X.run(path, X.ImportOptions(today=TEST_DAY), dry_run=True)
    assert [(r.record, r.cls, r.column) for r in report.rows] == [(2, X.IMPORTED, None), (3, X.ERROR, "备注")]
    path.write_text("姓名,手机,备注\n张三,13800138001,ok\n李四,13800138002," + "x" * 2_000_000 + "\n", encoding="utf-8")
    refused(path, "第 3 行", str(G.MAX_CSV_FIELD_CHARS))


def test_over_long_xlsx_cell_is_refused_with_row_and_column(tmp_path, db):
    # written by hand: openpyxl cuts a value to 32767 characters itself
    head = "".join(
        f'<c r="{c}1" t="inlineStr"><is><t>{h}</t></is></c>'
        for c, h in zip("ABE", ["姓名", "手机", "备注"], strict=True)
    )
    body = (
        '<c r="A2" t="inlineStr"><is><t>张三</t></is></c><c r="B2" t="inlineStr"><is><t>13800138001</t></is></c>'
        f'<c r="E2" t="inlineStr"><is><t>{"x" * 200_000}</t></is></c>'
    )
    path = raw_xlsx(tmp_path / "long.xlsx", f'<sheetData><row r="1">{head}</row><row r="2">{body}</row></sheetData>')
    report = X.run(path, X.ImportOptions(today=TEST_DAY), dry_run=True)
    (row,) = report.rows
    assert (row.cls, row.record, row.column) == (X.ERROR, 2, "备注")


def test_hidden_first_sheet_is_skipped_and_others_are_listed(tmp_path, db):
    wb = openpyxl.Workbook()
    codes = wb.active
    codes.title = "代码表"
    for i in range(7):
        codes.append(["代码", i])
    codes.sheet_state = "hidden"
    members = wb.create_sheet("会员")
    members.append(HEADER)
    members.append(["张三", "13800138001", "", "", ""])
    wb.create_sheet("空表")
    wb.active = 1
    path = tmp_path / "hidden.xlsx"
    wb.save(path)
    sheet = X.read_sheet(path)
    assert sheet.sheet == "会员"
    report = X.run(path, X.ImportOptions(today=TEST_DAY), dry_run=True)
    assert report.imported == 1
    assert report.to_json()["other_sheets"] == [{"sheet": "代码表", "rows": 7}, {"sheet": "空表", "rows": 0}]


@pytest.mark.parametrize(
    ("card", "how"),
    [("1.23457E+17", "科学计数法文本"), (123457000000000000, "数字规律"), (1.23457e17, "数字规律")],
)
def test_card_damaged_by_scientific_notation(tmp_path, db, card, how):
    path = write_xlsx(tmp_path / "card.xlsx", [HEADER, ["张三", "13800138001", card, "", ""]])
    (row,) = X.run(path, X.ImportOptions(today=TEST_DAY), dry_run=True).rows
    assert (row.cls, row.reason, row.column) == (X.ERROR, "card_scientific", "卡号")
    assert how in row.message


def test_mobile_cut_by_scientific_notation(tmp_path, db):
    # 1.38001E+10 kept as a number: 13800100000; the same digits as text are a real number
    path = write_xlsx(
        tmp_path / "m.xlsx",
        [
            HEADER,
            ["张三", 13800100000, "", "", ""],
            ["李四", "13800200000", "", "", ""],
            ["王五", 13812345678, "", "", ""],
        ],
    )
    rows = X.run(path, X.ImportOptions(today=TEST_DAY), dry_run=True).rows
    assert [(r.cls, r.reason) for r in rows] == [(X.ERROR, "mobile_scientific"), (X.IMPORTED, None), (X.IMPORTED, None)]
    assert "科学计数法" in rows[0].message and "数字规律" in rows[0].message


def test_csv_excel_escapes_and_controls_normalised(tmp_path, db):
    path = tmp_path / "esc.csv"
    path.write_text("姓名,手机,备注\n张三,13800138001,一行_x000D_二行\x07\r\n", encoding="utf-8")
    report = X.run(path, X.ImportOptions(today=TEST_DAY), dry_run=True)
    assert report.rows[0].clean.notes == "一行\n二行"


def test_xlsx_excel_escapes_are_decoded(tmp_path, db):
    """In a workbook ``_x000D_`` is decoded to the CR it spells (never kept as the text
    "_x000D_"); workbook cells keep their CR so that an archive comes back from its own export
    exactly (issue 19), while text files (CSV, HTML) normalise them (the test above)."""
    path = raw_xlsx(
        tmp_path / "esc.xlsx",
        "<sheetData>"
        + "".join(
            f'<row r="{r}">'
            + "".join(f'<c r="{c}{r}" t="inlineStr"><is><t>{v}</t></is></c>' for c, v in zip("ABC", row, strict=True))
            + "</row>"
            for r, row in ((1, ["姓名", "手机", "备注"]), (2, ["张三", "13800138001", "一行_x000D_二行"]))
        )
        + "</sheetData>",
    )
    (row,) = X.run(path, X.ImportOptions(today=TEST_DAY), dry_run=True).rows
    assert row.cls == X.IMPORTED and row.clean.notes == "一行\r二行" and "_x" not in row.clean.notes


# --- read what shops have ------------------------------------------------------------------------


def test_odd_export_fixtures_match_their_generator(tmp_path):
    sys.path.insert(0, str(FIXTURES))
    try:
        import make_odd_exports
    finally:
        sys.path.remove(str(FIXTURES))
    make_odd_exports.main(tmp_path)
    for name in ("odd_html_as.xls", "odd_tsv_as.xls"):  # byte-exact (the .et's zip has timestamps)
        assert (tmp_path / name).read_bytes() == (FIXTURES / name).read_bytes(), name


@pytest.mark.parametrize("name", ["odd_html_as.xls", "odd_tsv_as.xls", "odd_wps.et"])
def test_odd_exports_import_as_expected(db, name):
    expected = json.loads((FIXTURES / "odd_expected.json").read_text(encoding="utf-8"))[name]
    report = X.run(FIXTURES / name, X.ImportOptions(today=TEST_DAY), dry_run=True)
    assert report.encoding == expected["encoding"]
    assert report.header_record == expected["header_row"]
    assert (report.imported, report.errors) == (expected["imported"], expected["errors"])
    assert [r.record for r in report.rows if r.cls == X.ERROR] == expected["error_rows"]
    first = next(r for r in report.rows if r.cls == X.IMPORTED)
    assert (first.clean.name, first.clean.mobile, first.clean.card_no, first.clean.balance_cents) == (
        "张三",
        "13800138001",
        "A001",
        10050,
    )
    X.apply_plan(report)
    assert Customer.select().count() == expected["imported"]


@pytest.mark.parametrize(
    ("name", "saved_as"),
    [("odd_html_as.xls", ".xlsx"), ("odd_tsv_as.xls", ".xlsx"), ("odd_wps.et", ".ett")],
)
def test_odd_exports_under_another_name_import_the_same(tmp_path, db, name, saved_as):
    """An HTML table or tab-separated text saved as ".xlsx", a WPS template (.ett): the content
    decides how the file is read, never its extension."""
    expected = json.loads((FIXTURES / "odd_expected.json").read_text(encoding="utf-8"))[name]
    path = tmp_path / f"export{saved_as}"
    path.write_bytes((FIXTURES / name).read_bytes())
    report = X.run(path, X.ImportOptions(today=TEST_DAY), dry_run=True)
    assert (report.imported, report.errors, report.header_record) == (
        expected["imported"],
        expected["errors"],
        expected["header_row"],
    )
    assert [r.record for r in report.rows if r.cls == X.ERROR] == expected["error_rows"]


def test_xls_that_is_an_xlsx_and_et_that_is_an_xls(tmp_path, db):
    xlsx_named_xls = write_xlsx(tmp_path / "a.xls", [HEADER, ["张三", "13800138001", "", "", ""]])
    assert X.run(xlsx_named_xls, X.ImportOptions(today=TEST_DAY), dry_run=True).imported == 1
    et = tmp_path / "b.et"
    et.write_bytes((FIXTURES / "easyexcel_t01_merged_title.xls").read_bytes())  # WPS .et: OLE/BIFF
    assert X.read_sheet(et).sheet == "产品数据"


@pytest.mark.parametrize(
    ("encoding", "reported"),
    [
        ("utf-8", "utf-8"),
        ("utf-8-sig", "utf-8-sig"),
        ("utf-16", "utf-16"),
        ("utf-16-le", "utf-16-le"),
        ("gb18030", "gb18030"),
        ("big5", "big5"),
    ],
)
def test_text_encodings(tmp_path, db, encoding, reported):
    rows = (
        "姓名,手機,備註\n陳大文,13800138001,老顧客\n黃麗華,13800138002,\n"
        if encoding == "big5"
        else ("姓名,手机,备注\n陈大文,13800138001,老顾客\n黄丽华,13800138002,\n")
    )
    path = tmp_path / f"m_{encoding}.csv"
    path.write_bytes(rows.encode(encoding))
    report = X.run(path, X.ImportOptions(today=TEST_DAY), dry_run=True)
    assert report.encoding == reported
    assert report.imported == 2
    assert report.rows[0].clean.name == "陈大文" or report.rows[0].clean.name == "陳大文"
    assert report.rows[0].clean.notes in ("老顾客", "老顧客")


def _encrypted_ooxml(path: Path) -> Path:
    """An OLE compound file with an EncryptedPackage stream, as Office writes a password-protected
    xlsx: header, one FAT sector, one directory sector (root + EncryptedPackage)."""
    import struct

    header = bytearray(512)
    header[0:8] = G.OLE_MAGIC
    struct.pack_into("<HHHH", header, 24, 0x3E, 3, 0xFFFE, 9)  # minor, major, byte order, 512-byte sectors
    struct.pack_into("<H", header, 32, 6)
    struct.pack_into("<I", header, 44, 1)  # one FAT sector
    struct.pack_into("<I", header, 48, 1)  # directory at sector 1
    struct.pack_into("<I", header, 56, 4096)
    struct.pack_into("<I", header, 60, 0xFFFFFFFE)
    struct.pack_into("<I", header, 68, 0xFFFFFFFE)
    struct.pack_into("<I", header, 76, 0)  # DIFAT[0] = FAT at sector 0
    for i in range(1, 109):
        struct.pack_into("<I", header, 76 + 4 * i, 0xFFFFFFFF)
    fat = bytearray(b"\xff" * 512)
    struct.pack_into("<II", fat, 0, 0xFFFFFFFD, 0xFFFFFFFE)

    directory = _dir_entry("Root Entry", 5, 1) + _dir_entry("EncryptedPackage", 2) + bytes(256)
    path.write_bytes(bytes(header) + bytes(fat) + directory)
    return path


def test_password_protected_file_says_so(tmp_path, cli_db):
    path = _encrypted_ooxml(tmp_path / "locked.xlsx")
    before = db_state(cli_db)
    msg = assert_refused(run_cli(path, cli_db), "密码", "取消密码")
    assert db_state(cli_db) == before, msg


@pytest.mark.parametrize(
    ("content", "suffix"),
    [
        (b"PK\x03\x04garbage" * 10, ".xlsx"),
        (G.OLE_MAGIC + b"\0" * 600, ".xls"),
        (G.OLE_MAGIC + os.urandom(3000), ".et"),
        (b"PK\x03\x04" + os.urandom(5000), ".ods"),
    ],
)
def test_damaged_files_get_a_sentence_not_a_library_message(tmp_path, db, content, suffix):
    path = tmp_path / f"bad{suffix}"
    path.write_bytes(content)
    msg = refused(path)
    assert "损坏" in msg or "密码" in msg
    assert ImportRun.select().count() == 0


def test_html_without_a_table(tmp_path):
    path = tmp_path / "page.xls"
    path.write_text("<html><body>没有数据</body></html>", encoding="utf-8")
    refused(path, "没有表格")


def test_refusals_in_english_too(tmp_path):
    from shopcrm.core import texts

    texts.set_language("en")
    d = tmp_path / "x.xlsx"
    d.mkdir()
    refused(d, "not a regular file", "choose a spreadsheet file")


def test_fuzzed_bytes_never_crash(tmp_path, db):
    import random

    rng = random.Random(16)
    seed = (FIXTURES / "members_dev.xlsx").read_bytes()
    for i in range(40):
        data = bytearray(seed)
        for _ in range(rng.randint(1, 30)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        path = tmp_path / f"f{i}.xlsx"
        path.write_bytes(bytes(data[: rng.randint(len(data) // 2, len(data))] if i % 3 == 0 else data))
        try:
            X.run(path, X.ImportOptions(today=TEST_DAY), dry_run=True)
        except X.ImportFileError as exc:
            for w in LIBRARY_WORDS:
                assert w not in str(exc), str(exc)
    assert psutil.Process().memory_info().rss < 1024 * 1024 * 1024


def test_bom_utf16_csv_named_xls(tmp_path, db):
    path = tmp_path / "u16.xls"
    path.write_bytes(codecs.BOM_UTF16_LE + "姓名\t手机\n张三\t13800138001\n".encode("utf-16-le"))
    assert X.run(path, X.ImportOptions(today=TEST_DAY), dry_run=True).imported == 1


def write_ods(path: Path, rows_xml: str) -> Path:
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body>'
        f'<office:spreadsheet><table:table table:name="会员">{rows_xml}</table:table></office:spreadsheet>'
        "</office:body></office:document-content>"
    )
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", content)
        z.writestr(
            "META-INF/manifest.xml",
            '<?xml version="1.0"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:'
            'manifest:1.0"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/'
            'vnd.oasis.opendocument.spreadsheet"/></manifest:manifest>',
        )
    return path


def _ods_row(*values: str) -> str:
    return (
        "<table:table-row>"
        + "".join(
            f'<table:table-cell office:value-type="string"><text:p>{v}</text:p></table:table-cell>' for v in values
        )
        + "</table:table-row>"
    )


def test_ods_repeat_bomb_is_refused(tmp_path, cli_db):
    # 5 KB that calamine would expand to 1048576 x 41 cells (2.7 GB measured)
    path = write_ods(
        tmp_path / "rep.ods",
        _ods_row("姓名", "手机")
        + '<table:table-row table:number-rows-repeated="1048575"><table:table-cell table:number-columns-repeated="40"/>'
        '<table:table-cell office:value-type="string"><text:p>y</text:p></table:table-cell></table:table-row>',
    )
    before = db_state(cli_db)
    assert_refused(run_cli(path, cli_db), "AO1048576")
    assert db_state(cli_db) == before


def test_ods_with_libreoffice_trailer_imports(tmp_path, db):
    # LibreOffice ends every sheet with the empty rest of the grid, repeated: no content, no cost
    path = write_ods(
        tmp_path / "lo.ods",
        _ods_row("姓名", "手机")
        + _ods_row("张三", "13800138001")
        + '<table:table-row table:number-rows-repeated="1048574"><table:table-cell '
        'table:number-columns-repeated="1024"/></table:table-row>',
    )
    report = X.run(path, X.ImportOptions(today=TEST_DAY), dry_run=True)
    assert report.imported == 1


# --- old .xls (BIFF8 in an OLE compound file), written byte by byte ------------------------------
_END, _FREE = 0xFFFFFFFE, 0xFFFFFFFF


def _rec(kind: int, data: bytes = b"") -> bytes:
    import struct

    return struct.pack("<HH", kind, len(data)) + data


def _biff(rows, *, dimensions=None, filepass=False, far_cell=None) -> bytes:
    """A BIFF8 workbook stream as Excel 97-2003 writes it: the globals (BOF, [FILEPASS], CODEPAGE,
    BOUNDSHEET, EOF), then one sheet (BOF, DIMENSIONS, a LABEL per cell, [a far NUMBER], EOF)."""
    import struct

    bof = lambda dt: _rec(0x0809, struct.pack("<HHHHII", 0x0600, dt, 0x0DBB, 0x07CC, 0, 6))  # noqa: E731
    name = "会员".encode("utf-16-le")
    glob = bof(0x0005)
    if filepass:  # RC4 encryption: the workbook has an opening password
        glob += _rec(0x002F, struct.pack("<HHH", 1, 1, 1) + bytes(48))
    glob += _rec(0x0042, struct.pack("<H", 1200))
    start = len(glob) + 4 + 8 + len(name) + 4
    glob += _rec(0x0085, struct.pack("<IBBBB", start, 0, 0, 2, 1) + name) + _rec(0x000A)
    dims = dimensions or (0, len(rows), 0, max(len(r) for r in rows))
    sheet = bof(0x0010) + _rec(0x0200, struct.pack("<IIHHH", *dims, 0))
    for r, row in enumerate(rows):
        for c, v in enumerate(row):
            sheet += _rec(0x0204, struct.pack("<HHHHB", r, c, 0, len(v), 1) + v.encode("utf-16-le"))
    if far_cell:
        sheet += _rec(0x0203, struct.pack("<HHHd", *far_cell, 0, 1.0))
    return glob + sheet + _rec(0x000A)


def _dir_entry(name: str, kind: int, child: int = _FREE, start: int = _END, size: int = 0) -> bytes:
    """One 128-byte OLE directory entry (kind 5: the root, 2: a stream)."""
    import struct

    e = bytearray(128)
    raw = name.encode("utf-16-le") + b"\0\0"
    e[: len(raw)] = raw
    struct.pack_into("<HBB", e, 64, len(raw), kind, 1)
    struct.pack_into("<III", e, 68, _FREE, _FREE, child)
    struct.pack_into("<II", e, 116, start, size)
    return bytes(e)


def _ole(stream: bytes, *, fat_sectors: int = 1, stream_size: int | None = None) -> bytes:
    """An OLE compound file holding ``Workbook`` (>= 4096 bytes, so no mini stream): the header,
    one FAT sector, one directory sector, then the stream's sectors in a row."""
    import struct

    assert len(stream) >= 4096
    n = (len(stream) + 511) // 512
    header = bytearray(512)
    header[0:8] = G.OLE_MAGIC
    struct.pack_into("<HHHHH", header, 24, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<III", header, 44, fat_sectors, 1, 0)  # FAT sectors, directory at 1
    struct.pack_into("<IIIII", header, 56, 4096, _END, 0, _END, 0)
    struct.pack_into("<109I", header, 76, 0, *[_FREE] * 108)
    fat = [0xFFFFFFFD, _END] + [3 + i for i in range(n - 1)] + [_END]
    fat_bytes = struct.pack("<128I", *fat, *[_FREE] * (128 - len(fat)))

    size = len(stream) if stream_size is None else stream_size
    directory = _dir_entry("Root Entry", 5, 1) + _dir_entry("Workbook", 2, start=2, size=size) + bytes(256)
    return bytes(header) + fat_bytes + directory + stream + bytes(n * 512 - len(stream))


def _ole_mini(stream: bytes) -> bytes:
    """An OLE compound file whose ``Workbook`` is under 4096 bytes, so in the mini stream: the
    header, the FAT, the directory, the mini FAT, then the root entry's stream of 64-byte mini
    sectors."""
    import struct

    assert len(stream) < 4096
    k = (len(stream) + 63) // 64  # mini sectors
    container = stream + bytes(k * 64 - len(stream))
    n = (len(container) + 511) // 512  # sectors of the root's stream, from sector 3
    header = bytearray(512)
    header[0:8] = G.OLE_MAGIC
    struct.pack_into("<HHHHH", header, 24, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<III", header, 44, 1, 1, 0)
    struct.pack_into("<IIIII", header, 56, 4096, 2, 1, _END, 0)  # mini FAT at sector 2
    struct.pack_into("<109I", header, 76, 0, *[_FREE] * 108)
    fat = [0xFFFFFFFD, _END, _END] + [4 + i for i in range(n - 1)] + [_END]
    minifat = [1 + i for i in range(k - 1)] + [_END]

    directory = _dir_entry("Root Entry", 5, 1, start=3, size=len(container)) + _dir_entry(
        "Workbook", 2, start=0, size=len(stream)
    )
    return (
        bytes(header)
        + struct.pack("<128I", *fat, *[_FREE] * (128 - len(fat)))
        + directory
        + bytes(256)
        + struct.pack("<128I", *minifat, *[_FREE] * (128 - len(minifat)))
        + container
        + bytes(n * 512 - len(container))
    )


def test_small_xls_in_the_mini_stream_is_walked_too(tmp_path, cli_db):
    """A workbook stream under 4096 bytes lives in the mini stream: its far cell is found as well."""
    rows = [["姓名", "手机"], ["张三", "13800138001"]]
    good = tmp_path / "small.xls"
    good.write_bytes(_ole_mini(_biff(rows)))
    out = run_cli(good, cli_db)
    assert out.returncode == 0 and json.loads(out.stdout)["counts"]["imported"] == 1, out.stderr[-1500:]
    far = tmp_path / "small_far.xls"
    far.write_bytes(_ole_mini(_biff(rows, far_cell=(65535, 255))))
    before = db_state(cli_db)
    msg = assert_refused(run_cli(far, cli_db), "IV65536")
    assert db_state(cli_db) == before, msg


XLS_MEMBERS = [["姓名", "手机"]] + [[f"张{i}", f"138001380{i:02d}"] for i in range(100)]


def test_generated_xls_imports(tmp_path, db):
    """The generator's plain .xls is a good file: the hostile ones below differ from it in one place."""
    path = tmp_path / "ok.xls"
    path.write_bytes(_ole(_biff(XLS_MEMBERS)))
    assert X.run(path, X.ImportOptions(today=TEST_DAY), dry_run=True).imported == 100


@pytest.mark.parametrize(
    ("case", "words"),
    [
        ("truncated", ("损坏",)),  # the stream's sectors cut off: its chain points past the end
        ("stream_size", ("损坏",)),  # the directory says the stream has 4 GB
        ("dimension", ("删掉多余的行列", "4294967295")),  # calamine aborts allocating this
        ("far_cell", ("IV65536", "删掉多余的行列")),  # calamine takes 1.2 GB for this one
        ("filepass", ("密码", "取消密码")),
    ],
)
def test_hostile_xls_is_refused_in_a_sentence(tmp_path, cli_db, case, words):
    good = _ole(_biff(XLS_MEMBERS))
    content = {
        "truncated": lambda: good[:1800],
        "stream_size": lambda: _ole(_biff(XLS_MEMBERS), stream_size=0xFFFFFFF0),
        "dimension": lambda: _ole(_biff(XLS_MEMBERS, dimensions=(0, 0xFFFFFFFF, 0, 0xFFFF))),
        "far_cell": lambda: _ole(_biff(XLS_MEMBERS, far_cell=(65535, 255))),
        "filepass": lambda: _ole(_biff(XLS_MEMBERS, filepass=True)),
    }[case]()
    path = tmp_path / f"{case}.xls"
    path.write_bytes(content)
    before = db_state(cli_db)
    msg = assert_refused(run_cli(path, cli_db), *words)  # no abort, no hang, RSS < 300 MB
    assert db_state(cli_db) == before, msg


def test_xls_with_a_huge_declared_fat_sector_count_reads_what_is_there(tmp_path, cli_db):
    """A header claiming two billion FAT sectors: only the sectors the file has are read."""
    path = tmp_path / "fat.xls"
    path.write_bytes(_ole(_biff(XLS_MEMBERS), fat_sectors=0x7FFFFFFF))
    before = db_state(cli_db)
    out = run_cli(path, cli_db)
    assert out.returncode == 0, out.stderr[-1500:]
    assert json.loads(out.stdout)["counts"]["imported"] == 100
    assert peak_rss(out) < RSS_LIMIT
    assert db_state(cli_db) == before
