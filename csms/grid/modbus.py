"""Regulation/AGC over Modbus TCP: a server the aggregator's EMS writes the signal to and reads telemetry from,
and a client that polls a meter's frequency register.

`ModbusRegulationServer` (a `GridFeed`, pymodbus). Holding registers (function 3 to read, 6/16 to write),
0-based addresses, unit id `unit_id` (default 1); int32 values span two registers, high word first:

| Address | Name | Type | Access | Meaning |
|---|---|---|---|---|
| 0 | signal | int16 | write | regulation signal x 10,000 (-10,000..10,000 = -1..+1; + = inject more / import less) |
| 1 | sequence | uint16 | write | the EMS's sample counter; write it with (or after) the signal |
| 10 | ack_sequence | uint16 | read | the last sequence accepted and dispatched |
| 11 | ack_signal | int16 | read | the signal in force x 10,000 (after the fail-safe decay) |
| 12-13 | metered_w | int32 | read | metered fleet power, W (+ = import) |
| 14-15 | baseline_w | int32 | read | planned baseline, W |
| 16-17 | requested_w | int32 | read | setpoint requested of the fleet (baseline - signal x reserve), W |
| 18-19 | reserve_up_w | int32 | read | reserved up-regulation capacity, W |
| 20-21 | reserve_down_w | int32 | read | reserved down-regulation capacity, W |
| 22 | status | uint16 | read | bit 0: telemetry available (the fleet has a plan); bit 1: signal stale (fail-safe) |
| 23 | heartbeat | uint16 | read | +1 on every telemetry read (mod 65,536) |

Writes outside 0-1 are refused (ILLEGAL_DATA_ADDRESS); a signal outside +-10,000 is refused
(ILLEGAL_DATA_VALUE). Telemetry is computed at each read, so it follows the EMS's polling cadence.
The feed is CONNECTED while an EMS client is connected, WAITING otherwise; the consumer's fail-safe decays the
signal when the EMS stops writing.

`ModbusMeterFrequency` (a `GridSignalSource`): polls a meter's input or holding registers for the grid
frequency (uint16 / int32 scaled, or float32) every `interval_s`; wrap it in a `SourceFeed` to reconnect.
Imports csms.domain and csms.grid only.
"""

from __future__ import annotations

import logging
import struct
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from pymodbus.client import AsyncModbusTcpClient
from pymodbus.constants import ExcCodes
from pymodbus.server import ModbusTcpServer
from pymodbus.simulator import DataType, SimData, SimDevice

from csms.domain.clock import Clock
from csms.grid.errors import GridConnectionError
from csms.grid.feed import Deliver, FeedCounters, FeedRole, FeedState, FeedStatus, TelemetryProvider
from csms.grid.signals import FrequencySample, RegulationSignal, SourceDescription

log = logging.getLogger("csms.grid.modbus")

SIGNAL = 0
SEQUENCE = 1
ACK_SEQUENCE = 10
ACK_SIGNAL = 11
METERED_W = 12
BASELINE_W = 14
REQUESTED_W = 16
RESERVE_UP_W = 18
RESERVE_DOWN_W = 20
STATUS = 22
HEARTBEAT = 23
REGISTER_COUNT = 24
SIGNAL_SCALE = 10_000
STATUS_TELEMETRY = 1
STATUS_STALE = 2

_WRITES = (6, 16)
_READS = (3, 4)


def int16(word: int) -> int:
    return word - 0x10000 if word & 0x8000 else word


def word16(value: int) -> int:
    return value & 0xFFFF


def words32(value: float) -> tuple[int, int]:
    """An int32 (clamped) as (high word, low word)."""
    number = max(-(2**31), min(2**31 - 1, round(value)))
    raw = number & 0xFFFFFFFF
    return raw >> 16, raw & 0xFFFF


def int32(high: int, low: int) -> int:
    raw = (high << 16) | low
    return raw - 0x1_0000_0000 if raw & 0x8000_0000 else raw


class ModbusRegulationServer:
    """The EMS link (see the module docstring for the register map)."""

    role = FeedRole.REGULATION

    def __init__(self, name: str, clock: Clock, telemetry: TelemetryProvider, *, host: str = "127.0.0.1",
                 port: int = 5020, unit_id: int = 1, max_age_s: float | None = 10.0,
                 signal_in_force: Callable[[], tuple[float, bool]] | None = None) -> None:
        self.name = name
        self.kind = "modbus-regulation"
        self._clock = clock
        self._telemetry = telemetry
        self._address = (host, port)
        self._unit_id = unit_id
        self.max_age_s = max_age_s
        self._signal_in_force = signal_in_force
        self.counters = FeedCounters()
        self._server: ModbusTcpServer | None = None
        self._deliver: Deliver | None = None
        self._clients = 0
        self._sequence = 0
        self._heartbeat = 0

    @property
    def port(self) -> int:
        """The bound port (useful with port 0)."""
        if self._server is None or self._server.transport is None:
            raise RuntimeError("server not started")
        port: int = self._server.transport.sockets[0].getsockname()[1]  # type: ignore[attr-defined]
        return port

    async def start(self, deliver: Deliver) -> None:
        if self._server is not None:
            return
        self._deliver = deliver
        device = SimDevice(id=self._unit_id, action=self._action,
                           simdata=[SimData(0, count=REGISTER_COUNT, values=0, datatype=DataType.REGISTERS)])
        self._server = ModbusTcpServer(device, address=self._address, trace_connect=self._on_connect)
        try:
            await self._server.serve_forever(background=True)
        except RuntimeError as exc:  # pymodbus: "Could not start listen" (port in use, bad address)
            self._server = None
            raise GridConnectionError(f"grid feed {self.name}: cannot listen on "
                                      f"{self._address[0]}:{self._address[1]} ({exc})") from exc
        self.counters.state = FeedState.WAITING
        log.info("Modbus regulation server %s on %s:%d (unit %d)", self.name, self._address[0], self.port,
                 self._unit_id)

    async def stop(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            await server.shutdown()  # type: ignore[no-untyped-call]
        self.counters.state = FeedState.STOPPED

    def status(self, now: datetime) -> FeedStatus:
        return self.counters.status(self, now, self.max_age_s, f"{self._clients} client(s), sequence "
                                    f"{self._sequence}")

    def _on_connect(self, connected: bool) -> None:
        self._clients = max(0, self._clients + (1 if connected else -1))
        if self.counters.state is not FeedState.STOPPED:
            self.counters.state = FeedState.CONNECTED if self._clients else FeedState.WAITING
        if not connected:
            self.counters.failed(GridConnectionError("EMS client disconnected"))

    async def _action(self, function_code: int, start_address: int, address: int, count: int,
                      current_registers: list[int], set_values: list[int] | list[bool] | None) -> ExcCodes | None:
        if function_code in _WRITES and set_values is not None:
            return self._write(address, [int(v) for v in set_values])
        if function_code in _READS and set_values is None:
            self._fill(current_registers, start_address)
        return None

    def _write(self, address: int, values: list[int]) -> ExcCodes | None:
        if address < SIGNAL or address + len(values) > SEQUENCE + 1:
            return ExcCodes.ILLEGAL_ADDRESS
        by_address = dict(enumerate(values, start=address))
        if SEQUENCE in by_address:
            self._sequence = by_address[SEQUENCE]
        if SIGNAL in by_address:
            raw = int16(by_address[SIGNAL])
            if abs(raw) > SIGNAL_SCALE:
                return ExcCodes.ILLEGAL_VALUE
            now = self._clock.now()
            signal = RegulationSignal(now, raw / SIGNAL_SCALE, f"modbus:{self.name}")
            self.counters.record(signal, now)
            if self._deliver is not None:
                self._deliver(self, signal)
        return None

    def _fill(self, registers: list[int], start_address: int) -> None:
        def put(address: int, *words: int) -> None:
            for offset, word in enumerate(words):
                index = address + offset - start_address
                if 0 <= index < len(registers):
                    registers[index] = word

        self._heartbeat = (self._heartbeat + 1) & 0xFFFF
        telemetry = self._telemetry()
        value, stale = self._signal_in_force() if self._signal_in_force is not None else (0.0, False)
        status = (STATUS_STALE if stale else 0)
        put(ACK_SEQUENCE, self._sequence)
        put(ACK_SIGNAL, word16(round(value * SIGNAL_SCALE)))
        if telemetry is not None:
            status |= STATUS_TELEMETRY
            put(ACK_SIGNAL, word16(round(telemetry.signal * SIGNAL_SCALE)))
            for address, watts in ((METERED_W, telemetry.metered_w), (BASELINE_W, telemetry.baseline_w),
                                   (REQUESTED_W, telemetry.requested_w), (RESERVE_UP_W, telemetry.reserve_up_w),
                                   (RESERVE_DOWN_W, telemetry.reserve_down_w)):
                put(address, *words32(watts))
        put(STATUS, status)
        put(HEARTBEAT, self._heartbeat)


RegisterType = Literal["uint16", "int32", "float32"]


def decode_register_value(words: list[int], register_type: RegisterType, scale: float) -> float:
    """A meter reading from its registers (high word first), divided by `scale` (float32: scale 1)."""
    if register_type == "uint16":
        return words[0] / scale
    if register_type == "int32":
        return int32(words[0], words[1]) / scale
    value: float = struct.unpack(">f", struct.pack(">HH", words[0], words[1]))[0]
    return value / scale


class ModbusMeterFrequency:
    """Polls a meter's frequency register over Modbus TCP; raises GridConnectionError when the meter is gone
    (the `SourceFeed` around it reconnects with backoff)."""

    kind = "modbus-frequency"

    def __init__(self, clock: Clock, *, host: str, port: int = 502, unit_id: int = 1, address: int = 0,
                 register_type: RegisterType = "uint16", scale: float = 100.0, input_registers: bool = True,
                 interval_s: float = 1.0, timeout_s: float = 3.0, name: str | None = None) -> None:
        self._clock = clock
        self._host, self._port, self._unit_id = host, port, unit_id
        self._address = address
        self._type: RegisterType = register_type
        self._scale = scale
        self._input = input_registers
        self._interval_s = interval_s
        self._timeout_s = timeout_s
        self._name = name or f"modbus:{host}:{port}/{address}"

    async def signals(self) -> AsyncIterator[FrequencySample]:
        client = AsyncModbusTcpClient(self._host, port=self._port, timeout=self._timeout_s, retries=0,
                                      reconnect_delay=0)
        try:
            if not await client.connect():
                raise GridConnectionError(f"meter {self._host}:{self._port} unreachable")
            count = 1 if self._type == "uint16" else 2
            while True:
                read: Any = client.read_input_registers if self._input else client.read_holding_registers
                try:
                    response = await read(self._address, count=count, device_id=self._unit_id)
                except Exception as exc:  # pymodbus raises its own ConnectionException / ModbusIOException
                    raise GridConnectionError(f"meter {self._host}:{self._port}: {exc}") from exc
                if response.isError():
                    raise GridConnectionError(f"meter {self._host}:{self._port} answered {response}")
                yield FrequencySample(self._clock.now(), decode_register_value(list(response.registers),
                                                                               self._type, self._scale), self._name)
                await self._clock.sleep(self._interval_s)
        finally:
            client.close()

    def describe(self) -> SourceDescription:
        return SourceDescription(kind=self.kind, name=self._name, cadence_s=self._interval_s)


@dataclass(frozen=True, slots=True)
class EmsReading:
    """What an EMS reads back after a write (registers 10-23, decoded)."""

    ack_sequence: int
    signal: float
    metered_w: int
    baseline_w: int
    requested_w: int
    reserve_up_w: int
    reserve_down_w: int
    status: int


class ModbusEmsClient:
    """A reference EMS for the server's register map (tests, demos, `csms replay` over Modbus): write each
    regulation sample with a sequence number, read the telemetry back. Use with `async with`."""

    def __init__(self, host: str, port: int, *, unit_id: int = 1, timeout_s: float = 3.0) -> None:
        self._client = AsyncModbusTcpClient(host, port=port, timeout=timeout_s, retries=0, reconnect_delay=0)
        self._unit_id = unit_id
        self._sequence = 0
        self.readings: list[EmsReading] = []

    async def __aenter__(self) -> ModbusEmsClient:
        if not await self._client.connect():
            raise GridConnectionError("the CSMS Modbus server is unreachable")
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._client.close()

    async def send(self, value: float) -> EmsReading:
        """Write one sample (clamped to [-1, 1]) and read the telemetry that acknowledges it."""
        self._sequence = (self._sequence + 1) & 0xFFFF
        raw = word16(round(max(-1.0, min(1.0, value)) * SIGNAL_SCALE))
        written = await self._client.write_registers(SIGNAL, [raw, self._sequence], device_id=self._unit_id)
        if written.isError():
            raise GridConnectionError(f"write refused: {written}")
        read = await self._client.read_holding_registers(ACK_SEQUENCE, count=HEARTBEAT - ACK_SEQUENCE + 1,
                                                         device_id=self._unit_id)
        if read.isError():
            raise GridConnectionError(f"read refused: {read}")
        w = list(read.registers)
        reading = EmsReading(w[0], int16(w[1]) / SIGNAL_SCALE, int32(w[2], w[3]), int32(w[4], w[5]),
                             int32(w[6], w[7]), int32(w[8], w[9]), int32(w[10], w[11]), w[12])
        self.readings.append(reading)
        return reading
