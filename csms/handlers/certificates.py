"""Functional block M (certificate management), the station-initiated side: GetCertificateStatus,
Get15118EVCertificate and SignCertificate, answered by the configured `StationCertificateAuthority`
(csms/services/certificates_station.py; by default one that answers Failed/Rejected with the reason). The
authority builds plain dicts; the session validates them against the response schema before they leave."""

from __future__ import annotations

from typing import cast

from csms.handlers.deps import HandlerDeps
from csms.ocpp.payloads import untyped
from csms.ocpp.session import HandlerContext
from csms.ocpp.wire import v2x


async def get_certificate_status(deps: HandlerDeps, ctx: HandlerContext,
                                 payload: v2x.GetCertificateStatusRequest) -> v2x.GetCertificateStatusResponse:
    answer = await deps.certificates.certificate_status(ctx.station_id, untyped(payload["ocspRequestData"]))
    return cast(v2x.GetCertificateStatusResponse, answer)


async def get_15118_ev_certificate(deps: HandlerDeps, ctx: HandlerContext,
                                   payload: v2x.Get15118EVCertificateRequest) -> v2x.Get15118EVCertificateResponse:
    answer = await deps.certificates.ev_certificate(ctx.station_id, untyped(payload))
    return cast(v2x.Get15118EVCertificateResponse, answer)


async def sign_certificate(deps: HandlerDeps, ctx: HandlerContext,
                           payload: v2x.SignCertificateRequest) -> v2x.SignCertificateResponse:
    answer = await deps.certificates.sign_certificate(ctx.station_id, untyped(payload))
    return cast(v2x.SignCertificateResponse, answer)
