"""Issue 13, must-show: random sequences of top-ups with bonus, split sales (some with lines),
partial and full refunds (by amount, by line, to the card by the owner's choice, for a
complaint) and top-up refunds, member imports that add to or replace balances, erasure (PIPL) and
recycle-bin moves keep the books: after each step every balance and points total equals its
ledger sum, no balance is negative, total spend is sales minus refunds, and the day's totals add
up to the records.

Issue 14 adds member prices, coupons, points spent as money and on gifts, and count cards: points
still equal their ledger, a card's uses are sold - consumed - refunded and never negative, a coupon
is used at most once, a gift's stock never goes below zero."""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Callable
from pathlib import Path

from conftest import valid_complaint
from hypothesis import HealthCheck, event, settings, strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from shopcrm import backup, complaints as K, customers, loyalty
from shopcrm.core import clock
from shopcrm.core.errors import FieldError
from shopcrm.customers import CustomerInput, ledger
from shopcrm.excel import excel_import
from shopcrm.loyalty import coupons, packages, points
from shopcrm.sales import counter
from shopcrm.sales.packages import refund_package, sell_package
from shopcrm.store.db import close_database, database, open_database
from shopcrm.store.models import Coupon, Customer, Package, Purchase, PurchaseLine, Topup
from shopcrm.trust import privacy, security

DAY = dt.date(2026, 11, 22)


def _one(sql: str, params: tuple = ()) -> int:
    return database.execute_sql(sql, params).fetchone()[0] or 0


def _gone(customer_id: int) -> bool:
    c = Customer.get_by_id(customer_id)
    return c.deleted_at is not None or c.erased_at is not None


class Counter(RuleBasedStateMachine):
    # a fresh database for each example: the SQLite file in the example's folder, or a new
    # PostgreSQL database (set by the test for its engine)
    new_location: Callable[[Path], object] = staticmethod(lambda folder: folder / "shop.db")

    @initialize()
    def shop(self):
        security.reset_session()
        clock.set_now(dt.datetime.combine(DAY, dt.time(9)))
        self.dir = tempfile.TemporaryDirectory(prefix="shopcrm-stateful-")
        open_database(self.new_location(Path(self.dir.name)))
        counter.save_settings(bonus_rules=[{"min": 50_000, "bonus": 5_000}, {"min": 100_000, "bonus": 15_000}])
        gold = customers.level_id_by_name("金卡", create=True)
        self.ids = [
            customers.create(
                CustomerInput(name=f"客户{i}", mobile=f"1380000000{i}", level_id=gold if i == 0 else None)
            ).id
            for i in range(3)
        ]
        loyalty.save_settings(
            level_discounts={"金卡": 95},
            member_price_types=["goods", "package"],
            points_per_yuan=100,
            points_cap_percent=50,
        )
        self.gift = points.add_gift("保温杯", 300, 3).id
        self.coupon_uses = 0  # sales that used a coupon
        self.imports = 0
        self.sales = 0  # gross sales
        self.refunds = 0  # refunds of purchases

    def teardown(self):
        for pending in backup.pending_backups():  # imports back up first: their checks end before the folder goes
            pending._done.wait(60)
        close_database()
        self.dir.cleanup()
        clock.set_now(None)

    @rule(
        i=st.integers(0, 5),
        yuan=st.sampled_from([1, 100, 499, 500, 1000, 1200]),
        method=st.sampled_from(counter.METHODS),
    )
    def top_up(self, i, yuan, method):
        cid = self.ids[i % len(self.ids)]
        try:
            counter.topup(cid, yuan * 100, method)
        except FieldError as exc:
            assert exc.field == "customer" and _gone(cid)  # the recycle bin and erased are refused
            event("top-up refused: customer gone")

    @rule(
        i=st.integers(0, 5),
        cents=st.integers(1, 80_000),
        card_share=st.integers(0, 100),
        lines=st.lists(st.tuples(st.integers(1, 3), st.integers(0, 3_000)), max_size=3),
    )
    def sale(self, i, cents, card_share, lines):
        named = [(f"货{k}", q, u) for k, (q, u) in enumerate(lines)]
        if named and sum(q * u for _n, q, u in named) > 0:
            cents = sum(q * u for _n, q, u in named)  # with lines, the amount is theirs
        else:
            named = []
        cid = self.ids[i % len(self.ids)]
        try:
            due = loyalty.price(cid, cents).due  # the member price (issue 14)
        except FieldError as exc:
            assert exc.field == "customer" and _gone(cid)
            return
        card = due * card_share // 100
        if named:  # (a sale by amount tries the card beyond its balance; one with lines does not)
            card = min(card, Customer.get_by_id(cid).balance_cents)
        pay = {"card": card, "wechat": due - card}
        try:
            counter.sell(cid, None if named else cents, pay, lines=named or None)
        except FieldError as exc:
            # only a card part over the balance, or a customer in the recycle bin / erased
            assert exc.field == "balance" or (exc.field == "customer" and _gone(cid)), exc.field
            event(f"sale refused: {exc.field}")
            return
        self.sales += due
        if named:
            event("sale with lines")

    # --- issue 14: coupons, points as money, gifts, count cards --------------------------------------

    @rule(i=st.integers(0, 5), kind=st.sampled_from(["amount", "percent", "gift"]), days=st.integers(1, 3))
    def issue_coupon(self, i, kind, days):
        cid = self.ids[i % len(self.ids)]
        terms = coupons.Terms(
            kind, amount_off_cents=1_000, percent_off=15, threshold_cents=2_000, gift="小样", days=days
        )
        try:
            coupons.issue(cid, terms)
        except FieldError as exc:
            assert exc.field == "customer" and _gone(cid)

    @rule(
        i=st.integers(0, 5),
        cents=st.integers(1, 80_000),
        pick=st.integers(0, 10_000),
        share=st.integers(0, 110),
        lines=st.lists(st.tuples(st.integers(1, 3), st.integers(0, 9_000)), max_size=3),
    )
    def sale_with_coupon_and_points(self, i, cents, pick, share, lines):
        """A share of the most points the sale can take (over 100: more than the caps allow);
        with lines, they add up to the list price (the sale is paid less)."""
        named = [(f"货{k}", q, u) for k, (q, u) in enumerate(lines)]
        if named and sum(q * u for _n, q, u in named) > 0:
            cents = sum(q * u for _n, q, u in named)
        else:
            named = []
        cid = self.ids[i % len(self.ids)]
        mine = list(Coupon.select().where(Coupon.customer == cid).order_by(Coupon.id))
        anyone = list(Coupon.select().order_by(Coupon.id))
        code = None
        if pick % 4 and mine:
            code = mine[pick % len(mine)].code
        elif pick % 4 == 0 and anyone:
            code = anyone[pick % len(anyone)].code  # maybe another's
        try:
            pts = loyalty.price(cid, cents, code).points_max * share // 100
        except FieldError:
            pts = share  # the sale below is refused the same way
        try:
            p = counter.sell(cid, None if named else cents, coupon=code, points=pts, lines=named or None)
        except FieldError as exc:
            # another's / used / expired coupon, under its threshold, points over the caps, gone
            assert exc.field in ("coupon", "points") or (exc.field == "customer" and _gone(cid)), exc.field
            event(f"loyalty sale refused: {exc.field}")
            return
        self.sales += p.amount_cents
        self.coupon_uses += 1 if code else 0
        event("loyalty sale with lines" if named else "loyalty sale")
        if named and p.amount_cents < cents:
            event("discounted sale with lines")

    @rule(i=st.integers(0, 5))
    def redeem_gift(self, i):
        cid = self.ids[i % len(self.ids)]
        try:
            points.redeem_gift(cid, self.gift)
        except FieldError as exc:
            assert exc.field in ("gift", "points") or (exc.field == "customer" and _gone(cid)), exc.field

    @rule(i=st.integers(0, 5), uses=st.integers(1, 4), yuan=st.integers(1, 500))
    def sell_package(self, i, uses, yuan):
        cid = self.ids[i % len(self.ids)]
        try:
            pkg = sell_package(cid, "洗车", uses, yuan * 100, 365)
        except FieldError as exc:
            assert exc.field == "customer" and _gone(cid)
            return
        self.sales += Purchase.get_by_id(pkg.purchase_id).amount_cents

    @precondition(lambda self: Package.select().exists())
    @rule(pick=st.integers(0, 10_000))
    def use_package(self, pick):
        cards = list(Package.select().order_by(Package.id))
        pkg = cards[pick % len(cards)]
        try:
            packages.use(pkg.id)
        except FieldError as exc:
            assert (exc.field == "package" and pkg.remaining == 0) or (
                exc.field == "customer" and _gone(pkg.customer_id)
            )

    @precondition(lambda self: Package.select().exists())
    @rule(pick=st.integers(0, 10_000))
    def refund_package(self, pick):
        cards = list(Package.select().order_by(Package.id))
        pkg = cards[pick % len(cards)]
        try:
            r = refund_package(pkg.id)
        except FieldError as exc:
            # nothing left, or the sale was refunded by hand already (nothing left of its money)
            assert exc.field in ("package", "amount"), exc.field
            return
        self.refunds += r.amount_cents

    @precondition(lambda self: Purchase.select().where(Purchase.amount_cents > 0).exists())
    @rule(pick=st.integers(0, 10_000), part=st.integers(0, 100))
    def refund(self, pick, part):
        open_ = list(Purchase.select().where(Purchase.amount_cents > 0).order_by(Purchase.id))
        p = open_[pick % len(open_)]
        amount = None if part == 0 else max(1, p.amount_cents * part // 100)
        r = counter.refund_purchase(p.id, amount)
        self.refunds += r.amount_cents

    @precondition(lambda self: PurchaseLine.select().where(PurchaseLine.refunded_qty < PurchaseLine.qty).exists())
    @rule(pick=st.integers(0, 10_000), some=st.integers(0, 5))
    def refund_line(self, pick, some):
        """A line (or some pieces of it), whatever was refunded of the purchase before."""
        open_ = list(
            PurchaseLine.select().where(PurchaseLine.refunded_qty < PurchaseLine.qty).order_by(PurchaseLine.id)
        )
        ln = open_[pick % len(open_)]
        qty = None if some == 0 else min(some, ln.qty - ln.refunded_qty)
        try:
            r = counter.refund_purchase(ln.purchase_id, lines={ln.position: qty})
        except FieldError as exc:
            # a free line (0.00), or less left of the purchase than the line (refunds by amount)
            assert exc.field == "amount", exc.field
            event("line refund refused: amount")
            return
        self.refunds += r.amount_cents
        event("line refund")

    @precondition(lambda self: Purchase.select().where(Purchase.amount_cents > 0).exists())
    @rule(pick=st.integers(0, 10_000), part=st.integers(0, 100))
    def refund_to_card(self, pick, part):
        """The owner's choice (no PIN here: the owner): all onto the card."""
        open_ = list(Purchase.select().where(Purchase.amount_cents > 0).order_by(Purchase.id))
        p = open_[pick % len(open_)]
        amount = None if part == 0 else max(1, p.amount_cents * part // 100)
        r = counter.refund_purchase(p.id, amount, to_card=True)
        self.refunds += r.amount_cents

    @precondition(lambda self: Purchase.select().where(Purchase.amount_cents > 0).exists())
    @rule(pick=st.integers(0, 10_000), part=st.integers(1, 100))
    def complaint_refund(self, pick, part):
        """A complaint resolved with a refund of one of the customer's purchases to the card."""
        open_ = list(Purchase.select().where(Purchase.amount_cents > 0).order_by(Purchase.id))
        p = open_[pick % len(open_)]
        amount = max(1, p.amount_cents * part // 100)
        try:
            kid = valid_complaint(p.customer_id, dt.datetime.combine(DAY, dt.time(9)))
            K.resolve(kid, "退款", amount_cents=amount, refund_to_card=True, purchase_id=p.id)
        except K.ValidationError:
            assert _gone(p.customer_id)  # no complaint for a customer in the recycle bin or erased
            event("complaint refund refused: customer gone")
            return
        self.refunds += amount
        event("complaint refund")

    @precondition(lambda self: Topup.select().exists())
    @rule(pick=st.integers(0, 10_000))
    def refund_topup(self, pick):
        tops = list(Topup.select().order_by(Topup.id))
        t = tops[pick % len(tops)]
        if counter.topup_refundable(t) > 0:
            counter.refund_topup(t.id)

    @rule(
        rows=st.lists(st.tuples(st.integers(0, 5), st.integers(0, 3000), st.integers(0, 500)), min_size=1, max_size=3),
        mode=st.sampled_from(["add", "replace"]),
    )
    def import_members(self, rows, mode):
        """A tiny member CSV: existing members matched by mobile (3..5 are new numbers), their
        balance and points added or replaced through "import" ledger entries."""
        self.imports += 1
        path = Path(self.dir.name) / f"members{self.imports}.csv"
        lines = ["姓名,手机,余额,积分"]
        seen = set()
        for k, yuan, pts in rows:
            if k in seen:  # one row per member: a file repeating a mobile is a different story
                continue
            seen.add(k)
            lines.append(f"导入{k},1380000000{k},{yuan},{pts}")
        path.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
        report = excel_import.run(path, excel_import.ImportOptions(on_duplicate="fill", balance_mode=mode, today=DAY))
        assert report.imported + report.updated == len(seen)
        event(f"import ({mode})")
        known = set(self.ids)
        self.ids += [c.id for c in Customer.select(Customer.id).order_by(Customer.id) if c.id not in known]

    @rule(i=st.integers(0, 5), dice=st.integers(0, 3))
    def erase(self, i, dice):
        cid = self.ids[i % len(self.ids)]
        # one draw in four: erasure is for good, and the money rules need live members to act on
        if dice == 0 and Customer.get_by_id(cid).erased_at is None:
            privacy.erase_customer(cid, vacuum=False)
            event("erased a customer")

    @rule(i=st.integers(0, 5))
    def to_recycle_bin(self, i):
        customers.soft_delete([self.ids[i % len(self.ids)]])

    @rule(i=st.integers(0, 5))
    def restore(self, i):
        customers.restore([self.ids[i % len(self.ids)]])

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
        # issue 14: uses = sold - consumed - refunded, never negative; a coupon used at most once
        assert _one("SELECT COUNT(*) FROM package WHERE remaining < 0") == 0
        assert (
            _one(
                "SELECT COUNT(*) FROM package p WHERE p.remaining != p.uses + "
                "(SELECT COALESCE(SUM(delta), 0) FROM package_use u WHERE u.package_id = p.id)"
            )
            == 0
        )
        assert _one("SELECT COUNT(*) FROM coupon WHERE status = 'used'") == self.coupon_uses
        assert _one("SELECT COUNT(*) FROM purchase WHERE coupon_off_cents > 0") <= self.coupon_uses
        assert (
            _one(
                "SELECT COUNT(*) FROM (SELECT purchase_id FROM coupon WHERE purchase_id IS NOT NULL "
                "GROUP BY purchase_id HAVING COUNT(*) > 1) twice"
            )
            == 0
        )
        # lines × pricing: a line's refund is its share of what was paid, the shares add up to it,
        # a wholly refunded line gave back all of its share, the points spent as money come back
        # pro rata and never more than were spent
        for p in Purchase.select().where(Purchase.id.in_(PurchaseLine.select(PurchaseLine.purchase))):
            shares = counter.lines_paid(p.id)
            assert sum(shares.values()) == p.amount_cents + p.refunded_cents
            lines_back = 0
            for ln in counter.lines_of(p.id):
                assert 0 <= ln.refunded_cents <= shares[ln.position]
                assert ln.refunded_qty < ln.qty or ln.refunded_cents == shares[ln.position]
                lines_back += ln.refunded_cents
            assert lines_back <= p.refunded_cents
        for used, back, left in database.execute_sql(
            "SELECT p.points_used, COALESCE(SUM(e.points_delta), 0), p.amount_cents FROM purchase p "
            "LEFT JOIN ledger_entry e ON e.purchase_id = p.id AND e.kind = 'refund' "
            "WHERE p.points_used > 0 GROUP BY p.id"
        ).fetchall():
            assert 0 <= back <= used and (left > 0 or back == used)
        stock = _one("SELECT stock FROM points_gift WHERE id = ?", (self.gift,))
        assert stock >= 0 and stock + _one("SELECT COUNT(*) FROM gift_redemption") == 3
        assert (
            _one(
                "SELECT COUNT(*) FROM purchase WHERE list_cents IS NOT NULL AND amount_cents + refunded_cents "
                "!= list_cents - member_off_cents - coupon_off_cents - points_off_cents"
            )
            == 0
        )


SETTINGS = settings(
    max_examples=50, stateful_step_count=30, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


def test_counter_state_machine(engine_name, request, monkeypatch):
    """The counter's rules on each engine (a new database per example: on PostgreSQL a copy of
    the schema template, a few ms)."""
    if engine_name == "postgresql":
        from pg_server import SCHEMA_TEMPLATE

        server = request.getfixturevalue("pg_server")
        monkeypatch.setattr(Counter, "new_location", staticmethod(lambda folder: server.new_database(SCHEMA_TEMPLATE)))
    run_state_machine_as_test(Counter, settings=SETTINGS)


def test_erasure_keeps_how_the_shop_was_paid(tmp_path):
    security.reset_session()
    clock.set_now(dt.datetime.combine(DAY, dt.time(9)))
    open_database(tmp_path / "shop.db")
    try:
        cid = customers.create(CustomerInput(name="客户", mobile="13800000000")).id
        counter.topup(cid, 10_000, "wechat")
        before = counter.day_totals(DAY).by_method
        privacy.erase_customer(cid, vacuum=False)
        assert counter.day_totals(DAY).by_method == before
    finally:
        close_database()
        clock.set_now(None)
