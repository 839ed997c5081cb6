"""Seeded, lazily generated EV visits for the fleet.

Visit number k on EVSE e of station s is drawn from its own RNG seeded with (seed, s, e, k), so a run is
reproducible for a given seed and nothing is stored per station but a visit counter. The first EV arrives
`first_arrival_s` after fleet start; each next one `gap_s` after the previous departure; it stays `dwell_s`.
Id tokens are `<station>-<evse>-<k>` (or none, with `remote_start_probability`, for app-started sessions).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime, timedelta

from chargepoint_sim.config import EvConfig, Range
from chargepoint_sim.ev import Ev


def _draw(rng: random.Random, bounds: Range) -> float:
    return rng.uniform(bounds[0], bounds[1])


class VisitPlanner:
    """Draws EV visits from an `EvConfig`."""

    def __init__(self, config: EvConfig, seed: int, start_at: datetime) -> None:
        self.config = config
        self.seed = seed
        self.start_at = start_at

    def source_for(self, station_id: str) -> Callable[[int, int, datetime], Ev | None]:
        """A `VisitSource` for one station."""

        def source(evse_id: int, index: int, after_at: datetime) -> Ev | None:
            return self.visit(station_id, evse_id, index, after_at)

        return source

    def visit(self, station_id: str, evse_id: int, index: int, after_at: datetime) -> Ev | None:
        c = self.config
        if c.visits_per_evse is not None and index >= c.visits_per_evse:
            return None
        rng = random.Random(f"{self.seed}:{station_id}:{evse_id}:{index}")
        offset_s = _draw(rng, c.first_arrival_s) if index == 0 else _draw(rng, c.gap_s)
        base_at = self.start_at if index == 0 else after_at
        arrival_at = max(base_at + timedelta(seconds=offset_s), after_at)
        soc = min(max(_draw(rng, c.arrival_soc), 0.0), 1.0)
        capacity_wh = _draw(rng, c.capacity_wh)
        target_soc = None if c.energy_request_wh is not None else min(_draw(rng, c.target_soc), c.max_soc)
        remote = rng.random() < c.remote_start_probability
        return Ev(
            capacity_wh=capacity_wh,
            soc=soc,
            max_charge_power_w=_draw(rng, c.max_charge_power_w),
            max_discharge_power_w=_draw(rng, c.max_discharge_power_w),
            min_soc=min(c.min_soc, c.max_soc),
            max_soc=c.max_soc,
            charge_efficiency=c.charge_efficiency,
            discharge_efficiency=c.discharge_efficiency,
            arrival_at=arrival_at,
            departure_at=arrival_at + timedelta(seconds=_draw(rng, c.dwell_s)),
            target_soc=target_soc,
            energy_request_wh=_draw(rng, c.energy_request_wh) if c.energy_request_wh is not None else None,
            allow_discharge=rng.random() < c.allow_discharge_probability,
            id_token=None if remote else f"{station_id}-{evse_id}-{index}",
            ev_id=f"{station_id}-{evse_id}-{index}",
            charge_taper=c.charge_taper,
            discharge_taper=c.discharge_taper,
        )
