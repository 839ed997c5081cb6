"""Helpers shared by the routers: OCPP error mapping, record -> schema conversion."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from fastapi import Request

from csms.api.problems import OCPP_CALL_ERROR, STATION_NOT_CONNECTED, STATION_TIMEOUT, ApiProblem
from csms.api.schemas import (
    ApplyOut,
    ConnectorOut,
    InstalledScheduleOut,
    NeedsOut,
    PeriodOut,
    StationOut,
    TransactionOut,
)
from csms.api.services import ApiServices
from csms.domain.ids import StationId
from csms.domain.records import ChargingNeedsRecord, ConnectorStatusRecord, StationRecord, TransactionRecord
from csms.domain.schedule import PowerSchedule
from csms.errors import CallError, CallTimeout, RpcError, SessionClosed, StationNotConnected
from csms.ocpp.calls import Answer as Ans
from csms.ocpp.calls import Call
from csms.ocpp.calls import Request as Req
from csms.services.charging import ApplyResult


def not_connected(exc: Exception) -> ApiProblem:
    return ApiProblem(404, str(exc), type_=STATION_NOT_CONNECTED, title="Station not connected")


def ocpp_problem(status: int, exc: RpcError | CallError) -> ApiProblem:
    legacy: dict[str, Any] = {"code": exc.code, "description": exc.description, "details": exc.details}
    title = "Invalid OCPP request" if status == 422 else "Station answered with an OCPP error"
    return ApiProblem(status, legacy, type_=OCPP_CALL_ERROR, title=title, code=exc.code,
                      description=exc.description, details=exc.details)


@contextlib.contextmanager
def station_call_errors(request: Request, action: str) -> Iterator[None]:
    """Audit `action` and map a CSMS-initiated call's failures to problems: 404 not connected, 422 our payload
    fails the schema or the action is unknown, 502 the station's CALLERROR, 504 timeout or connection lost."""
    request.state.audit_action = action
    try:
        yield
    except StationNotConnected as exc:
        raise not_connected(exc) from None
    except RpcError as exc:
        raise ocpp_problem(422, exc) from None
    except CallError as exc:
        raise ocpp_problem(502, exc) from None
    except (CallTimeout, SessionClosed) as exc:
        raise ApiProblem(504, str(exc) or type(exc).__name__, type_=STATION_TIMEOUT) from None


async def ocpp_call(services: ApiServices, request: Request, station_id: StationId, action: str,
                    payload: dict[str, Any], timeout_s: float | None = None) -> dict[str, Any]:
    """Run a CSMS-initiated call, its failures mapped by `station_call_errors`."""
    with station_call_errors(request, action):
        response = await services.commands.call(station_id, action, payload, timeout_s)
    if isinstance(response.get("status"), str):
        request.state.audit_detail = f"station answered {response['status']}"
    return response


async def ocpp_send(services: ApiServices, request: Request, station_id: StationId, call: Call[Req, Ans],
                    payload: Req, timeout_s: float | None = None) -> dict[str, Any]:
    """`ocpp_call` of a typed action (csms/ocpp/calls.py): mypy checks `payload` against the action's request;
    the station's answer is the API's JSON response."""
    return await ocpp_call(services, request, station_id, call.action, dict(payload), timeout_s)


def connector_out(c: ConnectorStatusRecord) -> ConnectorOut:
    return ConnectorOut(evse_id=c.evse_id, connector_id=c.connector_id, status=c.status, updated_at=c.updated_at)


def station_out(station: StationRecord, node_id: str | None, connectors: list[ConnectorOut]) -> StationOut:
    return StationOut(
        station_id=station.station_id, connected=node_id is not None, node_id=node_id, vendor=station.vendor,
        model=station.model, serial_number=station.serial_number, firmware_version=station.firmware_version,
        ocpp_version=station.ocpp_version, registration_status=station.registration_status,
        boot_policy=None if station.boot_policy is None else station.boot_policy.value,
        last_boot_at=station.last_boot_at, last_seen_at=station.last_seen_at, connectors=connectors,
    )


def tx_out(tx: TransactionRecord) -> TransactionOut:
    return TransactionOut(
        station_id=tx.station_id, transaction_id=tx.transaction_id, evse_id=tx.evse_id, id_token=tx.id_token,
        started_at=tx.started_at, ended_at=tx.ended_at, is_open=tx.is_open, charging_state=tx.charging_state,
        stopped_reason=tx.stopped_reason, energy_import_wh=tx.energy_import_wh,
        energy_export_wh=tx.energy_export_wh, last_power_w=tx.last_power_w, last_soc=tx.last_soc,
        offline_events=tx.offline_events,
    )


def needs_out(needs: ChargingNeedsRecord) -> NeedsOut:
    return NeedsOut(**{k: getattr(needs, k) for k in NeedsOut.model_fields})


def periods_out(schedule: PowerSchedule) -> list[PeriodOut]:
    return [PeriodOut(start_offset_s=p.start_offset_s, power_w=p.power_w, mode=p.mode.value)
            for p in schedule.periods]


def schedule_out(schedule: PowerSchedule) -> InstalledScheduleOut:
    return InstalledScheduleOut(purpose=schedule.purpose.value, starts_at=schedule.starts_at,
                                duration_s=schedule.duration_s, transaction_id=schedule.transaction_id,
                                periods=periods_out(schedule))


def apply_out(result: ApplyResult) -> ApplyOut:
    sched = result.schedule
    return ApplyOut(
        status=result.status, changes=list(result.changes), detail=result.detail, response=result.response,
        starts_at=None if sched is None else sched.starts_at, duration_s=None if sched is None else sched.duration_s,
        periods=[] if sched is None else periods_out(sched),
    )
