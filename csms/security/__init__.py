"""Certificates for OCPP security profile 3: a CA interface (local CA or external), CSR checks, the record of
issued and revoked certificates, and security events. Used by `csms.server` (handshakes) and the
SignCertificate handler; imports no I/O package of ours."""
