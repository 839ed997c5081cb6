"""The fleet as the planner sees it: one `EvSpec` per open transaction, from the store's transactions, the
EVs' charging needs (or operator-set driver preferences) and the EVSEs' capabilities. Missing facts fall back
to configured defaults, and every fallback is conservative (no discharge without consent and capability)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime, timedelta

from csms.domain.ids import StationId
from csms.domain.records import TransactionRecord
from csms.optimizer.problem import EvSpec
from csms.services.charging import ChargingService
from csms.settings import FleetSettings
from csms.store.base import StateStore


@dataclass(frozen=True, slots=True)
class PluggedEv:
    ev_id: str  # "<station>/<evse>"
    station_id: str
    evse_id: int
    transaction_id: str
    spec: EvSpec
    metered_power_w: float | None


def ev_id_of(station_id: str, evse_id: int) -> str:
    return f"{station_id}/{evse_id}"


def _min_known(*values: float | None, default: float) -> float:
    known = [v for v in values if v is not None]
    return max(0.0, min(known)) if known else default


async def _plugged_ev(store: StateStore, charging: ChargingService, tx: TransactionRecord, now: datetime,
                      fleet: FleetSettings, default_min_soc: float) -> PluggedEv:
    assert tx.evse_id is not None
    station_id = StationId(tx.station_id)
    needs = await store.get_charging_needs(station_id, tx.evse_id)
    caps = await charging.capabilities(tx.station_id, tx.evse_id)
    capacity_wh = (needs.ev_capacity_wh if needs and needs.ev_capacity_wh else None) or fleet.default_capacity_wh
    soc = tx.last_soc if tx.last_soc is not None else fleet.default_soc
    departure = needs.departure_at if needs and needs.departure_at else None
    if departure is None or departure <= now:
        departure = now + timedelta(seconds=fleet.default_dwell_s)
    allow = bool(needs and needs.discharge_allowed and caps.discharge_supported)
    max_charge_w = _min_known(needs.max_charge_power_w if needs else None, caps.max_charge_power_w, default=7400.0)
    max_discharge_w = _min_known(needs.max_discharge_power_w if needs else None, caps.max_discharge_power_w,
                                 default=0.0) if allow else 0.0
    soc_min = needs.min_soc if needs and needs.min_soc is not None else default_min_soc
    added_wh = 0.0
    if needs and needs.energy_request_wh:
        delivered_wh = tx.energy_import_wh - tx.energy_export_wh
        added_wh = max(0.0, needs.energy_request_wh - delivered_wh) * fleet.charge_efficiency
    spec = EvSpec(
        ev_id=ev_id_of(tx.station_id, tx.evse_id), arrival_at=now, departure_at=departure, capacity_wh=capacity_wh,
        soc_initial=min(max(soc, 0.0), 1.0), max_charge_power_w=max_charge_w, max_discharge_power_w=max_discharge_w,
        allow_discharge=allow and max_discharge_w > 0, soc_min=min(soc_min, 1.0),
        target_soc=needs.target_soc if needs else None, target_added_energy_wh=added_wh,
        charge_efficiency=fleet.charge_efficiency, discharge_efficiency=fleet.discharge_efficiency,
        degradation_cost_per_kwh=fleet.degradation_cost_per_kwh,
    )
    return PluggedEv(spec.ev_id, tx.station_id, tx.evse_id, tx.transaction_id, spec, tx.last_power_w)


async def plugged_evs(store: StateStore, charging: ChargingService, now: datetime, fleet: FleetSettings,
                      default_min_soc: float) -> list[PluggedEv]:
    """Every EV in an open transaction on a known EVSE, in a stable order."""
    txs = [tx for tx in await store.list_transactions(open_only=True) if tx.evse_id is not None]
    evs = await asyncio.gather(*(_plugged_ev(store, charging, tx, now, fleet, default_min_soc) for tx in txs))
    unique = {ev.ev_id: ev for ev in evs}  # one EV per EVSE (a stale open tx on the same EVSE is superseded)
    return [unique[k] for k in sorted(unique)]
