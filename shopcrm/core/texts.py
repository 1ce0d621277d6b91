"""User-facing messages produced by the domain layer, in Chinese (default) and English.

The domain never imports Qt, so it cannot use ``QObject.tr``. Messages that reach the user from
the domain (validation errors, import reports, database errors) are looked up here by key.
Widgets use Qt's own translation (``self.tr``) for their labels.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

_LANG = "zh_CN"
SUPPORTED = ("zh_CN", "en")

# key: (Chinese, English). Placeholders use str.format names. A text that counts something gives
# its English as a tuple of plural forms, ("{n} day late", "{n} days late"), chosen by the ``n``
# parameter (see :func:`tn`); Chinese has one form.
CATALOGUE: dict[str, tuple[str, str | tuple[str, ...]]] = {
    # database
    "db.not_sqlite": (
        "文件“{path}”不是 SQLite 数据库，ShopCRM 不会修改它。",
        "“{path}” is not an SQLite database; ShopCRM will not modify it.",
    ),
    "db.not_shopcrm": (
        "文件“{path}”是其他程序的数据库，不是 ShopCRM 数据库，ShopCRM 不会修改它。",
        "“{path}” belongs to another program, not ShopCRM; ShopCRM will not modify it.",
    ),
    "db.damaged": (
        "数据库文件“{path}”已损坏或不完整（{reason}），ShopCRM 不会修改它。",
        "The database “{path}” is damaged or incomplete ({reason}); ShopCRM will not modify it.",
    ),
    "db.too_new": (
        "数据库“{path}”由更新版本的 ShopCRM 创建（结构版本 {found}，本程序支持到 {supported}），请升级 ShopCRM。",
        "“{path}” was made by a newer ShopCRM (schema {found}, this program knows up to {supported}); please upgrade.",
    ),
    "db.check_failed": (
        "数据库完整性检查发现问题（{reason}）。请尽快从最近的备份恢复（工具 → 备份与恢复）；"
        "下次启动时 ShopCRM 会先完整检查这个文件，并在需要时提供恢复。",
        "The database integrity check found a problem ({reason}). Please restore the newest "
        "backup soon (Tools → Backup and restore); at the next start ShopCRM checks the file "
        "fully first and offers a restore if needed.",
    ),
    "db.cannot_create": ("无法在“{path}”创建数据库：{reason}", "Cannot create the database at “{path}”: {reason}"),
    "db.bad_location": (
        "“{value}”既不是数据库文件路径，也不是 postgresql:// 地址。ShopCRM 只能打开 SQLite 文件或 PostgreSQL 数据库"
        "（例如 postgresql://用户@服务器/数据库）。",
        "“{value}” is neither a database file path nor a postgresql:// URL. ShopCRM opens an SQLite file or a "
        "PostgreSQL database (for example postgresql://user@server/database).",
    ),
    "db.file_only": (
        "“{value}”是 PostgreSQL 数据库；这里暂时只能使用 SQLite 数据库文件。",
        "“{value}” is a PostgreSQL database; this part of ShopCRM works with an SQLite database file only for now.",
    ),
    "db.pg_unreachable": (
        "无法连接 PostgreSQL 数据库“{path}”：{reason}",
        "Cannot connect to the PostgreSQL database “{path}”: {reason}",
    ),
    "db.pg_not_shopcrm": (
        "PostgreSQL 数据库“{path}”里已有其他程序的表，不是 ShopCRM 数据库，ShopCRM 不会修改它。请使用一个空数据库。",
        "The PostgreSQL database “{path}” holds another program's tables, not ShopCRM's; ShopCRM will not "
        "modify it. Please use an empty database.",
    ),
    # fields
    "field.name": ("姓名", "Name"),
    "field.mobile": ("手机", "Mobile"),
    "field.phone2": ("其他电话", "Other phone"),
    "field.card_no": ("卡号", "Card number"),
    "field.birthday": ("生日", "Birthday"),
    "field.balance": ("余额", "Balance"),
    "field.points": ("积分", "Points"),
    "field.gender": ("性别", "Gender"),
    "field.level": ("会员等级", "Member level"),
    "field.amount": ("金额", "Amount"),
    "field.date": ("日期", "Date"),
    "field.reason": ("原因", "Reason"),
    "field.notes": ("备注", "Notes"),
    "field.address": ("地址", "Address"),
    "field.wechat": ("微信", "WeChat"),
    "field.source": ("来源", "Source"),
    "field.pref_text": ("喜好", "Preferences"),
    "field.pref_products": ("常购商品", "Usual products"),
    "field.pref_taste": ("口味", "Taste"),
    "field.pref_channel": ("偏好渠道", "Preferred channel"),
    "field.pref_time": ("方便时间", "Convenient time"),
    "field.tags": ("标签", "Tags"),
    # validation
    "v.required": ("{field}不能为空", "{field} is required"),
    "v.email": (
        "邮箱“{value}”格式不对（应如 name@example.com）",
        "E-mail “{value}” is not an address (e.g. name@example.com)",
    ),
    "field.email": ("邮箱", "E-mail"),
    "v.mobile_format": (
        "手机号“{value}”格式不对：应为 11 位数字，以 1 开头",
        "Mobile “{value}” is not valid: 11 digits starting with 1",
    ),
    "v.mobile_scientific": (
        "手机号“{value}”被表格软件改成了科学计数法，原号码已无法还原",
        "Mobile “{value}” was turned into scientific notation by a spreadsheet; the number is lost",
    ),
    "v.mobile_masked": ("手机号“{value}”被打了星号，无法使用", "Mobile “{value}” is masked with asterisks"),
    "v.mobile_duplicate": (
        "手机号 {value} 已属于客户“{other}”",
        "Mobile {value} already belongs to customer “{other}”",
    ),
    "v.card_duplicate": ("卡号 {value} 已属于客户“{other}”", "Card {value} already belongs to customer “{other}”"),
    "v.money_format": ("{field}“{value}”不是有效金额", "{field} “{value}” is not a valid amount"),
    "v.opening_owner": (
        "开户余额/积分需要店主权限：请输入店主密码，或留空后由店主充值",
        "An opening balance or points needs the owner: enter the owner PIN, or leave it empty for the owner to top up",
    ),
    "v.money_negative": ("{field}不能为负数", "{field} cannot be negative"),
    "v.money_too_large": ("{field}“{value}”过大", "{field} “{value}” is too large"),
    "v.int_format": ("{field}“{value}”不是有效整数", "{field} “{value}” is not a whole number"),
    "v.int_negative": ("{field}不能为负数", "{field} cannot be negative"),
    "v.int_too_large": ("{field}“{value}”过大", "{field} “{value}” is too large"),
    "v.text_invalid_char": (
        "{field}第 {position} 个字符无效（残缺的表情或特殊字符），请删除后重新输入",
        "{field} has an invalid character at position {position} (a broken emoji "
        "or symbol); please delete it and type again",
    ),
    "v.text_too_long": (
        "{field}太长：{length} 个字，最多 {max} 个字（Excel 单元格的上限）",
        "{field} is too long: {length} characters, at most {max} (Excel's limit per cell)",
    ),
    "v.date_format": ("{field}“{value}”不是能识别的日期", "{field} “{value}” is not a date we recognise"),
    "v.date_future": ("{field}“{value}”在未来", "{field} “{value}” is in the future"),
    "v.birthday_future": (
        "生日“{value}”是将来的日期，请检查年份",
        "Birthday “{value}” is in the future: please check the year",
    ),
    "v.date_impossible": ("{field}“{value}”不存在", "{field} “{value}” does not exist"),
    "v.lunar_invalid": ("农历日期“{value}”不存在", "Lunar date “{value}” does not exist"),
    "v.lunar_range": (
        "农历日期“{value}”超出支持范围（农历 1900 年至 2100 年）",
        "Lunar date “{value}” is out of the supported range (lunar years 1900 to 2100)",
    ),
    "v.balance_insufficient": (
        "储值余额不足：余额 {balance}，需要 {amount}",
        "Insufficient stored value: balance {balance}, needed {amount}",
    ),
    "v.points_insufficient": (
        "积分不足：现有 {points}，需要 {needed}",
        "Not enough points: {points} available, {needed} needed",
    ),
    # genders
    "gender.M": ("男", "Male"),
    "gender.F": ("女", "Female"),
    "gender.": ("", ""),
    # ledger kinds
    "ledger.topup": ("充值", "Top-up"),
    "ledger.spend": ("消费", "Spend"),
    "ledger.refund": ("退款", "Refund"),
    "ledger.bonus": ("充值赠送", "Top-up bonus"),
    "ledger.topup_refund": ("退充值", "Top-up refunded"),
    "ledger.adjust": ("调整", "Adjustment"),
    "ledger.import": ("导入", "Import"),
    "ledger.earn": ("消费积分", "Points earned"),
    "ledger.redeem": ("积分兑换", "Points redeemed"),
    # payment methods
    "pay.cash": ("现金", "Cash"),
    "pay.wechat": ("微信支付", "WeChat Pay"),
    "pay.alipay": ("支付宝", "Alipay"),
    "pay.bankcard": ("银行卡", "Bank card"),
    "pay.stored_value": ("储值卡", "Stored-value card"),
    "pay.other": ("其他", "Other"),
    # contact channels
    "channel.phone": ("电话", "Phone"),
    "channel.sms": ("短信", "SMS"),
    "channel.wechat": ("微信", "WeChat"),
    "channel.visit": ("到店/拜访", "Visit"),
    "channel.letter": ("信件", "Letter"),
    "channel.email": ("电子邮件", "E-mail"),
    # lunar
    "lunar.prefix": ("农历", "Lunar "),
}


def register(entries: Mapping[str, tuple[str, str | tuple[str, ...]]]) -> None:
    """Add a module's own messages (each domain module keeps its messages beside its code)."""
    for key, pair in entries.items():
        if key in CATALOGUE and CATALOGUE[key] != pair:
            raise ValueError(f"message key {key!r} registered twice with different texts")
        CATALOGUE[key] = pair


def set_language(lang: str) -> None:
    global _LANG
    _LANG = normal(lang)


def language() -> str:
    return _LANG


def normal(lang: str | None) -> str:
    """``lang`` as one of :data:`SUPPORTED` (anything English -> "en", else Chinese)."""
    return "en" if (lang or "").lower().startswith("en") else "zh_CN"


def plural_form(lang: str, n: int) -> int:
    """Which plural form ``n`` takes in ``lang`` (Qt's rules: Chinese has one, English two)."""
    return 0 if normal(lang) == "zh_CN" or abs(n) == 1 else 1


def t(key: str, **params: Any) -> str:
    """The message ``key`` in the current (interface) language, with ``params`` filled in."""
    return t_in(_LANG, key, **params)


def t_in(lang: str, key: str, **params: Any) -> str:
    """The message ``key`` in ``lang`` whatever the interface language (messages drafted for
    customers are written in the shop's message language)."""
    zh, en = CATALOGUE[key]
    lang = normal(lang)
    text = en if lang == "en" else zh
    if isinstance(text, tuple):
        text = text[min(plural_form(lang, int(params["n"])), len(text) - 1)]
    return text.format(**params) if params else text


def tn(key: str, n: int, **params: Any) -> str:
    """The counting message ``key`` for ``n`` things: "1 day late", "2 days late"."""
    return t(key, n=n, **params)
