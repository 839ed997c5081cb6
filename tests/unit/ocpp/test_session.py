"""RpcSession semantics, driven in memory (no sockets, no sleeps beyond short timeouts)."""

from __future__ import annotations

import asyncio
from typing import Any

import orjson
import pytest

from csms.errors import CallError, CallTimeout, HandlerMisuse, SessionClosed
from csms.ocpp.observe import add_exchange_observer, ignore_exchange, remove_exchange_observer
from csms.ocpp.session import HandlerContext, RpcSession
from csms.ocpp.versions import OcppVersion

BOOT = {"reason": "PowerUp", "chargingStation": {"model": "M", "vendorName": "V"}}
BOOT_OK = {"currentTime": "2026-01-01T00:00:00.000Z", "interval": 300, "status": "Accepted"}


class Wire:
    """Collects what a session sends."""

    def __init__(self) -> None:
        self.sent: list[Any] = []
        self.event = asyncio.Event()

    async def send(self, text: str) -> None:
        self.sent.append(orjson.loads(text))
        self.event.set()

    async def next(self) -> Any:
        while not self.sent:
            self.event.clear()
            await asyncio.wait_for(self.event.wait(), 1)
        return self.sent.pop(0)


def make_session(handlers: dict[str, Any] | None = None, version: OcppVersion = OcppVersion.V201,
                 timeout_s: float = 1.0) -> tuple[RpcSession, Wire]:
    wire = Wire()
    return RpcSession(station_id="CS1", version=version, send=wire.send, handlers=handlers or {},
                      call_timeout_s=timeout_s), wire


async def boot_handler(ctx: HandlerContext, payload: dict[str, Any]) -> dict[str, Any]:
    return BOOT_OK


async def test_valid_call_gets_callresult_with_same_id() -> None:
    session, wire = make_session({"BootNotification": boot_handler})
    await session.feed(orjson.dumps([2, "m1", "BootNotification", BOOT]).decode())
    assert await wire.next() == [3, "m1", BOOT_OK]


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        ({"reason": "PowerUp"}, "OccurrenceConstraintViolation"),
        ({"reason": 7, "chargingStation": {"model": "M", "vendorName": "V"}}, "TypeConstraintViolation"),
        ({"reason": "Bogus", "chargingStation": {"model": "M", "vendorName": "V"}}, "PropertyConstraintViolation"),
        ({**BOOT, "extra": 1}, "FormatViolation"),
    ],
)
async def test_schema_violations_get_the_matching_callerror(payload: dict[str, Any], code: str) -> None:
    session, wire = make_session({"BootNotification": boot_handler})
    await session.feed(orjson.dumps([2, "m2", "BootNotification", payload]).decode())
    reply = await wire.next()
    assert reply[:3] == [4, "m2", code]


async def test_unknown_action_is_not_implemented_and_known_unhandled_is_not_supported() -> None:
    session, wire = make_session({})
    await session.feed('[2, "u1", "MakeCoffee", {}]')
    assert (await wire.next())[:3] == [4, "u1", "NotImplemented"]
    await session.feed('[2, "u2", "Heartbeat", {}]')
    assert (await wire.next())[:3] == [4, "u2", "NotSupported"]


async def test_handler_crash_becomes_internal_error_and_session_keeps_working() -> None:
    async def broken(ctx: HandlerContext, payload: dict[str, Any]) -> dict[str, Any]:
        raise KeyError("boom")

    session, wire = make_session({"Heartbeat": broken, "BootNotification": boot_handler})
    await session.feed('[2, "h1", "Heartbeat", {}]')
    assert (await wire.next())[:3] == [4, "h1", "InternalError"]
    await session.feed(orjson.dumps([2, "h2", "BootNotification", BOOT]).decode())
    assert (await wire.next())[:2] == [3, "h2"]


async def test_invalid_response_from_our_handler_becomes_internal_error_not_bad_wire_data() -> None:
    async def bad(ctx: HandlerContext, payload: dict[str, Any]) -> dict[str, Any]:
        return {**BOOT_OK, "status": "Sure"}

    session, wire = make_session({"BootNotification": bad})
    await session.feed(orjson.dumps([2, "b1", "BootNotification", BOOT]).decode())
    assert (await wire.next())[:3] == [4, "b1", "InternalError"]


async def test_one_outgoing_call_in_flight_and_fifo_order() -> None:
    session, wire = make_session()
    first = asyncio.create_task(session.call("Heartbeat", {}))
    second = asyncio.create_task(session.call("Heartbeat", {}))
    msg1 = await wire.next()
    await asyncio.sleep(0.01)
    assert wire.sent == []  # the second call waits for the first answer
    await session.feed(orjson.dumps([3, msg1[1], {"currentTime": "2026-01-01T00:00:00Z"}]).decode())
    msg2 = await wire.next()
    assert msg2[1] != msg1[1]
    await session.feed(orjson.dumps([3, msg2[1], {"currentTime": "2026-01-01T00:00:01Z"}]).decode())
    assert (await first)["currentTime"].endswith("00Z")
    assert (await second)["currentTime"].endswith("01Z")


async def test_call_times_out_and_next_call_proceeds() -> None:
    session, wire = make_session(timeout_s=0.05)
    with pytest.raises(CallTimeout):
        await session.call("Heartbeat", {})
    await wire.next()
    task = asyncio.create_task(session.call("Heartbeat", {}))
    msg = await wire.next()
    await session.feed(orjson.dumps([3, msg[1], {"currentTime": "2026-01-01T00:00:00Z"}]).decode())
    assert "currentTime" in await task


async def test_late_result_after_timeout_is_ignored() -> None:
    session, wire = make_session(timeout_s=0.05)
    with pytest.raises(CallTimeout):
        await session.call("Heartbeat", {})
    stale = await wire.next()
    await session.feed(orjson.dumps([3, stale[1], {"currentTime": "2026-01-01T00:00:00Z"}]).decode())
    assert wire.sent == []


async def test_callerror_from_peer_raises_callerror() -> None:
    session, wire = make_session()
    task = asyncio.create_task(session.call("Heartbeat", {}))
    msg = await wire.next()
    await session.feed(orjson.dumps([4, msg[1], "NotSupported", "no", {}]).decode())
    with pytest.raises(CallError) as info:
        await task
    assert info.value.code == "NotSupported"


async def test_invalid_result_payload_fails_the_call_and_21_answers_callresulterror() -> None:
    session, wire = make_session(version=OcppVersion.V21)
    task = asyncio.create_task(session.call("Heartbeat", {}))
    msg = await wire.next()
    await session.feed(orjson.dumps([3, msg[1], {"currentTime": 5}]).decode())
    with pytest.raises(CallError) as info:
        await task
    assert info.value.code == "TypeConstraintViolation"
    assert (await wire.next())[:3] == [5, msg[1], "TypeConstraintViolation"]


async def test_outgoing_payload_is_validated_before_sending() -> None:
    session, wire = make_session()
    with pytest.raises(Exception) as info:
        await session.call("Reset", {"type": "Sometime"})
    assert getattr(info.value, "code", "") == "PropertyConstraintViolation"
    assert wire.sent == []


async def test_handler_awaiting_a_call_inline_is_refused_but_after_response_works() -> None:
    outcomes: list[str] = []

    async def greedy(ctx: HandlerContext, payload: dict[str, Any]) -> dict[str, Any]:
        try:
            await ctx.session.call("Heartbeat", {})
        except HandlerMisuse:
            outcomes.append("refused")

        async def follow_up() -> None:
            outcomes.append("follow-up:" + str(await ctx.session.call("GetBaseReport", {
                "requestId": 1, "reportBase": "FullInventory"})))

        ctx.after_response(follow_up)
        return BOOT_OK

    session, wire = make_session({"BootNotification": greedy})
    await session.feed(orjson.dumps([2, "g1", "BootNotification", BOOT]).decode())
    assert (await wire.next())[:2] == [3, "g1"]  # the response goes out first
    call = await wire.next()
    assert call[2] == "GetBaseReport"
    await session.feed(orjson.dumps([3, call[1], {"status": "Accepted"}]).decode())
    for _ in range(100):
        if len(outcomes) == 2:
            break
        await asyncio.sleep(0.001)
    assert outcomes == ["refused", "follow-up:{'status': 'Accepted'}"]


async def test_close_fails_pending_call() -> None:
    session, wire = make_session()
    task = asyncio.create_task(session.call("Heartbeat", {}))
    await wire.next()
    session.close("gone")
    with pytest.raises(SessionClosed):
        await task
    with pytest.raises(SessionClosed):
        await session.call("Heartbeat", {})


async def test_send_frames_are_handled_without_reply_on_21() -> None:
    got: list[dict[str, Any]] = []

    async def on_send(ctx: HandlerContext, payload: dict[str, Any]) -> None:
        got.append(payload)

    wire = Wire()
    session = RpcSession(station_id="CS1", version=OcppVersion.V21, send=wire.send, handlers={},
                         send_handlers={"NotifyPeriodicEventStream": on_send})
    payload = {"id": 1, "pending": 0, "basetime": "2026-01-01T00:00:00Z",
               "data": [{"t": 0.0, "v": "230.1"}]}
    await session.feed(orjson.dumps([6, "s1", "NotifyPeriodicEventStream", payload]).decode())
    assert got == [payload]
    assert wire.sent == []


async def test_transport_failure_during_send_surfaces_as_session_closed() -> None:
    async def broken_send(text: str) -> None:
        raise ConnectionError("socket gone")

    session = RpcSession(station_id="CS1", version=OcppVersion.V201, send=broken_send, handlers={})
    with pytest.raises(SessionClosed):
        await session.call("Heartbeat", {})


async def test_validation_does_not_change_the_payload() -> None:
    from csms.ocpp.schemas import validate_payload

    payload = {"evseId": 1, "meterValue": [{"timestamp": "2026-01-01T00:00:00Z", "sampledValue": [
        {"value": 1.0, "unitOfMeasure": {"unit": "Wh"}}]}]}
    snapshot = orjson.dumps(payload)
    validate_payload(OcppVersion.V201, "MeterValues", payload, is_request=True)
    assert orjson.dumps(payload) == snapshot


async def test_exchanges_reach_the_csms_observers_only_from_sessions_that_record_them() -> None:
    """A simulated station's session in the CSMS's process (virtual-time runs) passes `ignore_exchange`: its
    exchanges must not be counted in the CSMS's OCPP metrics, while the CSMS's own sessions are."""
    seen: list[tuple[str, str, str]] = []

    def observer(station_id: str, action: str, direction: str, duration_ms: float, outcome: str) -> None:
        seen.append((station_id, action, outcome))

    add_exchange_observer(observer)
    try:
        wire_csms, wire_sim = Wire(), Wire()
        csms_side = RpcSession(station_id="CS1", version=OcppVersion.V201, send=wire_csms.send,
                               handlers={"BootNotification": boot_handler})
        sim_side = RpcSession(station_id="CS2", version=OcppVersion.V201, send=wire_sim.send,
                              handlers={"BootNotification": boot_handler}, record=ignore_exchange)
        for session, wire in ((csms_side, wire_csms), (sim_side, wire_sim)):
            await session.feed(orjson.dumps([2, "m1", "BootNotification", BOOT]).decode())
            assert await wire.next() == [3, "m1", BOOT_OK]
    finally:
        remove_exchange_observer(observer)
    assert seen == [("CS1", "BootNotification", "ok")]
