"""Drive the CSMS handlers through a real RpcSession in memory (no sockets): every payload a test sends and every
answer a handler gives is checked against the official OCPP schema (2.0.1 unless the station is made with
another version), as on the wire."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import orjson

from csms.domain.clock import ManualClock, to_ocpp_time
from csms.domain.ids import StationId
from csms.domain.records import BootPolicy
from csms.handlers import build_handlers
from csms.handlers.deps import HandlerDeps
from csms.ocpp.session import RpcSession
from csms.ocpp.versions import OcppVersion
from csms.services.events import DomainEvent, EventBus
from csms.store.memory import MemoryStore

T0 = datetime(2026, 6, 1, 1, 0, tzinfo=UTC)
STATION = StationId("CS1")


def at(minutes: float) -> str:
    """OCPP timestamp `minutes` after T0 (negative: before)."""
    return to_ocpp_time(T0 + timedelta(minutes=minutes))


class Station:
    """One booted station talking to the handlers; collects what the CSMS answers and publishes."""

    def __init__(self, *, version: OcppVersion = OcppVersion.V201, **deps_options: Any) -> None:
        self.store = MemoryStore()
        self.clock = ManualClock(T0)
        self.bus = EventBus()
        self.events: list[DomainEvent] = []
        self.bus.subscribe(self.events.append)
        self.deps = HandlerDeps(store=self.store, clock=self.clock, events=self.bus, **deps_options)
        self.deps.registration[STATION] = BootPolicy.ACCEPT
        self.sent: list[list[Any]] = []
        self.session = RpcSession(station_id=STATION, version=version, send=self._send,
                                  handlers=build_handlers(self.deps))
        self._ids = 0

    async def _send(self, text: str) -> None:
        self.sent.append(orjson.loads(text))

    async def call(self, action: str, payload: dict[str, Any]) -> dict[str, Any]:
        """Send a CALL; return the CALLRESULT payload (fails the test on a CALLERROR)."""
        self._ids += 1
        message_id = f"m{self._ids}"
        await self.session.feed(orjson.dumps([2, message_id, action, payload]).decode())
        reply = self.sent.pop(0)
        assert reply[:2] == [3, message_id], reply
        result: dict[str, Any] = reply[2]
        return result

    def kinds(self) -> list[str]:
        return [event.kind for event in self.events]


def sampled(measurand: str, value: float, unit: str | None = None, multiplier: int | None = None,
            context: str = "Sample.Periodic") -> dict[str, Any]:
    item: dict[str, Any] = {"value": value, "measurand": measurand, "context": context}
    if unit is not None or multiplier is not None:
        uom: dict[str, Any] = {}
        if unit is not None:
            uom["unit"] = unit
        if multiplier is not None:
            uom["multiplier"] = multiplier
        item["unitOfMeasure"] = uom
    return item


def registers(minutes: float, import_wh: float, export_wh: float | None = None, power_w: float | None = None,
              context: str = "Sample.Periodic") -> dict[str, Any]:
    """A MeterValueType with the import register (and export register, signed power) in Wh / W."""
    values = [sampled("Energy.Active.Import.Register", import_wh, "Wh", context=context)]
    if export_wh is not None:
        values.append(sampled("Energy.Active.Export.Register", export_wh, "Wh", context=context))
    if power_w is not None:
        measurand = "Power.Active.Import" if power_w >= 0 else "Power.Active.Export"
        values.append(sampled(measurand, abs(power_w), "W", context=context))
    return {"timestamp": at(minutes), "sampledValue": values}


def tx_event(event_type: str, seq_no: int, minutes: float, *meter: dict[str, Any], tx_id: str = "TX1",
             trigger: str = "MeterValuePeriodic", offline: bool = False, **info: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "eventType": event_type, "timestamp": at(minutes), "triggerReason": trigger, "seqNo": seq_no,
        "transactionInfo": {"transactionId": tx_id, **info}, "evse": {"id": 1, "connectorId": 1},
    }
    if offline:
        payload["offline"] = True
    if meter:
        payload["meterValue"] = list(meter)
    return payload
