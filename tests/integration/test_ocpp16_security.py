"""OCPP 1.6J with the Security Whitepaper: a 1.6 station on TLS with HTTP Basic (profile 2) has its CSR signed
through the 1.6 SignCertificate message, receives CertificateSigned in 1.6 form (certificateChain only), then
connects with the signed certificate (profile 3), still speaking 1.6."""

from __future__ import annotations

import base64
import ssl
from typing import Any

import orjson
from cryptography import x509
from websockets.asyncio.client import ClientConnection, connect
from websockets.typing import Subprotocol

from csms.app import CsmsApp
from csms.domain.clock import SystemClock
from csms.ocpp.schemas import validate_payload
from csms.ocpp.versions import OcppVersion
from csms.security.ca import LocalCa, key_pem
from tests.helpers.csms_app import PASSWORD, next_frame
from tests.integration.test_tls import ORG, Pki, client_context, make_csr, pki, tls_csms

__all__ = ["pki"]  # the fixture

BOOT16 = {"chargePointVendor": "Indep", "chargePointModel": "OneSix"}


def connect16(app: CsmsApp, station_id: str, ctx: ssl.SSLContext, password: str | None = None) -> Any:
    headers = {}
    if password is not None:
        headers["Authorization"] = "Basic " + base64.b64encode(f"{station_id}:{password}".encode()).decode()
    return connect(f"wss://127.0.0.1:{app.ocpp_port}/ocpp/{station_id}", ssl=ctx, subprotocols=[Subprotocol("ocpp1.6")],
                   additional_headers=headers, open_timeout=5)


async def answer_until(ws: ClientConnection, message_id: str) -> list[Any]:
    """Answer the CSMS's calls (GetConfiguration: no keys) until the reply to `message_id`."""
    while True:
        frame = await next_frame(ws)
        if frame[0] == 2:
            answer: dict[str, Any] = {"configurationKey": []} if frame[2] == "GetConfiguration" else {}
            await ws.send(orjson.dumps([3, frame[1], answer]).decode())
        elif frame[1] == message_id:
            return frame


async def test_a_16_station_gets_its_csr_signed_and_moves_to_profile_3(pki: Pki) -> None:
    assert pki.settings.ca_dir is not None
    local_ca = LocalCa(pki.settings.ca_dir, SystemClock())
    pki.settings.client_ca_file = local_ca.cert_path
    async with tls_csms(pki) as app:
        key, csr_pem = make_csr("CS-16S")
        async with connect16(app, "CS-16S", client_context(pki), PASSWORD) as ws:
            assert ws.subprotocol == "ocpp1.6"
            await ws.send(orjson.dumps([2, "b", "BootNotification", BOOT16]).decode())
            assert (await answer_until(ws, "b"))[2]["status"] == "Accepted"
            _, other_csr = make_csr("CS-OTHER")
            await ws.send(orjson.dumps([2, "s0", "SignCertificate", {"csr": other_csr}]).decode())
            assert (await answer_until(ws, "s0"))[2] == {"status": "Rejected"}  # 1.6: no statusInfo
            await ws.send(orjson.dumps([2, "s1", "SignCertificate", {"csr": csr_pem}]).decode())
            assert (await answer_until(ws, "s1"))[2] == {"status": "Accepted"}
            call = await next_frame(ws)
            while call[0] == 2 and call[2] != "CertificateSigned":
                await ws.send(orjson.dumps([3, call[1], {"configurationKey": []}]).decode())
                call = await next_frame(ws)
            assert call[2] == "CertificateSigned" and set(call[3]) == {"certificateChain"}
            validate_payload(OcppVersion.V16, "CertificateSigned", call[3], is_request=True)
            await ws.send(orjson.dumps([3, call[1], {"status": "Accepted"}]).decode())
        chain = call[3]["certificateChain"]
        signed = x509.load_pem_x509_certificates(chain.encode())[0]
        assert signed.subject.rfc4514_string() == f"O={ORG},CN=CS-16S"
        (pki.folder / "signed.pem").write_text(chain)
        (pki.folder / "signed.key").write_bytes(key_pem(key))
        ctx = client_context(pki)
        ctx.load_cert_chain(pki.folder / "signed.pem", pki.folder / "signed.key")
        async with connect16(app, "CS-16S", ctx) as ws:
            assert ws.subprotocol == "ocpp1.6"
            await ws.send(orjson.dumps([2, "b2", "BootNotification", BOOT16]).decode())
            assert (await answer_until(ws, "b2"))[2]["status"] == "Accepted"
        assert await app.credentials.security_profile("CS-16S") == 3  # type: ignore[arg-type]
