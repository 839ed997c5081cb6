"""Checks on a station's certificate signing request (OCPP 2.0.1 A02/A03, SignCertificateRequest.csr).

A CSR is accepted only if it parses (PEM), its self-signature verifies, its subject CN equals the station id the
connection authenticated as (a station can only ever ask for a certificate for itself), its O equals the
configured organisation when one is set, and its key is strong enough: RSA >= 2048 bits or an EC key on
P-256/P-384/P-521 (Part 2 A00.FR.4xx key sizes). Every refusal is a `CsrRejected` naming the reason.
"""

from __future__ import annotations

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

from csms.domain.ids import StationId
from csms.errors import CsmsError

MIN_RSA_BITS = 2048
ALLOWED_CURVES = (ec.SECP256R1, ec.SECP384R1, ec.SECP521R1)
MAX_CSR_CHARS = 5500  # SignCertificateRequest.csr maxLength


class CsrRejected(CsmsError):
    """The CSR may not be signed; the message says why."""


def name_attribute(name: x509.Name, oid: x509.ObjectIdentifier) -> str | None:
    """The single value of `oid` in `name` (None if absent or repeated: a repeated CN is ambiguous)."""
    values = name.get_attributes_for_oid(oid)
    if len(values) != 1:
        return None
    value = values[0].value
    return value if isinstance(value, str) else None


def check_csr(csr_pem: str, station_id: StationId, organisation: str | None = None) -> x509.CertificateSigningRequest:
    """Parse and check `csr_pem` for `station_id`; return the CSR or raise CsrRejected."""
    if len(csr_pem) > MAX_CSR_CHARS:
        raise CsrRejected("CSR too long")
    try:
        csr = x509.load_pem_x509_csr(csr_pem.encode("ascii"))
    except (ValueError, UnicodeEncodeError) as exc:
        raise CsrRejected(f"CSR is not a PEM certificate request: {exc}") from None
    if not csr.is_signature_valid:
        raise CsrRejected("CSR signature does not verify")
    common_name = name_attribute(csr.subject, NameOID.COMMON_NAME)
    if common_name != station_id:
        raise CsrRejected(f"CSR CN {common_name!r} is not the station id {station_id!r}")
    if organisation is not None and name_attribute(csr.subject, NameOID.ORGANIZATION_NAME) != organisation:
        raise CsrRejected(f"CSR O is not {organisation!r}")
    key = csr.public_key()
    if isinstance(key, rsa.RSAPublicKey):
        if key.key_size < MIN_RSA_BITS:
            raise CsrRejected(f"RSA key of {key.key_size} bits (at least {MIN_RSA_BITS} required)")
    elif isinstance(key, ec.EllipticCurvePublicKey):
        if not isinstance(key.curve, ALLOWED_CURVES):
            raise CsrRejected(f"EC curve {key.curve.name} not accepted")
    else:
        raise CsrRejected(f"key type {type(key).__name__} not accepted")
    return csr
