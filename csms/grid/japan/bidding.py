"""The day-ahead offer: at 14:00 JST on D-1 (after the JEPX spot closes at 10:00) we offer upward ΔkW for each
of day D's 48 blocks, as a pure function of the fleet's forecast availability and price forecasts.

Rule (a small LP per block, solved by HiGHS through scipy's `linprog`):
  maximise  sum_p forecast_p x_p   over the offered kW x_p >= 0 of each product p,
  subject to  sum_p x_p <= up_kw                      (the fleet's upward capability in the block)
              sum_p x_p * sustain_h_p <= up_energy_kwh (the energy all offers would draw if activated at once
                                                        for their sustain time: stacked offers stay honourable)
`up_kw` is the baseline minus the lowest net power the plugged-in units could reach, `up_energy_kwh` the state
of charge above the drivers' reserve. The kW are then floored to `step_kw`; a product whose offer falls below its
minimum (or the aggregator's `min_offer_kw` override) is dropped and the block re-solved without it. A product
with a forecast <= 0 is not offered. The bid price is `bid_fraction` x the forecast, never below
`floor_yen_per_kw` (pay-as-bid: we shade below the expected clearing price to be accepted). The baseline (基準値)
submitted for the block is the planned net power.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_FLOOR, Decimal

from scipy.optimize import linprog

from csms.grid.japan._time import JST, SLOTS_PER_DAY, slot_start_utc
from csms.grid.japan.products import EprxProduct

GATE_CLOSURE_JST = time(14, 0)


@dataclass(frozen=True, slots=True)
class BlockAvailability:
    """The fleet's forecast for one block: net power plan (+ = import, kW), upward capability and energy."""

    baseline_kw: Decimal
    up_kw: Decimal
    up_energy_kwh: Decimal

    def __post_init__(self) -> None:
        if self.up_kw < 0 or self.up_energy_kwh < 0:
            raise ValueError("upward capability and energy must be >= 0")


@dataclass(frozen=True, slots=True)
class BlockOffer:
    block: int
    start_at: datetime
    product_code: str
    kw: Decimal
    price_yen_per_kw: Decimal
    baseline_kw: Decimal


@dataclass(frozen=True, slots=True)
class DayAheadPlan:
    delivery_date: date
    gate_at: datetime
    offers: tuple[BlockOffer, ...]

    def offered_kw(self, product_code: str) -> Decimal:
        """kW·blocks offered into one product over the day."""
        return sum((o.kw for o in self.offers if o.product_code == product_code), Decimal(0))


def gate_closure_at(delivery_date: date) -> datetime:
    """14:00 JST on the day before delivery, in UTC."""
    return datetime.combine(delivery_date - timedelta(days=1), GATE_CLOSURE_JST, JST).astimezone(UTC)


def plan_day_ahead(
    delivery_date: date,
    availability: Sequence[BlockAvailability],
    price_forecast_yen_per_kw: Mapping[str, Sequence[Decimal]],
    products: Sequence[EprxProduct],
    *,
    decided_at: datetime,
    step_kw: Decimal = Decimal(1),
    bid_fraction: Decimal = Decimal("0.9"),
    floor_yen_per_kw: Decimal = Decimal("0.01"),
    min_offer_kw: Decimal | None = None,
) -> DayAheadPlan:
    """Offers for `delivery_date`'s 48 blocks; `price_forecast_yen_per_kw[code]` gives 48 prices (円/kW・30分)."""
    gate = gate_closure_at(delivery_date)
    if decided_at > gate:
        raise ValueError(f"the offer for {delivery_date} closed at {gate.isoformat()}")
    if len(availability) != SLOTS_PER_DAY:
        raise ValueError(f"need {SLOTS_PER_DAY} blocks of availability, got {len(availability)}")
    for p in products:
        if len(price_forecast_yen_per_kw.get(p.code, ())) != SLOTS_PER_DAY:
            raise ValueError(f"need {SLOTS_PER_DAY} price forecasts for product {p.code}")
    offers: list[BlockOffer] = []
    for index, avail in enumerate(availability):
        block = index + 1
        candidates = [p for p in products if price_forecast_yen_per_kw[p.code][index] > 0]
        while candidates:
            prices = [price_forecast_yen_per_kw[p.code][index] for p in candidates]
            kws = _solve_block(avail, candidates, prices, step_kw)
            too_small = [p for p, kw in zip(candidates, kws, strict=True)
                         if kw < (Decimal(str(p.min_offer_kw)) if min_offer_kw is None else min_offer_kw)]
            if not too_small:
                break
            candidates = [p for p in candidates if p not in too_small]
        else:
            continue
        for p, price, kw in zip(candidates, prices, kws, strict=True):
            if kw > 0:
                offers.append(BlockOffer(block, slot_start_utc(delivery_date, block), p.code, kw,
                                         max(floor_yen_per_kw, (price * bid_fraction).quantize(Decimal("0.01"))),
                                         avail.baseline_kw))
    return DayAheadPlan(delivery_date, gate, tuple(offers))


def _solve_block(avail: BlockAvailability, products: Sequence[EprxProduct], prices: Sequence[Decimal],
                 step_kw: Decimal) -> list[Decimal]:
    """The LP of the module docstring for one block; kW floored to `step_kw`."""
    sustain_h = [p.sustain_s / 3600.0 for p in products]
    result = linprog(
        c=[-float(price) for price in prices],
        A_ub=[[1.0] * len(products), sustain_h], b_ub=[float(avail.up_kw), float(avail.up_energy_kwh)],
        bounds=[(0.0, None)] * len(products), method="highs",
    )
    if result.status != 0:  # pragma: no cover - bounded and feasible (x = 0) by construction
        raise RuntimeError(f"block LP failed: {result.message}")
    eps = 1e-9
    return [(Decimal(str(float(x) + eps)) / step_kw).to_integral_value(rounding=ROUND_FLOOR) * step_kw
            for x in result.x]
