"""``vnqa stats``: what the store holds, its sources and votes, and whether it is whole."""

from __future__ import annotations

import dataclasses
import json
from typing import Annotated

import typer

from bot.frontends.cli_common import err, out, settings_from_env, show


def stats(
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    check: Annotated[
        bool,
        typer.Option("--check", help="Check that vectors and full text match; exit 1 if not."),
    ] = False,
) -> None:
    """What the store holds: articles, chunks, sites, dates, model, location and size."""
    from bot.app import App, embedding_model_name

    settings = settings_from_env()
    with App(settings) as app:
        store = app.store
        if check:
            store.verify()
        info = store.stats() | {
            "embedding_model": embedding_model_name(settings),
            "location": settings.chroma_url or str(settings.data_dir),
            "sources": [
                {k: v for k, v in dataclasses.asdict(s).items() if k != "validators"}
                for s in app.sources()
            ],
            "votes": app.votes(),
        }
        consistency = store.check() if check else None
    if consistency is not None:
        info["consistency"] = dataclasses.asdict(consistency) | {"ok": consistency.ok}
    if as_json:
        out.print_json(json.dumps(info, ensure_ascii=False))
    else:
        _print_stats(info)
    if consistency is not None and not consistency.ok:
        raise typer.Exit(1)


def _print_stats(info: dict) -> None:
    dates = "—"
    if info["published_min"]:
        dates = f"{info['published_min'][:10]} → {info['published_max'][:10]}"
    sites = ", ".join(info["sites"][:10]) or "—"
    bold = "bold"
    show(
        out,
        ("articles", bold),
        f": {info['articles']}   ",
        ("chunks", bold),
        f": {info['chunks']} ({info['vectors']} vectors)",
        ("  an ingest is writing: the counts may differ until it ends", "yellow")
        if info.get("writing")
        else "",
    )
    show(out, ("dates", bold), f": {dates} ({info['undated']} undated)")
    show(out, ("sites", bold), f": {len(info['sites'])} ({sites})")
    show(
        out,
        ("embedding model", bold),
        f": {info['embedding_model']} (collection {info['collection']})",
    )
    show(out, ("store", bold), f": {info['location']}, {info['size_bytes'] / 2**20:.1f} MiB")
    show(out, ("full-text engine", bold), f": {info['lexical_engine']}")
    if info["votes"]["answers"]:
        v = info["votes"]
        show(out, ("votes", bold), f": {v['up']} up, {v['down']} down, "
             f"{v['voted_share']:.0%} of {v['answers']} answers voted on")  # fmt: skip
    for s in info["sources"]:
        show(out, ("source", bold), f": {s['url']} ({s['kind'] or '?'}), {s['articles']} articles,"
             f" last poll {s['last_poll'] or '—'}, last success {s['last_ok'] or '—'}"
             + (f", last error: {s['last_error']}" if s["last_error"] else ""))  # fmt: skip
    if "consistency" in info:
        c = info["consistency"]
        verdict = ("consistent", "green") if c["ok"] else ("INCONSISTENT", "red")
        show(
            out,
            ("check", bold),
            ": ",
            verdict,
            f": {c['missing_vectors']} chunks without a vector, "
            f"{c['orphan_vectors']} vectors without a chunk, {c['fts_mismatch']} full-text "
            f"mismatches, {c['lexical_mismatch']} tantivy mismatches, {c['pending']} "
            "half-written",
        )
        for hint in _repairs(c, info):
            show(err, (hint, "yellow"), soft_wrap=True)
    if info["pending"]:
        show(
            err,
            (
                f"{info['pending']} articles were left half-written by an interrupted "
                "ingest; the next 'vnqa ingest' repairs them",
                "yellow",
            ),
        )


def _repairs(c: dict, info: dict) -> list[str]:
    """What to run for each kind of problem a check found."""
    hints = []
    if c["missing_vectors"] or c["orphan_vectors"]:
        hints.append("to embed the missing vectors again and drop the stray ones: vnqa reindex")
    if c["lexical_mismatch"]:
        hints.append(
            "to rebuild the full-text index from the catalog: delete the folder "
            f"index/{info['collection']}.tantivy in the data dir, then run vnqa reindex"
        )
    if c["fts_mismatch"]:
        hints.append("the catalog's full-text rows disagree: restore the data dir from a backup")
    return hints
