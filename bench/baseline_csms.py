"""Baseline CSMS for the load benchmark: the `ocpp` library's documented central-system pattern.

Written the way The Mobility House `ocpp` README and `examples/v201/central_system.py` show it: an
`ocpp.v201.ChargePoint` subclass with `@on` handlers returning `call_result` dataclasses, one instance per
connection started from a `websockets.serve(..., subprotocols=["ocpp2.0.1"])` handler with `await cp.start()`.
The library's default validation is kept (jsonschema, run in the event loop's default thread pool, on every
inbound CALL and every outbound CALLRESULT), as is its camelCase <-> snake_case conversion.

Differences from the example, none on the per-message path:
- the websockets >= 14 handler signature (`handler(connection)`, the id from `connection.request.path`);
- handlers for StatusNotification, MeterValues and TransactionEvent, which the example does not have;
- no Basic auth check (the example has none; the header a station sends is ignored);
- the log level is a flag (default WARNING, as the benchmark runs our CSMS; the example uses INFO, which logs
  every frame twice through the `ocpp` logger);
- the normal end of a connection (ConnectionClosed out of `cp.start()`) is not logged as a handler failure;
- connected charge points are kept in `CONNECTED` (id -> ChargePoint), so `bench_fanout.py` can send them
  SetChargingProfile with `await charge_point.call(...)`, as the library documents for CSMS-initiated messages.

Run: `python bench/baseline_csms.py --port 9100`. State is not stored anywhere (like the example).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
from datetime import UTC, datetime
from typing import Any

import websockets
from ocpp.routing import on
from ocpp.v201 import ChargePoint as cp
from ocpp.v201 import call_result
from ocpp.v201.enums import Action
from websockets.asyncio.server import ServerConnection
from websockets.exceptions import ConnectionClosed

log = logging.getLogger("baseline_csms")


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S") + "Z"


class ChargePoint(cp):  # type: ignore[misc]  # the ocpp package ships no type information
    @on(Action.boot_notification)  # type: ignore[untyped-decorator]
    def on_boot_notification(self, charging_station: dict[str, Any], reason: str,
                             **kwargs: Any) -> call_result.BootNotification:
        return call_result.BootNotification(current_time=_now(), interval=10, status="Accepted")

    @on(Action.heartbeat)  # type: ignore[untyped-decorator]
    def on_heartbeat(self) -> call_result.Heartbeat:
        return call_result.Heartbeat(current_time=_now())

    @on(Action.status_notification)  # type: ignore[untyped-decorator]
    def on_status_notification(self, timestamp: str, connector_status: str, evse_id: int, connector_id: int,
                               **kwargs: Any) -> call_result.StatusNotification:
        return call_result.StatusNotification()

    @on(Action.meter_values)  # type: ignore[untyped-decorator]
    def on_meter_values(self, evse_id: int, meter_value: list[dict[str, Any]],
                        **kwargs: Any) -> call_result.MeterValues:
        return call_result.MeterValues()

    @on(Action.transaction_event)  # type: ignore[untyped-decorator]
    def on_transaction_event(self, event_type: str, timestamp: str, trigger_reason: str, seq_no: int,
                             transaction_info: dict[str, Any], **kwargs: Any) -> call_result.TransactionEvent:
        return call_result.TransactionEvent()


CONNECTED: dict[str, ChargePoint] = {}


async def on_connect(websocket: ServerConnection) -> None:
    """For every new charge point that connects, create a ChargePoint instance and start listening."""
    request = websocket.request
    if request is None or "Sec-WebSocket-Protocol" not in request.headers:
        log.error("Client hasn't requested any Subprotocol. Closing Connection")
        await websocket.close()
        return
    if not websocket.subprotocol:
        log.warning("Protocols mismatched (client offers %s); closing connection",
                    request.headers["Sec-WebSocket-Protocol"])
        await websocket.close()
        return
    charge_point_id = request.path.strip("/").rsplit("/", 1)[-1]
    charge_point = CONNECTED[charge_point_id] = ChargePoint(charge_point_id, websocket)
    try:
        with contextlib.suppress(ConnectionClosed):
            await charge_point.start()
    finally:
        if CONNECTED.get(charge_point_id) is charge_point:
            del CONNECTED[charge_point_id]


async def serve(host: str, port: int) -> websockets.Server:
    return await websockets.serve(on_connect, host, port, subprotocols=["ocpp2.0.1"])  # type: ignore[list-item]


async def main(host: str, port: int) -> None:
    server = await serve(host, port)
    log.warning("baseline CSMS listening on ws://%s:%d/<stationId>", host, port)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    server.close()
    await server.wait_closed()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=9000)
    parser.add_argument("--log-level", default="WARNING", help="INFO is what the library example uses")
    args = parser.parse_args()
    logging.basicConfig(level=args.log_level.upper())
    asyncio.run(main(args.host, args.port))
