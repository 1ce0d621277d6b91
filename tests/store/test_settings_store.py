"""One settings store (issue 17): shopcrm.store.settings is the only way to the ``setting`` table,
and it reads what older versions wrote, the same way they read it."""

from __future__ import annotations

import ast
import copy
import json
import re
from dataclasses import asdict
from pathlib import Path

import pytest
from conftest import ROOT

from shopcrm import backup, care, complaints, grading
from shopcrm.excel import excel_import
from shopcrm.store import settings
from shopcrm.trust import security

PACKAGE = ROOT / "shopcrm"
STORE = PACKAGE / "store"
# SQL that names the table: FROM setting, INTO "setting", UPDATE setting, TABLE setting …
TABLE_SQL = re.compile(r'\b(from|into|update|table|join)\s+["`\[]?setting\b', re.IGNORECASE)


def _outside_store() -> list[Path]:
    return [p for p in PACKAGE.rglob("*.py") if STORE not in p.parents]


def test_only_the_store_touches_the_setting_table():
    offenders = []
    for path in _outside_store():
        where = path.relative_to(PACKAGE.parent)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.ImportFrom)
                and node.module
                and node.module.endswith("models")
                and any(a.name in ("Setting", "*") for a in node.names)
            ):
                offenders.append(f"{where}:{node.lineno} imports Setting")
            elif isinstance(node, ast.Attribute) and node.attr == "Setting":
                offenders.append(f"{where}:{node.lineno} uses .Setting")
            elif isinstance(node, ast.Constant) and isinstance(node.value, str) and TABLE_SQL.search(node.value):
                offenders.append(f"{where}:{node.lineno} SQL on the setting table")
    assert not offenders, "use shopcrm.store.settings instead:\n" + "\n".join(offenders)


def test_the_scan_sees_what_it_forbids():
    # the check above would catch the old ways (guards against a scan that silently finds nothing)
    old = (
        "from shopcrm.store.models import Customer, Setting\n"
        "x = models.Setting\n"
        "database.execute_sql('SELECT value FROM setting WHERE key = ?')\n"
    )
    tree = ast.parse(old)
    assert any(isinstance(n, ast.ImportFrom) and any(a.name == "Setting" for a in n.names) for n in ast.walk(tree))
    assert any(isinstance(n, ast.Attribute) and n.attr == "Setting" for n in ast.walk(tree))
    assert any(
        isinstance(n, ast.Constant) and isinstance(n.value, str) and TABLE_SQL.search(n.value) for n in ast.walk(tree)
    )
    assert not TABLE_SQL.search("care.v.setting") and not TABLE_SQL.search("Change settings")


# --- the store ------------------------------------------------------------------------------------


def test_get_put_delete_get_many(db):
    assert settings.get("x.missing") is None and settings.get("x.missing", 7) == 7
    settings.put("x.name", "老街水果店")
    settings.put("x.list", [1, {"a": None}])
    assert settings.get("x.name") == "老街水果店"
    assert settings.get("x.list") == [1, {"a": None}]
    assert settings.get_many(["x.name", "x.missing", "x.list"]) == {"x.name": "老街水果店", "x.list": [1, {"a": None}]}
    assert settings.get_many([]) == {}
    settings.put("x.name", False)  # replaced, not added
    assert settings.get("x.name") is False
    assert settings.delete("x.name", "x.missing") == 1
    assert settings.delete("x.name") == 0 and settings.delete() == 0
    assert settings.get("x.name", "gone") == "gone"


def test_put_inside_a_rolled_back_transaction_leaves_nothing(db):
    with db.atomic() as txn:
        settings.put("x.k", 1)
        txn.rollback()
    assert settings.get("x.k") is None


def test_section_merges_validates_and_reads_damage_as_told(db):
    defaults = {"days": 3, "plan": {"A": 4, "B": 2}}
    refused = []

    def validate(value):
        if value["days"] < 0:
            refused.append(value["days"])
            raise ValueError("days")
        return {**value, "days": int(value["days"])}

    section = settings.Section("x.group", lambda: copy.deepcopy(defaults), validate=validate)
    assert section.load() == defaults
    section.load()["plan"]["A"] = 99  # a loaded value is the caller's own
    assert section.load() == defaults
    assert section.save({"days": 5.0, "plan": {"B": 1}, "extra": "kept"}) == {
        "days": 5,
        "plan": {"B": 1},
        "extra": "kept",
    }
    assert section.load() == {"days": 5, "plan": {"A": 4, "B": 1}, "extra": "kept"}
    with pytest.raises(ValueError):
        section.save({"days": -1})
    assert refused == [-1] and section.load()["days"] == 5  # nothing written

    settings.put("x.group", "not a dict")
    assert section.load() == "not a dict"  # the default merge takes a non-dict as it is
    db.execute_sql("UPDATE setting SET value = '{broken' WHERE key = 'x.group'")
    with pytest.raises(ValueError):
        section.load()
    tolerant = settings.Section("x.group", lambda: copy.deepcopy(defaults), damaged_reads_as_defaults=True)
    assert tolerant.load() == defaults


def test_merged_copies_and_merges_at_every_depth():
    base = {"a": {"b": [1], "c": 2}, "d": 1}
    out = settings.merged(base, {"a": {"c": 3, "e": [4]}, "f": 5})
    assert out == {"a": {"b": [1], "c": 3, "e": [4]}, "d": 1, "f": 5}
    out["a"]["b"].append(9)
    assert base == {"a": {"b": [1], "c": 2}, "d": 1}


# --- what older versions wrote reads the same ------------------------------------------------------


def _old_row(db, key: str, text: str) -> None:
    db.execute_sql("DELETE FROM setting WHERE key = ?", (key,))
    db.execute_sql("INSERT INTO setting (key, value) VALUES (?, ?)", (key, text))


def _raw(db, key: str) -> str | None:
    row = db.execute_sql("SELECT value FROM setting WHERE key = ?", (key,)).fetchone()
    return row[0] if row else None


def _old_care_merge(base, override):  # care._merge before the one store, verbatim
    if isinstance(base, dict) and isinstance(override, dict):
        out = dict(base)
        for k, v in override.items():
            out[k] = _old_care_merge(base[k], v) if k in base else v
        return out
    return copy.deepcopy(override)


@pytest.mark.sqlite_only("the backup settings of an SQLite shop, read beside its file")
def test_rows_written_by_the_old_code_read_identically(db, db_path, tmp_path):
    # exactly as the old writers wrote them: json.dumps(value) (trust.session, backup, grading's
    # last run) escapes Chinese as \uXXXX; care, grading, complaints and the import mapping wrote
    # ensure_ascii=False
    pin = security.hash_pin("2468", n=2**4)
    _old_row(db, security.PIN_KEY, json.dumps(pin))
    _old_row(db, security.FAILURES_KEY, json.dumps({"count": 2, "until": 0}))
    _old_row(db, security.IDLE_KEY, json.dumps(15))
    _old_row(db, security.OFFERED_KEY, json.dumps(True))
    folder = tmp_path / "备份 文件夹"
    _old_row(db, backup.FOLDER_KEY, json.dumps(str(folder)))
    _old_row(db, backup.KEEP_KEYS["daily"], json.dumps(9))
    _old_row(db, backup.KEEP_KEYS["manual"], json.dumps(4))
    care_stored = {
        "birthday_days": 10,
        "visit_plan": {"A": {"per_month": 3}},
        "shop_name": "老街水果店",
        "templates": {"birthday": "{称呼}生日快乐！"},
    }
    _old_row(db, care.SETTINGS_KEY, json.dumps(care_stored, ensure_ascii=False))
    grading_stored = {"a_share": 50, "rfm_cuts": {"r": [10, 20, 30, 40]}, "retired_key": 1}
    _old_row(db, grading.SETTINGS_KEY, json.dumps(grading_stored, ensure_ascii=False))
    last_run = {
        "at": "2026-11-20 08:00:00",
        "settings": "{}",
        "today": "2026-11-20",
        "thresholds": {"A": 12000, "B": None},
    }
    _old_row(db, grading.LAST_RUN_KEY, json.dumps(last_run))
    cfg = complaints.ComplaintConfig(categories=["质量", "其他"], followup_days=5)
    _old_row(db, complaints.CONFIG_KEY, json.dumps(asdict(cfg), ensure_ascii=False))
    header = ["姓名", "手机"]
    _old_row(
        db,
        f"import.mapping.{excel_import.header_key(header)}",
        json.dumps({"0": "name", "1": "mobile"}, ensure_ascii=False),
    )
    security.invalidate_cache()

    assert security.has_pin()
    assert security.tries_left() == security.FREE_TRIES - 2
    assert security.idle_minutes() == 15
    assert not security.pin_offer_due()
    assert security.verify_pin("2468") and security.tries_left() == security.FREE_TRIES
    assert backup.get_settings(db_path) == backup.BackupSettings(
        folder=folder, keep_daily=9, keep_before=backup.DEFAULT_KEEP["before"], keep_manual=4
    )
    # what the old readers made of the same rows
    old_care = _old_care_merge(copy.deepcopy(care.DEFAULTS), json.loads(_raw(db, care.SETTINGS_KEY)))
    assert care.load_settings() == old_care
    assert care.load_settings()["visit_plan"]["A"] == {**care.DEFAULTS["visit_plan"]["A"], "per_month": 3}
    stored = json.loads(_raw(db, grading.SETTINGS_KEY))
    old_grading = {**grading.DEFAULTS, **{k: v for k, v in stored.items() if k in grading.DEFAULTS}}
    old_grading["rfm_cuts"] = {**grading.DEFAULTS["rfm_cuts"], **(old_grading.get("rfm_cuts") or {})}
    assert grading.settings() == old_grading
    assert grading.settings()["rfm_cuts"] == {"r": [10, 20, 30, 40], "f": None, "m": None}
    assert grading.last_run().isoformat(sep=" ") == "2026-11-20 08:00:00"
    assert grading.thresholds() == {"A": 12000, "B": None}
    assert complaints.get_config() == cfg
    assert excel_import.remembered_mapping(header) == {0: "name", 1: "mobile"}


def test_the_old_code_would_read_what_the_store_writes(db, db_path, tmp_path):
    """The text stored is what the old writers stored: the same JSON, byte for byte where they
    wrote ensure_ascii=False (care, grading, complaints, import mapping); the same value where they
    escaped non-ASCII characters."""
    s = care.load_settings()
    s["birthday_days"] = 10
    s["shop_name"] = "老街水果店"
    saved = care.save_settings(s)
    assert _raw(db, care.SETTINGS_KEY) == json.dumps(saved, ensure_ascii=False)

    current = grading.update_settings(a_share=50, rfm_cuts={"r": [10, 20, 30, 40]})
    stored = {k: v for k, v in current.items() if v != grading.DEFAULTS[k]}
    assert _raw(db, grading.SETTINGS_KEY) == json.dumps(stored, ensure_ascii=False)

    clean = complaints.save_config(complaints.ComplaintConfig(categories=[" 质量 ", "其他"]))
    assert _raw(db, complaints.CONFIG_KEY) == json.dumps(asdict(clean), ensure_ascii=False)

    header = ["姓名", "手机"]
    excel_import.remember_mapping(header, {1: "mobile", 0: "name"})
    assert _raw(db, f"import.mapping.{excel_import.header_key(header)}") == json.dumps(
        {"0": "name", "1": "mobile"}, ensure_ascii=False
    )

    security.set_idle_minutes(20)
    assert _raw(db, security.IDLE_KEY) == json.dumps(20)
    folder = tmp_path / "备份"
    backup.configure(folder=folder, keep_daily=8)
    assert _raw(db, backup.KEEP_KEYS["daily"]) == json.dumps(8)
    assert json.loads(_raw(db, backup.FOLDER_KEY)) == str(folder.resolve())  # now unescaped UTF-8
    security.set_pin("1357")
    assert json.loads(_raw(db, security.PIN_KEY))["algo"] == "scrypt"
    assert not security.verify_pin("0000")
    assert json.loads(_raw(db, security.FAILURES_KEY))["count"] == 1
    security.clear_pin()
    assert _raw(db, security.PIN_KEY) is None and _raw(db, security.FAILURES_KEY) is None
