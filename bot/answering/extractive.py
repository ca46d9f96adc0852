"""Extractive answering: pick the retrieved sentences that answer the question, verbatim."""

from __future__ import annotations

import itertools
import math
import re
from dataclasses import dataclass, replace
from enum import Enum

from bot.answering.query import Query, asked_terms, content_terms, focus_terms
from bot.answering.retrieval import Hit
from ingest.text.sentences import split_sentences
from ingest.text.textnorm import strip_diacritics

_NUMBER = re.compile(r"\d")
_NAME = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-ZĐÂĂÊÔƠƯ][\wÀ-ỹ]*(?:\s+[A-ZĐÂĂÊÔƠƯ][\wÀ-ỹ]*)+")
_TIME = re.compile(
    r"\b(?:năm|tháng|ngày|quý|cuối|đầu|giữa)\s+\S*\d|\d{1,2}/\d{1,2}|\b(?:19|20)\d\d\b"
)


class AnswerType(Enum):
    """What shape of fact the question wants."""

    NUMBER = "number"
    PERSON = "person"
    TIME = "time"
    PLACE = "place"
    LIST = "list"
    OTHER = "other"


_TYPE_CUES = [
    (AnswerType.LIST, r"\b(?:những|các)\b.+\bnào\b|\bgồm những\b|\bkể tên\b"),
    (AnswerType.NUMBER, r"\bbao nhiêu\b|\bmấy\b|\bsố lượng\b|\btỷ lệ\b|\btỉ lệ\b"),
    (AnswerType.TIME, r"\bkhi nào\b|\bbao giờ\b|\bnăm nào\b|\bngày nào\b|\bthời gian nào\b"),
    (AnswerType.PERSON, r"\bai\b|\bngười nào\b|\bvị nào\b"),
    (AnswerType.PLACE, r"\bở đâu\b|\bnơi nào\b|\b(?:xã|huyện|tỉnh|quận|phường|thị xã|thôn) nào\b"),
]
_TYPE_CUES_FOLDED = [(kind, strip_diacritics(cue)) for kind, cue in _TYPE_CUES]


def answer_type(query: Query) -> AnswerType:
    """The shape of answer a question wants, from its question words."""
    text = query.text.lower()
    cues = _TYPE_CUES if query.accented else _TYPE_CUES_FOLDED
    return next((t for t, cue in cues if re.search(cue, text)), AnswerType.OTHER)


def has_answer_shape(kind: AnswerType, text: str) -> bool:
    """Whether a sentence can hold the kind of answer asked for."""
    match kind:
        case AnswerType.NUMBER:
            return bool(_NUMBER.search(text))
        case AnswerType.TIME:
            return bool(_TIME.search(text))
        case AnswerType.PERSON | AnswerType.PLACE | AnswerType.LIST:
            return bool(_NAME.search(text))
        case _:
            return True


@dataclass(frozen=True)
class Sentence:
    """A sentence of a retrieved chunk; ``start``/``end`` index the article text."""

    hit: Hit
    rank: int
    text: str
    start: int
    end: int
    score: float = 0.0
    context: str = ""  # the sentence before, which often names the subject


def candidate_sentences(hits: list[Hit]) -> list[Sentence]:
    """Every sentence of the retrieved chunks, each once."""
    seen: set[tuple[str, int]] = set()
    out: list[Sentence] = []
    for rank, hit in enumerate(hits):
        chunk = hit.chunk
        previous = ""
        for a, b in split_sentences(chunk.text):
            key = (chunk.doc_id, chunk.start + a)
            if key not in seen:
                seen.add(key)
                out.append(
                    Sentence(
                        hit,
                        rank,
                        chunk.text[a:b],
                        chunk.start + a,
                        chunk.start + b,
                        context=previous,
                    )
                )
            previous = chunk.text[a:b]
    return out


class SentenceScorer:
    """Scores how well a sentence (with its article title) covers the question."""

    def __init__(self, query: Query, idf: dict[str, float]) -> None:
        self.query = query
        self.terms = content_terms(query.text, accented=query.accented)
        self.bigrams = set(itertools.pairwise(self.terms))
        self.weights = {t: idf.get(t, max(idf.values(), default=1.0)) for t in self.terms}
        self.asked = set(asked_terms(query)) & set(self.weights)
        for term in self.asked:  # what is measured or named is what must be there
            self.weights[term] *= 2.5
        self.kind = answer_type(query)
        self.focus = focus_terms(query)
        self._titles: dict[str, list[str]] = {}

    def _terms(self, text: str) -> list[str]:
        return content_terms(text, accented=self.query.accented)

    def _title_terms(self, title: str) -> list[str]:
        """Terms of a title, computed once: many candidate sentences share an article."""
        if title not in self._titles:
            self._titles[title] = self._terms(title)
        return self._titles[title]

    def coverage(self, words: set[str], title: set[str], near: set[str]) -> float:
        """IDF-weighted share of the question's terms in the sentence's ``words``.

        Terms found only in the title count 60%, only in the sentence before 50%.
        """
        if not self.weights:
            return 0.0
        total = sum(self.weights.values())
        got = sum(
            w if t in words else 0.6 * w if t in title else 0.5 * w if t in near else 0.0
            for t, w in self.weights.items()
        )
        return got / total

    def mentions_focus(self, *term_lists: list[str]) -> bool:
        """Whether any of the texts (sentence, the one before, title) has the question's focus."""
        if not self.focus:
            return True
        n = len(self.focus)
        return any(
            terms[i : i + n] == self.focus
            for terms in term_lists
            for i in range(len(terms) - n + 1)
        )

    def bigram_coverage(self, words: list[str], context: list[str]) -> float:
        """Share of the question's word pairs in the sentence (in the one before: half)."""
        if not self.bigrams:
            return 0.0
        pairs = set(itertools.pairwise(words))
        near = set(itertools.pairwise(context)) - pairs
        return (len(self.bigrams & pairs) + 0.5 * len(self.bigrams & near)) / len(self.bigrams)

    def score(self, sentence: Sentence) -> Sentence:
        """The sentence with its score in [0, ~1.2]."""
        words = self._terms(sentence.text)
        context = self._terms(sentence.context)
        title = self._title_terms(sentence.hit.article.title)
        value = 0.7 * self.coverage(set(words), set(title), set(context))
        value += 0.3 * self.bigram_coverage(words, context)
        if self.asked and not self.asked & set(words):
            value *= 0.8  # restates the topic but lacks what is measured or named
        if not has_answer_shape(self.kind, sentence.text):
            value *= 0.5
        if not self.mentions_focus(words, context, title):
            value *= 0.6  # it mentions the topic in passing, not what is asked about
        value += 0.05 / (1 + sentence.rank)  # retrieval order breaks ties
        return replace(sentence, score=value)


def idf_weights(df: dict[str, int], total: int) -> dict[str, float]:
    """Smoothed inverse document frequencies."""
    return {t: math.log(1 + (total - n + 0.5) / (n + 0.5)) for t, n in df.items()}


_HEADS = "thị xã|thành phố|thị trấn|huyện|xã|tỉnh|quận|phường|thôn|xa|huyen|tinh|quan|phuong"


def list_head(query: Query) -> str | None:
    """The kind of place a list question asks for: 'huyện' in 'Những huyện nào ...'."""
    m = re.search(rf"\b({_HEADS})\s+nào\b|\b({_HEADS})\s+nao\b", query.text, re.IGNORECASE)
    return (m.group(1) or m.group(2)).lower() if m else None


def named(text: str, head: str | None) -> set[str]:
    """Names in a sentence; with ``head``, only those right after it ('huyện Cần Đước')."""
    if not head:
        return {m.group(0) for m in _NAME.finditer(text)}
    folded_head = strip_diacritics(head)
    pattern = rf"\b(?i:{re.escape(head)}|{re.escape(folded_head)})\s+({_PROPER})"
    return {m.group(1) for m in re.finditer(pattern, text)}


_UPPER = "A-ZĐÂĂÊÔƠƯÁÀẢÃẠÉÈẺẼẸÍÌỈĨỊÓÒỎÕỌÚÙỦŨỤÝỲỶỸỴ"
_PROPER = rf"[{_UPPER}][\wÀ-ỹ]*(?:\s+[{_UPPER}][\wÀ-ỹ]*)*"


def choose_sentences(
    scored: list[Sentence], kind: AnswerType, head: str | None = None, limit: int = 4
) -> list[Sentence]:
    """The best sentence, plus for list questions others that name something new."""
    ranked = sorted(scored, key=lambda s: s.score, reverse=True)
    if not ranked:
        return []
    best = ranked[0]
    chosen = [best]
    if kind is AnswerType.LIST:
        names = named(best.text, head)
        for cand in ranked[1:]:
            related = cand.hit.article.doc_id == best.hit.article.doc_id
            fresh = named(cand.text, head) - names
            if fresh and (related or cand.score >= 0.75 * best.score):
                chosen.append(cand)
                names |= fresh
            if len(chosen) == limit:
                break
    return sorted(chosen, key=lambda s: (s.rank, s.start))
