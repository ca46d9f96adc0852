"""Number questions with their answer cut: the reader's validation split written as articles
for `vnqa ingest`, each paragraph less every sentence that answers one of its number questions
('bao nhiêu', 'mấy'), and those questions, now unanswerable, as a `vnqa eval` file.

Their topic and names stay in the store and only the number goes: what a reader gets wrong
when it answers from the topic ('Tổng vốn đầu tư của Khu công nghệ cao Hòa Lạc là bao
nhiêu?' answered with a phrase about another project). Every one of them must be refused.

    python -m bench.number_cut ../shared/train/vi_qa_train.json /tmp/cut
    VNQA_DATA_DIR=/tmp/cutstore vnqa ingest /tmp/cut/articles
    VNQA_DATA_DIR=/tmp/cutstore vnqa eval /tmp/cut/number_cut.jsonl
"""

from __future__ import annotations

import argparse
import json
from dataclasses import replace
from pathlib import Path

from bench.reader_split import article_title, validation_split
from bot.answering.question.analysis import analyse
from bot.answering.reading.data import QAExample, without_answer
from bot.answering.reading.train import TrainConfig


def cut_paragraph(examples: list[QAExample]) -> tuple[str, list[QAExample]]:
    """A paragraph's text less the sentences answering its number questions, and the questions
    it makes unanswerable (none, and the text whole, when too little would be left)."""
    asked = [ex for ex in examples if ex.answers and analyse(ex.question).asks_number]
    if not asked:
        return examples[0].context, []
    every = replace(asked[0], answers=tuple(a for ex in asked for a in ex.answers))
    cut = without_answer(every)
    return (cut.context, asked) if cut is not None else (examples[0].context, [])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path, help="the SQuAD 2.0 training file")
    parser.add_argument("out", type=Path, help="folder for articles/ and number_cut.jsonl")
    parser.add_argument("--seed", type=int, default=TrainConfig().seed)
    args = parser.parse_args()
    validation = validation_split(args.data, args.seed)
    paragraphs: dict[str, list[QAExample]] = {}
    for ex in validation:
        paragraphs.setdefault(ex.context, []).append(ex)
    folder = args.out / "articles"
    folder.mkdir(parents=True, exist_ok=True)
    rows = []
    for i, examples in enumerate(paragraphs.values()):
        text, asked = cut_paragraph(examples)
        page = f"# {article_title(examples[0])}\n\n{text}\n"
        (folder / f"c{i:04d}.md").write_text(page, encoding="utf-8")
        rows += [
            {"id": f"{ex.id}-cut", "question": ex.question, "gold_sources": [], "answer": {},
             "type": "number_cut"}
            for ex in asked
        ]  # fmt: skip
    with (args.out / "number_cut.jsonl").open("w", encoding="utf-8") as f:
        f.writelines(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
    print(f"{len(paragraphs)} paragraphs, {len(rows)} number questions with their answer cut")


if __name__ == "__main__":
    main()
