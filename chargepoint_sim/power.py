"""What power an EVSE tries to deliver: the hook the station's integration loop asks.

`PowerControl.setpoint_w(evse, at)` is the signed grid-side power the station asks for on an EVSE with a
running transaction; the station then clamps it to the EVSE rating and the EV applies its own limits and
SoC bounds (`ev.step`). `next_change_at` lets the station integrate piecewise-constant setpoints exactly:
it never steps across a change.

`ProfilePowerControl` (the station's default) executes its charging profiles: the target is the value of the
stacking rules now (`smart_charging.ProfileStore.power_w`, LocalFrequency following the frequency input), and
the power electronics follow it with a dead time (`response_delay_s`: every change of the target takes effect
that much later) and a ramp (`ramp_w_per_s`, integrated as a staircase of `ramp_step_s` steps, each at the
ramp's mid-step value, which is exact for the energy of a linear ramp). A new transaction starts from 0 W.
`DefaultPowerControl` charges as fast as EVSE and EV allow (no profiles).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

from chargepoint_sim.evse import Evse
from chargepoint_sim.smart_charging import ProfileStore


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


@dataclass(frozen=True, slots=True)
class ControlSpec:
    """Actuation dynamics and frequency response of a station. Durations are simulated seconds."""

    response_delay_s: float = 0.0
    ramp_w_per_s: float | None = None  # None: steps at once
    ramp_step_s: float = 1.0
    nominal_frequency_hz: float = 50.0
    frequency_sample_s: float = 1.0  # how often a LocalFrequency period re-reads a frequency callable

    def __post_init__(self) -> None:
        if self.response_delay_s < 0 or self.ramp_step_s <= 0 or self.frequency_sample_s <= 0:
            raise ValueError("response_delay_s must be >= 0; ramp_step_s and frequency_sample_s > 0")
        if self.ramp_w_per_s is not None and self.ramp_w_per_s <= 0:
            raise ValueError("ramp_w_per_s must be > 0 (None: no ramp)")


DEFAULT_CONTROL = ControlSpec()

FrequencyInput = float | Callable[[datetime], float]
"""Grid frequency in Hz: a fixed value (set it again to change it) or a function of simulated time."""


@dataclass(slots=True)
class _Actuator:
    """Output state of one EVSE's power electronics during one transaction."""

    transaction_id: str
    observed_at: datetime
    observed_w: float  # last target seen (before the dead time)
    target_w: float  # target in effect (after the dead time)
    from_at: datetime  # the output ramps from (from_at, from_w) towards target_w
    from_w: float
    pending: deque[tuple[datetime, float]] = field(default_factory=deque)  # (effective_at, target_w)
    synced: tuple[object, ...] = ()  # what the last sync saw (time, profiles, frequency): the same again is a no-op
    # the last answers, each for (the sync it followed, the time asked): the same question again costs nothing
    setpoint_memo: tuple[tuple[object, ...], datetime, float] | None = None
    change_memo: tuple[tuple[object, ...], datetime, datetime | None] | None = None


class ProfilePowerControl:
    """Executes a station's charging profiles with response delay, ramp rate and frequency response."""

    def __init__(self, profiles: ProfileStore, control: ControlSpec | None = None,
                 frequency: Callable[[], FrequencyInput | None] | None = None) -> None:
        self.profiles = profiles
        self.control = control or ControlSpec()
        self._frequency = frequency or (lambda: None)
        self._actuators: dict[int, _Actuator] = {}

    # ---- PowerControl --------------------------------------------------------------------------------------

    def setpoint_w(self, evse: Evse, at: datetime) -> float:
        act = self._sync(evse, at)
        if act is None:
            return 0.0
        memo = act.setpoint_memo
        if memo is not None and memo[0] is act.synced and memo[1] == at:
            return memo[2]
        step_s = self._ramp_step_s(act, at)
        value_w = self._output_w(act, at if step_s is None else at + timedelta(seconds=step_s / 2))
        act.setpoint_memo = (act.synced, at, value_w)
        return value_w

    def next_change_at(self, evse: Evse, after: datetime) -> datetime | None:
        act = self._sync(evse, after)
        if act is None:
            return None
        memo = act.change_memo
        if memo is not None and memo[0] is act.synced and memo[1] == after:
            return memo[2]
        change_at = self._next_change_at(evse, act, after)
        act.change_memo = (act.synced, after, change_at)
        return change_at

    def _next_change_at(self, evse: Evse, act: _Actuator, after: datetime) -> datetime | None:
        candidates = [self.profiles.next_change_at(evse.evse_id, after)]
        if act.pending:
            candidates.append(act.pending[0][0])
        step_s = self._ramp_step_s(act, after)
        if step_s is not None:
            candidates.append(after + timedelta(seconds=step_s))
        if callable(self._frequency()) and self.profiles.follows_frequency(evse.evse_id, act.transaction_id, after):
            candidates.append(after + timedelta(seconds=self.control.frequency_sample_s))
        present = [c for c in candidates if c is not None and c > after]
        return min(present) if present else None

    # ---- the target and the actuator ------------------------------------------------------------------------

    def frequency_hz(self, at: datetime) -> float:
        source = self._frequency()
        if source is None:
            return self.control.nominal_frequency_hz
        return float(source(at)) if callable(source) else float(source)

    def target_w(self, evse: Evse, transaction_id: str, at: datetime) -> float:
        """What the profiles ask for now (LocalFrequency at the current frequency), before delay and ramp."""
        segment = self.profiles.segment(evse.evse_id, transaction_id, at)
        if not segment.follows_frequency:
            return segment.nominal_w
        return self.profiles.power_w(evse.evse_id, transaction_id, at, self.frequency_hz(at))

    def _sync(self, evse: Evse, at: datetime) -> _Actuator | None:
        """Bring the EVSE's actuator up to `at`: apply due targets, observe the current one."""
        tx = evse.transaction
        if tx is None:
            self._actuators.pop(evse.evse_id, None)
            return None
        act = self._actuators.get(evse.evse_id)
        if act is None or act.transaction_id != tx.transaction_id:
            act = _Actuator(tx.transaction_id, at, float("nan"), 0.0, at, 0.0)
            self._actuators[evse.evse_id] = act
        if at < act.observed_at:
            return act  # a look into the past: answer from the current state
        seen = (at, self.profiles.revision, self.profiles.offline_since_at, self._frequency())
        if seen == act.synced:
            return act
        act.synced = seen
        while act.pending and act.pending[0][0] <= at:
            effective_at, target = act.pending.popleft()
            self._retarget(act, effective_at, target)
        target = self.target_w(evse, tx.transaction_id, at)
        if target != act.observed_w:
            act.observed_w = target
            if self.control.response_delay_s > 0:
                act.pending.append((at + timedelta(seconds=self.control.response_delay_s), target))
            else:
                self._retarget(act, at, target)
        act.observed_at = at
        return act

    def _retarget(self, act: _Actuator, at: datetime, target_w: float) -> None:
        act.from_w = self._output_w(act, at)
        act.from_at = at
        act.target_w = target_w

    def _output_w(self, act: _Actuator, at: datetime) -> float:
        rate = self.control.ramp_w_per_s
        if rate is None or act.target_w == act.from_w:
            return act.target_w
        reach_w = rate * max(0.0, (at - act.from_at).total_seconds())
        delta_w = act.target_w - act.from_w
        return act.target_w if abs(delta_w) <= reach_w else act.from_w + (reach_w if delta_w > 0 else -reach_w)

    def _ramp_step_s(self, act: _Actuator, at: datetime) -> float | None:
        """Length of the current ramp step from `at` (None: not ramping)."""
        rate = self.control.ramp_w_per_s
        if rate is None or act.target_w == act.from_w:
            return None
        remaining_w = abs(act.target_w - self._output_w(act, at))
        if remaining_w < 1e-9:
            return None
        return min(self.control.ramp_step_s, remaining_w / rate)
