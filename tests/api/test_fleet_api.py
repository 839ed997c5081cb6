"""Fleet and grid endpoints over a real (not started) FleetController: overview, trace with the normalised
response, score, regulation signal, DR events committed vs delivered, prices; and 503 where fleet control is off."""

from __future__ import annotations

import math
from datetime import timedelta
from typing import Any

import pytest

from csms.api.auth import Role
from csms.domain.clock import ScaledClock, parse_ocpp_time, to_ocpp_time
from csms.domain.ids import StationId, TransactionId
from csms.domain.records import TransactionRecord
from csms.grid.push import RegulationPush
from csms.services.charging import ChargingService
from csms.services.events import EventBus
from csms.services.fleet_controller import FleetController, TracePoint
from csms.settings import FleetSettings
from csms.store.memory import MemoryStore
from tests.api.helpers import NOW, Harness, harness

ST_1 = StationId("ST-1")


def with_fleet() -> tuple[Harness, FleetController]:
    store, clock = MemoryStore(), ScaledClock(NOW, 1.0)
    events = EventBus()
    fleet = FleetController(store, ChargingService(_NoGateway(), store, clock, events), clock, events,
                            FleetSettings(enabled=True))
    return harness(store=store, clock=clock, fleet=fleet, regulation=RegulationPush(clock)), fleet


class _NoGateway:
    def is_connected(self, station_id: StationId) -> bool:
        return False

    def connected_station_ids(self) -> list[StationId]:
        return []

    async def locate(self, station_ids: list[StationId]) -> dict[StationId, str | None]:
        return dict.fromkeys(station_ids)

    async def call(self, station_id: StationId, action: str, payload: dict[str, Any],
                   timeout_s: float | None = None) -> dict[str, Any]:
        raise AssertionError("no station calls in these tests")


def point(at_s: float, signal: float, metered_w: float, baseline_w: float = 0.0) -> TracePoint:
    return TracePoint(NOW - timedelta(seconds=1000) + timedelta(seconds=at_s), signal, baseline_w, 10_000.0, 8_000.0,
                      baseline_w - signal * 10_000.0, metered_w)


@pytest.mark.parametrize(("method", "path"), [("GET", "/api/v1/fleet/trace"), ("GET", "/api/v1/fleet/score"),
                                              ("GET", "/api/v1/grid/dr-events"), ("POST", "/api/v1/grid/regulation")])
async def test_without_fleet_control_the_fleet_endpoints_answer_503(method: str, path: str) -> None:
    h = harness()
    async with h.client(Role.OPERATOR) as http:
        response = await http.request(method, path, json={"value": 0.1})
        status = (await http.get("/api/v1/fleet")).json()
    assert response.status_code == 503 and response.json()["type"].endswith("fleet-control-disabled")
    assert status["controller"] == {"enabled": False, "leader": None, "replans": 0, "plan": None, "last_tick": None}


async def test_fleet_overview_sums_power_both_ways_and_bins_soc() -> None:
    h, _ = with_fleet()
    h.gateway.connected.add(ST_1)
    for i, (power, soc) in enumerate([(3000.0, 0.05), (-2000.0, 0.95), (None, None)]):
        await h.store.put_transaction(TransactionRecord(StationId(f"ST-{i + 1}"), TransactionId(f"T-{i}"), evse_id=1,
                                                        last_power_w=power, last_soc=soc))
    async with h.client(Role.VIEWER) as http:
        fleet = (await http.get("/api/v1/fleet")).json()
    assert (fleet["evs_plugged"], fleet["power_import_w"], fleet["power_export_w"], fleet["net_power_w"]) == (
        3, 3000.0, 2000.0, 1000.0)
    assert fleet["soc"]["counts"] == [1, 0, 0, 0, 0, 0, 0, 0, 0, 1] and fleet["soc"]["unknown"] == 1
    assert fleet["controller"]["enabled"] and fleet["controller"]["leader"] is True


async def test_trace_gives_the_newest_ticks_with_the_response_normalised_like_the_score() -> None:
    h, fleet = with_fleet()
    fleet.trace.extend([point(0, 0.0, 0.0), point(4, 0.5, -5_000.0), point(8, -0.5, 4_000.0), point(12, 1.0, 0.0)])
    async with h.client(Role.VIEWER) as http:
        ticks = (await http.get("/api/v1/fleet/trace")).json()
        assert [(t["signal"], t["response"]) for t in ticks] == [(0.0, 0.0), (0.5, 0.5), (-0.5, -0.5), (1.0, 0.0)]
        since = ticks[1]["at"]
        assert [t["signal"] for t in (await http.get("/api/v1/fleet/trace", params={"since": since})).json()] == [
            -0.5, 1.0]
        assert [t["signal"] for t in (await http.get("/api/v1/fleet/trace?limit=1")).json()] == [1.0]
        status = (await http.get("/api/v1/fleet")).json()
        assert status["controller"]["last_tick"]["signal"] == 1.0
        bad = await http.get("/api/v1/fleet/trace?limit=0")
        assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "query.limit"


async def test_score_is_null_until_a_window_of_ticks_and_high_when_the_fleet_follows() -> None:
    h, fleet = with_fleet()
    async with h.client(Role.VIEWER) as http:
        fleet.trace.extend(point(4 * k, 0.5, -5_000.0) for k in range(10))
        assert (await http.get("/api/v1/fleet/score")).json()["composite"] is None
        fleet.trace.clear()
        for k in range(200):  # 800 s of a 4 s signal the fleet follows exactly
            signal = math.sin(k / 8)
            metered = -signal * (10_000.0 if signal >= 0 else 8_000.0)
            fleet.trace.append(point(4 * k, signal, metered))
        score = (await http.get("/api/v1/fleet/score?window_s=600")).json()
    assert score["step_s"] == 4.0 and score["points"] == 150 and score["windows"] == 2
    assert score["composite"] > 0.95 and score["precision"] > 0.99


async def test_a_regulation_sample_is_validated_and_handed_to_the_controller() -> None:
    h, fleet = with_fleet()
    async with h.client(Role.OPERATOR) as http:
        ok = await http.post("/api/v1/grid/regulation", json={"value": -0.4})
        assert ok.status_code == 200 and ok.json()["value"] == -0.4 and ok.json()["source"] == "push:regulation"
        assert fleet.inputs.signal == -0.4  # what the next dispatch tick allocates
        after_first = parse_ocpp_time(ok.json()["sampled_at"]) + timedelta(seconds=1)  # in order, on any host
        pct = await http.post("/api/v1/grid/regulation", json={"percent": 25, "sampled_at": to_ocpp_time(after_first)})
        assert pct.status_code == 200 and pct.json()["value"] == 0.25
        out_of_range = await http.post("/api/v1/grid/regulation", json={"value": 1.5})
        assert out_of_range.status_code == 422 and "outside [-1, 1]" in out_of_range.json()["detail"]
        assert out_of_range.json()["errors"][0]["field"] == "body.value"
        both = await http.post("/api/v1/grid/regulation", json={"value": 0.1, "percent": 10})
        assert both.status_code == 422 and "exactly one" in both.json()["detail"]
        stale = await http.post("/api/v1/grid/regulation", json={"value": 0.1, "sampled_at": "2026-06-01T11:00:00Z"})
        assert stale.status_code == 422 and "not after the previous sample" in stale.json()["detail"]
    assert fleet.inputs.signal == 0.25


async def test_dr_events_show_committed_and_delivered_reduction_and_can_be_cancelled() -> None:
    h, fleet = with_fleet()
    start, end = NOW - timedelta(minutes=10), NOW + timedelta(minutes=20)
    body = {"event_id": "dr-1", "start_at": start.isoformat(), "end_at": end.isoformat(), "reduction_w": 5000,
            "baseline_w": 20000}
    fleet.trace.extend([TracePoint(start - timedelta(minutes=1), 0, 0, 0, 0, 0, 25_000.0),
                        TracePoint(start + timedelta(minutes=1), 0, 0, 0, 0, 0, 16_000.0),
                        TracePoint(start + timedelta(minutes=2), 0, 0, 0, 0, 0, 12_000.0)])
    async with h.client(Role.OPERATOR) as http:
        created = await http.post("/api/v1/grid/dr-events", json=body)
        assert created.status_code == 201, created.text
        [event] = (await http.get("/api/v1/grid/dr-events")).json()
        assert event["status"] == "active" and event["committed_reduction_w"] == 5000
        assert event["delivered_reduction_w"] == 20000 - 14000 and event["baseline_w"] == 20000
        over = await http.post("/api/v1/grid/dr-events", json={**body, "end_at": start.isoformat()})
        assert over.status_code == 422 and "end_at must be after start_at" in over.json()["detail"]
        past = await http.post("/api/v1/grid/dr-events", json={**body, "start_at": (start - timedelta(hours=2))
                                                                 .isoformat(), "end_at": start.isoformat()})
        assert past.status_code == 422 and "already over" in past.json()["detail"]
        zero = await http.post("/api/v1/grid/dr-events", json={**body, "reduction_w": 0})
        assert zero.status_code == 422 and zero.json()["errors"][0]["field"] == "body.reduction_w"
        assert (await http.delete("/api/v1/grid/dr-events/dr-1")).status_code == 204
        assert (await http.get("/api/v1/grid/dr-events")).json() == []
        assert (await http.delete("/api/v1/grid/dr-events/dr-1")).status_code == 404


async def test_dr_events_page_like_the_other_lists_ordered_by_start() -> None:
    h, _ = with_fleet()
    async with h.client(Role.OPERATOR) as http:
        for event_id, start_min in (("dr-late", 60), ("dr-first", 10), ("dr-mid", 30)):
            start = NOW + timedelta(minutes=start_min)
            created = await http.post("/api/v1/grid/dr-events", json={
                "event_id": event_id, "start_at": start.isoformat(), "end_at": (start + timedelta(minutes=15))
                .isoformat(), "reduction_w": 1000, "baseline_w": 5000})
            assert created.status_code == 201, created.text
        page = await http.get("/api/v1/grid/dr-events?limit=1&offset=1")
        everything = await http.get("/api/v1/grid/dr-events")
    assert [e["event_id"] for e in page.json()] == ["dr-mid"] and page.headers["x-total-count"] == "3"
    assert 'offset=2' in page.headers["link"] and 'rel="next"' in page.headers["link"]
    assert 'offset=0' in page.headers["link"] and 'rel="prev"' in page.headers["link"]
    assert [e["event_id"] for e in everything.json()] == ["dr-first", "dr-mid", "dr-late"]
    assert "link" not in everything.headers


async def test_prices_reach_the_planner_inputs() -> None:
    h, fleet = with_fleet()
    async with h.client(Role.OPERATOR) as http:
        ok = await http.post("/api/v1/grid/prices", json={"interval_start_at": "2026-06-01T13:00:00Z",
                                                          "import_price_per_mwh": 80, "export_price_per_mwh": 50})
        assert ok.status_code == 204
        naive = await http.post("/api/v1/grid/prices", json={"interval_start_at": "2026-06-01T13:00:00",
                                                             "import_price_per_mwh": 80})
        assert naive.status_code == 422
    assert list(fleet.inputs.import_price_per_mwh.values()) == [80] and list(
        fleet.inputs.export_price_per_mwh.values()) == [50]
