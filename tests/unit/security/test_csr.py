"""CSR checks: CN bound to the station id, organisation, key strength, signature."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from csms.domain.clock import ManualClock
from csms.domain.ids import StationId
from csms.security.book import CertificateBook
from csms.security.ca import LocalCa
from csms.security.csr import CsrRejected, check_csr
from csms.security.signing import CertificateSigner
from tests.unit.security.pki import subject

CS_1 = StationId("CS-1")
CS_2 = StationId("CS-2")

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def csr_pem(cn: str, o: str | None = None, key: object | None = None) -> str:
    private = key or ec.generate_private_key(ec.SECP256R1())
    csr = x509.CertificateSigningRequestBuilder().subject_name(subject(cn, o)).sign(
        private, hashes.SHA256())  # type: ignore[arg-type]
    return csr.public_bytes(serialization.Encoding.PEM).decode()


def test_csr_for_the_station_itself_is_accepted() -> None:
    assert check_csr(csr_pem(CS_1, "Org"), CS_1, "Org").subject.rfc4514_string() == "O=Org,CN=CS-1"


@pytest.mark.parametrize(("pem", "reason"), [
    (csr_pem(CS_2), "not the station id"),
    (csr_pem(CS_1, "Other"), "O is not"),
    (csr_pem(CS_1, "Org", rsa.generate_private_key(65537, 1024)), "1024 bits"),
    (csr_pem(CS_1, "Org", ec.generate_private_key(ec.SECP192R1())), "curve"),
    ("not a csr", "not a PEM"),
    ("x" * 6000, "too long"),
])
def test_bad_csrs_are_rejected_with_a_reason(pem: str, reason: str) -> None:
    with pytest.raises(CsrRejected, match=reason):
        check_csr(pem, CS_1, "Org")


def test_tampered_signature_is_rejected() -> None:
    good = x509.load_pem_x509_csr(csr_pem(CS_1).encode())
    der = bytearray(good.public_bytes(serialization.Encoding.DER))
    der[-5] ^= 0xFF  # inside the signature
    tampered = x509.load_der_x509_csr(bytes(der)).public_bytes(serialization.Encoding.PEM).decode()
    with pytest.raises(CsrRejected, match="signature"):
        check_csr(tampered, CS_1)


async def test_signed_certificate_is_recorded_and_due_for_renewal_before_expiry(tmp_path: object) -> None:
    from pathlib import Path

    folder = Path(str(tmp_path))
    clock = ManualClock(T0)
    book = CertificateBook(folder / "issued.json")
    signer = CertificateSigner(LocalCa(folder, clock, validity_days=90), book, clock, renew_before_days=30)
    signed = await signer.sign(signer.check(csr_pem(CS_1), CS_1), CS_1)
    chain = x509.load_pem_x509_certificates(signed.chain_pem.encode())
    assert chain[0].serial_number == signed.serial and chain[1].subject == signer.ca.certificate.subject  # type: ignore[union-attr]
    chain[0].verify_directly_issued_by(chain[1])
    assert signer.due_for_renewal() == []
    clock.advance(timedelta(days=61).total_seconds())
    assert [r.station_id for r in signer.due_for_renewal()] == [CS_1]
    assert CertificateBook(folder / "issued.json").get(signed.serial) is not None  # persisted
    assert (folder / "ca.key").stat().st_mode & 0o077 == 0
    book.revoke(signed.serial, clock.now())
    assert CertificateBook(folder / "issued.json").is_revoked(signed.serial)
    assert signer.due_for_renewal() == []


def test_without_a_ca_every_csr_is_rejected() -> None:
    signer = CertificateSigner(None, CertificateBook(), ManualClock(T0))
    with pytest.raises(CsrRejected, match="no certificate authority"):
        signer.check(csr_pem(CS_1), CS_1)


def test_book_shared_through_its_file_sees_another_writers_revocation_and_the_cli(tmp_path: object,
                                                                                   capsys: object) -> None:
    from pathlib import Path

    from csms.security.book import main

    path = Path(str(tmp_path)) / "issued.json"
    node_a, node_b = CertificateBook(path), CertificateBook(path)
    node_a.add(0xABC, CS_1, T0 + timedelta(days=90))
    node_a.add(0xDEF, CS_2, T0 + timedelta(days=90))
    assert node_b.get(0xABC) is not None and not node_b.is_revoked(0xABC)
    node_b.revoke(0xABC, T0)
    assert node_a.is_revoked(0xABC)
    main(["--path", str(path), "revoke", "--station", CS_2])
    assert node_a.is_revoked(0xDEF) and node_b.is_revoked(0xDEF)
    main(["--path", str(path), "list"])
    out = capsys.readouterr().out  # type: ignore[attr-defined]
    assert "CS-1\tabc" in out and out.count("revoked") == 3


def test_a_signing_ca_missing_from_the_client_ca_file_is_warned_about(tmp_path: object,
                                                                      caplog: pytest.LogCaptureFixture) -> None:
    from pathlib import Path

    from csms.security.ca import check_ca_trusted
    from tests.unit.security.pki import make_ca

    folder = Path(str(tmp_path))
    ca = LocalCa(folder / "ca", ManualClock(T0))
    assert check_ca_trusted(ca, ca.cert_path)
    other, _ = make_ca("Other").write(folder, "other")
    assert not check_ca_trusted(ca, other)
    assert not check_ca_trusted(ca, None)
    assert sum("not in ocpp.tls.client_ca_file" in r.getMessage() for r in caplog.records) == 2
