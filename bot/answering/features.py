"""The cheap features of a question's candidate sentences, the reader's input: how much of
the question a sentence covers (words, word pairs, the measured attribute and a number after
it, the asked unit, the focus), how close together the question's words stand, whether it
names what the question names, and how well its passage was retrieved."""

from __future__ import annotations

import itertools
import math
import re

from bot.answering.forms import content_terms
from bot.answering.lexicon import (
    IMPLIED_UNITS,
    INTERROGATIVES,
    MODIFIERS,
    SCALES,
    expand_abbreviations,
    folded,
    padded_words,
)
from bot.answering.query import NUMBER, AnswerType, Query
from bot.answering.sentences import Sentence, has_answer_shape
from bot.answering.span import Candidate


class Features:
    """The cheap features of candidate sentences for one question."""

    def __init__(self, query: Query, idf: dict[str, float]) -> None:
        self.query = query
        self.terms = query.content
        self.bigrams = set(itertools.pairwise(self.terms))
        default = max(idf.values(), default=1.0)
        self.weights = {t: idf.get(t, default) for t in self.terms}
        self.asked = set(query.asked) & set(self.weights)
        self.rarest = max(self.weights, key=self.weights.get) if self.weights else None
        self._titles: dict[str, list[str]] = {}
        # Folded patterns, built once per question: a number in the asked unit, and the
        # measured attribute right before a number.
        last = folded(query.asked[-1]) if query.asked else None
        units = [query.unit] if query.unit else list(IMPLIED_UNITS.get(last or "", ()))
        either = "|".join(re.escape(u) for u in units)
        scale = "|".join(SCALES)
        self._unit = re.compile(rf"\d\s*(?:(?:{scale})\s+)?(?:{either})(?!\w)") if units else None
        self._asked = re.compile(rf"\b{re.escape(last)}\s+(?:\w+\s+)?\d") if last else None
        # The word the question puts before its focus ('phó' in 'phó tổng giám đốc'), if any.
        n = len(query.focus)
        at = next((i for i in range(len(self.terms)) if self.terms[i : i + n] == query.focus), 0)
        self._before_focus = self.terms[at - 1] if n and at else None

    def _terms(self, text: str) -> list[str]:
        return content_terms(expand_abbreviations(text), accented=self.query.accented)

    def numbers(self, sentence: Sentence) -> float:
        """Share of the question's numbers ('năm 2025') the sentence has (its neighbour: half)."""
        wanted = self.query.numbers
        if not wanted:
            return 1.0
        own = set(NUMBER.findall(sentence.text))
        near = set(NUMBER.findall(sentence.context))
        return sum(1.0 if n in own else 0.5 if n in near else 0.0 for n in wanted) / len(wanted)

    def _title_terms(self, title: str) -> list[str]:
        if title not in self._titles:
            self._titles[title] = self._terms(title)
        return self._titles[title]

    def coverage(self, words: set[str], title: set[str], near: set[str]) -> float:
        """IDF-weighted share of the question's terms in the sentence (title 60%, before 50%)."""
        total = sum(self.weights.values())
        if not total:
            return 0.0
        got = sum(
            w if t in words else 0.6 * w if t in title else 0.5 * w if t in near else 0.0
            for t, w in self.weights.items()
        )
        return got / total

    def bigram_coverage(self, words: list[str], context: list[str]) -> float:
        """Share of the question's word pairs in the sentence (in the one before: half)."""
        if not self.bigrams:
            return 0.0
        pairs = set(itertools.pairwise(words))
        near = set(itertools.pairwise(context)) - pairs
        return (len(self.bigrams & pairs) + 0.5 * len(self.bigrams & near)) / len(self.bigrams)

    def unit(self, text: str) -> float:
        """Whether the sentence has a number in the asked unit ('420 m' for 'bao nhiêu mét'),
        or in a unit of the measured attribute ('420 m' for 'dài bao nhiêu')."""
        return float(bool(self._unit and self._unit.search(folded(text))))

    def asked_number(self, text: str) -> float:
        """Whether the measured attribute comes right before a number: 'dài 420 m'."""
        return float(bool(self._asked and self._asked.search(folded(text))))

    def proximity(self, words: list[str]) -> float:
        """How close together the question's terms are in the sentence: the matched terms over
        the shortest run of words holding all of them (1: side by side)."""
        wanted = set(self.weights)
        where = [i for i, w in enumerate(words) if w in wanted]
        distinct = {words[i] for i in where}
        if len(distinct) < 2:
            return 0.0
        best = len(words)
        for a in range(len(where)):
            seen: set[str] = set()
            for b in range(a, len(where)):
                seen.add(words[where[b]])
                if len(seen) == len(distinct):
                    best = min(best, where[b] - where[a] + 1)
                    break
        return len(distinct) / best

    def mentions_focus(self, *term_lists: list[str]) -> bool:
        """Whether the sentence, the one before or the title has the question's focus."""
        focus = self.query.focus
        if not focus:
            return True
        n = len(focus)
        return any(
            terms[i : i + n] == focus for terms in term_lists for i in range(len(terms) - n + 1)
        )

    def focus_modified(self, words: list[str]) -> float:
        """1 when the focus stands in the sentence only as part of another office or relation:
        'Phó tổng giám đốc' for a question about the 'tổng giám đốc', 'mẹ chồng' for 'chồng'."""
        focus, n = self.query.focus, len(self.query.focus)
        at = [i for i in range(len(words) - n + 1) if n and words[i : i + n] == focus]
        own = self._before_focus
        return float(bool(at) and all(i and words[i - 1] in MODIFIERS - {own} for i in at))

    def of(self, sentence: Sentence, spans: list[Candidate]) -> dict[str, float]:
        """The cheap features of one sentence, with its short-answer candidates."""
        words = self._terms(sentence.text)
        context = self._terms(sentence.context)
        title = self._title_terms(sentence.hit.article.title)
        new = [w for w in words if w not in self.weights]
        rare = self.rarest in words if self.rarest else True
        span = bool(spans)
        typed = self.query.kind not in (AnswerType.OTHER, AnswerType.LIST)
        return {
            "coverage": self.coverage(set(words), set(title), set(context)),
            "coverage_own": self.coverage(set(words), set(), set()),
            "rare": 1.0 if rare else 0.5 if self.rarest in set(title) | set(context) else 0.0,
            "span": float(span),
            "typed": float(typed),
            "typed_span": float(typed and span),
            "apposition": max((c.features["apposition"] for c in spans), default=0.0),
            "after_noun": max((c.features["after_noun"] for c in spans), default=0.0),
            "bigrams": self.bigram_coverage(words, context),
            "asked": float(not self.asked or bool(self.asked & set(words))),
            "shape": float(has_answer_shape(self.query.kind, sentence.text)),
            "focus": float(self.mentions_focus(words, context, title)),
            "focus_modified": self.focus_modified(words),
            "rank": 1.0 / (1 + sentence.rank),
            "chunk_dense": sentence.hit.dense or 0.0,
            "entity_sentence": float(bool(self.query.entities) and sentence.about == 4),
            "entity_near": float(sentence.about >= 3),
            "numbers": self.numbers(sentence),
            "unit": self.unit(sentence.text),
            "unit_asked": float(bool(self.query.unit)),
            "asked_number": self.asked_number(sentence.text),
            "novelty": len(new) / max(len(words), 1),
            "proximity": self.proximity(words),
            "first": float(sentence.start == sentence.hit.chunk.start),
            "chunk_lexical": sentence.hit.lexical or 0.0,
            "length": math.log1p(len(words)),
            "asks": asks(sentence.text),
            "caps": caps(sentence.text),
        }


def asks(text: str) -> float:
    """1 for a sentence that is itself a question ('Tên khai sinh của Bác Hồ là gì.')."""
    padded = padded_words(text)
    return float("?" in text or any(f" {w} " in padded for w in INTERROGATIVES))


def caps(text: str) -> float:
    """The share of a sentence's letters in capitals: a headline in capitals ('TIN TỨC VỀ
    HOÀNG TỬ …') is a page's furniture more often than a statement."""
    letters = [c for c in text if c.isalpha()]
    return sum(c.isupper() for c in letters) / max(len(letters), 1)


def rules(f: dict[str, float]) -> float:
    """The earlier hand-set score, as one feature: coverage, discounted for lacking what is
    measured (x0.8), the answer's shape (x0.5) or the focus (x0.6)."""
    value = 0.7 * f["coverage"] + 0.3 * f["bigrams"]
    value *= (1.0 if f["asked"] else 0.8) * (1.0 if f["shape"] else 0.5)
    value *= 1.0 if f["focus"] else 0.6
    return value + 0.05 * f["rank"]
