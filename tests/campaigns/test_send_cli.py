"""``python -m shopcrm send`` and ``channel …`` for scripts and the owner."""

from __future__ import annotations

import json

import pytest
from fake_providers import FakeAliyun

from shopcrm import cli, customers
from shopcrm.campaigns.credentials import FileStore
from shopcrm.core import clock
from shopcrm.customers import CustomerInput
from shopcrm.store.db import close_database, open_database
from shopcrm.trust import security


@pytest.fixture
def shop(db_location, tmp_path, monkeypatch):
    clock.set_now("2026-11-22T10:00:00")
    security.reset_session()
    monkeypatch.setenv("SHOPCRM_CREDENTIALS", str(tmp_path / "credentials.json"))
    open_database(db_location)
    customers.create(CustomerInput(name="张三", mobile="13812345678", consent_marketing=True))
    customers.create(CustomerInput(name="李四", mobile="13900000000", consent_marketing=False))
    close_database()
    yield ("--db", str(db_location))
    security.reset_session()


def test_copy_prints_the_text_and_logs_it(shop, capsys):
    assert (
        cli.main(["send", *shop, "--customer", "13812345678", "--channel", "copy", "--text", "中秋快乐", "--json"]) == 0
    )
    body = json.loads(capsys.readouterr().out)
    assert body["status"] == "sent" and body["text"] == "中秋快乐" and body["purpose"] == "marketing" and body["new"]


def test_marketing_without_consent_is_refused_and_service_is_sent(shop, capsys):
    argv = ["send", *shop, "--customer", "13900000000", "--channel", "copy", "--text", "回访"]
    assert cli.main(argv) == 1
    assert "未同意" in capsys.readouterr().err
    assert cli.main([*argv, "--purpose", "service", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["status"] == "sent"


def test_the_same_key_twice_sends_once(shop, capsys):
    argv = [
        "send",
        *shop,
        "--customer",
        "13812345678",
        "--channel",
        "copy",
        "--text",
        "x",
        "--key",
        "script:1",
        "--json",
    ]
    assert cli.main(argv) == 0
    first = json.loads(capsys.readouterr().out)
    assert cli.main(argv) == 0
    second = json.loads(capsys.readouterr().out)
    assert first["message_id"] == second["message_id"] and first["new"] and not second["new"]


def test_sms_end_to_end_with_owner_set_up(shop, tmp_path, capsys):
    security.reset_session()
    open_database(shop[1])
    security.set_pin("2468")
    close_database()
    security.reset_session()
    with FakeAliyun("key-cli", "secret-cli") as server:
        conf = ["channel", *shop, "configure", f"sms.base_url={server.url}", "sms.sign_name=小店", "sms.template=SMS_5"]
        assert cli.main(conf) == 1  # the owner's PIN is needed
        assert "店主" in capsys.readouterr().err
        assert cli.main([*conf, "--pin", "2468"]) == 0
        cred = [
            "channel",
            *shop,
            "set-credentials",
            "sms.aliyun",
            "access_key_id=key-cli",
            "access_key_secret=secret-cli",
        ]
        security.reset_session()  # each command is a process of its own
        assert cli.main(cred) == 1
        assert cli.main([*cred, "--pin", "2468"]) == 0
        capsys.readouterr()
        argv = ["send", *shop, "--customer", "13812345678", "--channel", "sms", "--text", "您的衣服改好了"]
        assert cli.main([*argv, "--purpose", "service", "--json"]) == 0
    body = json.loads(capsys.readouterr().out)
    assert body["status"] == "sent" and body["provider_id"] == "biz-1" and server.bad_signatures == 0
    assert server.requests[0]["TemplateParam"] == '{"content":"您的衣服改好了"}'
    assert FileStore(tmp_path / "credentials.json").get("sms.aliyun")["access_key_secret"] == "secret-cli"
    assert cli.main(["channel", *shop, "show", "--json"]) == 0
    shown = capsys.readouterr().out
    assert "secret-cli" not in shown and json.loads(shown)["settings"]["sms"]["sign_name"] == "小店"


def test_sms_without_set_up_says_what_is_missing(shop, capsys):
    argv = ["send", *shop, "--customer", "13812345678", "--channel", "sms", "--text", "x", "--purpose", "service"]
    assert cli.main(argv) == 1
    assert "set-credentials" in capsys.readouterr().err
