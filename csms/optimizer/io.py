"""Problem files in, result JSON out: the optimizer's only file format code.

``problem_from_dict`` / ``plan_to_dict`` are pure; ``load_problem`` / ``write_result`` do the file I/O
for the CLI. Format (JSON or TOML, same keys; per-interval series may be a scalar, broadcast):

    start_at = "2019-06-03T00:00:00Z"   # ISO 8601 with offset
    step_s = 900
    n_intervals = 96
    [site]    import_limit_w, export_limit_w, other_load_w, demand_charge_per_kw?, peak_floor_w?
    [market]  import_price_per_mwh, export_price_per_mwh?, reg_up_price_per_mwh?, reg_down_price_per_mwh?
    [[evs]]   ev_id, arrival_at, departure_at, capacity_wh, soc_initial, max_charge_power_w, ... (EvSpec)
    [[dr_commitments]]  commitment_id, start_at, end_at, reduction_w, baseline_w
    [options] PlannerOptions fields
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import fields
from datetime import datetime
from pathlib import Path
from typing import Any

from csms.domain.topology import SiteTopology, topology_from_mapping
from csms.optimizer.checker import Violation
from csms.optimizer.problem import (
    DrCommitment,
    EvSpec,
    FleetProblem,
    Market,
    PlannerOptions,
    Site,
)
from csms.optimizer.result import FleetPlan


def _time(value: Any, name: str) -> datetime:
    at = value if isinstance(value, datetime) else datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    if at.tzinfo is None:
        raise ValueError(f"{name}: timestamps must carry a UTC offset")
    return at


def _series(value: Any, n: int, name: str) -> tuple[float, ...]:
    if isinstance(value, int | float):
        return (float(value),) * n
    values = tuple(float(v) for v in value)
    if len(values) != n:
        raise ValueError(f"{name}: expected {n} values, got {len(values)}")
    return values


def _known(cls: type, data: dict[str, Any], where: str) -> None:
    allowed = {f.name for f in fields(cls)}
    unknown = set(data) - allowed
    if unknown:
        raise ValueError(f"{where}: unknown keys {sorted(unknown)}")


def problem_from_dict(data: dict[str, Any]) -> FleetProblem:
    """Build a validated problem; raises ValueError on malformed input."""
    n = int(data["n_intervals"])
    site_d = dict(data["site"])
    _known(Site, site_d, "site")
    site = Site(
        import_limit_w=float(site_d["import_limit_w"]),
        export_limit_w=float(site_d.get("export_limit_w", 0.0)),
        other_load_w=_series(site_d.get("other_load_w", 0.0), n, "site.other_load_w"),
        demand_charge_per_kw=float(site_d.get("demand_charge_per_kw", 0.0)),
        peak_floor_w=float(site_d.get("peak_floor_w", 0.0)),
    )
    mk = dict(data["market"])
    _known(Market, mk, "market")
    market = Market(
        import_price_per_mwh=_series(mk["import_price_per_mwh"], n, "import_price_per_mwh"),
        export_price_per_mwh=_series(mk.get("export_price_per_mwh", 0.0), n, "export_price_per_mwh"),
        reg_up_price_per_mwh=_series(mk.get("reg_up_price_per_mwh", 0.0), n, "reg_up_price_per_mwh"),
        reg_down_price_per_mwh=_series(mk.get("reg_down_price_per_mwh", 0.0), n, "reg_down_price_per_mwh"),
    )
    evs = []
    for raw in data.get("evs", []):
        ev = dict(raw)
        _known(EvSpec, ev, f"evs[{ev.get('ev_id', '?')}]")
        ev["arrival_at"] = _time(ev["arrival_at"], "arrival_at")
        ev["departure_at"] = _time(ev["departure_at"], "departure_at")
        for name in ("charge_taper", "discharge_taper"):
            if name in ev:
                ev[name] = tuple((float(soc), float(power_w)) for soc, power_w in ev[name])
        evs.append(EvSpec(**ev))
    commitments = []
    for raw in data.get("dr_commitments", []):
        c = dict(raw)
        _known(DrCommitment, c, "dr_commitments")
        commitments.append(DrCommitment(
            commitment_id=str(c["commitment_id"]), start_at=_time(c["start_at"], "start_at"),
            end_at=_time(c["end_at"], "end_at"), reduction_w=float(c["reduction_w"]),
            baseline_w=float(c["baseline_w"])))
    opt = dict(data.get("options", {}))
    _known(PlannerOptions, opt, "options")
    topology = topology_from_mapping(data["site_topology"]) if "site_topology" in data else None
    return FleetProblem(
        start_at=_time(data["start_at"], "start_at"),
        step_s=int(data["step_s"]),
        n_intervals=n,
        evs=tuple(evs),
        site=site,
        market=market,
        dr_commitments=tuple(commitments),
        options=PlannerOptions(**opt),
        topology=topology,
    )


def load_problem(path: Path) -> FleetProblem:
    """Read a problem from ``.json`` or ``.toml``. A ``site_topology_file`` key (relative to the problem file)
    names a ``config/sites`` file; an inline ``[site_topology]`` table works too (EVs then name ``evse_id``)."""
    if path.suffix.lower() == ".toml":
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    else:
        data = json.loads(path.read_text(encoding="utf-8"))
    site_file = data.pop("site_topology_file", None)
    if site_file is not None:
        with (path.parent / str(site_file)).open("rb") as fh:
            site_data = tomllib.load(fh)
        data["site_topology"] = site_data.get("site", site_data)
    return problem_from_dict(data)


def load_site_topology(path: Path) -> SiteTopology:
    """A site topology from ``config/sites/*.toml`` (its ``[site]`` table; see config/sites/README.md)."""
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    return topology_from_mapping(data.get("site", data))


def _rounded(values: Any, digits: int = 3) -> list[float]:
    return [round(float(v), digits) for v in values]


def plan_to_dict(problem: FleetProblem, plan: FleetPlan, violations: list[Violation]) -> dict[str, Any]:
    costs = plan.costs
    return {
        "status": plan.status,
        "start_at": problem.start_at.isoformat(),
        "step_s": problem.step_s,
        "n_intervals": problem.n_intervals,
        "objective": plan.objective,
        "costs": {
            "energy_import_cost": costs.energy_import_cost,
            "energy_export_revenue": costs.energy_export_revenue,
            "regulation_revenue": costs.regulation_revenue,
            "degradation_cost": costs.degradation_cost,
            "demand_charge_cost": costs.demand_charge_cost,
            "net_cost": costs.net_cost,
        },
        "solver": {"build_time_s": plan.build_time_s, "solve_time_s": plan.solve_time_s,
                   "n_variables": plan.n_variables, "n_constraints": plan.n_constraints,
                   "n_nonzeros": plan.n_nonzeros},
        "site": {
            "net_power_w": _rounded(plan.site_net_power_w),
            "import_excess_w": _rounded(plan.site_import_excess_w),
            "export_excess_w": _rounded(plan.site_export_excess_w),
        },
        "dr_shortfall_w": plan.dr_shortfall_w,
        "dr_shortfall_wh": plan.dr_shortfall_wh,
        "evs": [
            {
                "ev_id": ev_id,
                "shortfall_wh": round(float(plan.ev_shortfall_wh[i]), 3),
                "power_w": _rounded(plan.power_w[i]),
                "reserve_up_w": _rounded(plan.reserve_up_w[i]),
                "reserve_down_w": _rounded(plan.reserve_down_w[i]),
                "energy_wh": _rounded(plan.energy_wh[i]),
            }
            for i, ev_id in enumerate(plan.ev_ids)
        ],
        "violations": [
            {"kind": v.kind, "subject": v.subject, "interval": v.interval, "amount": v.amount, "safety": v.safety}
            for v in violations
        ],
    }


def write_result(path: Path, payload: dict[str, Any]) -> None:
    path.write_text(json.dumps(payload, indent=1), encoding="utf-8")
