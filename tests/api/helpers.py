"""An in-process operator API over real services (memory store, charging service, command service) and a fake
gateway whose stations answer CALLs from a script, so endpoint tests need no sockets and no sleeps."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx
import uvicorn
from fastapi import FastAPI

from csms.api.app import create_api
from csms.api.auth import Role, TokenRegistry
from csms.api.services import ApiServices
from csms.domain.clock import Clock, ScaledClock
from csms.domain.ids import StationId
from csms.errors import StationNotConnected
from csms.observability.metrics import CsmsMetrics
from csms.ocpp.schemas import validate
from csms.ocpp.versions import OcppVersion
from csms.services.auth_throttle import AuthThrottle
from csms.services.call_effects import CallEffects
from csms.services.charging import ChargingService
from csms.services.commands import CommandService
from csms.services.credentials import CredentialService
from csms.services.events import EventBus
from csms.store.base import StateStore
from csms.store.memory import MemoryStore

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
ADMIN = "admin-secret-0123456789abcdef"
Answer = dict[str, Any] | Exception | Callable[[dict[str, Any]], dict[str, Any]]


@dataclass
class FakeGateway:
    """Connected stations answer each action from `answers` (default {"status": "Accepted"}); every payload is
    validated against the OCPP 2.0.1 request schema first, as the real session does."""

    connected: set[StationId] = field(default_factory=set)
    answers: dict[str, Answer] = field(default_factory=dict)
    calls: list[tuple[StationId, str, dict[str, Any]]] = field(default_factory=list)

    def is_connected(self, station_id: StationId) -> bool:
        return station_id in self.connected

    def connected_station_ids(self) -> list[StationId]:
        return sorted(self.connected)

    async def locate(self, station_ids: list[StationId]) -> dict[StationId, str | None]:
        return {s: ("node-1" if s in self.connected else None) for s in station_ids}

    async def call(self, station_id: StationId, action: str, payload: dict[str, Any],
                   timeout_s: float | None = None) -> dict[str, Any]:
        if station_id not in self.connected:
            raise StationNotConnected(f"station {station_id} is not connected to this node")
        validate(OcppVersion.V201, action, "Request", payload)
        self.calls.append((station_id, action, payload))
        answer = self.answers.get(action, {"status": "Accepted"})
        if isinstance(answer, Exception):
            raise answer
        return answer(payload) if callable(answer) else answer


@dataclass
class Harness:
    api: FastAPI
    services: ApiServices
    gateway: FakeGateway
    store: StateStore
    events: EventBus
    metrics: CsmsMetrics
    tokens: dict[Role, str]

    def client(self, role: Role | None = Role.ADMIN, token: str | None = None) -> httpx.AsyncClient:
        headers = {}
        secret = token or (None if role is None else self.tokens[role])
        if secret is not None:
            headers["Authorization"] = f"Bearer {secret}"
        return httpx.AsyncClient(transport=httpx.ASGITransport(self.api), base_url="http://csms", headers=headers)


@asynccontextmanager
async def serving(api: FastAPI) -> AsyncIterator[str]:
    """`api` served by uvicorn on a free loopback port (for what ASGITransport cannot do: event streams, which it
    buffers to the end); yields the base URL. Close streaming responses before leaving."""
    server = uvicorn.Server(uvicorn.Config(api, host="127.0.0.1", port=0, log_level="warning", lifespan="off",
                                           timeout_graceful_shutdown=2))
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}"
    finally:
        server.should_exit = True
        await task


def harness(*, store: StateStore | None = None, clock: Clock | None = None, fleet: Any = None,
            ocpp_listening: Callable[[], bool] = lambda: True, regulation: Any = None,
            failed_tokens_before_backoff: int = 1_000_000) -> Harness:
    """The API with one token per role (admin = the settings token). The role tests send hundreds of invalid
    tokens from one client, so the token throttle only trips where a test asks for it."""
    store = store or MemoryStore()
    clock = clock or ScaledClock(NOW, 1.0)
    events = EventBus()
    gateway = FakeGateway()
    metrics = CsmsMetrics(connections=lambda: len(gateway.connected))
    metrics.bind_events(events)
    charging = ChargingService(gateway, store, clock, events, min_update_interval_s=0)
    commands = CommandService(gateway, 5.0, CallEffects(store, clock))
    services = ApiServices(store=store, gateway=gateway, commands=commands, charging=charging,
                           credentials=CredentialService(store, clock, "auto_register"), clock=clock,
                           api_token=ADMIN, node_info=lambda: {"node_id": "node-1"}, events=events, fleet=fleet,
                           metrics=metrics, ocpp_listening=ocpp_listening, regulation=regulation)
    registry = TokenRegistry(clock)
    registry.seed(ADMIN, token_id="settings", name="settings.api.token", role=Role.ADMIN)
    tokens = {Role.ADMIN: ADMIN}
    for role in (Role.VIEWER, Role.OPERATOR):
        _, tokens[role] = registry.create(f"{role.value}-user", role, created_by="test")
    throttle = AuthThrottle(clock, failures_before_backoff=failed_tokens_before_backoff)
    return Harness(create_api(services, registry, throttle=throttle), services, gateway, store, events, metrics,
                   tokens)
