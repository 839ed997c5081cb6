"""Block B (provisioning): GetVariables and SetVariables split to fit the station's limits.

A station announces how many items and bytes one GetVariables / SetVariables may carry (DeviceDataCtrlr
ItemsPerMessage and BytesPerMessage, instance "GetVariables" / "SetVariables", from its stored device model).
A longer request is sent as several calls, each within both limits, and their results are joined in order;
the answers also keep the stored device model current (csms/services/call_effects.py).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import orjson
from ocpp.v201.enums import AttributeEnumType

from csms.domain.ids import StationId
from csms.services.commands import CommandService
from csms.store.base import StateStore

SplitSend = Callable[[CommandService, StateStore, StationId, list[dict[str, Any]]], Awaitable[dict[str, Any]]]

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


def split(items: list[dict[str, Any]], key: str, max_items: int | None,
          max_bytes: int | None) -> list[list[dict[str, Any]]]:
    """`items` in order, in chunks of at most `max_items` whose payload `{key: chunk}` fits `max_bytes` with the
    frame around it (an item too big on its own goes alone: the station answers for it)."""
    chunks: list[list[dict[str, Any]]] = []
    current: list[dict[str, Any]] = []
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


async def _split_call(commands: CommandService, store: StateStore, station_id: StationId, action: str,
                      request_key: str, result_key: str, items: list[dict[str, Any]]) -> dict[str, Any]:
    max_items, max_bytes = await message_limits(store, station_id, action)
    chunks = split(items, request_key, max_items, max_bytes)
    if len(chunks) == 1:  # one call: the station's answer as it is
        return await commands.call(station_id, action, {request_key: chunks[0]})
    results: list[dict[str, Any]] = []
    for chunk in chunks:
        answer = await commands.call(station_id, action, {request_key: chunk})
        results.extend(answer[result_key])
    return {result_key: results}


async def get_variables(commands: CommandService, store: StateStore, station_id: StationId,
                        data: list[dict[str, Any]]) -> dict[str, Any]:
    """GetVariables for every GetVariableDataType in `data`, in as many calls as the station's limits need."""
    return await _split_call(commands, store, station_id, "GetVariables", "getVariableData", "getVariableResult",
                             data)


async def set_variables(commands: CommandService, store: StateStore, station_id: StationId,
                        data: list[dict[str, Any]]) -> dict[str, Any]:
    """SetVariables for every SetVariableDataType in `data`, in as many calls as the station's limits need."""
    return await _split_call(commands, store, station_id, "SetVariables", "setVariableData", "setVariableResult",
                             data)
