"""What reaches the wire: values rounded toward zero (rounding never takes a command past the envelope), and
OCPP 2.1 NotifyAllowedEnergyTransfer sent by the CSMS and answered by the simulated station."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from chargepoint_sim.ev import Ev
from chargepoint_sim.handlers import make_handlers
from csms.domain.capabilities import StationCapabilities
from csms.domain.clock import ManualClock
from csms.domain.ids import StationId, TransactionId
from csms.domain.records import ChargingNeedsRecord, StationRecord, TransactionRecord
from csms.domain.schedule import constant_schedule
from csms.ocpp import profiles
from csms.ocpp.schemas import validate_payload
from csms.ocpp.versions import OcppVersion
from csms.services.charging import ApplyStatus, ChargingService
from csms.services.events import EventBus
from csms.store.memory import MemoryStore
from tests.helpers.gateways import RecordingGateway
from tests.unit.sim.peer import CsmsPeer, SessionPair
from tests.unit.sim.test_handlers import make_station

S1 = StationId("S1")
SIM_0001 = StationId("SIM-0001")
OLD = StationId("OLD")
NEW = StationId("NEW")

T0 = datetime(2026, 6, 1, 16, 0, tzinfo=UTC)


@pytest.mark.parametrize(("version", "rate_units", "power_w", "field", "expected"), [
    ("ocpp2.0.1", {"W"}, 4000.06, "limit", 4000.0),
    ("ocpp2.0.1", {"W"}, -4000.06, "limit", -4000.0),
    ("ocpp2.0.1", {"A"}, 4829.99, "limit", 6.9),  # 7.0 A would be 4830 W on 3 x 230 V; one decimal at most
    ("ocpp2.1", {"W"}, -4000.06, "setpoint", -4000.0),
    ("ocpp2.1", {"W"}, -4000.06, "dischargeLimit", -4000.0),
    ("ocpp2.1", {"A"}, -4829.99, "setpoint", -6.9),
])
async def test_wire_values_are_rounded_toward_zero(version: str, rate_units: set[str], power_w: float, field: str,
                                                   expected: float) -> None:
    store, gateway = MemoryStore(), RecordingGateway()
    service = ChargingService(gateway, store, ManualClock(T0), EventBus(), min_update_interval_s=0)
    service.override_capabilities(S1, 1, StationCapabilities(
        ocpp_version=version, discharge_supported=True, rate_units=frozenset(rate_units),
        operation_modes=frozenset({"CentralSetpoint"}), max_charge_power_w=11000, max_discharge_power_w=11000))
    await store.put_charging_needs(ChargingNeedsRecord(S1, 1, T0, discharge_allowed=True, min_soc=0.2))
    await store.put_transaction(TransactionRecord(S1, TransactionId("tx"), evse_id=1, started_at=T0,
                                                  last_soc=0.8))

    result = await service.apply(S1, constant_schedule(1, T0, power_w, 300, "tx"))

    assert result.status is ApplyStatus.ACCEPTED
    [(_, _, payload)] = gateway.sent
    period = payload["chargingProfile"]["chargingSchedule"][0]["chargingSchedulePeriod"][0]
    assert period[field] == expected


class SessionGateway(RecordingGateway):
    """Calls go to a simulated station over an in-memory session pair."""

    def __init__(self, sessions: SessionPair) -> None:
        super().__init__()
        self.sessions = sessions

    async def call(self, station_id: StationId, action: str, payload: dict[str, Any],
                   timeout_s: float | None = None) -> dict[str, Any]:
        self.sent.append((station_id, action, payload))
        return await self.sessions.csms.call(action, payload)


async def test_the_csms_sends_notify_allowed_energy_transfer_and_the_station_records_it() -> None:
    station = make_station(ManualClock(T0), OcppVersion.V21)
    sessions = SessionPair(make_handlers(station), CsmsPeer().handlers(), version=OcppVersion.V21)
    try:
        store = MemoryStore()
        await store.put_station(StationRecord(SIM_0001, ocpp_version="ocpp2.1"))
        service = ChargingService(SessionGateway(sessions), store, ManualClock(T0), EventBus())
        station.schedule_ev(1, Ev(capacity_wh=50_000, soc=0.6, max_charge_power_w=11_000))
        started = await sessions.csms.call("RequestStartTransaction", {
            "idToken": {"idToken": "APP-1", "type": "Central"}, "remoteStartId": 1, "evseId": 1})
        tx_id = started["transactionId"]

        accepted = await service.notify_allowed_energy_transfer(SIM_0001, tx_id, ["AC_BPT", "AC_three_phase"])
        unknown = await service.notify_allowed_energy_transfer(SIM_0001, "no-such-tx", ["AC_three_phase"])
    finally:
        await sessions.close()

    assert accepted == {"status": "Accepted"}
    assert station.transactions[tx_id].allowed_energy_transfer == ("AC_BPT", "AC_three_phase")
    assert unknown["status"] == "Rejected"


async def test_notify_allowed_energy_transfer_is_2_1_only_and_schema_valid() -> None:
    store, gateway = MemoryStore(), RecordingGateway()
    service = ChargingService(gateway, store, ManualClock(T0), EventBus())
    await store.put_station(StationRecord(OLD, ocpp_version="ocpp2.0.1"))
    await store.put_station(StationRecord(NEW, ocpp_version="ocpp2.1"))

    with pytest.raises(profiles.EncodeError):
        await service.notify_allowed_energy_transfer(OLD, "tx", ["AC_BPT"])
    with pytest.raises(profiles.EncodeError):
        await service.notify_allowed_energy_transfer(NEW, "tx", [])
    await service.notify_allowed_energy_transfer(NEW, "tx", ["DC_BPT"])

    [(station_id, action, payload)] = gateway.sent
    assert (station_id, action) == (NEW, "NotifyAllowedEnergyTransfer")
    validate_payload(OcppVersion.V21, action, payload, is_request=True)
