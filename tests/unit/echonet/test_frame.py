from __future__ import annotations

import pytest

from csms.echonet.frame import CONTROLLER, EchonetFrameError, Eoj, Esv, Frame, Property, decode
from csms.echonet.v2h import (
    EPC_CONNECTION_STATUS,
    STATE_EPCS,
    ConnectionStatus,
    OperationMode,
    V2hState,
    decode_signed,
    encode_signed_w,
    encode_unsigned,
)

V2H = Eoj(0x02, 0x7E, 0x01)


def test_get_request_encodes_to_the_spec_bytes() -> None:
    frame = Frame(0x0102, CONTROLLER, V2H, Esv.GET, (Property(0xD3), Property(0xE4)))
    assert frame.encode().hex() == "1081" "0102" "05ff01" "027e01" "62" "02" "d300" "e400"


def test_round_trip_with_signed_power() -> None:
    frame = Frame(7, V2H, CONTROLLER, Esv.GET_RES, (Property(0xD3, encode_signed_w(-5999)),))
    back = decode(frame.encode())
    assert back == frame
    prop = back.property(0xD3)
    assert prop is not None and decode_signed(prop.edt, 0xD3) == -5999
    assert back.property(0xE0) is None


@pytest.mark.parametrize(("data", "message"), [
    (bytes.fromhex("1081000105ff01027e01"), "shorter than the 12-byte header"),
    (bytes.fromhex("1082000105ff01027e016201d300"), "not an ECHONET Lite format-1 frame"),
    (bytes.fromhex("1081000105ff01027e019901d300"), "unknown ESV 0x99"),
    (bytes.fromhex("1081000105ff01027e016200"), "OPC is 0"),
    (bytes.fromhex("1081000105ff01027e017201d304000001"), "PDC 4 runs past the end"),
    (bytes.fromhex("1081000105ff01027e016202d300"), "property 2 of 2: truncated"),
    (bytes.fromhex("1081000105ff01027e016201d300ff"), "1 trailing bytes"),
])
def test_malformed_frames_are_refused(data: bytes, message: str) -> None:
    with pytest.raises(EchonetFrameError, match=message):
        decode(data)


def test_error_services() -> None:
    assert Esv.GET_SNA.is_error and Esv.SETC_SNA.is_error and not Esv.GET_RES.is_error


def _edts(**over: bytes) -> dict[int, bytes]:
    edts = {
        0xC7: bytes((0x43,)), 0xC8: encode_unsigned(0) + encode_unsigned(6000),
        0xC9: encode_unsigned(0) + encode_unsigned(5900), 0xD3: encode_signed_w(3000), 0xD6: encode_unsigned(10),
        0xD8: encode_unsigned(20), 0xDA: bytes((0x42,)), 0xE2: encode_unsigned(24000), 0xE4: bytes((60,)),
    }
    edts.update({int(k[3:], 16): v for k, v in over.items()})
    return edts


def test_state_decodes_every_property() -> None:
    state = V2hState.from_edts(_edts())
    assert state.connection is ConnectionStatus.CHARGEABLE_AND_DISCHARGEABLE
    assert state.mode is OperationMode.CHARGE
    assert (state.measured_power_w, state.remaining_wh, state.remaining_percent) == (3000, 24000, 60)
    assert (state.max_charge_power_w, state.max_discharge_power_w) == (6000, 5900)
    assert (state.charged_wh, state.discharged_wh) == (20, 10)
    assert len(STATE_EPCS) == 9


@pytest.mark.parametrize(("over", "message"), [
    ({"epcE4": bytes((101,))}, "over 100"),
    ({"epcC7": bytes((0x99,))}, "unknown status or mode"),
    ({"epcD3": bytes(2)}, "EDT of 2 bytes, want 4"),
])
def test_state_refuses_bad_values(over: dict[str, bytes], message: str) -> None:
    with pytest.raises(EchonetFrameError, match=message):
        V2hState.from_edts(_edts(**over))


def test_state_needs_every_property() -> None:
    edts = _edts()
    del edts[EPC_CONNECTION_STATUS]
    with pytest.raises(EchonetFrameError, match="did not return 0xC7"):
        V2hState.from_edts(edts)
