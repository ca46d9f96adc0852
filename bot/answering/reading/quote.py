"""The quote that backs a short answer: the passage's sentences around the span, verbatim,
with the span's place in them."""

from __future__ import annotations

from dataclasses import dataclass

from ingest.text.sentences import split_sentences

TRIM = " \t\n,;:"


@dataclass(frozen=True)
class Quote:
    """Verbatim sentences of a passage and the answer's place in them."""

    text: str
    highlight: tuple[int, int]  # characters of ``text``

    @property
    def answer(self) -> str:
        """The highlighted words."""
        a, b = self.highlight
        return self.text[a:b]


def trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    """``start``/``end`` moved inside spaces and separators (and a final full stop)."""
    while start < end and text[start] in TRIM:
        start += 1
    while end > start and text[end - 1] in TRIM + ".":
        end -= 1
    return start, end


def quote_span(passage: str, start: int, end: int) -> Quote | None:
    """The sentences of ``passage`` that hold characters [start, end), and where those
    characters are in them; None when the span is empty."""
    start, end = trimmed(passage, start, end)
    if start >= end:
        return None
    sentences = split_sentences(passage) or [(0, len(passage))]
    first = next((a for a, b in sentences if a <= start < b), start)
    last = next((b for a, b in reversed(sentences) if a < end <= b), end)
    return Quote(passage[first:last], (start - first, end - first))
