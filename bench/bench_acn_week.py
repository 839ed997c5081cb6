"""Real Caltech ACN sessions on acnportal's own Caltech network: our online planner vs acnportal's baselines.

    nice .venv/bin/python bench/bench_acn_week.py --start 2019-06-03 --days 7            # a week
    .venv/bin/python bench/bench_acn_week.py --start 2019-06-03 --days 1 --only ours     # a short check

Every algorithm runs in the same acnportal 0.3.3 simulator (the ``bench`` extra) with the same events, the
same network (``caltech_acn(basic_evse=True)``: 54 continuous 0-32 A EVSEs on AB/BC/CA at 208 V, two 80 A
pods, the 150 kW transformer's primary and secondary per phase, magnitudes of phasor sums), the same prices
(``tariffs/sce_tou_ev_8_june_2019.json``, SCE TOU-EV-8) and acnportal's metrics (``acnsim.analysis``):

* sessions as in bench/bench_acn_comparison.py (acnportal's ACN-Data loader: delivered kWh as the demand,
  capped to what 32 A can deliver in the stay; overlapping sessions on one station skipped);
* ``ours``: online MPC: ``csms.optimizer.plan`` with the site topology (imported from the same acnportal
  network, ``bench_acn_common.topology_from_acn``) on the active sessions at every plug-in and unplug,
  knowing each session's true departure and energy at plug-in, never a future arrival; horizon = until the
  last departure, at most ``--horizon-h`` (12 h; the need beyond it is carried by the planner's terminal rule,
  and a plan is re-made after half the cap without an event); prices = the tariff; no discharge (ACN EVSEs
  are one-way);
* ``perfect_foresight``: the same LP once over the whole window with every session known in advance, its
  plan replayed through the simulator (the offline bound the online result is measured against);
* ``uncontrolled``, ``edf``, ``llf``, ``round_robin``: acnportal's ``UncontrolledCharging``,
  ``SortedSchedulingAlgo(earliest_deadline_first | least_laxity_first)`` and ``RoundRobin`` (the sorted and
  round-robin ones respect the network; uncontrolled ignores it by design). acnportal's MPC lives in the
  separate ``adacharge`` package (cvxpy), not installed here: not run.
Columns: energy delivered as % of demand (``proportion_of_energy_delivered``), energy cost
(``energy_cost``, TOU-EV-8 has no demand charge), periods in which the simulator's actual currents break
any network constraint (``ChargingNetwork.is_feasible``, acnportal's tolerances), solver seconds.
"""

from __future__ import annotations

import argparse
import dataclasses
import pickle
import sys
import time
import warnings
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from acnportal import acnsim
from acnportal.algorithms import (
    BaseAlgorithm,
    RoundRobin,
    SortedSchedulingAlgo,
    UncontrolledCharging,
    earliest_deadline_first,
    least_laxity_first,
)
from acnportal.signals.tariffs import TimeOfUseTariff

from bench.bench_acn_common import acn_network, topology_from_acn
from bench.bench_acn_comparison import LOCAL, build_events, data_dir, load_sessions
from csms.domain.topology import SiteTopology
from csms.optimizer import EvSpec, FleetProblem, Market, PlannerOptions, Site, check_plan, plan
from csms.optimizer.online import OnlinePlanner

PERIOD_MIN = 5
TARIFF = "sce_tou_ev_8_june_2019"


def _problem(start_at: datetime, n: int, evs: list[EvSpec], prices_per_mwh: list[float], topology: SiteTopology,
             options: PlannerOptions) -> FleetProblem:
    return FleetProblem(start_at=start_at, step_s=PERIOD_MIN * 60, n_intervals=n, evs=tuple(evs),
                        site=Site(import_limit_w=1e9, export_limit_w=0.0, other_load_w=(0.0,) * n),
                        market=Market(tuple(prices_per_mwh), (0.0,) * n, (0.0,) * n, (0.0,) * n),
                        options=options, topology=topology)


class OursOnline(BaseAlgorithm):  # type: ignore[misc]
    """Online MPC: re-plan on every plug-in/unplug (the simulator's events), acnportal's view -> FleetProblem."""

    def __init__(self, start: datetime, topology: SiteTopology, voltage_v: dict[str, float],
                 options: PlannerOptions, horizon_periods: int = 288, *, warm: bool = True) -> None:
        super().__init__()
        self.horizon_periods = horizon_periods
        self.max_recompute = horizon_periods // 2  # and on every event
        self.start, self.topology, self.voltage_v, self.options = start, topology, voltage_v, options
        self.solve_s: list[float] = []
        self.cpu_s: list[float] = []  # process CPU seconds of the same calls (less noisy on a shared host)
        self.planner = OnlinePlanner().plan if warm else plan  # OnlinePlanner: warm-started from its last plan
        self.unsafe_plans = 0
        self.problems: list[FleetProblem] = []

    def schedule(self, active_sessions: list[Any]) -> dict[str, list[float]]:
        if not active_sessions:
            return {}
        iface = self.interface
        now = iface.current_time
        start_at = (self.start + timedelta(minutes=PERIOD_MIN * now)).astimezone(UTC)
        n = int(min(max(s.departure - now for s in active_sessions), self.horizon_periods))
        evs = []
        for s in active_sessions:
            need_wh = max(s.remaining_demand, 0.0) * 1000
            evs.append(EvSpec(
                ev_id=s.session_id, arrival_at=start_at, evse_id=s.station_id,
                departure_at=start_at + timedelta(minutes=PERIOD_MIN * (s.departure - now)),
                capacity_wh=need_wh + 1.0, soc_initial=0.0, target_added_energy_wh=need_wh,
                max_charge_power_w=iface.max_pilot_signal(s.station_id) * self.voltage_v[s.station_id],
                charge_efficiency=1.0, discharge_efficiency=1.0))
        problem = _problem(start_at, n, evs, (iface.get_prices(n) * 1000).tolist(), self.topology, self.options)
        self.problems.append(problem)
        t0, c0 = time.perf_counter(), time.process_time()
        result = self.planner(problem)
        self.solve_s.append(time.perf_counter() - t0)
        self.cpu_s.append(time.process_time() - c0)
        if any(v.safety for v in check_plan(problem, result)):
            self.unsafe_plans += 1
        volts = np.asarray([self.voltage_v[s.station_id] for s in active_sessions])[:, None]
        amps = np.maximum(result.power_w / volts, 0.0)
        return {s.station_id: amps[i].tolist() for i, s in enumerate(active_sessions)}


class Replay(BaseAlgorithm):  # type: ignore[misc]
    """Replays a precomputed pilot matrix (A, station x period from the simulation start)."""

    def __init__(self, pilots: dict[str, np.ndarray]) -> None:
        super().__init__()
        self.max_recompute = 1
        self.pilots = pilots

    def schedule(self, active_sessions: list[Any]) -> dict[str, list[float]]:
        now = self.interface.current_time
        return {s.station_id: [float(self.pilots[s.station_id][now])]
                if s.station_id in self.pilots and now < self.pilots[s.station_id].size else [0.0]
                for s in active_sessions}


def perfect_foresight(events: acnsim.EventQueue, start: datetime, topology: SiteTopology,
                      voltage_v: dict[str, float], n: int, options: PlannerOptions
                      ) -> tuple[dict[str, np.ndarray], float]:
    """One LP over the window with every session known; per-station pilots (A) and its solve seconds."""
    tariff = TimeOfUseTariff(TARIFF, tariff_dir=str(data_dir() / "tariffs"))
    prices = np.asarray(tariff.get_tariffs(start, n, PERIOD_MIN)) * 1000  # per MWh
    evs = []
    for _, event in events.queue:
        ev = event.ev
        start_at = start.astimezone(UTC)
        evs.append(EvSpec(
            ev_id=ev.session_id, evse_id=ev.station_id,
            arrival_at=start_at + timedelta(minutes=PERIOD_MIN * ev.arrival),
            departure_at=start_at + timedelta(minutes=PERIOD_MIN * ev.departure),
            capacity_wh=ev.requested_energy * 1000 + 1.0, soc_initial=0.0,
            target_added_energy_wh=ev.requested_energy * 1000,
            max_charge_power_w=32.0 * voltage_v[ev.station_id], charge_efficiency=1.0, discharge_efficiency=1.0))
    problem = _problem(start.astimezone(UTC), n, evs, prices.tolist(), topology, options)
    t0 = time.perf_counter()
    result = plan(problem)
    solve_s = time.perf_counter() - t0
    pilots: dict[str, np.ndarray] = {}
    for i, spec in enumerate(evs):
        assert spec.evse_id is not None
        row = pilots.setdefault(spec.evse_id, np.zeros(n + 1))
        row[:n] += np.maximum(result.power_w[i], 0.0) / voltage_v[spec.evse_id]
    return pilots, solve_s


def run(name: str, algo: BaseAlgorithm, sessions: list[dict[str, Any]], start: datetime, network: Any
        ) -> dict[str, Any]:
    events, skipped = build_events(sessions, start)
    tariff = TimeOfUseTariff(TARIFF, tariff_dir=str(data_dir() / "tariffs"))
    sim = acnsim.Simulator(network, algo, events, start, period=PERIOD_MIN, signals={"tariff": tariff},
                           verbose=False)
    t0 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sim.run()
    wall = time.perf_counter() - t0
    rates = sim.charging_rates
    over = sum(not network.is_feasible(rates[:, t:t + 1]) for t in range(rates.shape[1]))
    return {"name": name, "delivered_pct": 100 * acnsim.proportion_of_energy_delivered(sim),
            "energy_cost": float(acnsim.energy_cost(sim)), "demand_charge": float(acnsim.demand_charge(sim)),
            "periods_over": int(over), "wall_s": wall, "skipped": skipped,
            "peak_kw": float(np.max(acnsim.aggregate_power(sim)))}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--start", default="2019-06-03", help="local (America/Los_Angeles) start date")
    parser.add_argument("--days", type=int, default=7)
    parser.add_argument("--transformer-kw", type=float, default=None,
                        help="caltech: the transformer (acnportal's default 150 kW); jpl: not used")
    parser.add_argument("--angle-step-deg", type=float, default=PlannerOptions().topology_angle_step_deg)
    parser.add_argument("--solver", default=PlannerOptions().solver)
    parser.add_argument("--horizon-h", type=float, default=12.0)
    parser.add_argument("--site", default="caltech", choices=["caltech", "jpl"],
                        help="the site's real sessions (data/ev_sessions) on acnportal's network of that site")
    parser.add_argument("--only", nargs="*", default=None,
                        help="subset of: ours ours_cold ours_fine perfect_foresight uncontrolled edf llf round_robin")
    parser.add_argument("--dump-problems", default=None, help="pickle the online plans' problems to this file")
    args = parser.parse_args(argv)
    start = datetime.fromisoformat(args.start).replace(tzinfo=LOCAL)
    end = start + timedelta(days=args.days)

    def network() -> Any:
        return acn_network(args.site, transformer_kw=args.transformer_kw if args.site == "caltech" else None)

    net0 = network()
    topology = topology_from_acn(net0, f"{args.site}_acn")
    voltage_v = {s: float(net0.voltages[s]) for s in net0.station_ids}
    sessions = [s for s in load_sessions(start, end, args.site) if s["station_id"] in voltage_v]
    print(f"ACN {args.site} sessions {args.start} + {args.days} d: {len(sessions)}, {args.site}_acn network "
          f"({len(topology.limits)} limits, transformer {args.transformer_kw or 'default'} kW), "
          f"period {PERIOD_MIN} min, tariff {TARIFF}", flush=True)
    options = PlannerOptions(topology_angle_step_deg=args.angle_step_deg, solver=args.solver)
    fine = dataclasses.replace(options, coarse_after_s=0.0)  # the offline bound at full resolution
    rows, notes = [], []
    wanted = args.only or ["perfect_foresight", "ours", "uncontrolled", "edf", "llf", "round_robin"]
    for name in wanted:
        extra = ""
        if name in ("ours", "ours_cold", "ours_fine"):
            # ours: OnlinePlanner (coarse far horizon, warm start); ours_cold: plan() cold, same model;
            # ours_fine: plan() cold on the whole horizon at 5 min (the planner before coarse_after_s)
            algo: BaseAlgorithm = OursOnline(start, topology, voltage_v, fine if name == "ours_fine" else options,
                                             horizon_periods=int(args.horizon_h * 60 // PERIOD_MIN),
                                             warm=name == "ours")
        elif name == "perfect_foresight":
            events, _ = build_events(sessions, start)
            n = max(event.ev.departure for _, event in events.queue) + 1
            pilots, pf_s = perfect_foresight(events, start, topology, voltage_v, n, fine)
            algo = Replay(pilots)
            extra = f"one LP, {pf_s:.1f} s"
        elif name == "uncontrolled":
            algo = UncontrolledCharging()
        elif name == "edf":
            algo = SortedSchedulingAlgo(earliest_deadline_first)
        elif name == "llf":
            algo = SortedSchedulingAlgo(least_laxity_first)
        elif name == "round_robin":
            algo = RoundRobin(earliest_deadline_first)
        else:
            raise SystemExit(f"unknown algorithm {name}")
        r = run(name, algo, sessions, start, network())
        if isinstance(algo, OursOnline) and args.dump_problems:
            with open(args.dump_problems, "wb") as fh:
                pickle.dump(algo.problems, fh)
        if isinstance(algo, OursOnline):
            s = np.asarray(algo.solve_s)
            extra = (f"{s.size} plans, {s.sum():.1f} s solve, {sum(algo.cpu_s):.1f} s CPU (median "
                     f"{np.median(s) * 1e3:.0f} ms, max "
                     f"{s.max() * 1e3:.0f} ms), plans with a checker safety violation: {algo.unsafe_plans}")
        r["notes"] = extra
        rows.append(r)
        print(f"  ran {name}: {r['wall_s']:.1f} s wall; {extra}", flush=True)
    print()
    print("| algorithm | energy delivered % | energy cost $ | peak kW | periods over a network limit | notes |")
    print("|---|---:|---:|---:|---:|---|")
    for r in rows:
        print(f"| {r['name']} | {r['delivered_pct']:.2f} | {r['energy_cost']:.2f} | {r['peak_kw']:.1f} |"
              f" {r['periods_over']} | {r['notes']} |")
    del notes
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
