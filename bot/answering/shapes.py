"""The shapes a short answer takes, by the question's answer type: a number with its unit
or what the question counts, a date written whole (or its year), a capitalised place after
its head or "ở"/"tại", a name, and for '… gì?' the rest of the clause after the question's
words before 'gì'. ``shaped`` gives their character spans in a sentence; ``span.py`` says
which of them answers.
"""

from __future__ import annotations

import re

from bot.answering.forms import key
from bot.answering.lexicon import DAY_PARTS, ORDINAL_WORDS, PLACE_HEADS, UNIT_WORDS, WORD
from bot.answering.names import PERSON, name_runs
from bot.answering.query import AnswerType, Query

_UNITS = "|".join(re.escape(u) for u in UNIT_WORDS)
_NUMBER = re.compile(
    rf"(?<![\w.,])\d+(?:[.,/–-]\d+)*(?:\s*%|(?:\s+(?:{_UNITS})(?![\w-])(?:/(?:{_UNITS}))*){{0,2}})",
    re.IGNORECASE,
)
# An ordinal: in Roman numerals, as congresses and terms are counted ('lần thứ XXII'), in
# digits, or in words in lower case ('người thứ tư'; 'Thứ Hai', 'thứ Tư' are weekdays).
_ORDINAL = re.compile(
    rf"(?:\b[Ll]ần\s+)?\b[Tt]hứ\s+(?:[IVXLC]{{1,7}}|\d+|{'|'.join(ORDINAL_WORDS)})(?!\w)"
)
_DAY_PART = "|".join(DAY_PARTS)  # 'Sáng 31-3' as 'ngày 31-3'
_YEAR = r"(?:1\d|20)\d\d(?!\d)"
_PART_OF = r"(?:(?:cuối|đầu|giữa)\s+)?"  # 'cuối' of 'cuối năm 2020'
_YEAR_WORD = rf"(?:năm\s+)?\b{_YEAR}"
_DATE = re.compile(  # each form whole: '12/10/2020', 'tháng 10/2020', 'cuối quý II/2020'
    rf"{_PART_OF}(?:"
    rf"(?:ngày\s+)?\d{{1,2}}/\d{{1,2}}(?:/(?:\d{{4}}|\d\d)(?!\d)|(?![\d/]))"
    rf"|(?:tháng\s+)?\d{{1,2}}/{_YEAR}"
    rf"|tháng\s+\d{{1,2}}\s?[-–]\s?{_YEAR}"  # 'tháng 2-2007'
    rf"|(?:{_DAY_PART})\s+\d{{1,2}}[.-]\d{{1,2}}(?:[.-]{_YEAR})?(?![\d.,-]?\d)"  # 'hôm 20.12'
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


def shaped(query: Query, sentence: str) -> list[tuple[int, int]]:
    """The spans of the shape the question asks for."""
    match query.kind:
        case AnswerType.NUMBER:  # a number the question gives is its topic ('năm 2019')
            given = set(query.numbers)
            numbers = [m for m in _NUMBER.finditer(sentence) if m.group(0).split()[0] not in given]
            ordinals = [m.span() for m in _ORDINAL.finditer(sentence)]
            if query.asks_ordinal:  # 'người thứ mấy' is answered by an ordinal, not '2010'
                return ordinals
            spans = [_with_counted(sentence, m.span(), query.counted) for m in numbers]
            return [*spans, *ordinals]
        case AnswerType.TIME:
            dates = [m.span() for m in _DATE.finditer(sentence)]
            if query.asks_year:  # 'sinh năm nào?': the year of '5 tháng 7 năm 1994'
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
    words = query.keys
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
