"""The satisfaction figures the owner steers by, by month and by channel (分析 → 满意度指标).

Definitions (every rate is a share 0..1, ``None`` when its denominator is 0):

- scores: the satisfaction scores (1-5) recorded in the month: ``contact.satisfaction`` plus
  ``complaint.satisfaction`` of walk-in complaints (a member's complaint follow-up is already a
  contact with that score, shopcrm.complaints.record_followup, and is not counted twice);
- ``satisfaction``: their average; ``reputation`` (美誉度): the share of scores ≥ 4;
- ``complaint_rate``: complaints received in the month / active customers (customers who bought
  in the month);
- ``repurchase_rate``: the share of the month's buyers who had bought before the month;
- ``retention`` (保有量): the share of the previous month's buyers who bought again this month;
- ``price_sensitivity``: the share of the month's purchases (returns left out) made with a member
  discount or a coupon (``purchase.member_off_cents`` / ``coupon_off_cents``, schema 20, or a gift
  coupon used on it); points spent as money are a reward, not a discount, and do not count;
- ``referrals``: customers who joined in the month with a "referred by" customer;
- ``nps``: % promoters (9-10) minus % detractors (0-6) of the month's NPS answers (``contact.nps``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields

from shopcrm.core.texts import register, t
from shopcrm.store import sqlfn
from shopcrm.store.db import database, read_snapshot

register(
    {
        "figures.month": ("月份", "Month"),
        "figures.channel": ("渠道", "Channel"),
        "figures.scores": ("评分数", "Scores"),
        "figures.satisfaction": ("满意度", "Satisfaction"),
        "figures.reputation": ("美誉度", "Reputation (≥4)"),
        "figures.complaints": ("投诉数", "Complaints"),
        "figures.active": ("活跃客户", "Active customers"),
        "figures.complaint_rate": ("投诉率", "Complaint rate"),
        "figures.buyers": ("购买客户", "Buyers"),
        "figures.repurchase_rate": ("复购率", "Repurchase rate"),
        "figures.retention": ("保有率", "Retention"),
        "figures.price_sensitivity": ("价格敏感度", "Price sensitivity"),
        "figures.referrals": ("转介绍", "Referrals"),
        "figures.nps": ("NPS", "NPS"),
        "figures.contacts": ("联系次数", "Contacts"),
        "figures.sheet_month": ("按月", "By month"),
        "figures.sheet_channel": ("按渠道", "By channel"),
    }
)


@dataclass
class MonthFigures:
    month: str  # "YYYY-MM"
    scores: int = 0
    satisfaction: float | None = None
    reputation: float | None = None
    complaints: int = 0
    active: int = 0
    complaint_rate: float | None = None
    buyers: int = 0
    repurchase_rate: float | None = None
    retention: float | None = None
    price_sensitivity: float | None = None
    referrals: int = 0
    nps: float | None = None


@dataclass
class ChannelFigures:
    channel: str
    contacts: int = 0
    scores: int = 0
    satisfaction: float | None = None
    reputation: float | None = None


RATES = frozenset({"reputation", "complaint_rate", "repurchase_rate", "retention", "price_sensitivity"})


def month_starts(first: dt.date, months: int) -> list[dt.date]:
    out, d = [], first.replace(day=1)
    for _ in range(months):
        out.append(d)
        d = (d + dt.timedelta(days=32)).replace(day=1)
    return out


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _scores_sql() -> str:
    """(at, channel, score) of every satisfaction score, without counting a score twice."""
    return (
        "SELECT at, channel, satisfaction s FROM contact WHERE satisfaction IS NOT NULL AND at >= ? AND at < ? "
        "UNION ALL SELECT closed_at, channel, satisfaction FROM complaint WHERE satisfaction IS NOT NULL "
        "AND customer_id IS NULL AND closed_at >= ? AND closed_at < ?"
    )


DISCOUNTED = (
    "(p.member_off_cents > 0 OR p.coupon_off_cents > 0 OR EXISTS (SELECT 1 FROM coupon cp WHERE cp.purchase_id = p.id))"
)


def by_month(first: dt.date, months: int = 12) -> list[MonthFigures]:
    """The figures of ``months`` months from the month of ``first``."""
    starts = month_starts(first, months)
    lo = starts[0].isoformat()
    hi = month_starts(starts[-1], 2)[1].isoformat()
    prev_lo = month_starts(starts[0] - dt.timedelta(days=1), 1)[0].isoformat()
    out = {d.strftime("%Y-%m"): MonthFigures(d.strftime("%Y-%m")) for d in starts}
    with read_snapshot():  # one read snapshot
        for m, n, total, good in database.execute_sql(
            f"SELECT {sqlfn.month_of('at')} m, count(*), SUM(s), SUM({sqlfn.bool_int('s >= 4')}) "
            f"FROM ({_scores_sql()}) x GROUP BY m",
            (lo, hi, lo, hi),
        ):
            if m in out:
                f = out[m]
                f.scores, f.satisfaction, f.reputation = n, int(total) / n, int(good) / n
        for m, n in database.execute_sql(
            f"SELECT {sqlfn.month_of('received_at')} m, count(*) FROM complaint "
            "WHERE received_at >= ? AND received_at < ? "
            "GROUP BY m",
            (lo, hi),
        ):
            out[m].complaints = n
        # the distinct buyers of each month (and of the month before the first, for retention)
        database.execute_sql(f"DROP TABLE IF EXISTS {sqlfn.temp_table('_buyers')}")
        database.execute_sql(
            f"CREATE TEMP TABLE _buyers AS SELECT DISTINCT {sqlfn.month_of('at')} m, customer_id FROM purchase "
            "WHERE at >= ? AND at < ? AND amount_cents > 0",
            (prev_lo, hi),
        )
        try:
            for m, n, repeat in database.execute_sql(
                # bought before the month: the month of the first purchase is an earlier one
                f"SELECT b.m, count(*), SUM({sqlfn.bool_int(sqlfn.month_of('c.first_purchase_at') + ' < b.m')}) "
                "FROM _buyers b "
                "JOIN customer c ON c.id = b.customer_id GROUP BY b.m"
            ):
                if m in out:
                    out[m].buyers, out[m].active = n, n
                    out[m].repurchase_rate = _share(int(repeat or 0), n)
            prev_counts = dict(database.execute_sql("SELECT m, count(*) FROM _buyers GROUP BY m").fetchall())
            kept = dict(
                database.execute_sql(
                    "SELECT cur.m, count(*) FROM _buyers cur JOIN _buyers prev ON prev.customer_id = cur.customer_id "
                    f"AND prev.m = {sqlfn.month_before('cur.m')} GROUP BY cur.m"
                ).fetchall()
            )
        finally:
            database.execute_sql(f"DROP TABLE IF EXISTS {sqlfn.temp_table('_buyers')}")
        for m, f in out.items():
            prev = (dt.date.fromisoformat(m + "-01") - dt.timedelta(days=1)).strftime("%Y-%m")
            f.retention = _share(kept.get(m, 0), prev_counts.get(prev, 0))
            f.complaint_rate = _share(f.complaints, f.active)
        for m, n, disc in database.execute_sql(
            f"SELECT {sqlfn.month_of('p.at')} m, count(*), SUM({sqlfn.bool_int(DISCOUNTED)}) FROM purchase p "
            "WHERE p.at >= ? AND p.at < ? "
            "AND p.amount_cents > 0 GROUP BY m",
            (lo, hi),
        ):
            out[m].price_sensitivity = _share(int(disc or 0), n)
        for m, n in database.execute_sql(
            f"SELECT {sqlfn.month_of('COALESCE(joined_on, created_at)')} m, count(*) FROM customer "
            "WHERE referred_by_id IS NOT NULL AND COALESCE(joined_on, created_at) >= ? "
            "AND COALESCE(joined_on, created_at) < ? GROUP BY m",
            (lo, hi),
        ):
            out[m].referrals = n
        for m, n, promoters, detractors in database.execute_sql(
            f"SELECT {sqlfn.month_of('at')} m, count(*), SUM({sqlfn.bool_int('nps >= 9')}), "
            f"SUM({sqlfn.bool_int('nps <= 6')}) FROM contact "
            "WHERE nps IS NOT NULL AND at >= ? AND at < ? GROUP BY m",
            (lo, hi),
        ):
            out[m].nps = 100.0 * int(promoters - detractors) / n
    return list(out.values())


def by_channel(first: dt.date, end: dt.date) -> list[ChannelFigures]:
    """Contacts and scores per channel from ``first`` to ``end`` (exclusive)."""
    lo, hi = first.isoformat(), end.isoformat()
    out: dict[str, ChannelFigures] = {}
    with read_snapshot():
        for ch, n in database.execute_sql(
            "SELECT channel, count(*) FROM contact WHERE at >= ? AND at < ? GROUP BY channel", (lo, hi)
        ):
            out.setdefault(ch or "", ChannelFigures(ch or "")).contacts = n
        for ch, n, total, good in database.execute_sql(
            f"SELECT channel, count(*), SUM(s), SUM({sqlfn.bool_int('s >= 4')}) FROM ({_scores_sql()}) x "
            "GROUP BY channel",
            (lo, hi, lo, hi),
        ):
            f = out.setdefault(ch or "", ChannelFigures(ch or ""))
            f.scores, f.satisfaction, f.reputation = n, int(total) / n, int(good) / n
    return sorted(out.values(), key=lambda f: -f.contacts)


# --- presentation and export ----------------------------------------------------------------

MONTH_COLUMNS = tuple(f.name for f in fields(MonthFigures))
CHANNEL_COLUMNS = tuple(f.name for f in fields(ChannelFigures))


def cell(name: str, value) -> str:
    """A figure as shown: rates as percentages, averages to two places, unknown as "—"."""
    if value is None:
        return "—"
    if name in RATES:
        return f"{100 * value:.1f}%"
    if name == "satisfaction":
        return f"{value:.2f}"
    if name == "nps":
        return f"{value:.0f}"
    return str(value)


def header(name: str) -> str:
    return t(f"figures.{name}")


def export_xlsx(path, months: list[MonthFigures], channels: list[ChannelFigures], channel_name=None) -> None:
    """Both tables as sheets of one workbook (rates as numbers formatted as percentages)."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    for title, cols, rows in (
        (t("figures.sheet_month"), MONTH_COLUMNS, months),
        (t("figures.sheet_channel"), CHANNEL_COLUMNS, channels),
    ):
        ws = wb.create_sheet(title)
        ws.append([header(c) for c in cols])
        for r in rows:
            values = []
            for c in cols:
                v = getattr(r, c)
                if c == "channel" and channel_name is not None:
                    v = channel_name(v)
                values.append(round(v, 4) if isinstance(v, float) else v)
            ws.append(values)
    wb.save(path)
