"""Entity-swapped questions for ``vnqa eval``: each answerable question of a set with the name
it asks about replaced, so that what it asks is no longer what the articles say.

    python bench/entity_swaps.py EVAL.jsonl CORPUS_DIR OUT.jsonl [--real] [--seed N]

By default the name's last word is replaced by another question's ('Trần Đình Long' ->
'Trần Đình Phúc', 'huyện Đức Hòa' -> 'huyện Đức Vinh'), only where the new name, folded,
stands in no file of CORPUS_DIR: the answer about someone nobody wrote about is in no article,
and every such question must be refused. With --real the name becomes another question's
whole name, one the corpus holds ('Ai là chủ tịch tập đoàn Hòa Phát?' -> '… tập đoàn Fecon?'):
harder for the entity guard, since that name's articles are retrieved, but some of these the
articles may answer after all, so its answered questions are to be read, not only counted.
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

from bot.answering.question.analysis import analyse
from bot.answering.question.lexicon import WORD, folded, padded_words


def name_span(question: str, entity: str) -> tuple[int, int] | None:
    """Where the question writes the (folded) entity: the span of its words."""
    words = list(WORD.finditer(question))
    want = entity.split()
    for i in range(len(words) - len(want) + 1):
        if [folded(w.group(0)) for w in words[i : i + len(want)]] == want:
            return words[i].start(), words[i + len(want) - 1].end()
    return None


def typed_name(question: str) -> tuple[int, int] | None:
    """The span of the first name the question asks about, if typed with its capitals and of
    two words or more (a lower-case name's new capitals would give the swap away)."""
    names = [n for n in analyse(question).names if len(n.split()) > 1]
    span = name_span(question, names[0]) if names else None
    if span is None:
        return None
    words = question[span[0] : span[1]].split()
    return span if len(words) > 1 and all(w[:1].isupper() for w in words) else None


def swapped(
    question: str, names: list[str], corpus: str, rng: random.Random, real: bool = False
) -> str | None:
    """The question with its name replaced: by another of ``names`` that ``corpus`` (padded
    folded text) holds when ``real``, else by its own first words and another name's last word
    where ``corpus`` holds no such name. None when it names nothing or nothing fits."""
    span = typed_name(question)
    if span is None:
        return None
    a, b = span
    own = question[a:b]
    for other in rng.sample(names, len(names)):
        name = other if real else f"{own.rpartition(' ')[0]} {other.rpartition(' ')[2]}"
        new = folded(name)
        if new not in folded(own) and folded(own) not in new and (f" {new} " in corpus) == real:
            return question[:a] + name + question[b:]
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("eval_set", type=Path)
    parser.add_argument("corpus", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--real", action="store_true", help="swap in names the corpus holds")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    rows = [json.loads(line) for line in args.eval_set.open(encoding="utf-8") if line.strip()]
    rows = [r for r in rows if r["gold_sources"]]
    corpus = "".join(padded_words(p.read_text(encoding="utf-8")) for p in args.corpus.rglob("*.*"))
    names = sorted(
        {r["question"][a:b] for r in rows if (s := typed_name(r["question"])) for a, b in [s]}
    )
    rng = random.Random(args.seed)
    with args.out.open("w", encoding="utf-8") as out:
        for r in rows:
            question = swapped(r["question"], names, corpus, rng, args.real)
            if question:
                row = {"id": f"{r['id']}~e", "question": question, "gold_sources": [],
                       "answer": {"any": []}, "type": "unanswerable"}  # fmt: skip
                out.write(json.dumps(row, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
