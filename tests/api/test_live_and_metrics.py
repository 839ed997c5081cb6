"""Over real sockets: the server-sent event stream, and /metrics after a simulated charging session with fleet
control (counters, latency histograms, optimizer and dispatch timings are non-zero)."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime
from typing import Any

import httpx
import orjson
from prometheus_client.parser import text_string_to_metric_families

from chargepoint_sim.config import EvConfig, FleetConfig, LinkConfig, StationConfig
from chargepoint_sim.fleet import Fleet
from csms.app import build_app
from csms.domain.clock import ScaledClock
from csms.settings import FleetSettings
from tests.helpers.csms_app import API_TOKEN, PASSWORD, booted, csms_test_settings, running_csms, station_connect

AUTH = {"Authorization": f"Bearer {API_TOKEN}"}


async def read_events(response: httpx.Response, count: int, timeout_s: float = 5.0) -> list[tuple[str, dict[str, Any]]]:
    """Parse `count` SSE events (event name, data) from a streaming response."""
    events: list[tuple[str, dict[str, Any]]] = []
    kind = ""

    async def read() -> None:
        nonlocal kind
        async for line in response.aiter_lines():
            if line.startswith("event: "):
                kind = line[7:]
            elif line.startswith("data: "):
                events.append((kind, orjson.loads(line[6:])))
                if len(events) == count:
                    return

    await asyncio.wait_for(read(), timeout_s)
    return events


async def test_the_event_stream_delivers_station_events_filtered_by_kind() -> None:
    async with running_csms() as app, httpx.AsyncClient(base_url=f"http://127.0.0.1:{app.api_port}", headers=AUTH,
                                                        timeout=10) as http:
        kinds = "station.connected,station.booted,station.disconnected"
        async with http.stream("GET", f"/api/v1/events/stream?kinds={kinds}") as response:
            assert response.status_code == 200
            assert response.headers["content-type"].startswith("text/event-stream")
            async with station_connect(app, "LIVE-1") as ws:
                await booted(ws)
            events = await read_events(response, 3)
        metrics = (await http.get("/metrics")).text
    assert [(k, d["station_id"]) for k, d in events] == [("station.connected", "LIVE-1"), ("station.booted", "LIVE-1"),
                                                        ("station.disconnected", "LIVE-1")]
    assert events[0][1]["ocpp_version"] == "ocpp2.0.1" and events[1][1]["status"] == "Accepted"
    assert "csms_api_event_stream_clients 0.0" in metrics


def samples(text: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    out = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            out[(s.name, frozenset(s.labels.items()))] = s.value
    return out


def value(metrics: dict[tuple[str, frozenset[tuple[str, str]]], float], name: str, **labels: str) -> float:
    return metrics.get((name, frozenset(labels.items())), 0.0)


async def test_metrics_after_a_simulated_session_show_exchanges_latencies_and_fleet_timings() -> None:
    start = datetime(2026, 6, 1, 17, 0, tzinfo=UTC)
    clock = ScaledClock(start, 300.0)
    settings = csms_test_settings(accept_unknown_tokens=True)
    settings = settings.model_copy(update={"fleet": FleetSettings(
        enabled=True, horizon_steps=8, dispatch_interval_s=30.0, reg_up_price_per_mwh=20.0,
        reg_down_price_per_mwh=20.0)})
    app = build_app(settings, clock=clock)
    await app.start()
    sim = Fleet(FleetConfig(
        csms_url=f"ws://127.0.0.1:{app.ocpp_port}/ocpp", stations=3, password=PASSWORD, seed=11,
        station=StationConfig(evses=1, tx_updated_interval_s=60),
        ev=EvConfig(first_arrival_s=(0.0, 60.0), dwell_s=(1200.0, 1500.0), visits_per_evse=1,
                    allow_discharge_probability=1.0),
        link=LinkConfig(reconnect_min_s=0.2, reconnect_max_s=1.0, reconnect_jitter_s=0.1)), clock)
    try:
        await sim.start()
        deadline = time.monotonic() + 30
        while not (sum(1 for _ in sim.transactions()) == 3 and all(not tx.active for _, tx in sim.transactions())):
            assert time.monotonic() < deadline, "the simulated sessions did not end"
            await asyncio.sleep(0.1)
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{app.api_port}", headers=AUTH) as http:
            await http.get("/api/v1/transactions")
            scrape = await http.get("/metrics")
    finally:
        await sim.stop()
        await app.stop()
    assert scrape.headers["content-type"].startswith("text/plain; version=0.0.4")
    m = samples(scrape.text)
    assert value(m, "csms_ocpp_messages_total", action="BootNotification", direction="in", outcome="ok") >= 3
    assert value(m, "csms_ocpp_messages_total", action="TransactionEvent", direction="in", outcome="ok") >= 6
    assert value(m, "csms_ocpp_messages_total", action="SetChargingProfile", direction="out", outcome="ok") >= 1
    assert value(m, "csms_ocpp_exchange_duration_seconds_count", action="TransactionEvent", direction="in") >= 6
    assert value(m, "csms_ocpp_exchange_duration_seconds_sum", action="SetChargingProfile", direction="out") > 0
    assert value(m, "csms_ocpp_connects_total") >= 3 and value(m, "csms_ocpp_connections") == 3
    assert value(m, "csms_domain_events_total", kind="transaction.ended") == 3
    assert value(m, "csms_optimizer_solve_seconds_count") >= 1 and value(m, "csms_optimizer_solve_seconds_sum") > 0
    assert value(m, "csms_fleet_dispatch_duration_seconds_count") >= 1
    assert value(m, "csms_fleet_replans") >= 1
    assert value(m, "csms_api_requests_total", method="GET", route="/api/v1/transactions", status="200") == 1
    assert value(m, "csms_store_errors_total", error="StoreUnavailable") == 0


async def test_an_open_event_stream_ends_promptly_when_the_node_stops() -> None:
    cm = running_csms()
    app = await cm.__aenter__()
    lines: list[str] = []
    opened = asyncio.Event()
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{app.api_port}", headers=AUTH, timeout=10) as http:
        async def consume() -> None:
            async with http.stream("GET", "/api/v1/events/stream") as response:
                async for line in response.aiter_lines():
                    lines.append(line)
                    opened.set()

        reader = asyncio.create_task(consume())
        await asyncio.wait_for(opened.wait(), 5)
        started = time.monotonic()
        await cm.__aexit__(None, None, None)
        await asyncio.wait_for(reader, 2)
    assert time.monotonic() - started < 1.5, "stop waited for the stream instead of ending it"
    assert lines[0] == "retry: 2000"
