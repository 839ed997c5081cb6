"""Who may open an OCPP connection: the handshake's authentication decision, apart from websockets I/O.

- Profile 3 (a verified client certificate): the certificate's CN must equal the station id in the URL and its
  O the configured organisation (when set), and it must not be revoked. A certificate is the identity: the URL
  cannot name another station (CitrineOS accepted any valid certificate for any station).
- Profiles 1 and 2: HTTP Basic with the station id as username. Exactly one Authorization header (two: 400).
- An unknown station and a wrong password are answered alike (401), so ids cannot be enumerated.
- A station that has used a higher profile is refused on a lower one (A05: upgrade only).
- Repeated failures back off per station and per source (429 + Retry-After, csms/server/throttle.py).
- The store being unreachable is 503, one log line and no traceback.
Every refusal that could be an attack is recorded as a security event. An accepted client certificate is
reported to `on_certificate` (the certificate book tracks its expiry, also for certificates issued elsewhere).
"""

from __future__ import annotations

import base64
import binascii
import logging
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus

from csms.domain.ids import StationId
from csms.security.events import SecurityEvents
from csms.server.tls import PeerCertificate
from csms.services.auth_throttle import AuthThrottle
from csms.services.credentials import AuthResult, CredentialService
from csms.store.errors import StoreError

log = logging.getLogger("csms.server")

CHALLENGE = {"WWW-Authenticate": 'Basic realm="ocpp", charset="UTF-8"'}


def parse_basic_auth(header: str | None) -> tuple[str, str] | None:
    """(username, password) from an `Authorization: Basic ...` header, or None."""
    if not header or not header.lower().startswith("basic "):
        return None
    try:
        decoded = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    username, sep, password = decoded.partition(":")
    return (username, password) if sep else None


@dataclass(frozen=True, slots=True)
class Refused:
    status: HTTPStatus
    text: str
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Admitted:
    station_id: StationId
    profile: int


class HandshakeAuth:
    def __init__(self, credentials: CredentialService, throttle: AuthThrottle, events: SecurityEvents, *,
                 tls: bool, organisation: str | None = None,
                 is_revoked: Callable[[int], bool] = lambda serial: False,
                 on_certificate: Callable[[StationId, PeerCertificate], None] | None = None) -> None:
        self._credentials = credentials
        self._throttle = throttle
        self._events = events
        self._tls = tls
        self._organisation = organisation
        self._is_revoked = is_revoked
        self._on_certificate = on_certificate

    async def check(self, station_id: StationId, authorization: list[str], peer: PeerCertificate | None,
                    source: str) -> Admitted | Refused:
        wait_s = self._throttle.retry_after_s(station_id, source)
        if wait_s > 0:
            self._events.record("AuthBackoff", station_id, source, f"retry after {wait_s:.1f} s")
            return Refused(HTTPStatus.TOO_MANY_REQUESTS, "too many failed attempts",
                           {"Retry-After": str(math.ceil(wait_s))})
        if len(authorization) > 1:
            return Refused(HTTPStatus.BAD_REQUEST, "exactly one Authorization header allowed")
        try:
            return await self._check(station_id, authorization[0] if authorization else None, peer, source)
        except StoreError as exc:
            log.warning("%s: handshake refused, state store unavailable: %s", station_id, type(exc).__name__,
                        extra={"station_id": station_id})
            return Refused(HTTPStatus.SERVICE_UNAVAILABLE, "temporarily unavailable", {"Retry-After": "5"})

    def _fail(self, kind: str, station_id: StationId, source: str, detail: str) -> Refused:
        self._throttle.failed(station_id, source)
        self._events.record(kind, station_id, source, detail)
        return Refused(HTTPStatus.UNAUTHORIZED, "invalid credentials", CHALLENGE)

    async def _check(self, station_id: StationId, authorization: str | None, peer: PeerCertificate | None,
                     source: str) -> Admitted | Refused:
        if peer is not None:
            if peer.common_name != station_id:
                return self._fail("InvalidChargingStationCertificate", station_id, source,
                                  f"certificate CN {peer.common_name!r} used for station {station_id!r}")
            if self._organisation is not None and peer.organisation != self._organisation:
                return self._fail("InvalidChargingStationCertificate", station_id, source,
                                  f"certificate O {peer.organisation!r} is not {self._organisation!r}")
            if self._is_revoked(peer.serial):
                return self._fail("InvalidChargingStationCertificate", station_id, source,
                                  f"certificate {peer.serial:x} is revoked")
            result = await self._credentials.admit_certificate(station_id)
        else:
            auth = parse_basic_auth(authorization)
            if auth is None or auth[0] != station_id:
                return self._fail("InvalidCredentials", station_id, source, "missing or mismatched basic auth")
            result = await self._credentials.authenticate(station_id, auth[1], 2 if self._tls else 1)
        if result is AuthResult.DOWNGRADE:
            return self._fail("SecurityProfileDowngrade", station_id, source,
                              f"profile {2 if self._tls else 1} is lower than the station's stored profile")
        if result is not AuthResult.OK:
            return self._fail("InvalidCredentials", station_id, source, result.value)
        self._throttle.succeeded(station_id)
        if peer is not None and self._on_certificate is not None:
            self._on_certificate(station_id, peer)
        return Admitted(station_id, 3 if peer is not None else 2 if self._tls else 1)
