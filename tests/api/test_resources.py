"""Read and configuration endpoints: stations, EVSEs, device model, needs, capabilities, boot policy,
credentials, idTokens, transactions and meter history, settlement; pagination, filters and problem details."""

from __future__ import annotations

from datetime import timedelta

from csms.api.auth import Role
from csms.domain.ids import IdTokenValue, StationId, TransactionId
from csms.domain.records import (
    ChargingNeedsRecord,
    ConnectorStatusRecord,
    MeterSample,
    StationRecord,
    TokenRecord,
    TokenStatus,
    TransactionRecord,
    VariableRecord,
)
from csms.services.credentials import AuthResult
from csms.store.errors import StoreUnavailable
from csms.store.memory import MemoryStore
from tests.api.helpers import NOW, Harness, harness

ST_1 = StationId("ST-1")
ST_2 = StationId("ST-2")
ST_3 = StationId("ST-3")


async def seeded() -> Harness:
    h = harness()
    for i in range(1, 6):
        sid = StationId(f"ST-{i}")
        await h.store.put_station(StationRecord(sid, vendor="V", model="M", ocpp_version="ocpp2.0.1"))
        await h.store.put_connector_status(ConnectorStatusRecord(sid, 1, 1, "Occupied" if i <= 2 else "Available",
                                                                 NOW))
    h.gateway.connected.update({ST_1, ST_2, ST_3})
    for i, (station, ended) in enumerate([(ST_1, True), (ST_1, False), (ST_2, True)]):
        await h.store.put_transaction(TransactionRecord(
            StationId(station), TransactionId(f"T-{i}"), evse_id=1, id_token="RFID-1" if i else "RFID-2",
            started_at=NOW + timedelta(hours=i), ended_at=NOW + timedelta(hours=i, minutes=30) if ended else None,
            import_register_min_wh=0.0, import_register_max_wh=1000.0 * (i + 1),
            export_register_min_wh=0.0, export_register_max_wh=100.0 * i, last_power_w=-2000.0 if i == 1 else 3000.0,
            last_soc=0.35 if i == 1 else None))
    await h.store.append_meter_samples(ST_1, TransactionId("T-0"), [
        MeterSample(NOW + timedelta(minutes=m), import_register_wh=100.0 * m, power_w=6000.0, soc=0.3 + m / 100)
        for m in range(5)])
    return h


async def test_stations_page_with_total_and_link_headers_and_filter() -> None:
    h = await seeded()
    async with h.client(Role.VIEWER) as http:
        page = await http.get("/api/v1/stations?limit=2&offset=2")
        assert [s["station_id"] for s in page.json()] == [ST_3, "ST-4"]
        assert page.headers["x-total-count"] == "5"
        assert 'offset=4' in page.headers["link"] and 'rel="next"' in page.headers["link"]
        assert 'offset=0' in page.headers["link"] and 'rel="prev"' in page.headers["link"]
        online = (await http.get("/api/v1/stations?connected=true")).json()
        assert [(s["station_id"], s["node_id"]) for s in online] == [(ST_1, "node-1"), (ST_2, "node-1"),
                                                                    (ST_3, "node-1")]
        assert [s["station_id"] for s in (await http.get("/api/v1/stations?q=st-5")).json()] == ["ST-5"]
        occupied = await http.get("/api/v1/stations?connector_status=Occupied&limit=1")
        assert [s["station_id"] for s in occupied.json()] == [ST_1] and occupied.headers["x-total-count"] == "2"
        bad = await http.get("/api/v1/stations?limit=0")
        assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "query.limit"
        detail = (await http.get("/api/v1/stations/ST-1")).json()
        assert detail["connected"] and detail["connectors"][0]["status"] == "Occupied"
        missing = await http.get("/api/v1/stations/ST-9")
        assert missing.status_code == 404 and missing.json()["detail"] == "unknown station ST-9"
        assert (await http.get("/api/v1/stations/ST-9/evses")).status_code == 404


async def test_transactions_filter_and_page_and_meter_history_pages() -> None:
    h = await seeded()
    async with h.client(Role.VIEWER) as http:
        everything = (await http.get("/api/v1/transactions")).json()
        assert [t["transaction_id"] for t in everything] == ["T-0", "T-1", "T-2"]
        assert [t["transaction_id"] for t in (await http.get("/api/v1/transactions?open=true")).json()] == ["T-1"]
        assert [t["transaction_id"] for t in (await http.get("/api/v1/transactions?station_id=ST-2")).json()] == [
            "T-2"]
        assert [t["transaction_id"] for t in (await http.get("/api/v1/transactions?id_token=RFID-2")).json()] == [
            "T-0"]
        since = (NOW + timedelta(minutes=30)).isoformat().replace("+00:00", "Z")
        assert [t["transaction_id"] for t in (await http.get(f"/api/v1/transactions?since={since}")).json()] == [
            "T-1", "T-2"]
        naive = await http.get("/api/v1/transactions?since=2026-06-01T12:00:00")
        assert naive.status_code == 422 and "UTC offset" in naive.json()["detail"]
        tx = (await http.get("/api/v1/transactions/ST-1/T-1")).json()
        assert tx["energy_import_wh"] == 2000.0 and tx["energy_export_wh"] == 100.0 and tx["is_open"]
        assert (await http.get("/api/v1/transactions/ST-1/T-9")).status_code == 404
        meter = await http.get("/api/v1/transactions/ST-1/T-0/meter?limit=2&offset=1")
        assert [s["import_register_wh"] for s in meter.json()] == [100.0, 200.0]
        assert meter.headers["x-total-count"] == "5"


async def test_settlement_totals_energy_of_ended_transactions_per_station() -> None:
    h = await seeded()
    async with h.client(Role.VIEWER) as http:
        total = (await http.get("/api/v1/settlement")).json()
        assert total["transactions"] == 2
        assert total["energy_import_wh"] == 1000.0 + 3000.0 and total["energy_export_wh"] == 200.0
        assert total["net_energy_wh"] == 3800.0
        assert [(s["station_id"], s["energy_import_wh"]) for s in total["stations"]] == [(ST_1, 1000.0),
                                                                                         (ST_2, 3000.0)]
        until = (NOW + timedelta(hours=1)).isoformat()
        first = (await http.get("/api/v1/settlement", params={"until": until})).json()
        assert first["transactions"] == 1 and first["stations"][0]["station_id"] == ST_1
        backwards = await http.get("/api/v1/settlement", params={"since": until, "until": NOW.isoformat()})
        assert backwards.status_code == 422 and "until must be after since" in backwards.json()["detail"]


async def test_evses_device_model_needs_and_capabilities() -> None:
    h = await seeded()
    await h.store.put_variables(ST_1, [VariableRecord("OCPPCommCtrlr", "HeartbeatInterval", "300")])
    async with h.client(Role.OPERATOR) as http, h.client(Role.ADMIN) as admin:
        assert (await http.get("/api/v1/stations/ST-1/variables")).json()[0]["value"] == "300"
        evses = (await http.get("/api/v1/stations/ST-1/evses")).json()
        assert [(e["evse_id"], e["transaction"]["transaction_id"], e["needs"]) for e in evses] == [(1, "T-1", None)]
        assert (await http.get("/api/v1/stations/ST-1/evses/1/needs")).status_code == 404
        needs = {"departure_at": "2026-06-01T18:00:00Z", "target_soc": 0.8, "min_soc": 0.3, "discharge_allowed": True}
        put = await http.put("/api/v1/stations/ST-1/evses/1/needs", json=needs)
        assert put.status_code == 200 and put.json()["min_soc"] == 0.3
        got = (await http.get("/api/v1/stations/ST-1/evses/1/needs")).json()
        assert got["discharge_allowed"] and got["departure_at"] == "2026-06-01T18:00:00Z"
        bad = await http.put("/api/v1/stations/ST-1/evses/1/needs", json={"target_soc": 1.5})
        assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "body.target_soc"
        caps = (await http.get("/api/v1/stations/ST-1/evses/1/capabilities")).json()
        assert caps["discharge_supported"] is False
        override = {**caps, "discharge_supported": True, "max_discharge_power_w": 7000}
        assert (await http.put("/api/v1/stations/ST-1/evses/1/capabilities", json=override)).status_code == 403
        assert (await admin.put("/api/v1/stations/ST-1/evses/1/capabilities", json=override)).status_code == 200
        assert (await http.get("/api/v1/stations/ST-1/evses/1/capabilities")).json()["discharge_supported"]
        wrong = await admin.put("/api/v1/stations/ST-1/evses/1/capabilities", json={"ocpp_version": "ocpp1.5"})
        assert wrong.status_code == 422 and "body.ocpp_version" in wrong.json()["detail"]


async def test_the_device_model_pages_like_the_other_lists() -> None:
    h = await seeded()
    await h.store.put_variables(ST_1, [VariableRecord("OCPPCommCtrlr", name, str(k))
                                                    for k, name in enumerate(["A", "B", "C"])])
    async with h.client(Role.VIEWER) as http:
        page = await http.get("/api/v1/stations/ST-1/variables?limit=1&offset=1")
        rest = await http.get("/api/v1/stations/ST-1/variables?offset=2")
    assert [v["variable"] for v in page.json()] == ["B"] and page.headers["x-total-count"] == "3"
    assert 'offset=2' in page.headers["link"] and 'rel="next"' in page.headers["link"]
    assert 'offset=0' in page.headers["link"] and 'rel="prev"' in page.headers["link"]
    assert [v["variable"] for v in rest.json()] == ["C"] and 'rel="next"' not in rest.headers["link"]


async def test_plugged_evs_list_with_driver_preferences_and_filter() -> None:
    h = await seeded()
    async with h.client(Role.OPERATOR) as http:
        await http.put("/api/v1/stations/ST-1/evses/1/needs", json={"discharge_allowed": True, "min_soc": 0.25})
        evs = (await http.get("/api/v1/evs")).json()
        assert [(e["ev_id"], e["soc"], e["min_soc"], e["discharge_allowed"]) for e in evs] == [
            ("ST-1/1", 0.35, 0.25, True)]
        assert (await http.get("/api/v1/evs?discharge_allowed=false")).json() == []


async def test_boot_policy_credentials_and_id_tokens_are_admin_configuration() -> None:
    h = await seeded()
    async with h.client(Role.ADMIN) as admin, h.client(Role.VIEWER) as viewer:
        policy = await admin.put("/api/v1/stations/ST-7/boot-policy", json={"policy": "Pending"})
        assert policy.status_code == 200 and policy.json()["boot_policy"] == "Pending"
        assert (await admin.put("/api/v1/stations/ST-7/boot-policy", json={"policy": None})).json()[
            "boot_policy"] is None
        generated = (await admin.put("/api/v1/stations/ST-7/credential", json={})).json()
        assert len(generated["password"]) == 32
        assert await h.services.credentials.authenticate(StationId("ST-7"), generated["password"]) is AuthResult.OK
        assert await h.services.credentials.authenticate(StationId("ST-7"), "x" * 20) is AuthResult.BAD_PASSWORD
        given = await admin.put("/api/v1/stations/ST-7/credential", json={"password": "p" * 20})
        assert given.json()["password"] is None
        short = await admin.put("/api/v1/stations/ST-7/credential", json={"password": "short"})
        assert short.status_code == 422 and "at least 16 characters" in short.json()["detail"]
        assert (await admin.delete("/api/v1/stations/ST-7/credential")).status_code == 204
        assert (await admin.delete("/api/v1/stations/ST-7/credential")).status_code == 404

        await h.store.put_token(TokenRecord(IdTokenValue("RFID-A"), status=TokenStatus.BLOCKED))
        put = await admin.put("/api/v1/tokens/RFID-B", json={"group_id": "fleet"})
        assert put.status_code == 200 and put.json()["status"] == "Accepted"
        assert [t["id_token"] for t in (await viewer.get("/api/v1/tokens")).json()] == ["RFID-A", "RFID-B"]
        assert [t["id_token"] for t in (await viewer.get("/api/v1/tokens?status=Blocked")).json()] == ["RFID-A"]
        too_long = await admin.put("/api/v1/tokens/" + "x" * 37, json={})
        assert too_long.status_code == 422 and too_long.json()["errors"][0]["field"] == "path.id_token"
        assert (await admin.delete("/api/v1/tokens/RFID-A")).status_code == 204
        assert (await admin.delete("/api/v1/tokens/RFID-A")).status_code == 404


class BrokenStore(MemoryStore):
    async def list_stations(self) -> list[StationRecord]:
        raise StoreUnavailable("redis: connection refused")

    async def ping(self) -> bool:
        raise StoreUnavailable("redis: connection refused")


async def test_a_store_outage_is_a_503_problem_counted_in_metrics_and_makes_the_node_unready() -> None:
    h = harness(store=BrokenStore())
    async with h.client(Role.VIEWER) as http:
        outage = await http.get("/api/v1/stations")
        assert outage.status_code == 503 and outage.headers["retry-after"] == "2"
        assert outage.json()["type"].endswith("store-unavailable")
        ready = await http.get("/readyz")
        assert ready.status_code == 503 and ready.headers["content-type"] == "application/problem+json"
        assert ready.json()["checks"]["store"] == {"ok": False, "detail": "StoreUnavailable: redis: connection refused"}
        assert ready.json()["checks"]["ocpp"]["ok"]
        h.metrics.start()
        try:
            await http.get("/api/v1/stations")
        finally:
            h.metrics.stop()
        metrics = (await http.get("/metrics")).text
    assert 'csms_store_errors_total{error="StoreUnavailable"} 1.0' in metrics
    assert 'csms_store_errors_total{error="PingFailed"} 1.0' in metrics


async def test_readyz_reports_an_ocpp_endpoint_that_is_not_listening() -> None:
    h = harness(ocpp_listening=lambda: False)
    async with h.client(None) as http:
        ready = await http.get("/readyz")
    assert ready.status_code == 503 and ready.json()["detail"] == "ocpp: OCPP endpoint not listening"


async def test_needs_show_what_the_ev_reported_over_ocpp_2_1() -> None:
    h = await seeded()
    await h.store.put_charging_needs(ChargingNeedsRecord(
        ST_1, 1, NOW, discharge_allowed=True, ev_capacity_wh=60_000.0, control_mode="DynamicControl",
        min_charge_power_w=1_400.0, min_discharge_power_w=1_000.0, energy_request_wh=12_000.0,
        energy_min_request_wh=6_000.0, energy_max_request_wh=24_000.0, v2x_min_energy_request_wh=-9_000.0,
        v2x_max_energy_request_wh=24_000.0, soc_at_received=0.45))
    async with h.client(Role.OPERATOR) as http:
        got = (await http.get("/api/v1/stations/ST-1/evses/1/needs")).json()
    assert (got["control_mode"], got["min_charge_power_w"], got["min_discharge_power_w"]) == (
        "DynamicControl", 1_400.0, 1_000.0)
    assert (got["energy_min_request_wh"], got["energy_max_request_wh"], got["v2x_min_energy_request_wh"],
            got["v2x_max_energy_request_wh"], got["soc_at_received"]) == (6_000.0, 24_000.0, -9_000.0, 24_000.0, 0.45)
