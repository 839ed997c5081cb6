"""The OCPP endpoint over real websockets on 127.0.0.1: handshake, auth, and bad input from one station never
hurting another."""

from __future__ import annotations

import asyncio

import orjson
import pytest
from websockets.asyncio.client import ClientConnection
from websockets.exceptions import ConnectionClosed, InvalidStatus

from csms.domain.ids import StationId
from csms.ocpp.wire import v201
from tests.helpers.csms_app import (
    PASSWORD,
    answer_calls_until,
    booted,
    csms_test_settings,
    next_frame,
    running_csms,
    station_connect,
    wait_closed_code,
)

OTHER_1 = StationId("OTHER-1")
DUP_1 = StationId("DUP-1")
CMD_1 = StationId("CMD-1")


async def assert_still_works(app: object, station_id: str = OTHER_1) -> None:
    async with station_connect(app, station_id) as ws:  # type: ignore[arg-type]
        reply = await booted(ws)
        assert reply[2]["status"] == "Accepted"
        await ws.send(orjson.dumps([2, "hb", "Heartbeat", {}]).decode())
        assert (await answer_calls_until(ws, "hb"))[0] == 3


async def test_boot_heartbeat_and_status_are_accepted_and_recorded() -> None:
    async with running_csms() as app, station_connect(app, "CS-1") as ws:
        assert ws.subprotocol == "ocpp2.0.1"
        reply = await booted(ws)
        assert reply[0] == 3 and reply[2]["status"] == "Accepted" and reply[2]["interval"] == 300
        status = {"timestamp": "2026-01-01T00:00:00Z", "connectorStatus": "Available", "evseId": 1,
                  "connectorId": 1}
        await ws.send(orjson.dumps([2, "s1", "StatusNotification", status]).decode())
        assert (await answer_calls_until(ws, "s1"))[:2] == [3, "s1"]
        station = await app.store.get_station("CS-1")  # type: ignore[arg-type]
        assert station is not None and station.vendor == "TestVendor" and station.connected
        statuses = await app.store.list_connector_statuses("CS-1")  # type: ignore[arg-type]
        assert [(s.evse_id, s.status) for s in statuses] == [(1, "Available")]


async def test_preferred_subprotocol_of_the_client_is_chosen() -> None:
    async with running_csms() as app, station_connect(app, "CS-21", subprotocols=("ocpp2.1", "ocpp2.0.1")) as ws:
        assert ws.subprotocol == "ocpp2.1"


async def test_client_offering_no_supported_subprotocol_is_closed_with_1002() -> None:
    async with running_csms() as app:
        async with station_connect(app, "CS-15", subprotocols=("ocpp1.5",)) as ws:
            assert ws.subprotocol is None
            with pytest.raises(ConnectionClosed) as info:
                await asyncio.wait_for(ws.recv(), 5)
            assert info.value.rcvd is not None and info.value.rcvd.code == 1002
        await assert_still_works(app)


async def test_wrong_password_and_foreign_username_get_401() -> None:
    async with running_csms() as app:
        async with station_connect(app, "CS-A"):
            pass  # auto-registers CS-A with PASSWORD
        with pytest.raises(InvalidStatus) as info:
            async with station_connect(app, "CS-A", password="another-password-123456"):
                pass
        assert info.value.response.status_code == 401
        with pytest.raises(InvalidStatus) as info:
            async with station_connect(app, "CS-B", username="CS-A"):
                pass
        assert info.value.response.status_code == 401
        await assert_still_works(app)


async def test_known_only_policy_refuses_unregistered_station_with_401_like_a_wrong_password() -> None:
    async with running_csms(settings=csms_test_settings(registration="known")) as app:
        with pytest.raises(InvalidStatus) as info:
            async with station_connect(app, "CS-NEW"):
                pass
        assert info.value.response.status_code == 401  # as a wrong password: station ids cannot be enumerated
        await app.credentials.set_password("CS-NEW", PASSWORD)  # type: ignore[arg-type]
        async with station_connect(app, "CS-NEW") as ws:
            assert (await booted(ws))[2]["status"] == "Accepted"


async def test_invalid_station_id_gets_400() -> None:
    async with running_csms() as app:
        with pytest.raises(InvalidStatus) as info:
            async with station_connect(app, "X" * 49):
                pass
        assert info.value.response.status_code == 400


BAD_INPUT = [
    ("{not json", [4, "-1", "RpcFrameworkError"]),
    ('[7, "m1", "Heartbeat", {}]', [4, "m1", "MessageTypeNotSupported"]),
    ('[2, "m2", "BrewCoffee", {}]', [4, "m2", "NotImplemented"]),
    ('[2, "m3", "CancelReservation", {"reservationId": 1}]', [4, "m3", "NotSupported"]),
    ('[2, "m4", "StatusNotification", {"evseId": "one"}]', [4, "m4", "OccurrenceConstraintViolation"]),
    ('[2, "m5", "StatusNotification", {"timestamp": "2026-01-01T00:00:00Z", "connectorStatus": "Available",'
     ' "evseId": "one", "connectorId": 1}]', [4, "m5", "TypeConstraintViolation"]),
    ('[2, "m6", "Authorize", {"idToken": {"idToken": "A", "type": "Nonsense"}}]',
     [4, "m6", "PropertyConstraintViolation"]),
    # OCPP-J: FormatViolation = "Payload for Action is syntactically incorrect": a payload that is a JSON array
    # instead of an object, or one with a property the action's schema does not have
    ('[2, "m7", "Heartbeat", [1, 2]]', [4, "m7", "FormatViolation"]),
    ('[2, "m8", "Heartbeat", {"beat": true}]', [4, "m8", "FormatViolation"]),
    (b"\x00\x01binary", [4, "-1", "RpcFrameworkError"]),
]


async def heartbeat_round_trip(ws: ClientConnection, message_id: str) -> None:
    await ws.send(orjson.dumps([2, message_id, "Heartbeat", {}]).decode())
    reply = await answer_calls_until(ws, message_id)
    assert reply[:2] == [3, message_id] and "currentTime" in reply[2], reply


@pytest.mark.parametrize(("raw", "expected"), BAD_INPUT)
async def test_bad_input_gets_the_right_callerror_and_other_stations_keep_working(
    raw: str | bytes, expected: list[object]
) -> None:
    async with running_csms() as app, station_connect(app, OTHER_1) as other:
        assert (await booted(other))[2]["status"] == "Accepted"  # connected and booted before the bad input
        async with station_connect(app, "BAD-1") as bad:
            await booted(bad)
            await bad.send(raw)
            reply = await answer_calls_until(bad)
            assert reply[:3] == expected
            assert isinstance(reply[3], str) and isinstance(reply[4], dict)
            await heartbeat_round_trip(other, "other-after")  # the station that was already there
            await heartbeat_round_trip(bad, "bad-after")  # and the same connection still work
        await heartbeat_round_trip(other, "other-after-close")
        assert app.registry.is_connected(OTHER_1)


async def test_a_stream_of_bad_input_never_stops_the_other_station() -> None:
    async with running_csms() as app, station_connect(app, "OTHER-2") as other, \
            station_connect(app, "BAD-2") as bad:
        await booted(other)
        await booted(bad)
        for n, (raw, expected) in enumerate(BAD_INPUT):
            await bad.send(raw)
            assert (await answer_calls_until(bad))[:3] == expected
            await heartbeat_round_trip(other, f"other-{n}")
        await heartbeat_round_trip(bad, "bad-last")


async def test_oversized_message_closes_only_that_connection_with_1009() -> None:
    async with running_csms() as app, station_connect(app, "BIG-1", max_size=None) as big:
        await booted(big)
        await big.send('[2, "huge", "Heartbeat", {"customData": {"vendorId": "' + "x" * 70_000 + '"}}]')
        assert await wait_closed_code(big) == 1009
        await assert_still_works(app)


async def test_calls_before_boot_is_accepted_get_security_error() -> None:
    async with running_csms(settings=csms_test_settings(default_boot_policy="Pending")) as app:
        async with station_connect(app, "PEND-1") as ws:
            reply = await booted(ws)
            assert reply[2]["status"] == "Pending"
            await ws.send(orjson.dumps([2, "hb", "Heartbeat", {}]).decode())
            assert (await answer_calls_until(ws, "hb"))[:3] == [4, "hb", "SecurityError"]


async def test_second_connection_replaces_the_first() -> None:
    async with running_csms() as app:
        async with station_connect(app, DUP_1) as first:
            await booted(first)
            async with station_connect(app, DUP_1) as second:
                assert await wait_closed_code(first) == 1001
                await second.send(orjson.dumps([2, "hb", "Heartbeat", {}]).decode())
                assert (await answer_calls_until(second, "hb"))[0] == 3  # accepted before: no new boot needed
                assert app.registry.is_connected(DUP_1)
        for _ in range(100):
            if not app.registry.is_connected(DUP_1):
                break
            await asyncio.sleep(0.01)
        assert not app.registry.is_connected(DUP_1)


async def test_csms_initiated_call_reaches_station_and_returns_its_answer() -> None:
    async with running_csms() as app, station_connect(app, CMD_1) as ws:
        await booted(ws)
        # drain the GetBaseReport the CSMS sends after boot
        task = asyncio.create_task(app.commands.reset(CMD_1, v201.ResetEnumType.IMMEDIATE))
        while True:
            frame = await next_frame(ws)
            if frame[0] == 2 and frame[2] == "Reset":
                assert frame[3] == {"type": "Immediate"}
                await ws.send(orjson.dumps([3, frame[1], {"status": "Scheduled"}]).decode())
                break
            if frame[0] == 2:
                await ws.send(orjson.dumps([3, frame[1], {"status": "Accepted"}]).decode())
        assert await asyncio.wait_for(task, 5) == {"status": "Scheduled"}
