"""OCPP handlers, one module per functional block. `build_handlers` binds them to their dependencies.

Until a station's BootNotification has been Accepted on this node (or was Accepted before a reconnect), any
other CALL from it is answered with CALLERROR SecurityError (OCPP 2.0.1 B02/B03).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from csms.domain.records import BootPolicy
from csms.errors import SecurityError
from csms.handlers import (
    authorization,
    availability,
    meter_values,
    provisioning,
    security,
    smart_charging,
    transactions,
)
from csms.handlers.deps import HandlerDeps
from csms.ocpp.session import Handler, HandlerContext

BoundHandler = Callable[[HandlerDeps, HandlerContext, dict[str, Any]], Awaitable[dict[str, Any]]]

HANDLERS: dict[str, BoundHandler] = {
    "BootNotification": provisioning.boot_notification,
    "Heartbeat": provisioning.heartbeat,
    "NotifyReport": provisioning.notify_report,
    "StatusNotification": availability.status_notification,
    "Authorize": authorization.authorize,
    "TransactionEvent": transactions.transaction_event,
    "MeterValues": meter_values.meter_values,
    "SecurityEventNotification": security.security_event_notification,
    "NotifyEVChargingNeeds": smart_charging.notify_ev_charging_needs,
    "NotifyEVChargingSchedule": smart_charging.notify_ev_charging_schedule,
    "NotifyChargingLimit": smart_charging.notify_charging_limit,
    "ReportChargingProfiles": smart_charging.report_charging_profiles,
}


def _bind(deps: HandlerDeps, action: str, fn: BoundHandler) -> Handler:
    if action == "BootNotification":
        async def boot(ctx: HandlerContext, payload: dict[str, Any]) -> dict[str, Any]:
            return await fn(deps, ctx, payload)
        return boot

    async def gated(ctx: HandlerContext, payload: dict[str, Any]) -> dict[str, Any]:
        if deps.registration.get(ctx.station_id) is not BootPolicy.ACCEPT:
            raise SecurityError(f"{action} before the station's BootNotification was accepted")
        return await fn(deps, ctx, payload)
    return gated


def build_handlers(deps: HandlerDeps, extra: dict[str, BoundHandler] | None = None) -> dict[str, Handler]:
    """Bind every handler (plus `extra`, e.g. smart-charging ones) to `deps`."""
    table = {**HANDLERS, **(extra or {})}
    return {action: _bind(deps, action, fn) for action, fn in table.items()}
