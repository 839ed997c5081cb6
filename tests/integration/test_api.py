"""Operator API over real HTTP against a running CSMS with a raw websocket station."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import orjson

from tests.helpers.csms_app import API_TOKEN, PASSWORD, booted, next_frame, running_csms, station_connect

AUTH = {"Authorization": f"Bearer {API_TOKEN}"}


def client(app: Any) -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=f"http://127.0.0.1:{app.api_port}", headers=AUTH, timeout=10)


async def test_requests_without_or_with_a_wrong_token_get_401() -> None:
    async with running_csms() as app, httpx.AsyncClient(base_url=f"http://127.0.0.1:{app.api_port}") as http:
        assert (await http.get("/api/v1/stations")).status_code == 401
        wrong = await http.get("/api/v1/stations", headers={"Authorization": "Bearer nope"})
        assert wrong.status_code == 401
        assert (await http.get("/healthz")).json() == {"status": "ok"}


async def test_station_list_and_detail_show_connection_and_connectors() -> None:
    async with running_csms() as app, client(app) as http, station_connect(app, "API-1") as ws:
        await booted(ws)
        status = {"timestamp": "2026-01-01T00:00:00Z", "connectorStatus": "Occupied", "evseId": 1, "connectorId": 1}
        await ws.send(orjson.dumps([2, "s1", "StatusNotification", status]).decode())
        while (await next_frame(ws))[1] != "s1":
            pass
        stations = (await http.get("/api/v1/stations")).json()
        assert [(s["station_id"], s["connected"]) for s in stations] == [("API-1", True)]
        detail = (await http.get("/api/v1/stations/API-1")).json()
        assert detail["vendor"] == "TestVendor"
        assert detail["connectors"][0]["status"] == "Occupied"
        assert (await http.get("/api/v1/stations/NOPE")).status_code == 404
        assert (await http.get("/api/v1/stations?connected=false")).json() == []


async def test_generic_ocpp_call_round_trips_and_maps_errors() -> None:
    async with running_csms() as app, client(app) as http, station_connect(app, "API-2") as ws:
        await booted(ws)

        async def station() -> None:
            while True:
                frame = await next_frame(ws)
                if frame[0] == 2 and frame[2] == "GetVariables":
                    result = [{"attributeStatus": "Accepted", "attributeValue": "300",
                               "component": {"name": "OCPPCommCtrlr"}, "variable": {"name": "HeartbeatInterval"}}]
                    await ws.send(orjson.dumps([3, frame[1], {"getVariableResult": result}]).decode())
                    return
                if frame[0] == 2:
                    await ws.send(orjson.dumps([3, frame[1], {"status": "Accepted"}]).decode())

        task = asyncio.create_task(station())
        body = {"action": "GetVariables", "payload": {"getVariableData": [
            {"component": {"name": "OCPPCommCtrlr"}, "variable": {"name": "HeartbeatInterval"}}]}}
        response = await http.post("/api/v1/stations/API-2/ocpp", json=body)
        await task
        assert response.status_code == 200
        assert response.json()["getVariableResult"][0]["attributeValue"] == "300"
        bad = await http.post("/api/v1/stations/API-2/ocpp", json={"action": "Reset", "payload": {"type": "Later"}})
        assert bad.status_code == 422 and bad.json()["detail"]["code"] == "PropertyConstraintViolation"
        unknown = await http.post("/api/v1/stations/API-2/ocpp", json={"action": "Teleport", "payload": {}})
        assert unknown.status_code == 422 and unknown.json()["detail"]["code"] == "NotImplemented"
        offline = await http.post("/api/v1/stations/GONE-1/ocpp", json={"action": "Reset",
                                                                        "payload": {"type": "Immediate"}})
        assert offline.status_code == 404


async def test_tokens_crud_and_authorize_uses_them() -> None:
    async with running_csms() as app, client(app) as http, station_connect(app, "API-3") as ws:
        await booted(ws)
        put = await http.put("/api/v1/tokens/RFID-1", json={"status": "Blocked"})
        assert put.status_code == 200
        assert [t["id_token"] for t in (await http.get("/api/v1/tokens")).json()] == ["RFID-1"]
        await ws.send(orjson.dumps([2, "a1", "Authorize", {"idToken": {"idToken": "RFID-1",
                                                                       "type": "ISO14443"}}]).decode())
        while (reply := await next_frame(ws))[1] != "a1":
            pass
        assert reply[2]["idTokenInfo"]["status"] == "Blocked"
        assert (await http.delete("/api/v1/tokens/RFID-1")).status_code == 204
        assert (await http.delete("/api/v1/tokens/RFID-1")).status_code == 404
        assert (await http.put("/api/v1/tokens/X", json={"status": "Maybe"})).status_code == 422


async def test_credentials_can_be_generated_and_boot_policy_set() -> None:
    async with running_csms() as app, client(app) as http:
        generated = (await http.put("/api/v1/stations/API-4/credential", json={})).json()
        assert len(generated["password"]) == 32
        async with station_connect(app, "API-4", password=generated["password"]) as ws:
            assert (await booted(ws))[2]["status"] == "Accepted"
        short = await http.put("/api/v1/stations/API-4/credential", json={"password": "short"})
        assert short.status_code == 422
        policy = await http.put("/api/v1/stations/API-5/boot-policy", json={"policy": "Rejected"})
        assert policy.json()["boot_policy"] == "Rejected"
        async with station_connect(app, "API-5", password=PASSWORD) as ws:
            assert (await booted(ws))[2]["status"] == "Rejected"
        assert (await http.get("/api/v1/stations/bad%20id")).status_code == 422
