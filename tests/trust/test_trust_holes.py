"""Issue 12, trust holes (domain level): no money minted by a clerk, settings owner-only and
audited, demo data apart from real data, marketing consent opt-in and tri-state."""

from __future__ import annotations

import ast
import datetime as dt
import shutil
import sqlite3
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT

from shopcrm import backup, care, complaints, customers, grading, loyalty, stores
from shopcrm.campaigns import outbox
from shopcrm.customers import CustomerInput, ledger
from shopcrm.sales import counter
from shopcrm.store import settings
from shopcrm.store.db import close_database, open_database
from shopcrm.store.models import AuditLog, Customer, LedgerEntry, Level, Setting
from shopcrm.trust import audit, security

SOURCE = ROOT / "shopcrm"


@pytest.fixture(autouse=True)
def fresh_session():
    security.reset_session()
    yield
    security.reset_session()


@pytest.fixture
def clerk(db):
    """A shop whose owner set the PIN 2468 and locked: the app as a clerk finds it."""
    security.set_pin("2468")
    security.lock()
    return db


def _audit_rows(action: str) -> list[AuditLog]:
    return list(AuditLog.select().where(AuditLog.action == action).order_by(AuditLog.id))


# --- 1. a clerk cannot mint money -----------------------------------------------------------------


def test_clerk_cannot_create_a_customer_with_an_opening_balance_or_points(clerk):
    for kw in ({"opening_balance": "500"}, {"opening_points": "1000"}):
        with pytest.raises(security.OwnerRequired):
            customers.create(CustomerInput(name="张三", mobile="13812345678", **kw))
    assert Customer.select().count() == 0 and LedgerEntry.select().count() == 0
    # without money, a clerk adds customers as before ("0" is no money)
    c = customers.create(CustomerInput(name="张三", mobile="13812345678", opening_balance="0"))
    assert c.balance_cents == 0 and ledger.entries(c.id) == []


def test_the_owners_opening_balance_is_an_audited_adjustment(clerk):
    security.unlock("2468")
    c = customers.create(CustomerInput(name="张三", mobile="13812345678", opening_balance="500", opening_points="20"))
    (entry,) = ledger.entries(c.id)
    assert (entry.kind, entry.balance_delta_cents, entry.points_delta, entry.reason) == (
        "adjust",
        50000,
        20,
        ledger.OPENING_REASON,
    )
    (row,) = _audit_rows("adjust")
    assert (row.customer_id, row.mode) == (c.id, "owner") and "opening" in row.detail
    assert ledger.verify() == []


def test_ledger_apply_is_the_one_gate_for_every_increase(clerk):
    security.unlock("2468")
    cid = customers.create(CustomerInput(name="张三", mobile="13812345678")).id
    security.lock()
    # a person's top-up or adjustment: refused to a clerk whoever calls it
    for kind in ("topup", "adjust"):
        with pytest.raises(security.OwnerRequired):
            ledger.apply(cid, kind, balance_delta_cents=100, reason="x")
        with pytest.raises(security.OwnerRequired):
            ledger.manual_change(cid, kind, balance_delta_cents=100, reason="x")
    # entries that may never raise a value, whoever asks
    with pytest.raises(ledger.LedgerRuleError):
        ledger.apply(cid, "spend", balance_delta_cents=100)
    with pytest.raises(ledger.LedgerRuleError):
        ledger.apply(cid, "redeem", points_delta=5)
    with pytest.raises(ledger.LedgerRuleError):
        ledger.apply(cid, "earn", points_delta=5)  # no purchase
    with pytest.raises(ledger.LedgerRuleError):
        ledger.apply(cid, "earn", balance_delta_cents=5, points_delta=5, purchase_id=1)
    assert customers.get(cid).balance_cents == 0 and customers.get(cid).points == 0
    # the owner: allowed, an adjustment needs a reason, each one is audited
    security.unlock("2468")
    with pytest.raises(ledger.LedgerRuleError):
        ledger.apply(cid, "adjust", points_delta=5)
    ledger.apply(cid, "topup", balance_delta_cents=10_000)
    ledger.apply(cid, "adjust", points_delta=5, reason="活动赠送")
    assert [r.detail for r in _audit_rows("adjust")] == ["topup 100.00 / +0", "adjust 0.00 / +5"]
    # issue 13: a paid top-up is a clerk's counter action (the owner-only rule above was there
    # because a top-up had no payment recorded): its entries must match a top-up row with its
    # method and amount paid, and the bonus its rule gave; a bonus never comes alone
    security.lock()
    paid = counter.topup(cid, 500, "cash")
    with pytest.raises(ledger.LedgerRuleError):
        ledger.apply(cid, "topup", balance_delta_cents=10_000, topup_id=paid.id)
    with pytest.raises(ledger.LedgerRuleError):
        ledger.apply(cid, "bonus", balance_delta_cents=100)
    with pytest.raises(security.OwnerRequired):  # paying a top-up back stays the owner's
        counter.refund_topup(paid.id)
    security.unlock("2468")
    counter.refund_topup(paid.id)
    assert _audit_rows("adjust")[-1].detail == "topup_refund -5.00 / +0"
    # a sale stays open to clerks and earns points through the gate
    security.lock()
    from shopcrm.sales import activity

    activity.record_purchase(cid, 3000, payment="stored_value")
    assert (customers.get(cid).balance_cents, customers.get(cid).points) == (7000, 5 + 30)
    assert ledger.verify() == []


# --- 2. settings are owner-only and audited -------------------------------------------------------


def _level_id() -> int:
    return Level.get_or_create(name="金卡", defaults={"rank": 1})[0].id


# Every domain function that writes the Setting table or the level rules, with what it does in
# clerk mode. "owner": refused to a clerk, and an audit row when the owner does it. "open": state
# that changes no money, points or grade (with the reason).
SETTINGS_ENTRY_POINTS = {
    "shopcrm.grading:update_settings": "owner",  # points per yuan, ABC shares, RFM, lifecycle days
    "shopcrm.grading:set_level_rule": "owner",  # upgrade thresholds, a level's points rate
    "shopcrm.complaints:save_config": "owner",  # categories, deadlines
    "shopcrm.care:save_settings": "owner",  # message templates, visit plan, festivals
    "shopcrm.backup:configure": "owner",  # backup folder and rotation
    "shopcrm.sales.counter:save_settings": "owner",  # payment methods, top-up bonus rules, operators
    "shopcrm.campaigns.outbox:save_settings": "owner",  # channels: SMS provider, SMTP server, rate limits
    "shopcrm.loyalty.config:save_settings": "owner",  # member prices, points as money, expiry (issue 14)
    "shopcrm.stores:set_counter_store": "owner",  # the store this counter books every write to (issue 18)
    "shopcrm.stores:set_operators": "owner",  # which operators work in which store (issue 18)
    # owner only and audited as "restore" (test_restore_* below); it keeps the database id
    "shopcrm.backup:restore": "owner, restore",
    "shopcrm.trust.security:set_idle_minutes": "owner",
    "shopcrm.trust.security:set_pin": "owner",  # audited as pin_change
    "shopcrm.trust.security:clear_pin": "owner",  # audited as pin_change
    "shopcrm.trust.security:verify_pin": "open",  # counts wrong PINs (the rate limit), audited as pin_failed
    "shopcrm.trust.security:mark_pin_offered": "open",  # the welcome offered a PIN once
    "shopcrm.trust.security:mirror_pin_into_demo": "open",  # the demo only: the real PIN copied in
    "shopcrm.grading:regrade": "open",  # when grades were last computed (a result, not a setting)
    "shopcrm.grading:_period_sums": "open",  # clears the 'purchases changed' mark once summed
    "shopcrm.grading:store_figures": "open",  # the analysis tab's figures as the last regrade left them (a cache)
    "shopcrm.excel.excel_import:remember_mapping": "open",  # column mapping of a header (the import is the owner's)
    "shopcrm.customers:level_id_by_name": "open",  # a level named in an (owner-only) import
    # (shopcrm.store.settings itself writes through the model only inside put/delete/Section.save,
    # whose callers are listed here)
    # the GUI's callers of settings.put: first-run and demo flags, the shop name (the menu action
    # asks for the owner PIN: first_run.DemoController.edit_shop_name)
    "shopcrm.ui.first_run:choose_start": "open",
    "shopcrm.ui.first_run:edit_shop_name": "open",
    "shopcrm.ui.first_run:enter_demo": "open",
    "shopcrm.ui.first_run:leave_demo": "open",
    "shopcrm.ui.first_run:open_demo": "open",
    "shopcrm.ui.screenshots:render": "open",  # README screenshots on a scratch database
}

# the one settings store's writers (shopcrm.store.settings: put, delete, a Section's save), and
# the model underneath for the store itself; level rules are settings too
_WRITES = {
    ("Setting", "insert"),
    ("Setting", "replace"),
    ("Setting", "update"),
    ("Setting", "delete"),
    ("Setting", "create"),
    ("settings", "put"),
    ("settings", "delete"),
    ("setting_store", "put"),
    ("setting_store", "delete"),
    ("SETTINGS", "save"),
    ("CONFIG", "save"),
    ("audit", "save_owner_settings"),  # a Section changed by the owner, audited
    ("Level", "update"),
    ("Level", "create"),
    ("Level", "delete"),
    ("Level", "insert"),
}


class _WriterFinder(ast.NodeVisitor):
    """Collects 'module:function' for every call that writes a setting (or a level rule)."""

    def __init__(self, module: str, found: set[str]) -> None:
        self.module, self.found, self.stack = module, found, []

    def visit_FunctionDef(self, node):
        self.stack.append(node.name)
        self.generic_visit(node)
        self.stack.pop()

    visit_AsyncFunctionDef = visit_FunctionDef  # noqa: N815

    def visit_Call(self, node):
        f = node.func
        if isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name) and (f.value.id, f.attr) in _WRITES:
            self.found.add(f"{self.module}:{self.stack[0] if self.stack else '<module>'}")
        self.generic_visit(node)


def _setting_writers() -> set[str]:
    found: set[str] = set()
    for path in SOURCE.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        module = ".".join(path.relative_to(SOURCE.parent).with_suffix("").parts).removesuffix(".__init__")
        _WriterFinder(module, found).visit(ast.parse(path.read_text(encoding="utf-8")))
    return found


def test_every_settings_writer_is_classified():
    """A new function that writes settings fails here until it is listed (and, if it changes
    money, points or grades, made owner-only and audited)."""
    assert _setting_writers() == set(SETTINGS_ENTRY_POINTS)


def _owner_only_calls():
    """(name, call, audit action) of every owner-only settings entry point."""
    return [
        (
            "shopcrm.grading:update_settings",
            lambda: grading.update_settings(a_share=50, points_unit_cents=200),
            "settings",
        ),
        (
            "shopcrm.grading:set_level_rule",
            lambda: grading.set_level_rule(_level_id(), min_total_spend_cents=100_000, points_per_yuan_milli=2000),
            "settings",
        ),
        (
            "shopcrm.complaints:save_config",
            lambda: complaints.save_config(complaints.ComplaintConfig(followup_days=9)),
            "settings",
        ),
        (
            "shopcrm.care:save_settings",
            lambda: care.save_settings({**care.load_settings(), "festival_days": 5}),
            "settings",
        ),
        ("shopcrm.backup:configure", lambda: backup.configure(keep_daily=3), "settings"),
        (
            "shopcrm.sales.counter:save_settings",
            lambda: counter.save_settings(bonus_rules=[{"min": 100, "bonus": 10_000}]),
            "settings",
        ),
        (
            "shopcrm.campaigns.outbox:save_settings",
            lambda: outbox.save_settings({**outbox.load_settings(), "max_attempts": 5}),
            "settings",
        ),
        (
            "shopcrm.loyalty.config:save_settings",
            lambda: loyalty.save_settings(level_discounts={"金卡": 80}, points_per_yuan=1),
            "settings",
        ),
        ("shopcrm.stores:set_counter_store", lambda: stores.set_counter_store(1), "settings"),
        ("shopcrm.stores:set_operators", lambda: stores.set_operators(1, ["小王"]), "settings"),
        ("shopcrm.trust.security:set_idle_minutes", lambda: security.set_idle_minutes(30), "settings"),
        ("shopcrm.trust.security:set_pin", lambda: security.set_pin("9999"), "pin_change"),
        ("shopcrm.trust.security:clear_pin", lambda: security.clear_pin(), "pin_change"),
    ]


def _snapshot() -> tuple:
    settings_rows = {r.key: r.value for r in Setting.select() if r.key != security.FAILURES_KEY}
    levels = [
        (lv.id, lv.name, lv.min_total_spend_cents, lv.min_points, lv.points_per_yuan_milli)
        for lv in Level.select().order_by(Level.id)
    ]
    return settings_rows, levels


def test_every_owner_only_setting_is_refused_in_clerk_mode_and_audited_for_the_owner(clerk):
    calls = _owner_only_calls()
    assert {name for name, _, _ in calls} == {k for k, v in SETTINGS_ENTRY_POINTS.items() if v == "owner"}
    _level_id()  # the level set_level_rule changes exists before the snapshot
    before = _snapshot()
    for name, call, _action in calls:
        with pytest.raises(security.OwnerRequired):
            call()
        assert _snapshot() == before, f"{name} changed something in clerk mode"
    security.unlock("2468")
    for name, call, action in calls:
        rows = len(_audit_rows(action))
        call()  # (set_pin leaves its setter the owner; clear_pin comes last)
        assert security.is_owner()
        assert len(_audit_rows(action)) == rows + 1, f"{name} wrote no audit row"
    # what the grading audit row says
    detail = next(r.detail for r in _audit_rows("settings") if r.detail.startswith("grading."))
    assert "grading.a_share=50" in detail and "grading.points_unit_cents=200" in detail


def test_grading_settings_unchanged_write_no_audit_row(db):
    grading.update_settings(a_share=grading.settings()["a_share"])
    assert _audit_rows("settings") == []


# --- 3. demo data apart from real data -------------------------------------------------------------


def test_every_database_gets_an_id_at_creation_that_its_backups_carry(db, db_path):
    own = settings.database_id()
    assert own and len(own) == 32
    path = backup.make_backup("manual")
    assert backup.identity_of(path).db_id == own
    (info,) = backup.list_backups()
    assert info.is_of_open_database()
    # a second database has another id
    close_database()
    open_database(db_path.with_name("other.db"))
    assert settings.database_id() not in (None, own)
    assert not backup.describe(path).is_of_open_database()


def _demo_db(real: Path) -> Path:
    """The demo database beside ``real``, as the welcome makes it (flag and shop name)."""
    demo = real.with_name(f"{real.stem}-demo{real.suffix}")
    open_database(demo)
    settings.put(settings.DEMO_DATABASE, True)
    settings.put(settings.SHOP_NAME, "演示店")
    return demo


def test_the_demo_keeps_its_own_backup_folder(tmp_path):
    real = tmp_path / "shop.db"
    open_database(real)
    try:
        real_backup = backup.make_backup("manual")
        demo = _demo_db(real)
        demo_backup = backup.make_backup("manual")
        assert demo_backup.parent == tmp_path / "backups-demo"
        assert real_backup.parent == tmp_path / "backups"
        assert [b.path for b in backup.list_backups()] == [demo_backup]
        open_database(real)
        assert [b.path for b in backup.list_backups()] == [real_backup]
        assert backup.get_settings(demo).folder == tmp_path / "backups-demo"
    finally:
        close_database()


def test_restore_refuses_the_demos_backup_over_real_data_unless_the_shop_name_is_typed(tmp_path):
    real = tmp_path / "shop.db"
    open_database(real)
    try:
        settings.put(settings.SHOP_NAME, "张姐水果店")
        customers.create(CustomerInput(name="赵敏", mobile="13700137000"))
        demo = _demo_db(real)
        for i in range(3):
            customers.create(CustomerInput(name=f"演示{i}", mobile=f"1390000000{i}"))
        demo_backup = backup.make_backup("manual")
        open_database(real)
        real_id = settings.database_id()
        with pytest.raises(backup.ForeignBackup, match="演示数据") as refused:
            backup.restore(demo_backup)
        assert refused.value.confirm_name == "张姐水果店" and "张姐水果店" in str(refused.value)
        with pytest.raises(backup.ForeignBackup, match="不符"):
            backup.restore(demo_backup, confirm_name="演示店")
        assert customers.count(customers.CustomerQuery()) == 1  # nothing changed
        assert not any(b.kind == "before-restore" for b in backup.list_backups())
        # the owner confirms by the shop's name: restored (and logged as another database's)
        backup.restore(demo_backup, confirm_name=" 张姐水果店 ")
        assert customers.count(customers.CustomerQuery()) == 3
        assert settings.database_id() != real_id  # the file is the demo's data now
        assert "other database" in audit.entries(action="restore")[0].detail
        assert demo.exists()
    finally:
        close_database()


def test_restore_of_another_shops_file_needs_the_name_and_a_same_database_backup_does_not(tmp_path):
    other = tmp_path / "other.db"
    open_database(other)
    settings.put(settings.SHOP_NAME, "李记茶庄")
    customers.create(CustomerInput(name="钱七", mobile="13600000001"))
    close_database()
    real = tmp_path / "shop.db"
    open_database(real)
    try:
        own = backup.make_backup("manual")
        with pytest.raises(backup.ForeignBackup, match="李记茶庄"):
            backup.restore(other)
        customers.create(CustomerInput(name="赵敏", mobile="13700137000"))
        backup.restore(own)  # its own backup: no name asked
        assert customers.count(customers.CustomerQuery()) == 0
    finally:
        close_database()


def test_the_demo_takes_the_real_databases_pin(tmp_path):
    real = tmp_path / "shop.db"
    open_database(real)
    try:
        security.set_pin("2468")
        pin = security.pin_record()
        _demo_db(real)
        assert not security.has_pin()
        security.mirror_pin_into_demo(pin)
        assert security.has_pin() and security.current_mode() == security.CLERK
        with pytest.raises(security.OwnerRequired):
            backup.restore(tmp_path / "anything.db")
        security.unlock("2468")  # the same PIN unlocks the demo
        assert security.is_owner()
        security.mirror_pin_into_demo(None)  # the real database dropped its PIN
        assert not security.has_pin()
        open_database(real)
        with pytest.raises(PermissionError):
            security.mirror_pin_into_demo(None)  # never into the real database
        assert security.has_pin()
    finally:
        close_database()


# --- 4. marketing consent is opt-in ---------------------------------------------------------------


def test_new_customers_do_not_consent_by_default(db):
    c = customers.create(CustomerInput(name="张三", mobile="13812345678"))
    assert c.consent_marketing is False
    assert customers.to_input(c).consent_marketing is False


def test_consent_is_tri_state_and_unknown_counts_as_no_in_care_lists(db):
    today = dt.date(2026, 11, 22)
    bday = dt.date(1990, 11, 22)
    ids = {}
    for name, mobile, consent in (
        ("是", "13800000001", True),
        ("否", "13800000002", False),
        ("未知", "13800000003", None),
    ):
        ids[name] = customers.create(
            CustomerInput(name=name, mobile=mobile, birthday=bday, consent_marketing=consent), today=today
        ).id
    assert Customer.get_by_id(ids["未知"]).consent_marketing is None
    assert customers.to_input(customers.get(ids["未知"])).consent_marketing is None
    items = care.build_today(today).items
    assert {i.customer_id for i in items if i.kind == "birthday"} == {ids["是"]}


def test_schema_step_11_keeps_existing_consent_and_allows_unknown(tmp_path):
    old = tmp_path / "v1.db"
    shutil.copyfile(FIXTURES / "schema_v1.db", old)
    con = sqlite3.connect(old)
    before = dict(con.execute("SELECT id, consent_marketing FROM customer").fetchall())
    con.close()
    assert set(before.values()) <= {0, 1}
    open_database(old)
    try:
        after = {c.id: c.consent_marketing for c in Customer.select(Customer.id, Customer.consent_marketing)}
        assert after == {k: bool(v) for k, v in before.items()}
        Customer.update(consent_marketing=None).where(Customer.id == min(after)).execute()
        assert Customer.get_by_id(min(after)).consent_marketing is None
        assert settings.database_id()
        from shopcrm.store.db import database

        assert database.execute_sql("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        close_database()


def test_import_sets_consent_only_from_a_column_that_says_so(db, tmp_path):
    from openpyxl import Workbook

    from shopcrm.excel import excel_import as X

    def xlsx(name, rows):
        wb = Workbook()
        for r in rows:
            wb.active.append(r)
        wb.save(tmp_path / name)
        return tmp_path / name

    X.run(xlsx("a.xlsx", [["姓名", "手机"], ["甲", "13800000001"]]), X.ImportOptions(today=dt.date(2026, 11, 22)))
    X.run(
        xlsx(
            "b.xlsx",
            [
                ["姓名", "手机", "接受营销"],
                ["乙", "13800000002", "是"],
                ["丙", "13800000003", "否"],
                ["丁", "13800000004", "未知"],
                ["戊", "13800000005", None],
            ],
        ),
        X.ImportOptions(today=dt.date(2026, 11, 22)),
    )
    got = {c.name: c.consent_marketing for c in Customer.select()}
    assert got == {"甲": None, "乙": True, "丙": False, "丁": None, "戊": None}
    # "fill" on a second import fills an unknown consent from a column that says so
    X.run(
        xlsx("c.xlsx", [["姓名", "手机", "接受营销"], ["甲", "13800000001", "是"]]),
        X.ImportOptions(today=dt.date(2026, 11, 22), on_duplicate="fill"),
    )
    assert Customer.get(Customer.name == "甲").consent_marketing is True


def test_export_writes_unknown_consent_as_an_empty_cell_and_reads_it_back(db, tmp_path):
    from openpyxl import load_workbook

    from shopcrm.excel import excel_export as E, excel_import as X

    for name, mobile, consent in (
        ("是", "13800000001", True),
        ("否", "13800000002", False),
        ("未知", "13800000003", None),
    ):
        customers.create(CustomerInput(name=name, mobile=mobile, consent_marketing=consent))
    path = E.export_customers(tmp_path / "out.xlsx").path
    ws = load_workbook(path).active
    header = [c.value for c in ws[1]]
    col = header.index("接受营销")
    cells = {row[0]: row[col] for row in ws.iter_rows(min_row=2, values_only=True)}
    assert cells == {"是": "是", "否": "否", "未知": None}
    close_database()
    open_database(tmp_path / "again.db")
    X.run(path, X.ImportOptions())
    assert {c.name: c.consent_marketing for c in Customer.select()} == {"是": True, "否": False, "未知": None}
