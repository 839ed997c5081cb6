"""Small problem builders shared by the optimizer tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from csms.optimizer import DrCommitment, EvSpec, FleetProblem, Market, PlannerOptions, Site

T0 = datetime(2024, 1, 1, tzinfo=UTC)


def at(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


def ev(ev_id: str = "ev", *, arrive_h: float = 0.0, depart_h: float = 2.0, capacity_wh: float = 50_000.0,
       soc: float = 0.5, p_ch_w: float = 7_000.0, p_dis_w: float = 0.0, v2g: bool = False,
       soc_min: float = 0.0, soc_max: float = 1.0, target_soc: float | None = None, add_wh: float = 0.0,
       eta_ch: float = 1.0, eta_dis: float = 1.0, deg_per_kwh: float = 0.0) -> EvSpec:
    return EvSpec(ev_id=ev_id, arrival_at=at(arrive_h), departure_at=at(depart_h), capacity_wh=capacity_wh,
                  soc_initial=soc, max_charge_power_w=p_ch_w, max_discharge_power_w=p_dis_w, allow_discharge=v2g,
                  soc_min=soc_min, soc_max=soc_max, target_soc=target_soc, target_added_energy_wh=add_wh,
                  charge_efficiency=eta_ch, discharge_efficiency=eta_dis, degradation_cost_per_kwh=deg_per_kwh)


def problem(evs: list[EvSpec], *, n: int = 2, step_s: int = 3600, import_price: list[float] | float = 50.0,
            export_price: list[float] | float = 0.0, reg_up: list[float] | float = 0.0,
            reg_down: list[float] | float = 0.0, import_limit_w: float = 1e6, export_limit_w: float = 1e6,
            other_w: list[float] | float = 0.0, dr: tuple[DrCommitment, ...] = (),
            demand_charge_per_kw: float = 0.0, options: PlannerOptions | None = None) -> FleetProblem:
    def series(v: list[float] | float) -> tuple[float, ...]:
        return tuple(float(x) for x in v) if isinstance(v, list) else (float(v),) * n

    return FleetProblem(
        start_at=T0, step_s=step_s, n_intervals=n, evs=tuple(evs),
        site=Site(import_limit_w, export_limit_w, series(other_w), demand_charge_per_kw=demand_charge_per_kw),
        market=Market(series(import_price), series(export_price), series(reg_up), series(reg_down)),
        dr_commitments=dr, options=options or PlannerOptions(),
    )
