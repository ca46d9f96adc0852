"""Fit the reader's model on question sets with gold answers, with cross-validation.

    VNQA_DATA_DIR=<store with the corpus> python bench/fit_reader.py dump EVAL.jsonl OUT.jsonl
    python bench/fit_reader.py fit OUT1.jsonl [OUT2.jsonl ...] [--extra CLOZE.jsonl] [--write]

``dump`` retrieves every question's candidate sentences as the responder does (the same
retrieval, the same entity guard) and writes their features with labels: does the sentence
hold a gold answer phrase, does its short-answer span, and the token F1 of each.

``fit`` fits three things, each set weighing the same however many questions it has:
1. the sentence ranker, a logistic regression on standardised features;
2. the 'found' threshold on the best sentence's probability: the most right decisions
   (answerable answered right, unanswerable refused) with at most 10% false refusals;
3. the span model (is the best span the answer?) and its threshold: the highest token F1
   whose answerable-correct stays within 0.03 of answering with whole sentences.
``--extra`` dumps (cloze questions from ``bench/cloze.py``) train the two models, at
``--extra-weight`` of one judged set, and count for the per-type span thresholds; the
"found" threshold and the figures come from the judged sets only.
It prints 5-fold out-of-fold figures, grouped by question, and with ``--write`` stores the
model fitted on all questions in bot/answering/reader_model.json. ``--span-only`` keeps the
committed ranker, its 'found' thresholds and its fusion with the cross-encoder, and fits only
the span model and its thresholds: a change to the span candidates or their features needs no
cross-encoder scores to be rebuilt (``bench/fit_cross.py``).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold
from sklearn.preprocessing import StandardScaler

from bot.answering.query import analyse
from bot.answering.reader import FEATURES, MODEL_FILE, ReaderModel
from bot.answering.span import SPAN_FEATURES, span_candidates
from bot.answering.support import Support
from bot.app import App
from bot.evaluate import token_f1
from bot.settings import Settings
from ingest.text.textnorm import normalize_text, strip_diacritics

MAX_FALSE_REFUSALS = 0.10
MIN_BOUND_QUESTIONS = 100  # answerable questions a set needs for the bound to hold on it alone
REGULARISATION = {"C": 0.02}  # inverse L2 strength on standardised features (--c)
MAX_SPAN_LOSS = 0.03
MIN_KIND_QUESTIONS = 25  # extra questions of a type that give it its own span threshold
KINDS = (
    "number",
    "time",
    "person",
    "place",
    "name",
    "other",
)  # answerable-correct the short answers may cost, for their F1


def _norm(text: str) -> str:
    return " ".join(re.findall(r"\w+", strip_diacritics(normalize_text(text)).lower()))


def holds(text: str, phrases: list[str]) -> bool:
    """Whether a gold phrase occurs in ``text`` as whole words (diacritics ignored)."""
    padded = f" {_norm(text)} "
    return any(_norm(p) and f" {_norm(p)} " in padded for p in phrases)


def _row(query, sentence, features: dict, phrases: list[str], support: Support) -> dict:
    spans = [
        c.features
        | {"label": holds(c.span.text, phrases), "f1": token_f1(c.span.text, phrases)}
        | {"text": c.span.text, "support": support.of(sentence, c.span.text)}
        for c in span_candidates(query, sentence.text)
    ]
    return {
        **features,
        "label": holds(sentence.text, phrases),
        "f1": token_f1(sentence.text, phrases),
        "spans": spans,
        "source": Path(sentence.hit.article.source).name,
        "text": sentence.text[:300],
    }


def dump(eval_path: Path, out: Path) -> None:
    with App(Settings()) as app, out.open("w", encoding="utf-8") as f:
        app.warm_up()
        responder = app.responder
        for line in eval_path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            query, _, sentences, _ = responder.passages(analyse(row["question"]), None)
            feats = responder.reader.features(query, sentences, responder._idf(query))
            gold = row.get("answer") or {}
            phrases = gold.get("any") or gold.get("all") or []
            support = Support(sentences)
            rows = [
                _row(query, s, r, phrases, support) for s, r in zip(sentences, feats, strict=True)
            ]
            answerable = bool(row.get("gold_sources"))
            f.write(json.dumps({"id": row["id"], "answerable": answerable, "rows": rows}) + "\n")
            print(row["id"], len(rows), sum(r["label"] for r in rows), file=sys.stderr)


def _matrix(rows: list[dict], names: tuple[str, ...]) -> np.ndarray:
    return np.array([[r.get(n, 0.0) for n in names] for r in rows], dtype=np.float64)


def _fit(x: np.ndarray, y: np.ndarray, w: np.ndarray, names: tuple[str, ...]) -> dict:
    """Logistic regression on standardised features, returned as weights on raw features."""
    scaler = StandardScaler().fit(x)
    model = LogisticRegression(C=REGULARISATION["C"], max_iter=3000).fit(
        scaler.transform(x), y, sample_weight=w
    )
    coef = model.coef_[0] / scaler.scale_
    bias = float(model.intercept_[0] - coef @ scaler.mean_)
    return {"bias": bias} | {n: float(c) for n, c in zip(names, coef, strict=True)}


def logit(weights: dict, x: np.ndarray, names: tuple[str, ...]) -> np.ndarray:
    """A fitted logistic model's log-odds for the rows of ``x``."""
    return weights["bias"] + x @ np.array([weights.get(n, 0.0) for n in names])


def _prob(weights: dict, x: np.ndarray, names: tuple[str, ...]) -> np.ndarray:
    return 1 / (1 + np.exp(-np.clip(logit(weights, x, names), -30, 30)))


def _best(q: dict, weights: dict) -> tuple[float, dict | None]:
    """The top probability and row of a question under a ranker."""
    if not q["rows"]:
        return 0.0, None
    p = _prob(weights, _matrix(q["rows"], FEATURES), FEATURES)
    i = int(np.argmax(p))
    return float(p[i]), q["rows"][i]


def _decisions(questions: list[dict], model: ReaderModel) -> list[dict]:
    """Per question: answerable, P(best), and (sentence, span) correct and F1 of the best."""
    out = []
    for q in questions:
        p, row = _best(q, model.weights)
        d = {"answerable": q["answerable"], "p": p, "weight": q["weight"], "ok": False}
        d["set"] = q.get("set", 0)
        d |= {"f1": 0.0, "span_p": -1.0, "span_ok": False, "span_f1": 0.0, "kind": "default"}
        if row is not None:
            d |= {"ok": row["label"], "f1": row["f1"]}
            if row["spans"]:
                x = _matrix(row["spans"], SPAN_FEATURES)
                p = _prob(model.span_weights, x, SPAN_FEATURES)
                best = row["spans"][int(np.argmax(p))]
                d |= {"span_p": float(p.max()), "span_ok": best["label"], "span_f1": best["f1"]}
                d["kind"] = next((k for k in KINDS if best.get(f"kind_{k}")), "default")
        out.append(d)
    return out


def _shows_span(d: dict, span_t: float | dict[str, float]) -> bool:
    if isinstance(span_t, dict):
        span_t = span_t.get(d["kind"], span_t["default"])
    return d["span_p"] >= span_t


def rates(decisions: list[dict], t: float, span_t: float | dict[str, float]) -> dict[str, float]:
    """The eval figures the responder would get with these thresholds."""
    ans = [d for d in decisions if d["answerable"]]
    una = [d for d in decisions if not d["answerable"]]
    answered = [d for d in ans if d["p"] >= t]
    spans = [_shows_span(d, span_t) for d in answered]
    correct = [d["span_ok"] if s else d["ok"] for d, s in zip(answered, spans, strict=True)]
    f1 = [d["span_f1"] if s else d["f1"] for d, s in zip(answered, spans, strict=True)]
    said = len(answered) + sum(d["p"] >= t for d in una)
    return {
        "correct": sum(correct) / max(len(ans), 1),
        "false_refusals": 1 - len(answered) / max(len(ans), 1),
        "refused_unanswerable": sum(d["p"] < t for d in una) / max(len(una), 1),
        "precision": len(answered) / max(said, 1),
        "f1": 100 * sum(f1) / max(len(ans), 1),
        "spans": sum(spans) / max(len(answered), 1),
    }


def _threshold(decisions: list[dict]) -> float:
    """The 'found' threshold with the most right decisions under the false-refusal bound,
    which holds on all of them and on each judged set large enough to measure it by itself
    (newsqa_dev's 387 answerable questions; not seeds_dev's 15, where one is 0.07)."""
    sizes = Counter(d["set"] for d in decisions if d["answerable"])
    sets = {k for k, n in sizes.items() if n >= MIN_BOUND_QUESTIONS}
    best_t, best_v = 0.0, -1.0
    for t in np.linspace(0.02, 0.9, 89):
        r = rates(decisions, float(t), 2.0)
        value = r["correct"] + r["refused_unanswerable"]
        worst = max(
            [r["false_refusals"]]
            + [
                rates([d for d in decisions if d["set"] == k], float(t), 2.0)["false_refusals"]
                for k in sets
            ]
        )
        if worst <= MAX_FALSE_REFUSALS and value > best_v:
            best_t, best_v = float(t), value
    return round(best_t, 3)


def _span_thresholds(judged: list[dict], extra: list[dict], t: float) -> dict[str, float]:
    """One span threshold from the judged questions, and one for each answer type that the
    extra (cloze) questions cover, from the questions of that type in both."""
    out = {"default": _span_threshold(judged, t)}
    for kind in KINDS:
        if sum(d["kind"] == kind for d in extra) >= MIN_KIND_QUESTIONS:
            out[kind] = _span_threshold([d for d in judged + extra if d["kind"] == kind], t)
    return out


def _span_threshold(decisions: list[dict], t: float) -> float:
    """The span threshold with the best F1 that costs at most MAX_SPAN_LOSS of correct."""
    whole = rates(decisions, t, 2.0)["correct"]
    best_s, best_f1 = 2.0, -1.0
    for s in np.linspace(0.0, 1.0, 101):
        r = rates(decisions, t, float(s))
        if whole - r["correct"] <= MAX_SPAN_LOSS and r["f1"] > best_f1:
            best_s, best_f1 = float(s), r["f1"]
    return round(best_s, 3)


def _refresh(questions: list[dict], span_weights: dict) -> None:
    """Each row's best span under this span model: its probability and its support, the
    ranker's ``span_p``, ``support`` and ``span_role`` (as Reader.features computes them)."""
    for q in questions:
        for r in q["rows"]:
            if not r["spans"]:
                r["span_p"] = r["support"] = r["span_role"] = 0.0
                continue
            p = _prob(span_weights, _matrix(r["spans"], SPAN_FEATURES), SPAN_FEATURES)
            best = r["spans"][int(np.argmax(p))]
            r["span_p"], r["support"] = float(p.max()), best["support"]
            r["span_role"] = best["other_role"]


def fit(questions: list[dict], ranker: ReaderModel | None = None) -> ReaderModel:
    """Span model on the candidates that hold the answer and have a span; ranker on every
    candidate, with each one's best span under that model; thresholds on the ranker's best
    per question. With a ``ranker``, its weights, 'found' threshold and fusion are kept and
    only the span model and its thresholds are fitted."""
    spans = [
        (q["weight"], c) for q in questions for r in q["rows"] if r["label"] for c in r["spans"]
    ]
    span_weights = _fit(
        _matrix([c for _, c in spans], SPAN_FEATURES),
        np.array([c["label"] for _, c in spans]),
        np.array([w for w, _ in spans]),
        SPAN_FEATURES,
    )
    _refresh(questions, span_weights)
    weights = ranker.weights if ranker else _ranker(questions)
    model = ReaderModel(weights, 0.0, span_weights, 2.0)
    judged = _decisions([q for q in questions if not q.get("extra")], model)
    extra = _decisions([q for q in questions if q.get("extra")], model)
    t = ranker.threshold if ranker else _threshold(judged)
    cross = ranker.cross if ranker else None
    return ReaderModel(weights, t, span_weights, _span_thresholds(judged, extra, t), cross)


def _ranker(questions: list[dict]) -> dict:
    """The sentence ranker's weights, fitted on every candidate of every question."""
    rows = [r for q in questions for r in q["rows"]]
    w = np.array([q["weight"] for q in questions for _ in q["rows"]])
    y = np.array([r["label"] for r in rows])
    return _fit(_matrix(rows, FEATURES), y, w, FEATURES)


def split(n: int, folds: int = 5) -> list[tuple[np.ndarray, np.ndarray]]:
    """The folds of ``n`` questions (train and test indices), grouped by question."""
    groups = np.arange(n)
    return list(GroupKFold(folds).split(groups, groups=groups))


def load_dumps(paths: list[Path]) -> list[list[dict]]:
    """The questions of each ``dump`` file."""
    return [[json.loads(x) for x in p.read_text().splitlines()] for p in paths]


def cross_validate(
    questions: list[dict], extra: list[dict], ranker: ReaderModel | None = None, folds: int = 5
) -> list[dict]:
    """Out-of-fold decisions, each with the thresholds of its fold's model (``extra``
    questions are in every fold's training data and never judged); a ``ranker`` is kept."""
    out: list = [None] * len(questions)
    for train, test in split(len(questions), folds):
        model = fit([questions[i] for i in train] + extra, ranker)
        _refresh([questions[i] for i in test], model.span_weights)
        held = _decisions([questions[i] for i in test], model)
        for i, d in zip(test, held, strict=True):
            out[i] = d | {"found": d["p"] >= model.threshold}
            out[i]["use_span"] = out[i]["found"] and _shows_span(d, model.span_thresholds)
    return out


def _report(oof: list[dict]) -> None:
    ans = [d for d in oof if d["answerable"]]
    una = [d for d in oof if not d["answerable"]]
    right = [(d["span_ok"] if d["use_span"] else d["ok"]) for d in ans if d["found"]]
    f1 = [(d["span_f1"] if d["use_span"] else d["f1"]) for d in ans if d["found"]]
    whole = [d["ok"] for d in ans if d["found"]]
    found = [d for d in oof if d["found"]]
    print(f"{len(oof)} questions ({len(ans)} answerable), 5-fold out-of-fold:")
    print(
        f"  answerable correct   {sum(right) / len(ans):.3f} (whole sentences "
        f"{sum(whole) / len(ans):.3f})"
    )
    print(f"  token F1             {100 * sum(f1) / len(ans):.1f}")
    print(f"  false refusals       {sum(not d['found'] for d in ans) / len(ans):.3f}")
    print(f"  unanswerable refused {sum(not d['found'] for d in una) / max(len(una), 1):.3f}")
    print(f"  'found' precision    {sum(d['answerable'] for d in found) / max(len(found), 1):.3f}")
    print(f"  'found' recall       {sum(d['found'] for d in ans) / len(ans):.3f}")


def weigh(sets: list[list[dict]], extra: list[dict], extra_weight: float) -> None:
    """Every judged set weighs the same, however many questions it has; the extra (cloze)
    questions together weigh ``extra_weight`` of one set and train only: they set no 'found'
    threshold and are not reported."""
    total = sum(len(s) for s in sets)
    for k, s in enumerate(sets):
        for q in s:
            q |= {"weight": total / (len(sets) * len(s)), "set": k}
    for q in extra:
        q |= {"extra": True, "weight": extra_weight * total / (len(sets) * len(extra))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    d = sub.add_parser("dump")
    d.add_argument("eval", type=Path)
    d.add_argument("out", type=Path)
    f = sub.add_parser("fit")
    f.add_argument("dumps", type=Path, nargs="+")
    f.add_argument("--extra", type=Path, nargs="*", default=[], help="training-only dumps")
    f.add_argument("--extra-weight", type=float, default=0.5, help="of one judged set")
    f.add_argument("--write", action="store_true")
    f.add_argument("--c", type=float, default=REGULARISATION["C"], help="inverse L2 strength")
    f.add_argument(
        "--span-only",
        action="store_true",
        help="keep the committed ranker, 'found' thresholds and fusion; fit the span model",
    )
    args = parser.parse_args()
    if args.cmd == "dump":
        dump(args.eval, args.out)
        return
    REGULARISATION["C"] = args.c
    sets, extra = load_dumps(args.dumps), [q for s in load_dumps(args.extra) for q in s]
    weigh(sets, extra, args.extra_weight)
    questions = [q for s in sets for q in s]
    ranker = ReaderModel.load() if args.span_only else None
    _report(cross_validate(questions, extra, ranker))
    model = fit(questions + extra, ranker)
    spans = model.span_thresholds
    print(f"all data: found >= {model.threshold}, span >= {spans}; in-sample (judged sets):")
    decisions = _decisions(questions, model)
    for t in sorted({0.1, 0.2, 0.3, 0.4, model.threshold}):
        for s in (0.0, 0.5, spans, 2.0):
            r = rates(decisions, t, s)
            name = "fitted" if isinstance(s, dict) else f"{s:.2f}"
            print(f"  t={t:.2f} span={name} " + " ".join(f"{k}={v:.3f}" for k, v in r.items()))
    if args.write:
        MODEL_FILE.write_text(json.dumps(model.to_json(), indent=1) + "\n", encoding="utf-8")
        if not ranker:  # the fusion with the cross-encoder was fitted on the old ranker
            print("written without the cross-encoder's fusion: refit it with bench/fit_cross.py")


if __name__ == "__main__":
    main()
