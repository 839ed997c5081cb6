"""Drive the OCPP 1.6 handlers through a real `V16Session` in memory: every payload a test sends and every
answer a handler gives is checked against the `ocpp` package's 1.6 schemas, as on the wire."""

from __future__ import annotations

from typing import Any

import orjson

from csms.domain.clock import ManualClock
from csms.domain.ids import TransactionId
from csms.domain.records import BootPolicy, TransactionRecord
from csms.handlers.deps import HandlerDeps
from csms.handlers.v16 import build_v16_handlers
from csms.ocpp.v16_adapter import V16Session
from csms.ocpp.versions import OcppVersion
from csms.services.events import DomainEvent, EventBus
from csms.store.memory import MemoryStore
from tests.unit.handlers.harness import STATION, T0, at

__all__ = ["STATION", "T0", "Station16", "at", "meter_value"]


class Station16:
    """One 1.6 station talking to the CSMS's 1.6 handlers (booted unless `booted=False`)."""

    def __init__(self, *, booted: bool = True, **deps_options: Any) -> None:
        self.store = MemoryStore()
        self.clock = ManualClock(T0)
        self.bus = EventBus()
        self.events: list[DomainEvent] = []
        self.bus.subscribe(self.events.append)
        self.deps = HandlerDeps(store=self.store, clock=self.clock, events=self.bus, **deps_options)
        if booted:
            self.deps.registration[STATION] = BootPolicy.ACCEPT
        self.sent: list[list[Any]] = []
        self.session = V16Session(station_id=STATION, version=OcppVersion.V16, send=self._send,
                                  handlers=build_v16_handlers(self.deps))
        self._ids = 0

    async def _send(self, text: str) -> None:
        self.sent.append(orjson.loads(text))

    async def reply(self, action: str, payload: dict[str, Any]) -> list[Any]:
        """Send a CALL; return the CSMS's reply frame (CALLRESULT or CALLERROR)."""
        self._ids += 1
        message_id = f"m{self._ids}"
        await self.session.feed(orjson.dumps([2, message_id, action, payload]).decode())
        reply = self.sent.pop(0)
        assert reply[1] == message_id, reply
        return reply

    async def call(self, action: str, payload: dict[str, Any]) -> dict[str, Any]:
        """Send a CALL; return the CALLRESULT payload (fails the test on a CALLERROR)."""
        reply = await self.reply(action, payload)
        assert reply[0] == 3, reply
        result: dict[str, Any] = reply[2]
        return result

    async def error_code(self, action: str, payload: dict[str, Any]) -> str:
        reply = await self.reply(action, payload)
        assert reply[0] == 4, reply
        return str(reply[2])

    async def transaction(self, transaction_id: int) -> TransactionRecord:
        tx = await self.store.get_transaction(STATION, TransactionId(str(transaction_id)))
        assert tx is not None
        return tx

    def kinds(self) -> list[str]:
        return [event.kind for event in self.events]


def meter_value(minutes: float, import_wh: float | None = None, export_wh: float | None = None, *,
                unit: str = "Wh", power_w: float | None = None, soc: float | None = None) -> dict[str, Any]:
    """A 1.6 MeterValue: registers in `unit` (Wh or kWh; the value is given in Wh), signed power, SoC."""
    scale = 1000.0 if unit == "kWh" else 1.0
    values: list[dict[str, Any]] = []
    if import_wh is not None:
        values.append({"value": f"{import_wh / scale:g}", "measurand": "Energy.Active.Import.Register",
                       "unit": unit, "context": "Sample.Periodic"})
    if export_wh is not None:
        values.append({"value": f"{export_wh / scale:g}", "measurand": "Energy.Active.Export.Register",
                       "unit": unit})
    if power_w is not None:
        measurand = "Power.Active.Import" if power_w >= 0 else "Power.Active.Export"
        values.append({"value": f"{abs(power_w):g}", "measurand": measurand, "unit": "W"})
    if soc is not None:
        values.append({"value": f"{soc:g}", "measurand": "SoC", "unit": "Percent"})
    return {"timestamp": at(minutes), "sampledValue": values}
