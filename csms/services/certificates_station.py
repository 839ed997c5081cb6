"""Block M on the CSMS side: the certificate work a station asks of the CSMS (GetCertificateStatus: an OCSP
check; Get15118EVCertificate: a contract certificate from a contract CA; SignCertificate: a CSR to sign), behind
one small interface. Without an OCSP responder / contract CA / signing CA configured, every request is answered
Failed (or Rejected) with a statusInfo saying which is missing, never a CALLERROR. `OcspCertificateAuthority`
forwards GetCertificateStatus to an OCSP responder (settings `[certificates]`); no contract CA or signing CA is
integrated yet."""

from __future__ import annotations

import base64
import logging
from typing import Protocol

import httpx
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509 import ocsp

from csms.domain.ids import StationId
from csms.ocpp.wire import v2x, v201

log = logging.getLogger("csms.services.certificates_station")


class StationCertificateAuthority(Protocol):
    """Where the CSMS sends a station's certificate requests (2.0.1 or 2.1). Answers are the OCPP response
    payloads, in their 2.0.1 shape (valid for 2.1 too)."""

    async def certificate_status(self, station_id: StationId, ocsp_request: v2x.OCSPRequestDataType
                                 ) -> v201.GetCertificateStatusResponse:
        """GetCertificateStatusResponse for one OCSPRequestDataType."""
        ...

    async def ev_certificate(self, station_id: StationId, request: v2x.Get15118EVCertificateRequest
                             ) -> v201.Get15118EVCertificateResponse:
        """Get15118EVCertificateResponse for a Get15118EVCertificateRequest payload."""
        ...

    async def sign_certificate(self, station_id: StationId, request: v2x.SignCertificateRequest
                               ) -> v201.SignCertificateResponse:
        """SignCertificateResponse for a SignCertificateRequest payload (the signed chain follows later, with
        CertificateSigned)."""
        ...


class UnconfiguredCertificateAuthority:
    """The default: no OCSP responder, no contract CA, no signing CA. Says so in every answer."""

    async def certificate_status(self, station_id: StationId, ocsp_request: v2x.OCSPRequestDataType
                                 ) -> v201.GetCertificateStatusResponse:
        return {"status": v201.GetCertificateStatusEnumType.FAILED, "statusInfo": {
            "reasonCode": "NoOCSPResponder",
            "additionalInfo": "no OCSP responder is configured on this CSMS; certificate status is unknown"}}

    async def ev_certificate(self, station_id: StationId, request: v2x.Get15118EVCertificateRequest
                             ) -> v201.Get15118EVCertificateResponse:
        return {"status": v201.Iso15118EVCertificateStatusEnumType.FAILED, "exiResponse": "", "statusInfo": {
            "reasonCode": "NoContractCA",
            "additionalInfo": "no contract certificate authority is configured on this CSMS"}}

    async def sign_certificate(self, station_id: StationId, request: v2x.SignCertificateRequest
                               ) -> v201.SignCertificateResponse:
        return {"status": v201.GenericStatusEnumType.REJECTED, "statusInfo": {
            "reasonCode": "NoSigningCA",
            "additionalInfo": "no certificate authority to sign station certificates is configured on this CSMS"}}


_HASHES: dict[str, hashes.HashAlgorithm] = {"SHA256": hashes.SHA256(), "SHA384": hashes.SHA384(),
                                            "SHA512": hashes.SHA512()}
_MAX_OCSP_RESULT_CHARS = 5500  # GetCertificateStatusResponse.ocspResult maxLength


def _failed(reason: str, info: str) -> v201.GetCertificateStatusResponse:
    return {"status": v201.GetCertificateStatusEnumType.FAILED,
            "statusInfo": {"reasonCode": reason, "additionalInfo": info[:1024]}}


class OcspCertificateAuthority:
    """GetCertificateStatus forwarded to an OCSP responder (RFC 6960 over HTTP POST); the rest to `fallback`.

    The responder is `responder_url`; the URL a station names in its request is used only when
    `use_station_responder_url` (a station could otherwise make the CSMS post to any address). The answer is the
    responder's DER response, base64 (`ocspResult`), when the responder answered successfully; Failed with the
    reason otherwise (unreachable, HTTP error, an unsuccessful OCSP status, a response too long for OCPP)."""

    def __init__(self, responder_url: str = "", *, use_station_responder_url: bool = False, timeout_s: float = 10.0,
                 fallback: StationCertificateAuthority | None = None,
                 transport: httpx.AsyncBaseTransport | None = None) -> None:
        self._responder_url = responder_url
        self._use_station_url = use_station_responder_url
        self._timeout_s = timeout_s
        self._fallback = fallback or UnconfiguredCertificateAuthority()
        self._transport = transport

    async def certificate_status(self, station_id: StationId, ocsp_request: v2x.OCSPRequestDataType
                                 ) -> v201.GetCertificateStatusResponse:
        url = ocsp_request["responderURL"] if self._use_station_url else self._responder_url
        if not url:
            return _failed("NoOCSPResponder", "no OCSP responder URL is configured on this CSMS")
        try:
            request = ocsp.OCSPRequestBuilder().add_certificate_by_hash(
                bytes.fromhex(ocsp_request["issuerNameHash"]), bytes.fromhex(ocsp_request["issuerKeyHash"]),
                int(ocsp_request["serialNumber"], 16), _HASHES[ocsp_request["hashAlgorithm"]]).build()
        except (ValueError, KeyError) as exc:
            return _failed("InvalidOCSPRequest", f"the OCSP request data cannot be encoded: {exc}")
        try:
            async with httpx.AsyncClient(timeout=self._timeout_s, transport=self._transport) as client:
                reply = await client.post(url, content=request.public_bytes(serialization.Encoding.DER),
                                          headers={"Content-Type": "application/ocsp-request"})
        except httpx.HTTPError as exc:
            log.warning("%s: OCSP responder %s unreachable: %s", station_id, url, type(exc).__name__)
            return _failed("OCSPUnreachable", f"the OCSP responder did not answer: {type(exc).__name__}")
        if reply.status_code != 200:
            return _failed("OCSPHttpError", f"the OCSP responder answered HTTP {reply.status_code}")
        try:
            response = ocsp.load_der_ocsp_response(reply.content)
        except ValueError:
            return _failed("OCSPBadResponse", "the OCSP responder's answer is not an OCSP response")
        if response.response_status is not ocsp.OCSPResponseStatus.SUCCESSFUL:
            return _failed("OCSPUnsuccessful", f"the OCSP responder answered {response.response_status.name}")
        result = base64.b64encode(reply.content).decode()
        if len(result) > _MAX_OCSP_RESULT_CHARS:
            return _failed("OCSPResultTooLong", f"the OCSP response is {len(result)} characters, OCPP allows "
                                                f"{_MAX_OCSP_RESULT_CHARS}")
        return {"status": v201.GetCertificateStatusEnumType.ACCEPTED, "ocspResult": result}

    async def ev_certificate(self, station_id: StationId, request: v2x.Get15118EVCertificateRequest
                             ) -> v201.Get15118EVCertificateResponse:
        return await self._fallback.ev_certificate(station_id, request)

    async def sign_certificate(self, station_id: StationId, request: v2x.SignCertificateRequest
                               ) -> v201.SignCertificateResponse:
        return await self._fallback.sign_certificate(station_id, request)
