"""The profiles a V2H unit holds and the setpoint they put in force (0 W beneath them all: the unit stands by)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from csms.domain.clock import to_ocpp_time
from csms.domain.ids import StationId
from csms.errors import StationNotConnected
from csms.services.composite import EvseHardware
from csms.services.gateway_router import GatewayRouter
from csms.services.v2h.profiles import InstalledProfiles

CS_1 = StationId("cs-1")
CS_2 = StationId("cs-2")
V2H_A = StationId("v2h-a")
V2H_B = StationId("v2h-b")

T0 = datetime(2026, 6, 1, 10, 0, tzinfo=UTC)


def profile(pid: int, purpose: str, limit_w: float, *, stack: int = 1, tx: str | None = "t1", duration_s: int = 120,
            periods: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": pid, "stackLevel": stack, "chargingProfilePurpose": purpose, "chargingProfileKind": "Absolute",
        "validFrom": to_ocpp_time(T0), "validTo": to_ocpp_time(T0 + timedelta(seconds=duration_s)),
        "chargingSchedule": [{"id": pid, "chargingRateUnit": "W", "startSchedule": to_ocpp_time(T0),
                              "duration": duration_s,
                              "chargingSchedulePeriod": periods or [{"startPeriod": 0, "limit": limit_w}]}]}
    if purpose == "TxProfile":
        out["transactionId"] = tx
    return out


def test_nothing_installed_means_standby() -> None:
    assert InstalledProfiles().power_w(1, "t1", T0) == 0


def test_a_tx_profile_wins_over_the_default_and_ends_with_its_validity() -> None:
    held = InstalledProfiles()
    held.install(1, profile(1, "TxDefaultProfile", 2000.0, stack=0, duration_s=600))
    held.install(1, profile(2, "TxProfile", -3000.5))
    assert held.power_w(1, "t1", T0) == -3000  # toward zero
    assert held.power_w(1, "other", T0) == 2000  # not its transaction
    assert held.power_w(1, "t1", T0 + timedelta(seconds=120)) == 2000
    assert held.power_w(1, "t1", T0 + timedelta(seconds=600)) == 0


def test_periods_and_the_units_limits() -> None:
    held = InstalledProfiles()
    held.install(1, profile(2, "TxProfile", 0, periods=[{"startPeriod": 0, "limit": 6000.0},
                                                        {"startPeriod": 60, "limit": -6000.0}]))
    hw = EvseHardware(4000.0, 5000.0, 230.0, 1)
    assert held.power_w(1, "t1", T0, hw) == 4000
    assert held.power_w(1, "t1", T0 + timedelta(seconds=60), hw) == -5000
    answer = held.composite(1, "t1", T0, 300, hw)
    assert answer["schedule"]["chargingSchedulePeriod"] == [
        {"startPeriod": 0, "limit": 4000.0}, {"startPeriod": 60, "limit": -5000.0}, {"startPeriod": 120, "limit": 0.0}]


def test_replace_by_id_or_slot_restore_and_clear() -> None:
    held = InstalledProfiles()
    held.install(1, profile(2, "TxProfile", 1000.0))
    before = held.install(1, profile(3, "TxProfile", 2000.0))  # same purpose and stack level: replaces 2
    assert held.power_w(1, "t1", T0) == 2000
    held.restore(before)
    assert held.power_w(1, "t1", T0) == 1000
    assert not held.clear({"chargingProfileId": 3})
    assert held.clear({"chargingProfileCriteria": {"chargingProfilePurpose": "TxProfile"}})
    assert not held and held.power_w(1, "t1", T0) == 0
    held.install(1, profile(2, "TxProfile", 1000.0))
    held.end_transaction("t1")
    assert not held


class _Fake:
    def __init__(self, ids: list[StationId], owned: set[StationId] | None = None) -> None:
        self.ids, self.owned = ids, owned
        self.calls: list[StationId] = []

    def owns(self, station_id: StationId) -> bool:
        return self.owned is not None and station_id in self.owned

    def is_connected(self, station_id: StationId) -> bool:
        return station_id in self.ids

    def connected_station_ids(self) -> list[StationId]:
        return list(self.ids)

    async def locate(self, station_ids: list[StationId]) -> dict[StationId, str | None]:
        return {sid: ("n" if sid in self.ids else None) for sid in station_ids}

    async def call(self, station_id: StationId, action: str, payload: dict[str, Any],
                   timeout_s: float | None = None) -> dict[str, Any]:
        if station_id not in self.ids:
            raise StationNotConnected(station_id)
        self.calls.append(station_id)
        return {"status": "Accepted"}


async def test_the_router_sends_each_station_to_its_gateway() -> None:
    ocpp, v2h = _Fake([CS_1]), _Fake([V2H_A], owned={V2H_A, V2H_B})
    router = GatewayRouter(ocpp, [v2h])
    assert router.connected_station_ids() == [CS_1, V2H_A]
    assert (router.is_connected(V2H_A), router.is_connected(V2H_B), router.is_connected(CS_1)) == (
        True, False, True)
    assert await router.locate([V2H_B, CS_1, V2H_A, CS_2]) == {V2H_B: None, CS_1: "n", V2H_A: "n",
                                                                       CS_2: None}
    await router.call(V2H_A, "GetCompositeSchedule", {})
    await router.call(CS_1, "GetCompositeSchedule", {})
    assert (ocpp.calls, v2h.calls) == ([CS_1], [V2H_A])
    with pytest.raises(StationNotConnected):
        await router.call(V2H_B, "GetCompositeSchedule", {})
