"""A loopback HTTP server that speaks enough of OpenAI's chat-completions API for tests."""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

_PASSAGE = re.compile(r'<nguon so="(\d+)">\n(.*?)\n</nguon>', re.DOTALL)
Reply = Callable[[list[dict[str, Any]]], "str | tuple[int, str] | float"]


class FakeOpenAI:
    """Serves /v1/chat/completions; ``reply(messages)`` returns the content, (status, body),
    or a float number of seconds to stall. Content is streamed when the request asks."""

    def __init__(self, reply: Reply, chunk_seconds: float = 0.0) -> None:
        self.reply = reply
        self.chunk_seconds = chunk_seconds  # a pause before each streamed chunk
        self.requests: list[dict[str, Any]] = []
        self.errors: list[Exception] = []  # a test asserts none: a broken reply is no test
        self.streamed = 0  # chunks sent as server-sent events
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                fake.requests.append(
                    {"path": self.path, "body": body, "auth": self.headers.get("Authorization")}
                )
                try:
                    result = fake.reply(body["messages"])
                except Exception as exc:
                    fake.errors.append(exc)
                    raise
                if isinstance(result, float):
                    time.sleep(result)
                    result = "quá muộn"
                if isinstance(result, str) and body.get("stream"):
                    self._stream(result)
                    return
                status, payload = (
                    result if isinstance(result, tuple) else (200, json.dumps(_completion(result)))
                )
                data = payload.encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except BrokenPipeError:
                    pass  # the client timed out first, as a test meant it to

            def _stream(self, content: str) -> None:
                """The reply as server-sent events, a few characters per chunk."""
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.end_headers()
                pieces = [content[i : i + 4] for i in range(0, len(content), 4)]
                for n, piece in enumerate([*pieces, None]):
                    time.sleep(fake.chunk_seconds)
                    event = _chunk(piece, last=piece is None, first=n == 0)
                    self.wfile.write(f"data: {json.dumps(event)}\n\n".encode())
                    self.wfile.flush()
                    fake.streamed += 1
                self.wfile.write(b"data: [DONE]\n\n")

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FakeOpenAI:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def _completion(content: str) -> dict[str, Any]:
    return {
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "created": 0,
        "model": "fake",
        "choices": [
            {
                "index": 0,
                "finish_reason": "stop",
                "message": {"role": "assistant", "content": content},
            }
        ],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }


def _chunk(piece: str | None, *, last: bool, first: bool) -> dict[str, Any]:
    delta: dict[str, Any] = {"content": piece} if piece is not None else {}
    if first:
        delta["role"] = "assistant"
    return {
        "id": "chatcmpl-test",
        "object": "chat.completion.chunk",
        "created": 0,
        "model": "fake",
        "choices": [{"index": 0, "delta": delta, "finish_reason": "stop" if last else None}],
    }


def context_passages(messages: list[dict[str, Any]]) -> dict[int, str]:
    """The numbered passages of the context, as the model sees them."""
    user = messages[-1]["content"]
    return {int(n): text for n, text in _PASSAGE.findall(user)}


def context_number(messages: list[dict[str, Any]], needle: str) -> int:
    """The n of the context passage that contains ``needle``."""
    for n, text in context_passages(messages).items():
        if needle in text:
            return n
    raise AssertionError(f"{needle!r} is not in the context")
