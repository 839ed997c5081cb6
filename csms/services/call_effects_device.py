"""After-call effects on the device model (B, N, B09): what the station's answers to SetVariables, GetVariables,
the monitoring calls and SetNetworkProfile change in its stored device model and documents. An accepted
SetVariables of SecurityCtrlr.BasicAuthPassword becomes the station's credential (A01; hashed, never kept in
the device model). Part of `csms.services.call_effects.CallEffects`.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from ocpp.v201.enums import (
    AttributeEnumType,
    ClearMonitoringStatusEnumType,
    GenericStatusEnumType,
    GetVariableStatusEnumType,
    SetMonitoringStatusEnumType,
    SetNetworkProfileStatusEnumType,
    SetVariableStatusEnumType,
)

from csms.domain.clock import Clock, to_ocpp_time
from csms.domain.ids import StationId
from csms.domain.records import CredentialRecord, VariableRecord
from csms.ocpp.wire import v2x
from csms.services import station_records as sr
from csms.services.call_effect_types import Effect, Payload, typed_effect
from csms.services.credentials import hash_password
from csms.store.base import StateStore


def _variable_key(item: v2x.SetVariableDataType | v2x.SetVariableResultType | v2x.GetVariableResultType,
                  ) -> tuple[Any, ...]:
    """The device-model key of a Set/GetVariables data or result item (attributeType defaults to Actual)."""
    component, variable = item["component"], item["variable"]
    evse = component.get("evse")
    return (component["name"], component.get("instance", ""), evse["id"] if evse else None,
            evse.get("connectorId") if evse else None, variable["name"], variable.get("instance", ""),
            item.get("attributeType", AttributeEnumType.actual))


_PASSWORD_KEY = ("SecurityCtrlr", "", None, None, "BasicAuthPassword", "", AttributeEnumType.actual)


def _record_key(v: VariableRecord) -> tuple[Any, ...]:
    return (v.component, v.component_instance, v.evse_id, v.connector_id, v.variable, v.variable_instance,
            v.attribute_type)


class DeviceModelEffects:
    """The device-model effects, by action (`effects()`)."""

    def __init__(self, store: StateStore, clock: Clock) -> None:
        self._store = store
        self._clock = clock

    def effects(self) -> dict[str, Effect]:
        return {
            "SetVariables": typed_effect(self._set_variables), "GetVariables": typed_effect(self._get_variables),
            "SetVariableMonitoring": typed_effect(self._set_monitoring),
            "ClearVariableMonitoring": typed_effect(self._clear_monitoring),
            "SetMonitoringBase": typed_effect(self._monitoring_setting),
            "SetMonitoringLevel": typed_effect(self._monitoring_setting),
            "SetNetworkProfile": typed_effect(self._network_profile),
        }

    def _now(self) -> str:
        return to_ocpp_time(self._clock.now())

    async def _put_values(self, sid: StationId, values: dict[tuple[Any, ...], str]) -> None:
        if not values:
            return
        existing = {_record_key(v): v for v in await self._store.list_variables(sid)}
        records = []
        for key, value in values.items():
            old = existing.get(key)
            if old is not None:
                records.append(dataclasses.replace(old, value=value))
            else:
                component, instance, evse_id, connector_id, variable, variable_instance, attribute_type = key
                records.append(VariableRecord(component=component, variable=variable, value=value,
                                              attribute_type=attribute_type, evse_id=evse_id,
                                              connector_id=connector_id, component_instance=instance,
                                              variable_instance=variable_instance))
        await self._store.put_variables(sid, records)

    async def _set_variables(self, sid: StationId, payload: v2x.SetVariablesRequest,
                                                   response: v2x.SetVariablesResponse) -> None:
        requested = {_variable_key(d): d["attributeValue"] for d in payload["setVariableData"]}
        accepted: dict[tuple[Any, ...], str] = {}
        for result in response["setVariableResult"]:
            key = _variable_key(result)
            if result["attributeStatus"] == SetVariableStatusEnumType.accepted and key in requested:
                accepted[key] = requested[key]
        password = accepted.pop(_PASSWORD_KEY, None)  # never kept in the device model
        if password is not None:  # A01: the station now uses it to connect
            await self._store.put_credential(CredentialRecord(sid, hash_password(password), self._clock.now()))
        await self._put_values(sid, accepted)

    async def _get_variables(self, sid: StationId, payload: v2x.GetVariablesRequest,
                                                   response: v2x.GetVariablesResponse) -> None:
        await self._put_values(sid, {
            _variable_key(r): r["attributeValue"]
            for r in response["getVariableResult"]
            if r["attributeStatus"] == GetVariableStatusEnumType.accepted and "attributeValue" in r})

    async def _set_monitoring(self, sid: StationId, payload: v2x.SetVariableMonitoringRequest,
                                                    response: v2x.SetVariableMonitoringResponse) -> None:
        requested = payload["setMonitoringData"]
        for index, result in enumerate(response["setMonitoringResult"]):
            if result["status"] != SetMonitoringStatusEnumType.accepted or "id" not in result:
                continue
            same = [d for d in requested if (d["component"], d["variable"], d["type"]) ==
                    (result["component"], result["variable"], result["type"])]
            request: Payload = same[0] if len(same) == 1 else requested[index] if index < len(requested) else {}
            await self._store.put_station_doc(sid, sr.MONITOR, str(result["id"]), {
                "id": result["id"], "type": result["type"], "severity": result["severity"],
                "component": result["component"], "variable": result["variable"], "setAt": self._now(),
                **{k: v for k, v in request.items() if k in ("value", "transaction")}})

    async def _clear_monitoring(self, sid: StationId, payload: v2x.ClearVariableMonitoringRequest,
                                                      response: v2x.ClearVariableMonitoringResponse) -> None:
        for result in response["clearMonitoringResult"]:
            if result["status"] in (ClearMonitoringStatusEnumType.accepted, ClearMonitoringStatusEnumType.not_found):
                await self._store.delete_station_doc(sid, sr.MONITOR, str(result["id"]))

    async def _monitoring_setting(
            self, sid: StationId, payload: v2x.SetMonitoringBaseRequest | v2x.SetMonitoringLevelRequest,
            response: v2x.SetMonitoringBaseResponse | v2x.SetMonitoringLevelResponse) -> None:
        key = "base" if "monitoringBase" in payload else "level"
        await sr.update_status_doc(self._store, self._clock, sid, sr.MONITORING_SETTING, key, response["status"],
                                   payload if response["status"] == GenericStatusEnumType.accepted else {})

    async def _network_profile(self, sid: StationId, payload: v2x.SetNetworkProfileRequest,
                                                     response: v2x.SetNetworkProfileResponse) -> None:
        if response["status"] == SetNetworkProfileStatusEnumType.accepted:
            await self._store.put_station_doc(sid, sr.NETWORK_PROFILE, str(payload["configurationSlot"]),
                                              {**payload, "setAt": self._now()})
