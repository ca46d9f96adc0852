"""The places, people and organisations a question names, and whether a text names them.

An answer must be about what was asked: a question about Đức Hòa is not answered from a
sentence about Quế Phong, however well the rest of it matches.
"""

from __future__ import annotations

import re

from bot.answering.lexicon import (
    COUNTRIES,
    ENDS_NAME,
    ENDS_NAME_FOLDED,
    NAME,
    OPENERS,
    ORGANISATIONS,
    PLACE_HEADS,
    PLACE_KIND,
    TITLE_WORDS,
    WORD,
    WORK_NOUNS,
    folded,
    padded_words,
    strip_leading,
)
from ingest.text.textnorm import has_diacritics, normalize_query

_ONE_WORD = PLACE_HEADS + ORGANISATIONS  # what a one-word name may stand after

MAX_NAME_WORDS = 4  # words of a name a lower-case question is read with
OWNER_WINDOW = 4  # words after an office in which its country stands: "Bộ Tài chính của Mỹ"
_COUNTRY_WORDS = max(len(c) for c in COUNTRIES)
_CLAUSE_END = re.compile(r"[.!?;]\s")


def _ends_name(token: str) -> bool:
    word = token.lower()
    return word in ENDS_NAME if has_diacritics(word) else word in ENDS_NAME_FOLDED


def _runs(tokens: list[str]) -> list[tuple[int, list[str]]]:
    """Runs of capitalised words with the index of their first word."""
    runs: list[tuple[int, list[str]]] = []
    for i, token in enumerate(tokens):
        if token[:1].isupper():
            if runs and runs[-1][0] + len(runs[-1][1]) == i:
                runs[-1][1].append(token)
            else:
                runs.append((i, [token]))
    return runs


def _after_head(tokens: list[str], start: int, heads: tuple[str, ...] = PLACE_HEADS) -> bool:
    """Whether the words before ``start`` end with a place head ('huyện', 'xã', …)."""
    before = " ".join(tokens[max(0, start - 2) : start]).lower()
    return any(before == h or before.endswith(" " + h) for h in heads)


TITLE_REACH = 4  # lower-case words after a run a title or head it opens may go on into


def _untitled(tokens: list[str], at: int, n: int) -> list[str]:
    """The ``n`` words at ``at`` without the titles and heads they open with, read on into the
    lower-case words after them: 'Tổng Giám [đốc]' and 'Phó Bí [thư]' leave nothing, nor does
    'Công [ty]' after 'Đảng uỷ'."""
    reach = tokens[at : at + n + TITLE_REACH]
    return tokens[at + len(reach) - len(strip_leading(reach, PLACE_HEADS + TITLE_WORDS)) : at + n]


def _capitalised_names(tokens: list[str]) -> list[str]:
    names = []
    for start, run in _runs(tokens):
        opened = _title_opening(run) if start == 0 else run
        words = _untitled(tokens, start + len(run) - len(opened), len(opened))
        first = start + len(run) - len(words)
        # Only a run that opens the question can have swallowed its question words in Title
        # Case ("Đức Hòa Là Ai"); after a lower-case word, 'Cao Bằng' keeps its 'Bằng'.
        while start == 0 and words and _ends_name(words[-1]):
            words = words[:-1]
        # one word is a name after a place head or an organisation's noun ('công ty Fecon')
        if len(words) >= 2 or (words and first > 0 and _after_head(tokens, first, _ONE_WORD)):
            names.append(folded(" ".join(words)))
    return names


def _title_opening(run: list[str]) -> list[str]:
    """The run that opens a question, without a word that only opens it ("Theo Bộ Y tế, …"
    names no "Theo Bộ"), nor a work's noun capitalised only as the first word: "Phim Bỗng
    dưng muốn khóc …" names no "Phim Bỗng", since a title has one capital. A work's title of
    two capitalised words or more stays ("Tiểu thuyết Sông Đông …")."""
    if run[0].lower() in OPENERS:
        run = run[1:]
    words = strip_leading(run, WORK_NOUNS)
    if len(words) == len(run):
        return run
    return words if len(words) >= 2 else []


def _lowercase_names(tokens: list[str]) -> list[str]:
    """Names typed without capitals, after a place head: 'bi thu huyen uy duc hoa'."""
    names = []
    lowered = [t.lower() for t in tokens]
    i = 0
    while i < len(tokens):
        head = next((h for h in PLACE_HEADS if lowered[i : i + len(h.split())] == h.split()), None)
        if head is None:
            i += 1
            continue
        i += len(head.split())
        words: list[str] = []
        while i < len(tokens) and len(words) < MAX_NAME_WORDS and tokens[i].islower():
            before_number = i + 1 < len(tokens) and tokens[i + 1].isdigit()  # "nam 2025"
            if _ends_name(tokens[i]) or _after_head(tokens, i + 1) or before_number:
                break
            words.append(tokens[i])
            i += 1
        if words:
            names.append(folded(" ".join(words)))
    return names


def question_entities(question: str) -> list[str]:
    """Folded names the question asks about: 'Ai là Bí thư Huyện ủy Đức Hòa?' -> ['duc hoa']."""
    tokens = WORD.findall(normalize_query(question))
    names = _capitalised_names(tokens)
    if typed_lowercase(tokens):
        names += _lowercase_names(tokens)
    return list(dict.fromkeys(names))


def typed_lowercase(tokens: list[str]) -> bool:
    """Whether a question was typed without capitals after its first word, as on a phone."""
    return not any(t[:1].isupper() for t in tokens[1:])


def _capitalised_sequences(sentences: list[str]) -> set[tuple[str, ...]]:
    """Folded word sequences (2 to MAX_NAME_WORDS words) that the sentences write as one run
    of capitalised words. Headlines in capitals are no evidence; a sentence's first word
    counts only if the sentences never write it in lower case ('Mẹ' opens a sentence)."""
    tokens = [WORD.findall(normalize_query(s)) for s in sentences]
    lowered = {t for words in tokens for t in words if t.islower()}
    out: set[tuple[str, ...]] = set()
    for words in tokens:
        for start, run in _runs([w if not w[1:].isupper() else "" for w in words]):
            if start == 0 and run[0].lower() in lowered:
                run = run[1:]
            low = [folded(w) for w in run]
            for n in range(2, MAX_NAME_WORDS + 1):
                out.update(tuple(low[i : i + n]) for i in range(len(low) - n + 1))
    return out


def restore_case(question: str, evidence: list[str]) -> str:
    """A question typed in lower case with the capitals put back on the names it shares with
    the ``evidence`` (sentences, and titles): 'me cua lam vy da?' -> 'me cua Lam Vy Da?' when
    they name 'Lâm Vỹ Dạ'. Names of two words or more count, longest first; a question with
    capitals is kept."""
    matches = list(WORD.finditer(question))
    if not typed_lowercase([m.group() for m in matches]):
        return question
    known = _capitalised_sequences(evidence)
    words = [folded(m.group()) for m in matches]
    chars, i = list(question), 0
    while i < len(words):
        n = next((n for n in range(MAX_NAME_WORDS, 1, -1) if tuple(words[i : i + n]) in known), 1)
        if n > 1:
            for m in matches[i : i + n]:
                chars[m.start()] = chars[m.start()].upper()
        i += n
    return "".join(chars)


def names_all(entities: list[str], *texts: str) -> bool:
    """Whether every entity occurs, as whole words, in one of ``texts`` (diacritics ignored)."""
    haystack = "".join(padded_words(t) for t in texts)
    return all(f" {entity} " in haystack for entity in entities)


_HEADED = re.compile(
    rf"\b(?i:{'|'.join(re.escape(h) for h in PLACE_HEADS)})\s+({NAME.pattern[2:]})"
)


def place_kinds(question: str, entities: list[str]) -> dict[str, str]:
    """The kind of place each entity is, where the question says: 'huyện Đức Hòa' -> huyện."""
    text = padded_words(question)
    heads = sorted(PLACE_KIND, key=len, reverse=True)
    out = {}
    for entity in entities:
        head = next((h for h in heads if f" {h} {entity} " in text), None)
        if head:
            out[entity] = PLACE_KIND[head]
    return out


def places_in(text: str) -> set[tuple[str, str]]:
    """(kind, folded name) of the places a text names after a head: ('huyện', 'can duoc')."""
    out = set()
    for m in _HEADED.finditer(text):
        head = folded(m.group(0)[: m.start(1) - m.start()]).strip()
        out.add((PLACE_KIND.get(" ".join(head.split()), head), folded(m.group(1))))
    return out


def names_other_place(entities: list[str], kinds: dict[str, str], text: str) -> bool:
    """Whether ``text`` names a place of the kind asked about that is not the one asked:
    'Huyện ủy Đức Hòa' for a question about huyện Thạch Thất."""
    wanted = set(kinds.values())
    return any(kind in wanted and name not in entities for kind, name in places_in(text))


def _countries(tokens: list[str]) -> list[tuple[int, str]]:
    """(index, folded name) of each capitalised country name among ``tokens``."""
    out = []
    for i in range(len(tokens)):
        for n in range(_COUNTRY_WORDS, 0, -1):
            name = COUNTRIES.get(tuple(tokens[i : i + n]))
            if name:
                out.append((i, name))
                break
    return out


def question_countries(question: str) -> list[str]:
    """Folded names of the countries a question names, capitalised: 'Pháp' -> ['phap']."""
    return list(dict.fromkeys(name for _, name in _countries(WORD.findall(question))))


def office_of_other_country(countries: list[str], focus: list[str], text: str) -> bool:
    """Whether ``text`` puts the asked office under another country than the question's:
    'Tổng thống Hàn Quốc' for 'Ai là tổng thống Triều Tiên?'."""
    if not countries or not focus:
        return False
    want, n = [folded(f) for f in focus], len(focus)
    for clause in _CLAUSE_END.split(normalize_query(text)):
        tokens = WORD.findall(clause)
        low, found = [folded(t) for t in tokens], _countries(tokens)
        for i in range(len(low) - n + 1):
            if low[i : i + n] == want:
                after = [c for j, c in found if i + n <= j < i + n + OWNER_WINDOW]
                if after and after[0] not in countries:
                    return True
    return False
