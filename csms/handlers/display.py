"""Functional block O (display messages): NotifyDisplayMessages, the station's answer to GetDisplayMessages,
kept as one document per message id (csms/services/station_records.py)."""

from __future__ import annotations

from typing import Any

from csms.domain.ids import StationId
from csms.handlers.deps import HandlerDeps
from csms.ocpp.session import HandlerContext
from csms.services import station_records as sr
from csms.services.events import DomainEvent


async def notify_display_messages(deps: HandlerDeps, ctx: HandlerContext, payload: dict[str, Any]) -> dict[str, Any]:
    sid = StationId(ctx.station_id)
    for message in payload.get("messageInfo", []):
        await deps.store.put_station_doc(sid, sr.DISPLAY_MESSAGE, str(message["id"]),
                                         {**message, "requestId": payload["requestId"], "source": "station"})
    if not payload.get("tbc", False):
        deps.events.publish(DomainEvent("station.display_messages", ctx.station_id, deps.clock.now(),
                                        {"request_id": payload["requestId"]}))
    return {}
