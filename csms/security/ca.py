"""The certificate authority that signs station certificates, behind one small interface.

`CertificateAuthority.sign(csr, station_id)` returns the PEM chain to send in CertificateSigned. `LocalCa` keeps
a CA key and certificate in a folder (created on first use: a dev CA for `make run` and tests; production points
`ocpp.tls.ca_dir` at an operator-managed CA, or plugs an external CA in through the same interface).
The CA key file is written with mode 0600.
"""

from __future__ import annotations

import ipaddress
import logging
import os
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Protocol

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from csms.domain.clock import Clock
from csms.domain.ids import StationId

log = logging.getLogger("csms.security")

CA_KEY_FILE = "ca.key"
CA_CERT_FILE = "ca.pem"


@dataclass(frozen=True, slots=True)
class SignedCertificate:
    station_id: StationId
    serial: int
    not_before: datetime
    not_after: datetime
    chain_pem: str  # the leaf first, then the issuing CA


class CertificateAuthority(Protocol):
    """Signs a checked CSR for a station (csms/security/csr.py does the checks)."""

    async def sign(self, csr: x509.CertificateSigningRequest, station_id: StationId) -> SignedCertificate: ...


def write_private(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data)


def new_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def self_signed_ca(common_name: str, now: datetime, days: int = 3650,
                   key: ec.EllipticCurvePrivateKey | None = None,
                   ) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    key = key or new_key()
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5)).not_valid_after(now + timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                     content_commitment=False, key_encipherment=False, data_encipherment=False,
                                     key_agreement=False, encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return key, cert


def issue(ca_key: ec.EllipticCurvePrivateKey, ca_cert: x509.Certificate, subject: x509.Name,
          public_key: object, not_before: datetime, not_after: datetime, *, server_names: tuple[str, ...] = (),
          client: bool = True) -> x509.Certificate:
    """A leaf certificate for `subject` signed by the CA (client auth, or server auth with `server_names`)."""
    usage = ExtendedKeyUsageOID.CLIENT_AUTH if client else ExtendedKeyUsageOID.SERVER_AUTH
    builder = (
        x509.CertificateBuilder().subject_name(subject).issuer_name(ca_cert.subject)
        .public_key(public_key)  # type: ignore[arg-type]
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before).not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
    )
    if server_names:
        sans = [_general_name(n) for n in server_names]
        builder = builder.add_extension(x509.SubjectAlternativeName(sans), critical=False)
    return builder.sign(ca_key, hashes.SHA256())


def _general_name(name: str) -> x509.GeneralName:
    try:
        return x509.IPAddress(ipaddress.ip_address(name))
    except ValueError:
        return x509.DNSName(name)


class LocalCa:
    """A CA whose key lives in `folder` (created with a fresh P-256 key on first use)."""

    def __init__(self, folder: Path, clock: Clock, validity_days: int = 365) -> None:
        self._clock = clock
        self._validity = timedelta(days=validity_days)
        folder.mkdir(parents=True, exist_ok=True)
        key_path, cert_path = folder / CA_KEY_FILE, folder / CA_CERT_FILE
        if not key_path.exists() or not cert_path.exists():
            key, cert = self_signed_ca("CSMS dev station CA", clock.now())
            write_private(key_path, key_pem(key))
            cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        loaded = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
        if not isinstance(loaded, ec.EllipticCurvePrivateKey):
            raise ValueError(f"{key_path}: the local CA key must be an EC key")
        self.key: ec.EllipticCurvePrivateKey = loaded
        self.certificate = x509.load_pem_x509_certificate(cert_path.read_bytes())
        self.cert_path = cert_path

    @property
    def certificate_pem(self) -> str:
        return self.certificate.public_bytes(serialization.Encoding.PEM).decode()

    async def sign(self, csr: x509.CertificateSigningRequest, station_id: StationId) -> SignedCertificate:
        now = self._clock.now()
        not_before, not_after = now - timedelta(minutes=5), now + self._validity
        cert = issue(self.key, self.certificate, csr.subject, csr.public_key(), not_before, not_after)
        chain = cert.public_bytes(serialization.Encoding.PEM).decode() + self.certificate_pem
        return SignedCertificate(station_id, cert.serial_number, not_before, not_after, chain)


def check_ca_trusted(ca: LocalCa, client_ca_file: Path | None) -> bool:
    """Warn (and return False) when certificates signed by `ca` would not be accepted at the handshake because
    `client_ca_file` does not contain its certificate."""
    trusted = False
    if client_ca_file is not None and client_ca_file.exists():
        bundle = x509.load_pem_x509_certificates(client_ca_file.read_bytes())
        trusted = any(cert == ca.certificate for cert in bundle)
    if not trusted:
        log.warning("the station CA in %s is not in ocpp.tls.client_ca_file (%s): certificates it signs will be "
                    "refused at the next handshake", ca.cert_path.parent, client_ca_file)
    return trusted
