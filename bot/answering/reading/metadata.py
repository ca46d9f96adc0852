"""Questions about an article itself: when it was published, who wrote it."""

from __future__ import annotations

from bot.answering.answer import Answer, Citation, defuse_markers
from bot.answering.evidence.retrieval import Hit, HybridRetriever
from bot.answering.question.analysis import Intent, Query, analyse
from bot.answering.question.lexicon import META_CUES, padded_words
from ingest.models import SearchFilter

MIN_SUBJECT_SHARE = 0.6  # of the subject's words the article must have


def metadata_answer(
    retriever: HybridRetriever, query: Query, filt: SearchFilter | None
) -> tuple[Answer | None, list[Hit], dict[str, float]]:
    """The byline or date of the article the question is about, with the hits searched and
    their timings; None when no article is clearly about the question's subject, or when
    the best one does not name the places and people the question names."""
    subject = META_CUES.sub(" ", query.text).strip()
    hits, timings = retriever.retrieve(subject or query.text, k=3, filt=filt)
    if not hits:
        return None, hits, timings
    top = hits[0]
    stored = retriever.store.article(top.article.doc_id)
    body = stored.text if stored else top.chunk.text
    text = padded_words(f"{top.article.title} {body}")
    subject_terms = set(analyse(subject).terms)
    seen = {t for t in subject_terms if f" {t} " in text}
    if subject_terms and len(seen) / len(subject_terms) < MIN_SUBJECT_SHARE:
        return None, hits, timings
    if not all(f" {name} " in text for name in query.names):  # about another place
        return None, hits, timings
    return _answer(query, top, timings), hits, timings


def _answer(query: Query, top: Hit, timings: dict[str, float]) -> Answer:
    article = top.article
    citation = Citation.of(1, top, article.title)
    title = defuse_markers(article.title)
    if query.intent is Intent.DATE:
        if not article.published:
            return Answer(f"Bài “{title}” không ghi ngày đăng [1].", False, (citation,), timings)
        when = article.published.strftime("%d/%m/%Y")
        if article.published.hour or article.published.minute:
            when += article.published.strftime(" lúc %H:%M")
        return Answer(f"Bài “{title}” được đăng ngày {when} [1].", True, (citation,), timings)
    if not article.author:
        return Answer(f"Bài “{title}” không ghi tên tác giả [1].", False, (citation,), timings)
    return Answer(f"Tác giả bài “{title}” là {article.author} [1].", True, (citation,), timings)
