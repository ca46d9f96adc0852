"""Unanswerable training questions made from answerable ones, for the cross-encoder.

Most of newsqa_dev's unanswerable questions ask about a thing the corpus names, but for a
relation or an office it does not state ("Mẹ của Nguyễn Xuân Phúc?", "Tổng thống Tây Ban
Nha?"), or about a name it never mentions. The cross-encoder learnt refusals from only 139 of
them. A relation swap makes more of the first kind from an answerable training question: its
family relation, office or kind of name (``lexicon.KIN``, ``OFFICES``, ``NAMINGS``) replaced
by another of the same kind that none of its candidate sentences holds ("Ai là chủ tịch tập
đoàn Hòa Phát?" -> "Ai là tổng giám đốc tập đoàn Hòa Phát?", only where no candidate says
"tổng giám đốc"; "Mẹ của Hari Won?" -> "Chồng của Hari Won?"). Questions about a name the
corpus never mentions are the entity guard's, before any model.

A swapped question keeps the candidate sentences of its source, every one labelled wrong:
the right sentence for the source is the hardest negative for the swap.
"""

from __future__ import annotations

import random
import re

from bot.answering.lexicon import KIN, NAMINGS, OFFICES, as_written, folded, padded_words
from bot.answering.query import AnswerType, analyse

_GENERIC = {"tên", "tên gọi"}  # "tên" asks for any name: swapped, it may still be answered
# Each kind, and what must follow the asked word for it to be that kind: "Mẹ của X" asks for
# a relation, "công bố" holds no "bố".
_KINDS = [
    (as_written(KIN), r"(?:\s+\w+)?\s+của\b"),
    (as_written(OFFICES), ""),
    (tuple(w for w in as_written(NAMINGS) if w not in _GENERIC), r"(?:\s+\w+)?\s+của\b"),
]


def _pattern(words: tuple[str, ...], after: str) -> re.Pattern[str]:
    alternation = "|".join(map(re.escape, words))
    return re.compile(rf"(?<!\w)({alternation})(?!\w)(?={after})", re.IGNORECASE)


_ROLE = [(words, _pattern(words, after)) for words, after in _KINDS]


def _absent(phrase: str, texts: list[str]) -> bool:
    return all(f" {folded(phrase)} " not in t for t in texts)


def _replace(question: str, start: int, end: int, new: str) -> str:
    if question[start].isupper():
        new = new[0].upper() + new[1:]
    return question[:start] + new + question[end:]


def relation_swap(question: str, texts: list[str], rng: random.Random) -> str | None:
    """The question with its relation or office replaced by another of its kind that none of
    ``texts`` (candidates' padded folded words) holds; None when it names none."""
    for group, pattern in _ROLE:
        m = pattern.search(question)
        if not m:
            continue
        asked = m.group(1).lower()
        others = [w for w in group if asked not in w and w not in asked and _absent(w, texts)]
        if others:
            return _replace(question, m.start(1), m.end(1), rng.choice(others))
    return None


def swaps(questions: list[dict], text: dict[str, str], seed: int = 0) -> list[dict]:
    """The relation-swapped unanswerable questions of the answerable ``questions`` (dump
    rows) that ask for a person (or a person's name), each with its text added to ``text``
    under the source's id and '~r'."""
    rng = random.Random(seed)
    out = []
    for q in questions:
        if not q["answerable"] or not q["rows"]:
            continue
        if analyse(text[q["id"]]).kind is not AnswerType.PERSON:
            continue  # "Thủ tướng Mahathir … ngày nào": the office is not what is asked
        texts = [padded_words(r["text"]) for r in q["rows"]]
        swapped = relation_swap(text[q["id"]], texts, rng)
        if swapped:
            text[f"{q['id']}~r"] = swapped
            rows = [r | {"label": 0} for r in q["rows"]]
            out.append(q | {"id": f"{q['id']}~r", "answerable": False, "rows": rows})
    return out
