"""The DR baseline of a pilot scenario: what the fleet's vehicles would draw charging unmanaged from plug-in.

Each plugged vehicle with a need charges at full power from the moment it plugged in, starting from the battery
energy it arrived with, until its need is met or it leaves; storage is idle. The counterfactual starts at plug-in,
not at the notice: a forecast from the current state would count every kWh the CSMS has deferred as load the
fleet "would" draw during the event, so a fleet that deferred charging would show a reduction far above what it
committed to without doing anything for the event (the ChargeForward run "delivered" 581 kW against 100 kW that
way). What a vehicle arrived with comes from its transaction's first metered SoC, less the energy charged before
that reading (`PlugIns`, fed from the event bus).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from csms.services.events import DomainEvent, TransactionChanged, TransactionEnded
from csms.services.fleet_view import PluggedEv


@dataclass(frozen=True, slots=True)
class PlugIn:
    """A transaction's start and the battery's state then (as far as the CSMS can tell)."""

    started_at: datetime
    soc: float | None = None
    """The first metered SoC of the transaction (None: none yet)."""
    import_wh: float = 0.0
    """Grid energy imported (and `export_wh` exported) since plug-in when `soc` was read."""
    export_wh: float = 0.0


class PlugIns:
    """Per transaction, when it started and its first SoC reading, from TransactionStarted/Updated events."""

    def __init__(self) -> None:
        self._by_tx: dict[str, PlugIn] = {}

    def on_event(self, event: DomainEvent) -> None:
        if not isinstance(event, TransactionChanged) or isinstance(event, TransactionEnded):
            return
        known = self._by_tx.get(event.transaction_id)
        if known is not None and known.soc is not None:
            return
        started_at = event.at if known is None else known.started_at
        self._by_tx[event.transaction_id] = PlugIn(started_at, event.soc, event.energy_import_wh,
                                                   event.energy_export_wh)

    def get(self, transaction_id: str) -> PlugIn | None:
        return self._by_tx.get(transaction_id)


def unmanaged_w(evs: list[PluggedEv], plug_ins: PlugIns, live_soc: Callable[[str], float | None],
                is_vehicle: Callable[[str], bool], now: datetime, start_at: datetime, end_at: datetime) -> float:
    """Mean power (W) over [start_at, end_at) of the vehicles in `evs` charging unmanaged from plug-in (see the
    module docstring). A vehicle without a SoC reading yet is counted from `now` at its latest SoC (or its
    planned one)."""
    total_w = 0.0
    for ev in evs:
        spec = ev.spec
        if not is_vehicle(ev.ev_id) or spec.max_charge_power_w <= 0:
            continue
        plug_in = plug_ins.get(ev.transaction_id)
        if plug_in is not None and plug_in.soc is not None:
            since = plug_in.started_at
            arrived_wh = plug_in.soc * spec.capacity_wh - (plug_in.import_wh * spec.charge_efficiency
                                                           - plug_in.export_wh / spec.discharge_efficiency)
        else:
            since = now
            soc = live_soc(ev.ev_id)
            arrived_wh = (spec.soc_initial if soc is None else soc) * spec.capacity_wh
        need_wh = spec.departure_need_wh - arrived_wh
        if need_wh <= 0:
            continue
        full_s = need_wh / (spec.max_charge_power_w * spec.charge_efficiency) * 3600.0
        charge_end = min(since + timedelta(seconds=full_s), spec.departure_at)
        overlap_s = (min(charge_end, end_at) - max(since, start_at)).total_seconds()
        total_w += spec.max_charge_power_w * max(overlap_s, 0.0) / (end_at - start_at).total_seconds()
    return total_w
