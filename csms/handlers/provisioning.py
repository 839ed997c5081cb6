"""Functional block B (provisioning): BootNotification, Heartbeat, NotifyReport. After an accepted boot the CSMS
asks for the device model (GetBaseReport) and reconciles the station's local authorization list (block D)."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Sequence

from csms.domain.clock import to_ocpp_time
from csms.domain.records import BootPolicy, StationRecord, VariableRecord
from csms.errors import CsmsError
from csms.handlers.deps import HandlerDeps
from csms.ocpp.session import HandlerContext
from csms.ocpp.wire import v2x, v16, v201
from csms.services import local_auth_lists
from csms.services.events import ReportCompleted, StationBooted

log = logging.getLogger("csms.handlers.provisioning")


async def boot_notification(deps: HandlerDeps, ctx: HandlerContext,
                            payload: v2x.BootNotificationRequest) -> v2x.BootNotificationResponse:
    station_id = ctx.station_id
    now = deps.clock.now()
    info = payload["chargingStation"]
    existing = await deps.store.get_station(station_id) or StationRecord(station_id=station_id)
    policy = existing.boot_policy or deps.default_boot_policy
    await deps.store.put_station(
        dataclasses.replace(
            existing,
            vendor=info["vendorName"],
            model=info["model"],
            serial_number=info.get("serialNumber", ""),
            firmware_version=info.get("firmwareVersion", ""),
            ocpp_version=ctx.version.value,
            registration_status=policy.value,
            last_boot_at=now,
            last_seen_at=now,
            connected=True,
        )
    )
    deps.registration[station_id] = policy
    deps.events.publish(StationBooted(station_id=station_id, at=now, status=policy.value, reason=payload["reason"]))
    if policy is BootPolicy.ACCEPT and deps.fetch_device_model_on_boot:
        ctx.after_response(lambda: _request_base_report(deps, ctx))
    if policy is BootPolicy.ACCEPT and await local_auth_lists.has_local_list(deps.store, station_id):
        ctx.after_response(lambda: _reconcile_local_list(deps, ctx))
    interval = deps.heartbeat_interval_s if policy is BootPolicy.ACCEPT else deps.boot_retry_interval_s
    return v201.BootNotificationResponse(currentTime=to_ocpp_time(now), interval=interval,
                                         status=v201.RegistrationStatusEnumType(policy.value))


async def _request_base_report(deps: HandlerDeps, ctx: HandlerContext) -> None:
    try:
        await ctx.session.call("GetBaseReport", {"requestId": next(deps.request_ids),
                                                 "reportBase": v201.ReportBaseEnumType.FULL_INVENTORY})
    except CsmsError as exc:
        log.info("%s: GetBaseReport after boot failed: %s", ctx.station_id, exc)


async def _reconcile_local_list(deps: HandlerDeps, ctx: HandlerContext) -> None:
    """D01/D02: after a boot, bring the station's local authorization list to the CSMS's version."""
    try:
        await local_auth_lists.reconcile(ctx.session.call, deps.store, ctx.station_id)
    except CsmsError as exc:
        log.info("%s: local list reconciliation after boot failed: %s", ctx.station_id, exc)


async def heartbeat(deps: HandlerDeps, ctx: HandlerContext, payload: v2x.HeartbeatRequest | v16.HeartbeatRequest,
                    ) -> v2x.HeartbeatResponse | v16.HeartbeatResponse:
    """Heartbeat, 2.x and 1.6 alike."""
    now = deps.clock.now()
    station = await deps.store.get_station(ctx.station_id)
    if station is not None:
        await deps.store.put_station(dataclasses.replace(station, last_seen_at=now))
    return v201.HeartbeatResponse(currentTime=to_ocpp_time(now))


def _variables_from_report(report_data: Sequence[v2x.ReportDataType]) -> list[VariableRecord]:
    records: list[VariableRecord] = []
    for item in report_data:
        component, variable = item["component"], item["variable"]
        evse = component.get("evse", {})
        characteristics = item.get("variableCharacteristics", {})
        for attribute in item["variableAttribute"]:
            records.append(
                VariableRecord(
                    component=component["name"],
                    component_instance=component.get("instance", ""),
                    evse_id=evse.get("id"),
                    connector_id=evse.get("connectorId"),
                    variable=variable["name"],
                    variable_instance=variable.get("instance", ""),
                    attribute_type=attribute.get("type", "Actual"),
                    value=attribute.get("value", ""),
                    mutability=attribute.get("mutability", ""),
                    data_type=characteristics.get("dataType", ""),
                    max_limit=None if characteristics.get("maxLimit") is None
                    else float(characteristics["maxLimit"]),
                )
            )
    return records


async def notify_report(deps: HandlerDeps, ctx: HandlerContext,
                        payload: v2x.NotifyReportRequest) -> v2x.NotifyReportResponse:
    variables = _variables_from_report(payload.get("reportData", []))
    if variables:
        await deps.store.put_variables(ctx.station_id, variables)
    if not payload.get("tbc", False):
        deps.events.publish(ReportCompleted(station_id=ctx.station_id, at=deps.clock.now(),
                                            request_id=payload["requestId"]))
    return {}
