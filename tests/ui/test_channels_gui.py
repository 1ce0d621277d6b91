"""消息通道设置 and 待确认 (issue #15): settings saved through the dialog with the secrets in the
credentials file only (never in the database), a test send against the local Alibaba Cloud SMS
server that checks the signature, clerk mode refused, unknown outcomes settled from the page."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import type_text
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction

from shopcrm import customers
from shopcrm.campaigns import outbox
from shopcrm.campaigns.channels.aliyun import AliyunSms
from shopcrm.campaigns.credentials import FileStore
from shopcrm.core import clock
from shopcrm.customers import CustomerInput
from shopcrm.store.db import database
from shopcrm.store.models import Message as MessageRow
from shopcrm.trust import security
from shopcrm.ui.campaigns.channels_dialog import ChannelsDialog, UnknownDialog, open_channels
from shopcrm.ui.trust import security_ui

pytestmark = pytest.mark.gui

SECRET = "s3cr3t-AccessKey-Secret-x9"


@pytest.fixture
def fake_providers(monkeypatch):
    monkeypatch.syspath_prepend(str(Path(__file__).parents[1] / "campaigns"))
    import fake_providers

    return fake_providers


@pytest.fixture
def shop(db, tmp_path, monkeypatch):
    clock.set_now(dt.datetime(2026, 11, 22, 10, 0))
    security.reset_session()
    monkeypatch.setenv("SHOPCRM_CREDENTIALS", str(tmp_path / "credentials.json"))
    yield FileStore(tmp_path / "credentials.json")
    security.reset_session()


@pytest.fixture
def dialog(qtbot, app, shop):
    dlg = ChannelsDialog()
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitExposed(dlg)
    return dlg


def _setting_text() -> str:
    return " ".join(v for (v,) in database.execute_sql("SELECT value FROM setting").fetchall())


def test_settings_round_trip_and_the_secret_lands_in_the_credentials_file_only(qtbot, dialog, shop):
    assert dialog.focusWidget() is dialog.provider  # keyboard first
    assert dialog.where.text().find(str(shop.path)) >= 0
    assert dialog.aliyun_state.property("secretSet") is False
    type_text(qtbot, dialog.sign_name, "小店")
    qtbot.keyClicks(dialog.template, "SMS_100")
    qtbot.keyClicks(dialog.aliyun_id, "key-a")
    qtbot.keyClicks(dialog.aliyun_secret, SECRET)
    dialog.tabs.setCurrentWidget(dialog.mail_tab)
    qtbot.keyClicks(dialog.host, "smtp.example.cn")
    dialog.port.setValue(587)
    dialog.security.setCurrentIndex(dialog.security.findData("starttls"))
    qtbot.keyClicks(dialog.username, "shop@example.cn")
    qtbot.keyClicks(dialog.password, "mail-pass-77")
    qtbot.keyClicks(dialog.from_address, "shop@example.cn")
    dialog.sms_per_second.setValue(4)
    qtbot.keyClick(dialog.from_address, Qt.Key.Key_Return)  # Enter saves
    assert dialog.result() == ChannelsDialog.DialogCode.Accepted, dialog.error.text()

    s = outbox.load_settings()
    assert s["sms"]["sign_name"] == "小店" and s["sms"]["template"] == "SMS_100" and s["sms"]["per_second"] == 4
    assert s["email"]["host"] == "smtp.example.cn" and s["email"]["port"] == 587
    assert s["email"]["security"] == "starttls"
    assert shop.get("sms.aliyun") == {"access_key_id": "key-a", "access_key_secret": SECRET}
    assert shop.get("email.smtp") == {"password": "mail-pass-77"}
    stored = _setting_text()
    assert "小店" in stored and SECRET not in stored and "mail-pass-77" not in stored
    assert (shop.path.stat().st_mode & 0o777) == 0o600

    again = ChannelsDialog()
    qtbot.addWidget(again)
    assert again.aliyun_secret.text() == "" and again.password.text() == ""  # never shown
    assert again.aliyun_state.property("secretSet") is True and again.smtp_state.property("secretSet") is True
    assert again.aliyun_id.text() == "key-a" and again.sign_name.text() == "小店"
    # a save without typing the secret keeps it
    again.aliyun_id.setText("key-b")
    assert again.save()
    assert shop.get("sms.aliyun") == {"access_key_id": "key-b", "access_key_secret": SECRET}


def test_a_key_id_without_any_secret_is_shown_under_the_field_and_keeps_the_typing(qtbot, dialog, shop):
    dialog.sign_name.setText("小店")
    dialog.tencent_id.setText("AKID-only")
    assert not dialog.save()
    label = dialog.errors["sms.tencent"]
    assert label.isVisibleTo(dialog) or label.text()
    assert "sms.tencent" in label.text()
    assert dialog.tencent_id.text() == "AKID-only" and dialog.sign_name.text() == "小店"
    assert shop.get("sms.tencent") is None


def test_send_a_test_through_the_local_aliyun_server(qtbot, dialog, shop, fake_providers):
    with fake_providers.FakeAliyun("key-a", SECRET) as server:
        dialog.base_url.setText(server.url)
        dialog.sign_name.setText("小店")
        dialog.template.setText("SMS_100")
        dialog.aliyun_id.setText("key-a")
        dialog.aliyun_secret.setText(SECRET)  # typed, not saved yet: the test uses it
        qtbot.keyClicks(dialog.test_address, "13812345678")
        with qtbot.waitSignal(dialog.tested, timeout=10_000) as got:
            qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
        assert got.args[0] is True and "biz-1" in dialog.test_result.text()
        assert server.bad_signatures == 0 and server.requests[0]["PhoneNumbers"] == "13812345678"
        assert server.requests[0]["TemplateCode"] == "SMS_100" and "content" in server.requests[0]["TemplateParam"]

        dialog.aliyun_secret.setText("wrong-secret")
        with qtbot.waitSignal(dialog.tested, timeout=10_000) as got:
            dialog.send_test()
        assert got.args[0] is False and "SignatureDoesNotMatch" in dialog.test_result.text()
    assert shop.get("sms.aliyun") is None  # a test stores nothing
    assert MessageRow.select().count() == 0  # and logs no customer message
    assert SECRET not in _setting_text()


def test_a_test_to_a_bad_address_says_so(qtbot, dialog):
    dialog.test_address.setText("12ab")
    with qtbot.waitSignal(dialog.tested, timeout=10_000) as got:
        dialog.send_test()
    assert got.args[0] is False and "12ab" in dialog.test_result.text()


def test_clerk_mode_asks_for_the_pin_and_a_cancel_opens_nothing(qtbot, app, shop, monkeypatch):
    from shopcrm.ui.main_window import MainWindow

    security.set_pin("2468")
    security.lock()
    asked = []
    monkeypatch.setattr(security_ui.PinDialog, "exec", lambda self: asked.append(self) or 0)  # Cancel
    w = MainWindow()  # the database open now (a file or a server)
    qtbot.addWidget(w)
    action = w.findChild(QAction, "channelsAction")
    assert action in w.tools_menu.actions()
    action.trigger()
    assert len(asked) == 1 and w.findChild(ChannelsDialog) is None
    page = w.findChild(type(w.findChild(object, "campaignsPage")), "campaignsPage")
    assert page.open_channels(show=False) is None and page.open_unknown(show=False) is None
    assert len(asked) == 3

    def owner_types_pin(dlg):
        dlg.pin_edit.setText("2468")
        return 1 if dlg.try_unlock() else 0

    monkeypatch.setattr(security_ui.PinDialog, "exec", owner_types_pin)
    dlg = open_channels(w, show=False)
    assert isinstance(dlg, ChannelsDialog)
    security.lock()  # the owner walked away: the domain refuses the save, the typing stays
    dlg.sign_name.setText("小店")
    assert not dlg.save()
    assert dlg.error.text() and dlg.sign_name.text() == "小店"
    assert outbox.load_settings()["sms"]["sign_name"] == ""


def test_unknown_outcomes_are_settled_from_the_campaigns_page(qtbot, app, shop, fake_providers):
    from shopcrm.ui.campaigns.campaigns_page import CampaignsPage

    ids = [
        customers.create(CustomerInput(name=f"客户{i}", mobile=f"1381234567{i}", consent_marketing=True)).id
        for i in range(3)
    ]
    for cid in ids:
        outbox.queue(cid, "sms", purpose="service", template_id="SMS_1", params={"x": "1"})
    with fake_providers.FakeAliyun("key-a", "s", script=["drop", "drop", "drop"]) as server:
        channel = AliyunSms("key-a", "s", sign_name="小店", template_code="SMS_1", base_url=server.url)
        report = outbox.deliver({"sms": channel}, timer=fake_providers.FakeTimer())
    assert len(report.unknown) == 3
    page = CampaignsPage()
    qtbot.addWidget(page)
    page.refresh()
    assert page.unknown_button.isEnabled() and "3" in page.unknown_button.text()
    dlg = page.open_unknown(show=False)
    assert isinstance(dlg, UnknownDialog) and dlg.table.rowCount() == 3
    assert dlg.table.item(0, 0).text() == "客户0"
    dlg.table.selectRow(0)
    qtbot.mouseClick(dlg.sent_button, Qt.MouseButton.LeftButton)
    dlg.table.selectRow(0)
    qtbot.mouseClick(dlg.queued_button, Qt.MouseButton.LeftButton)
    dlg.table.selectRow(0)
    qtbot.mouseClick(dlg.failed_button, Qt.MouseButton.LeftButton)
    statuses = [MessageRow.get(MessageRow.customer == cid).status for cid in ids]
    assert statuses == ["sent", "queued", "failed"]
    assert dlg.table.rowCount() == 0 and not dlg.sent_button.isEnabled()
    assert not page.unknown_button.isEnabled()  # the page followed
    assert [r.id for r in outbox.unresolved()] == []
