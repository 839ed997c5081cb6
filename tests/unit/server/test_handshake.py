"""The handshake's authentication decision without sockets: every refusal, on a ManualClock."""

from __future__ import annotations

from datetime import UTC, datetime
from http import HTTPStatus

from csms.domain.clock import ManualClock
from csms.domain.ids import StationId
from csms.security.events import SecurityEvents
from csms.server.handshake import Admitted, HandshakeAuth, Refused
from csms.server.tls import PeerCertificate
from csms.services.auth_throttle import AuthThrottle
from csms.services.credentials import CredentialService
from csms.store.errors import StoreUnavailable
from csms.store.memory import MemoryStore
from tests.helpers.csms_app import PASSWORD, basic_auth

T0 = datetime(2026, 1, 1, tzinfo=UTC)
CS = StationId("CS-1")
REVOKED_SERIAL = 0xBAD


async def auth(*, tls: bool = True, registration: str = "known", failures_before_backoff: int = 3,
               ) -> tuple[HandshakeAuth, SecurityEvents, CredentialService]:
    clock = ManualClock(T0)
    credentials = CredentialService(MemoryStore(), clock, registration)
    await credentials.set_password(CS, PASSWORD)
    events = SecurityEvents(clock)
    throttle = AuthThrottle(clock, failures_before_backoff=failures_before_backoff)
    handshake = HandshakeAuth(credentials, throttle, events, tls=tls, organisation="Org",
                              is_revoked=lambda serial: serial == REVOKED_SERIAL)
    return handshake, events, credentials


def cert(cn: str | None = "CS-1", o: str | None = "Org", serial: int = 1) -> PeerCertificate:
    return PeerCertificate(cn, o, serial)


async def test_password_on_tls_is_profile_2_and_a_certificate_is_profile_3() -> None:
    handshake, _, credentials = await auth()
    assert await handshake.check(CS, [basic_auth(CS)], None, "10.0.0.1") == Admitted(CS, 2)
    assert await handshake.check(CS, [], cert(), "10.0.0.1") == Admitted(CS, 3)
    assert await credentials.security_profile(CS) == 3


async def test_certificate_refusals_are_401_and_recorded() -> None:
    handshake, events, _ = await auth(failures_before_backoff=10)
    for peer in (cert(cn="CS-2"), cert(cn=None), cert(o="Other"), cert(o=None), cert(serial=REVOKED_SERIAL)):
        decision = await handshake.check(CS, [basic_auth(CS)], peer, f"10.0.0.{peer.serial}")
        assert isinstance(decision, Refused) and decision.status is HTTPStatus.UNAUTHORIZED, peer
    assert len(events.recent("InvalidChargingStationCertificate")) == 5


async def test_unknown_station_and_wrong_password_get_identical_answers() -> None:
    handshake, _, _ = await auth()
    unknown = await handshake.check(StationId("CS-X"), [basic_auth("CS-X")], None, "10.0.0.1")
    wrong = await handshake.check(CS, [basic_auth(CS, "wrong-password-0123456789")], None, "10.0.0.2")
    assert unknown == wrong and isinstance(wrong, Refused) and wrong.status is HTTPStatus.UNAUTHORIZED


async def test_two_authorization_headers_are_400_and_a_store_outage_503() -> None:
    handshake, _, credentials = await auth()
    decision = await handshake.check(CS, [basic_auth(CS), basic_auth(CS)], None, "10.0.0.1")
    assert isinstance(decision, Refused) and decision.status is HTTPStatus.BAD_REQUEST

    async def down(station_id: StationId) -> None:
        raise StoreUnavailable("connection refused")

    credentials._store.get_credential = down  # type: ignore[method-assign]
    decision = await handshake.check(CS, [basic_auth(CS)], None, "10.0.0.1")
    assert isinstance(decision, Refused) and decision.status is HTTPStatus.SERVICE_UNAVAILABLE


async def test_backoff_after_failures_then_429_even_for_the_right_password() -> None:
    handshake, events, _ = await auth()
    for _ in range(3):
        await handshake.check(CS, [basic_auth(CS, "wrong-password-0123456789")], None, "10.0.0.1")
    decision = await handshake.check(CS, [basic_auth(CS)], None, "10.0.0.9")
    assert isinstance(decision, Refused) and decision.status is HTTPStatus.TOO_MANY_REQUESTS
    assert decision.headers["Retry-After"] == "1" and events.recent("AuthBackoff")


async def test_plain_ws_after_tls_is_a_refused_downgrade() -> None:
    handshake, events, credentials = await auth(tls=True)
    assert await handshake.check(CS, [basic_auth(CS)], None, "") == Admitted(CS, 2)
    plain = HandshakeAuth(credentials, AuthThrottle(ManualClock(T0)), events, tls=False)
    decision = await plain.check(CS, [basic_auth(CS)], None, "")
    assert isinstance(decision, Refused) and decision.status is HTTPStatus.UNAUTHORIZED
    assert events.recent("SecurityProfileDowngrade")
