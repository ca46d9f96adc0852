"""The short answer inside a chosen sentence: a name for 'ai', a number with its unit for
'bao nhiêu', a date for 'khi nào', a place for 'ở đâu', and for '… gì?' the rest of the
clause after the question's words before 'gì' ('Ruby là gì?' -> what follows 'là').

Candidates of the wanted shape (``shapes.py``) that the question does not already name are
taken, each with features; the reader's fitted span model picks among them (``find_span``
takes the one nearest the question's words). No span (None) means the whole sentence is the answer.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from bot.answering.forms import key
from bot.answering.lexicon import PLACE_CUES, ROLES, SURNAMES, WORD
from bot.answering.names import country_words
from bot.answering.query import Query
from bot.answering.shapes import shaped


def _asked(query: Query) -> set[str]:
    """The question's content words in that form."""
    return {key(t) for t in query.content}


_SURNAME_KEYS = frozenset((key(name),) for name in SURNAMES)
_ROLES = tuple(" ".join(key(w) for w in r.split()) for r in ROLES)  # longest first

# What the span model weighs (every candidate has these keys).
SPAN_FEATURES = (
    "kind_number",
    "kind_time",
    "kind_person",
    "kind_place",
    "kind_name",
    "kind_other",
    "distance",
    "apposition",
    "opens",
    "before_is",
    "surname",
    "place_cue",
    "words",
    "quoted",
    "rivals",
    "nearest",
    "anchor_after",
    "leftmost",
    "after_noun",
    "other_role",
    "caps",
)


@dataclass(frozen=True)
class Span:
    """The answering words of a sentence: ``text == sentence[start:end]``."""

    start: int
    end: int
    text: str


def _anchors(query: Query, sentence: str) -> list[int]:
    """Where the sentence has the question's words (positions of their first character),
    but for the noun of what is asked: 'năm' of '… năm nào?' stands in every year."""
    wanted = _asked(query) - {key(w) for w in query.noun}
    return [m.start() for m in WORD.finditer(sentence) if key(m.group(0)) in wanted]


def _entity_words(query: Query) -> list[tuple[str, ...]]:
    """The question's names as word tuples in compared form."""
    return [tuple(key(w) for w in e.split()) for e in query.entities]


def _in_question(query: Query, text: str) -> bool:
    """Whether ``text`` names the question's topic: every word is in the question, or it
    holds a whole name the question asks about ('Lionel Messi' for 'con của Lionel Messi'),
    or is part of one. Sharing a word is not enough: 'Jaden Smith' answers 'Con trai của
    Will Smith?'."""
    words = tuple(key(w) for w in WORD.findall(text))
    if not words:
        return False
    if set(words) <= _asked(query):
        return True
    return any(set(words) <= set(e) or _holds(words, e) for e in _entity_words(query) if e)


def _holds(words: tuple[str, ...], part: tuple[str, ...]) -> bool:
    n = len(part)
    return any(words[i : i + n] == part for i in range(len(words) - n + 1))


@dataclass(frozen=True)
class Candidate:
    """A possible short answer and what says whether it is the one."""

    span: Span
    features: dict[str, float]


def _words_before(sentence: str, start: int, n: int) -> list[str]:
    return [key(w) for w in WORD.findall(sentence[:start])[-n:]]


def _features(query: Query, sentence: str, span: Span, distance: int) -> dict[str, float]:
    """Where a span sits and what it looks like: near or right after the question's words,
    opening the sentence, before 'là' or a bracket, shaped like a person's name."""
    wanted = _asked(query)
    before = _words_before(sentence, span.start, 2)
    after = sentence[span.end :].lstrip()
    next_words = {key(w) for w in WORD.findall(after)[:3]}
    first = span.text.split()[0]
    return {
        f"kind_{query.kind.value}": 1.0,
        "distance": math.log1p(distance),
        "apposition": float(bool(before) and before[-1] in wanted),
        "after_noun": float(bool(query.noun) and before[-len(query.noun) :] == query.noun),
        "opens": float(not WORD.search(sentence[: span.start])),
        "before_is": float(after.startswith(("là ", "la ", "(", ",", "–", "-"))),
        "anchor_after": float(bool(next_words & wanted)),
        "surname": float(first in SURNAMES),
        "place_cue": float(any(w in PLACE_CUES for w in before)),
        "words": math.log(len(span.text.split())),
        "quoted": float(span.start > 0 and sentence[span.start - 1] in "“\"'"),
        "caps": float(span.text.isupper() and " " in span.text),  # 'GIỚI THIỆU CUỐN SÁCH'
    }


MIN_REST = 2  # characters a name must keep after the question's name is dropped from it


def _given(query: Query) -> list[tuple[str, ...]]:
    """The names the question gives, as word tuples, longest first, without a lone family
    name ('nhà Ngô' keeps 'Ngô Quyền' whole)."""
    names = [*query.entities, *query.named]
    given = {tuple(key(w) for w in WORD.findall(name)) for name in names} - _SURNAME_KEYS
    return sorted(given, key=len, reverse=True)


def _drop_asked_lead(
    given: list[tuple[str, ...]], said: set[str], sentence: str, a: int, b: int
) -> tuple[int, int]:
    """A name run that opens with a name the question gives keeps only the rest: 'Ấn Độ
    Narendra Modi' (after 'Thủ tướng') answers 'Ai là thủ tướng Ấn Độ?' with 'Narendra Modi'.
    Only a whole name of the question is dropped ('Tôn Thị Nghiêm' stays whole for 'vợ của
    Tôn Đức Thắng'), and never down to a suffix ('Barack Obama Sr'). A run of the
    question's own words (``said``) stays as it is."""
    words = list(WORD.finditer(sentence, a, b))
    run = [key(w.group(0)) for w in words]
    if set(run) <= said:  # 'Hoa Kỳ' for 'Hoa kỳ'
        return a, b
    for entity in given:
        n = len(entity)
        if n < len(run) and tuple(run[:n]) == entity and b - words[n].start() > MIN_REST:
            return words[n].start(), b
    return a, b


ROLE_WINDOW = 6  # words before a span searched for the role it stands after


def _other_role(query: Query, sentence: str, start: int) -> float:
    """1 when the span stands right after a role the question does not ask about, its own
    names and countries aside: 'Thủ tướng Nhật Bản [Shinzo Abe]' for 'Ai là tổng thống Nhật
    Bản?', 'mẹ [Trấn Thành]' for 'Cha của Hari Won?'. Roles sharing a word with the
    question's are its own ('con trai' for 'con')."""
    asked = _asked(query) | {key(w) for e in query.entities for w in e.split()}
    raw = WORD.findall(sentence[:start])[-ROLE_WINDOW:]
    while raw and len(raw[-1]) > 1 and raw[-1].isupper():  # 'Chủ tịch HĐQT [Phan Văn Quý]'
        raw.pop()
    words = [key(w) for w in raw]
    while words and ((n := country_words(words, at_end=True)) or words[-1] in asked):
        words = words[: -max(1, n)]
    tail = " " + " ".join(words)
    role = next((r for r in _ROLES if tail.endswith(" " + r)), None)
    return float(role is not None and not set(role.split()) & asked)


def span_candidates(query: Query, sentence: str) -> list[Candidate]:
    """Spans of the wanted shape the question does not already name, with their features."""
    given, said = _given(query), set(query.keys)
    dropped = (_drop_asked_lead(given, said, sentence, *s) for s in shaped(query, sentence))
    spans = [
        (a, b)
        for a, b in dropped
        if sentence[a:b].strip(" ,“”\"'") and not _in_question(query, sentence[a:b])
    ]

    anchors = _anchors(query, sentence) or [0]

    def distance(span: tuple[int, int]) -> int:
        a, b = span
        return min(0 if a <= x < b else min(abs(x - a), abs(x - b)) for x in anchors)

    out = []
    for a, b in sorted(spans, key=distance):
        text = sentence[a:b].strip(" ,“”\"'")
        start = sentence.index(text, a)
        span = Span(start, start + len(text), text)
        features = _features(query, sentence, span, distance((a, b)))
        features["rivals"] = math.log(len(spans))
        features["other_role"] = _other_role(query, sentence, span.start)
        features["nearest"] = float(not out)
        out.append(Candidate(span, features))
    if out:
        min(out, key=lambda c: c.span.start).features["leftmost"] = 1.0
    return out


def find_span(query: Query, sentence: str) -> Span | None:
    """The candidate nearest the question's words, or None when there is none."""
    candidates = span_candidates(query, sentence)
    return candidates[0].span if candidates else None
