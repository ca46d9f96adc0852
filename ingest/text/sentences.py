"""Vietnamese sentence splitting with character spans."""

from __future__ import annotations

import re

# Abbreviations that end in a period without ending a sentence (compared case-sensitively).
_ABBREVIATIONS_TEXT = """
TP Tp TX Tx Q P H X Th TT TS ThS PGS GS BS KS
LS NS NSƯT NSND Mr Mrs Ms Dr St Co Ltd Inc Corp No Tr tr
vs v.v VD Đ Ng
"""
ABBREVIATIONS = frozenset(_ABBREVIATIONS_TEXT.split())
# A candidate boundary: terminal punctuation, optional closing quotes/brackets, whitespace.
_BOUNDARY = re.compile(r"([.!?…]+)([\"”’»)\]]*)(\s+)")
_NEXT_STARTS_SENTENCE = re.compile(r"[\"“‘«(\[]?[\w\d]")
_WORD_BEFORE = re.compile(r"([\w.]+)$")


_LONGEST_ABBREVIATION = 16  # characters looked back from a full stop: no rescan from 0


def _is_abbreviation(text: str, dot_pos: int) -> bool:
    match = _WORD_BEFORE.search(text, max(0, dot_pos - _LONGEST_ABBREVIATION), dot_pos)
    if not match:
        return False
    word = match.group(1)
    if word in ABBREVIATIONS:
        return True
    # A lone capital initial ("H. Hạnh", "Nguyễn V. A") or a dotted one ("T.Ư.").
    return (len(word) == 1 and word.isupper()) or bool(re.fullmatch(r"(?:\w\.)+\w", word))


def _ends_sentence(text: str, m: re.Match[str]) -> bool:
    punct, after = m.group(1), m.end()
    if after >= len(text):
        return True
    nxt = _NEXT_STARTS_SENTENCE.match(text, after)
    if not nxt:
        return True
    first = nxt.group(0)[-1]
    if first.islower():
        return False  # "... thì sao? ông nói" or an ellipsis mid-sentence
    return not (punct == "." and _is_abbreviation(text, m.start(1)))


def split_paragraph(text: str, offset: int = 0) -> list[tuple[int, int]]:
    """Sentence spans ``(start, end)`` of one paragraph, shifted by ``offset``."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _BOUNDARY.finditer(text):
        if _ends_sentence(text, m):
            end = m.end(2)
            if text[start:end].strip():
                spans.append((offset + start, offset + end))
            start = m.end()
    if text[start:].strip():
        spans.append((offset + start, offset + len(text.rstrip())))
    return spans


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans of a text whose paragraphs are separated by newlines."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for para in text.split("\n"):
        lead = len(para) - len(para.lstrip())
        spans.extend(split_paragraph(para.strip(), pos + lead))
        pos += len(para) + 1
    return spans


def sentences(text: str) -> list[str]:
    """The sentences of ``text`` as strings."""
    return [text[a:b] for a, b in split_sentences(text)]
