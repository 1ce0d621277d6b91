"""Owner PIN, clerk/owner mode, masking of mobiles, wrong-PIN rate limit, inactivity lock policy.

A shop with no PIN is a one-person shop: everything works as owner. Once a PIN is set the app
starts in clerk mode; owner-only actions call :func:`require_owner` at their single entry point,
which raises :class:`OwnerRequired` (a PermissionError with a Chinese message) in clerk mode.

The PIN is stored in the Setting table as a salted scrypt hash (about 0.1 s per attempt, 32 MB),
never in clear. Wrong PINs are rate-limited with a lock-out that grows with each failure and is
stored in the database, so restarting the app does not reset it.

The mode is process state (one person at one till), not stored: a new process starts in clerk
mode. :func:`touch` records activity; :func:`check_idle` locks owner mode after the configured
idle minutes (default 10); the GUI calls both (shopcrm.ui.trust.security_ui).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import time
from collections.abc import Callable

from shopcrm.core import clock
from shopcrm.store.db import database
from shopcrm.store.models import Setting
from shopcrm.core.texts import register, t

register({
    "sec.owner_required": ("“{action}”需要店主权限：请先输入店主密码解锁。",
                           "“{action}” needs the owner: unlock with the owner PIN first."),
    "sec.pin_wrong": ("店主密码不正确。", "Wrong owner PIN."),
    "sec.pin_wrong_left": ("店主密码不正确，还可再试 {left} 次。", "Wrong owner PIN; {left} tries left."),
    "sec.pin_locked_out": ("店主密码错误次数过多，请 {seconds} 秒后再试。",
                           "Too many wrong PINs; try again in {seconds} seconds."),
    "sec.pin_too_short": ("店主密码至少 {n} 位。", "The owner PIN needs at least {n} characters."),
    "sec.pin_mismatch": ("两次输入的新密码不一致。", "The two new PINs differ."),
    "sec.no_pin": ("尚未设置店主密码。", "No owner PIN is set."),
    "sec.idle_invalid": ("自动锁定时间应在 1 到 240 分钟之间。", "The idle lock must be 1 to 240 minutes."),
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
})

OWNER = "owner"
CLERK = "clerk"
OWNER_ACTIONS = ("export", "import", "purge", "adjust", "settings", "restore", "full_mobile", "pin",
                 "audit", "erase", "export_one")

PIN_KEY = "security.owner_pin"
FAILURES_KEY = "security.pin_failures"
IDLE_KEY = "security.idle_lock_minutes"
DEFAULT_IDLE_MINUTES = 10
MIN_PIN_LENGTH = 4
FREE_TRIES = 3  # wrong PINs allowed before the lock-out starts
LOCKOUT_BASE_SECONDS = 30  # doubles with each further failure
LOCKOUT_MAX_SECONDS = 15 * 60

# scrypt cost: n=2**15, r=8 -> 32 MB and ~0.1 s per attempt on a shop PC (measured 0.12 s here)
SCRYPT_N = 2 ** 15
SCRYPT_R = 8
SCRYPT_P = 1
SALT_BYTES = 16


class OwnerRequired(PermissionError):
    """An owner-only action attempted in clerk mode; ``str(e)`` is a message for the user."""

    def __init__(self, action: str):
        self.action = action
        super().__init__(t("sec.owner_required", action=action_label(action)))


class PinError(ValueError):
    """A wrong, too short or mismatched PIN; ``str(e)`` is a message for the user."""


class PinLockedOut(PermissionError):
    def __init__(self, seconds: int):
        self.seconds = seconds
        super().__init__(t("sec.pin_locked_out", seconds=seconds))


def action_label(action: str) -> str:
    key = f"sec.action.{action}"
    try:
        return t(key)
    except KeyError:
        return action


# --- process state ------------------------------------------------------------------------------

class _Session:
    def __init__(self) -> None:
        self.unlocked_for: str | None = None  # the database the owner unlocked
        self.last_activity = time.monotonic()
        self.pin_cache: tuple[str | None, bool] | None = None  # (database path, has a PIN)
        self.listeners: list[Callable[[str], None]] = []


_session = _Session()
monotonic: Callable[[], float] = time.monotonic  # idle timing (tests replace it)


def reset_session() -> None:
    """Back to the state of a freshly started process (clerk mode if a PIN exists)."""
    listeners = _session.listeners
    _session.__init__()
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


def _get_setting(key: str):
    row = Setting.get_or_none(Setting.key == key)
    return json.loads(row.value) if row is not None else None


def _put_setting(key: str, value) -> None:
    Setting.insert(key=key, value=json.dumps(value)).on_conflict_replace().execute()


def has_pin() -> bool:
    db_name = database.database
    if _session.pin_cache is None or _session.pin_cache[0] != db_name:
        _session.pin_cache = (db_name, _get_setting(PIN_KEY) is not None)
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


# --- masking ------------------------------------------------------------------------------------

def mask_mobile(mobile: str | None) -> str:
    """'13812345678' -> '138****5678'. Short numbers keep at most their last two digits."""
    if not mobile:
        return ""
    m = str(mobile)
    if len(m) >= 8:
        return m[:3] + "****" + m[-4:]
    return "****" + m[-2:] if len(m) > 2 else "****"


def display_mobile(mobile: str | None) -> str:
    """The mobile as lists and exports show it now: in full for the owner, masked for a clerk."""
    return (mobile or "") if is_owner() else mask_mobile(mobile)


def can_see_full_mobiles() -> bool:
    return is_owner()


# --- PIN ----------------------------------------------------------------------------------------

def hash_pin(pin: str, salt: bytes | None = None, *, n: int = SCRYPT_N, r: int = SCRYPT_R,
             p: int = SCRYPT_P) -> dict:
    salt = os.urandom(SALT_BYTES) if salt is None else salt
    digest = hashlib.scrypt(pin.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=128 * 1024 * 1024)
    return {"algo": "scrypt", "n": n, "r": r, "p": p, "salt": salt.hex(), "hash": digest.hex()}


def _matches(pin: str, stored: dict) -> bool:
    again = hash_pin(pin, bytes.fromhex(stored["salt"]), n=stored["n"], r=stored["r"], p=stored["p"])
    return hmac.compare_digest(again["hash"], stored["hash"])


def lockout_remaining() -> int:
    """Seconds until another PIN may be tried (0 = now)."""
    state = _get_setting(FAILURES_KEY) or {}
    return max(0, int(round(state.get("until", 0) - clock.now().timestamp())))


def verify_pin(pin: str) -> bool:
    """Check a PIN against the stored hash, with the wrong-PIN rate limit.
    Raises PinLockedOut while locked out; returns False for a wrong PIN."""
    stored = _get_setting(PIN_KEY)
    if stored is None:
        return True
    remaining = lockout_remaining()
    if remaining > 0:
        raise PinLockedOut(remaining)
    if _matches(pin, stored):
        with database.atomic():
            Setting.delete().where(Setting.key == FAILURES_KEY).execute()
        return True
    with database.atomic():
        state = _get_setting(FAILURES_KEY) or {"count": 0, "until": 0}
        state["count"] += 1
        extra = state["count"] - FREE_TRIES
        if extra >= 0:
            state["until"] = clock.now().timestamp() + min(LOCKOUT_BASE_SECONDS * 2 ** extra, LOCKOUT_MAX_SECONDS)
        _put_setting(FAILURES_KEY, state)
    from shopcrm.trust import audit

    audit.log("pin_failed")
    return False


def tries_left() -> int:
    state = _get_setting(FAILURES_KEY) or {"count": 0}
    return max(0, FREE_TRIES - state["count"])


def unlock(pin: str) -> None:
    """Enter owner mode. Raises PinError (wrong PIN) or PinLockedOut."""
    if not verify_pin(pin):
        left = tries_left()
        raise PinError(t("sec.pin_wrong_left", left=left) if left else t("sec.pin_wrong"))
    was = current_mode()
    _session.unlocked_for = database.database
    touch()
    if was != OWNER:
        from shopcrm.trust import audit

        audit.log("unlock")
        _notify()


def lock() -> None:
    """Back to clerk mode (on demand, or after inactivity). No effect without a PIN."""
    was = current_mode()
    _session.unlocked_for = None
    if was != current_mode():
        _notify()


def set_pin(new_pin: str, *, confirm: str | None = None) -> None:
    """Set or change the owner PIN (owner only: with no PIN set, everybody is the owner)."""
    require_owner("pin")
    if confirm is not None and confirm != new_pin:
        raise PinError(t("sec.pin_mismatch"))
    if len(new_pin) < MIN_PIN_LENGTH:
        raise PinError(t("sec.pin_too_short", n=MIN_PIN_LENGTH))
    from shopcrm.trust import audit

    had = has_pin()
    with database.atomic():
        _put_setting(PIN_KEY, hash_pin(new_pin))
        Setting.delete().where(Setting.key == FAILURES_KEY).execute()
        audit.log("pin_change", detail="change" if had else "set")
    _session.pin_cache = None
    _session.unlocked_for = database.database  # whoever set it is the owner, until the next lock
    touch()
    _notify()


def clear_pin() -> None:
    """Remove the PIN (owner only): back to a one-person shop where everyone is owner."""
    require_owner("pin")
    from shopcrm.trust import audit

    with database.atomic():
        Setting.delete().where(Setting.key.in_([PIN_KEY, FAILURES_KEY])).execute()
        audit.log("pin_change", detail="clear")
    _session.pin_cache = None
    _notify()


OFFERED_KEY = "security.pin_offered"


def pin_offer_due() -> bool:
    """True once per database: at first run the app offers to set an (optional) owner PIN."""
    return not has_pin() and _get_setting(OFFERED_KEY) is None


def mark_pin_offered() -> None:
    _put_setting(OFFERED_KEY, True)


# --- inactivity lock ----------------------------------------------------------------------------

def idle_minutes() -> int:
    value = _get_setting(IDLE_KEY)
    return int(value) if value else DEFAULT_IDLE_MINUTES


def set_idle_minutes(minutes: int) -> None:
    require_owner("settings")
    if not 1 <= int(minutes) <= 240:
        raise ValueError(t("sec.idle_invalid"))
    from shopcrm.trust import audit

    with database.atomic():
        _put_setting(IDLE_KEY, int(minutes))
        audit.log("settings", detail=f"{IDLE_KEY}={int(minutes)}")


def touch() -> None:
    """Record user activity (the GUI calls this on every key press and click)."""
    _session.last_activity = monotonic()


def idle_seconds() -> float:
    return monotonic() - _session.last_activity


def check_idle(minutes: int | None = None) -> bool:
    """Lock owner mode if idle for ``minutes`` (default: the setting). True if it locked now."""
    if not (_unlocked() and has_pin()):
        return False
    limit = (minutes if minutes is not None else idle_minutes()) * 60
    if idle_seconds() >= limit:
        lock()
        return True
    return False
