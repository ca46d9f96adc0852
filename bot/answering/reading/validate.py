"""The reader judged with the gold passage given: exact match and token F1 on the questions of
the held-out articles, and how often it declines the made-up unanswerable ones."""

from __future__ import annotations

from dataclasses import dataclass

from bot.answering.reading.data import QAExample
from bot.answering.reading.model import no_answer_score
from bot.answering.reading.reader import SpanReader
from bot.answering.reading.spans import span_text
from bot.evaluate import answer_tokens, token_f1


@dataclass(frozen=True)
class Reading:
    """The reader's best span for one example and how far it beats no answer."""

    example: QAExample
    answer: str
    margin: float

    def em(self) -> float:
        """1.0 when the span equals a gold answer word for word."""
        got = answer_tokens(self.answer)
        return float(any(got == answer_tokens(t) for t, _ in self.example.answers))

    def f1(self) -> float:
        """Token F1 against the best gold answer."""
        return token_f1(self.answer, [t for t, _ in self.example.answers])


def read_examples(reader: SpanReader, examples: list[QAExample]) -> list[Reading]:
    """The best span of every example, with the gold passage as the only passage."""
    out = []
    for i in range(0, len(examples), 64):
        part = examples[i : i + 64]
        spans = reader.read_many([e.question for e in part], [e.context for e in part])
        for ex, found in zip(part, spans, strict=True):
            best = found[0] if found else None
            text = span_text(ex.context, best) if best else ""
            margin = best.score - no_answer_score(found) if best else float("-inf")
            out.append(Reading(ex, text, margin))
    return out


def scores(readings: list[Reading], threshold: float) -> dict[str, float]:
    """EM and F1 over the answerable examples when every span is taken (``em``, ``f1``); with
    spans under ``threshold`` declined: the same over all examples (an unanswerable one scores
    1 when declined) and the share of unanswerable ones declined."""
    answerable = [r for r in readings if r.example.answerable]
    unanswerable = [r for r in readings if not r.example.answerable]

    def mean(values: list[float]) -> float:
        return round(100 * sum(values) / max(len(values), 1), 1)

    def thresholded(r: Reading, metric: str) -> float:
        if r.margin < threshold:
            return 0.0 if r.example.answerable else 1.0
        return getattr(r, metric)() if r.example.answerable else 0.0

    return {
        "answerable": len(answerable),
        "unanswerable": len(unanswerable),
        "em": mean([r.em() for r in answerable]),
        "f1": mean([r.f1() for r in answerable]),
        "threshold": threshold,
        "em_all": mean([thresholded(r, "em") for r in readings]),
        "f1_all": mean([thresholded(r, "f1") for r in readings]),
        "declined_unanswerable": mean([float(r.margin < threshold) for r in unanswerable]),
        "declined_answerable": mean([float(r.margin < threshold) for r in answerable]),
    }


def best_threshold(readings: list[Reading]) -> float:
    """The no-answer threshold that maximises F1 over all examples."""
    margins = sorted({round(r.margin, 2) for r in readings if r.margin > float("-inf")})
    return max(margins or [0.0], key=lambda t: scores(readings, t)["f1_all"])
