"""Errors of the ECHONET Lite adapter (the frame codec's `EchonetFrameError` lives in `frame`)."""

from __future__ import annotations

from csms.errors import CsmsError


class EchonetError(CsmsError):
    """Base of the ECHONET Lite adapter's errors."""


class EchonetTimeout(EchonetError):
    """The device did not answer in time."""


class EchonetRejected(EchonetError):
    """The device answered with a *_SNA (service not available): it refused the request."""


class SetpointRefused(EchonetError):
    """We refuse to send a setpoint the device says it cannot follow (the safety-envelope rule)."""


class ResourceOffline(EchonetError):
    """The resource is offline (its last request timed out); refresh it first."""
