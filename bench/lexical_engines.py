"""Lexical top-k: SQLite FTS5 against tantivy (BM25, block-max WAND), same store, same queries.

The store must use tantivy (``vnqa reindex`` converts one); its catalog keeps the FTS5 index
too, so both engines answer the same analysed questions with the same selective terms and
phrases: FTS5 through ``catalog.search``, tantivy through the store's own lexical side.
Reported: time per query (p50/p95), how much of FTS5's top k tantivy also returns, and with
``--quality`` hybrid MRR@10 / recall@10 on the vietnews dev queries with either engine.

    python -m bench.lexical_engines --data-dir STORE [--questions 200] [--k 30] [--quality]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from bench.query_latency import EVAL, pct, questions
from bot.answering.evidence.retrieval import HybridRetriever
from bot.answering.question.analysis import analyse
from bot.app import App
from bot.evaluate import load_eval_set, score_retrieval
from bot.settings import Settings
from ingest.store.fulltext import LexicalHit
from ingest.store.lexical import TANTIVY

QUERIES = EVAL / "vietnews_dev_queries.jsonl"


class Fts5Lexical:
    """The store's read side with FTS5 as its lexical search, whatever the store uses."""

    def __init__(self, store) -> None:
        self.store = store

    def __getattr__(self, name: str):
        return getattr(self.store, name)

    def lexical_search(self, terms, k, *, phrases=(), filt=None) -> list[LexicalHit]:
        """FTS5 over the catalog, as before the store was converted."""
        return self.store.catalog.search(terms, k, phrases=list(phrases), filt=filt)


def retrieval_quality(app: App) -> None:
    """Hybrid MRR@10 / recall@10 on the vietnews dev queries, FTS5 and tantivy lexical sides."""
    _, rows = load_eval_set(QUERIES)
    for name, store in (("fts5", Fts5Lexical(app.store)), ("tantivy", app.store)):
        retriever = HybridRetriever(store=store, embedder=app.embedder)
        for diacritics in (True, False):
            r = score_retrieval(retriever, rows, diacritics=diacritics)
            print(
                f"  hybrid, {name:8} diacritics={diacritics!s:5} MRR@10 {r.mrr:.3f} "
                f"recall@10 {r.recall:.3f} ({r.queries} queries)"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--model-dir", type=Path, default=None)
    parser.add_argument("--questions", type=int, default=200)
    parser.add_argument("--k", type=int, default=30)
    parser.add_argument("--quality", action="store_true", help="also hybrid MRR@10 (minutes)")
    args = parser.parse_args()
    settings = Settings(_env_file=None, data_dir=args.data_dir, model_dir=args.model_dir)
    with App(settings) as app:
        store = app.store
        if store.lexical.engine != TANTIVY:
            raise SystemExit(f"{args.data_dir} uses FTS5; convert it first: vnqa reindex")
        old_side = Fts5Lexical(store)
        fts_ms, tan_ms, overlap = [], [], []
        for q in questions(args.questions) * 2:  # the first pass warms both engines' caches
            query = analyse(q)
            t0 = time.perf_counter()
            old = old_side.lexical_search(query.terms, args.k, phrases=query.phrases)
            fts_ms.append((time.perf_counter() - t0) * 1000)
            t0 = time.perf_counter()
            new = store.lexical_search(query.terms, args.k, phrases=query.phrases)
            tan_ms.append((time.perf_counter() - t0) * 1000)
            if old:
                same = {h.chunk_id for h in old} & {h.chunk_id for h in new}
                overlap.append(len(same) / len(old))
        n = len(fts_ms) // 2
        fts_ms, tan_ms = fts_ms[n:], tan_ms[n:]
        folder = store.lexical.folder
        size = sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())
        print(
            f"store {args.data_dir}: {store.chunk_count()} chunks; tantivy index "
            f"{size / 2**20:.0f} MiB; {n} questions, warm"
        )
        for name, ms in (("fts5", fts_ms), ("tantivy", tan_ms)):
            print(
                f"  {name:8} p50 {pct(ms, 50):7.1f}  p95 {pct(ms, 95):7.1f}  "
                f"mean {statistics.fmean(ms):7.1f} ms"
            )
        print(f"  tantivy returns {statistics.fmean(overlap):.3f} of FTS5's top {args.k}")
        if args.quality:
            retrieval_quality(app)


if __name__ == "__main__":
    main()
