"""Firmware update campaigns: one UpdateFirmware (one requestId) to many stations, their progress from each
station's answers and FirmwareStatusNotifications, and a retry for the stations where it failed."""

from __future__ import annotations

from typing import Any

from csms.api.auth import Role
from csms.domain.clock import to_ocpp_time
from csms.domain.ids import StationId
from csms.services import station_records as sr
from tests.api.helpers import NOW, harness

ST_1 = StationId("ST-1")
ST_2 = StationId("ST-2")
ST_3 = StationId("ST-3")


async def test_a_campaign_is_sent_tracked_and_retried_where_it_failed() -> None:
    h = harness()
    h.gateway.connected.update({ST_1, ST_2})  # ST-3 is offline
    h.gateway.answers["UpdateFirmware"] = lambda payload: {
        "status": "Rejected" if len([c for c in h.gateway.calls if c[0] == ST_2]) == 1 else "Accepted"}
    body: dict[str, Any] = {"station_ids": [ST_1, ST_2, ST_3], "location": "https://fw.example/v3.bin",
                            "retrieve_at": to_ocpp_time(NOW), "retries": 2}
    async with h.client(Role.OPERATOR) as http:
        started = (await http.post("/api/v1/firmware-campaigns", json=body)).json()
        request_id = started["request_id"]
        assert started["stations"] == {ST_1: "Accepted", ST_2: "Rejected", ST_3: "Unreachable"}
        assert started["failed"] == 2
        assert {p["requestId"] for _, a, p in h.gateway.calls} == {request_id}
        assert all(p["retries"] == 2 for _, _, p in h.gateway.calls)

        # ST-1 reports its progress; ST-3 comes online
        await sr.update_status_doc(h.store, h.services.clock, ST_1, sr.FIRMWARE, str(request_id),
                                   "Installed")
        h.gateway.connected.add(ST_3)
        retried = (await http.post(f"/api/v1/firmware-campaigns/{request_id}/retry")).json()
        assert retried["stations"] == {ST_1: "Installed", ST_2: "Accepted", ST_3: "Accepted"}
        assert retried["installed"] == 1 and retried["failed"] == 0
        assert [s for s, a, _ in h.gateway.calls] == [ST_1, ST_2, ST_2, ST_3]
        [listed] = (await http.get("/api/v1/firmware-campaigns")).json()
        assert listed["stationIds"] == [ST_1, ST_2, ST_3]
        assert (await http.get("/api/v1/firmware-campaigns/1")).status_code == 404
        assert (await http.post("/api/v1/firmware-campaigns/1/retry")).status_code == 404
