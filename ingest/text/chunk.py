"""Split articles into chunks of whole sentences that fit the embedding model."""

from __future__ import annotations

import re
from typing import Protocol

from ingest.models import Article, Chunk
from ingest.text.sentences import split_sentences

_HEADER_MAX_CHARS = 240
_CLAUSE_BREAK = re.compile(r"[,;:]\s+|\s+[-–]\s+|\s+")


class TokenCounter(Protocol):
    """What the chunker needs of an embedding model."""

    @property
    def max_seq_length(self) -> int: ...

    @property
    def passage_prompt(self) -> str: ...

    def count_tokens(self, texts: list[str], *, special: bool = False) -> list[int]: ...


def chunk_header(article: Article) -> str:
    """'Title (dd/mm/yyyy)': shown with a chunk and embedded with it."""
    title = article.title[:_HEADER_MAX_CHARS]
    if article.published:
        return f"{title} ({article.published:%d/%m/%Y})".strip()
    return title


class Chunker:
    """Packs sentences into chunks of at most ``chunk_tokens`` with ``overlap_tokens`` overlap."""

    def __init__(
        self, counter: TokenCounter, chunk_tokens: int = 200, overlap_tokens: int = 40
    ) -> None:
        if overlap_tokens >= chunk_tokens:
            raise ValueError("chunk overlap must be smaller than the chunk size")
        self.counter = counter
        self.chunk_tokens = chunk_tokens
        self.overlap_tokens = overlap_tokens

    def salt(self) -> str:
        """Identifies the chunking settings, so changing them re-chunks every article."""
        return f"chunk={self.chunk_tokens}/{self.overlap_tokens}/{self.counter.max_seq_length}"

    def chunk(self, article: Article, content_hash: str) -> list[Chunk]:
        """The chunks of ``article``; none is longer than the model's maximum input."""
        header = chunk_header(article)
        budget = self._budget(header)
        spans = self._fit_spans(article.text, split_sentences(article.text), budget)
        groups = self._pack(spans, budget)
        groups = self._enforce_model_limit(article.text, header, groups)
        return [
            Chunk(
                chunk_id=f"{article.doc_id}:{content_hash[:10]}:{i}",
                doc_id=article.doc_id,
                index=i,
                start=g[0][0],
                end=g[-1][1],
                text=article.text[g[0][0] : g[-1][1]],
                header=header,
            )
            for i, g in enumerate(groups)
        ]

    def _budget(self, header: str) -> int:
        prompt = self.counter.passage_prompt
        (overhead,) = self.counter.count_tokens([f"{prompt}{header}\n"], special=True)
        room = self.counter.max_seq_length - overhead - 4  # slack for tokens merging at joins
        return max(16, min(self.chunk_tokens, room))

    def _fit_spans(
        self, text: str, spans: list[tuple[int, int]], budget: int
    ) -> list[tuple[int, int, int]]:
        """Spans with token counts; a sentence over ``budget`` is cut at clause breaks."""
        counts = self.counter.count_tokens([text[a:b] for a, b in spans])
        out: list[tuple[int, int, int]] = []
        for (a, b), n in zip(spans, counts, strict=True):
            out.extend([(a, b, n)] if n <= budget else self._cut(text, a, b, budget))
        return out

    def _cut(self, text: str, a: int, b: int, budget: int) -> list[tuple[int, int, int]]:
        breaks = [m.end() for m in _CLAUSE_BREAK.finditer(text, a, b) if a < m.end() < b]
        if not breaks:  # one unbroken token run: cut by characters
            mid = (a + b) // 2
            if mid == a:
                return [(a, b, budget)]
        else:
            mid = min(breaks, key=lambda p: abs(p - (a + b) // 2))
        parts = []
        for x, y in ((a, mid), (mid, b)):
            y_trim = x + len(text[x:y].rstrip())
            (n,) = self.counter.count_tokens([text[x:y_trim]])
            parts.extend([(x, y_trim, n)] if n <= budget else self._cut(text, x, y_trim, budget))
        return parts

    def _pack(self, spans: list[tuple[int, int, int]], budget: int) -> list[list[tuple[int, int]]]:
        groups: list[list[tuple[int, int]]] = []
        current: list[tuple[int, int, int]] = []
        for span in spans:
            if current and sum(s[2] for s in current) + span[2] > budget:
                groups.append([(s[0], s[1]) for s in current])
                current = self._overlap(current, budget - span[2])
            current.append(span)
        if current:
            groups.append([(s[0], s[1]) for s in current])
        return groups

    def _overlap(self, previous: list[tuple[int, int, int]], room: int) -> list:
        """The trailing sentences of ``previous`` to repeat, within the overlap and ``room``."""
        keep: list[tuple[int, int, int]] = []
        total = 0
        for span in reversed(previous[1:]):  # never repeat a whole chunk
            if total + span[2] > min(self.overlap_tokens, room):
                break
            keep.insert(0, span)
            total += span[2]
        return keep

    def _enforce_model_limit(
        self, text: str, header: str, groups: list[list[tuple[int, int]]]
    ) -> list[list[tuple[int, int]]]:
        """Split any group whose exact token count exceeds the model maximum."""
        prompt, limit = self.counter.passage_prompt, self.counter.max_seq_length
        full = [f"{prompt}{header}\n{text[g[0][0] : g[-1][1]]}" for g in groups]
        out: list[list[tuple[int, int]]] = []
        for group, n in zip(groups, self.counter.count_tokens(full, special=True), strict=True):
            if n <= limit or len(group) == 1:
                out.append(group)
            else:
                half = len(group) // 2
                out.extend(self._enforce_model_limit(text, header, [group[:half], group[half:]]))
        return out
