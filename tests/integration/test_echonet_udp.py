"""The V2H adapter against the simulated ECHONET Lite device over real UDP on 127.0.0.1 (unprivileged ports)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest

from chargepoint_sim.echonet.device import SimulatedV2hDevice, V2hModel
from chargepoint_sim.ev import Ev
from csms.echonet.adapter import ResourceStatus, V2hEndpoint, V2hResource
from csms.echonet.client import EchonetClient
from csms.echonet.errors import EchonetRejected, ResourceOffline, SetpointRefused
from csms.echonet.frame import Esv, Property
from csms.echonet.v2h import ConnectionStatus, OperationMode

LOOPBACK = "127.0.0.1"


@dataclass
class Rig:
    device: SimulatedV2hDevice
    client: EchonetClient
    resource: V2hResource


def leaf(soc: float = 0.5) -> Ev:
    return Ev(capacity_wh=40_000, soc=soc, max_charge_power_w=6000, max_discharge_power_w=5900, min_soc=0.2,
              max_soc=0.9, charge_efficiency=0.95, discharge_efficiency=0.95, allow_discharge=True)


@pytest.fixture
async def rig() -> AsyncIterator[Rig]:
    device = SimulatedV2hDevice(V2hModel(leaf()))
    host, port = await device.start(LOOPBACK, 0)
    client = await EchonetClient.open(LOOPBACK, 0)
    resource = V2hResource(V2hEndpoint("v2h-1", host, port), client, timeout_s=0.5)
    yield Rig(device, client, resource)
    client.close()
    device.close()


async def test_read_state(rig: Rig) -> None:
    state = await rig.resource.refresh()
    assert state is not None and rig.resource.status is ResourceStatus.ONLINE
    assert state.connection is ConnectionStatus.CHARGEABLE_AND_DISCHARGEABLE
    assert (state.remaining_wh, state.remaining_percent) == (20_000, 50)
    assert (state.max_charge_power_w, state.max_discharge_power_w) == (6000, 5900)
    assert state.mode is OperationMode.STANDBY and state.measured_power_w == 0


async def test_set_power_and_read_back(rig: Rig) -> None:
    await rig.resource.refresh()
    state = await rig.resource.set_power_w(3000)
    assert state is not None
    assert (state.mode, state.measured_power_w) == (OperationMode.CHARGE, 3000)
    assert rig.device.model.setting_w == 3000
    state = await rig.resource.set_power_w(-4500)
    assert state is not None
    assert (state.mode, state.measured_power_w) == (OperationMode.DISCHARGE, -4500)
    rig.device.model.advance(3600)  # one hour at -4.5 kW
    state = await rig.resource.refresh()
    assert state is not None
    assert state.discharged_wh == 4500
    assert state.remaining_wh == round(20_000 - 4500 / 0.95)
    state = await rig.resource.set_power_w(0)
    assert state is not None and state.mode is OperationMode.STANDBY and state.measured_power_w == 0


async def test_setpoints_outside_what_the_device_reports_are_refused_unsent(rig: Rig) -> None:
    await rig.resource.refresh()
    before = rig.device.received
    with pytest.raises(SetpointRefused, match="6001 W above the device's maximum charge 6000 W"):
        await rig.resource.set_power_w(6001)
    with pytest.raises(SetpointRefused, match="5901 W above the device's maximum discharge"):
        await rig.resource.set_power_w(-5901)
    assert rig.device.received == before
    rig.device.model.ev = None  # the car leaves
    state = await rig.resource.refresh()
    assert state is not None and state.connection is ConnectionStatus.NOT_CONNECTED
    with pytest.raises(SetpointRefused, match="cannot discharge"):
        await rig.resource.set_power_w(-1000)


async def test_device_refusal_is_reported(rig: Rig) -> None:
    answer = await rig.client.request((rig.resource.endpoint.host, rig.resource.endpoint.port),
                                      rig.resource.endpoint.eoj, Esv.SETC, [Property(0xDA, bytes((0x41,)))],
                                      timeout_s=0.5)
    assert answer.esv is Esv.SETC_SNA
    with pytest.raises(EchonetRejected, match="GET_SNA for 0xB0"):
        await rig.resource._request(Esv.GET, [Property(0xB0)])


async def test_silent_device_marks_the_resource_offline_then_back(rig: Rig) -> None:
    await rig.resource.refresh()
    rig.resource._timeout_s = 0.05
    rig.device.silent = True
    assert await rig.resource.refresh() is None
    assert rig.resource.status is ResourceStatus.OFFLINE
    with pytest.raises(ResourceOffline):
        await rig.resource.set_power_w(1000)
    rig.device.silent = False
    assert await rig.resource.refresh() is not None
    assert rig.resource.status.value == "online"  # (mypy keeps the OFFLINE narrowing across the await)


async def test_closed_device_times_out(rig: Rig) -> None:
    await rig.resource.refresh()
    rig.resource._timeout_s = 0.05
    rig.device.close()
    assert await rig.resource.set_power_w(1000) is None
    assert rig.resource.status is ResourceStatus.OFFLINE


async def test_gateway_follows_a_tertiary_command_and_loses_a_unit() -> None:
    """A 15 kW 三次② award served by three V2H units over UDP; then one unit drops off and both assessments fail."""
    from datetime import UTC, datetime
    from decimal import Decimal

    from csms.echonet.gateway import V2hGateway
    from csms.grid.japan.assessment import BlockAward, assess_availability, assess_tracking
    from csms.grid.japan.products import TERTIARY_2

    devices = [SimulatedV2hDevice(V2hModel(leaf())) for _ in range(3)]
    client = await EchonetClient.open(LOOPBACK, 0)
    try:
        resources = []
        for n, device in enumerate(devices):
            host, port = await device.start(LOOPBACK, 0)
            resources.append(V2hResource(V2hEndpoint(f"v2h-{n}", host, port), client, timeout_s=0.5))
        gateway = V2hGateway(resources)
        await gateway.refresh_all()
        assert gateway.headroom().discharge_w == 3 * 5900
        award = BlockAward(TERTIARY_2, datetime(2026, 6, 1, 12, tzinfo=UTC), Decimal(15), Decimal("3.00"),
                           baseline_kw=Decimal(0))
        done = await gateway.dispatch_w(-15_000)
        assert sorted(done.setpoints_w.values()) == [-5000, -5000, -5000]
        assert done.measured_w == -15_000 and done.unanswered == ()
        measured_kw = Decimal(done.measured_w) / 1000
        assert assess_tracking(award, [(Decimal(15), measured_kw)]).passed
        assert assess_availability(award, Decimal(gateway.headroom().discharge_w) / 1000).passed

        devices[2].silent = True
        for r in resources:
            r._timeout_s = 0.05
        states = await gateway.refresh_all()
        assert states["v2h-2"] is None and resources[2].status is ResourceStatus.OFFLINE
        headroom = gateway.headroom()
        assert (headroom.online, headroom.offline, headroom.discharge_w) == (2, 1, 2 * 5900)
        done = await gateway.dispatch_w(-15_000)
        assert set(done.setpoints_w) == {"v2h-0", "v2h-1"} and done.measured_w == -11_800
        measured_kw = Decimal(done.measured_w) / 1000
        tracking = assess_tracking(award, [(Decimal(15), measured_kw)])
        assert not tracking.passed and tracking.worst_error_kw == Decimal("3.2")
        availability = assess_availability(award, Decimal(headroom.discharge_w) / 1000)
        assert not availability.passed and availability.shortfall_kw == Decimal("3.2")
    finally:
        client.close()
        for device in devices:
            device.close()
