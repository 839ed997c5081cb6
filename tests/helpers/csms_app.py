"""Start a real CSMS (websockets + API on free loopback ports) inside a test."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, Protocol

from websockets.asyncio.client import connect

from csms.app import CsmsApp, build_app
from csms.settings import ApiSettings, OcppSettings, SecuritySettings, Settings
from csms.store.base import StateStore

API_TOKEN = "test-admin-token-0123456789"


class FrameConnection(Protocol):
    """What the frame helpers below use: a websockets client connection, or an in-process one
    (`OcppServer.connect_in_memory`)."""

    async def send(self, message: str) -> None: ...

    async def recv(self) -> Any: ...
PASSWORD = "station-secret-0123456789"


def csms_test_settings(**security: Any) -> Settings:
    return Settings(
        ocpp=OcppSettings(host="127.0.0.1", port=0, ping_interval_s=None, call_timeout_s=5.0,
                          max_message_bytes=65536),
        api=ApiSettings(host="127.0.0.1", port=0, token=API_TOKEN),
        security=SecuritySettings(**security),
    )


@asynccontextmanager
async def running_csms(store: StateStore | None = None, settings: Settings | None = None,
                       serve_api: bool = True) -> AsyncIterator[CsmsApp]:
    app = build_app(settings or csms_test_settings(), store=store, serve_api=serve_api)
    await app.start()
    try:
        yield app
    finally:
        await app.stop()


def basic_auth(username: str, password: str = PASSWORD) -> str:
    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()


def station_connect(app: CsmsApp, station_id: str, password: str = PASSWORD,
                    subprotocols: tuple[str, ...] = ("ocpp2.0.1",), username: str | None = None,
                    **kwargs: Any) -> Any:
    """A raw websockets client connection to the CSMS as `station_id` (use with `async with`)."""
    return connect(
        f"ws://127.0.0.1:{app.ocpp_port}/ocpp/{station_id}",
        subprotocols=list(subprotocols),  # type: ignore[arg-type]
        additional_headers={"Authorization": basic_auth(username or station_id, password)},
        open_timeout=5,
        **kwargs,
    )


BOOT = {"reason": "PowerUp", "chargingStation": {"model": "TestModel", "vendorName": "TestVendor"}}


async def rpc(ws: FrameConnection, message_id: str, action: str, payload: dict[str, Any]) -> list[Any]:
    """Send a CALL and return the decoded reply frame."""
    import orjson

    await ws.send(orjson.dumps([2, message_id, action, payload]).decode())
    return await next_frame(ws)


async def next_frame(ws: FrameConnection, timeout_s: float = 5.0) -> list[Any]:
    import asyncio

    import orjson

    raw = await asyncio.wait_for(ws.recv(), timeout_s)
    frame: list[Any] = orjson.loads(raw)
    return frame


async def answer_calls_until(ws: FrameConnection, message_id: str | None = None) -> list[Any]:
    """Read frames, answering CSMS-initiated CALLs with {"status": "Accepted"}, until a reply (CALLRESULT or
    CALLERROR) to `message_id` (any id if None) arrives."""
    import orjson

    while True:
        frame = await next_frame(ws)
        if frame[0] == 2:
            await ws.send(orjson.dumps([3, frame[1], {"status": "Accepted"}]).decode())
            continue
        if message_id is None or frame[1] == message_id:
            return frame


async def booted(ws: FrameConnection) -> list[Any]:
    import orjson

    await ws.send(orjson.dumps([2, "boot-1", "BootNotification", BOOT]).decode())
    return await answer_calls_until(ws, "boot-1")


async def wait_closed_code(ws: FrameConnection, timeout_s: float = 5.0) -> int | None:
    """Read (and drop) frames until the server closes the connection; return the close code it sent."""
    import asyncio

    from websockets.exceptions import ConnectionClosed

    async def drain() -> int | None:
        try:
            while True:
                await ws.recv()
        except ConnectionClosed as exc:
            return None if exc.rcvd is None else exc.rcvd.code

    return await asyncio.wait_for(drain(), timeout_s)
