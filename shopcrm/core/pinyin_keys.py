"""Search keys for a customer's name: every suffix (so a prefix search is a substring search) and
every pinyin reading, full (``zhangsan``) and initials (``zs``).

Polyphonic characters get every reading (曾 -> zeng and ceng, 单 -> dan, shan, chan), so a clerk
who types ``zw`` finds 曾伟 whatever pypinyin thinks the default reading is. The first character
also gets its surname reading from :data:`SURNAME_READINGS`, the table the list sorts by (黑 -> he,
浣 -> wan: readings pypinyin does not have). Readings are memoised per character: names repeat
their characters endlessly.

Every combination of readings is a key, up to :data:`MAX_COMBINATIONS_PER_SURNAME_READING` per
reading of the surname: a bound no real name reaches (a given name of four characters with four
readings each stays under it; tests/test_pinyin_names.py checks 300+ surnames and 50 polyphonic
given names), so ``wangshanshan`` finds 王单单 (3 x 3 readings).
"""

from __future__ import annotations

import itertools
import json
from functools import cache, lru_cache
from pathlib import Path

MAX_COMBINATIONS_PER_SURNAME_READING = 256

# Tone marks -> pypinyin's NORMAL style (ü is written v). Combining marks (m̀, ê̄…) are dropped.
_TONE_MARKS: dict[str | int, str | None] = {
    **dict.fromkeys("āáǎà", "a"),
    **dict.fromkeys("ēéěè", "e"),
    **dict.fromkeys("ếề", "ê"),
    **dict.fromkeys("īíǐì", "i"),
    **dict.fromkeys("ōóǒò", "o"),
    **dict.fromkeys("ūúǔù", "u"),
    **dict.fromkeys("üǖǘǚǜ", "v"),
    **dict.fromkeys("ńňǹ", "n"),
    "ḿ": "m",
    **{c: None for c in range(0x300, 0x370)},
}
_TONELESS = str.maketrans(_TONE_MARKS)


@lru_cache(maxsize=1)
def _single_readings() -> dict[int, str] | None:
    """pypinyin's single-character table (code point -> toned readings, comma-separated), read
    from its data file without importing pypinyin: the package's import also decodes its 2.5 MB
    phrase dictionary (0.3-0.5 s), which single characters never need. None when the file is
    not where pypinyin keeps it (then :func:`readings` asks pypinyin itself)."""
    import importlib.util

    try:
        spec = importlib.util.find_spec("pypinyin")
        # no spec or no origin: AttributeError / TypeError, caught below
        path = Path(spec.origin).parent / "pinyin_dict.json"  # type: ignore[union-attr,arg-type]
        return {int(k): v for k, v in json.loads(path.read_text(encoding="utf-8")).items()}
    except (AttributeError, TypeError, OSError, ValueError):
        return None


@cache
def readings(ch: str) -> tuple[str, ...]:
    """All pinyin readings of one character (lower-case, no tones); a letter or digit stands for
    itself; punctuation and spaces have none."""
    if ch.isascii():
        return (ch.lower(),) if ch.isalnum() else ()
    if "\u3400" <= ch <= "\u9fff" or "\U00020000" <= ch <= "\U0002a6df" or "\uf900" <= ch <= "\ufaff":
        table = _single_readings()
        if table is not None:  # what pypinyin's NORMAL style gives (tests/test_import_bulk.py)
            found = table.get(ord(ch), "")
            return tuple(dict.fromkeys(r for r in (p.translate(_TONELESS) for p in found.split(",")) if r.isalpha()))
        from pypinyin import Style, pinyin  # imported lazily: start-up does not need it

        got = pinyin(ch, style=Style.NORMAL, heteronym=True, errors="ignore")
        return tuple(dict.fromkeys(r for r in (got[0] if got else []) if r.isalpha()))
    if "\U0002a6e0" <= ch <= "\U0002ffff":
        from pypinyin import Style, pinyin

        got = pinyin(ch, style=Style.NORMAL, heteronym=True, errors="ignore")
        return tuple(dict.fromkeys(r for r in (got[0] if got else []) if r.isalpha()))
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
    if readings(text[0]):  # the name starts with its surname: its surname reading too
        first = surname_readings(text[0])
    keys.update(r[0] for r in first)  # exact single-letter keys: a one-letter search uses key = 'z'
    for surname in first:
        combos = itertools.islice(itertools.product(*rest), MAX_COMBINATIONS_PER_SURNAME_READING)
        for combo in combos:
            parts = (surname, *combo)
            keys.add("".join(parts))
            keys.add("".join(p[0] for p in parts))
    keys.discard("")
    return keys


@cache
def surname_readings(ch: str) -> tuple[str, ...]:
    """The readings of a name's first character: its surname reading (:data:`SURNAME_READINGS`,
    which the list sorts by) first, then every other reading."""
    own = readings(ch)
    extra = SURNAME_READINGS.get(ch)
    return tuple(dict.fromkeys((extra, *own))) if extra and own else own


def prefix_bounds(prefix: str) -> tuple[str, str]:
    """``key >= lo AND key < hi`` selects exactly the keys that start with ``prefix``."""
    return prefix, prefix + "\U0010ffff"


# Surnames whose reading differs from the character's commonest reading (pypinyin's first), or
# that pypinyin lacks. The list sorts by them and search keys include them. Sources: pinyin-pro's
# surname table (《百家姓》 with readings, github.com/zh-lx/pinyin-pro
# packages/pinyin-pro/lib/data/surname.ts, MIT) and, for readings it lacks, the 《现代汉语词典》
# (第7版) 姓 entries (黑 Hè) and Wiktionary (浣 wǎn, 贠/貟 yùn); every surname with its reading is
# in tests/fixtures/surnames.csv, which tests/test_pinyin_names.py searches for.
SURNAME_READINGS = {
    "曾": "zeng",
    "单": "shan",
    "解": "xie",
    "仇": "qiu",
    "区": "ou",
    "朴": "piao",
    "查": "zha",
    "盖": "ge",
    "乐": "yue",
    "覃": "qin",
    "翟": "zhai",
    "缪": "miao",
    "员": "yun",
    "召": "shao",
    "繁": "po",
    "过": "guo",
    "秘": "bi",
    "万俟": "moqi",
    "尉迟": "yuchi",
    "长孙": "zhangsun",
    "重": "chong",
    "种": "chong",
    "句": "gou",
    "折": "she",
    "黑": "he",
    "角": "jue",
    "宿": "su",
    "卜": "bu",
    "隗": "wei",
    "薄": "bo",
    "能": "nai",
    "都": "du",
    "阚": "kan",
    "乜": "nie",
    "六": "lu",
    "浣": "wan",
    "贠": "yun",
    "貟": "yun",
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
            rest = text[len(surname) :]
            break
    else:
        if text[:1] in SURNAME_READINGS:
            parts.append(SURNAME_READINGS[text[0]])
            rest = text[1:]
    for ch in rest:
        r = readings(ch)
        parts.append(r[0] if r else ch.lower())
    return " ".join(parts) + "\t" + text


class NameKeyCache:
    """:func:`name_keys` and :func:`sort_key` for many names at once (imports): the pinyin of the
    part after the surname is computed once per distinct given name (a shop's 100k names have a few
    thousand given names), then prefixed with each reading of the surname. Kept beside the
    reference functions above; tests check that both give exactly what they give."""

    def __init__(self) -> None:
        self.readings = readings
        self.first_readings = surname_readings
        self.limit = MAX_COMBINATIONS_PER_SURNAME_READING
        self.by_rest: dict[tuple[tuple[str, ...], ...], list[tuple[str, str]]] = {}
        # given name (text after the first character) -> (only one-letter readings, combinations)
        self.by_tail: dict[str, tuple[bool, list[tuple[str, str]]]] = {}
        self.surname_readings = SURNAME_READINGS
        self.compound = {s for s in SURNAME_READINGS if len(s) > 1}
        self.sort_tail: dict[str, str] = {}

    def _combos(self, rest: tuple[tuple[str, ...], ...]) -> list[tuple[str, str]]:
        combos = self.by_rest.get(rest)
        if combos is None:
            combos = self.by_rest[rest] = [
                ("".join(c), "".join(p[0] for p in c)) for c in itertools.islice(itertools.product(*rest), self.limit)
            ]
        return combos

    def _given(self, tail: str) -> tuple[bool, list[tuple[str, str]]]:
        """(only one-letter readings, combinations) of a given name, computed once per name."""
        hit = self.by_tail.get(tail)
        if hit is None:
            rest = tuple(r for r in map(self.readings, tail) if r)
            plain = all(len(r) == 1 and len(r[0]) == 1 for r in rest)
            hit = self.by_tail[tail] = (plain, self._combos(rest))
        return hit

    def __call__(self, name: str) -> set[str]:
        # not memoised per whole name: 100k names are mostly distinct, and their key sets
        # would hold ~50 MB
        text = "".join(name.split()).lower()
        keys = {text[i:] for i in range(len(text))}
        first = self.first_readings(text[:1]) if text else ()
        if first:  # the common case: memoised per given name
            tail = text[1:]
            plain, combos = self._given(tail)
            if plain and len(first) == 1 and len(first[0]) == 1:
                keys.update(text[:1])  # no Chinese: the first letter is the one-letter key
                return keys
        else:
            syllables = [r for r in map(self.readings, text) if r]
            if not syllables or all(len(r) == 1 and len(r[0]) == 1 for r in syllables):
                keys.update(text[:1])
                return keys
            first, combos = syllables[0], self._combos(tuple(syllables[1:]))
        keys.update(r[0] for r in first)  # exact single-letter keys, as name_keys has
        for surname in first:
            initial = surname[0]
            for full, initials in combos:
                keys.add(surname + full)
                keys.add(initial + initials)
        keys.discard("")
        return keys

    def key_list(self, name: str) -> list[str]:
        """The keys of :meth:`__call__` as a list, built without a set (the writer's INSERT OR
        IGNORE drops the rare repeat, as in a one-character name's initial)."""
        text = "".join(name.split()).lower()
        keys = [text[i:] for i in range(len(text))]
        first = self.first_readings(text[:1]) if text else ()
        if not first:
            return list(self(name))  # the name starts with punctuation or a symbol: rare
        tail = text[1:]
        plain, combos = self._given(tail)
        if plain and len(first) == 1 and len(first[0]) == 1:
            keys.extend(text[:1])  # no Chinese: the first letter is the one-letter key
            return keys
        for surname in first:
            initial = surname[0]
            keys.append(initial)
            for full, initials in combos:
                keys.append(surname + full)
                keys.append(initial + initials)
        return keys

    def sort_key(self, name: str) -> str:
        """:func:`shopcrm.core.pinyin_keys.sort_key`, memoised per given name."""
        text = "".join(name.split())
        if text[:2] in self.compound:
            return sort_key(name)
        first = text[:1]
        head = self.surname_readings.get(first)
        if head is None:
            r = self.readings(first)
            head = r[0] if r else first.lower()
        tail = text[1:]
        rest = self.sort_tail.get(tail)
        if rest is None:
            parts = []
            for ch in tail:
                r = self.readings(ch)
                parts.append(" " + (r[0] if r else ch.lower()))
            rest = self.sort_tail[tail] = "".join(parts)
        return head + rest + "\t" + text
