"""Names in a sentence: runs of capitalised words without the titles, offices, sentence
openers and countries that stand before them ('Cựu Tổng thống Mỹ [Barack Obama]')."""

from __future__ import annotations

import itertools
import re

from bot.answering.forms import key
from bot.answering.lexicon import (
    CAPITALISED,
    COUNTRIES,
    NAME_PARTICLES,
    OPENERS,
    PLACE_HEADS,
    STATE_OFFICES,
    TITLE_WORDS,
    UPPER,
    WORD,
    folded,
    leading_phrase,
)

# A name's words: capitalised ('Moon Jae-in'), an initial before another ('John F. Kennedy'),
# and the particles of European names between two ('Guido van Rossum', 'Rebelo de Sousa').
_PART = rf"(?:[A-Z]\.(?=\s+{CAPITALISED})|{CAPITALISED}(?:-\w+)*)"
_PARTICLE = rf"(?:\s+(?:{'|'.join(NAME_PARTICLES)})(?=\s+{CAPITALISED}))?"
PERSON = re.compile(rf"{_PART}(?:{_PARTICLE}[\s-]+{_PART})*")
_DASH = re.compile(r"\s+[-–]\s+")


_PREFIXES = TITLE_WORDS + PLACE_HEADS
_FIRST_WORDS = frozenset(p.split()[0] for p in _PREFIXES)
_WINDOW = max(len(p) for p in _PREFIXES) + 1  # a title and the character after it
_COUNTRY_KEYS = frozenset(tuple(key(w) for w in name) for name in COUNTRIES)
_STATE_OFFICES = tuple(dict.fromkeys(" ".join(key(w) for w in o.split()) for o in STATE_OFFICES))


def _strip_country(sentence: str, start: int, end: int) -> tuple[int, int]:
    """Drop a country's name that opens a person's name run after a state office: 'Tổng
    thống Pháp [Emmanuel Macron]', but 'ca sĩ Mỹ Tâm' keeps hers. A run that is only a
    country ('Việt Nam') names no person."""
    words = list(WORD.finditer(sentence, start, end))
    n = country_words([key(w.group(0)) for w in words])
    if n == len(words):
        return end, end
    if not n or not _after_office(sentence, start):
        return start, end
    return words[n].start(), end


def country_words(keys: list[str], at_end: bool = False) -> int:
    """How many of the first (or last) words name a country ('đan mạch' -> 2), or 0."""
    cut = (lambda c: tuple(keys[-len(c) :])) if at_end else (lambda c: tuple(keys[: len(c)]))
    return max((len(c) for c in _COUNTRY_KEYS if cut(c) == c), default=0)


def _after_office(sentence: str, at: int) -> bool:
    """Whether a state office ends right before ``at``."""
    tail = " " + " ".join(key(w) for w in WORD.findall(sentence[max(0, at - 40) : at])[-4:])
    return any(tail.endswith(" " + office) for office in _STATE_OFFICES)


def _strip_titles(sentence: str, start: int, end: int) -> tuple[int, int]:
    """Drop leading titles and place heads from a name ('Đồng chí Phan Nhân Duy'). A run
    that only opens a title ('Cựu Tổng' of 'Cựu Tổng thống') is no name: it comes out empty."""
    while start < end and (phrase := _title_at(sentence, start)):
        start = min(end, start + len(phrase) + 1)
    return start, end


def _title_at(sentence: str, at: int) -> str | None:
    """The title or place head the sentence has at ``at``, if any (its first word looked up
    before the pattern runs)."""
    first = WORD.match(sentence, at)
    if not first or first.group(0).lower() not in _FIRST_WORDS:
        return None
    return leading_phrase(sentence[at : at + _WINDOW], _PREFIXES)


def _strip_title_start(sentence: str, start: int, end: int) -> tuple[int, int]:
    """End a name before a title inside or after it: 'Chủ tịch HĐQT [Tập] đoàn Novaland',
    'Nguyễn Văn An [Tổng Thống Mỹ]'. One-word titles inside a name are its own ('Nguyễn Anh
    Tuấn'); only those that go on past the run end it."""
    words = list(WORD.finditer(sentence, start, end))
    for prev, word in itertools.pairwise(words):
        phrase = _title_at(sentence, word.start())
        if phrase and (" " in phrase or word.start() + len(phrase) > end):
            return start, prev.end()
    return start, end


def _strip_opener(sentence: str, start: int, end: int) -> tuple[int, int]:
    """Drop the sentence's capitalised first word when it only opens it ('Theo Chủ tịch')."""
    first = sentence[start:end].split(" ", 1)[0]
    opens = not sentence[:start].strip() or sentence[:start].rstrip().endswith((".", "!", "?"))
    if opens and first.lower() in OPENERS:
        return min(end, start + len(first) + 1), end
    return start, end


_ACRONYM = re.compile(rf"[{UPPER}]{{2,}}\s+(?=[{UPPER}](?![{UPPER}]))")


def _strip_acronym(sentence: str, start: int, end: int) -> tuple[int, int]:
    """Drop an acronym that opens a person's name: a title or a unit stands there, not a
    given name ('HLV Park Hang-seo', 'tỷ phú USD Trần Bá Dương')."""
    m = _ACRONYM.match(sentence, start, end)
    return (m.end(), end) if m and m.end() < end else (start, end)


def name_runs(sentence: str, people: bool) -> list[tuple[int, int]]:
    """Capitalised names without their titles; single words only when there is no longer one
    (a lone capital is as often a sentence's first word or an office as a name). A dash parts
    a person from an office ("Đức Hòa - Phan Nhân Duy"), but may join a name ("cao tốc Pháp Vân
    - Cầu Giẽ"): the whole run is a candidate too unless ``people`` are asked for, whose names
    do not start with a country's after a state office."""
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
    spans = [_strip_title_start(sentence, a, b) for a, b in spans if b > a]
    if people:
        spans = [_strip_country(sentence, *_strip_acronym(sentence, a, b)) for a, b in spans]
    spans = [(a, b) for a, b in spans if b > a]
    longer = [(a, b) for a, b in spans if re.search(r"[\s-]", sentence[a:b])]
    if longer:
        return longer
    return [(a, b) for a, b in spans if a > 0 and folded(sentence[a:b]) not in TITLE_WORDS]
