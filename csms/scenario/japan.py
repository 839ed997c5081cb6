"""The Japanese aggregator scenario: home V2H units (ECHONET Lite) and workplace OCPP chargers in one area,
offering EPRX 三次② and 一次オフライン day-ahead, over a JEPX/EPRX price year.

    csms scenario run config/scenarios/japan_kyushu.toml [--short] [--out DIR]
    (needs CSMS_DATA_DIR pointing at a folder with japan/...: the JEPX/EPRX files are not in the repository)

Virtual time: the run steps through the year block by block (30 min) with no clock; every random draw comes
from the scenario's seed. Each day D:
1. at 14:00 JST on D-1 the fleet's forecast availability for D's 48 blocks (plug-in windows, baselines,
   upward kW and kWh, derated by `offer_fraction`) and price forecasts (the mean of the same block's area price
   over the previous 7 days of results) go into `plan_day_ahead`;
2. an offer is awarded when the area procured something in the block and our bid is at most the highest
   awarded price there, for at most `max_share_of_area_awards` of the MW the area awarded; pay-as-bid;
3. in the block, each unit is online with probability 1 - `unit_offline_probability` (a V2H unit that stopped
   answering ECHONET Lite, a car unplugged early, a workplace charger faulted); アセスメントⅠ compares the
   capability of the online units with the award (stacked products take it in offer order);
4. a product is activated with `activation_probability` for `activated_fraction` of its award; the fleet
   delivers what the online units can (アセスメントⅡ, ±10 %); upward energy is sold at the area spot price and
   bought back at the day's cheapest 8 slots / round-trip efficiency; V2H discharge costs `wear_yen_per_kwh`.
Every assumption is a key of the scenario file; the report lists them.
"""

from __future__ import annotations

import argparse
import random
import time
import tomllib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_FLOOR, Decimal
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from csms.errors import ConfigError
from csms.grid.data import require_data_file
from csms.grid.japan._time import SLOTS_PER_DAY
from csms.grid.japan.assessment import BlockAward, assess_availability, assess_tracking
from csms.grid.japan.bidding import BlockAvailability, gate_closure_at, plan_day_ahead
from csms.grid.japan.eprx import EprxResults, award_shares, parse_eprx_history, parse_eprx_prompt
from csms.grid.japan.jepx import AREAS, SpotSlot, parse_jepx_spot
from csms.grid.japan.products import product
from csms.grid.japan.settlement import BlockSettlement, PenaltyRules, settle, settle_block
from csms.scenario.japan_report import write_report

_AREA_JA = dict(AREAS)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ScenarioInfo(_Model):
    name: str
    title: str
    reported: list[str]
    modelled: list[str]


class DataFiles(_Model):
    area: str
    jepx_spot: str
    eprx: dict[str, str]
    """product code -> EPRX result file (history layout) under CSMS_DATA_DIR."""
    eprx_procurement: str = "システム約定結果"
    eprx_award_shares: list[str] = []
    """Optional "_rt_" prompt files: the award shares by resource type (VPP) are reported."""


class V2hGroup(_Model):
    count: int = Field(ge=0)
    battery_kwh: float = Field(gt=0)
    power_kw: float = Field(gt=0)
    plug_in_jst_h: float = Field(ge=0, lt=24)
    unplug_jst_h: float = Field(ge=0, lt=24)
    home_on_weekends: bool = True
    soc_at_plug_in: float = Field(ge=0, le=1)
    reserve_soc: float = Field(ge=0, le=1)
    recharge_start_jst_h: float = Field(ge=0, lt=24)
    recharge_kw: float = Field(ge=0)
    recharge_h: float = Field(ge=0)


class WorkplaceGroup(_Model):
    count: int = Field(ge=0)
    power_kw: float = Field(gt=0)
    arrive_jst_h: float = Field(ge=0, lt=24)
    charge_h: float = Field(ge=0)
    """Baseline: charge at full power from arrival for this long (weekdays); upward ΔkW = curtailing it."""


class Market(_Model):
    products: list[str]
    min_offer_kw: float = Field(ge=0)
    bid_fraction: float = Field(gt=0, le=1)
    offer_fraction: float = Field(gt=0, le=1)
    unit_offline_probability: float = Field(ge=0, le=1)
    max_share_of_area_awards: float = Field(1.0, gt=0)
    """Price-taker guard: we win at most this share of the MW the area actually awarded in the block (a thin
    market, e.g. 一次オフライン with a few MW awarded, would otherwise be ours at the clearing price)."""
    activation_probability: dict[str, float]
    activated_fraction: dict[str, float]
    availability_penalty_multiple: float = Field(ge=0)
    tracking_penalty_multiple: float = Field(ge=0)


class Economics(_Model):
    wear_yen_per_kwh: float = Field(ge=0)
    roundtrip_efficiency: float = Field(gt=0, le=1)
    v2h_extra_cost_yen: float = Field(ge=0)
    """Installed cost of a V2H unit over a plain charger, after subsidy, per home unit."""
    lifetime_years: float = Field(gt=0)
    aggregator_cost_yen_per_vehicle_year: float = Field(ge=0)


class Run(_Model):
    days: int | None = Field(None, ge=2)
    short_days: int = Field(14, ge=2)
    seed: int = 0


class JapanScenario(_Model):
    kind: str = "japan"
    scenario: ScenarioInfo
    data: DataFiles
    v2h: V2hGroup
    workplace: WorkplaceGroup
    market: Market
    economics: Economics
    run: Run = Run()


def is_japan_scenario(path: Path) -> bool:
    """True for a scenario file whose top-level `kind` is "japan" (`csms scenario run` dispatches on it)."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8")).get("kind") == "japan"
    except (OSError, tomllib.TOMLDecodeError):
        return False


def load_japan_scenario(path: Path) -> JapanScenario:
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
        spec = JapanScenario.model_validate(raw)
    except (OSError, tomllib.TOMLDecodeError, ValidationError) as exc:
        raise ConfigError(f"{path}: {exc}") from exc
    if spec.data.area not in AREAS:
        raise ConfigError(f"{path}: unknown area {spec.data.area!r}; one of {', '.join(AREAS)}")
    for code in spec.market.products:
        product(code)
        if code not in spec.data.eprx:
            raise ConfigError(f"{path}: product {code} has no EPRX file in [data.eprx]")
    return spec


# ---- fleet availability (pure) ------------------------------------------------------------------------------

def _in_window(hour: float, start: float, end: float) -> bool:
    return start <= hour < end if start <= end else hour >= start or hour < end


@dataclass(frozen=True, slots=True)
class UnitBlock:
    """One unit's plan for one block: plugged in?, baseline (kW, + = import), upward kW and kWh."""

    plugged: bool
    baseline_kw: float
    up_kw: float
    up_kwh: float
    discharges: bool  # upward ΔkW by discharging (V2H) rather than by curtailing a charge


def v2h_block(group: V2hGroup, day: date, slot: int) -> UnitBlock:
    hour = (slot - 1) / 2
    weekend = day.weekday() >= 5
    plugged = (group.home_on_weekends and weekend) or _in_window(hour, group.plug_in_jst_h, group.unplug_jst_h)
    if not plugged:
        return UnitBlock(False, 0.0, 0.0, 0.0, True)
    recharging = _in_window(hour, group.recharge_start_jst_h, (group.recharge_start_jst_h + group.recharge_h) % 24)
    baseline = group.recharge_kw if recharging and group.recharge_h > 0 else 0.0
    up_kwh = max(0.0, group.soc_at_plug_in - group.reserve_soc) * group.battery_kwh
    return UnitBlock(True, baseline, baseline + group.power_kw, up_kwh + baseline * 0.5, True)


def workplace_block(group: WorkplaceGroup, day: date, slot: int) -> UnitBlock:
    hour = (slot - 1) / 2
    if day.weekday() >= 5 or group.charge_h <= 0:
        return UnitBlock(False, 0.0, 0.0, 0.0, False)
    charging = group.arrive_jst_h <= hour < group.arrive_jst_h + group.charge_h
    if not charging:
        return UnitBlock(False, 0.0, 0.0, 0.0, False)
    return UnitBlock(True, group.power_kw, group.power_kw, group.power_kw * 0.5, False)


@dataclass(frozen=True, slots=True)
class FleetBlock:
    baseline_kw: float
    up_kw: float
    up_kwh: float
    v2h_up_kw: float
    work_up_kw: float


def fleet_block(spec: JapanScenario, day: date, slot: int, *, v2h_online: int | None = None,
                work_online: int | None = None) -> FleetBlock:
    """The fleet's block with all (or `*_online`) units answering."""
    v, w = v2h_block(spec.v2h, day, slot), workplace_block(spec.workplace, day, slot)
    nv = spec.v2h.count if v2h_online is None else v2h_online
    nw = spec.workplace.count if work_online is None else work_online
    return FleetBlock(
        baseline_kw=spec.v2h.count * v.baseline_kw + spec.workplace.count * w.baseline_kw,
        up_kw=nv * v.up_kw + nw * w.up_kw, up_kwh=nv * v.up_kwh + nw * w.up_kwh,
        v2h_up_kw=nv * v.up_kw, work_up_kw=nw * w.up_kw,
    )


# ---- market data ------------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class BlockMarket:
    procured_mw: float
    max_price: float
    avg_price: float
    awarded_mw: float


def _metric(results: EprxResults, *names: str) -> str:
    present = {r.metric for r in results.records}
    for name in names:
        if name in present:
            return name
    raise ConfigError(f"{results.source}: none of the metrics {list(names)}")


def market_by_slot(results: EprxResults, area_ja: str, procurement: str) -> dict[tuple[date, int], BlockMarket]:
    """(day, 30-min slot) -> the area's result for the block covering it (3-h blocks cover 6 slots)."""
    proc = procurement if any(r.procurement for r in results.records) else None
    names = {
        "procured": _metric(results, "募集量（TSO別）[MW]"),
        "max": _metric(results, "最高落札価格（TSO別）[円/kW・30分]", "最高約定価格（TSO別）[円/kW・30分]"),
        "avg": _metric(results, "平均落札価格（TSO別）[円/kW・30分]", "平均約定価格（TSO別）[円/kW・30分]"),
        "awarded": _metric(results, "落札量合計（TSO別）[MW]", "約定量合計（TSO別）[MW]"),
    }
    cells: dict[tuple[date, int], dict[str, float]] = defaultdict(dict)
    blocks_per_day: dict[tuple[date, int], int] = {}
    for key, metric in names.items():
        for r in results.metric(metric, procurement=proc):
            cells[(r.delivery_date, r.block)][key] = r.values.get(area_ja, 0.0)
            blocks_per_day[(r.delivery_date, r.block)] = r.blocks_per_day
    out: dict[tuple[date, int], BlockMarket] = {}
    for (day, block), values in cells.items():
        span = SLOTS_PER_DAY // blocks_per_day[(day, block)]
        market = BlockMarket(values.get("procured", 0.0), values.get("max", 0.0), values.get("avg", 0.0),
                             values.get("awarded", 0.0))
        for slot in range((block - 1) * span + 1, block * span + 1):
            out[(day, slot)] = market
    return out


# ---- the run ----------------------------------------------------------------------------------------------

@dataclass
class Outcomes:
    offered_blocks: int = 0
    awarded_blocks: int = 0
    awarded_kw_blocks: float = 0.0
    assessment1_failed: int = 0
    activated_blocks: int = 0
    assessment2_failed: int = 0
    market_awarded_mw_blocks: float = 0.0


@dataclass
class RunResult:
    spec: JapanScenario
    days: int
    first_day: date
    settlements: list[BlockSettlement] = field(default_factory=list)
    outcomes: dict[str, Outcomes] = field(default_factory=dict)
    energy_yen: float = 0.0
    upward_kwh: float = 0.0
    discharged_kwh: float = 0.0
    vpp_shares: dict[str, dict[str, float]] = field(default_factory=dict)
    monthly_net_yen: dict[str, dict[str, Decimal]] = field(  # "YYYY-MM" -> product -> net ΔkW yen
        default_factory=lambda: defaultdict(lambda: defaultdict(Decimal)))


def _forecast(history: dict[tuple[date, int], BlockMarket], day: date, slot: int) -> Decimal:
    prices = [history[(day - timedelta(days=k), slot)].avg_price for k in range(1, 8)
              if (day - timedelta(days=k), slot) in history]
    return Decimal(str(round(sum(prices) / len(prices), 2))) if prices else Decimal(0)


def _binomial(rng: random.Random, n: int, p_fail: float) -> int:
    return sum(1 for _ in range(n) if rng.random() >= p_fail) if p_fail > 0 else n


def run_japan(spec: JapanScenario, *, short: bool = False) -> RunResult:
    """Run the scenario over the JEPX year (or its first `days` / `short_days`)."""
    area = spec.data.area
    spot = parse_jepx_spot(require_data_file(*spec.data.jepx_spot.split("/"))).items
    spot_by_day: dict[date, dict[int, SpotSlot]] = defaultdict(dict)
    for s in spot:
        spot_by_day[s.delivery_date][s.slot] = s
    markets = {code: market_by_slot(parse_eprx_history(require_data_file(*spec.data.eprx[code].split("/"))),
                                    _AREA_JA[area], spec.data.eprx_procurement) for code in spec.market.products}
    days = sorted(d for d, slots in spot_by_day.items()  # whole days with an area price in every slot
                  if len(slots) == SLOTS_PER_DAY and all(s.has_price(area) for s in slots.values()))
    limit = spec.run.short_days if short else spec.run.days
    days = days[:limit] if limit else days
    products = [product(code) for code in spec.market.products]
    rules = PenaltyRules(Decimal(str(spec.market.availability_penalty_multiple)),
                         Decimal(str(spec.market.tracking_penalty_multiple)))
    rng = random.Random(spec.run.seed)
    result = RunResult(spec, len(days), days[0], outcomes={c: Outcomes() for c in spec.market.products})
    if spec.data.eprx_award_shares:
        for path in spec.data.eprx_award_shares:
            rt = parse_eprx_prompt(require_data_file(*path.split("/")))
            result.vpp_shares[rt.product_code or path] = award_shares([rt])
    full_v2h_kwh = spec.v2h.count * max(0.0, spec.v2h.soc_at_plug_in - spec.v2h.reserve_soc) * spec.v2h.battery_kwh
    v2h_energy = full_v2h_kwh
    for day in days:
        plan_blocks = [fleet_block(spec, day, slot) for slot in range(1, SLOTS_PER_DAY + 1)]
        f = Decimal(str(spec.market.offer_fraction))
        availability = [BlockAvailability(Decimal(str(round(b.baseline_kw, 3))),
                                          (Decimal(str(b.up_kw)) * f).quantize(Decimal("0.001")),
                                          (Decimal(str(b.up_kwh)) * f).quantize(Decimal("0.001")))
                        for b in plan_blocks]
        forecasts = {code: [_forecast(markets[code], day, slot) for slot in range(1, SLOTS_PER_DAY + 1)]
                     for code in spec.market.products}
        plan = plan_day_ahead(day, availability, forecasts, products, decided_at=gate_closure_at(day),
                              min_offer_kw=Decimal(str(spec.market.min_offer_kw)))
        cheapest = sorted(s.price_yen_per_kwh(area) for s in spot_by_day[day].values())[:8]
        recharge_price = sum(cheapest) / len(cheapest)
        offers_by_block: dict[int, list[Any]] = defaultdict(list)
        for offer in plan.offers:
            offers_by_block[offer.block].append(offer)
        for block in range(1, SLOTS_PER_DAY + 1):
            v2h_energy = _update_v2h_energy(spec, block, v2h_energy, full_v2h_kwh)
            if block in offers_by_block:
                v2h_energy = _run_block(spec, result, rng, rules, markets, day, block, offers_by_block[block],
                                        v2h_energy, spot_by_day[day][block].price_yen_per_kwh(area), recharge_price)
    return result


def _update_v2h_energy(spec: JapanScenario, slot: int, energy_kwh: float, full_kwh: float) -> float:
    """The V2H fleet's energy above the reserve at the start of `slot`: full again at plug-in, topped up by the
    recharge window (what was discharged is recharged first)."""
    hour = (slot - 1) / 2
    group = spec.v2h
    if hour == group.plug_in_jst_h:
        return full_kwh
    end = (group.recharge_start_jst_h + group.recharge_h) % 24
    if group.recharge_h > 0 and _in_window(hour, group.recharge_start_jst_h, end):
        return min(full_kwh, energy_kwh + group.count * group.recharge_kw * 0.5 * spec.economics.roundtrip_efficiency)
    return energy_kwh


def _run_block(spec: JapanScenario, result: RunResult, rng: random.Random, rules: PenaltyRules,
               markets: dict[str, dict[tuple[date, int], BlockMarket]], day: date, block: int, offers: list[Any],
               v2h_energy: float, spot_yen_per_kwh: float, recharge_yen_per_kwh: float) -> float:
    """Awards, assessments and settlement of one block's offers; returns the V2H energy left."""
    v_on = _binomial(rng, spec.v2h.count, spec.market.unit_offline_probability)
    w_on = _binomial(rng, spec.workplace.count, spec.market.unit_offline_probability)
    actual = fleet_block(spec, day, block, v2h_online=v_on, work_online=w_on)
    v2h_kw = min(actual.v2h_up_kw, v2h_energy / 0.5)  # what the batteries can still hold for the whole block
    capability = Decimal(str(round(v2h_kw + actual.work_up_kw, 3)))
    eff = spec.economics.roundtrip_efficiency
    for offer in offers:
        out = result.outcomes[offer.product_code]
        out.offered_blocks += 1
        market = markets[offer.product_code].get((day, block))
        if market is None or market.procured_mw <= 0 or offer.price_yen_per_kw > Decimal(str(market.max_price)):
            continue
        awarded_kw = min(offer.kw, Decimal(str(spec.market.max_share_of_area_awards * market.awarded_mw * 1000))
                         .quantize(Decimal(1), rounding=ROUND_FLOOR))
        if awarded_kw <= 0 or awarded_kw < Decimal(str(spec.market.min_offer_kw)):
            continue
        out.awarded_blocks += 1
        out.awarded_kw_blocks += float(awarded_kw)
        out.market_awarded_mw_blocks += market.awarded_mw
        p = product(offer.product_code)
        award = BlockAward(p, offer.start_at, awarded_kw, offer.price_yen_per_kw, offer.baseline_kw)
        availability_result = assess_availability(award, capability)
        out.assessment1_failed += not availability_result.passed
        samples: list[tuple[Decimal, Decimal]] = []
        if rng.random() < spec.market.activation_probability.get(p.code, 0.0):
            out.activated_blocks += 1
            commanded = awarded_kw * Decimal(str(spec.market.activated_fraction.get(p.code, 1.0)))
            delivered = min(commanded, max(Decimal(0), capability))
            samples.append((commanded, offer.baseline_kw - delivered))
            kwh = float(delivered) * 0.5
            work_kwh = min(kwh, actual.work_up_kw * 0.5)
            v2h_kwh = kwh - work_kwh  # curtail the workplace charging first: no wear
            v2h_energy = max(0.0, v2h_energy - v2h_kwh)
            result.upward_kwh += kwh
            result.discharged_kwh += v2h_kwh
            result.energy_yen += kwh * (spot_yen_per_kwh - recharge_yen_per_kwh / eff)
        tracking = assess_tracking(award, samples)
        out.assessment2_failed += not tracking.passed
        settled = settle_block(award, availability_result, tracking, rules)
        result.settlements.append(settled)
        result.monthly_net_yen[f"{day:%Y-%m}"][p.code] += settled.net_yen
        capability -= awarded_kw
    return v2h_energy


def report_data(result: RunResult) -> dict[str, Any]:
    """The figures of the report, per vehicle-year where it says so."""
    spec = result.spec
    econ = spec.economics
    settlement = settle(result.settlements, discharged_kwh=Decimal(str(round(result.discharged_kwh, 3))),
                        wear_yen_per_kwh=Decimal(str(econ.wear_yen_per_kwh)),
                        energy_yen=Decimal(str(round(result.energy_yen, 2))))
    vehicles = spec.v2h.count + spec.workplace.count
    year = 365.0 / result.days

    def per_vehicle_year(yen: Decimal | float) -> float:
        return round(float(yen) * year / vehicles, 1) if vehicles else 0.0

    net_year = float(settlement.net_yen) * year
    cost_year = (spec.v2h.count * econ.v2h_extra_cost_yen / econ.lifetime_years
                 + vehicles * econ.aggregator_cost_yen_per_vehicle_year)
    by_product = {}
    for code, out in result.outcomes.items():
        by_product[code] = {
            "name": product(code).name_ja,
            "net_yen_per_vehicle_year": per_vehicle_year(settlement.by_product_yen.get(code, Decimal(0))),
            "offered_blocks": out.offered_blocks, "awarded_blocks": out.awarded_blocks,
            "awarded_mean_kw": round(out.awarded_kw_blocks / out.awarded_blocks, 1) if out.awarded_blocks else 0,
            "assessment1_failed_blocks": out.assessment1_failed, "activated_blocks": out.activated_blocks,
            "assessment2_failed_blocks": out.assessment2_failed,
            "share_of_area_awards": round(out.awarded_kw_blocks / 1000 / out.market_awarded_mw_blocks, 4)
            if out.market_awarded_mw_blocks else 0.0,
        }
    return {
        "scenario": spec.scenario.name, "title": spec.scenario.title, "kind": "japan",
        "first_day": result.first_day.isoformat(), "days": result.days, "area": spec.data.area,
        "vehicles": {"v2h_home": spec.v2h.count, "workplace_ocpp": spec.workplace.count},
        "products": by_product,
        "year_yen": {
            "delta_kw_revenue": round(float(settlement.delta_kw_revenue_yen) * year),
            "withheld": round(float(settlement.withheld_yen) * year),
            "penalties": round(float(settlement.penalty_yen) * year),
            "energy": round(float(settlement.energy_yen) * year), "wear": round(float(settlement.wear_yen) * year),
            "net": round(net_year), "costs": round(cost_year),
        },
        "per_vehicle_year_yen": {"net": per_vehicle_year(settlement.net_yen),
                                 "costs": round(cost_year / vehicles, 1) if vehicles else 0.0},
        "break_even": {
            "revenue_multiple_needed": round(cost_year / net_year, 2) if net_year > 0 else None,
            "v2h_payback_years": round(spec.v2h.count * econ.v2h_extra_cost_yen / net_year, 1)
            if net_year > 0 else None,
            "revenue_multiple_needed_on_one_product": {
                code: (round(cost_year / (float(v) * year), 2) if v > 0 else None)
                for code, v in settlement.by_product_yen.items()},
        },
        "monthly_net_yen_per_vehicle": {month: {code: round(float(v) / vehicles, 1) for code, v in by_code.items()}
                                        for month, by_code in sorted(result.monthly_net_yen.items())}
        if vehicles else {},
        "upward_kwh_year": round(result.upward_kwh * year), "eprx_award_shares_by_resource": {
            code: {k: round(v, 4) for k, v in shares.items()} for code, shares in result.vpp_shares.items()},
        "assumptions": spec.scenario.modelled, "reported": spec.scenario.reported,
        "sources": "Source: JEPX (spot prices); Source: EPRX (balancing-market results)",
    }


def main(file: Path, *, short: bool, out: Path) -> int:
    spec = load_japan_scenario(file)
    started_s = time.perf_counter()
    result = run_japan(spec, short=short)
    data = report_data(result) | {"real_s": round(time.perf_counter() - started_s, 1)}
    path = write_report(data, out)
    print(f"{data['title']} ({data['days']} days)")
    for code, p in data["products"].items():
        print(f"  {code}: net {p['net_yen_per_vehicle_year']:,.0f} yen/vehicle-year, awarded {p['awarded_blocks']} "
              f"blocks, assessment I failed {p['assessment1_failed_blocks']}, II failed "
              f"{p['assessment2_failed_blocks']}")
    print(f"  net per vehicle-year {data['per_vehicle_year_yen']['net']:,.0f} yen; costs "
          f"{data['per_vehicle_year_yen']['costs']:,.0f}; break-even x{data['break_even']['revenue_multiple_needed']}")
    print(f"  report: {path}")
    return 0


def cli(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m csms.scenario.japan", description=__doc__)
    parser.add_argument("file", type=Path)
    parser.add_argument("--short", action="store_true")
    parser.add_argument("--out", type=Path, default=Path("csms-out/scenario-japan"))
    args = parser.parse_args(argv)
    return main(args.file, short=args.short, out=args.out)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(cli())
