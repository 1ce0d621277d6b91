"""The birthday field of the customer form: 公历 starts empty (no invented 1990-01-01), a typed
future birthday is refused with the promised message under the field, and a typed date is saved."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import type_text
from PySide6.QtCore import Qt

from shopcrm.core import clock
from shopcrm.store.models import Customer
from shopcrm.ui.customers.customer_form import CustomerForm

pytestmark = pytest.mark.gui

TODAY = dt.date(2026, 12, 6)


@pytest.fixture
def form(app, qtbot, db):
    clock.set_now(TODAY)
    f = CustomerForm()
    f.show()
    qtbot.waitExposed(f)
    f.name_edit.setText("闫磊")
    f.phone_edit.setText("13800000009")
    yield f
    f._dirty = False  # closing it at teardown must not ask about unsaved changes
    f.close()
    f.deleteLater()


def test_choosing_solar_leaves_the_birthday_empty(form):
    b = form.birthday_edit
    assert b.value() is None
    b.kind.setCurrentIndex(1)  # 公历
    assert b.solar.isVisible() and b.solar.text() == ""
    assert b.value() is None
    assert form.save()
    saved = Customer.get_by_id(form.customer_id)
    assert saved.birthday is None and saved.lunar_month is None and saved.birth_mmdd is None


def test_a_future_birthday_gets_its_message_in_the_dialog(form, qtbot):
    b = form.birthday_edit
    b.kind.setCurrentIndex(1)
    b.solar.setFocus()
    future = TODAY + dt.timedelta(days=400)
    type_text(qtbot, b.solar, future.isoformat())
    form.address_edit.setFocus()  # leaving the field checks it at once
    error = form.fields["birthday"].error
    qtbot.waitUntil(error.isVisible)
    assert error.text() == f"生日“{future.isoformat()}”是将来的日期，请检查年份"
    # saving refuses it too, keeps the dialog and what was typed
    assert not form.save()
    assert form.isVisible() and form.customer_id is None
    assert b.solar.text() == future.isoformat() and form.name_edit.text() == "闫磊"
    assert error.isVisible() and "将来" in error.text()
    # the clerk corrects the year: the message goes, the birthday is saved as typed
    b.solar.clear()
    type_text(qtbot, b.solar, "1990/3/15")
    qtbot.keyClick(b.solar, Qt.Key.Key_Tab)
    assert not error.isVisible()
    assert form.save()
    assert Customer.get_by_id(form.customer_id).birthday == dt.date(1990, 3, 15)


def test_a_saved_birthday_shows_and_can_be_removed(form):
    form.birthday_edit.set_value(dt.date(1985, 2, 28))
    assert form.birthday_edit.solar.text() == "1985-02-28"
    assert form.birthday_edit.value() == "1985-02-28"
    form.birthday_edit.set_value(None)
    assert form.birthday_edit.kind.currentIndex() == 0 and form.birthday_edit.value() is None
