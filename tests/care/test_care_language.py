"""Messages to customers are written in the shop's message language (care setting
``message_language``), whatever the interface language; counts read right in English."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from shopcrm import care, customers as C
from shopcrm.core import clock, texts
from shopcrm.core.lunar import LunarBirthday

TODAY = dt.date(2026, 9, 22)  # 中秋节 2026-09-25 is three days ahead
HAN = re.compile(r"[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]")


def make(name, mobile, gender, birthday=None):
    return C.create(
        C.CustomerInput(
            name=name,
            mobile=mobile,
            birthday=birthday,
            consent_marketing=True,
            joined_on=dt.date(2020, 1, 1),
            extra={"gender": gender},
        ),
        today=TODAY,
    )


@pytest.fixture
def shop(db):
    clock.set_now(TODAY - dt.timedelta(days=30))  # recorded a month ago
    yan = make("闫磊", "13800000001", "M", dt.date(1990, 9, 22))
    zeng = make("曾丽", "13800000002", "F", LunarBirthday(8, 12))  # lunar 八月十二 = 2026-09-22
    clock.set_now(TODAY)
    s = care.load_settings()
    s["visit_plan"] = {g: {**p, "per_month": 0} for g, p in s["visit_plan"].items()}
    s["shop_name"] = "Lily's Flowers"
    s["festivals"] = ["mid_autumn"]
    care.save_settings(s)
    return {"yan": yan, "zeng": zeng}


def messages(lang_ui: str, lang_msg: str) -> dict[tuple[int, str], str]:
    texts.set_language(lang_ui)
    s = care.load_settings()
    s["message_language"] = lang_msg
    lst = care.build_today(TODAY, s)
    return {(i.customer_id, i.kind): care.message(i, s) for i in lst.items}


def test_the_setting_defaults_to_chinese_and_is_validated(db):
    assert care.load_settings()["message_language"] == "zh_CN"
    s = care.load_settings()
    s["message_language"] = "fr"
    with pytest.raises(ValueError, match="话术语言"):
        care.save_settings(s)
    s["message_language"] = "en"
    assert care.save_settings(s)["message_language"] == "en"
    assert care.load_settings()["message_language"] == "en"


def test_chinese_messages_whatever_the_interface_language(shop):
    zh_ui = messages("zh_CN", "zh_CN")
    en_ui = messages("en", "zh_CN")
    assert zh_ui == en_ui  # the interface language changes nothing in what the customer reads
    yan = en_ui[(shop["yan"].id, "birthday")]
    assert yan.startswith("闫先生您好！Lily's Flowers祝您生日快乐（9月22日）")
    assert en_ui[(shop["zeng"].id, "birthday")].startswith("曾女士您好！")
    assert "农历八月十二" in en_ui[(shop["zeng"].id, "birthday")]
    assert "中秋节" in en_ui[(shop["yan"].id, "festival")]
    for text in en_ui.values():
        assert not re.search(r"\b(Mr|Ms|Mrs|Dear|Birthday|Festival|lunar)\b", text), text


def test_english_messages_whatever_the_interface_language(shop):
    en = messages("zh_CN", "en")
    assert en == messages("en", "en")
    yan = en[(shop["yan"].id, "birthday")]
    assert yan.startswith("Dear Mr Yan, happy birthday (9/22) from all of us at Lily's Flowers!")
    assert en[(shop["zeng"].id, "birthday")].startswith("Dear Ms Zeng,")  # 曾 as a surname: Zeng
    assert "lunar month 8, day 12" in en[(shop["zeng"].id, "birthday")]
    assert "the Mid-Autumn Festival" in en[(shop["yan"].id, "festival")]
    for text in en.values():
        assert not HAN.search(text), text


def test_a_template_the_shop_wrote_is_sent_as_written(shop):
    s = care.load_settings()
    s["message_language"] = "en"
    s["templates"]["birthday"] = "Happy birthday, {称呼}! — {店名}"
    care.save_settings(s)
    lst = care.build_today(TODAY)
    item = next(i for i in lst.items if i.customer_id == shop["yan"].id and i.kind == "birthday")
    assert care.message(item, care.load_settings()) == "Happy birthday, Mr Yan! — Lily's Flowers"


def test_anniversary_names_follow_the_message_language(shop):
    care.add_anniversary(shop["yan"].id, "wedding", 9, 23)
    s = care.load_settings()
    item = next(i for i in care.build_today(TODAY, s).items if i.kind == "anniversary")
    texts.set_language("en")
    assert "结婚纪念日快乐" in care.message(item, s)
    assert item.reason == "Wedding anniversary on 9/23"  # the reason is for the clerk: interface language
    s["message_language"] = "en"
    assert "happy Wedding anniversary" in care.message(item, s)


@pytest.mark.parametrize(
    "lang, late, ahead",
    [
        ("en", ("1 day late", "2 days late"), ("in 1 day", "in 2 days")),
        ("zh_CN", ("逾期 1 天", "逾期 2 天"), ("1 天后", "2 天后")),
    ],
)
def test_due_texts_count_right(lang, late, ahead):
    texts.set_language(lang)
    item = care.CareItem("birthday", "k", 1, "闫磊", "", "M", 0, 0, "sms", TODAY, ("", {}))
    assert (
        care.due_text(item, TODAY + dt.timedelta(days=1)),
        care.due_text(item, TODAY + dt.timedelta(days=2)),
    ) == late
    assert (
        care.due_text(item, TODAY - dt.timedelta(days=1)),
        care.due_text(item, TODAY - dt.timedelta(days=2)),
    ) == ahead


def test_domain_plurals(db):
    texts.set_language("en")
    assert texts.tn("care.reason.dormant", 1, date="2026-01-01") == "No purchase for 1 day (last 2026-01-01)"
    assert texts.tn("care.reason.dormant", 2, date="2026-01-01") == "No purchase for 2 days (last 2026-01-01)"
    assert texts.tn("care.reason.joined", 1, date="9/1") == "1 year a member (9/1)"
    assert texts.tn("care.reason.joined", 3, date="9/1") == "3 years a member (9/1)"
    assert texts.t("care.reason.visit", grade="A", n=1, last="never") == "Grade A, once a month; last contact: never"
    assert texts.t("care.reason.visit", grade="A", n=3, last="never") == "Grade A, 3 times a month; last contact: never"
    texts.set_language("zh_CN")
    assert texts.tn("care.reason.dormant", 1, date="2026-01-01") == "已 1 天未消费（上次 2026-01-01）"
    assert texts.tn("care.reason.joined", 3, date="9月1日") == "入会 3 周年（9月1日）"


def test_surnames_in_pinyin():
    assert care.salutation("欧阳娜娜", "F", "en") == "Ms Ouyang"
    assert care.salutation("单田芳", "M", "en") == "Mr Shan"
    assert care.salutation("吕方", "M", "en") == "Mr Lü"
    assert care.salutation("王强", "", "en") == "王强"  # gender unknown: the name as written
    assert care.salutation("王强", "M", "zh_CN") == "王先生"
