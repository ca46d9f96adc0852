"""``vnqa eval``: score question sets (answers with citations) and retrieval-only sets."""

from __future__ import annotations

import json
import re
import statistics
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.answering.answer import Answer
from bot.answering.evidence.retrieval import HybridRetriever
from ingest.errors import InputError
from ingest.text.textnorm import normalize_text, strip_diacritics

# The fields of each kind of eval line, and the type each must have when present.
_QA_FIELDS = {"question": str, "answer": dict, "gold_sources": list, "type": str}
_RETRIEVAL_FIELDS = {"query": str, "gold_id": str}


def load_eval_set(path: Path) -> tuple[str, list[dict[str, Any]]]:
    """The rows of an eval file and its kind: 'qa' (question, answer) or 'retrieval' (gold_id),
    each line checked as ingest checks records: a bad one is named by file, line and field."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or "not UTF-8 text"
        raise InputError(f"cannot read {path}: {reason}") from None
    rows: list[tuple[int, Any]] = []
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            rows.append((n, json.loads(line)))
        except json.JSONDecodeError as exc:
            raise InputError(f"{path}:{n}: invalid JSON ({exc.msg}); fix the line") from None
    objects = [r for _, r in rows if isinstance(r, dict)]
    kind = "retrieval" if objects and all("gold_id" in r for r in objects) else "qa"
    fields = _RETRIEVAL_FIELDS if kind == "retrieval" else _QA_FIELDS
    for n, row in rows:
        _check_row(row, fields, f"{path}:{n}")
    if not rows:
        raise InputError(f"{path} holds no questions: expected one JSON object a line")
    return kind, [r for _, r in rows]


def _check_row(row: Any, fields: dict[str, type], where: str) -> None:
    """An InputError naming the line and the field that is missing or of the wrong type."""
    example = '{"question": "…", "answer": {"any": ["…"]}, "gold_sources": ["…"]}'
    if not isinstance(row, dict):
        raise InputError(f"{where}: expected a JSON object like {example}")
    first = next(iter(fields))
    required = [first] + (["gold_id"] if "gold_id" in fields else [])
    for name in required:
        if not isinstance(row.get(name), str) or not row[name].strip():
            raise InputError(f"{where}: field '{name}' must be a non-empty string; fix the line")
    for name, kind in fields.items():
        if name in row and row[name] is not None and not isinstance(row[name], kind):
            raise InputError(
                f"{where}: field '{name}' must be a {kind.__name__}, not {row[name]!r}"
            )
    answer = row.get("answer") or {}
    for key in ("any", "all"):
        phrases = answer.get(key, [])
        if not isinstance(phrases, list) or not all(isinstance(p, str) for p in phrases):
            raise InputError(f"{where}: field 'answer.{key}' must be a list of strings")
    sources = row.get("gold_sources") or []
    if not all(isinstance(p, str) for p in sources):
        raise InputError(f"{where}: field 'gold_sources' must be a list of file names")


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


_MARKER = re.compile(r"\[\d+(?:,\s*\d+)*\]")


def answer_tokens(text: str) -> list[str]:
    """Lower-case words of an answer without its [n] markers and punctuation."""
    return re.findall(r"\w+", normalize_text(_MARKER.sub(" ", text)).lower())


def token_f1(answer: str, golds: list[str]) -> float:
    """SQuAD-style token F1 of an answer against its best gold phrase (syllables, accents kept)."""
    got = answer_tokens(answer)
    best = 0.0
    for gold in golds:
        want = answer_tokens(gold)
        common = sum((Counter(got) & Counter(want)).values())
        if common:
            precision, recall = common / len(got), common / len(want)
            best = max(best, 2 * precision * recall / (precision + recall))
    return best


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
        gold = row.get("answer") or {}
        phrases = (gold.get("any") or []) + ([" ".join(gold["all"])] if gold.get("all") else [])
        f1 = token_f1(answer.text, phrases) if answer.found else 0.0
        self.rows.append(
            {
                "id": row.get("id"),
                "type": row.get("type", "fact"),
                "in_corpus": in_corpus,
                "correct": answer.found and answer_correct(answer, gold)
                if in_corpus
                else not answer.found,
                "cited_gold": bool(cited & set(row.get("gold_sources", []))) if in_corpus else None,
                "refusal_ok": (not answer.found) if not in_corpus else answer.found,
                "verbatim": all(quote_ok(c) for c in answer.citations),
                "f1": f1 if in_corpus and answer.found else None,
                "f1_all": f1 if in_corpus else None,
                "words": len(answer_tokens(answer.text)) if answer.found else None,
                "false_refusal": (not answer.found) if in_corpus else None,
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
            "answerable_correct": rate([r for r in self.rows if r["in_corpus"]], "correct"),
            "unanswerable_refused": rate([r for r in self.rows if not r["in_corpus"]], "correct"),
            "false_refusals": rate(self.rows, "false_refusal"),
            "token_f1": _mean_pct(self.rows, "f1_all"),
            "token_f1_answered": _mean_pct(self.rows, "f1"),
            "median_answer_words": _median(self.rows, "words"),
            "per_type": {
                t: {"n": len(rs), "correct": rate(rs, "correct")}
                for t, rs in sorted(by_type.items())
            },
            "latency_ms_p50": round(_percentile(ms, 50), 1),
            "latency_ms_p95": round(_percentile(ms, 95), 1),
        }


def _mean_pct(rows: list[dict], key: str) -> float | None:
    """Mean of a 0..1 figure over the rows that have it, as a percentage."""
    vals = [r[key] for r in rows if r[key] is not None]
    return round(100 * statistics.fmean(vals), 1) if vals else None


def _median(rows: list[dict], key: str) -> float | None:
    vals = [r[key] for r in rows if r[key] is not None]
    return statistics.median(vals) if vals else None


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
