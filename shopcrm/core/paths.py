"""Where ShopCRM keeps its files, and where its database is.

A database location is an SQLite file (a :class:`~pathlib.Path`) or a PostgreSQL database named
by a ``postgresql://`` URL (a :class:`PgUrl`). Anything else that looks like a URL (``mysql://…``,
``http://…``) is refused with :class:`DbLocationError` before anything is created: turned into a
``Path`` it would silently become folders named ``mysql:``."""

from __future__ import annotations

import os
import re
from importlib import resources as _res
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from platformdirs import user_data_dir

from shopcrm import APP_NAME
from shopcrm.core.texts import t

DB_ENV = "SHOPCRM_DB"
POSTGRES_SCHEMES = ("postgresql", "postgres")
# a URL scheme followed by at least one slash (a URL, or one that a Path has already mangled);
# one letter before the colon is a Windows drive (C:\shop.db, C:/shop.db), not a scheme
_URL_LIKE = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]+):[/\\]")


class DbLocationError(ValueError):
    """A ``--db`` / ``SHOPCRM_DB`` / dialog value that names no database ShopCRM can open;
    ``str(e)`` is a message for the user in their language."""


class PgUrl(str):
    """A ``postgresql://`` URL naming a PostgreSQL database (libpq's URI syntax: user, host,
    port, database and parameters such as ``sslmode``). It may carry a password when it came
    from the command line or the environment; :attr:`display` never shows it, and the URL is
    never written to a settings file with one."""

    @property
    def display(self) -> str:
        return redact(self)

    @property
    def password(self) -> str | None:
        return urlsplit(self).password


DbLocation = Path | PgUrl


def redact(url: str) -> str:
    """``url`` with its password (if any) replaced by ``***``."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)
    user = netloc[0].split(":", 1)[0]
    return urlunsplit(parts._replace(netloc=f"{user}:***@{netloc[1]}"))


def parse_db_location(value: str | os.PathLike[str]) -> DbLocation:
    """A file path or a PostgreSQL URL; DbLocationError for any other URL (or a PostgreSQL URL
    that a ``Path`` has already mangled into ``postgresql:/host/db``)."""
    if isinstance(value, PgUrl):
        return value
    # typed or pasted: a stray space around a URL is not part of it
    text = str(value) if isinstance(value, Path) else os.fspath(value).strip()
    match = _URL_LIKE.match(text)
    if match is None:
        return value if isinstance(value, Path) else Path(text).expanduser()
    scheme = match.group(1).lower()
    if scheme in POSTGRES_SCHEMES and text[len(scheme) + 1 :].startswith("//"):
        try:
            urlsplit(text).port  # noqa: B018 - raises ValueError for a port that is not a number
        except ValueError:
            raise DbLocationError(t("db.bad_location", value=redact(text))) from None
        return PgUrl(text)
    raise DbLocationError(t("db.bad_location", value=redact(text)))


def data_dir() -> Path:
    return Path(user_data_dir(APP_NAME, appauthor=False))


def default_db_location() -> DbLocation:
    """The database the app opens: ``SHOPCRM_DB`` if set, else the user's data folder."""
    env = os.environ.get(DB_ENV)
    if env:
        return parse_db_location(env)
    return data_dir() / "shopcrm.db"


def resolve_db_location(cli_value: str | os.PathLike[str] | None) -> DbLocation:
    """``--db`` wins over ``SHOPCRM_DB``, which wins over the default location."""
    if cli_value:
        return parse_db_location(cli_value)
    return default_db_location()


def resolve_db_path(cli_value: str | os.PathLike[str] | None) -> Path:
    """As :func:`resolve_db_location`, for the parts of ShopCRM that work on an SQLite file only
    (so far): a PostgreSQL URL is refused with DbLocationError instead of becoming a folder."""
    location = resolve_db_location(cli_value)
    if isinstance(location, PgUrl):
        raise DbLocationError(t("db.file_only", value=location.display))
    return location


def resources_dir() -> Path:
    """The shipped resources folder, installed as the ``shopcrm.resources`` package."""
    try:
        return Path(str(_res.files("shopcrm.resources")))
    except ModuleNotFoundError:  # running from a source tree that was never installed
        return Path(__file__).resolve().parent.parent / "resources"
