"""OCPP 1.6 Core profile, station side: BootNotification, Heartbeat, StatusNotification, Authorize; and the
status notifications of Firmware Management (FirmwareStatusNotification, DiagnosticsStatusNotification).

They write the same records as the 2.0.1 handlers, so the API, the dashboard and the fleet controller see one
fleet. A 1.6 connector N is EVSE N with connector 1 (connector 0 is the station as a whole: EVSE 0, connector 0).
1.6 statuses map onto 2.0.1's ConnectorStatus (Preparing, Charging, SuspendedEV/EVSE and Finishing are
Occupied); the 1.6 status and errorCode travel in the `connector.status` event.

After an accepted boot the CSMS reconciles the station's local authorization list when it has one for it (as for
2.0.1), and reads the station's configuration (GetConfiguration) and stores every key as a
device-model variable of component `OCPP16`; the Smart Charging key ChargingScheduleAllowedChargingRateUnit
("Current", "Power" or both) is also stored as SmartChargingCtrlr.RateUnit ("A", "W"), the variable the
charging service reads its rate unit from. Nothing a 1.6 station reports makes it bidirectional: discharge is
only commanded where the operator declared it, per model (setting `ocpp.v16_bidirectional_models`, written at
every boot as the station-wide V2XChargingCtrlr.Enabled the charging service reads) or per EVSE (PUT
.../evses/{evse_id}/capabilities).
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Sequence

from csms.domain.clock import parse_ocpp_time, to_ocpp_time
from csms.domain.records import BootPolicy, ConnectorStatusRecord, StationRecord, VariableRecord
from csms.errors import CsmsError
from csms.handlers.deps import HandlerDeps
from csms.handlers.v16.id_tags import id_tag_info
from csms.ocpp.session import HandlerContext
from csms.ocpp.wire import v16
from csms.services import local_auth_lists
from csms.services import station_records as sr
from csms.services.events import ConnectorStatusChanged, LogStatusReported, ReportCompleted, StationBooted

log = logging.getLogger("csms.handlers.v16")

CONFIG_COMPONENT = "OCPP16"
_OCCUPIED = frozenset({"Preparing", "Charging", "SuspendedEV", "SuspendedEVSE", "Finishing"})
_RATE_UNITS = {"Current": "A", "Power": "W"}


async def boot_notification(deps: HandlerDeps, ctx: HandlerContext,
                            payload: v16.BootNotificationRequest) -> v16.BootNotificationResponse:
    station_id = ctx.station_id
    now = deps.clock.now()
    existing = await deps.store.get_station(station_id) or StationRecord(station_id=station_id)
    policy = existing.boot_policy or deps.default_boot_policy
    await deps.store.put_station(dataclasses.replace(
        existing,
        vendor=payload["chargePointVendor"],
        model=payload["chargePointModel"],
        serial_number=payload.get("chargePointSerialNumber", payload.get("chargeBoxSerialNumber", "")),
        firmware_version=payload.get("firmwareVersion", ""),
        ocpp_version=ctx.version.value,
        registration_status=policy.value,
        last_boot_at=now,
        last_seen_at=now,
        connected=True,
    ))
    await deps.store.put_variables(station_id, [declared_discharge(deps, payload)])
    deps.registration[station_id] = policy
    deps.events.publish(StationBooted(station_id=station_id, at=now, status=policy.value, reason="PowerUp"))
    if policy is BootPolicy.ACCEPT and deps.fetch_device_model_on_boot:
        ctx.after_response(lambda: read_configuration(deps, ctx))
    if policy is BootPolicy.ACCEPT and await local_auth_lists.has_local_list(deps.store, station_id):
        ctx.after_response(lambda: _reconcile_local_list(deps, ctx))
    interval = deps.heartbeat_interval_s if policy is BootPolicy.ACCEPT else deps.boot_retry_interval_s
    return {"currentTime": to_ocpp_time(now), "interval": interval, "status": v16.RegistrationStatus(policy.value)}


def declared_discharge(deps: HandlerDeps, payload: v16.BootNotificationRequest) -> VariableRecord:
    """V2XChargingCtrlr.Enabled (station-wide) as the operator declared the station's model: "true" when
    "<vendor>/<model>" is in `ocpp.v16_bidirectional_models`, else "false" (rewritten at every boot, so a model
    taken off the list stops discharging; a 1.6 station never reports this variable itself)."""
    model = f"{payload['chargePointVendor']}/{payload['chargePointModel']}"
    declared = model in deps.v16_bidirectional_models
    return VariableRecord(component="V2XChargingCtrlr", variable="Enabled", value="true" if declared else "false",
                          mutability="ReadOnly")


def configuration_variables(keys: Sequence[v16.GetConfigurationResponseConfigurationKey]) -> list[VariableRecord]:
    """GetConfiguration's configurationKey list as device-model variables (see the module docstring)."""
    records: list[VariableRecord] = []
    for item in keys:
        value = item.get("value", "")
        records.append(VariableRecord(component=CONFIG_COMPONENT, variable=item["key"], value=value,
                                      mutability="ReadOnly" if item["readonly"] else "ReadWrite"))
        if item["key"] == "ChargingScheduleAllowedChargingRateUnit":
            units = sorted({_RATE_UNITS[u.strip()] for u in value.split(",") if u.strip() in _RATE_UNITS})
            if units:
                records.append(VariableRecord(component="SmartChargingCtrlr", variable="RateUnit",
                                              value=",".join(units)))
    return records


async def read_configuration(deps: HandlerDeps, ctx: HandlerContext) -> None:
    """GetConfiguration after an accepted boot; the keys become variables (`configuration_variables`)."""
    try:
        answer = await ctx.session.call_for("GetConfiguration", {}, v16.GetConfigurationResponse)
    except CsmsError as exc:
        log.info("%s: GetConfiguration after boot failed: %s", ctx.station_id, exc)
        return
    variables = configuration_variables(answer.get("configurationKey", []))
    if variables:
        await deps.store.put_variables(ctx.station_id, variables)
    deps.events.publish(ReportCompleted(station_id=ctx.station_id, at=deps.clock.now(), request_id=None))


async def _reconcile_local_list(deps: HandlerDeps, ctx: HandlerContext) -> None:
    """As for 2.0.1 (D01/D02): after a boot, bring the station's local list to the CSMS's version (the session
    sends GetLocalListVersion / SendLocalList in 1.6 form)."""
    try:
        await local_auth_lists.reconcile(ctx.session.call, deps.store, ctx.station_id)
    except CsmsError as exc:
        log.info("%s: local list reconciliation after boot failed: %s", ctx.station_id, exc)


async def status_notification(deps: HandlerDeps, ctx: HandlerContext,
                              payload: v16.StatusNotificationRequest) -> v16.StatusNotificationResponse:
    connector = payload["connectorId"]
    status = payload["status"]
    at = parse_ocpp_time(payload["timestamp"]) if "timestamp" in payload else deps.clock.now()
    record = ConnectorStatusRecord(
        station_id=ctx.station_id, evse_id=connector, connector_id=1 if connector > 0 else 0,
        status="Occupied" if status in _OCCUPIED else status, updated_at=at)
    await deps.store.put_connector_status(record)
    deps.events.publish(ConnectorStatusChanged(
        station_id=ctx.station_id, at=at, evse_id=record.evse_id, connector_id=record.connector_id,
        status=record.status, ocpp16_status=status, error_code=payload["errorCode"]))
    return {}


async def authorize(deps: HandlerDeps, ctx: HandlerContext,
                    payload: v16.AuthorizeRequest) -> v16.AuthorizeResponse:
    return {"idTagInfo": await id_tag_info(deps, payload["idTag"], ctx.station_id)}


async def diagnostics_status_notification(
    deps: HandlerDeps, ctx: HandlerContext, payload: v16.DiagnosticsStatusNotificationRequest,
) -> v16.DiagnosticsStatusNotificationResponse:
    """Progress of a GetDiagnostics upload (1.6 has no request id: the station's current upload)."""
    await sr.update_status_doc(deps.store, deps.clock, ctx.station_id, sr.LOG_UPLOAD, sr.request_key(None),
                               payload["status"], {"requestId": None})
    deps.events.publish(LogStatusReported(station_id=ctx.station_id, at=deps.clock.now(), request_id=None,
                                          status=payload["status"]))
    return {}
