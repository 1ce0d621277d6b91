"""PIPL: a customer's own archive, and erasure that leaves no byte of them in the database file."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from shopcrm import customers
from shopcrm.customers import CustomerInput, ledger
from shopcrm.demo import generate
from shopcrm.sales import activity
from shopcrm.store.db import close_database
from shopcrm.store.models import Complaint, Contact, Purchase, SearchKey
from shopcrm.trust import audit, privacy, security

NAME = "宓羿翀"
MOBILE = "13712340987"
BIRTHDAY = "1961-07-30"  # the demo generator never makes a day above 28
ADDRESS = "梧桐巷七十七号玖楼"
WECHAT = "wx_mi_yichong_77"


@pytest.fixture(autouse=True)
def fresh_session():
    security.reset_session()
    yield
    security.reset_session()


def _person(db) -> int:
    c = customers.create(
        CustomerInput(
            name=NAME,
            mobile=MOBILE,
            birthday=BIRTHDAY,
            tags=["老顾客"],
            opening_balance="200",
            extra={"address": ADDRESS, "wechat": WECHAT, "notes": f"{NAME}的老公姓王", "pref_text": "爱吃榴莲"},
        )
    )
    activity.record_purchase(c.id, 12_345, items="榴莲", note=f"给{NAME}留的", payment="stored_value")
    activity.record_purchase(c.id, 5_000, items="车厘子")
    activity.record_contact(c.id, purpose="生日祝福", outcome=f"{NAME}说下周来")
    Complaint.create(
        customer=c.id,
        key_points=f"{NAME}投诉榴莲不熟 {MOBILE}",
        category="商品质量",
        walkin_name=NAME,
        walkin_mobile=MOBILE,
    )
    return c.id


def _raw_bytes(db_path: Path) -> bytes:
    data = b""
    for suffix in ("", "-wal", "-shm", "-journal"):
        p = Path(str(db_path) + suffix)
        if p.exists():
            data += p.read_bytes()
    return data


NEEDLES = [NAME.encode(), MOBILE.encode(), MOBILE[::-1].encode(), BIRTHDAY.encode(), ADDRESS.encode(), WECHAT.encode()]


@pytest.mark.sqlite_only("reads the bytes of the SQLite file and its WAL")
def test_erasure_leaves_no_trace_in_the_database_file(db, db_path):
    generate(400, 3000, seed=9)
    cid = _person(db)
    db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")  # some copies in the main file…
    customers.update(
        cid,
        CustomerInput(name=NAME, mobile=MOBILE, birthday=BIRTHDAY, extra={"address": ADDRESS + " ", "wechat": WECHAT}),
    )  # …and in the WAL
    assert all(n in _raw_bytes(db_path) for n in NEEDLES)
    total_before = db.execute_sql("SELECT SUM(amount_cents), COUNT(*) FROM purchase").fetchone()
    balance_before = customers.get(cid).balance_cents

    result = privacy.erase_customer(cid)
    assert result == {"checkpoint_busy": 0, "vacuumed": True}
    close_database()
    raw = _raw_bytes(db_path)
    for needle in NEEDLES:
        assert needle not in raw, needle
    from shopcrm.store.db import open_database

    open_database(db_path)
    # the shop's totals are kept, anonymised
    assert db.execute_sql("SELECT SUM(amount_cents), COUNT(*) FROM purchase").fetchone() == total_before
    c = customers.get(cid)
    assert c.name == f"已抹除#{cid}" and c.erased_at is not None and c.deleted_at is not None
    assert c.balance_cents == balance_before and ledger.verify(cid) == []
    assert c.birthday is None and c.address == "" and c.wechat == "" and c.notes == ""
    assert Purchase.select().where(Purchase.customer == cid).count() == 2
    assert all(p.note == "" for p in Purchase.select().where(Purchase.customer == cid))
    assert SearchKey.select().where(SearchKey.customer == cid).count() == 0
    assert Contact.select().where(Contact.customer == cid).count() == 0
    comp = Complaint.get(Complaint.customer == cid)
    assert comp.key_points == "" and comp.walkin_name == "" and comp.category == "商品质量"
    assert customers.tags_of(cid) == []
    assert customers.count(customers.CustomerQuery(text=NAME[:2])) == 0
    e = audit.entries(action="erase")[0]
    assert e.customer_id == cid and e.mode == "owner"


def test_erasure_needs_the_owner_and_happens_once(db):
    cid = _person(db)
    security.set_pin("2468")
    security.lock()
    with pytest.raises(security.OwnerRequired, match="抹除"):
        privacy.erase_customer(cid, vacuum=False)
    assert customers.get(cid).name == NAME
    security.unlock("2468")
    privacy.erase_customer(cid, vacuum=False)
    with pytest.raises(ValueError, match="已被抹除"):
        privacy.erase_customer(cid, vacuum=False)
    assert privacy.erased_ids() == [cid]


def test_customer_gets_their_own_archive(db, tmp_path):
    cid = _person(db)
    other = customers.create(CustomerInput(name="路人甲", mobile="13900000000")).id
    activity.record_purchase(other, 999)
    path = privacy.export_customer_archive(cid, tmp_path / "archive.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["customer"]["name"] == NAME and data["customer"]["mobile"] == MOBILE
    assert data["customer"]["birthday"] == BIRTHDAY and data["customer"]["address"] == ADDRESS
    assert data["customer"]["balance_yuan"] == "76.55"  # 200 - 123.45
    assert data["tags"] == ["老顾客"]
    assert sorted(p["amount_cents"] for p in data["purchase"]) == [5_000, 12_345]
    assert all(p["customer_id"] == cid for p in data["purchase"])  # nobody else's purchases
    assert len(data["ledger_entry"]) >= 2 and len(data["contact"]) == 1 and len(data["complaint"]) == 1
    assert dt.datetime.strptime(data["exported_at"], "%Y-%m-%d %H:%M:%S")
    e = audit.entries(action="export_one")[0]
    assert e.customer_id == cid and NAME not in e.detail
    assert not list(tmp_path.glob("*.part"))
