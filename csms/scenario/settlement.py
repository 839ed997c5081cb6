"""Settlement of a scenario run: who earns what. Pure (no I/O, no clock): figures in, figures out.

Every money figure is in the scenario's currency for the simulated window, and extrapolated to a year by
`annual_factor` = participation hours per year / simulated hours (fixed costs accrue per participation hour,
so the window and the year are in the same proportion and both columns add up).

    net value = market revenue - energy cost (net of the drivers' own charging) - battery wear - fixed costs

Sharing rule (`SharingRule`): drivers are paid (a) their battery wear if `wear_to_driver` (it is their
battery), (b) a fixed payment per vehicle per month, and (c) `driver_share` of the net value when it is
positive. The aggregator keeps the rest of the cash. Stakeholder identity:
`driver net benefit (payout - wear) + aggregator margin == net value`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

HOURS_PER_YEAR = 8760.0
HOURS_PER_MONTH = HOURS_PER_YEAR / 12


@dataclass(frozen=True, slots=True)
class SharingRule:
    driver_share: float = 0.5
    """Share of a positive net value paid to the drivers (split equally per vehicle)."""
    wear_to_driver: bool = True
    """Drivers are compensated for the battery wear the service causes (their battery)."""
    driver_fixed_per_vehicle_per_month: float = 0.0

    def __post_init__(self) -> None:
        if not 0.0 <= self.driver_share <= 1.0:
            raise ValueError("driver_share must be in [0, 1]")
        if self.driver_fixed_per_vehicle_per_month < 0:
            raise ValueError("driver_fixed_per_vehicle_per_month must be >= 0")


@dataclass(frozen=True, slots=True)
class SettlementInputs:
    currency: str
    simulated_h: float
    participation_h_per_year: float
    vehicles: int
    """Vehicles whose drivers share the value (a stationary battery is not a driver)."""
    revenue_by_market: dict[str, float]
    energy_cost: float
    """Net energy bill of the window (imports - exports at their prices) ..."""
    drivers_charging_value: float
    """... less the value of the energy the drivers' own cars kept (their charging, billed to them)."""
    wear_cost_drivers: float
    """Battery wear of the drivers' vehicles caused by the service."""
    wear_cost_other: float = 0.0
    """Wear of the aggregator's own storage (e.g. a second-life battery)."""
    fixed_cost_per_month: float = 0.0
    """Market participation (scheduling coordinator, telemetry, ...)."""
    infrastructure_cost: float = 0.0
    """Up-front site cost (integration, metering, telemetry), annualised over `infrastructure_life_years`."""
    infrastructure_cost_per_vehicle: float = 0.0
    """Up-front cost per vehicle (its bidirectional charger), annualised the same way."""
    infrastructure_life_years: float = 10.0
    sharing: SharingRule = field(default_factory=SharingRule)

    def __post_init__(self) -> None:
        if self.simulated_h <= 0 or self.participation_h_per_year <= 0:
            raise ValueError("simulated_h and participation_h_per_year must be > 0")
        if self.participation_h_per_year > HOURS_PER_YEAR:
            raise ValueError("participation_h_per_year cannot exceed 8760")
        if self.vehicles < 0 or self.infrastructure_life_years <= 0:
            raise ValueError("vehicles must be >= 0 and infrastructure_life_years > 0")


@dataclass(frozen=True, slots=True)
class Figures:
    """One column of the settlement table (the window, or the year)."""

    revenue_by_market: dict[str, float]
    revenue: float
    energy_cost: float
    wear_cost: float
    fixed_cost: float
    net_value: float
    driver_payout: float
    driver_payout_per_vehicle: float
    driver_wear: float
    driver_net_benefit: float
    aggregator_margin: float


@dataclass(frozen=True, slots=True)
class Settlement:
    currency: str
    annual_factor: float
    window: Figures
    year: Figures
    inputs: SettlementInputs

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["inputs"]["sharing"] = asdict(self.inputs.sharing)
        return data


def _figures(inputs: SettlementInputs, scale: float, fixed_cost: float) -> Figures:
    rule = inputs.sharing
    revenue_by_market = {k: v * scale for k, v in inputs.revenue_by_market.items()}
    revenue = sum(revenue_by_market.values())
    energy_cost = (inputs.energy_cost - inputs.drivers_charging_value) * scale
    driver_wear = inputs.wear_cost_drivers * scale
    wear_cost = driver_wear + inputs.wear_cost_other * scale
    net_value = revenue - energy_cost - wear_cost - fixed_cost
    months = inputs.simulated_h * scale / HOURS_PER_MONTH
    payout = (driver_wear if rule.wear_to_driver else 0.0) \
        + rule.driver_fixed_per_vehicle_per_month * inputs.vehicles * months \
        + rule.driver_share * max(net_value, 0.0)
    if inputs.vehicles == 0:
        payout = 0.0
    driver_net = payout - driver_wear
    return Figures(
        revenue_by_market=revenue_by_market, revenue=revenue, energy_cost=energy_cost, wear_cost=wear_cost,
        fixed_cost=fixed_cost, net_value=net_value, driver_payout=payout,
        driver_payout_per_vehicle=payout / inputs.vehicles if inputs.vehicles else 0.0,
        driver_wear=driver_wear, driver_net_benefit=driver_net, aggregator_margin=net_value - driver_net,
    )


def infrastructure_per_year(inputs: SettlementInputs) -> float:
    total = inputs.infrastructure_cost + inputs.infrastructure_cost_per_vehicle * inputs.vehicles
    return total / inputs.infrastructure_life_years


def settle(inputs: SettlementInputs) -> Settlement:
    """The window's settlement and its extrapolation to a year of participation."""
    factor = inputs.participation_h_per_year / inputs.simulated_h
    fixed_per_year = inputs.fixed_cost_per_month * 12 + infrastructure_per_year(inputs)
    window_fixed = fixed_per_year / factor
    return Settlement(inputs.currency, factor, _figures(inputs, 1.0, window_fixed),
                      _figures(inputs, factor, fixed_per_year), inputs)


@dataclass(frozen=True, slots=True)
class BreakEven:
    """What would make the net value zero, other things equal (None: not reachable that way)."""

    vehicles: float | None
    """Fleet size at which the per-vehicle margin (revenue - energy - wear - the vehicle's own charger)
    covers the fleet-independent costs (participation, site infrastructure)."""
    price_factor: float | None
    """Multiplier on every market price (revenue) at the simulated fleet size."""


def break_even(settlement: Settlement, fleet_vehicles: int) -> BreakEven:
    """Linear break-even on the annual figures: revenue, energy, wear and per-vehicle chargers scale with the
    fleet; participation and site infrastructure costs do not."""
    year = settlement.year
    inputs = settlement.inputs
    per_vehicle_infra = inputs.infrastructure_cost_per_vehicle * inputs.vehicles / inputs.infrastructure_life_years
    variable_margin = year.revenue - year.energy_cost - year.wear_cost - per_vehicle_infra
    vehicles = None
    if fleet_vehicles > 0 and variable_margin > 0:
        vehicles = (year.fixed_cost - per_vehicle_infra) / (variable_margin / fleet_vehicles)
    price_factor = (year.energy_cost + year.wear_cost + year.fixed_cost) / year.revenue if year.revenue > 0 else None
    return BreakEven(vehicles, price_factor)
