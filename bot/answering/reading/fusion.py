"""Open-domain reading: each span's reader score combined with its passage's retrieval
scores by a logistic model fitted on held-out questions, and the no-answer threshold on the
result. The weights live in ``calibration.json`` beside the reader's weights."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from bot.answering.evidence.retrieval import Hit
from bot.answering.question.lexicon import ABBREVIATIONS, NUMBER, folded, padded_words
from bot.answering.reading.spans import Span, span_text

CALIBRATION_FILE = Path(__file__).with_name("calibration.json")
FEATURES = ("margin", "score", "null", "rank", "dense", "best_margin", "coverage", "pairs")
SPANS_PER_PASSAGE = 2
_SHORT_FORMS = frozenset(folded(a) for a in ABBREVIATIONS)  # 'ubnd' may be written out


@dataclass(frozen=True)
class Candidate:
    """A span of a retrieved passage with the features that judge it."""

    hit: Hit
    span: Span
    features: tuple[float, ...]
    probability: float = 0.0


@dataclass(frozen=True)
class Calibration:
    """Logistic weights over ``FEATURES`` and the probability an answer needs."""

    weights: tuple[float, ...]
    bias: float
    threshold: float

    @classmethod
    def load(cls, path: Path = CALIBRATION_FILE) -> Calibration:
        """The fitted calibration (``ValueError`` when the file does not fit ``FEATURES``)."""
        data = json.loads(path.read_text(encoding="utf-8"))
        if tuple(data["features"]) != FEATURES:
            raise ValueError(f"{path.name} was fitted on other features: {data['features']}")
        return cls(
            tuple(map(float, data["weights"])), float(data["bias"]), float(data["threshold"])
        )

    def probability(self, features: Sequence[float]) -> float:
        """How likely a candidate with these features is a right answer."""
        z = self.bias + sum(w * x for w, x in zip(self.weights, features, strict=True))
        return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))


@dataclass(frozen=True)
class Asked:
    """What a passage is checked against: the question's searched words with their inverse
    document frequencies, its word pairs and the names it asks about (all folded), and
    whether it asks for a number."""

    idf: dict[str, float]
    pairs: tuple[str, ...]
    names: tuple[str, ...] = ()
    number: bool = False

    def lacks_number(self, answer: str) -> bool:
        """Whether ``answer`` fails a question that asks for a number ('bao nhiêu')."""
        return self.number and not NUMBER.search(answer)

    def holds_names(self, article: str) -> bool:
        """Whether an article (its title and text) names what was asked: every word of every
        name, and a name's last two words side by side ('Đức Hòa', not 'Hòa … Đức'). An
        answer about 'huyện Quế Phong' does not answer for 'huyện Đức Hòa'."""
        text = padded_words(article).replace("-", " ")  # '2535-TB/TU' names 'TB' and 'TU'
        words = {w for name in self.names for w in name.split()} - _SHORT_FORMS
        ends = {" ".join(n.split()[-2:]) for n in self.names if " " in n}
        return all(f" {w} " in text for w in words | ends)

    def coverage(self, hit: Hit) -> tuple[float, float]:
        """The IDF-weighted share of the words, and the share of the pairs, that the passage
        (with its title) holds: whether it is about what was asked."""
        text = padded_words(f"{hit.chunk.header} {hit.chunk.text}")
        total = sum(self.idf.values())
        have = sum(w for t, w in self.idf.items() if f" {t} " in text)
        pairs = sum(f" {p} " in text for p in self.pairs)
        return (have / total if total else 0.0, pairs / len(self.pairs) if self.pairs else 0.0)


def candidates(hits: Sequence[Hit], spans: Sequence[list[Span]], asked: Asked) -> list[Candidate]:
    """The best spans of each read passage (``spans[i]`` of ``hits[i]``), with features; none
    without a number when a number is asked for. A passage's rank is its place by retrieval
    score, and passages whose scores tie (as rank fusion often makes them) share the mean of
    their places, since their order among themselves is chance."""
    margins = [sp[0].margin for sp in spans if sp]
    best_margin = max(margins, default=0.0)
    scores = [h.score for h in hits]
    out = []
    for hit, found in zip(hits, spans, strict=True):
        words, pairs = asked.coverage(hit) if found else (0.0, 0.0)
        above, tied = sum(s > hit.score for s in scores), scores.count(hit.score)
        rank = above + (tied - 1) / 2
        for span in found[:SPANS_PER_PASSAGE]:
            if asked.lacks_number(span_text(hit.chunk.text, span)):
                continue
            features = (
                span.margin,
                span.score,
                span.null,
                math.log1p(rank),
                hit.dense if hit.dense is not None else 0.0,
                span.margin - best_margin,
                words,
                pairs,
            )
            out.append(Candidate(hit, span, features))
    return out


def answer_key(text: str) -> str:
    """What makes two spans the same answer: their words, folded."""
    return " ".join(folded(text).split())


def combined(probabilities: Sequence[float], keys: Sequence[str]) -> list[float]:
    """Each candidate's probability with its answer's other findings: the chance that any of
    the candidates giving the same answer is right (noisy-OR), as open-domain readers
    aggregate an answer found in several passages."""
    missed: dict[str, float] = {}
    for p, key in zip(probabilities, keys, strict=True):
        missed[key] = missed.get(key, 1.0) * (1.0 - p)
    return [1.0 - missed[key] for key in keys]


def ranked(found: list[Candidate], calibration: Calibration) -> list[Candidate]:
    """The candidates with their probabilities, likeliest answer first (an answer found in
    several passages counts each finding), and its likeliest finding first among them."""
    own = [calibration.probability(c.features) for c in found]
    keys = [answer_key(span_text(c.hit.chunk.text, c.span)) for c in found]
    together = combined(own, keys)
    order = sorted(range(len(found)), key=lambda i: (-together[i], -own[i]))
    return [replace(found[i], probability=together[i]) for i in order]
