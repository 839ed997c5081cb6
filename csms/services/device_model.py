"""Block B (provisioning): GetVariables and SetVariables split to fit the station's limits.

A station announces how many items and bytes one GetVariables / SetVariables may carry (DeviceDataCtrlr
ItemsPerMessage and BytesPerMessage, instance "GetVariables" / "SetVariables", from its stored device model).
A longer request is sent as several calls, each within both limits, and their results are joined in order;
the answers also keep the stored device model current (csms/services/call_effects.py).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TypeVar, cast

import orjson
from ocpp.v201.enums import AttributeEnumType

from csms.domain.ids import StationId
from csms.ocpp import calls
from csms.ocpp.wire import v2x, v201
from csms.services.commands import CommandService
from csms.store.base import StateStore

Item = TypeVar("Item", bound=Mapping[str, object])

_FRAME_OVERHEAD_BYTES = 64  # [2, "<message id>", "<action>", {...}] around the payload


async def message_limits(store: StateStore, station_id: StationId, action: str) -> tuple[int | None, int | None]:
    """(items, bytes) per message the station allows for `action` (None: not reported)."""
    items = size = None
    for v in await store.list_variables(station_id):
        if v.component != "DeviceDataCtrlr" or v.variable_instance != action \
                or v.attribute_type != AttributeEnumType.actual:
            continue
        try:
            if v.variable == "ItemsPerMessage":
                items = int(v.value)
            elif v.variable == "BytesPerMessage":
                size = int(v.value)
        except ValueError:
            continue
    return (items if items and items > 0 else None), (size if size and size > 0 else None)


def split(items: Sequence[Item], key: str, max_items: int | None, max_bytes: int | None) -> list[list[Item]]:
    """`items` in order, in chunks of at most `max_items` whose payload `{key: chunk}` fits `max_bytes` with the
    frame around it (an item too big on its own goes alone: the station answers for it)."""
    chunks: list[list[Item]] = []
    current: list[Item] = []
    size = _FRAME_OVERHEAD_BYTES + len(key) + 6
    for item in items:
        item_bytes = len(orjson.dumps(item)) + 1
        full = max_items is not None and len(current) >= max_items
        too_big = max_bytes is not None and size + item_bytes > max_bytes
        if current and (full or too_big):
            chunks.append(current)
            current, size = [], _FRAME_OVERHEAD_BYTES + len(key) + 6
        current.append(item)
        size += item_bytes
    if current:
        chunks.append(current)
    return chunks


async def _chunks(store: StateStore, station_id: StationId, action: str, request_key: str,
                  items: Sequence[Item]) -> list[list[Item]]:
    max_items, max_bytes = await message_limits(store, station_id, action)
    return split(items, request_key, max_items, max_bytes)


async def get_variables(commands: CommandService, store: StateStore, station_id: StationId,
                        data: Sequence[v201.GetVariableDataType]) -> v2x.GetVariablesResponse:
    """GetVariables for every GetVariableDataType in `data`, in as many calls as the station's limits need (one
    call: the station's answer as it is; more: their results joined in order)."""
    requests: list[v201.GetVariablesRequest] = [
        {"getVariableData": chunk}
        for chunk in await _chunks(store, station_id, "GetVariables", "getVariableData", data)]
    answers = [await commands.call_for(station_id, calls.GET_VARIABLES, request) for request in requests]
    if len(answers) == 1:
        return answers[0]
    joined = {"getVariableResult": [r for a in answers for r in a["getVariableResult"]]}
    return cast(v2x.GetVariablesResponse, joined)  # results of the one version the station speaks


async def set_variables(commands: CommandService, store: StateStore, station_id: StationId,
                        data: Sequence[v201.SetVariableDataType]) -> v2x.SetVariablesResponse:
    """SetVariables for every SetVariableDataType in `data`, in as many calls as the station's limits need (one
    call: the station's answer as it is; more: their results joined in order)."""
    requests: list[v201.SetVariablesRequest] = [
        {"setVariableData": chunk}
        for chunk in await _chunks(store, station_id, "SetVariables", "setVariableData", data)]
    answers = [await commands.call_for(station_id, calls.SET_VARIABLES, request) for request in requests]
    if len(answers) == 1:
        return answers[0]
    joined = {"setVariableResult": [r for a in answers for r in a["setVariableResult"]]}
    return cast(v2x.SetVariablesResponse, joined)  # results of the one version the station speaks
