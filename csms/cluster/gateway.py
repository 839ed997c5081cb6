"""`ClusterGateway`: a `StationGateway` that reaches a station on whichever node holds its socket.

A call for a station connected here goes straight to the local session. Otherwise the directory names the
owner node and the call is published on that node's command channel (lookups, calls and answers made within
one event-loop turn are batched: one MGET, one PUBLISH per destination node); the owner runs it on its local session
and publishes the answer (or the error, by type) on the caller's reply channel. If no node is subscribed
(the owner died) or the owner no longer has the station, the caller gets StationNotConnected. Errors keep
their class across nodes: CallError (with the station's code), CallTimeout, SessionClosed,
StationNotConnected, RpcError subclasses (our payload failed the schema).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
from collections.abc import Coroutine
from typing import Any, NotRequired, TypedDict

import orjson
from redis.asyncio import Redis
from redis.asyncio.client import PubSub

from csms.cluster.directory import StationDirectory
from csms.domain.ids import StationId
from csms.errors import (
    RPC_ERRORS_BY_CODE,
    CallError,
    CallTimeout,
    CsmsError,
    RpcError,
    SessionClosed,
    StationNotConnected,
)
from csms.server.connections import ConnectionRegistry
from csms.store.keys import KeySchema

log = logging.getLogger("csms.cluster.gateway")

_ROUTING_MARGIN_S = 2.0

# The OCPP payload a node routes and the answer it gets back stay `dict[str, Any]`: any action's JSON, validated
# by the owner's session (the StationGateway protocol's types).


class _Error(TypedDict):
    """An exception as it crosses nodes (its class by name; code and details for CallError / RpcError)."""

    type: str
    description: str
    code: NotRequired[str]
    details: NotRequired[dict[str, Any]]


class _RoutedCall(TypedDict):
    id: str
    reply_to: str  # the caller's node id
    station: str
    action: str
    payload: dict[str, Any]
    timeout_s: float


class _Reply(TypedDict):
    id: str
    result: NotRequired[dict[str, Any]]
    error: NotRequired[_Error]


def _encode_error(exc: Exception) -> _Error:
    if isinstance(exc, CallError):
        return {"type": "CallError", "code": exc.code, "description": exc.description, "details": exc.details}
    if isinstance(exc, RpcError):
        return {"type": "RpcError", "code": exc.code, "description": exc.description, "details": exc.details}
    return {"type": type(exc).__name__, "description": str(exc)}


def _decode_error(action: str, error: _Error) -> Exception:
    kind = error.get("type")
    if kind == "CallError":
        return CallError(action, error["code"], error["description"], error.get("details", {}))
    if kind == "RpcError":
        return RPC_ERRORS_BY_CODE.get(error["code"], RpcError)(error["description"], error.get("details"))
    cls = {"CallTimeout": CallTimeout, "SessionClosed": SessionClosed,
           "StationNotConnected": StationNotConnected}.get(str(kind), CsmsError)
    return cls(error.get("description", ""))


class ClusterGateway:
    def __init__(self, local: ConnectionRegistry, redis: Redis, keys: KeySchema, directory: StationDirectory,
                 node_id: str) -> None:
        self._local = local
        self._redis = redis
        self._keys = keys
        self._directory = directory
        self.node_id = node_id
        self._pending: dict[str, asyncio.Future[_Reply]] = {}
        self._ids = itertools.count(1)
        self._pubsub: PubSub | None = None
        self._listener: asyncio.Task[None] | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        # Micro-batching: what is asked within one event-loop turn goes out as one Redis command per destination
        # (a fan-out to thousands of remote stations is a handful of MGETs and PUBLISHes, not thousands).
        self._lookups: dict[StationId, list[asyncio.Future[str | None]]] = {}
        self._requests: dict[str, list[_RoutedCall]] = {}  # owner node -> routed calls
        self._replies: dict[str, list[_Reply]] = {}  # caller node -> answers
        self.batches_published = 0

    async def start(self) -> None:
        self._pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
        await self._pubsub.subscribe(self._keys.node_rpc_channel(self.node_id),
                                     self._keys.node_reply_channel(self.node_id))
        self._listener = asyncio.create_task(self._listen(), name="cluster-gateway")

    async def stop(self) -> None:
        if self._listener is not None:
            self._listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._listener
        for task in list(self._tasks):
            task.cancel()
        if self._pubsub is not None:
            await self._pubsub.aclose()  # type: ignore[no-untyped-call]
        for future in self._pending.values():
            if not future.done():
                future.set_exception(SessionClosed("node shutting down"))

    # ---- StationGateway -------------------------------------------------------------------------------

    def is_connected(self, station_id: StationId) -> bool:
        """Connected to THIS node (use `locate` for the cluster-wide answer)."""
        return self._local.is_connected(station_id)

    def connected_station_ids(self) -> list[StationId]:
        return self._local.connected_station_ids()

    async def locate(self, station_ids: list[StationId]) -> dict[StationId, str | None]:
        return await self._directory.owners(station_ids)

    async def call(self, station_id: StationId, action: str, payload: dict[str, Any],
                   timeout_s: float | None = None) -> dict[str, Any]:
        if self._local.is_connected(station_id):
            return await self._local.call(station_id, action, payload, timeout_s)
        owner = await self._owner(station_id)
        if owner is None or owner == self.node_id:
            raise StationNotConnected(f"station {station_id} is not connected to any node")
        return await self._remote_call(owner, station_id, action, payload, timeout_s or 30.0)

    async def _owner(self, station_id: StationId) -> str | None:
        """The directory's owner of `station_id`; lookups asked in the same loop turn share one MGET."""
        future: asyncio.Future[str | None] = asyncio.get_running_loop().create_future()
        if not self._lookups:
            self._spawn(self._lookup_batch())
        self._lookups.setdefault(station_id, []).append(future)
        return await future

    async def _lookup_batch(self) -> None:
        await asyncio.sleep(0)  # let this turn's other callers join the batch
        batch, self._lookups = self._lookups, {}
        try:
            owners = await self._directory.owners(list(batch))
        except Exception as exc:
            for futures in batch.values():
                for future in futures:
                    if not future.done():
                        future.set_exception(exc)
            return
        for station_id, futures in batch.items():
            for future in futures:
                if not future.done():
                    future.set_result(owners.get(station_id))

    async def _remote_call(self, owner: str, station_id: StationId, action: str, payload: dict[str, Any],
                           timeout_s: float) -> dict[str, Any]:
        request_id = f"{self.node_id}:{next(self._ids)}"
        future: asyncio.Future[_Reply] = asyncio.get_running_loop().create_future()
        self._pending[request_id] = future
        try:
            if owner not in self._requests:
                self._requests[owner] = []
                self._spawn(self._publish_requests(owner))
            self._requests[owner].append({"id": request_id, "reply_to": self.node_id, "station": station_id,
                                          "action": action, "payload": payload, "timeout_s": timeout_s})
            async with asyncio.timeout(timeout_s + _ROUTING_MARGIN_S):
                reply = await future
        except TimeoutError:
            raise CallTimeout(f"{station_id}: {action} routed to {owner} not answered in time") from None
        finally:
            self._pending.pop(request_id, None)
        if "error" in reply:
            raise _decode_error(action, reply["error"])
        return reply["result"]

    async def _publish_requests(self, owner: str) -> None:
        await asyncio.sleep(0)
        batch = self._requests.pop(owner, [])
        try:
            receivers = await self._redis.publish(self._keys.node_rpc_channel(owner), orjson.dumps(batch))
            self.batches_published += 1
            error: Exception | None = None if receivers else StationNotConnected(f"node {owner} is not listening")
        except Exception as exc:
            error = exc
        if error is not None:
            for request in batch:
                future = self._pending.get(request["id"])
                if future is not None and not future.done():
                    future.set_exception(error)

    # ---- serving other nodes ----------------------------------------------------------------------------

    async def _listen(self) -> None:
        assert self._pubsub is not None
        rpc_channel = self._keys.node_rpc_channel(self.node_id).encode()
        while True:
            try:
                message = await self._pubsub.get_message(timeout=1.0)
                if message is None:
                    continue
                data = orjson.loads(message["data"])
                items = data if isinstance(data, list) else [data]
                if message["channel"] == rpc_channel:
                    for request in items:
                        self._spawn(self._serve(request))
                else:
                    for reply in items:
                        future = self._pending.get(reply.get("id", ""))
                        if future is not None and not future.done():
                            future.set_result(reply)
            except asyncio.CancelledError:
                raise
            except Exception:  # a bad message or a Redis hiccup must not end the listener
                log.exception("%s: cluster listener error", self.node_id)
                await asyncio.sleep(0.5)

    async def _serve(self, request: _RoutedCall) -> None:
        reply: _Reply = {"id": request["id"]}
        try:
            # a peer node's routed call: the station id it parsed at its own edge
            reply["result"] = await self._local.call(StationId(request["station"]), request["action"],
                                                     request["payload"], request.get("timeout_s"))
        except Exception as exc:
            reply["error"] = _encode_error(exc)
        caller = request["reply_to"]
        if caller not in self._replies:
            self._replies[caller] = []
            self._spawn(self._publish_replies(caller))
        self._replies[caller].append(reply)

    async def _publish_replies(self, caller: str) -> None:
        await asyncio.sleep(0.001)  # answers arriving within a millisecond travel together
        batch = self._replies.pop(caller, [])
        try:
            await self._redis.publish(self._keys.node_reply_channel(caller), orjson.dumps(batch))
        except Exception as exc:  # the callers time out (CallTimeout); nothing else to do from here
            log.warning("%s: %d answers for %s lost: %s", self.node_id, len(batch), caller, exc)

    def _spawn(self, coro: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
