"""The reader's validation split, asked open-domain: its paragraphs written as articles for
`vnqa ingest`, and its questions as a `vnqa eval` file.

The split is the one `vnqa reader train` holds out (by article, with the same seed). A share
of its articles (``--removed``) stays out of the store: their questions become unanswerable,
the gold passage removed, as a user's question about news vnqa never ingested.

    python bench/reader_split.py ../shared/train/vi_qa_train.json /tmp/val
    VNQA_DATA_DIR=/tmp/val/data vnqa ingest /tmp/val/articles
    VNQA_DATA_DIR=/tmp/val/data vnqa eval /tmp/val/validation.jsonl
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

from bot.answering.reading.data import QAExample, load_squad, split_by_article
from bot.answering.reading.train import TrainConfig


def validation_split(data: Path, seed: int) -> list[QAExample]:
    """The questions `vnqa reader train` holds out of ``data`` with ``seed``."""
    config = TrainConfig(seed=seed)
    return split_by_article(load_squad(data), config.validation_share, config.seed)[1]


def article_title(ex: QAExample) -> str:
    """The title of the article a question's paragraph comes from ('wiki/Hà Nội#3' -> 'Hà Nội')."""
    return ex.article.split("/", 1)[1].rsplit("#", 1)[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path, help="the SQuAD 2.0 training file")
    parser.add_argument("out", type=Path, help="folder for articles/ and validation.jsonl")
    parser.add_argument("--removed", type=float, default=0.2, help="share of articles left out")
    parser.add_argument("--seed", type=int, default=TrainConfig().seed)
    args = parser.parse_args()
    validation = validation_split(args.data, args.seed)
    articles = sorted({ex.article for ex in validation})
    random.Random(args.seed).shuffle(articles)
    removed = set(articles[: round(len(articles) * args.removed)])
    folder = args.out / "articles"
    folder.mkdir(parents=True, exist_ok=True)
    names: dict[str, str] = {}
    for ex in validation:
        if ex.context not in names:
            names[ex.context] = f"v{len(names):04d}.md"
            if ex.article not in removed:
                text = f"# {article_title(ex)}\n\n{ex.context}\n"
                (folder / names[ex.context]).write_text(text)
    with (args.out / "validation.jsonl").open("w", encoding="utf-8") as f:
        for ex in validation:
            kept = ex.article not in removed
            row = {
                "id": ex.id,
                "question": ex.question,
                "gold_sources": [names[ex.context]] if kept else [],
                "answer": {"any": sorted({t for t, _ in ex.answers})} if kept else {"any": []},
                "type": ex.source if kept else "unanswerable",
            }
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(
        f"{len(names)} paragraphs, {len(validation)} questions, "
        f"{len(removed)} of {len(articles)} articles left out"
    )


if __name__ == "__main__":
    main()
