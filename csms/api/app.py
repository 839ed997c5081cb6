"""The operator REST API under /api/v1, bearer-token protected. OpenAPI at /docs.

Errors: 401 without/with a wrong token, 404 unknown resource or station not connected, 422 invalid input
(including an OCPP payload that fails the action's schema), 502 the station answered CALLERROR, 504 timeout.
"""

from __future__ import annotations

import dataclasses
import hmac
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

from fastapi import Depends, FastAPI, HTTPException, Query, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field

from csms.domain.clock import Clock
from csms.domain.ids import IdTokenValue, StationId, TransactionId, parse_station_id
from csms.domain.records import BootPolicy, StationRecord, TokenRecord, TokenStatus, TransactionRecord
from csms.errors import CallError, CallTimeout, RpcError, SessionClosed, StationNotConnected
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
    credentials: CredentialService
    clock: Clock
    api_token: str


# ---- schemas ------------------------------------------------------------------------------------------


class ConnectorOut(BaseModel):
    evse_id: int
    connector_id: int
    status: str
    updated_at: datetime


class StationOut(BaseModel):
    station_id: str
    connected: bool
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


def _tx_out(tx: TransactionRecord) -> TransactionOut:
    return TransactionOut(
        station_id=tx.station_id, transaction_id=tx.transaction_id, evse_id=tx.evse_id, id_token=tx.id_token,
        started_at=tx.started_at, ended_at=tx.ended_at, is_open=tx.is_open, charging_state=tx.charging_state,
        stopped_reason=tx.stopped_reason, energy_import_wh=tx.energy_import_wh,
        energy_export_wh=tx.energy_export_wh, last_power_w=tx.last_power_w, last_soc=tx.last_soc,
        offline_events=tx.offline_events,
    )


def _station_out(station: StationRecord, connected: bool, connectors: list[ConnectorOut]) -> StationOut:
    return StationOut(
        station_id=station.station_id, connected=connected, vendor=station.vendor, model=station.model,
        serial_number=station.serial_number, firmware_version=station.firmware_version,
        ocpp_version=station.ocpp_version, registration_status=station.registration_status,
        boot_policy=None if station.boot_policy is None else station.boot_policy.value,
        last_boot_at=station.last_boot_at, last_seen_at=station.last_seen_at, connectors=connectors,
    )


def _station_id(station_id: str) -> StationId:
    try:
        return parse_station_id(station_id)
    except ValueError as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY, str(exc)) from None


async def _ocpp_call(services: ApiServices, station_id: str, action: str, payload: dict[str, Any],
                     timeout_s: float | None = None) -> dict[str, Any]:
    """Run a CSMS-initiated call and map its failures to HTTP statuses."""
    try:
        return await services.commands.call(station_id, action, payload, timeout_s)
    except StationNotConnected as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(exc)) from None
    except RpcError as exc:  # our payload failed the schema, or the action is unknown
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY,
                            {"code": exc.code, "description": exc.description, "details": exc.details}) from None
    except CallError as exc:
        raise HTTPException(status.HTTP_502_BAD_GATEWAY,
                            {"code": exc.code, "description": exc.description, "details": exc.details}) from None
    except (CallTimeout, SessionClosed) as exc:
        raise HTTPException(status.HTTP_504_GATEWAY_TIMEOUT, str(exc)) from None


def create_api(services: ApiServices) -> FastAPI:
    api = FastAPI(title="V2G CSMS operator API", version="1")
    bearer = HTTPBearer(auto_error=False)

    def require_token(
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    ) -> None:
        if credentials is None or not hmac.compare_digest(credentials.credentials.encode(),
                                                          services.api_token.encode()):
            raise HTTPException(status.HTTP_401_UNAUTHORIZED, "valid bearer token required",
                                headers={"WWW-Authenticate": "Bearer"})

    auth = [Depends(require_token)]

    @api.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @api.get("/api/v1/stations", dependencies=auth)
    async def list_stations(connected: bool | None = None) -> list[StationOut]:
        result = []
        for station in sorted(await services.store.list_stations(), key=lambda s: s.station_id):
            is_connected = services.gateway.is_connected(station.station_id)
            if connected is not None and connected != is_connected:
                continue
            connectors = [ConnectorOut(evse_id=c.evse_id, connector_id=c.connector_id, status=c.status,
                                       updated_at=c.updated_at)
                          for c in await services.store.list_connector_statuses(station.station_id)]
            result.append(_station_out(station, is_connected, connectors))
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
        return _station_out(station, services.gateway.is_connected(sid), connectors)

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
        return _station_out(station, services.gateway.is_connected(sid), [])

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
            raise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY, "idToken must be 1-36 characters")
        await services.store.put_token(TokenRecord(id_token=IdTokenValue(id_token), token_type=body.token_type,
                                                   status=body.status, expires_at=body.expires_at,
                                                   group_id=body.group_id))
        return TokenOut(id_token=id_token, **body.model_dump())

    @api.delete("/api/v1/tokens/{id_token}", dependencies=auth, status_code=status.HTTP_204_NO_CONTENT)
    async def delete_token(id_token: str) -> None:
        if not await services.store.delete_token(id_token):
            raise HTTPException(status.HTTP_404_NOT_FOUND, f"unknown token {id_token}")

    return api
