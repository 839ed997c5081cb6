"""Block D (local authorization list): the list the CSMS owns for each station, versioned, sent in full or as
a differential update (SendLocalList), and reconciled with the station's version (GetLocalListVersion) after
a reconnect.

The CSMS's list is the station document `local_list/csms`: `versionNumber` and `entries` (idToken value ->
AuthorizationData). What the station last confirmed is `local_list/station` (kept by `CallEffects`). Every
change bumps the version; a differential update carries only the changed entries (an entry without
idTokenInfo removes the token, D01.FR.17). Reconciling sends the full list when the station's version differs.
A list longer than the station's LocalAuthListCtrlr ItemsPerMessage / BytesPerMessage allow is sent in parts.
"""

from __future__ import annotations

from functools import partial
from typing import Any, NotRequired, TypedDict

from ocpp.v201.enums import AttributeEnumType

from csms.domain.ids import StationId
from csms.ocpp import calls
from csms.ocpp.calls import RawCall, call_typed
from csms.ocpp.wire import v2x, v201
from csms.services import station_records as sr
from csms.services.commands import CommandService
from csms.services.device_model import split
from csms.store.base import StateStore

_CSMS_KEY, _STATION_KEY = "csms", "station"
_ACCEPTED = v201.SendLocalListStatusEnumType.ACCEPTED
_VERSION_MISMATCH = v201.SendLocalListStatusEnumType.VERSION_MISMATCH


class Reconciled(TypedDict):
    """What `reconcile` did: the station's version, whether the full list was sent, and the station's answer."""

    stationVersion: int
    sent: bool
    response: NotRequired[v2x.SendLocalListResponse]


class LocalListService:
    def __init__(self, store: StateStore, commands: CommandService) -> None:
        self._store = store
        self._commands = commands

    async def current(self, station_id: StationId) -> dict[str, Any]:
        """{"versionNumber", "entries": [AuthorizationData...], "station": what the station last confirmed} (from
        the stored documents)."""
        own = await self._store.get_station_doc(station_id, sr.LOCAL_LIST, _CSMS_KEY) or {}
        station = await self._store.get_station_doc(station_id, sr.LOCAL_LIST, _STATION_KEY) or {}
        return {"versionNumber": own.get("versionNumber", 0),
                "entries": [own["entries"][k] for k in sorted(own.get("entries", {}))],
                "station": station}

    async def replace(self, station_id: StationId,
                      entries: list[v201.AuthorizationData]) -> v2x.SendLocalListResponse:
        """Make `entries` the whole list (new version) and send it in full; returns the station's answer."""
        own = await self._store.get_station_doc(station_id, sr.LOCAL_LIST, _CSMS_KEY) or {}
        version = int(own.get("versionNumber", 0)) + 1
        by_token = {e["idToken"]["idToken"]: e for e in entries}
        await self._store.put_station_doc(station_id, sr.LOCAL_LIST, _CSMS_KEY,
                                          {"versionNumber": version, "entries": by_token})
        return await self._send_full(station_id, version, list(by_token.values()))

    async def update(self, station_id: StationId,
                     changes: list[v201.AuthorizationData]) -> v2x.SendLocalListResponse:
        """Apply `changes` (an entry without idTokenInfo removes that token) as a new version, sent as a
        differential update; returns the station's answer. A VersionMismatch answer is followed by the full list."""
        own = await self._store.get_station_doc(station_id, sr.LOCAL_LIST, _CSMS_KEY) or {}
        version = int(own.get("versionNumber", 0)) + 1
        by_token: dict[str, Any] = dict(own.get("entries", {}))  # stored AuthorizationData by token
        for change in changes:
            token = change["idToken"]["idToken"]
            if "idTokenInfo" in change:
                by_token[token] = change
            else:
                by_token.pop(token, None)
        await self._store.put_station_doc(station_id, sr.LOCAL_LIST, _CSMS_KEY,
                                          {"versionNumber": version, "entries": by_token})
        answer = await send_list(self._station_call(station_id), self._store, station_id, version, changes,
                                 v201.UpdateEnumType.DIFFERENTIAL)
        if answer["status"] == _VERSION_MISMATCH:
            return await self._send_full(station_id, version, list(by_token.values()))
        return answer

    async def reconcile(self, station_id: StationId) -> Reconciled:
        """Ask the station's version; send the full list if it differs from ours. Returns what happened."""
        return await reconcile(self._station_call(station_id), self._store, station_id)

    async def _send_full(self, station_id: StationId, version: int,
                         entries: list[v201.AuthorizationData]) -> v2x.SendLocalListResponse:
        return await send_list(self._station_call(station_id), self._store, station_id, version, entries,
                               v201.UpdateEnumType.FULL)

    def _station_call(self, station_id: StationId) -> RawCall:
        return partial(self._commands.call, station_id)


async def _limits(store: StateStore, station_id: StationId) -> tuple[int | None, int | None]:
    """LocalAuthListCtrlr ItemsPerMessage / BytesPerMessage from the stored device model (None: not reported)."""
    items = size = None
    for v in await store.list_variables(station_id):
        if v.component == "LocalAuthListCtrlr" and v.attribute_type == AttributeEnumType.actual and v.value.isdigit():
            if v.variable == "ItemsPerMessage":
                items = int(v.value) or None
            elif v.variable == "BytesPerMessage":
                size = int(v.value) or None
    return items, size


async def send_list(call: RawCall, store: StateStore, station_id: StationId, version: int,
                    entries: list[v201.AuthorizationData],
                    update_type: v201.UpdateEnumType) -> v2x.SendLocalListResponse:
    """SendLocalList of `entries` within the station's per-message limits: a list too long for one message goes
    as its first part with `update_type`, the rest as Differential updates of the same version. Stops at the
    first answer that is not Accepted and returns it (else the last one)."""
    max_items, max_bytes = await _limits(store, station_id)
    chunks = split(entries, "localAuthorizationList", max_items, max_bytes) or [[]]
    answers: list[v2x.SendLocalListResponse] = []
    for index, chunk in enumerate(chunks):
        kind = update_type if index == 0 else v201.UpdateEnumType.DIFFERENTIAL
        payload: v201.SendLocalListRequest = {"versionNumber": version, "updateType": kind}
        if chunk:
            payload["localAuthorizationList"] = chunk
        answers.append(await call_typed(call, calls.SEND_LOCAL_LIST, payload))
        if answers[-1]["status"] != _ACCEPTED:
            break
    return answers[-1]


async def reconcile(call: RawCall, store: StateStore, station_id: StationId) -> Reconciled:
    """D: GetLocalListVersion through `call`; when the station's version is not the CSMS's list version, send
    the CSMS's list in full. Used by the API and after every accepted boot of a station that has a list."""
    own = await store.get_station_doc(station_id, sr.LOCAL_LIST, _CSMS_KEY)
    no_payload: v201.GetLocalListVersionRequest = {}
    answer = await call_typed(call, calls.GET_LOCAL_LIST_VERSION, no_payload)
    result: Reconciled = {"stationVersion": answer["versionNumber"], "sent": False}
    if own is not None and answer["versionNumber"] != own["versionNumber"]:
        entries = list(own["entries"].values())
        response = await send_list(call, store, station_id, own["versionNumber"], entries, v201.UpdateEnumType.FULL)
        result["sent"], result["response"] = True, response
        if response["status"] == _ACCEPTED:
            await store.put_station_doc(station_id, sr.LOCAL_LIST, _STATION_KEY, {
                "versionNumber": own["versionNumber"], "status": _ACCEPTED})
    return result


async def has_local_list(store: StateStore, station_id: StationId) -> bool:
    return await store.get_station_doc(station_id, sr.LOCAL_LIST, _CSMS_KEY) is not None
