"""Answers as Telegram HTML: everything escaped, split under the length limit between blocks."""

from __future__ import annotations

import html
from collections.abc import Iterable
from dataclasses import dataclass

from bot.answer import Answer, Citation
from ingest.sentences import sentences

LIMIT = 4096  # Telegram's maximum message length


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
    if len(block.render()) <= limit:
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
            if len(joined) <= limit:
                current = joined
            else:
                messages.append(current)
                current = rendered
    if current:
        messages.append(current)
    return messages


def _when(c: Citation) -> str:
    return f" — {c.published:%d/%m/%Y}" if c.published else ""


def _source_line(c: Citation) -> list[Block]:
    link = c.source if c.source.startswith(("http://", "https://")) else None
    where = "" if link else f" — {c.site}" if c.site else ""
    return [Block(f"[{c.n}] "), Block(c.title, link=link), Block(f"{_when(c)}{where}")]


def _inline(blocks: list[Block]) -> str:
    return "".join(b.render() for b in blocks)


def answer_messages(answer: Answer, limit: int = LIMIT) -> list[str]:
    """The answer text, then a short 'Nguồn' list: title (linked when a URL) and date."""
    blocks = [Block(answer.text)]
    if answer.citations:
        blocks.append(Block("Nguồn", style="b"))
    messages = pack(blocks, limit)
    lines = [_inline(_source_line(c)) for c in answer.citations]
    return _append_lines(messages, lines, limit)


def sources_messages(answer: Answer | None, limit: int = LIMIT) -> list[str]:
    """Every source of an answer in full, with its quoted sentence."""
    if answer is None or not answer.citations:
        return ["Chưa có nguồn nào. Hãy đặt một câu hỏi trước."]
    entries = []
    for c in answer.citations:
        head = _inline(_source_line(c))
        if c.author:
            head += "\n" + Block(f"Tác giả: {c.author}").render()
        if not c.source.startswith(("http://", "https://")):
            head += "\n" + Block(f"Nguồn: {c.source.rsplit('/', 1)[-1]}").render()
        entries.append(head)
        entries.extend(pack([Block(f"“{c.quote}”", style="i")], limit))
    return _append_lines([], entries, limit)


def _append_lines(messages: list[str], lines: list[str], limit: int) -> list[str]:
    """Add already-rendered lines (each under the limit) to the last message or new ones."""
    out = list(messages)
    for line in lines:
        if out and len(out[-1]) + 1 + len(line) <= limit:
            out[-1] = f"{out[-1]}\n{line}"
        else:
            out.append(line)
    return out
