"""Hybrid retrieval: Chroma dense search and FTS5 BM25, fused and diversified per article."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Literal

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict, PrivateAttr

from bot.answering.question.accents import restore_diacritics
from bot.answering.question.analysis import Query, analyse
from ingest.embedding.port import Embedder
from ingest.models import Article, Chunk, SearchFilter
from ingest.store.port import StoreReader

Mode = Literal["hybrid", "dense", "lexical"]
Fusion = Literal["rrf", "weighted"]


@dataclass(frozen=True)
class Hit:
    """A retrieved chunk with its article and the scores that ranked it."""

    chunk: Chunk
    article: Article
    score: float
    dense: float | None = None  # cosine similarity
    lexical: float | None = None  # BM25


def rrf(ranked: list[list[str]], k: int = 60) -> dict[str, float]:
    """Reciprocal rank fusion of ranked id lists."""
    scores: dict[str, float] = {}
    for ids in ranked:
        for rank, cid in enumerate(ids):
            scores[cid] = scores.get(cid, 0.0) + 1.0 / (k + rank + 1)
    return scores


def weighted(lists: list[dict[str, float]], weights: list[float]) -> dict[str, float]:
    """Weighted sum of min-max normalised scores; an id missing from a list scores 0 there."""
    scores: dict[str, float] = {}
    for raw, weight in zip(lists, weights, strict=True):
        if not raw:
            continue
        lo, hi = min(raw.values()), max(raw.values())
        for cid, value in raw.items():
            norm = (value - lo) / (hi - lo) if hi > lo else 1.0
            scores[cid] = scores.get(cid, 0.0) + weight * norm
    return scores


def diversify(ranked: list[Hit], k: int, per_article: int, spread: bool = True) -> list[Hit]:
    """At most ``per_article`` chunks of each article; with ``spread``, the best chunk of each
    article first and then further chunks, else in the order of their scores."""
    order = ranked
    if spread:
        best: dict[str, Hit] = {}
        for hit in ranked:
            best.setdefault(hit.article.doc_id, hit)
        order = list(best.values()) + [h for h in ranked if best[h.article.doc_id] is not h]
    out, counts = [], {}
    for hit in order:
        if counts.get(hit.article.doc_id, 0) < per_article:
            out.append(hit)
            counts[hit.article.doc_id] = counts.get(hit.article.doc_id, 0) + 1
        if len(out) == k:
            break
    return out


class HybridRetriever(BaseRetriever):
    """Dense + lexical retrieval over the store's read side, as a LangChain retriever."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    store: StoreReader
    embedder: Embedder
    k: int = 8
    candidates: int = 40
    mode: Mode = "hybrid"
    fusion: Fusion = "rrf"
    dense_weight: float = 0.5
    per_article: int = 2
    restore_from: int = 10
    filter: SearchFilter | None = None
    _dense_worker: ThreadPoolExecutor | None = PrivateAttr(default=None)

    def retrieve(
        self,
        question: str | Query,
        k: int | None = None,
        filt: SearchFilter | None = None,
        per_article: int | None = None,
        spread: bool = True,
    ) -> tuple[list[Hit], dict[str, float]]:
        """Ranked hits for a question and the milliseconds each stage took: with ``spread``,
        one chunk of each article before a second of any (see ``diversify``)."""
        query = analyse(question) if isinstance(question, str) else question
        filt = filt or self.filter
        timings: dict[str, float] = {}
        lexical, dense = self._search_both(query, filt, timings)
        t0 = time.perf_counter()
        scores = self._fuse(dense, lexical)
        order = sorted(scores, key=scores.get, reverse=True)
        chunks = self.store.chunks_by_id(order)
        articles = self.store.articles_by_id(list({c.doc_id for c in chunks.values()}))
        ranked = [
            Hit(
                chunks[cid],
                articles[chunks[cid].doc_id],
                scores[cid],
                dense.get(cid),
                lexical.get(cid),
            )
            for cid in order
            if cid in chunks and chunks[cid].doc_id in articles
        ]
        hits = diversify(ranked, k or self.k, per_article or self.per_article, spread)
        timings["fuse"] = (time.perf_counter() - t0) * 1000
        return hits, timings

    def _search_both(
        self, query: Query, filt: SearchFilter | None, timings: dict[str, float]
    ) -> tuple[dict[str, float], dict[str, float]]:
        """Lexical and dense candidates; for an accented question, both at once.

        SQLite and torch release the GIL, so the embedding and vector search run beside
        the full-text search. An unaccented question needs the lexical hits first, to get
        its accents back before it is embedded.
        """
        if not query.accented or self.mode != "hybrid":
            lexical = self._lexical(query, filt, timings)
            return lexical, self._dense(self._dense_text(query, lexical), filt, timings)
        if self._dense_worker is None:
            self._dense_worker = ThreadPoolExecutor(1, thread_name_prefix="vnqa-dense")
        dense = self._dense_worker.submit(self._dense, query.text, filt, timings)
        lexical = self._lexical(query, filt, timings)
        return lexical, dense.result()

    def _dense_text(self, query: Query, lexical: dict[str, float]) -> str:
        """The question for the embedding model; unaccented ones get their accents back.

        The model reads unaccented Vietnamese poorly, so in hybrid mode the accents are
        restored from the best lexical matches (which are found without accents).
        """
        if query.accented or self.mode != "hybrid" or not lexical:
            return query.text
        top = sorted(lexical, key=lexical.get, reverse=True)[: self.restore_from]
        evidence = [c.embed_text for c in self.store.chunks_by_id(top).values()]
        return restore_diacritics(query.text, evidence)

    def _dense(self, text: str, filt: SearchFilter | None, timings: dict) -> dict[str, float]:
        if self.mode == "lexical" or not text:
            return {}
        t0 = time.perf_counter()
        vector = self.embedder.encode([text], query=True)[0]
        timings["embed"] = (time.perf_counter() - t0) * 1000
        t0 = time.perf_counter()
        hits = self.store.dense_search(vector, self.candidates, filt)
        timings["dense"] = (time.perf_counter() - t0) * 1000
        return {h.chunk_id: h.similarity for h in hits}

    def _lexical(self, query: Query, filt: SearchFilter | None, timings: dict) -> dict[str, float]:
        if self.mode == "dense":
            return {}
        t0 = time.perf_counter()
        hits = self.store.lexical_search(
            query.terms, self.candidates, phrases=query.phrases, filt=filt
        )
        timings["lexical"] = (time.perf_counter() - t0) * 1000
        return {h.chunk_id: h.score for h in hits}

    def _fuse(self, dense: dict[str, float], lexical: dict[str, float]) -> dict[str, float]:
        if not dense or not lexical:
            return dense or lexical
        if self.fusion == "weighted":
            return weighted([dense, lexical], [self.dense_weight, 1 - self.dense_weight])
        rank = [sorted(d, key=d.get, reverse=True) for d in (dense, lexical)]
        return rrf(rank)

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun
    ) -> list[Document]:
        hits, _ = self.retrieve(query)
        return [
            Document(
                page_content=h.chunk.text,
                id=h.chunk.chunk_id,
                metadata={
                    "doc_id": h.article.doc_id,
                    "title": h.article.title,
                    "source": h.article.source,
                    "score": h.score,
                    "published": h.article.published.isoformat() if h.article.published else None,
                },
            )
            for h in hits
        ]
