"""``vnqa ask``, ``vnqa chat`` and ``vnqa eval``: thin adapters over one Responder."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from bot.frontends.cli_common import err, out, settings_from_env, show
from bot.frontends.strings import (
    AUTHOR,
    CHAT_BANNER,
    NEW_CONVERSATION,
    NO_SOURCES,
    PUBLISHED,
    QUOTE,
    SOURCE,
    SOURCES_HEADING,
)
from ingest.errors import InputError

if TYPE_CHECKING:
    from bot.answering.answer import Answer
    from bot.answering.responder import Responder
    from bot.app import App
    from ingest.models import SearchFilter
    from ingest.store.port import StoreReader


def _date(value: str | None, name: str) -> datetime | None:
    from ingest.sources.dates import parse_date

    if value is None:
        return None
    parsed = parse_date(value)
    if parsed is None:
        raise InputError(f"{name} {value!r} is not a date; use 2021-01-19 or 19/01/2021")
    return parsed


def stdin_lines() -> Iterator[str]:
    """Standard input's lines as UTF-8; bytes that are not UTF-8 become '�', and say so."""
    for n, raw in enumerate(sys.stdin.buffer, start=1):
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError:
            line = raw.decode("utf-8", errors="replace")
            show(
                err,
                (f"line {n} of standard input is not UTF-8: its bad bytes read as '�'", "yellow"),
            )
        yield line.rstrip("\r\n")


def _open(k: int | None = None) -> App:
    """The process's App over a read-only store, warmed up (``k``: passages to cite)."""
    from bot.app import App

    settings = settings_from_env()
    if k is not None:
        settings = settings.model_copy(update={"top_k": k})
    app = App(settings)
    app.warm_up()
    return app


def _filter(
    since: str | None, until: str | None, site: str | None, source: str | None
) -> SearchFilter | None:
    from ingest.models import SearchFilter

    filt = SearchFilter(_date(since, "--since"), _date(until, "--until"), site, source)
    return filt or None


def print_answer(answer: Answer) -> None:
    """The answer, then its numbered sources, for an 80-column terminal."""
    from bot.answering.answer import defuse_markers

    show(out, (answer.text, "" if answer.found else "yellow"), soft_wrap=False)
    if answer.note:
        show(err, (f"({answer.note})", "dim"))
    if answer.citations:
        out.print()
        show(out, (SOURCES_HEADING, "bold"))
    for c in answer.citations:
        when = f" — {c.published:%d/%m/%Y}" if c.published else ""
        where = c.site or (c.source if "://" in c.source else Path(c.source.split("#")[0]).name)
        show(out, (f"[{c.n}]", "bold"), f" {defuse_markers(c.title)}{when} — {where}")
        before, span, after = (defuse_markers(p) for p in c.parts())
        if span:  # the short answer, highlighted in its sentence
            show(out, "    ", (f"“{before}", "dim"), (span, "bold yellow"), (f"{after}”", "dim"))
        elif before not in answer.text:  # an extractive answer already is the quote
            show(out, "    ", (f"“{before}”", "dim"))


class StreamPrinter:
    """Shows a generative answer's text on stderr as the model writes it (dim: unchecked);
    the checked answer with its sources follows on stdout."""

    def __init__(self) -> None:
        self.shown = ""

    def __call__(self, text: str) -> None:
        delta = text[len(self.shown) :] if text.startswith(self.shown) else "\n" + text
        self.shown = text
        err.print(delta, style="dim", end="", markup=False, highlight=False, soft_wrap=True)

    def done(self) -> None:
        """End the streamed line, ready for the next answer."""
        if self.shown:
            err.print()
        self.shown = ""


def _answer_streamed(answer: Callable[..., Answer], app: App, *args: object) -> Answer:
    """``answer(*args, on_text)``, streamed to the terminal when an LLM writes it."""
    if not app.settings.generative:
        return answer(*args)
    printer = StreamPrinter()
    try:
        return answer(*args, on_text=printer)
    finally:
        printer.done()


Since = Annotated[str | None, typer.Option(help="Only articles published on or after this date.")]
Until = Annotated[str | None, typer.Option(help="Only articles published on or before this date.")]
Site = Annotated[str | None, typer.Option(help="Only articles from this site.")]
Source = Annotated[str | None, typer.Option(help="Only articles whose source contains this.")]
TopK = Annotated[
    int | None, typer.Option("-k", "--top-k", min=1, max=50, help="Passages to retrieve.")
]


def ask(
    question: Annotated[
        str, typer.Argument(help="The question, or '-' to read one per line from standard input.")
    ],
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per question.")] = False,
    since: Since = None,
    until: Until = None,
    site: Site = None,
    source: Source = None,
    k: TopK = None,
) -> None:
    """Answer a question from the articles, with numbered sources."""
    filt = _filter(since, until, site, source)
    with _open(k) as app:
        responder = app.responder
        questions = stdin_lines() if question == "-" else [question]
        for q in questions:
            if as_json:  # one object per question, never streamed
                answer = responder.answer(q, filt=filt)
            else:
                answer = _answer_streamed(responder.answer, app, q, (), filt)
            if as_json:
                sys.stdout.write(json.dumps(answer.to_json(q), ensure_ascii=False) + "\n")
                sys.stdout.flush()
            else:
                print_answer(answer)


def chat(
    since: Since = None,
    until: Until = None,
    site: Site = None,
    source: Source = None,
    k: TopK = None,
) -> None:
    """Ask questions one after another; follow-ups use the conversation. Ctrl-D to leave."""
    from bot.answering.session import Session

    filt = _filter(since, until, site, source)
    with _open(k) as app:
        session = Session(max_turns=app.settings.history_turns)
        err.print(CHAT_BANNER)
        while True:
            try:
                line = input("\n> ").strip()
            except EOFError:
                break
            if line in ("/new", "/moi"):
                session.new()
                err.print(NEW_CONVERSATION)
            elif line == "/sources":
                _print_sources(session.last)
            elif line:
                print_answer(_answer_streamed(session.ask, app, app.responder.answer, line, filt))


def _print_sources(answer: Answer | None) -> None:
    from bot.answering.answer import defuse_markers

    if answer is None or not answer.citations:
        err.print(NO_SOURCES)
        return
    for c in answer.citations:
        show(out, (f"[{c.n}]", "bold"), f" {defuse_markers(c.title)}")
        if c.published:
            out.print("    " + PUBLISHED.format(when=f"{c.published:%d/%m/%Y %H:%M}"))
        if c.author:
            out.print("    " + AUTHOR.format(author=c.author))
        out.print("    " + SOURCE.format(source=c.source))
        out.print("    " + QUOTE.format(quote=defuse_markers(c.quote)))


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
