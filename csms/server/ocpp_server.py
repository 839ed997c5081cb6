"""The OCPP-J websocket endpoint: ws://host:port/<prefix>/<stationId>.

Handshake (process_request): the path must name a valid station id (identifierString, <= 48 chars; else 400,
404 for other paths); HTTP Basic auth (security profile 1) whose username must equal the station id (401
otherwise, 404 for a station the registration policy does not know). Subprotocol: the client's most preferred
version among the enabled ones; if it offers none we speak, the handshake completes without a subprotocol and
the connection is closed at once (OCPP-J 3.3) with code 1002. A second connection for the same station
replaces the first, which is closed. Oversized messages close the connection with 1009 (websockets max_size).
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import logging
from collections.abc import Sequence
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
from csms.ocpp.session import Handler, RpcSession
from csms.ocpp.versions import OcppVersion, select_subprotocol
from csms.server.connections import ConnectionRegistry, StationConnection
from csms.services.credentials import AuthResult, CredentialService
from csms.services.events import DomainEvent
from csms.settings import OcppSettings

log = logging.getLogger("csms.server")

CLOSE_PROTOCOL_ERROR = 1002
CLOSE_GOING_AWAY = 1001


class ConnectionListener(Protocol):
    """Told when a station becomes (or stops being) connected to this node."""

    async def on_connected(self, station_id: str) -> None: ...

    async def on_disconnected(self, station_id: str) -> None: ...


def parse_basic_auth(header: str | None) -> tuple[str, str] | None:
    """(username, password) from an `Authorization: Basic ...` header, or None."""
    if not header or not header.lower().startswith("basic "):
        return None
    try:
        decoded = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    username, sep, password = decoded.partition(":")
    return (username, password) if sep else None


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
        handlers: dict[str, Handler],
        listeners: Sequence[ConnectionListener] = (),
    ) -> None:
        self._settings = settings
        self._node_id = node_id
        self._clock = clock
        self._credentials = credentials
        self._registry = registry
        self._deps = deps
        self._handlers = handlers
        self._listeners = list(listeners)
        self._versions = tuple(OcppVersion(v) for v in settings.versions)
        self._server: Server | None = None
        self._prefix = "/" + settings.path_prefix.strip("/") + "/" if settings.path_prefix.strip("/") else "/"

    @property
    def port(self) -> int:
        """The bound port (useful when configured as 0)."""
        if self._server is None:
            raise RuntimeError("server not started")
        port: int = next(iter(self._server.sockets)).getsockname()[1]
        return port

    async def start(self) -> None:
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
        )
        log.info("OCPP endpoint listening on ws://%s:%d%s<stationId>", self._settings.host, self.port, self._prefix)

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None

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
        auth = parse_basic_auth(request.headers.get("Authorization"))
        challenge = {"WWW-Authenticate": 'Basic realm="ocpp", charset="UTF-8"'}
        if auth is None or auth[0] != station_id:
            log.warning("%s: missing or mismatched basic auth", station_id, extra={"station_id": station_id})
            return self._reject(connection, HTTPStatus.UNAUTHORIZED, "basic auth as the station id required",
                                **challenge)
        result = await self._credentials.authenticate(station_id, auth[1])
        if result is AuthResult.UNKNOWN_STATION:
            return self._reject(connection, HTTPStatus.NOT_FOUND, f"unknown station {station_id}")
        if result is AuthResult.BAD_PASSWORD:
            log.warning("%s: wrong password", station_id, extra={"station_id": station_id})
            return self._reject(connection, HTTPStatus.UNAUTHORIZED, "invalid credentials", **challenge)
        connection.station_id = station_id  # type: ignore[attr-defined]
        return None

    # ---- connection -----------------------------------------------------------------------------------

    async def _handle_connection(self, websocket: ServerConnection) -> None:
        station_id: StationId = websocket.station_id  # type: ignore[attr-defined]
        if websocket.subprotocol is None:
            log.warning("%s offered no supported OCPP subprotocol (%s); closing", station_id,
                        websocket.request.headers.get("Sec-WebSocket-Protocol") if websocket.request else "")
            await websocket.close(CLOSE_PROTOCOL_ERROR, "no supported OCPP subprotocol offered")
            return
        version = OcppVersion(websocket.subprotocol)
        session = RpcSession(
            station_id=station_id,
            version=version,
            send=websocket.send,
            handlers=self._handlers,
            call_timeout_s=self._settings.call_timeout_s,
        )
        connection = StationConnection(station_id, websocket, session)
        previous = self._registry.register(connection)
        if previous is not None:
            log.info("%s reconnected; closing its previous connection", station_id)
            previous.session.close("replaced by a new connection")
            session.spawn(previous.websocket.close(CLOSE_GOING_AWAY, "replaced by a new connection"),
                          name=f"{station_id}:close-replaced")
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
            if self._registry.unregister(connection):
                self._deps.registration.pop(station_id, None)
                await self._mark_disconnected(station_id)
                for listener in self._listeners:
                    try:
                        await listener.on_disconnected(station_id)
                    except Exception:  # e.g. Redis down: the lease simply expires
                        log.exception("%s: disconnect listener failed", station_id)

    async def _mark_connected(self, station_id: StationId, version: OcppVersion) -> None:
        now = self._clock.now()
        station = await self._deps.store.get_station(station_id) or StationRecord(station_id=station_id)
        policy = station.boot_policy or self._deps.default_boot_policy
        if station.registration_status == BootPolicy.ACCEPT.value and policy is BootPolicy.ACCEPT:
            self._deps.registration[station_id] = BootPolicy.ACCEPT  # accepted before: no new boot needed
        await self._deps.store.put_station(dataclasses.replace(
            station, connected=True, node_id=self._node_id, last_seen_at=now, ocpp_version=version.value))
        self._deps.events.publish(DomainEvent("station.connected", station_id, now, {"ocpp_version": version.value}))

    async def _mark_disconnected(self, station_id: StationId) -> None:
        now = self._clock.now()
        try:
            station = await self._deps.store.get_station(station_id)
            if station is not None and station.node_id == self._node_id:
                await self._deps.store.put_station(dataclasses.replace(station, connected=False, last_seen_at=now))
        except Exception:  # store down while a station leaves: log, the next connect rewrites the record
            log.exception("%s: could not record disconnect", station_id)
        self._deps.events.publish(DomainEvent("station.disconnected", station_id, now, {}))


