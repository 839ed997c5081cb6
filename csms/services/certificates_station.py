"""Block M on the CSMS side: the certificate work a station asks of the CSMS (GetCertificateStatus: an OCSP
check; Get15118EVCertificate: a contract certificate from a contract CA; SignCertificate: a CSR to sign), behind
one small interface. Without an OCSP responder / contract CA / signing CA configured, every request is answered
Failed (or Rejected) with a statusInfo saying which is missing, never a CALLERROR."""

from __future__ import annotations

from typing import Any, Protocol


class StationCertificateAuthority(Protocol):
    """Where the CSMS sends a station's certificate requests. Answers are the OCPP response payloads."""

    async def certificate_status(self, station_id: str, ocsp_request: dict[str, Any]) -> dict[str, Any]:
        """GetCertificateStatusResponse for one OCSPRequestDataType."""
        ...

    async def ev_certificate(self, station_id: str, request: dict[str, Any]) -> dict[str, Any]:
        """Get15118EVCertificateResponse for a Get15118EVCertificateRequest payload."""
        ...

    async def sign_certificate(self, station_id: str, request: dict[str, Any]) -> dict[str, Any]:
        """SignCertificateResponse for a SignCertificateRequest payload (the signed chain follows later, with
        CertificateSigned)."""
        ...


class UnconfiguredCertificateAuthority:
    """The default: no OCSP responder, no contract CA, no signing CA. Says so in every answer."""

    async def certificate_status(self, station_id: str, ocsp_request: dict[str, Any]) -> dict[str, Any]:
        return {"status": "Failed", "statusInfo": {
            "reasonCode": "NoOCSPResponder",
            "additionalInfo": "no OCSP responder is configured on this CSMS; certificate status is unknown"}}

    async def ev_certificate(self, station_id: str, request: dict[str, Any]) -> dict[str, Any]:
        return {"status": "Failed", "exiResponse": "", "statusInfo": {
            "reasonCode": "NoContractCA",
            "additionalInfo": "no contract certificate authority is configured on this CSMS"}}

    async def sign_certificate(self, station_id: str, request: dict[str, Any]) -> dict[str, Any]:
        return {"status": "Rejected", "statusInfo": {
            "reasonCode": "NoSigningCA",
            "additionalInfo": "no certificate authority to sign station certificates is configured on this CSMS"}}
