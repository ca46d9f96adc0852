"""Warm extractive answer latency by stage, for one or more stores of different sizes.

Each store answers the same questions after a warm-up; the figures are per question:
embed (query embedding), dense (Chroma), lexical (the store's engine: tantivy or FTS5), fuse,
read (the reader: span model and calibration), total; with the store's size on disk and
the process's peak RSS.
The last line compares every store's p95 with the first store's.

Usage: python bench/query_latency.py --data-dir STORE [--data-dir STORE ...] [--questions N]
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import time
from pathlib import Path

from bot.app import App
from bot.settings import Settings
from ingest.text.sentences import sentences

EVAL = Path(__file__).resolve().parents[2] / "shared" / "eval"
STAGES = ("embed", "dense", "lexical", "fuse", "read", "total")


def questions(n: int) -> list[str]:
    """The first sentence of each dev query (question-sized), then the seed questions."""
    rows = [json.loads(line) for line in (EVAL / "vietnews_dev_queries.jsonl").open()]
    seeds = [json.loads(line)["question"] for line in (EVAL / "seeds_dev.jsonl").open()]
    firsts = [(sentences(r["query"]) or [r["query"]])[0] for r in rows]
    return (firsts + seeds)[:n]


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def measure(data_dir: Path, qs: list[str], model_dir: Path | None) -> dict:
    settings = Settings(_env_file=None, data_dir=data_dir, model_dir=model_dir)
    app = App(settings)
    responder = app.warm_up()
    for q in qs[:10]:
        responder.answer(q)
    per_stage: dict[str, list[float]] = {s: [] for s in STAGES}
    began = time.perf_counter()
    for q in qs:
        timings = responder.answer(q).timings
        for stage in STAGES:
            per_stage[stage].append(timings.get(stage, 0.0))
    wall = time.perf_counter() - began
    info = app.store.stats()
    app.close()
    return {
        "store": str(data_dir),
        "articles": info["articles"],
        "chunks": info["chunks"],
        "lexical_engine": info["lexical_engine"],
        "size_mib": round(info["size_bytes"] / 2**20),
        # The process's peak so far: with stores given smallest first, this store's peak.
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "questions": len(qs),
        "wall_s": round(wall, 1),
        "ms": {
            s: {
                "p50": round(pct(v, 50), 1),
                "p95": round(pct(v, 95), 1),
                "p99": round(pct(v, 99), 1),
                "mean": round(statistics.fmean(v), 1),
            }
            for s, v in per_stage.items()
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", type=Path, action="append", required=True)
    parser.add_argument("--questions", type=int, default=200)
    parser.add_argument("--model-dir", type=Path, default=None)
    args = parser.parse_args()
    qs = questions(args.questions)
    results = [measure(d, qs, args.model_dir) for d in args.data_dir]
    for r in results:
        print(
            f"\n{r['store']}: {r['articles']} articles, {r['chunks']} chunks, "
            f"{r['questions']} questions in {r['wall_s']} s; {r['lexical_engine']}, "
            f"{r['size_mib']} MiB on disk, peak RSS {r['peak_rss_mib']} MiB"
        )
        print(f"  {'stage':8} {'p50':>7} {'p95':>7} {'p99':>7} {'mean':>7}  (ms)")
        for stage, m in r["ms"].items():
            print(f"  {stage:8} {m['p50']:7.1f} {m['p95']:7.1f} {m['p99']:7.1f} {m['mean']:7.1f}")
    base = results[0]
    for r in results[1:]:
        ratio = r["ms"]["total"]["p95"] / base["ms"]["total"]["p95"]
        print(
            f"\np95 total at {r['articles']} articles / at {base['articles']}: {ratio:.2f}x "
            f"for {r['chunks'] / base['chunks']:.1f}x the chunks"
        )
    print(json.dumps(results, ensure_ascii=False))


if __name__ == "__main__":
    main()
