"""`OcppServer.connect_in_memory`: an in-process connection gets the handshake's checks and the same OCPP
handling as a websocket (csms/ocpp/memory.py), and cannot hurt other stations."""

from __future__ import annotations

import asyncio
from typing import Any

import orjson
import pytest
from websockets.exceptions import ConnectionClosed

from csms.app import CsmsApp
from csms.ocpp.memory import MemoryConnection, MemoryRefused
from tests.helpers.csms_app import (
    BOOT,
    answer_calls_until,
    basic_auth,
    running_csms,
    station_connect,
    wait_closed_code,
)


async def connect(app: CsmsApp, station_id: str, *, password: str | None = None,
                  subprotocols: tuple[str, ...] = ("ocpp2.0.1",)) -> MemoryConnection:
    authorization = basic_auth(station_id) if password is None else basic_auth(station_id, password)
    return await app.ocpp_server.connect_in_memory(station_id, subprotocols, authorization)


async def call(conn: MemoryConnection, message_id: str, action: str, payload: dict[str, Any]) -> list[Any]:
    await conn.send(orjson.dumps([2, message_id, action, payload]).decode())
    return await answer_calls_until(conn, message_id)


async def test_boot_and_heartbeat_over_an_in_memory_connection_are_recorded() -> None:
    async with running_csms(serve_api=False) as app:
        conn = await connect(app, "MEM-1", subprotocols=("ocpp2.1", "ocpp2.0.1"))
        assert conn.subprotocol == "ocpp2.1"  # the station's preference, as in a handshake
        reply = await call(conn, "b1", "BootNotification", BOOT)
        assert reply[0] == 3 and reply[2]["status"] == "Accepted"
        assert (await call(conn, "h1", "Heartbeat", {}))[0] == 3
        station = await app.store.get_station("MEM-1")  # type: ignore[arg-type]
        assert station is not None and station.connected and station.ocpp_version == "ocpp2.1"
        assert app.registry.is_connected("MEM-1")  # type: ignore[arg-type]
        await conn.close()
        for _ in range(10):
            await asyncio.sleep(0)
        station = await app.store.get_station("MEM-1")  # type: ignore[arg-type]
        assert station is not None and not station.connected


async def test_bad_frames_get_the_protocols_errors_and_the_connection_stays_up() -> None:
    async with running_csms(serve_api=False) as app:
        conn = await connect(app, "MEM-2")
        await call(conn, "b1", "BootNotification", BOOT)
        await conn.send('[2, "x1", "Heartbeat", {"unexpected": 1}]')
        frame = await answer_calls_until(conn)
        assert frame[:3] == [4, "x1", "FormatViolation"]
        await conn.send("not json at all")
        frame = await answer_calls_until(conn)
        assert frame[0] == 4 and frame[2] == "RpcFrameworkError"
        assert (await call(conn, "h1", "Heartbeat", {}))[0] == 3


async def test_wrong_password_and_bad_station_id_are_refused_as_a_handshake_would() -> None:
    async with running_csms(serve_api=False) as app:
        first = await connect(app, "MEM-3")  # auto-registers MEM-3 with the test password
        await first.close()
        with pytest.raises(MemoryRefused) as info:
            await connect(app, "MEM-3", password="another-password-123456")
        assert info.value.status == 401
        with pytest.raises(MemoryRefused) as info:
            await app.ocpp_server.connect_in_memory("bad id with spaces", ("ocpp2.0.1",), basic_auth("x"))
        assert info.value.status == 400
        async with station_connect(app, "OTHER-1") as ws:  # websocket stations unaffected
            assert ws.subprotocol == "ocpp2.0.1"


async def test_no_common_subprotocol_closes_with_1002() -> None:
    async with running_csms(serve_api=False) as app:
        conn = await connect(app, "MEM-4", subprotocols=("ocpp1.5",))
        assert conn.subprotocol is None
        assert await wait_closed_code(conn) == 1002


async def test_a_second_connection_replaces_the_first_and_stop_closes_the_rest() -> None:
    async with running_csms(serve_api=False) as app:
        first = await connect(app, "MEM-5")
        await call(first, "b1", "BootNotification", BOOT)
        second = await connect(app, "MEM-5")
        assert await wait_closed_code(first) == 1001
        assert (await call(second, "h1", "Heartbeat", {}))[0] == 3
    assert second.close_code == 1001  # the server's stop closed it


async def test_an_oversized_message_closes_the_in_memory_connection_with_1009_like_a_websocket() -> None:
    async with running_csms(serve_api=False) as app:  # max_message_bytes = 65536 in the test settings
        conn = await connect(app, "MEM-6")
        await call(conn, "b1", "BootNotification", BOOT)
        with pytest.raises(ConnectionClosed):
            await conn.send(orjson.dumps([2, "big", "DataTransfer", {"vendorId": "x", "data": "y" * 70_000}]).decode())
        assert conn.close_code == 1009
        async with station_connect(app, "OTHER-2") as ws:  # other stations unaffected
            assert ws.subprotocol == "ocpp2.0.1"
