"""Whether a station does what the CSMS commanded: GetCompositeSchedule against the profiles it accepted.

`CompositeVerifier.verify(station_id, evse_id, duration_s)` asks the station's composite schedule (in the unit the
EVSE is commanded in) and compares it over its window with `composite.expected_composite` of the profiles the
outbox had accepted for the EVSE and the whole station (a Dynamic profile with its installed window and latest
values), for the EVSE's open transaction, with the EVSE's ratings from its capabilities (an unknown rating: no
limit). Differences beyond the tolerance are in the result, per stretch of the window, and published as
`station.composite_mismatch`.
"""

from __future__ import annotations

import dataclasses
import logging
import math
from collections.abc import Awaitable, Callable
from typing import Any

from csms.domain.capabilities import StationCapabilities
from csms.domain.clock import Clock, parse_ocpp_time
from csms.domain.composite_check import CompositeCheck, step_differences
from csms.domain.ids import StationId
from csms.domain.schedule import ProfilePurpose
from csms.ocpp import profiles
from csms.services.composite import EvseHardware, InstalledProfile, composite_from_response, expected_composite
from csms.services.events import CompositeScheduleMismatch, EventBus
from csms.services.gateway import StationGateway
from csms.services.setpoint_outbox import SetpointOutbox
from csms.store.base import StateStore

log = logging.getLogger("csms.services.charging")

Capabilities = Callable[[StationId, int], Awaitable[StationCapabilities]]


class CompositeVerifier:
    def __init__(self, gateway: StationGateway, store: StateStore, clock: Clock, events: EventBus, *,
                 capabilities: Capabilities, outbox: SetpointOutbox) -> None:
        self._gateway = gateway
        self._store = store
        self._clock = clock
        self._events = events
        self._capabilities = capabilities
        self._outbox = outbox

    async def composite_schedule(self, station_id: StationId, evse_id: int, duration_s: int,
                                 rate_unit: str = "W") -> dict[str, Any]:
        """Ask the station what it will actually do (GetCompositeSchedule)."""
        return await self._gateway.call(StationId(station_id), "GetCompositeSchedule",
                                        {"duration": duration_s, "evseId": evse_id, "chargingRateUnit": rate_unit})

    async def verify(self, station_id: StationId, evse_id: int, duration_s: int, *,
                     tolerance_w: float | None = None) -> CompositeCheck:
        """See the module docstring. `tolerance_w` defaults to 1 W (0.1 A in W for an EVSE commanded in A). A
        station that answers other than Accepted gives a result with its status and nothing compared. Raises
        what the call raises (not connected, CALLERROR, timeout), and ValueError for EVSE 0."""
        if evse_id < 1:
            raise ValueError("verify_composite checks one EVSE (evse_id >= 1)")
        caps = await self._capabilities(station_id, evse_id)
        response = await self.composite_schedule(station_id, evse_id, duration_s, caps.rate_unit)
        status = str(response.get("status", ""))
        schedule = response.get("schedule")
        if status != "Accepted" or not schedule:
            return CompositeCheck(station_id, evse_id, status, response=response)
        hw = EvseHardware(
            math.inf if caps.max_charge_power_w is None else caps.max_charge_power_w,
            0.0 if not caps.discharge_supported else
            math.inf if caps.max_discharge_power_w is None else caps.max_discharge_power_w,
            caps.voltage_v, caps.phases)
        if tolerance_w is None:
            tolerance_w = 0.1 * caps.voltage_v * caps.phases if caps.rate_unit == "A" else 1.0
        start_at = parse_ocpp_time(schedule["scheduleStart"])
        window_s = min(duration_s, int(schedule.get("duration", duration_s)))
        installed = await self._installed_profiles(station_id, evse_id)
        txs = [tx for tx in await self._store.list_transactions(StationId(station_id), open_only=True)
               if tx.evse_id == evse_id]
        transaction_id = max(txs, key=lambda tx: tx.started_at or start_at).transaction_id if txs else None
        expected = tuple(expected_composite(installed, evse_id, transaction_id, start_at, window_s, hw))
        reported = tuple(composite_from_response(response, hw))
        differences = step_differences(expected, reported, window_s, tolerance_w)
        check = CompositeCheck(station_id, evse_id, status, start_at, window_s, expected, reported, differences,
                               response)
        if differences:
            log.warning("%s/%s: the station's composite schedule differs from the CSMS's expectation in %d "
                        "stretch(es) from %s", station_id, evse_id, len(differences), start_at.isoformat())
            self._events.publish(CompositeScheduleMismatch(
                station_id=StationId(station_id), at=self._clock.now(), evse_id=evse_id, schedule_start=start_at,
                duration_s=window_s, differences=[dataclasses.asdict(d) for d in differences]))
        return check

    async def _installed_profiles(self, station_id: StationId, evse_id: int) -> list[InstalledProfile]:
        """The wire-form profiles the station should hold for `evse_id` and EVSE 0."""
        out: list[InstalledProfile] = []
        for (sid, evse, purpose), schedule in list(self._outbox.installed.items()):
            if sid != station_id or evse not in (0, evse_id):
                continue
            dynamic = self._outbox.dynamic.get((sid, evse)) if purpose is ProfilePurpose.TX else None
            if dynamic is not None:  # the latest values in the window the profile was installed with
                schedule = dataclasses.replace(
                    schedule, starts_at=dynamic.starts_at,
                    duration_s=int((dynamic.ends_at - dynamic.starts_at).total_seconds()),
                    periods=(dataclasses.replace(schedule.periods[0], start_offset_s=0),))
            caps = await self._capabilities(station_id, evse)
            try:
                out.append(InstalledProfile(evse, profiles.encode_profile(schedule, caps)))
            except profiles.EncodeError as exc:  # the capabilities changed since it was sent
                log.warning("%s/%s: cannot re-encode the installed %s to verify it: %s", station_id, evse,
                            purpose.value, exc)
        return out
