"""The day's close (日结, shopcrm.sales.counter.close_day) as an .xlsx file (issue 13).

Two sheets: by payment method (sales, top-ups, refunds, with a total row) and the summary (bonus
given, points redeemed, the stored-value liability at the end of the day; and, issue 14, points
taken as money, coupons used and what they took off, member discounts, count-card uses). Money is written as
numbers with two decimals (integer cents in, shopcrm.excel.excel_export.CENTS)."""

from __future__ import annotations

from pathlib import Path

from shopcrm.core.texts import register, t
from shopcrm.excel.excel_export import CENTS, INT, TEXT, Column, Sheet, write_workbook
from shopcrm.sales import counter

register(
    {
        "dayx.sheet_methods": ("日结 {day}", "Close {day}"),
        "dayx.sheet_summary": ("汇总", "Summary"),
        "dayx.method": ("付款方式", "Method"),
        "dayx.sales": ("销售", "Sales"),
        "dayx.topups": ("充值", "Top-ups"),
        "dayx.refunds": ("退款", "Refunds"),
        "dayx.total": ("合计", "Total"),
        "dayx.item": ("项目", "Item"),
        "dayx.amount": ("金额", "Amount"),
        "dayx.points": ("积分", "Points"),
        "dayx.bonus_given": ("充值赠送", "Bonus given"),
        "dayx.points_redeemed": ("积分抵扣", "Points redeemed"),
        "dayx.liability": ("储值余额（负债）", "Stored-value liability"),
        "dayx.operator": ("操作员", "Operator"),
        "dayx.points_money": ("积分抵现金额", "Points taken as money"),
        "dayx.coupons": ("优惠券优惠（{n} 张）", ("Coupons ({n} used)", "Coupons ({n} used)")),
        "dayx.member_discounts": ("会员折扣", "Member discounts"),
        "dayx.package_uses": ("计次卡使用（{n} 次）", ("Count-card uses ({n})", "Count-card uses ({n})")),
    }
)

KINDS = ("sales", "topups", "refunds")


def export_xlsx(path: str | Path, totals: counter.DayTotals) -> Path:
    """Write ``totals`` (one day, or one operator's shift of it) to ``path``."""
    by_method = totals.by_method
    rows: list[list] = [
        [counter.method_label(m), *(by_method[m][k] for k in KINDS)]
        for m in by_method
        if any(by_method[m][k] for k in KINDS)
    ]
    rows.append([t("dayx.total"), *(sum(d[k] for d in by_method.values()) for k in KINDS)])
    methods = Sheet(
        t("dayx.sheet_methods", day=totals.day.isoformat()),
        [Column(t("dayx.method"), TEXT), *(Column(t(f"dayx.{k}"), CENTS) for k in KINDS)],
        rows,
    )
    summary_rows: list[list] = [
        [t("dayx.bonus_given"), totals.bonus_given, None],
        [t("dayx.points_redeemed"), None, totals.points_redeemed],
        [t("dayx.liability"), totals.liability, None],
    ]
    loy = totals.loyalty  # issue 14: what the day's sales gave away, count-card uses
    if loy:
        summary_rows += [
            [t("dayx.points_money"), loy.get("points_redeemed_money", 0), None],
            [t("dayx.coupons", n=loy.get("coupons_used", 0)), loy.get("coupons_off", 0), None],
            [t("dayx.member_discounts"), loy.get("member_discounts", 0), None],
            [t("dayx.package_uses", n=loy.get("package_uses", 0)), None, None],
        ]
    if totals.operator:
        summary_rows.insert(0, [t("dayx.operator"), None, None])
        summary_rows[0][0] = f"{t('dayx.operator')}: {totals.operator}"
    summary = Sheet(
        t("dayx.sheet_summary"),
        [Column(t("dayx.item"), TEXT), Column(t("dayx.amount"), CENTS), Column(t("dayx.points"), INT)],
        summary_rows,
    )
    return write_workbook(path, [methods, summary])
