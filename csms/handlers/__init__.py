"""OCPP handlers, one module per functional block. `build_handlers` binds them to their dependencies.

Every CALL a station may send under OCPP 2.0.1 has a handler here (and the 2.1 station-initiated ones, most of
them recorded only: `notifications_21`). Until a station's BootNotification has been Accepted on this node (or
was Accepted before a reconnect), any other CALL from it, handled or not, is answered with CALLERROR
SecurityError (OCPP 2.0.1 B02.FR.09 / B03): the boot gate runs before the unsupported-action check.
"""

from __future__ import annotations

from collections.abc import Mapping

from csms.domain.records import BootPolicy
from csms.errors import NotSupported, SecurityError
from csms.handlers import (
    authorization,
    availability,
    certificates,
    data_transfer,
    diagnostics,
    display,
    firmware,
    meter_values,
    notifications_21,
    provisioning,
    reservation,
    security,
    smart_charging,
    transactions,
)
from csms.handlers.deps import BoundHandler, HandlerDeps
from csms.ocpp.session import CallHandler, HandlerContext, ReceivedPayload, Response

__all__ = ["HANDLERS", "BoundHandler", "GatedHandlers", "build_handlers"]

HANDLERS: dict[str, BoundHandler] = {
    # B provisioning
    "BootNotification": provisioning.boot_notification,
    "Heartbeat": provisioning.heartbeat,
    "NotifyReport": provisioning.notify_report,
    # G availability
    "StatusNotification": availability.status_notification,
    # C authorization
    "Authorize": authorization.authorize,
    # E transactions, J metering
    "TransactionEvent": transactions.transaction_event,
    "MeterValues": meter_values.meter_values,
    # A security
    "SecurityEventNotification": security.security_event_notification,
    # K smart charging
    "NotifyEVChargingNeeds": smart_charging.notify_ev_charging_needs,
    "NotifyEVChargingSchedule": smart_charging.notify_ev_charging_schedule,
    "NotifyChargingLimit": smart_charging.notify_charging_limit,
    "ClearedChargingLimit": smart_charging.cleared_charging_limit,
    "ReportChargingProfiles": smart_charging.report_charging_profiles,
    # H reservation
    "ReservationStatusUpdate": reservation.reservation_status_update,
    # L firmware
    "FirmwareStatusNotification": firmware.firmware_status_notification,
    "PublishFirmwareStatusNotification": firmware.publish_firmware_status_notification,
    # M certificates
    "GetCertificateStatus": certificates.get_certificate_status,
    "Get15118EVCertificate": certificates.get_15118_ev_certificate,
    "SignCertificate": certificates.sign_certificate,
    # N diagnostics
    "NotifyEvent": diagnostics.notify_event,
    "NotifyMonitoringReport": diagnostics.notify_monitoring_report,
    "LogStatusNotification": diagnostics.log_status_notification,
    "NotifyCustomerInformation": diagnostics.notify_customer_information,
    # O display messages
    "NotifyDisplayMessages": display.notify_display_messages,
    # P data transfer
    "DataTransfer": data_transfer.data_transfer,
    # OCPP 2.1 only (a 2.0.1 station's payload for these fails validation first: NotImplemented)
    **notifications_21.HANDLERS_21,
}


def _bind(deps: HandlerDeps, action: str, fn: BoundHandler) -> CallHandler:
    if action == "BootNotification":
        async def boot(ctx: HandlerContext, payload: ReceivedPayload) -> Response:
            return await fn(deps, ctx, payload)
        return boot

    async def gated(ctx: HandlerContext, payload: ReceivedPayload) -> Response:
        if deps.registration.get(ctx.station_id) is not BootPolicy.ACCEPT:
            raise SecurityError(f"{action} before the station's BootNotification was accepted")
        return await fn(deps, ctx, payload)
    return gated


async def _unsupported(deps: HandlerDeps, ctx: HandlerContext, payload: ReceivedPayload) -> Response:
    raise NotSupported("this action is not supported by the CSMS (a CSMS-to-station message?)")


class GatedHandlers(dict[str, CallHandler]):
    """The bound handlers; `get` for an action without one gives a handler that still passes the boot gate, then
    answers NotSupported (the session looks handlers up with `get`)."""

    def __init__(self, deps: HandlerDeps, table: Mapping[str, BoundHandler]) -> None:
        super().__init__((action, _bind(deps, action, fn)) for action, fn in table.items())
        self._unsupported = _bind(deps, "a CALL", _unsupported)

    def get(self, action: str, default: object = None) -> CallHandler:
        handler = super().get(action)
        return self._unsupported if handler is None else handler


def build_handlers(deps: HandlerDeps, extra: dict[str, BoundHandler] | None = None) -> GatedHandlers:
    """Bind every handler (plus `extra`, e.g. smart-charging ones) to `deps`."""
    return GatedHandlers(deps, {**HANDLERS, **(extra or {})})
