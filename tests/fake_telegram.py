"""A loopback HTTP server that speaks enough of the Telegram Bot API for PTB: it feeds
updates through getUpdates and records what the bot sends."""

from __future__ import annotations

import contextlib
import itertools
import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self
from urllib.parse import parse_qs

BOT = {
    "id": 999,
    "is_bot": True,
    "first_name": "vnqa",
    "username": "vnqa_bot",
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}


class _Handler(BaseHTTPRequestHandler):
    """A quiet request handler that answers with JSON."""

    def reply(self, status: int, payload: dict[str, Any]) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: Any) -> None:
        pass


class _Loopback:
    """A Bot API root on a free loopback port, served from a daemon thread."""

    server: ThreadingHTTPServer
    base_url: str

    def serve(self, handler: type[BaseHTTPRequestHandler], root: str = "/bot") -> None:
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}{root}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class FakeTelegram(_Loopback):
    def __init__(self) -> None:
        self.updates: list[dict[str, Any]] = []
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.times: list[float] = []  # when each call arrived (monotonic), beside ``calls``
        self.lock = threading.Lock()
        self.ids = itertools.count(1)
        self.refuse_html = 0  # how many HTML messages to refuse as Telegram does bad markup
        self.polls = 0  # getUpdates requests: the bot is polling once there is one
        self.hold: dict[str, float] = {}  # seconds to keep a method's request in flight
        fake = self

        class Handler(_Handler):
            def do_POST(self) -> None:
                method = self.path.rsplit("/", 1)[-1]
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
                params = {k: _value(v[0]) for k, v in parse_qs(raw).items()}
                result = fake.handle(method, params)
                # the bot may stop polling while a long poll is open
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    if isinstance(result, _Refusal):
                        self.reply(400, {"ok": False, "error_code": 400, **result})
                    else:
                        self.reply(200, {"ok": True, "result": result})

        self.serve(Handler)

    def handle(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getMe":
            return BOT
        if method == "getUpdates":
            self.polls += 1
            return self._updates(int(params.get("offset") or 0))
        with self.lock:
            self.calls.append((method, params))
            self.times.append(time.monotonic())
            refuse = self.refuse_html and params.get("parse_mode") == "HTML"
            self.refuse_html -= bool(refuse)
        time.sleep(self.hold.get(method, 0.0))
        if refuse:
            return _Refusal("Bad Request: can't parse entities: unsupported start tag")
        if method in ("sendMessage", "editMessageText"):
            message_id = params.get("message_id") or next(self.ids)
            params["_message_id"] = message_id  # which message it was, for the tests
            return {
                "message_id": message_id,
                "date": int(time.time()),
                "from": BOT,
                "chat": {"id": params["chat_id"], "type": "private"},
                "text": params["text"],
            }
        return True

    def _updates(self, offset: int) -> list[dict[str, Any]]:
        deadline = time.monotonic() + 0.5
        while time.monotonic() < deadline:
            with self.lock:
                ready = [u for u in self.updates if u["update_id"] >= offset]
            if ready:
                return ready
            time.sleep(0.02)
        return []

    def message(
        self,
        text: str | None,
        *,
        user: int = 1,
        chat: int = 1,
        chat_type: str = "private",
        reply_to_bot: bool = False,
        kind: str = "message",
        caption: str | None = None,
        reply_to: int | None = None,
    ) -> None:
        """Queue a user's message (``kind`` 'edited_message' for an edit; ``caption`` for a
        photo's), with the entities Telegram gives commands and @mentions."""
        msg: dict[str, Any] = {
            "message_id": next(self.ids),
            "date": int(time.time()),
            "chat": {
                "id": chat,
                "type": chat_type,
                "title": "Nhóm" if chat_type != "private" else None,
            },
            "from": {"id": user, "is_bot": False, "first_name": f"U{user}"},
        }
        if text is not None:
            msg["text"] = text
            msg["entities"] = _entities(text)
        if caption is not None:
            msg["photo"] = [{"file_id": "p", "file_unique_id": "p", "width": 1, "height": 1}]
            msg["caption"] = caption
            msg["caption_entities"] = _entities(caption)
        if text is None and caption is None:
            msg["sticker"] = {
                "file_id": "s", "file_unique_id": "s", "width": 1, "height": 1,
                "is_animated": False, "is_video": False, "type": "regular",
            }  # fmt: skip
        if kind == "edited_message":
            msg["edit_date"] = int(time.time())
        if reply_to_bot or reply_to is not None:
            msg["reply_to_message"] = {
                "message_id": reply_to or 1,
                "date": 0,
                "text": "…",
                "from": BOT,
                "chat": msg["chat"],
            }
        with self.lock:
            self.updates.append({"update_id": next(self.ids), kind: msg})

    def tap(self, data: str, message_id: int, *, user: int = 1, chat: int = 1) -> str:
        """Queue a tap on a button of the bot's message; returns the callback query's id."""
        query_id = str(next(self.ids))
        message = {"message_id": message_id, "date": int(time.time()), "from": BOT,
                   "chat": {"id": chat, "type": "private"}, "text": "…"}  # fmt: skip
        query = {
            "id": query_id,
            "from": {"id": user, "is_bot": False, "first_name": f"U{user}"},
            "message": message,
            "chat_instance": "ci",
            "data": data,
        }
        with self.lock:
            self.updates.append({"update_id": next(self.ids), "callback_query": query})
        return query_id

    def calls_of(self, method: str) -> list[dict[str, Any]]:
        """The parameters of every call of ``method``, in order."""
        with self.lock:
            return [p for m, p in self.calls if m == method]

    def sent(self, chat: int | None = None) -> list[str]:
        """Texts the bot sent, in order (to one chat, if given)."""
        with self.lock:
            return [
                p["text"]
                for m, p in self.calls
                if m == "sendMessage" and (chat is None or p["chat_id"] == chat)
            ]


def _entities(text: str) -> list[dict[str, Any]]:
    """What Telegram marks in a text: a command opening it, and @mentions (ASCII offsets
    here, as the tests' mentions and commands come first or are ASCII before them)."""
    out = []
    if text.startswith("/"):
        out.append({"type": "bot_command", "offset": 0, "length": len(text.split()[0])})
    for m in re.finditer(r"(?<!\S)@\w+", text):
        offset = len(text[: m.start()].encode("utf-16-le")) // 2
        out.append({"type": "mention", "offset": offset, "length": len(m.group(0))})
    return out


class _Refusal(dict):
    """A Bot API error to answer with instead of a result."""

    def __init__(self, description: str) -> None:
        super().__init__(description=description)


def _value(raw: str) -> Any:
    try:
        return json.loads(raw)
    except ValueError:
        return raw


class RefusingBotAPI(_Loopback):
    """A Bot API that answers every call with one error, as Telegram does for a bad token
    (401, 404) or a failing server (500, with a description that echoes the request path)."""

    def __init__(self, status: int) -> None:
        class Handler(_Handler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                words = {401: "Unauthorized", 404: "Not Found"}
                description = words.get(status, f"Internal Server Error at {self.path}")
                self.reply(status, {"ok": False, "error_code": status, "description": description})

        self.serve(Handler)
