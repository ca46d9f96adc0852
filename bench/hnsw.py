"""Dense search at scale: Chroma's HNSW against exact search, for several ``ef_search``.

For a sample of questions, the exact top 10 by cosine over every stored vector is compared
with what Chroma's HNSW index returns (recall@10), and the query time is reported, at each
``ef_search`` given (Chroma keeps the setting with the collection; it is set back at the
end). ``M`` (``max_neighbors``) is fixed when a collection is created, so it is compared by
building stores with another value, not here.

    python -m bench.hnsw --data-dir STORE [--questions 200] [--ef 10 30 100 200]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from bench.query_latency import pct, questions
from bot.app import App
from bot.settings import Settings


def all_vectors(collection) -> tuple[list[str], np.ndarray]:
    """Every id and vector in the collection, read in pages."""
    ids, rows, total = [], [], collection.count()
    for offset in range(0, total, 5000):
        page = collection.get(limit=5000, offset=offset, include=["embeddings"])
        ids += page["ids"]
        rows.append(np.asarray(page["embeddings"], dtype=np.float32))
    return ids, np.vstack(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--model-dir", default=None)
    parser.add_argument("--questions", type=int, default=200)
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--ef", type=int, nargs="+", default=[10, 30, 100, 200])
    args = parser.parse_args()
    settings = Settings(_env_file=None, data_dir=args.data_dir, model_dir=args.model_dir)
    with App(settings) as app:
        store = app.store
        ids, matrix = all_vectors(store.vectors.collection)
        matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
        queries = app.embedder.encode(questions(args.questions), query=True)
        exact = np.argsort(-(queries @ matrix.T), axis=1)[:, : args.k]
        truth = [{ids[j] for j in row} for row in exact]
        before = store.vectors.collection.configuration["hnsw"]["ef_search"]
        print(f"{args.data_dir}: {len(ids)} vectors, {len(queries)} questions, k={args.k}")
        for ef in args.ef:
            store.vectors.collection.modify(configuration={"hnsw": {"ef_search": ef}})
            store._open_vectors()  # the index is loaded again, with the new setting
            collection = store.vectors.collection
            for q in queries[:10]:  # warm
                collection.query(query_embeddings=[q], n_results=args.k, include=[])
            ms, recall = [], []
            for q, want in zip(queries, truth, strict=True):
                t0 = time.perf_counter()
                got = collection.query(query_embeddings=[q], n_results=args.k, include=[])
                ms.append((time.perf_counter() - t0) * 1000)
                recall.append(len(set(got["ids"][0]) & want) / args.k)
            print(
                f"  ef_search {ef:4} ({collection.configuration['hnsw']['ef_search']} in "
                f"Chroma): recall@{args.k} {np.mean(recall):.3f}  "
                f"p50 {pct(ms, 50):6.1f}  p95 {pct(ms, 95):6.1f} ms"
            )
        store.vectors.collection.modify(configuration={"hnsw": {"ef_search": before}})


if __name__ == "__main__":
    main()
