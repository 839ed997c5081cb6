"""Block L (firmware management) over many stations: a firmware campaign is one UpdateFirmware, with one
requestId, sent to every station of a list. Each station's progress is its firmware document for that requestId
(the UpdateFirmware answer, then its FirmwareStatusNotifications; csms/services/station_records.py); the
campaign itself (stations, firmware, retries) is a document of the CSMS scope. Stations that could not be
reached, refused, or reported a failure can be sent the same firmware again (`retry`).
"""

from __future__ import annotations

from collections import Counter
from typing import Any, TypedDict

from ocpp.v201.enums import FirmwareStatusEnumType, UpdateFirmwareStatusEnumType

from csms.domain.clock import Clock, to_ocpp_time
from csms.domain.ids import StationId
from csms.errors import CallError, CallTimeout, SessionClosed, StationNotConnected
from csms.ocpp import calls
from csms.ocpp.wire import v201
from csms.services import station_records as sr
from csms.services.commands import CommandService
from csms.store.base import StateStore

CAMPAIGN_KIND = "firmware_campaign"
# the statuses after which a station will not install the firmware without a new request
FAILED: frozenset[str] = frozenset({
    UpdateFirmwareStatusEnumType.rejected, UpdateFirmwareStatusEnumType.invalid_certificate,
    UpdateFirmwareStatusEnumType.revoked_certificate, FirmwareStatusEnumType.download_failed,
    FirmwareStatusEnumType.installation_failed, FirmwareStatusEnumType.install_verification_failed,
    FirmwareStatusEnumType.invalid_signature, "Unreachable"})  # Unreachable: the CSMS's, the station never answered
DONE: frozenset[str] = frozenset({FirmwareStatusEnumType.installed})


class CampaignStatus(TypedDict):
    """A campaign's progress: each station's latest firmware status and how many are in each."""

    request_id: int
    firmware: v201.FirmwareType
    stations: dict[str, str]
    counts: dict[str, int]
    installed: int
    failed: int


class FirmwareCampaigns:
    def __init__(self, store: StateStore, commands: CommandService, clock: Clock) -> None:
        self._store = store
        self._commands = commands
        self._clock = clock

    async def start(self, request_id: int, station_ids: list[StationId], firmware: v201.FirmwareType,
                    retries: int | None = None, retry_interval_s: int | None = None) -> CampaignStatus:
        """Keep the campaign, send UpdateFirmware to every station; returns its status."""
        payload: v201.UpdateFirmwareRequest = {"requestId": request_id, "firmware": firmware}
        if retries is not None:
            payload["retries"] = retries
        if retry_interval_s is not None:
            payload["retryInterval"] = retry_interval_s
        await self._store.put_station_doc(sr.CSMS_SCOPE, CAMPAIGN_KIND, str(request_id), {
            "requestId": request_id, "stationIds": list(station_ids), "payload": payload,
            "createdAt": to_ocpp_time(self._clock.now())})
        for sid in station_ids:
            await self._send(sid, payload)
        return await self.status(request_id)

    async def _send(self, station_id: StationId, payload: v201.UpdateFirmwareRequest) -> None:
        try:
            await self._commands.call_for(station_id, calls.UPDATE_FIRMWARE, payload)  # CallEffects keeps the answer
        except (StationNotConnected, CallError, CallTimeout, SessionClosed) as exc:
            await sr.update_status_doc(self._store, self._clock, station_id, sr.FIRMWARE, str(payload["requestId"]),
                                       "Unreachable", {"requestId": payload["requestId"],
                                                       "firmware": payload["firmware"], "error": type(exc).__name__})

    async def list(self) -> list[dict[str, Any]]:
        docs = await self._store.list_station_docs(sr.CSMS_SCOPE, CAMPAIGN_KIND)
        return sorted(docs, key=lambda d: int(d["requestId"]))

    async def status(self, request_id: int) -> CampaignStatus:
        """Each station's latest status for the campaign, and how many are in each (KeyError: no campaign)."""
        campaign = await self._store.get_station_doc(sr.CSMS_SCOPE, CAMPAIGN_KIND, str(request_id))
        if campaign is None:
            raise KeyError(request_id)
        stations: dict[str, str] = {}
        for sid in campaign["stationIds"]:
            doc = await self._store.get_station_doc(StationId(sid), sr.FIRMWARE, str(request_id))
            stations[sid] = "Unknown" if doc is None else doc["status"]
        counts = Counter(stations.values())
        return {"request_id": request_id, "firmware": campaign["payload"]["firmware"], "stations": stations,
                "counts": dict(sorted(counts.items())), "installed": sum(counts[s] for s in DONE),
                "failed": sum(counts[s] for s in FAILED)}

    async def retry(self, request_id: int) -> CampaignStatus:
        """Send the campaign's firmware again to the stations where it failed; returns the new status."""
        campaign = await self._store.get_station_doc(sr.CSMS_SCOPE, CAMPAIGN_KIND, str(request_id))
        if campaign is None:
            raise KeyError(request_id)
        before = await self.status(request_id)
        for sid, status in before["stations"].items():
            if status in FAILED:
                await self._send(StationId(sid), campaign["payload"])
        return await self.status(request_id)
