"""Hostile peers and faults at the OCPP handshake and connection lifecycle (plain ws; the TLS-specific cases are in
test_tls.py): duplicate Authorization headers, a store outage, password guessing, replaced and never-booting
connections, and nothing left behind after disconnects."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from csms.domain.ids import StationId
from csms.services.events import DomainEvent
from csms.store.errors import StoreUnavailable
from tests.helpers.csms_app import (
    PASSWORD,
    basic_auth,
    booted,
    csms_test_settings,
    running_csms,
    station_connect,
    wait_closed_code,
)

CS_BOOTS = StationId("CS-BOOTS")


async def status_of(app: Any, station_id: str, password: str = PASSWORD) -> int:
    with pytest.raises(InvalidStatus) as info:
        async with station_connect(app, station_id, password):
            pass
    return info.value.response.status_code


async def test_two_authorization_headers_get_400_not_500() -> None:
    async with running_csms() as app:
        headers = [("Authorization", basic_auth("CS-1")), ("Authorization", basic_auth("CS-1", "x" * 20))]
        with pytest.raises(InvalidStatus) as info:
            async with connect(f"ws://127.0.0.1:{app.ocpp_port}/ocpp/CS-1", subprotocols=["ocpp2.0.1"],  # type: ignore[list-item]
                               additional_headers=headers, open_timeout=5):
                pass
        assert info.value.response.status_code == 400


async def test_handshake_during_a_store_outage_gets_503_without_traceback(caplog: pytest.LogCaptureFixture) -> None:
    async with running_csms() as app:
        async def down(station_id: StationId) -> None:
            raise StoreUnavailable("redis: connection refused")

        app.store.get_credential = down  # type: ignore[method-assign]
        assert await status_of(app, "CS-1") == 503
        assert not [r for r in caplog.records if r.exc_info]


async def test_password_guessing_backs_off_per_station_but_a_valid_reconnect_storm_never_trips() -> None:
    async with running_csms() as app:
        async with station_connect(app, "CS-V"):
            pass  # registers CS-V
        for _ in range(app.settings.security.auth_failures_before_backoff):
            assert await status_of(app, "CS-V", "wrong-password-0123456789") == 401
        assert await status_of(app, "CS-V") == 429  # even the right password waits now
        assert app.ocpp_server.security_events.recent("AuthBackoff")
        for _ in range(3):  # 3 x 40 valid connects from the same source: no failure, no backoff
            await asyncio.gather(*(connect_and_leave(app, f"STORM-{i}") for i in range(40)))
        assert app.ocpp_server.throttle.retry_after_s("STORM-1", "127.0.0.1") == 0


async def connect_and_leave(app: Any, station_id: str) -> None:
    async with station_connect(app, station_id) as ws:
        assert ws.subprotocol == "ocpp2.0.1"


async def test_replaced_connection_counts_as_a_disconnect() -> None:
    async with running_csms() as app:
        seen: list[DomainEvent] = []
        app.events.subscribe(lambda e: seen.append(e) if e.kind.startswith("station.") else None)
        async with station_connect(app, "CS-R") as first:
            async with station_connect(app, "CS-R"):
                assert await wait_closed_code(first) == 1001
            await asyncio.sleep(0)
        for _ in range(100):
            if len(app.registry) == 0:
                break
            await asyncio.sleep(0.01)
        kinds = [e.kind for e in seen if e.kind in ("station.connected", "station.disconnected")]
        assert kinds.count("station.connected") == 2 and kinds.count("station.disconnected") == 2
        assert app.ocpp_server.replaced_connections == 1 and len(app.registry) == 0


async def test_authenticated_connection_that_never_boots_is_closed() -> None:
    settings = csms_test_settings()
    settings.ocpp.boot_timeout_s = 0.05
    async with running_csms(settings=settings) as app:
        async with station_connect(app, "CS-SILENT") as ws:
            assert await wait_closed_code(ws) == 1008
        async with station_connect(app, CS_BOOTS) as ws:
            assert (await booted(ws))[2]["status"] == "Accepted"
            await asyncio.sleep(0.2)  # well past the timeout: a booted station stays
            assert app.registry.is_connected(CS_BOOTS)


async def test_closed_connections_leave_no_per_connection_state() -> None:
    async with running_csms() as app:
        for _ in range(3):
            for i in range(20):
                async with station_connect(app, f"CS-{i}") as ws:
                    await booted(ws)
        for _ in range(200):
            if len(app.registry) == 0 and not app.deps.registration:
                break
            await asyncio.sleep(0.01)
        assert len(app.registry) == 0
        assert app.deps.registration == {}
        assert len(app.ocpp_server.throttle) == 0
        assert not [t for t in asyncio.all_tasks() if t.get_name().startswith("CS-")]


@pytest.mark.redis
async def test_redis_without_persistence_refuses_known_registration_and_warns_otherwise(
        redis_url: str, caplog: pytest.LogCaptureFixture) -> None:
    from csms.security.persistence import StartupRefused, check_store_persistence
    from csms.store.redis import RedisStore

    store = RedisStore.from_url(redis_url, prefix="persist-check")
    try:
        assert await store.persists() is False  # the test server runs with --save "" --appendonly no
        with pytest.raises(StartupRefused, match="persists nothing"):
            await check_store_persistence(store, "known", required=True)
        assert await check_store_persistence(store, "known", required=False) is False
        assert await check_store_persistence(store, "auto_register", required=True) is False
        assert sum("persists nothing" in r.getMessage() for r in caplog.records) == 2
        settings = csms_test_settings(registration="known")
        with pytest.raises(StartupRefused):
            async with running_csms(store=store, settings=settings):
                pass
    finally:
        await store.close()


async def test_a_full_collection_runs_after_every_n_closed_connections() -> None:
    settings = csms_test_settings()
    settings.ocpp.gc_every_closed_connections = 5
    async with running_csms(settings=settings) as app:
        calls: list[int] = []
        app.ocpp_server._collect = lambda: calls.append(1)
        for i in range(12):
            async with station_connect(app, f"CS-{i % 3}") as ws:
                await booted(ws)
        for _ in range(200):
            if app.ocpp_server.closed_connections == 12:
                break
            await asyncio.sleep(0.01)
        assert app.ocpp_server.closed_connections == 12 and len(calls) == 2 == app.ocpp_server.collections


async def test_a_hostile_station_cannot_grow_the_log_without_bound(caplog: pytest.LogCaptureFixture) -> None:
    import logging

    async with running_csms() as app:
        with caplog.at_level(logging.WARNING, logger="csms.ocpp.session"):
            async with station_connect(app, "CS-NOISY") as ws:
                for i in range(100):
                    await ws.send(f"[2, \"m{i}\", \"Heartbeat\", {{}}]")  # before boot: SecurityError each time
                for _ in range(100):
                    await ws.recv()
        rejected = [r for r in caplog.records if r.name == "csms.ocpp.session" and "CS-NOISY" in r.getMessage()]
        assert 1 <= len(rejected) <= 5


@pytest.mark.parametrize(("path", "authorization", "expected"), [
    ("/ocpp/CS%00X", basic_auth("CS-1"), 400),
    ("/ocpp/" + "A" * 49, basic_auth("A" * 49), 400),
    ("/ocpp/CS%2F..%2Fadmin", basic_auth("CS-1"), 400),
    ("/ocpp/CS-1", "Basic !!!not-base64!!!", 401),
    ("/ocpp/CS-1", "Basic " + __import__("base64").b64encode(b"\xff\xfe:\xff").decode(), 401),
    ("/ocpp/CS-1", "Basic ", 401),
    ("/ocpp/CS-1", "Bearer abc", 401),
    ("/ocpp/CS-1", "Basic " + __import__("base64").b64encode(b"CS-1").decode(), 401),  # no colon
    ("/other/CS-1", basic_auth("CS-1"), 404),
])
async def test_hostile_handshakes_get_4xx_never_500(path: str, authorization: str, expected: int) -> None:
    async with running_csms() as app:
        async with station_connect(app, "CS-1"):
            pass  # CS-1 exists
        with pytest.raises(InvalidStatus) as info:
            async with connect(f"ws://127.0.0.1:{app.ocpp_port}{path}", subprotocols=["ocpp2.0.1"],  # type: ignore[list-item]
                               additional_headers={"Authorization": authorization}, open_timeout=5):
                pass
        assert info.value.response.status_code == expected


async def test_handshake_during_a_redis_outage_gets_503_without_traceback(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    from csms.store.redis import RedisStore
    from tests.fixtures.redis_server import find_redis_server, start_redis_server, stop_redis_server

    proc, port = start_redis_server(find_redis_server(), tmp_path)
    try:
        store = RedisStore.from_url(f"redis://127.0.0.1:{port}/0", prefix="outage")
        async with running_csms(store=store) as app:
            stop_redis_server(proc)  # Redis goes away while the CSMS runs
            assert await status_of(app, "CS-1") == 503
            assert not [r for r in caplog.records if r.exc_info]
    finally:
        stop_redis_server(proc)
