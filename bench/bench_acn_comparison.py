"""Replay real Caltech ACN sessions: our planner (receding horizon) vs acnportal's baselines.

    .venv/bin/python bench/bench_acn_comparison.py                   # 2019-06-03 .. 2019-06-17 (2 weeks)
    .venv/bin/python bench/bench_acn_comparison.py --start 2019-06-03 --days 28 --site-limit-kw 150

Data (read from $CSMS_DATA_DIR, default: the repository's data/):
  ev_sessions/acn_caltech_sessions_2019-05_2019-08.csv.gz   real sessions (Lee, Li and Low, e-Energy 2019)
  tariffs/sce_tou_ev_4_march_2019.json                       SCE TOU-EV-4 energy prices and demand charge

Every algorithm runs in the same acnportal 0.3.3 simulator (``pip install acnportal==0.3.3``) with the
same events, the same network and the same metrics code (``acnportal.acnsim.analysis``):
  * sessions mirror acnportal's own ACN-Data loader: arrival/departure floored to the period, energy
    demand = delivered_energy (the session's real kWh; ``requested_energy`` is free user input, often
    0), ``force_feasible`` (demand capped at 32 A x 208 V x stay), lossless ``Battery`` sized to the
    demand; sessions that overlap an earlier one on the same station are skipped (counted);
  * network: one 208 V EVSE (0..32 A, continuous) per station id and a single aggregate current limit,
    the site limit. EDF and LLF (``SortedSchedulingAlgo``) respect it; uncontrolled charging ignores
    it by design (acnportal's docs), so its peak can exceed it;
  * ours_dc_weight_0.02 / ours_energy_only: the same with the demand charge weighted 0.02 (about a 12 h
    horizon's share of a month) / 0 in the
    objective (points on the energy-cost vs peak trade-off; the bill is still scored in full);
  * ours: ``csms.optimizer.plan`` on the active sessions every 3 periods and on every plug-in/unplug,
    horizon = until the last departure (cap 12 h, need beyond the cap carried by the terminal rule),
    step = the simulator period, prices = the tariff, demand charge = the tariff's with the peak so
    far as its floor, site import limit = the network limit, no discharge (ACN EVSEs are one-way).
Metrics: energy delivered as % of demand, peak site kW, energy cost (TOU energy charges) and the
demand charge (tariff $/kW x peak, as acnportal computes it), all over the replayed window.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import sys
import time
import warnings
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from acnportal import acnsim
from acnportal.acnsim.models.battery import Battery
from acnportal.algorithms import (
    BaseAlgorithm,
    SortedSchedulingAlgo,
    UncontrolledCharging,
    earliest_deadline_first,
    least_laxity_first,
)
from acnportal.signals.tariffs import TimeOfUseTariff

from csms.grid.data import data_dir as csms_data_dir
from csms.optimizer import EvSpec, FleetProblem, Market, PlannerOptions, Site, plan

LOCAL = ZoneInfo("America/Los_Angeles")
VOLTAGE_V = 208.0
MAX_RATE_A = 32.0
PERIOD_MIN = 5
TARIFF = "sce_tou_ev_4_march_2019"


def data_dir() -> Path:
    return csms_data_dir()


def load_sessions(start: datetime, end: datetime, site: str = "caltech") -> list[dict[str, Any]]:
    """Real ACN-Data sessions of ``site`` ("caltech" or "jpl") arriving in [start, end)."""
    path = data_dir() / "ev_sessions" / f"acn_{site}_sessions_2019-05_2019-08.csv.gz"
    with gzip.open(path, "rt") as fh:
        rows = list(csv.DictReader(fh))
    out = []
    for r in rows:
        arrival = datetime.fromisoformat(r["arrival"])
        if start <= arrival < end:
            out.append({"arrival": arrival, "departure": datetime.fromisoformat(r["departure"]),
                        "kwh": float(r["delivered_energy (kWh)"]), "station_id": r["station_id"],
                        "session_id": r["session_id"]})
    return sorted(out, key=lambda s: s["arrival"])


def build_events(sessions: list[dict[str, Any]], start: datetime) -> tuple[acnsim.EventQueue, int]:
    """acnportal events mirroring its ACN-Data loader (``acndata_events._convert_ev_dict``)."""
    max_power_kw = MAX_RATE_A * VOLTAGE_V / 1000
    busy_until: dict[str, int] = {}
    events, skipped = [], 0
    for s in sessions:
        arrival = int((s["arrival"] - start).total_seconds() // (60 * PERIOD_MIN))
        departure = int((s["departure"] - start).total_seconds() // (60 * PERIOD_MIN))
        if departure <= arrival or busy_until.get(s["station_id"], -1) > arrival:
            skipped += 1
            continue
        busy_until[s["station_id"]] = departure
        kwh = min(s["kwh"], max_power_kw * (departure - arrival) * PERIOD_MIN / 60)
        battery = Battery(kwh, 0, max_power_kw)
        ev = acnsim.EV(arrival, departure, kwh, s["station_id"], s["session_id"], battery)
        events.append(acnsim.PluginEvent(arrival, ev))
    return acnsim.EventQueue(events), skipped


def build_network(station_ids: list[str], site_limit_kw: float) -> acnsim.ChargingNetwork:
    network = acnsim.ChargingNetwork(violation_tolerance=1e-4, relative_tolerance=1e-6)
    for sid in station_ids:
        network.register_evse(acnsim.EVSE(sid, max_rate=MAX_RATE_A), VOLTAGE_V, 0)
    network.add_constraint(acnsim.Current(station_ids), site_limit_kw * 1000 / VOLTAGE_V, name="site")
    return network


class OursMpc(BaseAlgorithm):  # type: ignore[misc]
    """Receding-horizon wrapper: acnportal's view of the active sessions -> FleetProblem -> pilots."""

    def __init__(self, start: datetime, site_limit_kw: float, horizon_periods: int = 144,
                 demand_weight: float = 1.0) -> None:
        super().__init__()
        self.demand_weight = demand_weight
        self.max_recompute = 3
        self.start = start
        self.site_limit_w = site_limit_kw * 1000
        self.horizon_periods = horizon_periods
        self.solve_s: list[float] = []

    def schedule(self, active_sessions: list[Any]) -> dict[str, list[float]]:
        if not active_sessions:
            return {}
        iface = self.interface
        now = iface.current_time
        start_at = (self.start + timedelta(minutes=PERIOD_MIN * now)).astimezone(UTC)
        n = int(min(max(s.departure - now for s in active_sessions), self.horizon_periods))
        prices_per_mwh = iface.get_prices(n) * 1000
        evs = []
        for s in active_sessions:
            need_wh = max(s.remaining_demand, 0.0) * 1000
            evs.append(EvSpec(
                ev_id=s.session_id, arrival_at=start_at,
                departure_at=start_at + timedelta(minutes=PERIOD_MIN * (s.departure - now)),
                capacity_wh=need_wh + 1.0, soc_initial=0.0, target_added_energy_wh=need_wh,
                max_charge_power_w=iface.max_pilot_signal(s.station_id) * VOLTAGE_V,
                charge_efficiency=1.0, discharge_efficiency=1.0))
        problem = FleetProblem(
            start_at=start_at, step_s=PERIOD_MIN * 60, n_intervals=n, evs=tuple(evs),
            site=Site(import_limit_w=self.site_limit_w, export_limit_w=0.0, other_load_w=(0.0,) * n,
                      demand_charge_per_kw=iface.get_demand_charge() * self.demand_weight,
                      peak_floor_w=iface.get_prev_peak() * VOLTAGE_V),
            market=Market(tuple(prices_per_mwh.tolist()), (0.0,) * n, (0.0,) * n, (0.0,) * n),
            options=PlannerOptions(solver="simplex"),
        )
        t0 = time.perf_counter()
        result = plan(problem)
        self.solve_s.append(time.perf_counter() - t0)
        amps = np.clip(result.power_w / VOLTAGE_V, 0.0, MAX_RATE_A)
        return {s.station_id: amps[i].tolist() for i, s in enumerate(active_sessions)}


def run(name: str, algo: BaseAlgorithm, sessions: list[dict[str, Any]], start: datetime,
        site_limit_kw: float) -> dict[str, Any]:
    events, skipped = build_events(sessions, start)
    network = build_network(sorted({s["station_id"] for s in sessions}), site_limit_kw)
    tariff = TimeOfUseTariff(TARIFF, tariff_dir=str(data_dir() / "tariffs"))
    sim = acnsim.Simulator(network, algo, events, start, period=PERIOD_MIN, signals={"tariff": tariff},
                           verbose=False)
    t0 = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        sim.run()
    wall = time.perf_counter() - t0
    power_kw = acnsim.aggregate_power(sim)
    return {
        "name": name, "delivered_pct": 100 * acnsim.proportion_of_energy_delivered(sim),
        "delivered_kwh": acnsim.total_energy_delivered(sim), "requested_kwh": acnsim.total_energy_requested(sim),
        "peak_kw": float(np.max(power_kw)), "energy_cost": float(acnsim.energy_cost(sim)),
        "demand_charge": float(acnsim.demand_charge(sim)),
        "periods_over_limit": int(np.sum(power_kw > site_limit_kw + 1e-6)),
        "infeasible_schedule_warnings": sum("Invalid schedule" in str(w.message) for w in caught),
        "wall_s": wall, "skipped": skipped,
    }


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--start", default="2019-06-03", help="local (America/Los_Angeles) start date")
    parser.add_argument("--days", type=int, default=14)
    parser.add_argument("--site-limit-kw", type=float, default=150.0)
    parser.add_argument("--only", nargs="*", default=None,
                        help="subset of: ours ours_dc_weight_0.02 ours_energy_only uncontrolled edf llf")
    args = parser.parse_args(argv)
    start = datetime.fromisoformat(args.start).replace(tzinfo=LOCAL)
    end = start + timedelta(days=args.days)
    sessions = load_sessions(start, end)
    print(f"ACN Caltech {args.start} + {args.days} d: {len(sessions)} sessions, site limit {args.site_limit_kw} kW, "
          f"period {PERIOD_MIN} min, tariff {TARIFF}")
    ours = OursMpc(start, args.site_limit_kw)
    algos: dict[str, BaseAlgorithm] = {
        "ours": ours,
        "ours_dc_weight_0.02": OursMpc(start, args.site_limit_kw, demand_weight=0.02),
        "ours_energy_only": OursMpc(start, args.site_limit_kw, demand_weight=0.0),
        "uncontrolled": UncontrolledCharging(),
        "edf": SortedSchedulingAlgo(earliest_deadline_first),
        "llf": SortedSchedulingAlgo(least_laxity_first),
    }
    rows = []
    for name, algo in algos.items():
        if args.only and name not in args.only:
            continue
        rows.append(run(name, algo, sessions, start, args.site_limit_kw))
        r = rows[-1]
        print(f"  ran {name}: {r['wall_s']:.1f} s (skipped sessions: {r['skipped']})", flush=True)
    print()
    print("| algorithm | energy delivered % | peak kW | energy cost $ | demand charge $ | total $ |"
          " periods over limit |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['name']} | {r['delivered_pct']:.2f} | {r['peak_kw']:.1f} | {r['energy_cost']:.2f} |"
              f" {r['demand_charge']:.2f} | {r['energy_cost'] + r['demand_charge']:.2f} |"
              f" {r['periods_over_limit']} |")
    if ours.solve_s:
        s = np.asarray(ours.solve_s)
        print(f"\nours: {s.size} plans, solve median {np.median(s) * 1e3:.1f} ms, max {s.max() * 1e3:.1f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
