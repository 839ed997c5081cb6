"""End to end on virtual time: the real CSMS and the simulator's OCPP 1.6J kinds (`chargepoint_sim/v16.py`) over
real websockets. A charge-only and a negative-limit bidirectional 1.6 station each get an EV; the CSMS numbers
their transactions, charges the charge-only one by a profile in W, refuses to discharge the bidirectional one
until the operator declares it bidirectional, then discharges it; the CSMS's import and export energy equal the
simulator's meters, through a remote stop."""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any, TypeVar

from chargepoint_sim.config import ControlConfig, EvConfig, EvseConfig, FleetConfig, LinkConfig, StationConfig
from chargepoint_sim.fleet import Fleet
from chargepoint_sim.kinds import StationKind
from csms.app import build_app
from csms.domain.capabilities import StationCapabilities
from csms.domain.clock import Clock, LoopClock
from csms.domain.ids import StationId
from csms.domain.records import ChargingNeedsRecord, TransactionRecord
from csms.domain.schedule import constant_schedule
from csms.scenario.virtual_time import run_virtual
from csms.services.charging import ApplyStatus
from tests.helpers.csms_app import PASSWORD, csms_test_settings

START = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
EVSE_W = 11_000.0
CAPACITY_WH = 60_000.0
_T = TypeVar("_T")


def fleet_config(port: int) -> FleetConfig:
    return FleetConfig(
        csms_url=f"ws://127.0.0.1:{port}/ocpp", stations=2, password=PASSWORD, seed=3,
        station=StationConfig(evses=1, tx_updated_interval_s=30,
                              evse=EvseConfig(max_power_w=EVSE_W, max_discharge_power_w=EVSE_W),
                              control=ControlConfig(response_delay_s=1.0, ramp_w_per_s=5_000.0)),
        station_kinds={"SIM-0001": StationKind.CHARGE_ONLY_16, "SIM-0002": StationKind.BIDIRECTIONAL_16},
        ev=EvConfig(capacity_wh=(CAPACITY_WH, CAPACITY_WH), arrival_soc=(0.6, 0.6), target_soc=(0.9, 0.9),
                    min_soc=0.2, max_charge_power_w=(EVSE_W, EVSE_W), max_discharge_power_w=(EVSE_W, EVSE_W),
                    allow_discharge_probability=1.0, first_arrival_s=(0.0, 0.0), dwell_s=(7_200.0, 7_200.0),
                    visits_per_evse=1),
        link=LinkConfig(reconnect_min_s=0.2, reconnect_max_s=0.5, reconnect_jitter_s=0.1),
    )


async def until(clock: Clock, check: Callable[[], Awaitable[_T | None]], what: str, limit_s: float = 600) -> _T:
    """Poll `check` every simulated second until it gives a value (fails after `limit_s` simulated seconds)."""
    deadline = clock.now() + timedelta(seconds=limit_s)
    while clock.now() < deadline:
        value = await check()
        if value:
            return value
        await clock.sleep(1.0)
    raise AssertionError(f"{what}: not within {limit_s:.0f} simulated s")


def test_16_sim_stations_charge_and_discharge_as_declared_and_energy_matches() -> None:
    async def main() -> None:
        clock = LoopClock(START)
        settings = csms_test_settings(accept_unknown_tokens=True)
        settings = settings.model_copy(update={"fleet": settings.fleet.model_copy(update={"enabled": False})})
        app = build_app(settings, clock=clock, serve_api=False)
        await app.start()
        fleet = Fleet(fleet_config(app.ocpp_port), clock)
        await fleet.start()
        try:
            await scenario(app, fleet, clock)
        finally:
            await fleet.stop()
            await app.stop()

    run_virtual(main, max_simulated_s=7_200)


async def scenario(app: Any, fleet: Fleet, clock: Clock) -> None:
    charge_only, bidi = "SIM-0001", "SIM-0002"

    async def open_tx(sid: str) -> TransactionRecord | None:
        txs = [t for t in await app.store.list_transactions(StationId(sid), open_only=True) if t.last_soc is not None]
        return txs[0] if txs else None

    txs = {sid: await until(clock, partial(open_tx, sid), f"{sid}: transaction with SoC")
           for sid in (charge_only, bidi)}
    for sid, tx in txs.items():
        assert tx.transaction_id.isdigit(), "the CSMS numbers 1.6 transactions"
        station = await app.store.get_station(StationId(sid))
        assert station is not None and station.ocpp_version == "ocpp1.6"
    caps = await until(clock, lambda: _caps_known(app, bidi), "configuration read")
    assert caps.ocpp_version == "ocpp1.6" and not caps.discharge_supported

    # charge-only: a charging profile in W; a discharge is refused before the wire
    t0 = clock.now() + timedelta(seconds=30)
    charged = await app.charging.apply(charge_only, constant_schedule(1, t0, 3_000.0, 600,
                                                                      txs[charge_only].transaction_id))
    assert charged.status is ApplyStatus.ACCEPTED, charged
    [received] = [p for a, p in fleet.stations[charge_only].profiles.received if a == "SetChargingProfile"]
    assert received["chargingProfile"]["chargingSchedule"][0]["chargingSchedulePeriod"][0]["limit"] == 3000.0

    # bidirectional, not declared: refused, nothing sent
    discharge = constant_schedule(1, t0, -7_000.0, 600, txs[bidi].transaction_id)
    assert (await app.charging.apply(bidi, discharge)).status is ApplyStatus.REFUSED
    assert not fleet.stations[bidi].profiles.received
    # declared (and the driver allows discharge): a negative limit reaches it
    app.charging.override_capabilities(bidi, 1, dataclasses.replace(
        caps, discharge_supported=True, max_charge_power_w=EVSE_W, max_discharge_power_w=EVSE_W))
    await app.store.put_charging_needs(ChargingNeedsRecord(
        station_id=StationId(bidi), evse_id=1, received_at=clock.now(), discharge_allowed=True,
        ev_capacity_wh=CAPACITY_WH, min_soc=0.2))
    await clock.sleep(6)  # the charging service re-reads an EVSE's needs every 5 s
    discharge = dataclasses.replace(discharge, starts_at=clock.now() + timedelta(seconds=5))
    applied = await app.charging.apply(bidi, discharge)
    assert applied.status is ApplyStatus.ACCEPTED, applied
    [(_, payload)] = fleet.stations[bidi].profiles.received
    assert payload["chargingProfile"]["chargingSchedule"][0]["chargingSchedulePeriod"][0]["limit"] == -7000.0
    await clock.sleep(400)

    # stop both remotely; the CSMS's energy equals each simulator's meter
    for sid in (charge_only, bidi):
        answer = await app.gateway.call(sid, "RequestStopTransaction", {"transactionId": txs[sid].transaction_id})
        assert answer["status"] == "Accepted"

    async def ended(sid: str) -> TransactionRecord | None:
        record = await app.store.get_transaction(StationId(sid), txs[sid].transaction_id)
        return record if record is not None and not record.is_open else None

    for sid in (charge_only, bidi):
        record = await until(clock, partial(ended, sid), f"{sid}: transaction ended")
        [sim_tx] = fleet.stations[sid].transactions.values()
        assert abs(record.energy_import_wh - sim_tx.import_wh) < 1.0, (sid, record.energy_import_wh, sim_tx.import_wh)
        assert abs(record.energy_export_wh - sim_tx.export_wh) < 1.0, (sid, record.energy_export_wh, sim_tx.export_wh)
    [bidi_tx] = fleet.stations[bidi].transactions.values()
    assert bidi_tx.export_wh > 500.0  # ~7 kW for ~6 minutes
    [co_tx] = fleet.stations[charge_only].transactions.values()
    assert co_tx.export_wh == 0.0


async def _caps_known(app: Any, sid: str) -> StationCapabilities | None:
    variables = await app.store.list_variables(StationId(sid))
    if not any(v.variable == "RateUnit" for v in variables):
        return None
    caps: StationCapabilities = await app.charging.capabilities(sid, 1)
    return caps
