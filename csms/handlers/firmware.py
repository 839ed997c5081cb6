"""Functional block L (firmware management): FirmwareStatusNotification and PublishFirmwareStatusNotification,
kept by requestId with their status history (csms/services/station_records.py) and published as events."""

from __future__ import annotations

from typing import Any

from csms.handlers.deps import HandlerDeps
from csms.ocpp.session import HandlerContext
from csms.ocpp.wire import v2x, v16
from csms.services import station_records as sr
from csms.services.events import FirmwareStatusReported, PublishFirmwareStatusReported

# 1.6 FirmwareStatusNotification (no requestId) and SignedFirmwareStatusNotification (Security Whitepaper) too
FirmwareStatusRequest = (v2x.FirmwareStatusNotificationRequest | v16.FirmwareStatusNotificationRequest
                         | v16.SignedFirmwareStatusNotificationRequest)
FirmwareStatusResponse = (v2x.FirmwareStatusNotificationResponse | v16.FirmwareStatusNotificationResponse
                          | v16.SignedFirmwareStatusNotificationResponse)


async def firmware_status_notification(deps: HandlerDeps, ctx: HandlerContext,
                                       payload: FirmwareStatusRequest) -> FirmwareStatusResponse:
    request_id = payload["requestId"] if "requestId" in payload else None
    key = sr.request_key(request_id)
    await sr.update_status_doc(deps.store, deps.clock, ctx.station_id, sr.FIRMWARE, key, payload["status"],
                               {"requestId": request_id})
    deps.events.publish(FirmwareStatusReported(station_id=ctx.station_id, at=deps.clock.now(),
                                               request_id=request_id, status=payload["status"]))
    return {}


async def publish_firmware_status_notification(
    deps: HandlerDeps, ctx: HandlerContext, payload: v2x.PublishFirmwareStatusNotificationRequest,
) -> v2x.PublishFirmwareStatusNotificationResponse:
    key = sr.request_key(payload.get("requestId"))
    extra: dict[str, Any] = {"requestId": payload.get("requestId")}
    if "location" in payload:
        extra["location"] = payload["location"]
    await sr.update_status_doc(deps.store, deps.clock, ctx.station_id, sr.PUBLISH_FIRMWARE, key, payload["status"],
                               extra)
    deps.events.publish(PublishFirmwareStatusReported(station_id=ctx.station_id, at=deps.clock.now(),
                                                      request_id=payload.get("requestId"), status=payload["status"]))
    return {}
