"""Functional block A (security): SecurityEventNotification is logged as a structured warning."""

from __future__ import annotations

import logging
from typing import Any

from csms.handlers.deps import HandlerDeps
from csms.ocpp.session import HandlerContext
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
