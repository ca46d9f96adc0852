"""Candidate sentences of the retrieved passages, and the choice among scored ones."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from bot.answering.entities import places_in
from bot.answering.lexicon import (
    DEPUTY,
    NAME,
    PLACE_KIND,
    PRONOUNS,
    TIME,
    expand_abbreviations,
    folded,
    padded_words,
)
from bot.answering.query import AnswerType
from bot.answering.retrieval import Hit
from ingest.text.sentences import split_sentences

_DIGIT = re.compile(r"\d")
_ENDS = (".", "!", "?", ":", "\n")


@dataclass(frozen=True)
class Sentence:
    """A sentence of a retrieved chunk; ``start``/``end`` index the article text (-1: the
    article's byline)."""

    hit: Hit
    rank: int
    text: str
    start: int
    end: int
    score: float = 0.0
    context: str = ""  # the sentence before, which often names the subject
    after: str = ""  # the sentence after
    about: int = 4  # where the question's names are: 4 here … 1 elsewhere in the article


def candidate_sentences(hits: list[Hit]) -> list[Sentence]:
    """Every sentence of the retrieved chunks, each once, with its neighbours, and the byline
    of each article whose byline names an office."""
    return _text_sentences(hits) + _bylines(hits)


def evidence(sentences: list[Sentence]) -> list[str]:
    """What a question is read again by: the candidate sentences and their articles' titles."""
    titles = dict.fromkeys(s.hit.article.title for s in sentences if s.hit.article.title)
    return [s.text for s in sentences] + list(titles)


def _bylines(hits: list[Hit]) -> list[Sentence]:
    """'Phạm Quí Tiên - Thành ủy viên, Bí thư Huyện uỷ Thạch Thất' answers who holds the office:
    a byline with an office is a candidate too, quoted as it stands (``start`` is -1)."""
    out: list[Sentence] = []
    seen: set[str] = set()
    for rank, hit in enumerate(hits):
        article = hit.article
        if article.doc_id in seen or not article.author or not _OFFICE.search(article.author):
            continue
        seen.add(article.doc_id)
        out.append(Sentence(hit, rank, article.author, -1, -1, 0.0, article.title))
    return out


def _text_sentences(hits: list[Hit]) -> list[Sentence]:
    seen: set[tuple[str, int]] = set()
    out: list[Sentence] = []
    for rank, hit in enumerate(hits):
        chunk = hit.chunk
        spans = split_sentences(chunk.text)
        texts = [chunk.text[a:b] for a, b in spans]
        for i, (a, b) in enumerate(spans):
            key = (chunk.doc_id, chunk.start + a)
            if key in seen:
                continue
            seen.add(key)
            first = _antecedent(texts, i)  # "Ông là …" is read with who "Ông" is
            a = spans[first][0]
            before = texts[first - 1] if first else ""
            after = texts[i + 1] if i + 1 < len(texts) else ""
            start, end = chunk.start + a, chunk.start + b
            out.append(Sentence(hit, rank, chunk.text[a:b], start, end, 0.0, before, after))
    return out


MAX_PRONOUN_CHAIN = 2  # sentences back to look for who a bare pronoun stands for


def _antecedent(texts: list[str], i: int) -> int:
    """The first of the sentences ``i`` must be read with: itself, or when it opens with a
    bare pronoun ('Ông là người …', not 'Ông Quang …') the sentences back to one that does not."""
    first = i
    while first > 0 and i - first < MAX_PRONOUN_CHAIN and _bare_pronoun(texts[first]):
        first -= 1
    return first if first < i and not _bare_pronoun(texts[first]) else i


def _bare_pronoun(text: str) -> bool:
    words = text.split(maxsplit=2)
    return len(words) > 1 and words[0] in PRONOUNS and words[1][:1].islower()


_OFFICE = re.compile(r"\S\s+[-–,]\s*\S")  # a name, then its title and office


def names_in(text: str) -> list[str]:
    """Capitalised names of a sentence, except the sentence's first word on its own."""
    out = []
    for m in NAME.finditer(text):
        opens = not text[: m.start()].rstrip() or text[: m.start()].rstrip().endswith(_ENDS)
        if " " in m.group(0) or not opens:
            out.append(m.group(0))
    return out


def restates(said: frozenset[str], text: str) -> bool:
    """Whether a sentence is made only of the question's (folded) words, ``Query.said``:
    'Cha của Nguyễn Du là ai.', a page that asks what was asked, restates it and answers
    nothing."""
    return set(padded_words(text).split()) <= said


def states_role(role: tuple[str, ...], s: Sentence) -> bool:
    """Whether the sentence or a neighbour states the relation or office a question asks for
    (``Query.role``; abbreviations read whole); any sentence does when none is asked. A deputy
    holds another office: 'Phó Tổng giám đốc' states no 'tổng giám đốc'."""
    if not role:
        return True
    padded = "".join(padded_words(expand_abbreviations(t)) for t in (s.context, s.text, s.after))
    return bool(_role_pattern(role).search(padded))


@lru_cache(maxsize=64)  # one pattern per question's role, for all its candidate sentences
def _role_pattern(role: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(rf"(?<! {DEPUTY}) {re.escape(r)} " for r in role))


def has_answer_shape(kind: AnswerType, text: str) -> bool:
    """Whether a sentence can hold the kind of answer asked for."""
    match kind:
        case AnswerType.NUMBER:
            return bool(_DIGIT.search(text))
        case AnswerType.TIME:
            return bool(TIME.search(text))
        case AnswerType.PERSON | AnswerType.PLACE | AnswerType.NAME | AnswerType.LIST:
            return any(" " in n for n in names_in(text))
        case _:
            return True


def named(text: str, head: str | None) -> set[str]:
    """Folded names in a sentence; with ``head``, only places of that kind ('huyện Cần Đước',
    'Huyện ủy Cần Đước' for 'huyện')."""
    if not head:
        return {folded(n) for n in names_in(text) if " " in n}
    kind = PLACE_KIND.get(folded(head), head)
    return {name for k, name in places_in(text) if k == kind}


def choose_sentences(
    scored: list[Sentence], kind: AnswerType, head: str | None = None, limit: int = 4
) -> list[Sentence]:
    """The best sentence, plus for list questions others that name something new."""
    ranked = sorted(scored, key=lambda s: s.score, reverse=True)
    if not ranked:
        return []
    best = ranked[0]
    chosen = [best]
    if kind is AnswerType.LIST:
        names = named(best.text, head)
        for cand in ranked[1:]:
            related = cand.hit.article.doc_id == best.hit.article.doc_id
            fresh = named(cand.text, head) - names
            if fresh and (related or cand.score >= 0.75 * best.score):
                chosen.append(cand)
                names |= fresh
            if len(chosen) == limit:
                break
    return sorted(chosen, key=lambda s: (s.rank, s.start))
