"""The cross-encoder's relation-swapped training questions (bench/swaps.py)."""

import random

from bench.swaps import relation_swap, swaps
from bot.answering.lexicon import padded_words


def _texts(*sentences: str) -> list[str]:
    return [padded_words(s) for s in sentences]


def test_a_relation_becomes_another_that_no_candidate_holds() -> None:
    texts = _texts("Mẹ của Hari Won là bà Kim.", "Hari Won có anh trai và em gái.")
    for seed in range(20):
        swapped = relation_swap("Mẹ của Hari Won là ai?", texts, random.Random(seed))
        assert swapped is not None and swapped.endswith(" của Hari Won là ai?")
        relation = swapped.removesuffix(" của Hari Won là ai?")
        assert relation[0].isupper()  # it opens the question, as "Mẹ" did
        assert relation.lower() not in {"mẹ", "anh trai", "em gái"}


def test_an_office_stays_an_office() -> None:
    swapped = relation_swap("Ai là chủ tịch tập đoàn Hòa Phát?", _texts("x"), random.Random(0))
    assert swapped is not None and swapped.startswith("Ai là ") and "chủ tịch" not in swapped
    assert swapped.endswith(" tập đoàn Hòa Phát?")


def test_a_word_that_is_no_relation_is_left() -> None:
    # "bố" of "công bố", and "con" as a classifier, are not asked relations
    assert relation_swap("FIFA công bố kết quả khi nào?", _texts("x"), random.Random(0)) is None
    assert relation_swap("Con báo đen là ai?", _texts("x"), random.Random(0)) is None


def test_swaps_label_every_candidate_wrong_and_skip_other_questions() -> None:
    rows = [{"text": "Ông Trần Đình Long là chủ tịch Hòa Phát.", "label": 1}]
    questions = [
        {"id": "a", "answerable": True, "rows": rows},
        {"id": "b", "answerable": True, "rows": rows},  # asks for a date, not a person
        {"id": "c", "answerable": False, "rows": rows},
    ]
    text = {
        "a": "Ai là chủ tịch tập đoàn Hòa Phát?",
        "b": "Chủ tịch Hòa Phát nhậm chức năm nào?",
        "c": "Ai là chủ tịch tập đoàn Hòa Phát?",
    }
    out = swaps(questions, text)
    assert [q["id"] for q in out] == ["a~r"]
    assert not out[0]["answerable"] and [r["label"] for r in out[0]["rows"]] == [0]
    assert text["a~r"] != text["a"] and "chủ tịch" not in text["a~r"]
