"""OCPP 2.1 station-initiated messages the CSMS records but does not act on yet: DER alarms and control reports,
priority charging, settlements, battery swaps, periodic event streams, VAT number checks, certificate chain
status and dynamic-schedule pulls. Each is logged as a station notification (csms/services/station_records.py)
and published as `station.notification`; the answer is the minimal one the 2.1 schema allows, saying (in
statusInfo) what is not supported rather than failing the call.
"""

from __future__ import annotations

from collections.abc import Mapping

from csms.handlers.deps import BoundHandler, HandlerDeps
from csms.ocpp.session import HandlerContext
from csms.ocpp.wire import v21
from csms.services import station_records as sr
from csms.services.events import NotificationRecorded

_REJECTED = v21.GenericStatusEnumType.REJECTED


def _not_supported(what: str) -> v21.StatusInfoType:
    return {"reasonCode": "NotSupported", "additionalInfo": f"{what} is not supported by this CSMS"}


async def _record(deps: HandlerDeps, ctx: HandlerContext, action: str, payload: Mapping[str, object]) -> None:
    await sr.log_entries(deps.store, deps.clock, ctx.station_id, sr.NOTIFICATION,
                         [{"action": action, "payload": payload}])
    deps.events.publish(NotificationRecorded(station_id=ctx.station_id, at=deps.clock.now(), action=action))


async def battery_swap(deps: HandlerDeps, ctx: HandlerContext,
                       payload: v21.BatterySwapRequest) -> v21.BatterySwapResponse:
    await _record(deps, ctx, "BatterySwap", payload)
    return {}


async def close_periodic_event_stream(deps: HandlerDeps, ctx: HandlerContext,
                                      payload: v21.ClosePeriodicEventStreamRequest,
                                      ) -> v21.ClosePeriodicEventStreamResponse:
    await _record(deps, ctx, "ClosePeriodicEventStream", payload)
    return {}


async def get_certificate_chain_status(deps: HandlerDeps, ctx: HandlerContext,
                                       payload: v21.GetCertificateChainStatusRequest,
                                       ) -> v21.GetCertificateChainStatusResponse:
    await _record(deps, ctx, "GetCertificateChainStatus", payload)
    return {"certificateStatus": [
        {"certificateHashData": req["certificateHashData"], "source": req["source"],
         "status": v21.CertificateStatusEnumType.UNKNOWN, "nextUpdate": "1970-01-01T00:00:00Z"}
        for req in payload.get("certificateStatusRequests", [])]}


async def notify_der_alarm(deps: HandlerDeps, ctx: HandlerContext,
                           payload: v21.NotifyDERAlarmRequest) -> v21.NotifyDERAlarmResponse:
    await _record(deps, ctx, "NotifyDERAlarm", payload)
    return {}


async def notify_der_start_stop(deps: HandlerDeps, ctx: HandlerContext,
                                payload: v21.NotifyDERStartStopRequest) -> v21.NotifyDERStartStopResponse:
    await _record(deps, ctx, "NotifyDERStartStop", payload)
    return {}


async def notify_priority_charging(deps: HandlerDeps, ctx: HandlerContext,
                                   payload: v21.NotifyPriorityChargingRequest) -> v21.NotifyPriorityChargingResponse:
    await _record(deps, ctx, "NotifyPriorityCharging", payload)
    return {}


async def notify_settlement(deps: HandlerDeps, ctx: HandlerContext,
                            payload: v21.NotifySettlementRequest) -> v21.NotifySettlementResponse:
    await _record(deps, ctx, "NotifySettlement", payload)
    return {}


async def open_periodic_event_stream(deps: HandlerDeps, ctx: HandlerContext,
                                     payload: v21.OpenPeriodicEventStreamRequest,
                                     ) -> v21.OpenPeriodicEventStreamResponse:
    await _record(deps, ctx, "OpenPeriodicEventStream", payload)
    return {"status": _REJECTED, "statusInfo": _not_supported("periodic event streams")}


async def pull_dynamic_schedule_update(deps: HandlerDeps, ctx: HandlerContext,
                                       payload: v21.PullDynamicScheduleUpdateRequest,
                                       ) -> v21.PullDynamicScheduleUpdateResponse:
    await _record(deps, ctx, "PullDynamicScheduleUpdate", payload)
    return {"status": v21.ChargingProfileStatusEnumType.REJECTED,
            "statusInfo": _not_supported("dynamic schedule pull")}


async def report_der_control(deps: HandlerDeps, ctx: HandlerContext,
                             payload: v21.ReportDERControlRequest) -> v21.ReportDERControlResponse:
    await _record(deps, ctx, "ReportDERControl", payload)
    return {}


async def vat_number_validation(deps: HandlerDeps, ctx: HandlerContext,
                                payload: v21.VatNumberValidationRequest) -> v21.VatNumberValidationResponse:
    await _record(deps, ctx, "VatNumberValidation", payload)
    return {"vatNumber": payload.get("vatNumber", ""), "status": _REJECTED,
            "statusInfo": _not_supported("VAT number validation")}


HANDLERS_21: dict[str, BoundHandler] = {
    "BatterySwap": battery_swap,
    "ClosePeriodicEventStream": close_periodic_event_stream,
    "GetCertificateChainStatus": get_certificate_chain_status,
    "NotifyDERAlarm": notify_der_alarm,
    "NotifyDERStartStop": notify_der_start_stop,
    "NotifyPriorityCharging": notify_priority_charging,
    "NotifySettlement": notify_settlement,
    "OpenPeriodicEventStream": open_periodic_event_stream,
    "PullDynamicScheduleUpdate": pull_dynamic_schedule_update,
    "ReportDERControl": report_der_control,
    "VatNumberValidation": vat_number_validation,
}
ACTIONS_21 = tuple(HANDLERS_21)
