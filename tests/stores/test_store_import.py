"""Imports into a store of a chain (issue #18): a member import makes the chosen store the new
members' home store (existing members keep theirs), a purchase import books the purchases and
their points to it and refuses only that store's closed days; the command line's ``--store`` and
the wizard's store picker (hidden for one store). Both engines."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest
from PySide6.QtWidgets import QRadioButton, QWizard

from shopcrm import cli, customers, stores
from shopcrm.core import clock
from shopcrm.customers import CustomerInput
from shopcrm.excel import excel_import as X, purchase_import as P
from shopcrm.sales import counter
from shopcrm.store.db import close_database, database
from shopcrm.trust import security

DAY = dt.date(2026, 11, 22)


@pytest.fixture
def chain(db):
    security.reset_session()
    clock.set_now(dt.datetime.combine(DAY, dt.time(10)))
    old = customers.create(CustomerInput(name="老会员", mobile="13800000001")).id
    east = stores.add("east", "东门店")
    yield {"old": old, "east": east.id}
    security.reset_session()


def _members(path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["姓名", "手机", "余额", "积分"])
    ws.append(["老会员", "13800000001", 50, 10])  # already a member of the main store
    ws.append(["东店新会员", "13800000002", 100, 20])
    wb.save(path)
    return path


def _purchases(path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["日期", "手机", "金额", "积分"])
    ws.append(["2026-11-20 10:00", "13800000001", 30, 3])
    ws.append(["2026-11-21 11:00", "13800000001", 40, 4])
    wb.save(path)
    return path


def _stores_of(table: str, where: str = "") -> list:
    return [r[0] for r in database.execute_sql(f"SELECT store_id FROM {table} {where} ORDER BY id").fetchall()]


def test_a_member_import_for_a_store(chain, tmp_path):
    east = chain["east"]
    report = X.run(_members(tmp_path / "m.xlsx"), X.ImportOptions(on_duplicate="fill", store_id=east))
    assert (report.imported, report.updated) == (1, 1)
    homes = dict(database.execute_sql("SELECT name, home_store_id FROM customer").fetchall())
    assert homes == {"老会员": 1, "东店新会员": east}  # existing members keep their home store
    assert set(_stores_of("ledger_entry", "WHERE kind = 'import'")) == {east}
    # no store chosen: this counter's store (a single store: the default one)
    X.run(_members(tmp_path / "m2.xlsx"), X.ImportOptions(on_duplicate="skip"))
    assert database.execute_sql("SELECT count(*) FROM customer").fetchone()[0] == 2


def test_a_purchase_import_for_a_store_and_its_closed_days(chain, tmp_path):
    east = chain["east"]
    counter.close_day(dt.date(2026, 11, 21))  # the main store closed the 21st, the east store did not
    report = P.run(_purchases(tmp_path / "p.xlsx"), points_as_history=True, store_id=east)
    assert report.imported == 2 and report.store_id == east and report.to_json()["store_id"] == east
    assert _stores_of("purchase") == [east, east]
    assert set(_stores_of("ledger_entry", "WHERE kind = 'import'")) == {east}
    assert stores.sales(dt.date(2026, 11, 20), dt.date(2026, 11, 21), east)[0].sales_cents == 7_000
    again = P.run(_purchases(tmp_path / "p2.xlsx"), dry_run=True)  # the main store: its closed day
    assert again.errors == 1 and again.duplicates == 1


def test_import_store_on_the_command_line(chain, db_location, tmp_path, capsys):
    close_database()
    db = ("--db", str(db_location))
    code = cli.main(["import", str(_members(tmp_path / "m.xlsx")), "--store", "east", *db])
    assert code == 0, capsys.readouterr().err
    code = cli.main(["import", str(_purchases(tmp_path / "p.xlsx")), "--kind", "purchases", "--store", "东门店", *db])
    assert code == 0, capsys.readouterr().err
    code = cli.main(["import", str(tmp_path / "p.xlsx"), "--store", "nowhere", *db])
    assert code == 1 and "nowhere" in capsys.readouterr().err
    assert cli.main(["store", "deactivate", "east", *db]) == 0
    code = cli.main(["import", str(tmp_path / "p.xlsx"), "--store", "east", *db])
    assert code == 1 and "东门店" in capsys.readouterr().err
    from shopcrm.store.db import open_database

    open_database(db_location)
    homes = dict(database.execute_sql("SELECT name, home_store_id FROM customer").fetchall())
    assert homes == {"老会员": 1, "东店新会员": chain["east"]}
    assert _stores_of("purchase") == [chain["east"]] * 2


@pytest.fixture
def wizard(qtbot, app, chain, db_location):
    from shopcrm.ui.excel.import_wizard import ImportWizard

    w = ImportWizard()
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    return w


def _next(qtbot, w, expected):
    w.button(QWizard.WizardButton.NextButton).click()
    qtbot.waitUntil(lambda: w.currentPage().objectName() == expected, timeout=30_000)


@pytest.mark.gui
def test_the_wizard_asks_a_chain_which_store(qtbot, wizard, chain, tmp_path):
    w = wizard
    w.file_page.findChild(QRadioButton, "importKind_purchases").click()
    w.file_page.path_edit.setText(str(_purchases(tmp_path / "p.xlsx")))
    _next(qtbot, w, "importSheetPage")
    _next(qtbot, w, "importMappingPage")
    _next(qtbot, w, "importOptionsPage")
    picker = w.options_page.store_picker
    assert picker.isVisible() and w.options_page.store_label.text() == "这些消费所在门店(&S)："
    assert [picker.itemText(i) for i in range(picker.count())] == ["本店", "东门店"]  # no 全部门店
    assert picker.store_id() == 1  # this counter's store
    picker.setCurrentIndex(picker.findData(chain["east"]))
    _next(qtbot, w, "importDryRunPage")
    assert w.report.store_id == chain["east"] and w.report.imported == 2


@pytest.mark.gui
def test_one_store_sees_no_store_in_the_wizard(qtbot, wizard, chain, tmp_path):
    stores.set_active(chain["east"], False)
    w = wizard
    w.file_page.path_edit.setText(str(_members(tmp_path / "m.xlsx")))
    _next(qtbot, w, "importSheetPage")
    _next(qtbot, w, "importMappingPage")
    _next(qtbot, w, "importOptionsPage")
    assert w.options_page.store_picker.isHidden() and w.options_page.store_label.isHidden()
    assert w.options_page.store_picker.store_id() is None and w.store_id is None


def _members_with_stores(path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["姓名", "手机", "余额", "发卡门店"])
    ws.append(["东店甲", "13800000011", 10, "东门店"])  # by name
    ws.append(["东店乙", "13800000012", 0, " EAST "])  # by code, any case and spaces
    ws.append(["总店丙", "13800000013", 0, "本店"])
    ws.append(["三店丁", "13800000014", 0, "三分店"])  # no such store
    ws.append(["无店戊", "13800000015", 0, None])
    wb.save(path)
    return path


def test_a_chains_member_sheet_names_each_members_store(chain, tmp_path):
    """The old program's 发卡门店 column sets each new member's home store (by a store's name or
    code); a store that does not exist is a warning naming the row, the column and the value,
    and the member belongs to the import's store; an empty cell too (without a warning)."""
    east = chain["east"]
    assert "store" in X.member_fields()
    report = X.run(_members_with_stores(tmp_path / "m.xlsx"), X.ImportOptions())
    assert report.mapping[3] == "store"
    assert (report.imported, report.count(X.WARNED)) == (5, 1)
    warned = next(r for r in report.rows if r.cls == X.WARNED)
    assert (warned.record, warned.reason, warned.column) == (5, "store_unknown", "发卡门店")
    assert warned.message == "没有叫“三分店”的门店，记为本店的会员"
    homes = dict(database.execute_sql("SELECT name, home_store_id FROM customer").fetchall())
    assert {k: v for k, v in homes.items() if k != "老会员"} == {
        "东店甲": east,
        "东店乙": east,
        "总店丙": 1,
        "三店丁": 1,
        "无店戊": 1,
    }
    assert customers.count(customers.CustomerQuery(store_id=east)) == 2
    # the opening balance is booked where the import was made (this counter's store)
    assert _stores_of("ledger_entry", "WHERE kind = 'import'") == [1]


def test_a_single_shop_reads_no_store_column(db, tmp_path):
    """One store: the column is not a field at all (no warning for 三分店); with "unknown columns
    into the notes" it goes there, as any column the importer does not read."""
    assert "store" not in X.member_fields()
    report = X.run(_members_with_stores(tmp_path / "m.xlsx"), X.ImportOptions(unknown_to_notes=True))
    assert 3 not in report.mapping and (report.imported, report.count(X.WARNED)) == (5, 0)
    notes = dict(database.execute_sql("SELECT name, notes FROM customer").fetchall())
    assert "三分店" in notes["三店丁"] and "发卡门店" in notes["三店丁"]
    assert database.execute_sql("SELECT count(*) FROM customer WHERE home_store_id != 1").fetchone()[0] == 0


@pytest.mark.gui
def test_the_wizard_maps_a_chains_store_column_and_a_single_shop_has_none(qtbot, wizard, chain, tmp_path):
    w = wizard
    w.file_page.path_edit.setText(str(_members_with_stores(tmp_path / "m.xlsx")))
    _next(qtbot, w, "importSheetPage")
    _next(qtbot, w, "importMappingPage")
    combo = w.mapping_page.combos[3]
    assert combo.currentData() == "store" and combo.currentText() == "门店"
    _next(qtbot, w, "importOptionsPage")
    _next(qtbot, w, "importPreviewPage")
    assert (w.report.imported, w.report.count(X.WARNED)) == (5, 1)

    stores.set_active(chain["east"], False)  # one store again: the column is not offered
    w.restart()
    _next(qtbot, w, "importSheetPage")
    _next(qtbot, w, "importMappingPage")
    combo = w.mapping_page.combos[3]
    assert combo.currentData() is None and combo.findData("store") == -1


def test_an_unknown_store_is_said_even_when_the_row_has_another_warning(chain, tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["姓名", "手机", "生日", "门店"])
    ws.append(["两处警告", "13800000031", "2026-13-45", "四分店"])  # a birthday that cannot be
    wb.save(tmp_path / "w.xlsx")
    report = X.run(tmp_path / "w.xlsx", X.ImportOptions())
    (row,) = report.rows
    assert row.cls == X.WARNED and row.reason == "birthday_invalid"  # the first warning keeps its place
    assert row.message.endswith("；没有叫“四分店”的门店，记为本店的会员")


def _members_of_old_stores(path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["姓名", "手机", "发卡门店"])
    for i in range(3):
        ws.append([f"总店会员{i}", f"1380000010{i}", "总店"])
    ws.append(["总店会员3", "13800000103", " 总 店 "])  # the same name, spaced
    ws.append(["分店会员", "13800000110", "东区分店"])
    ws.append(["东店会员", "13800000111", "东门店"])  # a store's own name: never listed
    wb.save(path)
    return path


def test_the_store_names_a_file_writes_are_summed_up_and_mapped_by_the_owner(chain, tmp_path):
    """The old program's store names that are no store here (总店 for 本店) are counted per name,
    most rows first, for the wizard to offer a choice; the owner's choice (总店 -> 本店, 东区分店 ->
    东门店) makes those members belong there without a warning; a choice of a store that is not
    active is refused."""
    east = chain["east"]
    path = _members_of_old_stores(tmp_path / "m.xlsx")
    checked = X.run(path, X.ImportOptions(), dry_run=True)
    assert checked.store_values == {"总店": 4, "东区分店": 1} == checked.unknown_stores
    assert checked.count(X.WARNED) == 5 and checked.to_json()["unknown_stores"] == {"总店": 4, "东区分店": 1}

    partly = X.run(path, X.ImportOptions(store_names={"总店": 1}), dry_run=True)
    assert partly.unknown_stores == {"东区分店": 1} and partly.count(X.WARNED) == 1
    assert partly.store_values == {"总店": 4, "东区分店": 1}  # (the wizard still lists both)

    report = X.run(path, X.ImportOptions(store_names={"总 店": 1, "东区分店": east}))
    assert (report.imported, report.count(X.WARNED), report.unknown_stores) == (6, 0, {})
    homes = dict(database.execute_sql("SELECT name, home_store_id FROM customer").fetchall())
    assert [homes[f"总店会员{i}"] for i in range(4)] == [1, 1, 1, 1]
    assert homes["分店会员"] == east and homes["东店会员"] == east

    stores.add("west", "西门店")  # (still a chain without the east store)
    stores.set_active(east, False)
    with pytest.raises(ValueError, match="东区分店"):
        X.run(path, X.ImportOptions(store_names={"东区分店": east}), dry_run=True)


@pytest.mark.gui
def test_the_wizard_offers_a_store_for_each_unknown_store_name(qtbot, wizard, chain, tmp_path):
    """The preview lists 总店 (4 rows) and 东区分店 (1 row), each with a choice of store (keys
    only: focus, arrow down); a choice checks the file again, its rows lose their warning, and
    the import puts the members there."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QComboBox

    w = wizard
    w.file_page.path_edit.setText(str(_members_of_old_stores(tmp_path / "m.xlsx")))
    _next(qtbot, w, "importSheetPage")
    _next(qtbot, w, "importMappingPage")
    _next(qtbot, w, "importOptionsPage")
    _next(qtbot, w, "importPreviewPage")
    page = w.preview_page
    assert page.store_box.isVisible() and "本店" in page.store_hint.text()
    assert list(page.store_combos) == ["总店", "东区分店"]
    labels = [page.store_form.labelForField(c).text() for c in page.store_combos.values()]
    assert labels == ["“总店”（4 行）：", "“东区分店”（1 行）："]
    first = page.findChild(QComboBox, "importStoreMap_0")
    assert [first.itemText(i) for i in range(first.count())] == ["不对照（记为本店的会员）", "本店", "东门店"]
    assert w.report.count(X.WARNED) == 5
    first.setFocus()
    qtbot.keyClick(first, Qt.Key.Key_Down)  # 本店
    qtbot.waitUntil(lambda: w.report.unknown_stores == {"东区分店": 1}, timeout=30_000)
    assert w.store_names == {"总店": 1} and w.report.count(X.WARNED) == 1
    second = page.store_combos["东区分店"]
    second.setFocus()
    qtbot.keyClick(second, Qt.Key.Key_Down)
    qtbot.keyClick(second, Qt.Key.Key_Down)  # 东门店
    qtbot.waitUntil(lambda: w.report.unknown_stores == {}, timeout=30_000)
    assert first.currentText() == "本店" and w.report.count(X.WARNED) == 0
    _next(qtbot, w, "importDryRunPage")
    _next(qtbot, w, "importResultPage")
    homes = dict(database.execute_sql("SELECT name, home_store_id FROM customer").fetchall())
    assert homes["总店会员0"] == 1 and homes["分店会员"] == chain["east"]


def test_the_command_line_sums_up_unknown_store_names_and_maps_them(chain, db_location, tmp_path, capsys):
    close_database()
    db = ("--db", str(db_location))
    path = str(_members_of_old_stores(tmp_path / "m.xlsx"))
    assert cli.main(["import", path, "--dry-run", *db]) == 0
    out = capsys.readouterr().out
    assert "门店列里这些门店不在本店的门店列表里：“总店” 4 行、“东区分店” 1 行" in out and "--store-name" in out
    assert cli.main(["import", path, "--store-name", "总店", *db]) == 1
    assert "NAME=STORE" in capsys.readouterr().err
    assert cli.main(["import", path, "--store-name", "总店=nowhere", *db]) == 1
    assert "nowhere" in capsys.readouterr().err
    code = cli.main(["import", path, "--store-name", "总店=本店", "--store-name", "东区分店=east", "--json", *db])
    assert code == 0
    import json

    data = json.loads(capsys.readouterr().out)
    assert data["unknown_stores"] == {} and data["counts"]["warnings"] == 0 and data["counts"]["imported"] == 6
    from shopcrm.store.db import open_database

    open_database(db_location)
    homes = dict(database.execute_sql("SELECT name, home_store_id FROM customer").fetchall())
    assert homes["总店会员3"] == 1 and homes["分店会员"] == chain["east"]
