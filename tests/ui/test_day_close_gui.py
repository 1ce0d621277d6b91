"""交班 / 日结 in the GUI (issues 13 and 14): the dialog's figures are the domain's, closing
freezes the day, the export's totals match, a clerk closes only their own shift. Real widgets, a
real SQLite file, offscreen."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from shopcrm import customers as C
from shopcrm.core.errors import FieldError
from shopcrm.core.money import fmt
from shopcrm.core.texts import t
from shopcrm.loyalty import coupons
from shopcrm.sales import counter
from shopcrm.trust import security
from tests.conftest import TEST_DAY, answer_box, xlsx_rows

pytestmark = [pytest.mark.gui, pytest.mark.usefixtures("fixed_day")]


@pytest.fixture(autouse=True)
def fresh_session():
    security.reset_session()
    yield
    security.reset_session()


@pytest.fixture
def day(db):
    """On TEST_DAY, by 小李: a top-up by WeChat (with a bonus), a sale with a coupon paid part by
    card part by cash, a sale by Alipay, a partial refund of it."""
    counter.save_settings(operators=["小李", "小王"], bonus_rules=[{"min": 50000, "bonus": 5000}])
    counter.set_operator("小李")
    c = C.create(C.CustomerInput(name="王芳", mobile="13812345678"))
    counter.topup(c.id, 100000, "wechat")
    cp = coupons.issue(c.id, coupons.Terms("amount", amount_off_cents=2000, threshold_cents=10000, days=30))
    counter.sell(c.id, 15000, {"card": 10000, "cash": 3000}, coupon=cp.code)
    p = counter.sell(c.id, 8000, {"alipay": 8000})
    counter.refund_purchase(p.id, 3000)
    counter.set_operator("小王")
    counter.sell(c.id, 1000, {"cash": 1000})
    counter.set_operator("")
    return c.id


def _open(qtbot, operator: str = ""):
    from shopcrm.ui.counter.day_close import DayCloseDialog

    dlg = DayCloseDialog()
    qtbot.addWidget(dlg)
    dlg.show()
    dlg.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dlg)
    if operator:
        dlg.operator_combo.setCurrentIndex(dlg.operator_combo.findData(operator))
    return dlg


def _shown(dlg) -> dict[str, list[str]]:
    table = dlg.table
    return {table.item(r, 0).text(): [table.item(r, c).text() for c in (1, 2, 3)] for r in range(table.rowCount())}


@pytest.mark.parametrize("operator", ["", "小李"])
def test_the_dialogs_figures_are_the_domains(app, qtbot, day, operator):
    dlg = _open(qtbot, operator)
    assert QApplication.focusWidget() is dlg.date_edit
    want = counter.day_totals(TEST_DAY, operator)
    shown = _shown(dlg)
    for m, d in want.by_method.items():
        if any(d.values()):
            assert shown[counter.method_label(m)] == ["¥" + fmt(d[k]) for k in ("sales", "topups", "refunds")]
    total = [sum(d[k] for d in want.by_method.values()) for k in ("sales", "topups", "refunds")]
    assert shown["合计"] == ["¥" + fmt(v) for v in total]
    assert dlg.figures["bonus_given"].text() == "¥" + fmt(want.bonus_given) == "¥50.00"
    assert dlg.figures["liability"].text() == "¥" + fmt(want.liability)
    assert (
        dlg.figures["coupons"].text() == f"{want.loyalty['coupons_used']} 张，优惠 ¥{fmt(want.loyalty['coupons_off'])}"
    )
    assert want.loyalty["coupons_used"] == 1
    assert "一致" in dlg.figures["check"].text()
    if operator:  # 小王's cash sale is not in 小李's shift
        assert want.by_method["cash"]["sales"] == 3000
    assert "未日结" in dlg.state.text()
    dlg.copy_text()
    assert "¥" + fmt(want.liability) in QApplication.clipboard().text()


def test_closing_freezes_the_day_and_the_export_matches(app, qtbot, day, tmp_path):
    dlg = _open(qtbot)
    answer_box(qtbot, QMessageBox.StandardButton.Yes)
    assert dlg.close_day()
    assert "已日结" in dlg.state.text() and not dlg.close_button.isEnabled()
    stored = counter.stored_close(TEST_DAY)
    assert stored is not None
    with pytest.raises(FieldError) as err:
        counter.sell(day, 1000, {"cash": 1000})
    assert err.value.message == t("v.day_closed", day=TEST_DAY.isoformat())

    path = tmp_path / "close.xlsx"
    assert dlg.export_to(str(path))
    rows = xlsx_rows(path, 0)
    total = next(r for r in rows if r[0] == "合计")
    want = [sum(d[k] for d in stored.by_method.values()) / 100 for k in ("sales", "topups", "refunds")]
    assert [float(v) for v in total[1:4]] == want


def test_a_clerk_closes_their_own_shift_but_not_the_whole_day(app, qtbot, day, monkeypatch):
    from shopcrm.ui.trust import security_ui

    security.set_pin("2468")
    security.lock()  # clerk mode
    counter.set_operator("小李")
    asked = []
    monkeypatch.setattr(security_ui.PinDialog, "exec", lambda self: asked.append(self) or 0)  # Cancel
    dlg = _open(qtbot)
    assert not dlg.close_day()
    assert len(asked) == 1 and dlg.error.isVisible()
    assert counter.stored_close(TEST_DAY) is None

    dlg.operator_combo.setCurrentIndex(dlg.operator_combo.findData("小王"))  # another's shift: the owner's
    assert not dlg.close_day()
    assert counter.stored_close(TEST_DAY, "小王") is None

    dlg.operator_combo.setCurrentIndex(dlg.operator_combo.findData("小李"))
    answer_box(qtbot, QMessageBox.StandardButton.Yes)
    assert dlg.close_day()
    assert len(asked) == 2  # their own shift asked no PIN
    assert counter.stored_close(TEST_DAY, "小李") is not None
    assert "已日结" in dlg.state.text()


def test_the_tools_menu_opens_it_and_it_fits_a_small_screen(window, qtbot, day):
    from shopcrm.ui.counter.day_close import DayCloseDialog

    action = window.findChild(type(window.tools_menu.actions()[0]), "dayCloseAction")
    action.trigger()
    dlg = next(w for w in QApplication.topLevelWidgets() if isinstance(w, DayCloseDialog) and w.isVisible())
    qtbot.addWidget(dlg)
    assert dlg.width() <= 1366 and dlg.height() <= 768 - 40
    assert dlg.minimumSizeHint().height() <= 728
    qtbot.keyClick(dlg, Qt.Key.Key_Escape)
    assert not dlg.isVisible()
