"""A station's connection to the CSMS: websocket client, boot flow, message pump and reconnect.

`StationLink.run()` is the station's one long-lived task. It connects to `<csms_url>/<station_id>` offering
the station's subprotocols with HTTP Basic auth (security profile 1) or, given a `Connector`, opens an
in-process connection with the same offer and credentials (no socket: closed loops on virtual time). It runs the
session (one reader task per live connection feeds `RpcSession`), and after a drop reconnects with capped
exponential backoff + jitter.
While disconnected the simulated world keeps moving (`SimStation.advance_to`), so TransactionEvents queue up
and are delivered in order, flagged offline, after the next accepted boot.

Time: simulation timers (heartbeat, boot retry, meter samples, reboot duration) run on the injected clock;
network timers (connect/call timeouts, reconnect backoff, websocket pings) are real seconds, converted to
clock time with `clock.speed` where the two meet.
"""

from __future__ import annotations

import asyncio
import base64
import logging
import random
import ssl
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed
from websockets.protocol import State
from websockets.typing import Subprotocol

from chargepoint_sim import messages, variables
from chargepoint_sim.handlers import make_handlers
from chargepoint_sim.station import SimStation
from chargepoint_sim.v16 import SimV16Session, V16Ids, v16_handlers
from csms.errors import CallError, CallTimeout, SessionClosed
from csms.ocpp.observe import ignore_exchange
from csms.ocpp.session import RpcSession
from csms.ocpp.versions import OcppVersion

log = logging.getLogger("chargepoint_sim.link")

_SHARED_RNG = random.Random()


@dataclass(frozen=True, slots=True)
class LinkOptions:
    """Connection behaviour. `*_s` are real seconds except `boot_retry_s` (simulated, like OCPP's interval)."""

    connect_timeout_s: float = 10.0
    call_timeout_s: float = 30.0
    close_timeout_s: float = 2.0
    reconnect_min_s: float = 1.0
    reconnect_max_s: float = 60.0
    reconnect_jitter_s: float = 1.0
    max_idle_wait_s: float = 5.0
    boot_retry_s: float = 30.0
    reset_flush_s: float = 2.0
    max_frame_bytes: int = 1 << 20
    tls_dir: Path | None = None  # see FleetConfig.tls_dir (csms/security/devpki.py lays it out)
    validate_outgoing: bool = True  # schema-check our own calls and answers before sending (the CSMS checks too)


class LinkConnection(Protocol):
    """What the link uses of its connection: a websockets `ClientConnection`, or an in-process one
    (`csms.ocpp.memory.MemoryConnection`, from a `Connector`)."""

    @property
    def subprotocol(self) -> str | None: ...

    @property
    def state(self) -> State: ...

    async def send(self, message: str) -> None: ...

    async def close(self, code: int = 1000, reason: str = "") -> None: ...

    def __aiter__(self) -> AsyncIterator[str | bytes]: ...


# Opens a connection without a websocket: (station id, offered subprotocols, Authorization header) -> connection.
# The scenario harness passes the in-process CSMS's `OcppServer.connect_in_memory`; a refusal raises.
Connector = Callable[[str, Sequence[str], str], Awaitable[LinkConnection]]


def basic_auth_header(station_id: str, password: str) -> str:
    token = base64.b64encode(f"{station_id}:{password}".encode()).decode()
    return f"Basic {token}"


class StationLink:
    """Drives one `SimStation` over a websocket, or over `connector`'s in-process connection when given (for
    tests, also over any `RpcSession` via `serve_session`)."""

    def __init__(self, station: SimStation, csms_url: str, options: LinkOptions | None = None,
                 rng: random.Random | None = None, connector: Connector | None = None) -> None:
        self.station = station
        self.url = f"{csms_url.rstrip('/')}/{station.station_id}"
        self.options = options or LinkOptions()
        self._connector = connector
        self._rng = rng or _SHARED_RNG
        self.handlers = make_handlers(station)
        self.v16_ids = V16Ids()  # OCPP 1.6: the CSMS's transaction ids, kept across reconnects
        self.connects = 0  # successful websocket handshakes
        self.boots = 0  # accepted BootNotifications
        self._stopping = False
        self._ws: LinkConnection | None = None
        self._ssl: ssl.SSLContext | None = None

    # ---- lifecycle ---------------------------------------------------------------------------------------

    async def run(self) -> None:
        """Connect, serve, reconnect until `stop()`."""
        failures = 0
        while not self._stopping:
            try:
                ws = await self._connect()
            except Exception as exc:  # task boundary: any connect failure means "retry later"
                failures += 1
                delay_s = self._backoff_s(failures)
                log.info("%s: connect failed (%s: %s); retry in %.1f s", self.station.station_id,
                         type(exc).__name__, exc, delay_s)
                await self._idle(delay_s)
                continue
            failures = 0
            self.connects += 1
            rebooting = await self._serve_ws(ws)
            if self._stopping:
                break
            speed = max(self.station.clock.speed, 1e-9)
            await self._idle(self.station.spec.reboot_s / speed if rebooting else self._backoff_s(1))

    async def stop(self) -> None:
        """Close the connection and make `run()` return."""
        self._stopping = True
        self.station.notify()
        ws = self._ws
        if ws is not None:
            with suppress(Exception):
                await ws.close()

    def _backoff_s(self, failures: int) -> float:
        o = self.options
        base = min(o.reconnect_max_s, o.reconnect_min_s * 2.0 ** min(failures - 1, 30))
        return base + self._rng.uniform(0.0, o.reconnect_jitter_s)

    async def _connect(self) -> LinkConnection:
        st = self.station
        subprotocols = [Subprotocol(v.value) for v in st.spec.versions]
        authorization = basic_auth_header(st.station_id, st.password)
        if self._connector is not None:
            return await self._connector(st.station_id, subprotocols, authorization)
        ping_s = st.device_model.int_value(variables.WEBSOCKET_PING_INTERVAL, 20)
        return await connect(
            self.url,
            subprotocols=subprotocols,
            additional_headers={"Authorization": authorization},
            open_timeout=self.options.connect_timeout_s,
            close_timeout=self.options.close_timeout_s,
            ping_interval=ping_s or None,
            ping_timeout=ping_s or None,
            max_size=self.options.max_frame_bytes,
            compression=None,  # permessage-deflate triples per-connection memory
            ssl=self._ssl_context() if self.url.startswith("wss:") else None,
        )

    def _ssl_context(self) -> ssl.SSLContext:
        """TLS for security profiles 2 and 3: trust the dev CA; present the station's certificate if it has one."""
        if self._ssl is None:
            tls_dir = self.options.tls_dir
            ctx = ssl.create_default_context(cafile=tls_dir / "ca" / "ca.pem" if tls_dir else None)
            if tls_dir is not None and (tls_dir / "stations" / f"{self.station.station_id}.pem").exists():
                stem = tls_dir / "stations" / self.station.station_id
                ctx.load_cert_chain(stem.with_suffix(".pem"), stem.with_suffix(".key"))
            self._ssl = ctx
        return self._ssl

    async def _serve_ws(self, ws: LinkConnection) -> bool:
        st = self.station
        offered = {v.value for v in st.spec.versions}
        if ws.subprotocol is None or ws.subprotocol not in offered:
            log.error("%s: CSMS selected no subprotocol we offered (%s)", st.station_id, ws.subprotocol)
            await ws.close()
            return False

        async def send(text: str) -> None:
            if ws.state is not State.OPEN:  # fail fast, before the session's pending call can be orphaned
                raise SessionClosed(f"{st.station_id}: connection closing")
            try:
                await ws.send(text)
            except ConnectionClosed as exc:
                raise SessionClosed(f"{st.station_id}: connection closed") from exc

        session = self.make_session(OcppVersion(ws.subprotocol), send)
        self._ws = ws
        reader = asyncio.create_task(self._read(ws, session), name=f"{st.station_id}:reader")
        try:
            return await self.serve_session(session, reader.done)
        finally:
            self._ws = None
            with suppress(Exception):
                await ws.close()
            reader.cancel()
            with suppress(asyncio.CancelledError):
                await reader

    def make_session(self, version: OcppVersion, send: Callable[[str], Awaitable[None]]) -> RpcSession:
        """The station's session for a connection speaking `version` (1.6: `chargepoint_sim.v16`)."""
        st = self.station
        if version is OcppVersion.V16:
            return SimV16Session(station=st, ids=self.v16_ids, station_id=st.station_id, version=version, send=send,
                                 handlers=v16_handlers(self.handlers, st, self.v16_ids),
                                 call_timeout_s=self.options.call_timeout_s,
                                 validate_outgoing=self.options.validate_outgoing, record=ignore_exchange)
        return RpcSession(station_id=st.station_id, version=version, send=send, handlers=self.handlers,
                          call_timeout_s=self.options.call_timeout_s, validate_outgoing=self.options.validate_outgoing,
                          record=ignore_exchange)

    async def _read(self, ws: LinkConnection, session: RpcSession) -> None:
        try:
            async for raw in ws:
                await session.feed(raw)
        except ConnectionClosed:
            pass
        finally:
            session.close("connection lost")
            self.station.notify()

    # ---- one session -------------------------------------------------------------------------------------

    async def serve_session(self, session: RpcSession, is_lost: Callable[[], bool]) -> bool:
        """Boot, report status, then pump messages until the session is lost or stopped.

        Returns True when the station must now reboot (a Reset was executed).
        """
        st = self.station
        st.connected, st.boot_status = True, None
        try:
            if not await self._boot(session, is_lost):
                return False
            st.set_online(True)
            for payload in st.boot_status_payloads(st.clock.now()):
                await self._call(session, "StatusNotification", payload)
            while not is_lost() and not self._stopping:
                self._advance()
                if st.reset_due:
                    st.reboot()
                    with suppress(TimeoutError):
                        async with asyncio.timeout(self.options.reset_flush_s):
                            await self._flush(session, is_lost)
                    return True
                await self._flush(session, is_lost)
                await self._authorize(session, is_lost)
                heartbeat_at = self._heartbeat_due_at()
                if st.clock.now() >= heartbeat_at:
                    await self._call(session, "Heartbeat", {})
                    continue
                await self._wait_until(_earliest(heartbeat_at, st.next_event_at()))
            return False
        except (SessionClosed, CallTimeout, ConnectionClosed, OSError) as exc:
            log.info("%s: session ended: %s: %s", st.station_id, type(exc).__name__, exc)
            return False
        finally:
            st.set_online(False)
            st.connected = False

    async def _boot(self, session: RpcSession, is_lost: Callable[[], bool]) -> bool:
        st = self.station
        while not is_lost() and not self._stopping:
            st.boot_requested = False
            response = await self._call(session, "BootNotification",
                                        messages.boot_notification(st.spec.vendor_name, st.spec.model, st.boot_reason))
            st.boot_status = str(response["status"])
            interval_s = int(response.get("interval", 0))
            if st.boot_status == "Accepted":
                if interval_s > 0:
                    st.device_model.set_value(variables.HEARTBEAT_INTERVAL, str(interval_s))
                st.boot_reason = "Unknown"  # the next boot without a reset follows a lost connection
                self.boots += 1
                return True
            retry_at = st.clock.now() + timedelta(seconds=max(interval_s, self.options.boot_retry_s))
            while not is_lost() and not self._stopping and not st.boot_requested and st.clock.now() < retry_at:
                self._advance()
                await self._wait_until(_earliest(retry_at, st.next_event_at()))
        return False

    async def _call(self, session: RpcSession, action: str, payload: dict[str, Any]) -> dict[str, Any]:
        response = await session.call(action, payload)
        self.station.last_sent_at = self.station.clock.now()
        return response

    async def _flush(self, session: RpcSession, is_lost: Callable[[], bool]) -> None:
        """Send queued messages in order; a message the CSMS refuses (CALLERROR) is logged and dropped."""
        st = self.station
        while st.outbox and not is_lost():
            msg = st.outbox[0]
            try:
                await self._call(session, msg.action, msg.payload_for(session.version))
            except CallError as exc:
                log.warning("%s: CSMS refused %s: %s %s", st.station_id, msg.action, exc.code, exc.description)
            if st.outbox and st.outbox[0] is msg:
                st.outbox.popleft()

    async def _authorize(self, session: RpcSession, is_lost: Callable[[], bool]) -> None:
        st = self.station
        for evse_id, token in st.pending_authorizations():
            if is_lost():
                return
            try:
                response = await self._call(session, "Authorize", {"idToken": messages.id_token(token)})
                status = str(response["idTokenInfo"]["status"])
            except CallError:
                status = "Invalid"
            st.authorization_result(evse_id, token, status)

    def _heartbeat_due_at(self) -> datetime:
        st = self.station
        last = st.last_sent_at or st.clock.now()
        return last + timedelta(seconds=st.heartbeat_interval_s)

    # ---- waiting on simulated time -----------------------------------------------------------------------

    def _advance(self) -> datetime:
        """Simulate the station up to now, then clear its wake flag: what the advance queued is flushed by this
        pass (its own enqueue sets the flag; leaving it set cost every meter sample a second, empty pass)."""
        st = self.station
        now = st.clock.now()
        st.advance_to(now)
        st.wake.clear()
        return now

    async def _wait_until(self, at: datetime | None) -> None:
        """Sleep until simulated time `at` (or `max_idle_wait_s` real seconds), or until the station is woken."""
        st = self.station
        delay_s = self.options.max_idle_wait_s
        if at is not None:
            delay_s = min(delay_s, (at - st.clock.now()).total_seconds() / max(st.clock.speed, 1e-9) + 0.001)
        if delay_s <= 0:
            await asyncio.sleep(0)
            return
        await st.wake.wait(delay_s)

    async def _idle(self, real_s: float) -> None:
        """Stay offline for `real_s` real seconds while the simulated world moves on."""
        st = self.station
        until = st.clock.now() + timedelta(seconds=real_s * st.clock.speed)
        while not self._stopping:
            now = self._advance()
            if now >= until:
                return
            await self._wait_until(_earliest(until, st.next_event_at()))


def _earliest(*times: datetime | None) -> datetime | None:
    present = [t for t in times if t is not None]
    return min(present) if present else None
