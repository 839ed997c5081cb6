"""In-process domain events: handlers publish what happened, services (fleet control, live feeds) subscribe.

One frozen dataclass per kind of event, all subclasses of `DomainEvent`; subscribers match them with
`isinstance` / `match`. Each class has a stable `kind` string (the live feed's SSE event name, the metrics
label) and `data`, its own fields as plain values: the body of the live feed's JSON (csms/api/routes/live.py).

Delivery is synchronous and non-blocking: a subscriber must not do I/O inline (it may schedule a task).
A failing subscriber is logged and never breaks the publisher.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar

from csms.domain.ids import StationId

log = logging.getLogger("csms.events")

FLEET = StationId("")  # the station id of fleet-wide events


@dataclass(frozen=True, slots=True, kw_only=True)
class DomainEvent:
    """Something that happened to a station (`FLEET` for fleet-wide events) at `at`."""

    kind: ClassVar[str] = "event"
    # fields left out of `data` while they hold their default (keys the feed only ever showed when set)
    omitted_when_default: ClassVar[frozenset[str]] = frozenset()

    station_id: StationId
    at: datetime

    @property
    def data(self) -> dict[str, Any]:
        """The event's own fields (all but station_id and at) as a dict: the live feed's JSON body."""
        out: dict[str, Any] = {}
        for f in dataclasses.fields(self):
            if f.name in ("station_id", "at"):
                continue
            value = getattr(self, f.name)
            if f.name in self.omitted_when_default and value == f.default:
                continue
            out[f.name] = value
        return out


# ---- connection and provisioning --------------------------------------------------------------------------

@dataclass(frozen=True, slots=True, kw_only=True)
class StationConnected(DomainEvent):
    kind: ClassVar[str] = "station.connected"
    ocpp_version: str


@dataclass(frozen=True, slots=True, kw_only=True)
class StationDisconnected(DomainEvent):
    """`replaced`: a new connection of the same station took this one's place."""

    kind: ClassVar[str] = "station.disconnected"
    omitted_when_default: ClassVar[frozenset[str]] = frozenset({"replaced"})
    replaced: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class StationBooted(DomainEvent):
    """A BootNotification answered with `status` (Accepted, Pending, Rejected)."""

    kind: ClassVar[str] = "station.booted"
    status: str
    reason: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ReportCompleted(DomainEvent):
    """The last part of a device model report (`request_id` None: a 1.6 GetConfiguration)."""

    kind: ClassVar[str] = "station.report_complete"
    request_id: int | None


@dataclass(frozen=True, slots=True, kw_only=True)
class MonitoringReportCompleted(DomainEvent):
    kind: ClassVar[str] = "station.monitoring_report_complete"
    request_id: int


# ---- station notifications -------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True, kw_only=True)
class StationEventNotified(DomainEvent):
    """One event of a NotifyEvent (block N)."""

    kind: ClassVar[str] = "station.event"
    event_id: int
    trigger: str
    actual_value: str
    component: str
    variable: str
    cleared: bool
    tech_code: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class LogStatusReported(DomainEvent):
    """Progress of a log upload (`request_id` None: a 1.6 diagnostics upload)."""

    kind: ClassVar[str] = "station.log_status"
    request_id: int | None
    status: str


@dataclass(frozen=True, slots=True, kw_only=True)
class FirmwareStatusReported(DomainEvent):
    kind: ClassVar[str] = "station.firmware_status"
    request_id: int | None
    status: str


@dataclass(frozen=True, slots=True, kw_only=True)
class PublishFirmwareStatusReported(DomainEvent):
    kind: ClassVar[str] = "station.publish_firmware_status"
    request_id: int | None
    status: str


@dataclass(frozen=True, slots=True, kw_only=True)
class DisplayMessagesReported(DomainEvent):
    kind: ClassVar[str] = "station.display_messages"
    request_id: int


@dataclass(frozen=True, slots=True, kw_only=True)
class NotificationRecorded(DomainEvent):
    """A 2.1 station message the CSMS records without acting on it (csms/handlers/notifications_21.py)."""

    kind: ClassVar[str] = "station.notification"
    action: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ReservationStatusChanged(DomainEvent):
    kind: ClassVar[str] = "reservation.status"
    reservation_id: int
    status: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ConnectorStatusChanged(DomainEvent):
    """A StatusNotification; from a 1.6 station also its own status and error code."""

    kind: ClassVar[str] = "connector.status"
    omitted_when_default: ClassVar[frozenset[str]] = frozenset({"ocpp16_status", "error_code"})
    evse_id: int
    connector_id: int
    status: str
    ocpp16_status: str | None = None
    error_code: str | None = None


# ---- security ----------------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True, kw_only=True)
class StationSecurityEvent(DomainEvent):
    """A SecurityEventNotification from the station."""

    kind: ClassVar[str] = "station.security_event"
    type: str
    tech_info: str


@dataclass(frozen=True, slots=True, kw_only=True)
class CsmsSecurityEvent(DomainEvent):
    """A security event the CSMS itself saw (csms/security/events.py)."""

    kind: ClassVar[str] = "csms.security_event"
    type: str
    source: str
    detail: str


# ---- transactions and metering ---------------------------------------------------------------------------

@dataclass(frozen=True, slots=True, kw_only=True)
class TransactionChanged(DomainEvent):
    """A transaction's state after one of its events (the base of Started, Updated, Ended)."""

    transaction_id: str
    evse_id: int | None
    power_w: float | None = None  # the latest metered values, when known
    soc: float | None = None
    soc_at: datetime | None = None
    energy_import_wh: float
    energy_export_wh: float


@dataclass(frozen=True, slots=True, kw_only=True)
class TransactionStarted(TransactionChanged):
    kind: ClassVar[str] = "transaction.started"


@dataclass(frozen=True, slots=True, kw_only=True)
class TransactionUpdated(TransactionChanged):
    kind: ClassVar[str] = "transaction.updated"


@dataclass(frozen=True, slots=True, kw_only=True)
class TransactionEnded(TransactionChanged):
    kind: ClassVar[str] = "transaction.ended"


@dataclass(frozen=True, slots=True, kw_only=True)
class MeterValuesReceived(DomainEvent):
    """The latest sample of a MeterValues (`at` is its time); `transaction_id` when it belongs to one, and then
    the transaction's latest power and SoC."""

    kind: ClassVar[str] = "meter.values"
    evse_id: int | None
    transaction_id: str | None
    power_w: float | None
    soc: float | None
    soc_at: datetime | None


# ---- smart charging ----------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True, kw_only=True)
class EvChargingNeeds(DomainEvent):
    """An EV's charging needs (NotifyEVChargingNeeds, or a driver's preferences set through the API)."""

    kind: ClassVar[str] = "ev.needs"
    evse_id: int
    departure_at: datetime | None = None
    energy_request_wh: float | None = None
    discharge_allowed: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class EvChargingScheduleReported(DomainEvent):
    """NotifyEVChargingSchedule: the schedule the EV plans (`schedule`: the wire ChargingScheduleType)."""

    kind: ClassVar[str] = "ev.schedule"
    evse_id: int
    time_base: datetime
    schedule: Any


@dataclass(frozen=True, slots=True, kw_only=True)
class ChargingLimitReported(DomainEvent):
    """NotifyChargingLimit (`schedules`: the wire ChargingScheduleType list)."""

    kind: ClassVar[str] = "station.charging_limit"
    evse_id: int | None
    source: str
    grid_critical: bool | None
    schedules: list[Any]


@dataclass(frozen=True, slots=True, kw_only=True)
class ChargingLimitCleared(DomainEvent):
    kind: ClassVar[str] = "station.charging_limit_cleared"
    evse_id: int | None
    source: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ChargingProfilesReported(DomainEvent):
    """ReportChargingProfiles (`profiles`: the wire ChargingProfileType list)."""

    kind: ClassVar[str] = "station.charging_profiles"
    request_id: int
    evse_id: int
    source: str
    profiles: list[Any]
    tbc: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class CompositeScheduleMismatch(DomainEvent):
    """A station's composite schedule differs from what the CSMS installed (csms/services/profile_verifier.py)."""

    kind: ClassVar[str] = "station.composite_mismatch"
    evse_id: int
    schedule_start: datetime
    duration_s: int
    differences: list[dict[str, Any]]


@dataclass(frozen=True, slots=True, kw_only=True)
class SetpointApplied(DomainEvent):
    """A setpoint installed on an EVSE until `until` (`mode`: its operation mode; `clamped`: the safety clamp
    changed it)."""

    kind: ClassVar[str] = "setpoint.applied"
    evse_id: int
    power_w: float
    mode: str
    until: datetime
    clamped: bool


# ---- fleet -------------------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True, kw_only=True)
class FleetPlanned(DomainEvent):
    """A new fleet plan for `evs` EVs (`status`: the solver's)."""

    kind: ClassVar[str] = "fleet.planned"
    evs: int
    status: str


@dataclass(frozen=True, slots=True, kw_only=True)
class FleetPlanRejected(DomainEvent):
    """The checker refused a plan (`violations`: their kinds); `fallback` says what was used instead."""

    kind: ClassVar[str] = "fleet.plan_rejected"
    violations: list[str]
    fallback: str | None


Subscriber = Callable[[DomainEvent], None]


class EventBus:
    def __init__(self) -> None:
        self._subscribers: list[Subscriber] = []

    def subscribe(self, subscriber: Subscriber) -> None:
        self._subscribers.append(subscriber)

    def unsubscribe(self, subscriber: Subscriber) -> None:
        if subscriber in self._subscribers:
            self._subscribers.remove(subscriber)

    def publish(self, event: DomainEvent) -> None:
        for subscriber in list(self._subscribers):
            try:
                subscriber(event)
            except Exception:
                log.exception("event subscriber failed on %s", event.kind)
