"""Functional block A (security): SecurityEventNotification is logged as a structured warning; SignCertificate
is checked and signed through `csms.security.signing.CertificateSigner`."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from csms.handlers.deps import HandlerDeps
from csms.ocpp.session import HandlerContext
from csms.ocpp.wire import v2x, v16, v201
from csms.security.csr import CsrRejected
from csms.security.signing import CertificateSigner
from csms.services.events import CsmsSecurityEvent, StationSecurityEvent

log = logging.getLogger("csms.security")


async def security_event_notification(
    deps: HandlerDeps, ctx: HandlerContext,
    payload: v2x.SecurityEventNotificationRequest | v16.SecurityEventNotificationRequest,
) -> v2x.SecurityEventNotificationResponse | v16.SecurityEventNotificationResponse:
    """A security event the station reports (2.x, and 1.6 Security Whitepaper alike)."""
    log.warning("security event from %s: %s %s", ctx.station_id, payload["type"], payload.get("techInfo", ""),
                extra={"station_id": ctx.station_id, "security_event": payload["type"]})
    deps.events.publish(StationSecurityEvent(station_id=ctx.station_id, at=deps.clock.now(), type=payload["type"],
                                             tech_info=payload.get("techInfo", "")))
    return {}


# ---- SignCertificate / CertificateSigned (A02/A03; owned with csms/security) ------------------------------

_STATION_CERTIFICATE = v201.CertificateSigningUseEnumType.CHARGING_STATION_CERTIFICATE


def _rejected(status_info: v201.StatusInfoType) -> v201.SignCertificateResponse:
    return v201.SignCertificateResponse(status=v201.GenericStatusEnumType.REJECTED, statusInfo=status_info)


def sign_certificate_with(signer: CertificateSigner) -> Callable[
        [HandlerDeps, HandlerContext, v2x.SignCertificateRequest], Awaitable[v2x.SignCertificateResponse]]:
    """A SignCertificate handler: the CSR is checked inline (Accepted / Rejected); once the response is sent,
    the CA signs it and CertificateSigned carries the chain to the station. A CSR for another station, a weak
    key or a bad signature is Rejected and recorded as a security event."""

    async def sign_certificate(deps: HandlerDeps, ctx: HandlerContext,
                               payload: v2x.SignCertificateRequest) -> v2x.SignCertificateResponse:
        certificate_type = payload.get("certificateType", _STATION_CERTIFICATE)
        if certificate_type != _STATION_CERTIFICATE:
            return _rejected({"reasonCode": "UnsupportedCertType"})
        try:
            csr = signer.check(payload["csr"], ctx.station_id)
        except CsrRejected as exc:
            log.warning("%s: CSR rejected: %s", ctx.station_id, exc,
                        extra={"station_id": ctx.station_id, "security_event": "InvalidCsr"})
            deps.events.publish(CsmsSecurityEvent(station_id=ctx.station_id, at=deps.clock.now(), type="InvalidCsr",
                                                  source="", detail=str(exc)[:500]))
            return _rejected({"reasonCode": "InvalidCSR", "additionalInfo": str(exc)[:512]})

        async def send_signed() -> None:
            signed = await signer.sign(csr, ctx.station_id)
            reply = await ctx.session.call_for("CertificateSigned", {
                "certificateChain": signed.chain_pem, "certificateType": _STATION_CERTIFICATE},
                v201.CertificateSignedResponse)
            log.info("%s: certificate %x (until %s) sent: %s", ctx.station_id, signed.serial,
                     signed.not_after.isoformat(), reply.get("status"), extra={"station_id": ctx.station_id})

        ctx.after_response(send_signed)
        return v201.SignCertificateResponse(status=v201.GenericStatusEnumType.ACCEPTED)

    return sign_certificate
