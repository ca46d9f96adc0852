"""Retrieval quality on a store: MRR@10 / recall@10 per retriever, with and without diacritics.

The queries are ``eval/vietnews_dev_queries.jsonl`` (article summaries, each with its gold
article); "without" strips every accent from the queries, as users often type. The hybrid
row is what ``vnqa eval`` reports; dense and lexical alone show what each side brings.

Usage: python bench/retrieval_quality.py --data-dir STORE [--modes hybrid,dense,lexical]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from bot.answering.evidence.retrieval import HybridRetriever
from bot.app import App
from bot.evaluate import load_eval_set, retrieval_table
from bot.settings import Settings

QUERIES = Path(__file__).resolve().parents[2] / "shared/eval/vietnews_dev_queries.jsonl"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--model-dir", type=Path, default=None)
    parser.add_argument("--queries", type=Path, default=QUERIES)
    parser.add_argument("--modes", default="hybrid,dense,lexical")
    args = parser.parse_args()

    settings = Settings(_env_file=None, data_dir=args.data_dir, model_dir=args.model_dir)
    app = App(settings)
    store, embedder = app.store, app.embedder
    _, rows = load_eval_set(args.queries)
    info = store.stats()
    print(f"store {args.data_dir}: {info['articles']} articles, {info['chunks']} chunks")
    print(f"queries {args.queries.name}: {len(rows)}")
    retriever = HybridRetriever(store=store, embedder=embedder, fusion=settings.fusion)
    scores = retrieval_table(retriever, rows, tuple(args.modes.split(",")))
    for score in scores:
        accents = "with" if score.diacritics else "without"
        print(
            f"{score.mode:8} {accents:7} diacritics  MRR@10 {score.mrr:.3f}  "
            f"recall@10 {score.recall:.3f}"
        )
    results = [
        {
            "retriever": s.mode,
            "diacritics": s.diacritics,
            "mrr@10": round(s.mrr, 3),
            "recall@10": round(s.recall, 3),
        }
        for s in scores
    ]
    print(json.dumps({"articles": info["articles"], "results": results}))
    app.close()


if __name__ == "__main__":
    main()
