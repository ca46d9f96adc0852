"""The reader: which retrieved sentence answers the question, scored by a fitted model.

Each candidate sentence gets about 30 cheap features (``features.py``), and three from its
best short answer: that answer's probability, how many other articles state it, and whether
it stands after another office or relation than the one asked. A logistic model fitted on
``newsqa_dev``, ``seeds_dev`` and cloze questions (``bench/fit_reader.py``) turns them into
the probability that the sentence holds the answer; a second one judges its short answer.
With a cross-encoder (``cross.py``), the best few sentences' log-odds are fused with its
own, and the 'found' threshold is the one fitted on the fused score (``bench/fit_cross.py``),
or for questions of other kinds than a person, the one fitted on those (``bench/fit_found.py``).
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field, replace
from functools import cache
from pathlib import Path

from bot.answering.accents import restore_diacritics
from bot.answering.cross import Reranker
from bot.answering.features import Features, rules
from bot.answering.query import AnswerType, Query
from bot.answering.sentences import Sentence
from bot.answering.span import Candidate, Span, span_candidates
from bot.answering.support import Support

MODEL_FILE = Path(__file__).with_name("reader_model.json")
FEATURES = (
    "rules",
    "coverage",
    "coverage_own",
    "coverage_gap",
    "rare",
    "span",
    "typed",
    "typed_span",
    "apposition",
    "after_noun",
    "dense_gap",
    "bigrams",
    "asked",
    "shape",
    "focus",
    "focus_modified",
    "rank",
    "chunk_dense",
    "entity_sentence",
    "entity_near",
    "numbers",
    "unit",
    "unit_asked",
    "asked_number",
    "novelty",
    "proximity",
    "first",
    "lexical_share",
    "length",
    "asks",
    "span_p",
    "support",
    "caps",
    "span_role",
)


@dataclass(frozen=True)
class CrossFusion:
    """How the cross-encoder joins the ranker: it reads the ranker's best ``top`` sentences,
    ``weight`` times its log-odds is added to theirs, and ``threshold`` is the 'found'
    threshold on the fused probability; ``kinds`` holds the answer types with their own."""

    weight: float
    threshold: float
    top: int
    kinds: dict[str, float] = field(default_factory=dict)

    def threshold_of(self, kind: AnswerType) -> float:
        """The 'found' threshold for a question of this answer type."""
        return self.kinds.get(kind.value, self.threshold)


@dataclass(frozen=True)
class ReaderModel:
    """Fitted logistic weights: the sentence ranker, its 'found' threshold, and the model of
    whether a short answer span is right, with the thresholds above which it is shown, by
    the question's answer type ('default' for types without their own)."""

    weights: dict[str, float]
    threshold: float
    span_weights: dict[str, float]
    span_thresholds: dict[str, float]
    cross: CrossFusion | None = None

    @classmethod
    def load(cls, path: Path = MODEL_FILE) -> ReaderModel:
        """The committed model (``bench/fit_reader.py`` writes it)."""
        data = json.loads(path.read_text(encoding="utf-8"))
        cross = CrossFusion(**data["cross"]) if data.get("cross") else None
        return cls(
            data["weights"],
            data["threshold"],
            data["span_weights"],
            data["span_thresholds"],
            cross,
        )

    def span_threshold(self, kind: str) -> float:
        """The probability a short answer to a question of this type needs to be shown."""
        return self.span_thresholds.get(kind, self.span_thresholds["default"])

    def to_json(self) -> dict:
        """The form ``load`` reads."""
        return {
            "weights": self.weights,
            "threshold": self.threshold,
            "span_weights": self.span_weights,
            "span_thresholds": self.span_thresholds,
        } | ({"cross": asdict(self.cross)} if self.cross else {})


@cache
def default_model() -> ReaderModel:
    """The committed model, read once."""
    return ReaderModel.load()


def log_odds(weights: dict[str, float], features: dict[str, float]) -> float:
    """A fitted logistic model's log-odds (``bias`` plus weighted features)."""
    return weights.get("bias", 0.0) + sum(
        w * features.get(k, 0.0) for k, w in weights.items() if k != "bias"
    )


def sigmoid(z: float) -> float:
    """The probability of log-odds ``z``."""
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def logistic(weights: dict[str, float], features: dict[str, float]) -> float:
    """P(yes) of a fitted logistic model."""
    return sigmoid(log_odds(weights, features))


class Reader:
    """Scores candidate sentences with the fitted model, fused with the cross-encoder's when
    there is one; ``score`` is P(holds the answer)."""

    def __init__(self, model: ReaderModel | None = None, cross: Reranker | None = None) -> None:
        self.model = model or default_model()
        self.cross = cross

    def features(
        self, query: Query, sentences: list[Sentence], idf: dict[str, float]
    ) -> list[dict[str, float]]:
        """Every feature of every sentence, some relative to the best candidate: its best
        short answer's probability, and how many other articles state that answer too."""
        maker = Features(query, idf)
        candidates = [span_candidates(query, s.text) for s in sentences]
        rows = [maker.of(s, c) for s, c in zip(sentences, candidates, strict=True)]
        support = Support(sentences)
        for r, s, c in zip(rows, sentences, candidates, strict=True):
            best = self._best_span(c)
            r["rules"] = rules(r)
            r["span_p"] = best[0] if best else 0.0
            r["support"] = support.of(s, best[1].span.text if best else None)
            r["span_role"] = best[1].features["other_role"] if best else 0.0
        for key, gap in (("coverage", "coverage_gap"), ("chunk_dense", "dense_gap")):
            top = max((r[key] for r in rows), default=0.0)
            for r in rows:
                r[gap] = r[key] - top
        top_lexical = max((r["chunk_lexical"] for r in rows), default=0.0) or 1.0
        for r in rows:
            r["lexical_share"] = r.pop("chunk_lexical") / top_lexical
        return rows

    def score(
        self, query: Query, sentences: list[Sentence], idf: dict[str, float]
    ) -> list[Sentence]:
        """The sentences with ``score`` set to the model's probability."""
        rows = self.features(query, sentences, idf)
        z = [log_odds(self.model.weights, row) for row in rows]
        fusion = self._fusion(query)
        if sentences and fusion:
            z = _fused(query, sentences, z, *fusion)
        return [replace(s, score=sigmoid(v)) for s, v in zip(sentences, z, strict=True)]

    def warm_up(self) -> None:
        """Load the cross-encoder, if there is one, before the first question."""
        if self.cross is not None and self.model.cross is not None:
            self.cross.score("khởi động", ["khởi động"])

    def _fusion(self, query: Query) -> tuple[CrossFusion, Reranker] | None:
        """The cross-encoder and how it joins, if it reads this question: not one asking for
        a list, which many sentences make up."""
        if self.cross is None or self.model.cross is None or not cross_reads(query):
            return None
        return self.model.cross, self.cross

    def _best_span(self, candidates: list[Candidate]) -> tuple[float, Candidate] | None:
        """The likeliest answering span of a sentence's candidates, with its probability."""
        scored = [(logistic(self.model.span_weights, c.features), c) for c in candidates]
        return max(scored, key=lambda x: x[0]) if scored else None

    def short_answer(self, query: Query, sentence: Sentence) -> Span | None:
        """The sentence's likeliest answering span when the span model trusts it, else None.
        A sentence found only under its answer type's own, lower threshold is quoted whole:
        its span is more often wrong than the sentence."""
        fusion = self._fusion(query)
        if fusion is not None and sentence.score < fusion[0].threshold:
            return None
        best = self._best_span(span_candidates(query, sentence.text))
        if best is None or best[0] < self.model.span_threshold(query.kind.value):
            return None
        return best[1].span

    def found(self, query: Query, best: Sentence) -> bool:
        """Whether the best sentence is likely enough to hold the answer."""
        fusion = self._fusion(query)
        threshold = fusion[0].threshold_of(query.kind) if fusion else self.model.threshold
        return best.score >= threshold


def cross_reads(query: Query) -> bool:
    """Whether the cross-encoder reads this question (any but a list)."""
    return query.kind is not AnswerType.LIST


def question_read(query: Query, sentences: list[str]) -> str:
    """The question as the cross-encoder reads it about these candidate sentences. It learnt
    from questions typed with their accents, so those of one typed without them are put
    back from the sentences (``restore_diacritics``)."""
    if query.accented:
        return query.text
    return restore_diacritics(query.text, sentences, in_place=True)


def _fused(
    query: Query, sentences: list[Sentence], z: list[float], fusion: CrossFusion, cross: Reranker
) -> list[float]:
    """The ranker's log-odds fused with the cross-encoder's on the sentences it reads."""
    best = sorted(range(len(z)), key=lambda i: -z[i])[: fusion.top]
    question = question_read(query, [s.text for s in sentences])
    read = cross.score(question, [sentences[i].text for i in best])
    return fuse(z, best, read, fusion)


def fuse(z: list[float], best: list[int], read: list[float], fusion: CrossFusion) -> list[float]:
    """``z`` plus the weighted cross log-odds ``read`` of the sentences ``best``; the rest
    get the lowest score read, so none overtakes a sentence that was read."""
    out = [v + fusion.weight * min(read) for v in z]
    for i, c in zip(best, read, strict=True):
        out[i] = z[i] + fusion.weight * c
    return out


def idf_weights(df: dict[str, int], total: int) -> dict[str, float]:
    """Smoothed inverse document frequencies."""
    return {t: math.log(1 + (total - n + 0.5) / (n + 0.5)) for t, n in df.items()}
