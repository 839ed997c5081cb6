"""The streaming JSON websocket source against a small `websockets` server on loopback: signals in, telemetry
back at the signal's cadence, malformed messages skipped, and a dropped stream reconnected."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime

import pytest
from websockets.asyncio.server import ServerConnection, serve

from csms.domain.clock import SystemClock
from csms.grid.feed import Backoff, FeedConsumer, FeedRole, FeedState, SourceFeed, Telemetry
from csms.grid.signals import GridSignalSource
from csms.grid.ws_stream import WebSocketStream, parse_message
from tests.helpers.eventually import eventually
from tests.unit.grid.test_feed import FakeSink

T0 = datetime(2024, 1, 1, 12, tzinfo=UTC)


def _telemetry() -> Telemetry:
    return Telemetry(T0, 0.4, -2_000.0, 6_000.0, -2_000.0, 20_000.0, 20_000.0)


async def test_a_stream_drives_the_fleet_gets_telemetry_back_and_reconnects() -> None:
    received: list[dict[str, object]] = []
    connections = 0
    second_connection = asyncio.Event()

    async def handler(ws: ServerConnection) -> None:
        nonlocal connections
        connections += 1
        if connections == 1:
            await ws.send(json.dumps({"type": "regulation", "value": 0.4}))
            received.append(json.loads(await ws.recv()))
            await ws.send("not json")
            await ws.send(json.dumps({"type": "regulation", "percent": -20.0, "sampled_at": "2024-01-01T12:00:00Z"}))
            received.append(json.loads(await ws.recv()))
            await ws.close()  # the far end drops the stream
            return
        second_connection.set()
        await ws.send(json.dumps({"type": "regulation", "value": 0.9}))
        await ws.wait_closed()

    clock = SystemClock()
    sink = FakeSink()
    consumer = FeedConsumer(sink, clock)
    async with serve(handler, "127.0.0.1", 0) as server:
        port = server.sockets[0].getsockname()[1]
        stream = WebSocketStream(f"ws://127.0.0.1:{port}/agc", clock, telemetry=_telemetry)

        async def connect() -> GridSignalSource:
            return stream

        feed = SourceFeed("cloud", "ws-stream", FeedRole.REGULATION, clock, connect, backoff=Backoff(0.02, 0.1),
                          reconnect_on_end=True)
        await feed.start(consumer.deliver)
        try:
            await eventually(lambda: second_connection.is_set() and len(sink.regulation) == 3, "reconnected")
        finally:
            await feed.stop()
    assert sink.regulation == [0.4, -0.2, 0.9]
    assert [r["type"] for r in received] == ["telemetry", "telemetry"]
    assert received[0]["metered_w"] == -2_000.0 and received[0]["reserve_up_w"] == 20_000.0
    status = feed.status(clock.now())
    assert status.errors == 1 and status.reconnects == 1 and stream.rejected == 1
    assert status.state is FeedState.STOPPED and status.last_value == 0.9


def test_messages_are_validated() -> None:
    from csms.grid.errors import GridDataError
    from csms.grid.signals import FrequencySample, PriceSignal

    sample = parse_message('{"type": "frequency", "frequency_hz": 49.98}', source="s", now=T0)
    assert isinstance(sample, FrequencySample) and sample.sampled_at == T0
    price = parse_message(json.dumps({"type": "price", "start_at": "2024-01-01T13:00:00Z",
                                      "end_at": "2024-01-01T14:00:00Z", "price_per_mwh": 42.0}), source="s", now=T0)
    assert isinstance(price, PriceSignal) and price.price_per_mwh == 42.0
    for bad in ('{"type": "regulation", "value": 1.5}', '{"type": "regulation", "value": "x"}', "[1]",
                '{"type": "frequency", "frequency_hz": 50, "sampled_at": "2024-01-01T12:00:00"}',
                '{"type": "nope"}'):
        with pytest.raises(GridDataError):
            parse_message(bad, source="s", now=T0)
