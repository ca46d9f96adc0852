"""Lexical top-k: today's SQLite FTS5 against tantivy (BM25, block-max WAND), same queries.

The store's folded chunk texts are indexed into a tantivy index (split at non-word
characters as FTS5 does; the diacritic folding is the store's own). Each question is
analysed as the retriever does; FTS5 runs the store's own search (selective terms and phrases), and
tantivy gets the same terms and phrases as one "any of" query. Reported: time per query
(p50/p95), and how much of FTS5's top k tantivy also returns (its recall of FTS5's top k).

    pip install tantivy
    python -m bench.lexical_engines --data-dir STORE [--questions 200] [--k 30] [--quality]
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

import tantivy

from bench.query_latency import EVAL, pct, questions
from bot.answering.query import analyse
from bot.answering.retrieval import HybridRetriever
from bot.app import App
from bot.evaluate import load_eval_set, score_retrieval
from bot.settings import Settings
from ingest.store.fulltext import LexicalHit

QUERIES = EVAL / "vietnews_dev_queries.jsonl"


def build(db: Path, folder: Path) -> tantivy.Index:
    """A tantivy index of every chunk's folded text, keyed by the catalog's chunk id."""
    schema = (
        tantivy.SchemaBuilder()
        .add_text_field("chunk_id", stored=True, tokenizer_name="raw")
        .add_text_field("folded", stored=False, tokenizer_name="default")
        .build()
    )
    index = tantivy.Index(schema, path=str(folder))
    writer = index.writer(heap_size=200_000_000, num_threads=2)
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    rows = con.execute(
        "SELECT c.chunk_id, f.folded FROM chunks c JOIN chunks_fts f ON f.rowid = c.rowid"
    )
    for chunk_id, folded in rows:
        words = " ".join(w.lower() for w in folded.replace("\n", " ").split())
        writer.add_document(tantivy.Document(chunk_id=chunk_id, folded=words))
    writer.commit()
    writer.wait_merging_threads()
    index.reload()
    return index


def tantivy_query(index: tantivy.Index, terms: list[str], phrases: list[str]) -> tantivy.Query:
    """Any of the terms or phrases (BM25 over the folded field)."""
    parts = [tantivy.Query.term_query(index.schema, "folded", t) for t in terms if " " not in t]
    for phrase in phrases:
        words = phrase.split()
        if len(words) > 1:
            parts.append(tantivy.Query.phrase_query(index.schema, "folded", words))
    return tantivy.Query.boolean_query([(tantivy.Occur.Should, q) for q in parts])


class TantivyLexical:
    """The store's read side with tantivy as its lexical search (for retrieval quality)."""

    def __init__(self, store, index: tantivy.Index) -> None:
        self.store, self.index, self.searcher = store, index, index.searcher()

    def __getattr__(self, name: str):
        return getattr(self.store, name)

    def lexical_search(self, terms, k, *, phrases=(), filt=None) -> list[LexicalHit]:
        """The same selective terms and phrases FTS5 searches, so both answer one question."""
        query = tantivy_query(self.index, self.store.catalog._selective(list(terms)), phrases)
        found = self.searcher.search(query, k)
        return [LexicalHit(self.searcher.doc(a)["chunk_id"][0], s) for s, a in found.hits]


def retrieval_quality(app: App, index: tantivy.Index) -> None:
    """Hybrid MRR@10 / recall@10 on the vietnews dev queries, FTS5 and tantivy lexical sides."""
    _, rows = load_eval_set(QUERIES)
    for name, store in (("fts5", app.store), ("tantivy", TantivyLexical(app.store, index))):
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
        db = next((args.data_dir / "index").glob("chunks-*.sqlite3"))
        folder = Path(tempfile.mkdtemp(prefix="tantivy-"))
        t0 = time.perf_counter()
        index = build(db, folder)
        built = time.perf_counter() - t0
        tantivy_side = TantivyLexical(store, index)
        fts_ms, tan_ms, overlap = [], [], []
        for q in questions(args.questions):
            query = analyse(q)
            t0 = time.perf_counter()
            old = store.lexical_search(query.terms, args.k, phrases=query.phrases)
            fts_ms.append((time.perf_counter() - t0) * 1000)
            t0 = time.perf_counter()
            new = [
                h.chunk_id
                for h in tantivy_side.lexical_search(query.terms, args.k, phrases=query.phrases)
            ]
            tan_ms.append((time.perf_counter() - t0) * 1000)
            if old:
                overlap.append(len({h.chunk_id for h in old} & set(new)) / len(old))
        size = sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())
        print(
            f"store {args.data_dir}: {store.chunk_count()} chunks; tantivy index built in "
            f"{built:.1f} s, {size / 2**20:.0f} MiB"
        )
        for name, ms in (("fts5", fts_ms), ("tantivy", tan_ms)):
            print(
                f"  {name:8} p50 {pct(ms, 50):7.1f}  p95 {pct(ms, 95):7.1f}  "
                f"mean {statistics.fmean(ms):7.1f} ms"
            )
        print(f"  tantivy returns {statistics.fmean(overlap):.3f} of FTS5's top {args.k}")
        if args.quality:
            retrieval_quality(app, index)
        shutil.rmtree(folder)


if __name__ == "__main__":
    main()
