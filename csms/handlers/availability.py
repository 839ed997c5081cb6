"""Functional block G (availability): StatusNotification."""

from __future__ import annotations

from csms.domain.clock import parse_ocpp_time
from csms.domain.records import ConnectorStatusRecord
from csms.handlers.deps import HandlerDeps
from csms.ocpp.session import HandlerContext
from csms.ocpp.wire import v2x
from csms.services.events import ConnectorStatusChanged


async def status_notification(deps: HandlerDeps, ctx: HandlerContext,
                              payload: v2x.StatusNotificationRequest) -> v2x.StatusNotificationResponse:
    record = ConnectorStatusRecord(
        station_id=ctx.station_id,
        evse_id=payload["evseId"],
        connector_id=payload["connectorId"],
        status=payload["connectorStatus"],
        updated_at=parse_ocpp_time(payload["timestamp"]),
    )
    await deps.store.put_connector_status(record)
    deps.events.publish(ConnectorStatusChanged(station_id=ctx.station_id, at=record.updated_at,
                                               evse_id=record.evse_id, connector_id=record.connector_id,
                                               status=record.status))
    return {}
