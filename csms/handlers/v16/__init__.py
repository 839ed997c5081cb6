"""OCPP 1.6J handlers, one module per concern, mapped onto the same records and services as the 2.0.1 ones.

Feature profiles, station side: Core (`core`, `transactions`; DataTransfer shares the 2.0.1 handler, the
payloads are alike), Firmware Management (FirmwareStatusNotification, DiagnosticsStatusNotification), and the
Security Whitepaper messages whose payloads match their 2.0.1 twins (SecurityEventNotification,
SignedFirmwareStatusNotification, LogStatusNotification). Local Auth List Management, Reservation, Smart
Charging and Remote Trigger are CSMS-initiated only (csms/ocpp/v16_adapter.py). The boot gate is the 2.0.1
one (`csms.handlers.GatedHandlers`): before an accepted BootNotification every other CALL gets SecurityError.
"""

from __future__ import annotations

from csms.handlers import BoundHandler, GatedHandlers, data_transfer, diagnostics, firmware, provisioning, security
from csms.handlers.deps import HandlerDeps
from csms.handlers.v16 import core, transactions

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


def build_v16_handlers(deps: HandlerDeps, extra: dict[str, BoundHandler] | None = None) -> GatedHandlers:
    """Bind every 1.6 handler (plus `extra`) to `deps`."""
    return GatedHandlers(deps, {**HANDLERS_V16, **(extra or {})})
