"""Scale-out over a real Redis: directory fencing, leader lease, command routing between nodes, and a node
killed under load (its stations reconnect to the other node, no transaction lost, leadership moves)."""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import httpx
import orjson
import pytest
from redis.asyncio import Redis

from chargepoint_sim.config import EvConfig, FleetConfig, LinkConfig, StationConfig
from chargepoint_sim.fleet import Fleet
from csms.cluster.directory import StationDirectory
from csms.cluster.leader import LeaderLease
from csms.domain.clock import ScaledClock
from csms.domain.ids import StationId
from csms.settings import ClusterSettings, StoreSettings
from csms.store.keys import KeySchema
from tests.fixtures.redis_server import delete_prefix
from tests.helpers.csms_app import (
    API_TOKEN,
    PASSWORD,
    booted,
    csms_test_settings,
    next_frame,
    running_csms,
    station_connect,
)
from tests.helpers.csms_process import CsmsProcess, free_port
from tests.helpers.eventually import eventually

CS_1 = StationId("CS-1")
CS_2 = StationId("CS-2")
CS_9 = StationId("CS-9")
ROUTE_1 = StationId("ROUTE-1")

pytestmark = pytest.mark.realtime  # paced by the real clock: `make test` runs it alone


@pytest.fixture
async def prefix(redis_url: str) -> AsyncIterator[str]:
    value = f"csmscluster-{uuid.uuid4().hex[:10]}"
    yield value
    await delete_prefix(redis_url, value)


@pytest.fixture
async def redis(redis_url: str) -> AsyncIterator[Redis]:
    client = Redis.from_url(redis_url)
    yield client
    await client.aclose()


async def test_a_newer_claim_fences_out_the_old_owner(redis: Redis, prefix: str) -> None:
    keys = KeySchema(prefix)
    node_a = StationDirectory(redis, keys, "node-a", lease_ms=5000)
    node_b = StationDirectory(redis, keys, "node-b", lease_ms=5000)
    epoch_a = await node_a.claim(CS_1)
    assert await node_a.owners([CS_1, CS_2]) == {CS_1: "node-a", CS_2: None}
    epoch_b = await node_b.claim(CS_1)  # the station reconnected to node B
    assert epoch_b > epoch_a
    assert await node_a.renew({CS_1: epoch_a}) == {CS_1}  # A learns it lost the station
    assert not await node_a.release(CS_1, epoch_a)  # and cannot delete B's claim
    assert await node_b.renew({CS_1: epoch_b}) == set()
    assert await node_a.owners([CS_1]) == {CS_1: "node-b"}
    assert await node_b.release(CS_1, epoch_b)
    assert await node_a.owners([CS_1]) == {CS_1: None}


async def test_claims_expire_when_a_node_stops_renewing(redis: Redis, prefix: str) -> None:
    directory = StationDirectory(redis, KeySchema(prefix), "node-a", lease_ms=300)
    await directory.claim(CS_9)
    await asyncio.sleep(0.5)
    assert await directory.owners([CS_9]) == {CS_9: None}


async def test_exactly_one_leader_and_takeover_after_the_leader_dies(redis: Redis, prefix: str) -> None:
    keys = KeySchema(prefix)
    leases = [LeaderLease(redis, keys, "fleet-controller", f"node-{i}", ttl_ms=600) for i in range(3)]
    tasks = [asyncio.create_task(lease.run()) for lease in leases]
    try:
        await asyncio.sleep(0.5)
        leaders = [lease for lease in leases if lease.is_leader]
        assert len(leaders) == 1
        first = leaders[0]
        index = leases.index(first)
        tasks[index].cancel()  # the leader dies without resigning
        with contextlib.suppress(asyncio.CancelledError):
            await tasks[index]
        started = time.monotonic()
        while not any(lease.is_leader for i, lease in enumerate(leases) if i != index):
            assert time.monotonic() - started < 2.0, "no takeover within 2 s"
            await asyncio.sleep(0.02)
        new_leader = next(lease for i, lease in enumerate(leases) if i != index and lease.is_leader)
        assert new_leader.token > first.token  # fencing token grows
        assert sum(lease.is_leader for i, lease in enumerate(leases) if i != index) == 1
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


def node_settings(redis_url: str, prefix: str, node_id: str) -> Any:
    settings = csms_test_settings()
    return settings.model_copy(update={
        "node_id": node_id,
        "store": StoreSettings(backend="redis", redis_url=redis_url, redis_prefix=prefix),
        "cluster": ClusterSettings(enabled=True, station_lease_ms=3000, leader_ttl_ms=1000),
    })


async def test_command_sent_through_node_a_reaches_a_station_on_node_b(redis_url: str, prefix: str) -> None:
    async with running_csms(settings=node_settings(redis_url, prefix, "node-a")) as node_a, \
            running_csms(settings=node_settings(redis_url, prefix, "node-b")) as node_b, \
            station_connect(node_b, ROUTE_1) as ws:
        await booted(ws)

        async def station() -> None:
            resets = 0
            while resets < 2:
                frame = await next_frame(ws)
                if frame[0] == 2 and frame[2] == "Reset":
                    resets += 1
                    reply = [3, frame[1], {"status": "Scheduled"}] if resets == 1 else \
                        [4, frame[1], "NotSupported", "no resets today", {}]
                    await ws.send(orjson.dumps(reply).decode())
                elif frame[0] == 2:
                    await ws.send(orjson.dumps([3, frame[1], {"status": "Accepted"}]).decode())

        task = asyncio.create_task(station())
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{node_a.api_port}",
                                     headers={"Authorization": f"Bearer {API_TOKEN}"}) as http:
            assert not node_a.registry.is_connected(ROUTE_1)
            stations = (await http.get("/api/v1/stations")).json()
            assert [(s["station_id"], s["node_id"]) for s in stations] == [(ROUTE_1, "node-b")]
            reply = await http.post("/api/v1/stations/ROUTE-1/ocpp",
                                    json={"action": "Reset", "payload": {"type": "Immediate"}})
            assert reply.status_code == 200 and reply.json() == {"status": "Scheduled"}
            # an error from the station keeps its OCPP code across nodes
            bad = await http.post("/api/v1/stations/ROUTE-1/ocpp", json={"action": "Reset",
                                                                         "payload": {"type": "Immediate"}})
            assert bad.status_code == 502 and bad.json()["detail"]["code"] == "NotSupported"
            await asyncio.wait_for(task, 5)
            assert (await http.post("/api/v1/stations/NOWHERE/ocpp", json={
                "action": "Reset", "payload": {"type": "Immediate"}})).status_code == 404


async def test_a_fan_out_to_many_stations_on_another_node_is_batched_and_every_answer_returns(
    redis_url: str, prefix: str
) -> None:
    count = 30
    async with running_csms(settings=node_settings(redis_url, prefix, "node-a"), serve_api=False) as node_a, \
            running_csms(settings=node_settings(redis_url, prefix, "node-b"), serve_api=False) as node_b, \
            contextlib.AsyncExitStack() as stack:
        sockets = [await stack.enter_async_context(station_connect(node_b, f"FAN-{i:02d}")) for i in range(count)]
        for ws in sockets:
            await booted(ws)

        async def answer(ws: Any, index: int) -> None:  # each station answers its GetVariables with its index
            while True:
                frame = await next_frame(ws)
                if frame[0] == 2 and frame[2] == "GetVariables":
                    result = [{"attributeStatus": "Accepted", "attributeValue": str(index),
                               "component": {"name": "Fan"}, "variable": {"name": "Index"}}]
                    await ws.send(orjson.dumps([3, frame[1], {"getVariableResult": result}]).decode())
                    return
                if frame[0] == 2:
                    await ws.send(orjson.dumps([3, frame[1], {"status": "Accepted"}]).decode())

        answering = [asyncio.create_task(answer(ws, i)) for i, ws in enumerate(sockets)]
        assert node_a.cluster is not None and node_b.cluster is not None
        request = {"getVariableData": [{"component": {"name": "Fan"}, "variable": {"name": "Index"}}]}
        replies = await asyncio.gather(*(node_a.gateway.call(StationId(f"FAN-{i:02d}"), "GetVariables", request)
                                         for i in range(count)))
        await asyncio.wait_for(asyncio.gather(*answering), 5)

    assert [r["getVariableResult"][0]["attributeValue"] for r in replies] == [str(i) for i in range(count)]
    assert node_a.cluster.gateway.batches_published <= 3  # 30 calls, not 30 PUBLISHes


async def test_killing_a_node_moves_its_stations_and_leadership_without_losing_transactions(
    redis_url: str, prefix: str
) -> None:
    ocpp_port = free_port()
    common = {"CSMS_STORE__BACKEND": "redis", "CSMS_STORE__REDIS_URL": redis_url, "CSMS_STORE__REDIS_PREFIX": prefix,
              "CSMS_CLUSTER__ENABLED": "true", "CSMS_CLUSTER__STATION_LEASE_MS": "3000",
              "CSMS_CLUSTER__LEADER_TTL_MS": "1500", "CSMS_OCPP__REUSE_PORT": "true", "CSMS_API__TOKEN": API_TOKEN,
              "CSMS_SECURITY__ACCEPT_UNKNOWN_TOKENS": "true"}
    nodes = {name: CsmsProcess({**common, "CSMS_NODE_ID": name}, ocpp_port=ocpp_port) for name in ("n1", "n2")}
    config = FleetConfig(
        csms_url=f"ws://127.0.0.1:{ocpp_port}/ocpp", stations=12, password=PASSWORD, seed=5,
        station=StationConfig(evses=1, tx_updated_interval_s=60),
        ev=EvConfig(first_arrival_s=(0, 30), dwell_s=(5400, 6000), visits_per_evse=1),
        link=LinkConfig(reconnect_min_s=0.2, reconnect_max_s=0.5, reconnect_jitter_s=0.1),
    )
    fleet = Fleet(config, ScaledClock(datetime(2026, 6, 1, 16, tzinfo=UTC), 600.0))

    async def api(node: str, path: str) -> Any:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{nodes[node].api_port}",
                                     headers={"Authorization": f"Bearer {API_TOKEN}"}, timeout=10) as http:
            return (await http.get(path)).json()

    try:
        for node in nodes.values():
            node.start()
        await fleet.start()
        await eventually(lambda: sum(1 for _, tx in fleet.transactions() if tx.import_wh > 0) >= 12,
                         "12 transactions delivering energy")
        info = {name: await api(name, "/api/v1/node") for name in nodes}
        assert sum(i["is_leader"] for i in info.values()) == 1
        leader = next(name for name, i in info.items() if i["is_leader"])
        survivor = next(name for name in nodes if name != leader)
        held = {s["station_id"]: s["node_id"] for s in await api(survivor, "/api/v1/stations")}
        assert set(held.values()) <= {"n1", "n2"} and len(held) == 12
        nodes[leader].kill()
        async def survivor_leads_and_holds_every_station() -> bool:
            info_s = await api(survivor, "/api/v1/node")
            stations = await api(survivor, "/api/v1/stations?connected=true")
            return bool(info_s["is_leader"]) and len(stations) == 12 and \
                all(s["node_id"] == survivor for s in stations)

        await eventually(survivor_leads_and_holds_every_station, "the survivor leads and holds all 12 stations",
                         poll_s=0.2)
        await eventually(lambda: all(not tx.active for _, tx in fleet.transactions()), "transactions ended")
        truth = {(sid, tx.transaction_id): tx for sid, tx in fleet.transactions()}

        async def all_twelve_closed() -> list[dict[str, Any]] | None:
            reported: list[dict[str, Any]] = await api(survivor, "/api/v1/transactions")
            return reported if len(reported) == 12 and not any(t["is_open"] for t in reported) else None

        reported = await eventually(all_twelve_closed, "12 closed transactions on the survivor", poll_s=0.2)
    finally:
        await fleet.stop()
        for node in nodes.values():
            node.stop()
    assert {(t["station_id"], t["transaction_id"]) for t in reported} == set(truth)
    for t in reported:
        assert abs(t["energy_import_wh"] - truth[(t["station_id"], t["transaction_id"])].import_wh) < 0.01
