"""Who may reach the bot and how often: one gate before every handler (a ``TypeHandler`` in
group -1) counts what a user addresses to the bot, commands and button taps included. Over
their per-minute limit, or not on the allow-list, they are told once a window and then met
with silence."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from telegram import MessageEntity, Update
from telegram.constants import ChatType
from telegram.ext import ApplicationHandlerStop, ContextTypes, filters

from bot.frontends.strings import RATE_LIMITED
from bot.frontends.telegram_state import RateLimiter, Verdict

log = logging.getLogger(__name__)


@dataclass
class Policy:
    """Who may use the bot, how often, and how much history it keeps."""

    allowed_users: frozenset[int] = frozenset()
    allowed_chats: frozenset[int] = frozenset()
    admins: frozenset[int] = frozenset()
    per_minute: int = 5
    history_turns: int = 6
    history_seconds: float = 1800.0

    def allowed(self) -> filters.BaseFilter:
        """The allow-lists as a PTB filter: empty lists mean open."""
        if not self.allowed_users and not self.allowed_chats:
            return filters.ALL
        parts = []
        if self.allowed_users:
            parts.append(filters.User(user_id=self.allowed_users))
        if self.allowed_chats:
            parts.append(filters.Chat(chat_id=self.allowed_chats))
        return parts[0] if len(parts) == 1 else parts[0] | parts[1]


class Gate:
    """The rate limits and allow-lists of one bot."""

    def __init__(self, policy: Policy) -> None:
        self.policy = policy
        self.limiter = RateLimiter(policy.per_minute)
        self.strangers = RateLimiter(1)  # one refusal a window to those not allowed

    async def check(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Count what a user addresses to the bot; stop what is over their limit, after one
        word to them a window (or none at all)."""
        user, message = update.effective_user, update.message
        if update.callback_query is not None and user is not None:
            await self._tap(update, user.id)
            return
        if user is None or message is None or not addressed(update, context):
            return  # edits, and chatter in groups, are not answered: nothing to count
        if not self.policy.allowed().check_update(update):
            if self.strangers.check(user.id)[0] is not Verdict.GO:
                raise ApplicationHandlerStop  # told already; on_not_allowed tells them once
            return
        verdict, wait = self.limiter.check(user.id)
        if verdict is Verdict.TELL:
            await message.reply_text(RATE_LIMITED.format(seconds=wait))
        if verdict is not Verdict.GO:
            log.debug("user over the rate limit (%s)", verdict.value)
            raise ApplicationHandlerStop

    async def _tap(self, update: Update, user_id: int) -> None:
        """A button tap counts as a question does; one over the limit, or from someone not
        allowed, gets an empty answer and goes no further."""
        allowed = not (self.policy.allowed_users or self.policy.allowed_chats) or (
            user_id in self.policy.allowed_users
            or (update.effective_chat and update.effective_chat.id in self.policy.allowed_chats)
        )
        if not allowed or self.limiter.check(user_id)[0] is not Verdict.GO:
            await update.callback_query.answer()
            raise ApplicationHandlerStop


def addressed(update: Update, context: Any) -> bool:
    """In a private chat always; in a group when its text mentions this bot by name (a
    mention entity, not a substring: '@vnqa_bot2' is another bot), replies to it, or
    opens with a command not addressed to another bot ('/help@other_bot')."""
    message = update.effective_message
    if message is None or update.effective_chat is None:
        return False
    if update.effective_chat.type == ChatType.PRIVATE:
        return True
    me = (context.bot.username or "").lower()
    kinds = [MessageEntity.MENTION, MessageEntity.BOT_COMMAND]
    found = message.parse_entities(kinds) | message.parse_caption_entities(kinds)
    for entity, text in found.items():
        if entity.type == MessageEntity.MENTION and text[1:].lower() == me:
            return True
        if entity.type == MessageEntity.BOT_COMMAND and entity.offset == 0:
            target = text.partition("@")[2].lower()
            return target in ("", me)
    replied = message.reply_to_message and message.reply_to_message.from_user
    return bool(replied and replied.id == context.bot.id)
