"""Station credentials for OCPP security profile 1 (HTTP Basic auth over the websocket handshake).

Station passwords are machine-generated secrets (OCPP passwordString, 16-40 chars), so a salted SHA-256 is
the right hash: slow password hashing protects low-entropy human passwords and would make a boot storm of
thousands of stations cost minutes of CPU. Comparison is constant-time. Only hashes are stored.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import secrets

from csms.domain.clock import Clock
from csms.domain.ids import StationId
from csms.domain.records import CredentialRecord
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


class CredentialService:
    """Checks and manages station passwords under a registration policy ("known" or "auto_register")."""

    def __init__(self, store: StateStore, clock: Clock, registration: str) -> None:
        self._store = store
        self._clock = clock
        self._auto_register = registration == "auto_register"

    async def authenticate(self, station_id: StationId, password: str | None) -> AuthResult:
        credential = await self._store.get_credential(station_id)
        if credential is None:
            if not self._auto_register:
                return AuthResult.UNKNOWN_STATION
            if password is None or not (MIN_PASSWORD_LEN <= len(password) <= MAX_PASSWORD_LEN):
                return AuthResult.BAD_PASSWORD
            await self.set_password(station_id, password)
            return AuthResult.OK
        if password is None or not verify_password(password, credential.password_hash):
            return AuthResult.BAD_PASSWORD
        return AuthResult.OK

    async def set_password(self, station_id: StationId, password: str) -> None:
        if not (MIN_PASSWORD_LEN <= len(password) <= MAX_PASSWORD_LEN):
            raise ValueError(f"station passwords must be {MIN_PASSWORD_LEN}-{MAX_PASSWORD_LEN} characters")
        await self._store.put_credential(
            CredentialRecord(station_id=station_id, password_hash=hash_password(password), created_at=self._clock.now())
        )
