"""Live updates as server-sent events: GET /api/v1/events/stream.

Each client gets domain events (station status, transactions, setpoints, needs, plans, ...) from the
`EventBus`, plus `fleet.tick` events synthesised from the fleet controller's trace (signal, normalised response,
baseline, reserves, metered power), through its own bounded queue: a slow client loses the oldest events
(the next event carries `dropped`), never the publisher's time. `?kinds=a,b` filters; a comment line every
15 s keeps proxies from closing an idle stream; streams end by themselves when the server shuts down.
Browsers read it with fetch() (EventSource cannot send the Authorization header).
"""

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Query, Request
from fastapi.responses import StreamingResponse

from csms.api.auth import Auth, Role
from csms.api.routes.fleet import recent_points, trace_out
from csms.api.services import ApiServices
from csms.services.events import DomainEvent

QUEUE_SIZE = 512
KEEPALIVE_S = 15.0
TICK_POLL_S = 0.5


def _frame(seq: int, kind: str, data: dict[str, Any]) -> bytes:
    return b"id: %d\nevent: %s\ndata: %s\n\n" % (seq, kind.encode(), orjson.dumps(data, default=str))


def router(services: ApiServices, auth: Auth) -> APIRouter:
    r = APIRouter(prefix="/api/v1", tags=["live"])

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
        last_tick_at = services.fleet.trace[-1].at if want_ticks and services.fleet and services.fleet.trace else None
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
                if want_ticks and services.fleet is not None:
                    points = recent_points(services.fleet, last_tick_at, 50)
                    if points:
                        last_tick_at = points[-1].at
                        for point in trace_out(points):
                            seq += 1
                            yield _frame(seq, "fleet.tick", point.model_dump())
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
                                                       "station.connected,transaction.started,fleet.tick")] = None,
    ) -> StreamingResponse:
        """Server-sent events: domain events and fleet ticks as they happen (text/event-stream)."""
        selected = None if not kinds else frozenset(k.strip() for k in kinds.split(",") if k.strip())
        return StreamingResponse(stream(request, selected), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})

    return r
