"""Functional block M (certificate management), the station-initiated side: GetCertificateStatus,
Get15118EVCertificate and SignCertificate, answered by the configured `StationCertificateAuthority`
(csms/services/certificates_station.py; by default one that answers Failed/Rejected with the reason). The
session validates the authority's answers against the response schema before they leave."""

from __future__ import annotations

from csms.handlers.deps import HandlerDeps
from csms.ocpp.session import HandlerContext
from csms.ocpp.wire import v2x


async def get_certificate_status(deps: HandlerDeps, ctx: HandlerContext,
                                 payload: v2x.GetCertificateStatusRequest) -> v2x.GetCertificateStatusResponse:
    return await deps.certificates.certificate_status(ctx.station_id, payload["ocspRequestData"])


async def get_15118_ev_certificate(deps: HandlerDeps, ctx: HandlerContext,
                                   payload: v2x.Get15118EVCertificateRequest) -> v2x.Get15118EVCertificateResponse:
    return await deps.certificates.ev_certificate(ctx.station_id, payload)


async def sign_certificate(deps: HandlerDeps, ctx: HandlerContext,
                           payload: v2x.SignCertificateRequest) -> v2x.SignCertificateResponse:
    return await deps.certificates.sign_certificate(ctx.station_id, payload)
