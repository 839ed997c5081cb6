"""Security profiles 2 and 3 over real TLS on 127.0.0.1, with certificates made in the test."""

from __future__ import annotations

import base64
import ssl
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidHandshake, InvalidStatus
from websockets.typing import Subprotocol

from csms.app import CsmsApp
from csms.domain.ids import StationId
from csms.settings import TlsSettings
from tests.helpers.csms_app import PASSWORD, booted, csms_test_settings, running_csms
from tests.unit.security.pki import Pair, leaf, make_ca, now

CS_S = StationId("CS-S")
CS_OLD = StationId("CS-OLD")
CS_R = StationId("CS-R")
CS_E = StationId("CS-E")
CS_B = StationId("CS-B")

ORG = "Example Charging"


@dataclass
class Pki:
    folder: Path
    server_ca: Pair
    station_ca: Pair
    settings: TlsSettings

    def client_files(self, pair: Pair, stem: str) -> tuple[Path, Path]:
        return pair.write(self.folder, stem)


@pytest.fixture
def pki(tmp_path: Path) -> Pki:
    server_ca, station_ca = make_ca("Server CA"), make_ca("Station CA")
    cert, key = leaf(server_ca, "csms.test", server=True).write(tmp_path, "server")
    server_ca.write(tmp_path, "server-ca")
    station_ca_file, _ = station_ca.write(tmp_path, "station-ca")
    settings = TlsSettings(enabled=True, cert_file=cert, key_file=key, client_ca_file=station_ca_file,
                           organisation=ORG, ca_dir=tmp_path / "ca")
    return Pki(tmp_path, server_ca, station_ca, settings)


@asynccontextmanager
async def tls_csms(pki: Pki, **security: Any) -> AsyncIterator[CsmsApp]:
    settings = csms_test_settings(**security)
    settings.ocpp.tls = pki.settings
    async with running_csms(settings=settings) as app:
        yield app


def client_context(pki: Pki, client: Pair | None = None, *, max_version: ssl.TLSVersion | None = None
                   ) -> ssl.SSLContext:
    ctx = ssl.create_default_context(cafile=pki.folder / "server-ca.pem")
    if max_version is not None:
        ctx.minimum_version = ssl.TLSVersion.MINIMUM_SUPPORTED
        ctx.maximum_version = max_version
        ctx.set_ciphers("DEFAULT:@SECLEVEL=0")
    if client is not None:
        cert, key = client.write(pki.folder, f"client-{client.cert.serial_number}")
        ctx.load_cert_chain(cert, key)
    return ctx


def tls_connect(app: CsmsApp, station_id: str, ctx: ssl.SSLContext, password: str | None = None) -> Any:
    headers = {}
    if password is not None:
        headers["Authorization"] = "Basic " + base64.b64encode(f"{station_id}:{password}".encode()).decode()
    return connect(f"wss://127.0.0.1:{app.ocpp_port}/ocpp/{station_id}", ssl=ctx,
                   subprotocols=[Subprotocol("ocpp2.0.1")], additional_headers=headers, open_timeout=5)


async def refused_status(app: CsmsApp, station_id: str, ctx: ssl.SSLContext, password: str | None = None) -> int:
    with pytest.raises(InvalidStatus) as info:
        async with tls_connect(app, station_id, ctx, password):
            pass
    return info.value.response.status_code


async def refused_in_tls(app: CsmsApp, station_id: str, ctx: ssl.SSLContext) -> None:
    with pytest.raises((ssl.SSLError, OSError, InvalidHandshake, EOFError)):
        async with tls_connect(app, station_id, ctx) as ws:
            await booted(ws)


async def test_profile_2_tls_with_basic_auth_boots(pki: Pki) -> None:
    async with tls_csms(pki) as app, tls_connect(app, "CS-2", client_context(pki), PASSWORD) as ws:
        assert (await booted(ws))[2]["status"] == "Accepted"
        ssl_object = ws.transport.get_extra_info("ssl_object")
        assert ssl_object.version() in ("TLSv1.2", "TLSv1.3")
        assert await app.credentials.security_profile("CS-2") == 2  # type: ignore[arg-type]


async def test_profile_2_wrong_password_and_unknown_station_get_the_same_401(pki: Pki) -> None:
    async with tls_csms(pki, registration="known") as app:
        await app.credentials.set_password("CS-K", PASSWORD)  # type: ignore[arg-type]
        wrong = await refused_status(app, "CS-K", client_context(pki), "wrong-password-0123456789")
        unknown = await refused_status(app, "CS-UNKNOWN", client_context(pki), PASSWORD)
        assert wrong == unknown == 401
        assert len(app.ocpp_server.security_events.recent("InvalidCredentials")) == 2


async def test_profile_3_valid_certificate_boots_without_a_password(pki: Pki) -> None:
    client = leaf(pki.station_ca, "CS-3", ORG)
    async with tls_csms(pki) as app, tls_connect(app, "CS-3", client_context(pki, client)) as ws:
        assert (await booted(ws))[2]["status"] == "Accepted"
        assert await app.credentials.security_profile("CS-3") == 3  # type: ignore[arg-type]
        assert app.signer is not None
        tracked = app.signer.book.get(client.cert.serial_number)  # issued elsewhere: its expiry is tracked too
        assert tracked is not None and tracked.station_id == "CS-3"
        assert tracked.not_after == client.cert.not_valid_after_utc


async def test_certificate_of_station_a_cannot_connect_as_station_b(pki: Pki) -> None:
    client_a = leaf(pki.station_ca, "CS-A", ORG)
    async with tls_csms(pki) as app:
        assert await refused_status(app, CS_B, client_context(pki, client_a), PASSWORD) == 401
        [event] = app.ocpp_server.security_events.recent("InvalidChargingStationCertificate")
        assert event.station_id == CS_B and "CS-A" in event.detail
        assert not app.registry.is_connected(CS_B)


async def test_wrong_organisation_is_refused(pki: Pki) -> None:
    client = leaf(pki.station_ca, "CS-O", "Somebody Else")
    async with tls_csms(pki) as app:
        assert await refused_status(app, "CS-O", client_context(pki, client)) == 401
        assert app.ocpp_server.security_events.recent("InvalidChargingStationCertificate")


async def test_revoked_certificate_is_refused_at_the_next_handshake(pki: Pki) -> None:
    client = leaf(pki.station_ca, CS_R, ORG)
    async with tls_csms(pki) as app:
        async with tls_connect(app, CS_R, client_context(pki, client)) as ws:
            assert (await booted(ws))[2]["status"] == "Accepted"
        assert app.signer is not None
        app.signer.book.revoke(client.cert.serial_number, now(), CS_R)
        assert await refused_status(app, CS_R, client_context(pki, client)) == 401
        [event] = app.ocpp_server.security_events.recent("InvalidChargingStationCertificate")
        assert "revoked" in event.detail


async def test_expired_certificate_is_refused_in_the_tls_handshake_and_recorded(pki: Pki) -> None:
    client = leaf(pki.station_ca, CS_E, ORG, valid_from_days=-40, valid_days=30)
    async with tls_csms(pki) as app:
        await refused_in_tls(app, CS_E, client_context(pki, client))
        events = app.ocpp_server.security_events.recent("InvalidChargingStationCertificate")
        assert events and "expired" in events[0].detail
        assert not app.registry.is_connected(CS_E)


async def test_certificate_from_another_ca_is_refused_in_the_tls_handshake(pki: Pki) -> None:
    client = leaf(make_ca("Rogue CA"), "CS-W", ORG)
    async with tls_csms(pki) as app:
        await refused_in_tls(app, "CS-W", client_context(pki, client))
        assert app.ocpp_server.security_events.recent("InvalidChargingStationCertificate")


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@pytest.mark.parametrize("version", [ssl.TLSVersion.TLSv1, ssl.TLSVersion.TLSv1_1])
async def test_tls_below_1_2_is_refused(pki: Pki, version: ssl.TLSVersion) -> None:
    async with tls_csms(pki) as app:
        try:
            ctx = client_context(pki, max_version=version)
        except ssl.SSLError:
            return  # this OpenSSL cannot even offer it: nothing can connect that way
        await refused_in_tls(app, CS_OLD, ctx)
        assert not app.registry.is_connected(CS_OLD)
        [event] = app.ocpp_server.security_events.recent()
        assert event.kind == "InvalidTLSVersion" and "UNSUPPORTED_PROTOCOL" in event.detail


async def test_only_the_configured_tls_1_2_ciphers_are_offered(pki: Pki) -> None:
    async with tls_csms(pki) as app:
        names = {c["name"] for c in app.ocpp_server.tls.context.get_ciphers()  # type: ignore[union-attr]
                 if c["protocol"] == "TLSv1.2"}
        assert "ECDHE-ECDSA-AES128-GCM-SHA256" in names and "ECDHE-ECDSA-AES256-GCM-SHA384" in names
        assert all("GCM" in n for n in names) and not any("CBC" in n or "SHA1" in n for n in names)
        ctx = client_context(pki)
        ctx.maximum_version = ssl.TLSVersion.TLSv1_2
        ctx.set_ciphers("ECDHE-ECDSA-AES256-SHA")  # CBC: not allowed
        await refused_in_tls(app, "CS-CBC", ctx)


async def test_downgrade_from_profile_3_to_2_is_refused(pki: Pki) -> None:
    client = leaf(pki.station_ca, "CS-D", ORG)
    async with tls_csms(pki) as app:
        await app.credentials.set_password("CS-D", PASSWORD)  # type: ignore[arg-type]
        async with tls_connect(app, "CS-D", client_context(pki), PASSWORD):
            pass  # profile 2 first: fine
        async with tls_connect(app, "CS-D", client_context(pki, client)):
            pass  # upgrade to 3
        assert await refused_status(app, "CS-D", client_context(pki), PASSWORD) == 401
        assert app.ocpp_server.security_events.recent("SecurityProfileDowngrade")


async def test_reloaded_server_certificate_is_used_by_new_handshakes(pki: Pki) -> None:
    async with tls_csms(pki) as app:
        async with tls_connect(app, "CS-L", client_context(pki), PASSWORD) as ws:
            first = x509.load_der_x509_certificate(ws.transport.get_extra_info("ssl_object").getpeercert(True))
        leaf(pki.server_ca, "csms.test", server=True).write(pki.folder, "server")
        app.ocpp_server.reload_tls()
        async with tls_connect(app, "CS-L", client_context(pki), PASSWORD) as ws:
            second = x509.load_der_x509_certificate(ws.transport.get_extra_info("ssl_object").getpeercert(True))
        assert first.serial_number != second.serial_number


def make_csr(cn: str, o: str | None = ORG) -> tuple[Any, str]:
    from cryptography.hazmat.primitives import hashes, serialization

    from csms.security.ca import new_key
    from tests.unit.security.pki import subject

    key = new_key()
    csr = x509.CertificateSigningRequestBuilder().subject_name(subject(cn, o)).sign(key, hashes.SHA256())
    return key, csr.public_bytes(serialization.Encoding.PEM).decode()


async def test_csr_signing_round_trip_then_profile_3_with_the_signed_certificate(pki: Pki) -> None:
    import orjson

    from csms.domain.clock import SystemClock
    from csms.security.ca import LocalCa, key_pem
    from tests.helpers.csms_app import answer_calls_until, next_frame

    assert pki.settings.ca_dir is not None
    local_ca = LocalCa(pki.settings.ca_dir, SystemClock())  # the dev CA the CSMS will sign with
    pki.settings.client_ca_file = local_ca.cert_path
    async with tls_csms(pki) as app:
        key, csr_pem = make_csr(CS_S)
        async with tls_connect(app, CS_S, client_context(pki), PASSWORD) as ws:
            assert (await booted(ws))[2]["status"] == "Accepted"
            _, other_csr = make_csr("CS-OTHER")
            await ws.send(orjson.dumps([2, "s0", "SignCertificate", {"csr": other_csr}]).decode())
            assert (await answer_calls_until(ws, "s0"))[2]["status"] == "Rejected"
            await ws.send(orjson.dumps([2, "s1", "SignCertificate", {"csr": csr_pem}]).decode())
            assert (await answer_calls_until(ws, "s1"))[2] == {"status": "Accepted"}
            call = await next_frame(ws)
            while call[0] == 2 and call[2] != "CertificateSigned":  # e.g. GetBaseReport after the boot
                await ws.send(orjson.dumps([3, call[1], {"status": "Accepted"}]).decode())
                call = await next_frame(ws)
            assert call[0] == 2 and call[2] == "CertificateSigned"
            await ws.send(orjson.dumps([3, call[1], {"status": "Accepted"}]).decode())
        chain = call[3]["certificateChain"]
        signed = x509.load_pem_x509_certificates(chain.encode())[0]
        assert signed.subject.rfc4514_string() == f"O={ORG},CN=CS-S"
        assert app.signer is not None and app.signer.book.get(signed.serial_number) is not None
        (pki.folder / "signed.pem").write_text(chain)
        (pki.folder / "signed.key").write_bytes(key_pem(key))
        ctx = client_context(pki)
        ctx.load_cert_chain(pki.folder / "signed.pem", pki.folder / "signed.key")
        async with tls_connect(app, CS_S, ctx) as ws:
            assert (await booted(ws))[2]["status"] == "Accepted"
        assert await app.credentials.security_profile(CS_S) == 3
        app.signer.book.revoke_station(CS_S, now())
        assert await refused_status(app, CS_S, ctx) == 401


async def test_changed_files_are_picked_up_and_a_half_written_pair_keeps_the_old_certificate(pki: Pki) -> None:
    from cryptography.hazmat.primitives import serialization

    async def served_serial(app: CsmsApp) -> int:
        async with tls_connect(app, "CS-F", client_context(pki), PASSWORD) as ws:
            der = ws.transport.get_extra_info("ssl_object").getpeercert(True)
        return x509.load_der_x509_certificate(der).serial_number

    async with tls_csms(pki) as app:
        tls = app.ocpp_server.tls
        assert tls is not None and not tls.reload_if_changed()
        first = await served_serial(app)
        new = leaf(pki.server_ca, "csms.test", server=True)
        (pki.folder / "server.pem").write_bytes(new.cert.public_bytes(serialization.Encoding.PEM))  # key not yet
        assert not tls.reload_if_changed()
        assert await served_serial(app) == first
        new.write(pki.folder, "server")
        assert tls.reload_if_changed()
        assert await served_serial(app) == new.cert.serial_number
