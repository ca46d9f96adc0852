"""The short answer inside a chosen sentence: a name for 'ai', a number with its unit for
'bao nhiêu', a date for 'khi nào', a place for 'ở đâu', what follows 'là' for 'là gì'.

Candidates of the wanted shape that the question does not already name are taken; the one
nearest to the words the sentence shares with the question wins. No span (None) means the
whole sentence is the answer.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

from bot.answering.lexicon import (
    CAPITALISED,
    NAME,
    OPENERS,
    PLACE_CUES,
    PLACE_HEADS,
    ROLES,
    SURNAMES,
    TITLE_WORDS,
    UNIT_WORDS,
    WORD,
    folded,
    leading_phrases,
)
from bot.answering.query import AnswerType, Query, matching_form

_UNITS = "|".join(re.escape(u) for u in UNIT_WORDS)
_NUMBER = re.compile(
    rf"(?<![\w.,])\d+(?:[.,/]\d+)*(?:\s*%|(?:\s+(?:{_UNITS})(?![\w-])(?:/(?:{_UNITS}))*){{0,2}})",
    re.IGNORECASE,
)
_DATE = re.compile(
    r"(?:(?:cuối|đầu|giữa)\s+)?(?:ngày\s+)?\d{1,2}/\d{1,2}(?:/\d{2,4})?|(?:ngày|tháng|quý)\s+\d{1,2}(?:\s+năm\s+\d{4})?"
    r"|(?:(?:cuối|đầu|giữa)\s+)?(?:năm\s+)?\b(?:1\d|20)\d\d\b|thế kỷ\s+[\wIVXLC]+",
    re.IGNORECASE,
)
_PERSON = re.compile(rf"{CAPITALISED}(?:-\w+)*(?:[\s-]+{CAPITALISED}(?:-\w+)*)*")  # Moon Jae-in
_DASH = re.compile(r"\s+[-–]\s+")
_PLACE = re.compile(
    rf"\b(?:{'|'.join(re.escape(h) for h in PLACE_HEADS)}|ở|tại|thuộc)\s+({_PERSON.pattern})",
    re.IGNORECASE,
)


@lru_cache(maxsize=65536)
def _key(word: str) -> str:
    """The form words are compared in: folded, one spelling for i/y ('Kỳ', 'kì' -> 'ki')."""
    return matching_form(folded(word))


def _asked(query: Query) -> set[str]:
    """The question's content words in that form."""
    return {_key(t) for t in query.content}


_ROLES = tuple(" ".join(_key(w) for w in r.split()) for r in ROLES)  # longest first

# What the span model weighs (every candidate has these keys).
SPAN_FEATURES = (
    "kind_number",
    "kind_time",
    "kind_person",
    "kind_place",
    "kind_name",
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
)


@dataclass(frozen=True)
class Span:
    """The answering words of a sentence: ``text == sentence[start:end]``."""

    start: int
    end: int
    text: str


def _anchors(query: Query, sentence: str) -> list[int]:
    """Where the sentence has the question's words (positions of their first character)."""
    wanted = _asked(query)
    return [m.start() for m in WORD.finditer(sentence) if _key(m.group(0)) in wanted]


def _in_question(query: Query, text: str) -> bool:
    """Whether ``text`` names the question's topic: every word is in the question, or it
    shares a word with a name the question asks about ('Lionel Messi' for 'con của Messi')."""
    words = [_key(w) for w in WORD.findall(text)]
    topic = {_key(w) for e in query.entities for w in e.split()}
    asked = _asked(query) | topic
    return bool(words) and (all(w in asked for w in words) or bool(topic & set(words)))


def _strip_titles(sentence: str, start: int, end: int) -> tuple[int, int]:
    """Drop leading titles and place heads from a name ('Đồng chí Phan Nhân Duy')."""
    changed = True
    while changed:
        changed = False
        lowered = sentence[start:end].lower()
        for phrase in leading_phrases(sentence[start:end], TITLE_WORDS + PLACE_HEADS):
            if lowered.startswith(phrase + " "):
                start += len(phrase) + 1
                changed = True
                break
    return start, end


def _strip_opener(sentence: str, start: int, end: int) -> tuple[int, int]:
    """Drop the sentence's capitalised first word when it only opens it ('Theo Chủ tịch')."""
    first = sentence[start:end].split(" ", 1)[0]
    opens = not sentence[:start].strip() or sentence[:start].rstrip().endswith((".", "!", "?"))
    if opens and first.lower() in OPENERS:
        return min(end, start + len(first) + 1), end
    return start, end


def _candidates(query: Query, sentence: str) -> list[tuple[int, int]]:
    match query.kind:
        case AnswerType.NUMBER:  # a number the question gives is its topic ('năm 2019')
            given = set(query.numbers)
            return [
                m.span() for m in _NUMBER.finditer(sentence) if m.group(0).split()[0] not in given
            ]
        case AnswerType.TIME:
            return [m.span() for m in _DATE.finditer(sentence)]
        case AnswerType.PLACE:
            return [m.span(1) for m in _PLACE.finditer(sentence)]
        case AnswerType.PERSON | AnswerType.NAME:
            return _names(sentence, whole_runs=query.kind is AnswerType.NAME)
        case _:
            return []


def _names(sentence: str, whole_runs: bool) -> list[tuple[int, int]]:
    """Capitalised names without their titles; single words only when there is no longer one
    (a lone capital is as often a sentence's first word or an office as a name). A dash parts
    a person from an office ("Đức Hòa - Phan Nhân Duy"), but may join a name ("cao tốc Pháp Vân
    - Cầu Giẽ"): the whole run is a candidate only with ``whole_runs``."""
    runs = []
    for m in _PERSON.finditer(sentence):
        parts = list(_DASH.finditer(m.group(0)))
        if whole_runs and parts:
            runs.append(m.span())
        edges = [0, *[x for p in parts for x in p.span()], len(m.group(0))]
        pairs = zip(edges[::2], edges[1::2], strict=True)
        runs += [(m.start() + a, m.start() + b) for a, b in pairs]
    spans = [_strip_titles(sentence, *_strip_opener(sentence, a, b)) for a, b in runs]
    spans = [(a, b) for a, b in spans if b > a]
    longer = [(a, b) for a, b in spans if re.search(r"[\s-]", sentence[a:b])]
    if longer:
        return longer
    return [(a, b) for a, b in spans if a > 0 and folded(sentence[a:b]) not in TITLE_WORDS]


@dataclass(frozen=True)
class Candidate:
    """A possible short answer and what says whether it is the one."""

    span: Span
    features: dict[str, float]


def _words_before(sentence: str, start: int, n: int) -> list[str]:
    return [_key(w) for w in WORD.findall(sentence[:start])[-n:]]


def _features(query: Query, sentence: str, span: Span, distance: int) -> dict[str, float]:
    """Where a span sits and what it looks like: near or right after the question's words,
    opening the sentence, before 'là' or a bracket, shaped like a person's name."""
    wanted = _asked(query)
    before = _words_before(sentence, span.start, 2)
    after = sentence[span.end :].lstrip()
    next_words = {_key(w) for w in WORD.findall(after)[:3]}
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
        "quoted": float(sentence[max(0, span.start - 1) : span.start] in "“\"'"),
    }


MIN_REST = 2  # characters a name must keep after the question's name is dropped from it


def _drop_asked_lead(query: Query, sentence: str, a: int, b: int) -> tuple[int, int]:
    """A name run that opens with a name the question gives keeps only the rest: 'Ấn Độ
    Narendra Modi' (after 'Thủ tướng') answers 'Ai là thủ tướng Ấn Độ?' with 'Narendra Modi'.
    Only a whole name of the question is dropped ('Tôn Thị Nghiêm' stays whole for 'vợ của
    Tôn Đức Thắng'), and never down to a suffix ('Barack Obama Sr')."""
    words = list(WORD.finditer(sentence, a, b))
    run = [_key(w.group(0)) for w in words]
    if set(run) <= {_key(w) for w in WORD.findall(query.text)}:  # 'Hoa Kỳ' for 'Hoa kỳ'
        return a, b
    names = [*query.entities, *(m.group(0) for m in NAME.finditer(query.text))]
    given = {tuple(_key(w) for w in WORD.findall(name)) for name in names}
    for entity in sorted(given, key=len, reverse=True):
        n = len(entity)
        if n < len(run) and tuple(run[:n]) == entity and b - words[n].start() > MIN_REST:
            return words[n].start(), b
    return a, b


ROLE_WINDOW = 6  # words before a span searched for the role it stands after


def _other_role(query: Query, sentence: str, start: int) -> float:
    """1 when the span stands right after a role the question does not ask about, its own
    names aside: 'Thủ tướng Nhật Bản [Shinzo Abe]' for 'Ai là tổng thống Nhật Bản?', 'mẹ
    [Trấn Thành]' for 'Cha của Hari Won?'. Roles sharing a word with the question's are its
    own ('con trai' for 'con')."""
    asked = _asked(query) | {_key(w) for e in query.entities for w in e.split()}
    words = _words_before(sentence, start, ROLE_WINDOW)
    while words and words[-1] in asked:
        words.pop()
    tail = " " + " ".join(words)
    role = next((r for r in _ROLES if tail.endswith(" " + r)), None)
    return float(role is not None and not set(role.split()) & asked)


def span_candidates(query: Query, sentence: str) -> list[Candidate]:
    """Spans of the wanted shape the question does not already name, with their features."""
    spans = [
        (a, b)
        for a, b in (_drop_asked_lead(query, sentence, *s) for s in _candidates(query, sentence))
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
