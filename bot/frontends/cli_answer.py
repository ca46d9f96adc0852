"""``vnqa ask`` and ``vnqa chat``: thin adapters over one Responder."""

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
    NO_ANSWER_TO_VOTE,
    NO_SOURCES,
    PUBLISHED,
    QUOTE,
    SOURCE,
    SOURCES_HEADING,
    THANKS,
)
from ingest.errors import InputError

if TYPE_CHECKING:
    from bot.answering.answer import Answer
    from bot.app import App
    from ingest.models import SearchFilter


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
        votes = _ChatVotes(app)
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
            elif line.startswith((":+", ":-")):
                err.print(votes.vote(line))
            elif line:
                answer = _answer_streamed(session.ask, app, app.responder.answer, line, filt)
                print_answer(answer)
                votes.keep(line, answer)
        votes.close()


class _ChatVotes:
    """':+' and ':- reason' after an answer: the same records Telegram's buttons keep, the
    user being this machine's user (hashed)."""

    def __init__(self, app: App) -> None:
        import getpass

        kept = app.feedback()
        self.store, keys = kept if kept else (None, None)
        self.user = keys.user(f"cli:{getpass.getuser()}") if keys else ""
        self.last: int | None = None

    def keep(self, asked: str, answer: Answer) -> None:
        if self.store is not None:
            self.last = self.store.give(asked, answer, "cli")

    def vote(self, line: str) -> str:
        if self.store is None or self.last is None:
            return NO_ANSWER_TO_VOTE
        down, reason = line.startswith(":-"), line[2:].strip()
        self.store.vote(self.last, self.user, -1 if down else 1)
        if down and reason:
            self.store.reason(self.last, self.user, reason)
        return THANKS

    def close(self) -> None:
        if self.store is not None:
            self.store.close()


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
