"""EV battery model: an immutable `Ev` and the pure `step` that moves it through time.

Signs follow the project convention: grid-side power + = charge (import), − = discharge (export). Energy is
counted on both sides of the charger/battery losses:
  charging     battery_energy_wh = grid_energy_wh × charge_efficiency
  discharging  grid_energy_wh    = battery_energy_wh × discharge_efficiency   (both negative)
The battery never leaves [min_soc, max_soc] by its own step: a step that would cross a bound is clamped so
the SoC lands exactly on it, and the reported power is the (lower) average over the step. An EV that
arrives outside the band may only move towards it. No I/O, no clock: callers pass durations.

Taper: `charge_taper` / `discharge_taper` (`taper.TaperPoints`, the optimizer's curve form) make the maximum
power depend on the SoC; a step then integrates the SoC exactly along the curve (`taper.Flow`) and reports
the average power. Without a taper the maximum is the constant `max_charge_power_w` / `max_discharge_power_w`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields
from datetime import datetime

from chargepoint_sim.taper import Flow
from csms.domain.taper import TaperPoints, lines_limit_w, taper_lines

SECONDS_PER_HOUR = 3600.0


@dataclass(frozen=True, slots=True)
class Ev:
    """One EV visit: the vehicle's battery and limits, the driver's plan and the current SoC.

    The departure need is `target_soc`; pass `energy_request_wh` (battery-side energy wanted at arrival)
    instead and it is converted to a target SoC (capped at `max_soc`) at construction.
    """

    capacity_wh: float
    soc: float
    max_charge_power_w: float
    max_discharge_power_w: float = 0.0  # magnitude
    min_soc: float = 0.0
    max_soc: float = 1.0
    charge_efficiency: float = 0.92
    discharge_efficiency: float = 0.92
    arrival_at: datetime | None = None
    departure_at: datetime | None = None
    target_soc: float | None = None
    energy_request_wh: float | None = None
    allow_discharge: bool = False
    id_token: str | None = None  # None: the EV waits for a RequestStartTransaction
    ev_id: str = ""
    charge_taper: TaperPoints = ()  # (soc, max charge W) points; () = max_charge_power_w at any SoC
    discharge_taper: TaperPoints = ()  # (soc, max discharge W) points; () = max_discharge_power_w at any SoC
    charge_lines: tuple[tuple[float, float], ...] = field(init=False, repr=False, compare=False)
    discharge_lines: tuple[tuple[float, float], ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.capacity_wh > 0:
            raise ValueError("capacity_wh must be > 0")
        if not 0.0 <= self.min_soc <= self.max_soc <= 1.0:
            raise ValueError("need 0 <= min_soc <= max_soc <= 1")
        if not 0.0 <= self.soc <= 1.0:
            raise ValueError("soc must be within 0..1")
        if self.max_charge_power_w < 0 or self.max_discharge_power_w < 0:
            raise ValueError("power limits are magnitudes (>= 0)")
        if not (0 < self.charge_efficiency <= 1 and 0 < self.discharge_efficiency <= 1):
            raise ValueError("efficiencies must be within (0, 1]")
        if self.target_soc is None:
            if self.energy_request_wh is not None:
                target = self.soc + max(0.0, self.energy_request_wh) / self.capacity_wh
            else:
                target = self.max_soc
            object.__setattr__(self, "target_soc", min(target, self.max_soc))
        elif not 0.0 <= self.target_soc <= 1.0:
            raise ValueError("target_soc must be within 0..1")
        object.__setattr__(self, "charge_lines", taper_lines(self.charge_taper))
        object.__setattr__(self, "discharge_lines", taper_lines(self.discharge_taper))

    @property
    def energy_wh(self) -> float:
        """Energy stored in the battery now."""
        return self.soc * self.capacity_wh

    @property
    def energy_to_target_wh(self) -> float:
        """Battery-side energy still needed to reach the departure target (0 when reached)."""
        return max(0.0, ((self.target_soc or 0.0) - self.soc) * self.capacity_wh)

    @property
    def discharge_limit_w(self) -> float:
        """Discharge power the EV accepts at most (0 when the driver did not allow discharging)."""
        return self.max_discharge_power_w if self.allow_discharge else 0.0

    @property
    def charge_limit_now_w(self) -> float:
        """Charge power the EV accepts at its SoC now (its taper applied)."""
        return lines_limit_w(self.charge_lines, self.max_charge_power_w, self.soc)

    @property
    def discharge_limit_now_w(self) -> float:
        """Discharge power (magnitude) the EV accepts at its SoC now (its taper applied; 0 if not allowed)."""
        return lines_limit_w(self.discharge_lines, self.discharge_limit_w, self.soc)

    def with_soc(self, soc: float) -> Ev:
        """This EV at another SoC (a field-by-field copy: `dataclasses.replace` would re-validate, on every
        integration step)."""
        new = object.__new__(Ev)
        for name in _FIELD_NAMES:
            object.__setattr__(new, name, getattr(self, name))
        object.__setattr__(new, "soc", soc)
        return new


_FIELD_NAMES = tuple(f.name for f in fields(Ev))


@dataclass(frozen=True, slots=True)
class EvStep:
    """What happened during one step: average grid-side power and energy on both sides (signed)."""

    power_w: float
    grid_energy_wh: float
    battery_energy_wh: float
    ev: Ev


def step(ev: Ev, requested_power_w: float, duration_s: float) -> EvStep:
    """Apply `requested_power_w` (grid side, signed) for `duration_s`; return what was actually delivered.

    Limits: |power| <= the EV's charge/discharge limit (its taper at the SoC, if it has one), no discharge
    unless allowed, and SoC never crosses max_soc (charging) or min_soc (discharging) — the power is reduced
    so it lands exactly there.
    """
    if not math.isfinite(requested_power_w) or not math.isfinite(duration_s):
        raise ValueError("requested_power_w and duration_s must be finite")
    if duration_s <= 0 or requested_power_w == 0:
        return EvStep(0.0, 0.0, 0.0, ev)
    if requested_power_w > 0 and ev.charge_lines:
        return _tapered_step(ev, requested_power_w, duration_s)
    if requested_power_w < 0 and ev.discharge_lines:
        return _tapered_step(ev, requested_power_w, duration_s)
    hours = duration_s / SECONDS_PER_HOUR
    if requested_power_w > 0 and ev.soc < ev.max_soc:
        power_w = min(requested_power_w, ev.max_charge_power_w)
        room_wh = (ev.max_soc - ev.soc) * ev.capacity_wh
        battery_wh = power_w * hours * ev.charge_efficiency
        if battery_wh >= room_wh:
            battery_wh = room_wh
            power_w = room_wh / (ev.charge_efficiency * hours)
            new_soc = ev.max_soc
        else:
            new_soc = min(ev.soc + battery_wh / ev.capacity_wh, ev.max_soc)
        return EvStep(power_w, power_w * hours, battery_wh, ev.with_soc(new_soc))
    if requested_power_w < 0 and ev.soc > ev.min_soc and ev.discharge_limit_w > 0:
        power_w = max(requested_power_w, -ev.discharge_limit_w)
        available_wh = (ev.soc - ev.min_soc) * ev.capacity_wh
        battery_out_wh = -power_w * hours / ev.discharge_efficiency
        if battery_out_wh >= available_wh:
            battery_out_wh = available_wh
            power_w = -available_wh * ev.discharge_efficiency / hours
            new_soc = ev.min_soc
        else:
            new_soc = max(ev.soc - battery_out_wh / ev.capacity_wh, ev.min_soc)
        return EvStep(power_w, power_w * hours, -battery_out_wh, ev.with_soc(new_soc))
    return EvStep(0.0, 0.0, 0.0, ev)


def delivers(ev: Ev, requested_power_w: float) -> bool:
    """Would `step(ev, requested_power_w, ...)` move any energy now? (False: the EV suspends the flow: full,
    at its reserve, discharge not allowed, or no power left on its taper at this SoC.)"""
    if requested_power_w > 0:
        return ev.soc < ev.max_soc and ev.charge_limit_now_w > 0
    if requested_power_w < 0:
        return ev.soc > ev.min_soc and ev.discharge_limit_now_w > 0
    return False


def _tapered_step(ev: Ev, requested_power_w: float, duration_s: float) -> EvStep:
    """`step` along the EV's taper curve for the direction of `requested_power_w` (`taper.Flow`: exact)."""
    if requested_power_w > 0:
        if ev.soc >= ev.max_soc:
            return EvStep(0.0, 0.0, 0.0, ev)
        flow = Flow(1, ev.charge_efficiency / (ev.capacity_wh * SECONDS_PER_HOUR), requested_power_w,
                    ev.max_charge_power_w, ev.charge_lines, ev.max_soc)
        new_soc, grid_ws = flow.integrate(ev.soc, duration_s)
        signed_ws = grid_ws
        grid_wh = grid_ws / SECONDS_PER_HOUR
        battery_wh = grid_wh * ev.charge_efficiency
    else:
        if ev.soc <= ev.min_soc or ev.discharge_limit_w <= 0:
            return EvStep(0.0, 0.0, 0.0, ev)
        flow = Flow(-1, 1.0 / (ev.discharge_efficiency * ev.capacity_wh * SECONDS_PER_HOUR), -requested_power_w,
                    ev.discharge_limit_w, ev.discharge_lines, ev.min_soc)
        new_soc, grid_ws = flow.integrate(ev.soc, duration_s)
        signed_ws = -grid_ws
        grid_wh = -grid_ws / SECONDS_PER_HOUR
        battery_wh = grid_wh / ev.discharge_efficiency
    if battery_wh == 0:
        return EvStep(0.0, 0.0, 0.0, ev)
    # the average power as energy over time in W·s / s: no hours that underflow to 0 for a tiny step
    return EvStep(signed_ws / duration_s, grid_wh, battery_wh, ev.with_soc(new_soc))
