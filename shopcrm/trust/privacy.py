"""A customer's rights under PIPL (个人信息保护法): a copy of their own archive, and erasure.

Both are owner-only and logged (the log holds the customer's id, never their name or number).

Erasure wipes every personal field of the customer, deletes their name search keys, tags and
contact notes, blanks free text in their purchases, ledger entries and complaints, and keeps the
amounts and dates, so the shop's totals and statistics stay right. The customer row stays as an
anonymous placeholder (``已抹除#<id>``) in the recycle bin. On SQLite ``secure_delete`` overwrites
the freed bytes, and a checkpoint plus ``VACUUM`` then leaves no copy in the WAL or in free pages.
On PostgreSQL the overwritten and deleted rows' old versions are vacuumed away from every table
the erasure touched (see :func:`shopcrm.store.db.scrub` for what the server keeps a while longer).
Backups made before the erasure still hold the person until rotation deletes them.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from shopcrm.core.money import fmt
from shopcrm.core.texts import register, t
from shopcrm.store.db import database, scrub, secure_delete, table_columns, table_names
from shopcrm.store.models import Customer, now, sql_ts
from shopcrm.trust import audit, security

register(
    {
        "privacy.erased_name": ("已抹除#{id}", "Erased #{id}"),
        "privacy.already_erased": ("该客户的个人信息已被抹除。", "This customer's personal data was already erased."),
        "privacy.not_found": ("找不到编号为 {id} 的客户。", "No customer with id {id}."),
    }
)

# customer columns that are not personal and stay (numbers, dates of the shop's own business)
CUSTOMER_KEEP = {
    "id",
    "level_id",
    "home_store_id",  # the store they joined at (m0022): a store, nothing personal
    "balance_cents",
    "points",
    "joined_on",
    "total_spend_cents",
    "purchase_count",
    "first_purchase_at",
    "last_purchase_at",
    "last_contact_at",
    "open_complaints",
    "created_at",
    "updated_at",
    "deleted_at",
    "erased_at",
    "lunar_leap",
    "consent_marketing",
}
# text columns that hold categories, not a person's words (kept in other tables' rows)
CATEGORY_COLUMNS = {
    "kind",
    "status",
    "category",
    "channel",
    "action",
    "payment",
    "severity",
    "validity",
    "resolution_type",
    "mode",
    "handler",
    "who",
    "items",
    # how the shop was paid and who served: the day's books by method and operator need them
    # (staff names are the shop's, not the customer's)
    "method",
    "rule",
    "operator",
    # loyalty (issue 14): a coupon's code and terms, a count card's product, a sale's type are
    # the shop's (the code is unique: blanking it would break the coupon table)
    "code",
    "source",
    "gift",
    "product",
    "sale_type",
}
# tables whose rows about the person are deleted outright
DELETE_TABLES = ("search_key", "customer_tag", "contact")
# tables never touched (the audit log keeps ids only)
SKIP_TABLES = {"customer", "audit_log", *DELETE_TABLES}


def _columns(table: str) -> list[tuple[str, str, bool]]:
    """(name, declared type, not null) of a table's columns."""
    return table_columns(table)


def _is_text(decl: str) -> bool:
    return any(k in decl for k in ("CHAR", "TEXT", "CLOB")) or decl == ""


def _rows(sql: str, params=()) -> list[dict]:
    cur = database.execute_sql(sql, params)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def _tables_with_customer_id() -> list[str]:
    return [n for n in table_names() if any(c[0] == "customer_id" for c in _columns(n))]


# --- export -------------------------------------------------------------------------------------


def customer_archive(customer_id: int) -> dict:
    """Everything the shop holds about one customer, as plain data (owner only, not logged)."""
    security.require_owner("export_one")
    found = _rows("SELECT * FROM customer WHERE id = ?", (customer_id,))
    if not found:
        raise LookupError(t("privacy.not_found", id=customer_id))
    customer = found[0]
    for key in ("balance_cents", "total_spend_cents"):
        if key in customer:
            customer[key.replace("_cents", "_yuan")] = fmt(customer[key], grouping=False)
    archive: dict = {
        "format": "ShopCRM customer archive 1",
        "exported_at": sql_ts(now()),
        "customer": customer,
        "tags": [
            r["name"]
            for r in _rows(
                "SELECT t.name FROM tag t JOIN customer_tag ct ON ct.tag_id = t.id "
                "WHERE ct.customer_id = ? ORDER BY t.name",
                (customer_id,),
            )
        ],
    }
    for table in _tables_with_customer_id():
        if table in ("customer_tag", "search_key", "audit_log"):
            continue
        order = " ORDER BY id" if any(c[0] == "id" for c in _columns(table)) else ""
        archive[table] = _rows(f'SELECT * FROM "{table}" WHERE customer_id = ?{order}', (customer_id,))
    return archive


def export_customer_archive(customer_id: int, path: str | Path) -> Path:
    """Write one customer's own archive as UTF-8 JSON (owner only, logged)."""
    data = customer_archive(customer_id)
    path = Path(path)
    part = path.with_name(path.name + ".part")
    part.write_text(json.dumps(data, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    os.replace(part, path)
    audit.log("export_one", customer_id=customer_id)
    return path


# --- erasure ------------------------------------------------------------------------------------


def _blank(decl: str, not_null: bool):
    if not not_null:
        return None
    if "BOOL" in decl:
        return False
    return "" if _is_text(decl) else 0


def erase_customer(customer_id: int, *, vacuum: bool = True) -> dict:
    """Erase one customer's personal data (owner only, logged). Returns what the file clean-up
    achieved: ``{"checkpoint_busy": 0, "vacuumed": True}`` (busy > 0: another connection was
    reading, so old pages may survive in the WAL until the next checkpoint)."""
    security.require_owner("erase")
    c = Customer.get_or_none(Customer.id == customer_id)
    if c is None:
        raise LookupError(t("privacy.not_found", id=customer_id))
    if c.erased_at is not None:
        raise ValueError(t("privacy.already_erased"))
    touched = ["customer", *DELETE_TABLES]
    with secure_delete(), database.atomic():  # SQLite: freed bytes are overwritten with zeros
        stamp = sql_ts(now())
        placeholder_mobile = f"erased-{customer_id}"
        assignments = {
            "name": t("privacy.erased_name", id=customer_id),
            "mobile": placeholder_mobile,
            "mobile_rev": placeholder_mobile[::-1],
            "card_no": None,
            "consent_marketing": False,
            "lunar_leap": False,
            "erased_at": stamp,
            "updated_at": stamp,
        }
        # every other personal column, including ones added by later migrations
        for name, decl, not_null in _columns("customer"):
            if name not in CUSTOMER_KEEP and name not in assignments:
                assignments[name] = _blank(decl, not_null)
        sets = ", ".join(f'"{k}" = ?' for k in assignments)
        database.execute_sql(
            f"UPDATE customer SET {sets}, deleted_at = COALESCE(deleted_at, ?) WHERE id = ?",
            [*assignments.values(), stamp, customer_id],
        )
        for table in DELETE_TABLES:
            database.execute_sql(f'DELETE FROM "{table}" WHERE customer_id = ?', (customer_id,))
        for table in _tables_with_customer_id():
            if table in SKIP_TABLES:
                continue
            cols = [
                (n, d, nn)
                for n, d, nn in _columns(table)
                if _is_text(d)
                and n not in CATEGORY_COLUMNS
                and not n.endswith("_at")
                and not n.endswith("_on")
                and not n.endswith("_due")
            ]
            if cols:
                touched.append(table)
                sets = ", ".join(f'"{n}" = ?' for n, _d, _nn in cols)
                database.execute_sql(
                    f'UPDATE "{table}" SET {sets} WHERE customer_id = ?',
                    [*(_blank(d, nn) for _n, d, nn in cols), customer_id],
                )
        if "complaint_event" in table_names():
            touched.append("complaint_event")
            database.execute_sql(
                "UPDATE complaint_event SET detail = '' WHERE complaint_id IN "
                "(SELECT id FROM complaint WHERE customer_id = ?)",
                (customer_id,),
            )
        audit.log("erase", customer_id=customer_id)
    result = {"checkpoint_busy": 0, "vacuumed": False}
    if vacuum:
        result = scrub_file(touched)
    return result


def scrub_file(tables: list[str] | None = None) -> dict:
    """Leave no readable copy of erased data in the database (shopcrm.store.db.scrub): SQLite's
    checkpoint, VACUUM and WAL truncation; PostgreSQL's VACUUM of ``tables`` (default: every
    table that holds a customer's data)."""
    return scrub(tables if tables is not None else ["customer", *_tables_with_customer_id()])


def is_erased(customer_id: int) -> bool:
    c = Customer.get_or_none(Customer.id == customer_id)
    return c is not None and c.erased_at is not None


def erased_ids() -> list[int]:
    return [c.id for c in Customer.select(Customer.id).where(Customer.erased_at.is_null(False))]
