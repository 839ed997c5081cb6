"""Request and response models of the operator API (pydantic at the edge; the domain stays dataclasses)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, Field
from pydantic_core import PydanticCustomError

from csms.domain.ids import StationId, TransactionId, parse_station_id
from csms.domain.records import TokenStatus
from csms.domain.schedule import OperationMode, ProfilePurpose
from csms.ocpp.wire import v201
from csms.services.charging import ApplyStatus


def _station_id(raw: str) -> StationId:
    try:
        return parse_station_id(raw)
    except ValueError as exc:
        raise PydanticCustomError("value_error", "{reason}", {"reason": str(exc)}) from None


StationIdIn = Annotated[StationId, AfterValidator(_station_id)]
"""A station id from a request (path, query or body), parsed once by `parse_station_id`: an invalid one is a
422 problem naming the field ("path.station_id: invalid station id ...")."""

# ---- stations -------------------------------------------------------------------------------------------


class ConnectorOut(BaseModel):
    evse_id: int
    connector_id: int
    status: str
    updated_at: datetime


class StationOut(BaseModel):
    station_id: StationId
    connected: bool
    node_id: str | None = Field(None, description="the CSMS node holding the station's connection")
    vendor: str
    model: str
    serial_number: str
    firmware_version: str
    ocpp_version: str
    registration_status: str
    boot_policy: str | None
    last_boot_at: datetime | None
    last_seen_at: datetime | None
    connectors: list[ConnectorOut] = []


class TransactionOut(BaseModel):
    station_id: StationId
    transaction_id: TransactionId
    evse_id: int | None
    id_token: str
    started_at: datetime | None
    ended_at: datetime | None
    is_open: bool
    charging_state: str
    stopped_reason: str
    energy_import_wh: float
    energy_export_wh: float
    last_power_w: float | None
    last_soc: float | None
    offline_events: int


class MeterSampleOut(BaseModel):
    measured_at: datetime
    import_register_wh: float | None
    export_register_wh: float | None
    power_w: float | None
    soc: float | None


class PeriodOut(BaseModel):
    start_offset_s: int
    power_w: float
    mode: str


class InstalledScheduleOut(BaseModel):
    purpose: str
    starts_at: datetime
    duration_s: int
    transaction_id: str | None
    periods: list[PeriodOut]


class NeedsIn(BaseModel):
    departure_at: datetime | None = None
    energy_request_wh: float | None = Field(None, ge=0)
    target_soc: float | None = Field(None, ge=0, le=1)
    min_soc: float | None = Field(None, ge=0, le=1, description="reserve the EV is never discharged below")
    ev_capacity_wh: float | None = Field(None, gt=0)
    max_charge_power_w: float | None = Field(None, ge=0)
    max_discharge_power_w: float | None = Field(None, ge=0)
    discharge_allowed: bool = False


class NeedsOut(NeedsIn):
    """The needs as stored: what an operator can set plus what the EV reported (OCPP 2.0.1 AC/DC parameters,
    2.1 `v2xChargingParameters`; the energy requests are signed Wh from the battery's state when the needs were
    reported, `soc_at_received`)."""

    station_id: StationId
    evse_id: int
    received_at: datetime
    control_mode: str = Field("", description="ISO 15118 control mode the EV reported (2.1), if any")
    min_charge_power_w: float | None = None
    min_discharge_power_w: float | None = Field(None, description="a magnitude")
    energy_min_request_wh: float | None = Field(None, description="to the minimum SoC wanted at departure")
    energy_max_request_wh: float | None = Field(None, description="to the maximum SoC")
    v2x_min_energy_request_wh: float | None = Field(
        None, description="to the bottom of the V2X range (the driver's reserve; > 0: the battery is below it)")
    v2x_max_energy_request_wh: float | None = Field(None, description="to the top of the V2X range")
    soc_at_received: float | None = Field(None, ge=0, le=1)


class EvseOut(BaseModel):
    evse_id: int
    connectors: list[ConnectorOut]
    transaction: TransactionOut | None
    needs: NeedsOut | None
    schedules: list[InstalledScheduleOut]


class CapabilitiesIn(BaseModel):
    ocpp_version: str = Field("ocpp2.0.1", pattern="^ocpp(2\\.(0\\.1|1)|1\\.6)$")
    discharge_supported: bool = False
    rate_units: list[str] = ["W"]
    operation_modes: list[str] = []
    supports_dynamic_profiles: bool = False
    supports_max_offline_duration: bool = False
    phases: int = Field(3, ge=1, le=3)
    voltage_v: float = Field(230.0, gt=0)
    max_charge_power_w: float | None = Field(None, ge=0)
    max_discharge_power_w: float | None = Field(None, ge=0)
    station_max_charge_power_w: float | None = Field(
        None, ge=0, description="the whole station's charge rating (all its EVSEs together); null = unknown")
    station_max_discharge_power_w: float | None = Field(
        None, ge=0, description="the whole station's discharge rating (a magnitude); null = unknown")


class CredentialIn(BaseModel):
    password: str | None = Field(None, min_length=16, max_length=40, description="omit to have the CSMS generate one")


class CredentialOut(BaseModel):
    station_id: StationId
    password: str | None = Field(None, description="only returned when the CSMS generated it")


class BootPolicyIn(BaseModel):
    policy: Literal["Accepted", "Pending", "Rejected"] | None = Field(..., description="null = the server default")


# ---- commands -------------------------------------------------------------------------------------------


class OcppCallIn(BaseModel):
    action: str = Field(..., examples=["GetVariables"])
    payload: dict[str, Any] = Field(default_factory=dict)
    timeout_s: float | None = Field(None, gt=0, le=300)


class StartIn(BaseModel):
    id_token: str = Field(..., min_length=1, max_length=36)
    evse_id: int | None = Field(None, ge=1)
    max_power_w: float | None = Field(None, gt=0, le=1e7, description="start with a charging profile (K05): "
                                      "charge at up to this power, within the EVSE's safety envelope; needs evse_id")
    profile_duration_s: int = Field(86_400, ge=60, le=7 * 86_400, description="how long that profile lasts")


class StopIn(BaseModel):
    transaction_id: str = Field(..., min_length=1, max_length=36)


class ResetIn(BaseModel):
    type: Literal["Immediate", "OnIdle"] = "OnIdle"
    evse_id: int | None = Field(None, ge=1)


class AvailabilityIn(BaseModel):
    operational: bool
    evse_id: int | None = Field(None, ge=1, description="omit for the whole station")


class UnlockIn(BaseModel):
    connector_id: int = Field(1, ge=1)


class TriggerIn(BaseModel):
    message: Literal["BootNotification", "LogStatusNotification", "FirmwareStatusNotification", "Heartbeat",
                     "MeterValues", "SignChargingStationCertificate", "SignV2GCertificate", "StatusNotification",
                     "TransactionEvent", "SignCombinedCertificate", "PublishFirmwareStatusNotification"]
    evse_id: int | None = Field(None, ge=1)


class VariableRef(BaseModel):
    component: str = Field(..., min_length=1, max_length=50)
    variable: str = Field(..., min_length=1, max_length=50)


class GetVariablesIn(BaseModel):
    variables: list[VariableRef] = Field(..., min_length=1, max_length=50)


class VariableValue(VariableRef):
    value: str = Field(..., max_length=2500)


class SetVariablesIn(BaseModel):
    variables: list[VariableValue] = Field(..., min_length=1, max_length=50)


class FreqWattPointIn(BaseModel):
    frequency_hz: float = Field(..., gt=40, lt=70)
    power_w: float


class PeriodIn(BaseModel):
    start_offset_s: int = Field(..., ge=0)
    power_w: float = Field(..., description="signed W: + charge, - discharge (setpoint, or limit for ChargingOnly)")
    mode: OperationMode = OperationMode.CENTRAL_SETPOINT
    max_charge_w: float | None = Field(None, ge=0)
    max_discharge_w: float | None = Field(None, ge=0, description="magnitude")
    baseline_w: float | None = None
    freq_watt_curve: list[FreqWattPointIn] = Field(default_factory=list, max_length=20)


class ScheduleIn(BaseModel):
    periods: list[PeriodIn] = Field(..., min_length=1, max_length=96)
    duration_s: int = Field(..., gt=0, le=86400)
    starts_at: datetime | None = Field(None, description="default: now")
    purpose: ProfilePurpose = ProfilePurpose.TX
    transaction_id: str | None = Field(None, description="TxProfile: default the open transaction on the EVSE")


class ApplyOut(BaseModel):
    status: ApplyStatus
    changes: list[str]
    detail: str
    starts_at: datetime | None = None
    duration_s: int | None = None
    periods: list[PeriodOut] = []
    response: dict[str, Any] = {}


# ---- tokens ---------------------------------------------------------------------------------------------


class TokenIn(BaseModel):
    token_type: str = "ISO14443"
    status: TokenStatus = TokenStatus.ACCEPTED
    expires_at: datetime | None = None
    group_id: str = ""


class TokenOut(TokenIn):
    id_token: str


class ApiTokenIn(BaseModel):
    name: str = Field(..., min_length=1, max_length=64, pattern=r"^[\w .@-]+$")
    role: Literal["viewer", "operator", "admin"]


class ApiTokenOut(BaseModel):
    token_id: str
    name: str
    role: str
    created_at: datetime
    created_by: str
    revoked_at: datetime | None
    active: bool


class ApiTokenCreated(ApiTokenOut):
    token: str = Field(..., description="the secret: shown once, only its hash is kept")


class WhoAmI(BaseModel):
    token_id: str
    name: str
    role: str


class AuditOut(BaseModel):
    seq: int
    at: datetime
    actor: str
    token_id: str | None
    role: str | None
    method: str
    path: str
    action: str
    status: int
    outcome: str
    detail: str


# ---- fleet and grid -------------------------------------------------------------------------------------


class SocHistogram(BaseModel):
    edges: list[float] = Field(..., description="bin edges, 0..1")
    counts: list[int]
    unknown: int = Field(..., description="plugged EVs whose SoC is not reported")


class TracePointOut(BaseModel):
    at: datetime
    signal: float
    response: float = Field(..., description="(baseline - metered) / reserve on the side moved to, as scored")
    baseline_w: float
    reserve_up_w: float
    reserve_down_w: float
    requested_w: float
    metered_w: float


class PlanOut(BaseModel):
    made_at: datetime
    status: str
    evs: int
    solve_time_s: float
    ev_shortfall_wh: float
    dr_shortfall_wh: dict[str, float]


class ControllerOut(BaseModel):
    enabled: bool
    leader: bool | None
    replans: int
    plan: PlanOut | None
    last_tick: TracePointOut | None


class FleetOut(BaseModel):
    at: datetime
    stations_total: int
    stations_online: int
    evs_plugged: int
    power_import_w: float = Field(..., description="sum of charging EVs' metered power")
    power_export_w: float = Field(..., description="sum of discharging EVs' metered power, as a magnitude")
    net_power_w: float = Field(..., description="+ import, - export")
    soc: SocHistogram
    controller: ControllerOut


class EvOut(BaseModel):
    ev_id: str
    station_id: StationId
    evse_id: int
    transaction_id: TransactionId
    started_at: datetime | None
    power_w: float | None
    soc: float | None
    energy_import_wh: float
    energy_export_wh: float
    departure_at: datetime | None
    target_soc: float | None
    min_soc: float | None
    energy_request_wh: float | None
    discharge_allowed: bool
    commanded_w: float | None = Field(None, description="first period of the CSMS's installed TxProfile")


class ScoreOut(BaseModel):
    window_s: float
    points: int
    step_s: float | None
    composite: float | None
    accuracy: float | None
    delay: float | None
    precision: float | None
    windows: int


class RegulationIn(BaseModel):
    value: float | None = Field(None, description="normalised signal in [-1, 1] (+ = regulation up)")
    percent: float | None = Field(None, description="alternatively, percent of capacity")
    sampled_at: str | None = Field(None, description="RFC 3339; default now")


class RegulationOut(BaseModel):
    sampled_at: datetime
    value: float
    source: str


class DrEventIn(BaseModel):
    event_id: str = Field(..., min_length=1, max_length=64)
    start_at: datetime
    end_at: datetime
    reduction_w: float = Field(..., gt=0)
    baseline_w: float | None = Field(None, description="default: metered fleet power before the event")


class DrEventOut(BaseModel):
    event_id: str
    start_at: datetime
    end_at: datetime
    received_at: datetime
    status: Literal["scheduled", "active", "completed"]
    baseline_w: float
    committed_reduction_w: float
    delivered_reduction_w: float | None = Field(None, description="baseline - mean metered power so far")
    planned_shortfall_wh: float | None


class PricesIn(BaseModel):
    interval_start_at: datetime
    import_price_per_mwh: float
    export_price_per_mwh: float | None = None


class SettlementStation(BaseModel):
    station_id: StationId
    transactions: int
    energy_import_wh: float
    energy_export_wh: float


class SettlementOut(BaseModel):
    since: datetime | None
    until: datetime | None
    transactions: int
    energy_import_wh: float
    energy_export_wh: float
    net_energy_wh: float
    stations: list[SettlementStation]


# ---- use-case features (blocks D, H, L, N, O, P): csms/api/routes/operations.py ---------------------------


class IdTokenIn(BaseModel):
    id_token: str = Field(..., min_length=1, max_length=36)
    type: Literal["Central", "eMAID", "ISO14443", "ISO15693", "KeyCode", "Local", "MacAddress",
                  "NoAuthorization"] = "Central"

    def wire(self) -> v201.IdTokenType:
        return {"idToken": self.id_token, "type": v201.IdTokenEnumType(self.type)}


class ReservationIn(BaseModel):
    id_token: IdTokenIn
    expires_at: datetime
    evse_id: int | None = Field(None, ge=1)
    connector_type: str | None = Field(None, max_length=20)
    group_id_token: IdTokenIn | None = None


class LocalListEntryIn(BaseModel):
    id_token: IdTokenIn
    status: TokenStatus | None = Field(None, description="absent in a differential update: remove the token")
    expires_at: datetime | None = None
    group_id_token: IdTokenIn | None = None


class LocalListIn(BaseModel):
    entries: list[LocalListEntryIn] = Field(default_factory=list, max_length=1000)


class FirmwareIn(BaseModel):
    location: str = Field(..., min_length=1, max_length=512)
    retrieve_at: datetime
    install_at: datetime | None = None
    retries: int | None = Field(None, ge=0)
    retry_interval_s: int | None = Field(None, ge=0)
    signing_certificate: str | None = Field(None, max_length=5500)
    signature: str | None = Field(None, max_length=800)


class LogRequestIn(BaseModel):
    log_type: Literal["DiagnosticsLog", "SecurityLog"] = "DiagnosticsLog"
    remote_location: str = Field(..., min_length=1, max_length=512)
    oldest_at: datetime | None = None
    latest_at: datetime | None = None
    retries: int | None = Field(None, ge=0)
    retry_interval_s: int | None = Field(None, ge=0)


class DisplayMessageIn(BaseModel):
    id: int = Field(..., ge=0)
    content: str = Field(..., min_length=1, max_length=512)
    format: Literal["ASCII", "HTML", "URI", "UTF8"] = "UTF8"
    language: str | None = Field(None, max_length=8)
    priority: Literal["AlwaysFront", "InFront", "NormalCycle"] = "NormalCycle"
    state: Literal["Charging", "Faulted", "Idle", "Unavailable"] | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    transaction_id: str | None = Field(None, max_length=36)


class DataTransferIn(BaseModel):
    vendor_id: str = Field(..., min_length=1, max_length=255)
    message_id: str | None = Field(None, max_length=50)
    data: Any = None


class CustomerInformationIn(BaseModel):
    report: bool = True
    clear: bool = False
    customer_identifier: str | None = Field(None, max_length=64)
    id_token: IdTokenIn | None = None


class TariffIn(BaseModel):
    currency: str = Field("EUR", min_length=3, max_length=3, description="ISO 4217, as the station's "
                                                                          "TariffCostCtrlr.Currency")
    price_per_kwh: float = Field(0.0, ge=0)
    price_per_hour: float = Field(0.0, ge=0)
    session_fee: float = Field(0.0, ge=0)


class TariffOut(TariffIn):
    """The station's tariff, as set."""


class DeletedOut(BaseModel):
    deleted: bool


class CertificateInstallIn(BaseModel):
    certificate_type: Literal["V2GRootCertificate", "MORootCertificate", "CSMSRootCertificate",
                              "ManufacturerRootCertificate"]
    certificate: str = Field(..., min_length=1, max_length=5500, description="PEM")


class MonitorIn(BaseModel):
    component: str = Field(..., min_length=1, max_length=50)
    variable: str = Field(..., min_length=1, max_length=50)
    evse_id: int | None = Field(None, ge=0)
    type: Literal["UpperThreshold", "LowerThreshold", "Delta", "Periodic", "PeriodicClockAligned"]
    value: float
    severity: int = Field(..., ge=0, le=9)
    transaction: bool = False
    id: int | None = Field(None, ge=0, description="an existing monitor's id to replace it")


class MonitorsIn(BaseModel):
    monitors: list[MonitorIn] = Field(..., min_length=1, max_length=100)


class MonitoringBaseIn(BaseModel):
    base: Literal["All", "FactoryDefault", "HardWiredOnly"]


class MonitoringLevelIn(BaseModel):
    severity: int = Field(..., ge=0, le=9)


class FirmwareCampaignIn(FirmwareIn):
    station_ids: list[StationIdIn] = Field(..., min_length=1, max_length=10_000)


class RequestedOut(BaseModel):
    """A command the station answers now and reports on later, its reports tagged with `request_id`."""

    request_id: int
    response: dict[str, Any] = Field(..., description="the station's answer, as received")


class PasswordOut(BaseModel):
    accepted: bool
    password: str | None = Field(..., description="the generated password, shown once (null: given, or refused)")
    response: dict[str, Any] = Field(..., description="the station's SetVariables answer")


class ReservationOut(BaseModel):
    reservation_id: int
    response: dict[str, Any] = Field(..., description="the station's ReserveNow answer")
