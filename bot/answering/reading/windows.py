"""Question + passage windows for the span model: the fast tokenizer's overflowing windows with
a stride, character offsets for the passage's tokens, and start/end labels for training."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

QUESTION_PROMPT = "query: "  # e5's query prefix: the model was pre-trained with it


@dataclass(frozen=True)
class WindowSpec:
    """How passages are cut into windows."""

    max_tokens: int = 256
    stride: int = 96  # tokens shared by consecutive windows of one passage
    max_question_tokens: int = 48


def encode(
    tokenizer: Any, questions: Sequence[str], contexts: Sequence[str], spec: WindowSpec
) -> Any:
    """Tokenise question/context pairs into windows (a BatchEncoding with ``offset_mapping``,
    ``overflow_to_sample_mapping`` and, per window, the passage's token offsets; question and
    special tokens get ``None``)."""
    qs = [_clip_question(tokenizer, QUESTION_PROMPT + q, spec) for q in questions]
    enc = tokenizer(
        qs,
        list(contexts),
        truncation="only_second",
        max_length=spec.max_tokens,
        stride=spec.stride,
        return_overflowing_tokens=True,
        return_offsets_mapping=True,
        padding=False,
    )
    enc["offset_mapping"] = [
        [o if s == 1 else None for o, s in zip(offsets, enc.sequence_ids(i), strict=True)]
        for i, offsets in enumerate(enc["offset_mapping"])
    ]
    return enc


def _clip_question(tokenizer: Any, question: str, spec: WindowSpec) -> str:
    enc = tokenizer(question, add_special_tokens=False, return_offsets_mapping=True)
    offsets = enc["offset_mapping"]
    if len(offsets) <= spec.max_question_tokens:
        return question
    return question[: offsets[spec.max_question_tokens - 1][1]]


def span_labels(offsets: list, answer: tuple[str, int] | None) -> tuple[int, int]:
    """Token (start, end) of ``answer`` in a window, or (0, 0), the first token, when the
    window does not hold it whole."""
    if answer is None:
        return 0, 0
    text, start = answer
    end = start + len(text)
    tokens = [i for i, o in enumerate(offsets) if o is not None]
    if not tokens or offsets[tokens[0]][0] > start or offsets[tokens[-1]][1] < end:
        return 0, 0
    first = next(i for i in tokens if offsets[i][1] > start)
    last = next(i for i in reversed(tokens) if offsets[i][0] < end)
    return first, last


def pad_batch(rows: list[list[int]], pad_id: int) -> tuple[list[list[int]], list[list[int]]]:
    """Right-pad ``rows`` of token ids to one length; returns (ids, attention mask)."""
    width = max(len(r) for r in rows)
    ids = [r + [pad_id] * (width - len(r)) for r in rows]
    mask = [[1] * len(r) + [0] * (width - len(r)) for r in rows]
    return ids, mask
