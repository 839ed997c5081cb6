"""Certificates made in the test (cryptography): a CA, server and client leaves, written as PEM files."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from csms.security.ca import issue, key_pem, new_key, self_signed_ca


def now() -> datetime:
    return datetime.now(UTC)  # OpenSSL checks validity against the real clock


@dataclass
class Pair:
    key: ec.EllipticCurvePrivateKey
    cert: x509.Certificate

    def write(self, folder: Path, stem: str) -> tuple[Path, Path]:
        cert_path, key_path = folder / f"{stem}.pem", folder / f"{stem}.key"
        cert_path.write_bytes(self.cert.public_bytes(serialization.Encoding.PEM))
        key_path.write_bytes(key_pem(self.key))
        return cert_path, key_path


def make_ca(name: str = "Test CA") -> Pair:
    return Pair(*self_signed_ca(name, now()))


def subject(cn: str, o: str | None = None) -> x509.Name:
    attrs = [x509.NameAttribute(NameOID.COMMON_NAME, cn)]
    if o is not None:
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, o))
    return x509.Name(attrs)


def leaf(ca: Pair, cn: str, o: str | None = None, *, server: bool = False, valid_from_days: float = -1,
         valid_days: float = 30) -> Pair:
    key = new_key()
    start = now() + timedelta(days=valid_from_days)
    cert = issue(ca.key, ca.cert, subject(cn, o), key.public_key(), start, start + timedelta(days=valid_days),
                 server_names=("127.0.0.1", "localhost") if server else (), client=not server)
    return Pair(key, cert)
