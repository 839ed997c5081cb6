"""The internal model of a charge/discharge command: a signed power schedule per EVSE.

Power is signed W: + charge (import), - discharge (export). One `PowerSchedule` becomes one charging profile
on the wire; `csms.ocpp.profiles` maps it to each OCPP version's form. Every schedule has a bounded duration:
when it ends (or the CSMS goes silent) the station falls back to its lower-priority profiles, which never
discharge.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta


class OperationMode(enum.StrEnum):
    """OCPP 2.1 OperationModeEnumType values we command."""

    CHARGING_ONLY = "ChargingOnly"  # `power_w` is a charge limit >= 0
    CENTRAL_SETPOINT = "CentralSetpoint"  # `power_w` is a signed setpoint
    IDLE = "Idle"  # neither charge nor discharge
    LOCAL_FREQUENCY = "LocalFrequency"  # the station follows `freq_watt_curve` around `baseline_w`


class ProfilePurpose(enum.StrEnum):
    TX = "TxProfile"
    TX_DEFAULT = "TxDefaultProfile"
    STATION_MAX = "ChargingStationMaxProfile"


@dataclass(frozen=True, slots=True)
class FreqWattPoint:
    """One point of a frequency-watt curve: at `frequency_hz` the EVSE exchanges `power_w` (signed)."""

    frequency_hz: float
    power_w: float


@dataclass(frozen=True, slots=True)
class SchedulePeriod:
    """From `start_offset_s` after the schedule start until the next period (or the schedule's end).

    `max_charge_w` / `max_discharge_w` (magnitude) optionally bound a setpoint or a local-frequency response.
    """

    start_offset_s: int
    power_w: float
    mode: OperationMode = OperationMode.CENTRAL_SETPOINT
    max_charge_w: float | None = None
    max_discharge_w: float | None = None
    baseline_w: float | None = None
    freq_watt_curve: tuple[FreqWattPoint, ...] = ()

    @property
    def discharges(self) -> bool:
        """Could this period make the EV export energy?"""
        if self.mode is OperationMode.LOCAL_FREQUENCY:
            return any(p.power_w < 0 for p in self.freq_watt_curve) or (self.baseline_w or 0.0) < 0
        return self.mode is OperationMode.CENTRAL_SETPOINT and self.power_w < 0


@dataclass(frozen=True, slots=True)
class PowerSchedule:
    """A signed power schedule for one EVSE (evse_id 0 = the whole station, for STATION_MAX)."""

    evse_id: int
    starts_at: datetime
    duration_s: int
    periods: tuple[SchedulePeriod, ...]
    purpose: ProfilePurpose = ProfilePurpose.TX
    transaction_id: str | None = None

    def __post_init__(self) -> None:
        if not self.periods or self.periods[0].start_offset_s != 0:
            raise ValueError("a schedule needs periods, the first starting at offset 0")
        offsets = [p.start_offset_s for p in self.periods]
        if offsets != sorted(set(offsets)):
            raise ValueError("period offsets must be strictly increasing")
        if self.duration_s <= 0 or offsets[-1] >= self.duration_s:
            raise ValueError("duration_s must be positive and beyond the last period's start")
        if self.starts_at.tzinfo is None:
            raise ValueError("starts_at must be timezone-aware")

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(seconds=self.duration_s)

    @property
    def discharges(self) -> bool:
        for period in self.periods:  # a loop, not `any(...)`: asked once per setpoint
            if period.discharges:
                return True
        return False

    def period_at(self, at: datetime) -> SchedulePeriod | None:
        """The period in force at `at`, or None outside the schedule."""
        if at < self.starts_at or at >= self.ends_at:
            return None
        offset_s = (at - self.starts_at).total_seconds()
        current = self.periods[0]
        for period in self.periods:
            if period.start_offset_s <= offset_s:
                current = period
            else:
                break
        return current


def constant_schedule(evse_id: int, starts_at: datetime, power_w: float, duration_s: int,
                      transaction_id: str | None = None) -> PowerSchedule:
    """A one-period central-setpoint schedule (charge if power_w > 0, discharge if < 0)."""
    return PowerSchedule(evse_id=evse_id, starts_at=starts_at, duration_s=duration_s,
                         periods=(SchedulePeriod(0, power_w),), transaction_id=transaction_id)
