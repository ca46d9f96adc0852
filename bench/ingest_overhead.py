"""Ingest throughput and the pipeline's overhead over bare ``SentenceTransformer.encode``.

Both use the same loaded model and the same chunk texts, in the same process. The corpus is
cut into rounds of ``--round`` articles and, round by round,

1. the baseline: ``model.encode`` of the round's chunk texts, nothing else (or of every K-th
   one with ``--baseline-every K``, scaled up: for corpora too big to embed twice);
2. the pipeline: ``Ingestor.run`` on the round's articles into one growing store (read,
   clean, hash, chunk, embed, write Chroma and SQLite);

so both see the same machine, even if its speed drifts over a long run. Then the whole
unchanged corpus is ingested again.

Usage: python bench/ingest_overhead.py [--articles N | --articles 0 (all)] [--corpus FILE.jsonl]
       [--baseline-every K] [--round N] [--keep DIR]
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

from bot.app import build_embedder, embedding_model_name
from bot.settings import Settings
from ingest.embedding.sentence_transformer import SentenceTransformerEmbeddings
from ingest.pipeline import Ingestor
from ingest.sources.loaders import LoadReport, iter_articles
from ingest.store.store import Store
from ingest.text.chunk import Chunker

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
        dst.writelines(itertools.islice(src, n or None))


def _peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bare_encode(embedder: SentenceTransformerEmbeddings, texts: list[str], every: int) -> float:
    """Seconds ``model.encode`` takes for ``texts`` (timed on every ``every``-th, scaled up)."""
    sample = texts[::every]
    t0 = time.perf_counter()
    embedder.model.encode(
        sample,
        prompt=embedder.passage_prompt,
        batch_size=embedder.batch_size,
        normalize_embeddings=True,
        show_progress_bar=False,
    )
    return (time.perf_counter() - t0) * len(texts) / max(len(sample), 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--model-dir", type=Path, default=None, help="materialised model cache")
    parser.add_argument("--baseline-every", type=int, default=1, help="encode every K-th chunk")
    parser.add_argument("--round", type=int, default=250, help="articles per round")
    parser.add_argument("--keep", type=Path, default=None, help="build the store here and keep it")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="vnqa-bench-"))
    corpus = work / "corpus.jsonl"
    _subset(args.corpus, args.articles, corpus)
    data_dir = args.keep or work / "data"
    settings = Settings(_env_file=None, data_dir=data_dir, model_dir=args.model_dir)
    embedder = build_embedder(settings)
    t0 = time.perf_counter()
    embedder.encode(["khởi động mô hình"])  # load and warm up outside every timing
    load_s = time.perf_counter() - t0

    chunker = Chunker(embedder, settings.chunk.tokens, settings.chunk.overlap_tokens)
    model_name = embedding_model_name(settings)
    store = Store(settings.data_dir, model_name)
    ingestor = Ingestor(
        store,
        lambda: embedder,
        model_name=model_name,
        chunk_tokens=settings.chunk.tokens,
        overlap_tokens=settings.chunk.overlap_tokens,
        batch_articles=settings.ingest_batch,
    )
    rounds = _rounds(corpus, args.round, work)
    n_articles = n_chunks = tokens = 0
    bare_s = pipeline_s = embed_s = 0.0
    for i, part in enumerate(rounds, start=1):
        articles = list(iter_articles([part], LoadReport()))
        texts = [c.embed_text for a in articles for c in chunker.chunk(a, a.content_hash())]
        tokens += sum(embedder.count_tokens(texts, special=True))
        bare_s += bare_encode(embedder, texts, args.baseline_every)
        summary = ingestor.run([part])
        assert summary.chunks == len(texts) and summary.ok, (summary, len(texts))
        pipeline_s += summary.seconds
        embed_s += summary.embed_seconds
        n_articles, n_chunks = n_articles + len(articles), n_chunks + len(texts)
        print(f"round {i}/{len(rounds)}: {n_articles} articles, {n_chunks} chunks", flush=True)

    t0 = time.perf_counter()
    again = ingestor.run(rounds)
    reingest_s = time.perf_counter() - t0
    assert again.unchanged == n_articles and again.chunks == 0

    figures = {
        "machine": _machine(),
        "corpus": f"{n_articles} articles of {args.corpus.name}, {n_chunks} chunks, "
        f"{tokens} tokens",
        "model_load_s": round(load_s, 2),
        "baseline": f"every {args.baseline_every} chunk(s) encoded, scaled to all, "
        f"interleaved with the pipeline in {len(rounds)} rounds",
        "bare_encode_s": round(bare_s, 2),
        "bare_chunks_per_s": round(n_chunks / bare_s, 2),
        "pipeline_s": round(pipeline_s, 2),
        "pipeline_embed_s": round(embed_s, 2),
        "pipeline_articles_per_s": round(n_articles / pipeline_s, 2),
        "pipeline_chunks_per_s": round(n_chunks / pipeline_s, 2),
        "overhead_vs_bare_encode": f"{(pipeline_s - bare_s) / bare_s:+.1%}",
        "non_embedding_share_of_embed_time": f"{(pipeline_s - embed_s) / embed_s:.1%}",
        "reingest_unchanged_s": round(reingest_s, 2),
        "reingest_ratio": f"1/{pipeline_s / reingest_s:.0f} of the first ingest",
        "peak_rss_mib": round(_peak_rss_mib()),
    }
    for key, value in figures.items():
        print(f"{key:34} {value}")
    print(json.dumps(figures, ensure_ascii=False))
    store.close()


def _rounds(corpus: Path, size: int, work: Path) -> list[Path]:
    """The corpus cut into files of ``size`` articles."""
    lines = corpus.read_text(encoding="utf-8").splitlines(keepends=True)
    parts = []
    for i in range(0, len(lines), size):
        part = work / f"round-{i // size:04d}.jsonl"
        part.write_text("".join(lines[i : i + size]), encoding="utf-8")
        parts.append(part)
    return parts


if __name__ == "__main__":
    main()
