"""Search keys for a customer's name: every suffix (so a prefix search is a substring search) and
every pinyin reading, full (``zhangsan``) and initials (``zs``).

Polyphonic characters get every reading (曾 -> zeng and ceng, 单 -> dan, shan, chan), so a clerk
who types ``zw`` finds 曾伟 whatever pypinyin thinks the default reading is. Readings are memoised
per character: names repeat their characters endlessly.
"""

from __future__ import annotations

import itertools
import json
from functools import lru_cache
from pathlib import Path

MAX_COMBINATIONS_PER_SURNAME_READING = 8

# Tone marks -> pypinyin's NORMAL style (ü is written v). Combining marks (m̀, ê̄…) are dropped.
_TONELESS = str.maketrans({
    **dict.fromkeys("āáǎà", "a"), **dict.fromkeys("ēéěè", "e"), **dict.fromkeys("ếề", "ê"), **dict.fromkeys("īíǐì", "i"),
    **dict.fromkeys("ōóǒò", "o"), **dict.fromkeys("ūúǔù", "u"), **dict.fromkeys("üǖǘǚǜ", "v"),
    **dict.fromkeys("ńňǹ", "n"), "ḿ": "m", **{c: None for c in range(0x300, 0x370)},
})


@lru_cache(maxsize=1)
def _single_readings() -> dict[int, str] | None:
    """pypinyin's single-character table (code point -> toned readings, comma-separated), read
    from its data file without importing pypinyin: the package's import also decodes its 2.5 MB
    phrase dictionary (0.3-0.5 s), which single characters never need. None when the file is
    not where pypinyin keeps it (then :func:`readings` asks pypinyin itself)."""
    import importlib.util

    try:
        spec = importlib.util.find_spec("pypinyin")
        path = Path(spec.origin).parent / "pinyin_dict.json"
        return {int(k): v for k, v in json.loads(path.read_text(encoding="utf-8")).items()}
    except (AttributeError, TypeError, OSError, ValueError):
        return None


@lru_cache(maxsize=None)
def readings(ch: str) -> tuple[str, ...]:
    """All pinyin readings of one character (lower-case, no tones); a letter or digit stands for
    itself; punctuation and spaces have none."""
    if ch.isascii():
        return (ch.lower(),) if ch.isalnum() else ()
    if "\u3400" <= ch <= "\u9fff" or "\U00020000" <= ch <= "\U0002a6df" or "\uf900" <= ch <= "\ufaff":
        table = _single_readings()
        if table is not None:  # what pypinyin's NORMAL style gives (tests/test_import_bulk.py)
            found = table.get(ord(ch), "")
            return tuple(dict.fromkeys(
                r for r in (p.translate(_TONELESS) for p in found.split(",")) if r.isalpha()))
        from pypinyin import Style, pinyin  # imported lazily: start-up does not need it

        found = pinyin(ch, style=Style.NORMAL, heteronym=True, errors="ignore")
        return tuple(dict.fromkeys(r for r in (found[0] if found else []) if r.isalpha()))
    if "\U0002a6e0" <= ch <= "\U0002ffff":
        from pypinyin import Style, pinyin

        found = pinyin(ch, style=Style.NORMAL, heteronym=True, errors="ignore")
        return tuple(dict.fromkeys(r for r in (found[0] if found else []) if r.isalpha()))
    return (ch.lower(),) if ch.isalnum() else ()


def name_keys(name: str) -> set[str]:
    text = "".join(name.split()).lower()
    keys = {text[i:] for i in range(len(text))}
    syllables = [r for r in (readings(ch) for ch in text) if r]
    if not syllables or all(len(r) == 1 and len(r[0]) == 1 for r in syllables):
        # no Chinese characters: the suffixes, and the first letter as the one-letter key
        keys.update(text[:1])
        return keys
    first, rest = syllables[0], syllables[1:]
    keys.update(r[0] for r in first)  # exact single-letter keys: a one-letter search uses key = 'z'
    for surname in first:
        combos = itertools.islice(itertools.product(*rest), MAX_COMBINATIONS_PER_SURNAME_READING)
        for combo in combos:
            parts = (surname, *combo)
            keys.add("".join(parts))
            keys.add("".join(p[0] for p in parts))
    keys.discard("")
    return keys


def prefix_bounds(prefix: str) -> tuple[str, str]:
    """``key >= lo AND key < hi`` selects exactly the keys that start with ``prefix``."""
    return prefix, prefix + "\U0010ffff"


# Surnames whose reading differs from the character's commonest reading.
SURNAME_READINGS = {
    "曾": "zeng", "单": "shan", "解": "xie", "仇": "qiu", "区": "ou", "朴": "piao", "查": "zha",
    "盖": "ge", "乐": "yue", "覃": "qin", "翟": "zhai", "缪": "miao", "员": "yun", "召": "shao",
    "繁": "po", "过": "guo", "秘": "bi", "万俟": "moqi", "尉迟": "yuchi", "长孙": "zhangsun",
    "重": "chong", "种": "chong", "句": "gou", "折": "she", "黑": "he", "角": "jue", "宿": "su",
}


def sort_key(name: str) -> str:
    """The key the list sorts names by: pinyin (surname reading for the first character), so that
    names come in the A–Z order a Chinese clerk expects; the name itself breaks ties."""
    text = "".join(name.split())
    parts: list[str] = []
    rest = text
    for surname, reading in SURNAME_READINGS.items():
        if len(surname) > 1 and text.startswith(surname):
            parts.append(reading)
            rest = text[len(surname):]
            break
    else:
        if text[:1] in SURNAME_READINGS:
            parts.append(SURNAME_READINGS[text[0]])
            rest = text[1:]
    for ch in rest:
        r = readings(ch)
        parts.append(r[0] if r else ch.lower())
    return " ".join(parts) + "\t" + text
