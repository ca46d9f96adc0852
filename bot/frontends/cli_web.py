"""``vnqa sources`` and ``vnqa watch``: the sites to follow, and polling them."""

from __future__ import annotations

import json
import logging
import signal
import time
from typing import TYPE_CHECKING, Annotated

import typer

from bot.frontends.cli_common import err, out, settings_from_env, show
from ingest.errors import InputError

if TYPE_CHECKING:
    from ingest.pipeline import IngestSummary

log = logging.getLogger(__name__)
sources_app = typer.Typer(
    help="Feeds, sitemaps and sites to follow (polled by 'vnqa watch').",
    no_args_is_help=True,
    add_completion=False,
)
Url = Annotated[str, typer.Argument(help="An RSS or Atom feed, a sitemap, or a site's front page.")]


def _checked(url: str) -> str:
    from ingest.web.urls import canonical, is_url

    if not is_url(url):
        raise InputError(f"{url!r} is not an http(s) URL; give a feed's or a site's full address")
    return canonical(url)


@sources_app.command("add")
def add(url: Url) -> None:
    """Follow a feed, a sitemap (or sitemap index) or a site whose front page links a feed."""
    from bot.app import App
    from ingest.web.fetch import FEED_TYPES

    url = _checked(url)
    with App(settings_from_env(), readonly=False) as app, app.web() as web:
        fetched = web.fetcher.fetch(url, kinds=FEED_TYPES)
        links, kind, error = web.listed(url, fetched)
        if fetched.ok and error:  # it answered, with something that lists no articles
            raise InputError(f"{url}: {error}; give the address of its RSS feed or sitemap")
        added = web.state.add_source(url, kind)
    state = "following" if added else "already following"
    if error:
        show(err, (f"{url} cannot be read now ({error}); it is followed all the same", "yellow"))
        out.print(f"{state} {url}")
    else:
        out.print(f"{state} {url} ({kind}, {len(links)} articles listed)")


@sources_app.command("list")
def list_sources(
    as_json: Annotated[bool, typer.Option("--json", help="One JSON array.")] = False,
) -> None:
    """The sources followed: kind, last poll, last success, articles, last error."""
    from dataclasses import asdict

    from bot.app import App

    with App(settings_from_env()) as app:
        sources = app.sources()
    if as_json:
        rows = [{k: v for k, v in asdict(s).items() if k != "validators"} for s in sources]
        out.print_json(json.dumps(rows, ensure_ascii=False))
        return
    if not sources:
        out.print("no sources followed; add one with: vnqa sources add URL")
    for s in sources:
        show(out, (s.url, "bold"), f"  {s.kind or '?'} · {s.articles} articles")
        out.print(f"    last poll {s.last_poll or '—'} · last success {s.last_ok or '—'}")
        if s.last_error:
            show(out, (f"    last error: {s.last_error}", "yellow"))


@sources_app.command("remove")
def remove(url: Url) -> None:
    """Stop following a source (its articles stay in the store)."""
    from bot.app import App

    url = _checked(url)
    with App(settings_from_env(), readonly=False) as app, app.web() as web:
        removed = web.state.remove_source(url)
    if not removed:
        raise InputError(f"{url} is not followed; 'vnqa sources list' shows those that are")
    out.print(f"no longer following {url}")


def watch(
    once: Annotated[bool, typer.Option("--once", help="Poll once, then stop.")] = False,
) -> None:
    """Poll the followed sources every VNQA_WATCH_INTERVAL; new and changed articles are
    ingested. Ctrl-C or SIGTERM stops it at once: what was written is kept, and the next
    poll completes the rest."""
    from bot.app import App
    from bot.frontends.cli import _interrupt, _RichProgress

    settings = settings_from_env()
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        while True:
            with App(settings, readonly=False) as app:
                if not app.sources():
                    raise InputError("no sources followed; add one with: vnqa sources add URL")
                progress = _RichProgress()
                try:
                    summary = app.poll(progress)
                finally:
                    progress.stop()
            _report(summary)
            if once or summary.interrupted:
                break
            time.sleep(settings.watch.interval)
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)


def _report(s: IngestSummary) -> None:
    """One line a poll, for the terminal and for logs; its problems after it."""
    line = (
        f"poll: {s.new} new, {s.updated} updated, {s.unchanged} unchanged, "
        f"{s.not_modified} not modified, {s.duplicates} duplicate, {s.failed} failed "
        f"({s.fetched} pages fetched, {s.chunks} chunks, {s.seconds:.1f} s)"
    )
    out.print(line)
    log.info("%s", line)
    for problem in s.problems[:20]:
        show(err, ("•", "yellow"), f" {problem}", soft_wrap=True)
