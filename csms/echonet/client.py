"""A unicast ECHONET Lite requester over UDP, bound to an explicit local address.

It never multicasts: the remote must be a unicast address (tests use 127.0.0.1 and unprivileged ports; the
standard port 3610 is only a default). Answers are matched by TID and source address; anything that is not
a well-formed frame is dropped and counted.
"""

from __future__ import annotations

import asyncio
import ipaddress
import itertools
import logging
from collections.abc import Sequence

from csms.echonet.errors import EchonetTimeout
from csms.echonet.frame import CONTROLLER, EchonetFrameError, Eoj, Esv, Frame, Property, decode

ECHONET_PORT = 3610
log = logging.getLogger("csms.echonet")


class _Protocol(asyncio.DatagramProtocol):
    def __init__(self) -> None:
        self.client: EchonetClient | None = None

    def datagram_received(self, data: bytes, addr: tuple[str | int, ...]) -> None:
        if self.client is not None:
            self.client._received(data, (str(addr[0]), int(addr[1])))


def require_unicast(host: str) -> None:
    address = ipaddress.ip_address(host)
    if address.is_multicast or address.is_unspecified or str(address).endswith(".255"):
        raise ValueError(f"ECHONET Lite peer {host} is not a unicast address")


class EchonetClient:
    """Send requests to ECHONET Lite nodes and await their answers. Use `await EchonetClient.open(host)`."""

    def __init__(self, transport: asyncio.DatagramTransport, protocol: _Protocol) -> None:
        self._transport = transport
        self._protocol = protocol
        self._tids = itertools.cycle(range(1, 0x10000))
        self._pending: dict[tuple[int, tuple[str, int]], asyncio.Future[Frame]] = {}
        self.dropped = 0

    @classmethod
    async def open(cls, local_host: str, local_port: int = 0) -> EchonetClient:
        """Bind to `local_host:local_port` (0: any free port)."""
        require_unicast(local_host)
        loop = asyncio.get_running_loop()
        transport, protocol = await loop.create_datagram_endpoint(_Protocol, local_addr=(local_host, local_port))
        client = cls(transport, protocol)
        protocol.client = client
        return client

    @property
    def local_address(self) -> tuple[str, int]:
        host, port = self._transport.get_extra_info("sockname")[:2]
        return str(host), int(port)

    async def request(self, remote: tuple[str, int], deoj: Eoj, esv: Esv, properties: Sequence[Property], *,
                      timeout_s: float) -> Frame:
        """Send one request and return the answer with the same TID from `remote`, or raise `EchonetTimeout`."""
        require_unicast(remote[0])
        tid = next(self._tids)
        key = (tid, remote)
        future: asyncio.Future[Frame] = asyncio.get_running_loop().create_future()
        self._pending[key] = future
        try:
            self._transport.sendto(Frame(tid, CONTROLLER, deoj, esv, tuple(properties)).encode(), remote)
            return await asyncio.wait_for(future, timeout_s)
        except TimeoutError:
            raise EchonetTimeout(f"no answer from {remote[0]}:{remote[1]} ({deoj}) within {timeout_s:g} s "
                                 f"to {esv.name}") from None
        finally:
            self._pending.pop(key, None)

    def _received(self, data: bytes, addr: tuple[str, int]) -> None:
        try:
            frame = decode(data)
        except EchonetFrameError as exc:
            self.dropped += 1
            log.warning("dropped a datagram from %s:%s: %s", addr[0], addr[1], exc)
            return
        future = self._pending.get((frame.tid, addr))
        if future is None or future.done():
            self.dropped += 1
            return
        future.set_result(frame)

    def close(self) -> None:
        self._transport.close()
