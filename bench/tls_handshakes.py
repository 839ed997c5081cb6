"""Handshake cost of security profiles 1, 2 and 3: connect + BootNotification + close, on loopback.

One process (CSMS and clients share the event loop and the 2 cores, so read the ratios, not the absolute
rates). Certificates from the development PKI (P-256). Bounded by `--connects` per profile.

    .venv/bin/python bench/tls_handshakes.py --connects 300 --concurrency 20
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import ssl
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from websockets.asyncio.client import connect

from csms.security.devpki import ensure_dev_pki
from csms.settings import TlsSettings
from tests.helpers.csms_app import PASSWORD, basic_auth, booted, csms_test_settings, running_csms


async def measure(profile: int, folder: Path, stations: list[str], connects: int, concurrency: int) -> float:
    settings = csms_test_settings()
    ctx: ssl.SSLContext | None = None
    if profile > 1:
        settings.ocpp.tls = TlsSettings(enabled=True, cert_file=folder / "server.pem", key_file=folder / "server.key",
                                        client_ca_file=folder / "ca" / "ca.pem", ca_dir=folder / "ca")
    async with running_csms(settings=settings, serve_api=False) as app:
        scheme = "wss" if profile > 1 else "ws"
        contexts: dict[str, ssl.SSLContext] = {}
        for sid in stations:
            if profile > 1:
                ctx = ssl.create_default_context(cafile=folder / "ca" / "ca.pem")
                if profile == 3:
                    ctx.load_cert_chain(folder / "stations" / f"{sid}.pem", folder / "stations" / f"{sid}.key")
                contexts[sid] = ctx
        queue = list(range(connects))

        async def worker() -> None:
            while queue:
                i = queue.pop()
                sid = stations[i % len(stations)]
                async with connect(f"{scheme}://127.0.0.1:{app.ocpp_port}/ocpp/{sid}", ssl=contexts.get(sid),
                                   subprotocols=["ocpp2.0.1"],  # type: ignore[list-item]
                                   additional_headers={"Authorization": basic_auth(sid, PASSWORD)},
                                   open_timeout=30) as ws:
                    await booted(ws)

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return connects / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--connects", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=20)
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    folder = Path(tempfile.mkdtemp(prefix="tls-bench-"))
    stations = [f"CS-{i}" for i in range(args.concurrency)]
    ensure_dev_pki(folder, ["localhost", "127.0.0.1"], stations)
    rates = {p: asyncio.run(measure(p, folder, stations, args.connects, args.concurrency)) for p in (1, 2, 3)}
    for profile, rate in rates.items():
        print(f"profile {profile}: {rate:.0f} connect+boot+close per s ({rate / rates[1]:.2f} x profile 1)")


if __name__ == "__main__":
    main()
