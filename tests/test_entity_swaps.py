"""Entity-swapped eval questions (bench/entity_swaps.py)."""

import random

from bench.entity_swaps import swapped, typed_name
from bot.answering.question.lexicon import padded_words

CORPUS = padded_words("Ông Trần Đình Long là chủ tịch tập đoàn Hòa Phát. Bà Lê Thị Phúc dạy học.")
NAMES = ["Hòa Phát", "Lê Thị Phúc", "Nguyễn Văn Tuấn"]


def test_a_made_up_name_keeps_its_first_words_and_is_in_no_article() -> None:
    for seed in range(10):
        q = swapped("Vợ của Trần Đình Long là ai?", NAMES, CORPUS, random.Random(seed))
        # the last word of another name: no 'Trần Đình Tuấn' (or Phát, Phúc) is in the corpus
        assert q in {f"Vợ của Trần Đình {w} là ai?" for w in ("Tuấn", "Phát", "Phúc")}
    held = padded_words("Trần Đình Tuấn, Trần Đình Phát, Trần Đình Phúc")
    assert swapped("Vợ của Trần Đình Long là ai?", NAMES, held, random.Random(0)) is None


def test_a_real_swap_takes_a_whole_name_the_corpus_holds() -> None:
    for seed in range(10):
        q = swapped("Vợ của Trần Đình Long là ai?", NAMES, CORPUS, random.Random(seed), real=True)
        assert q in {"Vợ của Hòa Phát là ai?", "Vợ của Lê Thị Phúc là ai?"}


def test_only_a_name_of_two_words_typed_with_capitals_is_swapped() -> None:
    assert typed_name("Ai là chủ tịch tập đoàn Hòa Phát?") is not None
    assert typed_name("ai la chu tich tap doan hoa phat") is None  # lower case
    assert typed_name("Giá vàng hôm nay bao nhiêu?") is None  # no name
    assert swapped("Giá vàng hôm nay?", NAMES, CORPUS, random.Random(0)) is None
