"""Functional block O (display messages): NotifyDisplayMessages, the station's answer to GetDisplayMessages,
kept as one document per message id (csms/services/station_records.py)."""

from __future__ import annotations

from csms.handlers.deps import HandlerDeps
from csms.ocpp.session import HandlerContext
from csms.ocpp.wire import v2x
from csms.services import station_records as sr
from csms.services.events import DisplayMessagesReported


async def notify_display_messages(deps: HandlerDeps, ctx: HandlerContext,
                                  payload: v2x.NotifyDisplayMessagesRequest) -> v2x.NotifyDisplayMessagesResponse:
    sid = ctx.station_id
    for message in payload.get("messageInfo", []):
        await deps.store.put_station_doc(sid, sr.DISPLAY_MESSAGE, str(message["id"]),
                                         {**message, "requestId": payload["requestId"], "source": "station"})
    if not payload.get("tbc", False):
        deps.events.publish(DisplayMessagesReported(station_id=ctx.station_id, at=deps.clock.now(),
                                                    request_id=payload["requestId"]))
    return {}
