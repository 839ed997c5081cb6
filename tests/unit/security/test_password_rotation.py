"""A01 password rotation and A05 upgrade-only security profiles in the credential service."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from csms.domain.clock import ManualClock
from csms.domain.ids import StationId
from csms.services.credentials import AuthResult, CredentialService, RotationResult
from csms.store.memory import MemoryStore

T0 = datetime(2026, 1, 1, tzinfo=UTC)
CS = StationId("CS-1")
OLD, NEW = "old-password-0123456789", "new-password-0123456789"


class Station:
    def __init__(self, status: str) -> None:
        self.status = status
        self.calls: list[tuple[str, dict[str, Any]]] = []

    async def call(self, station_id: StationId, action: str, payload: dict[str, Any],
                   timeout_s: float | None = None) -> dict[str, Any]:
        self.calls.append((action, payload))
        return {"setVariableResult": [{"attributeStatus": self.status, "component": {"name": "SecurityCtrlr"},
                                       "variable": {"name": "BasicAuthPassword"}}]}


async def service() -> CredentialService:
    credentials = CredentialService(MemoryStore(), ManualClock(T0), "known")
    await credentials.set_password(CS, OLD)
    return credentials


async def test_accepted_rotation_replaces_the_password() -> None:
    credentials, station = await service(), Station("Accepted")
    assert await credentials.rotate_password(CS, station, NEW) is RotationResult.APPLIED
    [(action, payload)] = station.calls
    assert action == "SetVariables" and payload["setVariableData"][0]["attributeValue"] == NEW
    assert payload["setVariableData"][0]["variable"] == {"name": "BasicAuthPassword"}
    assert await credentials.authenticate(CS, NEW) is AuthResult.OK
    assert await credentials.authenticate(CS, OLD) is AuthResult.BAD_PASSWORD


async def test_rejected_rotation_keeps_the_old_password_only() -> None:
    credentials = await service()
    assert await credentials.rotate_password(CS, Station("Rejected"), NEW) is RotationResult.REFUSED
    assert await credentials.authenticate(CS, OLD) is AuthResult.OK
    assert await credentials.authenticate(CS, NEW) is AuthResult.BAD_PASSWORD


async def test_reboot_required_keeps_the_old_password_until_the_new_one_is_used() -> None:
    credentials = await service()
    assert await credentials.rotate_password(CS, Station("RebootRequired"), NEW) is RotationResult.AFTER_REBOOT
    assert await credentials.authenticate(CS, OLD) is AuthResult.OK
    assert await credentials.authenticate(CS, NEW) is AuthResult.OK
    assert await credentials.authenticate(CS, OLD) is AuthResult.BAD_PASSWORD


async def test_profile_goes_up_never_down_and_survives_a_rotation() -> None:
    credentials = await service()
    assert await credentials.authenticate(CS, OLD, profile=2) is AuthResult.OK
    assert await credentials.authenticate(CS, OLD, profile=1) is AuthResult.DOWNGRADE
    assert await credentials.authenticate(CS, "wrong-password-0123456789", profile=2) is AuthResult.BAD_PASSWORD
    assert await credentials.rotate_password(CS, Station("Accepted"), NEW) is RotationResult.APPLIED
    assert await credentials.security_profile(CS) == 2
    assert await credentials.admit_certificate(CS) is AuthResult.OK
    assert await credentials.security_profile(CS) == 3
    assert await credentials.authenticate(CS, NEW, profile=2) is AuthResult.DOWNGRADE
    assert await credentials.admit_certificate(StationId("CS-UNKNOWN")) is AuthResult.UNKNOWN_STATION


async def test_operator_can_require_a_profile_but_lowering_it_needs_saying_so() -> None:
    import pytest

    credentials = await service()
    await credentials.require_profile(CS, 3)
    assert await credentials.authenticate(CS, OLD, profile=2) is AuthResult.DOWNGRADE
    with pytest.raises(ValueError, match="allow_lower"):
        await credentials.require_profile(CS, 2)
    await credentials.require_profile(CS, 2, allow_lower=True)
    assert await credentials.authenticate(CS, OLD, profile=2) is AuthResult.OK
    await credentials.require_profile(StationId("CS-NEW"), 3)  # before its first connection
    assert await credentials.admit_certificate(StationId("CS-NEW")) is AuthResult.OK


async def test_unanswered_rotation_stores_nothing() -> None:
    import pytest

    from csms.errors import CallTimeout

    class Silent(Station):
        async def call(self, station_id: StationId, action: str, payload: dict[str, Any],
                       timeout_s: float | None = None) -> dict[str, Any]:
            raise CallTimeout("no answer")

    credentials = await service()
    with pytest.raises(CallTimeout):
        await credentials.rotate_password(CS, Silent("Accepted"), NEW)
    assert await credentials.authenticate(CS, OLD) is AuthResult.OK
    assert await credentials.authenticate(CS, NEW) is AuthResult.BAD_PASSWORD
