"""Build cloze questions with gold answers from a corpus, as training data for the reader.

    python bench/cloze.py ../shared/corpus/newsqa OUT.jsonl [--number N] [--time N] [--other N]

The dev sets have almost no "bao nhiêu", "khi nào" or "là gì" questions, so the reader's
features for them would be fitted on nothing. This finds sentences with a number and its
unit ("dài 420 m") or a date ("năm 1995"), masks it with the question word in place ("Cầu ...
dài bao nhiêu m?", "... vào năm nào?") inside a window of its clause, and keeps the masked
text as the gold answer; then, from other files, sentences that open "X là Y" give "X là gì?"
with the rest of Y's clause as the answer. That answer ends where the reader's "là gì" span
ends (the clause), so these questions teach which "là" answers, not where an answer stops.
Every question comes from a different file, chosen with a fixed seed; the output has the
eval-set format, so ``bench/fit_reader.py dump`` reads it.
"""

from __future__ import annotations

import argparse
import json
import random
import re
from pathlib import Path

from bot.answering.lexicon import OPENERS, PRONOUNS, UNIT_WORDS
from ingest.text.sentences import sentences

NUMBER = r"\d+(?:[.,]\d+)*"
_UNITS = "|".join(re.escape(u) for u in sorted(UNIT_WORDS, key=len, reverse=True))
QUANTITY = re.compile(rf"(?<![\w/.,])({NUMBER})(?:\s*(%)|\s+({_UNITS}))(?!\w)")
DATE = re.compile(
    r"(?<!\w)(?:vào\s+)?(ngày\s+\d{1,2}/\d{1,2}(?:/\d{4})?|tháng\s+\d{1,2}/\d{4}|năm\s+\d{4})(?!\w)"
)
_CLAUSE = re.compile(r"[,;:()“”\"]")
_WORDS_BEFORE, _WORDS_AFTER = 8, 5
_MEASURES = {"m", "km", "ha", "kg", "tấn", "m2", "km2", "phần trăm", "mét", "héc-ta"}
_LEADING = {"của", "và", "là", "với", "cho", "từ", "đến", "hay", "hoặc", "nhưng", "mà"}
_REFERENCE = re.compile(r"\s*\[\d+\]")


def _window(sentence: str, start: int, end: int) -> tuple[str, str] | None:
    """The clause words around ``sentence[start:end]``: at most 8 before and 5 after."""
    before = _CLAUSE.split(sentence[:start])[-1].split()[-_WORDS_BEFORE:]
    while before and (before[0].lower() in _LEADING or not before[0][0].isalnum()):
        before.pop(0)
    if before and not before[-1][-1].isalnum():  # a range: "6-9 tháng"
        return None
    after = _CLAUSE.split(sentence[end:])[0].split()[:_WORDS_AFTER]
    if len(before) < 3:
        return None
    return " ".join(before), " ".join(after).rstrip(".!?")


def _capital_runs(words: list[str]) -> list[str]:
    """Runs of two to five capitalised words: names."""
    runs, run = [], []
    for word in [*words, ""]:
        if word[:1].isupper() and word.isalpha():
            run.append(word)
            continue
        if 2 <= len(run) <= 5:
            runs.append(" ".join(run))
        run = []
    return runs


def _subject(window: tuple[str, str], previous: str, rng: random.Random) -> tuple[str, str]:
    """Half the time, the question names what the previous sentence names and keeps only the
    two words before the answer ("Cầu vượt sông Thiếp ... cây cầu dài" -> "Cầu vượt sông
    Thiếp cầu dài"), as people ask about a thing the answering sentence only refers to."""
    names = _capital_runs(previous.split())
    if not names or rng.random() < 0.5:
        return window
    return f"{max(names, key=len)} {' '.join(window[0].split()[-2:])}", ""


def _quantity(sentence: str, previous: str, rng: random.Random) -> dict | None:
    m = QUANTITY.search(sentence)
    if not m or re.fullmatch(r"(?:19|20)\d\d", m.group(1)):
        return None
    window = _window(sentence, m.start(), m.end())
    if not window:
        return None
    before, after = _subject(window, previous, rng)
    unit = "phần trăm" if m.group(2) else m.group(3)
    if unit.lower() in _MEASURES and rng.random() < 0.5:
        unit = ""  # "dài bao nhiêu?"
    spaced = f"{m.group(1)} {m.group(3)}" if m.group(3) else f"{m.group(1)}%"
    question = " ".join(f"{before} bao nhiêu {unit} {after}".split()) + "?"
    return {"question": question, "answer": {"any": [spaced, m.group(0)]}, "type": "number"}


def _date(sentence: str, previous: str, rng: random.Random) -> dict | None:
    m = DATE.search(sentence)
    if not m:
        return None
    window = _window(sentence, m.start(), m.end())
    if not window:
        return None
    before, after = _subject(window, previous, rng)
    asked = ("vào " if m.group(0).startswith("vào") else "") + m.group(1).split()[0]
    question = " ".join(f"{before} {asked} nào {after}".split()) + "?"
    return {
        "question": question,
        "answer": {"any": [m.group(1), m.group(1).split(maxsplit=1)[1]]},
        "type": "time",
    }


# Words a sentence opens with that refer back rather than name: "Ông là …", "Thế là …".
_NO_SUBJECT = PRONOUNS | {w.capitalize() for w in OPENERS} | {"Thế", "Thật", "Cũng", "Đó", "Đây"}
_IS = re.compile(r"\s(là)\s")
_DEFINED = (2, 6)  # words of what a "là gì" question asks about
_DEFINITION = (2, 12)  # words of its answer


def _definition(sentence: str, previous: str, rng: random.Random) -> dict | None:
    """A sentence that opens 'X là Y' -> 'X là gì?' with Y, the rest of the clause after
    'là', as the answer; X is all the sentence has before 'là' and starts with a capital."""
    m = _IS.search(sentence)
    if not m or _CLAUSE.search(sentence[: m.start()]) or not sentence[:1].isupper():
        return None
    subject = sentence[: m.start()].split()
    answer = _CLAUSE.split(sentence[m.end() :])[0].split()
    if not _DEFINED[0] <= len(subject) <= _DEFINED[1] or subject[0] in _NO_SUBJECT:
        return None
    if not _DEFINITION[0] <= len(answer) <= _DEFINITION[1]:
        return None
    gold = " ".join(answer).rstrip(".!?")
    return {"question": f"{' '.join(subject)} là gì?", "answer": {"any": [gold]}, "type": "other"}


def build(corpus: Path, wanted: dict[str, int], seed: int = 11) -> list[dict]:
    """Up to ``wanted[kind]`` questions of each kind, one per file, from shuffled files."""
    files = sorted(corpus.glob("*.md"))
    rng = random.Random(seed)
    rng.shuffle(files)
    out: list[dict] = []
    for makers in ({"number": _quantity, "time": _date}, {"other": _definition}):
        used = {q["gold_sources"][0] for q in out}
        out += _questions([f for f in files if f.name not in used], makers, wanted, rng, len(out))
    return out


def _questions(files: list[Path], makers: dict, wanted: dict[str, int], rng, first: int):
    out: list[dict] = []
    for path in files:
        text = path.read_text(encoding="utf-8")
        body = text.split("\n", 1)[1] if text.startswith("#") else text
        for kind, maker in makers.items():
            if sum(q["type"] == kind for q in out) >= wanted[kind]:
                continue
            plain = sentences(_REFERENCE.sub("", body))
            pairs = zip(["", *plain], plain, strict=False)
            found = next(
                (q for p, s in pairs if 8 <= len(s.split()) <= 60 if (q := maker(s, p, rng))), None
            )
            if found:
                out.append({"id": f"c{first + len(out):04d}", **found, "gold_sources": [path.name]})
                break
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--number", type=int, default=150)
    parser.add_argument("--time", type=int, default=100)
    parser.add_argument("--other", type=int, default=100, help="'X là gì?' questions")
    args = parser.parse_args()
    rows = build(args.corpus, {"number": args.number, "time": args.time, "other": args.other})
    args.out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")


if __name__ == "__main__":
    main()
