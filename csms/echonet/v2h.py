"""The EV charger/discharger class (0x027E) properties the V2H adapter reads and sets, with their encodings
(ECHONET Device Objects Detailed Specifications, APPENDIX, "EV charger/discharger class").

Signs: D3 (measured power) and E0 (power setting) are signed W with + = charging, the CSMS's convention.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from csms.echonet.frame import EchonetFrameError

EPC_OPERATION_STATUS = 0x80
EPC_CONNECTION_STATUS = 0xC7  # vehicle connection and chargeable/dischargeable status
EPC_CHARGE_POWER_RANGE = 0xC8  # minimum and maximum charging power, W (2 x unsigned long)
EPC_DISCHARGE_POWER_RANGE = 0xC9  # minimum and maximum discharging power, W (2 x unsigned long)
EPC_MEASURED_POWER = 0xD3  # instantaneous charge (+) / discharge (-) power, W, signed long
EPC_DISCHARGED_WH = 0xD6  # cumulative discharged energy, Wh (0.001 kWh), unsigned long
EPC_CHARGED_WH = 0xD8  # cumulative charged energy, Wh, unsigned long
EPC_OPERATION_MODE = 0xDA
EPC_POWER_SETTING = 0xE0  # charge (+) / discharge (-) power setting, W, signed long
EPC_REMAINING_WH = 0xE2  # remaining stored energy of the vehicle battery, Wh, unsigned long
EPC_REMAINING_PERCENT = 0xE4  # remaining stored energy, %, unsigned char

STATE_EPCS = (EPC_CONNECTION_STATUS, EPC_CHARGE_POWER_RANGE, EPC_DISCHARGE_POWER_RANGE, EPC_MEASURED_POWER,
              EPC_DISCHARGED_WH, EPC_CHARGED_WH, EPC_OPERATION_MODE, EPC_REMAINING_WH, EPC_REMAINING_PERCENT)


class ConnectionStatus(enum.IntEnum):
    NOT_CONNECTED = 0x30
    CONNECTED = 0x40
    CHARGEABLE = 0x41
    DISCHARGEABLE = 0x42
    CHARGEABLE_AND_DISCHARGEABLE = 0x43
    CONNECTED_NEITHER = 0x44
    UNDETERMINED = 0xFF

    @property
    def can_charge(self) -> bool:
        return self in (ConnectionStatus.CHARGEABLE, ConnectionStatus.CHARGEABLE_AND_DISCHARGEABLE)

    @property
    def can_discharge(self) -> bool:
        return self in (ConnectionStatus.DISCHARGEABLE, ConnectionStatus.CHARGEABLE_AND_DISCHARGEABLE)


class OperationMode(enum.IntEnum):
    OTHER = 0x40
    RAPID_CHARGE = 0x41
    CHARGE = 0x42
    DISCHARGE = 0x43
    STANDBY = 0x44
    TEST = 0x45
    IDLE = 0x47


def encode_signed_w(value_w: int) -> bytes:
    return value_w.to_bytes(4, "big", signed=True)


def encode_unsigned(value: int, size: int = 4) -> bytes:
    return value.to_bytes(size, "big", signed=False)


def _need(edt: bytes, size: int, epc: int) -> None:
    if len(edt) != size:
        raise EchonetFrameError(f"EPC 0x{epc:02X}: EDT of {len(edt)} bytes, want {size}")


def decode_signed(edt: bytes, epc: int) -> int:
    _need(edt, 4, epc)
    return int.from_bytes(edt, "big", signed=True)


def decode_unsigned(edt: bytes, epc: int, size: int = 4) -> int:
    _need(edt, size, epc)
    return int.from_bytes(edt, "big", signed=False)


def decode_range(edt: bytes, epc: int) -> tuple[int, int]:
    _need(edt, 8, epc)
    return int.from_bytes(edt[:4], "big"), int.from_bytes(edt[4:], "big")


@dataclass(frozen=True, slots=True)
class V2hState:
    """What a 0x027E device reported in one read."""

    connection: ConnectionStatus
    mode: OperationMode
    measured_power_w: int
    remaining_wh: int
    remaining_percent: int
    charged_wh: int
    discharged_wh: int
    max_charge_power_w: int
    max_discharge_power_w: int  # magnitude

    @classmethod
    def from_edts(cls, edts: dict[int, bytes]) -> V2hState:
        missing = [f"0x{epc:02X}" for epc in STATE_EPCS if epc not in edts]
        if missing:
            raise EchonetFrameError(f"device did not return {', '.join(missing)}")
        try:
            connection = ConnectionStatus(decode_unsigned(edts[EPC_CONNECTION_STATUS], EPC_CONNECTION_STATUS, 1))
            mode = OperationMode(decode_unsigned(edts[EPC_OPERATION_MODE], EPC_OPERATION_MODE, 1))
        except ValueError as exc:
            raise EchonetFrameError(f"unknown status or mode: {exc}") from None
        percent = decode_unsigned(edts[EPC_REMAINING_PERCENT], EPC_REMAINING_PERCENT, 1)
        if percent > 100:
            raise EchonetFrameError(f"EPC 0xE4: {percent} % is over 100")
        return cls(
            connection=connection, mode=mode,
            measured_power_w=decode_signed(edts[EPC_MEASURED_POWER], EPC_MEASURED_POWER),
            remaining_wh=decode_unsigned(edts[EPC_REMAINING_WH], EPC_REMAINING_WH),
            remaining_percent=percent,
            charged_wh=decode_unsigned(edts[EPC_CHARGED_WH], EPC_CHARGED_WH),
            discharged_wh=decode_unsigned(edts[EPC_DISCHARGED_WH], EPC_DISCHARGED_WH),
            max_charge_power_w=decode_range(edts[EPC_CHARGE_POWER_RANGE], EPC_CHARGE_POWER_RANGE)[1],
            max_discharge_power_w=decode_range(edts[EPC_DISCHARGE_POWER_RANGE], EPC_DISCHARGE_POWER_RANGE)[1],
        )
