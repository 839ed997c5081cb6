"""Functional block N (diagnostics): NotifyEvent, NotifyMonitoringReport, LogStatusNotification and
NotifyCustomerInformation. Everything is kept as station records (csms/services/station_records.py) and
published on the event bus; the API reads them back (GET /api/v1/stations/{id}/events, /monitors, /logs ...).
An event's actualValue also updates that variable's Actual value in the stored device model.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from csms.domain.ids import StationId
from csms.handlers.deps import HandlerDeps
from csms.ocpp.session import HandlerContext
from csms.ocpp.wire import v2x, v16
from csms.services import station_records as sr
from csms.services.events import LogStatusReported, MonitoringReportCompleted, StationEventNotified


async def notify_event(deps: HandlerDeps, ctx: HandlerContext,
                       payload: v2x.NotifyEventRequest) -> v2x.NotifyEventResponse:
    """Every eventData becomes one entry of the station's event log (N07/N08), with the report's
    generatedAt/seqNo/tbc so a split report can be put back together."""
    frame = {"generatedAt": payload["generatedAt"], "seqNo": payload["seqNo"], "tbc": payload.get("tbc", False)}
    entries = [{**frame, **event} for event in payload["eventData"]]
    await sr.log_entries(deps.store, deps.clock, ctx.station_id, sr.EVENT, entries)
    await _keep_device_model_current(deps, ctx.station_id, payload["eventData"])
    for event in payload["eventData"]:
        deps.events.publish(StationEventNotified(
            station_id=ctx.station_id, at=deps.clock.now(), event_id=event["eventId"], trigger=event["trigger"],
            actual_value=event["actualValue"], component=event["component"]["name"],
            variable=event["variable"]["name"], cleared=event.get("cleared", False), tech_code=event.get("techCode")))
    return {}


def _actual_key(component: v2x.ComponentType,
                variable: v2x.VariableType) -> tuple[str, str, int | None, int | None, str, str]:
    evse = component.get("evse", {})
    return (component["name"], component.get("instance", ""), evse.get("id"), evse.get("connectorId"),
            variable["name"], variable.get("instance", ""))


async def _keep_device_model_current(deps: HandlerDeps, station_id: StationId,
                                     events: Sequence[v2x.EventDataType]) -> None:
    """An event's actualValue is the variable's Actual value now: the stored device model follows (only
    variables it already has; B: reports kept current)."""
    model = {(v.component, v.component_instance, v.evse_id, v.connector_id, v.variable, v.variable_instance): v
             for v in await deps.store.list_variables(station_id) if v.attribute_type == "Actual"}
    changed = {}
    for event in events:
        stored = model.get(_actual_key(event["component"], event["variable"]))
        if stored is not None and stored.value != event["actualValue"]:
            changed[stored.key()] = dataclasses.replace(stored, value=event["actualValue"])
    if changed:
        await deps.store.put_variables(station_id, list(changed.values()))


async def notify_monitoring_report(deps: HandlerDeps, ctx: HandlerContext,
                                   payload: v2x.NotifyMonitoringReportRequest) -> v2x.NotifyMonitoringReportResponse:
    """The station's variable monitors (N02/N03), one document per monitor id."""
    sid = ctx.station_id
    for item in payload.get("monitor", []):
        for monitor in item["variableMonitoring"]:
            await deps.store.put_station_doc(sid, sr.MONITOR, str(monitor["id"]), {
                **monitor, "component": item["component"], "variable": item["variable"],
                "requestId": payload["requestId"], "reportedAt": payload["generatedAt"]})
    if not payload.get("tbc", False):
        deps.events.publish(MonitoringReportCompleted(station_id=ctx.station_id, at=deps.clock.now(),
                                                      request_id=payload["requestId"]))
    return {}


LogStatusRequest = v2x.LogStatusNotificationRequest | v16.LogStatusNotificationRequest
LogStatusResponse = v2x.LogStatusNotificationResponse | v16.LogStatusNotificationResponse


async def log_status_notification(deps: HandlerDeps, ctx: HandlerContext,
                                  payload: LogStatusRequest) -> LogStatusResponse:
    """Progress of a GetLog upload (N01), by requestId (also the 1.6 Security Whitepaper message, alike)."""
    key = sr.request_key(payload.get("requestId"))
    doc = await sr.update_status_doc(deps.store, deps.clock, ctx.station_id, sr.LOG_UPLOAD, key, payload["status"],
                                     {"requestId": payload.get("requestId")})
    deps.events.publish(LogStatusReported(station_id=ctx.station_id, at=deps.clock.now(),
                                          request_id=doc["requestId"], status=doc["status"]))
    return {}


async def notify_customer_information(
    deps: HandlerDeps, ctx: HandlerContext, payload: v2x.NotifyCustomerInformationRequest,
) -> v2x.NotifyCustomerInformationResponse:
    """A part of the answer to CustomerInformation (N09), logged by requestId and seqNo."""
    await sr.log_entries(deps.store, deps.clock, ctx.station_id, sr.CUSTOMER_INFORMATION, [{
        "requestId": payload["requestId"], "seqNo": payload["seqNo"], "tbc": payload.get("tbc", False),
        "generatedAt": payload["generatedAt"], "data": payload["data"]}])
    return {}
