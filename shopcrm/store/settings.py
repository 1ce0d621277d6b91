"""Settings kept in the database (Setting table, JSON values), so they travel with the data."""

from __future__ import annotations

import json
from typing import Any

from shopcrm.store.models import Setting

SHOP_NAME = "shop_name"


def get(key: str, default: Any = None) -> Any:
    row = Setting.get_or_none(Setting.key == key)
    return default if row is None else json.loads(row.value)


def put(key: str, value: Any) -> None:
    Setting.insert(key=key, value=json.dumps(value, ensure_ascii=False)).on_conflict_replace().execute()


def shop_name() -> str:
    return get(SHOP_NAME, "") or ""
