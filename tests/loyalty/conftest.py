"""A shop on a real database file with the clock at 10:00 on TEST_DAY, in owner mode."""

from __future__ import annotations

import datetime as dt

import pytest

from shopcrm import customers
from shopcrm.core import clock
from shopcrm.customers import CustomerInput, ledger
from shopcrm.trust import security


@pytest.fixture
def shop(db, fixed_day):
    security.reset_session()
    clock.set_now(dt.datetime.combine(fixed_day, dt.time(10)))
    yield fixed_day
    security.reset_session()


@pytest.fixture
def member(shop):
    """A member (mobile 13812345678, card V001) of level 金卡 with 10,000 points."""

    def make(mobile="13812345678", card="V001", level="金卡", points=10_000) -> int:
        level_id = customers.level_id_by_name(level, create=True) if level else None
        cid = customers.create(CustomerInput(name="张三", mobile=mobile, card_no=card, level_id=level_id)).id
        if points:
            ledger.apply(cid, "adjust", points_delta=points, reason="测试积分")
        return cid

    return make
