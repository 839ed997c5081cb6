"""`V2hResource`: one home V2H unit (ECHONET Lite class 0x027E) as a fleet resource beside OCPP stations.

Same convention as the rest of the CSMS: power in W, + = charge (import), - = discharge (export). A setpoint
goes out as one SetC with the operation mode (DA: charge, discharge or standby) and the power setting (E0).
Before sending, the setpoint is checked against what the device itself last reported (the safety-envelope rule
for a device the CSMS knows only through ECHONET Lite): charging needs C7 "chargeable" and at most the C8
maximum, discharging C7 "dischargeable" and at most the C9 maximum; anything else raises `SetpointRefused` and
nothing is sent. A request that times out marks the resource offline; the next successful read brings it back.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from csms.echonet.client import EchonetClient
from csms.echonet.errors import EchonetRejected, EchonetTimeout, ResourceOffline, SetpointRefused
from csms.echonet.frame import Eoj, Esv, Property
from csms.echonet.v2h import (
    EPC_OPERATION_MODE,
    EPC_POWER_SETTING,
    STATE_EPCS,
    OperationMode,
    V2hState,
    encode_signed_w,
)

V2H_INSTANCE_1 = Eoj(0x02, 0x7E, 0x01)


class ResourceStatus(enum.StrEnum):
    UNKNOWN = "unknown"
    ONLINE = "online"
    OFFLINE = "offline"


@dataclass(frozen=True, slots=True)
class V2hEndpoint:
    """Where a V2H unit is: its unicast address, port (3610 in the field) and ECHONET object."""

    resource_id: str
    host: str
    port: int
    eoj: Eoj = V2H_INSTANCE_1


class V2hResource:
    """A V2H unit reached through `client`; `state` is its last reading, `status` whether it answers."""

    def __init__(self, endpoint: V2hEndpoint, client: EchonetClient, *, timeout_s: float = 2.0) -> None:
        self.endpoint = endpoint
        self._client = client
        self._timeout_s = timeout_s
        self.state: V2hState | None = None
        self.status = ResourceStatus.UNKNOWN

    @property
    def resource_id(self) -> str:
        return self.endpoint.resource_id

    async def _request(self, esv: Esv, properties: list[Property]) -> dict[int, bytes]:
        remote = (self.endpoint.host, self.endpoint.port)
        try:
            answer = await self._client.request(remote, self.endpoint.eoj, esv, properties,
                                                timeout_s=self._timeout_s)
        except EchonetTimeout:
            self.status = ResourceStatus.OFFLINE
            raise
        self.status = ResourceStatus.ONLINE
        if answer.esv.is_error:
            refused = [f"0x{p.epc:02X}" for p in answer.properties
                       if (esv is Esv.GET and not p.edt) or (esv is Esv.SETC and p.edt)]
            raise EchonetRejected(f"{self.resource_id}: {answer.esv.name} for {', '.join(refused)}")
        return {p.epc: p.edt for p in answer.properties}

    async def refresh(self) -> V2hState | None:
        """Read the device's state; None (and status OFFLINE) when it does not answer."""
        try:
            edts = await self._request(Esv.GET, [Property(epc) for epc in STATE_EPCS])
        except EchonetTimeout:
            return None
        self.state = V2hState.from_edts(edts)
        return self.state

    def check_setpoint(self, power_w: int) -> OperationMode:
        """The operation mode for `power_w`, or `SetpointRefused` if the last reading does not allow it."""
        if self.status is ResourceStatus.OFFLINE:
            raise ResourceOffline(f"{self.resource_id} is offline")
        state = self.state
        if state is None:
            raise SetpointRefused(f"{self.resource_id}: no reading yet; refresh first")
        if power_w > 0:
            if not state.connection.can_charge:
                raise SetpointRefused(f"{self.resource_id}: cannot charge ({state.connection.name})")
            if power_w > state.max_charge_power_w:
                raise SetpointRefused(f"{self.resource_id}: {power_w} W above the device's maximum charge "
                                      f"{state.max_charge_power_w} W")
            return OperationMode.CHARGE
        if power_w < 0:
            if not state.connection.can_discharge:
                raise SetpointRefused(f"{self.resource_id}: cannot discharge ({state.connection.name})")
            if -power_w > state.max_discharge_power_w:
                raise SetpointRefused(f"{self.resource_id}: {-power_w} W above the device's maximum discharge "
                                      f"{state.max_discharge_power_w} W")
            return OperationMode.DISCHARGE
        return OperationMode.STANDBY

    async def set_power_w(self, power_w: int) -> V2hState | None:
        """Send the setpoint (mode + E0) and read the device back; None if it went silent."""
        mode = self.check_setpoint(power_w)
        properties = [Property(EPC_OPERATION_MODE, bytes((mode,)))]
        if mode is not OperationMode.STANDBY:
            properties.append(Property(EPC_POWER_SETTING, encode_signed_w(power_w)))
        try:
            await self._request(Esv.SETC, properties)
        except EchonetTimeout:
            return None
        return await self.refresh()
