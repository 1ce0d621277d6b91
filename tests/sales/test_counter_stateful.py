"""Issue 13, must-show: random sequences of top-ups with bonus, split sales, partial and full
refunds and top-up refunds keep the books: after each step every balance and points total
equals its ledger sum, no balance is negative, total spend is sales minus refunds, and the
day's totals add up to the records."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, settings, strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from shopcrm import customers
from shopcrm.core import clock
from shopcrm.core.errors import FieldError
from shopcrm.customers import CustomerInput, ledger
from shopcrm.sales import counter
from shopcrm.store.db import close_database, database, open_database
from shopcrm.store.models import Customer, Purchase, Topup
from shopcrm.trust import security

DAY = dt.date(2026, 11, 22)


def _one(sql: str, params: tuple = ()) -> int:
    return database.execute_sql(sql, params).fetchone()[0] or 0


class Counter(RuleBasedStateMachine):
    @initialize()
    def shop(self):
        security.reset_session()
        clock.set_now(dt.datetime.combine(DAY, dt.time(9)))
        self.dir = tempfile.TemporaryDirectory(prefix="shopcrm-stateful-")
        open_database(Path(self.dir.name) / "shop.db")
        counter.save_settings(bonus_rules=[{"min": 50_000, "bonus": 5_000}, {"min": 100_000, "bonus": 15_000}])
        self.ids = [customers.create(CustomerInput(name=f"客户{i}", mobile=f"1380000000{i}")).id for i in range(3)]
        self.sales = 0  # gross sales
        self.refunds = 0  # refunds of purchases

    def teardown(self):
        close_database()
        self.dir.cleanup()
        clock.set_now(None)

    @rule(
        i=st.integers(0, 2),
        yuan=st.sampled_from([1, 100, 499, 500, 1000, 1200]),
        method=st.sampled_from(counter.METHODS),
    )
    def top_up(self, i, yuan, method):
        counter.topup(self.ids[i], yuan * 100, method)

    @rule(i=st.integers(0, 2), cents=st.integers(1, 80_000), card_share=st.integers(0, 100))
    def sale(self, i, cents, card_share):
        card = cents * card_share // 100
        pay = {"card": card, "wechat": cents - card}
        try:
            counter.sell(self.ids[i], cents, pay)
        except FieldError as exc:
            assert exc.field == "balance"  # only a card part over the balance is refused
            return
        self.sales += cents

    @precondition(lambda self: Purchase.select().where(Purchase.amount_cents > 0).exists())
    @rule(pick=st.integers(0, 10_000), part=st.integers(0, 100))
    def refund(self, pick, part):
        open_ = list(Purchase.select().where(Purchase.amount_cents > 0).order_by(Purchase.id))
        p = open_[pick % len(open_)]
        amount = None if part == 0 else max(1, p.amount_cents * part // 100)
        r = counter.refund_purchase(p.id, amount)
        self.refunds += r.amount_cents

    @precondition(lambda self: Topup.select().exists())
    @rule(pick=st.integers(0, 10_000))
    def refund_topup(self, pick):
        tops = list(Topup.select().order_by(Topup.id))
        t = tops[pick % len(tops)]
        if counter.topup_refundable(t) > 0:
            counter.refund_topup(t.id)

    @invariant()
    def books_balance(self):
        if not hasattr(self, "ids"):
            return
        assert ledger.verify() == []
        assert _one("SELECT COUNT(*) FROM customer WHERE balance_cents < 0 OR points < 0") == 0
        assert _one("SELECT SUM(total_spend_cents) FROM customer") == self.sales - self.refunds
        assert _one("SELECT SUM(amount_cents) FROM purchase") == self.sales - self.refunds
        counts = _one("SELECT SUM(purchase_count) FROM customer")
        assert counts == _one("SELECT COUNT(*) FROM purchase WHERE amount_cents > 0")
        totals = counter.day_totals(DAY)
        assert sum(v["sales"] for v in totals.by_method.values()) == self.sales
        assert sum(v["refunds"] for v in totals.by_method.values()) == self.refunds + _one(
            "SELECT SUM(amount_cents) FROM refund WHERE topup_id IS NOT NULL"
        )
        assert totals.liability == _one("SELECT SUM(balance_cents) FROM customer")
        assert totals.bonus_given == _one("SELECT SUM(bonus_cents) FROM topup")
        for c in Customer.select():
            assert c.total_spend_cents >= 0


Counter.TestCase.settings = settings(
    max_examples=25, stateful_step_count=25, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
TestCounter = Counter.TestCase
