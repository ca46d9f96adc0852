"""Extractive and generative answers side by side, on the same questions and store.

For each question the extractive responder answers, then the generative one (the configured
LLM: by default the bundled local model) answers with streaming. Recorded per question:
answer correct (a gold phrase in the answer), gold source cited, refusals, time to the
first streamed token, total time, prompt tokens (from the server's usage report), and what
the grounding checks made of the model's own text:
- hard checks: a valid citation, and no number or name absent from the cited passages;
- the paraphrase check: each answer sentence shares at least half its word pairs with them.
A raw answer is "right" when it holds a gold phrase; the tables count how many right and
wrong raw answers each check rejects.

    VNQA_DATA_DIR=STORE VNQA_LLM_LOCAL=true python bench/generative.py EVAL.jsonl \\
        [--sample N --seed 0] [--passages 3] [--out rows.jsonl]
    VNQA_DATA_DIR=STORE python bench/generative.py EVAL.jsonl --rescore rows.jsonl

``--rescore`` judges recorded raw answers again with today's checks, without the model: the
way to calibrate the checks on real outputs.

``--sample N`` takes N questions, half of them unanswerable where the set has both.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from bot.answering.generation.llm import (
    _MARKER,
    NOT_FOUND_MARK,
    supporting_passage,
    ungrounded_sentences,
    unsupported_claims,
    validate,
)
from bot.answering.question.analysis import analyse
from bot.answering.responder import Responder, passages_by_score
from bot.app import App, build_generator
from bot.evaluate import answer_correct, load_eval_set
from bot.settings import load_settings


class Recorder:
    """Wraps the chat model: keeps the raw streamed text, the first token's time and usage."""

    def __init__(self, chat: Any) -> None:
        self.chat = chat
        self.reset()

    def reset(self) -> None:
        self.raw, self.started, self.first, self.prompt_tokens = "", 0.0, None, None

    def stream(self, messages: Any):
        self.started = time.perf_counter()
        for chunk in self.chat.stream(messages, stream_usage=True):
            if self.first is None and chunk.content:
                self.first = time.perf_counter() - self.started
            self.raw += str(chunk.content)
            usage = getattr(chunk, "usage_metadata", None)
            if usage:
                self.prompt_tokens = usage.get("input_tokens")
            yield chunk

    def invoke(self, messages: Any):
        return self.chat.invoke(messages)


def sample(rows: list[dict], n: int | None, seed: int) -> list[dict]:
    """``n`` rows, half unanswerable where there are both kinds (all rows without ``n``)."""
    if n is None or n >= len(rows):
        return rows
    rng = random.Random(seed)
    una = [r for r in rows if not r.get("gold_sources")]
    ans = [r for r in rows if r.get("gold_sources")]
    k = min(len(una), n // 2) if ans else n
    return rng.sample(una, k) + rng.sample(ans, n - k)


def checks(raw: str, hits: list) -> dict[str, bool]:
    """What the grounding checks say of the model's raw text (refusals pass them all). An
    answer without any marker is attributed to the passage that supports it, if one does
    (then it passes both checks by construction)."""
    if NOT_FOUND_MARK in raw.upper() or not raw.strip():
        return {"refused": True, "attributed": False, "hard_ok": True, "paraphrase_ok": True}
    markers = [int(n) for n in _MARKER.findall(raw)]
    valid = sorted({n for n in markers if 1 <= n <= len(hits)})
    if not markers:
        attributed = supporting_passage(raw, hits) is not None
        return {
            "refused": False,
            "attributed": attributed,
            "hard_ok": attributed,
            "paraphrase_ok": attributed,
        }
    cited = [hits[n - 1] for n in valid]
    if not cited:  # cites only sources that were not retrieved
        return {"refused": False, "attributed": False, "hard_ok": False, "paraphrase_ok": False}
    return {
        "refused": False,
        "attributed": False,
        "hard_ok": not unsupported_claims(raw, cited),
        "paraphrase_ok": not ungrounded_sentences(raw, cited),
    }


def judge(answer, row: dict) -> dict[str, Any]:
    gold = row.get("answer") or {}
    answerable = bool(row.get("gold_sources"))
    cited = {Path(c.source.split("#")[0]).name for c in answer.citations}
    return {
        "found": answer.found,
        "correct": (answer.found and answer_correct(answer, gold))
        if answerable
        else not answer.found,
        "cited_gold": bool(cited & set(row.get("gold_sources", []))) if answerable else None,
    }


def read_order(responder: Responder, question: str) -> list:
    """The retrieved passages as the generator is given them: best span's passage first."""
    query = analyse(question)
    hits, timings = responder.evidence(query, None)
    return passages_by_score(responder.reading(query, hits, timings), hits)


def run(app: App, rows: list[dict], passages: int) -> list[dict]:
    generator = build_generator(app.settings)
    generator.passages = passages
    base = app.responder
    parts = (base.retriever, base.reader, base.calibration)
    extractive = Responder(*parts, k=base.k, read=base.read)
    generative = Responder(*parts, generator=generator, k=base.k, read=base.read)
    out = []
    for n, row in enumerate(rows, start=1):
        q = row["question"]
        ext = extractive.answer(q)
        if generator._chat is None:
            generator._chat = Recorder(generator._connect())
        recorder: Recorder = generator._chat
        recorder.reset()
        t0 = time.perf_counter()
        gen = generative.answer(q, on_text=lambda text: None)  # streamed, as people see it
        total = time.perf_counter() - t0
        hits = read_order(extractive, q)[:passages]
        raw = SimpleNamespace(text=recorder.raw)
        raw_right = bool(row.get("gold_sources")) and answer_correct(raw, row.get("answer") or {})
        record = {
            "id": row.get("id"),
            "answerable": bool(row.get("gold_sources")),
            "extractive": judge(ext, row),
            "generative": judge(gen, row) | {"note": gen.note, "text": gen.text},
            "asked_llm": recorder.started > 0,
            "raw": recorder.raw,
            "raw_right": raw_right,
            **checks(recorder.raw, hits),
            "ttft_s": recorder.first,
            "total_s": total,
            "prompt_tokens": recorder.prompt_tokens,
        }
        out.append(record)
        print(n, row.get("id"), record["generative"]["correct"], round(total, 1), flush=True)
    return out


def rescore(app: App, rows: list[dict], records: list[dict], passages: int) -> list[dict]:
    """The recorded raw answers judged again by today's checks, without running the model:
    the final answer is the checked one, or, when it fails or refuses where the reader is
    confident, the extractive answer (as ``Responder`` decides)."""
    by_id = {r.get("id"): r for r in rows}
    reader = app.responder
    out = []
    for rec in records:
        row = by_id[rec["id"]]
        if rec["asked_llm"]:
            hits = read_order(reader, row["question"])[:passages]
            checked = validate(rec["raw"], hits)
            ext_found = rec["extractive"]["found"]
            if checked is not None and (checked.found or not ext_found):
                rec = rec | {"generative": judge(checked, row) | {"note": None}}
            else:
                rec = rec | {"generative": rec["extractive"] | {"note": "fallback"}}
            rec |= checks(rec["raw"], hits) | {"checked_ok": checked is not None}
        out.append(rec)
    return out


def _rate(values: list[bool]) -> str:
    return f"{sum(values) / len(values):.3f}" if values else "—"


def report(records: list[dict]) -> None:
    ans = [r for r in records if r["answerable"]]
    una = [r for r in records if not r["answerable"]]
    print(f"\n{len(records)} questions ({len(ans)} answerable, {len(una)} unanswerable)")
    print("| figure | extractive | generative |\n|---|---|---|")
    for label, rows, key in (
        ("answerable correct", ans, "correct"),
        ("gold cited", ans, "cited_gold"),
        ("unanswerable refused", una, "correct"),
    ):
        print(
            f"| {label} | {_rate([r['extractive'][key] for r in rows])} "
            f"| {_rate([r['generative'][key] for r in rows])} |"
        )
    asked = [r for r in records if r["asked_llm"]]
    said = [r for r in asked if not r["refused"]]
    print(
        f"\nthe model was asked {len(asked)} times; it answered {len(said)}, refused "
        f"{len(asked) - len(said)}"
    )
    attributed = [r for r in said if r.get("attributed")]
    print(
        f"answers without any [n] attributed to a supporting passage: {len(attributed)} "
        f"({sum(r['raw_right'] for r in attributed)} of them right)"
    )
    for check in ("hard_ok", "paraphrase_ok"):
        right = [r for r in said if r["raw_right"]]
        wrong = [r for r in said if not r["raw_right"]]
        print(
            f"{check.removesuffix('_ok')} check rejects {sum(not r[check] for r in right)} of "
            f"{len(right)} right raw answers and {sum(not r[check] for r in wrong)} of "
            f"{len(wrong)} wrong ones"
        )
    for key in ("ttft_s", "total_s", "prompt_tokens"):
        vals = [r[key] for r in asked if r[key] is not None]
        if vals:
            print(f"{key}: median {statistics.median(vals):.1f}, max {max(vals):.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("eval", type=Path)
    parser.add_argument("--sample", type=int, default=None)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--passages", type=int, default=3)
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--rescore", type=Path, default=None, help="recorded rows: no model")
    args = parser.parse_args()
    settings = load_settings()
    if not settings.generative and not args.rescore:
        raise SystemExit("configure an LLM: VNQA_LLM_LOCAL=true, or VNQA_LLM_BASE_URL and _MODEL")
    _, rows = load_eval_set(args.eval)
    with App(settings) as app:
        app.warm_up()
        if args.rescore:
            recorded = [json.loads(x) for x in args.rescore.read_text().splitlines()]
            records = rescore(app, rows, recorded, args.passages)
        else:
            records = run(app, sample(rows, args.sample, args.seed), args.passages)
    if args.out:
        args.out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records))
    report(records)


if __name__ == "__main__":
    main()
