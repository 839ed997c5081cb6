"""Test helpers: a tiny recording CSMS peer and an in-memory pair of RPC sessions (no sockets)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from contextlib import suppress
from datetime import UTC, datetime
from typing import Any

from csms.domain.clock import to_ocpp_time
from csms.ocpp.schemas import compiled_validator
from csms.ocpp.session import CallHandler, Handler, HandlerContext, RpcSession
from csms.ocpp.versions import OcppVersion

_EPOCH = datetime(2025, 1, 1, tzinfo=UTC)


class CsmsPeer:
    """Answers the station-initiated actions and records every request it received, in order."""

    def __init__(self, *, boot_status: str = "Accepted", interval_s: int = 300,
                 authorize_status: str = "Accepted") -> None:
        self.boot_status = boot_status
        self.interval_s = interval_s
        self.authorize_status = authorize_status
        self.received: list[tuple[str, dict[str, Any]]] = []
        self._changed = asyncio.Event()

    def of(self, action: str) -> list[dict[str, Any]]:
        return [p for a, p in self.received if a == action]

    async def wait_for(self, predicate: Callable[[], bool], timeout_s: float = 3.0) -> None:
        """Wait (bounded) until `predicate()` holds; raise TimeoutError otherwise."""
        async with asyncio.timeout(timeout_s):
            while not predicate():
                self._changed.clear()
                await self._changed.wait()

    def handlers(self) -> dict[str, Handler]:
        def recorder(action: str, answer: Callable[[dict[str, Any]], dict[str, Any]]) -> Handler:
            async def handle(ctx: HandlerContext, payload: dict[str, Any]) -> dict[str, Any]:
                self.received.append((action, payload))
                self._changed.set()
                return answer(payload)
            return handle

        return {
            "BootNotification": recorder("BootNotification", lambda p: {
                "currentTime": to_ocpp_time(_EPOCH),
                "interval": self.interval_s, "status": self.boot_status}),
            "StatusNotification": recorder("StatusNotification", lambda p: {}),
            "Heartbeat": recorder("Heartbeat", lambda p: {"currentTime": to_ocpp_time(_EPOCH)}),
            "Authorize": recorder("Authorize", lambda p: {"idTokenInfo": {"status": self.authorize_status}}),
            "TransactionEvent": recorder("TransactionEvent", lambda p: {}),
            "MeterValues": recorder("MeterValues", lambda p: {}),
            "NotifyReport": recorder("NotifyReport", lambda p: {}),
            "NotifyEVChargingNeeds": recorder("NotifyEVChargingNeeds", lambda p: {"status": "Accepted"}),
            "ReportChargingProfiles": recorder("ReportChargingProfiles", lambda p: {}),
        }


def warm_up(version: OcppVersion, actions: tuple[str, ...] = (
        "BootNotification", "StatusNotification", "Heartbeat", "Authorize", "TransactionEvent",
        "NotifyEVChargingNeeds")) -> None:
    """Compile these schemas now, so a test under a fast ScaledClock does not lose simulated minutes to it."""
    for action in actions:
        compiled_validator(version, action, "Request")
        compiled_validator(version, action, "Response")


class SessionPair:
    """Two RpcSessions wired back to back through queues: `station` and `csms` ends."""

    def __init__(self, station_handlers: Mapping[str, CallHandler], csms_handlers: Mapping[str, CallHandler],
                 version: OcppVersion = OcppVersion.V201, station_id: str = "SIM-0001") -> None:
        self._to_station: asyncio.Queue[str] = asyncio.Queue()
        self._to_csms: asyncio.Queue[str] = asyncio.Queue()
        self.station = RpcSession(station_id=station_id, version=version, send=self._to_csms.put,
                                  handlers=station_handlers, call_timeout_s=2.0)
        self.csms = RpcSession(station_id=station_id, version=version, send=self._to_station.put,
                               handlers=csms_handlers, call_timeout_s=2.0)
        self._pumps = [asyncio.create_task(self._pump(self._to_station, self.station)),
                       asyncio.create_task(self._pump(self._to_csms, self.csms))]
        self.lost = False

    @staticmethod
    async def _pump(queue: asyncio.Queue[str], session: RpcSession) -> None:
        while True:
            await session.feed(await queue.get())

    def is_lost(self) -> bool:
        return self.lost

    async def close(self) -> None:
        self.lost = True
        for task in self._pumps:
            task.cancel()
        for task in self._pumps:
            with suppress(asyncio.CancelledError):
                await task
        self.station.close()
        self.csms.close()

