"""The OCPP-J websocket endpoint: ws(s)://host:port/<prefix>/<stationId>.

Handshake (process_request): the path must name a valid station id (identifierString, <= 48 chars; else 400, 404
for other paths); then `csms.server.handshake.HandshakeAuth` decides: HTTP Basic (security profiles 1 and 2) or a
verified client certificate bound to the station id (profile 3, TLS from `csms.server.tls`; the same for OCPP 1.6J
stations, security profiles 1-3 of the 1.6 Security Whitepaper). Refusals: 401 (unknown station and wrong password
alike), 400 (two Authorization headers), 429 (backoff after repeated failures), 503 (state store unreachable).
Subprotocol: the client's most preferred version among the enabled ones (`ocpp1.6` sessions get the 1.6 handler
table and `V16Session`); if it offers none we speak, the handshake completes without a subprotocol and the
connection is closed at once (OCPP-J 3.3) with code 1002. A second connection for the same station replaces the
first, which is closed and counted as a disconnect. A connection that sends no BootNotification within
`boot_timeout_s` is closed (1008). Oversized messages close the connection with 1009 (websockets max_size).
Repeated per-station warnings of the OCPP session are rate-limited (csms/server/log_limit.py).
`connect_in_memory` opens the same kind of connection in-process, without a socket (csms/ocpp/memory.py): the
simulator beside the CSMS on virtual time uses it.
"""

from __future__ import annotations

import asyncio
import dataclasses
import gc
import logging
from collections.abc import Callable, Mapping, Sequence
from http import HTTPStatus
from typing import Any, Protocol
from urllib.parse import unquote

from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response

from csms.domain.clock import Clock
from csms.domain.ids import StationId, parse_station_id
from csms.domain.records import BootPolicy, StationRecord
from csms.handlers.deps import HandlerDeps
from csms.handlers.v16 import build_v16_handlers
from csms.logging_setup import log_station
from csms.ocpp.memory import MemoryConnection, MemoryRefused, memory_pipe
from csms.ocpp.session import CallHandler, RpcSession
from csms.ocpp.v16_adapter import V16Session
from csms.ocpp.versions import OcppVersion, select_subprotocol
from csms.security.events import SecurityEvents
from csms.server.connections import ConnectionRegistry, OcppConnection, StationConnection
from csms.server.handshake import Admitted, HandshakeAuth, parse_basic_auth
from csms.server.log_limit import PerStationLogLimit, install_session_log_limit, remove_session_log_limit
from csms.server.tls import PeerCertificate, TlsEndpoint, peer_certificate, recording_hook
from csms.services.auth_throttle import AuthThrottle
from csms.services.credentials import CredentialService
from csms.services.events import StationConnected, StationDisconnected
from csms.settings import OcppSettings

log = logging.getLogger("csms.server")

CLOSE_PROTOCOL_ERROR = 1002
CLOSE_GOING_AWAY = 1001
CLOSE_POLICY_VIOLATION = 1008

__all__ = ["ConnectionListener", "OcppServer", "parse_basic_auth"]


class ConnectionListener(Protocol):
    """Told when a station becomes (or stops being) connected to this node."""

    async def on_connected(self, station_id: StationId) -> None: ...

    async def on_disconnected(self, station_id: StationId) -> None: ...


class OcppServer:
    """Accepts station connections and runs an `RpcSession` for each."""

    def __init__(
        self,
        *,
        settings: OcppSettings,
        node_id: str,
        clock: Clock,
        credentials: CredentialService,
        registry: ConnectionRegistry,
        deps: HandlerDeps,
        handlers: dict[str, CallHandler],
        listeners: Sequence[ConnectionListener] = (),
        security_events: SecurityEvents | None = None,
        throttle: AuthThrottle | None = None,
        tls: TlsEndpoint | None = None,
        is_revoked: Callable[[int], bool] = lambda serial: False,
        on_certificate: Callable[[StationId, PeerCertificate], None] | None = None,
        handlers_v16: Mapping[str, CallHandler] | None = None,
    ) -> None:
        self._settings = settings
        self._node_id = node_id
        self._clock = clock
        self._credentials = credentials
        self._registry = registry
        self._deps = deps
        self._handlers = handlers
        # OCPP 1.6J stations: their own handler table (csms/handlers/v16) and a session that speaks 1.6 to them
        self._handlers_v16 = handlers_v16 if handlers_v16 is not None else build_v16_handlers(
            deps, handlers_201=handlers)
        self._listeners = list(listeners)
        self._versions = tuple(OcppVersion(v) for v in settings.versions)
        self._server: Server | None = None
        self._prefix = "/" + settings.path_prefix.strip("/") + "/" if settings.path_prefix.strip("/") else "/"
        self.security_events = security_events or SecurityEvents(clock, deps.events)
        self.throttle = throttle or AuthThrottle(clock)
        self.tls = tls
        if tls is None and settings.tls.enabled:
            self.tls = TlsEndpoint(settings.tls, recording_hook(self.security_events))
        self._auth = HandshakeAuth(credentials, self.throttle, self.security_events, tls=self.tls is not None,
                                   organisation=settings.tls.organisation, is_revoked=is_revoked,
                                   on_certificate=on_certificate)
        self.replaced_connections = 0
        self.closed_connections = 0
        self.collections = 0
        self._collect: Callable[[], object] = gc.collect
        self._log_limit: PerStationLogLimit | None = None
        self._tls_watch: asyncio.Task[None] | None = None
        self._memory: dict[asyncio.Task[None], MemoryConnection] = {}  # in-process connections and their tasks

    @property
    def port(self) -> int:
        """The bound port (useful when configured as 0)."""
        if self._server is None:
            raise RuntimeError("server not started")
        port: int = next(iter(self._server.sockets)).getsockname()[1]
        return port

    def reload_tls(self) -> None:
        """Re-read the TLS certificate, key and client CA (new handshakes use them)."""
        if self.tls is not None:
            self.tls.reload()

    async def start(self) -> None:
        self._log_limit = install_session_log_limit(self._clock)
        self._server = await serve(
            self._handle_connection,
            self._settings.host,
            self._settings.port,
            process_request=self._process_request,
            select_subprotocol=self._select_subprotocol,
            subprotocols=[v.value for v in self._versions],  # type: ignore[misc]
            max_size=self._settings.max_message_bytes,
            reuse_port=self._settings.reuse_port or None,
            ping_interval=self._settings.ping_interval_s,
            ping_timeout=self._settings.ping_timeout_s,
            compression="deflate" if self._settings.compression else None,
            ssl=self.tls.context if self.tls is not None else None,
        )
        if self.tls is not None and self._settings.tls.reload_check_s is not None:
            self._tls_watch = asyncio.create_task(self._watch_tls(self._settings.tls.reload_check_s),
                                                  name="tls-reload")
        log.info("OCPP endpoint listening on %s://%s:%d%s<stationId>", "wss" if self.tls else "ws",
                 self._settings.host, self.port, self._prefix)

    async def _watch_tls(self, every_s: float) -> None:
        while True:
            await self._clock.sleep(every_s)
            if self.tls is not None:
                self.tls.reload_if_changed()

    async def stop(self) -> None:
        if self._tls_watch is not None:
            self._tls_watch.cancel()
            self._tls_watch = None
        if self._log_limit is not None:
            remove_session_log_limit(self._log_limit)
            self._log_limit = None
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None
        memory = dict(self._memory)
        for end in memory.values():
            await end.close(CLOSE_GOING_AWAY, "server stopping")
        await asyncio.gather(*memory, return_exceptions=True)

    # ---- handshake ------------------------------------------------------------------------------------

    def _select_subprotocol(self, connection: ServerConnection, offered: Sequence[str]) -> Any:
        version = select_subprotocol(list(offered), self._versions)
        return None if version is None else version.value

    @staticmethod
    def _reject(connection: ServerConnection, status: HTTPStatus, text: str, **headers: str) -> Response:
        response = connection.respond(status, text + "\n")
        for name, value in headers.items():
            response.headers[name] = value
        return response

    async def _process_request(self, connection: ServerConnection, request: Request) -> Response | None:
        path = request.path.split("?", 1)[0]
        if not path.startswith(self._prefix):
            return self._reject(connection, HTTPStatus.NOT_FOUND, f"OCPP endpoint is {self._prefix}<stationId>")
        try:
            station_id = parse_station_id(unquote(path[len(self._prefix):]))
        except ValueError as exc:
            return self._reject(connection, HTTPStatus.BAD_REQUEST, str(exc))
        ssl_object = connection.transport.get_extra_info("ssl_object") if connection.transport else None
        try:
            peer = peer_certificate(ssl_object)
        except ValueError:  # OpenSSL verified it, so this is not expected: refuse rather than guess
            return self._reject(connection, HTTPStatus.BAD_REQUEST, "unreadable client certificate")
        address = connection.remote_address
        source = str(address[0]) if address else ""
        decision = await self._auth.check(station_id, request.headers.get_all("Authorization"), peer, source)
        if not isinstance(decision, Admitted):
            return self._reject(connection, decision.status, decision.text, **decision.headers)
        connection.station_id = station_id  # type: ignore[attr-defined]
        return None

    # ---- connection -----------------------------------------------------------------------------------

    async def _handle_connection(self, websocket: ServerConnection) -> None:
        offered = websocket.request.headers.get("Sec-WebSocket-Protocol", "") if websocket.request else ""
        await self._serve_connection(websocket.station_id, websocket, offered)  # type: ignore[attr-defined]

    async def connect_in_memory(self, station: str, subprotocols: Sequence[str],
                                authorization: str | None) -> MemoryConnection:
        """Open an in-process connection for station id `station` (csms/ocpp/memory.py): the same id check,
        credential check, subprotocol choice and connection handling as a websocket handshake, without a socket.
        Returns the station's end; raises `MemoryRefused` with the status a handshake would have had."""
        try:
            station_id = parse_station_id(station)
        except ValueError as exc:
            raise MemoryRefused(HTTPStatus.BAD_REQUEST, str(exc)) from exc
        decision = await self._auth.check(station_id, [authorization] if authorization else [], None, "in-memory")
        if not isinstance(decision, Admitted):
            raise MemoryRefused(decision.status, decision.text)
        version = select_subprotocol(list(subprotocols), self._versions)
        client, server = memory_pipe(None if version is None else version.value,
                                     server_max_size=self._settings.max_message_bytes)
        task = asyncio.create_task(self._serve_connection(station_id, server, ", ".join(subprotocols)),
                                   name=f"{station_id}:in-memory")
        self._memory[task] = server
        task.add_done_callback(self._memory.pop)
        return client

    async def _serve_connection(self, station_id: StationId, websocket: OcppConnection, offered: str) -> None:
        log_station.set(station_id)  # this connection's task and its children log with its station id
        if websocket.subprotocol is None:
            log.warning("%s offered no supported OCPP subprotocol (%s); closing", station_id, offered)
            await websocket.close(CLOSE_PROTOCOL_ERROR, "no supported OCPP subprotocol offered")
            return
        version = OcppVersion(websocket.subprotocol)
        session_class = V16Session if version is OcppVersion.V16 else RpcSession
        session = session_class(
            station_id=station_id,
            version=version,
            send=websocket.send,
            handlers=self._handlers_v16 if version is OcppVersion.V16 else self._handlers,
            call_timeout_s=self._settings.call_timeout_s,
        )
        connection = StationConnection(station_id, websocket, session)
        previous = self._registry.register(connection)
        if previous is not None:
            log.info("%s reconnected; closing its previous connection", station_id)
            self.replaced_connections += 1
            previous.session.close("replaced by a new connection")
            session.spawn(previous.websocket.close(CLOSE_GOING_AWAY, "replaced by a new connection"),
                          name=f"{station_id}:close-replaced")
            self._deps.events.publish(StationDisconnected(station_id=station_id, at=self._clock.now(), replaced=True))
        if self._settings.boot_timeout_s is not None:
            session.spawn(self._close_unless_booted(station_id, websocket, self._settings.boot_timeout_s),
                          name=f"{station_id}:boot-timeout")
        await self._mark_connected(station_id, version)
        for listener in self._listeners:
            await listener.on_connected(station_id)
        try:
            async for message in websocket:
                await session.feed(message)
        except ConnectionClosed:
            pass
        finally:
            session.close()
            self._count_closed()
            if self._registry.unregister(connection):
                self._deps.registration.pop(station_id, None)
                await self._mark_disconnected(station_id)
                for listener in self._listeners:
                    try:
                        await listener.on_disconnected(station_id)
                    except Exception:  # e.g. Redis down: the lease simply expires
                        log.exception("%s: disconnect listener failed", station_id)

    def _count_closed(self) -> None:
        """A closed websockets connection is a reference cycle holding its buffers and deflate contexts (~30 KB):
        with high GC thresholds it would wait for a rare full collection, so collect every N closes."""
        self.closed_connections += 1
        every = self._settings.gc_every_closed_connections
        if every is not None and self.closed_connections % every == 0:
            self._collect()
            self.collections += 1

    async def _close_unless_booted(self, station_id: StationId, websocket: OcppConnection,
                                   timeout_s: float) -> None:
        await self._clock.sleep(timeout_s)
        if station_id not in self._deps.registration:
            log.info("%s sent no BootNotification within %.0f s; closing", station_id, timeout_s)
            await websocket.close(CLOSE_POLICY_VIOLATION, "no BootNotification")

    async def _mark_connected(self, station_id: StationId, version: OcppVersion) -> None:
        now = self._clock.now()
        station = await self._deps.store.get_station(station_id) or StationRecord(station_id=station_id)
        policy = station.boot_policy or self._deps.default_boot_policy
        if station.registration_status == BootPolicy.ACCEPT.value and policy is BootPolicy.ACCEPT:
            self._deps.registration[station_id] = BootPolicy.ACCEPT  # accepted before: no new boot needed
        await self._deps.store.put_station(dataclasses.replace(
            station, connected=True, node_id=self._node_id, last_seen_at=now, ocpp_version=version.value))
        self._deps.events.publish(StationConnected(station_id=station_id, at=now, ocpp_version=version.value))

    async def _mark_disconnected(self, station_id: StationId) -> None:
        now = self._clock.now()
        try:
            station = await self._deps.store.get_station(station_id)
            if station is not None and station.node_id == self._node_id:
                await self._deps.store.put_station(dataclasses.replace(station, connected=False, last_seen_at=now))
        except Exception:  # store down while a station leaves: log, the next connect rewrites the record
            log.exception("%s: could not record disconnect", station_id)
        self._deps.events.publish(StationDisconnected(station_id=station_id, at=now))


