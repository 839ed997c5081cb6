"""One exception tree for the CSMS. `RpcError` subclasses map one-to-one to OCPP-J RPC error codes."""

from __future__ import annotations

from typing import Any, ClassVar


class CsmsError(Exception):
    """Base of every exception the CSMS raises on purpose."""


class RpcError(CsmsError):
    """An OCPP-J RPC framework error; sent to the peer as CALLERROR with `code`."""

    code: ClassVar[str] = "GenericError"

    def __init__(self, description: str = "", details: dict[str, Any] | None = None) -> None:
        super().__init__(description)
        self.description = description[:255]
        self.details: dict[str, Any] = details or {}


class FormatViolation(RpcError):
    code = "FormatViolation"


class GenericError(RpcError):
    code = "GenericError"


class InternalError(RpcError):
    code = "InternalError"


class MessageTypeNotSupported(RpcError):
    code = "MessageTypeNotSupported"


class NotImplementedAction(RpcError):
    code = "NotImplemented"


class NotSupported(RpcError):
    code = "NotSupported"


class OccurrenceConstraintViolation(RpcError):
    code = "OccurrenceConstraintViolation"


class PropertyConstraintViolation(RpcError):
    code = "PropertyConstraintViolation"


class ProtocolError(RpcError):
    code = "ProtocolError"


class RpcFrameworkError(RpcError):
    code = "RpcFrameworkError"


class SecurityError(RpcError):
    code = "SecurityError"


class TypeConstraintViolation(RpcError):
    code = "TypeConstraintViolation"


RPC_ERRORS_BY_CODE: dict[str, type[RpcError]] = {
    cls.code: cls
    for cls in (
        FormatViolation, GenericError, InternalError, MessageTypeNotSupported, NotImplementedAction,
        NotSupported, OccurrenceConstraintViolation, PropertyConstraintViolation, ProtocolError,
        RpcFrameworkError, SecurityError, TypeConstraintViolation,
    )
}


class CallError(CsmsError):
    """The peer answered our CALL with a CALLERROR."""

    def __init__(self, action: str, code: str, description: str, details: dict[str, Any]) -> None:
        super().__init__(f"{action}: {code}: {description}")
        self.action = action
        self.code = code
        self.description = description
        self.details = details


class CallTimeout(CsmsError):
    """The peer did not answer our CALL in time."""


class SessionClosed(CsmsError):
    """The connection closed before our CALL was answered (or before it could be sent)."""


class StationNotConnected(CsmsError):
    """A command was addressed to a station that has no live connection."""


class HandlerMisuse(CsmsError):
    """A handler awaited an outgoing call inline, which would deadlock the session; use `after_response`."""


class ConfigError(CsmsError):
    """Invalid configuration or input file."""
