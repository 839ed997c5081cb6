"""Performance scores of a fleet's grid service. Pure numpy; no I/O.

Regulation performance score, after PJM Manual 12 (Balancing Operations) section 4.5.6 "Performance Score":
the composite score is the mean of three component scores, each in [0, 1]:
- accuracy: the highest Pearson correlation between the signal and the response delayed by delta, over
  delta = 0 .. 5 min (PJM steps delta by 10 s; we step by the sample interval, 2 s for RegA and 4 s for CAISO,
  so a lag that is not a multiple of 10 s is found where it is; negative correlation counts as 0);
- delay: |(delta* - 5 min) / 5 min| where delta* is the delay giving that highest correlation;
- precision: 1 - mean(|response - signal|) / mean(|signal|).
Exactly what we compute: signal and response are normalised to the resource's regulation capacity ([-1, 1],
same sign convention) and sampled on the same uniform grid (2 s for PJM RegA, 4 s for CAISO). The series is
cut into consecutive 5-minute windows; each window's components use the response from the window start
plus delta (so the last windows see less delay range near the end of the data). The reported composite is the
mean over windows of (accuracy + delay + precision) / 3, i.e. PJM's hourly score averaged over the run.
A window whose signal barely moves (standard deviation < 0.02 of capacity, e.g. RegA pinned at -1) has no
variation to correlate: there accuracy and delay are 1 if the response stays within 0.05 of the signal on
average, else 0 (correlating noise would pick an arbitrary delay). That rule is ours, not PJM's; the CSV of
`python -m csms replay --out` lets anyone score the same run differently.

What a causal resource can reach: signal and response are sampled at the same instants, and a sample is taken
when the signal steps, so a resource that answers after the step (any real one: the command has to travel) shows
the previous step's value there. `one_step_late_score` is the score of a perfect follower one sample late; on a
signal that jumps a large share of capacity per step (some CAISO battery hours) it is below 0.95, and no
resource scored this way can beat it except by being faster than one sample.

Tracking error (setpoint following) and DR delivery are simpler: see the functions below.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]

WINDOW_S = 300.0
FLAT_SIGNAL_STD = 0.02
MAX_DELAY_S = 300.0


@dataclass(frozen=True, slots=True)
class RegulationScore:
    composite: float
    accuracy: float
    delay: float
    precision: float
    windows: int


def _corr(a: FloatArray, b: FloatArray) -> float:
    if len(a) < 3 or float(np.std(a)) < 1e-9 or float(np.std(b)) < 1e-9:
        return float("nan")
    return float(np.corrcoef(a, b)[0, 1])


def _window_scores(signal: FloatArray, response: FloatArray, start: int, n: int, step_s: float
                   ) -> tuple[float, float, float]:
    sig = signal[start:start + n]
    best_r, best_delay_s = -1.0, MAX_DELAY_S
    constant = float(np.std(sig)) < FLAT_SIGNAL_STD
    for delay_s in np.arange(0.0, MAX_DELAY_S + 1e-9, step_s):
        shift = round(float(delay_s) / step_s)
        if start + shift + n > len(response):
            break
        r = _corr(sig, response[start + shift:start + shift + n])
        if not np.isnan(r) and r > best_r + 1e-12:
            best_r, best_delay_s = r, float(delay_s)
    resp = response[start:start + n]
    if constant:
        ok = float(np.mean(np.abs(resp - sig))) <= 0.05
        best_r, best_delay_s = (1.0, 0.0) if ok else (0.0, MAX_DELAY_S)
    accuracy = max(0.0, best_r)
    delay = abs((best_delay_s - MAX_DELAY_S) / MAX_DELAY_S) if accuracy > 0 else 0.0
    mean_abs_signal = float(np.mean(np.abs(sig)))
    error = float(np.mean(np.abs(resp - sig)))
    precision = 1.0 - error / mean_abs_signal if mean_abs_signal > 1e-9 else (1.0 if error < 0.05 else 0.0)
    return accuracy, delay, max(0.0, precision)


def regulation_score(signal: FloatArray, response: FloatArray, step_s: float) -> RegulationScore:
    """PJM-style composite performance score of `response` following `signal` (same grid, step `step_s`)."""
    signal = np.asarray(signal, dtype=float)
    response = np.asarray(response, dtype=float)
    if signal.shape != response.shape:
        raise ValueError("signal and response must have the same length")
    n = round(WINDOW_S / step_s)
    windows = [(s, n) for s in range(0, len(signal) - n + 1, n)] or ([(0, len(signal))] if len(signal) else [])
    if not windows:
        return RegulationScore(0.0, 0.0, 0.0, 0.0, 0)
    parts = np.array([_window_scores(signal, response, s, m, step_s) for s, m in windows])
    accuracy, delay, precision = (float(x) for x in parts.mean(axis=0))
    composite = float(parts.mean(axis=1).mean())
    return RegulationScore(composite, accuracy, delay, precision, len(windows))


def one_step_late_score(signal: FloatArray, step_s: float) -> RegulationScore:
    """The score of a resource that follows `signal` exactly, one sample late (the first sample held): the
    bound for a resource whose response to a step is only seen at the next sample."""
    signal = np.asarray(signal, dtype=float)
    late = np.concatenate([signal[:1], signal[:-1]])
    return regulation_score(signal, late, step_s)


def tracking_error(setpoint_w: FloatArray, measured_w: FloatArray) -> float:
    """Mean absolute error of measured power against the commanded setpoints, as a fraction of the mean
    absolute setpoint (0 = perfect)."""
    setpoint_w = np.asarray(setpoint_w, dtype=float)
    measured_w = np.asarray(measured_w, dtype=float)
    scale = float(np.mean(np.abs(setpoint_w)))
    error = float(np.mean(np.abs(measured_w - setpoint_w)))
    return error / scale if scale > 1e-9 else error


def dr_delivery(baseline_w: float, measured_w: FloatArray) -> float:
    """Average load reduction delivered over an event window (W) against a stated baseline."""
    return float(baseline_w - np.mean(np.asarray(measured_w, dtype=float)))
