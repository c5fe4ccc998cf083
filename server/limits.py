"""ASGI middleware that refuses request bodies over a size limit (413), or too slow to arrive (408)."""

from __future__ import annotations

import asyncio
import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from server.chat_errors import chat_error_body, is_chat_path


class BodySizeLimit:
    """Reads at most `max_bytes` of a request body within `timeout_s`, then replays it to the app."""

    def __init__(self, app: ASGIApp, max_bytes: int, timeout_s: float = 10.0) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.timeout_s = timeout_s

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        chat = is_chat_path(scope["path"])
        if declared is not None:
            if not declared.isdigit():
                await _refuse(send, 400, "Content-Length must be a whole number of bytes.", chat)
                return
            if int(declared) > self.max_bytes:
                await _refuse(send, 413, self._too_large(), chat)
                return
        messages: list[Message] = []
        size = 0
        while True:
            try:
                message = await asyncio.wait_for(receive(), timeout=self.timeout_s)
            except TimeoutError:
                await _refuse(send, 408, f"The request body did not arrive within {self.timeout_s:g} s.", chat)
                return
            messages.append(message)
            if message["type"] != "http.request":
                break
            size += len(message.get("body", b""))
            if size > self.max_bytes:
                await _refuse(send, 413, self._too_large(), chat)
                return
            if not message.get("more_body", False):
                break

        async def replay() -> Message:
            return messages.pop(0) if messages else await receive()

        await self.app(scope, replay, send)

    def _too_large(self) -> str:
        return f"Request body is larger than {self.max_bytes // 1024} KiB; send a shorter question or history."


async def _refuse(send: Send, status: int, message: str, chat: bool) -> None:
    body = json.dumps(chat_error_body(status, message) if chat else {"detail": message}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
