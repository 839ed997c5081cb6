"""What power an EVSE tries to deliver: the one hook charging profiles will plug into.

`PowerControl.setpoint_w(evse, at)` is the signed grid-side power the station asks for on an EVSE with a
running transaction; the station then clamps it to the EVSE rating and the EV applies its own limits and
SoC bounds (`ev.step`). `next_change_at` lets the station integrate piecewise-constant setpoints exactly:
it never steps across a change. The default charges at min(EVSE max, EV max) until the EV is full.

A profile-stacking controller (charge and discharge, response delay, ramp rate) replaces `DefaultPowerControl`
without touching the station's integration loop.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from chargepoint_sim.evse import Evse


class PowerControl(Protocol):
    def setpoint_w(self, evse: Evse, at: datetime) -> float:
        """Signed grid-side power wanted on `evse` from `at` on (+ charge, − discharge)."""
        ...

    def next_change_at(self, evse: Evse, after: datetime) -> datetime | None:
        """When `setpoint_w` may next change after `after` (None: not before some other event)."""
        ...


class DefaultPowerControl:
    """No charging profile: charge as fast as EVSE and EV allow."""

    def setpoint_w(self, evse: Evse, at: datetime) -> float:
        if evse.ev is None:
            return 0.0
        return min(evse.spec.max_power_w, evse.ev.max_charge_power_w)

    def next_change_at(self, evse: Evse, after: datetime) -> datetime | None:
        return None
