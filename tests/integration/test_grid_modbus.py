"""Modbus TCP on loopback with pymodbus as the independent counterpart: an EMS client writes the regulation
signal and reads the fleet's telemetry back (the documented register map), loses its link and comes back; a
meter server's frequency register is polled, lost and recovered."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from pymodbus.client import AsyncModbusTcpClient
from pymodbus.server import ModbusTcpServer
from pymodbus.simulator import DataType, SimData, SimDevice

from csms.domain.clock import ManualClock, SystemClock
from csms.grid import modbus as reg
from csms.grid.droop import DroopCurve
from csms.grid.feed import Backoff, FailSafePolicy, FeedConsumer, FeedRole, FeedState, SourceFeed, Telemetry
from csms.grid.modbus import ModbusMeterFrequency, ModbusRegulationServer, decode_register_value, int16, int32
from csms.grid.signals import GridSignalSource
from tests.helpers.eventually import eventually
from tests.unit.grid.test_feed import FakeSink

T0 = datetime(2024, 1, 1, 12, tzinfo=UTC)


def _telemetry() -> Telemetry:
    return Telemetry(T0, 0.5, -12_000.0, 8_000.0, -12_000.0, 40_000.0, 30_000.0)


async def test_the_ems_writes_the_signal_and_reads_telemetry_and_survives_a_lost_link() -> None:
    clock = ManualClock(T0)
    sink = FakeSink()
    consumer = FeedConsumer(sink, clock, FailSafePolicy(regulation_max_age_s=10, regulation_decay_s=0))
    server = ModbusRegulationServer("ems", clock, _telemetry, host="127.0.0.1", port=0,
                                    signal_in_force=consumer.signal_in_force)
    await server.start(consumer.deliver)
    consumer.add(server)
    try:
        assert server.status(clock.now()).state is FeedState.WAITING
        ems = AsyncModbusTcpClient("127.0.0.1", port=server.port)
        assert await ems.connect()
        await eventually(lambda: server.counters.state is FeedState.CONNECTED, "EMS connected")
        written = await ems.write_registers(reg.SIGNAL, [(-5000) & 0xFFFF, 7], device_id=1)
        assert not written.isError()
        assert sink.regulation == [-0.5]  # dispatched when the write is acknowledged
        read = await ems.read_holding_registers(reg.ACK_SEQUENCE, count=14, device_id=1)
        words = read.registers
        assert words[0] == 7 and int16(words[1]) == 5000  # ack sequence; the signal the fleet last dispatched
        assert int32(words[2], words[3]) == -12_000 and int32(words[4], words[5]) == 8_000
        assert int32(words[8], words[9]) == 40_000 and int32(words[10], words[11]) == 30_000
        assert words[12] == reg.STATUS_TELEMETRY and words[13] == 1
        refused = await ems.write_registers(reg.METERED_W, [1], device_id=1)
        assert refused.isError()  # telemetry is read-only
        out_of_range = await ems.write_register(reg.SIGNAL, 12_000, device_id=1)
        assert out_of_range.isError() and sink.regulation == [-0.5]

        ems.close()  # the EMS link drops: the feed waits, the fail-safe brings the fleet back to baseline
        await eventually(lambda: server.counters.state is FeedState.WAITING, "EMS gone")
        clock.advance(11)
        assert consumer.check() == 0.0
        status = server.status(clock.now())
        assert status.stale and status.errors == 1
        stale = await _read_status(server.port)
        assert stale & reg.STATUS_STALE

        again = AsyncModbusTcpClient("127.0.0.1", port=server.port)  # recovery: a new connection resumes
        assert await again.connect()
        assert not (await again.write_register(reg.SIGNAL, 2500, device_id=1)).isError()
        assert sink.regulation[-1] == 0.25 and not server.status(clock.now()).stale
        again.close()
    finally:
        await consumer.stop()
    assert server.status(clock.now()).state is FeedState.STOPPED


async def _read_status(port: int) -> int:
    client = AsyncModbusTcpClient("127.0.0.1", port=port)
    assert await client.connect()
    try:
        status: int = (await client.read_holding_registers(reg.STATUS, count=1, device_id=1)).registers[0]
        return status
    finally:
        client.close()


async def _meter(port: int, raw_hz: int) -> ModbusTcpServer:
    device = SimDevice(id=1, simdata=([SimData(0, values=False, datatype=DataType.BITS)],
                                      [SimData(0, values=False, datatype=DataType.BITS)],
                                      [SimData(0, values=0, datatype=DataType.REGISTERS)],
                                      [SimData(0, values=raw_hz, datatype=DataType.REGISTERS)]))
    server = ModbusTcpServer(device, address=("127.0.0.1", port))
    await server.serve_forever(background=True)
    return server


def _port(server: ModbusTcpServer) -> int:
    listener = server.transport  # typed as a BaseTransport; listening over TCP it is the asyncio Server
    assert isinstance(listener, asyncio.Server)
    port: int = listener.sockets[0].getsockname()[1]
    return port


def _state(feed: SourceFeed) -> FeedState:
    """The feed's state now (read through a call, so no earlier `is` check narrows it for mypy)."""
    return feed.counters.state


async def test_frequency_from_meter_registers_with_droop_applied_locally_lost_and_recovered() -> None:
    clock = SystemClock()
    sink = FakeSink()
    consumer = FeedConsumer(sink, clock, droop=DroopCurve.fcr_n(full_deviation_hz=0.1))
    meter = await _meter(0, 4995)  # 49.95 Hz, scale 100
    port = _port(meter)

    async def connect() -> GridSignalSource:
        return ModbusMeterFrequency(clock, host="127.0.0.1", port=port, interval_s=0.02, timeout_s=1.0)

    feed = SourceFeed("meter", "modbus-frequency", FeedRole.REGULATION, clock, connect,
                      backoff=Backoff(0.02, 0.1), reconnect_on_end=True)
    await feed.start(consumer.deliver)
    try:
        await eventually(lambda: len(sink.regulation) >= 2, "two meter readings")
        assert sink.regulation[0] == pytest.approx(0.5)  # 0.05 Hz under nominal on a 0.1 Hz droop
        assert feed.status(clock.now()).last_value == pytest.approx(49.95)
        await meter.shutdown()  # type: ignore[no-untyped-call]
        await eventually(lambda: feed.counters.errors >= 1, "meter loss noticed")
        assert _state(feed) is FeedState.RECONNECTING
        meter = await _meter(port, 5005)  # back, now over-frequency: charge harder
        await eventually(lambda: sink.regulation[-1] == pytest.approx(-0.5), "meter back")
        assert _state(feed) is FeedState.CONNECTED
    finally:
        await feed.stop()
        await meter.shutdown()  # type: ignore[no-untyped-call]


def test_register_decoding() -> None:
    assert decode_register_value([5003], "uint16", 100.0) == pytest.approx(50.03)
    assert decode_register_value([0, 49_970], "int32", 1000.0) == pytest.approx(49.97)
    assert decode_register_value([0x4248, 0x0000], "float32", 1.0) == 50.0


async def test_a_port_in_use_is_a_clear_startup_error() -> None:
    from csms.grid.errors import GridConnectionError

    clock = ManualClock(T0)
    first = ModbusRegulationServer("a", clock, _telemetry, port=0)
    await first.start(lambda feed, signal: None)
    try:
        second = ModbusRegulationServer("b", clock, _telemetry, port=first.port)
        with pytest.raises(GridConnectionError, match="cannot listen"):
            await second.start(lambda feed, signal: None)
    finally:
        await first.stop()
