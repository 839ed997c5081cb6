"""A simulated home V2H unit: ECHONET Lite class 0x027E over UDP, with the `chargepoint_sim.ev` battery model.

It answers Get (GET_RES, or GET_SNA with the unknown EPCs left empty) and SetC/SetI (SET_RES, or *_SNA with
the refused properties echoed). Settable: DA (operation mode) and E0 (power, W, + = charge). The battery moves
only when the test or harness calls `advance(duration_s)`: no clock of its own, so runs are deterministic.
Bind it to an explicit unicast address (127.0.0.1 in tests) and any port (0 = a free one).
"""

from __future__ import annotations

import asyncio
import math
from dataclasses import dataclass, field
from typing import cast

from chargepoint_sim.ev import Ev, step
from csms.echonet.frame import EchonetFrameError, Eoj, Esv, Frame, Property, decode
from csms.echonet.v2h import (
    EPC_CHARGE_POWER_RANGE,
    EPC_CHARGED_WH,
    EPC_CONNECTION_STATUS,
    EPC_DISCHARGE_POWER_RANGE,
    EPC_DISCHARGED_WH,
    EPC_MEASURED_POWER,
    EPC_OPERATION_MODE,
    EPC_OPERATION_STATUS,
    EPC_POWER_SETTING,
    EPC_REMAINING_PERCENT,
    EPC_REMAINING_WH,
    ConnectionStatus,
    OperationMode,
    encode_signed_w,
    encode_unsigned,
)

_SETTABLE_MODES = frozenset({OperationMode.CHARGE, OperationMode.DISCHARGE, OperationMode.STANDBY})


@dataclass
class V2hModel:
    """The unit's state: the EV (None = no car plugged in), mode, power setting and energy counters."""

    ev: Ev | None
    mode: OperationMode = OperationMode.STANDBY
    setting_w: int = 0
    charged_wh: float = 0.0
    discharged_wh: float = 0.0
    measured_power_w: float = 0.0
    eoj: Eoj = field(default_factory=lambda: Eoj(0x02, 0x7E, 0x01))

    @property
    def connection(self) -> ConnectionStatus:
        ev = self.ev
        if ev is None:
            return ConnectionStatus.NOT_CONNECTED
        charge = ev.soc < ev.max_soc and ev.max_charge_power_w > 0
        discharge = ev.soc > ev.min_soc and ev.discharge_limit_w > 0
        if charge and discharge:
            return ConnectionStatus.CHARGEABLE_AND_DISCHARGEABLE
        if charge:
            return ConnectionStatus.CHARGEABLE
        if discharge:
            return ConnectionStatus.DISCHARGEABLE
        return ConnectionStatus.CONNECTED_NEITHER

    def requested_w(self) -> float:
        if self.mode is OperationMode.CHARGE:
            return float(max(self.setting_w, 0))
        if self.mode is OperationMode.DISCHARGE:
            return float(min(self.setting_w, 0))
        return 0.0

    def advance(self, duration_s: float) -> None:
        """Run the battery at the commanded power for `duration_s` (what it can do, clamped by the EV model)."""
        if self.ev is None:
            self.measured_power_w = 0.0
            return
        result = step(self.ev, self.requested_w(), duration_s)
        self.ev = result.ev
        self.measured_power_w = result.power_w
        if result.grid_energy_wh > 0:
            self.charged_wh += result.grid_energy_wh
        else:
            self.discharged_wh -= result.grid_energy_wh

    def read(self, epc: int) -> bytes | None:
        """The EDT of `epc`, or None if the unit does not have it."""
        ev = self.ev
        max_charge = int(ev.max_charge_power_w) if ev else 0
        max_discharge = int(ev.discharge_limit_w) if ev else 0
        values: dict[int, bytes] = {
            EPC_OPERATION_STATUS: bytes((0x30,)),
            EPC_CONNECTION_STATUS: bytes((self.connection,)),
            EPC_CHARGE_POWER_RANGE: encode_unsigned(0) + encode_unsigned(max_charge),
            EPC_DISCHARGE_POWER_RANGE: encode_unsigned(0) + encode_unsigned(max_discharge),
            EPC_MEASURED_POWER: encode_signed_w(round(self.measured_power_w)),
            EPC_CHARGED_WH: encode_unsigned(math.floor(self.charged_wh)),
            EPC_DISCHARGED_WH: encode_unsigned(math.floor(self.discharged_wh)),
            EPC_OPERATION_MODE: bytes((self.mode,)),
            EPC_POWER_SETTING: encode_signed_w(self.setting_w),
            EPC_REMAINING_WH: encode_unsigned(round(ev.energy_wh) if ev else 0),
            EPC_REMAINING_PERCENT: bytes((round(ev.soc * 100) if ev else 0,)),
        }
        return values.get(epc)

    def write(self, epc: int, edt: bytes) -> bool:
        """Apply one Set; False if refused. A new setting takes effect at once (measured power follows)."""
        if epc == EPC_OPERATION_MODE and len(edt) == 1 and edt[0] in {m.value for m in _SETTABLE_MODES}:
            self.mode = OperationMode(edt[0])
        elif epc == EPC_POWER_SETTING and len(edt) == 4:
            self.setting_w = int.from_bytes(edt, "big", signed=True)
        else:
            return False
        self.measured_power_w = self._deliverable_w()
        return True

    def _deliverable_w(self) -> float:
        requested = self.requested_w()
        ev = self.ev
        if ev is None:
            return 0.0
        if requested > 0:
            return min(requested, ev.max_charge_power_w) if ev.soc < ev.max_soc else 0.0
        if requested < 0:
            return max(requested, -ev.discharge_limit_w) if ev.soc > ev.min_soc else 0.0
        return 0.0

    def answer(self, request: Frame) -> Frame | None:
        """The response to one request addressed to this unit, or None (not ours / not a request)."""
        if request.deoj != self.eoj:
            return None
        if request.esv is Esv.GET:
            props = tuple(Property(p.epc, self.read(p.epc) or b"") for p in request.properties)
            ok = all(self.read(p.epc) is not None for p in request.properties)
            return Frame(request.tid, self.eoj, request.seoj, Esv.GET_RES if ok else Esv.GET_SNA, tuple(props))
        if request.esv in (Esv.SETC, Esv.SETI):
            results = [(p, self.write(p.epc, p.edt)) for p in request.properties]
            ok = all(accepted for _, accepted in results)
            props = tuple(Property(p.epc, b"" if accepted else p.edt) for p, accepted in results)
            if request.esv is Esv.SETI:
                return None if ok else Frame(request.tid, self.eoj, request.seoj, Esv.SETI_SNA, props)
            return Frame(request.tid, self.eoj, request.seoj, Esv.SET_RES if ok else Esv.SETC_SNA, props)
        return None


class _Protocol(asyncio.DatagramProtocol):
    def __init__(self, device: SimulatedV2hDevice) -> None:
        self.device = device

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.DatagramTransport, transport)

    def datagram_received(self, data: bytes, addr: tuple[str | int, ...]) -> None:
        self.device.received += 1
        if self.device.silent:
            return
        try:
            request = decode(data)
        except EchonetFrameError:
            return
        response = self.device.model.answer(request)
        if response is not None:
            self.transport.sendto(response.encode(), addr)


class SimulatedV2hDevice:
    """The UDP endpoint of a `V2hModel`. `silent = True` makes it stop answering (a unit that dropped off)."""

    def __init__(self, model: V2hModel) -> None:
        self.model = model
        self.silent = False
        self.received = 0
        self._transport: asyncio.DatagramTransport | None = None

    async def start(self, host: str, port: int = 0) -> tuple[str, int]:
        """Listen on `host:port` (explicit unicast address; 0 = a free port); returns the bound address."""
        loop = asyncio.get_running_loop()
        transport, _ = await loop.create_datagram_endpoint(lambda: _Protocol(self), local_addr=(host, port))
        self._transport = transport
        bound = transport.get_extra_info("sockname")
        return str(bound[0]), int(bound[1])

    def close(self) -> None:
        if self._transport is not None:
            self._transport.close()
            self._transport = None
