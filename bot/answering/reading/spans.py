"""SQuAD 2.0 post-processing: the n best spans of each window from its start and end logits,
mapped back to characters of the passage, and the window's no-answer score."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Span:
    """A candidate answer: characters [start, end) of passage ``passage``; ``score`` is the
    start plus end logit, ``null`` the no-answer score (first token) of its window."""

    passage: int
    start: int
    end: int
    score: float
    null: float

    @property
    def margin(self) -> float:
        """How much the span beats its window's no-answer reading."""
        return self.score - self.null


def best_spans(
    start_logits: np.ndarray,
    end_logits: np.ndarray,
    offsets: list,
    passage: int,
    *,
    n_best: int = 20,
    max_answer_tokens: int = 40,
) -> list[Span]:
    """The ``n_best`` spans of one window, best first (offsets are None outside the passage)."""
    null = float(start_logits[0] + end_logits[0])
    starts = np.argsort(start_logits)[::-1][:n_best]
    ends = np.argsort(end_logits)[::-1][:n_best]
    out = []
    for s in starts:
        if s >= len(offsets) or offsets[s] is None:
            continue
        for e in ends:
            if e < s or e - s + 1 > max_answer_tokens or e >= len(offsets) or offsets[e] is None:
                continue
            score = float(start_logits[s] + end_logits[e])
            out.append(Span(passage, offsets[s][0], offsets[e][1], score, null))
    out.sort(key=lambda sp: -sp.score)
    return out[:n_best]


def span_text(context: str, span: Span) -> str:
    """The span's words, without the space a token's offsets may begin with."""
    return context[span.start : span.end].strip(" ,.;:")
