"""The Telegram front-end: python-telegram-bot v22 handlers over one Responder.

PTB's own parts do the plumbing: ``chat_data`` (persisted with ``PicklePersistence`` when a
state file is given) holds each chat's ``Session``; ``filters.User``/``filters.Chat`` are
the allow-lists; ``AIORateLimiter`` keeps outgoing messages within Telegram's flood limits;
one error handler answers any failure with an apology. Every update a user addresses to the
bot passes one gate first (``TypeHandler`` in group -1): over their per-minute limit, or not on
the allow-list, they are told once a window and then met with silence. Edited messages are
not answered again (ask anew instead); a photo's caption is read as a question.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from telegram import BotCommand, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatAction, ParseMode
from telegram.error import BadRequest
from telegram.ext import (
    AIORateLimiter,
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    TypeHandler,
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
    ONLY_TEXT,
    OPEN_CONVERSATIONS,
    VOTES_LINE,
    WRITING,
)
from bot.frontends.telegram_feedback import Buttons
from bot.frontends.telegram_format import answer_messages, plain, sources_messages
from bot.frontends.telegram_gate import Gate, Policy, addressed
from bot.frontends.telegram_state import ChatState
from bot.redact import register_secret

log = logging.getLogger(__name__)
EVICT_EVERY_SECONDS = 300.0  # how often idle chats are dropped from chat_data
EDIT_EVERY_SECONDS = 1.0  # a streamed answer's message is edited at most this often


class VnqaBot:
    """Adapts Telegram updates to a chat's ``Session`` and answers to HTML messages."""

    def __init__(
        self,
        responder: Responder,
        policy: Policy,
        about: Callable[[], str],
        buttons: Buttons | None = None,
    ) -> None:
        self.responder, self.policy, self.about = responder, policy, about
        self.buttons = buttons  # None: plain answers, no feedback
        self.gate = Gate(policy)
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
            builder = builder.persistence(ChatState(state_file))
        app = builder.build()
        new = filters.UpdateType.MESSAGE  # an edit is not a new question
        ok = self.policy.allowed() & new
        app.add_handler(TypeHandler(Update, self.gate.check), group=-1)
        app.add_handler(CommandHandler(["start", "help"], self.on_help, filters=ok))
        app.add_handler(CommandHandler("sources", self.on_sources, filters=ok))
        app.add_handler(CommandHandler("new", self.on_new, filters=ok))
        app.add_handler(CommandHandler("stats", self.on_stats, filters=ok))
        app.add_handler(CommandHandler("ask", self.on_ask, filters=ok))
        asked = (filters.TEXT | filters.CAPTION) & ~filters.COMMAND
        app.add_handler(MessageHandler(ok & asked, self.on_text))
        other = ok & ~asked & ~filters.COMMAND & filters.ChatType.PRIVATE
        app.add_handler(MessageHandler(other, self.on_not_text))
        app.add_handler(MessageHandler(~self.policy.allowed() & new, self.on_not_allowed))
        if self.buttons is not None:
            app.add_handler(CallbackQueryHandler(self.buttons.on_button))
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
        if update.effective_message and addressed(update, context):
            await update.effective_message.reply_text(NOT_ALLOWED)

    async def on_not_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.effective_message.reply_text(ONLY_TEXT)

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
        if self.buttons is not None:
            votes = await asyncio.to_thread(self.buttons.store.counts)
            text += "\n" + VOTES_LINE.format(share=votes["voted_share"], **votes)
        await update.effective_message.reply_text(text, parse_mode=ParseMode.HTML)

    async def on_ask(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        question = " ".join(context.args or [])
        if not question:
            await update.effective_message.reply_text(ASK_USAGE)
            return
        await self._answer(update, context, question)

    async def on_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if not addressed(update, context):
            return  # in groups the bot speaks only when spoken to
        if self.buttons is not None and await self.buttons.on_reason(update, context):
            return  # the reason for a 👎, not a question
        message = update.effective_message
        text = message.text or message.caption or ""
        mention = re.compile(rf"@{re.escape(context.bot.username or '')}(?!\w)", re.IGNORECASE)
        await self._answer(update, context, mention.sub(" ", text).strip())

    async def _answer(self, update: Update, context: Any, question: str) -> None:
        await update.effective_chat.send_action(ChatAction.TYPING)
        session = self._session(context)
        if self.responder.generator is not None:
            await self._streamed(update, session, question)
            return
        # The responder is synchronous and slow-ish: off the event loop, so other chats go on.
        answer = await asyncio.to_thread(session.ask, self.responder.answer, question)
        if self.buttons is None:
            await self._send(update, answer_messages(answer))
            return
        answer_id = await asyncio.to_thread(self.buttons.keep, question, answer)
        markup = self.buttons.markup(answer_id, update.effective_chat.id, expanded=False)
        await self._send(update, self.buttons.messages(answer), markup)

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
        answer, markup = work.result(), None
        messages = answer_messages(answer)
        if self.buttons is not None:
            answer_id = await asyncio.to_thread(self.buttons.keep, question, answer)
            markup = self.buttons.markup(answer_id, update.effective_chat.id, expanded=False)
            messages = self.buttons.messages(answer)
        first, *rest = messages
        first_markup = None if rest else markup
        try:
            await _edit(message, first, parse_mode=ParseMode.HTML, reply_markup=first_markup)
        except BadRequest as exc:
            if not _unparsable(exc):
                raise
            await _edit(message, plain(first), reply_markup=first_markup)
        await self._send(update, rest, markup)

    async def _send(
        self, update: Update, messages: list[str], markup: InlineKeyboardMarkup | None = None
    ) -> None:
        """Send HTML messages, ``markup`` under the last; one Telegram cannot parse goes again
        as plain text."""
        chat = update.effective_chat
        for n, text in enumerate(messages, start=1):
            options = {"disable_web_page_preview": True}
            if n == len(messages) and markup is not None:
                options["reply_markup"] = markup
            try:
                await chat.send_message(text, parse_mode=ParseMode.HTML, **options)
            except BadRequest as exc:
                if not _unparsable(exc):
                    raise
                log.warning("Telegram could not parse an answer's HTML (%s); sent as text", exc)
                await chat.send_message(plain(text), **options)

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        log.error("error while handling an update", exc_info=context.error)
        if isinstance(update, Update) and update.effective_chat:
            await update.effective_chat.send_message(APOLOGY)


def _unparsable(exc: BadRequest) -> bool:
    """Whether Telegram refused a message's formatting ("can't parse entities")."""
    return "parse entities" in str(exc).lower()


async def _edit(message: Message, text: str, **options: Any) -> None:
    """Edit a message; an edit that changes nothing is no error."""
    try:
        await message.edit_text(text, disable_web_page_preview=True, **options)
    except BadRequest as exc:
        if "not modified" not in str(exc).lower():
            raise
