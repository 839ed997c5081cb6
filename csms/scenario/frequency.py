"""A synthetic grid-frequency series for frequency-response scenarios (there is no measured file in the data).

Model: an Ornstein-Uhlenbeck process around the nominal frequency, discretised exactly,
    f[k+1] - f0 = a (f[k] - f0) + std * sqrt(1 - a^2) * N(0, 1),   a = exp(-step / tau),
then smoothed by a first-order low-pass with time constant `smooth_s` (system inertia and governors: a real
frequency does not jump by several mHz from one second to the next), centred on nominal and rescaled so its standard
deviation is `std_hz`. The Nordic synchronous area typically runs within 49.9-50.1 Hz with a standard
deviation of a few tens of mHz and minutes-long excursions, which std 0.04 Hz, tau 90 s and smoothing 15 s
imitate (1-s changes of ~1-2 mHz); values are clipped to +-0.25 Hz.
"""

from __future__ import annotations

import math
from datetime import datetime

import numpy as np

from csms.grid.signals import FloatArray, FrequencySeries


def ou_frequency(start_at: datetime, duration_s: float, *, step_s: float = 1.0, nominal_hz: float = 50.0,
                 std_hz: float = 0.04, tau_s: float = 90.0, smooth_s: float = 15.0, seed: int = 7
                 ) -> FrequencySeries:
    """`duration_s / step_s` samples of a seeded OU frequency starting at a draw from its stationary law."""
    n = max(1, math.ceil(duration_s / step_s))
    rng = np.random.default_rng(seed)
    a = math.exp(-step_s / tau_s)
    noise = rng.standard_normal(n) * std_hz * math.sqrt(1 - a * a)
    deviation: FloatArray = np.empty(n)
    deviation[0] = rng.standard_normal() * std_hz
    for k in range(1, n):
        deviation[k] = a * deviation[k - 1] + noise[k]
    b = math.exp(-step_s / smooth_s) if smooth_s > 0 else 0.0
    smooth: FloatArray = np.empty(n)
    smooth[0] = deviation[0]
    for k in range(1, n):
        smooth[k] = b * smooth[k - 1] + (1 - b) * deviation[k]
    spread = float(np.std(smooth))
    if spread > 1e-12:
        smooth = (smooth - float(np.mean(smooth))) * (std_hz / spread)
    values = nominal_hz + np.clip(smooth, -0.25, 0.25)
    source = f"synthetic OU (std {std_hz} Hz, tau {tau_s} s, low-pass {smooth_s} s, seed {seed})"
    return FrequencySeries(start_at, step_s, values, source, label="synthetic")
