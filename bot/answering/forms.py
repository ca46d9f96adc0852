"""The forms words are compared in: one spelling for i/y variants and spelled-out units,
folded or accented content words. Question analysis, names and spans all compare in these."""

from __future__ import annotations

import re
from functools import lru_cache

from bot.answering.lexicon import META, STOP, STOP_FOLDED, UNITS, WORD, folded
from ingest.text.textnorm import normalize_query, strip_diacritics

_Y_TO_I = str.maketrans("yýỳỷỹỵ", "iíìỉĩị")
_I_Y_SYLLABLE = re.compile(r"^(?:[bcdđghklmnpqrstvx]|qu)[yýỳỷỹỵ]$")


def matching_form(word: str) -> str:
    """One spelling for i/y variants ('tỷ'/'tỉ', 'Quý'/'Quí') and for spelled-out units."""
    word = UNITS.get(word, word)
    return word.translate(_Y_TO_I) if _I_Y_SYLLABLE.match(word) else word


@lru_cache(maxsize=65536)
def key(word: str) -> str:
    """The form words are compared in: folded, one spelling for i/y ('Kỳ', 'kì' -> 'ki')."""
    return matching_form(folded(word))


def content_terms(text: str, *, accented: bool) -> list[str]:
    """Lower-case content syllables in canonical tone form (folded unless ``accented``)."""
    words = [matching_form(w.lower()) for w in WORD.findall(META.sub(" ", normalize_query(text)))]
    if accented:
        return [w for w in words if w not in STOP]
    return [w for w in (strip_diacritics(w) for w in words) if w not in STOP_FOLDED]
