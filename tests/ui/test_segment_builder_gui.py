"""The segment builder (issue #15): three criteria give the domain's count live, the segment is
saved by name, appears in the customer list's picker and restricts the list; editing keeps its
criteria; reachable from the new-campaign dialog; wrong amounts are shown in the dialog."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from PySide6.QtCore import Qt

from shopcrm import customers, segments as S
from shopcrm.core import clock
from shopcrm.customers import CustomerInput
from shopcrm.store.models import Customer

pytestmark = pytest.mark.gui

DAY = dt.date(2027, 3, 1)


@pytest.fixture
def shop(db):
    clock.set_now(dt.datetime.combine(DAY, dt.time(9)))
    for i in range(40):
        c = customers.create(
            CustomerInput(
                name=f"客户{i}", mobile=f"1390000{i:04d}", tags=["熟客"] if i % 2 else [], consent_marketing=True
            )
        )
        Customer.update(grade="A" if i < 25 else "B", total_spend_cents=i * 1000).where(Customer.id == c.id).execute()
    return DAY


@pytest.fixture
def tab(qtbot, app, shop):
    from shopcrm.ui.customers.customers_tab import CustomersTab

    w = CustomersTab()
    qtbot.addWidget(w)
    w.show()
    return w


def shown(dlg) -> int | None:
    """The count the dialog shows ("客户数：12" / "Customers: 12")."""
    digits = re.sub(r"\D", "", dlg.count_label.text())
    return int(digits) if digits else None


def check(lst, value) -> None:
    for i in range(lst.count()):
        if lst.item(i).data(Qt.ItemDataRole.UserRole) == value:
            lst.item(i).setCheckState(Qt.CheckState.Checked)
            return
    raise AssertionError(value)


def test_three_criteria_count_live_save_and_restrict_the_list(qtbot, tab):
    dlg = tab.build_segment()
    qtbot.waitExposed(dlg)
    assert dlg.focusWidget() is dlg.name  # keyboard-first
    assert dlg.height() <= 740 and dlg.width() <= 1366
    assert shown(dlg) == 40  # nothing chosen: every customer
    dlg.name.insert("A 熟客")
    check(dlg.grades, "A")
    check(dlg.tags, "熟客")
    dlg.min_spend.insert("100")
    expected = S.count(S.SegmentFilter(grades=["A"], tags=["熟客"], min_spend_cents=10_000))
    assert expected == len([i for i in range(40) if i < 25 and i % 2 and i >= 10])
    # the count follows after the debounce, without any explicit call
    qtbot.waitUntil(lambda: shown(dlg) == expected, timeout=3000)
    assert dlg.segment_filter() == S.SegmentFilter(grades=["A"], tags=["熟客"], min_spend_cents=10_000)
    qtbot.keyClick(dlg.name, Qt.Key.Key_Return)  # Enter saves
    assert not dlg.isVisible()
    assert S.load("A 熟客") == S.SegmentFilter(grades=["A"], tags=["熟客"], min_spend_cents=10_000)
    # the picker shows it, chosen, and the list is restricted to it
    assert tab.segment_filter.currentText() == "A 熟客"
    assert tab.model.rowCount() == expected
    ids = {tab.model.row_at(r).id for r in range(expected)}
    assert ids == {cid for (cid,) in S.id_query(S.load("A 熟客")).tuples()}


def test_edit_keeps_the_criteria_and_a_wrong_amount_is_shown(qtbot, tab):
    S.save("B 类", S.SegmentFilter(grades=["B"], dormant_days=30, birth_months=[3, 4]))
    tab.reload_filters()
    tab.segment_filter.setCurrentIndex(tab.segment_filter.findText("B 类"))
    assert tab.edit_segment_button.isEnabled()
    dlg = tab.build_segment(tab.segment_filter.currentData())
    qtbot.waitExposed(dlg)
    assert dlg.segment_filter() == S.SegmentFilter(grades=["B"], dormant_days=30, birth_months=[3, 4])
    dlg.max_spend.setText("abc")
    dlg.update_count()
    assert "abc" in dlg.error.text()
    dlg.accept()
    assert dlg.isVisible() and dlg.max_spend.text() == "abc"  # typed values kept
    dlg.max_spend.setText("10")
    dlg.min_spend.setText("20")
    dlg.accept()
    assert dlg.isVisible() and "大于上限" in dlg.error.text()
    dlg.min_spend.clear()
    dlg.name.setText("B 类客户")
    qtbot.keyClick(dlg.name, Qt.Key.Key_Escape)  # Esc cancels: nothing saved
    assert not dlg.isVisible() and [n for _i, n in S.saved()] == ["B 类"]


def test_reachable_from_the_new_campaign_dialog(qtbot, app, shop):
    from shopcrm.ui.campaigns.campaigns_page import NewCampaignDialog

    campaign = NewCampaignDialog(today=DAY)
    qtbot.addWidget(campaign)
    campaign.show()
    dlg = campaign.build_segment()
    qtbot.waitExposed(dlg)
    dlg.name.insert("熟客")
    check(dlg.tags, "熟客")
    dlg.accept()
    assert campaign.segment.currentText() == "熟客"
    assert campaign.segment_filter() == S.SegmentFilter(tags=["熟客"])
