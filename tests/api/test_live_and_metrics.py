"""Over real sockets: the server-sent event stream (station, transaction, setpoint, fleet tick and score events),
and /metrics after a simulated charging session with fleet control (counters, latency histograms, optimizer and
dispatch timings are non-zero)."""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import httpx
import orjson
from prometheus_client.parser import text_string_to_metric_families

from chargepoint_sim.config import EvConfig, FleetConfig, LinkConfig, StationConfig
from chargepoint_sim.fleet import Fleet
from csms.api.auth import Role
from csms.app import build_app
from csms.domain.clock import ScaledClock
from csms.settings import FleetSettings
from tests.api.helpers import serving
from tests.api.test_fleet_api import point, with_fleet
from tests.helpers.csms_app import API_TOKEN, PASSWORD, booted, csms_test_settings, running_csms, station_connect
from tests.helpers.eventually import eventually

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


class EventReader:
    """Reads SSE events from a streaming response; keeps every event seen, in stream order."""

    def __init__(self, response: httpx.Response) -> None:
        self._lines = response.aiter_lines()
        self.seen: list[tuple[str, dict[str, Any]]] = []

    async def until(self, kind: str, match: Callable[[dict[str, Any]], bool] = lambda _: True,
                    timeout_s: float = 10.0) -> dict[str, Any]:
        """The data of the first `kind` event that `match`es, already seen or read now (events of different
        sources, e.g. a setpoint and the tick that caused it, may arrive in either order)."""
        for seen_kind, data in self.seen:
            if seen_kind == kind and match(data):
                return data

        async def find() -> dict[str, Any]:
            event = ""
            while True:
                line = await anext(self._lines)
                if line.startswith("event: "):
                    event = line[7:]
                elif line.startswith("data: "):
                    data: dict[str, Any] = orjson.loads(line[6:])
                    self.seen.append((event, data))
                    if event == kind and match(data):
                        return data

        return await asyncio.wait_for(find(), timeout_s)


class RawStation:
    """A websocket station that answers every CSMS CALL with Accepted (recording it) and awaits its own replies."""

    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self._replies: dict[str, asyncio.Future[list[Any]]] = {}
        self._task = asyncio.create_task(self._serve())

    async def _serve(self) -> None:
        async for raw in self.ws:
            frame = orjson.loads(raw)
            if frame[0] == 2:
                self.calls.append((frame[2], frame[3]))
                await self.ws.send(orjson.dumps([3, frame[1], {"status": "Accepted"}]).decode())
            elif frame[1] in self._replies:
                self._replies.pop(frame[1]).set_result(frame)

    async def call(self, message_id: str, action: str, payload: dict[str, Any]) -> list[Any]:
        reply = self._replies[message_id] = asyncio.get_running_loop().create_future()
        await self.ws.send(orjson.dumps([2, message_id, action, payload]).decode())
        return await asyncio.wait_for(reply, 5)

    async def close(self) -> None:
        self._task.cancel()
        await asyncio.gather(self._task, return_exceptions=True)


def at(text: str) -> datetime:
    """An RFC 3339 time from JSON."""
    return datetime.fromisoformat(text)


def tx_event(event_type: str, seq_no: int, import_wh: float, power_w: float, soc_percent: float,
             **info: Any) -> dict[str, Any]:
    now = datetime.now(UTC).isoformat().replace("+00:00", "Z")
    return {"eventType": event_type, "timestamp": now, "seqNo": seq_no,
            "triggerReason": {"Started": "CablePluggedIn", "Ended": "EVDeparted"}.get(event_type, "MeterValuePeriodic"),
            "transactionInfo": {"transactionId": "TX-L1", **info}, "evse": {"id": 1, "connectorId": 1},
            "idToken": {"idToken": "RFID-L1", "type": "ISO14443"},
            "meterValue": [{"timestamp": now, "sampledValue": [
                {"value": import_wh, "measurand": "Energy.Active.Import.Register", "unitOfMeasure": {"unit": "Wh"}},
                {"value": power_w, "measurand": "Power.Active.Import", "unitOfMeasure": {"unit": "W"}},
                {"value": soc_percent, "measurand": "SoC", "unitOfMeasure": {"unit": "Percent"}}]}]}


async def test_the_event_stream_carries_transactions_setpoints_and_fleet_ticks() -> None:
    settings = csms_test_settings(accept_unknown_tokens=True).model_copy(update={"fleet": FleetSettings(
        enabled=True, horizon_steps=8, dispatch_interval_s=3600.0,  # ticks only when a signal arrives
        reg_up_price_per_mwh=20.0, reg_down_price_per_mwh=20.0)})
    kinds = "transaction.started,transaction.ended,setpoint.applied,fleet.planned,fleet.tick"
    async with running_csms(settings=settings) as app, httpx.AsyncClient(
            base_url=f"http://127.0.0.1:{app.api_port}", headers=AUTH, timeout=10) as http, \
            http.stream("GET", f"/api/v1/events/stream?kinds={kinds}") as response, \
            station_connect(app, "LIVE-2") as ws:
        assert response.status_code == 200
        events = EventReader(response)
        await booted(ws)
        station = RawStation(ws)
        try:
            await station.call("tx-1", "TransactionEvent", tx_event("Started", 0, 1000.0, 7000.0, 40.0,
                                                                    chargingState="Charging"))
            started = await events.until("transaction.started")
            planned = await events.until("fleet.planned")
            regulation = await http.post("/api/v1/grid/regulation", json={"value": 0.5})
            assert regulation.status_code == 200, regulation.text
            tick = await events.until("fleet.tick", lambda d: d["signal"] == 0.5)
            setpoint = await events.until("setpoint.applied")
            trace = (await http.get("/api/v1/fleet/trace")).json()
            await station.call("tx-2", "TransactionEvent", tx_event("Ended", 1, 3500.0, 0.0, 55.0,
                                                                    stoppedReason="EVDisconnected"))
            ended = await events.until("transaction.ended")
        finally:
            await station.close()
    assert (started["station_id"], started["transaction_id"], started["evse_id"]) == ("LIVE-2", "TX-L1", 1)
    assert (started["power_w"], started["soc"], started["energy_import_wh"]) == (7000.0, 0.4, 0.0)
    assert planned["evs"] == 1
    [rest_tick] = [t for t in trace if at(t["at"]) == at(tick["at"])]
    assert tick == rest_tick  # the REST trace's tick, times written alike (UTC as Z)
    assert tick["at"].endswith("Z") and started["at"].endswith("Z")
    assert tick["metered_w"] == 7000.0  # the transaction's metered power reached the controller
    assert not setpoint["clamped"] and setpoint["power_w"] == tick["requested_w"]  # the one EV's share
    [profile] = [p for a, p in station.calls if a == "SetChargingProfile"]
    limit_w = profile["chargingProfile"]["chargingSchedule"][0]["chargingSchedulePeriod"][0]["limit"]
    assert (setpoint["station_id"], setpoint["evse_id"], setpoint["power_w"]) == ("LIVE-2", 1, limit_w)
    assert profile["chargingProfile"]["transactionId"] == "TX-L1"
    assert (ended["transaction_id"], ended["energy_import_wh"], ended["soc"]) == ("TX-L1", 2500.0, 0.55)
    assert [k for k, _ in events.seen if k.startswith("transaction.")] == ["transaction.started", "transaction.ended"]


async def test_the_event_stream_carries_the_fleet_score_as_get_fleet_score_computes_it() -> None:
    h, fleet = with_fleet()
    async with serving(h.api) as url, httpx.AsyncClient(base_url=url, timeout=10, headers={
            "Authorization": f"Bearer {h.tokens[Role.VIEWER]}"}) as http:
        async with http.stream("GET", "/api/v1/events/stream?kinds=fleet.score,fleet.tick") as response:
            events = EventReader(response)
            for k in range(200):  # 800 s of a 4 s signal the fleet follows closely
                signal = math.sin(k / 8)
                fleet.trace.append(point(4 * k, signal, -signal * (9_000.0 if signal >= 0 else 7_500.0)))
            score = await events.until("fleet.score")
        expected = (await http.get("/api/v1/fleet/score?window_s=3600")).json()
        ticks = (await http.get("/api/v1/fleet/trace?limit=50")).json()
    assert at(score["at"]) == at(ticks[-1]["at"]) and {**score, "at": None} == {**expected, "at": None}
    assert score["points"] == 200 and score["windows"] == 2 and 0.5 < score["composite"] < 1.0
    streamed = [d for k, d in events.seen if k == "fleet.tick"]  # the newest 50 ticks of the batch
    assert [(at(d["at"]), d["signal"], d["response"]) for d in streamed] == [
        (at(d["at"]), d["signal"], d["response"]) for d in ticks]


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
        await eventually(lambda: sum(1 for _ in sim.transactions()) == 3
                         and all(not tx.active for _, tx in sim.transactions()), "the simulated sessions ended")
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
