"""The span reader's parts: windows and their labels, the n-best spans, the quote, the
committed weights' deltas, and the calibration that turns features into a probability."""

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from bot.answering.reading.fusion import (
    FEATURES,
    Asked,
    Calibration,
    answer_key,
    candidates,
    combined,
    ranked,
)
from bot.answering.reading.quote import quote_span
from bot.answering.reading.spans import Span, best_spans, span_text
from bot.answering.reading.weights import apply_deltas, freeze_lower, save_deltas
from bot.answering.reading.windows import WindowSpec, encode, span_labels

CONTEXT = "Ông Phan Nhân Duy là Bí thư Huyện ủy Đức Hòa. Huyện có 20 xã và 3 thị trấn. " * 12


@pytest.fixture(scope="module")
def tokenizer(e5_dir: Path):
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(e5_dir)


def test_a_long_passage_becomes_overlapping_windows_of_passage_tokens(tokenizer) -> None:
    spec = WindowSpec(max_tokens=64, stride=16)
    enc = encode(tokenizer, ["Ai là Bí thư?"], [CONTEXT], spec)
    assert len(enc["input_ids"]) > 3 and set(enc["overflow_to_sample_mapping"]) == {0}
    assert all(len(ids) <= 64 for ids in enc["input_ids"])
    for offsets in enc["offset_mapping"]:
        spans = [o for o in offsets if o is not None]
        assert spans and all(0 <= a <= b <= len(CONTEXT) for a, b in spans)
        assert offsets[0] is None  # the first token is no passage token: it means 'no answer'


def test_labels_mark_the_answer_in_the_window_holding_it_whole(tokenizer) -> None:
    spec = WindowSpec(max_tokens=64, stride=16)
    start = CONTEXT.index("Phan Nhân Duy")
    answer = ("Phan Nhân Duy", start)
    enc = encode(tokenizer, ["Ai là Bí thư?"], [CONTEXT], spec)
    labels = [span_labels(offsets, answer) for offsets in enc["offset_mapping"]]
    first, last = labels[0]
    offsets = enc["offset_mapping"][0]
    assert CONTEXT[offsets[first][0] : offsets[last][1]].strip() == "Phan Nhân Duy"
    assert all(label == (0, 0) for label in labels[2:])  # later windows do not hold it
    assert span_labels(offsets, None) == (0, 0)


def test_a_long_question_is_clipped_to_its_token_budget(tokenizer) -> None:
    spec = WindowSpec(max_tokens=96, stride=16, max_question_tokens=8)
    enc = encode(tokenizer, ["Ai " * 100], ["Một câu ngắn."], spec)
    assert len(enc["input_ids"]) == 1 and len(enc["input_ids"][0]) < 30


def test_best_spans_stay_inside_the_passage_and_short_enough() -> None:
    offsets = [None, None, (0, 3), (3, 8), (8, 13), (13, 17), None]
    start = np.array([9.0, 0, 1, 5, 0, 0, 8])  # token 6 is the closing special token
    end = np.array([9.0, 0, 0, 0, 4, 1, 8])
    spans = best_spans(start, end, offsets, passage=2, n_best=5, max_answer_tokens=2)
    assert spans[0] == Span(2, 3, 13, 9.0, 18.0)
    assert all(sp.end - sp.start <= 10 for sp in spans)  # at most 2 tokens
    assert all(sp.margin == sp.score - 18.0 for sp in spans)


def test_the_quote_is_the_sentence_around_the_span_verbatim() -> None:
    passage = "Mở đầu. Ông Phan Nhân Duy, Bí thư Huyện ủy, phát biểu. Kết thúc."
    start = passage.index("Phan")
    quote = quote_span(passage, start - 1, start + len("Phan Nhân Duy") + 1)  # ' …,' trimmed
    assert quote.text == "Ông Phan Nhân Duy, Bí thư Huyện ủy, phát biểu."
    assert quote.answer == "Phan Nhân Duy" and quote.text in passage
    assert quote_span(passage, 3, 3) is None


def _tiny():
    from transformers import BertConfig, BertForQuestionAnswering

    config = BertConfig(
        vocab_size=50, hidden_size=16, num_hidden_layers=3, num_attention_heads=2,
        intermediate_size=32, max_position_embeddings=64,
    )  # fmt: skip
    return BertForQuestionAnswering(config)


def test_trained_weights_are_saved_as_deltas_and_added_back(tmp_path: Path) -> None:
    import torch

    torch.manual_seed(0)
    model = _tiny()
    freeze_lower(model, 1)
    base = {n: p.detach().clone() for n, p in model.named_parameters()}
    with torch.no_grad():
        for p in model.parameters():
            if p.requires_grad:
                p.add_(torch.randn_like(p) * 0.05)
    size = save_deltas(model, base, tmp_path / "r.safetensors", {"note": "test"})
    assert size == (tmp_path / "r.safetensors").stat().st_size
    fresh = _tiny()
    fresh.load_state_dict({n: base[n] for n in base}, strict=False)
    from safetensors.torch import load_file

    changed = apply_deltas(fresh, load_file(tmp_path / "r.safetensors"))
    assert changed == sum(p.requires_grad for p in model.parameters())
    for name, p in model.named_parameters():
        q = fresh.get_parameter(name)
        if p.requires_grad:
            assert torch.allclose(p, q, atol=2e-3), name  # int8 deltas: close, not equal
        else:
            assert torch.equal(q, base[name])  # frozen: untouched


def test_a_weights_file_with_an_unknown_tensor_is_refused() -> None:
    import torch

    with pytest.raises(ValueError, match="unexpected tensor"):
        apply_deltas(_tiny(), {"bert.pooler.dense.weight": torch.zeros(16, 16)})


def _hit(rank: int, dense: float):
    from bot.answering.evidence.retrieval import Hit
    from ingest.models import Article, Chunk

    text = "Cầu vượt sông Thiếp dài 420 m." if rank == 0 else "Giá vàng tăng."
    article = Article(doc_id=f"d{rank}", title="t", text=text, source="s")
    chunk = Chunk(f"c{rank}", f"d{rank}", 0, 0, len(text), text, "Tin")
    return Hit(chunk, article, 1.0 / (61 + rank), dense)  # a fused score: higher ranks first


def test_candidates_carry_the_features_the_calibration_weighs(tmp_path: Path) -> None:
    spans = [[Span(0, 0, 1, 5.0, 1.0), Span(0, 1, 2, 4.0, 1.0), Span(0, 2, 3, 1.0, 1.0)], []]
    spans.append([Span(2, 0, 1, 9.0, 2.0)])
    asked = Asked({"cau": 1.0, "thiep": 3.0}, ("song thiep", "cau vuot", "gia vang nay"))
    found = candidates([_hit(0, 0.8), _hit(1, 0.7), _hit(2, None)], spans, asked)
    assert len(found) == 3  # two spans a passage at most; an empty passage adds none
    assert found[0].features == (4.0, 5.0, 1.0, 0.0, 0.8, -3.0, 1.0, 2 / 3)
    assert found[2].features[6:] == (0.0, 0.0)  # 'Giá vàng tăng.' is about something else
    assert found[2].features[3] == pytest.approx(np.log(3)) and found[2].features[4] == 0.0
    path = tmp_path / "c.json"
    weights = [1.0] + [0.0] * (len(FEATURES) - 1)
    path.write_text(json.dumps({"features": FEATURES, "weights": weights, "bias": -4.5,
                                "threshold": 0.5}))  # fmt: skip
    calibration = Calibration.load(path)
    best = ranked(found, calibration)
    assert [c.span.score for c in best] == [9.0, 5.0, 4.0]
    assert best[0].probability == pytest.approx(1 / (1 + np.exp(-2.5)))


def test_passages_whose_retrieval_scores_tie_share_their_places() -> None:
    first, second, third = _hit(0, 0.8), _hit(1, 0.7), _hit(2, 0.6)
    spans = [[Span(i, 0, 3, 1.0, 0.0)] for i in range(3)]
    ranks = [c.features[3] for c in candidates([first, second, third], spans, Asked({}, ()))]
    assert ranks == pytest.approx(np.log1p([0, 1, 2]))
    tied = [first, replace(second, score=first.score), third]
    ranks = [c.features[3] for c in candidates(tied, spans, Asked({}, ()))]
    assert ranks == pytest.approx(np.log1p([0.5, 0.5, 2]))  # the mean of places 0 and 1


def test_a_question_asking_for_a_number_gets_no_span_without_one() -> None:
    text = "Đại hội lần thứ XI bầu 45 ủy viên, hai nữ, người thứ tư và Ban Tổ chức đầu tư."
    answers = ("lần thứ XI", "45 ủy viên", "hai nữ", "người thứ tư", "Ban Tổ chức đầu tư")
    spans = [
        [Span(i, text.index(a), text.index(a) + len(a), 1.0, 0.0)] for i, a in enumerate(answers)
    ]
    chunk = replace(_hit(0, 0.8).chunk, text=text)
    hits = [replace(_hit(i, 0.8), chunk=chunk) for i in range(5)]
    kept = candidates(hits, spans, Asked({}, (), number=True))
    assert [span_text(text, c.span) for c in kept] == list(answers[:4])  # 'đầu tư' is none
    assert len(candidates(hits, spans, Asked({}, ()))) == 5  # any span when none is asked


def test_an_answer_found_in_several_passages_counts_each_finding() -> None:
    assert combined([0.5, 0.6, 0.5], ["420 m", "1 km", "420 m"]) == pytest.approx([0.75, 0.6, 0.75])
    assert answer_key(" 420  M ") == answer_key("420 m")
    text = "Cầu vượt sông Thiếp dài 420 m."
    at = text.index("420 m")
    spans = [
        [Span(0, at, at + 5, 3.0, 0.0)],
        [Span(1, 0, 3, 3.5, 0.0)],
        [Span(2, at, at + 5, 2.0, 0.0)],
    ]
    hits = [_hit(0, 0.8), _hit(0, 0.8), _hit(0, 0.8)]
    path_free = Calibration((1.0,) + (0.0,) * (len(FEATURES) - 1), -3.0, 0.5)
    best = ranked(candidates(hits, spans, Asked({}, ())), path_free)
    # 'Cầu' alone is likelier than either '420 m', but not than both together
    assert [span_text(text, c.span) for c in best] == ["420 m", "420 m", "Cầu"]
    assert [c.span.score for c in best[:2]] == [3.0, 2.0]  # its likeliest finding first
    assert best[0].probability == pytest.approx(1 - (1 - _sigmoid(0.0)) * (1 - _sigmoid(-1.0)))
    assert best[2].probability == pytest.approx(_sigmoid(0.5))


def _sigmoid(z: float) -> float:
    return float(1 / (1 + np.exp(-z)))


def test_an_article_names_what_was_asked_when_it_holds_every_word_and_the_last_pair() -> None:
    article = "Cầu vượt sông Thiếp dài 420 m. Thông báo số 2535-TB/TU của UBND huyện."
    assert Asked({}, (), names=("song thiep", "tb", "tu")).holds_names(article)
    assert Asked({}, (), names=("ubnd", "thiep")).holds_names("sông Thiếp, Ủy ban nhân dân")
    assert not Asked({}, (), names=("song hong",)).holds_names(article)
    assert not Asked({}, (), names=("thiep song",)).holds_names(article)  # not side by side
    assert Asked({}, ()).holds_names(article)  # a question that names nothing


def test_a_calibration_for_other_features_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    path.write_text(json.dumps({"features": ["margin"], "weights": [1], "bias": 0, "threshold": 0}))
    with pytest.raises(ValueError, match="other features"):
        Calibration.load(path)
    assert Calibration.load().threshold > 0  # the committed one fits
