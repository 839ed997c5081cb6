"""The operator REST API under /api/v1, bearer-token protected. OpenAPI at /docs.

Errors: 401 without/with a wrong token, 404 unknown resource or station not connected, 422 invalid input
(including an OCPP payload that fails the action's schema), 502 the station answered CALLERROR, 504 timeout.
"""

from __future__ import annotations

import dataclasses
import hmac
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

from fastapi import Depends, FastAPI, HTTPException, Query, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field

from csms.domain.capabilities import StationCapabilities
from csms.domain.clock import Clock
from csms.domain.ids import IdTokenValue, StationId, TransactionId, parse_station_id
from csms.domain.records import (
    BootPolicy,
    ChargingNeedsRecord,
    StationRecord,
    TokenRecord,
    TokenStatus,
    TransactionRecord,
)
from csms.domain.schedule import FreqWattPoint, OperationMode, PowerSchedule, ProfilePurpose, SchedulePeriod
from csms.errors import CallError, CallTimeout, RpcError, SessionClosed, StationNotConnected
from csms.services.charging import ApplyResult, ApplyStatus, ChargingService
from csms.services.commands import CommandService
from csms.services.credentials import CredentialService, generate_password
from csms.services.gateway import StationGateway
from csms.store.base import StateStore


@dataclass(frozen=True)
class ApiServices:
    """Everything the API may use."""

    store: StateStore
    gateway: StationGateway
    commands: CommandService
    charging: ChargingService
    credentials: CredentialService
    clock: Clock
    api_token: str
    node_info: Callable[[], dict[str, Any]] = lambda: {}


# ---- schemas ------------------------------------------------------------------------------------------


class ConnectorOut(BaseModel):
    evse_id: int
    connector_id: int
    status: str
    updated_at: datetime


class StationOut(BaseModel):
    station_id: str
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
    station_id: str
    transaction_id: str
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


class OcppCallIn(BaseModel):
    action: str = Field(..., examples=["GetVariables"])
    payload: dict[str, Any] = Field(default_factory=dict)
    timeout_s: float | None = Field(None, gt=0, le=300)


class StartIn(BaseModel):
    id_token: str = Field(..., min_length=1, max_length=36)
    evse_id: int | None = Field(None, ge=1)


class StopIn(BaseModel):
    transaction_id: str = Field(..., min_length=1, max_length=36)


class TokenIn(BaseModel):
    token_type: str = "ISO14443"
    status: TokenStatus = TokenStatus.ACCEPTED
    expires_at: datetime | None = None
    group_id: str = ""


class TokenOut(TokenIn):
    id_token: str


class CredentialIn(BaseModel):
    password: str | None = Field(None, min_length=16, max_length=40,
                                 description="omit to have the CSMS generate one")


class CredentialOut(BaseModel):
    station_id: str
    password: str | None = Field(None, description="only returned when the CSMS generated it")


class BootPolicyIn(BaseModel):
    policy: BootPolicy | None = Field(..., description="null = use the server default")


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


class PeriodOut(BaseModel):
    start_offset_s: int
    power_w: float
    mode: str


class ApplyOut(BaseModel):
    status: ApplyStatus
    changes: list[str]
    detail: str
    starts_at: datetime | None = None
    duration_s: int | None = None
    periods: list[PeriodOut] = []
    response: dict[str, Any] = {}


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
    station_id: str
    evse_id: int
    received_at: datetime


class CapabilitiesIn(BaseModel):
    ocpp_version: str = Field("ocpp2.0.1", pattern="^ocpp2\\.(0\\.1|1)$")
    discharge_supported: bool = False
    rate_units: list[str] = ["W"]
    operation_modes: list[str] = []
    supports_dynamic_profiles: bool = False
    supports_max_offline_duration: bool = False
    phases: int = Field(3, ge=1, le=3)
    voltage_v: float = Field(230.0, gt=0)
    max_charge_power_w: float | None = Field(None, ge=0)
    max_discharge_power_w: float | None = Field(None, ge=0)


def _apply_out(result: ApplyResult) -> ApplyOut:
    sched = result.schedule
    return ApplyOut(
        status=result.status, changes=list(result.changes), detail=result.detail, response=result.response,
        starts_at=None if sched is None else sched.starts_at, duration_s=None if sched is None else sched.duration_s,
        periods=[] if sched is None else [PeriodOut(start_offset_s=p.start_offset_s, power_w=p.power_w,
                                                    mode=p.mode.value) for p in sched.periods],
    )


def _tx_out(tx: TransactionRecord) -> TransactionOut:
    return TransactionOut(
        station_id=tx.station_id, transaction_id=tx.transaction_id, evse_id=tx.evse_id, id_token=tx.id_token,
        started_at=tx.started_at, ended_at=tx.ended_at, is_open=tx.is_open, charging_state=tx.charging_state,
        stopped_reason=tx.stopped_reason, energy_import_wh=tx.energy_import_wh,
        energy_export_wh=tx.energy_export_wh, last_power_w=tx.last_power_w, last_soc=tx.last_soc,
        offline_events=tx.offline_events,
    )


def _station_out(station: StationRecord, node_id: str | None, connectors: list[ConnectorOut]) -> StationOut:
    return StationOut(
        station_id=station.station_id, connected=node_id is not None, node_id=node_id, vendor=station.vendor,
        model=station.model,
        serial_number=station.serial_number, firmware_version=station.firmware_version,
        ocpp_version=station.ocpp_version, registration_status=station.registration_status,
        boot_policy=None if station.boot_policy is None else station.boot_policy.value,
        last_boot_at=station.last_boot_at, last_seen_at=station.last_seen_at, connectors=connectors,
    )


def _station_id(station_id: str) -> StationId:
    try:
        return parse_station_id(station_id)
    except ValueError as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(exc)) from None


async def _ocpp_call(services: ApiServices, station_id: str, action: str, payload: dict[str, Any],
                     timeout_s: float | None = None) -> dict[str, Any]:
    """Run a CSMS-initiated call and map its failures to HTTP statuses."""
    try:
        return await services.commands.call(station_id, action, payload, timeout_s)
    except StationNotConnected as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(exc)) from None
    except RpcError as exc:  # our payload failed the schema, or the action is unknown
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT,
                            {"code": exc.code, "description": exc.description, "details": exc.details}) from None
    except CallError as exc:
        raise HTTPException(status.HTTP_502_BAD_GATEWAY,
                            {"code": exc.code, "description": exc.description, "details": exc.details}) from None
    except (CallTimeout, SessionClosed) as exc:
        raise HTTPException(status.HTTP_504_GATEWAY_TIMEOUT, str(exc)) from None


# Module level: with postponed annotations FastAPI resolves dependency annotations in module globals.
_BEARER = HTTPBearer(auto_error=False)


def create_api(services: ApiServices) -> FastAPI:
    api = FastAPI(title="V2G CSMS operator API", version="1")

    def require_token(
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_BEARER)],
    ) -> None:
        if credentials is None or not hmac.compare_digest(credentials.credentials.encode(),
                                                          services.api_token.encode()):
            raise HTTPException(status.HTTP_401_UNAUTHORIZED, "valid bearer token required",
                                headers={"WWW-Authenticate": "Bearer"})

    auth = [Depends(require_token)]

    @api.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @api.get("/api/v1/node", dependencies=auth)
    async def node() -> dict[str, Any]:
        """This CSMS node: its id, whether it leads fleet control, how many stations it holds."""
        return services.node_info()

    @api.get("/api/v1/stations", dependencies=auth)
    async def list_stations(connected: bool | None = None) -> list[StationOut]:
        result = []
        stations = sorted(await services.store.list_stations(), key=lambda s: s.station_id)
        nodes = await services.gateway.locate([s.station_id for s in stations])
        for station in stations:
            node_id = nodes[station.station_id]
            if connected is not None and connected != (node_id is not None):
                continue
            connectors = [ConnectorOut(evse_id=c.evse_id, connector_id=c.connector_id, status=c.status,
                                       updated_at=c.updated_at)
                          for c in await services.store.list_connector_statuses(station.station_id)]
            result.append(_station_out(station, node_id, connectors))
        return result

    @api.get("/api/v1/stations/{station_id}", dependencies=auth)
    async def get_station(station_id: str) -> StationOut:
        sid = _station_id(station_id)
        station = await services.store.get_station(sid)
        if station is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, f"unknown station {station_id}")
        connectors = [ConnectorOut(evse_id=c.evse_id, connector_id=c.connector_id, status=c.status,
                                   updated_at=c.updated_at)
                      for c in await services.store.list_connector_statuses(sid)]
        return _station_out(station, (await services.gateway.locate([sid]))[sid], connectors)

    @api.get("/api/v1/stations/{station_id}/variables", dependencies=auth)
    async def get_station_variables(station_id: str) -> list[dict[str, Any]]:
        return [dataclasses.asdict(v) for v in await services.store.list_variables(_station_id(station_id))]

    @api.post("/api/v1/stations/{station_id}/ocpp", dependencies=auth)
    async def ocpp_call(station_id: str, body: OcppCallIn) -> dict[str, Any]:
        """Send any CSMS-initiated OCPP call to a connected station and return its response payload."""
        return await _ocpp_call(services, _station_id(station_id), body.action, body.payload, body.timeout_s)

    @api.post("/api/v1/stations/{station_id}/transactions/start", dependencies=auth)
    async def start_transaction(station_id: str, body: StartIn) -> dict[str, Any]:
        payload: dict[str, Any] = {"idToken": {"idToken": body.id_token, "type": "Central"},
                                   "remoteStartId": int(services.clock.now().timestamp() * 1000) % 2**31}
        if body.evse_id is not None:
            payload["evseId"] = body.evse_id
        return await _ocpp_call(services, _station_id(station_id), "RequestStartTransaction", payload)

    @api.post("/api/v1/stations/{station_id}/transactions/stop", dependencies=auth)
    async def stop_transaction(station_id: str, body: StopIn) -> dict[str, Any]:
        return await _ocpp_call(services, _station_id(station_id), "RequestStopTransaction",
                                {"transactionId": body.transaction_id})

    @api.put("/api/v1/stations/{station_id}/boot-policy", dependencies=auth)
    async def set_boot_policy(station_id: str, body: BootPolicyIn) -> StationOut:
        sid = _station_id(station_id)
        station = await services.store.get_station(sid) or StationRecord(station_id=sid)
        station = dataclasses.replace(station, boot_policy=body.policy)
        await services.store.put_station(station)
        return _station_out(station, (await services.gateway.locate([sid]))[sid], [])

    @api.put("/api/v1/stations/{station_id}/credential", dependencies=auth)
    async def set_credential(station_id: str, body: CredentialIn) -> CredentialOut:
        sid = _station_id(station_id)
        generated = body.password is None
        password = body.password or generate_password()
        await services.credentials.set_password(sid, password)
        return CredentialOut(station_id=sid, password=password if generated else None)

    @api.delete("/api/v1/stations/{station_id}/credential", dependencies=auth,
                status_code=status.HTTP_204_NO_CONTENT)
    async def delete_credential(station_id: str) -> None:
        if not await services.store.delete_credential(_station_id(station_id)):
            raise HTTPException(status.HTTP_404_NOT_FOUND, f"no credential for {station_id}")

    async def _open_transaction(sid: StationId, evse_id: int) -> str | None:
        for tx in await services.store.list_transactions(sid, open_only=True):
            if tx.evse_id == evse_id:
                return tx.transaction_id
        return None

    @api.put("/api/v1/stations/{station_id}/evses/{evse_id}/schedule", dependencies=auth)
    async def set_schedule(station_id: str, evse_id: int, body: ScheduleIn) -> ApplyOut:
        """Charge (+) or discharge (-) schedule for an EVSE. It passes the safety envelope first; the answer
        says what was changed. 409: the station cannot express it; 502: the station rejected or failed it."""
        sid = _station_id(station_id)
        tx_id = body.transaction_id
        if body.purpose is ProfilePurpose.TX and tx_id is None:
            tx_id = await _open_transaction(sid, evse_id)
            if tx_id is None:
                raise HTTPException(status.HTTP_409_CONFLICT, f"no open transaction on {station_id} EVSE {evse_id}")
        try:
            schedule = PowerSchedule(
                evse_id=evse_id, starts_at=body.starts_at or services.clock.now(), duration_s=body.duration_s,
                purpose=body.purpose, transaction_id=tx_id if body.purpose is ProfilePurpose.TX else None,
                periods=tuple(SchedulePeriod(
                    start_offset_s=p.start_offset_s, power_w=p.power_w, mode=p.mode, max_charge_w=p.max_charge_w,
                    max_discharge_w=p.max_discharge_w, baseline_w=p.baseline_w,
                    freq_watt_curve=tuple(FreqWattPoint(c.frequency_hz, c.power_w) for c in p.freq_watt_curve),
                ) for p in body.periods),
            )
        except ValueError as exc:
            raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(exc)) from None
        result = await services.charging.apply(sid, schedule, requester="api")
        if result.status is ApplyStatus.REFUSED:
            raise HTTPException(status.HTTP_409_CONFLICT, _apply_out(result).model_dump(mode="json"))
        if result.status in (ApplyStatus.REJECTED, ApplyStatus.FAILED):
            raise HTTPException(status.HTTP_502_BAD_GATEWAY, _apply_out(result).model_dump(mode="json"))
        return _apply_out(result)

    @api.delete("/api/v1/stations/{station_id}/evses/{evse_id}/schedule", dependencies=auth)
    async def clear_schedule(station_id: str, evse_id: int,
                             purpose: ProfilePurpose = ProfilePurpose.TX) -> dict[str, Any]:
        sid = _station_id(station_id)
        try:
            return await services.charging.clear(sid, evse_id, purpose)
        except StationNotConnected as exc:
            raise HTTPException(status.HTTP_404_NOT_FOUND, str(exc)) from None
        except (CallError, CallTimeout, SessionClosed) as exc:
            raise HTTPException(status.HTTP_502_BAD_GATEWAY, str(exc)) from None

    @api.get("/api/v1/stations/{station_id}/evses/{evse_id}/composite-schedule", dependencies=auth)
    async def composite_schedule(station_id: str, evse_id: int,
                                 duration_s: Annotated[int, Query(gt=0, le=86400)] = 3600) -> dict[str, Any]:
        """What the station says it will do (GetCompositeSchedule)."""
        return await _ocpp_call(services, _station_id(station_id), "GetCompositeSchedule",
                                {"duration": duration_s, "evseId": evse_id, "chargingRateUnit": "W"})

    @api.get("/api/v1/stations/{station_id}/evses/{evse_id}/needs", dependencies=auth)
    async def get_needs(station_id: str, evse_id: int) -> NeedsOut:
        needs = await services.store.get_charging_needs(_station_id(station_id), evse_id)
        if needs is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, "no charging needs known for this EVSE")
        return NeedsOut(**{k: getattr(needs, k) for k in NeedsOut.model_fields})

    @api.put("/api/v1/stations/{station_id}/evses/{evse_id}/needs", dependencies=auth)
    async def put_needs(station_id: str, evse_id: int, body: NeedsIn) -> NeedsOut:
        """Set the EV's needs and the driver's preferences (consent to discharge, minimum reserve)."""
        sid = _station_id(station_id)
        record = ChargingNeedsRecord(station_id=sid, evse_id=evse_id, received_at=services.clock.now(),
                                     **body.model_dump())
        await services.store.put_charging_needs(record)
        return NeedsOut(**{k: getattr(record, k) for k in NeedsOut.model_fields})

    @api.get("/api/v1/stations/{station_id}/evses/{evse_id}/capabilities", dependencies=auth)
    async def get_capabilities(station_id: str, evse_id: int) -> CapabilitiesIn:
        caps = await services.charging.capabilities(_station_id(station_id), evse_id)
        return CapabilitiesIn(**{**dataclasses.asdict(caps), "rate_units": sorted(caps.rate_units),
                                 "operation_modes": sorted(caps.operation_modes)})

    @api.put("/api/v1/stations/{station_id}/evses/{evse_id}/capabilities", dependencies=auth)
    async def put_capabilities(station_id: str, evse_id: int, body: CapabilitiesIn) -> CapabilitiesIn:
        """Override what was learned from the device model (e.g. a 2.0.1 station that accepts negative limits)."""
        caps = StationCapabilities(**{**body.model_dump(), "rate_units": frozenset(body.rate_units),
                                      "operation_modes": frozenset(body.operation_modes)})
        services.charging.override_capabilities(_station_id(station_id), evse_id, caps)
        return body

    @api.get("/api/v1/transactions", dependencies=auth)
    async def list_transactions(
        station_id: str | None = None, open_only: Annotated[bool, Query(alias="open")] = False
    ) -> list[TransactionOut]:
        sid = None if station_id is None else _station_id(station_id)
        txs = await services.store.list_transactions(sid, open_only=open_only)
        return [_tx_out(tx) for tx in sorted(txs, key=lambda t: (t.station_id, t.transaction_id))]

    @api.get("/api/v1/transactions/{station_id}/{transaction_id}", dependencies=auth)
    async def get_transaction(station_id: str, transaction_id: str) -> TransactionOut:
        tx = await services.store.get_transaction(_station_id(station_id), TransactionId(transaction_id))
        if tx is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, "unknown transaction")
        return _tx_out(tx)

    @api.get("/api/v1/transactions/{station_id}/{transaction_id}/meter", dependencies=auth)
    async def get_meter_samples(station_id: str, transaction_id: str) -> list[MeterSampleOut]:
        samples = await services.store.list_meter_samples(_station_id(station_id), TransactionId(transaction_id))
        return [MeterSampleOut(measured_at=s.measured_at, import_register_wh=s.import_register_wh,
                               export_register_wh=s.export_register_wh, power_w=s.power_w, soc=s.soc)
                for s in samples]

    @api.get("/api/v1/tokens", dependencies=auth)
    async def list_tokens() -> list[TokenOut]:
        return [TokenOut(id_token=t.id_token, token_type=t.token_type, status=t.status, expires_at=t.expires_at,
                         group_id=t.group_id) for t in await services.store.list_tokens()]

    @api.put("/api/v1/tokens/{id_token}", dependencies=auth)
    async def put_token(id_token: str, body: TokenIn) -> TokenOut:
        if not 1 <= len(id_token) <= 36:
            raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "idToken must be 1-36 characters")
        await services.store.put_token(TokenRecord(id_token=IdTokenValue(id_token), token_type=body.token_type,
                                                   status=body.status, expires_at=body.expires_at,
                                                   group_id=body.group_id))
        return TokenOut(id_token=id_token, **body.model_dump())

    @api.delete("/api/v1/tokens/{id_token}", dependencies=auth, status_code=status.HTTP_204_NO_CONTENT)
    async def delete_token(id_token: str) -> None:
        if not await services.store.delete_token(id_token):
            raise HTTPException(status.HTTP_404_NOT_FOUND, f"unknown token {id_token}")

    return api
