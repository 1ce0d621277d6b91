"""The 投诉 tab driven through its real widgets (pytest-qt, offscreen)."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import TEST_DAY, valid_complaint
from PySide6.QtCore import Qt

from shopcrm import complaints as K, customers as C
from shopcrm.core import clock
from shopcrm.customers import ledger
from shopcrm.store.models import Complaint, Customer, LedgerEntry

pytestmark = [pytest.mark.usefixtures("fixed_day"), pytest.mark.gui]

TODAY = TEST_DAY


def cust(name="张三", mobile="13812345678", **kw) -> Customer:
    return C.create(C.CustomerInput(name=name, mobile=mobile, **kw), today=TODAY)


@pytest.fixture
def tab(db, qtbot):
    from shopcrm.ui.complaints.complaints_tab import ComplaintsTab

    w = ComplaintsTab(None)
    qtbot.addWidget(w)
    w.resize(1280, 800)
    w.show()
    qtbot.waitExposed(w)
    return w


def click(qtbot, widget):
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def type_text(qtbot, widget, text: str) -> None:
    """Type ASCII with real key presses; QTest cannot synthesise Chinese keys, so Chinese text goes
    in the way an input method delivers it (an insert at the cursor)."""
    if text.isascii():
        qtbot.keyClicks(widget, text)
    elif hasattr(widget, "insertPlainText"):
        widget.insertPlainText(text)
    else:
        widget.insert(text)


def choose(combo, data):
    i = combo.findData(data)
    assert i >= 0, data
    combo.setCurrentIndex(i)


def record_for_customer(qtbot, tab, search: str, customer_id: int, *, severity="紧急") -> Complaint:
    click(qtbot, tab.new_button)
    dlg = tab.new_dialog
    assert dlg.isVisible()
    qtbot.keyClicks(dlg.customer_search, search)
    qtbot.waitUntil(lambda: dlg.customer_id == customer_id)  # the single match is picked
    assert "张三" in dlg.chosen_label.text()
    choose(dlg.channel, "电话")
    dlg.category.setCurrentText("商品质量")
    type_text(qtbot, dlg.key_points, "连衣裙洗一次就褪色，要求退款")
    type_text(qtbot, dlg.request, "退一半钱")
    choose(dlg.temperament, "感情用事")
    assert "先处理心情" in dlg.tip.text()  # the handling tip for the temperament
    choose(dlg.severity, severity)
    assert "期限" in dlg.due_preview.text() or "Due" in dlg.due_preview.text()
    type_text(qtbot, dlg.handler, "小王")
    with qtbot.waitSignal(dlg.saved, timeout=2000) as sig:
        click(qtbot, dlg.save_button)
    assert not dlg.isVisible()
    return K.get(sig.args[0])


def test_record_work_resolve_with_refund_follow_up_and_find_closed(tab, qtbot):
    c = cust(opening_balance="100")
    assert tab.tab_title() == "Complaints"
    with qtbot.waitSignal(tab.title_changed):
        k = record_for_customer(qtbot, tab, "zs", c.id)
    assert (k.customer_id, k.channel, k.category, k.severity, k.handler) == (c.id, "电话", "商品质量", "紧急", "小王")
    assert tab.tab_title() == "Complaints (1 open)"
    assert Customer.get_by_id(c.id).open_complaints == 1
    d = tab.detail
    assert d.complaint_id == k.id and tab.model.rowCount() == 1
    assert "张三" in d.header.text() and "先处理心情" in d.tip.text()

    tab.operator.setText("店长")
    click(qtbot, d.start_button)
    assert K.get(k.id).status == "in_progress"
    assert not d.start_button.isVisible() or d.start_button.isHidden()

    choose(d.validity, "valid")
    type_text(qtbot, d.validity_reason, "面料确有问题")
    click(qtbot, d.validity_button)
    assert (K.get(k.id).validity, K.get(k.id).validity_reason) == ("valid", "面料确有问题")

    for box in d.step_boxes:  # the six steps, ticked as the work goes
        click(qtbot, box)
    assert K.get(k.id).steps == K.ALL_STEPS
    assert "6/6" in d.steps_box.title()

    choose(d.resolution, "退款")
    qtbot.keyClicks(d.amount, "50.50")
    assert d.refund.isEnabled() and "100.00" in d.refund.text()
    click(qtbot, d.refund)
    type_text(qtbot, d.resolution_notes, "退一半货款到储值卡")
    with qtbot.waitSignal(d.changed):
        click(qtbot, d.resolve_button)
    assert d.error.text() == ""
    k = K.get(k.id)
    assert (k.status, k.refund_cents, k.resolution_amount_cents) == ("resolved", 5050, 5050)
    cu = Customer.get_by_id(c.id)
    assert cu.balance_cents == 15050 and cu.open_complaints == 0
    entry = LedgerEntry.select().where(LedgerEntry.customer == c.id).order_by(LedgerEntry.id.desc()).get()
    assert (entry.kind, entry.balance_delta_cents, entry.balance_after_cents) == ("refund", 5050, 15050)
    assert ledger.verify() == []
    assert d.followup_box.isVisibleTo(d) and "50.50" in d.resolution_done.text()
    assert tab.tab_title() == "Complaints"

    d.satisfaction.setValue(5)
    type_text(qtbot, d.followup_notes, "顾客很满意")
    click(qtbot, d.followup_button)
    k = K.get(k.id)
    assert (k.status, k.satisfaction, k.followup_notes) == ("closed", 5, "顾客很满意")
    assert "5/5" in d.resolution_done.text()

    # the open list no longer has it; the closed filter finds it
    choose(tab.status_filter, "open")
    assert tab.model.rowCount() == 0
    choose(tab.status_filter, "closed")
    assert tab.model.rowCount() == 1
    row = tab.model.row_at(0)
    assert (row.id, row.status, row.satisfaction) == (k.id, "closed", 5)
    assert tab.model.index(0, 7).data() == K.status_label("closed")
    # every change is in the timeline, with who did it
    items = [d.timeline.topLevelItem(i) for i in range(d.timeline.topLevelItemCount())]
    assert len(items) == len(K.events(k.id)) >= 12
    assert {i.text(1) for i in items[1:]} == {"店长"}
    assert any("退款 50.50 元到储值卡" in i.text(2) for i in items)


def test_refused_action_is_explained_inline(tab, qtbot):
    c = cust()
    k = K.create(K.ComplaintInput(customer_id=c.id, category="价格", key_points="贵", severity="一般"))
    tab.refresh()
    tab.show_complaint(k.id)
    click(qtbot, tab.detail.start_button)
    choose(tab.detail.resolution, "道歉说明")
    click(qtbot, tab.detail.resolve_button)  # not judged yet
    assert "请先判断投诉是否成立" in tab.detail.error.text()
    assert K.get(k.id).status == "in_progress"


def test_filters_search_and_overdue_flags(tab, qtbot):
    a, b = cust("张三", "13812345678"), cust("李四", "13900001111")
    old = clock.now() - dt.timedelta(hours=30)
    k1 = K.create(
        K.ComplaintInput(customer_id=a.id, received_at=old, category="商品质量", key_points="褪色", severity="紧急")
    )  # 24 h: overdue
    k2 = K.create(K.ComplaintInput(customer_id=b.id, category="服务态度", key_points="态度差", severity="轻微"))
    tab.refresh()
    assert tab.model.rowCount() == 2
    flags = {tab.model.row_at(i).id: tab.model.flag(tab.model.row_at(i)) for i in range(2)}
    assert flags == {k1.id: "overdue", k2.id: ""}
    row1 = next(i for i in range(2) if tab.model.row_at(i).id == k1.id)
    assert tab.model.index(row1, 8).data().startswith("Overdue")
    assert tab.model.index(row1, 0).data(Qt.ItemDataRole.BackgroundRole) is not None
    assert "overdue" in tab.tab_title()

    click(qtbot, tab.overdue_filter)
    assert [tab.model.row_at(i).id for i in range(tab.model.rowCount())] == [k1.id]
    click(qtbot, tab.overdue_filter)
    choose(tab.category_filter, "服务态度")
    assert [tab.model.row_at(i).id for i in range(tab.model.rowCount())] == [k2.id]
    choose(tab.category_filter, "")
    qtbot.keyClicks(tab.search, "ls")  # pinyin initials of 李四, after the debounce
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1)
    assert tab.model.row_at(0).id == k2.id
    tab.search.clear()
    qtbot.waitUntil(lambda: tab.model.rowCount() == 2)
    tab.date_filter.setChecked(True)
    tab.date_from.setDate(tab.date_to.date().addDays(1))
    assert tab.model.rowCount() == 0
    tab.date_filter.setChecked(False)
    # sorting is SQL: by due time ascending puts the overdue one first
    tab.table.sortByColumn(8, Qt.SortOrder.AscendingOrder)
    assert tab.model.query.sort == "due" and tab.model.row_at(0).id == k1.id


def test_walkin_is_turned_into_a_customer_in_one_click(tab, qtbot):
    click(qtbot, tab.new_button)
    dlg = tab.new_dialog
    click(qtbot, dlg.walkin_radio)
    type_text(qtbot, dlg.walkin_name, "王路人")
    qtbot.keyClicks(dlg.walkin_mobile, "13700002222")
    type_text(qtbot, dlg.key_points, "排队太久")
    dlg.category.setCurrentText("服务态度")
    click(qtbot, dlg.save_button)
    k = Complaint.get()
    assert k.customer_id is None and tab.detail.complaint_id == k.id
    assert tab.detail.convert_button.isVisibleTo(tab.detail)
    assert "make customer first" in tab.detail.refund.text()
    click(qtbot, tab.detail.convert_button)
    k = K.get(k.id)
    new = Customer.get_by_id(k.customer_id)
    assert (new.name, new.mobile, new.open_complaints) == ("王路人", "13700002222", 1)
    assert tab.detail.convert_button.isHidden()


def test_new_complaint_dialog_shows_every_problem(tab, qtbot):
    click(qtbot, tab.new_button)
    dlg = tab.new_dialog
    click(qtbot, dlg.save_button)
    assert dlg.isVisible()
    assert "请选择或填写客户" in dlg.error.text() and "投诉要点不能为空" in dlg.error.text()
    assert Complaint.select().count() == 0
    dlg.reject()


def test_settings_dialog_saves_configuration(tab, qtbot):
    dlg = tab.open_settings()
    dlg.categories.setPlainText("商品质量\n会员积分")
    dlg.severities.setPlainText("加急 | 4\n普通 | 48")
    dlg.followup_days.setValue(5)
    click(qtbot, dlg.findChild(type(tab.new_button), "saveSettingsButton"))
    cfg = K.get_config()
    assert cfg.categories == ["商品质量", "会员积分"] and cfg.hours_for("加急") == 4
    assert cfg.followup_days == 5
    assert [tab.category_filter.itemData(i) for i in range(tab.category_filter.count())] == ["", "商品质量", "会员积分"]
    bad = tab.open_settings()
    bad.severities.setPlainText("加急 4")
    click(qtbot, bad.findChild(type(tab.new_button), "saveSettingsButton"))
    assert "第 1 行" in bad.error.text() and bad.isVisible()
    bad.reject()


def test_customer_complaints_list_for_the_archive_form(db, qtbot):
    from shopcrm.ui.complaints.complaint_widgets import CustomerComplaintsList

    c = cust()
    K.create(K.ComplaintInput(customer_id=c.id, category="价格", key_points="会员价没打折", severity="一般"))
    w = CustomerComplaintsList(c.id)
    qtbot.addWidget(w)
    assert w.table.rowCount() == 1 and w.table.item(0, 2).text() == "会员价没打折"
    assert "1 open" in w.summary.text()
    dlg = w.new_complaint()
    assert dlg.customer_id == c.id
    type_text(qtbot, dlg.key_points, "又没打折")
    dlg.category.setCurrentText("价格")
    with qtbot.waitSignal(w.changed):
        click(qtbot, dlg.save_button)
    assert w.table.rowCount() == 2


def test_tab_is_translated_into_chinese(db, qtbot, qapp):
    from shopcrm.ui.complaints.complaints_tab import ComplaintsTab
    from shopcrm.ui.shell.i18n import TsTranslator

    tr = TsTranslator("zh_CN")
    qapp.installTranslator(tr)
    try:
        c = cust()
        K.create(K.ComplaintInput(customer_id=c.id, category="价格", key_points="贵", severity="一般"))
        w = ComplaintsTab(None)
        qtbot.addWidget(w)
        assert w.tab_title() == "投诉 (1 未结)"
        assert w.new_button.text() == "登记投诉"
        assert w.model.headerData(8, Qt.Orientation.Horizontal) == "期限"
        assert w.model.index(0, 8).data().startswith("剩 ")
    finally:
        qapp.removeTranslator(tr)


def test_main_window_hosts_the_tab_and_hears_about_writes(db, db_location, qtbot):
    from shopcrm.ui.main_window import MainWindow

    c = cust()
    mw = MainWindow(db_location)
    qtbot.addWidget(mw)
    tab = mw.findChild(type(mw.customers_tab).__mro__[1], "complaintsTab")
    assert tab is not None and mw.tabs.indexOf(tab) > 0
    qtbot.waitUntil(lambda: mw.findChild(type(mw.tools_menu.menuAction()), "complaintSettingsAction") is not None)
    mw.show()
    qtbot.waitExposed(mw)
    mw.tabs.setCurrentWidget(tab)
    with qtbot.waitSignal(mw.data_changed):
        k = record_for_customer(qtbot, tab, "13812345678", c.id, severity="一般")
    assert mw.tabs.tabText(mw.tabs.indexOf(tab)) == tab.tab_title() == "Complaints (1 open)"
    assert tab.model.rowCount() == 1 and tab.detail.complaint_id == k.id  # refreshed via data_changed
    assert "⚠" in mw.customers_tab.model.index(0, 0).data()  # the customer list marks the customer
    with qtbot.waitSignal(mw.data_changed):
        click(qtbot, tab.detail.start_button)
    assert tab.model.row_at(0).status == "in_progress"


def test_a_refund_of_a_chosen_purchase_goes_through_the_counter(tab, qtbot):
    """Issue 13: the resolution names one of the customer's purchases (date, amount, what is left
    to refund); the refund then lowers that purchase, the total spend and the points."""
    from shopcrm.sales import counter
    from shopcrm.store.models import Refund

    c = cust()
    at = dt.datetime.combine(TODAY, dt.time(9))
    counter.sell(c.id, 8_000, items="围巾", at=at - dt.timedelta(days=3))
    p = counter.sell(c.id, 30_000, {"wechat": 30_000}, items="连衣裙", at=at)
    counter.refund_purchase(p.id, 5_000, at=at)  # 250.00 left of it
    k = K.get(valid_complaint(c.id, at))
    d = tab.detail
    d.show_complaint(k.id)
    choose(d.resolution, "退款")
    assert not d.refund_purchase.isEnabled()  # only with the refund to the card
    click(qtbot, d.refund)
    assert d.refund_purchase.isEnabled()
    labels = [d.refund_purchase.itemText(i) for i in range(d.refund_purchase.count())]
    assert len(labels) == 3 and "连衣裙" in labels[1] and "300.00" in labels[1] and "250.00" in labels[1]
    assert "围巾" in labels[2]  # the most recent first
    choose(d.refund_purchase, p.id)
    assert d.amount.text() == "250.00"  # what is left of it, editable
    d.amount.clear()
    qtbot.keyClicks(d.amount, "100")
    with qtbot.waitSignal(d.changed):
        click(qtbot, d.resolve_button)
    assert d.error.text() == ""
    r = Refund.get(Refund.complaint_id == k.id)
    assert (r.purchase_id, r.amount_cents) == (p.id, 10_000)
    assert {x.method: x.amount_cents for x in r.payments} == {"card": 10_000}
    cu = Customer.get_by_id(c.id)
    # 80.00 + 300.00 - 50.00 - 100.00; the card gets the 100.00; points 80 + 300 - 50 - 100
    assert (cu.total_spend_cents, cu.balance_cents, cu.points) == (23_000, 10_000, 230)
    assert counter.purchase(p.id).amount_cents == 15_000 and ledger.verify() == []


def test_the_list_loads_a_page_on_open_and_more_as_it_scrolls(db, qtbot):
    from shopcrm.demo import generate
    from shopcrm.ui.complaints import complaints_tab

    generate(200, 400, seed=6, complaints=260, today=TODAY)
    w = complaints_tab.ComplaintsTab(None)
    qtbot.addWidget(w)
    w.resize(1280, 800)
    w.show()
    qtbot.waitExposed(w)
    choose(w.status_filter, "all")
    page = complaints_tab.PAGE_SIZE
    assert w.model.rowCount() == page and w.model.canFetchMore()  # one page, not the whole list
    assert w.list_count.text() == "260 in list"  # counted up to a bound
    every = [r.id for r in K.page(w.model.query, 0, 1000, at=w.model.at)]
    while w.model.canFetchMore():
        before = w.model.rowCount()
        w.table.scrollToBottom()  # the view asks for the next page at the end of the list
        qtbot.waitUntil(lambda before=before: w.model.rowCount() > before)
    assert [w.model.row_at(i).id for i in range(w.model.rowCount())] == every
    # a refresh keeps every loaded row (and so the selection of a row far down)
    w.table.selectRow(250)
    chosen = w.model.row_at(250).id
    w.refresh()
    assert w.model.rowCount() == 260 and w.model.row_at(250).id == chosen
