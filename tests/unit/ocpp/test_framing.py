"""OCPP-J frame parsing: every malformed class maps to the error code and message id the spec asks for."""

from __future__ import annotations

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from csms.ocpp import framing


def parse(raw: str | bytes, v21: bool = False) -> framing.Frame:
    return framing.parse_frame(raw, allow_21_types=v21)


def test_call_is_parsed_with_action_and_payload() -> None:
    frame = parse('[2, "abc", "Heartbeat", {}]')
    assert frame == framing.Call("abc", "Heartbeat", {})


def test_callresult_and_callerror_are_parsed() -> None:
    assert parse('[3, "x", {"a": 1}]') == framing.CallResult("x", {"a": 1})
    err = parse('[4, "x", "NotSupported", "nope", {}]')
    assert isinstance(err, framing.CallErrorFrame) and err.code == "NotSupported" and not err.is_result_error


@pytest.mark.parametrize(
    ("raw", "code", "message_id"),
    [
        ("not json", "RpcFrameworkError", "-1"),
        ('{"a": 1}', "RpcFrameworkError", "-1"),
        ("[2]", "RpcFrameworkError", "-1"),
        ('[2, 17, "Heartbeat", {}]', "RpcFrameworkError", "-1"),
        ('[2, "' + "x" * 37 + '", "Heartbeat", {}]', "RpcFrameworkError", "-1"),
        ('["2", "id1", "Heartbeat", {}]', "RpcFrameworkError", "id1"),
        ('[9, "id2", "Heartbeat", {}]', "MessageTypeNotSupported", "id2"),
        ('[2, "id3", "Heartbeat"]', "RpcFrameworkError", "id3"),
        ('[2, "id4", 5, {}]', "RpcFrameworkError", "id4"),
        ('[2, "id5", "Heartbeat", [1]]', "FormatViolation", "id5"),
    ],
)
def test_malformed_frames_raise_the_spec_error(raw: str, code: str, message_id: str) -> None:
    with pytest.raises(framing.FrameError) as info:
        parse(raw)
    assert info.value.error.code == code
    assert info.value.message_id == message_id
    assert info.value.reply


def test_binary_frames_are_refused() -> None:
    with pytest.raises(framing.FrameError) as info:
        parse(b'[2, "a", "Heartbeat", {}]')
    assert info.value.error.code == "RpcFrameworkError"


def test_send_and_callresulterror_exist_only_on_21() -> None:
    with pytest.raises(framing.FrameError) as info:
        parse('[6, "s1", "NotifyPeriodicEventStream", {}]')
    assert info.value.error.code == "MessageTypeNotSupported"
    assert parse('[6, "s1", "NotifyPeriodicEventStream", {}]', v21=True) == framing.Send(
        "s1", "NotifyPeriodicEventStream", {})
    frame = parse('[5, "r1", "FormatViolation", "bad", {}]', v21=True)
    assert isinstance(frame, framing.CallErrorFrame) and frame.is_result_error


def test_broken_callresult_is_not_answered() -> None:
    with pytest.raises(framing.FrameError) as info:
        parse('[3, "x"]')
    assert not info.value.reply


@given(st.text(max_size=200))
def test_arbitrary_text_never_escapes_as_another_exception(raw: str) -> None:
    try:
        parse(raw)
    except framing.FrameError:
        pass


@given(st.text(min_size=1, max_size=36), st.sampled_from(["Heartbeat", "BootNotification"]),
       st.dictionaries(st.text(max_size=5), st.integers(-(2**63), 2**63 - 1), max_size=3))
def test_encoded_call_round_trips(message_id: str, action: str, payload: dict[str, int]) -> None:
    text = framing.encode_call(message_id, action, payload)
    assert orjson.loads(text)[0] == framing.CALL
    assert parse(text) == framing.Call(message_id, action, payload)
