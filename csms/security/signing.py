"""A02/A03 from the CSMS side: check a station's CSR, have the CA sign it, record the certificate.

`CertificateSigner.check(csr_pem, station_id)` runs inside the SignCertificate handler (cheap, no I/O) so the
answer can be Accepted or Rejected; `sign(csr, station_id)` runs after the response, signs through the
`CertificateAuthority` and records the serial and expiry in the `CertificateBook`, whose `due_for_renewal`
tells the operator (or a renewal loop) which stations to trigger. Without a CA every CSR is Rejected.
"""

from __future__ import annotations

from datetime import timedelta

from cryptography import x509

from csms.domain.clock import Clock
from csms.domain.ids import StationId
from csms.security.book import CertificateBook, CertificateRecord
from csms.security.ca import CertificateAuthority, SignedCertificate
from csms.security.csr import CsrRejected, check_csr


class CertificateSigner:
    def __init__(self, ca: CertificateAuthority | None, book: CertificateBook, clock: Clock, *,
                 organisation: str | None = None, renew_before_days: int = 30) -> None:
        self.ca = ca
        self.book = book
        self._clock = clock
        self._organisation = organisation
        self._renew_before = timedelta(days=renew_before_days)

    def check(self, csr_pem: str, station_id: StationId) -> x509.CertificateSigningRequest:
        """The parsed CSR, or CsrRejected (also when no CA is configured)."""
        if self.ca is None:
            raise CsrRejected("no certificate authority configured")
        return check_csr(csr_pem, station_id, self._organisation)

    async def sign(self, csr: x509.CertificateSigningRequest, station_id: StationId) -> SignedCertificate:
        if self.ca is None:
            raise CsrRejected("no certificate authority configured")
        signed = await self.ca.sign(csr, station_id)
        self.book.add(signed.serial, station_id, signed.not_after)
        return signed

    def due_for_renewal(self) -> list[CertificateRecord]:
        """Stations whose newest certificate expires within `renew_before_days` (trigger SignCertificate)."""
        return self.book.due_for_renewal(self._clock.now(), self._renew_before)
