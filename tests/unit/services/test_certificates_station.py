"""GetCertificateStatus forwarded to an OCSP responder (a fake one behind httpx.MockTransport that builds real
RFC 6960 responses with `cryptography`), and the answers when none is configured or it fails."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509 import ocsp
from cryptography.x509.oid import NameOID

from csms.domain.ids import StationId
from csms.ocpp.wire import v201
from csms.services.certificates_station import OcspCertificateAuthority, UnconfiguredCertificateAuthority

CS_1 = StationId("CS-1")

NOW = datetime(2026, 6, 1, tzinfo=UTC)


def _cert(subject: str, issuer: str, key: ec.EllipticCurvePrivateKey, public: ec.EllipticCurvePublicKey,
          serial: int) -> x509.Certificate:
    return (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
            .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer)]))
            .public_key(public).serial_number(serial).not_valid_before(NOW - timedelta(days=1))
            .not_valid_after(NOW + timedelta(days=365)).sign(key, hashes.SHA256()))


CA_KEY = ec.generate_private_key(ec.SECP256R1())
CA = _cert("Test CA", "Test CA", CA_KEY, CA_KEY.public_key(), 1)
LEAF_KEY = ec.generate_private_key(ec.SECP256R1())
LEAF = _cert(CS_1, "Test CA", CA_KEY, LEAF_KEY.public_key(), 0x1A2B)


def request_data() -> v201.OCSPRequestDataType:
    builder = ocsp.OCSPRequestBuilder().add_certificate(LEAF, CA, hashes.SHA256()).build()
    return {"hashAlgorithm": v201.HashAlgorithmEnumType.SHA256, "issuerNameHash": builder.issuer_name_hash.hex(),
            "issuerKeyHash": builder.issuer_key_hash.hex(), "serialNumber": format(LEAF.serial_number, "X"),
            "responderURL": "http://station-says.example/ocsp"}


def responder(seen: list[httpx.Request]) -> httpx.MockTransport:
    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        asked = ocsp.load_der_ocsp_request(request.content)
        assert asked.serial_number == LEAF.serial_number
        response = (ocsp.OCSPResponseBuilder()
                    .add_response(cert=LEAF, issuer=CA, algorithm=hashes.SHA256(),
                                  cert_status=ocsp.OCSPCertStatus.GOOD, this_update=NOW, next_update=None,
                                  revocation_time=None, revocation_reason=None)
                    .responder_id(ocsp.OCSPResponderEncoding.HASH, CA).sign(CA_KEY, hashes.SHA256()))
        return httpx.Response(200, content=response.public_bytes(serialization.Encoding.DER))
    return httpx.MockTransport(handle)


async def test_a_good_certificate_status_comes_back_as_the_responders_der_response() -> None:
    seen: list[httpx.Request] = []
    authority = OcspCertificateAuthority("http://ocsp.example/", transport=responder(seen))
    answer = await authority.certificate_status(CS_1, request_data())
    assert answer["status"] == "Accepted"
    parsed = ocsp.load_der_ocsp_response(base64.b64decode(answer["ocspResult"]))
    assert parsed.certificate_status is ocsp.OCSPCertStatus.GOOD and parsed.serial_number == 0x1A2B
    assert [str(r.url) for r in seen] == ["http://ocsp.example/"]  # not the URL the station named
    assert seen[0].headers["content-type"] == "application/ocsp-request"


async def test_the_stations_responder_url_is_used_only_when_allowed() -> None:
    seen: list[httpx.Request] = []
    authority = OcspCertificateAuthority(use_station_responder_url=True, transport=responder(seen))
    assert (await authority.certificate_status(CS_1, request_data()))["status"] == "Accepted"
    assert str(seen[0].url) == "http://station-says.example/ocsp"
    answer = await OcspCertificateAuthority().certificate_status(CS_1, request_data())
    assert answer["statusInfo"]["reasonCode"] == "NoOCSPResponder"


@pytest.mark.parametrize(("handler", "reason"), [
    (lambda r: httpx.Response(503), "OCSPHttpError"),
    (lambda r: httpx.Response(200, content=b"not der"), "OCSPBadResponse"),
    (lambda r: httpx.Response(200, content=ocsp.OCSPResponseBuilder.build_unsuccessful(
        ocsp.OCSPResponseStatus.UNAUTHORIZED).public_bytes(serialization.Encoding.DER)), "OCSPUnsuccessful"),
])
async def test_a_failing_responder_is_answered_failed_with_the_reason(handler: object, reason: str) -> None:
    authority = OcspCertificateAuthority("http://ocsp.example/", transport=httpx.MockTransport(handler))  # type: ignore[arg-type]
    answer = await authority.certificate_status(CS_1, request_data())
    assert answer["status"] == "Failed" and answer["statusInfo"]["reasonCode"] == reason


async def test_an_unreachable_responder_and_bad_request_data_are_failed_not_raised() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused")
    authority = OcspCertificateAuthority("http://ocsp.example/", transport=httpx.MockTransport(refuse))
    assert (await authority.certificate_status(CS_1, request_data()))["statusInfo"]["reasonCode"] == \
        "OCSPUnreachable"
    bad: v201.OCSPRequestDataType = {**request_data(), "issuerNameHash": "zz"}
    assert (await authority.certificate_status(CS_1, bad))["statusInfo"]["reasonCode"] == "InvalidOCSPRequest"


async def test_ev_certificates_and_csrs_go_to_the_fallback() -> None:
    authority = OcspCertificateAuthority("http://ocsp.example/")
    unconfigured = UnconfiguredCertificateAuthority()
    request: v201.Get15118EVCertificateRequest = {
        "iso15118SchemaVersion": "x", "action": v201.CertificateActionEnumType.INSTALL, "exiRequest": "AA=="}
    assert await authority.ev_certificate(CS_1, request) == await unconfigured.ev_certificate(CS_1, request)
    assert (await authority.sign_certificate(CS_1, {"csr": "x"}))["status"] == "Rejected"


def test_the_app_forwards_to_the_ocsp_responder_only_when_enabled() -> None:
    from csms.app import build_app
    from csms.settings import CertificatesSettings
    from tests.helpers.csms_app import csms_test_settings

    settings = csms_test_settings()
    assert isinstance(build_app(settings, serve_api=False).deps.certificates, UnconfiguredCertificateAuthority)
    settings.certificates = CertificatesSettings(ocsp_enabled=True, ocsp_responder_url="http://ocsp.example/")
    assert isinstance(build_app(settings, serve_api=False).deps.certificates, OcspCertificateAuthority)
