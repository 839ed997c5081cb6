"""How well can any resource score on each recorded regulation hour? For every date column of a regulation file,
the PJM-style score (`csms.services.scoring`) of a perfect follower one sample late (`one_step_late_score`):
the bound for a resource whose answer to a signal step is seen only at the next sample, which is how the
replay samples its response. Prints the distribution and the hours below a threshold; a figure, not a test.

    .venv/bin/python bench/regulation_late_bound.py --format caiso --offset-s 3600 --duration-s 3600
"""

from __future__ import annotations

import argparse
from zoneinfo import ZoneInfo

import numpy as np

from csms.grid.data import data_path
from csms.grid.parsers.regulation import parse_caiso_regulation, parse_pjm_regulation
from csms.services.scoring import one_step_late_score


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--format", choices=["pjm", "caiso"], default="caiso")
    parser.add_argument("--offset-s", type=float, default=3600.0)
    parser.add_argument("--duration-s", type=float, default=3600.0)
    parser.add_argument("--threshold", type=float, default=0.95)
    args = parser.parse_args()
    if args.format == "pjm":
        series = parse_pjm_regulation(data_path("pjm/pjm_regA_2s_2017-08-01_1600-2400.csv")).items
    else:
        series = parse_caiso_regulation(data_path("caiso/caiso_regulation_dispatch_4s_100MW_battery_2016.csv")).items
    zone = ZoneInfo("America/New_York" if args.format == "pjm" else "America/Los_Angeles")
    rows = []
    for day, s in enumerate(series):
        first = round(args.offset_s / s.interval_s)
        values = s.values[first:first + round(args.duration_s / s.interval_s)]
        if len(values) * s.interval_s < args.duration_s or np.isnan(values).any():
            continue
        score = one_step_late_score(values, s.interval_s)
        rows.append((day, s.start_at.astimezone(zone).date().isoformat(), score.composite, score.precision,
                     float(np.mean(np.abs(np.diff(values))))))
    composite = np.array([r[2] for r in rows])
    print(f"{args.format}: {len(rows)} hours (offset {args.offset_s:g} s, {args.duration_s:g} s); one-sample-late "
          f"bound: min {composite.min():.3f}, median {np.median(composite):.3f}, max {composite.max():.3f}; "
          f"below {args.threshold}: {int((composite < args.threshold).sum())}")
    print("day  date        bound  precision  mean |step|")
    for day, date, comp, prec, step in rows:
        if comp < args.threshold or day % 10 == 0:
            print(f"{day:3d}  {date}  {comp:.3f}  {prec:.3f}      {step:.4f}")


if __name__ == "__main__":
    main()
