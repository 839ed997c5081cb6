"""Records the CSMS keeps about stations, tokens, transactions and EVs. Frozen dataclasses, no I/O.

Units and signs: power is signed W (+ import/charge, - export/discharge); energies are Wh and never negative;
`soc` is 0..1. Times are UTC-aware datetimes named `*_at`.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime

from csms.domain.ids import IdTokenValue, StationId, TransactionId
from csms.domain.seqnos import SeqNos


class BootPolicy(enum.StrEnum):
    """How the CSMS answers a station's BootNotification."""

    ACCEPT = "Accepted"
    PENDING = "Pending"
    REJECT = "Rejected"


class TokenStatus(enum.StrEnum):
    """OCPP AuthorizationStatusEnumType values a token can have in our token store."""

    ACCEPTED = "Accepted"
    BLOCKED = "Blocked"
    EXPIRED = "Expired"
    INVALID = "Invalid"
    UNKNOWN = "Unknown"


@dataclass(frozen=True, slots=True)
class StationRecord:
    """What we know about a charging station, whether or not it is connected."""

    station_id: StationId
    vendor: str = ""
    model: str = ""
    serial_number: str = ""
    firmware_version: str = ""
    ocpp_version: str = ""
    boot_policy: BootPolicy | None = None  # None: the server-wide default applies
    registration_status: str = ""  # what we answered the last BootNotification: Accepted, Pending, Rejected
    last_boot_at: datetime | None = None
    last_seen_at: datetime | None = None
    connected: bool = False
    node_id: str = ""


@dataclass(frozen=True, slots=True)
class ConnectorStatusRecord:
    """Latest StatusNotification of one connector."""

    station_id: StationId
    evse_id: int
    connector_id: int
    status: str
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class VariableRecord:
    """One device-model variable attribute reported by a station (NotifyReport or GetVariables)."""

    component: str
    variable: str
    value: str
    attribute_type: str = "Actual"
    evse_id: int | None = None
    connector_id: int | None = None
    component_instance: str = ""
    variable_instance: str = ""
    mutability: str = ""
    data_type: str = ""
    max_limit: float | None = None  # the variable's characteristic maxLimit (e.g. a rating), when reported

    def key(self) -> str:
        """A stable key identifying this attribute within one station's device model."""
        evse = "" if self.evse_id is None else str(self.evse_id)
        conn = "" if self.connector_id is None else str(self.connector_id)
        return "|".join(
            (self.component, self.component_instance, evse, conn, self.variable, self.variable_instance,
             self.attribute_type)
        )


@dataclass(frozen=True, slots=True)
class TokenRecord:
    """An idToken the CSMS knows, with its authorization status."""

    id_token: IdTokenValue
    token_type: str = "ISO14443"
    status: TokenStatus = TokenStatus.ACCEPTED
    expires_at: datetime | None = None
    group_id: str = ""


@dataclass(frozen=True, slots=True)
class CredentialRecord:
    """A station's HTTP Basic credential for security profile 1; only a hash of the password is kept."""

    station_id: StationId
    password_hash: str
    created_at: datetime
    security_profile: int = 1  # the lowest OCPP security profile the station may still connect with (A05: only up)
    previous_password_hash: str | None = None  # valid until the station first logs in with the new one (A01)


@dataclass(frozen=True, slots=True)
class MeterSample:
    """One metering point in time. Registers are cumulative Wh; power is signed W."""

    measured_at: datetime
    import_register_wh: float | None = None
    export_register_wh: float | None = None
    power_w: float | None = None
    soc: float | None = None
    context: str = ""


@dataclass(frozen=True, slots=True)
class TransactionRecord:
    """A charging (or discharging) session as built from TransactionEvents.

    Energies come from the meter registers: delivered import = highest minus lowest import register seen in the
    transaction, likewise export. That makes duplicates and out-of-order events harmless.
    """

    station_id: StationId
    transaction_id: TransactionId
    evse_id: int | None = None
    connector_id: int | None = None
    id_token: str = ""
    started_at: datetime | None = None
    ended_at: datetime | None = None
    updated_at: datetime | None = None
    charging_state: str = ""
    stopped_reason: str = ""
    last_trigger_reason: str = ""
    seq_nos: SeqNos = field(default_factory=SeqNos)  # every seqNo received, as ranges (duplicates are skipped)
    offline_events: int = 0
    import_register_min_wh: float | None = None
    import_register_max_wh: float | None = None
    export_register_min_wh: float | None = None
    export_register_max_wh: float | None = None
    last_power_w: float | None = None
    last_soc: float | None = None
    last_soc_at: datetime | None = None  # when `last_soc` was measured (the station's timestamp)
    # the register of the earliest sample (by the station's time): energy counts up from it, never down
    import_register_first_wh: float | None = None
    import_register_first_at: datetime | None = None
    export_register_first_wh: float | None = None
    export_register_first_at: datetime | None = None
    id_token_type: str = ""
    remote_start_id: int | None = None
    group_id_token: str = ""
    recent_event_digests: str = ""  # content digests of the latest events (duplicate detection), space-separated
    duplicate_events: int = 0  # redeliveries dropped (same seqNo, same content)
    events_after_end: int = 0  # events that arrived after the Ended one (not applied)

    @property
    def is_open(self) -> bool:
        return self.ended_at is None

    @property
    def energy_import_wh(self) -> float:
        return _register_energy_wh(self.import_register_min_wh, self.import_register_max_wh,
                                   self.import_register_first_wh)

    @property
    def energy_export_wh(self) -> float:
        return _register_energy_wh(self.export_register_min_wh, self.export_register_max_wh,
                                   self.export_register_first_wh)


def _register_energy_wh(lo_wh: float | None, hi_wh: float | None, first_wh: float | None) -> float:
    """Highest register minus the first one (a register that goes down is not energy); records written before
    the first register was kept use the lowest one."""
    if lo_wh is None or hi_wh is None:
        return 0.0
    return max(0.0, hi_wh - (lo_wh if first_wh is None else first_wh))


@dataclass(frozen=True, slots=True)
class ChargingNeedsRecord:
    """An EV's charging needs as reported by NotifyEVChargingNeeds (or entered by an operator).

    Discharge limits are stored as positive magnitudes in `max_discharge_power_w` / `min_discharge_power_w`.
    The OCPP 2.1 energy requests (`v2xChargingParameters`, ISO 15118-20) are signed Wh from the battery's state
    when the needs were reported (`soc_at_received`, if known) to a level: `energy_min_request_wh` to the
    minimum SoC wanted at departure, `energy_max_request_wh` to the maximum SoC, `v2x_min_energy_request_wh` /
    `v2x_max_energy_request_wh` to the bottom / top of the range the EV allows for V2X cycling (the bottom is the
    driver's minimum reserve; positive: the battery is below it). `energy_request_wh` is the target request.
    """

    station_id: StationId
    evse_id: int
    received_at: datetime
    departure_at: datetime | None = None
    energy_request_wh: float | None = None
    target_soc: float | None = None
    min_soc: float | None = None
    ev_capacity_wh: float | None = None
    max_charge_power_w: float | None = None
    max_discharge_power_w: float | None = None
    discharge_allowed: bool = False
    control_mode: str = ""
    min_charge_power_w: float | None = None
    min_discharge_power_w: float | None = None
    energy_min_request_wh: float | None = None
    energy_max_request_wh: float | None = None
    v2x_min_energy_request_wh: float | None = None
    v2x_max_energy_request_wh: float | None = None
    soc_at_received: float | None = None
