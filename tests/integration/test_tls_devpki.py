"""The development PKI (python -m csms.security.devpki) gives a working profile 3 setup."""

from __future__ import annotations

import ssl
from pathlib import Path

from websockets.asyncio.client import connect

from csms.security.devpki import ensure_dev_pki
from csms.settings import TlsSettings
from tests.helpers.csms_app import booted, csms_test_settings, running_csms


async def test_dev_pki_station_certificate_boots_on_profile_3(tmp_path: Path) -> None:
    ca = ensure_dev_pki(tmp_path, ["localhost", "127.0.0.1"], ["CS-DEV"], "Dev Org")
    again = ensure_dev_pki(tmp_path, ["localhost"], ["CS-DEV"], "Dev Org")
    assert again.certificate == ca.certificate  # reused, not regenerated
    settings = csms_test_settings()
    settings.ocpp.tls = TlsSettings(enabled=True, cert_file=tmp_path / "server.pem", key_file=tmp_path / "server.key",
                                    client_ca_file=ca.cert_path, ca_dir=tmp_path / "ca", organisation="Dev Org")
    ctx = ssl.create_default_context(cafile=ca.cert_path)
    ctx.load_cert_chain(tmp_path / "stations" / "CS-DEV.pem", tmp_path / "stations" / "CS-DEV.key")
    async with running_csms(settings=settings) as app:
        async with connect(f"wss://127.0.0.1:{app.ocpp_port}/ocpp/CS-DEV", ssl=ctx,
                           subprotocols=["ocpp2.0.1"], open_timeout=5) as ws:  # type: ignore[list-item]
            assert (await booted(ws))[2]["status"] == "Accepted"
        assert await app.credentials.security_profile("CS-DEV") == 3  # type: ignore[arg-type]


async def test_simulated_fleet_runs_on_profile_3_and_profile_2_with_the_dev_pki(tmp_path: Path) -> None:
    import asyncio
    from datetime import UTC, datetime

    from chargepoint_sim.config import FleetConfig, LinkConfig
    from chargepoint_sim.fleet import Fleet
    from csms.domain.clock import ScaledClock
    from tests.helpers.csms_app import PASSWORD

    ca = ensure_dev_pki(tmp_path, ["localhost", "127.0.0.1"], ["SIM-0001"])  # SIM-0002 has no certificate
    settings = csms_test_settings()
    settings.ocpp.tls = TlsSettings(enabled=True, cert_file=tmp_path / "server.pem", key_file=tmp_path / "server.key",
                                    client_ca_file=ca.cert_path, ca_dir=tmp_path / "ca")
    async with running_csms(settings=settings) as app:
        config = FleetConfig(csms_url=f"wss://127.0.0.1:{app.ocpp_port}/ocpp", stations=2, password=PASSWORD,
                             tls_dir=tmp_path, link=LinkConfig(reconnect_min_s=0.2, reconnect_max_s=1.0))
        fleet = Fleet(config, ScaledClock(datetime(2026, 6, 1, tzinfo=UTC), 60.0))
        await fleet.start()
        try:
            for _ in range(100):
                if all(link.boots for link in fleet.links.values()):
                    break
                await asyncio.sleep(0.05)
        finally:
            await fleet.stop()
        assert all(link.boots for link in fleet.links.values())
        assert await app.credentials.security_profile("SIM-0001") == 3  # type: ignore[arg-type]
        assert await app.credentials.security_profile("SIM-0002") == 2  # type: ignore[arg-type]
