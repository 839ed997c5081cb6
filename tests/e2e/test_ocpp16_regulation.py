"""A mixed fleet on virtual time: 2.1 V2X, 2.0.1 bidirectional, 1.6J charge-only and 1.6J bidirectional stations
(five of each, one EV each) follow 15 minutes of the PJM RegA signal through the one fleet controller, as
`tests/e2e/test_regulation.py` does for an all-2.x fleet (0.981 composite on the same window).

1.6 stations report no charging needs and nothing that says they can discharge. Here the operator declares the
bidirectional 1.6 stations (capabilities override) and their drivers' consent (needs with discharge allowed),
through the same calls the API's PUT .../capabilities and PUT .../needs make; the charge-only 1.6 stations are
steered as flexible load only."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from chargepoint_sim.kinds import StationKind, kind_by_share
from csms.app import CsmsApp
from csms.app import build_app as real_build_app
from csms.domain.capabilities import StationCapabilities
from csms.domain.ids import StationId
from csms.domain.records import ChargingNeedsRecord
from csms.grid.data import data_path
from csms.grid.parsers.regulation import parse_pjm_regulation
from csms.grid.signals import RegulationSeries
from csms.scenario import fleet_run
from csms.scenario.fleet_run import FleetRunSpec
from csms.scenario.regulation import RegulationRunResult, run_regulation
from csms.scenario.virtual_time import run_virtual
from csms.services.events import DomainEvent, EvChargingNeeds, TransactionStarted
from tests.e2e.test_regulation import SIM_CONFIG, WARMUP_S, settings_for

STATIONS = 20
SHARES = {StationKind.V2X_21: 1.0, StationKind.BIDIRECTIONAL_201: 1.0, StationKind.CHARGE_ONLY_16: 1.0,
          StationKind.BIDIRECTIONAL_16: 1.0}
EVSE_W = 11_000.0
MIXED_CONFIG = SIM_CONFIG.replace('kind_shares = { "v2x-2.1" = 1, "bidirectional-2.0.1" = 1 }',
                                  "kind_shares = { " + ", ".join(f'"{k.value}" = 1' for k in SHARES) + " }")


def kinds() -> dict[StationId, StationKind]:
    found = {StationId(f"SIM-{i:04d}"): kind_by_share(i, STATIONS, SHARES) for i in range(1, STATIONS + 1)}
    return {sid: kind for sid, kind in found.items() if kind is not None}


class Operator:
    """Declares the bidirectional 1.6 stations and, when a car plugs in there, its driver's consent."""

    def __init__(self, app: CsmsApp, bidirectional: list[StationId]) -> None:
        self.app = app
        self.bidirectional = set(bidirectional)
        self.tasks: set[asyncio.Task[None]] = set()
        for sid in bidirectional:
            app.charging.override_capabilities(sid, 1, StationCapabilities(
                ocpp_version="ocpp1.6", discharge_supported=True, rate_units=frozenset({"W"}),
                max_charge_power_w=EVSE_W, max_discharge_power_w=EVSE_W))
        app.events.subscribe(self.on_event)

    def on_event(self, event: DomainEvent) -> None:
        if isinstance(event, TransactionStarted) and event.station_id in self.bidirectional:
            task = asyncio.get_running_loop().create_task(self.consent(event))
            self.tasks.add(task)
            task.add_done_callback(self.tasks.discard)

    async def consent(self, event: TransactionStarted) -> None:
        assert event.evse_id is not None
        record = ChargingNeedsRecord(station_id=event.station_id, evse_id=event.evse_id,
                                     received_at=event.at, discharge_allowed=True, ev_capacity_wh=60_000.0,
                                     min_soc=0.3)
        await self.app.store.put_charging_needs(record)
        self.app.events.publish(EvChargingNeeds(station_id=event.station_id, at=event.at, evse_id=record.evse_id))


@pytest.fixture(scope="module")
def pjm() -> RegulationSeries:
    return parse_pjm_regulation(data_path("pjm/pjm_regA_2s_2017-08-01_1600-2400.csv")).items[0]


def test_a_mixed_16_and_2x_fleet_follows_the_regulation_signal(pjm: RegulationSeries, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    by_kind = kinds()
    apps: list[CsmsApp] = []
    operators: list[Operator] = []
    def build_app(*args: Any, **kwargs: Any) -> CsmsApp:
        app = real_build_app(*args, **kwargs)
        apps.append(app)
        operators.append(Operator(app, [s for s, k in by_kind.items() if k is StationKind.BIDIRECTIONAL_16]))
        return app

    monkeypatch.setattr(fleet_run, "build_app", build_app)  # the name fleet_run imported from csms.app
    config = tmp_path / "fleet.toml"
    config.write_text(MIXED_CONFIG)
    signal_start_at = pjm.start_at + timedelta(seconds=14_400)  # 20:00-20:15, as test_regulation.py
    spec = FleetRunSpec(sim_config=config, start_at=signal_start_at - timedelta(seconds=WARMUP_S), speed=10.0,
                        sim_log=tmp_path / "sim.log", clock="virtual")

    async def main() -> RegulationRunResult:
        return await run_regulation(pjm, settings_for(pjm), spec, signal_start_at=signal_start_at, duration_s=900)

    result = run_virtual(main, max_simulated_s=WARMUP_S + 900 + 600)
    assert result.score.composite >= 0.95, result.score
    [app] = apps
    steered = {sid for sid, _, _ in app.charging.installed}
    for kind in (StationKind.CHARGE_ONLY_16, StationKind.BIDIRECTIONAL_16):
        assert {s for s, k in by_kind.items() if k is kind} & steered, f"no {kind.value} station was steered"
    discharged_16 = {sid for (sid, _, _), schedule in app.charging.installed.items()
                     if by_kind[sid] is StationKind.BIDIRECTIONAL_16 and schedule.discharges}
    charge_only_16 = {sid for (sid, _, _), schedule in app.charging.installed.items()
                      if by_kind[sid] is StationKind.CHARGE_ONLY_16 and schedule.discharges}
    assert not charge_only_16, "a charge-only 1.6 station was sent a discharge"
    print(f"mixed fleet: {result.score}; reserve up {result.mean_reserve_up_w:.0f} W; "
          f"1.6 bidirectional discharging at the end: {sorted(discharged_16)}")
