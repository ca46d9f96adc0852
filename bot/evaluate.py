"""``vnqa eval``: score question sets (answers with citations) and retrieval-only sets."""

from __future__ import annotations

import json
import statistics
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.answering.answer import Answer
from bot.answering.retrieval import HybridRetriever
from ingest.errors import InputError
from ingest.text.textnorm import normalize_text, strip_diacritics


def load_eval_set(path: Path) -> tuple[str, list[dict[str, Any]]]:
    """The rows of an eval file and its kind: 'qa' (question, answer) or 'retrieval' (gold_id)."""
    rows = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}") from exc
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError as exc:
            raise InputError(f"{path}:{n}: invalid JSON ({exc.msg}); fix the line") from exc
    if rows and all("gold_id" in r and "query" in r for r in rows):
        return "retrieval", rows
    if rows and all("question" in r for r in rows):
        return "qa", rows
    raise InputError(
        f"{path}: expected lines with 'question' (and 'answer', 'gold_sources', "
        "'type') or with 'query' and 'gold_id'"
    )


# ---------------------------------------------------------------- retrieval


@dataclass(frozen=True)
class RetrievalScore:
    """MRR@k and recall@k of article-level retrieval."""

    mode: str
    diacritics: bool
    mrr: float
    recall: float
    queries: int


def rank_articles(retriever: HybridRetriever, query: str, k: int) -> list[str]:
    """Distinct article ids in retrieval order, at most ``k``."""
    hits, _ = retriever.retrieve(query, k=k * 3)
    return list(dict.fromkeys(h.article.doc_id for h in hits))[:k]


def score_retrieval(
    retriever: HybridRetriever, rows: list[dict], *, diacritics: bool = True, k: int = 10
) -> RetrievalScore:
    """MRR@k and recall@k with queries as written or stripped of diacritics."""
    reciprocal, found = [], 0
    for row in rows:
        query = row["query"] if diacritics else strip_diacritics(row["query"])
        ranked = rank_articles(retriever, query, k)
        rank = ranked.index(row["gold_id"]) + 1 if row["gold_id"] in ranked else 0
        reciprocal.append(1 / rank if rank else 0.0)
        found += bool(rank)
    return RetrievalScore(
        retriever.mode, diacritics, statistics.fmean(reciprocal), found / len(rows), len(rows)
    )


def retrieval_table(
    retriever: HybridRetriever,
    rows: list[dict],
    modes: tuple[str, ...] = ("dense", "lexical", "hybrid"),
) -> list[RetrievalScore]:
    """Scores of each retrieval mode, with the queries as written and without diacritics."""
    return [
        score_retrieval(retriever.model_copy(update={"mode": mode}), rows, diacritics=diacritics)
        for mode in modes
        for diacritics in (True, False)
    ]


# ---------------------------------------------------------------- question answering


def _norm(text: str) -> str:
    return strip_diacritics(normalize_text(text)).lower()


def answer_correct(answer: Answer, gold: dict[str, list[str]]) -> bool:
    """Gold phrases in the answer: one of ``any``, or every one of ``all``."""
    text = _norm(answer.text)
    if gold.get("all"):
        return all(_norm(p) in text for p in gold["all"])
    return any(_norm(p) in text for p in gold.get("any", []))


@dataclass
class QAReport:
    """Aggregate and per-type results of a QA eval."""

    rows: list[dict[str, Any]] = field(default_factory=list)

    def add(self, row: dict, answer: Answer, seconds: float, quote_ok: Callable) -> None:
        in_corpus = bool(row.get("gold_sources"))
        cited = {Path(c.source.split("#")[0]).name for c in answer.citations}
        self.rows.append(
            {
                "id": row.get("id"),
                "type": row.get("type", "fact"),
                "in_corpus": in_corpus,
                "correct": answer.found and answer_correct(answer, row.get("answer") or {})
                if in_corpus
                else not answer.found,
                "cited_gold": bool(cited & set(row.get("gold_sources", []))) if in_corpus else None,
                "refusal_ok": (not answer.found) if not in_corpus else answer.found,
                "verbatim": all(quote_ok(c) for c in answer.citations),
                "seconds": seconds,
                "answer": answer.text,
            }
        )

    def summary(self) -> dict[str, Any]:
        """Rates overall and per type, latency p50/p95 in ms."""

        def rate(rows: Iterable[dict], key: str) -> float | None:
            vals = [r[key] for r in rows if r[key] is not None]
            return round(sum(vals) / len(vals), 3) if vals else None

        by_type: dict[str, list[dict]] = defaultdict(list)
        for r in self.rows:
            by_type[r["type"]].append(r)
        ms = sorted(r["seconds"] * 1000 for r in self.rows)
        return {
            "questions": len(self.rows),
            "answer_correct": rate(self.rows, "correct"),
            "gold_source_cited": rate(self.rows, "cited_gold"),
            "refusals_correct": rate(self.rows, "refusal_ok"),
            "verbatim_quotes": rate(self.rows, "verbatim"),
            "per_type": {
                t: {"n": len(rs), "correct": rate(rs, "correct")}
                for t, rs in sorted(by_type.items())
            },
            "latency_ms_p50": round(_percentile(ms, 50), 1),
            "latency_ms_p95": round(_percentile(ms, 95), 1),
        }


def _percentile(sorted_values: list[float], pct: float) -> float:
    if not sorted_values:
        return 0.0
    index = min(len(sorted_values) - 1, max(0, round(pct / 100 * len(sorted_values) + 0.5) - 1))
    return sorted_values[index]


def score_qa(ask: Callable[[str], Answer], rows: list[dict], quote_ok: Callable) -> QAReport:
    """Ask every question and grade the answers."""
    report = QAReport()
    for row in rows:
        t0 = time.perf_counter()
        answer = ask(row["question"])
        report.add(row, answer, time.perf_counter() - t0, quote_ok)
    return report
