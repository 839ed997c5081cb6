"""CSMS-initiated OCPP commands with typed arguments: requests and answers are the TypedDicts of csms/ocpp/wire.

Every command goes through the `StationGateway`, so it works wherever the station's socket lives. Answers are
the station's response payloads (camelCase dicts, schema-validated by the session).
"""

from __future__ import annotations

from functools import partial
from itertools import count
from typing import Any

from csms.domain.ids import StationId, TransactionId
from csms.ocpp import calls
from csms.ocpp.calls import Answer, Call, Request, call_typed
from csms.ocpp.wire import v2x, v201
from csms.services.call_effects import CallEffects
from csms.services.gateway import StationGateway


class CommandService:
    def __init__(self, gateway: StationGateway, default_timeout_s: float = 30.0,
                 effects: CallEffects | None = None) -> None:
        self._gateway = gateway
        self._timeout_s = default_timeout_s
        self._request_ids = count(1)
        self._effects = effects  # keeps station records in step with the answers (csms/services/call_effects.py)

    async def call(
        self, station_id: StationId, action: str, payload: dict[str, Any], timeout_s: float | None = None
    ) -> dict[str, Any]:
        """Send a raw payload of any action (validated against the action's schema before it reaches the wire)
        and return the station's answer: JSON objects whose shape only `action` says (`call_for` types them)."""
        if self._effects is None:
            return await self._gateway.call(station_id, action, payload, timeout_s or self._timeout_s)
        await self._effects.before(station_id, action, payload)
        response = await self._gateway.call(station_id, action, payload, timeout_s or self._timeout_s)
        await self._effects.after(station_id, action, payload, response)
        return response

    async def call_for(self, station_id: StationId, call: Call[Request, Answer], payload: Request,
                       timeout_s: float | None = None) -> Answer:
        """`call` typed by the action (csms/ocpp/calls.py): its request in, its answer out."""
        return await call_typed(partial(self.call, station_id, timeout_s=timeout_s), call, payload)

    async def get_variables(self, station_id: StationId, items: list[tuple[str, str]]) -> v2x.GetVariablesResponse:
        """GetVariables for (component, variable) pairs."""
        request: v201.GetVariablesRequest = {"getVariableData": [
            {"component": {"name": c}, "variable": {"name": v}} for c, v in items]}
        return await self.call_for(station_id, calls.GET_VARIABLES, request)

    async def set_variables(self, station_id: StationId,
                            items: list[tuple[str, str, str]]) -> v2x.SetVariablesResponse:
        """SetVariables for (component, variable, value) triples."""
        request: v201.SetVariablesRequest = {"setVariableData": [
            {"component": {"name": c}, "variable": {"name": v}, "attributeValue": value} for c, v, value in items]}
        return await self.call_for(station_id, calls.SET_VARIABLES, request)

    async def get_base_report(
        self, station_id: StationId, report_base: v201.ReportBaseEnumType = v201.ReportBaseEnumType.FULL_INVENTORY,
    ) -> v2x.GetBaseReportResponse:
        request: v201.GetBaseReportRequest = {"requestId": next(self._request_ids), "reportBase": report_base}
        return await self.call_for(station_id, calls.GET_BASE_REPORT, request)

    async def request_start(
        self, station_id: StationId, id_token: str, evse_id: int | None = None,
        token_type: v201.IdTokenEnumType = v201.IdTokenEnumType.CENTRAL,
    ) -> v2x.RequestStartTransactionResponse:
        request: v201.RequestStartTransactionRequest = {
            "idToken": {"idToken": id_token, "type": token_type}, "remoteStartId": next(self._request_ids)}
        if evse_id is not None:
            request["evseId"] = evse_id
        return await self.call_for(station_id, calls.REQUEST_START_TRANSACTION, request)

    async def request_stop(self, station_id: StationId,
                           transaction_id: TransactionId) -> v2x.RequestStopTransactionResponse:
        request: v201.RequestStopTransactionRequest = {"transactionId": transaction_id}
        return await self.call_for(station_id, calls.REQUEST_STOP_TRANSACTION, request)

    async def reset(self, station_id: StationId, kind: v201.ResetEnumType = v201.ResetEnumType.ON_IDLE,
                    evse_id: int | None = None) -> v2x.ResetResponse:
        request: v201.ResetRequest = {"type": kind}
        if evse_id is not None:
            request["evseId"] = evse_id
        return await self.call_for(station_id, calls.RESET, request)

    async def change_availability(
        self, station_id: StationId, operational: bool, evse_id: int | None = None
    ) -> v2x.ChangeAvailabilityResponse:
        status = v201.OperationalStatusEnumType.OPERATIVE if operational else \
            v201.OperationalStatusEnumType.INOPERATIVE
        request: v201.ChangeAvailabilityRequest = {"operationalStatus": status}
        if evse_id is not None:
            request["evse"] = {"id": evse_id}
        return await self.call_for(station_id, calls.CHANGE_AVAILABILITY, request)

    async def unlock_connector(self, station_id: StationId, evse_id: int,
                               connector_id: int = 1) -> v2x.UnlockConnectorResponse:
        request: v201.UnlockConnectorRequest = {"evseId": evse_id, "connectorId": connector_id}
        return await self.call_for(station_id, calls.UNLOCK_CONNECTOR, request)

    async def trigger_message(
        self, station_id: StationId, requested_message: v201.MessageTriggerEnumType, evse_id: int | None = None
    ) -> v2x.TriggerMessageResponse:
        request: v201.TriggerMessageRequest = {"requestedMessage": requested_message}
        if evse_id is not None:
            request["evse"] = {"id": evse_id}
        return await self.call_for(station_id, calls.TRIGGER_MESSAGE, request)
