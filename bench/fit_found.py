"""The 'found' threshold for questions of other kinds than a person, fitted on human-written
questions of those kinds, with honest unanswerable ones made by leaving the gold out.

    VNQA_DATA_DIR=<store> python -m bench.fit_found dump EVAL.jsonl OUT.jsonl
    python -m bench.fit_found fit OUT... [--held OUT...] [--write]

The fused threshold (``bench/fit_cross.py``) is fitted on ``newsqa_dev``, where 527 of 543
questions ask for a person and every unanswerable one does. Questions asking what, when, how
many or where score lower when answerable, and refusing them at that threshold refuses
many that the best sentence answers.

``dump`` answers each question as the responder does (the cross-encoder on), records the
best sentence's fused probability, whether the 'found' decision in use takes it, and whether
the answer that would be given is right; then once more with the question's gold articles
left out of retrieval, which makes it unanswerable unless another article holds the answer
too (such reruns are dropped).

``fit`` pools the questions of every kind but person and list, answerable and unanswerable
(asked, or made by leaving the gold out), and chooses the threshold fit_reader's way: the most
right decisions (answerable answered right, unanswerable refused) with at most 10% of the
answerable refused, or the fewest refused when no threshold keeps to that. It prints the
figures at the fused threshold and at the fitted one, leaving each set out in turn, and
for the ``--held`` sets. ``--write`` stores it for each of those kinds as ``cross.kinds``
in bot/answering/reader_model.json.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np

import bot.answering.retrieval as retrieval
from bench.fit_reader import holds
from bot.answering.query import AnswerType, Intent, analyse
from bot.answering.reader import MODEL_FILE, ReaderModel
from bot.answering.sentences import choose_sentences
from bot.app import App
from bot.evaluate import answer_correct
from bot.settings import Settings

KINDS = tuple(k.value for k in AnswerType if k not in (AnswerType.PERSON, AnswerType.LIST))
MAX_FALSE_REFUSALS = 0.10  # as fit_reader.py
GRID = np.round(np.linspace(0.02, 0.9, 45), 3)


@contextmanager
def leaving_out(sources: set[str]) -> Iterator[None]:
    """Retrieval as if these source files (by name) had not been ingested."""
    keep = retrieval.diversify
    retrieval.diversify = lambda ranked, k, per_article: keep(
        [h for h in ranked if Path(h.article.source).name not in sources], k, per_article
    )
    try:
        yield
    finally:
        retrieval.diversify = keep


def _read(app: App, question: str, gold: dict) -> dict | None:
    """The best sentence's probability and kind, the decision, and whether the answer the
    responder would give is right (whatever the decision)."""
    responder = app.responder
    query = analyse(question)
    if query.intent is not Intent.FACT:
        return None
    query, _, scored, timings = responder.candidates(query, None)
    out = {"kind": query.kind.value, "p": 0.0, "found": False, "ok": False, "holds": False}
    chosen = choose_sentences(scored, query.kind, query.head)
    if not chosen:
        return out
    best = max(chosen, key=lambda s: s.score)
    phrases = gold.get("any") or gold.get("all") or []
    answer = responder._extractive(query, chosen, timings)
    return out | {
        "p": best.score,
        "found": responder.reader.found(query, best),
        "ok": bool(phrases) and answer_correct(answer, gold),
        "holds": holds(best.text, phrases),
    }


def dump(eval_path: Path, out: Path) -> None:
    with App(Settings()) as app, out.open("w", encoding="utf-8") as f:
        app.warm_up()
        for line in eval_path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            gold, sources = row.get("answer") or {}, set(row.get("gold_sources") or [])
            read = _read(app, row["question"], gold)
            if read is None:
                continue
            rec = {"id": row["id"], "answerable": bool(sources)} | read
            if sources:
                with leaving_out(sources):
                    rec["without"] = _read(app, row["question"], gold)
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")


def decisions(path: Path) -> list[tuple[bool, float, bool]]:
    """(answerable, probability, answer right) of a dump's questions of the fitted kinds, and
    of their reruns without the gold that nothing else answers."""
    out = []
    for rec in map(json.loads, path.read_text(encoding="utf-8").splitlines()):
        if rec["kind"] not in KINDS:
            continue
        out.append((rec["answerable"], rec["p"], rec["ok"]))
        rerun = rec.get("without")
        if rerun and not rerun["holds"] and not rerun["ok"]:
            out.append((False, rerun["p"], False))
    return out


def rates(ds: list[tuple[bool, float, bool]], t: float) -> dict[str, float]:
    ans = [(p, ok) for a, p, ok in ds if a]
    una = [p for a, p, _ in ds if not a]
    return {
        "correct": sum(ok and p >= t for p, ok in ans) / max(len(ans), 1),
        "false_refusals": sum(p < t for p, _ in ans) / max(len(ans), 1),
        "refused": sum(p < t for p in una) / max(len(una), 1),
    }


def choose(ds: list[tuple[bool, float, bool]]) -> float:
    """The threshold with the most right decisions within the false-refusal bound."""
    table = [(float(t), rates(ds, float(t))) for t in GRID]
    within = [
        (r["correct"] + r["refused"], t)
        for t, r in table
        if r["false_refusals"] <= MAX_FALSE_REFUSALS
    ]
    if within:
        return float(max(within)[1])
    return float(min(table, key=lambda x: (x[1]["false_refusals"], -x[0]))[0])


def _line(name: str, ds: list, t: float) -> str:
    n_ans = sum(a for a, _, _ in ds)
    r = rates(ds, t)
    return (
        f"  {name:28} t {t:.2f}: correct {r['correct']:.3f} false refusals "
        f"{r['false_refusals']:.3f} unanswerable refused {r['refused']:.3f} "
        f"({n_ans} answerable, {len(ds) - n_ans} not)"
    )


def fit(paths: list[Path], held: list[Path], write: bool) -> None:
    model = ReaderModel.load()
    fused = model.cross.threshold if model.cross else model.threshold
    sets = {p.stem: decisions(p) for p in paths}
    pooled = [d for ds in sets.values() for d in ds]
    t = choose(pooled)
    print(f"fitted on {', '.join(sets)}: found >= {t} (fused threshold {fused})")
    for name, ds in sets.items():
        rest = [d for other, xs in sets.items() if other != name for d in xs]
        left_out = choose(rest) if rest else t
        print(_line(f"{name}, fused threshold", ds, fused))
        print(_line(f"{name}, fitted without it", ds, left_out))
    for p in held:
        ds = decisions(p)
        print(_line(f"{p.stem} (held), fused", ds, fused))
        print(_line(f"{p.stem} (held), fitted", ds, t))
    if write:
        data = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
        data["cross"]["kinds"] = dict.fromkeys(KINDS, t)
        MODEL_FILE.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    d = sub.add_parser("dump")
    d.add_argument("eval", type=Path)
    d.add_argument("out", type=Path)
    f = sub.add_parser("fit")
    f.add_argument("dumps", type=Path, nargs="+")
    f.add_argument("--held", type=Path, nargs="*", default=[], help="reported, not fitted")
    f.add_argument("--write", action="store_true")
    args = parser.parse_args()
    if args.cmd == "dump":
        dump(args.eval, args.out)
    else:
        fit(args.dumps, args.held, args.write)


if __name__ == "__main__":
    main()
