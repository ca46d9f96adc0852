"""What the responder returns: an answer with numbered citations."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.answering.evidence.retrieval import Hit

# What reads as a citation marker: [3], [1, 2], [ 9 ], ［4］, 【5】.
_MARKER_LIKE = re.compile(r"[\[［【]\s*(\d[\d\s,;–-]*)[\]］】]")


def defuse_markers(text: str) -> str:
    """Article text with its own bracketed numbers as (n): only vnqa writes [n] markers, so
    a quoted sentence ending in "[9]" can never pass for a source that does not exist."""
    return _MARKER_LIKE.sub(lambda m: f"({m.group(1).strip()})", text)


@dataclass(frozen=True)
class Citation:
    """One numbered source of an answer; ``quote`` is verbatim article text."""

    n: int
    title: str
    published: datetime | None
    source: str
    author: str | None
    quote: str
    site: str | None = None
    doc_id: str = ""
    highlight: tuple[int, int] | None = None  # the short answer's place in ``quote``

    @classmethod
    def of(cls, n: int, hit: Hit, quote: str) -> Citation:
        """Citation ``n`` of a retrieved passage's article, quoting ``quote``."""
        a = hit.article
        return cls(n, a.title, a.published, a.source, a.author, quote, a.site, a.doc_id)

    def parts(self) -> tuple[str, str, str]:
        """The quote as (before, short answer, after); all of it is 'before' without one."""
        if self.highlight is None:
            return self.quote, "", ""
        a, b = self.highlight
        return self.quote[:a], self.quote[a:b], self.quote[b:]

    def to_json(self) -> dict[str, Any]:
        """The stable JSON form used by ``vnqa ask --json``."""
        return {
            "n": self.n,
            "title": self.title,
            "published": self.published.isoformat() if self.published else None,
            "source": self.source,
            "author": self.author,
            "quote": self.quote,
        }


@dataclass(frozen=True)
class Answer:
    """A short Vietnamese answer with inline [n] markers, or a plain refusal."""

    text: str
    found: bool
    citations: tuple[Citation, ...] = ()
    timings: dict[str, float] = field(default_factory=dict)  # stage -> milliseconds
    note: str | None = None  # e.g. why generative mode fell back to extractive
    question: str = ""  # the question as answered (after follow-up rewriting)
    span: str | None = None  # the short answer, verbatim from the first citation's quote
    score: float | None = None  # how sure the reader is of it (a probability), if it says

    def to_json(self, asked: str) -> dict[str, Any]:
        """The stable JSON form used by ``vnqa ask --json``: one object per question."""
        return {
            "question": asked,
            "answer": self.text,
            "found": self.found,
            "answer_span": self.span,
            "citations": [c.to_json() for c in self.citations],
            "timings_ms": {k: round(v, 1) for k, v in self.timings.items()},
        }
