"""TLS for the OCPP endpoint (security profiles 2 and 3).

`TlsEndpoint` owns the server `SSLContext`: TLS 1.2 minimum, the configured TLS 1.2 cipher suites (A00.FR.318),
the server certificate and key from settings, and, when a client CA is configured, client certificates
requested (CERT_OPTIONAL: a profile 2 station presents none, a profile 3 station's certificate must chain to the
CA and be in its validity period, or OpenSSL refuses the handshake). `reload()` re-reads the certificate, key and
client CA files into the same context: new handshakes use them, open connections keep theirs. A client CA removed
from the file stays trusted until restart (OpenSSL only adds to a context's trust store).

Handshakes OpenSSL refuses (bad chain, expired, TLS < 1.2, no shared cipher) never reach the HTTP layer, so the
context's `sslobject_class` reports them to `on_handshake_error` for a security event.

The server calls `reload_if_changed()` every `ocpp.tls.reload_check_s`, so replacing the files is enough.
"""

from __future__ import annotations

import logging
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.x509.oid import NameOID

from csms.security.events import NO_STATION, SecurityEvents
from csms.settings import TlsSettings

HandshakeErrorHook = Callable[[ssl.SSLError], None]

log = logging.getLogger("csms.server")


@dataclass(frozen=True, slots=True)
class PeerCertificate:
    """What the handshake needs from a verified client certificate."""

    common_name: str | None
    organisation: str | None
    serial: int
    not_after: datetime | None = None


def _single(name: x509.Name, oid: x509.ObjectIdentifier) -> str | None:
    values = name.get_attributes_for_oid(oid)
    value = values[0].value if len(values) == 1 else None
    return value if isinstance(value, str) else None


def peer_certificate(ssl_object: Any) -> PeerCertificate | None:
    """The verified client certificate of a TLS connection (None without TLS or without a client certificate)."""
    if ssl_object is None:
        return None
    der = ssl_object.getpeercert(binary_form=True)
    if not der:
        return None
    cert = x509.load_der_x509_certificate(der)
    return PeerCertificate(_single(cert.subject, NameOID.COMMON_NAME),
                           _single(cert.subject, NameOID.ORGANIZATION_NAME), cert.serial_number,
                           cert.not_valid_after_utc)


def _reason(exc: ssl.SSLError) -> str:
    verify = getattr(exc, "verify_message", None)
    return f"{exc.reason or type(exc).__name__}" + (f": {verify}" if verify else "")


def handshake_error_kind(exc: ssl.SSLError) -> str:
    """The OCPP security event type for a refused TLS handshake."""
    reason = (exc.reason or "").upper()
    if isinstance(exc, ssl.SSLCertVerificationError) or "CERTIFICATE" in reason:
        return "InvalidChargingStationCertificate"
    if "VERSION" in reason or "PROTOCOL" in reason:
        return "InvalidTLSVersion"
    if "CIPHER" in reason:
        return "InvalidTLSCipherSuite"
    return "TLSHandshakeFailed"


def handshake_error_detail(exc: ssl.SSLError) -> str:
    return _reason(exc)


def recording_hook(events: SecurityEvents) -> HandshakeErrorHook:
    """A `TlsEndpoint` hook that records each refused TLS handshake as a security event."""

    def record(exc: ssl.SSLError) -> None:
        events.record(handshake_error_kind(exc), NO_STATION, "", handshake_error_detail(exc))

    return record


class TlsEndpoint:
    """The server SSL context built from `TlsSettings`, reloadable in place."""

    def __init__(self, settings: TlsSettings, on_handshake_error: HandshakeErrorHook | None = None) -> None:
        if settings.cert_file is None or settings.key_file is None:
            raise ValueError("ocpp.tls.enabled needs ocpp.tls.cert_file and ocpp.tls.key_file")
        self._settings = settings
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.minimum_version = ssl.TLSVersion.TLSv1_2
        ctx.set_ciphers(settings.ciphers)
        ctx.options |= ssl.OP_NO_COMPRESSION | ssl.OP_CIPHER_SERVER_PREFERENCE | ssl.OP_NO_RENEGOTIATION
        hook = on_handshake_error

        class ReportingSSLObject(ssl.SSLObject):
            def do_handshake(self) -> None:
                try:
                    super().do_handshake()
                except (ssl.SSLWantReadError, ssl.SSLWantWriteError):
                    raise
                except ssl.SSLError as exc:
                    if hook is not None:
                        hook(exc)
                    raise

        ctx.sslobject_class = ReportingSSLObject
        self.context = ctx
        self._loaded_versions: tuple[tuple[int, int], ...] = ()
        self.reload()

    @property
    def mutual(self) -> bool:
        """True when client certificates are requested (security profile 3 possible)."""
        return self._settings.client_ca_file is not None

    def _files(self) -> list[Path]:
        return [p for p in (self._settings.cert_file, self._settings.key_file, self._settings.client_ca_file)
                if p is not None]

    def _file_versions(self) -> tuple[tuple[int, int], ...]:
        versions = []
        for path in self._files():
            try:
                st = path.stat()
                versions.append((st.st_mtime_ns, st.st_size))
            except FileNotFoundError:
                versions.append((0, 0))
        return tuple(versions)

    def reload(self) -> None:
        """Re-read the certificate, key and client CA files (new handshakes use them). The files are tried on a
        scratch context first: a half-written pair (new certificate, old key) raises ssl.SSLError and leaves the
        live context as it was."""
        assert self._settings.cert_file is not None and self._settings.key_file is not None
        versions = self._file_versions()
        scratch = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        scratch.load_cert_chain(self._settings.cert_file, self._settings.key_file)
        if self._settings.client_ca_file is not None:
            scratch.load_verify_locations(cafile=self._settings.client_ca_file)
        self.context.load_cert_chain(self._settings.cert_file, self._settings.key_file)
        if self._settings.client_ca_file is not None:
            self.context.load_verify_locations(cafile=self._settings.client_ca_file)
            self.context.verify_mode = ssl.CERT_OPTIONAL
        self._loaded_versions = versions

    def reload_if_changed(self) -> bool:
        """Reload when a file changed since the last (successful) load; True if it did. A failed reload is logged
        and retried at the next call (the old certificate stays in use)."""
        if self._file_versions() == self._loaded_versions:
            return False
        try:
            self.reload()
        except (OSError, ssl.SSLError) as exc:
            log.warning("TLS files changed but could not be loaded (%s); keeping the current certificate", exc)
            return False
        log.info("TLS certificate, key or client CA reloaded")
        return True
