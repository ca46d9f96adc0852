"""The short answer inside a chosen sentence: a name for 'ai', a number with its unit for
'bao nhiêu', a date for 'khi nào', a place for 'ở đâu', and for '… gì?' the rest of the
clause after the question's words before 'gì' ('Ruby là gì?' -> what follows 'là').

Candidates of the wanted shape that the question does not already name are taken, each with
features; the reader's fitted span model picks among them (``find_span`` takes the one
nearest the question's words). No span (None) means the whole sentence is the answer.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from bot.answering.lexicon import (
    ASK_QUANTITY,
    ASKS_YEAR,
    NAME,
    PLACE_CUES,
    PLACE_HEADS,
    ROLES,
    STOP,
    STOP_FOLDED,
    SURNAMES,
    UNIT_WORDS,
    WORD,
)
from bot.answering.names import PERSON, country_words, key, name_runs
from bot.answering.query import AnswerType, Query

_UNITS = "|".join(re.escape(u) for u in UNIT_WORDS)
_NUMBER = re.compile(
    rf"(?<![\w.,])\d+(?:[.,/–-]\d+)*(?:\s*%|(?:\s+(?:{_UNITS})(?![\w-])(?:/(?:{_UNITS}))*){{0,2}})",
    re.IGNORECASE,
)
# An ordinal in Roman numerals, as congresses and terms are counted: 'lần thứ XXII'.
_ORDINAL = re.compile(r"(?:\b[Ll]ần\s+)?\b[Tt]hứ\s+[IVXLC]{1,7}\b")
_YEAR = r"(?:1\d|20)\d\d(?!\d)"
_PART_OF = r"(?:(?:cuối|đầu|giữa)\s+)?"  # 'cuối' of 'cuối năm 2020'
_YEAR_WORD = rf"(?:năm\s+)?\b{_YEAR}"
_DATE = re.compile(  # each form whole: '12/10/2020', 'tháng 10/2020', 'cuối quý II/2020'
    rf"{_PART_OF}(?:"
    rf"(?:ngày\s+)?\d{{1,2}}/\d{{1,2}}(?:/(?:\d{{4}}|\d\d)(?!\d)|(?![\d/]))"
    rf"|(?:tháng\s+)?\d{{1,2}}/{_YEAR}"
    rf"|tháng\s+\d{{1,2}}\s?[-–]\s?{_YEAR}"  # 'tháng 2-2007'
    rf"|(?:ngày|hôm)\s+\d{{1,2}}[.-]\d{{1,2}}(?:[.-]{_YEAR})?(?![\d.,-]?\d)"  # 'hôm 20.12'
    rf"|(?:ngày\s+)?\d{{1,2}}\s+tháng\s+\d{{1,2}}\s+năm\s+{_YEAR}"  # '(ngày) 5 tháng 7 năm 1994'
    rf"|ngày\s+\d{{1,2}}\s+tháng\s+\d{{1,2}}"
    rf"|(?:ngày|tháng)\s+\d{{1,2}}(?:\s+năm\s+{_YEAR})?"
    rf"|quý\s+(?:I{{1,3}}|IV|[1-4])(?:/{_YEAR}|\s+năm\s+{_YEAR})?"
    rf"|{_YEAR_WORD}"
    rf"|thế kỷ\s+[\wIVXLC]+)",
    re.IGNORECASE,
)
_YEAR_PART = re.compile(_PART_OF + _YEAR_WORD, re.IGNORECASE)


def _year_of(sentence: str, start: int, end: int) -> tuple[int, int] | None:
    """The year a date span holds ('năm 1994' of 'ngày 5 tháng 7 năm 1994'); None for a date
    without one ('tháng 11'), which does not answer which year."""
    m = _YEAR_PART.search(sentence, start, end)
    return m.span() if m else None


_PLACE = re.compile(  # the head in any case ('Huyện', 'Ở'), the name capitalised
    rf"\b(?i:{'|'.join(re.escape(h) for h in PLACE_HEADS)}|ở|tại|thuộc)\s+({PERSON.pattern})"
)


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


def _candidates(query: Query, sentence: str) -> list[tuple[int, int]]:
    match query.kind:
        case AnswerType.NUMBER:  # a number the question gives is its topic ('năm 2019')
            given = set(query.numbers)
            numbers = [m for m in _NUMBER.finditer(sentence) if m.group(0).split()[0] not in given]
            counted = _counted(query)
            spans = [_with_counted(sentence, m.span(), counted) for m in numbers]
            return [*spans, *(m.span() for m in _ORDINAL.finditer(sentence))]
        case AnswerType.TIME:
            dates = [m.span() for m in _DATE.finditer(sentence)]
            if ASKS_YEAR.search(query.text):  # 'sinh năm nào?': the year of '5 tháng 7 năm 1994'
                dates = [y for y in (_year_of(sentence, *d) for d in dates) if y]
            return dates
        case AnswerType.PLACE:
            return [m.span(1) for m in _PLACE.finditer(sentence)]
        case AnswerType.PERSON | AnswerType.NAME:
            return name_runs(sentence, people=query.kind is AnswerType.PERSON)
        case AnswerType.OTHER:
            return _after_anchor(_gap_anchor(query), sentence)
        case _:
            return []


MAX_COUNTED = 2  # words of what a quantity question counts: 'đội bóng' of 'bao nhiêu đội bóng'


def _counted(query: Query) -> tuple[str, ...]:
    """The words after 'bao nhiêu' or 'mấy', up to a stop word: what is counted."""
    m = ASK_QUANTITY.search(query.text)
    words = WORD.findall(query.text[m.end() :])[:MAX_COUNTED] if m else []
    keys = []
    for word in words:
        if word.lower() in STOP or word.lower() in STOP_FOLDED:
            break
        keys.append(key(word))
    return tuple(keys)


def _with_counted(
    sentence: str, span: tuple[int, int], counted: tuple[str, ...]
) -> tuple[int, int]:
    """A number with the words the question counts right after it: '10 [đội bóng]'."""
    a, b = span
    words = list(WORD.finditer(sentence, b))[: len(counted)]
    n = 0
    while n < len(words) and key(words[n].group(0)) == counted[n]:
        if sentence[(words[n - 1].end() if n else b) : words[n].start()].strip():
            break
        n += 1
    return (a, words[n - 1].end()) if n else span


_GAP = ("gi",)  # the question word whose place the answer takes: 'Ruby là gì?'
_QUOTES = {"“": "”", '"': '"', "‘": "’", "«": "»"}
_CLAUSE_END = re.compile(r"[,;:.!?()\[\]]|\s[-–]\s")
MAX_CLAUSE_WORDS = 12


def _gap_anchor(query: Query) -> tuple[str, ...]:
    """The (at most two) words before 'gì' in the question: 'là' of 'Ruby là gì?', 'hiệu là'
    of '… lấy niên hiệu là gì?'. Empty when the question has no 'gì'."""
    words = [key(w) for w in WORD.findall(query.text)]
    at = next((i for i, w in enumerate(words) if (w,) == _GAP), None)
    return tuple(words[max(0, at - 2) : at]) if at else ()


def _after_anchor(anchor: tuple[str, ...], sentence: str) -> list[tuple[int, int]]:
    """What follows the anchor in the sentence, up to the end of its clause (at most 12
    words), or a quotation after it whole: 'chủ đề … là [“Kỷ cương, trách nhiệm, …”]'. The
    two-word anchor is tried first, then its last word."""
    words = list(WORD.finditer(sentence))
    keys = [key(w.group(0)) for w in words]
    for n in range(len(anchor), 0, -1):
        part = anchor[-n:]
        ends = [
            words[i + n - 1].end()
            for i in range(len(keys) - n + 1)
            if tuple(keys[i : i + n]) == part
        ]
        spans = [s for s in (_clause_after(sentence, e) for e in ends) if s]
        if spans:
            return spans
    return []


def _clause_after(sentence: str, at: int) -> tuple[int, int] | None:
    rest = sentence[at:]
    start = at + len(rest) - len(rest.lstrip())
    close = _QUOTES.get(sentence[start : start + 1])
    if close and (end := sentence.find(close, start + 1)) > start + 1:
        return start + 1, end
    m = _CLAUSE_END.search(sentence, start)
    clause = list(WORD.finditer(sentence, start, m.start() if m else len(sentence)))
    return (start, clause[:MAX_CLAUSE_WORDS][-1].end()) if clause else None


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
    names = [*query.entities, *(m.group(0) for m in NAME.finditer(query.text))]
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
    given, said = _given(query), {key(w) for w in WORD.findall(query.text)}
    dropped = (_drop_asked_lead(given, said, sentence, *s) for s in _candidates(query, sentence))
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
