"""The Telegram front-end: python-telegram-bot v22 handlers over one Responder."""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from telegram import BotCommand, Update
from telegram.constants import ChatAction, ChatType, ParseMode
from telegram.error import RetryAfter
from telegram.ext import Application, CommandHandler, ContextTypes, MessageHandler, filters

from bot.answering.answer import Answer
from bot.answering.followup import Turn
from bot.answering.responder import Responder
from bot.frontends.telegram_format import answer_messages, sources_messages
from bot.redact import register_secret

log = logging.getLogger(__name__)

COMMANDS = [
    ("ask", "Đặt câu hỏi (dùng được trong nhóm)"),
    ("sources", "Xem đầy đủ nguồn của câu trả lời gần nhất"),
    ("new", "Bắt đầu cuộc trò chuyện mới"),
    ("help", "Bot biết những gì và cách hỏi"),
    ("stats", "Thống kê (quản trị viên)"),
]
NOT_ALLOWED = "Xin lỗi, bot này chỉ phục vụ người dùng được cấp quyền."
RATE_LIMITED = "Bạn hỏi hơi nhanh. Xin đợi khoảng {seconds} giây rồi hỏi tiếp nhé."
APOLOGY = "Xin lỗi, đã có lỗi khi trả lời. Bạn thử lại sau ít phút nhé."
ADMIN_ONLY = "Lệnh này chỉ dành cho quản trị viên."


@dataclass
class Conversation:
    """One chat's recent turns and last answer."""

    turns: deque[Turn] = field(default_factory=deque)
    last: Answer | None = None
    touched: float = field(default_factory=time.monotonic)


@dataclass
class Policy:
    """Who may use the bot, how often, and how much history it keeps."""

    allowed_users: frozenset[int] = frozenset()
    allowed_chats: frozenset[int] = frozenset()
    admins: frozenset[int] = frozenset()
    per_minute: int = 5
    history_turns: int = 6
    history_seconds: float = 1800.0

    def allows(self, user_id: int | None, chat_id: int) -> bool:
        """Empty lists mean open; otherwise the user or the chat must be listed."""
        if not self.allowed_users and not self.allowed_chats:
            return True
        return (user_id in self.allowed_users) or (chat_id in self.allowed_chats)


class RateLimiter:
    """At most ``per_minute`` questions per user in any 60 seconds."""

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


def _seconds(value: Any) -> float:
    return value.total_seconds() if hasattr(value, "total_seconds") else float(value)


class VnqaBot:
    """Adapts Telegram updates to ``Responder.answer`` and answers to HTML messages."""

    def __init__(self, responder: Responder, policy: Policy, about: Callable[[], str]) -> None:
        self.responder, self.policy, self.about = responder, policy, about
        self.limiter = RateLimiter(policy.per_minute)
        self.conversations: dict[int, Conversation] = {}

    def application(self, token: str, base_url: str | None = None) -> Application:
        """A PTB Application with every handler registered."""
        register_secret(token)
        builder = Application.builder().token(token).post_init(self._post_init)
        if base_url:
            builder = builder.base_url(base_url)
        app = builder.concurrent_updates(True).build()
        app.add_handler(CommandHandler(["start", "help"], self.on_help))
        app.add_handler(CommandHandler("sources", self.on_sources))
        app.add_handler(CommandHandler("new", self.on_new))
        app.add_handler(CommandHandler("stats", self.on_stats))
        app.add_handler(CommandHandler("ask", self.on_ask))
        app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, self.on_text))
        app.add_error_handler(self.on_error)
        return app

    async def _post_init(self, app: Application) -> None:
        await app.bot.set_my_commands([BotCommand(c, d) for c, d in COMMANDS])

    def _conversation(self, chat_id: int) -> Conversation:
        conv = self.conversations.get(chat_id)
        if conv is None or time.monotonic() - conv.touched > self.policy.history_seconds:
            conv = self.conversations[chat_id] = Conversation()
        return conv

    async def _guard(self, update: Update) -> bool:
        """True if the sender may use the bot; otherwise they get one polite refusal."""
        user = update.effective_user
        if self.policy.allows(user.id if user else None, update.effective_chat.id):
            return True
        await update.effective_message.reply_text(NOT_ALLOWED)
        return False

    async def on_help(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if await self._guard(update):
            await update.effective_message.reply_text(self.about(), parse_mode=ParseMode.HTML)

    async def on_sources(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if await self._guard(update):
            last = self._conversation(update.effective_chat.id).last
            await self._send(update, sources_messages(last))

    async def on_new(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if await self._guard(update):
            self.conversations.pop(update.effective_chat.id, None)
            await update.effective_message.reply_text("Đã bắt đầu cuộc trò chuyện mới.")

    async def on_stats(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        user = update.effective_user
        if not user or user.id not in self.policy.admins:
            await update.effective_message.reply_text(ADMIN_ONLY)
            return
        text = f"{self.about()}\n\nCuộc trò chuyện đang mở: {len(self.conversations)}"
        await update.effective_message.reply_text(text, parse_mode=ParseMode.HTML)

    async def on_ask(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        question = " ".join(context.args or [])
        if not question:
            await update.effective_message.reply_text("Cách dùng: /ask câu hỏi của bạn")
            return
        await self._answer(update, context, question)

    async def on_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        text = message.text or ""
        if update.effective_chat.type != ChatType.PRIVATE:
            mention = f"@{context.bot.username}"
            replied = message.reply_to_message and message.reply_to_message.from_user
            if replied and replied.id == context.bot.id:
                pass
            elif mention.lower() in text.lower():
                text = text.replace(mention, " ").replace(mention.lower(), " ").strip()
            else:
                return  # in groups the bot speaks only when spoken to
        await self._answer(update, context, text)

    async def _answer(self, update: Update, context: Any, question: str) -> None:
        if not await self._guard(update):
            return
        user = update.effective_user
        wait = self.limiter.wait_seconds(user.id if user else update.effective_chat.id)
        if wait:
            await update.effective_message.reply_text(RATE_LIMITED.format(seconds=wait))
            return
        await update.effective_chat.send_action(ChatAction.TYPING)
        conv = self._conversation(update.effective_chat.id)
        history = list(conv.turns)
        # The responder is synchronous and slow-ish: off the event loop, so other chats go on.
        answer = await asyncio.to_thread(self.responder.answer, question, history)
        conv.last, conv.touched = answer, time.monotonic()
        conv.turns.append(Turn(answer.question, answer.text))
        while len(conv.turns) > self.policy.history_turns:
            conv.turns.popleft()
        await self._send(update, answer_messages(answer))

    async def _send(self, update: Update, messages: list[str]) -> None:
        for text in messages:
            try:
                await update.effective_chat.send_message(
                    text, parse_mode=ParseMode.HTML, disable_web_page_preview=True
                )
            except RetryAfter as exc:  # Telegram's flood limit: wait as told, then once more
                await asyncio.sleep(_seconds(exc.retry_after))
                await update.effective_chat.send_message(text, parse_mode=ParseMode.HTML)

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        log.error("error while handling an update", exc_info=context.error)
        if isinstance(update, Update) and update.effective_chat:
            await update.effective_chat.send_message(APOLOGY)
