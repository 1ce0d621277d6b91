"""Where ShopCRM keeps its files."""

from __future__ import annotations

import os
from importlib import resources as _res
from pathlib import Path

from platformdirs import user_data_dir

from shopcrm import APP_NAME

DB_ENV = "SHOPCRM_DB"


def data_dir() -> Path:
    return Path(user_data_dir(APP_NAME, appauthor=False))


def default_db_path() -> Path:
    """The database the app opens: ``SHOPCRM_DB`` if set, else the user's data folder."""
    env = os.environ.get(DB_ENV)
    if env:
        return Path(env).expanduser()
    return data_dir() / "shopcrm.db"


def resolve_db_path(cli_value: str | os.PathLike[str] | None) -> Path:
    """``--db`` wins over ``SHOPCRM_DB``, which wins over the default location."""
    if cli_value:
        return Path(cli_value).expanduser()
    return default_db_path()


def resources_dir() -> Path:
    """The shipped resources folder, installed as the ``shopcrm.resources`` package."""
    try:
        return Path(str(_res.files("shopcrm.resources")))
    except ModuleNotFoundError:  # running from a source tree that was never installed
        return Path(__file__).resolve().parent.parent / "resources"
