"""Issue 12, trust holes (GUI): the archive form's opening balance in clerk mode, the opt-in
consent box, and the restore of another database's backup asking for the shop's name."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from shopcrm import backup, customers
from shopcrm.customers import CustomerInput
from shopcrm.store import settings
from shopcrm.store.db import close_database, open_database
from shopcrm.store.models import Customer
from shopcrm.trust import security
from shopcrm.ui.customers.customer_form import CustomerForm
from shopcrm.ui.trust import security_ui

pytestmark = pytest.mark.gui


@pytest.fixture(autouse=True)
def fresh_session():
    security.reset_session()
    yield
    security.reset_session()


@pytest.fixture
def form(qtbot, app, db):
    security.set_pin("2468")
    security.lock()  # clerk mode
    f = CustomerForm()
    qtbot.addWidget(f)
    f.show()
    qtbot.waitExposed(f)
    return f


def _fill(form, balance: str) -> None:
    form.name_edit.setText("张三")
    form.phone_edit.setText("13812345678")
    form.balance_edit.setText(balance)


def test_new_customer_form_leaves_consent_unticked(form):
    assert not form.consent_check.isChecked() and not form.consent_check.isTristate()
    _fill(form, "")
    assert form.save()
    assert Customer.get().consent_marketing is False


def test_clerk_typing_an_opening_balance_is_asked_for_the_pin_and_keeps_the_form(form, monkeypatch):
    asked = []
    monkeypatch.setattr(security_ui.PinDialog, "exec", lambda self: asked.append(self) or 0)  # Cancel
    _fill(form, "500")
    assert not form.save()
    assert len(asked) == 1 and Customer.select().count() == 0
    error = form.fields["balance"].error
    assert error.isVisible() and "店主" in error.text()
    assert form.balance_edit.text() == "500" and form.name_edit.text() == "张三"  # typed values kept
    # the owner types the PIN: saved, the opening balance is an audited adjustment

    def owner_types_pin(dialog):
        asked.append(dialog)
        security.unlock("2468")
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(security_ui.PinDialog, "exec", owner_types_pin)
    assert form.save()
    assert len(asked) == 2 and Customer.get().balance_cents == 50000


def test_clerk_without_an_opening_balance_is_not_asked(form, monkeypatch):
    monkeypatch.setattr(security_ui.PinDialog, "exec", lambda self: pytest.fail("PIN asked"))
    _fill(form, "0.00")
    assert form.save()


def test_an_unknown_consent_shows_as_a_third_state_and_is_kept(qtbot, app, db):
    c = customers.create(CustomerInput(name="李四", mobile="13900001111", consent_marketing=None))
    f = CustomerForm(c.id)
    qtbot.addWidget(f)
    assert f.consent_check.checkState() == Qt.CheckState.PartiallyChecked
    f.notes_edit.setPlainText("来过一次")
    assert f.save()
    assert Customer.get_by_id(c.id).consent_marketing is None
    f.consent_check.setCheckState(Qt.CheckState.Checked)  # the customer agreed
    assert f.save()
    assert Customer.get_by_id(c.id).consent_marketing is True


def test_restoring_the_demos_backup_asks_for_the_shops_name(qtbot, app, tmp_path, monkeypatch):
    from shopcrm.ui.trust.backup_ui import BackupDialog, ConfirmNameDialog

    real = tmp_path / "shop.db"
    open_database(real)
    try:
        settings.put(settings.SHOP_NAME, "张姐水果店")
        customers.create(CustomerInput(name="赵敏", mobile="13700137000"))
        demo = real.with_name("shop-demo.db")
        open_database(demo)
        settings.put(settings.DEMO_DATABASE, True)
        demo_backup = backup.make_backup("manual")
        open_database(real)
        own = backup.make_backup("manual")
        # the demo's backup is not in the real list; seen from a file it is marked
        dlg = BackupDialog()
        qtbot.addWidget(dlg)
        assert [b.path for b in dlg.backups] == [own]
        seen = []

        def cancel(self):
            seen.append(self)
            assert self.expected == "张姐水果店" and self.edit.placeholderText() == "张姐水果店"
            assert not self.ok.isEnabled()
            self.edit.setText("张姐")
            assert not self.ok.isEnabled()
            return QDialog.DialogCode.Rejected

        monkeypatch.setattr(ConfirmNameDialog, "exec", cancel)
        assert not dlg.restore(demo_backup)
        assert len(seen) == 1 and customers.count(customers.CustomerQuery()) == 1

        def type_name(self):
            seen.append(self)
            self.edit.setText("张姐水果店")
            assert self.ok.isEnabled()
            return QDialog.DialogCode.Accepted

        monkeypatch.setattr(ConfirmNameDialog, "exec", type_name)
        from PySide6.QtWidgets import QMessageBox

        monkeypatch.setattr(QMessageBox, "critical", lambda *a: pytest.fail(str(a[2])))
        assert dlg.restore(demo_backup)
        assert len(seen) == 2 and customers.count(customers.CustomerQuery()) == 0  # the demo's data
        dlg.reload()
        marked = [dlg.table.item(r, 1).text() for r in range(dlg.table.rowCount()) if dlg.backups[r].path == own]
        assert marked and "其他数据库" in marked[0]  # the real backup, seen from the demo's data now
    finally:
        close_database()
