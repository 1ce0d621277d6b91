"""Owner PIN, clerk mode, rate limit, inactivity lock, masking and the audit log (domain level)."""

from __future__ import annotations

import datetime as dt
import json
import time

import pytest
from conftest import FIXTURES

from shopcrm import customers
from shopcrm.core import clock
from shopcrm.customers import CustomerInput, ledger
from shopcrm.store.models import AuditLog, Setting
from shopcrm.trust import audit, security, session


@pytest.fixture(autouse=True)
def fresh_session():
    security.reset_session()
    yield
    security.reset_session()
    session.monotonic = time.monotonic


@pytest.fixture
def shop(db):
    """A shop whose owner set the PIN 2468 and then locked: the app as a clerk finds it."""
    security.set_pin("2468")
    security.lock()
    return db


def _customer(name="张三", mobile="13812345678", **kw) -> int:
    return customers.create(CustomerInput(name=name, mobile=mobile, **kw)).id


def test_without_a_pin_everyone_is_owner(db):
    assert not security.has_pin()
    assert security.current_mode() == security.OWNER
    security.require_owner("export")  # no exception
    assert security.display_mobile("13812345678") == "13812345678"


def test_app_starts_in_clerk_mode_once_a_pin_is_set(db):
    security.set_pin("2468")
    assert security.current_mode() == security.OWNER  # whoever set it is the owner for now
    security.reset_session()  # a new start of the app
    assert security.current_mode() == security.CLERK


def test_pin_hash_is_salted_and_slow(db):
    a = security.hash_pin("2468")
    b = security.hash_pin("2468")
    assert a["salt"] != b["salt"] and a["hash"] != b["hash"]
    assert a["algo"] == "scrypt" and a["n"] >= 2**14 and len(bytes.fromhex(a["salt"])) >= 16
    started = time.perf_counter()
    security.hash_pin("2468")
    assert time.perf_counter() - started > 0.02  # a brute force of 10,000 PINs takes minutes
    security.set_pin("2468")
    stored = json.loads(Setting.get_by_id(security.PIN_KEY).value)
    assert "2468" not in json.dumps(stored)
    assert stored["hash"] != security.hash_pin("2468", bytes.fromhex(stored["salt"]), n=2**10)["hash"]


def test_unlock_with_the_right_pin_and_lock_on_demand(shop):
    assert not security.is_owner()
    with pytest.raises(security.PinError, match="不正确"):
        security.unlock("0000")
    assert not security.is_owner()
    security.unlock("2468")
    assert security.is_owner()
    security.lock()
    assert not security.is_owner()


def test_wrong_pins_are_rate_limited_and_the_limit_survives_a_restart(shop):
    clock.set_now("2027-03-01T09:00:00")  # the lock-out is kept as a wall-clock time
    for _ in range(security.FREE_TRIES):
        with pytest.raises(security.PinError):
            security.unlock("1111")
    # locked out now, even with the right PIN, and after a restart of the app
    security.reset_session()
    with pytest.raises(security.PinLockedOut, match="秒后再试") as info:
        security.unlock("2468")
    assert info.value.seconds == security.LOCKOUT_BASE_SECONDS
    clock.advance(dt.timedelta(seconds=security.LOCKOUT_BASE_SECONDS + 1))
    with pytest.raises(security.PinError):
        security.unlock("1111")  # the next failure doubles the wait
    assert security.lockout_remaining() == 2 * security.LOCKOUT_BASE_SECONDS
    clock.advance(dt.timedelta(seconds=2 * security.LOCKOUT_BASE_SECONDS + 1))
    security.unlock("2468")
    assert security.is_owner() and security.lockout_remaining() == 0
    assert security.tries_left() == security.FREE_TRIES  # success resets the count
    assert AuditLog.select().where(AuditLog.action == "pin_failed").count() == 4


def test_owner_mode_locks_after_inactivity(shop):
    t = [100.0]
    session.monotonic = lambda: t[0]
    security.unlock("2468")
    t[0] += 9 * 60
    assert not security.check_idle()
    security.touch()
    t[0] += 9 * 60
    assert not security.check_idle() and security.is_owner()
    t[0] += 61
    assert security.check_idle()
    assert not security.is_owner()


def test_idle_minutes_is_an_owner_setting_and_logged(shop):
    assert security.idle_minutes() == 10
    with pytest.raises(security.OwnerRequired):
        security.set_idle_minutes(5)
    security.unlock("2468")
    security.set_idle_minutes(5)
    assert security.idle_minutes() == 5
    assert audit.entries(action="settings")[0].detail.endswith("=5")


def test_mode_listeners_hear_unlock_and_lock(shop):
    heard = []
    security.on_mode_changed(heard.append)
    try:
        security.unlock("2468")
        security.lock()
    finally:
        security.remove_listener(heard.append)
    assert heard == ["owner", "clerk"]


@pytest.mark.parametrize("action", security.OWNER_ACTIONS)
def test_every_owner_action_is_refused_in_clerk_mode(shop, action):
    with pytest.raises(security.OwnerRequired) as info:
        security.require_owner(action)
    assert isinstance(info.value, PermissionError)
    assert "店主" in str(info.value) and security.action_label(action) in str(info.value)


def test_domain_entry_points_refuse_clerks(shop, tmp_path):
    from shopcrm import backup
    from shopcrm.trust import privacy

    cid = _customer()
    customers.soft_delete([cid])
    with pytest.raises(security.OwnerRequired):
        customers.purge([cid])
    with pytest.raises(security.OwnerRequired):
        ledger.manual_change(cid, "adjust", balance_delta_cents=100, reason="补差")
    with pytest.raises(security.OwnerRequired):
        ledger.manual_change(cid, "topup", balance_delta_cents=100)
    with pytest.raises(security.OwnerRequired):
        privacy.erase_customer(cid)
    with pytest.raises(security.OwnerRequired):
        privacy.export_customer_archive(cid, tmp_path / "one.json")
    with pytest.raises(security.OwnerRequired):
        backup.restore(tmp_path / "x.db")
    with pytest.raises(security.OwnerRequired):
        backup.configure(keep_daily=3)
    with pytest.raises(security.OwnerRequired):
        security.set_pin("1357")
    with pytest.raises(security.OwnerRequired):
        audit.entries()
    with pytest.raises(security.OwnerRequired):
        audit.export_csv(tmp_path / "audit.csv")
    # nothing happened
    assert customers.get(cid).balance_cents == 0
    assert customers.count(customers.CustomerQuery(deleted=True)) == 1
    assert not (tmp_path / "one.json").exists() and not (tmp_path / "audit.csv").exists()


def test_sales_stay_open_to_clerks(shop):
    from shopcrm.sales import activity

    cid = _customer(opening_balance="")
    security.unlock("2468")
    ledger.manual_change(cid, "topup", balance_delta_cents=10_000)
    security.lock()
    activity.record_purchase(cid, 3000, payment="stored_value")
    assert customers.get(cid).balance_cents == 7000
    assert ledger.verify(cid) == []


def test_owner_adjustment_is_logged(shop):
    cid = _customer()
    security.unlock("2468")
    ledger.manual_change(cid, "adjust", balance_delta_cents=-0, points_delta=50, reason="活动赠送")
    e = audit.entries(action="adjust")[0]
    assert (e.customer_id, e.mode, e.action_text) == (cid, "owner", "调整余额/积分")
    assert "+50" in e.detail


def test_mask_mobile():
    assert security.mask_mobile("13812345678") == "138****5678"
    assert security.mask_mobile("") == ""
    assert security.mask_mobile("12345") == "****45"


def test_display_mobile_masks_for_clerks_only(shop):
    assert security.display_mobile("13812345678") == "138****5678"
    security.unlock("2468")
    assert security.display_mobile("13812345678") == "13812345678"


def test_audit_log_rows_name_when_mode_what_and_customer(shop, tmp_path):
    cid = _customer()
    audit.log("reveal", customer_id=cid)
    security.unlock("2468")
    rows = audit.entries()
    reveal = next(r for r in rows if r.action == "reveal")
    assert reveal.mode == "clerk" and reveal.customer_id == cid and reveal.mode_text == "店员"
    assert reveal.at.year >= 2024
    assert [r.action for r in rows][:3] == ["unlock", "reveal", "pin_change"]
    n = audit.export_csv(tmp_path / "audit.csv")
    text = (tmp_path / "audit.csv").read_text(encoding="utf-8-sig")
    assert n == 3 and text.splitlines()[0] == "时间,身份,操作,客户编号,详情"
    assert "查看完整手机号" in text and "店员" in text
    assert audit.entries()[0].action == "audit_export"  # exporting the log is logged too


def test_audit_log_never_stores_names_or_mobiles(shop):
    cid = _customer(name="欧阳娜娜", mobile="13900001111")
    security.unlock("2468")
    ledger.manual_change(cid, "adjust", points_delta=5, reason="欧阳娜娜 13900001111")
    audit.log("reveal", customer_id=cid)
    for r in AuditLog.select():
        assert "欧阳" not in r.detail and "13900001111" not in r.detail


def test_pin_change_needs_owner_and_is_logged(shop):
    security.unlock("2468")
    with pytest.raises(security.PinError, match="至少"):
        security.set_pin("12")
    with pytest.raises(security.PinError, match="不一致"):
        security.set_pin("1357", confirm="1358")
    security.set_pin("1357", confirm="1357")
    security.lock()
    with pytest.raises(security.PinError):
        security.unlock("2468")
    security.unlock("1357")
    assert [e.detail for e in audit.entries(action="pin_change")] == ["change", "set"]
    security.clear_pin()
    security.reset_session()
    assert security.is_owner()


def test_import_and_export_entry_points_refuse_clerks_and_log_the_owner(shop, tmp_path):

    from shopcrm.excel import excel_export, excel_import

    src = FIXTURES / "members_dev_utf8bom.csv"
    report = excel_import.run(src, dry_run=True)  # a preview writes nothing: open to clerks
    assert report.imported > 0
    with pytest.raises(security.OwnerRequired, match="导入"):
        excel_import.run(src)
    assert customers.count(customers.CustomerQuery()) == 0
    with pytest.raises(security.OwnerRequired, match="导出"):
        excel_export.export_customers(tmp_path / "all.xlsx")
    assert not (tmp_path / "all.xlsx").exists()
    security.unlock("2468")
    excel_import.run(src)
    assert customers.count(customers.CustomerQuery()) == report.imported
    excel_export.export_customers(tmp_path / "all.xlsx")
    assert [e.action for e in audit.entries()][:3] == ["export", "import", "unlock"]


def test_care_settings_and_level_rules_are_owner_settings_and_logged(shop):
    from shopcrm import care, grading

    s = care.load_settings()
    with pytest.raises(security.OwnerRequired, match="修改设置"):
        care.save_settings(s)
    level_id = customers.all_levels()[1][0]
    with pytest.raises(security.OwnerRequired):
        grading.set_level_rule(level_id, min_total_spend_cents=100_000)
    security.unlock("2468")
    care.save_settings(s)
    grading.set_level_rule(level_id, min_total_spend_cents=100_000)
    details = [e.detail for e in audit.entries(action="settings")]
    assert any(d.startswith(f"level {level_id}: 100000") for d in details)
    assert care.SETTINGS_KEY in details


def test_unlocking_one_database_does_not_unlock_another(shop, tmp_path):
    from shopcrm.store.db import close_database, database, open_database

    first = database.database
    security.unlock("2468")
    other = tmp_path / "other.db"
    open_database(other)
    security.set_pin("1357")  # a new database without PIN: its owner sets one
    security.lock()
    open_database(first)
    assert security.is_owner() is False  # locked above; and the other way round:
    security.unlock("2468")
    open_database(other)
    assert not security.is_owner()
    close_database()
    open_database(first)
