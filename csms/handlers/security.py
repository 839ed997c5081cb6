"""Functional block A (security): SecurityEventNotification is logged as a structured warning; SignCertificate
is checked and signed through `csms.security.signing.CertificateSigner`."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from csms.handlers.deps import HandlerDeps
from csms.ocpp.session import HandlerContext
from csms.security.csr import CsrRejected
from csms.security.signing import CertificateSigner
from csms.services.events import DomainEvent

log = logging.getLogger("csms.security")


async def security_event_notification(
    deps: HandlerDeps, ctx: HandlerContext, payload: dict[str, Any]
) -> dict[str, Any]:
    log.warning("security event from %s: %s %s", ctx.station_id, payload["type"], payload.get("techInfo", ""),
                extra={"station_id": ctx.station_id, "security_event": payload["type"]})
    deps.events.publish(DomainEvent("station.security_event", ctx.station_id, deps.clock.now(),
                                    {"type": payload["type"], "tech_info": payload.get("techInfo", "")}))
    return {}


# ---- SignCertificate / CertificateSigned (A02/A03; owned with csms/security) ------------------------------

def sign_certificate_with(signer: CertificateSigner) -> Callable[
        [HandlerDeps, HandlerContext, dict[str, Any]], Awaitable[dict[str, Any]]]:
    """A SignCertificate handler: the CSR is checked inline (Accepted / Rejected); once the response is sent,
    the CA signs it and CertificateSigned carries the chain to the station. A CSR for another station, a weak
    key or a bad signature is Rejected and recorded as a security event."""

    async def sign_certificate(deps: HandlerDeps, ctx: HandlerContext, payload: dict[str, Any]) -> dict[str, Any]:
        certificate_type = payload.get("certificateType", "ChargingStationCertificate")
        if certificate_type != "ChargingStationCertificate":
            return {"status": "Rejected", "statusInfo": {"reasonCode": "UnsupportedCertType"}}
        try:
            csr = signer.check(payload["csr"], ctx.station_id)
        except CsrRejected as exc:
            log.warning("%s: CSR rejected: %s", ctx.station_id, exc,
                        extra={"station_id": ctx.station_id, "security_event": "InvalidCsr"})
            deps.events.publish(DomainEvent("csms.security_event", ctx.station_id, deps.clock.now(),
                                            {"type": "InvalidCsr", "source": "", "detail": str(exc)[:500]}))
            return {"status": "Rejected", "statusInfo": {"reasonCode": "InvalidCSR",
                                                         "additionalInfo": str(exc)[:512]}}

        async def send_signed() -> None:
            signed = await signer.sign(csr, ctx.station_id)
            reply = await ctx.session.call("CertificateSigned", {
                "certificateChain": signed.chain_pem, "certificateType": "ChargingStationCertificate"})
            log.info("%s: certificate %x (until %s) sent: %s", ctx.station_id, signed.serial,
                     signed.not_after.isoformat(), reply.get("status"), extra={"station_id": ctx.station_id})

        ctx.after_response(send_signed)
        return {"status": "Accepted"}

    return sign_certificate
