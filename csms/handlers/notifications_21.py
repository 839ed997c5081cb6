"""OCPP 2.1 station-initiated messages the CSMS records but does not act on yet: DER alarms and control reports,
priority charging, settlements, battery swaps, periodic event streams, VAT number checks, certificate chain
status and dynamic-schedule pulls. Each is logged as a station notification (csms/services/station_records.py)
and published as `station.notification`; the answer is the minimal one the 2.1 schema allows, saying (in
statusInfo) what is not supported rather than failing the call.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from csms.handlers.deps import HandlerDeps
from csms.ocpp.session import HandlerContext
from csms.services import station_records as sr
from csms.services.events import DomainEvent

Bound = Callable[[HandlerDeps, HandlerContext, dict[str, Any]], Awaitable[dict[str, Any]]]


def _not_supported(what: str) -> dict[str, Any]:
    return {"reasonCode": "NotSupported", "additionalInfo": f"{what} is not supported by this CSMS"}


def _answers(payload: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        "OpenPeriodicEventStream": {"status": "Rejected", "statusInfo": _not_supported("periodic event streams")},
        "PullDynamicScheduleUpdate": {"status": "Rejected", "statusInfo": _not_supported("dynamic schedule pull")},
        "VatNumberValidation": {"vatNumber": payload.get("vatNumber", ""), "status": "Rejected",
                                "statusInfo": _not_supported("VAT number validation")},
        "GetCertificateChainStatus": {"certificateStatus": [
            {"certificateHashData": req["certificateHashData"], "source": req["source"], "status": "Unknown",
             "nextUpdate": "1970-01-01T00:00:00Z"}
            for req in payload.get("certificateStatusRequests", [])]},
    }


def recorder(action: str) -> Bound:
    """A handler that logs `action`'s payload and answers with the minimal valid response."""
    async def record(deps: HandlerDeps, ctx: HandlerContext, payload: dict[str, Any]) -> dict[str, Any]:
        await sr.log_entries(deps.store, deps.clock, ctx.station_id, sr.NOTIFICATION,
                             [{"action": action, "payload": payload}])
        deps.events.publish(DomainEvent("station.notification", ctx.station_id, deps.clock.now(),
                                        {"action": action}))
        return _answers(payload).get(action, {})
    return record


ACTIONS_21 = ("BatterySwap", "ClosePeriodicEventStream", "GetCertificateChainStatus", "NotifyDERAlarm",
              "NotifyDERStartStop", "NotifyPriorityCharging", "NotifySettlement", "OpenPeriodicEventStream",
              "PullDynamicScheduleUpdate", "ReportDERControl", "VatNumberValidation")
