"""Fit how the responder turns span and retrieval scores into an answer's probability, and
the probability an answer needs, on questions asked open-domain.

Each question of an eval file (``bench/reader_split.py`` writes one for the reader's
validation split) is retrieved and read as the responder does; every candidate span gets
the features of ``bot/answering/reading/fusion.py`` and a label (token F1 with a gold answer
of 0.5 or more). A logistic model is fitted on them, and the threshold on each question's
likeliest answer (an answer found in several passages counting each finding, as the
responder counts them) that maximises the SQuAD 2.0 score over questions (F1 when
answerable, 1 for a refusal when not), both out of fold (five folds by question); then both
again on every question, written to ``--out``. With ``--unanswerable-share`` the score weighs
the unanswerable questions as that share of all.

Several eval files are fitted on together, each collected from its own store: collect each
into ``--cache-dir`` with its store (a file already there is not asked again), then fit:

    VNQA_DATA_DIR=STORE_A python bench/fit_fusion.py A.jsonl --cache-dir features
    VNQA_DATA_DIR=STORE_B python bench/fit_fusion.py A.jsonl B.jsonl --cache-dir features \
        --out bot/answering/reading/calibration.json
"""

from __future__ import annotations

import argparse
import json
import pickle
from pathlib import Path

import numpy as np

from bot.answering.reading.fusion import FEATURES, answer_key, combined
from bot.answering.reading.spans import span_text
from bot.app import App
from bot.evaluate import load_eval_set, token_f1
from bot.settings import load_settings

LABEL_F1 = 0.5
UNANSWERABLE_SHARE: float | None = None  # weight of the unanswerable; None: as in the set


def collect(rows: list[dict]) -> list[dict]:
    """For each question: its candidates' features, their F1 and whether it is answerable."""
    from bot.answering.question.analysis import analyse

    out = []
    with App(load_settings()) as app:
        responder = app.warm_up()
        for row in rows:
            query = analyse(row["question"])
            hits, timings = responder.evidence(query, None)
            found = responder.reading(query, hits, timings)
            golds = (row.get("answer") or {}).get("any") or []
            f1s = [token_f1(span_text(c.hit.chunk.text, c.span), golds) for c in found]
            features = [list(c.features) for c in found]
            keys = [answer_key(span_text(c.hit.chunk.text, c.span)) for c in found]
            out.append(
                {"id": row["id"], "answerable": bool(golds), "x": features, "f1": f1s, "keys": keys}
            )
    return out


def fit(questions: list[dict]) -> tuple[np.ndarray, float]:
    """Logistic weights (bias last) fitted on the questions' candidates."""
    from sklearn.linear_model import LogisticRegression

    x = np.array([f for q in questions for f in q["x"]], dtype=np.float64)
    y = np.array([f1 >= LABEL_F1 for q in questions for f1 in q["f1"]])
    model = LogisticRegression(C=1.0, max_iter=2000).fit(x, y)
    return model.coef_[0], float(model.intercept_[0])


def best_answers(questions: list[dict], w: np.ndarray, b: float) -> list[tuple[float, float]]:
    """Each question's likeliest candidate: (probability, its F1); (0, 0) with none. An
    answer found in several passages counts each finding, as the responder counts them."""
    out = []
    for q in questions:
        if not q["x"]:
            out.append((0.0, 0.0))
            continue
        own = 1 / (1 + np.exp(-(np.array(q["x"]) @ w + b)))
        p = combined(own, q["keys"])
        i = max(range(len(p)), key=lambda j: (p[j], own[j]))
        out.append((float(p[i]), q["f1"][i]))
    return out


def report(questions: list[dict], best: list[tuple[float, float]], t: float) -> dict:
    """SQuAD 2.0 score, F1 of the answerable, false refusals and refusals at threshold ``t``.
    The score weighs the unanswerable questions as ``UNANSWERABLE_SHARE`` of all, when set."""
    ans = [(p, f) for q, (p, f) in zip(questions, best, strict=True) if q["answerable"]]
    una = [p for q, (p, _) in zip(questions, best, strict=True) if not q["answerable"]]
    f1 = [f if p >= t else 0.0 for p, f in ans]
    refused = [p < t for p in una]
    natural = len(una) / max(len(questions), 1)
    share = (natural if UNANSWERABLE_SHARE is None else UNANSWERABLE_SHARE) if una else 0.0
    score = (1 - share) * sum(f1) / max(len(ans), 1) + share * sum(refused) / max(len(una), 1)
    return {
        "threshold": round(t, 3),
        "score": round(score, 4),
        "answerable_f1": round(100 * sum(f1) / max(len(ans), 1), 1),
        "answerable_correct": round(sum(f >= LABEL_F1 for f in f1) / max(len(ans), 1), 3),
        "false_refusals": round(sum(p < t for p, _ in ans) / max(len(ans), 1), 3),
        "unanswerable_refused": round(sum(refused) / max(len(una), 1), 3),
    }


def threshold(questions: list[dict], best: list[tuple[float, float]]) -> float:
    """The probability threshold with the best SQuAD 2.0 score."""
    grid = np.linspace(0.02, 0.98, 49)
    return float(max(grid, key=lambda t: report(questions, best, t)["score"]))


def out_of_fold(questions: list[dict], folds: int = 5) -> dict:
    """The figures with weights and threshold fitted on the other folds, pooled."""
    order = np.random.default_rng(0).permutation(len(questions))
    best: list[tuple[float, float]] = [(0.0, 0.0)] * len(questions)
    thresholds = []
    for k in range(folds):
        held = set(order[k::folds].tolist())
        train = [q for i, q in enumerate(questions) if i not in held]
        w, b = fit(train)
        t = threshold(train, best_answers(train, w, b))
        thresholds.append(t)
        test = sorted(held)
        for i, pick in zip(test, best_answers([questions[i] for i in test], w, b), strict=True):
            # a threshold per fold: compare each fold's probability with its own threshold
            best[i] = (pick[0] - t + 0.5, pick[1])
    folds_t = [round(t, 2) for t in thresholds]
    return report(questions, best, 0.5) | {"fold_thresholds": folds_t, "best": best}


def gather(evals: list[Path], cache_dir: Path | None) -> dict[str, list[dict]]:
    """Each eval file's collected questions, from ``cache_dir`` where they are there."""
    sets = {}
    for path in evals:
        cached = cache_dir / f"{path.stem}.pkl" if cache_dir else None
        if cached and cached.exists():
            sets[path.name] = pickle.loads(cached.read_bytes())
            continue
        sets[path.name] = collect(load_eval_set(path)[1])
        if cached:
            cache_dir.mkdir(parents=True, exist_ok=True)
            cached.write_bytes(pickle.dumps(sets[path.name]))
    return sets


def by_set(sets: dict[str, list[dict]], best: list[tuple[float, float]], t: float) -> dict:
    """``report`` for each eval file, from the pooled picks."""
    out, start = {}, 0
    for name, questions in sets.items():
        out[name] = report(questions, best[start : start + len(questions)], t)
        start += len(questions)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("eval", type=Path, nargs="+", help="questions in the `vnqa eval` format")
    parser.add_argument("--out", type=Path, help="write the calibration JSON here")
    parser.add_argument("--cache-dir", type=Path, help="reuse (or save) the collected features")
    parser.add_argument("--unanswerable-share", type=float, help="weigh them as this share")
    args = parser.parse_args()
    global UNANSWERABLE_SHARE
    UNANSWERABLE_SHARE = args.unanswerable_share
    sets = gather(args.eval, args.cache_dir)
    questions = [q for qs in sets.values() for q in qs]
    pooled = out_of_fold(questions)
    print(json.dumps({"out_of_fold": pooled | {"by_set": by_set(sets, pooled.pop("best"), 0.5)}}))
    w, b = fit(questions)
    best = best_answers(questions, w, b)
    t = threshold(questions, best)
    print(json.dumps({"in_sample": report(questions, best, t) | {"by_set": by_set(sets, best, t)}}))
    if args.out:
        named = " + ".join(f"{name} ({len(qs)})" for name, qs in sets.items())
        named += " questions asked open-domain"
        if UNANSWERABLE_SHARE is not None:
            named += f", unanswerable weighed as {UNANSWERABLE_SHARE:.0%} of all"
        calibration = {
            "features": list(FEATURES),
            "weights": [round(float(v), 5) for v in w],
            "bias": round(b, 5),
            "threshold": round(t, 3),
            "fitted_on": named,
        }
        args.out.write_text(json.dumps(calibration, indent=1) + "\n")


if __name__ == "__main__":
    main()
