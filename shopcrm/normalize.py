"""Normalisers shared by the archive form and the importer.

Each takes what a person (or a spreadsheet) wrote and returns the stored value, or raises
:class:`shopcrm.errors.FieldError` naming the field and the reason. None of them guesses: a value
that could mean two things is an error.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal, InvalidOperation

from shopcrm.errors import FieldError
from shopcrm.lunar import LunarBirthday, parse_lunar
from shopcrm.money import to_cents

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
MAX_CENTS = 10**13  # 100 billion yuan: anything above is a typo
_PHONE_JUNK = re.compile(r"[\s\-()\[\]（）.]")


def nfkc(value) -> str:
    """NFKC-normalised, trimmed text (full-width digits become ASCII; U+3000 becomes a space)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFKC", str(value)).strip()


def normalize_mobile(value, field: str = "mobile") -> str:
    """'+86 138-1234-5678', '１３８１２３４５６７８', 13812345678.0 -> '13812345678'."""
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


def normalize_card(value) -> str | None:
    """Card numbers are text: leading zeros kept, upper-cased; empty -> None."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = nfkc(value).upper().replace(" ", "")
    return text or None


def parse_money(value, field: str = "balance", *, allow_negative: bool = False) -> int:
    """'¥1,200.50', '200元', '￥1.11', 12.5 -> cents. Empty -> 0."""
    if value is None:
        return 0
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
    cents = to_cents(d)
    if abs(cents) >= MAX_CENTS:
        raise FieldError(field, "v.money_too_large", value=value)
    return cents


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
    if n >= 10**12:
        raise FieldError(field, "v.int_format", value=value)
    return n


_DATE_PATTERNS = [
    re.compile(r"^(\d{4})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$"),
    re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
]
EXCEL_EPOCH = dt.date(1899, 12, 30)


def parse_date(value, field: str = "date", *, today: dt.date | None = None,
               allow_future: bool = True) -> dt.date | None:
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
    if not allow_future and d > (today or dt.date.today()):
        raise FieldError(field, "v.date_future", value=raw)
    if d.year < 1900:
        raise FieldError(field, "v.date_impossible", value=raw)
    return d


def parse_birthday(value, *, today: dt.date | None = None) -> dt.date | LunarBirthday | None:
    """A solar date or a lunar birthday (``农历闰四月初五``); never in the future."""
    if isinstance(value, str):
        text = nfkc(value)
        try:
            lunar = parse_lunar(text)
        except ValueError:
            raise FieldError("birthday", "v.lunar_invalid", value=value) from None
        if lunar is not None:
            return lunar
    return parse_date(value, "birthday", today=today, allow_future=False)


GENDER_WORDS = {
    "男": "M", "m": "M", "male": "M", "先生": "M", "1": "M", "男士": "M",
    "女": "F", "f": "F", "female": "F", "女士": "F", "0": "F", "小姐": "F",
}


def normalize_gender(value) -> str:
    """男/女/M/F/先生/女士/1/0 -> 'M'/'F'; anything else -> '' (unknown)."""
    text = nfkc(value).lower()
    if text.endswith(".0"):
        text = text[:-2]
    return GENDER_WORDS.get(text, "")
