"""Follow-up questions: 'còn huyện Cần Đước thì sao?' after a question about Đức Hòa."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.answering.question.lexicon import NAME, PLACE_HEAD_WORDS, folded
from ingest.text.textnorm import strip_diacritics

_LEAD = re.compile(r"^\s*(?:(?:thế|vậy|the|vay)\s+)?(?:còn|con)\s+(?:về\s+|ve\s+)?", re.IGNORECASE)
_TAIL = re.compile(
    r"\s*(?:thì|thi)\s+(?:sao|thế nào|the nao|như thế nào|nhu the nao|ra sao)\s*\??\s*$"
    r"|\s*(?:thì sao|thi sao|ra sao|thế nào|the nao)?\s*\?\s*$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Turn:
    """One earlier exchange of a conversation."""

    question: str  # as answered, i.e. already rewritten
    answer: str = ""


def is_followup(question: str) -> bool:
    """Whether a question leans on the previous one ('còn X thì sao?')."""
    return bool(_LEAD.match(question)) or bool(
        re.search(r"(?:thì|thi) sao\s*\??\s*$", question, re.IGNORECASE)
    )


def _strip_markers(question: str) -> str:
    return _TAIL.sub("", _LEAD.sub("", question)).strip(" ?")


def _names(text: str) -> list[re.Match[str]]:
    # The first word of a question is capitalised anyway: it is not a name on its own.
    return [m for m in NAME.finditer(text) if m.start() > 0 or " " in m.group(0)]


def _replace_after_head(previous: str, new: str) -> str | None:
    """'huyện Cần Đước' replaces the words after 'huyện' (or 'Huyện ủy') in ``previous``."""
    folded_new = folded(new)
    for head in PLACE_HEAD_WORDS:
        fh = strip_diacritics(head)
        if not folded_new.startswith(fh + " "):
            continue
        tail = new[len(head) + 1 :].strip()
        pattern = re.compile(
            rf"\b({fh})(\s+u[yỷ])?\s+((?:\S+\s*){{1,{len(tail.split())}}})", re.IGNORECASE
        )
        folded_prev = strip_diacritics(previous)
        m = pattern.search(folded_prev)
        if m:
            a, b = m.span(3)
            return previous[:a] + tail + (" " if previous[b - 1 : b] == " " else "") + previous[b:]
    return None


def rewrite_followup(question: str, history: Sequence[Turn]) -> str:
    """The question made self-contained using the last turn, by a simple rule."""
    if not history or not is_followup(question):
        return question
    previous = history[-1].question
    new = _strip_markers(question)
    if not new:
        return previous
    year = re.fullmatch(r"(năm|nam)\s+(\d{4})", new, re.IGNORECASE)
    old_years = list(re.finditer(r"\b\d{4}\b", previous))
    if year and old_years:
        last = old_years[-1]
        return previous[: last.start()] + year.group(2) + previous[last.end() :]
    old_names, new_names = _names(previous), _names(new)
    if old_names and new_names:
        last = old_names[-1]
        return previous[: last.start()] + new_names[-1].group(0) + previous[last.end() :]
    replaced = _replace_after_head(previous, new)
    return replaced or f"{previous.rstrip(' ?')} {new}?"
