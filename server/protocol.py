"""uvicorn's HTTP protocol with limits on the request head: a deadline to arrive, and a size.

uvicorn (httptools) accepts a request head of any size and waits for it forever: a client that sends
half a head and stalls holds a connection and a file descriptor for as long as it likes, and a 64 MB
header line is read whole into memory. Each request's head must now arrive within `head_timeout_s`
(408, then the connection is closed) and hold at most `max_head_bytes` (431).
"""

from __future__ import annotations

import asyncio
import json
from asyncio import TimerHandle

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

HEAD_END = b"\r\n\r\n"
REASONS = {408: b"Request Timeout", 431: b"Request Header Fields Too Large"}


def guarded_protocol(head_timeout_s: float, max_head_bytes: int) -> type[HttpToolsProtocol]:
    """An HttpToolsProtocol class that enforces these limits, for uvicorn's `http=` setting."""

    class GuardedHttpToolsProtocol(_Guarded):
        timeout_s = head_timeout_s
        max_bytes = max_head_bytes

    return GuardedHttpToolsProtocol


class _Guarded(HttpToolsProtocol):
    timeout_s: float
    max_bytes: int
    _in_head = True
    _head_bytes = 0
    _deadline: TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._in_head, self._head_bytes = True, 0
        self._arm_deadline()

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_deadline()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._in_head:
            end = data.find(HEAD_END)
            self._head_bytes += len(data) if end < 0 else end + len(HEAD_END)
            if self._head_bytes > self.max_bytes:
                self._refuse(431, f"The request head is over {self.max_bytes} bytes: send fewer or shorter headers.")
                return
        super().data_received(data)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        if self._deadline is None:  # the next request on a kept-alive connection: its head starts now
            self._arm_deadline()

    def on_message_complete(self) -> None:
        super().on_message_complete()
        # The whole request, body included, is read: what comes next is the next request's head.
        # Until its first byte, uvicorn's keep-alive timeout applies.
        self._in_head, self._head_bytes = True, 0

    def on_headers_complete(self) -> None:
        self._in_head = False
        self._stop_deadline()
        super().on_headers_complete()

    def _arm_deadline(self) -> None:
        self._stop_deadline()
        self._deadline = self.loop.call_later(self.timeout_s, self._head_too_slow)

    def _stop_deadline(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _head_too_slow(self) -> None:
        self._deadline = None
        if self._in_head and not self.transport.is_closing():
            self._refuse(408, f"The request head did not arrive within {self.timeout_s:g} s.")

    def _refuse(self, status: int, detail: str) -> None:
        self._stop_deadline()
        body = json.dumps({"detail": detail}).encode()
        head = [
            b"HTTP/1.1 %d %s\r\n" % (status, REASONS[status]),
            b"content-type: application/json\r\n",
            b"content-length: %d\r\n" % len(body),
            b"connection: close\r\n\r\n",
        ]
        self.transport.write(b"".join(head) + body)
        self.transport.close()
