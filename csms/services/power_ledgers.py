"""What every EVSE may do over time, counted against the site's limits and each rated station's own.

An EVSE "may do" the worst, instant by instant, of the commands its delivery channels hold, have in flight or have
queued (`SetpointOutbox.may_do`), from the moment a command is queued: so setpoints applied together are checked
against each other. The site ledger is kept only when the site has limits; a station's ledger is started (with
what its EVSEs may do already) the first time a schedule for a station with a station-wide rating is clamped.
With a site topology (feeders, panels, transformers with per-phase limits), a `TopologyLedger` bounds each EVSE
by what the others on the same lines may do, by the planner's and checker's rule (`csms.optimizer.network`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from csms.domain.clock import Clock
from csms.domain.ids import StationId
from csms.domain.topology import SiteTopology, topology_evse_id
from csms.services.envelope import SiteLimits, SiteOthers
from csms.services.envelope_site import Segment, SiteLedger, TopologyLedger

MayDo = Callable[[StationId, int], tuple[Segment, ...]]


class PowerLedgers:
    def __init__(self, clock: Clock, site: SiteLimits, *, may_do: MayDo,
                 evses_of: Callable[[StationId], Iterable[int]], topology: SiteTopology | None = None) -> None:
        self._clock = clock
        self._topology = topology
        self._lines = TopologyLedger(topology) if topology is not None else None
        self._may_do = may_do
        self._evses_of = evses_of
        self._site = SiteLedger()
        self.site_tracked = site.import_limit_w is not None or site.export_limit_w is not None
        self._stations: dict[StationId, SiteLedger] = {}

    def site_others(self, station_id: StationId, evse_id: int, start_s: float) -> SiteOthers | None:
        """What the site's other EVSEs may do in windows relative to `start_s` (None: the site has no limits)."""
        return self._others(self._site, (station_id, evse_id), start_s) if self.site_tracked else None

    def station_others(self, station_id: StationId, evse_id: int, start_s: float) -> SiteOthers:
        """The same for the station's other EVSEs (for a station with a station-wide rating)."""
        return self._others(self._station(station_id), (station_id, evse_id), start_s)

    def topology_room(self, station_id: StationId, evse_id: int, start_s: float) -> SiteOthers | None:
        """The (lowest, highest) power the site topology leaves this EVSE per window relative to `start_s`
        (None: no topology, or an EVSE the topology does not name)."""
        tid = self._topology_id(station_id, evse_id)
        lines = self._lines
        if tid is None or lines is None:
            return None
        lines.advance(self._clock.now().timestamp())
        return lambda windows: lines.room(tid, [(start_s + a, start_s + b) for a, b in windows])

    def _topology_id(self, station_id: StationId, evse_id: int) -> str | None:
        return None if self._topology is None else topology_evse_id(self._topology, station_id, evse_id)

    def _others(self, ledger: SiteLedger, key: tuple[StationId, int], start_s: float) -> SiteOthers:
        ledger.advance(self._clock.now().timestamp())
        return lambda windows: ledger.others(key, [(start_s + a, start_s + b) for a, b in windows])

    def _station(self, station_id: StationId) -> SiteLedger:
        ledger = self._stations.get(station_id)
        if ledger is None:
            ledger = self._stations[station_id] = SiteLedger()
            ledger.advance(self._clock.now().timestamp())
            for evse_id in self._evses_of(station_id):
                ledger.set((station_id, evse_id), self._may_do(station_id, evse_id))
        return ledger

    def track(self, station_id: StationId, evse_id: int) -> None:
        """Record what this EVSE may do now (after its channels changed) in the ledgers that count it."""
        station_ledger = self._stations.get(station_id)
        tid = None if self._topology is None else self._topology_id(station_id, evse_id)
        if not self.site_tracked and station_ledger is None and tid is None:
            return
        segments = self._may_do(station_id, evse_id)
        if tid is not None and self._lines is not None:
            self._lines.advance(self._clock.now().timestamp())
            self._lines.set(tid, segments)
        if self.site_tracked:
            self._site.set((station_id, evse_id), segments)
        if station_ledger is not None:
            station_ledger.set((station_id, evse_id), segments)
