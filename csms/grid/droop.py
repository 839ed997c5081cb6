"""Frequency -> power droop curves (FCR-N, FCR-D up/down, continental FCR, or any piecewise-linear band).

`DroopCurve.fraction(frequency_hz)` returns the activated fraction of the reserved capacity in [-1, 1] with the
regulation sign convention of csms.grid.signals: + = increase net injection (under-frequency), - = decrease it
(over-frequency). Pure: numpy only.

Shape: no response between `up_start_hz` and `down_start_hz` (the deadband around nominal); linear from
`up_start_hz` (0) down to `up_full_hz` (+1) and from `down_start_hz` (0) up to `down_full_hz` (-1); saturated
beyond. Either side may be absent (FCR-D up responds to under-frequency only).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from csms.grid.signals import FloatArray


@dataclass(frozen=True, slots=True)
class DroopCurve:
    up_start_hz: float | None
    up_full_hz: float | None
    down_start_hz: float | None
    down_full_hz: float | None
    name: str = "droop"

    def __post_init__(self) -> None:
        if (self.up_start_hz is None) != (self.up_full_hz is None):
            raise ValueError("give both up_start_hz and up_full_hz, or neither")
        if (self.down_start_hz is None) != (self.down_full_hz is None):
            raise ValueError("give both down_start_hz and down_full_hz, or neither")
        if self.up_start_hz is None and self.down_start_hz is None:
            raise ValueError("a droop curve needs at least one side")
        for value in (self.up_start_hz, self.up_full_hz, self.down_start_hz, self.down_full_hz):
            if value is not None and not (math.isfinite(value) and value > 0):
                raise ValueError(f"frequency thresholds must be positive and finite, got {value!r}")
        if self.up_start_hz is not None and self.up_full_hz is not None and not self.up_full_hz < self.up_start_hz:
            raise ValueError("up_full_hz must be below up_start_hz")
        if self.down_start_hz is not None and self.down_full_hz is not None \
                and not self.down_full_hz > self.down_start_hz:
            raise ValueError("down_full_hz must be above down_start_hz")
        if self.up_start_hz is not None and self.down_start_hz is not None and self.up_start_hz > self.down_start_hz:
            raise ValueError("up_start_hz must not exceed down_start_hz")

    @classmethod
    def fcr_n(cls, *, nominal_hz: float = 50.0, deadband_hz: float = 0.0, full_deviation_hz: float = 0.1,
              ) -> DroopCurve:
        """Nordic FCR-N: linear, full activation at nominal -/+ 0.1 Hz (49.9 / 50.1 Hz), optional deadband."""
        if not 0 <= deadband_hz < full_deviation_hz:
            raise ValueError("need 0 <= deadband_hz < full_deviation_hz")
        return cls(nominal_hz - deadband_hz, nominal_hz - full_deviation_hz,
                   nominal_hz + deadband_hz, nominal_hz + full_deviation_hz, name="FCR-N")

    @classmethod
    def fcr_d_up(cls, *, start_hz: float = 49.9, full_hz: float = 49.5) -> DroopCurve:
        """Nordic FCR-D upwards: one-sided, from 49.9 Hz (0) to 49.5 Hz (full injection)."""
        return cls(start_hz, full_hz, None, None, name="FCR-D up")

    @classmethod
    def fcr_d_down(cls, *, start_hz: float = 50.1, full_hz: float = 50.5) -> DroopCurve:
        """Nordic FCR-D downwards: one-sided, from 50.1 Hz (0) to 50.5 Hz (full absorption)."""
        return cls(None, None, start_hz, full_hz, name="FCR-D down")

    @classmethod
    def fcr_continental(cls, *, nominal_hz: float = 50.0, deadband_hz: float = 0.01,
                        full_deviation_hz: float = 0.2) -> DroopCurve:
        """Continental European FCR: symmetric, full activation at -/+ 200 mHz, +-10 mHz insensitivity."""
        return cls.fcr_n(nominal_hz=nominal_hz, deadband_hz=deadband_hz, full_deviation_hz=full_deviation_hz)

    def fraction(self, frequency_hz: float) -> float:
        """Activated fraction in [-1, 1] at `frequency_hz` (+ = inject more)."""
        if not math.isfinite(frequency_hz):
            raise ValueError(f"frequency {frequency_hz!r} is not finite")
        if self.up_start_hz is not None and self.up_full_hz is not None and frequency_hz < self.up_start_hz:
            return min(1.0, (self.up_start_hz - frequency_hz) / (self.up_start_hz - self.up_full_hz))
        if self.down_start_hz is not None and self.down_full_hz is not None and frequency_hz > self.down_start_hz:
            return -min(1.0, (frequency_hz - self.down_start_hz) / (self.down_full_hz - self.down_start_hz))
        return 0.0

    def fractions(self, frequency_hz: FloatArray) -> FloatArray:
        """Vectorised `fraction` over an array of frequencies."""
        f = np.asarray(frequency_hz, dtype=np.float64)
        if not np.all(np.isfinite(f)):
            raise ValueError("frequencies must be finite")
        out = np.zeros_like(f)
        if self.up_start_hz is not None and self.up_full_hz is not None:
            up = np.clip((self.up_start_hz - f) / (self.up_start_hz - self.up_full_hz), 0.0, 1.0)
            out = out + up
        if self.down_start_hz is not None and self.down_full_hz is not None:
            down = np.clip((f - self.down_start_hz) / (self.down_full_hz - self.down_start_hz), 0.0, 1.0)
            out = out - down
        return out
