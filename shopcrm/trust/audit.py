"""The audit log of sensitive actions: when, in which mode, what, about which customer.

Rows hold a customer's id only — never a name or a mobile — so that erasing a customer
(shopcrm.trust.privacy) leaves nothing of them here. Viewing and exporting the log is owner-only.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from shopcrm.core.texts import register, t
from shopcrm.store.db import database
from shopcrm.store.models import AuditLog, now
from shopcrm.trust import session  # the mode only: security (the PIN) logs through this module

register(
    {
        "audit.export": ("导出", "Export"),
        "audit.import": ("导入", "Import"),
        "audit.purge": ("彻底删除客户", "Purge customers"),
        "audit.restore": ("从备份恢复", "Restore from backup"),
        "audit.backup": ("备份", "Backup"),
        "audit.adjust": ("调整余额/积分", "Balance/points adjustment"),
        "audit.pin_change": ("修改店主密码", "Owner PIN change"),
        "audit.pin_failed": ("店主密码输错", "Wrong owner PIN"),
        "audit.unlock": ("店主解锁", "Owner unlocked"),
        "audit.reveal": ("查看完整手机号", "Full mobile revealed"),
        "audit.settings": ("修改设置", "Settings change"),
        "audit.erase": ("抹除客户个人信息", "Customer erased"),
        "audit.export_one": ("导出客户本人档案", "Customer archive exported"),
        "audit.audit_export": ("导出操作日志", "Audit log exported"),
        "audit.detail.set": ("设置密码", "PIN set"),
        "audit.detail.change": ("修改密码", "PIN changed"),
        "audit.detail.clear": ("取消密码", "PIN removed"),
        "audit.col.at": ("时间", "When"),
        "audit.col.mode": ("身份", "Mode"),
        "audit.col.action": ("操作", "Action"),
        "audit.col.customer": ("客户编号", "Customer id"),
        "audit.col.detail": ("详情", "Detail"),
    }
)

ACTIONS = (
    "export",
    "import",
    "purge",
    "restore",
    "backup",
    "adjust",
    "pin_change",
    "pin_failed",
    "unlock",
    "reveal",
    "settings",
    "erase",
    "export_one",
    "audit_export",
)


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: dt.datetime
    mode: str
    action: str
    customer_id: int | None
    detail: str

    @property
    def action_text(self) -> str:
        return action_label(self.action)

    @property
    def detail_text(self) -> str:
        """The detail as shown: codes (PIN set/change/clear) in the user's language."""
        key = f"audit.detail.{self.detail}"
        try:
            return t(key)
        except KeyError:
            return self.detail

    @property
    def mode_text(self) -> str:
        if self.mode in (session.OWNER, session.CLERK, "startup"):
            return t(f"sec.mode.{self.mode}")
        return self.mode


def action_label(action: str) -> str:
    key = f"audit.{action}"
    try:
        return t(key)
    except KeyError:
        return action


def log(action: str, customer_id: int | None = None, detail: str = "", *, mode: str | None = None) -> None:
    """Record one sensitive action in the caller's transaction (or its own)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    with database.atomic():
        AuditLog.insert(
            at=now(), mode=mode or session.current_mode(), action=action, customer_id=customer_id, detail=str(detail)
        ).execute()


def log_many(action: str, customer_ids: list[int], detail: str = "") -> None:
    """One row per customer (purge of a selection)."""
    mode = session.current_mode()
    at = now()
    with database.atomic():
        rows = [dict(at=at, mode=mode, action=action, customer_id=cid, detail=detail) for cid in customer_ids]
        for i in range(0, len(rows), 500):
            AuditLog.insert_many(rows[i : i + 500]).execute()


def _query(action: str | None, customer_id: int | None):
    q = AuditLog.select()
    if action:
        q = q.where(AuditLog.action == action)
    if customer_id is not None:
        q = q.where(AuditLog.customer_id == customer_id)
    return q


def count(action: str | None = None, customer_id: int | None = None) -> int:
    session.require_owner("audit")
    return _query(action, customer_id).count()


def entries(
    limit: int = 500, offset: int = 0, *, action: str | None = None, customer_id: int | None = None
) -> list[AuditEntry]:
    """Newest first. Owner only."""
    session.require_owner("audit")
    q = _query(action, customer_id).order_by(AuditLog.id.desc()).limit(limit).offset(offset)
    return [AuditEntry(r.id, r.at, r.mode, r.action, r.customer_id, r.detail) for r in q]


def export_csv(path: str | Path, *, action: str | None = None) -> int:
    """Write the log (newest first) as CSV that Excel/WPS open with Chinese intact. Owner only."""
    session.require_owner("audit")
    path = Path(path)
    n = 0
    tmp = path.with_name(path.name + ".part")
    with open(tmp, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(
            [
                t("audit.col.at"),
                t("audit.col.mode"),
                t("audit.col.action"),
                t("audit.col.customer"),
                t("audit.col.detail"),
            ]
        )
        q = _query(action, None).order_by(AuditLog.id.desc())
        for r in q.iterator():
            e = AuditEntry(r.id, r.at, r.mode, r.action, r.customer_id, r.detail)
            w.writerow(
                [str(e.at), e.mode_text, e.action_text, "" if e.customer_id is None else e.customer_id, e.detail_text]
            )
            n += 1
    tmp.replace(path)
    log("audit_export", detail=str(n))
    return n


def save_owner_settings(section: Any, changes: dict[str, Any]) -> Any:
    """Change some keys of a settings section (shopcrm.store.settings.Section) that decides money
    or points: owner only, validated by the section, saved and audited in one transaction. An
    unknown key raises KeyError (a caller's typo never adds a setting)."""
    session.require_owner("settings")
    with database.atomic():
        before = section.load()
        unknown = set(changes) - set(before)
        if unknown:
            raise KeyError(sorted(unknown))
        saved = section.save({**before, **changes})
        log("settings", detail=f"{section.key}: " + ", ".join(sorted(changes)))
    return saved
