"""Search keys for a customer's name: every suffix (so a prefix search is a substring search) and
every pinyin reading, full (``zhangsan``) and initials (``zs``).

Polyphonic characters get every reading (曾 -> zeng and ceng, 单 -> dan, shan, chan), so a clerk
who types ``zw`` finds 曾伟 whatever pypinyin thinks the default reading is. Readings are memoised
per character: names repeat their characters endlessly.
"""

from __future__ import annotations

import itertools
from functools import lru_cache

MAX_COMBINATIONS_PER_SURNAME_READING = 8


@lru_cache(maxsize=None)
def readings(ch: str) -> tuple[str, ...]:
    """All pinyin readings of one character (lower-case, no tones); a letter or digit stands for
    itself; punctuation and spaces have none."""
    if ch.isascii():
        return (ch.lower(),) if ch.isalnum() else ()
    if "\u3400" <= ch <= "\u9fff" or "\U00020000" <= ch <= "\U0002ffff" or "\uf900" <= ch <= "\ufaff":
        from pypinyin import Style, pinyin  # imported lazily: start-up does not need it

        found = pinyin(ch, style=Style.NORMAL, heteronym=True, errors="ignore")
        return tuple(dict.fromkeys(r for r in (found[0] if found else []) if r.isalpha()))
    return (ch.lower(),) if ch.isalnum() else ()


def name_keys(name: str) -> set[str]:
    text = "".join(name.split()).lower()
    keys = {text[i:] for i in range(len(text))}
    syllables = [r for r in (readings(ch) for ch in text) if r]
    if not syllables or all(len(r) == 1 and len(r[0]) == 1 for r in syllables):
        return keys  # no Chinese characters: the suffixes are all we need
    first, rest = syllables[0], syllables[1:]
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
