"""A lean OCPP 2.0.1 load generator: N station connections from one or more worker processes.

websockets' sans-I/O protocol on asyncio callbacks + orjson (not the full simulator), so the client stays
cheap next to the server it loads.
Each station: connect (subprotocol ocpp2.0.1, HTTP Basic auth), BootNotification, StatusNotification, then
MeterValues (a ~1.5 kB, schema-valid frame: import/export energy registers, import/export power, SoC, and
voltage and import current per phase) in a loop, one CALL in flight per station (OCPP-J), for a bounded window.
Every CALL the CSMS sends (e.g. GetBaseReport after boot) is answered at once with {"status": "Accepted"}.
`message = "MeterValues16"` runs the same load in OCPP 1.6J (subprotocol ocpp1.6; 1.6 BootNotification and
StatusNotification, a StartTransaction at boot, then 1.6 MeterValues with the same sampled values as strings and
the transactionId the CSMS issued).

Phases, driven by the parent (`LoadRun`) so it can measure the server between them:
1. connect + boot storm: every station connects (at most `connect_concurrency` handshakes + boots in flight
   per worker process) and boots; the storm time is until the last station has an Accepted boot;
2. load: closed loop (send, await the reply, repeat; `interval_s` > 0 instead paces each station: a pause of
   `interval_s` after each reply, from a random initial phase, i.e. an offered N / interval_s msg/s). The
   window opens `warmup_s` after every station has had its first MeterValues answered (steady state: the
   burst of N simultaneous first messages is served; bounded by `max_warmup_s`) and lasts `duration_s`:
   msg/s = MeterValues replies received inside the window; latency = round trip of every MeterValues sent
   inside the window, waiting up to `drain_s` after the window for the last replies (one still unanswered
   then counts as infinitely slow: `unfinished`);
3. close.
Every wait is bounded in time; only loopback URLs are expected. Times are `time.monotonic()` (one clock for
all processes on Linux).

Standalone: `python bench/load_client.py --url ws://127.0.0.1:9000/ocpp --stations 100 --duration 10`.
"""

from __future__ import annotations

import argparse
import array
import asyncio
import base64
import contextlib
import itertools
import math
import multiprocessing as mp
import os
import queue
import random
import signal
import time
import traceback
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from multiprocessing.process import BaseProcess
from multiprocessing.sharedctypes import Synchronized
from multiprocessing.synchronize import Event as MpEvent
from typing import Any

import orjson
from websockets.client import ClientProtocol
from websockets.extensions.permessage_deflate import enable_client_permessage_deflate
from websockets.frames import Frame, Opcode
from websockets.http11 import Response
from websockets.typing import Subprotocol
from websockets.uri import parse_uri

BOOT_PAYLOAD: dict[str, Any] = {
    "reason": "PowerUp",
    "chargingStation": {"model": "LoadBench-V2G", "vendorName": "BenchVendor", "serialNumber": "SN-0001",
                        "firmwareVersion": "1.0.0"},
}


def _sampled(measurand: str, value: float, unit: str, *, phase: str | None = None,
             location: str = "Outlet") -> dict[str, Any]:
    sampled: dict[str, Any] = {"value": value, "context": "Sample.Periodic", "measurand": measurand,
                               "location": location, "unitOfMeasure": {"unit": unit}}
    if phase is not None:
        sampled["phase"] = phase
    return sampled


def meter_values_payload(seq: int, timestamp: str) -> dict[str, Any]:
    """A realistic V2G MeterValues request (~1.5 kB as a frame); registers grow with `seq`."""
    sampled = [
        _sampled("Energy.Active.Import.Register", 0.0, "Wh"),
        _sampled("Energy.Active.Export.Register", 0.0, "Wh"),
        _sampled("Power.Active.Import", 7360.0, "W"),
        _sampled("Power.Active.Export", 0.0, "W"),
        _sampled("SoC", 57.5, "Percent", location="EV"),
        *(_sampled("Voltage", 230.0 + i, "V", phase=f"L{i}-N") for i in (1, 2, 3)),
        *(_sampled("Current.Import", 10.6, "A", phase=f"L{i}") for i in (1, 2, 3)),
    ]
    payload = {"evseId": 1, "meterValue": [{"timestamp": timestamp, "sampledValue": sampled}]}
    advance_meter_values(payload, seq, timestamp)
    return payload


def advance_meter_values(payload: dict[str, Any], seq: int, timestamp: str) -> None:
    """Update a `meter_values_payload` in place for message `seq` (cheaper than building a new one)."""
    meter_value = payload["meterValue"][0]
    meter_value["timestamp"] = timestamp
    sampled = meter_value["sampledValue"]
    sampled[0]["value"] = 1_250_000.0 + 2.0 * seq
    sampled[1]["value"] = 310_000.0 + 0.5 * seq


def transaction_id_of(station_id: str) -> str:
    """The one transaction a `--message TransactionEvent` station runs."""
    return f"{station_id}-tx"


def transaction_started_payload(transaction_id: str, timestamp: str) -> dict[str, Any]:
    return {"eventType": "Started", "timestamp": timestamp, "triggerReason": "CablePluggedIn", "seqNo": 0,
            "transactionInfo": {"transactionId": transaction_id, "chargingState": "EVConnected"},
            "evse": {"id": 1, "connectorId": 1}}


def transaction_updated_payload(transaction_id: str, seq: int, timestamp: str) -> dict[str, Any]:
    """A TransactionEvent Updated carrying the same meter values as `meter_values_payload` (~1.7 kB frame)."""
    payload = {"eventType": "Updated", "timestamp": timestamp, "triggerReason": "MeterValuePeriodic", "seqNo": seq,
               "transactionInfo": {"transactionId": transaction_id, "chargingState": "Charging"},
               "meterValue": meter_values_payload(seq, timestamp)["meterValue"]}
    advance_transaction_event(payload, seq, timestamp)
    return payload


def advance_transaction_event(payload: dict[str, Any], seq: int, timestamp: str) -> None:
    """Update a `transaction_updated_payload` in place for message `seq` (>= 1: the Started event is 0)."""
    payload["timestamp"], payload["seqNo"] = timestamp, seq
    advance_meter_values(payload, seq, timestamp)


MESSAGES = ("MeterValues", "TransactionEvent", "MeterValues16")
BOOT_PAYLOAD_16: dict[str, Any] = {"chargePointVendor": "BenchVendor", "chargePointModel": "LoadBench-V2G",
                                   "chargePointSerialNumber": "SN-0001", "firmwareVersion": "1.0.0"}


def meter_values_16_payload(transaction_id: int, seq: int, timestamp: str) -> dict[str, Any]:
    """`meter_values_payload` in OCPP 1.6 form (values as strings, `unit` on the value), with a transactionId."""
    meter_value = meter_values_payload(seq, timestamp)["meterValue"][0]
    sampled = []
    for value in meter_value["sampledValue"]:
        item = {k: value[k] for k in ("context", "measurand", "location", "phase") if k in value}
        sampled.append({"value": f"{value['value']:.1f}", **item, "unit": value["unitOfMeasure"]["unit"]})
    payload = {"connectorId": 1, "transactionId": transaction_id,
               "meterValue": [{"timestamp": timestamp, "sampledValue": sampled}]}
    advance_meter_values_16(payload, seq, timestamp)
    return payload


def advance_meter_values_16(payload: dict[str, Any], seq: int, timestamp: str) -> None:
    meter_value = payload["meterValue"][0]
    meter_value["timestamp"] = timestamp
    sampled = meter_value["sampledValue"]
    sampled[0]["value"] = f"{1_250_000.0 + 2.0 * seq:.1f}"
    sampled[1]["value"] = f"{310_000.0 + 0.5 * seq:.1f}"


def status_16_payload(timestamp: str) -> dict[str, Any]:
    return {"connectorId": 1, "errorCode": "NoError", "status": "Charging", "timestamp": timestamp}


def start_16_payload(timestamp: str) -> dict[str, Any]:
    return {"connectorId": 1, "idTag": "LOADBENCH", "meterStart": 0, "timestamp": timestamp}


def status_payload(timestamp: str) -> dict[str, Any]:
    return {"timestamp": timestamp, "connectorStatus": "Occupied", "evseId": 1, "connectorId": 1}


def ocpp_now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class _NowText:
    """`ocpp_now()` at 10 ms resolution, so thousands of stations do not each format the time."""

    def __init__(self) -> None:
        self._tick = -1
        self._text = ""

    def __call__(self) -> str:
        tick = int(time.time() * 100)
        if tick != self._tick:
            self._tick, self._text = tick, ocpp_now()
        return self._text


def basic_auth(username: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()


@dataclass(frozen=True)
class LoadConfig:
    """What to run. `url` is the endpoint prefix; the station id is appended as the last path segment."""

    url: str
    stations: int
    processes: int = 1
    duration_s: float = 10.0
    warmup_s: float = 1.0
    max_warmup_s: float = 90.0
    connect_concurrency: int = 500
    interval_s: float = 0.0
    compression: bool = False
    call_timeout_s: float = 30.0
    drain_s: float = 30.0
    phase_timeout_s: float = 180.0
    id_prefix: str = "LOAD"
    password: str = "load-bench-password-0001"
    message: str = "MeterValues"  # or "TransactionEvent": a Started event at boot, then Updated with meter values

    def station_ids(self) -> list[str]:
        return [f"{self.id_prefix}-{i:05d}" for i in range(self.stations)]


@dataclass
class BootSummary:
    stations: int
    booted: int
    ready: int
    all_connected_s: float | None
    boot_storm_s: float | None
    all_ready_s: float | None
    client_cpu_s: float  # the load workers' CPU time over the storm
    errors: dict[str, int]


@dataclass
class LoadSummary:
    stations_loading: int
    duration_s: float
    messages: int
    msgs_per_s: float
    latency_samples: int
    unfinished: int
    steady_after_s: float | None  # from the go until every station had its first MeterValues answered
    p50_ms: float | None
    p99_ms: float | None
    max_ms: float | None
    calls_answered: int
    client_cpu_pct: float
    errors: dict[str, int] = field(default_factory=dict)


def percentile(sorted_values: list[float], q: float, unfinished: int = 0) -> float | None:
    """Nearest-rank percentile (q in 0..100) of an ascending list plus `unfinished` samples that count as
    longer than any (inf if the rank falls among them)."""
    count = len(sorted_values) + unfinished
    if count == 0:
        return None
    rank = max(1, min(count, int(-(-q * count // 100))))
    return sorted_values[rank - 1] if rank <= len(sorted_values) else math.inf


# ---- worker process --------------------------------------------------------------------------------------


class _Control:
    """Shared between the parent and its workers (inherited through fork)."""

    def __init__(self, ctx: Any) -> None:
        self.go_connect: MpEvent = ctx.Event()
        self.go_load: MpEvent = ctx.Event()
        self.go_measure: MpEvent = ctx.Event()
        self.go_close: MpEvent = ctx.Event()
        self.t0: Synchronized[float] = ctx.Value("d", 0.0)
        self.t_start: Synchronized[float] = ctx.Value("d", 0.0)
        self.t_end: Synchronized[float] = ctx.Value("d", 0.0)
        self.results: mp.Queue[tuple[str, int, Any]] = ctx.Queue()


class _Station(asyncio.Protocol):
    """One connection on websockets' sans-I/O `ClientProtocol`, driven by asyncio callbacks: no task, no
    future and no queue per message, so the client costs a fraction of the server it loads. CSMS CALLs are
    answered from the receive callback; the MeterValues loop sends the next frame from the reply's callback."""

    def __init__(self, station_id: str, worker: _Worker) -> None:
        self.station_id = station_id
        self.worker = worker
        cfg = worker.cfg
        self.ws = ClientProtocol(parse_uri(f"{cfg.url.rstrip('/')}/{station_id}"),
                                 subprotocols=[Subprotocol("ocpp1.6" if cfg.message == "MeterValues16"
                                                           else "ocpp2.0.1")], max_size=2**20,
                                 extensions=enable_client_permessage_deflate(None) if cfg.compression else None)
        self.transport: asyncio.Transport | None = None
        loop = asyncio.get_running_loop()
        self.opened: asyncio.Future[None] = loop.create_future()
        self.closed: asyncio.Future[None] = loop.create_future()
        self.pending_id = ""
        self.pending: asyncio.Future[list[Any]] | None = None
        self.ids = itertools.count(1)
        self._fragments: list[bytes] = []
        self._meter: _MeterLoop | None = None
        self.transaction_16 = 0  # the transactionId the CSMS issued (MeterValues16)

    # asyncio.Protocol
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        request = self.ws.connect()
        request.headers["Authorization"] = basic_auth(self.station_id, self.worker.cfg.password)
        self.ws.send_request(request)
        self._flush()

    def data_received(self, data: bytes) -> None:
        self.ws.receive_data(data)
        for event in self.ws.events_received():
            if isinstance(event, Response):
                if not self.opened.done():
                    exc = self.ws.handshake_exc
                    self.opened.set_exception(exc) if exc is not None else self.opened.set_result(None)
            elif isinstance(event, Frame) and event.opcode in (Opcode.TEXT, Opcode.BINARY, Opcode.CONT):
                if not event.fin:
                    self._fragments.append(bytes(event.data))
                    continue
                data_ = b"".join([*self._fragments, event.data]) if self._fragments else bytes(event.data)
                self._fragments.clear()
                self._message(data_)
        self._flush()

    def eof_received(self) -> bool | None:
        self.ws.receive_eof()
        self._flush()
        return None

    def connection_lost(self, exc: Exception | None) -> None:
        self.transport = None
        error = ConnectionError(f"{self.station_id}: connection closed")
        for future in (self.opened, self.pending):
            if future is not None and not future.done():
                future.set_exception(error)
        if self._meter is not None:
            self._meter.lost()
        if not self.closed.done():
            self.closed.set_result(None)

    # frames
    def _message(self, data: bytes) -> None:
        try:
            frame = orjson.loads(data)
            if frame[0] == 2:
                self.worker.calls_answered += 1
                self.send_text(orjson.dumps([3, frame[1], {"status": "Accepted"}]))
            elif frame[1] == self.pending_id:
                if self._meter is not None:
                    self._meter.reply(frame)
                elif (future := self.pending) is not None and not future.done():
                    future.set_result(frame)
        except Exception as exc:  # a malformed frame from the server: count it, drop the connection
            self.worker.errors[f"read:{type(exc).__name__}"] += 1
            if self.transport is not None:
                self.transport.abort()

    def send_text(self, data: bytes) -> None:
        self.ws.send_text(data)
        self._flush()

    def _flush(self) -> None:
        if self.transport is None:
            return
        for chunk in self.ws.data_to_send():
            if chunk:
                self.transport.write(chunk)
            elif self.transport.can_write_eof():
                self.transport.write_eof()

    def send_call(self, action: str, payload: dict[str, Any]) -> None:
        self.pending_id = str(next(self.ids))
        self.send_text(orjson.dumps([2, self.pending_id, action, payload]))

    async def call(self, action: str, payload: dict[str, Any]) -> list[Any]:
        """Send a CALL and return the reply frame (boot phase; the load phase uses `_MeterLoop`)."""
        if self.transport is None:
            raise ConnectionError(f"{self.station_id}: connection closed")
        self.pending = asyncio.get_running_loop().create_future()
        self.send_call(action, payload)
        async with asyncio.timeout(self.worker.cfg.call_timeout_s):
            return await self.pending

    def meter(self) -> asyncio.Future[None]:
        """Start the MeterValues loop; the future completes when this station stops sending."""
        self._meter = _MeterLoop(self)
        return self._meter.done

    async def close(self) -> None:
        if self.transport is not None:
            self.ws.send_close(1000)
            self._flush()
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(5.0):
                    await asyncio.shield(self.closed)
        if self.transport is not None:
            self.transport.abort()


class _MeterLoop:
    """One station's MeterValues, closed loop (the next frame goes out from the reply's callback) or paced
    (`interval_s` after each reply, from a random initial phase)."""

    def __init__(self, station: _Station) -> None:
        self.station = station
        self.worker = station.worker
        self.loop = asyncio.get_running_loop()
        self.done: asyncio.Future[None] = self.loop.create_future()
        self.action = self.worker.cfg.message
        self.transaction_id = transaction_id_of(station.station_id)
        if self.action == "TransactionEvent":
            self.payload = transaction_updated_payload(self.transaction_id, 1, self.worker.now_text())
        elif self.action == "MeterValues16":
            self.payload = meter_values_16_payload(station.transaction_16, 0, self.worker.now_text())
        else:
            self.payload = meter_values_payload(0, self.worker.now_text())
        self.seq = 0
        self.first = True
        self.sent_at = 0.0
        self.in_window = False
        self.interval_s = self.worker.cfg.interval_s
        if self.interval_s > 0:  # a random phase, so paced stations do not all send in the same instant
            self.loop.call_later(random.uniform(0.0, self.interval_s), self.send)
        else:
            self.send()

    def send(self) -> None:
        worker = self.worker
        sent = time.monotonic()
        if sent >= worker.t_end or self.station.transport is None:
            self.finish()
            return
        if self.action == "TransactionEvent":
            advance_transaction_event(self.payload, self.seq + 1, worker.now_text())
        elif self.action == "MeterValues16":
            advance_meter_values_16(self.payload, self.seq, worker.now_text())
        else:
            advance_meter_values(self.payload, self.seq, worker.now_text())
        self.seq += 1
        self.sent_at, self.in_window = sent, sent >= worker.t_start
        worker.unfinished += self.in_window
        self.station.send_call("MeterValues" if self.action == "MeterValues16" else self.action, self.payload)

    def reply(self, frame: list[Any]) -> None:
        worker = self.worker
        done = time.monotonic()
        self.station.pending_id = ""
        worker.unfinished -= self.in_window
        if self.first:
            self.first = False
            worker._first_answered()
        if frame[0] != 3:
            worker.errors[f"{self.action}:{frame[2]}"] += 1
        elif worker.t_start <= done <= worker.t_end:
            worker.messages += 1
        if frame[0] == 3 and self.in_window:
            worker.latencies.append(done - self.sent_at)
        if self.interval_s > 0:
            self.loop.call_later(self.interval_s, self.send)
        else:
            self.send()

    def lost(self) -> None:
        if self.station.pending_id and not self.done.done():
            self.worker.errors["metervalues:ConnectionError"] += 1
            self.worker.unfinished -= self.in_window
        self.finish()

    def finish(self) -> None:
        if self.first:
            self.first = False
            self.worker._first_answered()
        if not self.done.done():
            self.done.set_result(None)


class _Worker:
    def __init__(self, cfg: LoadConfig, index: int, station_ids: list[str], ctl: _Control) -> None:
        self.cfg = cfg
        self.index = index
        self.station_ids = station_ids
        self.ctl = ctl
        self.errors: Counter[str] = Counter()
        self.calls_answered = 0
        self.stations: list[_Station] = []
        self.last_connected = 0.0
        self.last_boot = 0.0
        self.last_ready = 0.0
        self.booted = 0
        self.ready = 0
        self.phase1_left = len(station_ids)
        self.phase1_done = asyncio.Event()
        self.go_load = asyncio.Event()
        self.first_left = 0  # loading stations still waiting for their first MeterValues reply
        self.last_first = 0.0
        self.steady = asyncio.Event()
        self.t_start = math.inf  # the window, known once the parent opens it
        self.t_end = math.inf
        self.messages = 0
        self.latencies = array.array("d")
        self.unfinished = 0  # MeterValues sent inside the window and not (yet) answered
        self.cpu_window = 0.0
        self.now_text = _NowText()
        uri = parse_uri(f"{cfg.url.rstrip('/')}/x")
        self.host_port = (uri.host, uri.port)

    def _phase1_finished(self) -> None:
        self.phase1_left -= 1
        if self.phase1_left == 0:
            self.phase1_done.set()

    async def _wait_mp(self, event: MpEvent, timeout_s: float) -> None:
        deadline = time.monotonic() + timeout_s
        while not event.is_set():
            if time.monotonic() > deadline:
                raise TimeoutError("parent never gave the go")
            await asyncio.sleep(0.005)

    async def _connect_and_boot(self, station_id: str, gate: asyncio.Semaphore) -> _Station | None:
        async with gate:
            station = _Station(station_id, self)
            try:
                host, port = self.host_port
                async with asyncio.timeout(self.cfg.call_timeout_s):
                    await asyncio.get_running_loop().create_connection(lambda: station, host, port)
                    await station.opened
            except Exception as exc:
                self.errors[f"connect:{type(exc).__name__}"] += 1
                if station.transport is not None:
                    station.transport.abort()
                return None
            self.last_connected = max(self.last_connected, time.monotonic())
            self.stations.append(station)
            try:
                reply = await station.call("BootNotification", BOOT_PAYLOAD_16 if self.cfg.message == "MeterValues16"
                                           else BOOT_PAYLOAD)
            except Exception as exc:
                self.errors[f"boot:{type(exc).__name__}"] += 1
                return None
            if reply[0] != 3 or reply[2].get("status") != "Accepted":
                self.errors[f"boot:{reply[2] if reply[0] == 4 else reply[2].get('status')}"] += 1
                return None
            self.booted += 1
            self.last_boot = max(self.last_boot, time.monotonic())
        return station

    async def _answered(self, station: _Station, tag: str, action: str, payload: dict[str, Any]) -> bool:
        """Send one CALL; count an error under `tag` and return False unless it got a CALLRESULT."""
        try:
            reply = await station.call(action, payload)
        except Exception as exc:
            self.errors[f"{tag}:{type(exc).__name__}"] += 1
            return False
        if reply[0] != 3:
            self.errors[f"{tag}:{reply[2]}"] += 1
            return False
        return True

    async def _drive(self, station_id: str, gate: asyncio.Semaphore) -> None:
        try:
            station = await self._connect_and_boot(station_id, gate)
            if station is None:
                return
            v16 = self.cfg.message == "MeterValues16"
            status = status_16_payload(ocpp_now()) if v16 else status_payload(ocpp_now())
            if not await self._answered(station, "status", "StatusNotification", status):
                return
            if v16 and not await self._start_16(station):
                return
            if self.cfg.message == "TransactionEvent" and not await self._answered(
                    station, "started", "TransactionEvent",
                    transaction_started_payload(transaction_id_of(station_id), ocpp_now())):
                return
            self.ready += 1
            self.last_ready = max(self.last_ready, time.monotonic())
        finally:
            self._phase1_finished()
        await self.go_load.wait()
        await station.meter()

    async def _start_16(self, station: _Station) -> bool:
        """StartTransaction (1.6): keep the transactionId the CSMS issues."""
        try:
            reply = await station.call("StartTransaction", start_16_payload(ocpp_now()))
        except Exception as exc:
            self.errors[f"started:{type(exc).__name__}"] += 1
            return False
        if reply[0] != 3:
            self.errors[f"started:{reply[2]}"] += 1
            return False
        station.transaction_16 = int(reply[2]["transactionId"])
        return True

    def _first_answered(self) -> None:
        self.first_left -= 1
        self.last_first = time.monotonic()
        if self.first_left == 0:
            self.steady.set()

    async def _sample_cpu(self) -> None:
        t_start, t_end = self.t_start, self.t_end
        await asyncio.sleep(max(0.0, t_start - time.monotonic()))
        before = os.times()
        await asyncio.sleep(max(0.0, t_end - time.monotonic()))
        after = os.times()
        self.cpu_window = (after.user + after.system) - (before.user + before.system)

    async def run(self) -> None:
        cfg, ctl = self.cfg, self.ctl
        await self._wait_mp(ctl.go_connect, cfg.phase_timeout_s)
        cpu_before = os.times()
        gate = asyncio.Semaphore(max(1, cfg.connect_concurrency))
        tasks = [asyncio.create_task(self._drive(sid, gate)) for sid in self.station_ids]
        if tasks:
            async with asyncio.timeout(cfg.phase_timeout_s):
                await self.phase1_done.wait()
        cpu_after = os.times()
        ctl.results.put(("ready", self.index, {
            "cpu_s": (cpu_after.user + cpu_after.system) - (cpu_before.user + cpu_before.system),
            "booted": self.booted, "ready": self.ready, "last_connected": self.last_connected,
            "last_boot": self.last_boot, "last_ready": self.last_ready, "errors": dict(self.errors)}))
        await self._wait_mp(ctl.go_load, cfg.phase_timeout_s)
        self.first_left = self.ready
        if self.first_left == 0:
            self.steady.set()
        self.go_load.set()
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(cfg.max_warmup_s):
                await self.steady.wait()
        ctl.results.put(("steady", self.index, {"last_first": self.last_first if self.steady.is_set() else None}))
        await self._wait_mp(ctl.go_measure, cfg.phase_timeout_s)
        self.t_start, self.t_end = ctl.t_start.value, ctl.t_end.value
        sampler = asyncio.create_task(self._sample_cpu())
        deadline = self.t_end + cfg.drain_s  # replies to what was sent inside the window may take that long
        pending = set(tasks)
        while pending and time.monotonic() < deadline and not ctl.go_close.is_set():
            _, pending = await asyncio.wait(pending, timeout=min(0.1, max(0.0, deadline - time.monotonic())))
        if ctl.go_close.is_set():  # the parent gave up (error or signal): stop at once
            sampler.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await sampler
        unfinished = self.unfinished
        for task in tasks:
            task.cancel()
        ctl.results.put(("done", self.index, {
            "loading": self.ready, "messages": self.messages, "latencies": self.latencies.tobytes(),
            "unfinished": unfinished,
            "calls_answered": self.calls_answered, "cpu_window_s": self.cpu_window, "errors": dict(self.errors)}))
        await self._wait_mp(ctl.go_close, cfg.phase_timeout_s)
        closing = [asyncio.create_task(s.close()) for s in self.stations]
        if closing:
            await asyncio.wait(closing, timeout=15.0)


def _worker_main(cfg: LoadConfig, index: int, station_ids: list[str], ctl: _Control) -> None:
    try:
        asyncio.run(_Worker(cfg, index, station_ids, ctl).run())
    except BaseException:
        ctl.results.put(("error", index, traceback.format_exc()))


# ---- parent --------------------------------------------------------------------------------------------


class LoadRun:
    """Runs `cfg` in worker processes, one phase per method call (use as a context manager)."""

    def __init__(self, cfg: LoadConfig) -> None:
        self.cfg = cfg
        self._ctx = mp.get_context("fork")
        self._ctl = _Control(self._ctx)
        self._procs: list[BaseProcess] = []

    def __enter__(self) -> LoadRun:
        ids = self.cfg.station_ids()
        n = max(1, min(self.cfg.processes, max(1, len(ids))))
        for index in range(n):
            proc = self._ctx.Process(target=_worker_main, args=(self.cfg, index, ids[index::n], self._ctl),
                                     name=f"load-worker-{index}", daemon=True)
            proc.start()
            self._procs.append(proc)
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _collect(self, kind: str, timeout_s: float) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout_s
        found: dict[int, dict[str, Any]] = {}
        while len(found) < len(self._procs):
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"load workers did not report {kind!r} within {timeout_s:.0f} s")
            try:
                got, index, data = self._ctl.results.get(timeout=min(left, 1.0))
            except queue.Empty:
                dead = [p.name for p in self._procs if not p.is_alive() and p.exitcode not in (0, None)]
                if dead:
                    raise RuntimeError(f"load workers died: {dead}") from None
                continue
            if got == "error":
                raise RuntimeError(f"load worker {index} failed:\n{data}")
            if got == kind:
                found[index] = data
        return list(found.values())

    def connect_and_boot(self) -> BootSummary:
        t0 = time.monotonic()
        self._ctl.t0.value = t0
        self._ctl.go_connect.set()
        parts = self._collect("ready", self.cfg.phase_timeout_s + 10.0)
        errors: Counter[str] = Counter()
        for part in parts:
            errors.update(part["errors"])
        booted = sum(p["booted"] for p in parts)
        ready = sum(p["ready"] for p in parts)

        def span(key: str, ok: bool) -> float | None:
            return max(p[key] for p in parts) - t0 if ok else None

        return BootSummary(
            stations=self.cfg.stations, booted=booted, ready=ready,
            all_connected_s=span("last_connected", booted > 0 and not any(k.startswith("connect:") for k in errors)),
            boot_storm_s=span("last_boot", booted == self.cfg.stations),
            all_ready_s=span("last_ready", ready == self.cfg.stations),
            client_cpu_s=sum(p["cpu_s"] for p in parts),
            errors=dict(errors),
        )

    def run_load(self, during_window: Callable[[float, float], None] | None = None) -> LoadSummary:
        """Start the load, open the window once it is steady; `during_window(t_start, t_end)` runs in the
        parent meanwhile (e.g. to sample the server's CPU over exactly the window)."""
        t_go = time.monotonic()
        self._ctl.go_load.set()
        steady = self._collect("steady", self.cfg.max_warmup_s + 10.0)
        firsts = [p["last_first"] for p in steady]
        steady_after = None if None in firsts else max([t_go, *firsts]) - t_go
        t_start = time.monotonic() + self.cfg.warmup_s
        self._ctl.t_start.value = t_start
        self._ctl.t_end.value = t_start + self.cfg.duration_s
        self._ctl.go_measure.set()
        if during_window is not None:
            during_window(t_start, t_start + self.cfg.duration_s)
        parts = self._collect("done", self.cfg.warmup_s + self.cfg.duration_s + self.cfg.drain_s + 30.0)
        errors: Counter[str] = Counter()
        latencies: list[float] = []
        for part in parts:
            errors.update(part["errors"])
            latencies.extend(array.array("d", part["latencies"]))
        latencies.sort()
        messages = sum(p["messages"] for p in parts)
        unfinished = sum(p["unfinished"] for p in parts)

        def ms(value: float | None) -> float | None:
            return None if value is None else value * 1000.0

        return LoadSummary(
            stations_loading=sum(p["loading"] for p in parts), duration_s=self.cfg.duration_s, messages=messages,
            msgs_per_s=messages / self.cfg.duration_s, latency_samples=len(latencies), unfinished=unfinished,
            steady_after_s=steady_after,
            p50_ms=ms(percentile(latencies, 50, unfinished)), p99_ms=ms(percentile(latencies, 99, unfinished)),
            max_ms=ms(math.inf if unfinished else latencies[-1] if latencies else None),
            calls_answered=sum(p["calls_answered"] for p in parts),
            client_cpu_pct=100.0 * sum(p["cpu_window_s"] for p in parts) / self.cfg.duration_s,
            errors=dict(errors),
        )

    def close(self) -> None:
        """Close every connection and stop every worker process (by its own handle), bounded in time."""
        self._ctl.go_connect.set()  # a worker still waiting for a phase must not hang on it
        self._ctl.go_load.set()
        self._ctl.go_measure.set()
        self._ctl.go_close.set()
        deadline = time.monotonic() + 20.0
        for proc in self._procs:
            proc.join(timeout=max(0.1, deadline - time.monotonic()))
        for proc in self._procs:
            if proc.is_alive():
                proc.terminate()
                proc.join(timeout=5.0)
            if proc.is_alive():
                proc.kill()
                proc.join(timeout=5.0)
        self._procs.clear()


def _exit_on_sigterm(signum: int, frame: object) -> None:
    """Stop the workers at once (a graceful close of thousands of connections could outlast the caller's
    patience, and a SIGKILLed parent would leave them running), then unwind through LoadRun."""
    for child in mp.active_children():
        child.terminate()
    raise SystemExit(128 + signum)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="OCPP 2.0.1 MeterValues load against a running CSMS")
    parser.add_argument("--url", default="ws://127.0.0.1:9000/ocpp", help="endpoint; the station id is appended")
    parser.add_argument("--stations", type=int, default=100)
    parser.add_argument("--processes", type=int, default=1)
    parser.add_argument("--duration", type=float, default=10.0, help="measurement window, s")
    parser.add_argument("--warmup", type=float, default=1.0)
    parser.add_argument("--connect-concurrency", type=int, default=500, help="per worker process")
    parser.add_argument("--interval", type=float, default=0.0, help="pause between MeterValues (0 = closed loop)")
    parser.add_argument("--compression", action="store_true", help="offer permessage-deflate")
    parser.add_argument("--id-prefix", default="LOAD")
    parser.add_argument("--message", choices=MESSAGES, default="MeterValues", help="what each station sends")
    args = parser.parse_args(argv)
    cfg = LoadConfig(url=args.url, stations=args.stations, processes=args.processes, duration_s=args.duration,
                     warmup_s=args.warmup, connect_concurrency=args.connect_concurrency, interval_s=args.interval,
                     compression=args.compression, id_prefix=args.id_prefix, message=args.message)
    with LoadRun(cfg) as run:
        # SIGTERM (how the fan-out benchmarks stop this client) must unwind through LoadRun.close, which stops the
        # forked workers: the default action would kill this process alone and leave them running.
        signal.signal(signal.SIGTERM, _exit_on_sigterm)
        boot = run.connect_and_boot()
        print(boot, flush=True)
        print(run.run_load(), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
