"""What a question asks for, read from its words: the noun before 'nào', the unit and what
a quantity counts, the attribute measured, the relation or office asked of a name, the kind of
place a list wants, and its focus apart from its topic. ``query.analyse`` calls each once."""

from __future__ import annotations

import re

from bot.answering.forms import key, matching_form
from bot.answering.lexicon import (
    ASK_QUANTITY,
    DEPUTY,
    KIN_ASKED,
    KIN_STATED,
    LINKS,
    LINKS_FOLDED,
    LIST_HEADS,
    META,
    OFFICES,
    PLACE_CUES,
    SKIP_LEAD,
    SKIP_LEAD_FOLDED,
    STOP,
    STOP_FOLDED,
    UNIT_WORDS,
    WORD,
    folded,
    padded_words,
)


def asked_noun(text: str) -> list[str]:
    """The (folded) one or two words before 'nào': what kind of thing is asked for."""
    words = [folded(w) for w in WORD.findall(text)]
    at = next((i for i, w in enumerate(words) if w == "nao" and i), None)
    if at is None:
        return []
    before: list[str] = []
    for word in reversed(words[max(0, at - 2) : at]):
        if word in STOP_FOLDED or word in PLACE_CUES:
            break
        before.insert(0, word)
    return before


def asked_unit(text: str) -> str | None:
    """The unit after 'bao nhiêu'/'mấy', folded, spelled-out units as symbols ('mét' -> 'm')."""
    m = ASK_QUANTITY.search(text)
    if not m:
        return None
    after = [w.lower() for w in WORD.findall(text[m.end() :])][:2]
    pair = " ".join(after)
    if pair and (pair in UNIT_WORDS or folded(pair) in UNIT_WORDS) and len(after) == 2:
        return folded(pair)
    if after and after[0] not in STOP and after[0] not in STOP_FOLDED:
        return folded(matching_form(after[0]))
    return None


MAX_COUNTED = 2  # words of what a quantity question counts: 'đội bóng' of 'bao nhiêu đội bóng'


def counted_words(text: str) -> tuple[str, ...]:
    """The words after 'bao nhiêu' or 'mấy', up to a stop word, in compared form: what is
    counted."""
    m = ASK_QUANTITY.search(text)
    out: list[str] = []
    for word in WORD.findall(text[m.end() :])[:MAX_COUNTED] if m else []:
        if word.lower() in STOP or word.lower() in STOP_FOLDED:
            break
        out.append(key(word))
    return tuple(out)


def asked_role(text: str) -> tuple[str, ...]:
    """What a question for a person (``analyse`` asks only those) asks that person to be to
    its name, folded: any family relation for 'Mẹ của Hari Won?', the office for 'Ai là chủ
    tịch tập đoàn Hòa Phát?' ('phó chủ tịch' for a deputy). A sentence that states none of
    them names someone, not the one asked for."""
    if KIN_ASKED.search(text.lower()):
        return KIN_STATED
    padded = padded_words(text)
    office = next((folded(o) for o in OFFICES if f" {folded(o)} " in padded), None)
    if office is None:
        return ()
    return (f"{DEPUTY} {office}",) if f" {DEPUTY} {office} " in padded else (office,)


def list_head(text: str) -> str | None:
    """The kind of place a list question asks for: 'huyện' in 'Những huyện nào ...'."""
    heads = "|".join(re.escape(h) for h in LIST_HEADS)
    m = re.search(rf"\b({heads})\s+(?:nào|nao)\b", text, re.IGNORECASE)
    return m.group(1).lower() if m else None


def _topic_positions(tokens: list[str]) -> set[int]:
    """Positions of names and numbers: the topic, not what is asked."""
    caps = [t[:1].isupper() for t in tokens]
    skip = set()
    for i, token in enumerate(tokens):
        is_name = caps[i] and (i > 0 or (len(tokens) > 1 and caps[1]))
        if token[:1].isdigit() or is_name:
            skip.add(i)
    return skip


def focus(text: str, accented: bool) -> list[str]:
    """What the question asks about, skipping its topic (names, dates, places).

    'Kết quả bầu cử ở Phú Xuyên thế nào?' -> ['kết', 'quả']; 'Năm 2022 huyện Đức Hòa thu
    ngân sách bao nhiêu?' -> ['thu', 'ngân']. An answer must mention it, not just the topic.
    """
    stop = STOP if accented else STOP_FOLDED
    lead = SKIP_LEAD if accented else SKIP_LEAD_FOLDED
    tokens = WORD.findall(META.sub(" ", text))
    words = [t.lower() if accented else folded(t) for t in tokens]
    skip = _topic_positions(tokens) if accented else set()
    skip |= {i for i, w in enumerate(words) if w in lead or w[:1].isdigit()}
    for i, word in enumerate(words):
        if word not in stop and i not in skip:
            nxt = i + 1
            if nxt < len(words) and words[nxt] not in stop and nxt not in skip:
                return [word, words[nxt]]
            return [word]
    return []


def measured(text: str, accented: bool) -> list[str]:
    """The measured attribute of a quantity question: 'dài' in 'cầu dài bao nhiêu mét?'."""
    text = META.sub(" ", text)
    m = ASK_QUANTITY.search(text)
    if not m or m.start() == 0:
        return []
    before = [w.lower() if accented else folded(w) for w in WORD.findall(text[: m.start()])]
    links = LINKS if accented else LINKS_FOLDED
    while before and before[-1] in links:
        before.pop()
    stop = STOP if accented else STOP_FOLDED
    return [before[-1]] if before and before[-1] not in stop else []
