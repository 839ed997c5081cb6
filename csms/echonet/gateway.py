"""`V2hGateway`: many V2H units behind one ECHONET Lite client, read together and dispatched as one resource.

`refresh_all` reads every unit concurrently (a silent one goes OFFLINE, the others are unaffected);
`headroom_w` sums what the online units last reported they can do (+ charge, - discharge, W); `dispatch_w` splits
a fleet setpoint over the online units in proportion to their headroom in that direction (each share within the
unit's own limits, so no share is refused for the envelope) and returns what each unit read back.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass

from csms.echonet.adapter import ResourceStatus, V2hResource
from csms.echonet.v2h import V2hState


@dataclass(frozen=True, slots=True)
class Headroom:
    charge_w: int  # >= 0
    discharge_w: int  # >= 0, a magnitude
    online: int
    offline: int


@dataclass(frozen=True, slots=True)
class Dispatch:
    requested_w: int
    setpoints_w: dict[str, int]
    measured_w: int  # sum of the read-back D3 of the units that answered
    unanswered: tuple[str, ...]


class V2hGateway:
    def __init__(self, resources: Sequence[V2hResource]) -> None:
        ids = [r.resource_id for r in resources]
        if len(set(ids)) != len(ids):
            raise ValueError("V2H resource ids must be unique")
        self.resources = tuple(resources)

    async def refresh_all(self) -> dict[str, V2hState | None]:
        states = await asyncio.gather(*(r.refresh() for r in self.resources))
        return {r.resource_id: s for r, s in zip(self.resources, states, strict=True)}

    def _online(self) -> list[V2hResource]:
        return [r for r in self.resources if r.status is ResourceStatus.ONLINE and r.state is not None]

    def headroom(self) -> Headroom:
        online = self._online()
        charge = sum(r.state.max_charge_power_w for r in online if r.state and r.state.connection.can_charge)
        discharge = sum(r.state.max_discharge_power_w for r in online
                        if r.state and r.state.connection.can_discharge)
        return Headroom(charge, discharge, len(online), len(self.resources) - len(online))

    def split(self, total_w: int) -> dict[str, int]:
        """Shares of `total_w` over the online units, proportional to their limit in that direction, clipped to
        the fleet's headroom (the remainder of integer division goes to the first units)."""
        online = self._online()
        if total_w > 0:
            limits = {r.resource_id: r.state.max_charge_power_w for r in online
                      if r.state and r.state.connection.can_charge}
        elif total_w < 0:
            limits = {r.resource_id: r.state.max_discharge_power_w for r in online
                      if r.state and r.state.connection.can_discharge}
        else:
            return {r.resource_id: 0 for r in online}
        capacity = sum(limits.values())
        magnitude = min(abs(total_w), capacity)
        if capacity == 0:
            return {r.resource_id: 0 for r in online}
        shares = {rid: magnitude * limit // capacity for rid, limit in limits.items()}
        rest = magnitude - sum(shares.values())
        for rid in shares:
            if rest == 0:
                break
            if shares[rid] < limits[rid]:
                shares[rid] += 1
                rest -= 1
        sign = 1 if total_w > 0 else -1
        out = {r.resource_id: 0 for r in online}
        out.update({rid: sign * w for rid, w in shares.items()})
        return out

    async def dispatch_w(self, total_w: int) -> Dispatch:
        """Send each online unit its share (standby for the others online) and read them back."""
        setpoints = self.split(total_w)
        by_id = {r.resource_id: r for r in self.resources}
        states = await asyncio.gather(*(by_id[rid].set_power_w(w) for rid, w in setpoints.items()))
        measured = sum(s.measured_power_w for s in states if s is not None)
        unanswered = tuple(rid for rid, s in zip(setpoints, states, strict=True) if s is None)
        return Dispatch(total_w, setpoints, measured, unanswered)
