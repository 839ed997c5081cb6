"""Functional block M (certificate management), the station-initiated side: GetCertificateStatus,
Get15118EVCertificate and SignCertificate, answered by the configured `StationCertificateAuthority`
(csms/services/certificates_station.py; by default one that answers Failed/Rejected with the reason)."""

from __future__ import annotations

from typing import Any

from csms.handlers.deps import HandlerDeps
from csms.ocpp.session import HandlerContext


async def get_certificate_status(deps: HandlerDeps, ctx: HandlerContext, payload: dict[str, Any]) -> dict[str, Any]:
    return await deps.certificates.certificate_status(ctx.station_id, payload["ocspRequestData"])


async def get_15118_ev_certificate(deps: HandlerDeps, ctx: HandlerContext,
                                   payload: dict[str, Any]) -> dict[str, Any]:
    return await deps.certificates.ev_certificate(ctx.station_id, payload)


async def sign_certificate(deps: HandlerDeps, ctx: HandlerContext, payload: dict[str, Any]) -> dict[str, Any]:
    return await deps.certificates.sign_certificate(ctx.station_id, payload)
