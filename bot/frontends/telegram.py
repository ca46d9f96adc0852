"""The Telegram front-end: python-telegram-bot v22 handlers over one Responder.

PTB's own parts do the plumbing: ``chat_data`` (persisted with ``PicklePersistence`` when a
state file is given) holds each chat's ``Session``; ``filters.User``/``filters.Chat`` are
the allow-lists; ``AIORateLimiter`` keeps outgoing messages within Telegram's flood limits;
one error handler answers any failure with an apology.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from telegram import BotCommand, Message, Update
from telegram.constants import ChatAction, ChatType, ParseMode
from telegram.error import BadRequest
from telegram.ext import (
    AIORateLimiter,
    Application,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    PersistenceInput,
    PicklePersistence,
    filters,
)

from bot.answering.responder import Responder
from bot.answering.session import Session
from bot.frontends.strings import (
    ADMIN_ONLY,
    APOLOGY,
    ASK_USAGE,
    COMMANDS,
    NEW_CONVERSATION,
    NOT_ALLOWED,
    OPEN_CONVERSATIONS,
    RATE_LIMITED,
    WRITING,
)
from bot.frontends.telegram_format import answer_messages, sources_messages
from bot.redact import register_secret

log = logging.getLogger(__name__)
EVICT_EVERY_SECONDS = 300.0  # how often idle chats are dropped from chat_data
EDIT_EVERY_SECONDS = 1.0  # a streamed answer's message is edited at most this often


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


class RateLimiter:
    """At most ``per_minute`` questions per user in any 60 seconds (incoming, per user;
    outgoing flood control is PTB's AIORateLimiter)."""

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute, self.clock = per_minute, clock
        self.times: dict[int, deque[float]] = {}

    def wait_seconds(self, user_id: int) -> int:
        """0 when the user may ask now (and counts it), else seconds until they may."""
        now = self.clock()
        times = self.times.setdefault(user_id, deque())
        while times and now - times[0] >= 60:
            times.popleft()
        if len(times) >= self.per_minute:
            return max(1, int(60 - (now - times[0])) + 1)
        times.append(now)
        return 0


class VnqaBot:
    """Adapts Telegram updates to a chat's ``Session`` and answers to HTML messages."""

    def __init__(self, responder: Responder, policy: Policy, about: Callable[[], str]) -> None:
        self.responder, self.policy, self.about = responder, policy, about
        self.limiter = RateLimiter(policy.per_minute)
        self._evicted_at = time.monotonic()

    def application(
        self, token: str, base_url: str | None = None, state_file: Path | None = None
    ) -> Application:
        """A PTB Application with every handler registered (``state_file``: where chats'
        sessions persist across restarts)."""
        register_secret(token)
        builder = (
            Application.builder()
            .token(token)
            .post_init(self._post_init)
            .rate_limiter(AIORateLimiter(max_retries=2))
            .concurrent_updates(True)
        )
        if base_url:
            builder = builder.base_url(base_url)
        if state_file:
            only_chats = PersistenceInput(bot_data=False, user_data=False, callback_data=False)
            builder = builder.persistence(PicklePersistence(state_file, store_data=only_chats))
        app = builder.build()
        ok = self.policy.allowed()
        app.add_handler(CommandHandler(["start", "help"], self.on_help, filters=ok))
        app.add_handler(CommandHandler("sources", self.on_sources, filters=ok))
        app.add_handler(CommandHandler("new", self.on_new, filters=ok))
        app.add_handler(CommandHandler("stats", self.on_stats, filters=ok))
        app.add_handler(CommandHandler("ask", self.on_ask, filters=ok))
        app.add_handler(MessageHandler(ok & filters.TEXT & ~filters.COMMAND, self.on_text))
        app.add_handler(MessageHandler(~ok, self.on_not_allowed))
        app.add_error_handler(self.on_error)
        return app

    async def _post_init(self, app: Application) -> None:
        await app.bot.set_my_commands([BotCommand(c, d) for c, d in COMMANDS])

    def _session(self, context: ContextTypes.DEFAULT_TYPE) -> Session:
        """This chat's session (new, or forgotten after ``history_seconds`` idle)."""
        self._evict_idle(context.application)
        session = context.chat_data.get("session")
        if not isinstance(session, Session) or session.expired():
            session = Session(self.policy.history_turns, self.policy.history_seconds)
            context.chat_data["session"] = session
        return session

    def _evict_idle(self, app: Application) -> None:
        """Drop chats idle past their memory, now and then, so chat_data does not grow."""
        if time.monotonic() - self._evicted_at < EVICT_EVERY_SECONDS:
            return
        self._evicted_at = time.monotonic()
        for chat_id, data in list(app.chat_data.items()):
            session = data.get("session")
            if isinstance(session, Session) and session.expired():
                app.drop_chat_data(chat_id)

    async def on_not_allowed(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if update.effective_message and self._addressed(update, context):
            await update.effective_message.reply_text(NOT_ALLOWED)

    async def on_help(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.effective_message.reply_text(self.about(), parse_mode=ParseMode.HTML)

    async def on_sources(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await self._send(update, sources_messages(self._session(context).last))

    async def on_new(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        self._session(context).new()
        await update.effective_message.reply_text(NEW_CONVERSATION)

    async def on_stats(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        user = update.effective_user
        if not user or user.id not in self.policy.admins:
            await update.effective_message.reply_text(ADMIN_ONLY)
            return
        sessions = [d.get("session") for d in context.application.chat_data.values()]
        open_ = sum(1 for s in sessions if isinstance(s, Session) and not s.expired())
        text = f"{self.about()}\n\n{OPEN_CONVERSATIONS.format(count=open_)}"
        await update.effective_message.reply_text(text, parse_mode=ParseMode.HTML)

    async def on_ask(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        question = " ".join(context.args or [])
        if not question:
            await update.effective_message.reply_text(ASK_USAGE)
            return
        await self._answer(update, context, question)

    @staticmethod
    def _addressed(update: Update, context: Any) -> bool:
        """In a private chat always; in a group only when mentioned, replied to, or a command."""
        message = update.effective_message
        if update.effective_chat.type == ChatType.PRIVATE:
            return True
        text = (message.text or "").lower()
        replied = message.reply_to_message and message.reply_to_message.from_user
        return bool(
            text.startswith("/")
            or f"@{context.bot.username}".lower() in text
            or (replied and replied.id == context.bot.id)
        )

    async def on_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if not self._addressed(update, context):
            return  # in groups the bot speaks only when spoken to
        mention = f"@{context.bot.username}"
        text = (update.effective_message.text or "").replace(mention, " ")
        await self._answer(update, context, text.replace(mention.lower(), " ").strip())

    async def _answer(self, update: Update, context: Any, question: str) -> None:
        user = update.effective_user
        wait = self.limiter.wait_seconds(user.id if user else update.effective_chat.id)
        if wait:
            await update.effective_message.reply_text(RATE_LIMITED.format(seconds=wait))
            return
        await update.effective_chat.send_action(ChatAction.TYPING)
        session = self._session(context)
        if self.responder.generator is not None:
            await self._streamed(update, session, question)
            return
        # The responder is synchronous and slow-ish: off the event loop, so other chats go on.
        answer = await asyncio.to_thread(session.ask, self.responder.answer, question)
        await self._send(update, answer_messages(answer))

    async def _streamed(self, update: Update, session: Session, question: str) -> None:
        """A generative answer: a first message at once, edited as the model writes (at most
        once every EDIT_EVERY_SECONDS, plain text: unchecked), and finally the checked
        answer with its citations."""
        message = await update.effective_chat.send_message(WRITING)
        written = [""]  # the text so far, set by the answering thread

        def on_text(text: str) -> None:
            written[0] = text

        work = asyncio.ensure_future(
            asyncio.to_thread(session.ask, self.responder.answer, question, None, on_text)
        )
        shown = ""
        while not work.done():
            await asyncio.wait({work}, timeout=EDIT_EVERY_SECONDS)
            if not work.done() and written[0].strip() and written[0] != shown:
                shown = written[0]
                await _edit(message, f"{shown} …")
        first, *rest = answer_messages(work.result())
        await _edit(message, first, parse_mode=ParseMode.HTML)
        await self._send(update, rest)

    async def _send(self, update: Update, messages: list[str]) -> None:
        for text in messages:
            await update.effective_chat.send_message(
                text, parse_mode=ParseMode.HTML, disable_web_page_preview=True
            )

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        log.error("error while handling an update", exc_info=context.error)
        if isinstance(update, Update) and update.effective_chat:
            await update.effective_chat.send_message(APOLOGY)


async def _edit(message: Message, text: str, **options: Any) -> None:
    """Edit a message; an edit that changes nothing is no error."""
    try:
        await message.edit_text(text, disable_web_page_preview=True, **options)
    except BadRequest as exc:
        if "not modified" not in str(exc).lower():
            raise
