"""Settlement of EPRX awards in exact yen (Decimal): ΔkW revenue, withheld payments, penalties, kWh, wear.

Penalty rules (assumptions, named in `PenaltyRules` and docs/japan.md): a block failing アセスメントⅠ loses the
payment for its shortfall and pays `availability_multiple` x shortfall x price on top; a block failing
アセスメントⅡ loses its whole ΔkW payment and pays `tracking_multiple` x award x price on top. The kWh of an
activation are settled at `energy_price_yen_per_kwh` (the V1 price, we take the area's spot price), and every
discharged kWh costs `wear_yen_per_kwh` of battery wear.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal

from csms.grid.japan.assessment import AvailabilityAssessment, BlockAward, TrackingAssessment

YEN = Decimal(1)


@dataclass(frozen=True, slots=True)
class PenaltyRules:
    availability_multiple: Decimal = Decimal("1.5")
    tracking_multiple: Decimal = Decimal("1.5")


@dataclass(frozen=True, slots=True)
class BlockSettlement:
    product_code: str
    payment_yen: Decimal
    withheld_yen: Decimal
    penalty_yen: Decimal

    @property
    def net_yen(self) -> Decimal:
        return self.payment_yen - self.withheld_yen - self.penalty_yen


@dataclass(frozen=True, slots=True)
class Settlement:
    """Totals over blocks, in yen; `net_yen` is what the aggregator keeps."""

    delta_kw_revenue_yen: Decimal
    withheld_yen: Decimal
    penalty_yen: Decimal
    energy_yen: Decimal
    wear_yen: Decimal
    by_product_yen: dict[str, Decimal]

    @property
    def net_yen(self) -> Decimal:
        return (self.delta_kw_revenue_yen - self.withheld_yen - self.penalty_yen + self.energy_yen
                - self.wear_yen)


def settle_block(award: BlockAward, availability: AvailabilityAssessment, tracking: TrackingAssessment,
                 rules: PenaltyRules = PenaltyRules()) -> BlockSettlement:
    """One block's ΔkW money after both assessments (a tracking failure supersedes an availability one)."""
    payment = award.payment_yen
    if not tracking.passed:
        withheld = payment
        penalty = rules.tracking_multiple * payment
    elif not availability.passed:
        share = availability.shortfall_kw / award.awarded_kw if award.awarded_kw else Decimal(0)
        withheld = payment * share
        penalty = rules.availability_multiple * withheld
    else:
        withheld = penalty = Decimal(0)
    return BlockSettlement(award.product.code, payment, withheld, penalty)


def settle(blocks: Iterable[BlockSettlement], *, energy_kwh: Decimal = Decimal(0),
           energy_price_yen_per_kwh: Decimal = Decimal(0), discharged_kwh: Decimal = Decimal(0),
           wear_yen_per_kwh: Decimal = Decimal(0), energy_yen: Decimal | None = None) -> Settlement:
    """Sum the blocks and add the kWh settlement (+ `energy_kwh` = upward energy sold at one price, or an
    already priced `energy_yen`) and wear; every total is rounded to whole yen (half-even) once, at the end."""
    revenue = withheld = penalty = Decimal(0)
    by_product: dict[str, Decimal] = {}
    for block in blocks:
        revenue += block.payment_yen
        withheld += block.withheld_yen
        penalty += block.penalty_yen
        by_product[block.product_code] = by_product.get(block.product_code, Decimal(0)) + block.net_yen

    def yen(value: Decimal) -> Decimal:
        return value.quantize(YEN, rounding=ROUND_HALF_EVEN)

    return Settlement(
        delta_kw_revenue_yen=yen(revenue), withheld_yen=yen(withheld), penalty_yen=yen(penalty),
        energy_yen=yen(energy_kwh * energy_price_yen_per_kwh if energy_yen is None else energy_yen),
        wear_yen=yen(discharged_kwh * wear_yen_per_kwh),
        by_product_yen={code: yen(v) for code, v in sorted(by_product.items())},
    )
