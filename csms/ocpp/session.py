"""OCPP-J RPC session over one connection, used by both the CSMS and the simulated stations.

Semantics (OCPP-J 4.1.1):
- at most one outgoing CALL in flight; further `call`s wait their turn in FIFO order, bounded by
  `max_queued_calls`; every call has a timeout;
- inbound CALLs are handled one at a time, inline, in arrival order. A handler must not await an outgoing
  call (the answer could never be read while it waits): it schedules follow-up work with
  `ctx.after_response(...)`, which runs once the response has been sent. Doing it anyway raises HandlerMisuse;
- every inbound and outbound payload is validated against the official schema (compiled once);
- bad peer input becomes a CALLERROR plus a log line, never an exception out of `feed`.

The transport is injected: `send(text)` writes one websocket text message; the owner calls `feed(message)`
for every message received and `close()` when the connection ends.
"""

from __future__ import annotations

import asyncio
import contextvars
import itertools
import logging
import secrets
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

from csms.domain.ids import StationId
from csms.errors import (
    CallError,
    CallTimeout,
    HandlerMisuse,
    InternalError,
    NotSupported,
    RpcError,
    SessionClosed,
)
from csms.logging_setup import log_message
from csms.ocpp import framing
from csms.ocpp.observe import ExchangeObserver, record_exchange
from csms.ocpp.schemas import validate, validate_payload
from csms.ocpp.versions import OcppVersion

log = logging.getLogger("csms.ocpp.session")

SendText = Callable[[str], Awaitable[None]]
FollowUp = Callable[[], Awaitable[Any]]


@dataclass(slots=True)
class HandlerContext:
    """What a handler knows about the call it is answering."""

    station_id: StationId
    version: OcppVersion
    session: RpcSession
    message_id: str
    follow_ups: list[FollowUp] = field(default_factory=list)

    def after_response(self, follow_up: FollowUp) -> None:
        """Run `follow_up()` as its own task once the response to this call has been sent."""
        self.follow_ups.append(follow_up)


# A received payload: a JSON object that passed its action's schema. Each handler declares the TypedDict it is
# (csms/ocpp/wire); a table of handlers for many actions can only say "some payload", hence Any here.
ReceivedPayload = Any
Response = Mapping[str, object]  # what a handler answers (its action's response TypedDict)
CallHandler = Callable[[HandlerContext, ReceivedPayload], Awaitable[Response]]  # what the session dispatches to
SendHandler = Callable[[HandlerContext, ReceivedPayload], Awaitable[None]]
Handler = Callable[[HandlerContext, dict[str, Any]], Awaitable[dict[str, Any]]]  # an untyped one (the simulator's)

Answer = TypeVar("Answer", bound=Mapping[str, object])

_handling_session: contextvars.ContextVar[RpcSession | None] = contextvars.ContextVar(
    "_handling_session", default=None
)


def _expire(future: asyncio.Future[dict[str, Any]], station_id: str, action: str, timeout_s: float) -> None:
    """A CALL's timer: fail its future with CallTimeout unless it has been answered."""
    if not future.done():
        future.set_exception(CallTimeout(f"{station_id}: {action} not answered within {timeout_s} s"))


class RpcSession:
    """One OCPP-J connection's RPC state machine."""

    def __init__(
        self,
        *,
        station_id: str,
        version: OcppVersion,
        send: SendText,
        handlers: Mapping[str, CallHandler],
        send_handlers: Mapping[str, SendHandler] | None = None,
        call_timeout_s: float = 30.0,
        max_queued_calls: int = 1000,
        validate_outgoing: bool = True,
        record: ExchangeObserver = record_exchange,
    ) -> None:
        self.station_id = station_id
        self._record = record  # the CSMS's exchange log and metrics; a peer in the same process passes its own
        self.version = version
        self._send = send
        self._handlers = handlers
        self._send_handlers = send_handlers or {}
        self.call_timeout_s = call_timeout_s
        self._max_queued_calls = max_queued_calls
        self._validate_outgoing = validate_outgoing
        self._call_lock = asyncio.Lock()
        self._queued = 0
        self._pending_id: str | None = None
        self._pending_action = ""
        self._pending: asyncio.Future[dict[str, Any]] | None = None
        self._id_prefix = secrets.token_hex(4)
        self._ids = itertools.count(1)
        self._tasks: set[asyncio.Task[Any]] = set()
        self._closed = False
        self.state: dict[str, Any] = {}  # handlers' per-connection data (e.g. csms/handlers/tx_cache.py)

    @property
    def closed(self) -> bool:
        return self._closed

    def _next_id(self) -> str:
        return f"{self._id_prefix}-{next(self._ids)}"

    # ---- outgoing -------------------------------------------------------------------------------------

    async def call(self, action: str, payload: dict[str, Any], timeout_s: float | None = None) -> dict[str, Any]:
        """Send a CALL and return the validated CALLRESULT payload.

        Raises CallError (peer answered CALLERROR or an invalid result), CallTimeout, SessionClosed, or
        HandlerMisuse when awaited inline from this session's own handler.
        """
        if _handling_session.get() is self:
            raise HandlerMisuse(f"{action}: a handler may not await a call on its own session; use after_response")
        if self._closed:
            raise SessionClosed(f"{self.station_id}: connection closed")
        if self._validate_outgoing:
            validate_payload(self.version, action, payload, is_request=True)
        if self._queued >= self._max_queued_calls:
            raise SessionClosed(f"{self.station_id}: outgoing call queue full ({self._max_queued_calls})")
        self._queued += 1
        try:
            async with self._call_lock:
                return await self._call_now(action, payload, timeout_s or self.call_timeout_s)
        finally:
            self._queued -= 1

    async def call_for(self, action: str, payload: Mapping[str, object], answer: type[Answer],
                       timeout_s: float | None = None) -> Answer:
        """`call` with typed payloads: `payload` and `answer` are the action's request and response TypedDicts
        (csms/ocpp/wire). The answer has passed that response schema (`_resolve_result`)."""
        return cast(Answer, await self.call(action, dict(payload), timeout_s))

    async def _call_now(self, action: str, payload: dict[str, Any], timeout_s: float) -> dict[str, Any]:
        if self._closed:
            raise SessionClosed(f"{self.station_id}: connection closed")
        message_id = self._next_id()
        loop = asyncio.get_running_loop()
        future: asyncio.Future[dict[str, Any]] = loop.create_future()
        self._pending_id, self._pending_action, self._pending = message_id, action, future
        started = time.perf_counter()
        outcome = "ok"
        timer: asyncio.TimerHandle | None = None
        try:
            try:
                await self._send(framing.encode_call(message_id, action, payload))
            except Exception as exc:  # transport gone (e.g. websockets.ConnectionClosed)
                raise SessionClosed(f"{self.station_id}: {action} could not be sent: {type(exc).__name__}") from exc
            # the timeout fails the future (a timer, not `asyncio.timeout`, which costs ~3 us more per call)
            timer = loop.call_later(timeout_s, _expire, future, self.station_id, action, timeout_s)
            return await future
        except CallTimeout:
            outcome = "timeout"
            raise
        except CallError as exc:
            outcome = exc.code
            raise
        except BaseException:
            outcome = "closed" if self._closed else "error"
            raise
        finally:
            if timer is not None:
                timer.cancel()
            if not future.done():
                future.cancel()
            elif not future.cancelled():
                future.exception()  # mark retrieved: close() may have failed it while we were leaving
            self._pending_id, self._pending = None, None
            self._record(self.station_id, action, "out", (time.perf_counter() - started) * 1000, outcome)

    async def send_unconfirmed(self, action: str, payload: dict[str, Any]) -> None:
        """OCPP 2.1 SEND: a message that expects no answer (may be sent while a CALL is in flight)."""
        if not self.version.has_send_frames:
            raise NotSupported(f"SEND frames need ocpp2.1, this session speaks {self.version.value}")
        if self._validate_outgoing:
            validate(self.version, action, "", payload)
        await self._send(framing.encode_send(self._next_id(), action, payload))

    # ---- incoming -------------------------------------------------------------------------------------

    async def feed(self, raw: str | bytes) -> None:
        """Process one received websocket message. Never raises for bad peer input."""
        try:
            frame = framing.parse_frame(raw, allow_21_types=self.version.has_send_frames)
        except framing.FrameError as exc:
            log.warning("bad frame from %s: %s %s", self.station_id, exc.error.code, exc.error.description,
                        extra={"station_id": self.station_id, "error_code": exc.error.code})
            if exc.reply:
                await self._send_safely(framing.encode_error(exc.message_id, exc.error))
            self._record(self.station_id, "?", "in", 0.0, exc.error.code)
            return
        if isinstance(frame, framing.Call):
            await self._handle_call(frame)
        elif isinstance(frame, framing.CallResult):
            await self._resolve_result(frame)
        elif isinstance(frame, framing.CallErrorFrame):
            self._resolve_error(frame)
        else:
            await self._handle_send(frame)

    async def _handle_call(self, frame: framing.Call) -> None:
        started = time.perf_counter()
        ctx = HandlerContext(StationId(self.station_id), self.version, self, frame.message_id)
        bound = log_message.set(frame.message_id)
        try:
            validate_payload(self.version, frame.action, frame.payload, is_request=True)
            handler = self._handlers.get(frame.action)
            if handler is None:
                raise NotSupported(f"{frame.action} is not supported by this endpoint")
            token = _handling_session.set(self)
            try:
                response = await handler(ctx, frame.payload)
            finally:
                _handling_session.reset(token)
            if self._validate_outgoing:
                self._check_own_response(frame.action, response)
            reply = framing.encode_result(frame.message_id, response)
            outcome = "ok"
        except RpcError as exc:
            reply, outcome = framing.encode_error(frame.message_id, exc), exc.code
            log.warning("%s %s from %s rejected: %s", exc.code, frame.action, self.station_id, exc.description,
                        extra={"station_id": self.station_id, "action": frame.action, "error_code": exc.code})
            ctx.follow_ups.clear()
        except Exception as exc:  # a handler bug must not take the connection down
            log.exception("handler for %s from %s failed", frame.action, self.station_id)
            error = InternalError(f"{frame.action} could not be processed: {type(exc).__name__}")
            reply, outcome = framing.encode_error(frame.message_id, error), error.code
            ctx.follow_ups.clear()
        finally:
            log_message.reset(bound)
        await self._send_safely(reply)
        self._record(self.station_id, frame.action, "in", (time.perf_counter() - started) * 1000, outcome)
        for follow_up in ctx.follow_ups:
            self.spawn(follow_up(), name=f"{self.station_id}:{frame.action}:follow-up")

    def _check_own_response(self, action: str, response: Response) -> None:
        """Our handler's answer must match the schema; if not, it is our bug: InternalError, logged."""
        try:
            validate_payload(self.version, action, response, is_request=False)
        except RpcError as exc:
            log.error("%s: our %s response violates the schema: %s", self.station_id, action, exc.description)
            raise InternalError(f"{action} response could not be built") from None

    async def _handle_send(self, frame: framing.Send) -> None:
        ctx = HandlerContext(StationId(self.station_id), self.version, self, frame.message_id)
        try:
            validate(self.version, frame.action, "", frame.payload)
            handler = self._send_handlers.get(frame.action)
            if handler is None:
                raise NotSupported(f"SEND {frame.action} is not supported")
            await handler(ctx, frame.payload)
            outcome = "ok"
        except RpcError as exc:  # SEND is never answered (OCPP-J 4.2.4): log only
            outcome = exc.code
            log.warning("SEND %s from %s dropped: %s", frame.action, self.station_id, exc.description)
        except Exception:
            outcome = "InternalError"
            log.exception("SEND handler for %s from %s failed", frame.action, self.station_id)
        self._record(self.station_id, frame.action, "send-in", 0.0, outcome)

    async def _resolve_result(self, frame: framing.CallResult) -> None:
        future = self._pending
        if future is None or frame.message_id != self._pending_id or future.done():
            log.warning("%s: CALLRESULT %s matches no pending call (late or unknown); ignored",
                        self.station_id, frame.message_id)
            return
        try:
            validate_payload(self.version, self._pending_action, frame.payload, is_request=False)
        except RpcError as exc:
            future.set_exception(CallError(self._pending_action, exc.code, exc.description, exc.details))
            if self.version.has_send_frames:
                await self._send_safely(framing.encode_error(frame.message_id, exc, result_error=True))
            return
        future.set_result(frame.payload)

    def _resolve_error(self, frame: framing.CallErrorFrame) -> None:
        if frame.is_result_error:
            log.warning("%s reported our response %s invalid: %s %s", self.station_id, frame.message_id,
                        frame.code, frame.description)
            return
        future = self._pending
        if future is None or frame.message_id != self._pending_id or future.done():
            log.warning("%s: CALLERROR %s matches no pending call; ignored", self.station_id, frame.message_id)
            return
        future.set_exception(CallError(self._pending_action, frame.code, frame.description, frame.details))

    # ---- lifecycle ------------------------------------------------------------------------------------

    def spawn(self, coro: Awaitable[Any], *, name: str) -> asyncio.Task[Any]:
        """Run `coro` as a task owned by this session (cancelled on close, errors logged)."""
        task = asyncio.ensure_future(coro)
        task.set_name(name)
        self._tasks.add(task)
        task.add_done_callback(self._task_done)
        return task

    def _task_done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            exc = task.exception()
            log.warning("%s: task %s failed: %s: %s", self.station_id, task.get_name(), type(exc).__name__, exc)

    async def _send_safely(self, text: str) -> None:
        try:
            await self._send(text)
        except Exception as exc:  # the connection is going away; the owner will close us
            log.info("%s: send failed: %s", self.station_id, type(exc).__name__)

    def close(self, reason: str = "connection closed") -> None:
        """Fail the pending call, refuse new ones and cancel follow-up tasks."""
        self._closed = True
        if self._pending is not None and not self._pending.done():
            self._pending.set_exception(SessionClosed(f"{self.station_id}: {reason}"))
        for task in list(self._tasks):
            task.cancel()

