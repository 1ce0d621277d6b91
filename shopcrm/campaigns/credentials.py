"""Where the providers' secrets live: never in the database file (it is backed up, copied to USB
sticks and sync folders, and sent along for support).

- The system keyring (Windows Credential Manager, macOS Keychain, Secret Service / KWallet on a
  Linux desktop) through the ``keyring`` package, when it offers a usable backend.
- Otherwise a JSON file in the user's config folder (``credentials.json`` beside ShopCRM's other
  settings), created with mode 0600 (read and write by its owner only) inside a 0700 folder. On
  Windows, POSIX modes do not exist: the file is only as private as the user's profile folder,
  and :attr:`FileStore.warning` says so (Windows always has the Credential Manager backend, so
  this happens only when that is unavailable).

One entry per channel config name (``sms.aliyun``, ``sms.tencent``, ``email.smtp``): a dict such
as ``{"access_key_id": …, "access_key_secret": …}``."""

from __future__ import annotations

import json
import logging
import os
import stat
import sys
from pathlib import Path
from typing import Protocol

from platformdirs import user_config_dir

from shopcrm import APP_NAME
from shopcrm.core.texts import register, t

log = logging.getLogger(__name__)

SERVICE = "ShopCRM"  # the keyring's service name
FILE_NAME = "credentials.json"
ENV = "SHOPCRM_CREDENTIALS"  # a file to use instead of the keyring (scripts, tests)

register(
    {
        "cred.windows_file": (
            "密钥保存在“{path}”。Windows 上无法把文件限制为仅本人可读，它只受你的用户文件夹权限保护；"
            "请确认这台电脑只有你的 Windows 账户能登录，或启用 Windows 凭据管理器。",
            "The secrets are kept in “{path}”. Windows cannot restrict this file to its owner: it is "
            "only as private as your user folder. Make sure no one else logs in with your Windows "
            "account, or enable the Windows Credential Manager.",
        ),
        "cred.not_private": (
            "密钥文件“{path}”的权限是 {mode}，其他用户也能读取；ShopCRM 已把它改为仅本人可读（0600）。",
            "The secrets file “{path}” had mode {mode}, readable by others; ShopCRM made it owner-only (0600).",
        ),
        "cred.damaged": (
            "密钥文件“{path}”已损坏（{reason}），请重新设置渠道密钥。",
            "The secrets file “{path}” is damaged ({reason}); set the channel credentials again.",
        ),
    }
)


class CredentialStore(Protocol):
    def get(self, name: str) -> dict[str, str] | None: ...

    def set(self, name: str, values: dict[str, str]) -> None: ...

    def delete(self, name: str) -> None: ...

    def describe(self) -> str: ...


def default_path() -> Path:
    return Path(user_config_dir(APP_NAME, appauthor=False)) / FILE_NAME


class FileStore:
    """A JSON file only its owner can read (0600)."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path is not None else default_path()
        self.warning = t("cred.windows_file", path=self.path) if sys.platform == "win32" else ""

    def describe(self) -> str:
        return f"file {self.path}"

    def _read(self) -> dict[str, dict[str, str]]:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return {}
        self._check_private()
        try:
            data = json.loads(text)
            if not isinstance(data, dict):
                raise ValueError("not a JSON object")
        except ValueError as exc:
            raise ValueError(t("cred.damaged", path=self.path, reason=exc)) from exc
        return data

    def _check_private(self) -> None:
        if os.name != "posix":
            return
        mode = stat.S_IMODE(self.path.stat().st_mode)
        if mode & 0o077:
            log.warning("%s", t("cred.not_private", path=self.path, mode=oct(mode)))
            os.chmod(self.path, 0o600)

    def _write(self, data: dict[str, dict[str, str]]) -> None:
        folder = self.path.parent
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp = folder / f".{self.path.name}.tmp"
        tmp.unlink(missing_ok=True)
        # created 0600 from the start (no moment in which another user could open it)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(data, f, ensure_ascii=False, indent=1)
                f.flush()
                os.fsync(f.fileno())
            if os.name == "posix":
                os.chmod(tmp, 0o600)  # whatever the umask did
            os.replace(tmp, self.path)
        finally:
            tmp.unlink(missing_ok=True)
        if self.warning:
            log.warning("%s", self.warning)

    def get(self, name: str) -> dict[str, str] | None:
        return self._read().get(name)

    def set(self, name: str, values: dict[str, str]) -> None:
        data = self._read()
        data[name] = dict(values)
        self._write(data)

    def delete(self, name: str) -> None:
        data = self._read()
        if data.pop(name, None) is not None:
            self._write(data)


class KeyringStore:
    """The system keyring: one password entry per channel, holding its dict as JSON."""

    def __init__(self, backend) -> None:
        self.backend = backend

    def describe(self) -> str:
        return f"keyring {type(self.backend).__module__}.{type(self.backend).__name__}"

    def get(self, name: str) -> dict[str, str] | None:
        raw = self.backend.get_password(SERVICE, name)
        return None if raw is None else json.loads(raw)

    def set(self, name: str, values: dict[str, str]) -> None:
        self.backend.set_password(SERVICE, name, json.dumps(values, ensure_ascii=False))

    def delete(self, name: str) -> None:
        if self.backend.get_password(SERVICE, name) is not None:
            self.backend.delete_password(SERVICE, name)


def usable_keyring():
    """The system keyring backend when one is usable, else None (headless Linux, no D-Bus
    session, the ``keyring`` package missing or its null / fail backends chosen)."""
    try:
        import keyring
        from keyring.backends import fail, null
    except ImportError:  # expected: keyring is optional at run time; the file store takes over
        return None
    try:
        backend = keyring.get_keyring()
    except Exception as exc:  # noqa: BLE001 - a broken keyring configuration must not stop sending
        log.warning("the system keyring is not usable: %s", exc)
        return None
    if isinstance(backend, fail.Keyring | null.Keyring) or getattr(backend, "priority", 0) <= 0:
        return None
    return backend


def default_store(path: str | Path | None = None) -> CredentialStore:
    """The keyring when usable, else the owner-only file (``path`` or ``$SHOPCRM_CREDENTIALS``:
    a given file always means the file store; tests give one in tmp_path)."""
    if path is None and os.environ.get(ENV):
        path = os.environ[ENV]
    if path is None:
        backend = usable_keyring()
        if backend is not None:
            return KeyringStore(backend)
    return FileStore(path)
