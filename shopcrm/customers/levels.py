"""Member levels on the archive: a level change set by hand goes to the customer's history.

(The automatic upgrade rules live in shopcrm.grading, which calls this to record what it did.)"""

from __future__ import annotations

import datetime as dt

from shopcrm.core.texts import register, t
from shopcrm.store.models import CustomerHistory, Level, now

register(
    {
        "levels.reason_manual": ("店主手动调整", "Changed by the owner"),
    }
)


def record_level_change(
    customer_id: int,
    old_level_id: int | None,
    new_level_id: int | None,
    *,
    reason: str = "",
    at: dt.datetime | None = None,
) -> None:
    """Write a level change (by hand in the archive form, or a rule's upgrade) to the history."""
    names = {lv.id: lv.name for lv in Level.select(Level.id, Level.name)}
    CustomerHistory.create(
        customer=customer_id,
        at=at or now(),
        kind="level",
        old_value=names.get(old_level_id, "") if old_level_id else "",
        new_value=names.get(new_level_id, "") if new_level_id else "",
        reason=reason or t("levels.reason_manual"),
    )
