"""Fuse the cross-encoder with the fitted reader, out of fold: how much it weighs, how many
of the reader's best sentences it reads, and the 'found' threshold on the fused score.

    python -m bench.fit_cross SCORES... --dumps DUMP... --questions EVAL... --extra CLOZE
        [--write]

SCORES are the per-fold files of ``bench/cross_reader.py FOLD`` (every candidate of the
fold's questions scored by a cross-encoder that never saw them), together covering the
judged dumps. The reader is refitted on each fold's other four (as ``fit_reader.py fit``
does), so both scores of every question are out of fold. The fused log-odds of a sentence
among the reader's best ``top`` is the reader's plus ``weight`` times the cross-encoder's;
the others stay below them. Only the questions the cross-encoder reads count (not asking
for a list: ``Reader`` leaves those to the features; the dumps keep ids, so ``--questions``
gives their text). Figures are nested: each fold's weight and
threshold are chosen on the other four. With ``--write`` the weight and threshold chosen on
all folds go into bot/answering/reader_model.json as ``cross``, which the responder uses
when the cross-encoder is on (``VNQA_CROSS_READER``). Questions of other kinds than a
person get their own threshold from ``bench/fit_found.py``, to be run after this.
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

import numpy as np

from bench import fit_reader as fr
from bot.answering.query import analyse
from bot.answering.reader import MODEL_FILE, CrossFusion, cross_reads, fuse

WEIGHTS = (0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 4.0)
TOP = 3  # read at one thread: 3 cost 70 / 104 ms p50 / p95, 8 cost 187 / 275 (the same figures)


def _out_of_fold(questions: list[dict], extra: list[dict]) -> list[int]:
    """Each question's reader log-odds per row and its fold's model; returns the folds."""
    fold_of = [0] * len(questions)
    for k, (train, test) in enumerate(fr.split(len(questions))):
        model = fr.fit([questions[i] for i in train] + extra)
        held = [questions[i] for i in test]
        fr._refresh(held, model.span_weights)
        for i, q in zip(test, held, strict=True):
            fold_of[i] = k
            q["model"] = model
            if q["rows"]:
                q["z"] = fr.logit(model.weights, fr._matrix(q["rows"], fr.FEATURES), fr.FEATURES)
    return fold_of


def fused(z: np.ndarray, cross: np.ndarray, weight: float, top: int) -> np.ndarray:
    """The fused log-odds as ``Reader.score`` computes them (``reader.fuse``)."""
    best = [int(i) for i in np.argsort(-z, kind="stable")[:top]]
    fusion = CrossFusion(weight, 0.0, top)
    return np.array(fuse(z.tolist(), best, cross[best].tolist(), fusion))


def _decision(q: dict, cross: list[float], weight: float, top: int) -> dict:
    """As fit_reader's decisions, on the fused best sentence."""
    d = {"answerable": q["answerable"], "set": q["set"], "weight": q["weight"], "p": 0.0}
    d |= {"ok": False, "f1": 0.0, "span_p": -1.0, "span_ok": False, "span_f1": 0.0}
    d |= {"kind": "default", "spans": q["model"].span_thresholds}
    if not q["rows"]:
        return d
    z = fused(q["z"], np.array(cross), weight, top)
    i = int(np.argmax(z))
    row = q["rows"][i]
    d |= {"p": 1 / (1 + math.exp(-max(-30.0, min(30.0, float(z[i]))))), "ok": row["label"]}
    d["f1"] = row["f1"]
    if row["spans"]:
        x = fr._matrix(row["spans"], fr.SPAN_FEATURES)
        p = fr._prob(q["model"].span_weights, x, fr.SPAN_FEATURES)
        best = row["spans"][int(np.argmax(p))]
        d |= {"span_p": float(p.max()), "span_ok": best["label"], "span_f1": best["f1"]}
        d["kind"] = next((k for k in fr.KINDS if best.get(f"kind_{k}")), "default")
    return d


def choose(
    questions: list[dict], cross: dict, top: int, weights: tuple[float, ...] = WEIGHTS
) -> tuple[float, float, float]:
    """The weight and threshold with the most right decisions (fit_reader's bound)."""
    best = (-1.0, 0.0, 0.0)
    for weight in weights:
        decisions = [_decision(q, cross[q["id"]], weight, top) for q in questions]
        t = fr._threshold(decisions)
        r = fr.rates(decisions, t, 2.0)
        best = max(best, (r["correct"] + r["refused_unanswerable"], weight, t))
    return best


def _apply(questions: list[dict], cross: dict, weight: float, t: float, top: int) -> list:
    out = []
    for q in questions:
        d = _decision(q, cross[q["id"]], weight, top)
        d["found"] = d["p"] >= t
        d["use_span"] = d["found"] and fr._shows_span(d, d["spans"])
        out.append(d)
    return out


def _read_by_cross(paths: list[Path]) -> set[str]:
    """The ids of the questions the cross-encoder reads (as ``Reader._fusion`` decides)."""
    out = set()
    for p in paths:
        for row in map(json.loads, p.read_text(encoding="utf-8").splitlines()):
            if cross_reads(analyse(row["question"])):
                out.add(row["id"])
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scores", type=Path, nargs="+")
    parser.add_argument("--dumps", type=Path, nargs="+", required=True)
    parser.add_argument("--questions", type=Path, nargs="+", required=True)
    parser.add_argument("--extra", type=Path, nargs="*", default=[])
    parser.add_argument("--extra-weight", type=float, default=0.3, help="as fit_reader.py fit")
    parser.add_argument("--top", type=int, default=TOP)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    cross = {k: v for p in args.scores for k, v in json.loads(p.read_text()).items()}
    sets, extra = fr.load_dumps(args.dumps), [q for s in fr.load_dumps(args.extra) for q in s]
    fr.weigh(sets, extra, args.extra_weight)
    questions = [q for s in sets for q in s]
    fold_of = _out_of_fold(questions, extra)
    read = _read_by_cross(args.questions)
    scored = [(q, k) for q, k in zip(questions, fold_of, strict=True) if q["id"] in cross]
    folds = sorted({k for _, k in scored})
    left = sum(q["id"] not in read for q, _ in scored)
    print(f"{len(scored)} of {len(questions)} have cross scores (folds {folds}), ", end="")
    print(f"{left} of them left to the features")
    scored = [(q, k) for q, k in scored if q["id"] in read]
    for name, weights in (("the reader alone", (0.0,)), ("fused", WEIGHTS)):
        nested = []
        for k in folds:
            _, weight, t = choose([q for q, j in scored if j != k], cross, args.top, weights)
            print(f"  fold {k}: weight {weight}, found >= {t}")
            nested += _apply([q for q, j in scored if j == k], cross, weight, t, args.top)
        print(f"{name}, weight and threshold chosen on the other folds:")
        fr._report(nested)
    _, weight, t = choose([q for q, _ in scored], cross, args.top)
    print(f"all folds: weight {weight}, found >= {t}, top {args.top}")
    if args.write:
        data = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
        kinds = (data.get("cross") or {}).get("kinds", {})  # fitted on the old fusion
        data["cross"] = {"weight": weight, "threshold": t, "top": args.top, "kinds": kinds}
        print("other kinds' thresholds kept: refit them with bench/fit_found.py")
        MODEL_FILE.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
