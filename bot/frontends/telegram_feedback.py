"""The buttons under an answer in Telegram: '📄 Trích dẫn' shows the quotes (and hides
them), 👍 and 👎 vote, and after 👎 the bot asks for a one-line reason.

A button's data is ``<answer id>:<action>:<signature>``, signed with the feedback key over
the chat's id too: stateless, so it works after a restart and in any process of the bot,
and nobody can forge one or carry it to another chat (PTB's arbitrary callback data would
keep a cache to persist instead, and lose it with the pickle file). A forged, foreign,
replayed or unknown one gets a quiet, empty answer and a DEBUG line."""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from typing import Any

from telegram import ForceReply, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest

from bot.answering.answer import Answer
from bot.feedback.keys import Keyring
from bot.feedback.store import FeedbackStore
from bot.frontends.strings import (
    ANSWER_GONE,
    HIDE_QUOTES,
    REASON_PROMPT,
    REASON_THANKS,
    SHOW_QUOTES,
    THANKS,
)
from bot.frontends.telegram_format import compact_messages, with_quotes

log = logging.getLogger(__name__)
VOTES = {"u": 1, "d": -1}
SEEN_QUERIES = 10_000  # callback query ids remembered, to refuse a replayed one


class Buttons:
    """Answers with buttons, and what their taps do."""

    def __init__(self, store: FeedbackStore, keys: Keyring) -> None:
        self.store, self.keys = store, keys
        self._seen: deque[str] = deque(maxlen=SEEN_QUERIES)

    def markup(self, answer_id: int, chat_id: int, expanded: bool) -> InlineKeyboardMarkup:
        """The keyboard: quotes (shown or hidden), 👍, 👎."""

        def button(label: str, action: str) -> InlineKeyboardButton:
            data = f"{answer_id}:{action}"
            return InlineKeyboardButton(label, callback_data=f"{data}:{self._sign(data, chat_id)}")

        quotes = button(HIDE_QUOTES, "h") if expanded else button(SHOW_QUOTES, "q")
        return InlineKeyboardMarkup([[quotes, button("👍", "u"), button("👎", "d")]])

    def _sign(self, data: str, chat_id: int) -> str:
        return self.keys.sign(f"{data}:{chat_id}")

    def parse(self, data: str, chat_id: int) -> tuple[int, str] | None:
        """(answer id, action) of genuine button data from this chat, else None."""
        parts = data.split(":")
        if len(parts) != 3 or not parts[0].isdigit() or parts[1] not in ("q", "h", "u", "d"):
            return None
        if not self.keys.verify(f"{parts[0]}:{parts[1]}:{chat_id}", parts[2]):
            return None
        return int(parts[0]), parts[1]

    def keep(self, asked: str, answer: Answer) -> int:
        """Keep an answer so its buttons can act on it later; its id."""
        return self.store.give(asked, answer, "telegram")

    def messages(self, answer: Answer) -> list[str]:
        """The compact messages of an answer (quotes behind the button)."""
        return compact_messages(answer)

    async def on_button(self, update: Update, context: Any) -> None:
        """A tap: toggle the quotes, or vote (and ask why after 👎)."""
        query = update.callback_query
        message = query.message
        parsed = self.parse(query.data or "", message.chat.id) if message else None
        if parsed is None or query.id in self._seen:
            log.debug("callback refused: forged, foreign, replayed or unknown")
            await query.answer()
            return
        self._seen.append(query.id)
        answer_id, action = parsed
        given = await asyncio.to_thread(self.store.given, answer_id)
        if given is None:
            await query.answer(ANSWER_GONE)
            return
        if action in "qh":
            last = self.messages(given.as_answer())[-1]
            text = with_quotes(last, given.as_answer()) if action == "q" else last
            markup = self.markup(answer_id, message.chat.id, expanded=action == "q")
            await query.answer()
            try:
                await message.edit_text(text, parse_mode=ParseMode.HTML, reply_markup=markup,
                                        disable_web_page_preview=True)  # fmt: skip
            except BadRequest as exc:
                if "not modified" not in str(exc).lower():
                    raise
            return
        user = self.keys.user(query.from_user.id)
        await asyncio.to_thread(self.store.vote, answer_id, user, VOTES[action])
        await query.answer(THANKS)
        if action == "d":
            prompt = await message.reply_text(
                REASON_PROMPT, reply_markup=ForceReply(selective=True)
            )
            context.chat_data.setdefault("reasons", {})[prompt.message_id] = answer_id

    async def on_reason(self, update: Update, context: Any) -> bool:
        """A reply to the bot's 'why?' prompt: kept as the reason (True), else False."""
        message = update.effective_message
        replied = message.reply_to_message if message else None
        pending = context.chat_data.get("reasons", {}) if context.chat_data is not None else {}
        if replied is None or replied.message_id not in pending or not message.text:
            return False
        answer_id = pending.pop(replied.message_id)
        user = self.keys.user(update.effective_user.id)
        await asyncio.to_thread(self.store.reason, answer_id, user, message.text)
        await message.reply_text(REASON_THANKS)
        return True
