"""The Responder: a question (and the conversation so far) in, an Answer with citations out.

Answering is a pipeline of four stages, each in its own package: the question is analysed
once (``question``), passages are retrieved for it (``evidence``), the span reader reads the
best of them and a calibrated model picks the answer or declines (``reading``), and an LLM
may write the answer instead (``generation``)."""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Protocol

from bot.answering.answer import Answer, Citation, defuse_markers
from bot.answering.evidence.retrieval import Hit, HybridRetriever
from bot.answering.question.accents import restore_diacritics
from bot.answering.question.analysis import Intent, Query, analyse
from bot.answering.question.followup import Turn, rewrite_followup
from bot.answering.reading.fusion import Asked, Calibration, Candidate, candidates, ranked
from bot.answering.reading.metadata import metadata_answer
from bot.answering.reading.quote import quote_span
from bot.answering.reading.reader import Reader
from ingest.models import SearchFilter

log = logging.getLogger(__name__)

MAX_QUESTION_CHARS = 1000
MIN_DISTINCT_WORDS = 2  # content words of two letters or more (or numbers) a question needs
NOT_FOUND = "Không tìm thấy thông tin này trong các bài viết hiện có."


class Generator(Protocol):
    """A generative answerer (an LLM) that may decline, returning None to fall back."""

    def answer(
        self, question: str, hits: list[Hit], on_text: Callable[[str], None] | None = None
    ) -> Answer | None: ...

    def rewrite(self, question: str, history: Sequence[Turn]) -> str | None: ...


class Responder:
    """Answers questions from the store: extractive by default, generative when configured.
    The reader reads the ``read`` best of the ``k`` passages retrieved."""

    def __init__(
        self,
        retriever: HybridRetriever,
        reader: Reader,
        calibration: Calibration,
        *,
        generator: Generator | None = None,
        k: int = 6,
        read: int = 4,
    ) -> None:
        self.retriever = retriever
        self.reader = reader
        self.calibration = calibration
        self.generator = generator
        self.k = k
        self.read = read

    def answer(
        self,
        question: str,
        history: Sequence[Turn] = (),
        filt: SearchFilter | None = None,
        on_text: Callable[[str], None] | None = None,
    ) -> Answer:
        """Answer ``question`` in Vietnamese with numbered citations, or say it is not found.
        A generative answer's text, unchecked, streams to ``on_text`` while it is written."""
        began = time.perf_counter()
        query = analyse(question)
        problem = self._check(question, query)
        if problem:
            return Answer(text=problem, found=False, question=question)
        resolved = self._resolve(question.strip(), history)
        if resolved != question.strip():
            query = analyse(resolved)
        if query.intent is not Intent.FACT:
            answer = self._metadata_answer(query, filt)
        else:
            answer = self._fact_answer(query, filt, on_text)
        timings = dict(answer.timings)
        timings["total"] = (time.perf_counter() - began) * 1000
        return replace(answer, timings=timings, question=resolved)

    @staticmethod
    def _check(question: str, query: Query) -> str | None:
        """A reply for questions that cannot be searched, or None."""
        if len(question) > MAX_QUESTION_CHARS:
            return (
                f"Câu hỏi dài quá ({len(question)} ký tự). Xin hỏi ngắn gọn hơn, "
                f"tối đa {MAX_QUESTION_CHARS} ký tự."
            )
        words = {t for t in query.terms if len(t) > 1 or t.isdigit()}
        if len(words) < MIN_DISTINCT_WORDS:  # "đ đ đ …", "?!", "xã xã xã"
            return "Xin đặt câu hỏi cụ thể hơn bằng chữ, ví dụ: “Ai là Bí thư Huyện ủy Đức Hòa?”"
        return None

    def _resolve(self, question: str, history: Sequence[Turn]) -> str:
        if not history:
            return question
        if self.generator:
            rewritten = self.generator.rewrite(question, history)
            if rewritten:
                return rewritten
        return rewrite_followup(question, history)

    def evidence(self, query: Query, filt: SearchFilter | None) -> tuple[list[Hit], dict]:
        """The retrieved passages, best first, and the milliseconds each stage took."""
        # A wider pool than is read: generation and refusals show more than the reader reads.
        # In score order, not one chunk of each article first: the reader reads the passages
        # likeliest to answer, and in a long article the answer is often in its second best.
        return self.retriever.retrieve(
            query, k=max(self.k, self.read), filt=filt, per_article=3, spread=False
        )

    def reading(self, query: Query, hits: list[Hit], timings: dict) -> list[Candidate]:
        """The answer candidates of the best passages, likeliest first."""
        t0 = time.perf_counter()
        passages = hits[: self.read]
        texts = [h.chunk.text for h in passages]
        question = query.text if query.accented else restore_diacritics(query.text, texts)
        spans = self.reader.read(question, texts)
        asked = self._asked(query)
        if asked.names:  # no answer from an article that does not name what was asked
            store = self.retriever.store
            named = [asked.holds_names(_article_text(store, h)) for h in passages]
            spans = [found if ok else [] for found, ok in zip(spans, named, strict=True)]
        found = ranked(candidates(passages, spans, asked), self.calibration)
        timings["read"] = (time.perf_counter() - t0) * 1000
        return found

    def _asked(self, query: Query) -> Asked:
        """The question's searched words with their IDF in this store, its word pairs and the
        names it asks about."""
        store = self.retriever.store
        terms = list(dict.fromkeys(query.terms))
        total = max(store.chunk_count(), 1)
        df = store.document_frequencies(terms)
        idf = {t: math.log(1 + (total - n + 0.5) / (n + 0.5)) for t, n in df.items()}
        pairs = tuple(p for p in query.phrases if " " in p)
        return Asked(idf, pairs, query.names, query.asks_number)

    def _fact_answer(
        self, query: Query, filt: SearchFilter | None, on_text: Callable[[str], None] | None
    ) -> Answer:
        hits, timings = self.evidence(query, filt)
        found = self.reading(query, hits, timings)
        best = found[0] if found and found[0].probability >= self.calibration.threshold else None
        if self.generator and (found or not query.names):  # not when no article names it
            return self._generated(query, hits, found, best, timings, on_text)
        if best is None:
            return self._refusal(hits, timings)
        if query.asks_list:
            return self._listed(found, timings)
        return self._extractive(best, timings)

    def _generated(
        self,
        query: Query,
        hits: list[Hit],
        found: list[Candidate],
        best: Candidate | None,
        timings: dict[str, float],
        on_text: Callable[[str], None] | None,
    ) -> Answer:
        """The LLM's checked answer; the model, not the reader's threshold, decides whether
        the passages answer. It reads the passages of the reader's best spans first. When its
        answer is unusable, or it finds none where the reader is confident, the reader's
        answer is shown with a note saying so."""
        t0 = time.perf_counter()
        generated = self.generator.answer(query.text, passages_by_score(found, hits), on_text)
        timings["generate"] = (time.perf_counter() - t0) * 1000
        if generated is not None and (generated.found or best is None):
            return Answer(
                generated.text, generated.found, generated.citations, timings, generated.note
            )
        if generated is not None:
            note = "LLM found no answer; the extractive reader's answer is shown"
        else:
            note = "LLM answer unusable; extractive answer shown"
        if best is None:
            return replace(self._refusal(hits, timings), note=note)
        return self._extractive(best, timings, note)

    def _metadata_answer(self, query: Query, filt: SearchFilter | None) -> Answer:
        answer, hits, timings = metadata_answer(self.retriever, query, filt)
        return answer or self._refusal(hits, timings)

    def _refusal(self, hits: list[Hit], timings: dict[str, float]) -> Answer:
        titles = list(dict.fromkeys(defuse_markers(h.article.title) for h in hits))[:3]
        text = NOT_FOUND
        if titles:
            text += " Các bài gần nhất: " + "; ".join(f"“{t}”" for t in titles) + "."
        return Answer(text, False, (), timings)

    def _listed(self, found: list[Candidate], timings: dict[str, float]) -> Answer:
        """Several answers, each cited with its sentence (one citation per sentence)."""
        parts: list[str] = []
        citations: list[Citation] = []
        for c in listed_spans(found, self.calibration.threshold):
            quote = quote_span(c.hit.chunk.text, c.span.start, c.span.end)
            if quote is None:
                continue
            key = (c.hit.article.doc_id, quote.text)
            n = next((x.n for x in citations if (x.doc_id, x.quote) == key), 0)
            if not n:
                n = len(citations) + 1
                cited = Citation.of(n, c.hit, quote.text)
                citations.append(replace(cited, highlight=quote.highlight))
            parts.append(f"{defuse_markers(quote.answer)} [{n}]")
        score = found[0].probability if found else None
        return Answer("; ".join(parts) + ".", True, tuple(citations), timings, score=score)

    def _extractive(
        self, best: Candidate, timings: dict[str, float], note: str | None = None
    ) -> Answer:
        """The span with its [1], its sentence the quote with the span highlighted."""
        quote = quote_span(best.hit.chunk.text, best.span.start, best.span.end)
        if quote is None:
            return self._refusal([best.hit], timings)
        citation = replace(Citation.of(1, best.hit, quote.text), highlight=quote.highlight)
        text = f"{defuse_markers(quote.answer)} [1]."
        return Answer(
            text, True, (citation,), timings, note, span=quote.answer, score=best.probability
        )


MAX_LISTED = 5


def listed_spans(found: list[Candidate], threshold: float) -> list[Candidate]:
    """The distinct answers a list question gets: the likely candidates, best first, none
    overlapping another's place or repeating its words ('Đức Hòa' after 'huyện Đức Hòa')."""
    picked: list[Candidate] = []
    seen: set[str] = set()
    for c in found:
        if c.probability < threshold or len(picked) == MAX_LISTED:
            break
        words = " ".join(c.hit.chunk.text[c.span.start : c.span.end].lower().split())
        overlaps = any(
            p.hit.chunk.chunk_id == c.hit.chunk.chunk_id
            and p.span.start < c.span.end
            and c.span.start < p.span.end
            for p in picked
        )
        repeats = any(f" {words} " in f" {w} " or f" {w} " in f" {words} " for w in seen)
        if words and not repeats and not overlaps:
            picked.append(c)
            seen.add(words)
    return picked


def passages_by_score(found: list[Candidate], hits: list[Hit]) -> list[Hit]:
    """The passages of the likeliest spans first, then the other hits, each once."""
    order = [c.hit for c in found] + hits
    seen: set[tuple[str, int]] = set()
    out = []
    for hit in order:
        key = (hit.chunk.doc_id, hit.chunk.start)
        if key not in seen:
            seen.add(key)
            out.append(hit)
    return out


def _article_text(store, hit: Hit) -> str:
    """A hit's article, its title and text (the passage alone when the store lacks it)."""
    article = store.article(hit.chunk.doc_id)
    return f"{article.title} {article.text}" if article else f"{hit.chunk.header} {hit.chunk.text}"
