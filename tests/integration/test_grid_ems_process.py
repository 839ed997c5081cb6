"""The Modbus link across processes: `python -m csms.grid.ems_cli` (a stand-in EMS in its own process)
replays a PJM recording into the CSMS's Modbus regulation server; every sample arrives, in order."""

from __future__ import annotations

import asyncio
import sys
from datetime import UTC, datetime

import pytest

from csms.domain.clock import ManualClock
from csms.grid.data import data_path
from csms.grid.feed import FeedConsumer, Telemetry
from csms.grid.modbus import ModbusRegulationServer
from csms.grid.parsers.regulation import parse_pjm_regulation
from tests.unit.grid.test_feed import FakeSink

PJM = "pjm/pjm_regA_2s_2017-08-01_1600-2400.csv"
OFFSET_S = 14_400


async def _ems(*args: str) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(sys.executable, "-m", "csms.grid.ems_cli", *args,
                                                   stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(process.communicate(), 120)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def test_an_ems_process_replays_a_recording_into_the_modbus_server() -> None:
    clock = ManualClock(datetime(2024, 1, 1, tzinfo=UTC))
    sink = FakeSink()
    consumer = FeedConsumer(sink, clock)
    telemetry = Telemetry(clock.now(), 0.0, 1_000.0, 2_000.0, 2_000.0, 3_000.0, 3_000.0)
    server = ModbusRegulationServer("ems", clock, lambda: telemetry, port=0)
    await server.start(consumer.deliver)
    try:
        code, out, err = await _ems("--port", str(server.port), "--file", str(data_path(PJM)), "--offset-s",
                                    str(OFFSET_S), "--duration-s", "20", "--speed", "200", "--report-every", "5")
    finally:
        await server.stop()
    assert code == 0, err
    series = parse_pjm_regulation(data_path(PJM)).items[0]
    expected = [round(float(v), 4) for v in series.values[OFFSET_S // 2:OFFSET_S // 2 + 10]]
    assert sink.regulation == pytest.approx(expected, abs=1e-4)
    lines = out.splitlines()
    assert lines[-1].startswith("sent 10 samples") and "ack 5 metered 1000 W baseline 2000 W" in lines[0]


async def test_the_ems_process_fails_when_no_server_listens() -> None:
    code, _, err = await _ems("--port", "1", "--file", str(data_path(PJM)), "--duration-s", "4", "--speed", "100")
    assert code == 1 and "ems: the CSMS Modbus server is unreachable" in err
