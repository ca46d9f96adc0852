"""Fitting the reader's model (bench/fit_reader.py): with --span-only the ranker is kept."""

import random

from bench.fit_reader import fit, weigh
from bot.answering.reader import FEATURES, CrossFusion, ReaderModel
from bot.answering.span import SPAN_FEATURES


def _question(rng: random.Random, answerable: bool) -> dict:
    """Two candidate sentences; in an answerable question the first holds the answer, and of
    its two spans the one that opens the sentence is it."""
    rows = []
    for i in range(2):
        label = answerable and i == 0
        spans = [
            {f: rng.random() for f in SPAN_FEATURES} | {"opens": float(j == 0)} for j in range(2)
        ]
        for j, s in enumerate(spans):
            s |= {"label": label and j == 0, "f1": 100.0 * (label and j == 0), "support": 0.0}
        row = {f: rng.random() + label for f in FEATURES}
        rows.append(row | {"label": label, "f1": 50.0 * label, "spans": spans})
    return {"id": str(rng.random()), "answerable": answerable, "rows": rows}


def test_span_only_keeps_the_ranker_its_threshold_and_fusion() -> None:
    rng = random.Random(7)
    questions = [_question(rng, answerable=k % 4 != 0) for k in range(80)]
    weigh([questions], [], 0.0)
    ranker = ReaderModel(
        {"bias": -1.0, "coverage": 2.0},
        0.42,
        {"bias": 0.0},
        {"default": 0.5},
        CrossFusion(1.0, 0.53, 3, {"number": 0.28}),
    )
    model = fit(questions, ranker)
    assert model.weights == ranker.weights
    assert (model.threshold, model.cross) == (0.42, ranker.cross)
    assert model.span_weights["opens"] > 1.0  # learnt: the answer is the span that opens
    assert fit(questions).weights != ranker.weights  # without it the ranker is refitted
