"""Live updates as server-sent events: GET /api/v1/events/stream.

Each client gets domain events (station status, transactions, setpoints, needs, plans, ...) from the
`EventBus`, plus two kinds synthesised from the fleet controller's trace: `fleet.tick` (signal, normalised
response, baseline, reserves, metered power: one per new tick) and `fleet.score` (the regulation score of the
last `SCORE_WINDOW_S`, exactly what GET /fleet/score?window_s=3600 answers, plus `at` = the newest tick it
covers: one on connect, then whenever it is recomputed). The score is CPU-bound, so one computation serves
every client: it is redone in a worker thread when the trace has new ticks, at most every `SCORE_EVERY_S`.
Events pass through each client's own bounded queue: a slow client loses the oldest events (the next event
carries `dropped`), never the publisher's time. `?kinds=a,b` filters; a comment line every 15 s keeps proxies
from closing an idle stream; streams end by themselves when the server shuts down.
Browsers read it with fetch() (EventSource cannot send the Authorization header).
"""

import asyncio
import math
import time
from collections.abc import AsyncIterator
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import orjson
from fastapi import APIRouter, Query, Request
from fastapi.responses import StreamingResponse

from csms.api.auth import Auth, Role
from csms.api.routes.fleet import recent_points, score_out, score_points, trace_out
from csms.api.services import ApiServices
from csms.services.events import DomainEvent

if TYPE_CHECKING:
    from csms.services.fleet_view import FleetView

QUEUE_SIZE = 512
KEEPALIVE_S = 15.0
TICK_POLL_S = 0.5
SCORE_WINDOW_S = 3600.0
SCORE_EVERY_S = 10.0  # wall-clock seconds between recomputations, whatever the clock's speed


class SharedScore:
    """The newest `fleet.score` payload, shared by every client of one API (see the module docstring)."""

    def __init__(self) -> None:
        self._lock = asyncio.Lock()
        self._tick_at: datetime | None = None
        self._computed_at = -math.inf
        self._data: dict[str, Any] | None = None

    async def latest(self, fleet: "FleetView") -> dict[str, Any] | None:
        """The score payload (None while the trace is empty), recomputed first if it is due."""
        async with self._lock:
            if not fleet.trace:
                return None
            newest = fleet.trace[-1].at
            due = newest != self._tick_at and time.monotonic() - self._computed_at >= SCORE_EVERY_S
            if self._data is None or due:
                points = score_points(fleet, SCORE_WINDOW_S)  # copied here: the trace grows meanwhile
                score = await asyncio.to_thread(score_out, points, SCORE_WINDOW_S)
                self._tick_at, self._computed_at = newest, time.monotonic()
                self._data = {"at": newest, **score.model_dump()}
            return self._data


def _frame(seq: int, kind: str, data: dict[str, Any]) -> bytes:
    """One SSE frame; times as in the REST answers (RFC 3339, UTC written as Z)."""
    body = orjson.dumps(data, default=str, option=orjson.OPT_UTC_Z)
    return b"id: %d\nevent: %s\ndata: %s\n\n" % (seq, kind.encode(), body)


def router(services: ApiServices, auth: Auth) -> APIRouter:
    r = APIRouter(prefix="/api/v1", tags=["live"])
    shared_score = SharedScore()

    async def stream(request: Request, kinds: frozenset[str] | None) -> AsyncIterator[bytes]:
        queue: asyncio.Queue[DomainEvent] = asyncio.Queue(QUEUE_SIZE)
        dropped = 0

        def on_event(event: DomainEvent) -> None:
            nonlocal dropped
            if kinds is not None and event.kind not in kinds:
                return
            if queue.full():
                queue.get_nowait()
                dropped += 1
            queue.put_nowait(event)

        want_ticks = services.fleet is not None and (kinds is None or "fleet.tick" in kinds)
        view = services.fleet.view if services.fleet is not None else None
        last_tick_at = view.trace[-1].at if want_ticks and view and view.trace else None
        want_scores = services.fleet is not None and (kinds is None or "fleet.score" in kinds)
        last_score: dict[str, Any] | None = None
        if services.events is not None:
            services.events.subscribe(on_event)
        if services.metrics is not None:
            services.metrics.sse_clients.inc()
        seq = 0
        last_sent = time.monotonic()
        try:
            yield b"retry: 2000\n: connected\n\n"
            while not services.shutting_down() and not await request.is_disconnected():
                try:
                    event = await asyncio.wait_for(queue.get(), TICK_POLL_S)
                except TimeoutError:
                    event = None
                if event is not None:
                    seq += 1
                    data = {"station_id": event.station_id, "at": event.at, **event.data}
                    if dropped:
                        data["dropped"], dropped = dropped, 0
                    yield _frame(seq, event.kind, data)
                    last_sent = time.monotonic()
                if want_ticks and view is not None:
                    points = recent_points(view, last_tick_at, 50)
                    if points:
                        last_tick_at = points[-1].at
                        for point in trace_out(points):
                            seq += 1
                            yield _frame(seq, "fleet.tick", point.model_dump())
                        last_sent = time.monotonic()
                if want_scores and view is not None:
                    score = await shared_score.latest(view)
                    if score is not None and score is not last_score:
                        last_score = score
                        seq += 1
                        yield _frame(seq, "fleet.score", score)
                        last_sent = time.monotonic()
                if time.monotonic() - last_sent > KEEPALIVE_S:
                    yield b": keepalive\n\n"
                    last_sent = time.monotonic()
        finally:
            if services.events is not None:
                services.events.unsubscribe(on_event)
            if services.metrics is not None:
                services.metrics.sse_clients.dec()

    @r.get("/events/stream", response_class=StreamingResponse, **auth.requires(Role.VIEWER))
    async def event_stream(
        request: Request,
        kinds: Annotated[str | None, Query(description="comma-separated event kinds, e.g. "
                                                       "station.connected,transaction.started,fleet.tick,"
                                                       "fleet.score")] = None,
    ) -> StreamingResponse:
        """Server-sent events: domain events, fleet ticks and the fleet's regulation score as they happen
        (text/event-stream)."""
        selected = None if not kinds else frozenset(k.strip() for k in kinds.split(",") if k.strip())
        return StreamingResponse(stream(request, selected), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})

    return r
