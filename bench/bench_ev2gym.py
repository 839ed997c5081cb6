"""EV2Gym's V2GProfitMax scenario: our online planner vs EV2Gym's heuristics, scored by EV2Gym itself.

    .venv/bin/python bench/bench_ev2gym.py --seeds 1 2 3 4 5

Scenario: ``ev2gym`` 2.0.0's own ``example_config_files/V2GProfitMax.yaml`` (the ``bench`` extra; 25 chargers of
22 kW (32 A, 400 V, three-phase), one 100 kW transformer, workplace arrivals, 15-min steps, 112 steps, V2G
allowed, every EV wants a full battery, Dutch day-ahead prices for charging and discharging). Each seed is one
random day of EVs, the same for every algorithm (EV2Gym regenerates it from the seed).

Algorithms:
* ``ours``: ``csms.optimizer.online.OnlinePlanner`` at every step on the EVs plugged in then (their true
  departure and energy, never a future arrival), horizon to the end of the simulation, the plan's first
  step applied. Each EV as EV2Gym models it, in battery-side kW (EV2Gym's profit and transformer power both
  count the battery's energy): charge/discharge limit = efficiency x min(EV, charger) AC power, SoC floor =
  the EV's minimum capacity, target = its desired capacity, and its taper as our piecewise-linear
  ``charge_taper``: EV2Gym's battery charges at min(pilot, m x P_max x (1 − soc) / (1 − transition_soc)), a
  line to 0 at full, which our curve represents exactly (the planner bounds each step at its end SoC, so the
  battery always takes what the plan sends).
* ``lp_optimum``: the same LP once over the whole day with every EV known in advance (the taper-aware LP
  optimum the issue measures against), replayed.
* EV2Gym's heuristics: ``ChargeAsFastAsPossible``, ``ChargeAsLateAsPossible``, ``RoundRobin_GF``, ``DoNothing``.
* EV2Gym's MPCs (``V2GProfitMaxOracle``, ``eMPC_V2G``; Gurobi with ``gurobipy``'s size-limited licence): the
  script tries them and prints why they did not run (with ev2gym 2.0.0, numpy 2.4 and gurobipy 13 both stop
  inside ev2gym's own code on a 1-element array, see docs/benchmarks-optimizer.md).
Scores: EV2Gym's ``get_statistics``: total profit (EUR, >0 = money in), average user satisfaction (EV energy
at departure / desired, 1 within 0.001 kWh), the highest transformer power of any step against its limit
(kW) and EV2Gym's total transformer overload.

EV2Gym imports pandapower, numba and multicopula at module level for its optional power-flow grid model
(``simulate_grid: False`` here); they are not its declared dependencies and pandapower would downgrade pandas
in the shared environment, so this script stands them in with empty modules (a grid run would fail loudly).
"""

from __future__ import annotations

import argparse
import importlib.abc
import importlib.machinery
import math
import sys
import tempfile
import time
import types
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from csms.optimizer import EvSpec, FleetPlan, FleetProblem, Market, PlannerOptions, Site, check_plan, plan
from csms.optimizer.online import OnlinePlanner

_GRID_ONLY = ("pandapower", "numba", "multicopula")
T0 = datetime(2022, 1, 1, tzinfo=UTC)  # the planner's clock: step k starts at T0 + k x 15 min


class _GridModuleStandIn(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Empty modules for EV2Gym's power-flow-only imports (see the module docstring)."""

    def find_spec(self, name: str, path: Any, target: Any = None) -> importlib.machinery.ModuleSpec | None:
        if name.split(".")[0] in _GRID_ONLY:
            return importlib.machinery.ModuleSpec(name, self, is_package=True)
        return None

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType:
        module = types.ModuleType(spec.name)
        module.__path__ = []
        module.njit = lambda *a, **k: a[0] if a and callable(a[0]) else (lambda f: f)  # type: ignore[attr-defined]
        module.set_num_threads = lambda n: None  # type: ignore[attr-defined]
        return module

    def exec_module(self, module: types.ModuleType) -> None:
        return None


def make_env(seed: int) -> Any:
    sys.meta_path.insert(0, _GridModuleStandIn())
    import ev2gym
    from ev2gym.models.ev2gym_env import EV2Gym

    package = Path(ev2gym.__file__).parent
    text = (package / "example_config_files" / "V2GProfitMax.yaml").read_text().replace("./ev2gym/", f"{package}/")
    config = Path(tempfile.gettempdir()) / "csms_bench_v2gprofitmax.yaml"
    config.write_text(text)
    return EV2Gym(config_file=str(config), seed=seed, save_replay=False, save_plots=False)


def _efficiency(ev: Any, amps: float) -> float:
    table = ev.charge_efficiency
    return float(table.get(int(np.round(abs(amps))), 100)) / 100 if isinstance(table, dict) else float(table)


def _volts(cs: Any) -> float:
    return float(cs.voltage) * math.sqrt(min(cs.phases, 3))


def ev_spec(env: Any, ev: Any, now: int) -> EvSpec:
    """An EV2Gym EV (plugged in or to arrive) as our EvSpec, in battery-side W, from step ``now`` on."""
    cs = env.charging_stations[ev.location]
    volts = _volts(cs)
    ch_ac_kw = min(ev.max_ac_charge_power, cs.max_charge_current * volts / 1000)
    dis_ac_kw = min(abs(ev.max_discharge_power), abs(cs.max_discharge_current) * volts / 1000)
    eta_ch = _efficiency(ev, ch_ac_kw * 1000 / volts)
    eta_dis = _efficiency(ev, dis_ac_kw * 1000 / volts)
    p_ch_w, p_dis_w = eta_ch * ch_ac_kw * 1000, eta_dis * dis_ac_kw * 1000
    slope_w = ev.transition_soc_multiplier * _efficiency(ev, ev.max_ac_charge_power * 1000 / volts) \
        * ev.max_ac_charge_power * 1000 / (1 - ev.transition_soc)
    knee = max(0.0, 1 - p_ch_w / slope_w)
    capacity_wh = ev.battery_capacity * 1000
    arrival = max(ev.time_of_arrival, now)
    return EvSpec(
        ev_id=f"{ev.location}.{ev.id}.{ev.time_of_arrival}", arrival_at=T0 + timedelta(minutes=15 * arrival),
        departure_at=T0 + timedelta(minutes=15 * (ev.time_of_departure + 1)), capacity_wh=capacity_wh,
        soc_initial=min(ev.current_capacity * 1000 / capacity_wh, 1.0), max_charge_power_w=p_ch_w,
        max_discharge_power_w=p_dis_w, allow_discharge=True,
        soc_min=min(ev.min_battery_capacity / ev.battery_capacity, ev.current_capacity / ev.battery_capacity),
        target_soc=min(ev.desired_capacity / ev.battery_capacity, 1.0), charge_efficiency=1.0,
        discharge_efficiency=1.0, charge_taper=((0.0, p_ch_w), (knee, p_ch_w), (1.0, 0.0)) if knee > 0 else ())


def problem_at(env: Any, evs: list[Any], now: int, options: PlannerOptions) -> FleetProblem:
    n = env.simulation_length - now
    imp = tuple(float(-env.charge_prices[0, t] * 1000) for t in range(now, env.simulation_length))
    exp = tuple(float(env.discharge_prices[0, t] * 1000) for t in range(now, env.simulation_length))
    tr_kw = float(min(tr.max_power[now:].min() for tr in env.transformers))
    return FleetProblem(start_at=T0 + timedelta(minutes=15 * now), step_s=900, n_intervals=n,
                        evs=tuple(ev_spec(env, ev, now) for ev in evs),
                        site=Site(import_limit_w=tr_kw * 1000, export_limit_w=tr_kw * 1000, other_load_w=(0.0,) * n),
                        market=Market(imp, tuple(min(e, i) for e, i in zip(exp, imp, strict=True)), (0.0,) * n,
                                      (0.0,) * n), options=options)


def actions_for(env: Any, evs: list[Any], power_w: np.ndarray) -> np.ndarray:
    """EV2Gym actions (fraction of the charger's current, one per port) for battery-side powers (W).

    A current delivers ``efficiency(rounded current) x current x volts``: some powers fall between two
    efficiency steps and tiny discharges (< 0.01 A) are dropped by EV2Gym, so each EV gets the largest power it
    can take that does not exceed the plan's, and if the total then still passes the transformer's limit (a
    discharge that did not happen), the charges (or discharges) are scaled back until it does not."""
    limit_w = 1000 * float(min(tr.max_power[env.current_step] for tr in env.transformers))
    amps = np.asarray([_amps_for(ev, float(p), _volts(env.charging_stations[ev.location])) for ev, p in
                       zip(evs, power_w, strict=True)])
    for _ in range(20):
        real = np.asarray([_battery_w(ev, a, _volts(env.charging_stations[ev.location])) for ev, a in
                           zip(evs, amps, strict=True)])
        total = real.sum()
        side = real > 0 if total > limit_w else real < 0
        if abs(total) <= limit_w or not side.any():
            break
        scale = max(1 - (abs(total) - limit_w + 1e-3) / abs(real[side].sum()), 0.0)
        amps = np.where(side, [_amps_for(ev, float(r) * scale, _volts(env.charging_stations[ev.location]))
                               for ev, r in zip(evs, real, strict=True)], amps)
    actions = np.zeros(env.number_of_ports)
    for ev, a in zip(evs, amps, strict=True):
        cs = env.charging_stations[ev.location]
        limit_a = cs.max_charge_current if a > 0 else abs(cs.max_discharge_current)
        port = sum(c.n_ports for c in env.charging_stations[:ev.location]) + ev.id
        fraction = math.floor(min(abs(a) / limit_a, 1.0) * 1e5) / 1e5  # EV2Gym rounds actions to 5 decimals
        actions[port] = math.copysign(fraction, a) if abs(a) >= 0.01 else 0.0
    return actions


def _battery_w(ev: Any, amps: float, volts: float) -> float:
    """Battery-side power of a (signed) current, as EV2Gym computes it (before its battery limits)."""
    if abs(amps) < 0.01:
        return 0.0
    return math.copysign(_efficiency(ev, amps) * abs(amps) * volts, amps)


def _amps_for(ev: Any, battery_w: float, volts: float) -> float:
    """The largest (signed) current whose battery-side power does not exceed ``battery_w`` in magnitude: EV2Gym's
    efficiency depends on the rounded current, so each rounding bucket is tried within its own range."""
    target = abs(battery_w)
    best_amps, best_w = 0.0, 0.0
    for bucket in range(0, 101):
        amps = min(target / _efficiency(ev, bucket) / volts, bucket + 0.5 - 1e-6)
        if amps < bucket - 0.5 + 1e-6 or amps < 0.01:
            continue
        got = _efficiency(ev, amps) * amps * volts
        if best_w < got <= target + 1e-9:
            best_amps, best_w = amps, got
    return math.copysign(best_amps, battery_w)


def plugged(env: Any) -> list[Any]:
    return [ev for cs in env.charging_stations for ev in cs.evs_connected if ev is not None]


class Ours:
    algo_name = "ours (online, OnlinePlanner)"

    def __init__(self, env: Any, options: PlannerOptions) -> None:
        self.planner, self.options = OnlinePlanner(), options
        self.solve_s: list[float] = []
        self.unsafe = 0

    def get_action(self, env: Any) -> np.ndarray:
        evs = plugged(env)
        if not evs:
            return np.zeros(env.number_of_ports)
        prob = problem_at(env, evs, env.current_step, self.options)
        t0 = time.perf_counter()
        result = self.planner.plan(prob)
        self.solve_s.append(time.perf_counter() - t0)
        self.unsafe += any(v.safety for v in check_plan(prob, result))
        return actions_for(env, evs, result.power_w[:, 0])


class LpOptimum:
    algo_name = "taper-aware LP optimum (all EVs known)"

    def __init__(self, env: Any, options: PlannerOptions) -> None:
        self.evs = list(env.EVs_profiles)
        prob = problem_at(env, self.evs, 0, replace(options, coarse_after_s=0.0))  # every step at 15 min
        t0 = time.perf_counter()
        self.result: FleetPlan = plan(prob)
        self.solve_s = [time.perf_counter() - t0]
        self.unsafe = int(any(v.safety for v in check_plan(prob, self.result)))

    def get_action(self, env: Any) -> np.ndarray:
        t = env.current_step
        by_key = {(ev.location, ev.id): ev for ev in plugged(env)}
        evs, powers = [], []
        for i, ev in enumerate(self.evs):
            live = by_key.get((ev.location, ev.id))
            if live is not None and live.time_of_arrival == ev.time_of_arrival:
                evs.append(live)
                powers.append(self.result.power_w[i, t])
        return actions_for(env, evs, np.asarray(powers))


def run(env: Any, algo: Any) -> dict[str, Any]:
    from ev2gym.utilities.utils import get_statistics

    tr_power = []
    for _ in range(env.simulation_length):
        _, _, done, _, _ = env.step(algo.get_action(env))
        tr_power.append(sum(tr.current_power for tr in env.transformers))
        if done:
            break
    stats = get_statistics(env)
    return {"profit": float(stats["total_profits"]), "satisfaction": float(stats["average_user_satisfaction"]),
            "min_satisfaction": float(min(ev.get_user_satisfaction() for ev in env.EVs)),
            "max_tr_kw": float(max(abs(p) for p in tr_power)), "overload": float(stats["total_transformer_overload"]),
            "evs": len(env.EVs), "solve_s": float(sum(getattr(algo, "solve_s", [0.0]))),
            "unsafe": int(getattr(algo, "unsafe", 0))}


def algorithms() -> list[tuple[str, Any]]:
    from ev2gym.baselines import heuristics as h

    out: list[tuple[str, Any]] = [("ours", Ours), ("lp_optimum", LpOptimum)]
    for name in ("ChargeAsFastAsPossible", "ChargeAsLateAsPossible", "RoundRobin_GF", "DoNothing"):
        out.append((name, getattr(h, name)))
    return out


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3, 4, 5])
    parser.add_argument("--no-mpc", action="store_true", help="do not try EV2Gym's Gurobi MPCs")
    args = parser.parse_args(argv)
    options = PlannerOptions()
    rows: dict[str, list[dict[str, Any]]] = {}
    for seed in args.seeds:
        candidates = algorithms()
        if not args.no_mpc:
            candidates += [("mpc_oracle", "ev2gym.baselines.mpc.V2GProfitMax:V2GProfitMaxOracle"),
                           ("mpc_online_eMPC_V2G", "ev2gym.baselines.mpc.eMPC:eMPC_V2G")]
        for name, factory in candidates:
            env = make_env(seed)
            try:
                if isinstance(factory, str):
                    module, cls = factory.split(":")
                    factory = getattr(importlib.import_module(module), cls)
                algo = factory(env, options) if name in ("ours", "lp_optimum") else factory(env)
                r = run(env, algo)
            except Exception as exc:  # EV2Gym's MPCs (Gurobi) may not run here: report why and go on
                print(f"seed {seed} {name}: did not run: {type(exc).__name__}: {str(exc).splitlines()[0][:160]}",
                      flush=True)
                continue
            rows.setdefault(name, []).append(r)
            print(f"seed {seed} {name}: EVs {r['evs']}, profit {r['profit']:.3f}, satisfaction "
                  f"{r['satisfaction']:.4f} (min {r['min_satisfaction']:.4f}), max transformer {r['max_tr_kw']:.3f} "
                  f"kW, overload {r['overload']:.2f}, solve {r['solve_s']:.2f} s, unsafe plans {r['unsafe']}",
                  flush=True)
    print()
    print("| algorithm | seeds | profit EUR (sum) | avg satisfaction | min satisfaction | max transformer kW "
          "(limit 100) | overload | solve s |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, rs in rows.items():
        print(f"| {name} | {len(rs)} | {sum(r['profit'] for r in rs):.2f} | "
              f"{np.mean([r['satisfaction'] for r in rs]):.4f} | {min(r['min_satisfaction'] for r in rs):.4f} | "
              f"{max(r['max_tr_kw'] for r in rs):.3f} | {sum(r['overload'] for r in rs):.2f} | "
              f"{sum(r['solve_s'] for r in rs):.1f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
