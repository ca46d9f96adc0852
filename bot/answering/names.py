"""Names in a sentence: runs of capitalised words without the titles, offices, sentence
openers and countries that stand before them ('Cựu Tổng thống Mỹ [Barack Obama]')."""

from __future__ import annotations

import re
from functools import lru_cache

from bot.answering.lexicon import (
    CAPITALISED,
    COUNTRIES,
    NAME_PARTICLES,
    OPENERS,
    PLACE_HEADS,
    TITLE_WORDS,
    WORD,
    folded,
    leading_phrase,
)
from bot.answering.query import matching_form

# A name's words: capitalised ('Moon Jae-in'), an initial before another ('John F. Kennedy'),
# and the particles of European names between two ('Guido van Rossum', 'Rebelo de Sousa').
_PART = rf"(?:[A-Z]\.(?=\s+{CAPITALISED})|{CAPITALISED}(?:-\w+)*)"
_PARTICLE = rf"(?:\s+(?:{'|'.join(NAME_PARTICLES)})(?=\s+{CAPITALISED}))?"
PERSON = re.compile(rf"{_PART}(?:{_PARTICLE}[\s-]+{_PART})*")
_DASH = re.compile(r"\s+[-–]\s+")


@lru_cache(maxsize=65536)
def key(word: str) -> str:
    """The form words are compared in: folded, one spelling for i/y ('Kỳ', 'kì' -> 'ki')."""
    return matching_form(folded(word))


_PREFIXES = TITLE_WORDS + PLACE_HEADS
COUNTRY_KEYS = frozenset(tuple(key(w) for w in name) for name in COUNTRIES)


def _strip_country(sentence: str, start: int, end: int) -> tuple[int, int]:
    """Drop a country's name that opens a person's name run: 'Tổng thống Pháp [Emmanuel
    Macron]'; a run that is only a country ('Việt Nam') names no person."""
    words = list(WORD.finditer(sentence, start, end))
    keys = tuple(key(w.group(0)) for w in words)
    n = max((len(c) for c in COUNTRY_KEYS if keys[: len(c)] == c), default=0)
    if not n:
        return start, end
    return (words[n].start(), end) if n < len(words) else (end, end)


def _strip_titles(sentence: str, start: int, end: int) -> tuple[int, int]:
    """Drop leading titles and place heads from a name ('Đồng chí Phan Nhân Duy'). A run
    that only opens a title ('Cựu Tổng' of 'Cựu Tổng thống') is no name: it comes out empty."""
    while start < end and (phrase := leading_phrase(sentence[start:], _PREFIXES)):
        start = min(end, start + len(phrase) + 1)
    return start, end


def _strip_opener(sentence: str, start: int, end: int) -> tuple[int, int]:
    """Drop the sentence's capitalised first word when it only opens it ('Theo Chủ tịch')."""
    first = sentence[start:end].split(" ", 1)[0]
    opens = not sentence[:start].strip() or sentence[:start].rstrip().endswith((".", "!", "?"))
    if opens and first.lower() in OPENERS:
        return min(end, start + len(first) + 1), end
    return start, end


def name_runs(sentence: str, people: bool) -> list[tuple[int, int]]:
    """Capitalised names without their titles; single words only when there is no longer one
    (a lone capital is as often a sentence's first word or an office as a name). A dash parts
    a person from an office ("Đức Hòa - Phan Nhân Duy"), but may join a name ("cao tốc Pháp Vân
    - Cầu Giẽ"): the whole run is a candidate too unless ``people`` are asked for, whose names
    never start with a country's."""
    whole_runs = not people
    runs = []
    for m in PERSON.finditer(sentence):
        parts = list(_DASH.finditer(m.group(0)))
        if whole_runs and parts:
            runs.append(m.span())
        edges = [0, *[x for p in parts for x in p.span()], len(m.group(0))]
        pairs = zip(edges[::2], edges[1::2], strict=True)
        runs += [(m.start() + a, m.start() + b) for a, b in pairs]
    spans = [_strip_titles(sentence, *_strip_opener(sentence, a, b)) for a, b in runs]
    if people:
        spans = [_strip_country(sentence, a, b) for a, b in spans]
    spans = [(a, b) for a, b in spans if b > a]
    longer = [(a, b) for a, b in spans if re.search(r"[\s-]", sentence[a:b])]
    if longer:
        return longer
    return [(a, b) for a, b in spans if a > 0 and folded(sentence[a:b]) not in TITLE_WORDS]
