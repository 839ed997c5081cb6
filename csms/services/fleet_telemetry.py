"""What the fleet's meters say, kept from this node's events: per EV power and SoC, and the fleet's recent total.

An EV is "<station>/<evse>" (`csms.services.fleet_view.ev_id_of`). Transactions that ended since the active plan
was made are remembered so the dispatcher leaves them out until the next plan.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from csms.services.events import DomainEvent, MeterValuesReceived, TransactionChanged, TransactionEnded
from csms.services.fleet_view import ev_id_of

_METERED_EVENTS = (TransactionChanged, MeterValuesReceived)  # built once, not on every event


@dataclass(slots=True)
class EvLive:
    """One EV's latest metering."""

    power_w: float | None = None
    soc: float | None = None


class FleetTelemetry:
    def __init__(self, history: int = 10_000) -> None:
        self.evs: dict[str, EvLive] = {}
        self.ended_transactions: set[str] = set()  # ended since the active plan was built: out of dispatch
        self._power_history: deque[tuple[datetime, float]] = deque(maxlen=history)

    def on_event(self, event: DomainEvent) -> None:
        if not isinstance(event, _METERED_EVENTS) or event.evse_id is None:
            return
        ev_id = ev_id_of(event.station_id, event.evse_id)
        if isinstance(event, TransactionEnded):
            self.evs.pop(ev_id, None)
            self.ended_transactions.add(event.transaction_id)
            return
        live = self.evs.setdefault(ev_id, EvLive())
        if event.power_w is not None:
            live.power_w = event.power_w
        if event.soc is not None:
            live.soc = event.soc

    def live(self, ev_id: str) -> EvLive:
        return self.evs.setdefault(ev_id, EvLive())

    def soc(self, ev_id: str, default: float) -> float:
        live = self.evs.get(ev_id)
        return live.soc if live is not None and live.soc is not None else default

    def live_evs(self) -> dict[str, tuple[float | None, float | None]]:
        """Latest metered (power_w, soc) per EV id of every open transaction seen."""
        return {ev_id: (live.power_w, live.soc) for ev_id, live in self.evs.items()}

    def metered_fleet_w(self) -> float:
        return float(sum(live.power_w or 0.0 for live in self.evs.values()))

    def record_fleet_w(self, at: datetime) -> float:
        """Note the fleet's metered total at `at` (for DR baselines) and return it."""
        metered = self.metered_fleet_w()
        self._power_history.append((at, metered))
        return metered

    def metered_average_w(self, since: datetime, until: datetime) -> float:
        values = [w for at, w in self._power_history if since <= at <= until]
        return float(np.mean(values)) if values else self.metered_fleet_w()
