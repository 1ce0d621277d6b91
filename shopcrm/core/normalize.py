"""Normalisers shared by the archive form and the importer.

Each takes what a person (or a spreadsheet) wrote and returns the stored value, or raises
:class:`shopcrm.core.errors.FieldError` naming the field and the reason. None of them guesses: a value
that could mean two things is an error.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from decimal import Decimal, DecimalException, InvalidOperation

from shopcrm.core import clock
from shopcrm.core.errors import FieldError
from shopcrm.core.lunar import LunarBirthday, LunarRangeError, parse_lunar
from shopcrm.core.money import to_cents

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
# One bound per kind of value, shared by the forms, the ledger, the importer and the exporter, so
# that whatever the program stores comes back from its own export (issue #19).
MAX_CENTS = 10**13  # 100 billion yuan (exclusive): anything above is a typo
MAX_POINTS = 10**12  # points and counts (exclusive)
MAX_TEXT = 32767  # characters (UTF-16 code units) of one free-text value: Excel's limit per cell
_SURROGATE = re.compile("[\ud800-\udfff]")
_PHONE_JUNK = re.compile(r"[\s\-()\[\]（）.]")


def nfkc(value) -> str:
    """NFKC-normalised, trimmed text (full-width digits become ASCII; U+3000 becomes a space)."""
    if value is None:
        return ""
    if isinstance(value, str):
        if value.isascii():
            return value.strip()
        return unicodedata.normalize("NFKC", value).strip()
    return cell_text(value)


def normalize_mobile(value, field: str = "mobile") -> str:
    """'+86 138-1234-5678', '１３８１２３４５６７８', 13812345678.0 -> '13812345678'."""
    if value.__class__ is str and len(value) == 11 and MOBILE_RE.match(value):
        return value  # the common case, already clean
    raw = value
    if isinstance(value, float):
        if not value.is_integer():
            raise FieldError(field, "v.mobile_format", value=raw)
        value = int(value)
    text = nfkc(value)
    if not text:
        raise FieldError(field, "v.required")
    if re.fullmatch(r"\d(\.\d+)?[eE]\+?\d+", text):
        raise FieldError(field, "v.mobile_scientific", value=raw)
    if "*" in text:
        raise FieldError(field, "v.mobile_masked", value=raw)
    if re.fullmatch(r"\d+\.0+", text):  # 13812345678.0: a spreadsheet's float written as text
        text = text.split(".")[0]
    digits = _PHONE_JUNK.sub("", text)
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    if not MOBILE_RE.match(digits):
        raise FieldError(field, "v.mobile_format", value=raw)
    return digits


def normalize_name(value) -> str:
    text = "" if value is None else str(value)
    return text.strip().strip("\u3000").strip()


_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")


def normalize_email(value) -> str:
    """An e-mail address as typed (full-width characters folded, spaces trimmed); '' for none.
    Raises FieldError("email") for text that is not one address."""
    text = nfkc(value or "").strip()
    if text and not _EMAIL.fullmatch(text):
        raise FieldError("email", "v.email", value=text)
    return text


def normalize_card(value) -> str | None:
    """Card numbers are text: leading zeros kept, upper-cased; empty -> None."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = nfkc(value)
    if text.isascii() and text.isalnum():  # the common case, 'VIP00123'
        return text.upper()
    for _ in range(3):  # upper-casing or dropping spaces can leave text that NFKC changes again
        before = text
        text = "".join(text.upper().split())
        text = unicodedata.normalize(
            "NFKC", "".join(ch for ch in text if not unicodedata.category(ch).startswith("C"))
        )  # controls
        if text == before:
            break
    return text or None


def parse_money(value, field: str = "balance", *, allow_negative: bool = False) -> int:
    """'¥1,200.50', '200元', '￥1.11', 12.5 -> cents. Empty -> 0."""
    if value is None:
        return 0
    if value.__class__ is float and 0 <= value < 1e9:  # the common spreadsheet number
        x = value * 100
        c = round(x)
        if abs(x - c) < 1e-6:  # whole cents: exact (a half cent goes the Decimal way below)
            return c
    elif value.__class__ is int and 0 <= value < MAX_CENTS // 100:
        return value * 100
    if isinstance(value, Decimal):
        d = value
    elif isinstance(value, int) and not isinstance(value, bool):
        d = Decimal(value)
    elif isinstance(value, float):
        d = Decimal(repr(value))
    else:
        text = nfkc(value)
        text = re.sub(r"[¥￥,元\s]|RMB|CNY", "", text, flags=re.I)
        if text == "":
            return 0
        try:
            d = Decimal(text)
        except InvalidOperation:
            raise FieldError(field, "v.money_format", value=value) from None
    if not d.is_finite():
        raise FieldError(field, "v.money_format", value=value)
    if d < 0 and not allow_negative:
        raise FieldError(field, "v.money_negative")
    # the exponent first: abs() and quantize() overflow the decimal context on 1E1000000
    if d.adjusted() > 12 or abs(d) >= Decimal(MAX_CENTS) / 100:
        raise FieldError(field, "v.money_too_large", value=value)
    try:
        return to_cents(d)
    except DecimalException:
        raise FieldError(field, "v.money_format", value=value) from None


def parse_int(value, field: str = "points") -> int:
    """'1,200', '１２００', 1200.0 -> 1200. Empty -> 0. Must be a non-negative whole number."""
    if value is None:
        return 0
    if isinstance(value, bool):
        raise FieldError(field, "v.int_format", value=value)
    if isinstance(value, int):
        n = value
    elif isinstance(value, float):
        if not value.is_integer():
            raise FieldError(field, "v.int_format", value=value)
        n = int(value)
    else:
        text = re.sub(r"[,\s]", "", nfkc(value))
        if text == "":
            return 0
        if re.fullmatch(r"[+-]?\d+(\.0+)?", text):
            n = int(Decimal(text))
        else:
            raise FieldError(field, "v.int_format", value=value)
    if n < 0:
        raise FieldError(field, "v.int_negative")
    if n >= MAX_POINTS:
        raise FieldError(field, "v.int_too_large", value=value)
    return n


def check_text(field: str, text: str | None) -> None:
    """A free-text value the program can store and export as it is: no lone surrogate (half of
    an emoji that SQLite cannot encode), at most :data:`MAX_TEXT` characters once escaped for a
    cell (a leading formula trigger gains an apostrophe). Raises FieldError."""
    if not text:
        return
    m = _SURROGATE.search(text)
    if m:
        raise FieldError(field, "v.text_invalid_char", position=m.start() + 1)
    n = len(text) + sum(1 for ch in text if ch > "\uffff")  # UTF-16 units, as Excel counts
    if n > MAX_TEXT or (n == MAX_TEXT and escape_formula(text) is not text):
        raise FieldError(field, "v.text_too_long", length=n, max=MAX_TEXT)


_DATE_PATTERNS = [
    re.compile(r"^(\d{4})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$"),
    re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
]
EXCEL_EPOCH = dt.date(1899, 12, 30)


def parse_date(
    value, field: str = "date", *, today: dt.date | None = None, allow_future: bool = True
) -> dt.date | None:
    """A solar date written any common way; Excel serials and yyyymmdd integers too.
    Empty -> None. Raises FieldError for unknown, impossible or (optionally) future dates."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        d = value.date()
    elif isinstance(value, dt.date):
        d = value
    else:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            if isinstance(value, float) and not math.isfinite(value):
                raise FieldError(field, "v.date_format", value=value)
            if isinstance(value, float) and not value.is_integer() and value < 100000:
                value = int(value)  # a date-time serial: keep the date part
            n = int(value)
            if 19000101 <= n <= 29991231:
                text = str(n)
            elif 1 <= n < 2958466:  # Excel serial date
                d = EXCEL_EPOCH + dt.timedelta(days=n)
                return _check_date(d, field, value, today, allow_future)
            else:
                raise FieldError(field, "v.date_format", value=value)
        else:
            text = nfkc(value)
        if not text:
            return None
        for pat in _DATE_PATTERNS:
            m = pat.match(text)
            if m:
                y, mo, da = (int(g) for g in m.groups())
                try:
                    d = dt.date(y, mo, da)
                except ValueError:
                    raise FieldError(field, "v.date_impossible", value=value) from None
                break
        else:
            raise FieldError(field, "v.date_format", value=value)
    return _check_date(d, field, value, today, allow_future)


def _check_date(d, field, raw, today, allow_future):
    if not allow_future and d > (today or clock.today()):
        raise FieldError(field, "v.birthday_future" if field == "birthday" else "v.date_future", value=raw)
    if d.year < 1900:
        raise FieldError(field, "v.date_impossible", value=raw)
    return d


_LUNAR_FIRST = set("农阴農陰")


def parse_birthday(value, *, today: dt.date | None = None) -> dt.date | LunarBirthday | None:
    """A solar date or a lunar birthday (``农历闰四月初五``); never in the future."""
    if isinstance(value, str):
        text = nfkc(value)
        if len(text) == 10 and text[4] == "-" and text[7] == "-":
            try:  # the common case, ISO
                d = dt.date.fromisoformat(text)
            except ValueError:  # expected: not a real ISO date; the general parser below decides
                pass
            else:
                return _check_date(d, "birthday", value, today, False)
        if text[:1] not in _LUNAR_FIRST:
            return parse_date(text or None, "birthday", today=today, allow_future=False)
        try:
            lunar = parse_lunar(text)
        except LunarRangeError:
            raise FieldError("birthday", "v.lunar_range", value=value) from None
        except (ValueError, IndexError, KeyError, OverflowError):
            raise FieldError("birthday", "v.lunar_invalid", value=value) from None
        if lunar is not None:
            return lunar
    return parse_date(value, "birthday", today=today, allow_future=False)


GENDER_WORDS = {
    "男": "M",
    "m": "M",
    "male": "M",
    "先生": "M",
    "1": "M",
    "男士": "M",
    "女": "F",
    "f": "F",
    "female": "F",
    "女士": "F",
    "0": "F",
    "小姐": "F",
}


def normalize_gender(value) -> str:
    """男/女/M/F/先生/女士/1/0 -> 'M'/'F'; anything else -> '' (unknown)."""
    text = nfkc(value).lower()
    if text.endswith(".0"):
        text = text[:-2]
    return GENDER_WORDS.get(text, "")


# --- spreadsheet cells and headers (the importer) -----------------------------------------------


def cell_text(value) -> str:
    """Any spreadsheet cell (str, int, float, bool, date, time, None…) as trimmed NFKC text.
    Never raises: a number too long to print is shown by its first digits."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return str(value)
        if value.is_integer() and abs(value) < 1e16:
            value = int(value)
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        value = value.date()
    try:
        text = str(value)
    except ValueError:  # an int beyond sys.get_int_max_str_digits
        text = "?"
    return unicodedata.normalize("NFKC", text).strip()


FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")
_ESCAPABLE = re.compile(r"'*[=+\-@\t\r\n]")  # zero or more apostrophes, then a trigger


def escape_formula(text):
    """OWASP CSV-injection guard as our exporter writes it: a leading ``'`` before a value that
    starts with ``= + - @`` tab CR LF. A value that already starts with apostrophes before such
    a character gets one more, so that :func:`unescape_formula` gives back exactly the value."""
    if isinstance(text, str) and _ESCAPABLE.match(text):
        return "'" + text
    return text


def unescape_formula(value):
    """Undo :func:`escape_formula`: ``'=1+1`` -> ``=1+1``. Anything else (``'abc``, ``it's``) is
    returned unchanged."""
    if isinstance(value, str) and value[:1] == "'" and _ESCAPABLE.match(value, 1):
        return value[1:]
    return value


_TRAILING_PAREN = re.compile(r"\s*\([^()]*\)\s*$")


def normalize_header(value) -> str:
    """A header cell as compared with the synonym table: NFKC, trimmed, newlines and spaces
    removed, a trailing ``(…)``/``（…）`` and ``*`` marks dropped, lower-case.
    ``'储值余额（元）'`` -> ``'储值余额'``; ``'手机号码*'`` -> ``'手机号码'``; ``'Card No.'`` -> ``'cardno'``."""
    text = cell_text(value)
    prev = None
    while prev != text:
        prev = text
        text = text.strip().strip("*＊").strip()
        text = _TRAILING_PAREN.sub("", text)
        text = text.rstrip(":：.")
    text = re.sub(r"[\s_\-]+", "", text)
    return text.lower()


# field -> header words (Chinese first, then English). Compared after normalize_header.
HEADER_SYNONYMS: dict[str, tuple[str, ...]] = {
    "name": (
        "姓名",
        "会员姓名",
        "客户名称",
        "客户姓名",
        "持卡人",
        "会员名称",
        "顾客姓名",
        "名字",
        "客户",
        "name",
        "full name",
        "customer name",
        "customer",
        "member name",
        "member",
        "card holder",
    ),
    "mobile": (
        "手机",
        "手机号",
        "手机号码",
        "联系电话",
        "电话",
        "电话号码",
        "联系手机",
        "联系方式",
        "移动电话",
        "会员手机",
        "会员手机号",
        "mobile",
        "mobile phone",
        "mobile number",
        "cell",
        "cell phone",
        "cellphone",
        "phone",
        "phone number",
        "telephone",
        "tel",
        "contact number",
        "contact",
    ),
    "card_no": (
        "卡号",
        "会员卡号",
        "会员编号",
        "会员号",
        "卡编号",
        "card",
        "card no",
        "card number",
        "member no",
        "member number",
        "member id",
        "membership number",
        "membership no",
    ),
    "birthday": (
        "生日",
        "出生日期",
        "会员生日",
        "出生年月日",
        "birthday",
        "date of birth",
        "dob",
        "birth date",
        "birthdate",
    ),
    "gender": ("性别", "会员性别", "gender", "sex"),
    "balance": (
        "余额",
        "卡内余额",
        "储值余额",
        "卡余额",
        "账户余额",
        "储值金额",
        "balance",
        "card balance",
        "stored value",
        "stored value balance",
        "account balance",
    ),
    "points": (
        "积分",
        "可用积分",
        "积分余额",
        "当前积分",
        "会员积分",
        "points",
        "reward points",
        "loyalty points",
        "point balance",
        "available points",
    ),
    "level": (
        "等级",
        "会员等级",
        "会员级别",
        "卡类型",
        "会员类别",
        "级别",
        "会员类型",
        "level",
        "member level",
        "membership level",
        "grade",
        "tier",
        "card type",
        "membership type",
    ),
    "notes": ("备注", "说明", "备注信息", "notes", "note", "remark", "remarks", "comment", "comments", "memo"),
    "address": ("地址", "通讯地址", "联系地址", "家庭住址", "住址", "address", "mailing address", "contact address"),
    "joined_on": (
        "注册日期",
        "开卡日期",
        "发卡日期",
        "入会时间",
        "入会日期",
        "注册时间",
        "开卡时间",
        "joined",
        "join date",
        "joined on",
        "registered",
        "registration date",
        "member since",
        "card issued",
        "issue date",
    ),
    "total_spend": (
        "累计消费",
        "总消费金额",
        "消费总额",
        "累计消费金额",
        "总消费",
        "total spend",
        "total spent",
        "lifetime spend",
        "total purchases",
    ),
    "wechat": ("微信", "微信号", "wechat", "wechat id", "weixin"),
    "email": ("邮箱", "电子邮件", "电子邮箱", "邮件地址", "e-mail", "email", "email address", "e-mail address", "mail"),
    "tags": ("标签", "会员标签", "客户标签", "tags", "tag", "labels", "label"),
    "phone2": ("其他电话", "备用电话", "固定电话", "座机", "other phone", "landline", "home phone"),
    # the archive's other columns, as shopcrm.excel.excel_export writes them (round trip)
    "source": ("来源", "客户来源", "会员来源", "source", "customer source"),
    "pref_text": ("喜好", "爱好", "客户喜好", "preferences", "likes"),
    "pref_products": ("常购商品", "常买商品", "usual products", "favourite products", "favorite products"),
    "pref_taste": ("口味", "口味偏好", "taste", "taste preference"),
    "pref_channel": ("偏好渠道", "联系偏好", "preferred channel", "contact preference"),
    "pref_time": ("方便时间", "方便联系时间", "convenient time", "best time to call"),
    "consent_marketing": (
        "接受营销",
        "同意营销",
        "接收营销",
        "accepts marketing",
        "marketing consent",
        "marketing opt in",
    ),
    "purchase_count": ("消费次数", "购买次数", "purchase count", "number of purchases"),
    # a chain's member lists (issue #18): the member's home store; read only in a chain
    "store": (
        "门店",
        "发卡门店",
        "开卡门店",
        "办卡门店",
        "所属门店",
        "归属门店",
        "会员门店",
        "注册门店",
        "store",
        "home store",
        "branch",
    ),
    "last_purchase_at": (
        "最近消费",
        "最后消费时间",
        "最近消费时间",
        "最近购买",
        "last purchase",
        "last purchase at",
        "last visit",
    ),
}

HEADER_LOOKUP: dict[str, str] = {
    normalize_header(word): field for field, words in HEADER_SYNONYMS.items() for word in words
}


# traditional characters of header words (Big5 files from Taiwan / Hong Kong member programs)
_TRADITIONAL = str.maketrans(
    "機號碼電話會員卡餘額積分備註別級儲顧客開戶標籤錄費訊購時間讀選擇來源偏稱聯絡",
    "机号码电话会员卡余额积分备注别级储顾客开户标签录费讯购时间读选择来源偏称联络",
)


def match_header(value) -> str | None:
    """The customer field a header cell names (in simplified or traditional characters), or None."""
    key = normalize_header(value)
    found = HEADER_LOOKUP.get(key)
    if found is None and not key.isascii():
        found = HEADER_LOOKUP.get(key.translate(_TRADITIONAL))
    return found


_TAG_SPLIT = re.compile(r"[,，、;；/|\s]+")


def parse_tags(value) -> list[str]:
    """'老顾客，宝妈 VIP' -> ['老顾客', '宝妈', 'VIP'] (order kept, duplicates dropped)."""
    text = cell_text(value)
    return list(dict.fromkeys(t for t in _TAG_SPLIT.split(text) if t))
