"""OCPP 1.6J end to end over a real socket: an independent 1.6 station (tests/helpers/station16.py, on the `ocpp`
package's v16 ChargePoint) boots, is read (GetConfiguration), is remotely started and stopped through the
operator API, runs a transaction with meter values, receives a charging profile in its rate unit and, only when
the operator declared it bidirectional, a discharge profile; its composite schedule verifies, and the CSMS's
energy for the transaction is what the station's own meter says."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
from ocpp.v16 import call

from csms.app import CsmsApp
from csms.domain.ids import IdTokenValue, StationId, TransactionId
from csms.domain.records import TokenRecord, TransactionRecord
from tests.helpers.csms_app import API_TOKEN, csms_test_settings, running_csms, station_connect
from tests.helpers.eventually import eventually
from tests.helpers.station16 import Station16

AUTH = {"Authorization": f"Bearer {API_TOKEN}"}


@asynccontextmanager
async def station16(app: CsmsApp, station_id: str, **options: Any) -> AsyncIterator[Station16]:
    async with station_connect(app, station_id, subprotocols=("ocpp1.6",)) as ws:
        assert ws.subprotocol == "ocpp1.6"
        station = Station16(station_id, ws, **options)
        task = asyncio.create_task(station.start())
        try:
            yield station
        finally:
            if task.done() and task.exception() is not None:  # the station's loop died: say why
                raise AssertionError(f"station {station_id} failed") from task.exception()
            task.cancel()


def api(app: CsmsApp) -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=f"http://127.0.0.1:{app.api_port}", headers=AUTH, timeout=10)


async def transaction(app: CsmsApp, station_id: str, transaction_id: int) -> TransactionRecord | None:
    return await app.store.get_transaction(StationId(station_id), TransactionId(str(transaction_id)))


async def start_remotely(app: CsmsApp, http: httpx.AsyncClient, station: Station16) -> int:
    response = await http.post(f"/api/v1/stations/{station.id}/transactions/start",
                               json={"id_token": "TAG-1", "evse_id": 1})
    assert response.status_code == 200 and response.json()["status"] == "Accepted", response.text
    transaction_id: int = await eventually(lambda: station.transaction_id, "StartTransaction answered")
    await eventually(lambda: transaction(app, station.id, transaction_id), "transaction recorded")
    return transaction_id


async def test_a_16_station_charges_under_a_profile_and_its_energy_matches_its_meter() -> None:
    async with running_csms() as app, api(app) as http, station16(app, "OCPP16-A") as station:
        await app.store.put_token(TokenRecord(id_token=IdTokenValue("TAG-1")))
        boot = await station.boot()
        assert boot.status == "Accepted"
        await eventually(lambda: "GetConfiguration" in station.received, "configuration read after boot")
        detail = (await http.get("/api/v1/stations/OCPP16-A")).json()
        assert detail["ocpp_version"] == "ocpp1.6" and detail["vendor"] == "Indep"

        transaction_id = await start_remotely(app, http, station)
        assert station.received[-1] == "RemoteStartTransaction TAG-1"
        for _ in range(3):
            await station.meter_values(import_wh=1500, soc_delta=2.0)

        schedule = {"periods": [{"start_offset_s": 0, "power_w": 7000}], "duration_s": 900}
        applied = await http.put("/api/v1/stations/OCPP16-A/evses/1/schedule", json=schedule)
        assert applied.status_code == 200 and applied.json()["status"] == "Accepted", applied.text
        [profile] = station.profiles
        assert profile["transaction_id"] == transaction_id and profile["charging_profile_purpose"] == "TxProfile"
        assert profile["charging_schedule"]["charging_rate_unit"] == "W"
        assert profile["charging_schedule"]["charging_schedule_period"][0]["limit"] == 7000.0
        verified = await http.get("/api/v1/stations/OCPP16-A/evses/1/composite-schedule?duration_s=900&verify=true")
        assert verified.status_code == 200 and verified.json()["verification"]["matches"] is True, verified.text

        discharge = {"periods": [{"start_offset_s": 0, "power_w": -5000}], "duration_s": 900}
        refused = await http.put("/api/v1/stations/OCPP16-A/evses/1/schedule", json=discharge)
        assert refused.status_code == 409 and len(station.profiles) == 1  # not declared bidirectional: never sent

        stop = await http.post("/api/v1/stations/OCPP16-A/transactions/stop",
                               json={"transaction_id": str(transaction_id)})
        assert stop.status_code == 200 and stop.json()["status"] == "Accepted"
        await asyncio.wait_for(station.stopped.wait(), 30)
        tx = await eventually(lambda: _ended(app, station.id, transaction_id), "transaction ended")
        assert station.meter_start is not None
        assert tx.energy_import_wh == station.meter.import_wh - station.meter_start == 4500
        assert tx.stopped_reason == "Remote" and tx.id_token == "TAG-1"


async def _ended(app: CsmsApp, station_id: str, transaction_id: int) -> TransactionRecord | None:
    tx = await transaction(app, station_id, transaction_id)
    return tx if tx is not None and not tx.is_open else None


async def test_a_declared_bidirectional_16_station_gets_a_negative_limit_in_amps() -> None:
    async with running_csms() as app, api(app) as http, \
            station16(app, "OCPP16-B", bidirectional=True, rate_unit="Current") as station:
        await app.store.put_token(TokenRecord(id_token=IdTokenValue("TAG-1")))
        await station.boot()
        await eventually(lambda: "GetConfiguration" in station.received, "configuration read after boot")
        caps = (await http.get("/api/v1/stations/OCPP16-B/evses/1/capabilities")).json()
        assert caps["ocpp_version"] == "ocpp1.6" and caps["rate_units"] == ["A"]
        assert caps["discharge_supported"] is False  # nothing a 1.6 station says makes it bidirectional
        declared = {**caps, "discharge_supported": True, "max_discharge_power_w": 11_000}
        assert (await http.put("/api/v1/stations/OCPP16-B/evses/1/capabilities", json=declared)).status_code == 200
        needs = {"discharge_allowed": True, "ev_capacity_wh": 60_000, "min_soc": 0.2}
        assert (await http.put("/api/v1/stations/OCPP16-B/evses/1/needs", json=needs)).status_code == 200

        transaction_id = await start_remotely(app, http, station)
        await station.meter_values(import_wh=2000)  # SoC 60 %
        discharge = {"periods": [{"start_offset_s": 0, "power_w": -6900}], "duration_s": 600}
        applied = await http.put("/api/v1/stations/OCPP16-B/evses/1/schedule", json=discharge)
        assert applied.status_code == 200 and applied.json()["status"] == "Accepted", applied.text
        [profile] = station.profiles
        schedule = profile["charging_schedule"]
        assert schedule["charging_rate_unit"] == "A"
        assert schedule["charging_schedule_period"][0] == {"start_period": 0, "limit": -10.0, "number_phases": 3}
        await station.meter_values(export_wh=1150, soc_delta=-2.0)
        tx = await transaction(app, station.id, transaction_id)
        assert tx is not None and tx.energy_export_wh == 1150 and tx.energy_import_wh == 2000

        cleared = await http.delete("/api/v1/stations/OCPP16-B/evses/1/schedule")
        assert cleared.status_code == 200 and cleared.json()["status"] == "Accepted" and station.profiles == []


async def test_operator_commands_reach_a_16_station_in_16_form() -> None:
    async with running_csms() as app, api(app) as http, station16(app, "OCPP16-C") as station:
        await station.boot()
        base = "/api/v1/stations/OCPP16-C"
        assert (await http.post(f"{base}/reset", json={"type": "Immediate"})).json()["status"] == "Accepted"
        assert (await http.post(f"{base}/availability", json={"operational": False, "evse_id": 1})).status_code == 200
        assert (await http.post(f"{base}/evses/1/unlock", json={"connector_id": 1})).json()["status"] == "Unlocked"
        assert (await http.post(f"{base}/trigger", json={"message": "StatusNotification", "evse_id": 1})
                ).status_code == 200
        raw = await http.post(f"{base}/ocpp", json={"action": "ChangeConfiguration",
                                                   "payload": {"key": "HeartbeatInterval", "value": "60"}})
        assert raw.status_code == 200 and raw.json() == {"status": "Accepted"}
        got = await http.post(f"{base}/ocpp", json={"action": "GetConfiguration",
                                                   "payload": {"key": ["HeartbeatInterval"]}})
        assert got.json()["configurationKey"][0]["value"] == "300"
        bad = await http.post(f"{base}/ocpp", json={"action": "Reset", "payload": {"type": "Later"}})
        assert bad.status_code == 422  # schema-validated before it reaches the wire
        profile = {"chargingProfileId": 1, "stackLevel": 0, "chargingProfilePurpose": "TxProfile",
                   "chargingProfileKind": "Relative", "chargingSchedule": {
                       "chargingRateUnit": "W", "chargingSchedulePeriod": [{"startPeriod": 0, "limit": -7000}]}}
        for action, payload in (("RemoteStartTransaction", {"idTag": "X", "chargingProfile": profile}),
                                ("SetChargingProfile", {"connectorId": 1, "csChargingProfiles": profile})):
            power = await http.post(f"{base}/ocpp", json={"action": action, "payload": payload})
            assert power.status_code == 422, action  # power only through the schedule endpoint (envelope)
        assert station.received[-6:-1] == [
            "Reset Hard", "ChangeAvailability 1 Inoperative", "UnlockConnector 1", "TriggerMessage StatusNotification",
            "ChangeConfiguration HeartbeatInterval=60"]


async def test_after_a_reconnect_a_repeated_start_and_replayed_meter_values_count_once() -> None:
    start = call.StartTransaction(connector_id=1, id_tag="TAG-1", meter_start=1000, timestamp="2026-06-01T10:00:00Z")
    samples = [{"timestamp": f"2026-06-01T10:{m:02d}:00Z", "sampled_value": [
        {"value": str(1000 + 100 * m), "measurand": "Energy.Active.Import.Register", "unit": "Wh"}]}
        for m in (5, 10, 15)]
    async with running_csms() as app:
        await app.store.put_token(TokenRecord(id_token=IdTokenValue("TAG-1")))
        async with station16(app, "OCPP16-D") as station:
            await station.boot()
            first = await station.call(start)
            await station.call(call.MeterValues(connector_id=1, transaction_id=first.transaction_id,
                                                meter_value=samples[:2]))
        # the connection dropped before the station saw the answers: it sends its queue again
        async with station16(app, "OCPP16-D") as station:
            await station.boot()
            again = await station.call(start)
            assert again.transaction_id == first.transaction_id
            for sample in samples:
                await station.call(call.MeterValues(connector_id=1, transaction_id=again.transaction_id,
                                                    meter_value=[sample]))
            stopped = await station.call(call.StopTransaction(
                meter_stop=2600, timestamp="2026-06-01T10:20:00Z", transaction_id=again.transaction_id,
                id_tag="TAG-1", transaction_data=samples))
            assert stopped.id_tag_info["status"] == "Accepted"
            unknown = await station.call(call.StopTransaction(meter_stop=1, timestamp="2026-06-01T10:21:00Z",
                                                              transaction_id=999))
            assert unknown.id_tag_info is None  # accepted; nothing to say about a transaction it does not know
        transactions = await app.store.list_transactions(StationId("OCPP16-D"))
        assert [(t.transaction_id, t.energy_import_wh, t.duplicate_events) for t in transactions] == \
            [(str(first.transaction_id), 1600.0, 1)]


async def test_reservations_local_lists_and_firmware_reach_a_16_station_through_the_api() -> None:
    async with running_csms() as app, api(app) as http, station16(app, "OCPP16-E") as station:
        await station.boot()
        base = "/api/v1/stations/OCPP16-E"
        reserved = await http.post(f"{base}/reservations", json={
            "id_token": {"id_token": "TAG-9", "type": "ISO14443"}, "expires_at": "2030-01-01T00:00:00Z",
            "evse_id": 1})
        assert reserved.status_code == 200 and reserved.json()["response"]["status"] == "Accepted", reserved.text
        reservation_id = reserved.json()["reservation_id"]
        assert (await http.delete(f"{base}/reservations/{reservation_id}")).json()["status"] == "Accepted"
        listed = await http.put(f"{base}/local-list", json={"entries": [
            {"id_token": {"id_token": "TAG-1", "type": "ISO14443"}, "status": "Accepted"}]})
        assert listed.status_code == 200, listed.text
        reconciled = await http.post(f"{base}/local-list/reconcile")
        assert reconciled.status_code == 200 and reconciled.json()["sent"] is False, reconciled.text
        firmware = await http.post(f"{base}/firmware", json={"location": "https://fw.example/2.bin",
                                                             "retrieve_at": "2030-01-01T00:00:00Z"})
        assert firmware.status_code == 200, firmware.text
        assert station.received[-5:] == [
            f"ReserveNow {reservation_id} 1 TAG-9", f"CancelReservation {reservation_id}",
            "SendLocalList 1 Full TAG-1", "GetLocalListVersion", "UpdateFirmware https://fw.example/2.bin"]


async def test_a_16_model_declared_bidirectional_in_the_settings_is_discharged_without_an_override() -> None:
    settings = csms_test_settings()
    settings.ocpp.v16_bidirectional_models = ["Indep/OneSix"]
    async with running_csms(settings=settings) as app, api(app) as http, \
            station16(app, "OCPP16-F", bidirectional=True) as station:
        await app.store.put_token(TokenRecord(id_token=IdTokenValue("TAG-1")))
        await station.boot()
        await eventually(lambda: "GetConfiguration" in station.received, "configuration read after boot")
        caps = (await http.get("/api/v1/stations/OCPP16-F/evses/1/capabilities")).json()
        assert caps["discharge_supported"] is True and caps["ocpp_version"] == "ocpp1.6"
        needs = {"discharge_allowed": True, "ev_capacity_wh": 60_000, "min_soc": 0.2}
        assert (await http.put("/api/v1/stations/OCPP16-F/evses/1/needs", json=needs)).status_code == 200
        await start_remotely(app, http, station)
        await station.meter_values(import_wh=500)  # SoC 60 %
        discharge = {"periods": [{"start_offset_s": 0, "power_w": -4000}], "duration_s": 600}
        applied = await http.put("/api/v1/stations/OCPP16-F/evses/1/schedule", json=discharge)
        assert applied.status_code == 200 and applied.json()["status"] == "Accepted", applied.text
        assert station.profiles[-1]["charging_schedule"]["charging_schedule_period"][0]["limit"] == -4000
