"""One conversation, as both front-ends keep it: recent turns for follow-ups, the last
answer for /sources, /new, and forgetting after a while idle."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.answering.answer import Answer, Citation
from bot.answering.question.followup import Turn
from ingest.models import SearchFilter


@dataclass
class Session:
    """A conversation's memory; plain data, so a front-end may persist it (PTB pickles it)."""

    max_turns: int = 6
    idle_seconds: float | None = None  # None: remembered until /new
    turns: deque[Turn] = field(default_factory=deque)
    last: Answer | None = None
    touched: float = field(default_factory=time.time)

    def expired(self, now: float | None = None) -> bool:
        """True when the conversation has been idle for longer than ``idle_seconds``."""
        now = time.time() if now is None else now
        return self.idle_seconds is not None and now - self.touched > self.idle_seconds

    def new(self) -> None:
        """Forget the conversation (/new)."""
        self.turns.clear()
        self.last = None
        self.touched = time.time()

    def ask(
        self,
        answer: Callable[..., Answer],
        question: str,
        filt: SearchFilter | None = None,
        on_text: Callable[[str], None] | None = None,
    ) -> Answer:
        """Answer ``question`` with this conversation as context, and remember the turn.

        ``answer`` is ``Responder.answer`` (or anything with its signature); ``on_text``
        receives a generative answer's text as it is written."""
        if self.expired():
            self.new()
        result = answer(question, list(self.turns), filt, on_text)
        self.last, self.touched = result, time.time()
        if self.max_turns:
            self.turns.append(Turn(result.question, result.text))
            while len(self.turns) > self.max_turns:
                self.turns.popleft()
        return result

    @property
    def sources(self) -> tuple[Citation, ...]:
        """The last answer's citations (/sources), or none."""
        return self.last.citations if self.last else ()
