"""The fleet as the planner sees it: one `EvSpec` per open transaction, from the store's transactions, the
EVs' charging needs (or operator-set driver preferences) and the EVSEs' capabilities. Missing facts fall back
to configured defaults, and every fallback is conservative (no discharge without consent and capability).

The OCPP 2.1 energy requests are relative to the battery when the needs were sent: to the SoC then
(`soc_at_received`, or if unknown the SoC now less what the transaction has put in since it started, the
needs being sent on plug-in). From there, with a known battery capacity, the bottom of the V2X range
(`evMinV2XEnergyRequest`) is a minimum reserve (the stricter of it and `min_soc`) and the maximum request caps
`soc_max` (never below the target SoC or the reserve). The departure need is the target request, at least
the minimum request and at most the maximum one. Minimum charge/discharge powers are not planned with (the
LP has no on/off decisions).

A station rated below the sum of its EVSEs (`StationCapabilities.station_max_*_power_w`) shares its rating
among the EVs plugged into it, in proportion to their own maximum powers, so no plan asks a station for more
than it can give (the envelope would clamp it, and the fleet would miss its request). A share is a fixed cap:
one EV that needs less does not free power for another (a per-station row in the LP would).

`FleetView` is the fleet controller read-only (its trace, plan, counters, DR commitments and metering), for the
API, the metrics and the grid links."""

from __future__ import annotations

import asyncio
import dataclasses
from collections import defaultdict, deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from csms.domain.capabilities import StationCapabilities
from csms.domain.ids import StationId
from csms.domain.records import ChargingNeedsRecord, TransactionRecord
from csms.optimizer import DrCommitment, FleetPlan, FleetProblem
from csms.optimizer.problem import EvSpec
from csms.services.charging import ChargingService
from csms.settings import FleetSettings
from csms.store.base import StateStore


@dataclass(frozen=True, slots=True)
class PluggedEv:
    ev_id: str  # "<station>/<evse>"
    station_id: StationId
    evse_id: int
    transaction_id: str
    spec: EvSpec
    metered_power_w: float | None


def ev_id_of(station_id: StationId, evse_id: int) -> str:
    return f"{station_id}/{evse_id}"


def _min_known(*values: float | None, default: float) -> float:
    known = [v for v in values if v is not None]
    return max(0.0, min(known)) if known else default


def _departure_need_wh(needs: ChargingNeedsRecord) -> float | None:
    """The energy request for departure: the target, raised to the minimum request, capped at the maximum."""
    need = needs.energy_request_wh  # 0 too: the EV leaves with at least what it arrived with
    if needs.energy_min_request_wh is not None and needs.energy_min_request_wh > (need or 0.0):
        need = needs.energy_min_request_wh
    if need is not None and needs.energy_max_request_wh is not None:
        need = min(need, max(needs.energy_max_request_wh, 0.0))
    return need


def _battery_energy_in_wh(tx: TransactionRecord, fleet: FleetSettings) -> float:
    """What went into the battery since plug-in, net: import x charge efficiency - export / discharge efficiency."""
    return tx.energy_import_wh * fleet.charge_efficiency - tx.energy_export_wh / fleet.discharge_efficiency


def _soc_bounds(needs: ChargingNeedsRecord | None, tx: TransactionRecord, soc: float, capacity_wh: float | None,
                fleet: FleetSettings, default_min_soc: float) -> tuple[float, float]:
    """(soc_min, soc_max) from the driver's reserve and the 2.1 V2X / maximum energy requests."""
    soc_min = needs.min_soc if needs and needs.min_soc is not None else None
    soc_max = 1.0
    if needs and capacity_wh and (needs.v2x_min_energy_request_wh is not None
                                  or needs.energy_max_request_wh is not None):
        reference = needs.soc_at_received
        if reference is None:  # the SoC on plug-in: now, less what went into the battery since
            reference = soc - _battery_energy_in_wh(tx, fleet) / capacity_wh
        if needs.v2x_min_energy_request_wh is not None:
            v2x_reserve = min(max(reference + needs.v2x_min_energy_request_wh / capacity_wh, 0.0), 1.0)
            soc_min = v2x_reserve if soc_min is None else max(soc_min, v2x_reserve)
        if needs.energy_max_request_wh is not None:
            soc_max = min(max(reference + needs.energy_max_request_wh / capacity_wh, 0.0), 1.0)
    soc_min = min(max(default_min_soc if soc_min is None else soc_min, 0.0), 1.0)
    soc_max = max(soc_max, soc_min, needs.target_soc if needs and needs.target_soc is not None else 0.0)
    return soc_min, soc_max


async def _plugged_ev(store: StateStore, charging: ChargingService, tx: TransactionRecord, now: datetime,
                      fleet: FleetSettings, default_min_soc: float) -> tuple[PluggedEv, StationCapabilities]:
    assert tx.evse_id is not None
    station_id = StationId(tx.station_id)
    needs = await store.get_charging_needs(station_id, tx.evse_id)
    caps = await charging.capabilities(tx.station_id, tx.evse_id)
    capacity_wh = (needs.ev_capacity_wh if needs and needs.ev_capacity_wh else None) or fleet.default_capacity_wh
    soc = min(max(tx.last_soc if tx.last_soc is not None else fleet.default_soc, 0.0), 1.0)
    departure = needs.departure_at if needs and needs.departure_at else None
    if departure is None or departure <= now:
        departure = now + timedelta(seconds=fleet.default_dwell_s)
    allow = bool(needs and needs.discharge_allowed and caps.discharge_supported)
    max_charge_w = _min_known(needs.max_charge_power_w if needs else None, caps.max_charge_power_w, default=7400.0)
    max_discharge_w = _min_known(needs.max_discharge_power_w if needs else None, caps.max_discharge_power_w,
                                 default=0.0) if allow else 0.0
    soc_min, soc_max = _soc_bounds(needs, tx, soc, needs.ev_capacity_wh if needs else None, fleet, default_min_soc)
    added_wh = 0.0
    need_wh = _departure_need_wh(needs) if needs else None
    if need_wh is not None:  # the battery-side energy still to put in: what discharging took out comes back
        added_wh = max(0.0, need_wh * fleet.charge_efficiency - _battery_energy_in_wh(tx, fleet))
    spec = EvSpec(
        ev_id=ev_id_of(tx.station_id, tx.evse_id), arrival_at=now, departure_at=departure, capacity_wh=capacity_wh,
        soc_initial=soc, max_charge_power_w=max_charge_w, max_discharge_power_w=max_discharge_w,
        allow_discharge=allow and max_discharge_w > 0, soc_min=soc_min, soc_max=soc_max,
        target_soc=needs.target_soc if needs else None, target_added_energy_wh=added_wh,
        charge_efficiency=fleet.charge_efficiency, discharge_efficiency=fleet.discharge_efficiency,
        degradation_cost_per_kwh=fleet.degradation_cost_per_kwh,
    )
    return PluggedEv(spec.ev_id, tx.station_id, tx.evse_id, tx.transaction_id, spec, tx.last_power_w), caps


def _share_station_ratings(evs: list[tuple[PluggedEv, StationCapabilities]]) -> list[PluggedEv]:
    """Cap the EVs of a station rated below their sum at their proportional share of the rating."""
    by_station: dict[str, list[int]] = defaultdict(list)
    for i, (ev, _) in enumerate(evs):
        by_station[ev.station_id].append(i)
    out = [ev for ev, _ in evs]
    for members in by_station.values():
        charge = [evs[i][1].station_max_charge_power_w for i in members]
        discharge = [evs[i][1].station_max_discharge_power_w for i in members]
        for field_name, ratings in (("max_charge_power_w", charge), ("max_discharge_power_w", discharge)):
            known = [r for r in ratings if r is not None]
            total_w = sum(getattr(out[i].spec, field_name) for i in members)
            if not known or total_w <= min(known):
                continue
            scale = max(0.0, min(known)) / total_w
            for i in members:
                spec = out[i].spec
                spec = dataclasses.replace(spec, **{field_name: getattr(spec, field_name) * scale})
                if spec.max_discharge_power_w <= 0:
                    spec = dataclasses.replace(spec, allow_discharge=False)
                out[i] = dataclasses.replace(out[i], spec=spec)
    return out


async def plugged_evs(store: StateStore, charging: ChargingService, now: datetime, fleet: FleetSettings,
                      default_min_soc: float) -> list[PluggedEv]:
    """Every EV in an open transaction on a known EVSE, in a stable order."""
    txs = [tx for tx in await store.list_transactions(open_only=True) if tx.evse_id is not None]
    evs = await asyncio.gather(*(_plugged_ev(store, charging, tx, now, fleet, default_min_soc) for tx in txs))
    unique = {ev.ev_id: (ev, caps) for ev, caps in evs}  # one EV per EVSE (a stale open tx is superseded)
    return _share_station_ratings([unique[k] for k in sorted(unique)])


# ---- the controller, read-only ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TracePoint:
    """One real-time tick: what was asked and what the meters said (W, + import)."""

    at: datetime
    signal: float
    baseline_w: float
    reserve_up_w: float
    reserve_down_w: float
    requested_w: float
    metered_w: float


@dataclass(slots=True)
class ActivePlan:
    problem: FleetProblem
    result: FleetPlan
    evs: list[PluggedEv]
    made_at: datetime
    unsafe: bool = False  # the checker rejected the solver's plan: this is its fallback


@dataclass(slots=True)
class DrState:
    commitment: DrCommitment
    received_at: datetime


class FleetSource(Protocol):
    """What `FleetView` reads (the fleet controller)."""

    trace: deque[TracePoint]
    plan: ActivePlan | None
    replans: int
    unsafe_plans: int

    @property
    def settings(self) -> FleetSettings: ...

    @property
    def dr_events(self) -> Mapping[str, DrState]: ...

    @property
    def failed_sends(self) -> int: ...

    def metered_fleet_w(self) -> float: ...

    def metered_average_w(self, since: datetime, until: datetime) -> float: ...

    def live_evs(self) -> dict[str, tuple[float | None, float | None]]: ...


class FleetView:
    """The fleet controller as the API, the metrics and the grid links see it: read-only."""

    def __init__(self, source: FleetSource) -> None:
        self._source = source

    @property
    def trace(self) -> Sequence[TracePoint]:
        """Every real-time tick, oldest first (bounded)."""
        return self._source.trace

    @property
    def plan(self) -> ActivePlan | None:
        return self._source.plan

    @property
    def replans(self) -> int:
        return self._source.replans

    @property
    def unsafe_plans(self) -> int:
        return self._source.unsafe_plans

    @property
    def failed_sends(self) -> int:
        return self._source.failed_sends

    @property
    def dispatch_interval_s(self) -> float:
        return self._source.settings.dispatch_interval_s

    @property
    def dr_events(self) -> Mapping[str, DrState]:
        return self._source.dr_events

    def metered_fleet_w(self) -> float:
        return self._source.metered_fleet_w()

    def metered_average_w(self, since: datetime, until: datetime) -> float:
        return self._source.metered_average_w(since, until)

    def live_evs(self) -> dict[str, tuple[float | None, float | None]]:
        """Latest metered (power_w, soc) per EV id of every open transaction seen."""
        return self._source.live_evs()
