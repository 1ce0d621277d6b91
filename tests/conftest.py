"""Shared fixtures. Qt runs offscreen; every test that needs a database gets a real SQLite file."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# keep tests away from the user's real settings and database
os.environ.setdefault("XDG_CONFIG_HOME", str(Path(__file__).parent / ".." / "build" / "test-config"))
os.environ.pop("SHOPCRM_DB", None)

collect_ignore = ["benchmarks"]

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "shop.db"


@pytest.fixture
def db(db_path):
    """An opened, migrated ShopCRM database in a temporary file."""
    from shopcrm.db import close_database, database, open_database

    open_database(db_path)
    yield database
    close_database()


@pytest.fixture(autouse=True)
def _chinese_messages():
    from shopcrm import texts

    texts.set_language("zh_CN")
    yield
    texts.set_language("zh_CN")


@pytest.fixture
def python_exe() -> str:
    return sys.executable
