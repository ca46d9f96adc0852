"""Accents put back on a question typed without them, from the text it was matched to."""

from __future__ import annotations

from collections import Counter, defaultdict

from bot.answering.question.lexicon import QUESTION_FORMS, WORD
from ingest.text.textnorm import normalize_query, strip_diacritics


def restore_diacritics(text: str, evidence: list[str], *, in_place: bool = False) -> str:
    """Put back the accents of an unaccented question, voting over the ``evidence`` texts.

    Each word takes the accented form that the evidence uses most at that place: pairs of
    neighbouring words count twice, single words once. Question words (``QUESTION_FORMS``:
    'bao nhieu', 'do ai', 'la') take their question form, as statements rarely ask: a
    phrase always, a single word where no pair of the evidence holds it. Any other word the
    evidence lacks is kept. The words come back joined by spaces, or ``in_place`` of the
    question's own words, with its punctuation kept.
    """
    words = WORD.findall(text)
    folded_words = [strip_diacritics(w).lower() for w in words]
    singles, pairs = _accent_votes(evidence)
    asking = _question_forms(folded_words)
    out = []
    for i, (word, f) in enumerate(zip(words, folded_words, strict=True)):
        votes: Counter = Counter()
        if i and (folded_words[i - 1], f) in pairs:
            for (_, form), n in pairs[(folded_words[i - 1], f)].items():
                votes[form] += 2 * n
        if i + 1 < len(words) and (f, folded_words[i + 1]) in pairs:
            for (form, _), n in pairs[(f, folded_words[i + 1])].items():
                votes[form] += 2 * n
        if i in asking and (asking[i][1] or not votes):  # a phrase always
            votes = Counter({asking[i][0]: 1})
        else:
            votes.update(singles.get(f, {}))
        best = votes.most_common(1)[0][0] if votes else word
        out.append(best.capitalize() if word[:1].isupper() else best)
    if in_place:
        restored = iter(out)
        return WORD.sub(lambda _: next(restored), text)
    return " ".join(out)


def _accent_votes(evidence: list[str]) -> tuple[dict, dict]:
    """How often the evidence writes each folded word, and each folded pair, in each way."""
    pairs: dict[tuple[str, str], Counter] = defaultdict(Counter)
    singles: dict[str, Counter] = defaultdict(Counter)
    for doc in evidence:
        acc = [w.lower() for w in WORD.findall(normalize_query(doc))]
        fold = [strip_diacritics(w) for w in acc]
        for i, (f, a) in enumerate(zip(fold, acc, strict=True)):
            singles[f][a] += 1
            if i:
                pairs[(fold[i - 1], f)][(acc[i - 1], a)] += 1
    return singles, pairs


def _question_forms(words: list[str]) -> dict[int, tuple[str, bool]]:
    """The written form of each position inside a question phrase (longest phrases first),
    and whether it stands in a phrase of two words or more."""
    out: dict[int, tuple[str, bool]] = {}
    for phrase in sorted(QUESTION_FORMS, key=len, reverse=True):
        n = len(phrase)
        for i in range(len(words) - n + 1):
            if tuple(words[i : i + n]) == phrase and not any(j in out for j in range(i, i + n)):
                out |= {i + k: (f, n > 1) for k, f in enumerate(QUESTION_FORMS[phrase])}
    return out
