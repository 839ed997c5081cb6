"""OpenADR 2.0b VEN against openleadr's own VTN on 127.0.0.1 (real HTTP, real time, bounded by timeouts).

openleadr 0.5.36 delivers report data to the callback the VTN returns from `on_register_report` (its
`on_update_report` hook only fires when no such callback exists), so that callback is the VTN's report hook here.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
from openleadr import OpenADRServer

from csms.domain.clock import SystemClock
from csms.grid.openadr import OpenAdrVen
from csms.grid.signals import DemandResponseEvent, DrEventStatus, DrSignalKind, OptState

pytestmark = pytest.mark.filterwarnings("ignore:It is recommended to use web.AppKey")  # inside openleadr's VTN

VEN_ID = "ven-csms-1"
TIMEOUT_S = 30.0


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Vtn:
    """openleadr's VTN with the callbacks a test needs: opt responses and report values land in queues."""

    def __init__(self) -> None:
        self.port = _free_port()
        self.opt_responses: asyncio.Queue[tuple[str, str, str]] = asyncio.Queue()
        self.reports: asyncio.Queue[list[tuple[Any, float]]] = asyncio.Queue()
        self.server = OpenADRServer(vtn_id="VTN-TEST", http_host="127.0.0.1", http_port=self.port,
                                    requested_poll_freq=timedelta(seconds=1))
        self.server.add_handler("on_create_party_registration", self._on_create_party_registration)
        self.server.add_handler("on_register_report", self._on_register_report)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/OpenADR2/Simple/2.0b"

    def _on_create_party_registration(self, payload: dict[str, Any]) -> tuple[str, str]:
        return VEN_ID, "reg-1"

    def _on_register_report(self, ven_id: str, resource_id: str, measurement: str, unit: str, scale: str,
                            min_sampling_interval: timedelta, max_sampling_interval: timedelta,
                            ) -> tuple[Any, timedelta]:
        return self.on_update_report, max(min_sampling_interval, timedelta(seconds=1))

    def on_update_report(self, data: list[tuple[Any, float]]) -> None:
        self.reports.put_nowait(data)

    def on_event_response(self, ven_id: str, event_id: str, opt_type: str) -> None:
        self.opt_responses.put_nowait((ven_id, event_id, opt_type))

    def add_load_dispatch(self, event_id: str, start: Any, minutes: int, delta_w: float) -> None:
        self.server.add_event(ven_id=VEN_ID, signal_name="LOAD_DISPATCH", signal_type="delta",
                              intervals=[{"dtstart": start, "duration": timedelta(minutes=minutes),
                                          "signal_payload": delta_w}],
                              callback=self.on_event_response, event_id=event_id, market_context="oadr://test/dr")


@pytest.fixture
async def vtn() -> AsyncIterator[Vtn]:
    vtn = Vtn()
    await vtn.server.run()
    try:
        yield vtn
    finally:
        await vtn.server.stop()


async def _next_events(ven: OpenAdrVen, count: int) -> list[DemandResponseEvent]:
    found: list[DemandResponseEvent] = []
    async for signal in ven.signals():
        if isinstance(signal, DemandResponseEvent):
            found.append(signal)
            if len(found) == count:
                break
    return found


async def test_ven_registers_turns_a_load_reduction_into_a_dr_event_opts_in_reports_load_and_sees_a_cancel(
        vtn: Vtn) -> None:
    clock = SystemClock()
    ven = OpenAdrVen(vtn_url=vtn.url, ven_name="csms-fleet", clock=clock, load_w=lambda: 42_000.0,
                     report_min_interval_s=1.0, report_max_interval_s=60.0)
    try:
        async with asyncio.timeout(TIMEOUT_S):
            await ven.start(timeout_s=10.0)
            assert ven.ven_id == VEN_ID and ven.registration_id == "reg-1"
            start = (clock.now() + timedelta(minutes=2)).replace(microsecond=0)
            vtn.add_load_dispatch("ev-dr-1", start, 30, -50_000.0)

            (event,) = await _next_events(ven, 1)
            assert event.event_id == "ev-dr-1"
            assert (event.start_at, event.end_at) == (start, start + timedelta(minutes=30))
            assert event.reduction_w == pytest.approx(50_000.0)
            assert [i.kind for i in event.intervals] == [DrSignalKind.REDUCTION_W]
            assert event.opt is OptState.OPT_IN
            assert event.market_context == "oadr://test/dr"

            assert await vtn.opt_responses.get() == (VEN_ID, "ev-dr-1", "optIn")
            report = await vtn.reports.get()
            assert [value for _, value in report] == [42_000.0]

            vtn.server.cancel_event(VEN_ID, "ev-dr-1")
            async for signal in ven.signals():  # a new consumer first gets the known (far) version
                if isinstance(signal, DemandResponseEvent) and signal.status is DrEventStatus.CANCELLED:
                    assert signal.event_id == "ev-dr-1" and signal.modification_number == 1
                    assert signal.opt is OptState.OPT_IN  # a cancellation keeps the earlier opt
                    break
    finally:
        await ven.stop()


async def test_ven_opts_out_of_events_its_policy_refuses_and_the_vtn_hears_it(vtn: Vtn) -> None:
    clock = SystemClock()
    ven = OpenAdrVen(vtn_url=vtn.url, ven_name="csms-fleet", clock=clock, load_w=lambda: 0.0,
                     opt_policy=lambda e: (e.reduction_w or 0.0) <= 100_000.0)
    try:
        async with asyncio.timeout(TIMEOUT_S):
            await ven.start(timeout_s=10.0)
            start = (clock.now() + timedelta(minutes=5)).replace(microsecond=0)
            vtn.add_load_dispatch("ev-small", start, 15, -50_000.0)
            vtn.add_load_dispatch("ev-huge", start, 15, -500_000.0)

            events = {e.event_id: e for e in await _next_events(ven, 2)}
            assert events["ev-small"].opt is OptState.OPT_IN
            assert events["ev-huge"].opt is OptState.OPT_OUT
            responses = {await vtn.opt_responses.get(), await vtn.opt_responses.get()}
            assert responses == {(VEN_ID, "ev-small", "optIn"), (VEN_ID, "ev-huge", "optOut")}
    finally:
        await ven.stop()


async def test_ven_start_fails_cleanly_when_no_vtn_listens() -> None:
    from csms.grid.errors import GridConnectionError

    ven = OpenAdrVen(vtn_url=f"http://127.0.0.1:{_free_port()}/OpenADR2/Simple/2.0b", ven_name="csms-fleet",
                     clock=SystemClock(), load_w=lambda: 0.0)
    with pytest.raises(GridConnectionError):
        await ven.start(timeout_s=10.0)
