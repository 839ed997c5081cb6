"""The simulator's 1.6J station (`chargepoint_sim/v16.py`) against the CSMS's 1.6 handlers, in memory (no sockets):
both ends speak 1.6 on the wire, each validated against the 1.6 schemas. Boot, authorize, a transaction numbered
by the CSMS whose energy is the simulator's, and the CSMS's calls (configuration, reset, availability, unlock,
trigger, charging profiles, composite schedule, remote stop) reaching the station's 2.0.1 handlers."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from datetime import UTC, datetime
from typing import Any

import pytest

from chargepoint_sim.ev import Ev
from chargepoint_sim.evse import EvseSpec
from chargepoint_sim.link import LinkOptions, StationLink
from chargepoint_sim.station import SimStation, StationSpec
from chargepoint_sim.v16 import meter_values_16
from csms.domain.clock import ScaledClock
from csms.domain.ids import StationId
from csms.domain.records import TransactionRecord
from csms.handlers.deps import HandlerDeps
from csms.handlers.v16 import build_v16_handlers
from csms.ocpp.schemas import validate_payload, warm_up
from csms.ocpp.session import RpcSession
from csms.ocpp.v16_adapter import V16Session
from csms.ocpp.versions import OcppVersion
from csms.services.events import EventBus
from csms.store.memory import MemoryStore
from tests.helpers.eventually import eventually

T0 = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)
SID = StationId("SIM-0001")


class Pair:
    def __init__(self, station: SimStation, clock: ScaledClock) -> None:
        self.store = MemoryStore()
        self.deps = HandlerDeps(store=self.store, clock=clock, events=EventBus(), accept_unknown_tokens=True)
        self.link = StationLink(station, "ws://unused", LinkOptions(max_idle_wait_s=0.2))
        self._to_station: asyncio.Queue[str] = asyncio.Queue()
        self._to_csms: asyncio.Queue[str] = asyncio.Queue()
        self.station = self.link.make_session(OcppVersion.V16, self._to_csms.put)
        self.csms = V16Session(station_id=SID, version=OcppVersion.V16, send=self._to_station.put,
                               handlers=build_v16_handlers(self.deps), call_timeout_s=2.0)
        self.lost = False
        self._tasks = [asyncio.create_task(self._pump(self._to_station, self.station)),
                       asyncio.create_task(self._pump(self._to_csms, self.csms))]

    @staticmethod
    async def _pump(queue: asyncio.Queue[str], session: RpcSession) -> None:
        while True:
            await session.feed(await queue.get())

    async def open_transaction(self) -> TransactionRecord | None:
        txs = await self.store.list_transactions(SID, open_only=True)
        return txs[0] if txs else None

    async def close(self) -> None:
        self.lost = True
        for task in self._tasks:
            task.cancel()
            with suppress(asyncio.CancelledError):
                await task
        self.station.close()
        self.csms.close()
        self.link.station.notify()


@asynccontextmanager
async def running(bidirectional: bool = True) -> AsyncIterator[tuple[SimStation, Pair]]:
    warm_up(OcppVersion.V16)
    clock = ScaledClock(T0, speed=60.0)
    spec = StationSpec(station_id=SID, password="0123456789abcdef0123", versions=(OcppVersion.V16,),
                       evses=(EvseSpec(1, 11_000.0, 11_000.0 if bidirectional else 0.0),))
    station = SimStation(spec, clock)
    station.schedule_ev(1, Ev(capacity_wh=50_000, soc=0.5, max_charge_power_w=11_000, max_discharge_power_w=11_000,
                              allow_discharge=True, id_token="RFID-1"))
    pair = Pair(station, clock)
    driver = asyncio.create_task(pair.link.serve_session(pair.station, lambda: pair.lost))
    try:
        yield station, pair
    finally:
        await pair.close()
        await asyncio.wait_for(driver, 2.0)


def test_meter_values_in_16_form_are_valid() -> None:
    values = meter_values_16([{"timestamp": "2025-03-01T08:00:00Z", "sampledValue": [
        {"value": 1234.5678, "measurand": "Energy.Active.Import.Register", "unitOfMeasure": {"unit": "Wh"},
         "context": "Sample.Periodic"},
        {"value": 57.0, "measurand": "SoC", "unitOfMeasure": {"unit": "Percent"}, "location": "EV"}]}])
    assert values[0]["sampledValue"][0] == {"value": "1234.568", "measurand": "Energy.Active.Import.Register",
                                            "context": "Sample.Periodic", "unit": "Wh"}
    assert values[0]["sampledValue"][1]["value"] == "57"
    validate_payload(OcppVersion.V16, "MeterValues", {"connectorId": 1, "meterValue": values}, is_request=True)


async def test_a_16_sim_station_runs_a_transaction_the_csms_numbers_and_is_commanded() -> None:
    async with running() as (station, pair):
        tx = await eventually(pair.open_transaction, "transaction started at the CSMS")
        record = await pair.store.get_station(SID)
        assert record is not None and record.ocpp_version == "ocpp1.6" and record.vendor == "V2G-Sim"
        [sim_tx] = station.transactions.values()
        assert pair.link.v16_ids.to_int == {sim_tx.transaction_id: int(tx.transaction_id)}

        config = await pair.csms.call("GetConfiguration", {})
        keys = {k["key"]: k["value"] for k in config["configurationKey"]}
        assert keys["ChargingScheduleAllowedChargingRateUnit"] == "Current,Power"
        assert (await pair.csms.call("ChangeConfiguration", {"key": "HeartbeatInterval", "value": "60"})
                )["status"] == "Accepted"
        assert station.heartbeat_interval_s == 60
        assert (await pair.csms.call("ChangeConfiguration", {"key": "Nope", "value": "1"}))["status"] == \
            "NotSupported"
        assert (await pair.csms.call("TriggerMessage", {"requestedMessage": "StatusNotification",
                                                        "evse": {"id": 1}}))["status"] == "Accepted"
        assert (await pair.csms.call("UnlockConnector", {"evseId": 1, "connectorId": 1}))["status"] in \
            ("Unlocked", "UnlockFailed")

        profile = {"id": 100011, "stackLevel": 1, "chargingProfilePurpose": "TxProfile",
                   "chargingProfileKind": "Absolute", "transactionId": tx.transaction_id, "chargingSchedule": [{
                       "id": 1, "startSchedule": station.clock.now().isoformat(), "duration": 600,
                       "chargingRateUnit": "W", "chargingSchedulePeriod": [{"startPeriod": 0, "limit": -5000.0}]}]}
        answer = await pair.csms.call("SetChargingProfile", {"evseId": 1, "chargingProfile": profile})
        assert answer["status"] == "Accepted", answer
        [(_, received)] = station.profiles.received
        assert received["chargingProfile"]["transactionId"] == sim_tx.transaction_id  # the station's own id
        composite = await pair.csms.call("GetCompositeSchedule", {"evseId": 1, "duration": 300,
                                                                  "chargingRateUnit": "A"})
        assert composite["status"] == "Accepted" and composite["schedule"]["chargingRateUnit"] == "A"
        assert composite["schedule"]["chargingSchedulePeriod"][0]["limit"] == pytest.approx(-7.2, abs=0.05)

        stop = await pair.csms.call("RequestStopTransaction", {"transactionId": tx.transaction_id})
        assert stop["status"] == "Accepted"

        async def ended() -> TransactionRecord | None:
            record = await pair.store.get_transaction(SID, tx.transaction_id)
            return record if record is not None and not record.is_open else None

        done = await eventually(ended, "transaction stopped at the CSMS")
        assert done.stopped_reason == "Remote"
        assert done.energy_import_wh == pytest.approx(sim_tx.import_wh, abs=0.01)
        assert done.energy_export_wh == pytest.approx(sim_tx.export_wh, abs=0.01)


async def test_a_charge_only_16_sim_station_rejects_a_negative_limit() -> None:
    async with running(bidirectional=False) as (station, pair):
        tx = await eventually(pair.open_transaction, "transaction started at the CSMS")
        profile: dict[str, Any] = {
            "id": 100011, "stackLevel": 1, "chargingProfilePurpose": "TxProfile", "chargingProfileKind": "Relative",
            "transactionId": tx.transaction_id, "chargingSchedule": [{
                "id": 1, "chargingRateUnit": "W", "chargingSchedulePeriod": [{"startPeriod": 0, "limit": -5000.0}]}]}
        answer = await pair.csms.call("SetChargingProfile", {"evseId": 1, "chargingProfile": profile})
        assert answer["status"] == "Rejected"
        assert station.evses[1].power_w >= 0 and not station.profiles.profiles
