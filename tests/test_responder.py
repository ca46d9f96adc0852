import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.answering.question.followup import Turn, rewrite_followup
from bot.answering.responder import MAX_QUESTION_CHARS, Responder
from bot.evaluate import answer_correct
from tests.conftest import SHARED


def _quote_is_verbatim(responder: Responder, citation) -> bool:
    article = responder.retriever.store.catalog.article(citation.doc_id)
    return citation.quote in article.text or citation.quote in (article.title, article.author)


def test_fact_answer_quotes_and_cites_the_source(responder: Responder) -> None:
    answer = responder.answer("Cầu vượt sông Thiếp dài bao nhiêu mét?")
    assert answer.found and "420 m" in answer.span and answer.text == f"{answer.span} [1]."
    c = answer.citations[0]
    assert c.n == 1 and c.title == "Đông Anh khởi công cầu vượt sông Thiếp"
    assert c.author == "Minh Anh" and c.published.year == 2023
    before, span, _ = c.parts()
    assert span == answer.span and "cây cầu dài" in before  # highlighted in its sentence
    assert _quote_is_verbatim(responder, c)
    assert 0.0 < answer.score <= 1.0
    assert {"embed", "dense", "lexical", "read", "total"} <= set(answer.timings)


def test_unaccented_question(responder: Responder) -> None:
    answer = responder.answer("thu nhap binh quan dau nguoi soc son nam 2021")
    assert answer.found and "62,5 triệu" in answer.text


def test_a_question_typed_in_capitals_is_answered_as_typed_in_lower_case(
    responder: Responder,
) -> None:
    answer = responder.answer("CẦU VƯỢT SÔNG THIẾP DÀI BAO NHIÊU MÉT?")
    assert answer.found and "420 m" in answer.text
    assert answer.text == responder.answer("cầu vượt sông thiếp dài bao nhiêu mét?").text


def test_a_control_character_between_words_changes_nothing(responder: Responder) -> None:
    clean = responder.answer("Ai là Chủ tịch UBND huyện Đông Anh?")
    assert responder.answer("Ai là\x01Chủ tịch UBND huyện Đông Anh?").text == clean.text
    assert responder.answer("<b>Ai</b> là Chủ tịch UBND huyện Đông Anh?").text == clean.text


@pytest.mark.parametrize(
    "question",
    [
        "Giá vàng hôm nay bao nhiêu?",
        pytest.param(
            "Dân số huyện Sóc Sơn là bao nhiêu người?",  # the article is about Sóc Sơn, not this
            marks=pytest.mark.xfail(
                reason="a question the articles do not answer about what they name: the reader "
                "can answer '25/25 xã' (newsqa_dev: 15% of such questions refused)"
            ),
        ),
        "Kết quả bầu cử ở Đông Anh thế nào?",
    ],
)
def test_refuses_what_the_articles_do_not_say(responder: Responder, question: str) -> None:
    answer = responder.answer(question)
    assert not answer.found and answer.citations == ()
    assert answer.text.startswith("Không tìm thấy")


def test_metadata_questions(responder: Responder) -> None:
    date = responder.answer("Bài viết về Sóc Sơn được đăng ngày nào?")
    assert date.found and "15/03/2022" in date.text
    author = responder.answer("Ai là tác giả bài viết về Gia Lâm?")
    assert author.found and "Ngọc Lan" in author.text
    assert author.citations[0].quote == "Gia Lâm triển khai mô hình chợ an toàn thực phẩm"


@pytest.mark.parametrize(
    "question",
    ["Ai là tác giả bài viết về huyện Tiên Yên?", "Bài viết về Thủ Thừa được đăng ngày nào?"],
)
def test_a_metadata_question_about_a_place_no_article_names_is_refused(
    responder: Responder, question: str
) -> None:
    answer = responder.answer(question)  # not another article's author or date
    assert not answer.found and answer.citations == ()


def test_follow_up_uses_the_previous_question(responder: Responder) -> None:
    first = responder.answer("Ai là Chủ tịch UBND huyện Đông Anh?")
    assert first.found and "Nguyễn Xuân Linh" in first.text
    follow = responder.answer("còn Sóc Sơn thì sao?", [Turn(first.question, first.text)])
    assert follow.question != "còn Sóc Sơn thì sao?" and "Sóc Sơn" in follow.question


def test_rule_based_rewrite() -> None:
    history = [Turn("Ai là Bí thư Huyện ủy Đức Hòa?")]
    assert rewrite_followup("còn huyện Cần Đước thì sao?", history) == (
        "Ai là Bí thư Huyện ủy Cần Đước?"
    )
    assert rewrite_followup("Giá vàng?", history) == "Giá vàng?"  # not a follow-up
    assert rewrite_followup("còn Cần Đước thì sao?", []) == "còn Cần Đước thì sao?"


def test_rule_based_rewrite_keeps_names_that_open_with_a_toned_capital() -> None:
    # 'Ứ' and 'Ấ' are capitals too: the name is 'Ứng Hòa', not 'Hòa'.
    history = [Turn("Ai là Chủ tịch UBND huyện Đông Anh?")]
    assert rewrite_followup("còn Ứng Hòa thì sao?", history) == (
        "Ai là Chủ tịch UBND huyện Ứng Hòa?"
    )
    # Every place head of the lexicon, 'ấp' too, marks what the new place replaces.
    history = [Turn("Ai là trưởng ấp 2 xã Tân Lập?")]
    assert rewrite_followup("còn ấp 3 thì sao?", history) == "Ai là trưởng ấp 3 xã Tân Lập?"


@pytest.mark.parametrize(
    ("question", "needle"),
    [
        ("x" * (MAX_QUESTION_CHARS + 1), "dài quá"),
        ("😀🎉 ?!", "bằng chữ"),
        ("   ", "bằng chữ"),
        ('" * NEAR( OR -', "Không tìm thấy"),
        ("\u202eمرحبا\x00\x1b[31m", "Không tìm thấy"),
    ],
)
def test_unusable_questions_get_a_clear_reply(
    responder: Responder, question: str, needle: str
) -> None:
    answer = responder.answer(question)
    assert not answer.found and needle in answer.text


@pytest.mark.shared
def test_seed_dev_set(responder: Responder) -> None:
    rows = [json.loads(line) for line in (SHARED / "eval" / "seeds_dev.jsonl").open()]
    right = []
    for row in rows:
        answer = responder.answer(row["question"])
        assert all(_quote_is_verbatim(responder, c) for c in answer.citations), row["id"]
        if row["gold_sources"]:
            cited = {c.source.rsplit("/", 1)[-1] for c in answer.citations}
            ok = answer.found and answer_correct(answer, row["answer"])
            right.append(ok and bool(cited & set(row["gold_sources"])))
        else:
            right.append(not answer.found)
    wrong = [r["id"] for r, ok in zip(rows, right, strict=True) if not ok]
    # Measured: 1 of 17 wrong, d13 ('which districts of Long An': one of the two articles'
    # passages does not name the province) (bench/RESULTS.md).
    assert len(wrong) <= 1, wrong


@pytest.mark.shared
def test_who_wrote_the_article_about_a_place(responder: Responder) -> None:
    answer = responder.answer("Bài về Hải Hà do ai viết?")
    assert answer.found and "Ban Tuyên giáo Huyện ủy Hải Hà [1]" in answer.text
    assert "Hải Hà" in answer.citations[0].title


# Hostile questions: each gets an answer or a clear refusal, never an exception.

HOSTILE = [
    "",
    "x" * 10_000,
    "?!.,;:…—()[]{}«»“”",
    '"',
    "*",
    "NEAR",
    "OR",
    "-",
    '" * NEAR OR - AND NOT ^ : ( )',
    'NEAR(cầu sông, 2) OR "Thiếp*',
    "cầu -sông +vượt",
    "Cầu vượt sông Thiếp dài bao nhiêu? OR NEAR *",
    "'; DROP TABLE chunks; --",
    "🌉🤔💥",
    "\u202eمرحبا بالعالم\u202c",
    "שלום עולם",
    "\x00\x1b[31m\u200b\ufeff",
]


@pytest.mark.parametrize("question", HOSTILE)
def test_hostile_questions_get_an_answer_or_a_clear_refusal(
    responder: Responder, seed_store, question: str
) -> None:
    before = seed_store.catalog.stats()["chunks"]
    answer = responder.answer(question)
    assert answer.text.strip()
    assert answer.found or any(
        cue in answer.text for cue in ("Không tìm thấy", "dài quá", "bằng chữ")
    )
    assert seed_store.catalog.stats()["chunks"] == before  # nothing was written or dropped


@pytest.mark.parametrize(
    "question",
    [
        "Cầu vượt sông Thiếp* dài (bao nhiêu)?",
        '🌉 "Cầu vượt sông Thiếp" dài bao nhiêu? 🤔',
        "-- cầu vượt sông thiếp dài bao nhiêu ;",
    ],
)
def test_query_syntax_around_a_real_question_is_read_as_words(
    responder: Responder, question: str
) -> None:
    answer = responder.answer(question)
    assert answer.found and "420 m" in answer.text


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(st.text(max_size=300))
def test_any_text_is_answered_or_refused(responder: Responder, question: str) -> None:
    answer = responder.answer(question)
    assert answer.text.strip() and (answer.citations or not answer.found)
    assert [c.n for c in answer.citations] == list(range(1, len(answer.citations) + 1))


def test_a_list_names_each_answer_once() -> None:
    from bot.answering.evidence.retrieval import Hit
    from bot.answering.reading.fusion import Candidate
    from bot.answering.reading.spans import Span
    from bot.answering.responder import listed_spans
    from ingest.models import Article, Chunk

    texts = ["Huyện Đức Hòa và huyện Cần Đước.", "Tại Đức Hòa, mưa lớn."]
    hits = [
        Hit(Chunk(f"c{i}", f"d{i}", 0, 0, len(t), t, "Tin"), Article(f"d{i}", "t", t, "s"), 1.0)
        for i, t in enumerate(texts)
    ]

    def found(i: int, words: str, p: float) -> Candidate:
        at = texts[i].index(words)
        return Candidate(hits[i], Span(i, at, at + len(words), 1.0, 0.0), (), p)

    picked = listed_spans(
        [
            found(0, "Huyện Đức Hòa", 0.9),
            found(1, "Đức Hòa", 0.8),  # the same place again, in other words
            found(0, "huyện Cần Đước", 0.7),
            found(0, "Cần", 0.6),  # inside the last one
            found(1, "mưa lớn", 0.1),  # below the threshold
        ],
        threshold=0.5,
    )
    assert [texts[c.span.passage][c.span.start : c.span.end] for c in picked] == [
        "Huyện Đức Hòa",
        "huyện Cần Đước",
    ]
