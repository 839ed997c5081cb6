"""Station credentials: HTTP Basic passwords (security profiles 1 and 2) and each station's security profile.

Station passwords are machine-generated secrets (OCPP passwordString, 16-40 chars), so a salted SHA-256 is
the right hash: slow password hashing protects low-entropy human passwords and would make a boot storm of
thousands of stations cost minutes of CPU. Comparison is constant-time. Only hashes are stored.

Profiles only go up (A05): a station seen on profile 2 or 3 is refused on a lower one from then on. A01 password
rotation sends SetVariables SecurityCtrlr.BasicAuthPassword and stores the new hash only once the station has
accepted it; on RebootRequired the old password stays valid until the station first logs in with the new one.
"""

from __future__ import annotations

import dataclasses
import enum
import hashlib
import hmac
import secrets
from functools import partial
from typing import Any, Protocol

from csms.domain.clock import Clock
from csms.domain.ids import StationId
from csms.domain.records import CredentialRecord
from csms.ocpp import calls
from csms.ocpp.calls import call_typed
from csms.ocpp.wire import v201
from csms.store.base import StateStore

_SCHEME = "sha256"
MIN_PASSWORD_LEN = 16
MAX_PASSWORD_LEN = 40


def hash_password(password: str, salt: str | None = None) -> str:
    """Return `sha256$<salt>$<hex digest>`."""
    salt = salt or secrets.token_hex(16)
    digest = hashlib.sha256(f"{salt}:{password}".encode()).hexdigest()
    return f"{_SCHEME}${salt}${digest}"


def verify_password(password: str, stored_hash: str) -> bool:
    try:
        scheme, salt, _ = stored_hash.split("$", 2)
    except ValueError:
        return False
    if scheme != _SCHEME:
        return False
    return hmac.compare_digest(hash_password(password, salt), stored_hash)


def generate_password() -> str:
    """A fresh 32-character station password (hex, within passwordString's 40-char limit)."""
    return secrets.token_hex(16)


class AuthResult(enum.Enum):
    OK = "ok"
    UNKNOWN_STATION = "unknown_station"
    BAD_PASSWORD = "bad_password"
    DOWNGRADE = "downgrade"  # a lower security profile than the station has used before


class StationCaller(Protocol):
    """What sends a CSMS call to a station: the `StationGateway`'s untyped call (typed here by `call_typed`)."""

    async def call(
        self, station_id: StationId, action: str, payload: dict[str, Any], timeout_s: float | None = None
    ) -> dict[str, Any]: ...


class RotationResult(enum.Enum):
    APPLIED = v201.SetVariableStatusEnumType.ACCEPTED
    AFTER_REBOOT = v201.SetVariableStatusEnumType.REBOOT_REQUIRED
    REFUSED = v201.SetVariableStatusEnumType.REJECTED


class CredentialService:
    """Checks and manages station passwords under a registration policy ("known" or "auto_register")."""

    def __init__(self, store: StateStore, clock: Clock, registration: str) -> None:
        self._store = store
        self._clock = clock
        self._auto_register = registration == "auto_register"

    async def authenticate(self, station_id: StationId, password: str | None, profile: int = 1) -> AuthResult:
        """Check a Basic-auth password presented on security `profile` (1 or 2): one store read, plus a write
        when the station registers, upgrades its profile or first uses a rotated password."""
        credential = await self._store.get_credential(station_id)
        if credential is None:
            if not self._auto_register:
                return AuthResult.UNKNOWN_STATION
            if password is None or not (MIN_PASSWORD_LEN <= len(password) <= MAX_PASSWORD_LEN):
                return AuthResult.BAD_PASSWORD
            await self._store.put_credential(CredentialRecord(station_id, hash_password(password),
                                                              self._clock.now(), profile))
            return AuthResult.OK
        if password is None:
            return AuthResult.BAD_PASSWORD
        if verify_password(password, credential.password_hash):
            updated = dataclasses.replace(credential, previous_password_hash=None)  # the rotated one is in use
        elif credential.previous_password_hash is not None and verify_password(password,
                                                                                credential.previous_password_hash):
            updated = credential
        else:
            return AuthResult.BAD_PASSWORD
        return await self._admit(updated, profile, changed=updated != credential)

    async def admit_certificate(self, station_id: StationId) -> AuthResult:
        """After mutual TLS proved the station's identity (profile 3). A station known only by its certificate
        is registered under `auto_register` (with an unusable random password)."""
        credential = await self._store.get_credential(station_id)
        if credential is None:
            if not self._auto_register:
                return AuthResult.UNKNOWN_STATION
            await self._store.put_credential(CredentialRecord(station_id, hash_password(generate_password()),
                                                              self._clock.now(), 3))
            return AuthResult.OK
        return await self._admit(credential, 3, changed=False)

    async def _admit(self, credential: CredentialRecord, profile: int, *, changed: bool) -> AuthResult:
        """Refuse a downgrade (A05); record an upgrade (and any other change)."""
        if profile < credential.security_profile:
            return AuthResult.DOWNGRADE
        if profile > credential.security_profile:
            credential, changed = dataclasses.replace(credential, security_profile=profile), True
        if changed:
            await self._store.put_credential(credential)
        return AuthResult.OK

    async def require_profile(self, station_id: StationId, profile: int, *, allow_lower: bool = False) -> None:
        """Operator: the station may connect only on `profile` or higher from now on (e.g. 3 before its first
        mTLS connection). Lowering it needs `allow_lower` (OCPP itself only ever goes up, A05)."""
        if profile not in (1, 2, 3):
            raise ValueError("security profile must be 1, 2 or 3")
        credential = await self._store.get_credential(station_id)
        if credential is None:
            credential = CredentialRecord(station_id, hash_password(generate_password()), self._clock.now(), profile)
        elif profile < credential.security_profile and not allow_lower:
            raise ValueError(f"{station_id} is on profile {credential.security_profile}; lowering needs allow_lower")
        await self._store.put_credential(dataclasses.replace(credential, security_profile=profile))

    async def security_profile(self, station_id: StationId) -> int | None:
        credential = await self._store.get_credential(station_id)
        return None if credential is None else credential.security_profile

    async def set_password(self, station_id: StationId, password: str, *, keep_previous: bool = False) -> None:
        if not (MIN_PASSWORD_LEN <= len(password) <= MAX_PASSWORD_LEN):
            raise ValueError(f"station passwords must be {MIN_PASSWORD_LEN}-{MAX_PASSWORD_LEN} characters")
        old = await self._store.get_credential(station_id)
        await self._store.put_credential(CredentialRecord(
            station_id=station_id, password_hash=hash_password(password), created_at=self._clock.now(),
            security_profile=old.security_profile if old else 1,
            previous_password_hash=old.password_hash if (old and keep_previous) else None,
        ))

    async def rotate_password(self, station_id: StationId, gateway: StationCaller,
                              password: str | None = None) -> RotationResult:
        """A01: send a new BasicAuthPassword; store it only once the station accepts (the old one stays valid
        until then, and after RebootRequired until the station logs in with the new one)."""
        password = password or generate_password()
        if not (MIN_PASSWORD_LEN <= len(password) <= MAX_PASSWORD_LEN):
            raise ValueError(f"station passwords must be {MIN_PASSWORD_LEN}-{MAX_PASSWORD_LEN} characters")
        request: v201.SetVariablesRequest = {"setVariableData": [{
            "attributeValue": password, "component": {"name": "SecurityCtrlr"},
            "variable": {"name": "BasicAuthPassword"}}]}
        reply = await call_typed(partial(gateway.call, station_id), calls.SET_VARIABLES, request)
        results = reply["setVariableResult"]
        status = results[0]["attributeStatus"] if results else None
        if status == v201.SetVariableStatusEnumType.ACCEPTED:
            await self.set_password(station_id, password)
            return RotationResult.APPLIED
        if status == v201.SetVariableStatusEnumType.REBOOT_REQUIRED:
            await self.set_password(station_id, password, keep_previous=True)
            return RotationResult.AFTER_REBOOT
        return RotationResult.REFUSED
