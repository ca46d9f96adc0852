"""Answers as Telegram HTML: everything escaped, split under the length limit between blocks."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlparse

from bot.answering.answer import Answer, Citation, defuse_markers
from bot.frontends.strings import AUTHOR, NO_SOURCES_YET, SOURCE, SOURCES_HEADING
from ingest.text.sentences import sentences

LIMIT = 4096  # Telegram's maximum message length, in UTF-16 code units
# Source lines are shortened so that each fits in a message with room to spare.
MAX_TITLE_CHARS = 300
MAX_FIELD_CHARS = 200  # an author or a file name
MAX_LINK_CHARS = 2000  # a longer URL is shown as its site, not linked
MAX_CONTEXT_CHARS = 600  # of the quoted sentence on each side of a short answer


def plain(message: str) -> str:
    """An HTML message as the plain text it shows (tags dropped, entities read)."""
    return html.unescape(re.sub(r"<[^>]+>", "", message))


def units(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units (an emoji is two)."""
    return len(text.encode("utf-16-le")) // 2


def shorten(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, with an ellipsis when it was longer."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


@dataclass(frozen=True)
class Block:
    """One paragraph of plain text, rendered with at most one style or link."""

    text: str
    style: str = ""  # "", "b" or "i"
    link: str | None = None

    def render(self) -> str:
        body = html.escape(self.text, quote=False)
        if self.link:
            body = f'<a href="{html.escape(self.link)}">{body}</a>'
        return f"<{self.style}>{body}</{self.style}>" if self.style else body


def _pieces(block: Block, limit: int) -> list[Block]:
    """The block cut at sentence (then word, then character) boundaries to render ≤ limit."""
    if units(block.render()) <= limit:
        return [block]
    parts = sentences(block.text)
    if len(parts) <= 1:
        words = block.text.split(" ")
        if len(words) > 1:
            half = len(words) // 2
            parts = [" ".join(words[:half]), " ".join(words[half:])]
        else:
            half = len(block.text) // 2
            parts = [block.text[:half], block.text[half:]]
    out: list[Block] = []
    for part in parts:
        out.extend(_pieces(Block(part, block.style, block.link), limit))
    return out


def pack(blocks: Iterable[Block], limit: int = LIMIT) -> list[str]:
    """Messages of whole rendered blocks joined by blank lines, each at most ``limit`` long."""
    messages: list[str] = []
    current = ""
    for block in blocks:
        for piece in _pieces(block, limit):
            rendered = piece.render()
            joined = f"{current}\n\n{rendered}" if current else rendered
            if units(joined) <= limit:
                current = joined
            else:
                messages.append(current)
                current = rendered
    if current:
        messages.append(current)
    return messages


def _when(c: Citation) -> str:
    return f" — {c.published:%d/%m/%Y}" if c.published else ""


def _link(c: Citation) -> str | None:
    url = c.source
    return url if url.startswith(("http://", "https://")) and len(url) <= MAX_LINK_CHARS else None


def _source_line(c: Citation) -> list[Block]:
    link = _link(c)
    site = c.site or (urlparse(c.source).hostname if "://" in c.source else None)
    where = f" — {shorten(site, MAX_FIELD_CHARS)}" if site and not link else ""
    title = shorten(defuse_markers(c.title), MAX_TITLE_CHARS)
    return [Block(f"[{c.n}] "), Block(title, link=link), Block(f"{_when(c)}{where}")]


def _inline(blocks: list[Block]) -> str:
    return "".join(b.render() for b in blocks)


def highlighted(c: Citation) -> str:
    """The quoted sentence in italics with the short answer in it in bold."""
    before, span, after = (defuse_markers(p) for p in c.parts())
    if len(before) > MAX_CONTEXT_CHARS:
        before = "…" + before[-MAX_CONTEXT_CHARS:].lstrip()
    quote = [
        Block(f"“{before}", "i"),
        Block(span, "b"),
        Block(f"{shorten(after, MAX_CONTEXT_CHARS)}”", "i"),
    ]
    return _inline([b for b in quote if b.text])


def answer_messages(answer: Answer, limit: int = LIMIT) -> list[str]:
    """The answer text (a short answer: then its sentence, the answer in bold), then a short
    'Nguồn' list: title (linked when a URL) and date."""
    messages = pack([Block(answer.text)], limit)
    if answer.span and answer.citations and answer.citations[0].highlight:
        messages = _append_lines(messages, [highlighted(answer.citations[0])], limit)
    if answer.citations:
        messages = _append_lines(messages, ["\n" + Block(SOURCES_HEADING, "b").render()], limit)
    lines = [_inline(_source_line(c)) for c in answer.citations]
    return _append_lines(messages, lines, limit)


def compact_messages(answer: Answer, limit: int = LIMIT) -> list[str]:
    """The answer with its [n] markers, then one line a source: title (linked), date. The
    quotes wait behind the '📄 Trích dẫn' button (``with_quotes``)."""
    messages = pack([Block(answer.text)], limit)
    lines = [_inline(_source_line(c)) for c in answer.citations]
    return _append_lines(messages, lines, limit)


def with_quotes(message: str, answer: Answer, limit: int = LIMIT) -> str:
    """``message`` (an answer's last message) with every source's quote below it, the short
    answer in bold, shortened to stay within one message."""
    quotes = "\n".join(f"[{c.n}] {highlighted(c)}" for c in answer.citations)
    room = limit - units(message) - 2
    if units(quotes) > room:
        each = max(40, room // max(len(answer.citations), 1) - 20)
        quotes = "\n".join(
            f"[{c.n}] " + Block(shorten(c.quote, each), "i").render() for c in answer.citations
        )
    return f"{message}\n\n{quotes}" if units(quotes) <= room else message


def sources_messages(answer: Answer | None, limit: int = LIMIT) -> list[str]:
    """Every source of an answer in full, with its quoted sentence."""
    if answer is None or not answer.citations:
        return [NO_SOURCES_YET]
    entries = []
    for c in answer.citations:
        head = _inline(_source_line(c))
        if c.author:
            head += "\n" + Block(AUTHOR.format(author=shorten(c.author, MAX_FIELD_CHARS))).render()
        if not c.source.startswith(("http://", "https://")):
            name = shorten(c.source.rsplit("/", 1)[-1], MAX_FIELD_CHARS)
            head += "\n" + Block(SOURCE.format(source=name)).render()
        entries.append(head)
        entries.extend(pack([Block(f"“{defuse_markers(c.quote)}”", style="i")], limit))
    return _append_lines([], entries, limit)


def _append_lines(messages: list[str], lines: list[str], limit: int) -> list[str]:
    """Add already-rendered lines (each under the limit) to the last message or new ones."""
    out = list(messages)
    for line in lines:
        if out and units(out[-1]) + 1 + units(line) <= limit:
            out[-1] = f"{out[-1]}\n{line}"
        else:
            out.append(line)
    return out
