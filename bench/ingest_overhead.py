"""Ingest throughput and the pipeline's overhead over bare ``SentenceTransformer.encode``.

Both runs use the same loaded model and the same chunk texts, in the same process:

1. the baseline: ``model.encode`` of every chunk text, nothing else;
2. the pipeline: ``Ingestor.run`` into an empty store (read, clean, hash, chunk, embed,
   write Chroma and SQLite);
3. a re-ingest of the unchanged corpus.

Usage: python bench/ingest_overhead.py [--articles N] [--corpus FILE.jsonl]
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import resource
import tempfile
import time
from pathlib import Path

from bot.components import build_embedder
from bot.settings import Settings
from ingest.chunk import Chunker
from ingest.loaders import LoadReport, iter_articles
from ingest.pipeline import Ingestor
from ingest.store import Store

DEFAULT_CORPUS = (
    Path(__file__).resolve().parents[2] / "shared/corpus/vietnews/vietnews-val-2k.jsonl"
)


def _machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    python = f"{platform.python_implementation()} {platform.python_version()}"
    return f"{os.cpu_count()} cores, {cpu}, {python}"


def _subset(corpus: Path, n: int, target: Path) -> None:
    with corpus.open(encoding="utf-8") as src, target.open("w", encoding="utf-8") as dst:
        dst.writelines(itertools.islice(src, n))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--model-dir", type=Path, default=None, help="materialised model cache")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="vnqa-bench-"))
    corpus = work / "corpus.jsonl"
    _subset(args.corpus, args.articles, corpus)
    settings = Settings(_env_file=None, data_dir=work / "data", model_dir=args.model_dir)
    embedder = build_embedder(settings)
    t0 = time.perf_counter()
    embedder.encode(["khởi động mô hình"])  # load and warm up outside every timing
    load_s = time.perf_counter() - t0

    chunker = Chunker(embedder, settings.chunk_tokens, settings.chunk_overlap_tokens)
    articles = list(iter_articles([corpus], LoadReport()))
    texts = [c.embed_text for a in articles for c in chunker.chunk(a, a.content_hash())]
    tokens = sum(embedder.count_tokens(texts, special=True))

    t0 = time.perf_counter()
    embedder.model.encode(
        texts,
        prompt=embedder.passage_prompt,
        batch_size=settings.embedding_batch_size,
        normalize_embeddings=True,
        show_progress_bar=False,
    )
    bare_s = time.perf_counter() - t0

    store = Store(settings.data_dir, "bench-model")
    ingestor = Ingestor(
        store,
        lambda: embedder,
        model_name="bench-model",
        chunk_tokens=settings.chunk_tokens,
        overlap_tokens=settings.chunk_overlap_tokens,
    )
    summary = ingestor.run([corpus])
    t0 = time.perf_counter()
    again = ingestor.run([corpus])
    reingest_s = time.perf_counter() - t0
    assert summary.chunks == len(texts), (summary.chunks, len(texts))
    assert again.unchanged == len(articles) and again.chunks == 0

    overhead = (summary.seconds - bare_s) / bare_s
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    figures = {
        "machine": _machine(),
        "corpus": f"{len(articles)} articles of {args.corpus.name}, {len(texts)} chunks, "
        f"{tokens} tokens",
        "model_load_s": round(load_s, 2),
        "bare_encode_s": round(bare_s, 2),
        "bare_chunks_per_s": round(len(texts) / bare_s, 2),
        "pipeline_s": round(summary.seconds, 2),
        "pipeline_embed_s": round(summary.embed_seconds, 2),
        "pipeline_articles_per_s": round(len(articles) / summary.seconds, 2),
        "pipeline_chunks_per_s": round(summary.chunks_per_second, 2),
        "overhead_vs_bare_encode": f"{overhead:+.1%}",
        "reingest_unchanged_s": round(reingest_s, 2),
        "reingest_ratio": f"1/{summary.seconds / reingest_s:.0f} of the first ingest",
        "peak_rss_mib": round(peak_mib),
    }
    for key, value in figures.items():
        print(f"{key:26} {value}")
    print(json.dumps(figures, ensure_ascii=False))
    store.close()


if __name__ == "__main__":
    main()
