"""Question analysis, done once: the normalised text, the words and phrases searched, and
whether the question asks about an article itself (its date or byline) or about a fact."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from enum import Enum

from bot.answering.question.lexicon import (
    ABBREVIATIONS,
    ARTICLE_Q,
    AUTHOR_Q,
    DATE_Q,
    LIST_Q,
    META,
    NAME,
    NAME_RUN,
    PLACE_HEAD_WORDS,
    QUANTITY_Q,
    STOP,
    STOP_FOLDED,
    TITLES,
    WORD,
    folded,
)
from ingest.text.textnorm import (
    has_diacritics,
    normalize_query,
    question_text,
    strip_diacritics,
)


class Intent(Enum):
    """What a question asks for."""

    FACT = "fact"
    DATE = "published"  # when was the article published
    AUTHOR = "author"  # who wrote the article


@dataclass(frozen=True)
class Query:
    """A question analysed once, for retrieval and for reading."""

    text: str  # normalised: what is embedded and read
    terms: list[str]  # folded words for BM25, question words left out
    phrases: list[str]  # folded word pairs and both forms of each abbreviation
    accented: bool  # typed with Vietnamese accents
    intent: Intent
    names: tuple[str, ...]  # the names asked about, folded: ('duc hoa',); see ``_names``
    asks_list: bool = False  # 'Những huyện nào…': several answers, each cited
    asks_number: bool = False  # 'bao nhiêu', 'thứ mấy': the answer holds a number


def _expansions(text: str) -> list[str]:
    """Both forms of every abbreviation or expansion the question mentions, folded."""
    text = f" {folded(text)} "
    out: list[str] = []
    for short, long in ABBREVIATIONS.items():
        short_f, long_f = folded(short), folded(long)
        if re.search(rf"(?<!\w){re.escape(short_f)}(?!\w)", text) or f" {long_f} " in text:
            out += [short_f.replace("-", " "), long_f.replace(" - ", " ")]
    return out


def detect_intent(text: str) -> Intent:
    """Whether the question asks for an article's date, its author, or a fact."""
    lowered = normalize_query(text).lower()
    plain = strip_diacritics(lowered)
    if DATE_Q.search(lowered) or DATE_Q.search(plain):
        return Intent.DATE
    # "Who wrote the article about X" asks for its byline; "who wrote Nhà giả kim", "the poem
    # Tự tình" or "the song Tiến Quân Ca" is a fact about the world: the article must be named.
    about_article = ARTICLE_Q.search(lowered) or ARTICLE_Q.search(plain)
    if about_article and (AUTHOR_Q.search(lowered) or AUTHOR_Q.search(plain)):
        return Intent.AUTHOR
    return Intent.FACT


def capitals_mark_nothing(text: str, least: int = 4) -> bool:
    """Whether a question's capitals tell nothing: typed with caps lock on, or with Every Word
    Capitalised (``least`` words or more). It is then read as typed in lower case."""
    words = [w for w in WORD.findall(text) if w[:1].isalpha()]
    return text.isupper() or (len(words) >= least and all(w[:1].isupper() for w in words))


_HEADS = "|".join(folded(h) for h in PLACE_HEAD_WORDS)
_PLACE_HEAD = re.compile(rf"\b(?:{_HEADS})(?: uy)? (\w+) (\w+)\b")


def _names(text: str) -> tuple[str, ...]:
    """The names asked about, folded: capitalised runs after the first word (which is
    capitalised anyway); the first word too where a capitalised word follows it and it is no
    title, but as a name of its own, since a sentence's first word may be a common noun
    ('Thạch Thất đặt…' -> 'thach', 'that'; 'Súng SKZ…' -> 'sung', 'skz'; 'Ông Nguyễn Văn
    Vũ…' -> 'nguyen van vu'); in a question typed without capitals, the two words after a
    place's head ('huyen uy duc hoa la ai' -> 'duc hoa'), unless one is a question or common
    word."""
    text = text.lstrip()
    first = WORD.match(text)
    body = text[first.end() :] if first else text
    runs = [folded(m.group(0)) for m in NAME.finditer(body)]
    if first and first.group(0).lower() not in TITLES and NAME_RUN.match(text):
        runs.insert(0, folded(first.group(0)))
    if runs or text != text.lower():
        return tuple(dict.fromkeys(runs))
    places = (f"{a} {b}" for a, b in _PLACE_HEAD.findall(folded(text)))
    return tuple(dict.fromkeys(p for p in places if not set(p.split()) & STOP_FOLDED))


def analyse(question: str) -> Query:
    """Normalise a question and derive what retrieval and reading need of it."""
    text = question_text(question).strip()
    if capitals_mark_nothing(text):
        text = text.lower()
    accented = has_diacritics(text)
    words = [w.lower() for w in WORD.findall(META.sub(" ", text))]
    stop = STOP if accented else STOP_FOLDED
    terms = [strip_diacritics(w).replace("-", " ") for w in words if w not in stop]
    bigrams = [f"{a} {b}" for a, b in itertools.pairwise(terms)]
    return Query(
        text=text,
        terms=terms,
        phrases=bigrams + _expansions(text),
        accented=accented,
        intent=detect_intent(text),
        names=_names(text),
        asks_list=bool(LIST_Q.search(text.lower())),
        asks_number=bool(QUANTITY_Q.search(text.lower())),
    )
