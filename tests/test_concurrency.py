"""The bot keeps answering while ``vnqa ingest`` writes the same store from another process."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import torch

from bot.answering.evidence.retrieval import HybridRetriever
from bot.frontends.strings import APOLOGY
from bot.frontends.telegram import Policy, VnqaBot
from ingest.store.store import Store
from tests.conftest import DATA, E5_NAME, make_responder
from tests.fake_telegram import FakeTelegram
from tests.synthetic import school_of, write_corpus
from tests.test_telegram import _run

QUESTIONS = ("Cầu vượt sông Thiếp dài bao nhiêu?", "Huyện Ba Vì đón bao nhiêu lượt khách?")


def _start_ingest(corpus: Path, data_dir: Path, e5_dir: Path) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VNQA_")}
    env |= {
        "VNQA_DATA_DIR": str(data_dir),
        "VNQA_MODEL_DIR": str(e5_dir.parent),
        "VNQA_INGEST_BATCH": "4",
        "OMP_NUM_THREADS": "1",  # two torch processes on two cores: one thread each
    }
    return subprocess.Popen(
        [sys.executable, "-m", "bot.frontends.cli", "ingest", str(corpus)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _converse_during(proc: subprocess.Popen, store: Store, bot: VnqaBot) -> tuple[int, list[str]]:
    """Ask questions while ``proc`` runs; returns how many were answered before it ended."""
    answered_during = 0

    async def script(fake: FakeTelegram, wait) -> None:
        nonlocal answered_during
        start = store.catalog.stats()["articles"]
        while proc.poll() is None and store.catalog.stats()["articles"] == start:
            await asyncio.sleep(0.05)  # until the ingest has committed its first batch
        n = 0
        while proc.poll() is None:
            fake.message(QUESTIONS[n % len(QUESTIONS)])
            n += 1
            await wait(n)
            answered_during += proc.poll() is None
        fake.message(f"Trường tiểu học {school_of(17)} có bao nhiêu phòng học?")
        await wait(n + 1)

    fake = _run(bot, script)
    return answered_during, fake.sent()


def test_bot_answers_while_another_process_ingests(
    tmp_path: Path, e5, e5_dir: Path, make_e5_ingestor, reader
) -> None:
    data_dir = tmp_path / "data"
    store = Store(data_dir, E5_NAME, refresh_seconds=0)  # reload after every foreign write
    ingestor, _ = make_e5_ingestor(store)
    assert ingestor.run([DATA / "pages", DATA / "articles.jsonl"]).new == 6  # 2 bad lines
    responder = make_responder(HybridRetriever(store=store, embedder=e5), reader)
    bot = VnqaBot(responder, Policy(per_minute=1000), about=lambda: "")
    corpus = write_corpus(tmp_path / "news.jsonl", range(40))
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    proc = _start_ingest(corpus, data_dir, e5_dir)
    try:
        answered_during, sent = _converse_during(proc, store, bot)
    finally:
        torch.set_num_threads(threads)
        output = proc.communicate(timeout=600)[0]
    assert proc.returncode == 0, output
    assert "40 new" in output
    assert answered_during >= 3, (answered_during, output)
    assert not any(APOLOGY in s for s in sent)
    assert all("[1]" in s for s in sent[:-1])  # every question answered with a citation
    assert "tin số 18" in sent[-1]  # an article the other process added is found and cited
    chunk = store.catalog.chunks_of("syn-0017")[0]
    best = store.dense_search(e5.encode([chunk.embed_text])[0], 1)[0]
    assert best.chunk_id == chunk.chunk_id and best.similarity > 0.99  # the index was reloaded
    assert store.check().ok
    store.close()
