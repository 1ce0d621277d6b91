"""Tools-menu items whose dialogs load when first used, not while the window starts: message
channels, shift / day close, coupons to a segment, coupon figures (their modules and the domain
code under them are about 20 ms of start-up)."""

from __future__ import annotations

import importlib

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QAction


def _opener(window, module: str, function: str):
    def run() -> None:
        getattr(importlib.import_module(module), function)(window)

    return run


def add_tool_actions(window) -> list[QAction]:
    """Append the items to ``window``'s Tools menu, in this order; returns them."""
    translate = QCoreApplication.translate
    items = (
        (
            translate("ChannelsDialog", "Message channels…"),
            "channelsAction",
            "shopcrm.ui.campaigns.channels_dialog",
            "open_channels",
        ),
        (
            translate("DayCloseDialog", "Shift / day close…"),
            "dayCloseAction",
            "shopcrm.ui.counter.day_close",
            "open_day_close",
        ),
        (
            translate("IssueToSegmentDialog", "Issue coupons to a segment…"),
            "issueToSegmentAction",
            "shopcrm.ui.counter.coupon_tools",
            "open_issue_to_segment",
        ),
        (
            translate("CouponFiguresDialog", "Coupon figures…"),
            "couponFiguresAction",
            "shopcrm.ui.counter.coupon_tools",
            "open_figures",
        ),
    )
    actions = []
    for text, name, module, function in items:
        action = QAction(text, window, objectName=name)
        action.triggered.connect(_opener(window, module, function))
        window.tools_menu.addAction(action)
        actions.append(action)
    return actions
