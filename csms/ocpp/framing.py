"""OCPP-J frame parsing and encoding (RPC framework, OCPP 2.1 part 4 chapter 4).

`parse_frame` turns one websocket text message into a typed frame or raises an `RpcError` carrying the
message id to answer with ("-1" when it cannot be read, as the spec says).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import orjson

from csms.errors import FormatViolation, MessageTypeNotSupported, RpcError, RpcFrameworkError

CALL = 2
CALLRESULT = 3
CALLERROR = 4
CALLRESULTERROR = 5
SEND = 6

MESSAGE_ID_MAX_LEN = 36
UNREADABLE_ID = "-1"


@dataclass(frozen=True, slots=True)
class Call:
    message_id: str
    action: str
    payload: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Send:
    """OCPP 2.1 unconfirmed message: same shape as a CALL, never answered."""

    message_id: str
    action: str
    payload: dict[str, Any]


@dataclass(frozen=True, slots=True)
class CallResult:
    message_id: str
    payload: dict[str, Any]


@dataclass(frozen=True, slots=True)
class CallErrorFrame:
    """A CALLERROR (4) or, on 2.1, a CALLRESULTERROR (5)."""

    message_id: str
    code: str
    description: str
    details: dict[str, Any]
    is_result_error: bool = False


Frame = Call | Send | CallResult | CallErrorFrame


class FrameError(Exception):
    """A frame we cannot process; `message_id` is what the CALLERROR must carry, `reply` whether to send one."""

    def __init__(self, error: RpcError, message_id: str = UNREADABLE_ID, reply: bool = True) -> None:
        super().__init__(f"{error.code}: {error.description}")
        self.error = error
        self.message_id = message_id
        self.reply = reply


def parse_frame(raw: str | bytes, *, allow_21_types: bool) -> Frame:
    """Parse one OCPP-J message. Raises FrameError for anything that is not a well-formed frame."""
    if isinstance(raw, bytes):
        raise FrameError(RpcFrameworkError("binary websocket frames are not allowed; OCPP-J uses text frames"))
    try:
        msg = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise FrameError(RpcFrameworkError(f"message is not valid JSON: {exc}")) from None
    if not isinstance(msg, list) or len(msg) < 2:
        raise FrameError(RpcFrameworkError("message must be a JSON array [MessageTypeId, MessageId, ...]"))
    type_id, message_id = msg[0], msg[1]
    if not isinstance(message_id, str) or not message_id or len(message_id) > MESSAGE_ID_MAX_LEN:
        raise FrameError(RpcFrameworkError("MessageId must be a non-empty string of at most 36 characters"))
    if not isinstance(type_id, int) or isinstance(type_id, bool):
        raise FrameError(RpcFrameworkError("MessageTypeId must be an integer"), message_id)
    if type_id == CALL or (type_id == SEND and allow_21_types):
        if len(msg) != 4 or not isinstance(msg[2], str):
            raise FrameError(RpcFrameworkError("a CALL is [2, MessageId, Action, Payload]"), message_id,
                             reply=type_id == CALL)
        if not isinstance(msg[3], dict):
            raise FrameError(FormatViolation("payload must be a JSON object"), message_id, reply=type_id == CALL)
        cls = Call if type_id == CALL else Send
        return cls(message_id, msg[2], msg[3])
    if type_id == CALLRESULT:
        if len(msg) != 3 or not isinstance(msg[2], dict):
            raise FrameError(RpcFrameworkError("a CALLRESULT is [3, MessageId, Payload]"), message_id, reply=False)
        return CallResult(message_id, msg[2])
    if type_id == CALLERROR or (type_id == CALLRESULTERROR and allow_21_types):
        if len(msg) != 5 or not isinstance(msg[2], str) or not isinstance(msg[3], str):
            raise FrameError(RpcFrameworkError("a CALLERROR is [4, MessageId, Code, Description, Details]"),
                             message_id, reply=False)
        details = msg[4] if isinstance(msg[4], dict) else {}
        return CallErrorFrame(message_id, msg[2], msg[3], details, is_result_error=type_id == CALLRESULTERROR)
    raise FrameError(MessageTypeNotSupported(f"MessageTypeId {type_id} is not supported"), message_id)


def encode_call(message_id: str, action: str, payload: Mapping[str, object]) -> str:
    return orjson.dumps([CALL, message_id, action, payload]).decode()


def encode_send(message_id: str, action: str, payload: Mapping[str, object]) -> str:
    return orjson.dumps([SEND, message_id, action, payload]).decode()


def encode_result(message_id: str, payload: Mapping[str, object]) -> str:
    return orjson.dumps([CALLRESULT, message_id, payload]).decode()


def encode_error(message_id: str, error: RpcError, *, result_error: bool = False) -> str:
    type_id = CALLRESULTERROR if result_error else CALLERROR
    return orjson.dumps([type_id, message_id, error.code, error.description, error.details]).decode()
