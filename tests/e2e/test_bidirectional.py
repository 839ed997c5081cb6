"""End to end, charging profiles: the real CSMS (in process, memory store) and simulated stations of every kind
over real websockets on 127.0.0.1, both on one ScaledClock.

Each test plugs one EV per station (the driver allows discharge), waits until the CSMS knows the station's
capabilities, the EV's needs and the running transaction with its SoC, then commands schedules through
`app.charging.apply` and checks the simulator's ground truth and the CSMS's view of it:
- a discharge moves the SoC down and the export register up by the expected energy (losses and the station's
  response delay and ramp included), on the 2.1 V2X, 2.0.1 bidirectional and A-only kinds, and the CSMS's
  transaction export equals the simulator's; a charge-only station never receives a discharge;
- an A-only station charges by a schedule the CSMS sends in A;
- a 2.1 V2X station follows a LocalFrequency period sent by the CSMS from the frequency injected into the fleet;
- when the CSMS dies, a station stops discharging when the profile's validity ends (2.0.1) or after
  maxOfflineDuration offline (2.1, sooner);
- the station's GetCompositeSchedule equals `csms.services.composite.expected_composite` for what it received.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from chargepoint_sim.config import ControlConfig, EvConfig, EvseConfig, FleetConfig, LinkConfig, StationConfig
from chargepoint_sim.evse import EvseSpec
from chargepoint_sim.fleet import Fleet
from chargepoint_sim.kinds import StationKind
from chargepoint_sim.smart_charging import to_w
from chargepoint_sim.station import SimStation
from csms.app import CsmsApp, build_app
from csms.domain.clock import ScaledClock
from csms.domain.ids import StationId
from csms.domain.records import TransactionRecord
from csms.domain.schedule import (
    FreqWattPoint,
    OperationMode,
    PowerSchedule,
    ProfilePurpose,
    SchedulePeriod,
    constant_schedule,
)
from csms.ocpp.schemas import compiled_validator
from csms.ocpp.versions import OCPP_2X
from csms.services.charging import ApplyStatus
from csms.services.composite import EvseHardware, InstalledProfile, composite_from_response, expected_composite
from tests.helpers.csms_app import PASSWORD, csms_test_settings
from tests.helpers.eventually import eventually

pytestmark = pytest.mark.realtime  # paced by the real clock: `make test` runs it alone

START = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
SPEED = 300.0  # simulated seconds per real second
EVSE_W = 11_000.0
DELAY_S = 2.0  # station response delay
RAMP_W_PER_S = 5_000.0
CAPACITY_WH = 60_000.0
EFFICIENCY = 0.92
DISCHARGE_W = 7_000.0
WINDOW_S = 600
LEAD_S = 60  # schedules start this long after the CSMS is ready (they are installed before they begin)
_HOT_ACTIONS = ("BootNotification", "StatusNotification", "Heartbeat", "Authorize", "TransactionEvent",
                "NotifyEVChargingNeeds", "GetBaseReport", "NotifyReport", "SetChargingProfile", "GetCompositeSchedule")


# ---- harness ----------------------------------------------------------------------------------------------


def fleet_config(port: int, kinds: list[StationKind]) -> FleetConfig:
    ids = {f"SIM-{i:04d}": kind for i, kind in enumerate(kinds, start=1)}
    return FleetConfig(
        csms_url=f"ws://127.0.0.1:{port}/ocpp", stations=len(kinds), password=PASSWORD, seed=3,
        station=StationConfig(evses=1, tx_updated_interval_s=60,
                              evse=EvseConfig(max_power_w=EVSE_W, max_discharge_power_w=EVSE_W),
                              control=ControlConfig(response_delay_s=DELAY_S, ramp_w_per_s=RAMP_W_PER_S)),
        station_kinds=ids,
        ev=EvConfig(capacity_wh=(CAPACITY_WH, CAPACITY_WH), arrival_soc=(0.6, 0.6), target_soc=(0.9, 0.9),
                    min_soc=0.2, max_charge_power_w=(EVSE_W, EVSE_W), max_discharge_power_w=(EVSE_W, EVSE_W),
                    allow_discharge_probability=1.0, charge_efficiency=EFFICIENCY, discharge_efficiency=EFFICIENCY,
                    first_arrival_s=(0.0, 0.0), dwell_s=(7_200.0, 7_200.0), visits_per_evse=1),
        link=LinkConfig(reconnect_min_s=0.2, reconnect_max_s=0.5, reconnect_jitter_s=0.1),
    )


@asynccontextmanager
async def csms_and_fleet(kinds: list[StationKind]) -> AsyncIterator[tuple[CsmsApp, Fleet, ScaledClock]]:
    """A CSMS and one station per kind, sharing one ScaledClock; both stopped on exit."""
    for version in OCPP_2X:  # compile schemas before simulated time starts running
        for action in _HOT_ACTIONS:
            compiled_validator(version, action, "Request")
            compiled_validator(version, action, "Response")
    clock = ScaledClock(START, SPEED)
    app = build_app(csms_test_settings(accept_unknown_tokens=True), clock=clock, serve_api=False)
    await app.start()
    fleet = Fleet(fleet_config(app.ocpp_port, kinds), clock)
    await fleet.start()
    try:
        yield app, fleet, clock
    finally:
        await fleet.stop()
        with suppress(Exception):  # a test may have stopped the CSMS already
            await app.stop()


async def sleep_until(clock: ScaledClock, at: datetime) -> None:
    await asyncio.sleep(max(0.0, (at - clock.now()).total_seconds() / clock.speed))


def station_ids(fleet: Fleet) -> list[StationId]:
    """The simulated fleet's station ids (plain strings there) as the CSMS types them."""
    return [StationId(sid) for sid in fleet.stations]


async def ready_transaction(app: CsmsApp, station_id: StationId) -> TransactionRecord:
    """Wait until the CSMS has the station's device model, the EV's needs and the open transaction's SoC."""

    async def ready() -> TransactionRecord | None:
        caps = await app.charging.capabilities(station_id, 1)
        needs = await app.store.get_charging_needs(station_id, 1)
        txs = [t for t in await app.store.list_transactions(station_id, open_only=True) if t.last_soc is not None]
        if caps.max_charge_power_w is None or needs is None or not txs:
            return None
        return txs[0]

    tx: TransactionRecord = await eventually(ready, f"{station_id}: capabilities, needs and transaction")
    return tx


def next_whole_second(at: datetime, after_s: float) -> datetime:
    return (at + timedelta(seconds=after_s)).replace(microsecond=0) + timedelta(seconds=1)


def received_periods(station: SimStation) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """(profile, period) of every SetChargingProfile the station received."""
    return [(p["chargingProfile"], period) for action, p in station.profiles.received if action == "SetChargingProfile"
            for schedule in p["chargingProfile"]["chargingSchedule"] for period in schedule["chargingSchedulePeriod"]]


def commanded_w(station: SimStation) -> float:
    """Signed W of the last received profile's first period (A converted with the EVSE's voltage/phases)."""
    profile, period = received_periods(station)[-1]
    unit = profile["chargingSchedule"][0]["chargingRateUnit"]
    value = float(period["setpoint"] if "setpoint" in period else period["limit"])
    return to_w(value, unit, period, station.evses[1].spec)


def soc_now(station: SimStation, clock: ScaledClock) -> tuple[datetime, float]:
    now = clock.now()
    station.advance_to(now)
    ev = station.evses[1].ev
    assert ev is not None
    return now, ev.soc


def hardware(spec: EvseSpec) -> EvseHardware:
    return EvseHardware(spec.max_power_w, spec.max_discharge_power_w, spec.voltage_v, spec.phases)


# ---- tests ------------------------------------------------------------------------------------------------

DISCHARGING_KINDS = [StationKind.V2X_21, StationKind.BIDIRECTIONAL_201, StationKind.A_ONLY_201]


async def test_discharge_moves_soc_down_and_export_up_on_every_kind_and_never_reaches_a_charge_only_station(
) -> None:
    kinds = [*DISCHARGING_KINDS, StationKind.CHARGE_ONLY_201]
    async with csms_and_fleet(kinds) as (app, fleet, clock):
        ids = station_ids(fleet)
        txs = {sid: await ready_transaction(app, sid) for sid in ids}
        t0 = next_whole_second(clock.now(), LEAD_S)
        t1 = t0 + timedelta(seconds=WINDOW_S)
        results = {sid: await app.charging.apply(sid, constant_schedule(1, t0, -DISCHARGE_W, WINDOW_S,
                                                                           txs[sid].transaction_id), requester="test")
                   for sid in ids}
        charge_only = ids[-1]
        for sid in ids[:-1]:
            assert results[sid].status is ApplyStatus.ACCEPTED, (sid, results[sid])
            assert all(p.received_at < t0 for p in fleet.stations[sid].profiles.profiles.values()), "late start"

        # in the full-power part of the window the SoC falls exactly as the battery model says
        settle_s = DELAY_S + (EVSE_W + DISCHARGE_W) / RAMP_W_PER_S + 2
        await sleep_until(clock, t0 + timedelta(seconds=settle_s))
        before = {sid: soc_now(fleet.stations[sid], clock) for sid in ids}
        await sleep_until(clock, t1 - timedelta(seconds=2))
        after = {sid: soc_now(fleet.stations[sid], clock) for sid in ids}
        await sleep_until(clock, t1 + timedelta(seconds=settle_s + 1))

        for sid in ids[:-1]:
            station = fleet.stations[sid]
            power_w = -commanded_w(station)
            # the A-only station gets 0.1 A steps rounded toward zero (69 W on 3 x 230 V): never more than asked
            assert DISCHARGE_W - 69.0 <= power_w <= DISCHARGE_W + 1e-6, sid
            (ta, soc_a), (tb, soc_b) = before[sid], after[sid]
            drop = power_w * (tb - ta).total_seconds() / 3600 / EFFICIENCY / CAPACITY_WH
            assert soc_a - soc_b == pytest.approx(drop, rel=1e-3), sid
            # export over the window: the output leaves +EVSE_W at t0 + delay and ramps; the energy the ramps
            # and the delay take at the start they give back at the end, except the charging part of the ramp
            [tx] = station.transactions.values()
            expected_wh = power_w * (WINDOW_S - EVSE_W / RAMP_W_PER_S) / 3600
            assert tx.export_wh == pytest.approx(expected_wh, rel=0.01, abs=3.0), sid

        # the CSMS's transaction shows the same export once the next periodic meter value arrives
        for sid in ids:
            [tx] = fleet.stations[sid].transactions.values()

            async def same_export(sid: StationId = sid, truth: float = tx.export_wh) -> bool:
                record = await app.store.get_transaction(sid, txs[sid].transaction_id)
                return record is not None and abs(record.energy_export_wh - truth) < 0.01

            await eventually(same_export, f"{sid}: CSMS export equals the simulator's")

        # the charge-only station: nothing negative reached it, it exported nothing, its SoC never fell
        station = fleet.stations[charge_only]
        assert all(period["limit"] >= 0 and "setpoint" not in period for _, period in received_periods(station))
        [tx] = station.transactions.values()
        assert tx.export_wh == 0.0
        assert after[charge_only][1] >= before[charge_only][1]


async def test_csms_refuses_a_discharge_for_a_charge_only_station() -> None:
    async with csms_and_fleet([StationKind.CHARGE_ONLY_201]) as (app, fleet, clock):
        [sid] = station_ids(fleet)
        tx = await ready_transaction(app, sid)
        result = await app.charging.apply(sid, constant_schedule(1, clock.now(), -DISCHARGE_W, WINDOW_S,
                                                                 tx.transaction_id))
        assert not received_periods(fleet.stations[sid])
        assert result.status is ApplyStatus.REFUSED


async def test_a_only_station_charges_by_a_schedule_sent_in_amps() -> None:
    charge_w = 3_000.0
    async with csms_and_fleet([StationKind.A_ONLY_201]) as (app, fleet, clock):
        [sid] = station_ids(fleet)
        station = fleet.stations[sid]
        tx = await ready_transaction(app, sid)
        t0 = next_whole_second(clock.now(), LEAD_S)
        result = await app.charging.apply(sid, constant_schedule(1, t0, charge_w, WINDOW_S, tx.transaction_id))
        assert result.status is ApplyStatus.ACCEPTED, result
        profile, period = received_periods(station)[-1]
        assert profile["chargingSchedule"][0]["chargingRateUnit"] == "A"
        assert period["numberPhases"] == 3
        assert period["limit"] == 4.3  # 3,000 W / (3 x 230 V) = 4.35 A, one decimal toward zero (OCPP 2.0.1)

        settle_s = DELAY_S + EVSE_W / RAMP_W_PER_S + 2
        await sleep_until(clock, t0 + timedelta(seconds=settle_s))
        ta, soc_a = soc_now(station, clock)
        import_a = station.evses[1].import_register_wh
        await sleep_until(clock, t0 + timedelta(seconds=WINDOW_S - 2))
        tb, soc_b = soc_now(station, clock)
        import_b = station.evses[1].import_register_wh
        hours = (tb - ta).total_seconds() / 3600
        assert import_b - import_a == pytest.approx(commanded_w(station) * hours, rel=1e-3)
        assert commanded_w(station) == pytest.approx(4.3 * 230 * 3)
        assert soc_b - soc_a == pytest.approx(commanded_w(station) * hours * EFFICIENCY / CAPACITY_WH, rel=1e-3)
        assert station.evses[1].export_register_wh == 0.0


async def test_v2x_station_follows_a_local_frequency_period_from_the_injected_frequency() -> None:
    async with csms_and_fleet([StationKind.V2X_21]) as (app, fleet, clock):
        [sid] = station_ids(fleet)
        station = fleet.stations[sid]
        tx = await ready_transaction(app, sid)
        t0 = next_whole_second(clock.now(), LEAD_S)
        curve = (FreqWattPoint(49.8, -6_000.0), FreqWattPoint(50.0, 0.0), FreqWattPoint(50.2, 6_000.0))
        period = SchedulePeriod(0, 0.0, mode=OperationMode.LOCAL_FREQUENCY, baseline_w=1_000.0, freq_watt_curve=curve)
        schedule = PowerSchedule(1, t0, WINDOW_S, (period,), transaction_id=tx.transaction_id)
        result = await app.charging.apply(sid, schedule)
        assert result.status is ApplyStatus.ACCEPTED, result
        _, sent = received_periods(station)[-1]
        assert sent["operationMode"] == "LocalFrequency" and sent["v2xBaseline"] == 1_000.0

        settle = timedelta(seconds=DELAY_S + 2 * EVSE_W / RAMP_W_PER_S + 2)
        # baseline 1 kW + the curve, linear between its points and flat beyond them
        for frequency_hz, expected_w in ((49.9, -2_000.0), (50.1, 4_000.0), (49.7, -5_000.0)):
            fleet.set_frequency(frequency_hz)
            await sleep_until(clock, max(clock.now(), t0) + settle)
            station.advance_to(clock.now())
            assert station.evses[1].power_w == pytest.approx(expected_w), frequency_hz
        assert station.evses[1].export_register_wh > 0


async def test_station_whose_csms_dies_stops_discharging_at_validity_end_or_after_max_offline_duration() -> None:
    async with csms_and_fleet([StationKind.BIDIRECTIONAL_201, StationKind.V2X_21]) as (app, fleet, clock):
        ids = station_ids(fleet)
        txs = {sid: await ready_transaction(app, sid) for sid in ids}
        t0 = next_whole_second(clock.now(), LEAD_S)
        t1 = t0 + timedelta(seconds=WINDOW_S)
        for sid in ids:
            result = await app.charging.apply(sid, constant_schedule(1, t0, -DISCHARGE_W, WINDOW_S,
                                                                     txs[sid].transaction_id))
            assert result.status is ApplyStatus.ACCEPTED, (sid, result)
        v2x_profile = fleet.stations[ids[1]].profiles.received[-1][1]["chargingProfile"]
        max_offline_s = v2x_profile["maxOfflineDuration"]
        assert v2x_profile["invalidAfterOfflineDuration"] is True
        assert max_offline_s < WINDOW_S - 60

        await sleep_until(clock, t0 + timedelta(seconds=30))
        await app.stop()  # the CSMS goes silent for good
        await eventually(lambda: not any(s.online for s in fleet.stations.values()), "stations offline")
        offline_at = fleet.stations[ids[1]].profiles.offline_since_at
        assert offline_at is not None

        trace: dict[str, list[tuple[datetime, float]]] = {sid: [] for sid in ids}
        end_at = t1 + timedelta(seconds=30)
        while clock.now() < end_at:
            for sid in ids:
                station = fleet.stations[sid]
                station.advance_to(clock.now())
                trace[sid].append((clock.now(), station.evses[1].power_w))
            await asyncio.sleep(0.01)

    settle = timedelta(seconds=DELAY_S + (DISCHARGE_W + EVSE_W) / RAMP_W_PER_S + 2)
    margin = timedelta(seconds=3)
    stop_at = {ids[0]: t1, ids[1]: offline_at + timedelta(seconds=max_offline_s)}
    assert stop_at[ids[1]] < t1
    for sid in ids:
        discharging = [w for t, w in trace[sid] if t0 + settle <= t <= stop_at[sid] - margin]
        after = [w for t, w in trace[sid] if t >= stop_at[sid] + settle]
        assert len(discharging) > 10 and len(after) > 3, sid
        assert all(w == pytest.approx(-DISCHARGE_W) for w in discharging), sid  # discharging while offline
        assert all(w >= 0 for w in after), sid
        assert fleet.stations[sid].evses[1].export_register_wh > 0


async def test_composite_schedule_from_the_station_equals_the_csms_expectation() -> None:
    kinds = [StationKind.V2X_21, StationKind.BIDIRECTIONAL_201, StationKind.A_ONLY_201]
    async with csms_and_fleet(kinds) as (app, fleet, clock):
        for sid in station_ids(fleet):
            station = fleet.stations[sid]
            tx = await ready_transaction(app, sid)
            t0 = next_whole_second(clock.now(), 20)
            schedules = [
                PowerSchedule(0, t0, 1_800, (SchedulePeriod(0, 9_000.0), SchedulePeriod(900, 6_000.0)),
                              purpose=ProfilePurpose.STATION_MAX),
                PowerSchedule(1, t0 - timedelta(seconds=10), 3_600, (SchedulePeriod(0, 4_000.0),),
                              purpose=ProfilePurpose.TX_DEFAULT),
                PowerSchedule(1, t0 + timedelta(seconds=60), 360, (
                    SchedulePeriod(0, -4_000.0), SchedulePeriod(120, 10_000.0), SchedulePeriod(240, -2_500.0)),
                    transaction_id=tx.transaction_id),
            ]
            for schedule in schedules:
                result = await app.charging.apply(sid, schedule)
                assert result.status is ApplyStatus.ACCEPTED, (sid, schedule.purpose, result)
            installed = [InstalledProfile(p["evseId"], p["chargingProfile"])
                         for action, p in station.profiles.received if action == "SetChargingProfile"]
            hw = hardware(station.evses[1].spec)
            for unit in ("W", "A"):
                response = await app.charging.composite_schedule(sid, 1, 2_400, rate_unit=unit)
                assert response["status"] == "Accepted"
                assert response["schedule"]["chargingRateUnit"] == unit
                start_at = datetime.fromisoformat(response["schedule"]["scheduleStart"].replace("Z", "+00:00"))
                expected = expected_composite(installed, 1, tx.transaction_id, start_at, 2_400, hw)
                got = composite_from_response(response, hw)
                assert got == expected, (sid, unit)
                assert len(got) >= 5, got  # fallback, TxDefault, the three Tx periods, TxDefault again
                # the station-max profile caps both directions on both versions: the discharge periods survive
                assert any(value < 0 for _, value in got), got
