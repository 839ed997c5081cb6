"""A development PKI for security profiles 2 and 3: one local CA, a server certificate, station certificates.

    python -m csms.security.devpki --dir .pki --server-name localhost --server-name 127.0.0.1 --station CS-1

writes (created on first run, reused after; `.pki/` is git-ignored, never commit it):
    <dir>/ca/ca.pem, ca.key      the CA: trusts station certificates and signs station CSRs (ocpp.tls.ca_dir)
    <dir>/server.pem, server.key the CSMS's TLS certificate for the given names, signed by the CA
    <dir>/stations/<id>.pem/.key a client certificate per station (CN = station id, O = --organisation)
and prints the CSMS_OCPP__TLS__* settings that use them. For production use an operator-managed CA.
"""

from __future__ import annotations

import argparse
from datetime import timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.x509.oid import NameOID

from csms.domain.clock import SystemClock
from csms.security.ca import LocalCa, issue, key_pem, new_key, write_private


def _name(cn: str, organisation: str | None) -> x509.Name:
    attrs = [x509.NameAttribute(NameOID.COMMON_NAME, cn)]
    if organisation:
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation))
    return x509.Name(attrs)


def _write_pair(folder: Path, stem: str, cert: x509.Certificate, key_bytes: bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    write_private(folder / f"{stem}.key", key_bytes)
    path = folder / f"{stem}.pem"
    path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return path


def ensure_dev_pki(folder: Path, server_names: list[str], stations: list[str], organisation: str | None = None,
                   days: int = 365) -> LocalCa:
    """Create what is missing under `folder`; existing files are kept."""
    clock = SystemClock()
    ca = LocalCa(folder / "ca", clock, days)
    now = clock.now()
    if not (folder / "server.pem").exists():
        key = new_key()
        cert = issue(ca.key, ca.certificate, _name(server_names[0], organisation), key.public_key(),
                     now - timedelta(minutes=5), now + timedelta(days=days), server_names=tuple(server_names),
                     client=False)
        _write_pair(folder, "server", cert, key_pem(key))
    for station_id in stations:
        if not (folder / "stations" / f"{station_id}.pem").exists():
            key = new_key()
            cert = issue(ca.key, ca.certificate, _name(station_id, organisation), key.public_key(),
                         now - timedelta(minutes=5), now + timedelta(days=days))
            _write_pair(folder / "stations", station_id, cert, key_pem(key))
    return ca


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dir", type=Path, default=Path(".pki"))
    parser.add_argument("--server-name", action="append", default=[], help="DNS name or IP of the CSMS (repeat)")
    parser.add_argument("--station", action="append", default=[], help="station id to issue a certificate for")
    parser.add_argument("--organisation", default=None)
    args = parser.parse_args()
    ca = ensure_dev_pki(args.dir, args.server_name or ["localhost", "127.0.0.1"], args.station, args.organisation)
    folder = args.dir.resolve()
    print(f"CSMS_OCPP__TLS__ENABLED=true\nCSMS_OCPP__TLS__CERT_FILE={folder / 'server.pem'}\n"
          f"CSMS_OCPP__TLS__KEY_FILE={folder / 'server.key'}\nCSMS_OCPP__TLS__CLIENT_CA_FILE={ca.cert_path.resolve()}\n"
          f"CSMS_OCPP__TLS__CA_DIR={folder / 'ca'}")
    if args.organisation:
        print(f"CSMS_OCPP__TLS__ORGANISATION={args.organisation}")


if __name__ == "__main__":
    main()
