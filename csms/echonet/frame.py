"""ECHONET Lite frame codec (ECHONET Lite specification, part 2, "specified message format", format 1).

    EHD1 EHD2 | TID (2) | SEOJ (3) | DEOJ (3) | ESV | OPC | OPC x (EPC, PDC, EDT[PDC])

EHD1 = 0x10 (ECHONET Lite), EHD2 = 0x81 (format 1). An EOJ is class group, class code, instance. Decoding
refuses anything else with `EchonetFrameError` naming what is wrong (arbitrary-format frames are not ours).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from csms.errors import CsmsError

EHD1 = 0x10
EHD2_FORMAT1 = 0x81
_HEADER_LEN = 12


class EchonetFrameError(CsmsError):
    """Bytes that are not a well-formed ECHONET Lite format-1 frame."""


class Esv(enum.IntEnum):
    """Service codes (ESV) we send, answer or recognise."""

    SETI = 0x60
    SETC = 0x61
    GET = 0x62
    INF_REQ = 0x63
    SET_RES = 0x71
    GET_RES = 0x72
    INF = 0x73
    SETI_SNA = 0x50
    SETC_SNA = 0x51
    GET_SNA = 0x52
    INF_SNA = 0x53

    @property
    def is_error(self) -> bool:
        return 0x50 <= self.value <= 0x5F


@dataclass(frozen=True, slots=True)
class Eoj:
    """An ECHONET object: class group, class code, instance."""

    class_group: int
    class_code: int
    instance: int

    def __post_init__(self) -> None:
        for value in (self.class_group, self.class_code, self.instance):
            if not 0 <= value <= 0xFF:
                raise ValueError(f"EOJ byte {value!r} outside 0..255")

    def to_bytes(self) -> bytes:
        return bytes((self.class_group, self.class_code, self.instance))

    def __str__(self) -> str:
        return f"{self.class_group:02X}{self.class_code:02X}{self.instance:02X}"


CONTROLLER = Eoj(0x05, 0xFF, 0x01)  # a controller, as the CSMS presents itself
V2H_CLASS = (0x02, 0x7E)  # electric vehicle charger/discharger


@dataclass(frozen=True, slots=True)
class Property:
    """One property: EPC and its EDT (empty in a Get request or an accepted Set response)."""

    epc: int
    edt: bytes = b""

    def __post_init__(self) -> None:
        if not 0 <= self.epc <= 0xFF:
            raise ValueError(f"EPC {self.epc!r} outside 0..255")
        if len(self.edt) > 0xFF:
            raise ValueError(f"EDT of EPC 0x{self.epc:02X} longer than 255 bytes")


@dataclass(frozen=True, slots=True)
class Frame:
    tid: int
    seoj: Eoj
    deoj: Eoj
    esv: Esv
    properties: tuple[Property, ...]

    def __post_init__(self) -> None:
        if not 0 <= self.tid <= 0xFFFF:
            raise ValueError(f"TID {self.tid!r} outside 0..65535")
        if not 1 <= len(self.properties) <= 0xFF:
            raise ValueError("a frame carries 1..255 properties")

    def encode(self) -> bytes:
        out = bytearray((EHD1, EHD2_FORMAT1))
        out += self.tid.to_bytes(2, "big") + self.seoj.to_bytes() + self.deoj.to_bytes()
        out += bytes((self.esv, len(self.properties)))
        for prop in self.properties:
            out += bytes((prop.epc, len(prop.edt))) + prop.edt
        return bytes(out)

    def property(self, epc: int) -> Property | None:
        return next((p for p in self.properties if p.epc == epc), None)


def decode(data: bytes) -> Frame:
    """Parse one datagram; `EchonetFrameError` says at which byte it went wrong."""
    if len(data) < _HEADER_LEN:
        raise EchonetFrameError(f"frame of {len(data)} bytes is shorter than the {_HEADER_LEN}-byte header")
    if data[0] != EHD1 or data[1] != EHD2_FORMAT1:
        raise EchonetFrameError(f"not an ECHONET Lite format-1 frame: EHD {data[0]:02X}{data[1]:02X}")
    try:
        esv = Esv(data[10])
    except ValueError:
        raise EchonetFrameError(f"unknown ESV 0x{data[10]:02X}") from None
    count = data[11]
    if count == 0:
        raise EchonetFrameError("OPC is 0: no properties")
    offset = _HEADER_LEN
    props: list[Property] = []
    for index in range(count):
        if offset + 2 > len(data):
            raise EchonetFrameError(f"property {index + 1} of {count}: truncated at byte {offset}")
        epc, pdc = data[offset], data[offset + 1]
        if offset + 2 + pdc > len(data):
            raise EchonetFrameError(f"property 0x{epc:02X}: PDC {pdc} runs past the end ({len(data)} bytes)")
        props.append(Property(epc, bytes(data[offset + 2:offset + 2 + pdc])))
        offset += 2 + pdc
    if offset != len(data):
        raise EchonetFrameError(f"{len(data) - offset} trailing bytes after {count} properties")
    return Frame(int.from_bytes(data[2:4], "big"), Eoj(data[4], data[5], data[6]), Eoj(data[7], data[8], data[9]),
                 esv, tuple(props))
