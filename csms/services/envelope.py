"""The safety envelope every charge/discharge command passes through, whoever asks (optimizer, operator, grid
adapter). Pure functions: no I/O, no clock reads.

Rules, per EVSE:
- charge power <= min(station/EVSE rating, EV max charge power);
- discharge only if the station supports it, the driver allowed it, and the EV is above its minimum reserve
  SoC; discharge power <= min(station rating, EV max discharge power); cumulative discharge energy within the
  schedule <= energy above the reserve (when the battery capacity is known; otherwise discharge needs a known
  SoC above reserve and the schedule is cut to `max_discharge_validity_s`);
- the SoC is aged: a reading `soc_age_s` old counts as if the EV had discharged at its full discharge power
  ever since (a station that stops reporting SoC cannot be walked below the reserve by a run of commands each
  sized from the same stale reading), and a reading older than `max_discharge_validity_s` is no reading;
- a schedule that can discharge is valid for at most `max_discharge_validity_s`, so a station whose CSMS goes
  silent stops discharging when it ends;
- site import/export limits, period by period: the most the schedule may export plus the most the other EVSEs
  of the site may export at the same times stays within `export_limit_w`, and likewise for import (what the
  others are commanded over time is `envelope_site.SiteLedger`; a charge never offsets a discharge there, since
  a command is a bound the EV may not fill);
- the site topology's current limits (`envelope_site.TopologyLedger`, the planner's and checker's rule): a
  `topology_room` per period, the same kind of shared limit; there, and under the site limits, a draw the
  caller vouches for (`segments_of(..., firm_w=...)`) nets: a firm charge makes room for a discharge;
- the station's own rating (`StationCapabilities.station_max_*_power_w`, a multi-EVSE station often rated
  below the sum of its EVSEs) is a limit of the same kind over the other EVSEs of the same station; a period
  gets the tighter of the station's and the site's headroom.
Clamping never raises: the result says what was changed, and which shared limit bound it.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from csms.domain.capabilities import StationCapabilities
from csms.domain.records import ChargingNeedsRecord
from csms.domain.schedule import FreqWattPoint, OperationMode, PowerSchedule, SchedulePeriod
from csms.optimizer.problem import taper_limit_w

DEFAULT_MAX_DISCHARGE_VALIDITY_S = 900

SiteOthers = Callable[[Sequence[tuple[int, int]]], Sequence[tuple[float, float]]]
"""Given period windows as [start, end) offsets in s from the schedule's start: for each, the lowest (most
exporting, <= 0) and the highest (most importing, >= 0) power the site's other EVSEs may exchange in it."""


@dataclass(frozen=True, slots=True)
class SiteLimits:
    import_limit_w: float | None = None
    export_limit_w: float | None = None  # magnitude


@dataclass(frozen=True, slots=True)
class EvseEnvelope:
    """Power bounds for one EVSE right now: charge in [0, max_charge_w], discharge in [0, max_discharge_w]."""

    max_charge_w: float
    max_discharge_w: float
    discharge_energy_wh: float | None  # energy above the reserve the EV may still give; None = unknown
    max_discharge_validity_s: int = DEFAULT_MAX_DISCHARGE_VALIDITY_S
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Clamped:
    schedule: PowerSchedule
    changes: tuple[str, ...]

    @property
    def changed(self) -> bool:
        return bool(self.changes)


def _min_known(*values: float | None) -> float:
    known = [v for v in values if v is not None]
    return max(0.0, min(known)) if known else float("inf")


def envelope_for(caps: StationCapabilities, needs: ChargingNeedsRecord | None, soc: float | None,
                 max_discharge_validity_s: int = DEFAULT_MAX_DISCHARGE_VALIDITY_S,
                 default_min_soc: float = 0.2, soc_age_s: float = 0.0, *,
                 charge_taper: tuple[tuple[float, float], ...] = (),
                 discharge_taper: tuple[tuple[float, float], ...] = ()) -> EvseEnvelope:
    """The envelope of one EVSE given the station's capabilities, the EV's needs and its last SoC, read
    `soc_age_s` ago.

    `default_min_soc` is the reserve kept when the needs do not name one. `charge_taper`/`discharge_taper`:
    the EV's SoC-dependent limits (`csms.optimizer.problem.taper_lines` points), applied at the SoC read."""
    max_charge_w = _min_known(caps.max_charge_power_w, None if needs is None else needs.max_charge_power_w)
    reasons: list[str] = []
    max_discharge_w = _min_known(caps.max_discharge_power_w,
                                 None if needs is None else needs.max_discharge_power_w)
    if soc is not None and charge_taper:
        max_charge_w = min(max_charge_w, float(taper_limit_w(charge_taper, math.inf, soc)))
    if soc is not None and discharge_taper:
        max_discharge_w = min(max_discharge_w, float(taper_limit_w(discharge_taper, math.inf, soc)))
    energy_wh: float | None = None
    if not caps.discharge_supported:
        reasons.append("station cannot discharge")
    elif needs is None or not needs.discharge_allowed:
        reasons.append("driver has not allowed discharge")
    elif soc is None:
        reasons.append("EV state of charge unknown")
    elif soc_age_s > max_discharge_validity_s:
        reasons.append(f"EV state of charge last read {soc_age_s:.0f} s ago")
    elif soc <= _reserve(needs, default_min_soc):
        reasons.append("EV at or below its minimum reserve")
    elif needs.ev_capacity_wh:
        energy_wh = (soc - _reserve(needs, default_min_soc)) * needs.ev_capacity_wh
        if soc_age_s > 0 and math.isfinite(max_discharge_w):  # the most it may have given since the reading
            energy_wh -= max_discharge_w * soc_age_s / 3600.0
        if energy_wh <= 0:
            reasons.append(f"EV may be at its reserve (state of charge read {soc_age_s:.0f} s ago)")
    if reasons:
        max_discharge_w, energy_wh = 0.0, 0.0
    if max_charge_w == float("inf"):
        max_charge_w = 1e9  # no rating known: the station enforces its own hardware limit
    if max_discharge_w == float("inf"):
        max_discharge_w = 0.0 if reasons else 1e9
    return EvseEnvelope(max_charge_w, max_discharge_w, energy_wh, max_discharge_validity_s, tuple(reasons))


def _reserve(needs: ChargingNeedsRecord, default_min_soc: float) -> float:
    return default_min_soc if needs.min_soc is None else needs.min_soc


def _limits_nothing(limits: SiteLimits | None) -> bool:
    return limits is None or (limits.import_limit_w is None and limits.export_limit_w is None)


def _setpoint_inside(schedule: PowerSchedule, env: EvseEnvelope) -> bool:
    """A one-period central-setpoint or charging-only schedule that the envelope alone leaves as it is (the
    general rules below would return it unchanged, by the same arithmetic)."""
    if len(schedule.periods) != 1:
        return False
    period = schedule.periods[0]
    power_w = period.power_w
    if period.mode is OperationMode.CHARGING_ONLY:
        if power_w < 0:
            return False
    elif period.mode is not OperationMode.CENTRAL_SETPOINT:
        return False
    if not -env.max_discharge_w <= power_w <= env.max_charge_w:
        return False
    if period.max_charge_w is not None and period.max_charge_w > env.max_charge_w:
        return False
    if period.max_discharge_w is not None and period.max_discharge_w > env.max_discharge_w:
        return False
    if power_w < 0 and period.mode is OperationMode.CENTRAL_SETPOINT:  # discharges
        if schedule.duration_s > env.max_discharge_validity_s:
            return False
        energy_wh = env.discharge_energy_wh
        if energy_wh is not None and power_w < -(energy_wh * 3600.0 / schedule.duration_s):
            return False
    return True


def _clamp_power(power_w: float, low_w: float, high_w: float) -> float:
    return min(max(power_w, low_w), high_w)


def _headroom(limits: SiteLimits, others: SiteOthers | None, other_w: float,
              windows: Sequence[tuple[int, int]]) -> list[tuple[float, float]] | None:
    """Per window, the (lowest, highest) power `limits` leave one EVSE given what the others may exchange
    (from `others`, else the constant `other_w`); None when `limits` limit nothing."""
    if _limits_nothing(limits):
        return None
    sums = list(others(windows)) if others is not None else [(other_w, other_w)] * len(windows)
    return [(-math.inf if limits.export_limit_w is None else min(0.0, -limits.export_limit_w - lo_w),
             math.inf if limits.import_limit_w is None else max(0.0, limits.import_limit_w - hi_w))
            for lo_w, hi_w in sums]


def clamp_schedule(schedule: PowerSchedule, env: EvseEnvelope, site: SiteLimits | None = None,
                   site_other_w: float = 0.0, site_others: SiteOthers | None = None, *,
                   station: SiteLimits | None = None, station_others: SiteOthers | None = None,
                   evses: int = 1, topology_room: SiteOthers | None = None) -> Clamped:
    """Return `schedule` cut to the envelope and to the site's and the station's headroom: what the other EVSEs
    (of the site; of the station) may exchange, period by period from `site_others` / `station_others`, else
    the constant `site_other_w` (site) or nothing (station). `evses` > 1: the schedule applies to that many
    EVSEs at once (a TxDefaultProfile on EVSE 0), each gets an equal part of the shared headroom.
    `topology_room`: per period window, the (lowest, highest) power the site topology leaves this EVSE
    (`TopologyLedger.room`, offsets turned into its epoch seconds by the caller)."""
    if (topology_room is None and _limits_nothing(site) and _limits_nothing(station)
            and _setpoint_inside(schedule, env)):
        return Clamped(schedule, ())  # a fleet tick's setpoint within its EVSE's envelope: nothing to cut
    changes: list[str] = []
    energy_left_wh = env.discharge_energy_wh
    periods: list[SchedulePeriod] = []
    duration_s = schedule.duration_s
    if schedule.discharges and duration_s > env.max_discharge_validity_s:
        duration_s = env.max_discharge_validity_s
        changes.append(f"validity cut to {duration_s} s (discharging schedule)")
    kept = [p for p in schedule.periods if p.start_offset_s < duration_s]
    windows = [(p.start_offset_s, kept[i + 1].start_offset_s if i + 1 < len(kept) else duration_s)
               for i, p in enumerate(kept)]
    # (headroom per window, what bounds the top, what bounds the bottom) of each shared limit that limits
    shared = [(room, high_name, low_name) for room, high_name, low_name in (
        (_headroom(site or SiteLimits(), site_others, site_other_w, windows), "site import limit",
         "site export limit"),
        (_headroom(station or SiteLimits(), station_others, 0.0, windows), "station charge limit",
         "station discharge limit"),
        (None if topology_room is None else list(topology_room(windows)), "site topology limit",
         "site topology limit")) if room is not None]
    for i, (period, (start_s, end_s)) in enumerate(zip(kept, windows, strict=True)):
        high_w, low_w = env.max_charge_w, -env.max_discharge_w
        high_by = low_by = ""  # the shared limit that set the bound, if any
        for room, high_name, low_name in shared:
            room_lo_w, room_hi_w = room[i][0] / evses, room[i][1] / evses
            if room_hi_w < high_w:
                high_w, high_by = room_hi_w, high_name
            if room_lo_w > low_w:
                low_w, low_by = room_lo_w, low_name
        new = period
        if period.mode is OperationMode.LOCAL_FREQUENCY:
            # the station exchanges baseline + curve(f): bound that sum, and its worst discharge by the energy
            # left above the reserve over this period
            low_lf_w = low_w
            if energy_left_wh is not None:
                low_lf_w = max(low_w, -energy_left_wh * 3600.0 / (end_s - start_s))
            baseline_w = _clamp_power(period.baseline_w or 0.0, low_lf_w, high_w)
            curve = tuple(FreqWattPoint(p.frequency_hz, _clamp_power(baseline_w + p.power_w, low_lf_w, high_w)
                                        - baseline_w) for p in period.freq_watt_curve)
            new = dataclasses.replace(
                period, freq_watt_curve=curve,
                baseline_w=None if period.baseline_w is None and baseline_w == 0.0 else baseline_w,
                max_charge_w=high_w if period.max_charge_w is None else min(period.max_charge_w, high_w),
                max_discharge_w=-low_lf_w if period.max_discharge_w is None else min(period.max_discharge_w,
                                                                                     -low_lf_w),
            )
            worst_w = baseline_w + min([p.power_w for p in curve] + [0.0])
        elif period.mode is OperationMode.IDLE:
            worst_w = 0.0
        else:
            power_w = _clamp_power(period.power_w, low_w, high_w)
            if period.mode is OperationMode.CHARGING_ONLY:
                power_w = max(0.0, power_w)
            if energy_left_wh is not None and power_w < 0:
                allowed_w = energy_left_wh * 3600.0 / (end_s - start_s)
                power_w = max(power_w, -allowed_w)
            max_charge_w = None if period.max_charge_w is None else min(period.max_charge_w, high_w)
            max_discharge_w = None if period.max_discharge_w is None else min(period.max_discharge_w, -low_w)
            if (power_w, max_charge_w, max_discharge_w) != (period.power_w, period.max_charge_w,
                                                             period.max_discharge_w):
                new = dataclasses.replace(period, power_w=power_w, max_charge_w=max_charge_w,
                                          max_discharge_w=max_discharge_w)
            worst_w = power_w
        if energy_left_wh is not None and worst_w < 0:
            energy_left_wh = max(0.0, energy_left_wh + worst_w * (end_s - start_s) / 3600.0)
        if new is not period and new != period:
            if period.mode in (OperationMode.LOCAL_FREQUENCY, OperationMode.IDLE) or new.power_w == period.power_w:
                bound_by = [low_by, high_by]
            else:  # the setpoint moved: toward the bound it hit
                bound_by = [high_by if new.power_w < period.power_w else low_by]
            changes.append(f"period at {period.start_offset_s} s clamped to [{low_w:.0f}, {high_w:.0f}] W"
                           + "".join(f"; {by}" for by in bound_by if by)
                           + ("; energy above reserve" if energy_left_wh is not None else ""))
        periods.append(new)
    if duration_s == schedule.duration_s and all(new is old for new, old in zip(periods, schedule.periods,
                                                                                 strict=True)):
        return Clamped(schedule, tuple(changes))  # nothing to cut (the common case in a fan-out)
    clamped = dataclasses.replace(schedule, periods=tuple(periods), duration_s=duration_s)
    return Clamped(clamped, tuple(changes))
