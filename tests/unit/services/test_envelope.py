"""Safety envelope: whatever is asked, nothing outside the envelope reaches the wire."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from csms.domain.capabilities import StationCapabilities
from csms.domain.clock import ManualClock, parse_ocpp_time
from csms.domain.ids import StationId, TransactionId
from csms.domain.records import ChargingNeedsRecord, StationRecord, TransactionRecord
from csms.domain.schedule import PowerSchedule, SchedulePeriod
from csms.services.charging import ApplyStatus, ChargingService
from csms.services.envelope import EvseEnvelope, SiteLimits, clamp_schedule, envelope_for
from csms.services.events import EventBus
from csms.store.memory import MemoryStore

T0 = datetime(2026, 6, 1, 16, 0, tzinfo=UTC)


class RecordingGateway:
    def __init__(self) -> None:
        self.sent: list[tuple[str, str, dict[str, Any]]] = []

    def is_connected(self, station_id: str) -> bool:
        return True

    def connected_station_ids(self) -> list[str]:
        return []

    async def locate(self, station_ids: list[str]) -> dict[str, str | None]:
        return dict.fromkeys(station_ids, "test-node")

    async def call(self, station_id: str, action: str, payload: dict[str, Any],
                   timeout_s: float | None = None) -> dict[str, Any]:
        self.sent.append((station_id, action, payload))
        return {"status": "Accepted"}


def test_discharge_refused_without_consent_reserve_or_capability() -> None:
    caps = StationCapabilities(discharge_supported=True, max_charge_power_w=11000, max_discharge_power_w=11000)
    needs = ChargingNeedsRecord(StationId("S"), 1, T0, discharge_allowed=True, min_soc=0.3, ev_capacity_wh=40000)
    assert envelope_for(caps, needs, soc=0.8).max_discharge_w == 11000
    assert envelope_for(caps, needs, soc=0.3).max_discharge_w == 0
    assert envelope_for(caps, None, soc=0.8).max_discharge_w == 0
    no_consent = ChargingNeedsRecord(StationId("S"), 1, T0, discharge_allowed=False)
    assert envelope_for(caps, no_consent, soc=0.8).max_discharge_w == 0
    assert envelope_for(StationCapabilities(discharge_supported=False), needs, soc=0.8).max_discharge_w == 0


def test_discharge_energy_stops_at_the_reserve() -> None:
    env = EvseEnvelope(max_charge_w=10000, max_discharge_w=10000, discharge_energy_wh=2000)
    sched = PowerSchedule(1, T0, 900, (SchedulePeriod(0, -10000),))
    clamped = clamp_schedule(sched, env)
    energy_wh = -clamped.schedule.periods[0].power_w * 900 / 3600
    assert abs(energy_wh - 2000) < 1e-6 and clamped.changed


def test_site_export_limit_accounts_for_other_evses() -> None:
    env = EvseEnvelope(max_charge_w=10000, max_discharge_w=10000, discharge_energy_wh=None)
    sched = PowerSchedule(1, T0, 600, (SchedulePeriod(0, -10000),))
    clamped = clamp_schedule(sched, env, SiteLimits(export_limit_w=15000), site_other_w=-8000)
    assert clamped.schedule.periods[0].power_w == -7000


@st.composite
def scenario(draw: st.DrawFn) -> dict[str, Any]:
    return {
        "version": draw(st.sampled_from(["ocpp2.0.1", "ocpp2.1"])),
        "discharge_supported": draw(st.booleans()),
        "rating_w": draw(st.floats(3000, 50000)),
        "discharge_rating_w": draw(st.floats(0, 50000)),
        "consent": draw(st.booleans()),
        "min_soc": draw(st.floats(0, 0.9)),
        "soc": draw(st.one_of(st.none(), st.floats(0, 1))),
        "capacity_wh": draw(st.one_of(st.none(), st.floats(10000, 100000))),
        "ev_max_w": draw(st.floats(1000, 100000)),
        "import_limit_w": draw(st.one_of(st.none(), st.floats(0, 100000))),
        "export_limit_w": draw(st.one_of(st.none(), st.floats(0, 100000))),
        "powers": draw(st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=1, max_size=6)),
        "period_s": draw(st.integers(60, 3600)),
    }


@settings(max_examples=80, deadline=None)
@given(scenario())
def test_no_command_outside_the_envelope_reaches_the_wire(sc: dict[str, Any]) -> None:
    asyncio.run(_check_envelope(sc))


async def _check_envelope(sc: dict[str, Any]) -> None:
    store = MemoryStore()
    gateway = RecordingGateway()
    caps = StationCapabilities(ocpp_version=sc["version"], discharge_supported=sc["discharge_supported"],
                               rate_units=frozenset({"W"}), max_charge_power_w=sc["rating_w"],
                               max_discharge_power_w=sc["discharge_rating_w"],
                               operation_modes=frozenset({"CentralSetpoint", "ChargingOnly", "Idle"}))
    site = SiteLimits(sc["import_limit_w"], sc["export_limit_w"])
    service = ChargingService(gateway, store, ManualClock(T0), EventBus(), site=site, min_update_interval_s=0)
    service.override_capabilities("S1", 1, caps)
    await store.put_station(StationRecord(StationId("S1"), ocpp_version=sc["version"]))
    await store.put_charging_needs(ChargingNeedsRecord(
        StationId("S1"), 1, T0, discharge_allowed=sc["consent"], min_soc=sc["min_soc"],
        ev_capacity_wh=sc["capacity_wh"], max_charge_power_w=sc["ev_max_w"], max_discharge_power_w=sc["ev_max_w"]))
    await store.put_transaction(TransactionRecord(StationId("S1"), TransactionId("tx"), evse_id=1,
                                                  started_at=T0, last_soc=sc["soc"]))
    periods = tuple(SchedulePeriod(i * sc["period_s"], p) for i, p in enumerate(sc["powers"]))
    sched = PowerSchedule(1, T0, sc["period_s"] * len(periods), periods, transaction_id="tx")
    result = await service.apply("S1", sched, requester="test")

    may_discharge = (sc["discharge_supported"] and sc["consent"] and sc["soc"] is not None
                     and sc["soc"] > sc["min_soc"])
    if not gateway.sent:
        assert result.status is ApplyStatus.REFUSED
        return
    (_, action, payload), = gateway.sent
    assert action == "SetChargingProfile"
    profile = payload["chargingProfile"]
    schedule = profile["chargingSchedule"][0]
    duration_s = schedule["duration"]
    energy_out_wh = 0.0
    wire_periods = schedule["chargingSchedulePeriod"]
    for i, period in enumerate(wire_periods):
        power_w = period.get("setpoint", period.get("limit", 0.0))
        assert power_w <= min(sc["rating_w"], sc["ev_max_w"]) + 0.1
        if sc["import_limit_w"] is not None:
            assert power_w <= sc["import_limit_w"] + 0.1
        if power_w < 0:
            assert may_discharge
            assert -power_w <= min(sc["discharge_rating_w"], sc["ev_max_w"]) + 0.1
            if sc["export_limit_w"] is not None:
                assert -power_w <= sc["export_limit_w"] + 0.1
            end_s = wire_periods[i + 1]["startPeriod"] if i + 1 < len(wire_periods) else duration_s
            energy_out_wh += -power_w * (end_s - period["startPeriod"]) / 3600
    if energy_out_wh > 0:
        assert duration_s <= 900
        valid_to = parse_ocpp_time(profile["validTo"])
        assert valid_to <= T0 + timedelta(seconds=900)
        if sc["capacity_wh"] is not None:
            assert energy_out_wh <= (sc["soc"] - sc["min_soc"]) * sc["capacity_wh"] + 1.0


def test_local_frequency_bounds_baseline_plus_curve_by_the_energy_above_reserve() -> None:
    from csms.domain.schedule import FreqWattPoint, OperationMode

    env = EvseEnvelope(max_charge_w=11000, max_discharge_w=11000, discharge_energy_wh=500)
    curve = (FreqWattPoint(49.8, -3000), FreqWattPoint(50.0, 0), FreqWattPoint(50.2, 3000))
    period = SchedulePeriod(0, 0, OperationMode.LOCAL_FREQUENCY, baseline_w=-3000, freq_watt_curve=curve)
    clamped = clamp_schedule(PowerSchedule(1, T0, 600, (period,)), env).schedule.periods[0]
    worst_w = (clamped.baseline_w or 0.0) + min(p.power_w for p in clamped.freq_watt_curve)
    assert worst_w * 600 / 3600 >= -500 - 1e-6  # never more than the 500 Wh above the reserve
    assert clamped.max_discharge_w == 3000


def test_ac_needs_count_every_phase() -> None:
    from csms.handlers.smart_charging import needs_from_payload

    payload = {"evseId": 1, "chargingNeeds": {"requestedEnergyTransfer": "AC_three_phase", "acChargingParameters": {
        "energyAmount": 20000, "evMinCurrent": 6, "evMaxCurrent": 16, "evMaxVoltage": 230}}}
    assert needs_from_payload("S", payload, T0).max_charge_power_w == 16 * 230 * 3
