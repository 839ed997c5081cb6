"""Commands to stations (operator): remote start/stop, reset, availability, unlock, trigger, get/set variables,
charge/discharge schedules, and any CSMS-initiated OCPP call. Each is audited by the API middleware."""

import contextlib
import math
from collections.abc import Awaitable, Iterator, Mapping
from typing import Annotated, Any, cast

from fastapi import APIRouter, Query, Request

from csms.api.auth import Auth, Role
from csms.api.common import apply_out, not_connected, ocpp_call, ocpp_problem, ocpp_send
from csms.api.problems import OCPP_CALL_ERROR, STATION_TIMEOUT, VALIDATION, ApiProblem, conflict, invalid
from csms.api.schemas import (
    ApplyOut,
    AvailabilityIn,
    GetVariablesIn,
    OcppCallIn,
    ResetIn,
    ScheduleIn,
    SetVariablesIn,
    StartIn,
    StationIdIn,
    StopIn,
    TriggerIn,
    UnlockIn,
)
from csms.api.services import ApiServices
from csms.domain.ids import StationId
from csms.domain.schedule import FreqWattPoint, PowerSchedule, ProfilePurpose, SchedulePeriod
from csms.errors import CallError, CallTimeout, RpcError, SessionClosed, StationNotConnected
from csms.ocpp import calls
from csms.ocpp.calls import Answer as Ans
from csms.ocpp.calls import Call
from csms.ocpp.calls import Request as Req
from csms.ocpp.profiles import EncodeError
from csms.ocpp.wire import v201
from csms.services import device_model
from csms.services.charging import ApplyStatus

# actions that command charge/discharge power: only through the schedule endpoint (and its safety envelope)
_POWER_COMMANDS = frozenset({"setchargingprofile", "updatedynamicschedule"})
_STARTS_WITH_PROFILE = frozenset({"requeststarttransaction", "remotestarttransaction"})  # 2.x, 1.6


@contextlib.contextmanager
def _station_errors() -> Iterator[None]:
    """A station command's failures as problems: 404 not connected, 502 its CALLERROR, 504 timeout or lost."""
    try:
        yield
    except StationNotConnected as exc:
        raise not_connected(exc) from None
    except CallError as exc:
        raise ApiProblem(502, f"{exc.code}: {exc.description}", type_=OCPP_CALL_ERROR, code=exc.code) from None
    except (CallTimeout, SessionClosed) as exc:
        raise ApiProblem(504, str(exc) or type(exc).__name__, type_=STATION_TIMEOUT) from None


def router(services: ApiServices, auth: Auth) -> APIRouter:
    r = APIRouter(prefix="/api/v1/stations/{station_id}", tags=["commands"])
    viewer, operator = auth.requires(Role.VIEWER), auth.requires(Role.OPERATOR)

    async def send(request: Request, station_id: StationId, call: Call[Req, Ans], payload: Req) -> dict[str, Any]:
        return await ocpp_send(services, request, station_id, call, payload)

    @r.post("/ocpp", **operator)
    async def ocpp_generic(request: Request, station_id: StationIdIn, body: OcppCallIn) -> dict[str, Any]:
        """Send a CSMS-initiated OCPP call to a connected station and return its response payload. Calls that
        command charge or discharge power (SetChargingProfile, UpdateDynamicSchedule, RequestStartTransaction or
        1.6 RemoteStartTransaction with a chargingProfile) are refused with 422: they must pass the safety
        envelope, through PUT /api/v1/stations/{station_id}/evses/{evse_id}/schedule."""
        action = body.action.strip()
        if action.casefold() in _POWER_COMMANDS or (action.casefold() in _STARTS_WITH_PROFILE
                                                    and "chargingProfile" in body.payload):
            detail = (f"{action} commands power and must pass the safety envelope: use PUT "
                      f"/api/v1/stations/{station_id}/evses/{{evse_id}}/schedule instead of the raw OCPP call")
            raise ApiProblem(422, detail, type_=VALIDATION, title="Invalid request",
                             errors=[{"field": "body.action", "message": detail, "type": "value_error"}],
                             use="PUT /api/v1/stations/{station_id}/evses/{evse_id}/schedule")
        return await ocpp_call(services, request, station_id, body.action, body.payload, body.timeout_s)

    @r.post("/transactions/start", **operator)
    async def start_transaction(request: Request, station_id: StationIdIn, body: StartIn) -> dict[str, Any]:
        payload: v201.RequestStartTransactionRequest = {
            "idToken": {"idToken": body.id_token, "type": v201.IdTokenEnumType.CENTRAL},
            "remoteStartId": int(services.clock.now().timestamp() * 1000) % 2**31}
        if body.evse_id is not None:
            payload["evseId"] = body.evse_id
        if body.max_power_w is not None:
            if body.evse_id is None:
                detail = "a start with max_power_w (a charging profile) needs evse_id"
                raise ApiProblem(422, detail, type_=VALIDATION, title="Invalid request",
                                 errors=[{"field": "body.evse_id", "message": detail, "type": "value_error"}])
            try:
                profile = await services.charging.remote_start_profile(
                    station_id, body.evse_id, body.max_power_w, body.profile_duration_s)
            except EncodeError as exc:
                raise ApiProblem(422, str(exc), type_=VALIDATION, title="Invalid request",
                                 errors=[{"field": "body.max_power_w", "message": str(exc),
                                          "type": "value_error"}]) from None
            payload["chargingProfile"] = cast(v201.ChargingProfileType, profile)  # ChargingService: a plain dict
        return await send(request, station_id, calls.REQUEST_START_TRANSACTION, payload)

    @r.post("/transactions/stop", **operator)
    async def stop_transaction(request: Request, station_id: StationIdIn, body: StopIn) -> dict[str, Any]:
        payload: v201.RequestStopTransactionRequest = {"transactionId": body.transaction_id}
        return await send(request, station_id, calls.REQUEST_STOP_TRANSACTION, payload)

    @r.post("/reset", **operator)
    async def reset(request: Request, station_id: StationIdIn, body: ResetIn) -> dict[str, Any]:
        payload: v201.ResetRequest = {"type": v201.ResetEnumType(body.type)}
        if body.evse_id is not None:
            payload["evseId"] = body.evse_id
        return await send(request, station_id, calls.RESET, payload)

    @r.post("/availability", **operator)
    async def change_availability(request: Request, station_id: StationIdIn, body: AvailabilityIn) -> dict[str, Any]:
        payload: v201.ChangeAvailabilityRequest = {
            "operationalStatus": v201.OperationalStatusEnumType.OPERATIVE if body.operational
            else v201.OperationalStatusEnumType.INOPERATIVE}
        if body.evse_id is not None:
            payload["evse"] = {"id": body.evse_id}
        return await send(request, station_id, calls.CHANGE_AVAILABILITY, payload)

    @r.post("/evses/{evse_id}/unlock", **operator)
    async def unlock(request: Request, station_id: StationIdIn, evse_id: int, body: UnlockIn) -> dict[str, Any]:
        payload: v201.UnlockConnectorRequest = {"evseId": evse_id, "connectorId": body.connector_id}
        return await send(request, station_id, calls.UNLOCK_CONNECTOR, payload)

    @r.post("/trigger", **operator)
    async def trigger(request: Request, station_id: StationIdIn, body: TriggerIn) -> dict[str, Any]:
        payload: v201.TriggerMessageRequest = {"requestedMessage": v201.MessageTriggerEnumType(body.message)}
        if body.evse_id is not None:
            payload["evse"] = {"id": body.evse_id}
        return await send(request, station_id, calls.TRIGGER_MESSAGE, payload)

    @r.post("/variables/get", **operator)
    async def get_variables(request: Request, station_id: StationIdIn, body: GetVariablesIn) -> dict[str, Any]:
        """Ask the station for current values (GetVariables); the stored model is GET .../variables."""
        data: list[v201.GetVariableDataType] = [
            {"component": {"name": v.component}, "variable": {"name": v.variable}} for v in body.variables]
        return await split_call(request, "GetVariables",
                                device_model.get_variables(services.commands, services.store, station_id, data))

    @r.post("/variables/set", **operator)
    async def set_variables(request: Request, station_id: StationIdIn, body: SetVariablesIn) -> dict[str, Any]:
        data: list[v201.SetVariableDataType] = [
            {"component": {"name": v.component}, "variable": {"name": v.variable}, "attributeValue": v.value}
            for v in body.variables]
        return await split_call(request, "SetVariables",
                                device_model.set_variables(services.commands, services.store, station_id, data))

    async def split_call(request: Request, action: str, answer: Awaitable[Mapping[str, object]]) -> dict[str, Any]:
        """GetVariables / SetVariables split by the station's ItemsPerMessage / BytesPerMessage (`answer`: the
        device_model call, run here)."""
        request.state.audit_action = action
        try:
            return dict(await answer)
        except RpcError as exc:
            raise ocpp_problem(422, exc) from None
        except CallError as exc:
            raise ocpp_problem(502, exc) from None
        except StationNotConnected as exc:
            raise not_connected(exc) from None
        except (CallTimeout, SessionClosed) as exc:
            raise ApiProblem(504, str(exc) or type(exc).__name__, type_=STATION_TIMEOUT) from None

    async def open_transaction(sid: StationId, evse_id: int) -> str | None:
        for tx in await services.store.list_transactions(sid, open_only=True):
            if tx.evse_id == evse_id:
                return tx.transaction_id
        return None

    @r.put("/evses/{evse_id}/schedule", **operator)
    async def set_schedule(request: Request, station_id: StationIdIn, evse_id: int, body: ScheduleIn) -> ApplyOut:
        """Charge (+) or discharge (-) schedule for an EVSE. It passes the safety envelope first; the answer
        says what was changed. 409: the station cannot express it; 502: the station rejected or failed it."""
        request.state.audit_action = "SetChargingProfile"
        tx_id = body.transaction_id
        if body.purpose is ProfilePurpose.TX and tx_id is None:
            tx_id = await open_transaction(station_id, evse_id)
            if tx_id is None:
                raise conflict(f"no open transaction on {station_id} EVSE {evse_id}")
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
            raise invalid(str(exc), "body.periods") from None
        result = await services.charging.apply(station_id, schedule, requester="api")
        out = apply_out(result)
        request.state.audit_detail = f"{result.status.value} {result.detail}".strip()
        if result.status is ApplyStatus.REFUSED:
            raise conflict(result.detail or "the station cannot express this schedule", result=out.model_dump(
                mode="json"))
        if result.status in (ApplyStatus.REJECTED, ApplyStatus.FAILED):
            raise ApiProblem(502, result.detail or f"station {result.status.value.lower()} the schedule",
                             type_=OCPP_CALL_ERROR, result=out.model_dump(mode="json"))
        return out

    @r.delete("/evses/{evse_id}/schedule", **operator)
    async def clear_schedule(request: Request, station_id: StationIdIn, evse_id: int,
                             purpose: ProfilePurpose = ProfilePurpose.TX) -> dict[str, Any]:
        request.state.audit_action = "ClearChargingProfile"
        with _station_errors():
            return await services.charging.clear(station_id, evse_id, purpose)

    @r.get("/evses/{evse_id}/composite-schedule", **viewer)
    async def composite_schedule(request: Request, station_id: StationIdIn, evse_id: int,
                                 duration_s: Annotated[int, Query(gt=0, le=86400)] = 3600,
                                 verify: bool = False) -> dict[str, Any]:
        """What the station says it will do (GetCompositeSchedule, in W). With `verify=true` (one EVSE, asked in
        the unit the EVSE is commanded in) the answer carries `verification`: whether it matches what the CSMS
        expects from the profiles it installed, both step functions in signed W and the stretches where they
        differ (null W: no limit known, or no value on that side); a mismatch is also published as the event
        `station.composite_mismatch`."""
        if not verify:
            payload: v201.GetCompositeScheduleRequest = {
                "duration": duration_s, "evseId": evse_id, "chargingRateUnit": v201.ChargingRateUnitEnumType.W}
            return await send(request, station_id, calls.GET_COMPOSITE_SCHEDULE, payload)
        request.state.audit_action = "GetCompositeSchedule"
        if evse_id < 1:
            raise invalid("verify=true checks one EVSE: evse_id must be >= 1", "path.evse_id")
        with _station_errors():
            check = await services.charging.verify_composite(station_id, evse_id, duration_s)

        request.state.audit_detail = f"station answered {check.status}" + (
            ", nothing compared" if not check.compared else ", matches" if check.matches else
            f", {len(check.differences)} difference(s)")

        def w(value: float | None) -> float | None:
            return None if value is None or not math.isfinite(value) else value

        return {**check.response, "verification": {
            "matches": check.matches, "compared": check.compared, "reason": check.reason,
            "schedule_start": check.start_at, "duration_s": check.duration_s,
            "expected": [{"start_offset_s": s, "power_w": w(v)} for s, v in check.expected],
            "reported": [{"start_offset_s": s, "power_w": w(v)} for s, v in check.reported],
            "differences": [{"start_offset_s": d.start_offset_s, "end_offset_s": d.end_offset_s,
                             "expected_w": w(d.expected_w), "reported_w": w(d.reported_w)}
                            for d in check.differences]}}

    return r
