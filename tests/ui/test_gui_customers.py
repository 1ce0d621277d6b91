"""The 客户 tab and the archive form, driven through real widgets."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import answer_box, type_text
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QMessageBox, QPushButton

from shopcrm import customers as C
from shopcrm.ui.customers.customer_form import CustomerForm

pytestmark = pytest.mark.gui


def current_form(window) -> CustomerForm:
    forms = [f for f in window.findChildren(CustomerForm) if f.isVisible()]
    assert len(forms) == 1, forms
    return forms[0]


def type_into(qtbot, widget: QLineEdit, text: str) -> None:
    widget.clear()
    type_text(qtbot, widget, text)


def listed_names(window) -> list[str]:
    model = window.customers_tab.model
    return [model.row_at(r).name for r in range(model.rowCount())]


def create_through_form(qtbot, window, name, mobile, card=""):
    qtbot.mouseClick(window.customers_tab.findChild(QPushButton, "newCustomerButton"), Qt.MouseButton.LeftButton)
    form = current_form(window)
    assert form.objectName() == "customerForm"
    type_into(qtbot, form.findChild(QLineEdit, "nameEdit"), name)
    type_into(qtbot, form.findChild(QLineEdit, "phoneEdit"), mobile)
    type_into(qtbot, form.findChild(QLineEdit, "cardEdit"), card)
    with qtbot.waitSignal(form.saved):
        qtbot.mouseClick(form.findChild(QPushButton, "saveCustomerButton"), Qt.MouseButton.LeftButton)
    archive = current_form(window)  # the new customer reopens as a full archive
    assert archive is not form and archive.customer_id is not None
    return archive


def search(qtbot, window, text):
    box = window.findChild(QLineEdit, "customerSearch")
    type_into(qtbot, box, text)
    return listed_names(window)


def test_window_contract_and_chinese_labels(window):
    assert window.objectName() == "MainWindow"
    tabs = window.findChild(type(window.tabs), "mainTabs")
    assert tabs.tabText(0) == "客户"
    assert tabs.widget(0).objectName() == "customersTab"
    assert window.findChild(QLineEdit, "customerSearch").placeholderText().startswith("搜索")
    assert window.customers_tab.count_label.text() == "共 0 位客户"


def test_create_find_edit_delete_restore(qtbot, window):
    archive = create_through_form(qtbot, window, "张三", "138 1234 5678", "000777")
    cid = archive.customer_id
    archive.close()
    create_through_form(qtbot, window, "曾伟", "13900001111").close()
    assert window.customers_tab.count_label.text() == "共 2 位客户"

    assert search(qtbot, window, "5678") == ["张三"]  # mobile tail
    assert search(qtbot, window, "zs") == ["张三"]  # pinyin initials
    assert search(qtbot, window, "000777") == ["张三"]  # card number
    assert search(qtbot, window, "zw") == ["曾伟"]  # polyphonic surname
    assert search(qtbot, window, "1390") == ["曾伟"]  # mobile prefix

    # Enter in the search box opens the (single) match; edit the name there
    box = window.findChild(QLineEdit, "customerSearch")
    type_into(qtbot, box, "zs")
    qtbot.keyClick(box, Qt.Key.Key_Return)
    form = current_form(window)
    assert form.customer_id == cid
    type_into(qtbot, form.findChild(QLineEdit, "nameEdit"), "张三丰")
    with qtbot.waitSignal(form.saved):
        qtbot.mouseClick(form.findChild(QPushButton, "saveCustomerButton"), Qt.MouseButton.LeftButton)
    form.close()
    assert search(qtbot, window, "zsf") == ["张三丰"]

    # delete to the recycle bin (confirmed), then restore
    window.customers_tab.table.selectRow(0)
    answer_box(qtbot, QMessageBox.StandardButton.Yes)
    qtbot.mouseClick(window.customers_tab.delete_button, Qt.MouseButton.LeftButton)
    assert search(qtbot, window, "zsf") == []
    assert C.count(C.CustomerQuery(deleted=True)) == 1
    dialog = window.open_recycle_bin()
    assert dialog.model.rowCount() == 1
    dialog.table.selectRow(0)
    qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
    dialog.close()
    assert search(qtbot, window, "zsf") == ["张三丰"]


def test_inline_validation_in_chinese_and_duplicate_link(qtbot, window):
    first = create_through_form(qtbot, window, "张三", "13812345678")
    first_id = first.customer_id
    first.close()
    qtbot.mouseClick(window.customers_tab.new_button, Qt.MouseButton.LeftButton)
    form = current_form(window)
    type_into(qtbot, form.name_edit, "李四")
    type_into(qtbot, form.phone_edit, "1381234")
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    error = form.fields["mobile"].error
    assert error.isVisible() and "格式不对" in error.text()
    assert C.count(C.CustomerQuery()) == 1

    type_into(qtbot, form.phone_edit, "+86 138-1234-5678")
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)  # a second try, same duplicate
    assert "已属于客户“张三 13812345678”" in error.text()
    opened = []
    form.open_other.connect(opened.append)
    error.linkActivated.emit(str(first_id))
    assert opened == [first_id]  # one click opens the other customer once


def test_unsaved_changes_prompt(qtbot, window):
    archive = create_through_form(qtbot, window, "王芳", "13700000001")
    type_into(qtbot, archive.name_edit, "王芳芳")
    answer_box(qtbot, QMessageBox.StandardButton.Cancel)
    archive.reject()
    assert archive.isVisible()  # cancelled: still open with the change
    answer_box(qtbot, QMessageBox.StandardButton.Discard)
    archive.reject()
    assert not archive.isVisible()
    assert search(qtbot, window, "wang") == ["王芳"]


def test_purchase_and_topup_from_the_archive(qtbot, window):
    archive = create_through_form(qtbot, window, "赵敏", "13600000001")
    from shopcrm.ui.customers.customer_form import MoneyDialog, PurchaseDialog

    def fill_purchase():
        dlg = QApplication.activeModalWidget()
        assert isinstance(dlg, PurchaseDialog)
        dlg.amount_edit.setText("¥1,200.50")
        dlg.items_edit.setText("外套")
        dlg.buttons.accepted.emit()

    def fill_topup():
        dlg = QApplication.activeModalWidget()
        assert isinstance(dlg, MoneyDialog)
        dlg.amount_edit.setText("500")
        dlg.buttons.accepted.emit()

    from PySide6.QtCore import QTimer

    QTimer.singleShot(0, fill_topup)
    archive.topup_button.click()
    QTimer.singleShot(0, fill_purchase)
    archive.add_purchase_button.click()
    c = C.get(archive.customer_id)
    assert c.balance_cents == 50000 and c.total_spend_cents == 120050 and c.points == 1200
    assert archive.purchase_table.rowCount() == 1
    assert archive.purchase_table.item(0, 1).text() == "1,200.50"
    assert archive.ledger_table.rowCount() == 2
    assert window.customers_tab.model.row_at(0).total_spend_cents == 120050


def test_paged_list_sorts_in_sql_and_scrolls_to_the_end(qtbot, window):
    from shopcrm.demo import generate

    generate(1000, 5000, seed=5)
    window.data_changed.emit()
    model = window.customers_tab.model
    assert model.rowCount() == 1000
    assert len(model._pages) <= 2  # only what the view showed was fetched
    last = model.index(999, 0).data()
    assert last
    window.customers_tab.table.sortByColumn(7, Qt.SortOrder.DescendingOrder)  # total spend
    spends = [model.row_at(r).total_spend_cents for r in range(0, 1000, 50)]
    assert spends == sorted(spends, reverse=True)
    window.customers_tab.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    keys = [C.get(model.row_at(r).id).name_sort for r in range(0, 1000, 100)]
    assert keys == sorted(keys)  # pinyin order


def test_keyboard_shortcuts(qtbot, window):
    create_through_form(qtbot, window, "张三", "13812345678").close()
    box = window.findChild(QLineEdit, "customerSearch")
    window.tabs.setCurrentIndex(0)
    window.find_action.trigger()
    assert box.hasFocus() or QApplication.focusWidget() is box
    qtbot.keyClicks(box, "zs")
    assert listed_names(window) == ["张三"]
    qtbot.keyClick(box, Qt.Key.Key_Escape)
    assert box.text() == ""
    assert window.new_action.shortcut().toString() == "Ctrl+N"
    window.new_action.trigger()
    assert current_form(window).customer_id is None


def test_english_interface(qtbot, app, db, db_location):
    from shopcrm.ui.main_window import MainWindow
    from shopcrm.ui.shell import i18n

    i18n.install(app, "en")
    w = MainWindow(db_location)
    qtbot.addWidget(w)
    assert w.tabs.tabText(0) == "Customers"
    assert w.customers_tab.new_button.text() == "New customer"
    i18n.install(app, "zh_CN")
    w2 = MainWindow(db_location)
    qtbot.addWidget(w2)
    assert w2.customers_tab.new_button.text() == "新建客户"
    assert w2.findChild(QLabel, "customerCount").text() == "共 0 位客户"


def test_archive_lists_the_customers_complaints_and_marks_the_list(qtbot, window):
    from shopcrm import complaints

    archive = create_through_form(qtbot, window, "钱多多", "13500000001")
    cid = archive.customer_id
    archive.close()
    complaints.create(
        complaints.ComplaintInput(
            customer_id=cid, channel="到店", category="商品质量", key_points="衣服开线", severity="一般"
        )
    )
    window.data_changed.emit()
    row = window.customers_tab.model.index(0, 0)
    assert row.data() == "钱多多 ⚠"
    assert row.data(Qt.ItemDataRole.ToolTipRole) == "有未结投诉"
    form = window.open_customer(cid)
    assert form.complaints_list.table.rowCount() == 1
    assert "1 条未结投诉" in form.summary.text()


def test_search_has_focus_and_purchase_from_the_list(qtbot, window):
    from PySide6.QtCore import QTimer

    from shopcrm.ui.customers.customer_form import PurchaseDialog

    create_through_form(qtbot, window, "孙丽", "13300000001").close()
    window.hide()
    window.show()
    qtbot.waitExposed(window)
    assert window.focusWidget() is window.customers_tab.search
    search(qtbot, window, "sl")
    window.customers_tab.table.selectRow(0)

    def fill():
        dlg = QApplication.activeModalWidget()
        assert isinstance(dlg, PurchaseDialog) and "孙丽" in dlg.windowTitle()
        dlg.amount_edit.setText("abc")
        dlg.buttons.accepted.emit()
        assert "不是有效金额" in dlg.fields["amount"].error.text()  # named beside the field, the dialog stays
        dlg.amount_edit.setText("88")
        dlg.buttons.accepted.emit()

    QTimer.singleShot(0, fill)
    qtbot.mouseClick(window.customers_tab.purchase_button, Qt.MouseButton.LeftButton)
    row = window.customers_tab.model.row_at(0)
    assert row.total_spend_cents == 8800 and row.points == 88


def test_email_in_the_form_and_a_gift_recorded_from_the_archive(qtbot, window):
    from shopcrm.core import clock
    from shopcrm.store.models import GiftGiven

    archive = create_through_form(qtbot, window, "钱多", "13600000002")
    email = archive.findChild(QLineEdit, "emailEdit")
    type_into(qtbot, email, "qian@example")
    archive.save()
    assert archive.isVisible() and "qian@example" in archive.fields["email"].error.text()
    type_into(qtbot, email, "qian@example.cn")
    with qtbot.waitSignal(archive.saved):
        archive.save()
    assert C.get(archive.customer_id).email == "qian@example.cn"

    dlg = archive.record_gift()
    qtbot.waitExposed(dlg)
    assert dlg.focusWidget() is dlg.what_edit  # keyboard-first
    dlg.cost_edit.setText("abc")
    dlg.buttons.accepted.emit()
    assert dlg.isVisible() and archive.gift_table.rowCount() == 0  # refused in the dialog, values kept
    assert dlg.cost_edit.text() == "abc"
    dlg.cost_edit.setText("38.50")
    dlg.buttons.accepted.emit()
    assert dlg.isVisible() and dlg.fields["gift"].error.text()  # what was given is required
    dlg.what_edit.setText("月饼礼盒")
    dlg.note_edit.setText("中秋")
    dlg.date_edit.setDate(dlg.date_edit.date().addDays(-2))
    dlg.buttons.accepted.emit()
    assert not dlg.isVisible()
    g = GiftGiven.get()
    assert (g.what, g.cost_cents, g.note, str(g.at)[:10]) == (
        "月饼礼盒",
        3850,
        "中秋",
        str(clock.today() - dt.timedelta(days=2)),
    )
    assert archive.gift_table.rowCount() == 1
    assert [archive.gift_table.item(0, c).text() for c in (1, 2, 4)] == ["月饼礼盒", "38.50", "中秋"]
