"""Functional block G (availability): StatusNotification."""

from __future__ import annotations

from typing import Any

from csms.domain.clock import parse_ocpp_time
from csms.domain.ids import StationId
from csms.domain.records import ConnectorStatusRecord
from csms.handlers.deps import HandlerDeps
from csms.ocpp.session import HandlerContext
from csms.services.events import DomainEvent


async def status_notification(deps: HandlerDeps, ctx: HandlerContext, payload: dict[str, Any]) -> dict[str, Any]:
    record = ConnectorStatusRecord(
        station_id=StationId(ctx.station_id),
        evse_id=payload["evseId"],
        connector_id=payload["connectorId"],
        status=payload["connectorStatus"],
        updated_at=parse_ocpp_time(payload["timestamp"]),
    )
    await deps.store.put_connector_status(record)
    deps.events.publish(DomainEvent("connector.status", ctx.station_id, record.updated_at,
                                    {"evse_id": record.evse_id, "connector_id": record.connector_id,
                                     "status": record.status}))
    return {}
