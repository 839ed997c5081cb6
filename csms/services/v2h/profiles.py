"""The charging profiles the CSMS installed on one V2H unit, and the setpoint they put in force.

OCPP semantics (`csms.services.composite.power_at`: TxProfile over TxDefaultProfile, the highest stack level,
ChargingStationMaxProfile as a cap), with one difference: an ECHONET Lite unit has no "charge at will" state,
so beneath every profile lies a permanent 0 W default - with no profile in force (none sent, or the last one's
validity ended) the unit stands by. Profiles are replaced by id, or by the same purpose, stack level and EVSE
(K01.FR.05); a TxProfile of another transaction is not in force. Pure: no I/O.
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

from csms.domain.clock import to_ocpp_time
from csms.services.composite import EvseHardware, InstalledProfile, expected_composite, power_at

_STANDBY = InstalledProfile(0, {
    "id": -1, "stackLevel": -1, "chargingProfilePurpose": "TxDefaultProfile", "chargingProfileKind": "Absolute",
    "chargingSchedule": [{"id": -1, "chargingRateUnit": "W",
                          "chargingSchedulePeriod": [{"startPeriod": 0, "limit": 0.0}]}]})
UNLIMITED = EvseHardware(math.inf, math.inf, 230.0, 1)


def _same_slot(a: dict[str, Any], b: dict[str, Any]) -> bool:
    keys = ("chargingProfilePurpose", "stackLevel")
    return all(a.get(k) == b.get(k) for k in keys)


class InstalledProfiles:
    """What one unit holds, by profile id."""

    def __init__(self) -> None:
        self._profiles: dict[int, InstalledProfile] = {}

    def __bool__(self) -> bool:
        return bool(self._profiles)

    def install(self, evse_id: int, profile: dict[str, Any]) -> dict[int, InstalledProfile]:
        """Install `profile` on `evse_id`; returns the previous contents (for `restore`)."""
        before = dict(self._profiles)
        for pid, item in list(self._profiles.items()):
            if pid == profile["id"] or (item.evse_id == evse_id and _same_slot(item.profile, profile)):
                del self._profiles[pid]
        self._profiles[int(profile["id"])] = InstalledProfile(evse_id, profile)
        return before

    def restore(self, contents: dict[int, InstalledProfile]) -> None:
        self._profiles = dict(contents)

    def clear(self, request: dict[str, Any]) -> bool:
        """ClearChargingProfile: by id, else by the criteria (EVSE, purpose, stack level); True if any went."""
        if "chargingProfileId" in request:
            return self._profiles.pop(int(request["chargingProfileId"]), None) is not None
        criteria = request.get("chargingProfileCriteria", {})
        gone = [pid for pid, item in self._profiles.items()
                if ("evseId" not in criteria or item.evse_id == criteria["evseId"])
                and item.profile.get("chargingProfilePurpose") == criteria.get("chargingProfilePurpose",
                                                                              item.profile["chargingProfilePurpose"])
                and item.profile.get("stackLevel") == criteria.get("stackLevel", item.profile["stackLevel"])]
        for pid in gone:
            del self._profiles[pid]
        return bool(gone)

    def end_transaction(self, transaction_id: str) -> None:
        """A TxProfile ends with its transaction."""
        for pid, item in list(self._profiles.items()):
            if item.profile.get("transactionId") == transaction_id:
                del self._profiles[pid]

    def _all(self) -> list[InstalledProfile]:
        return [_STANDBY, *self._profiles.values()]

    def power_w(self, evse_id: int, transaction_id: str | None, at: datetime,
                hw: EvseHardware = UNLIMITED) -> int:
        """The setpoint in force at `at` (signed W, + = charge), within `hw`, rounded toward zero."""
        return int(power_at(self._all(), evse_id, transaction_id, at, hw))

    def composite(self, evse_id: int, transaction_id: str | None, at: datetime, duration_s: int,
                  hw: EvseHardware) -> dict[str, Any]:
        """The GetCompositeSchedule answer (in W) over [at, at + duration_s)."""
        periods = expected_composite(self._all(), evse_id, transaction_id, at, duration_s, hw)
        return {"status": "Accepted", "schedule": {
            "evseId": evse_id, "duration": duration_s, "scheduleStart": to_ocpp_time(at), "chargingRateUnit": "W",
            "chargingSchedulePeriod": [{"startPeriod": offset_s, "limit": power_w} for offset_s, power_w in periods]}}
