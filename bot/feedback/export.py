"""Votes as ``vnqa eval`` questions: a voted-down answer becomes a question for a maintainer
to give its right answer; a voted-up one, a regression test as it stands."""

from __future__ import annotations

from pathlib import Path

from bot.feedback.store import Feedback


def eval_row(f: Feedback) -> dict:
    """One line of an eval file. Up: the answer given and its sources are the gold. Down:
    no gold yet (the maintainer adds 'answer' and 'gold_sources', or leaves both empty when
    the articles do not say and the right answer is a refusal)."""
    g = f.given
    row = {
        "id": f"fb{g.id}",
        "question": g.question,
        "asked": g.asked,
        "type": "feedback-up" if f.vote > 0 else "feedback-down",
        "answer_given": g.answer,
        "voted_at": f.at,
    }
    if f.reason:
        row["reason"] = f.reason
    if f.vote > 0 and g.found:
        row["answer"] = {"any": [g.span or g.answer]}
        row["gold_sources"] = sorted({Path(c["source"].split("#")[0]).name for c in g.citations})
    else:
        row["answer"] = {"any": []}
        row["gold_sources"] = []
    return row
