"""Firmware update campaigns (block L over many stations, csms/services/firmware.py): one UpdateFirmware with
one requestId to a list of stations, their progress, and a retry for those where it failed."""

from __future__ import annotations

import itertools
from typing import Any

from fastapi import APIRouter, Request

from csms.api.auth import Auth, Role
from csms.api.problems import not_found
from csms.api.routes.operations import firmware_of
from csms.api.schemas import FirmwareCampaignIn
from csms.api.services import ApiServices
from csms.services.firmware import FirmwareCampaigns


def router(services: ApiServices, auth: Auth) -> APIRouter:
    r = APIRouter(prefix="/api/v1/firmware-campaigns", tags=["operations"])
    viewer, operator = auth.requires(Role.VIEWER), auth.requires(Role.OPERATOR)
    campaigns = FirmwareCampaigns(services.store, services.commands, services.clock)
    sequence = itertools.count()

    @r.get("", **viewer)
    async def list_campaigns() -> list[dict[str, Any]]:
        return await campaigns.list()

    @r.post("", **operator)
    async def start(request: Request, body: FirmwareCampaignIn) -> dict[str, Any]:
        """UpdateFirmware to every station (unreachable ones are marked so); the campaign's status."""
        request.state.audit_action = "UpdateFirmware"
        request_id = (int(services.clock.now().timestamp() * 1000) + next(sequence)) % 2**31
        return dict(await campaigns.start(request_id, body.station_ids, firmware_of(body), body.retries,
                                          body.retry_interval_s))

    @r.get("/{request_id}", **viewer)
    async def status(request_id: int) -> dict[str, Any]:
        try:
            return dict(await campaigns.status(request_id))
        except KeyError:
            raise not_found(f"no firmware campaign {request_id}") from None

    @r.post("/{request_id}/retry", **operator)
    async def retry(request: Request, request_id: int) -> dict[str, Any]:
        """UpdateFirmware again to the stations that were unreachable, refused or failed."""
        request.state.audit_action = "UpdateFirmware"
        try:
            return dict(await campaigns.retry(request_id))
        except KeyError:
            raise not_found(f"no firmware campaign {request_id}") from None

    return r
