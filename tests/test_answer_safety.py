"""The answer never cites what does not exist and is about what was asked (issue: hostile
and careless input). Real e5 model and store, a small corpus written here."""

import json
import re

import pytest

from bot.answering.evidence.retrieval import HybridRetriever
from bot.answering.responder import Responder
from tests.conftest import make_responder

QUE_PHONG = [
    {
        "id": "qp-1",
        "title": "Quế Phong tổng kết công tác xây dựng Đảng năm 2022",
        "content": "Ông Lữ Đình Thi, Bí thư Huyện ủy Quế Phong, chủ trì hội nghị tổng kết. "
        "Huyện Quế Phong có 14 xã và thị trấn, dân số hơn 70 nghìn người. "
        "Năm 2022, thu ngân sách trên địa bàn huyện đạt 95 tỉ đồng.",
    },
    {
        "id": "qp-2",
        "title": "Cầu treo bản Na Chạng được khánh thành",
        "content": "Cầu treo bản Na Chạng dài 120 m, rộng 1,5 m, tổng vốn 6 tỉ đồng [9]. "
        "Theo Chủ tịch UBND xã, cây cầu giúp 300 hộ dân đi lại thuận tiện [1][2].",
    },
    {
        "id": "kr-1",
        "title": "Hội nghị thượng đỉnh liên Triều tại Bình Nhưỡng",
        "content": "Tổng thống Hàn Quốc Moon Jae-in đã tới Bình Nhưỡng, Triều Tiên sáng nay. "
        "Hai bên bàn về hợp tác kinh tế trong ba ngày.",
    },
    {  # a page that only asks (newsqa has such pages: "Cha của Nguyễn Du là ai.")
        "id": "ask-1",
        "title": "Hỏi đáp",
        "content": "Vợ của ông Lữ Đình Thi là ai. Xin cảm ơn.",
    },
]


@pytest.fixture(scope="module")
def responder(tmp_path_factory, e5, reader) -> Responder:
    from ingest.pipeline import Ingestor
    from ingest.store.store import Store
    from tests.conftest import E5_NAME

    folder = tmp_path_factory.mktemp("que-phong")
    corpus = folder / "qp.jsonl"
    corpus.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in QUE_PHONG) + "\n")
    store = Store(folder / "data", E5_NAME)
    Ingestor(store, lambda: e5, model_name=E5_NAME, chunk_tokens=200, overlap_tokens=40).run(
        [corpus]
    )
    yield make_responder(HybridRetriever(store=store, embedder=e5), reader)
    store.close()


@pytest.mark.parametrize(
    "question",
    [
        pytest.param(
            "Ai là tổng thống Triều Tiên?",
            marks=pytest.mark.xfail(
                strict=True,
                reason="the sentence names Triều Tiên too: 'Tổng thống Hàn Quốc "
                "Moon Jae-in đã tới Bình Nhưỡng, Triều Tiên'; the guard checks names only",
            ),
        ),
        "Ai là Bí thư Huyện ủy Đức Hòa?",
        "bi thu huyen uy duc hoa la ai",
        "Ai là Bí thư Huyện ủy Ba Vì?",  # 'Ba' is no 'bà': Ba Vì is the name asked
        "Huyện Kỳ Sơn có bao nhiêu xã?",
        "Năm 2022 huyện Tương Dương thu ngân sách bao nhiêu?",
        "Cầu treo bản Nậm Giải dài bao nhiêu mét?",
        pytest.param(
            "Vợ của ông Lữ Đình Thi là ai?",  # a page asks it; nothing answers
            marks=pytest.mark.xfail(
                reason="the article names him, and the reader can read 'Bí thư Huyện ủy Quế "
                "Phong' as who (p 0.24 against the threshold 0.20): a question the articles do "
                "not answer about what they name (newsqa_dev: 14% of such questions refused)"
            ),
        ),
    ],
)
def test_a_question_about_an_absent_entity_is_refused(responder: Responder, question) -> None:
    answer = responder.answer(question)
    assert not answer.found and answer.citations == (), answer.text


def test_the_office_of_the_country_asked_is_answered(responder: Responder) -> None:
    answer = responder.answer("Ai là tổng thống Hàn Quốc?")
    assert answer.found and "Moon Jae-in" in answer.text, answer.text


@pytest.mark.parametrize(
    ("question", "needle"),
    [
        ("Ai là Bí thư Huyện ủy Quế Phong?", "Lữ Đình Thi"),
        ("bi thu huyen uy que phong la ai", "Lữ Đình Thi"),
        ("Huyện Quế Phong có bao nhiêu xã?", "14 xã"),
    ],
)
def test_the_entity_asked_about_is_answered(responder: Responder, question, needle) -> None:
    answer = responder.answer(question)
    assert answer.found and needle in answer.text


@pytest.mark.parametrize(
    "question",
    [" ".join(["đ"] * 499), " ".join(["xã"] * 300), "a b c d e ?", " ".join(["1"] * 400)],
)
def test_repetitive_or_letter_soup_questions_are_not_answered(responder, question) -> None:
    answer = responder.answer(question)
    assert not answer.found and answer.citations == ()


def test_markers_in_article_text_never_pass_for_citations(responder: Responder) -> None:
    for question in ("Cầu treo bản Na Chạng dài bao nhiêu?", "Cầu treo giúp bao nhiêu hộ dân?"):
        answer = responder.answer(question)
        assert answer.found, question
        markers = [int(n) for n in re.findall(r"\[(\d+)\]", answer.text)]
        assert markers and set(markers) <= {c.n for c in answer.citations}
        assert len(markers) == len(answer.citations)  # one marker per source, none forged
        assert "[9]" not in answer.text and "[2]" not in answer.text  # the article's own


def test_json_keeps_the_verbatim_quote(responder: Responder) -> None:
    answer = responder.answer("Cầu treo bản Na Chạng dài bao nhiêu?")
    (citation,) = answer.to_json("q")["citations"]
    assert citation["quote"].endswith("tổng vốn 6 tỉ đồng [9].")
    assert "[9]" not in answer.text
