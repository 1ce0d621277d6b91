"""Who is at the counter: owner or clerk mode, the owner-only check, and inactivity timing.

A shop with no PIN is a one-person shop: everyone is the owner. Once a PIN is set the app starts in
clerk mode; owner-only actions call :func:`require_owner` at their single entry point, which
raises :class:`OwnerRequired` (a PermissionError with a Chinese message) in clerk mode. The mode is
process state (one person at one till), never stored. The PIN itself, its lock-out and masking
live in :mod:`shopcrm.trust.security`; the audit log (which records the mode) imports only this.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from shopcrm.core.texts import register, t
from shopcrm.store import settings
from shopcrm.store.db import database

register(
    {
        "sec.owner_required": (
            "“{action}”需要店主权限：请先输入店主密码解锁。",
            "“{action}” needs the owner: unlock with the owner PIN first.",
        ),
        "sec.mode.owner": ("店主", "Owner"),
        "sec.mode.clerk": ("店员", "Clerk"),
        "sec.mode.startup": ("启动检查", "Start-up check"),
        # owner-only actions (names shown in the refusal message and the audit log)
        "sec.action.export": ("导出", "Export"),
        "sec.action.import": ("导入", "Import"),
        "sec.action.purge": ("彻底删除客户", "Purge customers"),
        "sec.action.adjust": ("调整余额/积分", "Adjust balance/points"),
        "sec.action.settings": ("修改设置", "Change settings"),
        "sec.action.restore": ("从备份恢复", "Restore from backup"),
        "sec.action.full_mobile": ("查看完整手机号", "See full mobile numbers"),
        "sec.action.pin": ("设置店主密码", "Set the owner PIN"),
        "sec.action.audit": ("查看操作日志", "View the audit log"),
        "sec.action.erase": ("抹除客户个人信息", "Erase a customer's personal data"),
        "sec.action.export_one": ("导出客户本人档案", "Export one customer's archive"),
    }
)


OWNER = "owner"


CLERK = "clerk"


OWNER_ACTIONS = (
    "export",
    "import",
    "purge",
    "adjust",
    "settings",
    "restore",
    "full_mobile",
    "pin",
    "audit",
    "erase",
    "export_one",
)


PIN_KEY = "security.owner_pin"


class OwnerRequired(PermissionError):
    """An owner-only action attempted in clerk mode; ``str(e)`` is a message for the user."""

    def __init__(self, action: str):
        self.action = action
        super().__init__(t("sec.owner_required", action=action_label(action)))


def action_label(action: str) -> str:
    key = f"sec.action.{action}"
    try:
        return t(key)
    except KeyError:
        return action


class _Session:
    def __init__(self) -> None:
        self.unlocked_for: str | None = None  # the database the owner unlocked
        self.last_activity = time.monotonic()
        self.pin_cache: tuple[str | None, bool] | None = None  # (database path, has a PIN)
        self.listeners: list[Callable[[str], None]] = []
        self.operator = ""  # who is at the counter (shopcrm.sales.counter.set_operator)


_session = _Session()


monotonic: Callable[[], float] = time.monotonic  # idle timing (tests replace it)


def current_operator() -> str:
    """The name of the operator at the counter ('' when none was chosen)."""
    return _session.operator


def set_operator(name: str) -> None:
    """Process state like the mode; shopcrm.sales.counter.set_operator checks the name."""
    _session.operator = name


def reset_session() -> None:
    """Back to the state of a freshly started process (clerk mode if a PIN exists)."""
    listeners = _session.listeners
    _session.__init__()  # type: ignore[misc]  # re-initialised in place: modules hold this object
    _session.listeners = listeners


def invalidate_cache() -> None:
    """Forget whether a PIN is set (after a restore replaced the settings)."""
    _session.pin_cache = None
    _notify()


def on_mode_changed(callback: Callable[[str], None]) -> None:
    """Call ``callback(mode)`` whenever the mode changes (the GUI updates its indicator)."""
    _session.listeners.append(callback)


def remove_listener(callback: Callable[[str], None]) -> None:
    if callback in _session.listeners:
        _session.listeners.remove(callback)


def _notify() -> None:
    mode = current_mode()
    for cb in list(_session.listeners):
        cb(mode)


def has_pin() -> bool:
    db_name = database.database
    if _session.pin_cache is None or _session.pin_cache[0] != db_name:
        _session.pin_cache = (db_name, settings.get(PIN_KEY) is not None)
    return _session.pin_cache[1]


def _unlocked() -> bool:
    # unlocking one database does not unlock another one opened later (File → Open database)
    return _session.unlocked_for is not None and _session.unlocked_for == database.database


def current_mode() -> str:
    """OWNER when no PIN is set or the owner unlocked; CLERK otherwise."""
    return OWNER if (not has_pin() or _unlocked()) else CLERK


def is_owner() -> bool:
    return current_mode() == OWNER


def require_owner(action: str) -> None:
    """Raise OwnerRequired unless the current mode may perform the owner-only ``action``."""
    if not is_owner():
        raise OwnerRequired(action)
    touch()


def touch() -> None:
    """Record user activity (the GUI calls this on every key press and click)."""
    _session.last_activity = monotonic()


def idle_seconds() -> float:
    return monotonic() - _session.last_activity
