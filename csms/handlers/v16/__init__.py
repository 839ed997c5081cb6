"""OCPP 1.6J handlers, one module per concern, mapped onto the same records and services as the 2.0.1 ones.

Feature profiles, station side: Core (`core`, `transactions`; DataTransfer shares the 2.0.1 handler, the payloads
are alike), Firmware Management (FirmwareStatusNotification, DiagnosticsStatusNotification), and the Security
Whitepaper messages whose payloads match their 2.0.1 twins (SecurityEventNotification,
SignedFirmwareStatusNotification, LogStatusNotification; SignCertificate with the 2.0.1 table). Local Auth List
Management, Reservation, Smart Charging and Remote Trigger are CSMS-initiated only (csms/ocpp/v16_adapter.py). The
boot gate is the 2.0.1 one (`csms.handlers.GatedHandlers`): before an accepted BootNotification every other CALL
gets SecurityError.
"""

from __future__ import annotations

from collections.abc import Mapping

from csms.handlers import BoundHandler, GatedHandlers, data_transfer, diagnostics, firmware, provisioning, security
from csms.handlers.deps import HandlerDeps
from csms.handlers.v16 import core, transactions
from csms.ocpp.session import CallHandler, HandlerContext, Response
from csms.ocpp.wire import v16

HANDLERS_V16: dict[str, BoundHandler] = {
    # Core
    "BootNotification": core.boot_notification,
    "Heartbeat": provisioning.heartbeat,
    "StatusNotification": core.status_notification,
    "Authorize": core.authorize,
    "StartTransaction": transactions.start_transaction,
    "MeterValues": transactions.meter_values,
    "StopTransaction": transactions.stop_transaction,
    "DataTransfer": data_transfer.data_transfer,
    # Firmware Management
    "FirmwareStatusNotification": firmware.firmware_status_notification,
    "DiagnosticsStatusNotification": core.diagnostics_status_notification,
    # Security Whitepaper (edition 2)
    "SecurityEventNotification": security.security_event_notification,
    "SignedFirmwareStatusNotification": firmware.firmware_status_notification,
    "LogStatusNotification": diagnostics.log_status_notification,
}


def _status_only(handler: CallHandler) -> CallHandler:
    """A 2.0.1 handler whose answer 1.6 knows only as `status` (no statusInfo)."""
    async def answer(ctx: HandlerContext, payload: v16.SignCertificateRequest) -> Response:
        return {"status": (await handler(ctx, payload))["status"]}
    return answer


def build_v16_handlers(deps: HandlerDeps, extra: dict[str, BoundHandler] | None = None,
                       handlers_201: Mapping[str, CallHandler] | None = None) -> GatedHandlers:
    """Bind every 1.6 handler (plus `extra`) to `deps`. With the 2.0.1 table, 1.6 SignCertificate (Security
    Whitepaper) is the 2.0.1 one (the certificate authority it was built with; CertificateSigned goes out in
    1.6 form, csms/ocpp/v16_adapter.py), answered with its status only."""
    table = GatedHandlers(deps, {**HANDLERS_V16, **(extra or {})})
    sign = None if handlers_201 is None else handlers_201.get("SignCertificate")
    if sign is not None and "SignCertificate" not in table:
        table["SignCertificate"] = _status_only(sign)
    return table
