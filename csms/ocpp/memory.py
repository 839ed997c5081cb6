"""An in-process OCPP connection: two ends of a message pipe, no socket and no websocket framing.

For closed loops in one process (the simulator beside the CSMS on virtual time): a station's link opens one with
`OcppServer.connect_in_memory`, which runs the same credential check, subprotocol choice and connection handling
as a websocket handshake. Each end has what the two sides use of a websockets connection: `subprotocol`,
`state`, `send(text)`, `recv()`, `close(code, reason)` and `async for message in end`. A message sent is readable by the
other end's reader on the loop's next turn (a real socket needs the selector); messages keep their order. After
either end closes, `send` raises `ConnectionClosedOK` and both readers end once they have read what was sent
before the close. A message larger than the receiving end's `max_size` bytes closes both ends with 1009, as
websockets does.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterator

from websockets.exceptions import ConnectionClosedOK
from websockets.frames import Close
from websockets.protocol import State

__all__ = ["MemoryConnection", "MemoryRefused", "memory_pipe"]

CLOSE_MESSAGE_TOO_BIG = 1009


class MemoryRefused(ConnectionError):
    """The CSMS refused an in-memory connection (the HTTP status a websocket handshake would have had)."""

    def __init__(self, status: int, text: str) -> None:
        super().__init__(f"{status} {text}")
        self.status = status


class MemoryConnection:
    """One end of an in-process message pipe (see the module docstring)."""

    def __init__(self, subprotocol: str | None, max_size: int | None = None) -> None:
        self.subprotocol = subprotocol
        self.max_size = max_size  # bytes this end accepts in one message (None: any)
        self.state = State.OPEN
        self.close_code: int | None = None
        self.close_reason = ""
        self._inbox: deque[str] = deque()
        self._waiter: asyncio.Future[None] | None = None
        self._peer: MemoryConnection = self

    async def send(self, message: str) -> None:
        if self.state is not State.OPEN:
            raise self._closed_error()
        limit = self._peer.max_size
        if limit is not None and len(message) * 4 > limit and len(message.encode()) > limit:
            await self.close(CLOSE_MESSAGE_TOO_BIG, "message too big")
            raise self._closed_error()
        self._peer._deliver(message)

    async def recv(self) -> str:
        """The next message; raises `ConnectionClosedOK` once closed and read to the end."""
        async for message in self:
            return message
        raise self._closed_error()

    async def close(self, code: int = 1000, reason: str = "") -> None:
        for end in (self, self._peer):
            if end.state is State.OPEN:
                end.state, end.close_code, end.close_reason = State.CLOSED, code, reason
            end._wake()

    def __aiter__(self) -> AsyncIterator[str]:
        return self._messages()

    async def _messages(self) -> AsyncIterator[str]:
        inbox = self._inbox
        while True:
            while inbox:
                yield inbox.popleft()
            if self.state is not State.OPEN:
                return
            self._waiter = asyncio.get_running_loop().create_future()
            try:
                await self._waiter
            finally:
                self._waiter = None

    def _closed_error(self) -> ConnectionClosedOK:
        return ConnectionClosedOK(Close(self.close_code or 1000, self.close_reason), None)

    def _deliver(self, message: str) -> None:
        self._inbox.append(message)
        self._wake()

    def _wake(self) -> None:
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)


def memory_pipe(subprotocol: str | None, *, server_max_size: int | None = None
                ) -> tuple[MemoryConnection, MemoryConnection]:
    """Two connected ends (client, server) agreeing on `subprotocol`; the server end accepts messages of at most
    `server_max_size` bytes."""
    client, server = MemoryConnection(subprotocol), MemoryConnection(subprotocol, server_max_size)
    client._peer, server._peer = server, client
    return client, server
