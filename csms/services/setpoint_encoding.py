"""How `SetpointOutbox` encodes a clamped schedule: the SetChargingProfile payload, and whether it fits an OCPP 2.1
Dynamic profile.

A one-period schedule (a fleet's setpoint) takes `profiles.one_period_request`, the same payload as the general
`profiles.set_charging_profile_request` with less work; the same schedule for stations with the same capabilities
(one profile fanned out, one object) is encoded once and its payload shared. Payloads are never changed once
encoded.
"""

from __future__ import annotations

from typing import Any

from csms.domain.capabilities import StationCapabilities
from csms.domain.schedule import OperationMode, PowerSchedule, ProfilePurpose
from csms.ocpp import profiles

_DYNAMIC_MODES = (OperationMode.CENTRAL_SETPOINT, OperationMode.CHARGING_ONLY)


class SetpointEncoder:
    def __init__(self, *, max_offline_duration_s: int, use_dynamic_profiles: bool) -> None:
        self._max_offline_duration_s = max_offline_duration_s
        self._use_dynamic = use_dynamic_profiles
        self._last: tuple[PowerSchedule, StationCapabilities, dict[str, Any]] | None = None

    def dynamic_fits(self, schedule: PowerSchedule, caps: StationCapabilities) -> bool:
        """A one-period central-setpoint or charging-only TxProfile for a 2.1 station that takes Dynamic profiles."""
        return (self._use_dynamic and caps.ocpp_version == "ocpp2.1" and caps.supports_dynamic_profiles
                and schedule.purpose is ProfilePurpose.TX and len(schedule.periods) == 1
                and schedule.periods[0].mode in _DYNAMIC_MODES)

    def encode(self, schedule: PowerSchedule, caps: StationCapabilities, dynamic: bool) -> dict[str, Any]:
        """The SetChargingProfile payload (`dynamic`: as `dynamic_fits` says); raises `profiles.EncodeError`."""
        last = self._last  # a fan-out shares one schedule object: identity first, cheap when it differs
        if last is not None and last[0] is schedule and last[1] == caps:
            return last[2]
        encode = profiles.one_period_request if len(schedule.periods) == 1 else profiles.set_charging_profile_request
        payload = encode(schedule, caps, max_offline_duration_s=self._max_offline_duration_s, dynamic=dynamic)
        self._last = (schedule, caps, payload)
        return payload
