"""Question analysis, done once: matching forms, lexical terms, focus, what is asked, the
shape of answer wanted and the names the question is about."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from enum import Enum

from bot.answering.asked import (
    asked_noun,
    asked_role,
    asked_unit,
    counted_words,
    focus,
    list_head,
    measured,
)
from bot.answering.entities import (
    place_kinds,
    question_countries,
    question_entities,
    restore_case,
)
from bot.answering.forms import content_terms, key
from bot.answering.lexicon import (
    ABBREVIATIONS,
    ARTICLE_Q,
    ASKS_ORDINAL,
    ASKS_YEAR,
    AUTHOR_Q,
    DATE_Q,
    KIN,
    META,
    NAME,
    NAMINGS,
    NOT_PERSONS,
    OFFICES,
    PERSON_LEADS,
    STOP,
    STOP_FOLDED,
    TYPE_CUES,
    TYPE_CUES_FOLDED,
    WORD,
    folded,
    padded_words,
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


class AnswerType(Enum):
    """What shape of fact the question wants."""

    NUMBER = "number"
    PERSON = "person"
    TIME = "time"
    PLACE = "place"
    NAME = "name"  # a proper name: "đường cao tốc nào", "đội nào"
    LIST = "list"
    OTHER = "other"


@dataclass(frozen=True)
class Query:
    """A question analysed once, for retrieval and for reading."""

    text: str  # normalised, for the dense side
    terms: list[str]  # folded syllables for BM25
    phrases: list[str]  # folded syllable bigrams and abbreviation expansions
    accented: bool
    intent: Intent
    content: list[str]  # content syllables in matching form (accented if the question is)
    focus: list[str]  # what is asked about, without the topic: ['thu', 'ngân']
    asked: list[str]  # the measured attribute of a quantity question: ['dài']
    kind: AnswerType
    head: str | None  # the place kind a list asks for: 'huyện'
    entities: list[str]  # folded names the question is about: ['duc hoa']
    places: dict[str, str]  # the kind of place an entity is, where said: {'duc hoa': 'huyện'}
    countries: list[str]  # folded countries the question names, capitalised: ['trieu tien']
    numbers: list[str]  # numbers the question gives: ['2025']
    noun: list[str]  # folded words naming what is asked for: ['cao', 'toc'] in 'cao tốc nào'
    unit: str | None  # folded unit a quantity is asked in: 'm' in 'dài bao nhiêu mét'
    counted: tuple[str, ...]  # folded words a quantity question counts: ('doi', 'bong')
    asks_year: bool  # 'năm nào', 'năm bao nhiêu': the year of a date answers
    asks_ordinal: bool  # 'thứ mấy': an ordinal answers ('thứ tư')
    keys: tuple[str, ...]  # every word in compared form (forms.key), in order
    said: frozenset[str]  # every word folded: a sentence of only these restates the question
    named: tuple[str, ...]  # capitalised runs as typed: ('Phan Nhân Duy',)
    folded_content: list[str]  # content syllables folded, whatever the question's accents
    role: tuple[str, ...]  # folded: an answer states one ('chu tich' of 'Ai là chủ tịch …?')


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


def answer_type(text: str, accented: bool) -> AnswerType:
    """The shape of answer a question wants, from its question words."""
    cues = TYPE_CUES if accented else TYPE_CUES_FOLDED
    lowered = text.lower()
    kind = next((t for t, cue in cues if re.search(cue, lowered)), None)
    if kind is None and not re.search(r"\b(?:sao|nào|nao)\b", lowered):
        words = padded_words(text)
        named = any(f" {n} " in words for n in NAMINGS)  # 'tên thật … là gì'
        if named or not re.search(r"\b(?:gì|gi)\b", lowered):
            related = any(re.match(rf"{re.escape(r)} (?:của|cua) ", lowered) for r in KIN)
            leads = lowered.startswith(tuple(o + " " for o in (*OFFICES, *PERSON_LEADS)))
            leads = leads and not lowered.startswith(tuple(w + " " for w in NOT_PERSONS))
            kind = "person" if named or related or leads else None
    return AnswerType(kind) if kind else AnswerType.OTHER


def analyse(question: str) -> Query:
    """Normalise a question and derive everything answering needs of it."""
    text = question_text(question).strip()
    if capitals_mark_nothing(text):
        text = text.lower()
    accented = has_diacritics(text)
    words = [w.lower() for w in WORD.findall(META.sub(" ", text))]
    stop = STOP if accented else STOP_FOLDED
    terms = [strip_diacritics(w).replace("-", " ") for w in words if w not in stop]
    bigrams = [f"{a} {b}" for a, b in itertools.pairwise(terms)]
    entities = question_entities(text)
    kind = answer_type(text, accented)
    return Query(
        text=text,
        terms=terms,
        phrases=bigrams + _expansions(text),
        accented=accented,
        intent=detect_intent(text),
        content=content_terms(text, accented=accented),
        focus=focus(text, accented),
        asked=measured(text, accented),
        kind=kind,
        head=list_head(text),
        entities=entities,
        places=place_kinds(text, entities),
        countries=question_countries(text),
        numbers=NUMBER.findall(text),
        noun=asked_noun(text),
        unit=asked_unit(text),
        counted=counted_words(text),
        asks_year=bool(ASKS_YEAR.search(text.lower())),
        asks_ordinal=bool(ASKS_ORDINAL.search(text.lower())),
        keys=tuple(key(w) for w in WORD.findall(text)),
        said=frozenset(padded_words(text).split()),
        named=tuple(m.group(0) for m in NAME.finditer(text)),
        folded_content=content_terms(text, accented=False),
        role=asked_role(text) if kind is AnswerType.PERSON else (),
    )


def capitals_mark_nothing(text: str, least: int = 4) -> bool:
    """Whether a question's capitals tell nothing of its names: typed with caps lock on, or
    with Every Word Capitalised (``least`` words or more: 'Vợ Trấn Thành?' is a name). It is
    then read as typed in lower case, and ``recased`` finds its names in the evidence."""
    words = [w for w in WORD.findall(text) if w[:1].isalpha()]
    return text.isupper() or (len(words) >= least and all(w[:1].isupper() for w in words))


def recased(query: Query, evidence: list[str]) -> Query:
    """A question typed in lower case, analysed again with the capitals of the names it
    shares with the ``evidence`` (the retrieved sentences) put back, so that its names guard
    the answer as a well-typed question's do. Any other question is returned as it is."""
    text = restore_case(query.text, evidence)
    return query if text == query.text else analyse(text)


NUMBER = re.compile(r"\d+(?:[.,/]\d+)*")
