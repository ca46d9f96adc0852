from collections import Counter
from datetime import datetime

import pytest

from bot.answering.evidence.retrieval import HybridRetriever, diversify, rrf, weighted
from ingest.models import SearchFilter
from ingest.sources.dates import VN_TZ


def _titles(retriever: HybridRetriever, question: str, **kw) -> list[str]:
    hits, _ = retriever.retrieve(question, **kw)
    return [h.article.title for h in hits]


def test_unaccented_finds_what_accented_finds(retriever: HybridRetriever) -> None:
    accented = _titles(retriever, "Bí thư Huyện ủy Sóc Sơn đề nghị gì?")
    plain = _titles(retriever, "bi thu huyen uy soc son de nghi gi")
    assert accented[0] == plain[0] == "Sóc Sơn: 100% xã đạt chuẩn nông thôn mới nâng cao"


def test_tone_placement_does_not_matter(retriever: HybridRetriever) -> None:
    assert _titles(retriever, "Huyện uỷ Sóc Sơn")[0] == _titles(retriever, "Huyện ủy Sóc Sơn")[0]


@pytest.mark.parametrize("mode", ["lexical", "hybrid"])
def test_abbreviation_matches_its_expansion(retriever: HybridRetriever, mode: str) -> None:
    r = retriever.model_copy(update={"mode": mode})
    # The Đông Anh page says "UBND huyện Đông Anh"; the question spells it out.
    assert _titles(r, "Ủy ban nhân dân huyện khởi công cầu vượt sông nào?")[0] == (
        "Đông Anh khởi công cầu vượt sông Thiếp"
    )


def test_filters_by_date_site_and_source(retriever: HybridRetriever) -> None:
    since = SearchFilter(since=datetime(2023, 6, 1, tzinfo=VN_TZ))
    titles = _titles(retriever, "khởi công cầu", filt=since, k=10)
    assert titles and all(
        t
        in {
            "Đông Anh khởi công cầu vượt sông Thiếp",
            "Ba Vì phát triển du lịch sinh thái",
            "Gia Lâm triển khai mô hình chợ an toàn thực phẩm",
        }
        for t in titles
    )
    until = SearchFilter(until=datetime(2019, 12, 31, 23, 59, tzinfo=VN_TZ))
    hits, _ = retriever.retrieve("nông thôn mới", filt=until, k=10)
    assert hits and all(h.article.published and h.article.published.year <= 2019 for h in hits)
    site = SearchFilter(site="bavi.example.vn")
    assert set(_titles(retriever, "du lịch", filt=site)) == {"Ba Vì phát triển du lịch sinh thái"}
    source = SearchFilter(source="soc_son")
    assert set(_titles(retriever, "nông thôn mới", filt=source)) == {
        "Sóc Sơn: 100% xã đạt chuẩn nông thôn mới nâng cao"
    }
    assert _titles(retriever, "nông thôn", filt=SearchFilter(source="no-such")) == []


def test_top_k_reaches_several_articles(retriever: HybridRetriever) -> None:
    hits, timings = retriever.retrieve("xã đạt chuẩn nông thôn mới", k=6)
    assert len({h.article.doc_id for h in hits}) >= 4
    assert {"embed", "dense", "lexical", "fuse"} <= set(timings)


def test_langchain_interface(retriever: HybridRetriever) -> None:
    docs = retriever.invoke("Cầu vượt sông Thiếp dài bao nhiêu?")
    assert docs[0].metadata["title"] == "Đông Anh khởi công cầu vượt sông Thiếp"
    assert "420 m" in docs[0].page_content


def test_fusion_functions() -> None:
    assert rrf([["a", "b"], ["b", "c"]]) == pytest.approx(
        {"a": 1 / 61, "b": 1 / 62 + 1 / 61, "c": 1 / 62}
    )
    scores = weighted([{"a": 0.9, "b": 0.5}, {"b": 10.0, "c": 2.0}], [0.5, 0.5])
    assert scores == pytest.approx({"a": 0.5, "b": 0.5, "c": 0.0})


def test_diversify_puts_one_per_article_first(retriever: HybridRetriever) -> None:
    hits, _ = retriever.retrieve("nông thôn mới", k=10)
    again = diversify(hits, k=3, per_article=1)
    assert len({h.article.doc_id for h in again}) == len(again) == 3


def test_without_spread_hits_keep_their_score_order_within_the_cap(
    retriever: HybridRetriever,
) -> None:
    ranked, _ = retriever.retrieve("nông thôn mới", k=20, per_article=20, spread=False)
    assert [h.score for h in ranked] == sorted((h.score for h in ranked), reverse=True)
    capped = diversify(ranked, k=6, per_article=2, spread=False)
    assert capped == [h for h in ranked if h in capped]  # a subsequence: the order is kept
    counts = Counter(h.article.doc_id for h in capped)
    assert max(counts.values()) <= 2
    spread = diversify(ranked, k=6, per_article=2)
    assert len({h.article.doc_id for h in spread[:3]}) == 3
