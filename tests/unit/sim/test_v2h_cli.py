"""`csms sim v2h`: simulated V2H units on loopback, the settings they print, and their battery on the clock."""

from __future__ import annotations

import asyncio
import tomllib
from datetime import UTC, datetime

import pytest

from chargepoint_sim.__main__ import main as sim_main
from chargepoint_sim.echonet.cli import parse_args, run_units, settings_snippet, start_units
from csms.domain.clock import ManualClock
from csms.echonet.adapter import V2hEndpoint, V2hResource
from csms.echonet.client import EchonetClient
from csms.settings import EchonetSettings


async def test_units_answer_on_loopback_and_print_their_settings() -> None:
    args = parse_args(["--host", "127.0.0.1", "--port", "0", "--count", "2", "--soc", "0.5"], "v2h")
    units = await start_units(args)
    client = await EchonetClient.open("127.0.0.1", 0)
    try:
        settings = EchonetSettings.model_validate(tomllib.loads(settings_snippet([a for _, a in units]))["echonet"])
        assert [u.name for u in settings.units] == ["sim-0", "sim-1"]
        assert len({u.port for u in settings.units}) == 2
        for unit in settings.units:
            resource = V2hResource(V2hEndpoint(unit.name, unit.host, unit.port), client, timeout_s=2.0)
            state = await resource.refresh()
            assert state is not None and (state.remaining_wh, state.max_charge_power_w) == (20_000, 6000)
    finally:
        client.close()
        for device, _ in units:
            device.close()


async def test_the_batteries_follow_the_command_on_the_clock() -> None:
    args = parse_args(["--port", "0", "--soc", "0.5"], "v2h")
    (device, _), = await start_units(args)
    try:
        device.model.write(0xDA, bytes((0x42,)))  # charge
        device.model.write(0xE0, (3000).to_bytes(4, "big", signed=True))
        ran_s = await run_units([device], ManualClock(datetime(2026, 6, 1, tzinfo=UTC)), 60.0, asyncio.Event(),
                                duration_s=3600.0)
        assert ran_s == 3600.0 and device.model.charged_wh == pytest.approx(3000.0)
    finally:
        device.close()


def test_bad_arguments_are_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        sim_main(["v2h", "--count", "0"], prog="csms sim")
    assert "csms sim v2h: error" in capsys.readouterr().err
