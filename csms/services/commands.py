"""CSMS-initiated OCPP commands with typed arguments, built from the `ocpp` package's message classes.

Every command goes through the `StationGateway`, so it works wherever the station's socket lives. Results are
the station's response payloads (camelCase dicts, schema-validated by the session).
"""

from __future__ import annotations

from itertools import count
from typing import Any

from ocpp.v201 import call
from ocpp.v201.enums import IdTokenEnumType, OperationalStatusEnumType, ReportBaseEnumType, ResetEnumType

from csms.domain.ids import StationId, TransactionId
from csms.ocpp.payloads import action_of, to_payload
from csms.services.call_effects import CallEffects
from csms.services.gateway import StationGateway


class CommandService:
    def __init__(self, gateway: StationGateway, default_timeout_s: float = 30.0,
                 effects: CallEffects | None = None) -> None:
        self._gateway = gateway
        self._timeout_s = default_timeout_s
        self._request_ids = count(1)
        self._effects = effects  # keeps station records in step with the answers (csms/services/call_effects.py)

    async def send(self, station_id: StationId, message: object, timeout_s: float | None = None) -> dict[str, Any]:
        """Send any `ocpp.v201.call.*` / `ocpp.v21.call.*` message and return the response payload."""
        return await self.call(station_id, action_of(message), to_payload(message), timeout_s)

    async def call(
        self, station_id: StationId, action: str, payload: dict[str, Any], timeout_s: float | None = None
    ) -> dict[str, Any]:
        """Send a raw payload (validated against the action's schema before it reaches the wire)."""
        if self._effects is None:
            return await self._gateway.call(station_id, action, payload, timeout_s or self._timeout_s)
        await self._effects.before(station_id, action, payload)
        response = await self._gateway.call(station_id, action, payload, timeout_s or self._timeout_s)
        await self._effects.after(station_id, action, payload, response)
        return response

    async def get_variables(self, station_id: StationId, items: list[tuple[str, str]]) -> dict[str, Any]:
        """GetVariables for (component, variable) pairs."""
        data = [{"component": {"name": c}, "variable": {"name": v}} for c, v in items]
        return await self.send(station_id, call.GetVariables(get_variable_data=data))

    async def set_variables(self, station_id: StationId, items: list[tuple[str, str, str]]) -> dict[str, Any]:
        """SetVariables for (component, variable, value) triples."""
        data = [{"component": {"name": c}, "variable": {"name": v}, "attributeValue": value} for c, v, value in items]
        return await self.send(station_id, call.SetVariables(set_variable_data=data))

    async def get_base_report(self, station_id: StationId,
                              report_base: str = ReportBaseEnumType.full_inventory) -> dict[str, Any]:
        return await self.send(station_id, call.GetBaseReport(request_id=next(self._request_ids),
                                                              report_base=report_base))

    async def request_start(
        self, station_id: StationId, id_token: str, evse_id: int | None = None,
        token_type: str = IdTokenEnumType.central,
    ) -> dict[str, Any]:
        message = call.RequestStartTransaction(
            id_token={"idToken": id_token, "type": token_type},
            remote_start_id=next(self._request_ids),
            evse_id=evse_id,
        )
        return await self.send(station_id, message)

    async def request_stop(self, station_id: StationId, transaction_id: TransactionId) -> dict[str, Any]:
        return await self.send(station_id, call.RequestStopTransaction(transaction_id=transaction_id))

    async def reset(self, station_id: StationId, kind: str = ResetEnumType.on_idle,
                    evse_id: int | None = None) -> dict[str, Any]:
        return await self.send(station_id, call.Reset(type=kind, evse_id=evse_id))

    async def change_availability(
        self, station_id: StationId, operational: bool, evse_id: int | None = None
    ) -> dict[str, Any]:
        status = OperationalStatusEnumType.operative if operational else OperationalStatusEnumType.inoperative
        evse = None if evse_id is None else {"id": evse_id}
        message = call.ChangeAvailability(operational_status=status, evse=evse)
        return await self.send(station_id, message)

    async def unlock_connector(self, station_id: StationId, evse_id: int, connector_id: int = 1) -> dict[str, Any]:
        return await self.send(station_id, call.UnlockConnector(evse_id=evse_id, connector_id=connector_id))

    async def trigger_message(
        self, station_id: StationId, requested_message: str, evse_id: int | None = None
    ) -> dict[str, Any]:
        evse = None if evse_id is None else {"id": evse_id}
        message = call.TriggerMessage(requested_message=requested_message, evse=evse)
        return await self.send(station_id, message)
