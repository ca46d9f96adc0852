"""The span model at work: question/passage windows through the network in batches, and the
best spans of each passage with their no-answer scores."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from bot.answering.reading.runtime import Network
from bot.answering.reading.spans import Span, best_spans
from bot.answering.reading.windows import WindowSpec, encode, pad_batch


def read_pairs(
    network: Network,
    tokenizer: Any,
    questions: Sequence[str],
    contexts: Sequence[str],
    spec: WindowSpec,
    *,
    batch: int = 32,
    n_best: int = 20,
    max_answer_tokens: int = 40,
) -> list[list[Span]]:
    """For each (question, context) pair, its spans from every window, best first; a span's
    ``passage`` is the pair's index."""
    enc = encode(tokenizer, questions, contexts, spec)
    ids, owner, offsets = enc["input_ids"], enc["overflow_to_sample_mapping"], enc["offset_mapping"]
    order = sorted(range(len(ids)), key=lambda i: len(ids[i]))  # similar lengths pad less
    out: list[list[Span]] = [[] for _ in questions]
    for i in range(0, len(order), batch):
        part = order[i : i + batch]
        rows, mask = pad_batch([ids[j] for j in part], tokenizer.pad_token_id)
        starts, ends = network(np.array(rows, dtype=np.int64), np.array(mask, dtype=np.int64))
        for k, j in enumerate(part):
            n = len(ids[j])
            window = (starts[k, :n], ends[k, :n], offsets[j], owner[j])
            out[owner[j]] += best_spans(*window, n_best=n_best, max_answer_tokens=max_answer_tokens)
    for spans in out:
        spans.sort(key=lambda sp: -sp.score)
    return out


def no_answer_score(spans: list[Span]) -> float:
    """The pair's no-answer score: its windows' lowest, as SQuAD 2.0 post-processing takes it."""
    return min((sp.null for sp in spans), default=float("inf"))
