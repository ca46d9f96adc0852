"""The Responder: a question (and the conversation so far) in, an Answer with citations out."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Protocol

from bot.answering.answer import Answer, Citation, defuse_markers
from bot.answering.entities import names_all, names_other_place, office_of_other_country
from bot.answering.followup import Turn, rewrite_followup
from bot.answering.metadata import metadata_answer
from bot.answering.query import AnswerType, Intent, Query, analyse, recased
from bot.answering.reader import Reader, idf_weights
from bot.answering.retrieval import Hit, HybridRetriever
from bot.answering.sentences import (
    Sentence,
    candidate_sentences,
    choose_sentences,
    evidence,
    restates,
    states_role,
)
from ingest.models import SearchFilter
from ingest.text.sentences import split_sentences
from ingest.text.textnorm import strip_diacritics

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
    """Answers questions from the store: extractive by default, generative when configured."""

    def __init__(
        self,
        retriever: HybridRetriever,
        *,
        generator: Generator | None = None,
        reader: Reader | None = None,
        k: int = 6,
        short_answers: bool = True,
    ) -> None:
        self.retriever = retriever
        self.generator = generator
        self.reader = reader or Reader()
        self.k = k
        self.short_answers = short_answers

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

    def passages(
        self, query: Query, filt: SearchFilter | None
    ) -> tuple[Query, list[Hit], list[Sentence], dict[str, float]]:
        """The question as read (a lower-case one with its names' capitals back), the
        retrieved passages and their candidate sentences about what was asked: a sentence
        about another place or person than the question's is not one."""
        # A wider pool than is cited: the answer may sit in an article's third-best passage.
        hits, timings = self.retriever.retrieve(query, k=max(self.k, 10), filt=filt, per_article=3)
        t0 = time.perf_counter()
        sentences = candidate_sentences(hits)
        query = recased(query, evidence(sentences))
        sentences = self._about(query, sentences)
        timings["read"] = (time.perf_counter() - t0) * 1000
        return query, hits, sentences, timings

    def candidates(
        self, query: Query, filt: SearchFilter | None
    ) -> tuple[Query, list[Hit], list[Sentence], dict[str, float]]:
        """``passages``, with the sentences scored by the reader."""
        query, hits, sentences, timings = self.passages(query, filt)
        t0 = time.perf_counter()
        scored = self.reader.score(query, sentences, self._idf(query))
        if query.kind is AnswerType.LIST and scored:
            scored += self._whole_article(query, max(scored, key=lambda s: s.score), scored)
        timings["read"] += (time.perf_counter() - t0) * 1000
        return query, hits, scored, timings

    def _fact_answer(
        self, query: Query, filt: SearchFilter | None, on_text: Callable[[str], None] | None
    ) -> Answer:
        query, hits, scored, timings = self.candidates(query, filt)
        # A sentence that states no relation or office of those asked names someone else: it
        # drops out after scoring, so what it would have been is no yardstick for the rest.
        stating = [s for s in scored if states_role(query.role, s)]
        chosen = choose_sentences(stating, query.kind, query.head)
        if not chosen:  # nothing about what was asked: no model is asked either
            return self._refusal(hits, timings)
        found = self.reader.found(query, max(chosen, key=lambda s: s.score))
        if self.generator:
            return self._generated(query, scored, chosen, found, timings, on_text)
        if not found:
            return self._refusal(hits, timings)
        return self._extractive(query, chosen, timings)

    def _generated(
        self,
        query: Query,
        scored: list[Sentence],
        chosen: list[Sentence],
        found: bool,
        timings: dict[str, float],
        on_text: Callable[[str], None] | None,
    ) -> Answer:
        """The LLM's checked answer; the model, not the reader's threshold, decides whether
        the passages answer. It reads the passages of the reader's best sentences first.
        When its answer is unusable, or it finds none where the reader is confident, the
        reader's answer is shown with a note saying so."""
        t0 = time.perf_counter()
        generated = self.generator.answer(query.text, passages_by_score(scored), on_text)
        timings["generate"] = (time.perf_counter() - t0) * 1000
        if generated is not None and (generated.found or not found):
            return Answer(
                generated.text, generated.found, generated.citations, timings, generated.note
            )
        if generated is not None:
            note = "LLM found no answer; the extractive reader's answer is shown"
        else:
            note = "LLM answer unusable; extractive answer shown"
        if not found:
            return replace(self._refusal([s.hit for s in scored], timings), note=note)
        return self._extractive(query, chosen, timings, note)

    def _whole_article(self, query: Query, best: Sentence, have: list[Sentence]) -> list[Sentence]:
        """Every other sentence of the best sentence's article (a list may run through it)."""
        article = self.retriever.store.article(best.hit.article.doc_id)
        if article is None:
            return []
        known = {s.start for s in have if s.hit.article.doc_id == article.doc_id}
        extra = [
            Sentence(best.hit, best.rank, article.text[a:b], a, b)
            for a, b in split_sentences(article.text)
            if a not in known
        ]
        extra = self._about(query, extra)
        return self.reader.score(query, extra, self._idf(query))

    def _about(self, query: Query, sentences: list[Sentence]) -> list[Sentence]:
        """The sentences about what the question names, each with its ``about`` level; none
        that puts the asked office under another country ('Tổng thống Hàn Quốc'), nor one
        that only restates the question."""
        sentences = [
            s
            for s in sentences
            if not office_of_other_country(query.countries, query.focus, s.text)
            and not restates(query.said, s.text)
        ]
        if not query.entities:
            return sentences
        passages: dict[tuple[str, int], bool] = {}
        articles: dict[str, bool] = {}
        out = []
        for s in sentences:
            key = (s.hit.chunk.doc_id, s.hit.chunk.start)
            if key not in passages:
                passages[key] = names_all(query.entities, s.hit.chunk.text)
            doc = s.hit.article.doc_id
            if doc not in articles:
                stored = self.retriever.store.article(doc)
                articles[doc] = bool(stored) and names_all(query.entities, stored.text)
            level = _about_level(query, s, passages[key], articles[doc] or passages[key])
            if level:
                out.append(replace(s, about=level))
        return out

    def _idf(self, query: Query) -> dict[str, float]:
        store = self.retriever.store
        terms = query.folded_content
        idf = idf_weights(store.document_frequencies(terms), max(store.chunk_count(), 1))
        if query.accented:  # accented terms share the frequency of their folded form
            idf = {t: idf.get(strip_diacritics(t), 1.0) for t in query.content}
        return idf

    def _metadata_answer(self, query: Query, filt: SearchFilter | None) -> Answer:
        answer, hits, timings = metadata_answer(self.retriever, query, filt)
        return answer or self._refusal(hits, timings)

    def _refusal(self, hits: list[Hit], timings: dict[str, float]) -> Answer:
        titles = list(dict.fromkeys(defuse_markers(h.article.title) for h in hits))[:3]
        text = NOT_FOUND
        if titles:
            text += " Các bài gần nhất: " + "; ".join(f"“{t}”" for t in titles) + "."
        return Answer(text, False, (), timings)

    def _extractive(
        self,
        query: Query,
        chosen: list[Sentence],
        timings: dict[str, float],
        note: str | None = None,
    ) -> Answer:
        """The short answer with its [1] when one sentence holds a clear one, else the sentences;
        the sentences are the citations' quotes either way."""
        one = len(chosen) == 1 and self.short_answers
        span = self.reader.short_answer(query, chosen[0]) if one else None
        citations = tuple(Citation.of(n, s.hit, s.text) for n, s in enumerate(chosen, start=1))
        if span is not None:
            citations = (replace(citations[0], highlight=(span.start, span.end)),)
            text = f"{defuse_markers(span.text)} [1]."
            return Answer(text, True, citations, timings, note, span=span.text)
        text = " ".join(f"{defuse_markers(s.text)} [{n}]" for n, s in enumerate(chosen, start=1))
        return Answer(text, True, citations, timings, note)


def passages_by_score(scored: list[Sentence]) -> list[Hit]:
    """Retrieved passages in the order of their best sentence's score, each once."""
    best: dict[tuple[str, int], Sentence] = {}
    for s in scored:
        key = (s.hit.chunk.doc_id, s.hit.chunk.start)
        if key not in best or s.score > best[key].score:
            best[key] = s
    return [s.hit for s in sorted(best.values(), key=lambda s: -s.score)]


def _about_level(query: Query, s: Sentence, in_passage: bool, in_article: bool) -> int:
    """Where the question's names are for this sentence: 4 in it, 3 in a neighbour or the
    title, 2 in its passage, 1 elsewhere in its article, 0 nowhere or another place instead
    ('Huyện ủy Đức Hòa' in a sentence, for a question about Thạch Thất)."""
    if names_all(query.entities, s.text):
        return 4
    if names_other_place(query.entities, query.places, s.text):
        return 0
    if names_all(query.entities, s.context, s.after, s.hit.article.title):
        return 3
    return 2 if in_passage else 1 if in_article else 0
