"""``vnqa eval``: a question set (answers, citations, refusals) or a retrieval set scored."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from bot.frontends.cli_answer import _open
from bot.frontends.cli_common import err, out, show

if TYPE_CHECKING:
    from bot.answering.responder import Responder
    from ingest.store.port import StoreReader


def evaluate(
    file: Annotated[
        Path,
        typer.Argument(help="A .jsonl eval set: questions with answers, or queries with gold_id."),
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print the scores as JSON.")] = False,
) -> None:
    """Score a question set (answers, citations, refusals) or a retrieval set (MRR, recall)."""
    from bot.evaluate import load_eval_set

    kind, rows = load_eval_set(file)
    with _open() as app:
        if kind == "retrieval":
            result = _eval_retrieval(app.responder, rows)
        else:
            result = _eval_qa(app.responder, app.store, rows)
    if as_json:
        out.print_json(json.dumps(result, ensure_ascii=False))
    else:
        _print_eval(result)


def _eval_qa(responder: Responder, store: StoreReader, rows: list[dict]) -> dict:
    from bot.evaluate import score_qa

    def quote_ok(citation) -> bool:
        article = store.article(citation.doc_id)
        return article is not None and (
            citation.quote in article.text or citation.quote in (article.title, article.author)
        )

    report = score_qa(responder.answer, rows, quote_ok)
    failures = [r for r in report.rows if not r["correct"]]
    return {
        "kind": "qa",
        **report.summary(),
        "failures": [{"id": r["id"], "answer": r["answer"][:200]} for r in failures],
    }


def _eval_retrieval(responder: Responder, rows: list[dict]) -> dict:
    from bot.evaluate import retrieval_table

    table = [
        {
            "mode": s.mode,
            "diacritics": s.diacritics,
            "mrr@10": round(s.mrr, 3),
            "recall@10": round(s.recall, 3),
        }
        for s in retrieval_table(responder.retriever, rows)
    ]
    fusion = responder.retriever.fusion
    return {"kind": "retrieval", "queries": len(rows), "fusion": fusion, "results": table}


def _print_eval(result: dict) -> None:
    if result["kind"] == "retrieval":
        out.print(f"{result['queries']} queries, fusion {result['fusion']}")
        out.print(f"{'mode':8} {'diacritics':10} {'MRR@10':>7} {'R@10':>6}")
        for r in result["results"]:
            out.print(
                f"{r['mode']:8} {'yes' if r['diacritics'] else 'no':10} "
                f"{r['mrr@10']:7.3f} {r['recall@10']:6.3f}"
            )
        return
    for key in (
        "questions",
        "answer_correct",
        "gold_source_cited",
        "refusals_correct",
        "verbatim_quotes",
        "answerable_correct",
        "unanswerable_refused",
        "false_refusals",
        "token_f1",
        "token_f1_answered",
        "median_answer_words",
        "latency_ms_p50",
        "latency_ms_p95",
    ):
        out.print(f"{key:20} {result[key]}")
    for kind, r in result["per_type"].items():
        out.print(f"  {kind:16} n={r['n']:<3} correct={r['correct']}")
    for f in result["failures"]:
        show(err, (f"✗ {f['id']}", "yellow"), f": {f['answer']}")
