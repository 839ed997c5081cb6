"""Functional block L (firmware management): FirmwareStatusNotification and PublishFirmwareStatusNotification,
kept by requestId with their status history (csms/services/station_records.py) and published as events."""

from __future__ import annotations

from typing import Any

from csms.handlers.deps import HandlerDeps
from csms.ocpp.session import HandlerContext
from csms.services import station_records as sr
from csms.services.events import DomainEvent


async def firmware_status_notification(deps: HandlerDeps, ctx: HandlerContext,
                                       payload: dict[str, Any]) -> dict[str, Any]:
    key = sr.request_key(payload.get("requestId"))
    await sr.update_status_doc(deps.store, deps.clock, ctx.station_id, sr.FIRMWARE, key, payload["status"],
                               {"requestId": payload.get("requestId")})
    deps.events.publish(DomainEvent("station.firmware_status", ctx.station_id, deps.clock.now(),
                                    {"request_id": payload.get("requestId"), "status": payload["status"]}))
    return {}


async def publish_firmware_status_notification(deps: HandlerDeps, ctx: HandlerContext,
                                               payload: dict[str, Any]) -> dict[str, Any]:
    key = sr.request_key(payload.get("requestId"))
    extra: dict[str, Any] = {"requestId": payload.get("requestId")}
    if "location" in payload:
        extra["location"] = payload["location"]
    await sr.update_status_doc(deps.store, deps.clock, ctx.station_id, sr.PUBLISH_FIRMWARE, key, payload["status"],
                               extra)
    deps.events.publish(DomainEvent("station.publish_firmware_status", ctx.station_id, deps.clock.now(),
                                    {"request_id": payload.get("requestId"), "status": payload["status"]}))
    return {}
