"""How `ChargingService` clamps one schedule: into its EVSE's safety envelope (`envelope.envelope_for`) and the
room the site, the station's own rating and the site topology leave it given what the other EVSEs may do
(`power_ledgers.PowerLedgers`), by `envelope.clamp_schedule`.

A fan-out repeats the same inputs: the last envelope is kept for the next EVSE with the same capabilities
object (equal learned capabilities are one object, `evse_facts.EvseReadModel`), needs record and SoC, and the
last clamp for the same schedule object and envelope when no shared limit applies. Both are pure functions of
those inputs, so the memos change no result.
"""

from __future__ import annotations

from csms.domain.capabilities import StationCapabilities
from csms.domain.clock import Clock
from csms.domain.ids import StationId
from csms.domain.records import ChargingNeedsRecord
from csms.domain.schedule import PowerSchedule
from csms.services.envelope import Clamped, EvseEnvelope, SiteLimits, clamp_schedule, envelope_for
from csms.services.evse_facts import Facts
from csms.services.power_ledgers import PowerLedgers


class SetpointClamp:
    def __init__(self, clock: Clock, site: SiteLimits, ledgers: PowerLedgers, *, max_discharge_validity_s: int,
                 default_min_soc: float) -> None:
        self._clock = clock
        self._site = site
        self._ledgers = ledgers
        self._max_discharge_validity_s = max_discharge_validity_s
        self._default_min_soc = default_min_soc
        self._last_envelope: tuple[StationCapabilities, ChargingNeedsRecord | None, tuple[float | None, float],
                                   EvseEnvelope] | None = None
        self._last_clamp: tuple[tuple[PowerSchedule, EvseEnvelope, int], Clamped] | None = None

    def clamp(self, station_id: StationId, schedule: PowerSchedule, caps: StationCapabilities, facts: Facts,
              evses: int) -> Clamped:
        """`schedule` clamped for its EVSE (`evses` > 1: a TxDefaultProfile on EVSE 0 driving that many)."""
        needs, soc, soc_at = facts
        soc_age_s = 0.0 if soc_at is None else max(0.0, (self._clock.now() - soc_at).total_seconds())
        env = self._envelope(caps, needs, soc, soc_age_s)
        evse_id, start_s = schedule.evse_id, schedule.starts_at.timestamp()
        station = None
        if caps.station_max_charge_power_w is not None or caps.station_max_discharge_power_w is not None:
            station = SiteLimits(caps.station_max_charge_power_w, caps.station_max_discharge_power_w)
        site_others = self._ledgers.site_others(station_id, evse_id, start_s)
        topology_room = self._ledgers.topology_room(station_id, evse_id, start_s)
        if site_others is None and station is None and topology_room is None:  # the EVSE's envelope alone
            key = (schedule, env, evses)
            last = self._last_clamp
            if last is not None and last[0][0] is schedule and last[0] == key:  # one schedule fanned out to
                return last[1]  # like EVSEs (one object): clamped once
            self._last_clamp = (key, clamp_schedule(schedule, env, self._site, evses=evses))
            return self._last_clamp[1]
        return clamp_schedule(
            schedule, env, self._site, site_others=site_others, station=station,
            station_others=None if station is None else self._ledgers.station_others(station_id, evse_id, start_s),
            evses=evses, topology_room=topology_room)

    def _envelope(self, caps: StationCapabilities, needs: ChargingNeedsRecord | None, soc: float | None,
                  soc_age_s: float) -> EvseEnvelope:
        """`envelope_for`, the last result kept for the same capabilities object, needs record and SoC."""
        last = self._last_envelope
        if last is None or last[0] is not caps or last[1] is not needs or last[2] != (soc, soc_age_s):
            env = envelope_for(caps, needs, soc, self._max_discharge_validity_s, self._default_min_soc, soc_age_s)
            last = self._last_envelope = (caps, needs, (soc, soc_age_s), env)
        return last[3]
