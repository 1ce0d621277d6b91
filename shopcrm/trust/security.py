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
import os

from shopcrm.core import clock
from shopcrm.core.texts import register, t
from shopcrm.store import settings
from shopcrm.store.db import database
from shopcrm.trust import audit
from shopcrm.trust.session import (  # noqa: F401  (the mode API, also reached as security.X)
    CLERK,
    OWNER,
    OWNER_ACTIONS,
    PIN_KEY,
    OwnerRequired,
    _notify,
    _Session,
    _session,
    _unlocked,
    action_label,
    current_mode,
    has_pin,
    idle_seconds,
    invalidate_cache,
    is_owner,
    monotonic,
    on_mode_changed,
    remove_listener,
    require_owner,
    reset_session,
    touch,
)

register(
    {
        "sec.pin_wrong": ("店主密码不正确。", "Wrong owner PIN."),
        "sec.pin_wrong_left": ("店主密码不正确，还可再试 {left} 次。", "Wrong owner PIN; {left} tries left."),
        "sec.pin_locked_out": (
            "店主密码错误次数过多，请 {seconds} 秒后再试。",
            "Too many wrong PINs; try again in {seconds} seconds.",
        ),
        "sec.pin_too_short": ("店主密码至少 {n} 位。", "The owner PIN needs at least {n} characters."),
        "sec.pin_mismatch": ("两次输入的新密码不一致。", "The two new PINs differ."),
        "sec.no_pin": ("尚未设置店主密码。", "No owner PIN is set."),
        "sec.idle_invalid": ("自动锁定时间应在 1 到 240 分钟之间。", "The idle lock must be 1 to 240 minutes."),
    }
)


FAILURES_KEY = "security.pin_failures"
IDLE_KEY = "security.idle_lock_minutes"
DEFAULT_IDLE_MINUTES = 10
MIN_PIN_LENGTH = 4
FREE_TRIES = 3  # wrong PINs allowed before the lock-out starts
LOCKOUT_BASE_SECONDS = 30  # doubles with each further failure
LOCKOUT_MAX_SECONDS = 15 * 60

# scrypt cost: n=2**15, r=8 -> 32 MB and ~0.1 s per attempt on a shop PC (measured 0.12 s here)
SCRYPT_N = 2**15
SCRYPT_R = 8
SCRYPT_P = 1
SALT_BYTES = 16


class PinError(ValueError):
    """A wrong, too short or mismatched PIN; ``str(e)`` is a message for the user."""


class PinLockedOut(PermissionError):
    def __init__(self, seconds: int):
        self.seconds = seconds
        super().__init__(t("sec.pin_locked_out", seconds=seconds))


# --- process state ------------------------------------------------------------------------------


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


def hash_pin(pin: str, salt: bytes | None = None, *, n: int = SCRYPT_N, r: int = SCRYPT_R, p: int = SCRYPT_P) -> dict:
    salt = os.urandom(SALT_BYTES) if salt is None else salt
    digest = hashlib.scrypt(pin.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=128 * 1024 * 1024)
    return {"algo": "scrypt", "n": n, "r": r, "p": p, "salt": salt.hex(), "hash": digest.hex()}


def _matches(pin: str, stored: dict) -> bool:
    again = hash_pin(pin, bytes.fromhex(stored["salt"]), n=stored["n"], r=stored["r"], p=stored["p"])
    return hmac.compare_digest(again["hash"], stored["hash"])


def lockout_remaining() -> int:
    """Seconds until another PIN may be tried (0 = now)."""
    state = settings.get(FAILURES_KEY) or {}
    return max(0, round(state.get("until", 0) - clock.now().timestamp()))


def verify_pin(pin: str) -> bool:
    """Check a PIN against the stored hash, with the wrong-PIN rate limit.
    Raises PinLockedOut while locked out; returns False for a wrong PIN."""
    stored = settings.get(PIN_KEY)
    if stored is None:
        return True
    remaining = lockout_remaining()
    if remaining > 0:
        raise PinLockedOut(remaining)
    if _matches(pin, stored):
        with database.atomic():
            settings.delete(FAILURES_KEY)
        return True
    with database.atomic():
        state = settings.get(FAILURES_KEY) or {"count": 0, "until": 0}
        state["count"] += 1
        extra = state["count"] - FREE_TRIES
        if extra >= 0:
            state["until"] = clock.now().timestamp() + min(LOCKOUT_BASE_SECONDS * 2**extra, LOCKOUT_MAX_SECONDS)
        settings.put(FAILURES_KEY, state)
    audit.log("pin_failed")
    return False


def tries_left() -> int:
    state = settings.get(FAILURES_KEY) or {"count": 0}
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
    had = has_pin()
    with database.atomic():
        settings.put(PIN_KEY, hash_pin(new_pin))
        settings.delete(FAILURES_KEY)
        audit.log("pin_change", detail="change" if had else "set")
    _session.pin_cache = None
    _session.unlocked_for = database.database  # whoever set it is the owner, until the next lock
    touch()
    _notify()


def clear_pin() -> None:
    """Remove the PIN (owner only): back to a one-person shop where everyone is owner."""
    require_owner("pin")
    with database.atomic():
        settings.delete(PIN_KEY, FAILURES_KEY)
        audit.log("pin_change", detail="clear")
    _session.pin_cache = None
    _notify()


def pin_record() -> dict | None:
    """The stored PIN hash of the open database (None: no PIN), for :func:`mirror_pin_into_demo`."""
    return settings.get(PIN_KEY)


def mirror_pin_into_demo(record: dict | None) -> None:
    """Give the open demo database the real database's PIN (``record`` from :func:`pin_record`
    while the real one was open), or no PIN when the real one has none. The welcome's PIN then
    protects the demo too: a clerk who switches to the demo is a clerk there, and cannot, say,
    restore a real backup into the demo to read full mobile numbers. The owner unlocks the demo
    with the same PIN. Refused for a database that is not the demo."""
    if not settings.is_demo():
        raise PermissionError("the PIN is copied into the demo database only")
    with database.atomic():
        if record is None:
            settings.delete(PIN_KEY)
        elif settings.get(PIN_KEY) != record:
            settings.put(PIN_KEY, record)
            settings.delete(FAILURES_KEY)
    _session.pin_cache = None
    _notify()


OFFERED_KEY = "security.pin_offered"


def pin_offer_due() -> bool:
    """True once per database: at first run the app offers to set an (optional) owner PIN."""
    return not has_pin() and settings.get(OFFERED_KEY) is None


def mark_pin_offered() -> None:
    settings.put(OFFERED_KEY, True)


# --- inactivity lock ----------------------------------------------------------------------------


def idle_minutes() -> int:
    value = settings.get(IDLE_KEY)
    return int(value) if value else DEFAULT_IDLE_MINUTES


def set_idle_minutes(minutes: int) -> None:
    require_owner("settings")
    if not 1 <= int(minutes) <= 240:
        raise ValueError(t("sec.idle_invalid"))
    with database.atomic():
        settings.put(IDLE_KEY, int(minutes))
        audit.log("settings", detail=f"{IDLE_KEY}={int(minutes)}")


def check_idle(minutes: int | None = None) -> bool:
    """Lock owner mode if idle for ``minutes`` (default: the setting). True if it locked now."""
    if not (_unlocked() and has_pin()):
        return False
    limit = (minutes if minutes is not None else idle_minutes()) * 60
    if idle_seconds() >= limit:
        lock()
        return True
    return False
